//! Assets (devices found by agents and Discovery), their details and asset types.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::{OsType, de};
use crate::ids::{AgentId, AssetId, AssetTypeId, DecimalId, MachineGroupId, OrgId};

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
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_computer_agent: Option<bool>,
    /// `IsMobileAgent`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_mobile_agent: Option<bool>,
    /// `IsMonitoring` (a byte flag: `1`, `"1"` and `true` are `true`)
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_monitoring: Option<bool>,
    /// `IsPatching` (a byte flag)
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_patching: Option<bool>,
    /// `IsAuditing` (a byte flag)
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_auditing: Option<bool>,
    /// `IsBackingUp` (a byte flag)
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_backing_up: Option<bool>,
    /// `IsSecurity` (a byte flag)
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub is_security: Option<bool>,
    /// `TicketCount`
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub ticket_count: Option<u64>,
    /// `AlarmCount`
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub alarm_count: Option<u64>,
    /// `IsSNMPActive`
    #[serde(
        rename = "IsSNMPActive",
        default,
        deserialize_with = "lenient::opt_bool"
    )]
    pub is_snmp_active: Option<bool>,
    /// `IsVProActive`
    #[serde(
        rename = "IsVProActive",
        default,
        deserialize_with = "lenient::opt_bool"
    )]
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
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub last_seen_date: Option<DateTime<Utc>>,
    /// `ProbeAgentGuid`
    #[serde(default)]
    pub probe_agent_guid: Option<AgentId>,
    /// `PrimaryProbe`
    #[serde(default)]
    pub primary_probe: Option<String>,
    /// `PrimaryProbeId`
    #[serde(default, deserialize_with = "lenient::opt_string")]
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
    #[serde(rename = "OSType", default, deserialize_with = "de::text_enum")]
    pub os_type: Option<OsType>,
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
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub device_type: Option<i64>,
    /// `DeviceTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub device_time: Option<DateTime<Utc>>,
    /// `ServerTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub server_time: Option<DateTime<Utc>>,
    /// `DeviceFounds` (the schema calls it `DeviceFound`; both are read)
    #[serde(default, alias = "DeviceFound")]
    pub device_founds: Option<Vec<DeviceFound>>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// Where and how a device was found, with its hardware details.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceFound {
    /// `DeviceId`
    pub device_id: Option<DecimalId>,
    /// `FoundOn`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub found_on: Option<DateTime<Utc>>,
    /// `FoundBy`
    pub found_by: Option<Probe>,
    /// `DeviceInfo`
    pub device_info: Option<DeviceInfo>,
    /// `DeviceMotherBoard`
    pub device_mother_board: Option<DeviceMotherBoard>,
    /// `DeviceBiosInfo`
    pub device_bios_info: Option<DeviceBiosInfo>,
    /// `DeviceProcessors`
    #[serde(deserialize_with = "de::one_or_many")]
    pub device_processors: Option<Vec<DeviceProcessor>>,
    /// `DeviceMemories`
    #[serde(deserialize_with = "de::one_or_many")]
    pub device_memories: Option<Vec<DeviceMemory>>,
    /// `DeviceDrives`
    #[serde(deserialize_with = "de::one_or_many")]
    pub device_drives: Option<Vec<DeviceDrive>>,
    /// `DeviceIPs`
    #[serde(rename = "DeviceIPs", deserialize_with = "de::one_or_many")]
    pub device_ips: Option<Vec<DeviceIp>>,
    /// `DeviceHwPCI` (an array in the schema, one object in the sample; both are read)
    #[serde(rename = "DeviceHwPCI", deserialize_with = "de::one_or_many")]
    pub device_hw_pci: Option<Vec<DeviceHwPci>>,
}

/// A probe that found a device.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Probe {
    /// `ProbeId`
    pub probe_id: Option<DecimalId>,
    /// `ProbeTypeId`
    pub probe_type_id: Option<DecimalId>,
    /// `ProbeName`
    pub probe_name: Option<String>,
    /// `ProbeAgentId`
    pub probe_agent_id: Option<AgentId>,
    /// `ProbeType`
    pub probe_type: Option<ProbeType>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// The type of a [`Probe`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct ProbeType {
    /// `ProbeTypeId`
    pub probe_type_id: Option<DecimalId>,
    /// `ProbeTypeName`
    pub probe_type_name: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// `DeviceDetails.DeviceInfo`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceInfo {
    /// `HostName`
    pub host_name: Option<String>,
    /// `Manufacturer`
    pub manufacturer: Option<String>,
    /// `Version`
    pub version: Option<String>,
    /// `SerialNumber`
    pub serial_number: Option<String>,
    /// `Port`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub port: Option<u64>,
    /// `OSName`
    #[serde(rename = "OSName")]
    pub os_name: Option<String>,
    /// `OSType`
    #[serde(rename = "OSType", deserialize_with = "de::text_enum")]
    pub os_type: Option<OsType>,
    /// `OSFamily`
    #[serde(rename = "OSFamily")]
    pub os_family: Option<String>,
    /// `OSVendor`
    #[serde(rename = "OSVendor")]
    pub os_vendor: Option<String>,
    /// `OSAccuracy`
    #[serde(rename = "OSAccuracy", deserialize_with = "lenient::opt_u64")]
    pub os_accuracy: Option<u64>,
    /// `OSInfo`
    #[serde(rename = "OSInfo")]
    pub os_info: Option<String>,
    /// `OSGeneration`
    #[serde(rename = "OSGeneration")]
    pub os_generation: Option<String>,
}

/// `DeviceDetails.DeviceMotherBoard`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceMotherBoard {
    /// `MotherboardManufacturer`
    pub motherboard_manufacturer: Option<String>,
    /// `MotherboardProductName`
    pub motherboard_product_name: Option<String>,
    /// `MotherboardVersion`
    pub motherboard_version: Option<String>,
    /// `MotherboardSerialNum`
    pub motherboard_serial_num: Option<String>,
    /// `MotherboardAssetTag`
    pub motherboard_asset_tag: Option<String>,
    /// `MotherboardReplaceable`
    pub motherboard_replaceable: Option<String>,
}

/// `DeviceDetails.DeviceBiosInfo`
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceBiosInfo {
    /// `BiosVendor`
    pub bios_vendor: Option<String>,
    /// `BiosVersion`
    pub bios_version: Option<String>,
    /// `BiosReleaseDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub bios_release_date: Option<DateTime<Utc>>,
    /// `BiosSupportedFunctions`
    pub bios_supported_functions: Option<String>,
}

/// `DeviceDetails.DeviceProcessor`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceProcessor {
    /// `ProcessorId`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub processor_id: Option<u64>,
    /// `ProcessorManufacturer`
    pub processor_manufacturer: Option<String>,
    /// `ProcessorFamily`
    pub processor_family: Option<String>,
    /// `ProcessorVersion`
    pub processor_version: Option<String>,
    /// `ProcessorMaxSpeed`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub processor_max_speed: Option<f64>,
    /// `ProcessorCurrentSpeed`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub processor_current_speed: Option<f64>,
    /// `ProcessorStatus`
    pub processor_status: Option<String>,
    /// `ProcessorUpgradeInfo`
    pub processor_upgrade_info: Option<String>,
    /// `ProcessorSocketPopulated`
    pub processor_socket_populated: Option<String>,
    /// `ProcessorType`
    pub processor_type: Option<String>,
}

/// `DeviceDetails.DeviceMemory`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceMemory {
    /// `MemoryManufacturer`
    pub memory_manufacturer: Option<String>,
    /// `MemorySerialNum`
    pub memory_serial_num: Option<String>,
    /// `MemorySize`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub memory_size: Option<f64>,
    /// `MemorySpeed`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub memory_speed: Option<f64>,
    /// `MemoryType`
    pub memory_type: Option<String>,
}

/// `DeviceDetails.DeviceDrive`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceDrive {
    /// `DriveManufacturer`
    pub drive_manufacturer: Option<String>,
    /// `DriveSocketDesignation`
    pub drive_socket_designation: Option<String>,
    /// `DriveVersion`
    pub drive_version: Option<String>,
    /// `DriveMaxSpeed`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub drive_max_speed: Option<f64>,
    /// `DriveCurrentSpeed`
    #[serde(deserialize_with = "lenient::opt_f64")]
    pub drive_current_speed: Option<f64>,
    /// `DriveStatus`
    pub drive_status: Option<String>,
    /// `DriveUpgradeInfo`
    pub drive_upgrade_info: Option<String>,
    /// `DriveSocketPopulated`
    pub drive_socket_populated: Option<String>,
}

/// `DeviceDetails.DeviceIPs`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceIp {
    /// `IPAddress`
    #[serde(rename = "IPAddress")]
    pub ip_address: Option<String>,
    /// `IPAddressType`
    #[serde(rename = "IPAddressType", deserialize_with = "lenient::opt_i64")]
    pub ip_address_type: Option<i64>,
    /// `SubnetMask`
    pub subnet_mask: Option<String>,
    /// `DHCPEnabled`
    #[serde(rename = "DHCPEnabled", deserialize_with = "lenient::opt_bool")]
    pub dhcp_enabled: Option<bool>,
    /// `IPv6Address`
    #[serde(rename = "IPv6Address")]
    pub ipv6_address: Option<String>,
    /// `MACAddress`
    #[serde(rename = "MACAddress")]
    pub mac_address: Option<String>,
    /// `MACManufacturer`
    #[serde(rename = "MACManufacturer")]
    pub mac_manufacturer: Option<String>,
}

/// `DeviceDetails.DeviceHwPCI`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DeviceHwPci {
    /// `VendorId`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub vendor_id: Option<u64>,
    /// `ProductId`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub product_id: Option<u64>,
    /// `Revision`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub revision: Option<u64>,
    /// `DeviceLocation`
    pub device_location: Option<String>,
    /// `BaseClass`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub base_class: Option<u64>,
    /// `SubClass`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub sub_class: Option<u64>,
    /// `Bus`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub bus: Option<u64>,
    /// `Slot`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub slot: Option<u64>,
    /// `SubVendorId`
    pub sub_vendor_id: Option<String>,
    /// `SubSystemId`
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
