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

use crate::ids::{RoleId, UserId};
use crate::resource::record;

pub use crate::models::{Role, User};

record! {
    /// User calls ([`Resource`](crate::Resource)): `list` (filterable and sortable, see
    /// [`crate::odata::fields::users`]) and `get` by id.
    users -> Users = User {
        UserId in user_id at "system/users" as "user" / "users"
    } + Listed
}

record! {
    /// User role calls ([`Resource`](crate::Resource)): `list`, `create`, and `get` by id
    /// (the path of `get` is inferred; see the [module docs](self)).
    roles -> Roles = Role {
        RoleId in role_id at "system/roles" as "role" / "roles"
    } + Listed + Created
}
