//! Navigation: `/navigation` — modules and pages of the left-side navigation, the
//! header (title, agent counts, admin activity, alerts, notifications), and changing the
//! session's role or scope.
//!
//! These endpoints answer `"ResponseCode": 200` on success (the others answer `0`); both
//! are success to this crate.

use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::ids::{DecimalId, RoleId, ScopeId};
use msp_common::{Call, Request};

/// A module of the navigation, with its folders and pages.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NavModule {
    /// `Name`
    #[serde(default)]
    pub name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `FuncListID` (a number or a GUID, depending on the endpoint)
    #[serde(rename = "FuncListID", default)]
    pub func_list_id: Option<serde_json::Value>,
    /// `ImageUrl`
    #[serde(default)]
    pub image_url: Option<String>,
    /// `ImageSource` (a `data:` URL)
    #[serde(default)]
    pub image_source: Option<String>,
    /// `Folders`
    #[serde(default)]
    pub folders: Vec<NavFolder>,
}

/// A folder of a navigation module.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NavFolder {
    /// `Name`
    #[serde(default)]
    pub name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `FuncListID`
    #[serde(rename = "FuncListID", default)]
    pub func_list_id: Option<serde_json::Value>,
    /// `Items`
    #[serde(default)]
    pub items: Vec<NavItem>,
}

/// A page of a navigation folder.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NavItem {
    /// `Name`
    #[serde(default)]
    pub name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `FuncListID`
    #[serde(rename = "FuncListID", default)]
    pub func_list_id: Option<serde_json::Value>,
    /// `HelpLink`
    #[serde(default)]
    pub help_link: Option<String>,
}

/// `GET /navigation/header`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Header {
    /// `ImageUrl`
    #[serde(default)]
    pub image_url: Option<String>,
    /// `HeaderTitle`
    #[serde(default)]
    pub header_title: Option<String>,
}

/// `GET /navigation/header/agentsstatus`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AgentsStatus {
    /// `TotalOnlineAgentCount`
    #[serde(default)]
    pub total_online_agent_count: Option<i64>,
    /// `OnlinePermanentAgentCount`
    #[serde(default)]
    pub online_permanent_agent_count: Option<i64>,
    /// `TotalLicensedCount`
    #[serde(default)]
    pub total_licensed_count: Option<i64>,
}

/// `GET /navigation/header/onlineadmins`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AdminActivity {
    /// `AdminName`
    #[serde(default)]
    pub admin_name: Option<String>,
    /// `LastActivity`
    #[serde(default)]
    pub last_activity: Option<String>,
}

/// An alert of the header (`GET /navigation/header/alerts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Alert {
    /// `ID`
    #[serde(rename = "ID")]
    pub id: DecimalId,
    /// `Title`
    #[serde(default)]
    pub title: Option<String>,
    /// `Subject`
    #[serde(default)]
    pub subject: Option<String>,
    /// `Body`
    #[serde(default)]
    pub body: Option<String>,
    /// `CreationDate`
    #[serde(default)]
    pub creation_date: Option<String>,
    /// `AlertType`
    #[serde(default)]
    pub alert_type: Option<i64>,
}

/// A notification of the header (`GET /navigation/header/notifications`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Notification {
    /// `ID`
    #[serde(rename = "ID")]
    pub id: DecimalId,
    /// `MessageType`
    #[serde(default)]
    pub message_type: Option<i64>,
    /// `MessageTypeName` (`"AgentNeedsUpgradeMessage"`, …)
    #[serde(default)]
    pub message_type_name: Option<String>,
    /// `CreationDate`
    #[serde(default)]
    pub creation_date: Option<String>,
    /// `IsRead`
    #[serde(default)]
    pub is_read: Option<bool>,
    /// `MessageData`: fields depend on the message type.
    #[serde(default)]
    pub message_data: Option<serde_json::Value>,
}

/// One change of `PUT /navigation/header/notifications`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NotificationUpdate {
    /// `ID`
    #[serde(rename = "ID")]
    pub id: DecimalId,
    /// `IsRead`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_read: Option<bool>,
    /// `HoursToSnoozeFor`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours_to_snooze_for: Option<u32>,
}

impl NotificationUpdate {
    /// Marks a notification read or unread.
    pub fn read(id: DecimalId, is_read: bool) -> Self {
        NotificationUpdate {
            id,
            is_read: Some(is_read),
            hours_to_snooze_for: None,
        }
    }

    /// Snoozes a notification.
    pub fn snooze(id: DecimalId, hours: u32) -> Self {
        NotificationUpdate {
            id,
            is_read: None,
            hours_to_snooze_for: Some(hours),
        }
    }
}

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
