//! The serde types of Manage records.
//!
//! Models are tolerant: every field the server may omit (or that a `fields=` selection
//! leaves out) is an `Option`, collections default to empty, unknown fields are kept in
//! `extra`, and nothing uses `deny_unknown_fields`. They serialize back without the
//! `None` fields, so a model can be used as the body of a create or replace.

mod company;
mod service;
mod system;

pub use company::{Agreement, Company, Configuration, Contact};
pub use service::{Board, BoardStatus, Priority, Ticket, TicketNote, TimeEntry};
pub use system::{CallbackEntry, CompanyInfo, Member, SystemInfo};

use serde::{Deserialize, Serialize};

/// Unknown fields of a record, kept as sent.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// The ids, from [`msp_common::numeric_id!`], plus `From<Id> for conditions::Value` so an
/// id compares in a condition (`Condition::field("company/id").eq(company_id)`).
macro_rules! ids {
    ($($(#[$meta:meta])* $name:ident),* $(,)?) => {
        msp_common::numeric_id! { $($(#[$meta])* $name),* }
        $(
            impl From<$name> for crate::conditions::Value {
                fn from(id: $name) -> Self {
                    crate::conditions::Value::from(id.get())
                }
            }
        )*
    };
}

ids! {
    /// The id of a service ticket.
    TicketId,
    /// The id of a company.
    CompanyId,
    /// The id of a contact.
    ContactId,
    /// The id of a configuration.
    ConfigurationId,
    /// The id of a service board.
    BoardId,
    /// The id of a board status.
    StatusId,
    /// The id of a priority.
    PriorityId,
    /// The id of a member.
    MemberId,
    /// The id of a ticket note.
    NoteId,
    /// The id of a time entry.
    TimeEntryId,
    /// The id of an agreement.
    AgreementId,
    /// The id of a callback registration.
    CallbackId,
}

/// A reference to another record: `{ "id": 5, "name": "…", "_info": {…} }` (some use
/// `identifier`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reference {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The identifier (companies, members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Links and metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
    /// Other fields (`sort` on a status, say).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Reference {
    /// A reference by id: what a write sends (`{"id": 5}`).
    pub fn id(id: u64) -> Self {
        Reference {
            id: Some(id),
            ..Reference::default()
        }
    }
}

/// A custom field value: `{id, caption, type, entryMethod, numberOfDecimals, value, connectWiseId}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomFieldValue {
    /// The custom field id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
    /// The caption shown in Manage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The type (`Text`, `Number`, `Date`, `Checkbox`, …).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// How it is entered (`EntryField`, `List`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_method: Option<String>,
    /// Decimals for numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_decimals: Option<u32>,
    /// The value (any JSON type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The global id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
    /// Other fields.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of a `/count` endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Count {
    pub(crate) count: u64,
}
