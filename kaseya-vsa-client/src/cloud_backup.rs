//! Cloud backup: `/kcb` — the backup status of each machine with Cloud Backup installed.
//!
//! The guide shows `GET /kcb/servers` answering a bare map (`{"830403000030949":
//! "KCB_BackupStatus_Successful"}`) and the two others an envelope; both shapes are read.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::Result;
use crate::client::Client;
use msp_common::Request;

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
    async fn kcb(&self, what: &str) -> Result<BackupStatuses> {
        let request = Request::get("kcb")
            .segments([what])
            .operation("cloud_backup");
        let map = match self.send(request).await?.json::<MapOrEnvelope>()? {
            MapOrEnvelope::Envelope { result, .. } => result.unwrap_or_default(),
            MapOrEnvelope::Map(map) => map,
        };
        Ok(map.into_iter().map(|(k, v)| (k, text(v))).collect())
    }

    /// `GET /kcb/servers`: backup status of each physical server.
    pub async fn cloud_backup_servers(&self) -> Result<BackupStatuses> {
        self.kcb("servers").await
    }

    /// `GET /kcb/virtualmachines`: backup status of each virtual machine.
    pub async fn cloud_backup_virtual_machines(&self) -> Result<BackupStatuses> {
        self.kcb("virtualmachines").await
    }

    /// `GET /kcb/workstations`: backup status of each physical workstation.
    pub async fn cloud_backup_workstations(&self) -> Result<BackupStatuses> {
        self.kcb("workstations").await
    }
}
