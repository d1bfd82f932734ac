//! Core: the resources that are global across the VSA — connectivity checks, the
//! environment, functions and modules, the tenant, email and notifications.
//!
//! `GET /auth` is [`Client::authenticate`] (and happens on its own before the first
//! call).

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest, SessionInfo};
use crate::ids::DecimalId;
use msp_common::{Call, Request};

/// `GET /environment`: system-wide properties of the VSA.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Environment {
    /// `SystemVersion`
    #[serde(default)]
    pub system_version: Option<String>,
    /// `PatchLevel`
    #[serde(default)]
    pub patch_level: Option<String>,
    /// `CustomerID`
    #[serde(rename = "CustomerID", default)]
    pub customer_id: Option<String>,
    /// `TimeZoneOffset`
    #[serde(default)]
    pub time_zone_offset: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// `GET /tenant`: the tenant partition the session has access to.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Tenant {
    /// `TenantId` (the guide's schema calls it `Id`; both are read)
    #[serde(alias = "Id", default)]
    pub tenant_id: Option<DecimalId>,
    /// `Ref`
    #[serde(default)]
    pub r#ref: Option<String>,
    /// `Type`
    #[serde(default)]
    pub r#type: Option<String>,
    /// `TimeZoneOffset`
    #[serde(default)]
    pub time_zone_offset: Option<i64>,
    /// `Attributes`
    #[serde(default)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
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

impl Client {
    /// `GET /echo` (no authentication, no session opened): whether the REST API answers.
    pub fn echo(&self) -> Call<()> {
        self.read_raw(Request::get("echo").operation("echo").anonymous())
            .map(drop)
    }

    /// `GET /echoauth`: whether the session's token is accepted.
    pub fn echo_auth(&self) -> Call<()> {
        self.read_raw(Request::get("echoauth").operation("echo_auth"))
            .map(drop)
    }

    /// `GET /authx`: a new session from the current one (a read: the client's own
    /// session is left as it is).
    pub fn authx(&self) -> Call<SessionInfo> {
        self.read(Request::get("authx").operation("authx"))
    }

    /// `GET /environment` (no authentication, no session opened).
    pub fn environment(&self) -> Call<Environment> {
        self.read(
            Request::get("environment")
                .operation("environment")
                .anonymous(),
        )
    }

    /// `GET /functions`: every function id; filterable and sortable.
    pub fn functions(&self) -> ListRequest<i64> {
        self.list_request(Request::get("functions").operation("list_functions"))
    }

    /// `GET /functions/{moduleId}`: the function ids of a module.
    pub fn module_functions(&self, module_id: i64) -> ListRequest<i64> {
        self.list_request(
            Request::get("functions")
                .segments([module_id.to_string()])
                .operation("list_module_functions"),
        )
    }

    /// `GET /ismoduleinstalled/{moduleId}`
    pub fn is_module_installed(&self, module_id: i64) -> Call<bool> {
        let request = Request::get("ismoduleinstalled")
            .segments([module_id.to_string()])
            .operation("is_module_installed");
        self.read::<Option<bool>>(request)
            .map(|installed| installed.unwrap_or(false))
    }

    /// `GET /tenant`
    pub fn tenant(&self) -> Call<Tenant> {
        self.read(Request::get("tenant").operation("tenant"))
    }

    /// `POST /email`: sends an email through the VSA. A write.
    pub fn send_email(&self, email: &Email) -> Call<()> {
        let request = Request::post("email").operation("send_email").json(email);
        self.write_unit(request)
    }

    /// `POST /notification`: adds a notification. A write.
    pub fn add_notification(&self, notification: &NewNotification) -> Call<()> {
        let request = Request::post("notification")
            .operation("add_notification")
            .json(notification);
        self.write_unit(request)
    }
}
