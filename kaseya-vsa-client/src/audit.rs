//! Audit: `/assetmgmt/audit` — audit summaries, the hardware and software an agent's
//! audits found, and running or scheduling baseline, latest and system info audits.

use serde::{Deserialize, Deserializer, Serialize};

use crate::agent_procedures::{
    DistributionWindow, ExclusionWindow, RecurrenceOptions, StartOptions, setters,
};
use crate::client::{Client, ListRequest};
use crate::ids::{AgentId, DecimalId};
use msp_common::{Call, Request};

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
    #[serde(default)]
    pub timezone_offset: Option<i64>,
    /// `CurrentLogin`
    #[serde(default)]
    pub current_login: Option<String>,
    /// `AgentType`
    #[serde(default)]
    pub agent_type: Option<i64>,
    /// `RebootTime`
    #[serde(default)]
    pub reboot_time: Option<String>,
    /// `LastCheckinTime`
    #[serde(default)]
    pub last_checkin_time: Option<String>,
    /// `GroupName`
    #[serde(default)]
    pub group_name: Option<String>,
    /// `FirstCheckinTime`
    #[serde(default)]
    pub first_checkin_time: Option<String>,
    /// `TimeZone`
    #[serde(default)]
    pub time_zone: Option<String>,
    /// `WorkgroupDomainType`
    #[serde(default)]
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
    #[serde(default)]
    pub os_type: Option<String>,
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
    #[serde(default)]
    pub dhcp_enabled: Option<i64>,
    /// `DhcpServer`
    #[serde(default)]
    pub dhcp_server: Option<String>,
    /// `WinsEnabled`
    #[serde(default)]
    pub wins_enabled: Option<i64>,
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
    #[serde(default)]
    pub cpu_speed: Option<i64>,
    /// `CpuCount`
    #[serde(default)]
    pub cpu_count: Option<i64>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", default)]
    pub ram_mbytes: Option<i64>,
    /// `AgentVersion`
    #[serde(default)]
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
    #[serde(default)]
    pub memory_slots: Option<String>,
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
    #[serde(default)]
    pub free_space: Option<i64>,
    /// `UsedSpace`
    #[serde(default)]
    pub used_space: Option<i64>,
    /// `TotalSize`
    #[serde(default)]
    pub total_size: Option<i64>,
    /// `NumberOfDrives`
    #[serde(default)]
    pub number_of_drives: Option<i64>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A credential of an agent (`GET /assetmgmt/audit/{agentId}/credentials`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Credential {
    /// `CredentialId`
    #[serde(default)]
    pub credential_id: Option<DecimalId>,
    /// `Type`
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// `Name`
    #[serde(default)]
    pub name: Option<String>,
    /// `UserName`
    #[serde(default)]
    pub user_name: Option<String>,
    /// `Domain`
    #[serde(default)]
    pub domain: Option<String>,
    /// `CreateAccount`
    #[serde(default)]
    pub create_account: Option<bool>,
    /// `AsAdministrator`
    #[serde(default)]
    pub as_administrator: Option<bool>,
    /// `InEffect`
    #[serde(default)]
    pub in_effect: Option<bool>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A local user group (`GET /assetmgmt/audit/{agentId}/groups`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LocalGroup {
    /// `UserGroupName`
    #[serde(default)]
    pub user_group_name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A disk volume (`GET /assetmgmt/audit/{agentId}/hardware/diskvolumes`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct DiskVolume {
    /// `Drive`
    #[serde(default)]
    pub drive: Option<String>,
    /// `Type`
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// `Format`
    #[serde(default)]
    pub format: Option<String>,
    /// `FreeMBytes`
    #[serde(rename = "FreeMBytes", default)]
    pub free_mbytes: Option<i64>,
    /// `UsedMBytes`
    #[serde(rename = "UsedMBytes", default)]
    pub used_mbytes: Option<i64>,
    /// `TotalMBytes`
    #[serde(rename = "TotalMBytes", default)]
    pub total_mbytes: Option<i64>,
    /// `Label`
    #[serde(default)]
    pub label: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A disk drive or PCI device (`GET /assetmgmt/audit/{agentId}/hardware/pcianddisk`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PciOrDiskDevice {
    /// `TypeId`
    #[serde(default)]
    pub type_id: Option<i64>,
    /// `TypeName`
    #[serde(default)]
    pub type_name: Option<String>,
    /// `Vendor`
    #[serde(default)]
    pub vendor: Option<String>,
    /// `Product`
    #[serde(default)]
    pub product: Option<String>,
    /// `Note`
    #[serde(default)]
    pub note: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A printer and its port (`GET /assetmgmt/audit/{agentId}/hardware/printers`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Printer {
    /// `PrinterName`
    #[serde(default)]
    pub printer_name: Option<String>,
    /// `Port`
    #[serde(default)]
    pub port: Option<String>,
    /// `Model`
    #[serde(default)]
    pub model: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A member of a local user group (`GET /assetmgmt/audit/{agentId}/members`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct LocalGroupMember {
    /// `UserGroupName`
    #[serde(default)]
    pub user_group_name: Option<String>,
    /// `MemberName`
    #[serde(default)]
    pub member_name: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// An entry of the Windows add/remove programs list
/// (`GET /assetmgmt/audit/{agentId}/software/addremoveprograms`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AddRemoveProgram {
    /// `DisplayName`
    #[serde(default)]
    pub display_name: Option<String>,
    /// `UninstallString`
    #[serde(default)]
    pub uninstall_string: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// An installed application (`GET /assetmgmt/audit/{agentId}/software/installedapplications`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct InstalledApplication {
    /// `ApplicationName`
    #[serde(default)]
    pub application_name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `Version`
    #[serde(default)]
    pub version: Option<String>,
    /// `Manufacturer`
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `DirectoryPath`
    #[serde(default)]
    pub directory_path: Option<String>,
    /// `Size`
    #[serde(default)]
    pub size: Option<i64>,
    /// `LastModifiedDate`
    #[serde(default)]
    pub last_modified_date: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A software license (`GET /assetmgmt/audit/{agentId}/software/licenses`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SoftwareLicense {
    /// `Publisher`
    #[serde(default)]
    pub publisher: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `ProductKey`
    #[serde(default)]
    pub product_key: Option<String>,
    /// `LicenseCode`
    #[serde(default)]
    pub license_code: Option<String>,
    /// `Version`
    #[serde(default)]
    pub version: Option<String>,
    /// `InstallationDate`
    #[serde(default)]
    pub installation_date: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A security product (`GET /assetmgmt/audit/{agentId}/software/securityproducts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SecurityProduct {
    /// `ProductType`
    #[serde(default)]
    pub product_type: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `Manufacturer`
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// `Version`
    #[serde(default)]
    pub version: Option<String>,
    /// `IsActive`
    #[serde(default)]
    pub is_active: Option<bool>,
    /// `IsUpToDate`
    #[serde(default)]
    pub is_up_to_date: Option<bool>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// An application started at logon (`GET /assetmgmt/audit/{agentId}/software/startupapps`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct StartupApp {
    /// `AppName`
    #[serde(default)]
    pub app_name: Option<String>,
    /// `AppCommand`
    #[serde(default)]
    pub app_command: Option<String>,
    /// `UserName`
    #[serde(default)]
    pub user_name: Option<String>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// A local user account (`GET /assetmgmt/audit/{agentId}/useraccounts`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct UserAccount {
    /// `LogonName`
    #[serde(default)]
    pub logon_name: Option<String>,
    /// `FullName`
    #[serde(default)]
    pub full_name: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
    /// `IsDisabled`
    #[serde(default)]
    pub is_disabled: Option<bool>,
    /// `IsLockedOut`
    #[serde(default)]
    pub is_locked_out: Option<bool>,
    /// `IsPasswordRequired`
    #[serde(default)]
    pub is_password_required: Option<bool>,
    /// `IsPasswordExpired`
    #[serde(default)]
    pub is_password_expired: Option<bool>,
    /// `IsPasswordChangeable`
    #[serde(default)]
    pub is_password_changeable: Option<bool>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// The detailed audit summary of one agent (`GET /assetmgmt/audit/{agentId}/summary`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditSummary {
    /// `LastAudit`
    #[serde(default)]
    pub last_audit: Option<String>,
    /// `NextAudit`
    #[serde(default)]
    pub next_audit: Option<String>,
    /// `SystemInfo`
    #[serde(default)]
    pub system_info: Option<AuditSystemInfo>,
    /// `NetworkInfo`
    #[serde(default)]
    pub network_info: Option<AuditNetworkInfo>,
    /// `TimeInfo`
    #[serde(default)]
    pub time_info: Option<AuditTimeInfo>,
    /// `Chassis`
    #[serde(default)]
    pub chassis: Option<AuditChassis>,
    /// `Motherboard`
    #[serde(default)]
    pub motherboard: Option<AuditMotherboard>,
    /// `BIOS`
    #[serde(rename = "BIOS", default)]
    pub bios: Option<AuditBios>,
    /// `CPURAM`
    #[serde(rename = "CPURAM", default)]
    pub cpu_ram: Option<AuditCpuRam>,
    /// `OnBoardDevices`
    #[serde(default)]
    pub on_board_devices: Option<Vec<OnBoardDevice>>,
    /// `PortConnectors`
    #[serde(default)]
    pub port_connectors: Option<Vec<PortConnector>>,
    /// `MemoryDevices`
    #[serde(default)]
    pub memory_devices: Option<Vec<MemoryDevice>>,
    /// `SystemSlots`
    #[serde(default)]
    pub system_slots: Option<Vec<SystemSlot>>,
    /// `CustomFields`: a map of custom field names to values (the guide's sample shows an object; its schema names `FieldName` / `FieldValue` pairs)
    #[serde(default)]
    pub custom_fields: Option<serde_json::Value>,
    /// `Attributes`
    #[serde(default)]
    pub attributes: Option<serde_json::Value>,
}

/// `SystemInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditSystemInfo {
    /// `Manufacturer`
    #[serde(default)]
    pub manufacturer: Option<String>,
    /// `ProductName`
    #[serde(default)]
    pub product_name: Option<String>,
    /// `Version`
    #[serde(default)]
    pub version: Option<String>,
    /// `SysSerialNumber`
    #[serde(default)]
    pub sys_serial_number: Option<String>,
}

/// `NetworkInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditNetworkInfo {
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
    /// `Country`
    #[serde(default)]
    pub country: Option<String>,
    /// `MacAddr`
    #[serde(default)]
    pub mac_addr: Option<String>,
    /// `DhcpEnabled`
    #[serde(default)]
    pub dhcp_enabled: Option<i64>,
    /// `DhcpServer`
    #[serde(default)]
    pub dhcp_server: Option<String>,
    /// `DnsServer`
    #[serde(default)]
    pub dns_server: Option<String>,
    /// `WINsEnabled`
    #[serde(rename = "WINsEnabled", default)]
    pub wins_enabled: Option<i64>,
    /// `PrimaryWINS`
    #[serde(rename = "PrimaryWINS", default)]
    pub primary_wins: Option<String>,
    /// `SecondaryWINS`
    #[serde(rename = "SecondaryWINS", default)]
    pub secondary_wins: Option<String>,
}

/// `TimeInfo` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditTimeInfo {
    /// `KServerTime`
    #[serde(default)]
    pub k_server_time: Option<String>,
    /// `AgentTime`
    #[serde(default)]
    pub agent_time: Option<String>,
    /// `LastCheckin`
    #[serde(default)]
    pub last_checkin: Option<String>,
    /// `LastReboot`
    #[serde(default)]
    pub last_reboot: Option<String>,
    /// `FirstCheckin`
    #[serde(default)]
    pub first_checkin: Option<String>,
    /// `AgentTimeZone`
    #[serde(default)]
    pub agent_time_zone: Option<String>,
}

/// `Chassis` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditChassis {
    /// `ChassisManufacturer`
    #[serde(default)]
    pub chassis_manufacturer: Option<String>,
    /// `ChassisType`
    #[serde(default)]
    pub chassis_type: Option<String>,
    /// `ChassisVersion`
    #[serde(default)]
    pub chassis_version: Option<String>,
    /// `ChassisSerialNumber`
    #[serde(default)]
    pub chassis_serial_number: Option<String>,
    /// `ChassisAssetTag`
    #[serde(default)]
    pub chassis_asset_tag: Option<String>,
}

/// `Motherboard` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditMotherboard {
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
    /// `ExternalBusSpeed`
    #[serde(default)]
    pub external_bus_speed: Option<String>,
}

/// `BIOS` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditBios {
    /// `BiosVendor`
    #[serde(default)]
    pub bios_vendor: Option<String>,
    /// `BiosVersion`
    #[serde(default)]
    pub bios_version: Option<String>,
    /// `BiosReleaseDate`
    #[serde(default)]
    pub bios_release_date: Option<String>,
}

/// `CPURAM` of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AuditCpuRam {
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
    pub processor_max_speed: Option<String>,
    /// `ProcessorCurrentSpeed`
    #[serde(default)]
    pub processor_current_speed: Option<String>,
    /// `CpuDescription`
    #[serde(default)]
    pub cpu_description: Option<String>,
    /// `CpuCount`
    #[serde(default)]
    pub cpu_count: Option<i64>,
    /// `CpuSpeedMHz`
    #[serde(rename = "CpuSpeedMHz", default)]
    pub cpu_speed_mhz: Option<i64>,
    /// `RamMBytes`
    #[serde(rename = "RamMBytes", default)]
    pub ram_mbytes: Option<i64>,
    /// `MaxMemorySize`
    #[serde(default)]
    pub max_memory_size: Option<String>,
    /// `MemorySlots`
    #[serde(default)]
    pub memory_slots: Option<String>,
}

/// An on-board device of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct OnBoardDevice {
    /// `Type`
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// `Description`
    #[serde(default)]
    pub description: Option<String>,
}

/// A port connector of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PortConnector {
    /// `InternalRef`
    #[serde(default)]
    pub internal_ref: Option<String>,
    /// `ExternalRef`
    #[serde(default)]
    pub external_ref: Option<String>,
    /// `ConnectionType`
    #[serde(default)]
    pub connection_type: Option<String>,
    /// `PortType`
    #[serde(default)]
    pub port_type: Option<String>,
}

/// A memory device of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct MemoryDevice {
    /// `Size`
    #[serde(default)]
    pub size: Option<String>,
    /// `Form`
    #[serde(default)]
    pub form: Option<String>,
    /// `DeviceLocation`
    #[serde(default)]
    pub device_location: Option<String>,
    /// `BankLocation`
    #[serde(default)]
    pub bank_location: Option<String>,
    /// `Type`
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// `Detail`
    #[serde(default)]
    pub detail: Option<String>,
    /// `Speed`
    #[serde(default)]
    pub speed: Option<String>,
}

/// A system slot of an [`AuditSummary`].
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SystemSlot {
    /// `Designator`
    #[serde(default)]
    pub designator: Option<String>,
    /// `Type`
    #[serde(rename = "Type", default)]
    pub kind: Option<String>,
    /// `Usage`
    #[serde(default)]
    pub usage: Option<String>,
    /// `ID` (a string in the guide's schema, a number in its sample; kept as text)
    #[serde(rename = "ID", default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
}

/// Reads a field the guide types as a string and samples as a number.
fn string_or_number<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    })
}

/// An agent's purchase date and warranty expiration date
/// (`GET`/`PUT /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`).
///
/// As an update body both fields are sent; `None` is sent as `null`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct PurchaseAndWarranty {
    /// `PurchaseDate` (`2017-08-01T15:52:15.205Z`)
    #[serde(default)]
    pub purchase_date: Option<String>,
    /// `WarrantyExpireDate`
    #[serde(default)]
    pub warranty_expire_date: Option<String>,
}

impl PurchaseAndWarranty {
    /// Both dates (`"2024-01-31T00:00:00Z"`).
    pub fn new(purchase_date: impl Into<String>, warranty_expire_date: impl Into<String>) -> Self {
        Self {
            purchase_date: Some(purchase_date.into()),
            warranty_expire_date: Some(warranty_expire_date.into()),
        }
    }
}

setters!(PurchaseAndWarranty {
    /// Sets `PurchaseDate`.
    purchase_date: String,
    /// Sets `WarrantyExpireDate`.
    warranty_expire_date: String,
});

/// The body of `PUT /assetmgmt/audit/{baseline|latest|sysinfo}/{agentId}/schedule`. Unset
/// fields are left out.
///
/// ```
/// use kaseya_vsa_client::agent_procedures::{ExclusionWindow, RecurrenceOptions, Repeat};
/// use kaseya_vsa_client::audit::AuditSchedule;
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

/// Audit calls; from [`Client::audit`].
#[derive(Debug, Clone)]
pub struct Audit {
    client: Client,
}

impl Client {
    /// Audit calls.
    pub fn audit(&self) -> Audit {
        Audit {
            client: self.clone(),
        }
    }
}

/// `GET /assetmgmt/audit/{agentId}/{rest…}` as a list.
fn agent_list<T>(
    client: &Client,
    agent_id: &AgentId,
    rest: &[&str],
    operation: &'static str,
) -> ListRequest<T> {
    let segments = std::iter::once(agent_id.as_str()).chain(rest.iter().copied());
    client.list_request(
        Request::get("assetmgmt/audit")
            .segments(segments)
            .operation(operation),
    )
}

impl Audit {
    /// `GET /assetmgmt/audit`: the audit summary of every agent in scope; filterable and
    /// sortable (see [`crate::odata::fields::audit_summaries`]).
    pub fn summaries(&self) -> ListRequest<AuditSummaryRecord> {
        self.client
            .list_named("assetmgmt/audit", "list_audit_summaries")
    }

    /// `GET /assetmgmt/audit/{agentId}/credentials`: an agent's credentials; filterable
    /// and sortable (see [`crate::odata::fields::audit_credentials`]).
    pub fn credentials(&self, agent_id: &AgentId) -> ListRequest<Credential> {
        agent_list(
            &self.client,
            agent_id,
            &["credentials"],
            "list_audit_credentials",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/groups`: the local user groups; filterable and
    /// sortable (see [`crate::odata::fields::audit_groups`]).
    pub fn groups(&self, agent_id: &AgentId) -> ListRequest<LocalGroup> {
        agent_list(&self.client, agent_id, &["groups"], "list_audit_groups")
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/diskvolumes`: the disk volumes; filterable
    /// and sortable (see [`crate::odata::fields::audit_disk_volumes`]).
    pub fn disk_volumes(&self, agent_id: &AgentId) -> ListRequest<DiskVolume> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "diskvolumes"],
            "list_audit_disk_volumes",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/pcianddisk`: the disk drives and PCI
    /// devices; filterable and sortable (see [`crate::odata::fields::audit_pci_and_disk`]).
    pub fn pci_and_disk(&self, agent_id: &AgentId) -> ListRequest<PciOrDiskDevice> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "pcianddisk"],
            "list_audit_pci_and_disk",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/hardware/printers`: the printers and their ports;
    /// filterable and sortable (see [`crate::odata::fields::audit_printers`]).
    pub fn printers(&self, agent_id: &AgentId) -> ListRequest<Printer> {
        agent_list(
            &self.client,
            agent_id,
            &["hardware", "printers"],
            "list_audit_printers",
        )
    }

    /// `GET /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`: an agent's
    /// purchase and warranty expiration dates.
    pub fn purchase_and_warranty(&self, agent_id: &AgentId) -> Call<PurchaseAndWarranty> {
        let request = Request::get("assetmgmt/audit")
            .segments([agent_id.as_str(), "hardware", "purchaseandwarrantyexpire"])
            .operation("get_purchase_and_warranty");
        self.client.read(request)
    }

    /// `PUT /assetmgmt/audit/{agentGuid}/hardware/purchaseandwarrantyexpire`: updates an
    /// agent's purchase and warranty expiration dates. A write.
    pub fn update_purchase_and_warranty(
        &self,
        agent_id: &AgentId,
        dates: &PurchaseAndWarranty,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([agent_id.as_str(), "hardware", "purchaseandwarrantyexpire"])
            .operation("update_purchase_and_warranty")
            .json(dates);
        self.client.write_unit(request)
    }

    /// `GET /assetmgmt/audit/{agentId}/members`: the members of each local user group;
    /// filterable and sortable (see [`crate::odata::fields::audit_members`]).
    pub fn members(&self, agent_id: &AgentId) -> ListRequest<LocalGroupMember> {
        agent_list(&self.client, agent_id, &["members"], "list_audit_members")
    }

    /// `GET /assetmgmt/audit/{agentId}/software/addremoveprograms`: the Windows add/remove
    /// programs list; filterable and sortable (see
    /// [`crate::odata::fields::audit_add_remove_programs`]).
    pub fn add_remove_programs(&self, agent_id: &AgentId) -> ListRequest<AddRemoveProgram> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "addremoveprograms"],
            "list_audit_add_remove_programs",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/installedapplications`: the installed
    /// applications; filterable and sortable (see
    /// [`crate::odata::fields::audit_installed_applications`]).
    pub fn installed_applications(&self, agent_id: &AgentId) -> ListRequest<InstalledApplication> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "installedapplications"],
            "list_audit_installed_applications",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/licenses`: the software licenses;
    /// filterable and sortable (see [`crate::odata::fields::audit_licenses`]).
    pub fn licenses(&self, agent_id: &AgentId) -> ListRequest<SoftwareLicense> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "licenses"],
            "list_audit_licenses",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/securityproducts`: the security products;
    /// filterable and sortable (see [`crate::odata::fields::audit_security_products`]).
    pub fn security_products(&self, agent_id: &AgentId) -> ListRequest<SecurityProduct> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "securityproducts"],
            "list_audit_security_products",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/software/startupapps`: the applications started at
    /// logon; filterable and sortable (see [`crate::odata::fields::audit_startup_apps`]).
    pub fn startup_apps(&self, agent_id: &AgentId) -> ListRequest<StartupApp> {
        agent_list(
            &self.client,
            agent_id,
            &["software", "startupapps"],
            "list_audit_startup_apps",
        )
    }

    /// `GET /assetmgmt/audit/{agentId}/summary`: an agent's detailed audit summary (one
    /// record, although the guide says the call accepts filter expressions).
    pub fn summary(&self, agent_id: &AgentId) -> Call<AuditSummary> {
        let request = Request::get("assetmgmt/audit")
            .segments([agent_id.as_str(), "summary"])
            .operation("get_audit_summary");
        self.client.read(request)
    }

    /// `GET /assetmgmt/audit/{agentId}/useraccounts`: the local user accounts; filterable
    /// and sortable (see [`crate::odata::fields::audit_user_accounts`]).
    pub fn user_accounts(&self, agent_id: &AgentId) -> ListRequest<UserAccount> {
        agent_list(
            &self.client,
            agent_id,
            &["useraccounts"],
            "list_audit_user_accounts",
        )
    }

    fn run_now(&self, kind: &'static str, agent_id: &AgentId) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([kind, agent_id.as_str(), "runnow"])
            .operation(match kind {
                "baseline" => "run_baseline_audit",
                "latest" => "run_latest_audit",
                _ => "run_sysinfo_audit",
            });
        self.client.write_unit(request)
    }

    fn schedule(
        &self,
        kind: &'static str,
        agent_id: &AgentId,
        schedule: &AuditSchedule,
    ) -> Call<()> {
        let request = Request::put("assetmgmt/audit")
            .segments([kind, agent_id.as_str(), "schedule"])
            .operation(match kind {
                "baseline" => "schedule_baseline_audit",
                "latest" => "schedule_latest_audit",
                _ => "schedule_sysinfo_audit",
            })
            .json(schedule);
        self.client.write_unit(request)
    }

    /// `PUT /assetmgmt/audit/baseline/{agentId}/runnow`: runs a baseline audit (the
    /// machine's original configuration) now. A write.
    pub fn run_baseline_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("baseline", agent_id)
    }

    /// `PUT /assetmgmt/audit/baseline/{agentId}/schedule`: schedules a baseline audit. A
    /// write.
    pub fn schedule_baseline(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("baseline", agent_id, schedule)
    }

    /// `PUT /assetmgmt/audit/latest/{agentId}/runnow`: runs a latest audit now. A write.
    pub fn run_latest_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("latest", agent_id)
    }

    /// `PUT /assetmgmt/audit/latest/{agentId}/schedule`: schedules the latest audit (once
    /// a day is recommended). A write.
    pub fn schedule_latest(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("latest", agent_id, schedule)
    }

    /// `PUT /assetmgmt/audit/sysinfo/{agentId}/runnow`: runs a system info (DMI / SMBIOS)
    /// audit now. A write.
    pub fn run_sysinfo_now(&self, agent_id: &AgentId) -> Call<()> {
        self.run_now("sysinfo", agent_id)
    }

    /// `PUT /assetmgmt/audit/sysinfo/{agentId}/schedule`: schedules a system info audit. A
    /// write.
    pub fn schedule_sysinfo(&self, agent_id: &AgentId, schedule: &AuditSchedule) -> Call<()> {
        self.schedule("sysinfo", agent_id, schedule)
    }
}
