//! Machine groups: `/system/machinegroups` and, within an organization,
//! `/system/orgs/{orgId}/machinegroups`.

use crate::ids::MachineGroupId;
use crate::resource::record;

pub use crate::models::MachineGroup;

record! {
    /// Machine group calls ([`Resource`](crate::Resource)): `list` (every machine group;
    /// filterable and sortable, see [`crate::odata::fields::machine_groups`]), `get`,
    /// `update` and `delete` by id, and [`in_org`](crate::Resource::in_org)`(&org)` to
    /// `list` and `create` an organization's machine groups.
    machine_groups -> MachineGroups = MachineGroup {
        MachineGroupId in machine_group_id at "system/machinegroups"
            as "machine_group" / "machine_groups",
        in_org "machinegroups"
    } + Listed + Changed
}
