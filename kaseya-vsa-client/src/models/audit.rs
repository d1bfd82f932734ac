//! Audit: audit summaries, the hardware and software an agent's audits found, purchase
//! and warranty dates, and the audit schedule body.

use chrono::{DateTime, Utc};
use msp_common::lenient;
use serde::{Deserialize, Serialize};

use super::{DistributionWindow, ExclusionWindow, OsType, RecurrenceOptions, StartOptions, de};
use crate::ids::{AgentId, DecimalId};

/// One agent's audit summary, as `GET /assetmgmt/audit` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditSummaryRecord {
    /// `AgentGuid`: the agent id
    pub agent_guid: AgentId,
    /// `DisplayName`
    #[serde(default)]
    pub display_name: Option<String>,
    /// `TimezoneOffset`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub timezone_offset: Option<i64>,
    /// `CurrentLogin`
    #[serde(default)]
    pub current_login: Option<String>,
    /// `AgentType`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub agent_type: Option<i64>,
    /// `RebootTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub reboot_time: Option<DateTime<Utc>>,
    /// `LastCheckinTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub last_checkin_time: Option<DateTime<Utc>>,
    /// `GroupName`
    #[serde(default)]
    pub group_name: Option<String>,
    /// `FirstCheckinTime`
    #[serde(default, deserialize_with = "lenient::opt_datetime")]
    pub first_checkin_time: Option<DateTime<Utc>>,
    /// `TimeZone`
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `WorkgroupDomainType`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub workgroup_domain_type: Option<i64>,
    /// `WorkgroupDomainName`
    #[serde(default)]
    pub workgroup_domain_name: Option<String>,
    /// `ComputerName`
    #[serde(default)]
    pub computer_name: Option<String>,
    /// `DnsComputerName`
    #[serde(default)]
    pub dns_computer_name: Option<String>,
    /// `OsType`
    #[serde(default, deserialize_with = "de::text_enum")]
    pub os_type: Option<OsType>,
    /// `OsInfo`
    #[serde(default)]
    pub os_info: Option<String>,
    /// `IpAddress`
    #[serde(default)]
    pub ip_address: Option<String>,
    /// `Ipv6Address`
    #[serde(default)]
    pub ipv6_address: Option<String>,
    /// `SubnetMask`
    #[serde(default)]
    pub subnet_mask: Option<String>,
    /// `DefaultGateway`
    #[serde(default)]
    pub default_gateway: Option<String>,
    /// `ConnectionGatewayIp`
    #[serde(default)]
    pub connection_gateway_ip: Option<String>,
    /// `GatewayCountry`
    #[serde(default)]
    pub gateway_country: Option<String>,
    /// `MacAddress`
    #[serde(default)]
    pub mac_address: Option<String>,
    /// `DnsServer1`
    #[serde(default)]
    pub dns_server1: Option<String>,
    /// `DnsServer2`
    #[serde(default)]
    pub dns_server2: Option<String>,
    /// `DhcpEnabled`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub dhcp_enabled: Option<bool>,
    /// `DhcpServer`
    #[serde(default)]
    pub dhcp_server: Option<String>,
    /// `WinsEnabled`
    #[serde(default, deserialize_with = "lenient::opt_bool")]
    pub wins_enabled: Option<bool>,
    /// `PrimaryWinsServer`
    #[serde(default)]
    pub primary_wins_server: Option<String>,
    /// `SecondaryWinsServer`
    #[serde(default)]
    pub secondary_wins_server: Option<String>,
    /// `CpuType`
    #[serde(default)]
    pub cpu_type: Option<String>,
    /// `CpuSpeed`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cpu_speed: Option<i64>,
    /// `CpuCount`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub cpu_count: Option<i64>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", default, deserialize_with = "lenient::opt_i64")]
    pub ram_mbytes: Option<i64>,
    /// `AgentVersion`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub agent_version: Option<i64>,
    /// `LastLoginName`
    #[serde(default)]
    pub last_login_name: Option<String>,
    /// `LoginName`
    #[serde(default)]
    pub login_name: Option<String>,
    /// `PrimaryKServer`
    #[serde(default)]
    pub primary_k_server: Option<String>,
    /// `SecondaryKServer`
    #[serde(default)]
    pub secondary_k_server: Option<String>,
    /// `QuickCheckinPeriod`
    #[serde(default)]
    pub quick_checkin_period: Option<String>,
    /// `ContactName`
    #[serde(default)]
    pub contact_name: Option<String>,
    /// `ContactEmail`
    #[serde(default)]
    pub contact_email: Option<String>,
    /// `ContactPhone`
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// `ContactNotes`
    #[serde(default)]
    pub contact_notes: Option<String>,
    /// `Manufacturer`
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `SystemVersion`
    #[serde(default)]
    pub system_version: Option<String>,
    /// `SystemSerialNumber`
    #[serde(default)]
    pub system_serial_number: Option<String>,
    /// `ChassisSerialNumber`
    #[serde(default)]
    pub chassis_serial_number: Option<String>,
    /// `ChassisAssetTag`
    #[serde(default)]
    pub chassis_asset_tag: Option<String>,
    /// `ExternalBusSpeed`
    #[serde(default)]
    pub external_bus_speed: Option<String>,
    /// `MaxMemorySize`
    #[serde(default)]
    pub max_memory_size: Option<String>,
    /// `MemorySlots`
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    pub memory_slots: Option<u64>,
    /// `ChassisManufacturer`
    #[serde(default)]
    pub chassis_manufacturer: Option<String>,
    /// `ChassisType`
    #[serde(default)]
    pub chassis_type: Option<String>,
    /// `ChassisVersion`
    #[serde(default)]
    pub chassis_version: Option<String>,
    /// `MotherboardManufacturer`
    #[serde(default)]
    pub motherboard_manufacturer: Option<String>,
    /// `MotherboardProduct`
    #[serde(default)]
    pub motherboard_product: Option<String>,
    /// `MotherboardVersion`
    #[serde(default)]
    pub motherboard_version: Option<String>,
    /// `MotherboardSerialNumber`
    #[serde(default)]
    pub motherboard_serial_number: Option<String>,
    /// `ProcessorFamily`
    #[serde(default)]
    pub processor_family: Option<String>,
    /// `ProcessorManufacturer`
    #[serde(default)]
    pub processor_manufacturer: Option<String>,
    /// `ProcessorVersion`
    #[serde(default)]
    pub processor_version: Option<String>,
    /// `ProcessorMaxSpeed`
    #[serde(default)]
    pub processor_max_speed: Option<String>,
    /// `ProcessorCurrentSpeed`
    #[serde(default)]
    pub processor_current_speed: Option<String>,
    /// `FreeSpace`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub free_space: Option<i64>,
    /// `UsedSpace`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub used_space: Option<i64>,
    /// `TotalSize`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub total_size: Option<i64>,
    /// `NumberOfDrives`
    #[serde(default, deserialize_with = "lenient::opt_i64")]
    pub number_of_drives: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A credential of an agent (`GET /assetmgmt/audit/{agentId}/credentials`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Credential {
    /// `CredentialId`
    pub credential_id: Option<DecimalId>,
    /// `Type`
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `Name`
    pub name: Option<String>,
    /// `UserName`
    pub user_name: Option<String>,
    /// `Domain`
    pub domain: Option<String>,
    /// `CreateAccount`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub create_account: Option<bool>,
    /// `AsAdministrator`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub as_administrator: Option<bool>,
    /// `InEffect`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub in_effect: Option<bool>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A local user group (`GET /assetmgmt/audit/{agentId}/groups`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct LocalGroup {
    /// `UserGroupName`
    pub user_group_name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A disk volume (`GET /assetmgmt/audit/{agentId}/hardware/diskvolumes`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct DiskVolume {
    /// `Drive`
    pub drive: Option<String>,
    /// `Type`
    #[serde(rename = "Type", deserialize_with = "de::text_enum")]
    pub kind: Option<DriveType>,
    /// `Format`
    pub format: Option<String>,
    /// `FreeMBytes`
    #[serde(rename = "FreeMBytes", deserialize_with = "lenient::opt_i64")]
    pub free_mbytes: Option<i64>,
    /// `UsedMBytes`
    #[serde(rename = "UsedMBytes", deserialize_with = "lenient::opt_i64")]
    pub used_mbytes: Option<i64>,
    /// `TotalMBytes`
    #[serde(rename = "TotalMBytes", deserialize_with = "lenient::opt_i64")]
    pub total_mbytes: Option<i64>,
    /// `Label`
    pub label: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A disk drive or PCI device (`GET /assetmgmt/audit/{agentId}/hardware/pcianddisk`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PciOrDiskDevice {
    /// `TypeId`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub type_id: Option<i64>,
    /// `TypeName`
    pub type_name: Option<String>,
    /// `Vendor`
    pub vendor: Option<String>,
    /// `Product`
    pub product: Option<String>,
    /// `Note`
    pub note: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A printer and its port (`GET /assetmgmt/audit/{agentId}/hardware/printers`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct Printer {
    /// `PrinterName`
    pub printer_name: Option<String>,
    /// `Port`
    pub port: Option<String>,
    /// `Model`
    pub model: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A member of a local user group (`GET /assetmgmt/audit/{agentId}/members`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct LocalGroupMember {
    /// `UserGroupName`
    pub user_group_name: Option<String>,
    /// `MemberName`
    pub member_name: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// An entry of the Windows add/remove programs list
/// (`GET /assetmgmt/audit/{agentId}/software/addremoveprograms`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AddRemoveProgram {
    /// `DisplayName`
    pub display_name: Option<String>,
    /// `UninstallString`
    pub uninstall_string: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// An installed application (`GET /assetmgmt/audit/{agentId}/software/installedapplications`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct InstalledApplication {
    /// `ApplicationName`
    pub application_name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `Version`
    pub version: Option<String>,
    /// `Manufacturer`
    pub manufacturer: Option<String>,
    /// `ProductName`
    pub product_name: Option<String>,
    /// `DirectoryPath`
    pub directory_path: Option<String>,
    /// `Size`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub size: Option<i64>,
    /// `LastModifiedDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_modified_date: Option<DateTime<Utc>>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A software license (`GET /assetmgmt/audit/{agentId}/software/licenses`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct SoftwareLicense {
    /// `Publisher`
    pub publisher: Option<String>,
    /// `ProductName`
    pub product_name: Option<String>,
    /// `ProductKey`
    pub product_key: Option<String>,
    /// `LicenseCode`
    pub license_code: Option<String>,
    /// `Version`
    pub version: Option<String>,
    /// `InstallationDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub installation_date: Option<DateTime<Utc>>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A security product (`GET /assetmgmt/audit/{agentId}/software/securityproducts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct SecurityProduct {
    /// `ProductType`
    #[serde(deserialize_with = "de::text_enum")]
    pub product_type: Option<SecurityProductType>,
    /// `ProductName`
    pub product_name: Option<String>,
    /// `Manufacturer`
    pub manufacturer: Option<String>,
    /// `Version`
    pub version: Option<String>,
    /// `IsActive`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_active: Option<bool>,
    /// `IsUpToDate`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_up_to_date: Option<bool>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// An application started at logon (`GET /assetmgmt/audit/{agentId}/software/startupapps`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct StartupApp {
    /// `AppName`
    pub app_name: Option<String>,
    /// `AppCommand`
    pub app_command: Option<String>,
    /// `UserName`
    pub user_name: Option<String>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// A local user account (`GET /assetmgmt/audit/{agentId}/useraccounts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct UserAccount {
    /// `LogonName`
    pub logon_name: Option<String>,
    /// `FullName`
    pub full_name: Option<String>,
    /// `Description`
    pub description: Option<String>,
    /// `IsDisabled`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_disabled: Option<bool>,
    /// `IsLockedOut`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_locked_out: Option<bool>,
    /// `IsPasswordRequired`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_password_required: Option<bool>,
    /// `IsPasswordExpired`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_password_expired: Option<bool>,
    /// `IsPasswordChangeable`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub is_password_changeable: Option<bool>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// The detailed audit summary of one agent (`GET /assetmgmt/audit/{agentId}/summary`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditSummary {
    /// `LastAudit`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_audit: Option<DateTime<Utc>>,
    /// `NextAudit`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub next_audit: Option<DateTime<Utc>>,
    /// `SystemInfo`
    pub system_info: Option<AuditSystemInfo>,
    /// `NetworkInfo`
    pub network_info: Option<AuditNetworkInfo>,
    /// `TimeInfo`
    pub time_info: Option<AuditTimeInfo>,
    /// `Chassis`
    pub chassis: Option<AuditChassis>,
    /// `Motherboard`
    pub motherboard: Option<AuditMotherboard>,
    /// `BIOS`
    #[serde(rename = "BIOS")]
    pub bios: Option<AuditBios>,
    /// `CPURAM`
    #[serde(rename = "CPURAM")]
    pub cpu_ram: Option<AuditCpuRam>,
    /// `OnBoardDevices`
    pub on_board_devices: Option<Vec<OnBoardDevice>>,
    /// `PortConnectors`
    pub port_connectors: Option<Vec<PortConnector>>,
    /// `MemoryDevices`
    pub memory_devices: Option<Vec<MemoryDevice>>,
    /// `SystemSlots`
    pub system_slots: Option<Vec<SystemSlot>>,
    /// `CustomFields`: a map of custom field names to values (the guide's sample shows an object; its schema names `FieldName` / `FieldValue` pairs)
    pub custom_fields: Option<serde_json::Value>,
    /// `Attributes`
    pub attributes: Option<serde_json::Value>,
}

/// `SystemInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditSystemInfo {
    /// `Manufacturer`
    pub manufacturer: Option<String>,
    /// `ProductName`
    pub product_name: Option<String>,
    /// `Version`
    pub version: Option<String>,
    /// `SysSerialNumber`
    pub sys_serial_number: Option<String>,
}

/// `NetworkInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditNetworkInfo {
    /// `IpAddress`
    pub ip_address: Option<String>,
    /// `Ipv6Address`
    pub ipv6_address: Option<String>,
    /// `SubnetMask`
    pub subnet_mask: Option<String>,
    /// `DefaultGateway`
    pub default_gateway: Option<String>,
    /// `ConnectionGatewayIp`
    pub connection_gateway_ip: Option<String>,
    /// `Country`
    pub country: Option<String>,
    /// `MacAddr`
    pub mac_addr: Option<String>,
    /// `DhcpEnabled`
    #[serde(deserialize_with = "lenient::opt_bool")]
    pub dhcp_enabled: Option<bool>,
    /// `DhcpServer`
    pub dhcp_server: Option<String>,
    /// `DnsServer`
    pub dns_server: Option<String>,
    /// `WINsEnabled`
    #[serde(rename = "WINsEnabled", deserialize_with = "lenient::opt_bool")]
    pub wins_enabled: Option<bool>,
    /// `PrimaryWINS`
    #[serde(rename = "PrimaryWINS")]
    pub primary_wins: Option<String>,
    /// `SecondaryWINS`
    #[serde(rename = "SecondaryWINS")]
    pub secondary_wins: Option<String>,
}

/// `TimeInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditTimeInfo {
    /// `KServerTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub k_server_time: Option<DateTime<Utc>>,
    /// `AgentTime`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub agent_time: Option<DateTime<Utc>>,
    /// `LastCheckin`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_checkin: Option<DateTime<Utc>>,
    /// `LastReboot`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub last_reboot: Option<DateTime<Utc>>,
    /// `FirstCheckin`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub first_checkin: Option<DateTime<Utc>>,
    /// `AgentTimeZone`
    pub agent_time_zone: Option<String>,
}

/// `Chassis` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditChassis {
    /// `ChassisManufacturer`
    pub chassis_manufacturer: Option<String>,
    /// `ChassisType`
    pub chassis_type: Option<String>,
    /// `ChassisVersion`
    pub chassis_version: Option<String>,
    /// `ChassisSerialNumber`
    pub chassis_serial_number: Option<String>,
    /// `ChassisAssetTag`
    pub chassis_asset_tag: Option<String>,
}

/// `Motherboard` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditMotherboard {
    /// `MotherboardManufacturer`
    pub motherboard_manufacturer: Option<String>,
    /// `MotherboardProduct`
    pub motherboard_product: Option<String>,
    /// `MotherboardVersion`
    pub motherboard_version: Option<String>,
    /// `MotherboardSerialNumber`
    pub motherboard_serial_number: Option<String>,
    /// `ExternalBusSpeed`
    pub external_bus_speed: Option<String>,
}

/// `BIOS` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditBios {
    /// `BiosVendor`
    pub bios_vendor: Option<String>,
    /// `BiosVersion`
    pub bios_version: Option<String>,
    /// `BiosReleaseDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub bios_release_date: Option<DateTime<Utc>>,
}

/// `CPURAM` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditCpuRam {
    /// `ProcessorManufacturer`
    pub processor_manufacturer: Option<String>,
    /// `ProcessorFamily`
    pub processor_family: Option<String>,
    /// `ProcessorVersion`
    pub processor_version: Option<String>,
    /// `ProcessorMaxSpeed`
    pub processor_max_speed: Option<String>,
    /// `ProcessorCurrentSpeed`
    pub processor_current_speed: Option<String>,
    /// `CpuDescription`
    pub cpu_description: Option<String>,
    /// `CpuCount`
    #[serde(deserialize_with = "lenient::opt_i64")]
    pub cpu_count: Option<i64>,
    /// `CpuSpeedMHz`
    #[serde(rename = "CpuSpeedMHz", deserialize_with = "lenient::opt_i64")]
    pub cpu_speed_mhz: Option<i64>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", deserialize_with = "lenient::opt_i64")]
    pub ram_mbytes: Option<i64>,
    /// `MaxMemorySize`
    pub max_memory_size: Option<String>,
    /// `MemorySlots`
    #[serde(deserialize_with = "lenient::opt_u64")]
    pub memory_slots: Option<u64>,
}

/// An on-board device of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct OnBoardDevice {
    /// `Type`
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `Description`
    pub description: Option<String>,
}

/// A port connector of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PortConnector {
    /// `InternalRef`
    pub internal_ref: Option<String>,
    /// `ExternalRef`
    pub external_ref: Option<String>,
    /// `ConnectionType`
    pub connection_type: Option<String>,
    /// `PortType`
    pub port_type: Option<String>,
}

/// A memory device of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct MemoryDevice {
    /// `Size`
    pub size: Option<String>,
    /// `Form`
    pub form: Option<String>,
    /// `DeviceLocation`
    pub device_location: Option<String>,
    /// `BankLocation`
    pub bank_location: Option<String>,
    /// `Type`
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `Detail`
    pub detail: Option<String>,
    /// `Speed`
    pub speed: Option<String>,
}

/// A system slot of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Default)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct SystemSlot {
    /// `Designator`
    pub designator: Option<String>,
    /// `Type`
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `Usage`
    pub usage: Option<String>,
    /// `ID` (a string in the guide's schema, a number in its sample; kept as text)
    #[serde(rename = "ID", deserialize_with = "lenient::opt_string")]
    pub id: Option<String>,
}

/// An agent's purchase date and warranty expiration date
/// (`GET`/`PUT /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`).
///
/// As an update body both fields are sent; `None` is sent as `null`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct PurchaseAndWarranty {
    /// `PurchaseDate` (`2017-08-01T15:52:15.205Z`)
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub purchase_date: Option<DateTime<Utc>>,
    /// `WarrantyExpireDate`
    #[serde(deserialize_with = "lenient::opt_datetime")]
    pub warranty_expire_date: Option<DateTime<Utc>>,
}

impl PurchaseAndWarranty {
    /// Both dates (sent as `"2024-01-31T00:00:00Z"`).
    pub fn new(purchase_date: DateTime<Utc>, warranty_expire_date: DateTime<Utc>) -> Self {
        Self {
            purchase_date: Some(purchase_date),
            warranty_expire_date: Some(warranty_expire_date),
        }
    }
}

setters!(PurchaseAndWarranty {
    /// Sets `PurchaseDate`.
    purchase_date: DateTime<Utc>,
    /// Sets `WarrantyExpireDate`.
    warranty_expire_date: DateTime<Utc>,
});

/// The body of `PUT /assetmgmt/audit/{baseline|latest|sysinfo}/{agentId}/schedule`. Unset
/// fields are left out.
///
/// ```
/// use kaseya_vsa_client::models::{AuditSchedule, ExclusionWindow, RecurrenceOptions, Repeat};
///
/// let body = AuditSchedule::new()
///     .recurrence(RecurrenceOptions::new(Repeat::Days).times(1))
///     .exclusion(ExclusionWindow::new("T0800", "T1800"));
/// assert_eq!(
///     serde_json::to_string(&body).unwrap(),
///     r#"{"Recurrence":{"Repeat":"Days","Times":1},"Exclusion":{"From":"T0800","To":"T1800"}}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", default)]
#[non_exhaustive]
pub struct AuditSchedule {
    /// `Recurrence`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceOptions>,
    /// `Distribution`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribution: Option<DistributionWindow>,
    /// `Start`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<StartOptions>,
    /// `Exclusion`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclusion: Option<ExclusionWindow>,
    /// `Attributes`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<serde_json::Value>,
}

impl AuditSchedule {
    /// An empty schedule body.
    pub fn new() -> Self {
        Self::default()
    }
}

setters!(AuditSchedule {
    /// Sets `Recurrence`.
    recurrence: RecurrenceOptions,
    /// Sets `Distribution`.
    distribution: DistributionWindow,
    /// Sets `Start`.
    start: StartOptions,
    /// Sets `Exclusion`.
    exclusion: ExclusionWindow,
    /// Sets `Attributes`.
    attributes: serde_json::Value,
});

text_enum! {
    /// The kind of a disk volume (`Type`).
    pub enum DriveType {
        /// `Fixed`: a local disk.
        Fixed = "Fixed" | "Local Disk" | "HDD",
        /// `Removable`
        Removable = "Removable",
        /// `Network`: a mapped network drive.
        Network = "Network" | "Network Drive",
        /// `CDROM`: an optical drive.
        CdRom = "CDROM" | "CD-ROM" | "CdRom" | "CD",
        /// `RAM Disk`
        RamDisk = "RAM Disk" | "RamDisk" | "RAM",
    }
}

text_enum! {
    /// The kind of a security product (`ProductType`).
    pub enum SecurityProductType {
        /// `AntiVirus`
        AntiVirus = "AntiVirus" | "Anti-Virus" | "Antivirus",
        /// `AntiSpyware`
        AntiSpyware = "AntiSpyware" | "Anti-Spyware",
        /// `Firewall`
        Firewall = "Firewall",
    }
}
