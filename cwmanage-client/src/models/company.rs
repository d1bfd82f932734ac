use serde::Serialize;

use super::{
    AgreementId, CompanyId, ConfigurationId, ContactId, CustomFieldValue, Extra, Info, Reference,
    keep_unknown_fields,
};

keep_unknown_fields! {
/// A company (`/company/companies`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Company {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CompanyId>,
    /// The short identifier (unique).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// The types.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<Reference>,
    /// The main site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<Reference>,
    /// Address line 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line1: Option<String>,
    /// Address line 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// ZIP / postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zip: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    /// Web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<String>,
    /// Year established.
    #[serde(
        default,
        deserialize_with = "super::opt_i32",
        skip_serializing_if = "Option::is_none"
    )]
    pub year_established: Option<i32>,
    /// Whether it is deleted.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub deleted_flag: Option<bool>,
    /// Metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Custom field values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

impl Company {
    /// A new company for a create: identifier and name.
    pub fn new(identifier: impl Into<String>, name: impl Into<String>) -> Self {
        Company {
            identifier: Some(identifier.into()),
            name: Some(name.into()),
            ..Company::default()
        }
    }
}

keep_unknown_fields! {
/// A contact (`/company/contacts`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Contact {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactId>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// The company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Reference>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether the contact is inactive.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_flag: Option<bool>,
    /// Phone, email… entries (`{type, value, communicationType, defaultFlag}`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub communication_items: Vec<serde_json::Value>,
    /// Metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Custom field values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A configuration (an asset: `/company/configurations`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Configuration {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ConfigurationId>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The configuration type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// The status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Reference>,
    /// The company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Reference>,
    /// Serial number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// Whether it is active.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_flag: Option<bool>,
    /// Metadata.
    #[serde(rename = "_info", default, skip_serializing_if = "Option::is_none")]
    pub info: Option<Info>,
    /// Custom field values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomFieldValue>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// An agreement (`/finance/agreements`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Agreement {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AgreementId>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The agreement type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Reference>,
    /// The company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<Reference>,
    /// Start date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// End date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    /// Whether it is cancelled.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub cancelled_flag: Option<bool>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}
