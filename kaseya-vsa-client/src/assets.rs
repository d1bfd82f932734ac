//! Assets: `/assetmgmt/assets`, asset types (`/assetmgmt/assettypes`) and the connection
//! gateway addresses of agents (`/assetmgmt/connectiongatewayips`).
//!
//! Decimal measures and counts (`TicketCount`, `MemorySize`, …) are kept as
//! [`serde_json::Number`], which reads `3` and `3.0` alike.

use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Client, ListRequest};
use crate::custom_fields::string_like;
use crate::ids::{AgentId, AssetId, AssetTypeId, DecimalId, MachineGroupId, OrgId};
use msp_common::{Call, Request};

type Number = serde_json::Number;

/// A summary asset record (`GET /assetmgmt/assets`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AssetSummary {
    /// `AssetId`
    pub asset_id: AssetId,
    /// `AssetName`
    #[serde(default)]
    pub asset_name: Option<String>,
    /// `AssetTypeId`
    #[serde(default)]
    pub asset_type_id: Option<AssetTypeId>,
    /// `ProbeId`
    #[serde(default)]
    pub probe_id: Option<DecimalId>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroup`
    #[serde(default)]
    pub machine_group: Option<String>,
    /// `OrgId`
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `IsComputerAgent`
    #[serde(default)]
    pub is_computer_agent: Option<bool>,
    /// `IsMobileAgent`
    #[serde(default)]
    pub is_mobile_agent: Option<bool>,
    /// `IsMonitoring` (a byte flag; its text, whether sent as a number or a string)
    #[serde(default, deserialize_with = "string_like")]
    pub is_monitoring: Option<String>,
    /// `IsPatching` (a byte flag, as text)
    #[serde(default, deserialize_with = "string_like")]
    pub is_patching: Option<String>,
    /// `IsAuditing` (a byte flag, as text)
    #[serde(default, deserialize_with = "string_like")]
    pub is_auditing: Option<String>,
    /// `IsBackingUp` (a byte flag, as text)
    #[serde(default, deserialize_with = "string_like")]
    pub is_backing_up: Option<String>,
    /// `IsSecurity` (a byte flag, as text)
    #[serde(default, deserialize_with = "string_like")]
    pub is_security: Option<String>,
    /// `TicketCount`
    #[serde(default)]
    pub ticket_count: Option<Number>,
    /// `AlarmCount`
    #[serde(default)]
    pub alarm_count: Option<Number>,
    /// `IsSNMPActive`
    #[serde(rename = "IsSNMPActive", default)]
    pub is_snmp_active: Option<bool>,
    /// `IsVProActive`
    #[serde(rename = "IsVProActive", default)]
    pub is_vpro_active: Option<bool>,
    /// `NetworkInfo`
    #[serde(default)]
    pub network_info: Option<DecimalId>,
    /// `AgentId`
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    /// `DisplayName`
    #[serde(default)]
    pub display_name: Option<String>,
    /// `LastSeenDate`
    #[serde(default)]
    pub last_seen_date: Option<String>,
    /// `ProbeAgentGuid`
    #[serde(default)]
    pub probe_agent_guid: Option<AgentId>,
    /// `PrimaryProbe`
    #[serde(default)]
    pub primary_probe: Option<String>,
    /// `PrimaryProbeId`
    #[serde(default, deserialize_with = "string_like")]
    pub primary_probe_id: Option<String>,
    /// `PrimaryProbeType` (in the guide's sample)
    #[serde(default)]
    pub primary_probe_type: Option<String>,
    /// `NMapProbeId`
    #[serde(rename = "NMapProbeId", default)]
    pub nmap_probe_id: Option<DecimalId>,
    /// `HostName`
    #[serde(default)]
    pub host_name: Option<String>,
    /// `OSName`
    #[serde(rename = "OSName", default)]
    pub os_name: Option<String>,
    /// `OSType`
    #[serde(rename = "OSType", default)]
    pub os_type: Option<String>,
    /// `OSFamily`
    #[serde(rename = "OSFamily", default)]
    pub os_family: Option<String>,
    /// `OSGeneration`
    #[serde(rename = "OSGeneration", default)]
    pub os_generation: Option<String>,
    /// `DeviceManufacturer`
    #[serde(default)]
    pub device_manufacturer: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A detailed asset record (`GET /assetmgmt/assets/{assetId}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Asset {
    /// `AssetId`
    pub asset_id: AssetId,
    /// `AssetName`
    #[serde(default)]
    pub asset_name: Option<String>,
    /// `AssetTypeId`
    #[serde(default)]
    pub asset_type_id: Option<AssetTypeId>,
    /// `MachineGroupId`
    #[serde(default)]
    pub machine_group_id: Option<MachineGroupId>,
    /// `MachineGroup`
    #[serde(default)]
    pub machine_group: Option<String>,
    /// `OrgId`
    #[serde(default)]
    pub org_id: Option<OrgId>,
    /// `AgentId`
    #[serde(default)]
    pub agent_id: Option<AgentId>,
    /// `DeviceId`
    #[serde(default)]
    pub device_id: Option<DecimalId>,
    /// `DeviceName`
    #[serde(default)]
    pub device_name: Option<String>,
    /// `DeviceType`
    #[serde(default)]
    pub device_type: Option<Number>,
    /// `DeviceTime`
    #[serde(default)]
    pub device_time: Option<String>,
    /// `ServerTime`
    #[serde(default)]
    pub server_time: Option<String>,
    /// `DeviceFounds` (the schema calls it `DeviceFound`; both are read)
    #[serde(default, alias = "DeviceFound")]
    pub device_founds: Option<Vec<DeviceFound>>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// Where and how a device was found, with its hardware details.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceFound {
    /// `DeviceId`
    #[serde(default)]
    pub device_id: Option<DecimalId>,
    /// `FoundOn`
    #[serde(default)]
    pub found_on: Option<String>,
    /// `FoundBy`
    #[serde(default)]
    pub found_by: Option<Probe>,
    /// `DeviceInfo`
    #[serde(default)]
    pub device_info: Option<DeviceInfo>,
    /// `DeviceMotherBoard`
    #[serde(default)]
    pub device_mother_board: Option<DeviceMotherBoard>,
    /// `DeviceBiosInfo`
    #[serde(default)]
    pub device_bios_info: Option<DeviceBiosInfo>,
    /// `DeviceProcessors`
    #[serde(default, deserialize_with = "one_or_many")]
    pub device_processors: Option<Vec<DeviceProcessor>>,
    /// `DeviceMemories`
    #[serde(default, deserialize_with = "one_or_many")]
    pub device_memories: Option<Vec<DeviceMemory>>,
    /// `DeviceDrives`
    #[serde(default, deserialize_with = "one_or_many")]
    pub device_drives: Option<Vec<DeviceDrive>>,
    /// `DeviceIPs`
    #[serde(rename = "DeviceIPs", default, deserialize_with = "one_or_many")]
    pub device_ips: Option<Vec<DeviceIp>>,
    /// `DeviceHwPCI` (an array in the schema, one object in the sample; both are read)
    #[serde(rename = "DeviceHwPCI", default, deserialize_with = "one_or_many")]
    pub device_hw_pci: Option<Vec<DeviceHwPci>>,
}

/// Reads an array, or a single object as an array of one.
fn one_or_many<'de, D, T>(d: D) -> std::result::Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
    }
    Ok(match Option::<OneOrMany<T>>::deserialize(d)? {
        None => None,
        Some(OneOrMany::Many(v)) => Some(v),
        Some(OneOrMany::One(one)) => Some(vec![one]),
    })
}

/// A probe that found a device.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Probe {
    /// `ProbeId`
    #[serde(default)]
    pub probe_id: Option<DecimalId>,
    /// `ProbeTypeId`
    #[serde(default)]
    pub probe_type_id: Option<DecimalId>,
    /// `ProbeName`
    #[serde(default)]
    pub probe_name: Option<String>,
    /// `ProbeAgentId`
    #[serde(default)]
    pub probe_agent_id: Option<AgentId>,
    /// `ProbeType`
    #[serde(default)]
    pub probe_type: Option<ProbeType>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The type of a [`Probe`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ProbeType {
    /// `ProbeTypeId`
    #[serde(default)]
    pub probe_type_id: Option<DecimalId>,
    /// `ProbeTypeName`
    #[serde(default)]
    pub probe_type_name: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// `DeviceDetails.DeviceInfo`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceInfo {
    /// `HostName`
    #[serde(default)]
    pub host_name: Option<String>,
    /// `Manufacturer`
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// `Version`
    #[serde(default)]
    pub version: Option<String>,
    /// `SerialNumber`
    #[serde(default)]
    pub serial_number: Option<String>,
    /// `Port`
    #[serde(default)]
    pub port: Option<Number>,
    /// `OSName`
    #[serde(rename = "OSName", default)]
    pub os_name: Option<String>,
    /// `OSType`
    #[serde(rename = "OSType", default)]
    pub os_type: Option<String>,
    /// `OSFamily`
    #[serde(rename = "OSFamily", default)]
    pub os_family: Option<String>,
    /// `OSVendor`
    #[serde(rename = "OSVendor", default)]
    pub os_vendor: Option<String>,
    /// `OSAccuracy`
    #[serde(rename = "OSAccuracy", default)]
    pub os_accuracy: Option<Number>,
    /// `OSInfo`
    #[serde(rename = "OSInfo", default)]
    pub os_info: Option<String>,
    /// `OSGeneration`
    #[serde(rename = "OSGeneration", default)]
    pub os_generation: Option<String>,
}

/// `DeviceDetails.DeviceMotherBoard`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceMotherBoard {
    /// `MotherboardManufacturer`
    #[serde(default)]
    pub motherboard_manufacturer: Option<String>,
    /// `MotherboardProductName`
    #[serde(default)]
    pub motherboard_product_name: Option<String>,
    /// `MotherboardVersion`
    #[serde(default)]
    pub motherboard_version: Option<String>,
    /// `MotherboardSerialNum`
    #[serde(default)]
    pub motherboard_serial_num: Option<String>,
    /// `MotherboardAssetTag`
    #[serde(default)]
    pub motherboard_asset_tag: Option<String>,
    /// `MotherboardReplaceable`
    #[serde(default)]
    pub motherboard_replaceable: Option<String>,
}

/// `DeviceDetails.DeviceBiosInfo`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceBiosInfo {
    /// `BiosVendor`
    #[serde(default)]
    pub bios_vendor: Option<String>,
    /// `BiosVersion`
    #[serde(default)]
    pub bios_version: Option<String>,
    /// `BiosReleaseDate`
    #[serde(default)]
    pub bios_release_date: Option<String>,
    /// `BiosSupportedFunctions`
    #[serde(default)]
    pub bios_supported_functions: Option<String>,
}

/// `DeviceDetails.DeviceProcessor`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceProcessor {
    /// `ProcessorId`
    #[serde(default)]
    pub processor_id: Option<Number>,
    /// `ProcessorManufacturer`
    #[serde(default)]
    pub processor_manufacturer: Option<String>,
    /// `ProcessorFamily`
    #[serde(default)]
    pub processor_family: Option<String>,
    /// `ProcessorVersion`
    #[serde(default)]
    pub processor_version: Option<String>,
    /// `ProcessorMaxSpeed`
    #[serde(default)]
    pub processor_max_speed: Option<Number>,
    /// `ProcessorCurrentSpeed`
    #[serde(default)]
    pub processor_current_speed: Option<Number>,
    /// `ProcessorStatus`
    #[serde(default)]
    pub processor_status: Option<String>,
    /// `ProcessorUpgradeInfo`
    #[serde(default)]
    pub processor_upgrade_info: Option<String>,
    /// `ProcessorSocketPopulated`
    #[serde(default)]
    pub processor_socket_populated: Option<String>,
    /// `ProcessorType`
    #[serde(default)]
    pub processor_type: Option<String>,
}

/// `DeviceDetails.DeviceMemory`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceMemory {
    /// `MemoryManufacturer`
    #[serde(default)]
    pub memory_manufacturer: Option<String>,
    /// `MemorySerialNum`
    #[serde(default)]
    pub memory_serial_num: Option<String>,
    /// `MemorySize`
    #[serde(default)]
    pub memory_size: Option<Number>,
    /// `MemorySpeed`
    #[serde(default)]
    pub memory_speed: Option<Number>,
    /// `MemoryType`
    #[serde(default)]
    pub memory_type: Option<String>,
}

/// `DeviceDetails.DeviceDrive`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceDrive {
    /// `DriveManufacturer`
    #[serde(default)]
    pub drive_manufacturer: Option<String>,
    /// `DriveSocketDesignation`
    #[serde(default)]
    pub drive_socket_designation: Option<String>,
    /// `DriveVersion`
    #[serde(default)]
    pub drive_version: Option<String>,
    /// `DriveMaxSpeed`
    #[serde(default)]
    pub drive_max_speed: Option<Number>,
    /// `DriveCurrentSpeed`
    #[serde(default)]
    pub drive_current_speed: Option<Number>,
    /// `DriveStatus`
    #[serde(default)]
    pub drive_status: Option<String>,
    /// `DriveUpgradeInfo`
    #[serde(default)]
    pub drive_upgrade_info: Option<String>,
    /// `DriveSocketPopulated`
    #[serde(default)]
    pub drive_socket_populated: Option<String>,
}

/// `DeviceDetails.DeviceIPs`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceIp {
    /// `IPAddress`
    #[serde(rename = "IPAddress", default)]
    pub ip_address: Option<String>,
    /// `IPAddressType`
    #[serde(rename = "IPAddressType", default)]
    pub ip_address_type: Option<Number>,
    /// `SubnetMask`
    #[serde(default)]
    pub subnet_mask: Option<String>,
    /// `DHCPEnabled`
    #[serde(rename = "DHCPEnabled", default)]
    pub dhcp_enabled: Option<bool>,
    /// `IPv6Address`
    #[serde(rename = "IPv6Address", default)]
    pub ipv6_address: Option<String>,
    /// `MACAddress`
    #[serde(rename = "MACAddress", default)]
    pub mac_address: Option<String>,
    /// `MACManufacturer`
    #[serde(rename = "MACManufacturer", default)]
    pub mac_manufacturer: Option<String>,
}

/// `DeviceDetails.DeviceHwPCI`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DeviceHwPci {
    /// `VendorId`
    #[serde(default)]
    pub vendor_id: Option<Number>,
    /// `ProductId`
    #[serde(default)]
    pub product_id: Option<Number>,
    /// `Revision`
    #[serde(default)]
    pub revision: Option<Number>,
    /// `DeviceLocation`
    #[serde(default)]
    pub device_location: Option<String>,
    /// `BaseClass`
    #[serde(default)]
    pub base_class: Option<Number>,
    /// `SubClass`
    #[serde(default)]
    pub sub_class: Option<Number>,
    /// `Bus`
    #[serde(default)]
    pub bus: Option<Number>,
    /// `Slot`
    #[serde(default)]
    pub slot: Option<Number>,
    /// `SubVendorId`
    #[serde(default)]
    pub sub_vendor_id: Option<String>,
    /// `SubSystemId`
    #[serde(default)]
    pub sub_system_id: Option<String>,
}

/// An asset type (`GET /assetmgmt/assettypes`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AssetType {
    /// `AssetTypeId`
    pub asset_type_id: AssetTypeId,
    /// `AssetTypeName`
    #[serde(default)]
    pub asset_type_name: Option<String>,
    /// `ParentAssetTypeId`
    #[serde(default)]
    pub parent_asset_type_id: Option<AssetTypeId>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

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
