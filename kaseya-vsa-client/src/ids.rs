//! Exact decimal identifiers.
//!
//! VSA identifiers (`AgentId`, `OrgId`, `MachineGroupId`, …) are SQL `decimal`s of 15 to
//! 26 digits. They overflow `i64` and lose digits in `f64`, so each is a newtype over its
//! decimal digits, defined with the workspace's one id macro,
//! [`msp_common::decimal_id!`]. Decoding accepts a JSON number *exactly as written* (the
//! raw token is read, never an `f64`) or a string of digits; encoding writes a string of
//! digits; in a `$filter` an id is written with the `M` suffix OData needs for decimals
//! (`AgentId eq 121747357971679M`): [`AgentId::to_odata`], and every id is a
//! [`ToLiteral`] of the [`odata`](crate::odata) builder.
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

pub use msp_common::ids::InvalidId;

use crate::odata::ToLiteral;

/// Defines the ids with [`msp_common::decimal_id!`] and adds the VSA's own part: the
/// OData decimal literal (`to_odata()`, [`ToLiteral`]).
macro_rules! vsa_ids {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        msp_common::decimal_id! { $($(#[$meta])* $name),* }

        $(
            impl $name {
                /// The id as an OData decimal literal: digits followed by `M`.
                pub fn to_odata(&self) -> String {
                    format!("{}M", self.as_str())
                }
            }

            impl ToLiteral for $name {
                fn to_literal(&self) -> String {
                    self.to_odata()
                }
            }

            impl ToLiteral for &$name {
                fn to_literal(&self) -> String {
                    self.to_odata()
                }
            }
        )*
    };
}

vsa_ids! {
    /// An agent (machine) id.
    AgentId,
    /// An organization id.
    OrgId,
    /// A machine group id.
    MachineGroupId,
    /// A department id.
    DepartmentId,
    /// An agent procedure id.
    AgentProcedureId,
    /// An asset id.
    AssetId,
    /// An alarm id.
    AlarmId,
    /// A user id.
    UserId,
    /// A role id.
    RoleId,
    /// A scope id.
    ScopeId,
    /// A view id.
    ViewId,
    /// A partition (tenant) id.
    PartitionId,
    /// A generic decimal id, for fields this crate does not name.
    DecimalId,
    /// An agent install package id (`PackageId`).
    PackageId,
    /// A Discovery network id (`GET /assetmgmt/agentsonnetwork/{networkId}`).
    NetworkId,
    /// An agent note id (`ID` of `GET /assetmgmt/agent/notes`).
    NoteId,
    /// An info center message id (`ID` of `GET /infocenter/messages`).
    MessageId,
    /// An asset type id (`AssetTypeId`).
    AssetTypeId,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

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
