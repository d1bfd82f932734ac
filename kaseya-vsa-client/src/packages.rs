//! Agent install packages: `/assetmgmt/assets/packages`, `/assetmgmt/agents/packages`,
//! the install link of a machine group (`/agent/packagelink`) and the deployment page
//! (`/agent/{partitionId}/deploypagecustomization`).

use crate::client::{Client, ListRequest};
use crate::ids::{PackageId, PartitionId};
use msp_common::{Call, Request};

pub use crate::models::{
    DeployPageCustomization, NewPackage, Package, PackageAgentType, PackageLinkRequest,
};

/// Agent install package calls; from [`Client::packages`].
#[derive(Debug, Clone)]
pub struct Packages {
    client: Client,
}

impl Client {
    /// Agent install package calls.
    pub fn packages(&self) -> Packages {
        Packages {
            client: self.clone(),
        }
    }
}

impl Packages {
    /// `GET /assetmgmt/assets/packages`: the agent install packages; filterable and
    /// sortable (see [`crate::odata::fields::packages`]).
    pub fn list(&self) -> ListRequest<Package> {
        self.client
            .list_named("assetmgmt/assets/packages", "list_agent_install_packages")
    }

    /// `POST /assetmgmt/assets/packages`: adds an install package. Returns the new
    /// package's id when the server answers one in `Result` (a number or a string of
    /// digits), `None` otherwise. A write.
    pub fn add(&self, package: &NewPackage) -> Call<Option<PackageId>> {
        let request = Request::post("assetmgmt/assets/packages")
            .operation("add_agent_install_package")
            .json(package);
        // Read as raw text: a `Value` would hold a 20-to-26-digit id as a lossy f64.
        self.client
            .write::<Option<Box<serde_json::value::RawValue>>>(request)
            .map(|result| result.and_then(|raw| serde_json::from_str::<PackageId>(raw.get()).ok()))
    }

    /// `DELETE /assetmgmt/agents/packages/{packageId}`: deletes an install package. A
    /// write.
    pub fn delete(&self, package_id: &PackageId) -> Call<()> {
        let request = Request::delete("assetmgmt/agents/packages")
            .segments([package_id.as_str()])
            .operation("delete_agent_install_package");
        self.client.write_unit(request)
    }

    /// `POST /agent/packagelink`: creates the agent install link of a machine group.
    /// Returns the `Result` the server answers: the link when it is a string, the JSON
    /// text of any other value, `None` when there is none (or `true`). A write.
    pub fn create_link(&self, link: &PackageLinkRequest) -> Call<Option<String>> {
        let request = Request::post("agent/packagelink")
            .operation("create_agent_install_link")
            .json(link);
        self.client
            .write::<Option<serde_json::Value>>(request)
            .map(|result| match result {
                None | Some(serde_json::Value::Null | serde_json::Value::Bool(true)) => None,
                Some(serde_json::Value::String(link)) => Some(link),
                Some(other) => Some(other.to_string()),
            })
    }

    /// `GET /agent/{partitionId}/deploypagecustomization`: the logo, title and text of the
    /// agent deployment page of a partition. The guide says this call needs no
    /// authentication, so it is sent without a token (and does not open a session).
    pub fn deploy_page_customization(
        &self,
        partition_id: &PartitionId,
    ) -> Call<DeployPageCustomization> {
        let request = Request::get("agent")
            .segments([partition_id.as_str(), "deploypagecustomization"])
            .operation("get_deploy_page_customization")
            .anonymous();
        self.client.read(request)
    }
}
