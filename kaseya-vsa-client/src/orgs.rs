//! Organizations: `/system/orgs`, their locations and types.

use crate::client::ListRequest;
use crate::ids::OrgId;
use crate::resource::{Resource, record};

pub use crate::models::{ContactInfo, OrgCustomField, OrgLocation, OrgType, Organization};

record! {
    /// Organization calls ([`Resource`]): `list` (filterable and sortable, see
    /// [`crate::odata::fields::orgs`]), `create`, and `get`, `update` and `delete` by id;
    /// and the organizations' [`locations`](Resource::locations) and
    /// [`types`](Resource::types).
    orgs -> Orgs = Organization {
        OrgId in org_id at "system/orgs" as "org" / "orgs"
    } + Listed + Created + Changed
}

impl Resource<Organization> {
    /// `GET /system/orgs/locations`: the address of every organization.
    pub fn locations(&self) -> ListRequest<OrgLocation> {
        self.client()
            .list_named("system/orgs/locations", "list_org_locations")
    }

    /// `GET /system/orgs/types`: the organization types.
    pub fn types(&self) -> ListRequest<OrgType> {
        self.client()
            .list_named("system/orgs/types", "list_org_types")
    }
}
