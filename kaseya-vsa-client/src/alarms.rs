//! Alarms: `/assetmgmt/alarms`.

use serde::{Deserialize, Serialize};

use crate::agents::{KeyValue, bool_segment};
use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, AlarmId};
use msp_common::{Call, Request};

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
    #[serde(default)]
    pub alert_type: Option<i32>,
    /// `agentName` (spelled so on the wire; `AgentName` is read too)
    #[serde(rename = "agentName", alias = "AgentName", default)]
    pub agent_name: Option<String>,
    /// `AlarmSubject`
    #[serde(default)]
    pub alarm_subject: Option<String>,
    /// `EventTime`
    #[serde(default)]
    pub event_time: Option<String>,
    /// `MonitorAlarmStateId`
    #[serde(default)]
    pub monitor_alarm_state_id: Option<i32>,
    /// `MonitorType`
    #[serde(default)]
    pub monitor_type: Option<i32>,
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
    #[serde(default, deserialize_with = "crate::custom_fields::string_like")]
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
    #[serde(default)]
    pub alarm_date: Option<String>,
    /// `MonitorName` (answered by some servers)
    #[serde(default)]
    pub monitor_name: Option<String>,
    /// `Status` (answered by some servers: `Open`, `Closed`)
    #[serde(default)]
    pub status: Option<String>,
    /// `Severity` (answered by some servers)
    #[serde(default)]
    pub severity: Option<i32>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// Alarm calls; from [`Client::alarms`].
#[derive(Debug, Clone)]
pub struct Alarms {
    client: Client,
}

impl Client {
    /// Alarm calls.
    pub fn alarms(&self) -> Alarms {
        Alarms {
            client: self.clone(),
        }
    }
}

impl Alarms {
    /// `GET /assetmgmt/alarms/{alarmId}`: one alarm with its details.
    pub fn get(&self, alarm_id: &AlarmId) -> Call<Alarm> {
        let request = Request::get("assetmgmt/alarms")
            .segments([alarm_id.as_str()])
            .operation("get_alarm");
        self.client.read(request)
    }

    /// `GET /assetmgmt/alarms/{returnAllRecords}`: with `return_all_records` every alarm
    /// in scope; without, only the alarms new since this session last asked. Filterable
    /// and sortable (see [`crate::odata::fields::alarms`] and
    /// [`crate::odata::fields::alarms_more`]).
    pub fn list(&self, return_all_records: bool) -> ListRequest<Alarm> {
        self.client.list_request(
            Request::get("assetmgmt/alarms")
                .segments([bool_segment(return_all_records)])
                .operation("list_alarms"),
        )
    }

    /// `PUT /assetmgmt/alarms/{alarmId}/close`: closes an alarm, giving the reason, sent
    /// as `[{"key": "notes", "value": notes}]`. A write.
    pub fn close(&self, alarm_id: &AlarmId, notes: &str) -> Call<()> {
        let body = [KeyValue::new("notes", notes)];
        let request = Request::put("assetmgmt/alarms")
            .segments([alarm_id.as_str(), "close"])
            .operation("close_alarm")
            .json(&body);
        self.client.write_unit(request)
    }
}
