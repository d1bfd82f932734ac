//! Patch management: the patch status of an agent, missing patches and patch history,
//! and the body of the patch writes.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::{DistributionWindow, ExclusionWindow, RecurrenceOptions, StartOptions};

/// The patch status of an agent (`GET /assetmgmt/patch/{agentId}/status`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PatchStatus {
    /// `AgentType`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub agent_type: Option<i64>,
    /// `LastPatchScan`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_patch_scan: Option<DateTime<Utc>>,
    /// `ExecScriptTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub exec_script_time: Option<DateTime<Utc>>,
    /// `RunCount`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub run_count: Option<i64>,
    /// `MonthPeriod`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub month_period: Option<i64>,
    /// `ExecPeriod`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub exec_period: Option<i64>,
    /// `RunAtTime`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub run_at_time: Option<i64>,
    /// `NextPatchScan`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub next_patch_scan: Option<i64>,
    /// `NextRunTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub next_run_time: Option<DateTime<Utc>>,
    /// `ScheduledScanScriptId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub scheduled_scan_script_id: Option<i64>,
    /// `ScheduledScanScriptSchedType`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub scheduled_scan_script_sched_type: Option<i64>,
    /// `ScanRunAtTime`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub scan_run_at_time: Option<i64>,
    /// `ScanNextRunTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub scan_next_run_time: Option<DateTime<Utc>>,
    /// `NewPatchAlert`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub new_patch_alert: Option<i64>,
    /// `PatchFailedAlert`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub patch_failed_alert: Option<i64>,
    /// `InvalidCredentialAlert`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub invalid_credential_alert: Option<i64>,
    /// `WINAUChangedAlert`
    #[serde(rename = "WINAUChangedAlert", deserialize_with = "lenient::opt_i64")]
    pub winau_changed_alert: Option<i64>,
    /// `AlertEmail`
    pub alert_email: Option<String>,
    /// `SourceMachineGuid`
    pub source_machine_guid: Option<String>,
    /// `LanCacheName`
    pub lan_cache_name: Option<String>,
    /// `PreRebootScriptName`
    pub pre_reboot_script_name: Option<String>,
    /// `PostRebootScriptName`
    pub post_reboot_script_name: Option<String>,
    /// `ScanResultsPending`
    pub scan_results_pending: Option<String>,
    /// `Reset`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub reset: Option<i64>,
    /// `RbWarn`
    pub rb_warn: Option<String>,
    /// `RebootDay`: the day of the reboot policy (a setting, not a date)
    pub reboot_day: Option<String>,
    /// `RebootTime`: the time of day of the reboot policy (a setting, not a timestamp)
    pub reboot_time: Option<String>,
    /// `NoRebootEmail`
    pub no_reboot_email: Option<String>,
    /// `SourceType`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub source_type: Option<i64>,
    /// `SourcePath`
    pub source_path: Option<String>,
    /// `SourceLocal`
    pub source_local: Option<String>,
    /// `DestUseAgentDrive`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub dest_use_agent_drive: Option<i64>,
    /// `UseInternetSrcFallback`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub use_internet_src_fallback: Option<i64>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A patch missing on an agent (`GET /assetmgmt/patch/{agentId}/machineupdate/{hideDeniedPatches}`),
/// also the record of the patch history ([`PatchHistory`]).
///
/// The guide's schema and its sample answer name different fields; this model has both.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct MissingPatch {
    /// `PatchDataId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub patch_data_id: Option<i64>,
    /// `UpdateClassification`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub update_classification: Option<i64>,
    /// `UpdateCategory`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub update_category: Option<i64>,
    /// `KBArticleId`
    #[serde(rename = "KBArticleId")]
    pub kb_article_id: Option<String>,
    /// `KBArticleLink`
    #[serde(rename = "KBArticleLink")]
    pub kb_article_link: Option<String>,
    /// `SecurityBulletinId`
    pub security_bulletin_id: Option<String>,
    /// `SecurityBulletinLink`
    pub security_bulletin_link: Option<String>,
    /// `UpdateTitle`
    pub update_title: Option<String>,
    /// `LastPublishedDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_published_date: Option<DateTime<Utc>>,
    /// `LocationPending`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub location_pending: Option<i64>,
    /// `LocationId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub location_id: Option<i64>,
    /// `BulletinId`
    pub bulletin_id: Option<String>,
    /// `PatchState`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub patch_state: Option<i64>,
    /// `InstallDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub install_date: Option<DateTime<Utc>>,
    /// `Ignore`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub ignore: Option<i64>,
    /// `ProductId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub product_id: Option<i64>,
    /// `ApprovalStatus`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub approval_status: Option<i64>,
    /// `Location`
    pub location: Option<String>,
    /// `WuaOverrideFlag`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub wua_override_flag: Option<i64>,
    /// `Switches`
    pub switches: Option<String>,
    /// `ProductName`
    pub product_name: Option<String>,
    /// `IsSuperseded`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_superseded: Option<bool>,
    /// `WuaProductId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub wua_product_id: Option<i64>,
    /// `Description`
    pub description: Option<String>,
    /// `KBArticle`
    #[serde(rename = "KBArticle")]
    pub kb_article: Option<String>,
    /// `Product`
    pub product: Option<String>,
    /// `ReleaseDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub release_date: Option<DateTime<Utc>>,
    /// `Status`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
    /// `manualUpdateFlag`
    #[serde(
        rename = "manualUpdateFlag",
        alias = "ManualUpdateFlag",
        deserialize_with = "lenient::opt_i64"
    )]
    pub manual_update_flag: Option<i64>,
    /// `schedTogether`
    #[serde(
        rename = "schedTogether",
        alias = "SchedTogether",
        deserialize_with = "lenient::opt_i64"
    )]
    pub sched_together: Option<i64>,
    /// `Attributes`
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
/// use kaseya_vsa_client::models::{PatchSchedule, RecurrenceOptions, StartOptions};
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
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub server_time_zone: Option<bool>,
    /// `SkipIfOffLine`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub skip_if_off_line: Option<bool>,
    /// `PowerUpIfOffLine`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub power_up_if_off_line: Option<bool>,
    /// `PatchIds`: the patches (`PatchDataId`s) concerned.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub patch_ids: Vec<i64>,
    /// `SchedInAgentTime`: not in the guide's schema; sent by existing integrations with
    /// `runnow`.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
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
