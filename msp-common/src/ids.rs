//! Id newtypes, written once for every vendor crate: [`numeric_id!`](crate::numeric_id)
//! for ids that are 64-bit integers (ConnectWise, BeyondTrust) and
//! [`decimal_id!`](crate::decimal_id) for ids that are exact decimals too long for any
//! integer or float type (Kaseya's 15- to 26-digit SQL `decimal`s).
//!
//! Both flavours decode tolerantly — a numeric id also arrives as a string of digits from
//! servers built on .NET, and a decimal id as a number (read from its raw JSON text, never
//! through `f64`) or a string — and encode the way the vendor expects.
//!
//! ```
//! msp_common::numeric_id! {
//!     /// The id of a widget.
//!     WidgetId
//! }
//! msp_common::decimal_id! {
//!     /// The id of a gadget.
//!     GadgetId
//! }
//!
//! let w: WidgetId = serde_json::from_str("\"42\"").unwrap();
//! assert_eq!(w, WidgetId::from(42));
//! assert_eq!(w.get(), 42);
//! assert_eq!(serde_json::to_string(&w).unwrap(), "42");
//!
//! let g: GadgetId = serde_json::from_str("72135976418143160123456789").unwrap();
//! assert_eq!(g.as_str(), "72135976418143160123456789");
//! assert_eq!(serde_json::to_string(&g).unwrap(), "\"72135976418143160123456789\"");
//! assert!("12x".parse::<GadgetId>().is_err());
//! ```

use std::fmt;

use serde::Deserializer;
use serde::de::{self, MapAccess, Visitor};

/// The token serde_json uses to hand a value's raw text to a deserializer.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not {expected}")]
pub struct InvalidId {
    text: String,
    expected: &'static str,
}

impl InvalidId {
    /// The text that was refused.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Normalizes `text` to the digits of a non-negative integer of at most 38 digits: a
/// trailing OData `M`, leading zeros and an all-zero fraction (`"123.0"`) are accepted.
pub fn normalize_decimal(text: &str) -> Result<String, InvalidId> {
    let t = text.trim();
    let t = t.strip_suffix(['M', 'm']).unwrap_or(t);
    let t = match t.split_once('.') {
        Some((int, frac)) if !int.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        _ => t,
    };
    if t.is_empty() || t.len() > 38 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidId {
            text: text.to_owned(),
            expected: "a decimal id: expected 1 to 38 digits",
        });
    }
    let digits = t.trim_start_matches('0');
    Ok(if digits.is_empty() { "0" } else { digits }.to_owned())
}

/// Parses a numeric id from its text (surrounding spaces allowed).
pub fn parse_numeric(text: &str) -> Result<u64, InvalidId> {
    text.trim().parse().map_err(|_| InvalidId {
        text: text.to_owned(),
        expected: "a numeric id: expected an integer from 0 to 18446744073709551615",
    })
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal id (an integer or a string of digits)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        u64::try_from(v)
            .map(|v| v.to_string())
            .map_err(|_| E::custom(format!("an id cannot be negative: {v}")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        // Only reached through formats that lost the raw text; accept what is exact.
        if v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) {
            Ok(format!("{v:.0}"))
        } else {
            Err(E::custom(format!(
                "the id {v} lost digits in floating point; it must be sent as an exact integer or string"
            )))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        // A raw JSON token: a number as written, or a quoted string.
        let v = v.trim();
        let inner = v
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap_or(v);
        normalize_decimal(inner).map_err(E::custom)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        // serde_json's raw-value handshake: one entry whose value is the raw text.
        let _key: Option<de::IgnoredAny> = map.next_key()?;
        let raw: String = map.next_value()?;
        self.visit_str(&raw)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

/// Reads the digits of a decimal id from a number (its raw text) or a string.
pub fn deserialize_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_newtype_struct(RAW_TOKEN, DecimalVisitor)
}

struct NumericVisitor;

impl<'de> Visitor<'de> for NumericVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a numeric id (an integer or a string of digits)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("an id cannot be negative: {v}")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        if v.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&v) {
            Ok(v as u64)
        } else {
            Err(E::custom(format!("{v} is not an integer id")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse_numeric(v).map_err(E::custom)
    }
}

/// Reads a numeric id from a JSON number or a string of digits.
pub fn deserialize_numeric<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    d.deserialize_any(NumericVisitor)
}

/// Defines `u64` id newtypes: `Copy`, ordered, hashable, `Default`, `Display`,
/// `FromStr`, `From<u64>` and back, `.get()`, serialized as a JSON number and decoded
/// from a number or a string of digits. See the [module docs](crate::ids).
#[macro_export]
macro_rules! numeric_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u64);

        impl $name {
            /// The number as the server uses it.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl ::core::convert::From<u64> for $name {
            fn from(id: u64) -> Self {
                $name(id)
            }
        }

        impl ::core::convert::From<$name> for u64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::ids::InvalidId;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                $crate::ids::parse_numeric(s).map($name)
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_u64(self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::ids::deserialize_numeric(d).map($name)
            }
        }
    )*};
}

/// Defines exact-decimal id newtypes over their digits: ordered numerically, hashable,
/// `Display`, `FromStr` (a trailing `M` and leading zeros accepted), `From<u64>` and
/// `From<u128>`, `.new(digits)`, `.as_str()`, serialized as a string of digits and
/// decoded from a number (its raw text, never through `f64`) or a string. See the
/// [module docs](crate::ids).
#[macro_export]
macro_rules! decimal_id {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {$(
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        /// Numeric order (`9` before `10`): the digits carry no leading zeros, so the
        /// shorter number is the smaller one.
        impl ::core::cmp::Ord for $name {
            fn cmp(&self, other: &Self) -> ::core::cmp::Ordering {
                self.0
                    .len()
                    .cmp(&other.0.len())
                    .then_with(|| self.0.cmp(&other.0))
            }
        }

        impl ::core::cmp::PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> ::core::option::Option<::core::cmp::Ordering> {
                ::core::option::Option::Some(self.cmp(other))
            }
        }

        impl $name {
            /// The id from its decimal digits (`"121747357971679"`; a trailing `M` and
            /// leading zeros are accepted).
            pub fn new(digits: &str) -> ::core::result::Result<Self, $crate::ids::InvalidId> {
                $crate::ids::normalize_decimal(digits).map(Self)
            }

            /// The decimal digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::core::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = $crate::ids::InvalidId;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl ::core::convert::From<u64> for $name {
            fn from(v: u64) -> Self {
                Self(v.to_string())
            }
        }

        impl ::core::convert::From<u128> for $name {
            fn from(v: u128) -> Self {
                Self(v.to_string())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::ids::deserialize_decimal(d).map(Self)
            }
        }
    )*};
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    crate::numeric_id! {
        /// A test id.
        TestId
    }
    crate::decimal_id! {
        /// A test decimal id.
        TestDecimal
    }

    #[test]
    fn numeric_ids_decode_numbers_and_strings_and_refuse_the_rest() {
        for text in ["7", "\"7\"", "\" 7 \"", "7.0"] {
            let id: TestId = serde_json::from_str(text).unwrap();
            assert_eq!(id.get(), 7, "{text}");
        }
        for bad in [
            "-1",
            "\"x\"",
            "7.5",
            "null",
            "[]",
            "\"18446744073709551616\"",
        ] {
            assert!(serde_json::from_str::<TestId>(bad).is_err(), "{bad}");
        }
        assert_eq!("12".parse::<TestId>().unwrap(), TestId(12));
        assert!("".parse::<TestId>().is_err());
    }

    #[test]
    fn decimal_ids_keep_every_digit_and_order_numerically() {
        let big: TestDecimal = serde_json::from_str("72135976418143160123456789").unwrap();
        assert_eq!(big.as_str(), "72135976418143160123456789");
        let quoted: TestDecimal = serde_json::from_str("\"00042M\"").unwrap();
        assert_eq!(quoted.as_str(), "42");
        assert!(TestDecimal::from(9u64) < TestDecimal::from(10u64));
        for bad in ["-1", "\"4x\"", "1.5", "\"\""] {
            assert!(serde_json::from_str::<TestDecimal>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            format!("{big:?}"),
            "TestDecimal(72135976418143160123456789)"
        );
    }
}
