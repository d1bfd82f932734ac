//! The serde types of VSA records and request bodies, one file per family of the
//! guide's chapters: agents (with notes, custom fields and install packages), assets,
//! alarms, audit, agent procedures (with the schedule parts every schedule body shares),
//! patch management, logs, files, navigation, and the system chapters (organizations,
//! departments, machine groups, users and roles, the session, the environment, the
//! tenant, the info center).
//!
//! Every model is also re-exported by the module of the calls that use it
//! (`kaseya_vsa_client::agents::Agent` is `kaseya_vsa_client::models::Agent`).
//!
//! # Models are tolerant
//!
//! The VSA is built on .NET: counters arrive as numbers or as strings of digits, flags
//! as booleans or as `0`/`1`, absent values as `null` or as `""`. A field the caller does
//! not need to address a record never fails a whole call because of its JSON type:
//!
//! - every field the server may omit is an `Option` (collections default to empty) and
//!   unknown fields are ignored, never refused;
//! - counters, sizes and codes are `i64`/`u64`/`f64` read with
//!   [`msp_common::lenient`]: `16384`, `"16384"` and `16384.0` are the same number; `""`,
//!   `null` and text that is not a number are `None`;
//! - flags are `bool`: `true`, `1`, `"1"`, `"true"`, `"yes"` (and their opposites)
//!   decode; anything else is `None`;
//! - closed sets (the agent's `Online` code, `OSType`, an alarm's `Status`, an event's
//!   `Type`, …) are enums with an `Unknown` variant that keeps a value this crate does not
//!   know, so a new vendor value never breaks decoding; text values are read ignoring
//!   case;
//! - genuinely free text (names, descriptions, addresses, sizes with their unit such as
//!   `"4200 MHz"`) stays `Option<String>`; ids are the exact decimal newtypes of
//!   [`crate::ids`].
//!
//! # Timestamps
//!
//! Every timestamp is an `Option<chrono::DateTime<chrono::Utc>>`. The VSA writes them
//! with a zone (`2016-02-02T17:55:17.030Z`) or, more often, without one
//! (`2019-03-21T11:33:04.833`, up to seven fraction digits): **a timestamp without a zone
//! is read as UTC**. The guide does not say whether such a value is UTC or the server's
//! local time (the sign-in answer's `OffSetInMinutes` hints at the latter); add that
//! offset yourself if your server writes local times. `""`, `null` and text that is not
//! a date are `None`. Serialized, a timestamp is RFC 3339 in UTC
//! (`2016-02-02T17:55:17.030Z`), which reads back to the same value, so every model
//! round-trips through JSON.
//!
//! Times of day (`StartAt`, `EndAt`, the `From` and `To` of an exclusion window:
//! `T0000` to `T2345`) are not timestamps and stay text.
//!
//! ```
//! use kaseya_vsa_client::models::{Agent, AgentStatus, OsType};
//!
//! let agent: Agent = serde_json::from_str(r#"{
//!     "AgentId": 121747357971679, "Online": "11", "OSType": "windows",
//!     "RamMBytes": "16384", "CpuCount": "", "LastCheckInTime": "2019-03-21T11:33:04.833"
//! }"#)?;
//! assert_eq!(agent.online, Some(AgentStatus::UserActive));
//! assert_eq!(agent.os_type, Some(OsType::Windows));
//! assert_eq!((agent.ram_mbytes, agent.cpu_count), (Some(16384), None));
//! assert_eq!(
//!     agent.last_check_in_time.unwrap().to_rfc3339(),
//!     "2019-03-21T11:33:04.833+00:00"
//! );
//!
//! // A value this crate does not know is kept.
//! let odd: Agent = serde_json::from_str(r#"{"AgentId": 1, "Online": 42, "OSType": "Solaris"}"#)?;
//! assert_eq!(odd.online, Some(AgentStatus::Unknown(42)));
//! assert_eq!(odd.os_type, Some(OsType::Unknown("Solaris".into())));
//!
//! // Serialized and read back, a model is the same.
//! let again: Agent = serde_json::from_str(&serde_json::to_string(&agent)?)?;
//! assert_eq!(again, agent);
//! # Ok::<(), serde_json::Error>(())
//! ```

/// Builder setters for `Option` fields of request bodies: `fn field(self, impl Into<T>)`.
macro_rules! setters {
    ($ty:ident { $( $(#[$doc:meta])* $field:ident : $t:ty ),* $(,)? }) => {
        impl $ty {
            $(
                $(#[$doc])*
                #[must_use]
                pub fn $field(mut self, value: impl Into<$t>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// A closed set the server writes as text, with an `Unknown(String)` fallback; read
/// ignoring case and surrounding spaces (and through the listed aliases), written as the
/// first spelling.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know, kept as the server wrote it.
            Unknown(String),
        }

        impl $name {
            /// The value as the server writes it (an unknown value as it came).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(text) => text,
                }
            }

            /// Reads a value as the server writes it, ignoring case; a value this crate
            /// does not know becomes `Unknown`.
            pub fn from_wire(text: &str) -> Self {
                let t = text.trim();
                $(
                    if t.eq_ignore_ascii_case($text) $(|| t.eq_ignore_ascii_case($alias))* {
                        return $name::$variant;
                    }
                )+
                $name::Unknown(text.to_owned())
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(text: &str) -> Self {
                Self::from_wire(text)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            /// Any scalar: a string, or a number or boolean as its text.
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let text = ::msp_common::lenient::opt_string(d)?.unwrap_or_default();
                Ok(Self::from_wire(&text))
            }
        }
    };
}

/// A closed set the server writes as a number, with an `Unknown(i64)` fallback; read
/// from a number or a numeric string, written as the number.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A code this crate does not know.
            Unknown(i64),
        }

        impl $name {
            /// The code on the wire.
            pub fn code(self) -> i64 {
                match self {
                    $( $name::$variant => $code, )+
                    $name::Unknown(code) => code,
                }
            }

            /// The value of a code; a code this crate does not know becomes `Unknown`.
            pub fn from_code(code: i64) -> Self {
                match code {
                    $( $code => $name::$variant, )+
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::std::convert::From<i64> for $name {
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            /// A number, or a number as a string (`"11"`).
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                match ::msp_common::lenient::opt_i64(d)? {
                    Some(code) => Ok(Self::from_code(code)),
                    None => Err(<D::Error as ::serde::de::Error>::custom(concat!(
                        "a ", stringify!($name), " is a number"
                    ))),
                }
            }
        }
    };
}

mod agents;
mod alarms;
mod assets;
mod audit;
mod files;
mod logs;
mod navigation;
mod patch;
mod procedures;
mod system;

pub use agents::{
    Agent, AgentNote, AgentSettings, AgentStatus, AgentUptime, AgentView, CheckInControl,
    CustomField, CustomFieldType, DeployPageCustomization, KeyValue, NetworkAgent, NewPackage,
    NotifyPolicy, OsType, Package, PackageAgentType, PackageLinkRequest, TwoFactorSettings,
    UserProfile,
};
pub use alarms::{Alarm, AlarmStatus};
pub use assets::{
    Asset, AssetSummary, AssetType, DeviceBiosInfo, DeviceDrive, DeviceFound, DeviceHwPci,
    DeviceInfo, DeviceIp, DeviceMemory, DeviceMotherBoard, DeviceProcessor, Probe, ProbeType,
};
pub use audit::{
    AddRemoveProgram, AuditBios, AuditChassis, AuditCpuRam, AuditMotherboard, AuditNetworkInfo,
    AuditSchedule, AuditSummary, AuditSummaryRecord, AuditSystemInfo, AuditTimeInfo, Credential,
    DiskVolume, DriveType, InstalledApplication, LocalGroup, LocalGroupMember, MemoryDevice,
    OnBoardDevice, PciOrDiskDevice, PortConnector, Printer, PurchaseAndWarranty, SecurityProduct,
    SecurityProductType, SoftwareLicense, StartupApp, SystemSlot, UserAccount,
};
pub use files::FileEntry;
pub use logs::{
    EventLogEntry, EventType, LiveConnectAuditEntry, LogEntry, MonitorActionLogEntry,
    NetworkStatLogEntry, ProcedureLogEntry, RemoteControlLogEntry,
};
pub use navigation::{
    AdminActivity, AgentsStatus, Alert, Header, NavFolder, NavItem, NavModule, Notification,
    NotificationUpdate,
};
pub use patch::{MissingPatch, PatchHistory, PatchSchedule, PatchStatus};
pub use procedures::{
    AgentProcedure, DistributionWindow, ExclusionWindow, ProcedureHistory, ProcedureSchedule,
    RecurrenceOptions, Repeat, ScheduledProcedure, ScheduledRecurrence, ScriptPrompt, StartOptions,
};
pub use system::{
    ContactInfo, Department, Email, Environment, InfoMessage, MachineGroup, NewNotification,
    OrgCustomField, OrgLocation, OrgType, Organization, Role, SessionInfo, Tenant, User,
};

/// Field deserializers the models share (on top of [`msp_common::lenient`]).
mod de {
    use serde::{Deserialize, Deserializer};

    /// A text enum ([`text_enum!`]) from any scalar; `null` and `""` are `None`.
    pub(super) fn text_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: for<'a> From<&'a str>,
    {
        Ok(msp_common::lenient::opt_string(d)?.map(|text| T::from(text.as_str())))
    }

    /// A code enum ([`code_enum!`]) from a number or a numeric string; anything else is
    /// `None`.
    pub(super) fn code_enum<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: From<i64>,
    {
        Ok(msp_common::lenient::opt_i64(d)?.map(T::from))
    }

    /// An id the caller does not need to address the record by (the session's role, say)
    /// from a number or a string of digits; anything else is `None` rather than an error.
    pub(super) fn id<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: std::str::FromStr,
    {
        Ok(msp_common::lenient::opt_string(d)?.and_then(|text| text.parse().ok()))
    }

    /// An array, or a single object as an array of one.
    pub(super) fn one_or_many<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
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
}
