//! Alarms: `/assetmgmt/alarms`.

use crate::agents::bool_segment;
use crate::client::{Client, ListRequest};
use crate::ids::AlarmId;
use crate::models::KeyValue;
use msp_common::{Call, Request};

pub use crate::models::{Alarm, AlarmStatus};

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
