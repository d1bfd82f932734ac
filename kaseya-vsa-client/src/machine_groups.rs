//! Machine groups: `/system/machinegroups` and `/system/orgs/{orgId}/machinegroups`.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::client::{Client, ListRequest};
use crate::ids::{MachineGroupId, OrgId};
use msp_common::Request;

/// A machine group. For `update`, set only the fields to change (unset fields are not
/// sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MachineGroup {
    /// `MachineGroupId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroupName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_group_name: Option<String>,
    /// `ParentMachineGroupId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_machine_group_id: Option<MachineGroupId>,
    /// `OrgId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl MachineGroup {
    /// A machine group with a name.
    pub fn new(name: impl Into<String>) -> Self {
        MachineGroup {
            machine_group_name: Some(name.into()),
            ..MachineGroup::default()
        }
    }
}

/// Machine group calls; from [`Client::machine_groups`].
#[derive(Debug, Clone)]
pub struct MachineGroups {
    client: Client,
}

impl Client {
    /// Machine group calls.
    pub fn machine_groups(&self) -> MachineGroups {
        MachineGroups {
            client: self.clone(),
        }
    }
}

impl MachineGroups {
    /// `GET /system/machinegroups`: every machine group; filterable and sortable (see
    /// [`crate::odata::fields::machine_groups`]).
    pub fn list(&self) -> ListRequest<MachineGroup> {
        self.client.list("system/machinegroups")
    }

    /// `GET /system/machinegroups/{machineGroupId}` (the server wraps the record in a
    /// one-element array; the record is returned).
    pub async fn get(&self, id: &MachineGroupId) -> Result<MachineGroup> {
        let request = Request::get("system/machinegroups")
            .segments([id.as_str()])
            .operation("get_machine_group");
        self.client.call_one(request).await
    }

    /// `GET /system/orgs/{orgId}/machinegroups`; filterable and sortable.
    pub fn list_in_org(&self, org_id: &OrgId) -> ListRequest<MachineGroup> {
        self.client
            .list_request(Request::get("system/orgs").segments([org_id.as_str(), "machinegroups"]))
    }

    /// `POST /system/orgs/{orgId}/machinegroups` (never retried); returns the server's
    /// `Result`.
    pub async fn create(&self, org_id: &OrgId, group: &MachineGroup) -> Result<serde_json::Value> {
        let request = Request::post("system/orgs")
            .segments([org_id.as_str(), "machinegroups"])
            .operation("create_machine_group")
            .json(group)?;
        Ok(self
            .client
            .call::<Option<serde_json::Value>>(request)
            .await?
            .result
            .unwrap_or_default())
    }

    /// `PUT /system/machinegroups/{machineGroupId}`: sends the set fields, with
    /// `MachineGroupId` (never retried).
    pub async fn update(&self, id: &MachineGroupId, changes: &MachineGroup) -> Result<()> {
        let mut body = changes.clone();
        body.machine_group_id = Some(id.clone());
        let request = Request::put("system/machinegroups")
            .segments([id.as_str()])
            .operation("update_machine_group")
            .json(&body)?;
        self.client.send(request).await.map(drop)
    }

    /// `DELETE /system/machinegroups/{machineGroupId}` (never retried).
    pub async fn delete(&self, id: &MachineGroupId) -> Result<()> {
        let request = Request::delete("system/machinegroups")
            .segments([id.as_str()])
            .operation("delete_machine_group");
        self.client.send(request).await.map(drop)
    }
}
