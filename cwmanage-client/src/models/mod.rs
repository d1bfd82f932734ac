//! The serde types of Manage records.
//!
//! Models are tolerant: every field the server may omit (or that a `fields=` selection
//! leaves out) is an `Option`, collections default to empty, unknown fields are kept in
//! `extra` and `_info` objects in `info` (both as their JSON text, read as a map on first
//! access: see [`Extra`]), and nothing uses `deny_unknown_fields`. Scalars that do not address a record
//! (flags, sort orders, counters, hours, versions) and reference ids are read with
//! [`msp_common::lenient`]: numbers that arrive as strings, booleans as `0`/`1` or
//! `"true"`, and empty strings decode (or fall back to `None`) instead of failing the
//! whole call. They serialize back without the
//! `None` fields, so a model can be used as the body of a create or replace.

mod company;
pub(crate) mod extra;
mod service;
mod system;

pub use company::{Agreement, Company, Configuration, Contact};
pub use service::{Board, BoardStatus, Priority, Ticket, TicketNote, TimeEntry};
pub use system::{CallbackEntry, CompanyInfo, Member, SystemInfo};

use serde::{Deserialize, Serialize};

pub use extra::Extra;
use extra::keep_unknown_fields;

/// The `_info` object of a record or a reference (links and metadata: `lastUpdated`,
/// `updatedBy`, `…_href`): an [`Extra`], kept as the JSON text it came in and read as a
/// map on first access.
pub type Info = Extra;

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

keep_unknown_fields! {
/// A reference to another record: `{ "id": 5, "name": "…", "_info": {…} }` (some use
/// `identifier`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct Reference {
    /// The id.
    #[serde(
        default,
        deserialize_with = "crate::models::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<u64>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The identifier (companies, members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Links and metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Other fields (`sort` on a status, say).
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
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

keep_unknown_fields! {
/// A custom field value: `{id, caption, type, entryMethod, numberOfDecimals, value, connectWiseId}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomFieldValue {
    /// The custom field id.
    #[serde(
        default,
        deserialize_with = "crate::models::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
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
    #[serde(
        default,
        deserialize_with = "opt_u32",
        skip_serializing_if = "Option::is_none"
    )]
    pub number_of_decimals: Option<u32>,
    /// The value (any JSON type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    /// The global id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connect_wise_id: Option<String>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

/// The answer of a `/count` endpoint: the number, or a string of digits (.NET servers
/// send 64-bit counters so); anything else is a decode error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Count {
    #[serde(deserialize_with = "count")]
    pub(crate) count: u64,
}

fn count<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    msp_common::lenient::opt_u64(d)?
        .ok_or_else(|| serde::de::Error::custom("`count` is not a whole number"))
}

/// An id (a reference's, a callback's): a number or a string of digits, as the
/// workspace's id types read them; `null` and `""` are `None`; anything else (`"one"`,
/// `-1`) is a decode error naming the field, since a wrong id must not pass silently.
pub(crate) fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match d.deserialize_option(IdVisitor) {
        Ok(Id::Absent) => Ok(None),
        Ok(Id::Number(n)) => Ok(Some(n)),
        Ok(Id::Text(t)) if t.trim().is_empty() => Ok(None),
        Ok(Id::Text(t)) => t.trim().parse::<u64>().map(Some).map_err(|_| {
            serde::de::Error::custom(format!("{t:?} is not a record id (a whole number)"))
        }),
        Ok(Id::Wrong) | Err(_) => Err(serde::de::Error::custom(
            "expected a record id (a whole number, or a string of digits)",
        )),
    }
}

/// An id as it came, read in one pass (a visitor, not `#[serde(untagged)]`, which
/// buffers the value and raises an error per shape tried).
enum Id {
    Absent,
    Number(u64),
    Text(String),
    Wrong,
}

struct IdVisitor;

impl<'de> serde::de::Visitor<'de> for IdVisitor {
    type Value = Id;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a record id (a whole number, or a string of digits)")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Id, E> {
        Ok(Id::Absent)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Id, E> {
        Ok(Id::Absent)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Id, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Id, E> {
        Ok(Id::Number(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Id, E> {
        Ok(u64::try_from(v).map_or(Id::Wrong, Id::Number))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Id, E> {
        Ok(Id::Wrong)
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Id, E> {
        Ok(Id::Wrong)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
        Ok(Id::Text(v.to_owned()))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Id, E> {
        Ok(std::str::from_utf8(v).map_or(Id::Wrong, |t| Id::Text(t.to_owned())))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Id, A::Error> {
        serde::de::IgnoredAny.visit_seq(seq).map(|_| Id::Wrong)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Id, A::Error> {
        serde::de::IgnoredAny.visit_map(map).map(|_| Id::Wrong)
    }
}

/// [`msp_common::lenient::opt_u64`], for a `u32` field (out of range is `None`).
fn opt_u32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(msp_common::lenient::opt_u64(d)?.and_then(|n| u32::try_from(n).ok()))
}

/// [`msp_common::lenient::opt_i64`], for an `i32` field (out of range is `None`).
fn opt_i32<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    Ok(msp_common::lenient::opt_i64(d)?.and_then(|n| i32::try_from(n).ok()))
}
