//! Exact decimal identifiers.
//!
//! VSA identifiers (`AgentId`, `OrgId`, `MachineGroupId`, …) are SQL `decimal`s of 15 to
//! 26 digits. They overflow `i64` and lose digits in `f64`, so each is a newtype over its
//! decimal digits. Decoding accepts a JSON number *exactly as written* (the crate reads the
//! raw token, never an `f64`) or a string of digits; encoding writes a string of digits;
//! in a `$filter` an id is written with the `M` suffix OData needs for decimals
//! (`AgentId eq 121747357971679M`).
//!
//! ```
//! use kaseya_vsa_client::ids::AgentId;
//!
//! #[derive(serde::Deserialize)]
//! struct Row { #[serde(rename = "AgentId")] agent_id: AgentId }
//!
//! let row: Row = serde_json::from_str(r#"{"AgentId": 72135976418143160123456789}"#).unwrap();
//! assert_eq!(row.agent_id.as_str(), "72135976418143160123456789");
//! assert_eq!(row.agent_id.to_odata(), "72135976418143160123456789M");
//! ```

use std::fmt;
use std::str::FromStr;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The token serde_json uses to hand a value's raw text to a deserializer.
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Why a text is not a decimal id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a decimal id: expected 1 to 38 digits")]
pub struct InvalidId(pub String);

/// Normalizes `text` to the digits of a non-negative integer.
fn normalize(text: &str) -> Result<String, InvalidId> {
    let t = text.trim();
    let t = t.strip_suffix(['M', 'm']).unwrap_or(t);
    // "123.0" is an integral decimal the server may render; keep the integer part.
    let t = match t.split_once('.') {
        Some((int, frac)) if !int.is_empty() && frac.bytes().all(|b| b == b'0') => int,
        _ => t,
    };
    if t.is_empty() || t.len() > 38 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(InvalidId(text.to_owned()));
    }
    let digits = t.trim_start_matches('0');
    Ok(if digits.is_empty() { "0" } else { digits }.to_owned())
}

struct IdVisitor;

impl<'de> Visitor<'de> for IdVisitor {
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
            .map_err(|_| E::custom(format!("a decimal id cannot be negative: {v}")))
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
        normalize(inner).map_err(E::custom)
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

fn deserialize_digits<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_newtype_struct(RAW_TOKEN, IdVisitor)
}

macro_rules! decimal_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        /// Numeric order (`9` before `10`): the digits carry no leading zeros, so the
        /// shorter number is the smaller one.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0
                    .len()
                    .cmp(&other.0.len())
                    .then_with(|| self.0.cmp(&other.0))
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl $name {
            /// The id from its decimal digits (`"121747357971679"`; a trailing `M` and
            /// leading zeros are accepted).
            pub fn new(digits: &str) -> Result<Self, InvalidId> {
                normalize(digits).map(Self)
            }

            /// The decimal digits.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an OData decimal literal: digits followed by `M`.
            pub fn to_odata(&self) -> String {
                format!("{}M", self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, InvalidId> {
                Self::new(s)
            }
        }

        impl From<u64> for $name {
            fn from(v: u64) -> Self {
                Self(v.to_string())
            }
        }

        impl From<u128> for $name {
            fn from(v: u128) -> Self {
                Self(v.to_string())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_digits(d).map(Self)
            }
        }

        impl crate::odata::ToLiteral for $name {
            fn to_literal(&self) -> String {
                self.to_odata()
            }
        }

        impl crate::odata::ToLiteral for &$name {
            fn to_literal(&self) -> String {
                self.to_odata()
            }
        }
    };
}

decimal_id!(
    /// An agent (machine) id.
    AgentId
);
decimal_id!(
    /// An organization id.
    OrgId
);
decimal_id!(
    /// A machine group id.
    MachineGroupId
);
decimal_id!(
    /// A department id.
    DepartmentId
);
decimal_id!(
    /// An agent procedure id.
    AgentProcedureId
);
decimal_id!(
    /// An asset id.
    AssetId
);
decimal_id!(
    /// An alarm id.
    AlarmId
);
decimal_id!(
    /// A user id.
    UserId
);
decimal_id!(
    /// A role id.
    RoleId
);
decimal_id!(
    /// A scope id.
    ScopeId
);
decimal_id!(
    /// A view id.
    ViewId
);
decimal_id!(
    /// A partition (tenant) id.
    PartitionId
);
decimal_id!(
    /// A generic decimal id, for fields this crate does not name.
    DecimalId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Row {
        #[serde(rename = "AgentId")]
        agent: AgentId,
        #[serde(rename = "OrgId", default)]
        org: Option<OrgId>,
    }

    #[test]
    fn exact_from_numbers_and_strings() {
        let big = "72135976418143160123456789";
        let row: Row =
            serde_json::from_str(&format!(r#"{{"AgentId":{big},"OrgId":"0042"}}"#)).unwrap();
        assert_eq!(row.agent.as_str(), big);
        assert_eq!(row.org.as_ref().unwrap().as_str(), "42");
        let row: Row =
            serde_json::from_str(r#"{"AgentId":"694825728222021","OrgId":null}"#).unwrap();
        assert_eq!(row.agent.as_str(), "694825728222021");
        assert_eq!(row.org, None);
        let back = serde_json::to_string(&row).unwrap();
        assert_eq!(back, r#"{"AgentId":"694825728222021","OrgId":null}"#);
    }

    #[test]
    fn exact_through_buffered_formats() {
        // serde_json::Value (and flatten/untagged buffering) hand over u64s or strings.
        let v = serde_json::json!({"AgentId": 121747357971679u64});
        let row: Row = serde_json::from_value(v).unwrap();
        assert_eq!(row.agent.as_str(), "121747357971679");
    }

    #[test]
    fn ids_order_as_numbers() {
        let mut ids: Vec<AgentId> = [
            "10",
            "9",
            "72135976418143160123456789",
            "0",
            "121747357971679",
        ]
        .iter()
        .map(|d| AgentId::new(d).unwrap())
        .collect();
        ids.sort();
        let sorted: Vec<&str> = ids.iter().map(AgentId::as_str).collect();
        assert_eq!(
            sorted,
            [
                "0",
                "9",
                "10",
                "121747357971679",
                "72135976418143160123456789"
            ]
        );
        assert!(AgentId::from(9u64) < AgentId::from(10u64));
        assert!(AgentId::new("007").unwrap() < AgentId::from(10u64));
    }

    #[test]
    fn refuses_what_is_not_an_exact_id() {
        for bad in [
            r#"{"AgentId":-5}"#,
            r#"{"AgentId":7.213597641814316e+25}"#,
            r#"{"AgentId":"12a"}"#,
            r#"{"AgentId":true}"#,
            r#"{"AgentId":""}"#,
            r#"{"AgentId":1.5}"#,
        ] {
            assert!(serde_json::from_str::<Row>(bad).is_err(), "{bad}");
        }
        let row: Row = serde_json::from_str(r#"{"AgentId":12.0}"#).unwrap();
        assert_eq!(row.agent.as_str(), "12");
        assert_eq!(AgentId::new("123M").unwrap().to_odata(), "123M");
        assert!(AgentId::new("1".repeat(39).as_str()).is_err());
    }
}

// Ids of the agents, packages, assets, notes, files and info center chapters.
decimal_id!(
    /// An agent install package id (`PackageId`).
    PackageId
);
decimal_id!(
    /// A Discovery network id (`GET /assetmgmt/agentsonnetwork/{networkId}`).
    NetworkId
);
decimal_id!(
    /// An agent note id (`ID` of `GET /assetmgmt/agent/notes`).
    NoteId
);
decimal_id!(
    /// An info center message id (`ID` of `GET /infocenter/messages`).
    MessageId
);
decimal_id!(
    /// An asset type id (`AssetTypeId`).
    AssetTypeId
);
