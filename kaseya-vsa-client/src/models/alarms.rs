//! Alarms.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::de;
use crate::ids::{AgentId, AlarmId};

/// An alarm (`GET /assetmgmt/alarms/{alarmId}` and the alarm lists).
///
/// The list answers carry the summary fields; the single-alarm answer adds
/// `MonitorType`, `AlarmType`, `Message`, `AlarmEmail`, `TicketId` and `AdminName`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Alarm {
    /// `AlarmId`
    pub alarm_id: AlarmId,
    /// `AgentId`
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    /// `MachineGroup`
    #[serde(default)]
    pub machine_group: Option<String>,
    /// `AlertType`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub alert_type: Option<i64>,
    /// `agentName` (spelled so on the wire; `AgentName` is read too)
    #[serde(rename = "agentName", alias = "AgentName", default)]
    pub agent_name: Option<String>,
    /// `AlarmSubject`
    #[serde(default)]
    pub alarm_subject: Option<String>,
    /// `EventTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub event_time: Option<DateTime<Utc>>,
    /// `MonitorAlarmStateId`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub monitor_alarm_state_id: Option<i64>,
    /// `MonitorType`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub monitor_type: Option<i64>,
    /// `AlarmType`
    #[serde(default)]
    pub alarm_type: Option<String>,
    /// `Message`
    #[serde(default)]
    pub message: Option<String>,
    /// `AlarmEmail`
    #[serde(default)]
    pub alarm_email: Option<String>,
    /// `TicketId`
    #[serde(default, deserialize_with = "lenient::opt_string")]
    pub ticket_id: Option<String>,
    /// `AdminName`
    #[serde(default)]
    pub admin_name: Option<String>,
    /// `MachineName` (answered by some servers)
    #[serde(default)]
    pub machine_name: Option<String>,
    /// `AlarmText` (answered by some servers)
    #[serde(default)]
    pub alarm_text: Option<String>,
    /// `AlarmDate` (answered by some servers)
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub alarm_date: Option<DateTime<Utc>>,
    /// `MonitorName` (answered by some servers)
    #[serde(default)]
    pub monitor_name: Option<String>,
    /// `Status` (answered by some servers: `Open`, `Closed`)
    #[serde(default, deserialize_with = "de::text_enum")]
    pub status: Option<AlarmStatus>,
    /// `Severity` (answered by some servers)
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub severity: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

text_enum! {
    /// Whether an alarm is open (`Status`, answered by some servers).
    pub enum AlarmStatus {
        /// `Open`
        Open = "Open",
        /// `Closed`
        Closed = "Closed",
    }
}

impl Alarm {
    /// Whether the alarm is open: its `Status` is not `Closed` (an alarm whose server
    /// does not say is taken as open).
    pub fn is_open(&self) -> bool {
        self.status != Some(AlarmStatus::Closed)
    }
}
