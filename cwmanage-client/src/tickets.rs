//! Service tickets, their notes and time entries.
//!
//! ```no_run
//! # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
//! use cwmanage_client::Listing;
//! use cwmanage_client::conditions::Condition;
//! use cwmanage_client::models::Ticket;
//! use cwmanage_client::patch::PatchOp;
//! use futures_util::TryStreamExt;
//!
//! let open: Vec<Ticket> = client.tickets().list()
//!     .conditions(Condition::field("board/id").eq(1).and(Condition::field("closedFlag").eq(false)))
//!     .stream()
//!     .try_collect()
//!     .await?;
//! let created = client.tickets().create(&Ticket::new("Printer on fire", 19)).await?;
//! let id = created.id.unwrap();
//! // A call is a value: look at what it would send, then send it.
//! let note = client.tickets().notes(id).add_internal("Toner replaced");
//! assert_eq!(note.operation(), "add_internal_note");
//! note.await?;
//! client.tickets().patch(id, &[PatchOp::replace("status/id", 3)]).await?;
//! # Ok(()) }
//! ```

use std::ops::Deref;

use msp_common::Call;

use crate::client::Client;
use crate::conditions::IntoConditions;
use crate::models::{NoteId, Ticket, TicketId, TicketNote, TimeEntry};
use crate::query::ListRequest;
use crate::resource::Resource;

/// Path of the ticket collection.
pub const TICKETS: &str = "service/tickets";

/// `/service/tickets`: the [`Resource`] calls (list, get, create, update, patch, delete,
/// count) plus search, notes and time entries.
#[derive(Debug, Clone)]
#[must_use]
pub struct Tickets {
    resource: Resource<Ticket, TicketId>,
    client: Client,
}

impl Deref for Tickets {
    type Target = Resource<Ticket, TicketId>;
    fn deref(&self) -> &Self::Target {
        &self.resource
    }
}

impl Tickets {
    pub(crate) fn new(client: Client) -> Self {
        Tickets {
            resource: Resource::new(client.clone(), TICKETS).named("ticket", "tickets"),
            client,
        }
    }

    /// `POST /service/tickets/search` with `{"conditions": …}` in the body, paged by
    /// page numbers. A read (named `search_tickets`): sent in every write mode and
    /// retried like a GET.
    pub fn search(&self, conditions: impl IntoConditions) -> ListRequest<Ticket> {
        ListRequest::new(self.client.clone(), format!("{TICKETS}/search"), "tickets")
            .search()
            .conditions(conditions)
    }

    /// The notes of a ticket (`/service/tickets/{id}/notes`).
    pub fn notes(&self, ticket: impl Into<TicketId>) -> TicketNotes {
        let ticket = ticket.into();
        TicketNotes {
            ticket,
            resource: Resource::new(self.client.clone(), format!("{TICKETS}/{ticket}/notes"))
                .named("ticket_note", "ticket_notes"),
        }
    }

    /// Every note of a ticket, time entries' notes and emails included
    /// (`/service/tickets/{id}/allNotes`), as JSON records (their shape varies by kind).
    pub fn all_notes(&self, ticket: impl Into<TicketId>) -> ListRequest<serde_json::Value> {
        let ticket = ticket.into();
        ListRequest::new(
            self.client.clone(),
            format!("{TICKETS}/{ticket}/allNotes"),
            "all_notes",
        )
        .paging(crate::query::Paging::PageNumbers)
    }

    /// The time entries of a ticket (`/service/tickets/{id}/timeentries`).
    pub fn time_entries(&self, ticket: impl Into<TicketId>) -> ListRequest<TimeEntry> {
        let ticket = ticket.into();
        ListRequest::new(
            self.client.clone(),
            format!("{TICKETS}/{ticket}/timeentries"),
            "ticket_time_entries",
        )
        .paging(crate::query::Paging::PageNumbers)
    }
}

/// The notes of one ticket. The [`Resource`] calls plus `add_*` helpers.
#[derive(Debug, Clone)]
#[must_use]
pub struct TicketNotes {
    ticket: TicketId,
    resource: Resource<TicketNote, NoteId>,
}

impl Deref for TicketNotes {
    type Target = Resource<TicketNote, NoteId>;
    fn deref(&self) -> &Self::Target {
        &self.resource
    }
}

impl TicketNotes {
    fn note(&self, text: impl Into<String>) -> TicketNote {
        TicketNote {
            ticket_id: Some(self.ticket),
            text: Some(text.into()),
            ..TicketNote::default()
        }
    }

    /// Adds a detail (discussion) note, visible to the customer: `POST` of a note with
    /// `detailDescriptionFlag` (a write named `add_detail_note`).
    pub fn add_detail(&self, text: impl Into<String>) -> Call<TicketNote> {
        let mut note = self.note(text);
        note.detail_description_flag = Some(true);
        self.add(&note, "add_detail_note")
    }

    /// Adds an internal note: `POST` of a note with `internalAnalysisFlag` (a write
    /// named `add_internal_note`).
    pub fn add_internal(&self, text: impl Into<String>) -> Call<TicketNote> {
        let mut note = self.note(text);
        note.internal_analysis_flag = Some(true);
        self.add(&note, "add_internal_note")
    }

    /// Adds a resolution note: `POST` of a note with `resolutionFlag` (a write named
    /// `add_resolution_note`).
    pub fn add_resolution(&self, text: impl Into<String>) -> Call<TicketNote> {
        let mut note = self.note(text);
        note.resolution_flag = Some(true);
        self.add(&note, "add_resolution_note")
    }

    fn add(&self, note: &TicketNote, operation: &'static str) -> Call<TicketNote> {
        self.resource.create_as(note, operation)
    }
}

impl Client {
    /// Service tickets.
    pub fn tickets(&self) -> Tickets {
        Tickets::new(self.clone())
    }
}
