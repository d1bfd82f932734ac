//! Assets: `/assetmgmt/assets`, asset types (`/assetmgmt/assettypes`) and the connection
//! gateway addresses of agents (`/assetmgmt/connectiongatewayips`).

use crate::client::{Client, ListRequest};
use crate::ids::AssetId;
use msp_common::{Call, Request};

pub use crate::models::{
    Asset, AssetSummary, AssetType, DeviceBiosInfo, DeviceDrive, DeviceFound, DeviceHwPci,
    DeviceInfo, DeviceIp, DeviceMemory, DeviceMotherBoard, DeviceProcessor, Probe, ProbeType,
};

/// Asset calls; from [`Client::assets`].
#[derive(Debug, Clone)]
pub struct Assets {
    client: Client,
}

impl Client {
    /// Asset calls.
    pub fn assets(&self) -> Assets {
        Assets {
            client: self.clone(),
        }
    }
}

impl Assets {
    /// `GET /assetmgmt/assets`: summary asset records; filterable and sortable (see
    /// [`crate::odata::fields::assets`] and [`crate::odata::fields::assets_more`]).
    pub fn list(&self) -> ListRequest<AssetSummary> {
        self.client.list_named("assetmgmt/assets", "list_assets")
    }

    /// `GET /assetmgmt/assets/{assetId}`: one detailed asset record.
    pub fn get(&self, asset_id: &AssetId) -> Call<Asset> {
        let request = Request::get("assetmgmt/assets")
            .segments([asset_id.as_str()])
            .operation("get_asset");
        self.client.read(request)
    }

    /// `GET /assetmgmt/assettypes`: the asset types; filterable and sortable (see
    /// [`crate::odata::fields::asset_types`]).
    pub fn types(&self) -> ListRequest<AssetType> {
        self.client
            .list_named("assetmgmt/assettypes", "list_asset_types")
    }

    /// `DELETE /assetmgmt/assets/{assetId}`: deletes an asset. A write.
    pub fn delete(&self, asset_id: &AssetId) -> Call<()> {
        let request = Request::delete("assetmgmt/assets")
            .segments([asset_id.as_str()])
            .operation("delete_asset");
        self.client.write_unit(request)
    }

    /// `GET /assetmgmt/connectiongatewayips`: every distinct `ConnectionGatewayIP` of the
    /// agents (not filterable).
    pub fn connection_gateway_ips(&self) -> Call<Vec<String>> {
        let request =
            Request::get("assetmgmt/connectiongatewayips").operation("get_connection_gateway_ips");
        self.client
            .read::<Option<Vec<String>>>(request)
            .map(Option::unwrap_or_default)
    }
}
