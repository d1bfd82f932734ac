//! Agents: `GET /assetmgmt/agents`, the calls on one agent (settings, rename, delete,
//! user profile, temp directory, check-in control, 2FA settings, remote control notify
//! policy), agents in a view or on a Discovery network, agent views and uptime.

use chrono::NaiveDate;

use crate::client::{Client, ListRequest, name_segment};
use crate::ids::{AgentId, NetworkId, ViewId};
use msp_common::{Call, Request};

pub use crate::models::{
    Agent, AgentSettings, AgentStatus, AgentUptime, AgentView, CheckInControl, KeyValue,
    NetworkAgent, NotifyPolicy, OsType, TwoFactorSettings, UserProfile,
};

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
        let request = name_segment("agent's new name", new_name).map(|name| {
            Request::put("assetmgmt/agents")
                .segments([agent_id.as_str(), "rename", name])
                .operation("rename_agent")
        });
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
