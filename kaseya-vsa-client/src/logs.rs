//! Logs: `/assetmgmt/logs/{agentId}/…` (agent, agent procedure, alarm, configuration
//! change, remote control, monitor action, network statistics, event and log monitoring
//! logs) and the Live Connect audit log (`/assetmgmt/agent/{agentId}/KLCAuditLogEntry`).

use crate::client::{Client, ListRequest};
use crate::ids::AgentId;
use msp_common::{Call, Request};

pub use crate::models::{
    EventLogEntry, EventType, LiveConnectAuditEntry, LogEntry, MonitorActionLogEntry,
    NetworkStatLogEntry, ProcedureLogEntry, RemoteControlLogEntry,
};

/// Which Windows event log [`Logs::event_log`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventLogKind {
    /// `eventlog/application`
    Application,
    /// `eventlog/directoryservice`
    DirectoryService,
    /// `eventlog/dnsserver`
    DnsServer,
    /// `eventlog/internetexplorer`
    InternetExplorer,
    /// `eventlog/security`
    Security,
    /// `eventlog/system`
    System,
}

impl EventLogKind {
    /// Every kind.
    pub const ALL: [EventLogKind; 6] = [
        EventLogKind::Application,
        EventLogKind::DirectoryService,
        EventLogKind::DnsServer,
        EventLogKind::InternetExplorer,
        EventLogKind::Security,
        EventLogKind::System,
    ];

    /// The path segment (`application`, `directoryservice`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EventLogKind::Application => "application",
            EventLogKind::DirectoryService => "directoryservice",
            EventLogKind::DnsServer => "dnsserver",
            EventLogKind::InternetExplorer => "internetexplorer",
            EventLogKind::Security => "security",
            EventLogKind::System => "system",
        }
    }
}

/// Log calls; from [`Client::logs`].
#[derive(Debug, Clone)]
pub struct Logs {
    client: Client,
}

impl Client {
    /// Log calls.
    pub fn logs(&self) -> Logs {
        Logs {
            client: self.clone(),
        }
    }
}

impl Logs {
    fn log<T>(&self, agent_id: &AgentId, kind: &[&str], operation: &'static str) -> ListRequest<T> {
        self.client.list_request(
            Request::get("assetmgmt/logs")
                .segments([agent_id.as_str()])
                .segments(kind)
                .operation(operation),
        )
    }

    /// `GET /assetmgmt/logs/{agentId}/agent`: the agent log; filterable and sortable (see
    /// [`crate::odata::fields::log_entries`]).
    pub fn agent(&self, agent_id: &AgentId) -> ListRequest<LogEntry> {
        self.log(agent_id, &["agent"], "list_agent_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/agentprocedure`: the agent procedure log;
    /// filterable and sortable (see [`crate::odata::fields::procedure_log`]).
    pub fn agent_procedure(&self, agent_id: &AgentId) -> ListRequest<ProcedureLogEntry> {
        self.log(agent_id, &["agentprocedure"], "list_agent_procedure_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/alarms`: the alarm log; filterable and sortable
    /// (see [`crate::odata::fields::log_entries`]).
    pub fn alarms(&self, agent_id: &AgentId) -> ListRequest<LogEntry> {
        self.log(agent_id, &["alarms"], "list_alarm_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/configurationchanges`: the configuration changes
    /// log; filterable and sortable (see [`crate::odata::fields::log_entries`]).
    pub fn configuration_changes(&self, agent_id: &AgentId) -> ListRequest<LogEntry> {
        self.log(
            agent_id,
            &["configurationchanges"],
            "list_configuration_changes_log",
        )
    }

    /// `GET /assetmgmt/logs/{agentId}/legacyremotecontrol`: the legacy remote control
    /// log; filterable and sortable (see [`crate::odata::fields::remote_control_log`]).
    pub fn legacy_remote_control(&self, agent_id: &AgentId) -> ListRequest<RemoteControlLogEntry> {
        self.log(
            agent_id,
            &["legacyremotecontrol"],
            "list_legacy_remote_control_log",
        )
    }

    /// `GET /assetmgmt/logs/{agentId}/monitoractions`: the monitor action log;
    /// filterable and sortable (see [`crate::odata::fields::monitor_action_log`]).
    pub fn monitor_actions(&self, agent_id: &AgentId) -> ListRequest<MonitorActionLogEntry> {
        self.log(agent_id, &["monitoractions"], "list_monitor_action_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/networkstats`: the network statistics log;
    /// filterable and sortable (see [`crate::odata::fields::network_stats_log`]).
    pub fn network_stats(&self, agent_id: &AgentId) -> ListRequest<NetworkStatLogEntry> {
        self.log(agent_id, &["networkstats"], "list_network_stats_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/remotecontrol`: the Kaseya Remote Control log;
    /// filterable and sortable (see [`crate::odata::fields::remote_control_log`]).
    pub fn remote_control(&self, agent_id: &AgentId) -> ListRequest<RemoteControlLogEntry> {
        self.log(agent_id, &["remotecontrol"], "list_remote_control_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/eventlog/{kind}`: one of the six event logs
    /// (application, directory service, DNS server, Internet Explorer, security,
    /// system); filterable and sortable (see [`crate::odata::fields::event_log`]).
    pub fn event_log(&self, agent_id: &AgentId, kind: EventLogKind) -> ListRequest<EventLogEntry> {
        self.log(agent_id, &["eventlog", kind.as_str()], "list_event_log")
    }

    /// `GET /assetmgmt/logs/{agentId}/logmonitoring`: the log monitoring log; filterable
    /// and sortable (see [`crate::odata::fields::event_log`]).
    pub fn log_monitoring(&self, agent_id: &AgentId) -> ListRequest<EventLogEntry> {
        self.log(agent_id, &["logmonitoring"], "list_log_monitoring_log")
    }

    /// `PUT /assetmgmt/agent/{agentId}/KLCAuditLogEntry`: adds a Live Connect audit log
    /// entry. A write.
    pub fn add_live_connect_audit_entry(
        &self,
        agent_id: &AgentId,
        entry: &LiveConnectAuditEntry,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/agent")
            .segments([agent_id.as_str(), "KLCAuditLogEntry"])
            .operation("add_live_connect_audit_entry")
            .json(entry);
        self.client.write_unit(request)
    }
}
