//! Departments: `/system/orgs/{orgId}/departments` and `/system/departments`.

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{DecimalId, DepartmentId, OrgId};
use msp_common::{Call, Request};

/// A department. For `update`, set only the fields to change (unset fields are not sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Department {
    /// `DepartmentId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_id: Option<DepartmentId>,
    /// `DepartmentName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// `ParentDepartmentId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_department_id: Option<DepartmentId>,
    /// `ManagerId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<DecimalId>,
    /// `OrgId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `DepartmentRef`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<String>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl Department {
    /// A department with a name.
    pub fn new(name: impl Into<String>) -> Self {
        Department {
            department_name: Some(name.into()),
            ..Department::default()
        }
    }
}

/// Department calls; from [`Client::departments`].
#[derive(Debug, Clone)]
pub struct Departments {
    client: Client,
}

impl Client {
    /// Department calls.
    pub fn departments(&self) -> Departments {
        Departments {
            client: self.clone(),
        }
    }
}

impl Departments {
    /// `GET /system/orgs/{orgId}/departments`; filterable and sortable.
    pub fn list(&self, org_id: &OrgId) -> ListRequest<Department> {
        self.client.list_request(
            Request::get("system/orgs")
                .segments([org_id.as_str(), "departments"])
                .operation("list_departments"),
        )
    }

    /// `GET /system/departments/{deptId}`
    pub fn get(&self, department_id: &DepartmentId) -> Call<Department> {
        let request = Request::get("system/departments")
            .segments([department_id.as_str()])
            .operation("get_department");
        self.client.read_one(request)
    }

    /// `POST /system/orgs/{orgId}/departments` (a write); returns the server's `Result`.
    pub fn create(&self, org_id: &OrgId, department: &Department) -> Call<serde_json::Value> {
        let request = Request::post("system/orgs")
            .segments([org_id.as_str(), "departments"])
            .operation("create_department")
            .json(department);
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(Option::unwrap_or_default)
    }

    /// `PUT /system/departments/{departmentId}`: sends the set fields, with
    /// `DepartmentId` (a write).
    pub fn update(&self, department_id: &DepartmentId, changes: &Department) -> Call<()> {
        let mut body = changes.clone();
        body.department_id = Some(department_id.clone());
        let request = Request::put("system/departments")
            .segments([department_id.as_str()])
            .operation("update_department")
            .json(&body);
        self.client.write_unit(request)
    }

    /// `DELETE /system/departments/{departmentId}` (a write).
    pub fn delete(&self, department_id: &DepartmentId) -> Call<()> {
        let request = Request::delete("system/departments")
            .segments([department_id.as_str()])
            .operation("delete_department");
        self.client.write_unit(request)
    }
}
