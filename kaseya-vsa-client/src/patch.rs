//! Patch management: `/assetmgmt/patch` — scans, the patch status, missing patches and
//! history of an agent, patch updates, and the ignore setting of missing patches.

use serde::ser::{Error as _, SerializeSeq};
use serde::{Deserialize, Serialize, Serializer};

use crate::Error;
use crate::agent_procedures::{
    DistributionWindow, ExclusionWindow, RecurrenceOptions, StartOptions, setters,
};
use crate::client::{Client, ListRequest};
use crate::ids::AgentId;
use msp_common::{Call, Request};

/// The patch status of an agent (`GET /assetmgmt/patch/{agentId}/status`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PatchStatus {
    /// `AgentType`
    #[serde(default)]
    pub agent_type: Option<i64>,
    /// `LastPatchScan`
    #[serde(default)]
    pub last_patch_scan: Option<String>,
    /// `ExecScriptTime`
    #[serde(default)]
    pub exec_script_time: Option<String>,
    /// `RunCount`
    #[serde(default)]
    pub run_count: Option<i64>,
    /// `MonthPeriod`
    #[serde(default)]
    pub month_period: Option<i64>,
    /// `ExecPeriod`
    #[serde(default)]
    pub exec_period: Option<i64>,
    /// `RunAtTime`
    #[serde(default)]
    pub run_at_time: Option<i64>,
    /// `NextPatchScan`
    #[serde(default)]
    pub next_patch_scan: Option<i64>,
    /// `NextRunTime`
    #[serde(default)]
    pub next_run_time: Option<String>,
    /// `ScheduledScanScriptId`
    #[serde(default)]
    pub scheduled_scan_script_id: Option<i64>,
    /// `ScheduledScanScriptSchedType`
    #[serde(default)]
    pub scheduled_scan_script_sched_type: Option<i64>,
    /// `ScanRunAtTime`
    #[serde(default)]
    pub scan_run_at_time: Option<i64>,
    /// `ScanNextRunTime`
    #[serde(default)]
    pub scan_next_run_time: Option<String>,
    /// `NewPatchAlert`
    #[serde(default)]
    pub new_patch_alert: Option<i64>,
    /// `PatchFailedAlert`
    #[serde(default)]
    pub patch_failed_alert: Option<i64>,
    /// `InvalidCredentialAlert`
    #[serde(default)]
    pub invalid_credential_alert: Option<i64>,
    /// `WINAUChangedAlert`
    #[serde(rename = "WINAUChangedAlert", default)]
    pub winau_changed_alert: Option<i64>,
    /// `AlertEmail`
    #[serde(default)]
    pub alert_email: Option<String>,
    /// `SourceMachineGuid`
    #[serde(default)]
    pub source_machine_guid: Option<String>,
    /// `LanCacheName`
    #[serde(default)]
    pub lan_cache_name: Option<String>,
    /// `PreRebootScriptName`
    #[serde(default)]
    pub pre_reboot_script_name: Option<String>,
    /// `PostRebootScriptName`
    #[serde(default)]
    pub post_reboot_script_name: Option<String>,
    /// `ScanResultsPending`
    #[serde(default)]
    pub scan_results_pending: Option<String>,
    /// `Reset`
    #[serde(default)]
    pub reset: Option<i64>,
    /// `RbWarn`
    #[serde(default)]
    pub rb_warn: Option<String>,
    /// `RebootDay`
    #[serde(default)]
    pub reboot_day: Option<String>,
    /// `RebootTime`
    #[serde(default)]
    pub reboot_time: Option<String>,
    /// `NoRebootEmail`
    #[serde(default)]
    pub no_reboot_email: Option<String>,
    /// `SourceType`
    #[serde(default)]
    pub source_type: Option<i64>,
    /// `SourcePath`
    #[serde(default)]
    pub source_path: Option<String>,
    /// `SourceLocal`
    #[serde(default)]
    pub source_local: Option<String>,
    /// `DestUseAgentDrive`
    #[serde(default)]
    pub dest_use_agent_drive: Option<i64>,
    /// `UseInternetSrcFallback`
    #[serde(default)]
    pub use_internet_src_fallback: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A patch missing on an agent (`GET /assetmgmt/patch/{agentId}/machineupdate/{hideDeniedPatches}`),
/// also the record of the patch history ([`PatchHistory`]).
///
/// The guide's schema and its sample answer name different fields; this model has both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MissingPatch {
    /// `PatchDataId`
    #[serde(default)]
    pub patch_data_id: Option<i64>,
    /// `UpdateClassification`
    #[serde(default)]
    pub update_classification: Option<i64>,
    /// `UpdateCategory`
    #[serde(default)]
    pub update_category: Option<i64>,
    /// `KBArticleId`
    #[serde(rename = "KBArticleId", default)]
    pub kb_article_id: Option<String>,
    /// `KBArticleLink`
    #[serde(rename = "KBArticleLink", default)]
    pub kb_article_link: Option<String>,
    /// `SecurityBulletinId`
    #[serde(default)]
    pub security_bulletin_id: Option<String>,
    /// `SecurityBulletinLink`
    #[serde(default)]
    pub security_bulletin_link: Option<String>,
    /// `UpdateTitle`
    #[serde(default)]
    pub update_title: Option<String>,
    /// `LastPublishedDate`
    #[serde(default)]
    pub last_published_date: Option<String>,
    /// `LocationPending`
    #[serde(default)]
    pub location_pending: Option<i64>,
    /// `LocationId`
    #[serde(default)]
    pub location_id: Option<i64>,
    /// `BulletinId`
    #[serde(default)]
    pub bulletin_id: Option<String>,
    /// `PatchState`
    #[serde(default)]
    pub patch_state: Option<i64>,
    /// `InstallDate`
    #[serde(default)]
    pub install_date: Option<String>,
    /// `Ignore`
    #[serde(default)]
    pub ignore: Option<i64>,
    /// `ProductId`
    #[serde(default)]
    pub product_id: Option<i64>,
    /// `ApprovalStatus`
    #[serde(default)]
    pub approval_status: Option<i64>,
    /// `Location`
    #[serde(default)]
    pub location: Option<String>,
    /// `WuaOverrideFlag`
    #[serde(default)]
    pub wua_override_flag: Option<i64>,
    /// `Switches`
    #[serde(default)]
    pub switches: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `IsSuperseded`
    #[serde(default)]
    pub is_superseded: Option<bool>,
    /// `WuaProductId`
    #[serde(default)]
    pub wua_product_id: Option<i64>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `KBArticle`
    #[serde(rename = "KBArticle", default)]
    pub kb_article: Option<String>,
    /// `Product`
    #[serde(default)]
    pub product: Option<String>,
    /// `ReleaseDate`
    #[serde(default)]
    pub release_date: Option<String>,
    /// `Status`
    #[serde(default)]
    pub status: Option<i64>,
    /// `manualUpdateFlag`
    #[serde(rename = "manualUpdateFlag", alias = "ManualUpdateFlag", default)]
    pub manual_update_flag: Option<i64>,
    /// `schedTogether`
    #[serde(rename = "schedTogether", alias = "SchedTogether", default)]
    pub sched_together: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A patch in an agent's patch history (`GET /assetmgmt/patch/{agentId}/history`).
///
/// The guide gives history records the fields of [`MissingPatch`] minus a few (all of
/// which are optional there), so one model serves both.
pub type PatchHistory = MissingPatch;

/// The body of the patch writes: `PUT /assetmgmt/patch/{agentId}/schedule`,
/// `PUT /assetmgmt/patch/runnow` and `PUT /assetmgmt/patch/{agentId}/setignore`. Unset
/// fields are left out.
///
/// ```
/// use kaseya_vsa_client::agent_procedures::{RecurrenceOptions, StartOptions};
/// use kaseya_vsa_client::patch::PatchSchedule;
///
/// let body = PatchSchedule::new()
///     .patch_ids([190, 191])
///     .skip_if_off_line(true)
///     .recurrence(RecurrenceOptions::once())
///     .start(StartOptions::new().start_at("T2200"));
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"SkipIfOffLine":true,"PatchIds":[190,191],"Recurrence":{"Repeat":"Never"},"Start":{"StartAt":"T2200"}}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PatchSchedule {
    /// `ServerTimeZone`: the times are the server's, not the agent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_up_if_off_line: Option<bool>,
    /// `PatchIds`: the patches (`PatchDataId`s) concerned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patch_ids: Vec<i64>,
    /// `SchedInAgentTime`: not in the guide's schema; sent by existing integrations with
    /// `runnow`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sched_in_agent_time: Option<bool>,
    /// `Recurrence`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceOptions>,
    /// `Distribution`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionWindow>,
    /// `Start`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<StartOptions>,
    /// `Exclusion`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<ExclusionWindow>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl PatchSchedule {
    /// An empty body.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `PatchIds`.
    #[must_use]
    pub fn patch_ids(mut self, ids: impl IntoIterator<Item = i64>) -> Self {
        self.patch_ids = ids.into_iter().collect();
        self
    }
}

setters!(PatchSchedule {
    /// Sets `ServerTimeZone`.
    server_time_zone: bool,
    /// Sets `SkipIfOffLine`.
    skip_if_off_line: bool,
    /// Sets `PowerUpIfOffLine`.
    power_up_if_off_line: bool,
    /// Sets `SchedInAgentTime`.
    sched_in_agent_time: bool,
    /// Sets `Recurrence`.
    recurrence: RecurrenceOptions,
    /// Sets `Distribution`.
    distribution: DistributionWindow,
    /// Sets `Start`.
    start: StartOptions,
    /// Sets `Exclusion`.
    exclusion: ExclusionWindow,
    /// Sets `Attributes`.
    attributes: serde_json::Value,
});

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
