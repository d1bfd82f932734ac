//! Agents: `GET /assetmgmt/agents` and the calls on one agent.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, MachineGroupId, OrgId};
use msp_common::Request;

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
        self.client.list("assetmgmt/agents")
    }

    /// `GET /assetmgmt/agents/{agentId}`
    pub async fn get(&self, agent_id: &AgentId) -> Result<Agent> {
        let request = Request::get("assetmgmt/agents")
            .segments([agent_id.as_str()])
            .operation("get_agent");
        Ok(self.client.call(request).await?.result)
    }
}
