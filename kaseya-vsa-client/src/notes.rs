//! Agent notes: `/assetmgmt/agent/notes`, `/assetmgmt/agent/{agentId}/note` and
//! `/assetmgmt/agent/note/{noteId}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, NoteId};
use msp_common::{Call, Request};

/// A note on an agent (`GET /assetmgmt/agent/notes`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct AgentNote {
    /// `ID`
    #[serde(rename = "ID")]
    pub id: NoteId,
    /// `AgentGUID`
    #[serde(rename = "AgentGUID", default)]
    pub agent_guid: Option<AgentId>,
    /// `Email`
    #[serde(rename = "Email", default)]
    pub email: Option<String>,
    /// `UserName`
    #[serde(rename = "UserName", default)]
    pub user_name: Option<String>,
    /// `CreationDate`
    #[serde(rename = "CreationDate", default)]
    pub creation_date: Option<String>,
    /// `Description`: the note's text.
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
}

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
