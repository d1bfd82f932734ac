//! Tolerant decoding of scalar fields, written once for every vendor's models.
//!
//! Vendors built on .NET send 64-bit counters as strings, booleans as `0`/`1`, empty
//! strings for absent values, and timestamps with or without a zone and with up to seven
//! fraction digits. A field the caller does not need to address the record must never
//! fail a whole call because of its JSON type: these functions read every such shape, and
//! fall back to `None` for a value that cannot be read (a string that is not a number,
//! say) instead of failing.
//!
//! Use them with `#[serde(default, deserialize_with = "…")]` on `Option` fields:
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Agent {
//!     #[serde(default, deserialize_with = "msp_common::lenient::opt_u64")]
//!     ram_mbytes: Option<u64>,
//!     #[serde(default, deserialize_with = "msp_common::lenient::opt_bool")]
//!     online: Option<bool>,
//!     #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
//!     last_check_in: Option<DateTime<Utc>>,
//!     #[serde(default, deserialize_with = "msp_common::lenient::opt_string")]
//!     serial: Option<String>,
//! }
//!
//! let a: Agent = serde_json::from_str(
//!     r#"{"ram_mbytes":"16384","online":1,"last_check_in":"2019-03-21T11:33:04.8330000","serial":12345}"#,
//! ).unwrap();
//! assert_eq!(a.ram_mbytes, Some(16384));
//! assert_eq!(a.online, Some(true));
//! assert_eq!(a.last_check_in.unwrap().to_rfc3339(), "2019-03-21T11:33:04.833+00:00");
//! assert_eq!(a.serial.as_deref(), Some("12345"));
//!
//! let b: Agent = serde_json::from_str(
//!     r#"{"ram_mbytes":"","online":"no idea","last_check_in":"0001-01-01T00:00:00","serial":null}"#,
//! ).unwrap();
//! assert_eq!((b.ram_mbytes, b.online, b.serial), (None, None, None));
//! assert!(b.last_check_in.is_some()); // a real (if odd) date: kept
//! ```

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use std::fmt;

use serde::Deserializer;
use serde::de::{self, EnumAccess, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A scalar as it came: the shapes the functions below accept.
enum Scalar {
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    /// An array, an object or anything else (consumed and ignored).
    Other,
}

/// Reads any JSON value into a [`Scalar`] in one pass: no buffering and no error
/// raised and discarded per shape tried (what `#[serde(untagged)]` costs), so a
/// lenient field costs what a plain one does. A non-negative integer is a `U64`, a
/// negative one an `I64`.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<Scalar>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(match u64::try_from(v) {
            Ok(n) => Scalar::U64(n),
            Err(_) => Scalar::I64(v),
        }))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::U64(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Scalar::F64(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Str(v.to_owned())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(Scalar::Str(v)))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(Some(match std::str::from_utf8(v) {
            Ok(text) => Scalar::Str(text.to_owned()),
            Err(_) => Scalar::Other,
        }))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Some(Scalar::Other))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_map(map).map(|_| Some(Scalar::Other))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        IgnoredAny.visit_enum(data).map(|_| Some(Scalar::Other))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Scalar>, D::Error> {
    Ok(d.deserialize_option(ScalarVisitor)?
        .filter(|s| !matches!(s, Scalar::Str(t) if t.trim().is_empty())))
}

/// Text from a string, a number or a boolean; `null` and `""` are `None`; arrays and
/// objects are `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::Str(s)) => Some(s),
        Some(Scalar::U64(n)) => Some(n.to_string()),
        Some(Scalar::I64(n)) => Some(n.to_string()),
        Some(Scalar::F64(n)) => Some(n.to_string()),
        Some(Scalar::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// An unsigned integer from a number or a numeric string (`"42"`, `"42.0"`); anything
/// else (negative, fractional, text, `""`) is `None`.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::U64(n)) => Some(n),
        Some(Scalar::I64(n)) => u64::try_from(n).ok(),
        Some(Scalar::F64(f)) => whole(f).and_then(|f| u64::try_from(f).ok()),
        Some(Scalar::Str(s)) => parse_integer(&s).and_then(|n| u64::try_from(n).ok()),
        _ => None,
    })
}

/// A signed integer from a number or a numeric string; anything else is `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::U64(n)) => i64::try_from(n).ok(),
        Some(Scalar::I64(n)) => Some(n),
        Some(Scalar::F64(f)) => whole(f).and_then(|f| i64::try_from(f).ok()),
        Some(Scalar::Str(s)) => parse_integer(&s).and_then(|n| i64::try_from(n).ok()),
        _ => None,
    })
}

/// A number from a number or a numeric string; anything else is `None`.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::U64(n)) => Some(n as f64),
        Some(Scalar::I64(n)) => Some(n as f64),
        Some(Scalar::F64(f)) => Some(f),
        Some(Scalar::Str(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    })
}

/// A boolean from `true`/`false`, `0`/`1` (numbers or strings), `"yes"`/`"no"`,
/// `"y"`/`"n"`, `"on"`/`"off"` (any case); anything else is `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::Bool(b)) => Some(b),
        Some(Scalar::U64(n)) => match n {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        },
        Some(Scalar::I64(_) | Scalar::F64(_)) => None,
        Some(Scalar::Str(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "on" => Some(true),
            "false" | "0" | "no" | "n" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

/// A timestamp: RFC 3339 with a zone, or without one (`2019-03-21T11:33:04.833`, up to
/// nine fraction digits, `T` or a space), which is read as UTC, or a bare date (midnight
/// UTC); `null`, `""` and unreadable text are `None`.
pub fn opt_datetime<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(match scalar(d)? {
        Some(Scalar::Str(s)) => parse_datetime(&s),
        _ => None,
    })
}

/// Parses a timestamp the way [`opt_datetime`] does.
///
/// ```
/// use msp_common::lenient::parse_datetime;
/// assert!(parse_datetime("2026-12-01T04:16:58Z").is_some());
/// assert!(parse_datetime("2026-12-01T04:16:58.6280000").is_some());
/// assert!(parse_datetime("2026-12-01 04:16:58").is_some());
/// assert!(parse_datetime("2026-12-01").is_some());
/// assert!(parse_datetime("yesterday").is_none());
/// ```
pub fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.to_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return Some(naive.and_utc());
        }
    }
    if let Ok(zoned) = DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%#z") {
        return Some(zoned.to_utc());
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|naive| naive.and_utc())
}

fn whole(f: f64) -> Option<i128> {
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 9.3e18).then_some(f as i128)
}

fn parse_integer(text: &str) -> Option<i128> {
    let t = text.trim();
    if let Ok(n) = t.parse::<i128>() {
        return Some(n);
    }
    t.parse::<f64>().ok().and_then(whole)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct All {
        #[serde(default, deserialize_with = "opt_u64")]
        u: Option<u64>,
        #[serde(default, deserialize_with = "opt_i64")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "opt_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(default, deserialize_with = "opt_datetime")]
        t: Option<DateTime<Utc>>,
    }

    #[test]
    fn every_odd_shape_decodes_or_falls_back_to_none() {
        let all: All = serde_json::from_str(
            r#"{"u":"18446744073709551615","i":"-5","f":"2.5","b":"True","s":true,"t":"2026-12-01T04:16:58+01:00"}"#,
        )
        .unwrap();
        assert_eq!(all.u, Some(u64::MAX));
        assert_eq!(all.i, Some(-5));
        assert_eq!(all.f, Some(2.5));
        assert_eq!(all.b, Some(true));
        assert_eq!(all.s.as_deref(), Some("true"));
        assert_eq!(all.t.unwrap().to_rfc3339(), "2026-12-01T03:16:58+00:00");
        for odd in [
            r#"{"u":-1,"i":1e300,"f":"x","b":7,"s":[1],"t":12}"#,
            r#"{"u":{},"i":"","f":null,"b":"","s":"","t":"not a date"}"#,
            r#"{"u":"1.5","i":"9223372036854775808","f":"NaN","b":[],"s":{},"t":""}"#,
            "{}",
        ] {
            let all: All = serde_json::from_str(odd).unwrap_or_else(|e| panic!("{odd}: {e}"));
            assert_eq!(
                all,
                All {
                    u: None,
                    i: None,
                    f: None,
                    b: None,
                    s: None,
                    t: None
                },
                "{odd}"
            );
        }
    }
}
