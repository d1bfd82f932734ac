//! Cloud backup: `/kcb` — the backup status of each machine with Cloud Backup installed.
//!
//! The guide shows `GET /kcb/servers` answering a bare map (`{"830403000030949":
//! "KCB_BackupStatus_Successful"}`) and the two others an envelope; both shapes are read.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::client::Client;
use msp_common::{Call, Request};

/// Backup status by agent id (`"KCB_BackupStatus_Successful"`, …).
pub type BackupStatuses = BTreeMap<String, String>;

#[derive(Deserialize)]
#[serde(untagged)]
enum MapOrEnvelope {
    Envelope {
        #[serde(rename = "Result")]
        result: Option<BTreeMap<String, serde_json::Value>>,
        #[serde(rename = "ResponseCode")]
        _code: serde_json::Value,
    },
    Map(BTreeMap<String, serde_json::Value>),
}

fn text(v: serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

impl Client {
    fn kcb(&self, what: &'static str, operation: &'static str) -> Call<BackupStatuses> {
        let request = Request::get("kcb").segments([what]).operation(operation);
        self.read_raw(request).and_then(|response| {
            let map = match response.json::<MapOrEnvelope>()? {
                MapOrEnvelope::Envelope { result, .. } => result.unwrap_or_default(),
                MapOrEnvelope::Map(map) => map,
            };
            Ok(map.into_iter().map(|(k, v)| (k, text(v))).collect())
        })
    }

    /// `GET /kcb/servers`: backup status of each physical server.
    pub fn cloud_backup_servers(&self) -> Call<BackupStatuses> {
        self.kcb("servers", "get_cloud_backup_servers")
    }

    /// `GET /kcb/virtualmachines`: backup status of each virtual machine.
    pub fn cloud_backup_virtual_machines(&self) -> Call<BackupStatuses> {
        self.kcb("virtualmachines", "get_cloud_backup_virtual_machines")
    }

    /// `GET /kcb/workstations`: backup status of each physical workstation.
    pub fn cloud_backup_workstations(&self) -> Call<BackupStatuses> {
        self.kcb("workstations", "get_cloud_backup_workstations")
    }
}
