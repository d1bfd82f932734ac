//! Agents, agent notes, agent custom fields and agent install packages.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::de;
use crate::ids::{AgentId, MachineGroupId, NoteId, OrgId, PackageId, PartitionId, ViewId};

/// An agent (a managed machine), as `GET /assetmgmt/agents` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Agent {
    /// `AgentId`
    pub agent_id: AgentId,
    /// `AgentName` (`machine.group.org`)
    #[serde(default)]
    pub agent_name: Option<String>,
    /// `Online`: the agent's state (a code on the wire; see [`AgentStatus`]).
    #[serde(default, deserialize_with = "de::code_enum")]
    pub online: Option<AgentStatus>,
    /// `OSType`
    #[serde(rename = "OSType", default, deserialize_with = "de::text_enum")]
    pub os_type: Option<OsType>,
    /// `OSInfo`
    #[serde(rename = "OSInfo", default)]
    pub os_info: Option<String>,
    /// `OrgId`
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroup`
    #[serde(default)]
    pub machine_group: Option<String>,
    /// `ComputerName`
    #[serde(default)]
    pub computer_name: Option<String>,
    /// `IPAddress`
    #[serde(rename = "IPAddress", default)]
    pub ip_address: Option<String>,
    /// `OperatingSystem`
    #[serde(default)]
    pub operating_system: Option<String>,
    /// `LastLoggedInUser`
    #[serde(default)]
    pub last_logged_in_user: Option<String>,
    /// `LastCheckInTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub last_check_in_time: Option<DateTime<Utc>>,
    /// `LastRebootTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub last_reboot_time: Option<DateTime<Utc>>,
    /// `CurrentUser`
    #[serde(default)]
    pub current_user: Option<String>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", default, deserialize_with = "lenient::opt_i64")]
    pub ram_mbytes: Option<i64>,
    /// `AgentVersion`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub agent_version: Option<i64>,
    /// `IPv6Address`
    #[serde(rename = "IPv6Address", default)]
    pub ipv6_address: Option<String>,
    /// `OSVersion`
    #[serde(rename = "OSVersion", default)]
    pub os_version: Option<String>,
    /// `Country`
    #[serde(default)]
    pub country: Option<String>,
    /// `Contact`
    #[serde(default)]
    pub contact: Option<String>,
    /// `TimeZone`
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `CpuCount`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cpu_count: Option<i64>,
    /// `CpuSpeed`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cpu_speed: Option<i64>,
    /// `CpuType`
    #[serde(default)]
    pub cpu_type: Option<String>,
    /// `DomainWorkgroup`
    #[serde(default)]
    pub domain_workgroup: Option<String>,
    /// `AgentFlags`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub agent_flags: Option<i64>,
    /// `ToolTipNotes`
    #[serde(default)]
    pub tool_tip_notes: Option<String>,
    /// `ShowToolTip`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub show_tool_tip: Option<i64>,
    /// `DefaultGateway`
    #[serde(default)]
    pub default_gateway: Option<String>,
    /// `DNSServer1`
    #[serde(rename = "DNSServer1", default)]
    pub dns_server1: Option<String>,
    /// `DNSServer2`
    #[serde(rename = "DNSServer2", default)]
    pub dns_server2: Option<String>,
    /// `DHCPServer`
    #[serde(rename = "DHCPServer", default)]
    pub dhcp_server: Option<String>,
    /// `PrimaryWINS`
    #[serde(rename = "PrimaryWINS", default)]
    pub primary_wins: Option<String>,
    /// `SecondaryWINS`
    #[serde(rename = "SecondaryWINS", default)]
    pub secondary_wins: Option<String>,
    /// `ConnectionGatewayIP`
    #[serde(rename = "ConnectionGatewayIP", default)]
    pub connection_gateway_ip: Option<String>,
    /// `FirstCheckIn`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub first_check_in: Option<DateTime<Utc>>,
    /// `PrimaryKServer`
    #[serde(rename = "PrimaryKServer", default)]
    pub primary_kserver: Option<String>,
    /// `SecondaryKServer`
    #[serde(rename = "SecondaryKServer", default)]
    pub secondary_kserver: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

code_enum! {
    /// What the `Online` code of an agent means.
    pub enum AgentStatus {
        /// 0: agent offline.
        Offline = 0,
        /// 1: no user logged in; agent online.
        OnlineNoUser = 1,
        /// 2: no user logged in; agent idle.
        IdleNoUser = 2,
        /// 11: user logged in; agent active.
        UserActive = 11,
        /// 12: user logged in; agent inactive.
        UserInactive = 12,
        /// 198: agent suspended.
        Suspended = 198,
        /// 199: agent never checked in.
        NeverCheckedIn = 199,
    }
}

impl AgentStatus {
    /// Whether the agent is checked in now (any online code: 1, 2, 11 or 12).
    pub fn is_online(self) -> bool {
        matches!(
            self,
            AgentStatus::OnlineNoUser
                | AgentStatus::IdleNoUser
                | AgentStatus::UserActive
                | AgentStatus::UserInactive
        )
    }
}

text_enum! {
    /// The operating system family of an agent or asset (`OSType`, `OsType`).
    pub enum OsType {
        /// `Windows` (the guide's sample writes `Win`; both are read).
        Windows = "Windows" | "Win",
        /// `Mac OS X` (`Mac`, `macOS` and `OS X` are read too).
        MacOs = "Mac OS X" | "Mac" | "macOS" | "OS X" | "OSX",
        /// `Linux`
        Linux = "Linux",
    }
}

impl Agent {
    /// The meaning of [`Agent::online`] (the same value: kept for callers of earlier
    /// versions, where `online` was the bare code).
    pub fn status(&self) -> Option<AgentStatus> {
        self.online
    }

    /// Whether the agent is checked in now (any online code).
    pub fn is_online(&self) -> bool {
        self.online.is_some_and(AgentStatus::is_online)
    }
}

/// One `{"key": ..., "value": ...}` pair: the body element of several calls (temp
/// directory, custom fields, closing an alarm).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct KeyValue {
    /// `key`
    pub key: String,
    /// `value`
    pub value: String,
}

impl KeyValue {
    /// A pair.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// The settings of an agent (`GET /assetmgmt/agent/{agentId}/settings`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AgentSettings {
    /// `AgentVersion`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub agent_version: Option<i64>,
    /// `CurrentUser`
    pub current_user: Option<String>,
    /// `LastCheckIn`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_check_in: Option<DateTime<Utc>>,
    /// `FirstCheckIn`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub first_check_in: Option<DateTime<Utc>>,
    /// `LastReboot`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_reboot: Option<DateTime<Utc>>,
    /// `TempDirectory`
    pub temp_directory: Option<String>,
    /// `CheckInControl`
    pub check_in_control: Option<CheckInControl>,
    /// `UserProfile`
    pub user_profile: Option<UserProfile>,
    /// `PatchPolicyMembership`
    pub patch_policy_membership: Option<Vec<String>>,
    /// `ViewDefinitionCollections`
    pub view_definition_collections: Option<Vec<String>>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// Check-in control settings: part of [`AgentSettings`] and the body of
/// [`Agents::update_check_in_control`](crate::agents::Agents::update_check_in_control). Fields left `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct CheckInControl {
    /// `PrimaryKServer`
    #[serde(rename = "PrimaryKServer", skip_serializing_if = "Option::is_none")]
    pub primary_kserver: Option<String>,
    /// `PrimaryKServerPort`
    #[serde(
        rename = "PrimaryKServerPort",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub primary_kserver_port: Option<i64>,
    /// `SecondaryKServer`
    #[serde(rename = "SecondaryKServer", skip_serializing_if = "Option::is_none")]
    pub secondary_kserver: Option<String>,
    /// `SecondaryKServerPort`
    #[serde(
        rename = "SecondaryKServerPort",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub secondary_kserver_port: Option<i64>,
    /// `QuickCheckInTimeInSeconds`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub quick_check_in_time_in_seconds: Option<i64>,
    /// `BandwidthThrottle`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub bandwidth_throttle: Option<i64>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

/// The user profile of an agent: part of [`AgentSettings`] and the body of
/// [`Agents::update_user_profile`](crate::agents::Agents::update_user_profile). Fields left `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct UserProfile {
    /// `AdminEmail`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_email: Option<String>,
    /// `UserName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `UserEmail`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    /// `UserPhone`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_phone: Option<String>,
    /// `Notes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `ShowToolTip`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub show_tool_tip: Option<i64>,
    /// `AutoAssignTickets`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub auto_assign_tickets: Option<bool>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

/// An agent view (`GET /system/views`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AgentView {
    /// `ViewDefId`
    pub view_def_id: ViewId,
    /// `ViewDefName`
    #[serde(default)]
    pub view_def_name: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The uptime of an agent since a date (`GET /assetmgmt/agents/uptime/{since}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AgentUptime {
    /// `AgentId`
    pub agent_id: AgentId,
    /// `AgentName`
    #[serde(default)]
    pub agent_name: Option<String>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroup`
    #[serde(default)]
    pub machine_group: Option<String>,
    /// `TotalOnlineInSeconds`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub total_online_in_seconds: Option<i64>,
    /// `MeasuredFrom`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub measured_from: Option<DateTime<Utc>>,
    /// `MeasuredTo`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub measured_to: Option<DateTime<Utc>>,
}

/// An agent on a Discovery network (`GET /assetmgmt/agentsonnetwork/{networkId}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NetworkAgent {
    /// `AgentId`
    pub agent_id: AgentId,
    /// `UptimeSeconds`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub uptime_seconds: Option<i64>,
    /// `MachName`
    #[serde(default)]
    pub mach_name: Option<String>,
    /// `GroupName`
    #[serde(default)]
    pub group_name: Option<String>,
    /// `Online`: the agent's state (a code on the wire; see [`AgentStatus`]).
    #[serde(default, deserialize_with = "de::code_enum")]
    pub online: Option<AgentStatus>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

impl NetworkAgent {
    /// The meaning of [`NetworkAgent::online`] (the same value).
    pub fn status(&self) -> Option<AgentStatus> {
        self.online
    }
}

/// The two-factor authentication settings of an agent
/// (`GET /assetmgmt/agent/{agentId}/twofasettings`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct TwoFactorSettings {
    /// `AgentId` (the schema spells it `AgentID`; both are read)
    #[serde(alias = "AgentID")]
    pub agent_id: Option<AgentId>,
    /// `AuthEnabled`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub auth_enabled: Option<bool>,
    /// `UseDefaultUser`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub use_default_user: Option<bool>,
    /// `UserName`
    pub user_name: Option<String>,
    /// `SASName`
    #[serde(rename = "SASName")]
    pub sas_name: Option<String>,
    /// `SiteID`
    #[serde(rename = "SiteID", deserialize_with = "lenient::opt_i64")]
    pub site_id: Option<i64>,
    /// `Note`
    pub note: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// The remote control notify policy of an agent
/// (`GET /remotecontrol/notifypolicy/{agentId}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NotifyPolicy {
    /// `EmailAddr`
    pub email_addr: Option<String>,
    /// `AgentGuid`
    pub agent_guid: Option<AgentId>,
    /// `AdminGroupId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub admin_group_id: Option<i64>,
    /// `RemoteControlNotify`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub remote_control_notify: Option<i64>,
    /// `NotifyText`
    pub notify_text: Option<String>,
    /// `AskText`
    pub ask_text: Option<String>,
    /// `TerminateNotify`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub terminate_notify: Option<i64>,
    /// `TerminateText`
    pub terminate_text: Option<String>,
    /// `RequireRcNote`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub require_rc_note: Option<i64>,
    /// `RequiteFTPNote` (spelled so on the wire)
    #[serde(rename = "RequiteFTPNote", deserialize_with = "lenient::opt_i64")]
    pub require_ftp_note: Option<i64>,
    /// `RecordSession`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub record_session: Option<i64>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

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
    #[serde(
        rename = "CreationDate",
        default,
        deserialize_with = "lenient::opt_datetime"
    )]
    pub creation_date: Option<DateTime<Utc>>,
    /// `Description`: the note's text.
    #[serde(rename = "Description", default)]
    pub description: Option<String>,
}

/// A custom field of an agent and its value (`GET /assetmgmt/assets/{agentId}/customfields`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct CustomField {
    /// `FieldName`
    pub field_name: Option<String>,
    /// `FieldValue`, as text (the server sends a string or a number).
    #[serde(deserialize_with = "lenient::opt_string")]
    pub field_value: Option<String>,
    /// `FieldType` (`string`, …)
    #[serde(deserialize_with = "de::text_enum")]
    pub field_type: Option<CustomFieldType>,
}

text_enum! {
    /// The type of an agent custom field (`FieldType`).
    pub enum CustomFieldType {
        /// `string`
        String = "string",
        /// `number`
        Number = "number",
        /// `datetime`
        DateTime = "datetime",
        /// `date`
        Date = "date",
        /// `time`
        Time = "time",
    }
}

text_enum! {
    /// What an agent install package installs on (`AgentType`; a Linux package has
    /// none).
    pub enum PackageAgentType {
        /// `auto`: the package picks the operating system.
        Auto = "auto",
        /// `windows`
        Windows = "windows",
        /// `mac`
        Mac = "mac",
    }
}

/// An agent install package (`GET /assetmgmt/assets/packages`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Package {
    /// `PackageId`
    pub package_id: PackageId,
    /// `PackageURL`
    #[serde(rename = "PackageURL", default)]
    pub package_url: Option<String>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `CopySettingsFromAgentId`
    #[serde(default)]
    pub copy_settings_from_agent_id: Option<AgentId>,
    /// `AgentType`: `auto`, `windows`, `mac`, or `None` for Linux.
    #[serde(default, deserialize_with = "de::text_enum")]
    pub agent_type: Option<PackageAgentType>,
    /// `CommandLineSwitches`
    #[serde(default)]
    pub command_line_switches: Option<String>,
    /// `PackageName`
    #[serde(default)]
    pub package_name: Option<String>,
    /// `PackageDescription`
    #[serde(default)]
    pub package_description: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The body of [`Packages::add`](crate::packages::Packages::add) (`POST /assetmgmt/assets/packages`). Fields left
/// `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NewPackage {
    /// `PackageId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_id: Option<PackageId>,
    /// `MachineGroupId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_group_id: Option<MachineGroupId>,
    /// `CopySettingsFromAgentId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copy_settings_from_agent_id: Option<AgentId>,
    /// `AgentType`: `auto`, `windows`, `mac`, or `None` for Linux.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::text_enum"
    )]
    pub agent_type: Option<PackageAgentType>,
    /// `CommandLineSwitches`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_line_switches: Option<String>,
    /// `PackageName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// `PackageDescription`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_description: Option<String>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl NewPackage {
    /// A package named `name` for a machine group.
    pub fn new(name: impl Into<String>, machine_group_id: MachineGroupId) -> Self {
        NewPackage {
            package_name: Some(name.into()),
            machine_group_id: Some(machine_group_id),
            ..Self::default()
        }
    }
}

/// The body of [`Packages::create_link`](crate::packages::Packages::create_link) (`POST /agent/packagelink`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PackageLinkRequest {
    /// `PartitionId` (the tenant partition; `1` on a single-tenant server)
    pub partition_id: PartitionId,
    /// `MachineGroupName` (`group.org`, as `MyOrg.root`)
    pub machine_group_name: String,
}

impl PackageLinkRequest {
    /// A request for the install link of `machine_group_name` in a partition.
    pub fn new(partition_id: PartitionId, machine_group_name: impl Into<String>) -> Self {
        PackageLinkRequest {
            partition_id,
            machine_group_name: machine_group_name.into(),
        }
    }
}

/// What the agent deployment page of a partition shows
/// (`GET /agent/{partitionId}/deploypagecustomization`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeployPageCustomization {
    /// `Id` (a GUID)
    pub id: Option<String>,
    /// `Logo`
    pub logo: Option<String>,
    /// `Title`
    pub title: Option<String>,
    /// `Content` (HTML)
    pub content: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}
