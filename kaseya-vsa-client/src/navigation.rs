//! Navigation: `/navigation` — modules and pages of the left-side navigation, the
//! header (title, agent counts, admin activity, alerts, notifications), and changing the
//! session's role or scope.
//!
//! These endpoints answer `"ResponseCode": 200` on success (the others answer `0`); both
//! are success to this crate.

use crate::client::Client;
use crate::ids::{DecimalId, RoleId, ScopeId};
use msp_common::{Call, Request};

pub use crate::models::{
    AdminActivity, AgentsStatus, Alert, Header, NavFolder, NavItem, NavModule, Notification,
    NotificationUpdate,
};

/// Navigation calls; from [`Client::navigation`].
#[derive(Debug, Clone)]
pub struct Navigation {
    client: Client,
}

impl Client {
    /// Navigation calls.
    pub fn navigation(&self) -> Navigation {
        Navigation {
            client: self.clone(),
        }
    }
}

impl Navigation {
    fn get<T>(&self, path: &'static str, operation: &'static str) -> Call<T>
    where
        T: serde::de::DeserializeOwned + Default + Send + 'static,
    {
        let request = Request::get(path).operation(operation);
        self.client
            .read::<Option<T>>(request)
            .map(Option::unwrap_or_default)
    }

    /// `GET /navigation/modulestap`: the modules of the tap navigation.
    pub fn modules_tap(&self) -> Call<Vec<NavModule>> {
        self.get("navigation/modulestap", "get_navigation_modules_tap")
    }

    /// `GET /navigation/modules`: the modules, folders and pages the user may see.
    pub fn modules(&self) -> Call<Vec<NavModule>> {
        self.get("navigation/modules", "get_navigation_modules")
    }

    /// `GET /navigation/header`: the partition's title and icon.
    pub fn header(&self) -> Call<Header> {
        let request = Request::get("navigation/header").operation("navigation_header");
        self.client.read(request)
    }

    /// `GET /navigation/header/agentsstatus`: online agent counts.
    pub fn agents_status(&self) -> Call<AgentsStatus> {
        let request = Request::get("navigation/header/agentsstatus").operation("agents_status");
        self.client.read(request)
    }

    /// `GET /navigation/header/onlineadmins`: recent admin activity.
    pub fn online_admins(&self) -> Call<Vec<AdminActivity>> {
        self.get("navigation/header/onlineadmins", "get_online_admins")
    }

    /// `GET /navigation/header/alerts`
    pub fn alerts(&self) -> Call<Vec<Alert>> {
        self.get("navigation/header/alerts", "get_alerts")
    }

    /// `GET /navigation/header/notifications`
    pub fn notifications(&self) -> Call<Vec<Notification>> {
        self.get("navigation/header/notifications", "get_notifications")
    }

    /// `GET /navigation/classicenabled`: whether the Classic UI is enabled.
    pub fn classic_enabled(&self) -> Call<bool> {
        self.get("navigation/classicenabled", "get_classic_enabled")
    }

    /// `PUT /navigation/role/{roleID}`: changes the session's role. A write (it changes
    /// what the session may see and do on the server).
    pub fn change_role(&self, role_id: &RoleId) -> Call<()> {
        self.client.write_unit(
            Request::put("navigation/role")
                .segments([role_id.as_str()])
                .operation("change_role"),
        )
    }

    /// `PUT /navigation/scope/{scopeID}`: changes the session's scope. A write (it
    /// changes what the session may see and do on the server).
    pub fn change_scope(&self, scope_id: &ScopeId) -> Call<()> {
        self.client.write_unit(
            Request::put("navigation/scope")
                .segments([scope_id.as_str()])
                .operation("change_scope"),
        )
    }

    /// `PUT /navigation/header/alerts/isread/{bool}` with the alert ids as the body. A
    /// write.
    pub fn set_alerts_read(&self, is_read: bool, ids: &[DecimalId]) -> Call<()> {
        self.client.write_unit(
            Request::put("navigation/header/alerts/isread")
                .segments([is_read.to_string()])
                .operation("set_alerts_read")
                .body(numeric_ids(ids), "application/json"),
        )
    }

    /// `PUT /navigation/header/notifications`: marks read or snoozes notifications. A
    /// write.
    pub fn update_notifications(&self, updates: &[NotificationUpdate]) -> Call<()> {
        self.client.write_unit(
            Request::put("navigation/header/notifications")
                .operation("update_notifications")
                .json(updates),
        )
    }

    /// `POST /navigation/header/notifications/{notificationID}/performaction`: runs the
    /// notification's action (message types 2, 34, 35 and 37). A write.
    pub fn perform_notification_action(&self, id: &DecimalId) -> Call<()> {
        self.client.write_unit(
            Request::post("navigation/header/notifications")
                .segments([id.as_str(), "performaction"])
                .operation("perform_notification_action"),
        )
    }

    /// `DELETE /navigation/header/alerts` with the alert ids as the body. A write.
    pub fn delete_alerts(&self, ids: &[DecimalId]) -> Call<()> {
        self.client.write_unit(
            Request::delete("navigation/header/alerts")
                .operation("delete_alerts")
                .body(numeric_ids(ids), "application/json"),
        )
    }

    /// `DELETE /navigation/header/notifications/{notificationID}`. A write.
    pub fn delete_notification(&self, id: &DecimalId) -> Call<()> {
        self.client.write_unit(
            Request::delete("navigation/header/notifications")
                .segments([id.as_str()])
                .operation("delete_notification"),
        )
    }
}

/// Ids as the JSON array of numbers the guide's sample bodies show (`[123, 465, 789]`),
/// written from their exact digits.
fn numeric_ids(ids: &[DecimalId]) -> String {
    let list: Vec<&str> = ids.iter().map(DecimalId::as_str).collect();
    format!("[{}]", list.join(","))
}
