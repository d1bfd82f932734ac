//! Navigation: modules, folders and pages, and the header (title, agent counts, admin
//! activity, alerts, notifications).

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use crate::ids::DecimalId;

/// A module of the navigation, with its folders and pages.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NavModule {
    /// `Name`
    pub name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `FuncListID` (a number or a GUID, depending on the endpoint)
    #[serde(rename = "FuncListID")]
    pub func_list_id: Option<serde_json::Value>,
    /// `ImageUrl`
    pub image_url: Option<String>,
    /// `ImageSource` (a `data:` URL)
    pub image_source: Option<String>,
    /// `Folders`
    pub folders: Vec<NavFolder>,
}

/// A folder of a navigation module.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NavFolder {
    /// `Name`
    pub name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `FuncListID`
    #[serde(rename = "FuncListID")]
    pub func_list_id: Option<serde_json::Value>,
    /// `Items`
    pub items: Vec<NavItem>,
}

/// A page of a navigation folder.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct NavItem {
    /// `Name`
    pub name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `FuncListID`
    #[serde(rename = "FuncListID")]
    pub func_list_id: Option<serde_json::Value>,
    /// `HelpLink`
    pub help_link: Option<String>,
}

/// `GET /navigation/header`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Header {
    /// `ImageUrl`
    pub image_url: Option<String>,
    /// `HeaderTitle`
    pub header_title: Option<String>,
}

/// `GET /navigation/header/agentsstatus`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AgentsStatus {
    /// `TotalOnlineAgentCount`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub total_online_agent_count: Option<i64>,
    /// `OnlinePermanentAgentCount`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub online_permanent_agent_count: Option<i64>,
    /// `TotalLicensedCount`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub total_licensed_count: Option<i64>,
}

/// `GET /navigation/header/onlineadmins`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AdminActivity {
    /// `AdminName`
    pub admin_name: Option<String>,
    /// `LastActivity`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_activity: Option<DateTime<Utc>>,
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
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub creation_date: Option<DateTime<Utc>>,
    /// `AlertType`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
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
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub message_type: Option<i64>,
    /// `MessageTypeName` (`"AgentNeedsUpgradeMessage"`, …)
    #[serde(default)]
    pub message_type_name: Option<String>,
    /// `CreationDate`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub creation_date: Option<DateTime<Utc>>,
    /// `IsRead`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
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
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::opt_bool"
    )]
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
