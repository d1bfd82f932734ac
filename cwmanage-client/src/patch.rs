//! JSON Patch operations for `PATCH` calls.
//!
//! Manage takes a JSON array of `{"op","path","value"}` with `op` one of `add`,
//! `replace`, `remove`, and nested paths written with `/` (`status/id`).
//!
//! ```
//! use cwmanage_client::patch::PatchOp;
//!
//! let ops = vec![
//!     PatchOp::replace("status/id", 123),
//!     PatchOp::replace_custom_field(7, "West"),
//!     PatchOp::remove("contact"),
//! ];
//! assert_eq!(
//!     serde_json::to_value(&ops).unwrap(),
//!     serde_json::json!([
//!         {"op": "replace", "path": "status/id", "value": 123},
//!         {"op": "replace", "path": "customFields", "value": [{"id": 7, "value": "West"}]},
//!         {"op": "remove", "path": "contact"}
//!     ])
//! );
//! ```

use serde::{Deserialize, Serialize};

/// The kind of a patch operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PatchKind {
    /// `add`
    Add,
    /// `replace`
    Replace,
    /// `remove`
    Remove,
}

/// One patch operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[must_use]
pub struct PatchOp {
    /// The operation.
    pub op: PatchKind,
    /// The field path (`summary`, `status/id`).
    pub path: String,
    /// The value (absent for `remove`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

impl PatchOp {
    fn new(op: PatchKind, path: impl Into<String>, value: Option<serde_json::Value>) -> Self {
        PatchOp {
            op,
            path: path.into(),
            value,
        }
    }

    /// `{"op":"add","path":…,"value":…}`
    pub fn add(path: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self::new(PatchKind::Add, path, Some(value.into()))
    }

    /// `{"op":"replace","path":…,"value":…}`
    pub fn replace(path: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        Self::new(PatchKind::Replace, path, Some(value.into()))
    }

    /// `{"op":"remove","path":…}`
    pub fn remove(path: impl Into<String>) -> Self {
        Self::new(PatchKind::Remove, path, None)
    }

    /// Replaces one custom field by id:
    /// `{"op":"replace","path":"customFields","value":[{"id":7,"value":"West"}]}`.
    pub fn replace_custom_field(id: u64, value: impl Into<serde_json::Value>) -> Self {
        Self::replace_custom_fields([(id, value.into())])
    }

    /// Replaces several custom fields by id in one operation.
    pub fn replace_custom_fields(
        fields: impl IntoIterator<Item = (u64, serde_json::Value)>,
    ) -> Self {
        let values: Vec<serde_json::Value> = fields
            .into_iter()
            .map(|(id, value)| serde_json::json!({"id": id, "value": value}))
            .collect();
        Self::replace("customFields", values)
    }
}
