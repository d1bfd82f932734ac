//! Navigation: `/navigation` — modules and pages of the left-side navigation, the
//! header (title, agent counts, admin activity, alerts, notifications), and changing the
//! session's role or scope.
//!
//! These endpoints answer `"ResponseCode": 200` on success (the others answer `0`); both
//! are success to this crate.

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::client::Client;
use crate::ids::{DecimalId, RoleId, ScopeId};
use msp_common::Request;

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
    async fn get<T: serde::de::DeserializeOwned + Default>(&self, path: &'static str) -> Result<T> {
        let request = Request::get(path).operation(path);
        Ok(self
            .client
            .call::<Option<T>>(request)
            .await?
            .result
            .unwrap_or_default())
    }

    async fn action(&self, request: Request) -> Result<()> {
        self.client.send(request).await.map(drop)
    }

    /// `GET /navigation/modulestap`: the modules of the tap navigation.
    pub async fn modules_tap(&self) -> Result<Vec<NavModule>> {
        self.get("navigation/modulestap").await
    }

    /// `GET /navigation/modules`: the modules, folders and pages the user may see.
    pub async fn modules(&self) -> Result<Vec<NavModule>> {
        self.get("navigation/modules").await
    }

    /// `GET /navigation/header`: the partition's title and icon.
    pub async fn header(&self) -> Result<Header> {
        let request = Request::get("navigation/header").operation("navigation_header");
        Ok(self.client.call(request).await?.result)
    }

    /// `GET /navigation/header/agentsstatus`: online agent counts.
    pub async fn agents_status(&self) -> Result<AgentsStatus> {
        let request = Request::get("navigation/header/agentsstatus").operation("agents_status");
        Ok(self.client.call(request).await?.result)
    }

    /// `GET /navigation/header/onlineadmins`: recent admin activity.
    pub async fn online_admins(&self) -> Result<Vec<AdminActivity>> {
        self.get("navigation/header/onlineadmins").await
    }

    /// `GET /navigation/header/alerts`
    pub async fn alerts(&self) -> Result<Vec<Alert>> {
        self.get("navigation/header/alerts").await
    }

    /// `GET /navigation/header/notifications`
    pub async fn notifications(&self) -> Result<Vec<Notification>> {
        self.get("navigation/header/notifications").await
    }

    /// `GET /navigation/classicenabled`: whether the Classic UI is enabled.
    pub async fn classic_enabled(&self) -> Result<bool> {
        self.get("navigation/classicenabled").await
    }

    /// `PUT /navigation/role/{roleID}`: changes the session's role (never retried).
    pub async fn change_role(&self, role_id: &RoleId) -> Result<()> {
        self.action(
            Request::put("navigation/role")
                .segments([role_id.as_str()])
                .operation("change_role"),
        )
        .await
    }

    /// `PUT /navigation/scope/{scopeID}`: changes the session's scope (never retried).
    pub async fn change_scope(&self, scope_id: &ScopeId) -> Result<()> {
        self.action(
            Request::put("navigation/scope")
                .segments([scope_id.as_str()])
                .operation("change_scope"),
        )
        .await
    }

    /// `PUT /navigation/header/alerts/isread/{bool}` with the alert ids as the body.
    pub async fn set_alerts_read(&self, is_read: bool, ids: &[DecimalId]) -> Result<()> {
        self.action(
            Request::put("navigation/header/alerts/isread")
                .segments([is_read.to_string()])
                .operation("set_alerts_read")
                .body(numeric_ids(ids), "application/json"),
        )
        .await
    }

    /// `PUT /navigation/header/notifications`: marks read or snoozes notifications.
    pub async fn update_notifications(&self, updates: &[NotificationUpdate]) -> Result<()> {
        self.action(
            Request::put("navigation/header/notifications")
                .operation("update_notifications")
                .json(updates)?,
        )
        .await
    }

    /// `POST /navigation/header/notifications/{notificationID}/performaction`: runs the
    /// notification's action (message types 2, 34, 35 and 37; never retried).
    pub async fn perform_notification_action(&self, id: &DecimalId) -> Result<()> {
        self.action(
            Request::post("navigation/header/notifications")
                .segments([id.as_str(), "performaction"])
                .operation("perform_notification_action"),
        )
        .await
    }

    /// `DELETE /navigation/header/alerts` with the alert ids as the body.
    pub async fn delete_alerts(&self, ids: &[DecimalId]) -> Result<()> {
        self.action(
            Request::delete("navigation/header/alerts")
                .operation("delete_alerts")
                .body(numeric_ids(ids), "application/json"),
        )
        .await
    }

    /// `DELETE /navigation/header/notifications/{notificationID}`
    pub async fn delete_notification(&self, id: &DecimalId) -> Result<()> {
        self.action(
            Request::delete("navigation/header/notifications")
                .segments([id.as_str()])
                .operation("delete_notification"),
        )
        .await
    }
}

/// Ids as the JSON array of numbers the guide's sample bodies show (`[123, 465, 789]`),
/// written from their exact digits.
fn numeric_ids(ids: &[DecimalId]) -> String {
    let list: Vec<&str> = ids.iter().map(DecimalId::as_str).collect();
    format!("[{}]", list.join(","))
}
