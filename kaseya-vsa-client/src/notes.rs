//! Agent notes: `/assetmgmt/agent/notes`, `/assetmgmt/agent/{agentId}/note` and
//! `/assetmgmt/agent/note/{noteId}`.

use std::collections::BTreeMap;

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, NoteId};
use msp_common::{Call, Request};

pub use crate::models::AgentNote;

/// Agent note calls; from [`Client::notes`].
#[derive(Debug, Clone)]
pub struct Notes {
    client: Client,
}

impl Client {
    /// Agent note calls.
    pub fn notes(&self) -> Notes {
        Notes {
            client: self.clone(),
        }
    }
}

impl Notes {
    /// `GET /assetmgmt/agent/notes`: the agent notes; filterable and sortable (see
    /// [`crate::odata::fields::agent_notes`]).
    pub fn list(&self) -> ListRequest<AgentNote> {
        self.client
            .list_named("assetmgmt/agent/notes", "list_agent_notes")
    }

    /// `PUT /assetmgmt/agent/notes`: replaces the text of several notes at once, sent as
    /// `{"<noteId>": "text", …}`. A write.
    pub fn update(&self, notes: &BTreeMap<NoteId, String>) -> Call<()> {
        let request = Request::put("assetmgmt/agent/notes")
            .operation("update_agent_notes")
            .json(notes);
        self.client.write_unit(request)
    }

    /// `POST /assetmgmt/agent/{agentId}/note`: adds a note to an agent, as the current
    /// user; the body is the text as a JSON string. A write.
    pub fn add(&self, agent_id: &AgentId, text: &str) -> Call<()> {
        let request = Request::post("assetmgmt/agent")
            .segments([agent_id.as_str(), "note"])
            .operation("add_agent_note")
            .json(text);
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/agent/note/{noteId}`: deletes a note. A write.
    pub fn delete(&self, note_id: &NoteId) -> Call<()> {
        let request = Request::delete("assetmgmt/agent/note")
            .segments([note_id.as_str()])
            .operation("delete_agent_note");
        self.client.write_unit(request)
    }
}
