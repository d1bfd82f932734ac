//! Departments: `/system/departments/{deptId}` and, within an organization,
//! `/system/orgs/{orgId}/departments`.
//!
//! ```no_run
//! # async fn run(vsa: kaseya_vsa_client::Client, org: kaseya_vsa_client::ids::OrgId) -> kaseya_vsa_client::Result<()> {
//! use kaseya_vsa_client::Listing;
//! use kaseya_vsa_client::departments::Department;
//!
//! let sales = vsa.departments().in_org(&org).create(&Department::new("Sales")).await?;
//! let all = vsa.departments().in_org(&org).list().collect().await?;
//! # Ok(()) }
//! ```

use crate::ids::DepartmentId;
use crate::resource::record;

pub use crate::models::Department;

record! {
    /// Department calls ([`Resource`](crate::Resource)): `get`, `update` and `delete` by
    /// id, and [`in_org`](crate::Resource::in_org)`(&org)` to `list` and `create` an
    /// organization's departments.
    departments -> Departments = Department {
        DepartmentId in department_id at "system/departments" as "department" / "departments",
        in_org "departments"
    } + Changed
}
