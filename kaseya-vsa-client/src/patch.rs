//! Patch management: `/assetmgmt/patch` — scans, the patch status, missing patches and
//! history of an agent, patch updates, and the ignore setting of missing patches.

use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::Error;
use crate::client::{Client, ListRequest};
use crate::ids::AgentId;
use msp_common::{Call, Request};

pub use crate::models::{MissingPatch, PatchHistory, PatchSchedule, PatchStatus};

/// The body of `PUT /assetmgmt/patch/runnow`: the agents, then the schedule's fields.
#[derive(Serialize)]
struct RunNowBody<'a> {
    #[serde(rename = "AgentGuids", serialize_with = "ids_as_numbers")]
    agent_guids: &'a [AgentId],
    #[serde(flatten)]
    schedule: &'a PatchSchedule,
}

/// Writes ids as JSON numbers exactly as their digits (the server's `decimal` list).
fn ids_as_numbers<S: Serializer>(ids: &&[AgentId], s: S) -> std::result::Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(ids.len()))?;
    for id in ids.iter() {
        let raw = serde_json::value::RawValue::from_string(id.as_str().to_owned())
            .map_err(S::Error::custom)?;
        seq.serialize_element(&raw)?;
    }
    seq.end()
}

/// Patch management calls; from [`Client::patch_management`].
#[derive(Debug, Clone)]
pub struct Patch {
    client: Client,
}

impl Client {
    /// Patch management calls. (Not `patch()`: that name is the `PATCH` call of the
    /// [`Raw`](crate::Raw) escape hatch, the same in every msp-sdk crate.)
    pub fn patch_management(&self) -> Patch {
        Patch {
            client: self.clone(),
        }
    }
}

impl Patch {
    /// `PUT /assetmgmt/patch/{agentId}/scannow`: scans an agent for missing patches now.
    /// A write.
    pub fn scan_now(&self, agent_id: &AgentId) -> Call<()> {
        let request = Request::put("assetmgmt/patch")
            .segments([agent_id.as_str(), "scannow"])
            .operation("patch_scan_now");
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/patch/{agentId}/schedule`: schedules a scan of an agent for
    /// missing patches. A write.
    pub fn schedule_scan(&self, agent_id: &AgentId, schedule: &PatchSchedule) -> Call<()> {
        let request = Request::put("assetmgmt/patch")
            .segments([agent_id.as_str(), "schedule"])
            .operation("schedule_patch_scan")
            .json(schedule);
        self.client.write_unit(request)
    }

    /// `GET /assetmgmt/patch/{agentId}/status`: an agent's patch status (one record,
    /// although the guide says the call accepts filter expressions).
    pub fn status(&self, agent_id: &AgentId) -> Call<PatchStatus> {
        let request = Request::get("assetmgmt/patch")
            .segments([agent_id.as_str(), "status"])
            .operation("get_patch_status");
        self.client.read(request)
    }

    /// `GET /assetmgmt/patch/{agentId}/machineupdate/{hideDeniedPatches}`: the patches
    /// missing on an agent, denied patches left out when `hide_denied_patches`;
    /// filterable and sortable (see [`crate::odata::fields::patch_missing`]).
    pub fn missing_patches(
        &self,
        agent_id: &AgentId,
        hide_denied_patches: bool,
    ) -> ListRequest<MissingPatch> {
        let hide = if hide_denied_patches { "true" } else { "false" };
        self.client.list_request(
            Request::get("assetmgmt/patch")
                .segments([agent_id.as_str(), "machineupdate", hide])
                .operation("list_missing_patches"),
        )
    }

    /// `GET /assetmgmt/patch/{agentId}/history`: an agent's patch history; filterable and
    /// sortable (see [`crate::odata::fields::patch_history`]).
    pub fn history(&self, agent_id: &AgentId) -> ListRequest<PatchHistory> {
        self.client.list_request(
            Request::get("assetmgmt/patch")
                .segments([agent_id.as_str(), "history"])
                .operation("list_patch_history"),
        )
    }

    /// `PUT /assetmgmt/patch/runnow`: runs a patch update now on `agent_ids`. A write.
    ///
    /// The guide's body has no agent; the server reads them from `AgentGuids` (as existing
    /// integrations send it), written here as exact JSON numbers before the schedule's
    /// fields. An empty `agent_ids` is refused before anything is sent.
    pub fn run_now(&self, agent_ids: &[AgentId], schedule: &PatchSchedule) -> Call<()> {
        let request = if agent_ids.is_empty() {
            Err(Error::config(
                "Kaseya VSA: a patch update needs at least one agent",
            ))
        } else {
            let body = RunNowBody {
                agent_guids: agent_ids,
                schedule,
            };
            Request::put("assetmgmt/patch/runnow")
                .operation("patch_run_now")
                .json(&body)
        };
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/patch/{agentId}/cancelschedule`: cancels an agent's scheduled
    /// patch update. A write.
    pub fn cancel_schedule(&self, agent_id: &AgentId) -> Call<()> {
        let request = Request::delete("assetmgmt/patch")
            .segments([agent_id.as_str(), "cancelschedule"])
            .operation("cancel_patch_schedule");
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/patch?agentGuids={id,id,…}`: deletes the patch data of
    /// `agent_ids`. A write.
    ///
    /// The guide gives the path only; the agents go in the `agentGuids` query parameter,
    /// comma-separated, as existing integrations send them. An empty `agent_ids` is
    /// refused before anything is sent.
    pub fn delete(&self, agent_ids: &[AgentId]) -> Call<()> {
        let guids = agent_ids
            .iter()
            .map(AgentId::as_str)
            .collect::<Vec<_>>()
            .join(",");
        let request = if agent_ids.is_empty() {
            Err(Error::config(
                "Kaseya VSA: deleting patches needs at least one agent",
            ))
        } else {
            Ok(Request::delete("assetmgmt/patch")
                .query("agentGuids", guids)
                .operation("delete_patch"))
        };
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/patch/{agentId}/setignore`: ignores the missing patches named in
    /// the body's `PatchIds` on an agent. A write. A body without
    /// `PatchIds` is refused before anything is sent.
    pub fn set_ignore(&self, agent_id: &AgentId, patches: &PatchSchedule) -> Call<()> {
        let request = if patches.patch_ids.is_empty() {
            Err(Error::config(
                "Kaseya VSA: setting the patch ignore flag needs at least one PatchId",
            ))
        } else {
            Request::put("assetmgmt/patch")
                .segments([agent_id.as_str(), "setignore"])
                .operation("set_patch_ignore")
                .json(patches)
        };
        self.client.write_unit(request)
    }

    /// `DELETE /assetmgmt/patch/{agentId}/{patchId}/setignore`: stops ignoring a missing
    /// patch on an agent. A write.
    pub fn unset_ignore(&self, agent_id: &AgentId, patch_id: i64) -> Call<()> {
        let patch_id = patch_id.to_string();
        let request = Request::delete("assetmgmt/patch")
            .segments([agent_id.as_str(), patch_id.as_str(), "setignore"])
            .operation("unset_patch_ignore");
        self.client.write_unit(request)
    }
}
