use serde::Serialize;

use super::{
    BoardId, CompanyId, CustomFieldValue, Extra, Info, NoteId, PriorityId, Reference, StatusId,
    TicketId, TimeEntryId, keep_unknown_fields,
};

keep_unknown_fields! {
/// A service ticket (`/service/tickets`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Ticket {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<TicketId>,
    /// The summary (at most 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// `ServiceTicket`, `ProjectTicket`, `ProjectIssue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_type: Option<String>,
    /// The board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<Reference>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// The company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Reference>,
    /// The contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Reference>,
    /// The priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Reference>,
    /// The owner (a member).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Reference>,
    /// The type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// The subtype.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_type: Option<Reference>,
    /// The item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<Reference>,
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<Reference>,
    /// The source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Reference>,
    /// The agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Reference>,
    /// The site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// Whether the ticket is closed.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub closed_flag: Option<bool>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_date: Option<String>,
    /// Who closed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// When it was entered (`2025-01-01T00:00:00Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_entered: Option<String>,
    /// The first description (write-only on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_description: Option<String>,
    /// The first internal analysis (write-only on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_internal_analysis: Option<String>,
    /// The first resolution (write-only on create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_resolution: Option<String>,
    /// Whether the customer updated it last.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub customer_updated_flag: Option<bool>,
    /// Whether to skip callbacks for this write.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub skip_callback: Option<bool>,
    /// Metadata (`lastUpdated`, `updatedBy`, links).
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Custom field values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

impl Ticket {
    /// A new ticket for a create: a summary and the company it is for.
    ///
    /// ```
    /// use cwmanage_client::models::{Reference, Ticket};
    /// let mut t = Ticket::new("Printer on fire", 19);
    /// t.board = Some(Reference::id(1));
    /// assert_eq!(
    ///     serde_json::to_value(&t).unwrap(),
    ///     serde_json::json!({"summary": "Printer on fire", "company": {"id": 19}, "board": {"id": 1}})
    /// );
    /// ```
    pub fn new(summary: impl Into<String>, company: impl Into<CompanyId>) -> Self {
        Ticket {
            summary: Some(summary.into()),
            company: Some(Reference::id(company.into().0)),
            ..Ticket::default()
        }
    }
}

keep_unknown_fields! {
/// A ticket note (`/service/tickets/{id}/notes`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TicketNote {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<NoteId>,
    /// The ticket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<TicketId>,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Shown as a detail (discussion) note.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub detail_description_flag: Option<bool>,
    /// An internal note.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub internal_analysis_flag: Option<bool>,
    /// A resolution note.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub resolution_flag: Option<bool>,
    /// The member who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Reference>,
    /// The contact who wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Reference>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_created: Option<String>,
    /// Who created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A service board (`/service/boards`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Board {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<BoardId>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it is inactive.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_flag: Option<bool>,
    /// Metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A status of a board (`/service/boards/{id}/statuses`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct BoardStatus {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<StatusId>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board: Option<Reference>,
    /// Sort order.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort_order: Option<i64>,
    /// Whether tickets in it count as closed.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub closed_status: Option<bool>,
    /// Whether it is inactive.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive: Option<bool>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A ticket priority (`/service/priorities`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Priority {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PriorityId>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The color.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// Sort order.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort_order: Option<i64>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A time entry (`/time/entries`, `/service/tickets/{id}/timeentries`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeEntry {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<TimeEntryId>,
    /// The company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Reference>,
    /// What the time was charged to (a ticket id, say).
    #[serde(
        default,
        deserialize_with = "crate::models::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub charge_to_id: Option<u64>,
    /// `ServiceTicket`, `ProjectTicket`, `ChargeCode`, `Activity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge_to_type: Option<String>,
    /// The member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Reference>,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_start: Option<String>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_end: Option<String>,
    /// Hours worked.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub actual_hours: Option<f64>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}
