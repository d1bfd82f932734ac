//! Machine groups: `/system/machinegroups` and `/system/orgs/{orgId}/machinegroups`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{MachineGroupId, OrgId};
use msp_common::{Call, Request};

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
        self.client
            .list_named("system/machinegroups", "list_machine_groups")
    }

    /// `GET /system/machinegroups/{machineGroupId}` (the server wraps the record in a
    /// one-element array; the record is returned).
    pub fn get(&self, id: &MachineGroupId) -> Call<MachineGroup> {
        let request = Request::get("system/machinegroups")
            .segments([id.as_str()])
            .operation("get_machine_group");
        self.client.read_one(request)
    }

    /// `GET /system/orgs/{orgId}/machinegroups`; filterable and sortable.
    pub fn list_in_org(&self, org_id: &OrgId) -> ListRequest<MachineGroup> {
        self.client.list_request(
            Request::get("system/orgs")
                .segments([org_id.as_str(), "machinegroups"])
                .operation("list_org_machine_groups"),
        )
    }

    /// `POST /system/orgs/{orgId}/machinegroups` (a write); returns the server's
    /// `Result`.
    pub fn create(&self, org_id: &OrgId, group: &MachineGroup) -> Call<serde_json::Value> {
        let request = Request::post("system/orgs")
            .segments([org_id.as_str(), "machinegroups"])
            .operation("create_machine_group")
            .json(group);
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(Option::unwrap_or_default)
    }

    /// `PUT /system/machinegroups/{machineGroupId}`: sends the set fields, with
    /// `MachineGroupId` (a write).
    pub fn update(&self, id: &MachineGroupId, changes: &MachineGroup) -> Call<()> {
        let mut body = changes.clone();
        body.machine_group_id = Some(id.clone());
        let request = Request::put("system/machinegroups")
            .segments([id.as_str()])
            .operation("update_machine_group")
            .json(&body);
        self.client.write_unit(request)
    }

    /// `DELETE /system/machinegroups/{machineGroupId}` (a write).
    pub fn delete(&self, id: &MachineGroupId) -> Call<()> {
        let request = Request::delete("system/machinegroups")
            .segments([id.as_str()])
            .operation("delete_machine_group");
        self.client.write_unit(request)
    }
}
