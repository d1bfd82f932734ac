//! Agent install packages: `/assetmgmt/assets/packages`, `/assetmgmt/agents/packages`,
//! the install link of a machine group (`/agent/packagelink`) and the deployment page
//! (`/agent/{partitionId}/deploypagecustomization`).

use serde::{Deserialize, Serialize};

use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, MachineGroupId, PackageId, PartitionId};
use msp_common::{Call, Request};

/// An agent install package (`GET /assetmgmt/assets/packages`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Package {
    /// `PackageId`
    pub package_id: PackageId,
    /// `PackageURL`
    #[serde(rename = "PackageURL", default)]
    pub package_url: Option<String>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `CopySettingsFromAgentId`
    #[serde(default)]
    pub copy_settings_from_agent_id: Option<AgentId>,
    /// `AgentType`: `auto`, `windows`, `mac`, or `None` for Linux.
    #[serde(default)]
    pub agent_type: Option<String>,
    /// `CommandLineSwitches`
    #[serde(default)]
    pub command_line_switches: Option<String>,
    /// `PackageName`
    #[serde(default)]
    pub package_name: Option<String>,
    /// `PackageDescription`
    #[serde(default)]
    pub package_description: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The body of [`Packages::add`] (`POST /assetmgmt/assets/packages`). Fields left
/// `None` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct NewPackage {
    /// `PackageId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_id: Option<PackageId>,
    /// `MachineGroupId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_group_id: Option<MachineGroupId>,
    /// `CopySettingsFromAgentId`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_settings_from_agent_id: Option<AgentId>,
    /// `AgentType`: `auto`, `windows`, `mac`, or `None` for Linux.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_type: Option<String>,
    /// `CommandLineSwitches`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_line_switches: Option<String>,
    /// `PackageName`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_name: Option<String>,
    /// `PackageDescription`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_description: Option<String>,
    /// `Attributes`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl NewPackage {
    /// A package named `name` for a machine group.
    pub fn new(name: impl Into<String>, machine_group_id: MachineGroupId) -> Self {
        NewPackage {
            package_name: Some(name.into()),
            machine_group_id: Some(machine_group_id),
            ..Self::default()
        }
    }
}

/// The body of [`Packages::create_link`] (`POST /agent/packagelink`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PackageLinkRequest {
    /// `PartitionId` (the tenant partition; `1` on a single-tenant server)
    pub partition_id: PartitionId,
    /// `MachineGroupName` (`group.org`, as `MyOrg.root`)
    pub machine_group_name: String,
}

impl PackageLinkRequest {
    /// A request for the install link of `machine_group_name` in a partition.
    pub fn new(partition_id: PartitionId, machine_group_name: impl Into<String>) -> Self {
        PackageLinkRequest {
            partition_id,
            machine_group_name: machine_group_name.into(),
        }
    }
}

/// What the agent deployment page of a partition shows
/// (`GET /agent/{partitionId}/deploypagecustomization`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeployPageCustomization {
    /// `Id` (a GUID)
    #[serde(default)]
    pub id: Option<String>,
    /// `Logo`
    #[serde(default)]
    pub logo: Option<String>,
    /// `Title`
    #[serde(default)]
    pub title: Option<String>,
    /// `Content` (HTML)
    #[serde(default)]
    pub content: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

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
