//! Users and user roles: `/system/users` and `/system/roles`.
//!
//! The vendor's guide gives the paths of `GET /system/users`, `GET /system/users/{userId}`,
//! `GET /system/roles` and `POST /system/roles`; its text ends at "Get User Role", whose
//! path is this crate's reading of the chapter's pattern (`GET /system/roles/{roleId}`).
//! The chapter's remaining topics (delete role, role types, add user to role) have no
//! path in the guide: call them through the [`Raw`](crate::Raw) escape hatch
//! (`get`, `put`, `post`, `delete`), whose calls decode the envelope's `Result` and
//! have previews and write modes like every other call:
//!
//! ```no_run
//! # async fn run(vsa: kaseya_vsa_client::Client) -> kaseya_vsa_client::Result<()> {
//! use kaseya_vsa_client::Raw;
//!
//! let role_types: serde_json::Value = vsa.get("system/roletypes", &[]).await?;
//! vsa.delete::<()>("system/roles/7").await?;
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{DecimalId, OrgId, RoleId, UserId};
use msp_common::{Call, Request};

/// A VSA user. The guide has no schema for it; these are the fields VSA 9 returns, and
/// any field may be missing.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct User {
    /// `UserId`
    #[serde(default)]
    pub user_id: Option<UserId>,
    /// `AdminName`
    #[serde(default)]
    pub admin_name: Option<String>,
    /// `FirstName`
    #[serde(default)]
    pub first_name: Option<String>,
    /// `LastName`
    #[serde(default)]
    pub last_name: Option<String>,
    /// `Email`
    #[serde(default)]
    pub email: Option<String>,
    /// `DefaultStaffOrgId`
    #[serde(default)]
    pub default_staff_org_id: Option<OrgId>,
    /// `DefaultStaffDepartmentId`
    #[serde(default)]
    pub default_staff_department_id: Option<DecimalId>,
    /// `AdminType`
    #[serde(default)]
    pub admin_type: Option<serde_json::Value>,
    /// `DisableUntil`
    #[serde(default)]
    pub disable_until: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A user role.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Role {
    /// `RoleId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<RoleId>,
    /// `RoleName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// `RoleTypeIds`
    #[serde(default)]
    pub role_type_ids: Vec<DecimalId>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// User calls; from [`Client::users`].
#[derive(Debug, Clone)]
pub struct Users {
    client: Client,
}

/// Role calls; from [`Client::roles`].
#[derive(Debug, Clone)]
pub struct Roles {
    client: Client,
}

impl Client {
    /// User calls.
    pub fn users(&self) -> Users {
        Users {
            client: self.clone(),
        }
    }

    /// User role calls.
    pub fn roles(&self) -> Roles {
        Roles {
            client: self.clone(),
        }
    }
}

impl Users {
    /// `GET /system/users`; filterable and sortable (see [`crate::odata::fields::users`]).
    pub fn list(&self) -> ListRequest<User> {
        self.client.list_named("system/users", "list_users")
    }

    /// `GET /system/users/{userId}`
    pub fn get(&self, user_id: &UserId) -> Call<User> {
        let request = Request::get("system/users")
            .segments([user_id.as_str()])
            .operation("get_user");
        self.client.read_one(request)
    }
}

impl Roles {
    /// `GET /system/roles`; filterable and sortable.
    pub fn list(&self) -> ListRequest<Role> {
        self.client.list_named("system/roles", "list_roles")
    }

    /// `GET /system/roles/{roleId}` (path inferred; see the [module docs](self)).
    pub fn get(&self, role_id: &RoleId) -> Call<Role> {
        let request = Request::get("system/roles")
            .segments([role_id.as_str()])
            .operation("get_role");
        self.client.read_one(request)
    }

    /// `POST /system/roles` (a write); returns the server's `Result`.
    pub fn create(&self, role: &Role) -> Call<serde_json::Value> {
        let request = Request::post("system/roles")
            .operation("create_role")
            .json(role);
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(Option::unwrap_or_default)
    }
}
