//! Core: the resources that are global across the VSA — connectivity checks, the
//! environment, functions and modules, the tenant, email and notifications.
//!
//! `GET /auth` is [`Client::authenticate`] (and happens on its own before the first
//! call).

use crate::client::{Client, ListRequest};
use msp_common::{Call, Request};

pub use crate::models::{Email, Environment, NewNotification, SessionInfo, Tenant};

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
