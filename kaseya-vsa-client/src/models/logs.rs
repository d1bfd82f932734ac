//! Logs: the agent, procedure, alarm, configuration change, remote control, monitor
//! action, network statistics and event logs, and the Live Connect audit entry body.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::de;

/// A `{Time, Event}` log entry: the agent, alarm and configuration change logs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct LogEntry {
    /// `Time`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub time: Option<DateTime<Utc>>,
    /// `Event`
    pub event: Option<String>,
}

/// An agent procedure log entry (`GET /assetmgmt/logs/{agentId}/agentprocedure`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ProcedureLogEntry {
    /// `LastExecution`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_execution: Option<DateTime<Utc>>,
    /// `ProcedureHistory`
    pub procedure_history: Option<String>,
    /// `Status`
    pub status: Option<String>,
    /// `Admin`
    pub admin: Option<String>,
}

/// A remote control session (`GET /assetmgmt/logs/{agentId}/remotecontrol` and
/// `…/legacyremotecontrol`).
///
/// The guide's sample answers of both logs carry `StartTime`, `LastActiveTime`,
/// `SessionType` and `Admin`; the legacy log's schema names `Time`, `Type` and
/// `Duration` instead, so those are read too.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct RemoteControlLogEntry {
    /// `StartTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub start_time: Option<DateTime<Utc>>,
    /// `LastActiveTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_active_time: Option<DateTime<Utc>>,
    /// `SessionType`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub session_type: Option<i64>,
    /// `Admin`
    pub admin: Option<String>,
    /// `Time` (legacy log schema)
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_datetime"
    )]
    pub time: Option<DateTime<Utc>>,
    /// `Type` (legacy log schema)
    #[serde(
        rename = "Type",
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub kind: Option<i64>,
    /// `Duration` (legacy log schema)
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub duration: Option<i64>,
}

/// A monitor action log entry (`GET /assetmgmt/logs/{agentId}/monitoractions`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct MonitorActionLogEntry {
    /// `Time`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub time: Option<DateTime<Utc>>,
    /// `SNMPDevice`
    #[serde(rename = "SNMPDevice")]
    pub snmp_device: Option<String>,
    /// `Type`
    #[serde(rename = "Type", deserialize_with = "lenient::opt_i64")]
    pub kind: Option<i64>,
    /// `Message`
    pub message: Option<String>,
}

/// A network statistics log entry (`GET /assetmgmt/logs/{agentId}/networkstats`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NetworkStatLogEntry {
    /// `NetworkStatId` (`NetworkStatID` is read too)
    #[serde(alias = "NetworkStatID", deserialize_with = "lenient::opt_i64")]
    pub network_stat_id: Option<i64>,
    /// `Time`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub time: Option<DateTime<Utc>>,
    /// `Application`
    pub application: Option<String>,
    /// `BytesSent`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub bytes_sent: Option<i64>,
    /// `BytesRcvd`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub bytes_rcvd: Option<i64>,
}

/// An event log entry (`GET /assetmgmt/logs/{agentId}/eventlog/{kind}` and
/// `…/logmonitoring`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct EventLogEntry {
    /// `EventId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub event_id: Option<i64>,
    /// `User`
    pub user: Option<String>,
    /// `Category`
    pub category: Option<String>,
    /// `Source`
    pub source: Option<String>,
    /// `Type`
    #[serde(rename = "Type", deserialize_with = "de::text_enum")]
    pub kind: Option<EventType>,
    /// `Time`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub time: Option<DateTime<Utc>>,
}

/// A Live Connect audit log entry, the body of [`Logs::add_live_connect_audit_entry`](crate::logs::Logs::add_live_connect_audit_entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LiveConnectAuditEntry {
    /// `UserName`
    pub user_name: String,
    /// `AgentName`
    pub agent_name: String,
    /// `LogMessage`
    pub log_message: String,
}

impl LiveConnectAuditEntry {
    /// An entry.
    pub fn new(
        user_name: impl Into<String>,
        agent_name: impl Into<String>,
        log_message: impl Into<String>,
    ) -> Self {
        LiveConnectAuditEntry {
            user_name: user_name.into(),
            agent_name: agent_name.into(),
            log_message: log_message.into(),
        }
    }
}

text_enum! {
    /// The type of a Windows event log entry (`Type`).
    pub enum EventType {
        /// `Error`
        Error = "Error",
        /// `Warning`
        Warning = "Warning",
        /// `Information`
        Information = "Information" | "Info",
        /// `Audit Success`
        AuditSuccess = "Audit Success" | "AuditSuccess" | "Success Audit",
        /// `Audit Failure`
        AuditFailure = "Audit Failure" | "AuditFailure" | "Failure Audit",
        /// `Critical`
        Critical = "Critical",
        /// `Verbose`
        Verbose = "Verbose",
    }
}
