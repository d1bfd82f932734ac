use serde::Serialize;

use super::{CallbackId, Extra, MemberId, keep_unknown_fields};

keep_unknown_fields! {
/// A member (`/system/members`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Member {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<MemberId>,
    /// The login identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Office email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_email: Option<String>,
    /// Whether the member is inactive.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_flag: Option<bool>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// `/system/info`: `{version, isCloud, serverTimeZone, licenseBits[], cloudRegion}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SystemInfo {
    /// The version (`v2025.1.12345`).
    #[serde(default, deserialize_with = "msp_common::lenient::opt_string")]
    pub version: Option<String>,
    /// Whether this is a cloud instance.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_bool")]
    pub is_cloud: Option<bool>,
    /// The server's time zone.
    #[serde(default)]
    pub server_time_zone: Option<String>,
    /// Licence bits.
    #[serde(default)]
    pub license_bits: Vec<serde_json::Value>,
    /// Cloud region.
    #[serde(default)]
    pub cloud_region: Option<String>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// `/login/companyinfo/{companyId}`: where a company's API lives.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct CompanyInfo {
    /// The company name.
    #[serde(rename = "CompanyName", default)]
    pub company_name: Option<String>,
    /// The codebase, ending in `/` (`v2025_1/`).
    #[serde(rename = "Codebase", default)]
    pub codebase: Option<String>,
    /// The version code.
    #[serde(
        rename = "VersionCode",
        default,
        deserialize_with = "msp_common::lenient::opt_string"
    )]
    pub version_code: Option<String>,
    /// The version number.
    #[serde(
        rename = "VersionNumber",
        default,
        deserialize_with = "msp_common::lenient::opt_string"
    )]
    pub version_number: Option<String>,
    /// The company id.
    #[serde(rename = "CompanyID", default)]
    pub company_id: Option<String>,
    /// Whether the company is hosted.
    #[serde(
        rename = "IsCloud",
        default,
        deserialize_with = "msp_common::lenient::opt_bool"
    )]
    pub is_cloud: Option<bool>,
    /// The site URL.
    #[serde(rename = "SiteUrl", default)]
    pub site_url: Option<String>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}

keep_unknown_fields! {
/// A callback registration (`/system/callbacks`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CallbackEntry {
    /// The id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CallbackId>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URL Manage posts to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The object id the callback watches (0 for all at the level).
    #[serde(
        default,
        deserialize_with = "crate::models::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub object_id: Option<u64>,
    /// The record type (`ticket`, `company`, `contact`, …).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The level (`owner`, `board`, `status`, `company`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The member the callback acts for.
    #[serde(
        default,
        deserialize_with = "crate::models::opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub member_id: Option<u64>,
    /// Payload version.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub payload_version: Option<String>,
    /// Whether it is inactive.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub inactive_flag: Option<bool>,
    /// Whether it is a SOAP callback.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_soap_callback_flag: Option<bool>,
    /// Whether changes made by the callback's own member are suppressed.
    #[serde(
        default,
        deserialize_with = "msp_common::lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_self_suppressed_flag: Option<bool>,
    /// Other fields.
    #[serde(flatten, skip_deserializing)]
    pub extra: Extra,
}
}
