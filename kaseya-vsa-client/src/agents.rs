//! Agents: `GET /assetmgmt/agents`, the calls on one agent (settings, rename, delete,
//! user profile, temp directory, check-in control, 2FA settings, remote control notify
//! policy), agents in a view or on a Discovery network, agent views and uptime.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, MachineGroupId, NetworkId, OrgId, ViewId};
use msp_common::{Call, Request};

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
    /// `Online`: see [`Agent::status`].
    #[serde(default)]
    pub online: Option<i32>,
    /// `OSType`
    #[serde(rename = "OSType", default)]
    pub os_type: Option<String>,
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
    #[serde(default)]
    pub last_check_in_time: Option<String>,
    /// `LastRebootTime`
    #[serde(default)]
    pub last_reboot_time: Option<String>,
    /// `CurrentUser`
    #[serde(default)]
    pub current_user: Option<String>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", default)]
    pub ram_mbytes: Option<i64>,
    /// `AgentVersion`
    #[serde(default)]
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
    #[serde(default)]
    pub cpu_count: Option<i64>,
    /// `CpuSpeed`
    #[serde(default)]
    pub cpu_speed: Option<i64>,
    /// `CpuType`
    #[serde(default)]
    pub cpu_type: Option<String>,
    /// `DomainWorkgroup`
    #[serde(default)]
    pub domain_workgroup: Option<String>,
    /// `AgentFlags`
    #[serde(default)]
    pub agent_flags: Option<i64>,
    /// `ToolTipNotes`
    #[serde(default)]
    pub tool_tip_notes: Option<String>,
    /// `ShowToolTip`
    #[serde(default)]
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
    #[serde(default)]
    pub first_check_in: Option<String>,
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

/// What the `Online` code of an agent means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AgentStatus {
    /// 0: agent offline.
    Offline,
    /// 1: no user logged in; agent online.
    OnlineNoUser,
    /// 2: no user logged in; agent idle.
    IdleNoUser,
    /// 11: user logged in; agent active.
    UserActive,
    /// 12: user logged in; agent inactive.
    UserInactive,
    /// 198: agent suspended.
    Suspended,
    /// 199: agent never checked in.
    NeverCheckedIn,
    /// A code this crate does not know.
    Unknown(i32),
}

impl From<i32> for AgentStatus {
    fn from(code: i32) -> Self {
        match code {
            0 => AgentStatus::Offline,
            1 => AgentStatus::OnlineNoUser,
            2 => AgentStatus::IdleNoUser,
            11 => AgentStatus::UserActive,
            12 => AgentStatus::UserInactive,
            198 => AgentStatus::Suspended,
            199 => AgentStatus::NeverCheckedIn,
            other => AgentStatus::Unknown(other),
        }
    }
}

impl Agent {
    /// The meaning of [`Agent::online`].
    pub fn status(&self) -> Option<AgentStatus> {
        self.online.map(AgentStatus::from)
    }

    /// Whether the agent is checked in now (any online code).
    pub fn is_online(&self) -> bool {
        matches!(self.online, Some(1 | 2 | 11 | 12))
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AgentSettings {
    /// `AgentVersion`
    #[serde(default)]
    pub agent_version: Option<i64>,
    /// `CurrentUser`
    #[serde(default)]
    pub current_user: Option<String>,
    /// `LastCheckIn`
    #[serde(default)]
    pub last_check_in: Option<String>,
    /// `FirstCheckIn`
    #[serde(default)]
    pub first_check_in: Option<String>,
    /// `LastReboot`
    #[serde(default)]
    pub last_reboot: Option<String>,
    /// `TempDirectory`
    #[serde(default)]
    pub temp_directory: Option<String>,
    /// `CheckInControl`
    #[serde(default)]
    pub check_in_control: Option<CheckInControl>,
    /// `UserProfile`
    #[serde(default)]
    pub user_profile: Option<UserProfile>,
    /// `PatchPolicyMembership`
    #[serde(default)]
    pub patch_policy_membership: Option<Vec<String>>,
    /// `ViewDefinitionCollections`
    #[serde(default)]
    pub view_definition_collections: Option<Vec<String>>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// Check-in control settings: part of [`AgentSettings`] and the body of
/// [`Agents::update_check_in_control`]. Fields left `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct CheckInControl {
    /// `PrimaryKServer`
    #[serde(
        rename = "PrimaryKServer",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_kserver: Option<String>,
    /// `PrimaryKServerPort`
    #[serde(
        rename = "PrimaryKServerPort",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub primary_kserver_port: Option<i64>,
    /// `SecondaryKServer`
    #[serde(
        rename = "SecondaryKServer",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub secondary_kserver: Option<String>,
    /// `SecondaryKServerPort`
    #[serde(
        rename = "SecondaryKServerPort",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub secondary_kserver_port: Option<i64>,
    /// `QuickCheckInTimeInSeconds`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_check_in_time_in_seconds: Option<i64>,
    /// `BandwidthThrottle`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth_throttle: Option<i64>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

/// The user profile of an agent: part of [`AgentSettings`] and the body of
/// [`Agents::update_user_profile`]. Fields left `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UserProfile {
    /// `AdminEmail`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_email: Option<String>,
    /// `UserName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `UserEmail`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_email: Option<String>,
    /// `UserPhone`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_phone: Option<String>,
    /// `Notes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// `ShowToolTip`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_tool_tip: Option<i64>,
    /// `AutoAssignTickets`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_assign_tickets: Option<bool>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    #[serde(default)]
    pub total_online_in_seconds: Option<i64>,
    /// `MeasuredFrom`
    #[serde(default)]
    pub measured_from: Option<String>,
    /// `MeasuredTo`
    #[serde(default)]
    pub measured_to: Option<String>,
}

/// An agent on a Discovery network (`GET /assetmgmt/agentsonnetwork/{networkId}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NetworkAgent {
    /// `AgentId`
    pub agent_id: AgentId,
    /// `UptimeSeconds`
    #[serde(default)]
    pub uptime_seconds: Option<i64>,
    /// `MachName`
    #[serde(default)]
    pub mach_name: Option<String>,
    /// `GroupName`
    #[serde(default)]
    pub group_name: Option<String>,
    /// `Online`: see [`AgentStatus`].
    #[serde(default)]
    pub online: Option<i32>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

impl NetworkAgent {
    /// The meaning of [`NetworkAgent::online`].
    pub fn status(&self) -> Option<AgentStatus> {
        self.online.map(AgentStatus::from)
    }
}

/// The two-factor authentication settings of an agent
/// (`GET /assetmgmt/agent/{agentId}/twofasettings`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct TwoFactorSettings {
    /// `AgentId` (the schema spells it `AgentID`; both are read)
    #[serde(default, alias = "AgentID")]
    pub agent_id: Option<AgentId>,
    /// `AuthEnabled`
    #[serde(default)]
    pub auth_enabled: Option<bool>,
    /// `UseDefaultUser`
    #[serde(default)]
    pub use_default_user: Option<bool>,
    /// `UserName`
    #[serde(default)]
    pub user_name: Option<String>,
    /// `SASName`
    #[serde(rename = "SASName", default)]
    pub sas_name: Option<String>,
    /// `SiteID`
    #[serde(rename = "SiteID", default)]
    pub site_id: Option<i64>,
    /// `Note`
    #[serde(default)]
    pub note: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The remote control notify policy of an agent
/// (`GET /remotecontrol/notifypolicy/{agentId}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NotifyPolicy {
    /// `EmailAddr`
    #[serde(default)]
    pub email_addr: Option<String>,
    /// `AgentGuid`
    #[serde(default)]
    pub agent_guid: Option<AgentId>,
    /// `AdminGroupId`
    #[serde(default)]
    pub admin_group_id: Option<i64>,
    /// `RemoteControlNotify`
    #[serde(default)]
    pub remote_control_notify: Option<i64>,
    /// `NotifyText`
    #[serde(default)]
    pub notify_text: Option<String>,
    /// `AskText`
    #[serde(default)]
    pub ask_text: Option<String>,
    /// `TerminateNotify`
    #[serde(default)]
    pub terminate_notify: Option<i64>,
    /// `TerminateText`
    #[serde(default)]
    pub terminate_text: Option<String>,
    /// `RequireRcNote`
    #[serde(default)]
    pub require_rc_note: Option<i64>,
    /// `RequiteFTPNote` (spelled so on the wire)
    #[serde(rename = "RequiteFTPNote", default)]
    pub require_ftp_note: Option<i64>,
    /// `RecordSession`
    #[serde(default)]
    pub record_session: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The agent calls; from [`Client::agents`].
#[derive(Debug, Clone)]
pub struct Agents {
    client: Client,
}

impl Client {
    /// Agent calls.
    pub fn agents(&self) -> Agents {
        Agents {
            client: self.clone(),
        }
    }
}

impl Agents {
    /// `GET /assetmgmt/agents`: every agent in scope; filterable and sortable
    /// (see [`crate::odata::fields::agents`]).
    pub fn list(&self) -> ListRequest<Agent> {
        self.client.list_named("assetmgmt/agents", "list_agents")
    }

    /// `GET /assetmgmt/agents/{agentId}`
    pub fn get(&self, agent_id: &AgentId) -> Call<Agent> {
        let request = Request::get("assetmgmt/agents")
            .segments([agent_id.as_str()])
            .operation("get_agent");
        self.client.read(request)
    }

    /// `GET /assetmgmt/agent/{agentId}/settings`: the agent's settings (one record).
    pub fn settings(&self, agent_id: &AgentId) -> Call<AgentSettings> {
        let request = Request::get("assetmgmt/agent")
            .segments([agent_id.as_str(), "settings"])
            .operation("get_agent_settings");
        self.client.read(request)
    }

    /// `DELETE /assetmgmt/agents/{agentId}/{uninstallFirst}`: deletes the agent, after
    /// uninstalling it from the machine when `uninstall_first` is set. A write.
    pub fn delete(&self, agent_id: &AgentId, uninstall_first: bool) -> Call<()> {
        let request = Request::delete("assetmgmt/agents")
            .segments([agent_id.as_str(), bool_segment(uninstall_first)])
            .operation("delete_agent");
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/agents/{agentId}/rename/{newName}`: renames the agent (the new name
    /// is one encoded path segment). A write.
    pub fn rename(&self, agent_id: &AgentId, new_name: &str) -> Call<()> {
        let request = Request::put("assetmgmt/agents")
            .segments([agent_id.as_str(), "rename", new_name])
            .operation("rename_agent");
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/agent/{agentId}/settings/userprofile`: updates the user profile
    /// (fields left `None` are not sent). A write.
    pub fn update_user_profile(&self, agent_id: &AgentId, profile: &UserProfile) -> Call<()> {
        let request = Request::put("assetmgmt/agent")
            .segments([agent_id.as_str(), "settings", "userprofile"])
            .operation("update_agent_user_profile")
            .json(profile);
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/agents/{agentId}/settings/tempdir`: sets the agent's working (temp)
    /// directory, sent as `[{"key": "TempDirectory", "value": temp_dir}]` (the key is the
    /// settings field's name; the guide leaves it unnamed). A write.
    pub fn update_temp_dir(&self, agent_id: &AgentId, temp_dir: &str) -> Call<()> {
        let body = [KeyValue::new("TempDirectory", temp_dir)];
        let request = Request::put("assetmgmt/agents")
            .segments([agent_id.as_str(), "settings", "tempdir"])
            .operation("update_agent_temp_dir")
            .json(&body);
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/agent/{agentId}/settings/checkincontrol`: updates check-in control
    /// (fields left `None` are not sent). A write.
    pub fn update_check_in_control(
        &self,
        agent_id: &AgentId,
        settings: &CheckInControl,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/agent")
            .segments([agent_id.as_str(), "settings", "checkincontrol"])
            .operation("update_agent_check_in_control")
            .json(settings);
        self.client.write_unit(request)
    }

    /// `GET /assetmgmt/agentsinview/{viewId}`: the agents in a view; filterable and
    /// sortable (see [`crate::odata::fields::agents`]).
    pub fn in_view(&self, view_id: &ViewId) -> ListRequest<Agent> {
        self.client.list_request(
            Request::get("assetmgmt/agentsinview")
                .segments([view_id.as_str()])
                .operation("list_agents_in_view"),
        )
    }

    /// `GET /system/views`: the agent views; filterable and sortable (see
    /// [`crate::odata::fields::agent_views`]).
    pub fn views(&self) -> ListRequest<AgentView> {
        self.client.list_named("system/views", "list_agent_views")
    }

    /// `GET /assetmgmt/agents/uptime/{since}`: each agent's time online since a date
    /// (sent as `YYYY-MM-DD`); filterable and sortable (see
    /// [`crate::odata::fields::agent_uptime`]).
    pub fn uptime(&self, since: NaiveDate) -> ListRequest<AgentUptime> {
        let since = since.format("%Y-%m-%d").to_string();
        self.client.list_request(
            Request::get("assetmgmt/agents/uptime")
                .segments([since])
                .operation("list_agent_uptime"),
        )
    }

    /// `GET /assetmgmt/agentsonnetwork/{networkId}`: the agents of a Discovery network;
    /// filterable and sortable (see [`crate::odata::fields::network_agents`]).
    pub fn on_network(&self, network_id: &NetworkId) -> ListRequest<NetworkAgent> {
        self.client.list_request(
            Request::get("assetmgmt/agentsonnetwork")
                .segments([network_id.as_str()])
                .operation("list_agents_on_network"),
        )
    }

    /// `GET /assetmgmt/agent/{agentId}/twofasettings`: the agent's two-factor
    /// authentication settings (one record).
    pub fn two_factor_settings(&self, agent_id: &AgentId) -> Call<TwoFactorSettings> {
        let request = Request::get("assetmgmt/agent")
            .segments([agent_id.as_str(), "twofasettings"])
            .operation("get_agent_2fa_settings");
        self.client.read(request)
    }

    /// `GET /remotecontrol/notifypolicy/{agentId}`: the agent's remote control notify
    /// policy (one record).
    pub fn remote_control_notify_policy(&self, agent_id: &AgentId) -> Call<NotifyPolicy> {
        let request = Request::get("remotecontrol/notifypolicy")
            .segments([agent_id.as_str()])
            .operation("get_remote_control_notify_policy");
        self.client.read(request)
    }
}

/// `true` / `false` as a path segment.
pub(crate) fn bool_segment(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}
