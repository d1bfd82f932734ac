//! Organizations: `/system/orgs`, their locations and types.

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{DecimalId, OrgId};
use msp_common::{Call, Request};

/// Contact details of an organization.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ContactInfo {
    /// `PreferredContactMethod`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_contact_method: Option<String>,
    /// `PrimaryPhone`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<String>,
    /// `PrimaryFax`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_fax: Option<String>,
    /// `PrimaryEmail`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<String>,
    /// `Country`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `Street`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// `City`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `State`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `ZipCode`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// `PrimaryTextMessagePhone`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_text_message_phone: Option<String>,
}

/// A custom field value of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OrgCustomField {
    /// `FieldName`
    #[serde(default)]
    pub field_name: Option<String>,
    /// `FieldValue`
    #[serde(default)]
    pub field_value: Option<String>,
}

impl OrgCustomField {
    /// A field and its value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        OrgCustomField {
            field_name: Some(name.into()),
            field_value: Some(value.into()),
        }
    }
}

/// An organization. Build one with [`Organization::new`] for `create`; for `update`, set
/// only the fields to change (unset fields are not sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Organization {
    /// `OrgId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `OrgName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `OrgRef`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_ref: Option<String>,
    /// `OrgType`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    /// `DefaultDepartmentName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_department_name: Option<String>,
    /// `DefaultMachineGroupName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_machine_group_name: Option<String>,
    /// `ParentOrgId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_org_id: Option<OrgId>,
    /// `Website`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// `NoOfEmployees`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_of_employees: Option<i64>,
    /// `AnnualRevenue` (a decimal; kept as JSON to lose nothing)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_revenue: Option<serde_json::Value>,
    /// `ContactInfo`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<ContactInfo>,
    /// `CustomFields`
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<OrgCustomField>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl Organization {
    /// An organization with a name and a reference (its short code).
    pub fn new(name: impl Into<String>, reference: impl Into<String>) -> Self {
        Organization {
            org_name: Some(name.into()),
            org_ref: Some(reference.into()),
            ..Organization::default()
        }
    }
}

/// `GET /system/orgs/locations`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OrgLocation {
    /// `OrgId`
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `OrgName`
    #[serde(default)]
    pub org_name: Option<String>,
    /// `OrgRef`
    #[serde(default)]
    pub org_ref: Option<String>,
    /// The contact and address fields, flattened as the server sends them.
    #[serde(flatten)]
    pub contact: ContactInfo,
}

/// `GET /system/orgs/types`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OrgType {
    /// `OrgTypeId` (the sample spells it `OrgTypeID`; both are read)
    #[serde(alias = "OrgTypeID", default)]
    pub org_type_id: Option<DecimalId>,
    /// `OrgTypeRef`
    #[serde(default)]
    pub org_type_ref: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `Status`
    #[serde(default)]
    pub status: Option<i64>,
}

/// Organization calls; from [`Client::orgs`].
#[derive(Debug, Clone)]
pub struct Orgs {
    client: Client,
}

impl Client {
    /// Organization calls.
    pub fn orgs(&self) -> Orgs {
        Orgs {
            client: self.clone(),
        }
    }
}

impl Orgs {
    /// `GET /system/orgs`; filterable and sortable (see [`crate::odata::fields::orgs`]).
    pub fn list(&self) -> ListRequest<Organization> {
        self.client.list_named("system/orgs", "list_orgs")
    }

    /// `GET /system/orgs/{orgId}`
    pub fn get(&self, org_id: &OrgId) -> Call<Organization> {
        let request = Request::get("system/orgs")
            .segments([org_id.as_str()])
            .operation("get_org");
        self.client.read_one(request)
    }

    /// `POST /system/orgs` (a write); returns the server's `Result`.
    pub fn create(&self, org: &Organization) -> Call<serde_json::Value> {
        let request = Request::post("system/orgs")
            .operation("create_org")
            .json(org);
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(Option::unwrap_or_default)
    }

    /// `PUT /system/orgs/{orgId}`: sends the set fields, with `OrgId` (a write).
    pub fn update(&self, org_id: &OrgId, changes: &Organization) -> Call<()> {
        let mut body = changes.clone();
        body.org_id = Some(org_id.clone());
        let request = Request::put("system/orgs")
            .segments([org_id.as_str()])
            .operation("update_org")
            .json(&body);
        self.client.write_unit(request)
    }

    /// `DELETE /system/orgs/{orgId}` (a write).
    pub fn delete(&self, org_id: &OrgId) -> Call<()> {
        let request = Request::delete("system/orgs")
            .segments([org_id.as_str()])
            .operation("delete_org");
        self.client.write_unit(request)
    }

    /// `GET /system/orgs/locations`
    pub fn locations(&self) -> ListRequest<OrgLocation> {
        self.client
            .list_named("system/orgs/locations", "list_org_locations")
    }

    /// `GET /system/orgs/types`
    pub fn types(&self) -> ListRequest<OrgType> {
        self.client
            .list_named("system/orgs/types", "list_org_types")
    }
}
