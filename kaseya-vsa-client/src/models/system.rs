//! The system chapters: the session, the environment and the tenant, email and
//! notifications, organizations (with their locations and types), departments, machine
//! groups, users and roles, and the info center.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::de;
use crate::ids::{
    DecimalId, DepartmentId, MachineGroupId, MessageId, OrgId, RoleId, ScopeId, UserId,
};

/// Who the session belongs to, from the `/auth` answer (tokens are not kept here).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[non_exhaustive]
#[serde(default)]
pub struct SessionInfo {
    /// `TenantId` (a string or a number on the wire)
    #[serde(rename = "TenantId", deserialize_with = "lenient::opt_string")]
    pub tenant_id: Option<String>,
    /// `UserName`
    #[serde(rename = "UserName")]
    pub user_name: Option<String>,
    /// `RoleId` (a number or a string of digits; anything else is `None`)
    #[serde(rename = "RoleId", deserialize_with = "de::id")]
    pub role_id: Option<RoleId>,
    /// `ScopeId` (a number or a string of digits; anything else is `None`)
    #[serde(rename = "ScopeId", deserialize_with = "de::id")]
    pub scope_id: Option<ScopeId>,
    /// `AdminId`: the signed-in user (a number or a string of digits; anything else is
    /// `None`)
    #[serde(rename = "AdminId", deserialize_with = "de::id")]
    pub admin_id: Option<UserId>,
    /// `SessionExpiration`: when the token expires. Current servers write
    /// `2026-12-01T04:16:58Z`; the guide's sample `2026-12-01T04:16:58.628` (no zone,
    /// read as UTC). Both are read.
    #[serde(
        rename = "SessionExpiration",
        deserialize_with = "lenient::opt_datetime"
    )]
    pub session_expiration: Option<DateTime<Utc>>,
    /// `OffSetInMinutes`
    #[serde(rename = "OffSetInMinutes", deserialize_with = "lenient::opt_i64")]
    pub offset_in_minutes: Option<i64>,
    /// `CultureInfo`
    #[serde(rename = "CultureInfo")]
    pub culture_info: Option<String>,
}

/// `GET /environment`: system-wide properties of the VSA.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Environment {
    /// `SystemVersion`
    pub system_version: Option<String>,
    /// `PatchLevel`
    pub patch_level: Option<String>,
    /// `CustomerID`
    #[serde(rename = "CustomerID")]
    pub customer_id: Option<String>,
    /// `TimeZoneOffset`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub time_zone_offset: Option<i64>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// `GET /tenant`: the tenant partition the session has access to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Tenant {
    /// `TenantId` (the guide's schema calls it `Id`; both are read)
    #[serde(alias = "Id")]
    pub tenant_id: Option<DecimalId>,
    /// `Ref`
    pub r#ref: Option<String>,
    /// `Type`
    pub r#type: Option<String>,
    /// `TimeZoneOffset`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub time_zone_offset: Option<i64>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// The body of `POST /email`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Email {
    /// `FromAddress`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_address: Option<String>,
    /// `ToAddress`
    pub to_address: String,
    /// `Subject`
    pub subject: String,
    /// `Body`
    pub body: String,
    /// `IsBodyHtml`
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
    pub is_body_html: Option<bool>,
    /// `Priority`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    /// `UniqueTag`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique_tag: Option<String>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl Email {
    /// An email with the required fields.
    pub fn new(to: impl Into<String>, subject: impl Into<String>, body: impl Into<String>) -> Self {
        Email {
            to_address: to.into(),
            subject: subject.into(),
            body: body.into(),
            ..Email::default()
        }
    }
}

/// The body of `POST /notification`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NewNotification {
    /// `Title`
    pub title: String,
    /// `Body`
    pub body: String,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl NewNotification {
    /// A notification with a title and a body.
    pub fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        NewNotification {
            title: title.into(),
            body: body.into(),
            attributes: None,
        }
    }
}

/// Contact details of an organization.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ContactInfo {
    /// `PreferredContactMethod`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_contact_method: Option<String>,
    /// `PrimaryPhone`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_phone: Option<String>,
    /// `PrimaryFax`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_fax: Option<String>,
    /// `PrimaryEmail`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_email: Option<String>,
    /// `Country`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// `Street`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    /// `City`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// `State`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `ZipCode`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zip_code: Option<String>,
    /// `PrimaryTextMessagePhone`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary_text_message_phone: Option<String>,
}

/// A custom field value of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct OrgCustomField {
    /// `FieldName`
    pub field_name: Option<String>,
    /// `FieldValue`
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
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Organization {
    /// `OrgId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `OrgName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// `OrgRef`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_ref: Option<String>,
    /// `OrgType`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_type: Option<String>,
    /// `DefaultDepartmentName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_department_name: Option<String>,
    /// `DefaultMachineGroupName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_machine_group_name: Option<String>,
    /// `ParentOrgId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_org_id: Option<OrgId>,
    /// `Website`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// `NoOfEmployees`
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_i64"
    )]
    pub no_of_employees: Option<i64>,
    /// `AnnualRevenue` (a decimal)
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_f64"
    )]
    pub annual_revenue: Option<f64>,
    /// `ContactInfo`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_info: Option<ContactInfo>,
    /// `CustomFields`
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<OrgCustomField>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct OrgLocation {
    /// `OrgId`
    pub org_id: Option<OrgId>,
    /// `OrgName`
    pub org_name: Option<String>,
    /// `OrgRef`
    pub org_ref: Option<String>,
    /// The contact and address fields, flattened as the server sends them.
    #[serde(flatten)]
    pub contact: ContactInfo,
}

/// `GET /system/orgs/types`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct OrgType {
    /// `OrgTypeId` (the sample spells it `OrgTypeID`; both are read)
    #[serde(alias = "OrgTypeID")]
    pub org_type_id: Option<DecimalId>,
    /// `OrgTypeRef`
    pub org_type_ref: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `Status`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub status: Option<i64>,
}

/// A department. For `update`, set only the fields to change (unset fields are not sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Department {
    /// `DepartmentId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_id: Option<DepartmentId>,
    /// `DepartmentName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// `ParentDepartmentId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_department_id: Option<DepartmentId>,
    /// `ManagerId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager_id: Option<DecimalId>,
    /// `OrgId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `DepartmentRef`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_ref: Option<String>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// A machine group. For `update`, set only the fields to change (unset fields are not
/// sent).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct MachineGroup {
    /// `MachineGroupId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroupName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine_group_name: Option<String>,
    /// `ParentMachineGroupId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_machine_group_id: Option<MachineGroupId>,
    /// `OrgId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_id: Option<OrgId>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
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

/// A VSA user. The guide has no schema for it; these are the fields VSA 9 returns, and
/// any field may be missing.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct User {
    /// `UserId`
    pub user_id: Option<UserId>,
    /// `AdminName`
    pub admin_name: Option<String>,
    /// `FirstName`
    pub first_name: Option<String>,
    /// `LastName`
    pub last_name: Option<String>,
    /// `Email`
    pub email: Option<String>,
    /// `DefaultStaffOrgId`
    pub default_staff_org_id: Option<OrgId>,
    /// `DefaultStaffDepartmentId`
    pub default_staff_department_id: Option<DecimalId>,
    /// `AdminType`
    pub admin_type: Option<serde_json::Value>,
    /// `DisableUntil`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub disable_until: Option<DateTime<Utc>>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A user role.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Role {
    /// `RoleId`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<RoleId>,
    /// `RoleName`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// `RoleTypeIds`
    pub role_type_ids: Vec<DecimalId>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl Role {
    /// A role with a name and its role types.
    pub fn new(name: impl Into<String>, role_type_ids: Vec<DecimalId>) -> Self {
        Role {
            role_name: Some(name.into()),
            role_type_ids,
            ..Role::default()
        }
    }
}

/// An info center inbox message (`GET /infocenter/messages`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct InfoMessage {
    /// `ID`
    #[serde(rename = "ID")]
    pub id: MessageId,
    /// `ToName`
    #[serde(rename = "ToName", default)]
    pub to_name: Option<String>,
    /// `FromName`
    #[serde(rename = "FromName", default)]
    pub from_name: Option<String>,
    /// `Subject`
    #[serde(rename = "Subject", default)]
    pub subject: Option<String>,
    /// `Body` (often HTML)
    #[serde(rename = "Body", default)]
    pub body: Option<String>,
    /// `Created`
    #[serde(
        rename = "Created",
        default,
        deserialize_with = "lenient::opt_datetime"
    )]
    pub created: Option<DateTime<Utc>>,
    /// `IsRead`
    #[serde(rename = "IsRead", default, deserialize_with = "lenient::opt_bool")]
    pub is_read: Option<bool>,
}
