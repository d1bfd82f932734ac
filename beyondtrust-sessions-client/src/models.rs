//! The serde types of the Password Safe v3 API: sessions, requests, managed accounts and
//! the signed-in user.
//!
//! Models are tolerant: fields the server may omit are `Option`, unknown fields are kept
//! in `extra`, and every vendor enum has an `Unknown` fallback so a new server value never
//! breaks decoding.

use std::collections::BTreeMap;
use std::fmt;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use msp_common::secret::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

msp_common::numeric_id! {
    /// The id of an access request (`RequestID`).
    RequestId,
    /// The id of a recorded session (`SessionID`).
    SessionId,
    /// The id of a Password Safe user (`UserID`).
    UserId,
    /// The id of a managed system (`SystemID`).
    SystemId,
    /// The id of a managed account (`AccountID`).
    AccountId,
}

macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know, kept as the server sent it.
            Unknown(String),
        }

        impl $name {
            /// The value as it travels on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Unknown(other) => other,
                }
            }

            /// Reads a wire value (case-insensitively); unknown values become `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                $(if value.eq_ignore_ascii_case($text) {
                    return $name::$variant;
                })+
                $name::Unknown(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let value = String::deserialize(d)?;
                Ok($name::from_wire(&value))
            }
        }
    };
}

string_enum!(
    /// How a requester wants to use a managed account (`AccessType`).
    AccessType {
        /// Retrieve (view) the password.
        View => "View",
        /// An RDP session.
        Rdp => "RDP",
        /// An SSH session.
        Ssh => "SSH",
        /// An application session (needs an application id).
        App => "App",
    }
);

string_enum!(
    /// What to do when the requester already has a request for the account
    /// (`ConflictOption`).
    ConflictOption {
        /// Reuse the existing request.
        Reuse => "reuse",
        /// Expire the existing request and create a new one.
        Renew => "renew",
    }
);

string_enum!(
    /// Which secret of a request to retrieve (`GET Credentials/{id}?type=`).
    CredentialType {
        /// The password (the server's default).
        Password => "password",
        /// The SSH private key.
        DssKey => "dsskey",
        /// The passphrase of the SSH private key.
        Passphrase => "passphrase",
    }
);

string_enum!(
    /// Which managed accounts `GET ManagedAccounts?type=` lists.
    ManagedAccountType {
        /// Accounts on local (non-domain) systems.
        System => "system",
        /// Accounts the user used recently.
        Recent => "recent",
        /// Domain accounts linked to systems.
        DomainLinked => "domainlinked",
        /// Database accounts.
        Database => "database",
        /// Cloud accounts.
        Cloud => "cloud",
        /// Application accounts.
        Application => "application",
    }
);

string_enum!(
    /// The kind of session to create (`SessionType`).
    ///
    /// [`SessionType::RdpFile`] and [`SessionType::AppFile`] answer with an RDP file
    /// attachment instead of JSON; see [`SessionCreated`].
    SessionType {
        /// A direct SSH session.
        Ssh => "SSH",
        /// An SSH session ticket.
        SshTicket => "sshticket",
        /// A direct RDP session.
        Rdp => "RDP",
        /// An RDP session ticket.
        RdpTicket => "rdpticket",
        /// An RDP file.
        RdpFile => "rdpfile",
        /// An application session.
        App => "app",
        /// An application session as an RDP file.
        AppFile => "appfile",
    }
);

impl SessionType {
    /// Whether the server answers this type with a file attachment rather than JSON.
    pub fn returns_file(&self) -> bool {
        matches!(self, SessionType::RdpFile | SessionType::AppFile)
    }

    /// Whether `Sessions/Admin` accepts this type (SSH, sshticket, RDP, rdpticket, rdpfile).
    pub fn allowed_for_admin(&self) -> bool {
        matches!(
            self,
            SessionType::Ssh
                | SessionType::SshTicket
                | SessionType::Rdp
                | SessionType::RdpTicket
                | SessionType::RdpFile
        )
    }
}

string_enum!(
    /// The state of an access request, as listed by `GET Requests`.
    RequestStatus {
        /// Waiting for an approver.
        Pending => "Pending",
        /// Approved and not yet released.
        Approved => "Approved",
        /// Approved and released: credentials and sessions are available.
        Active => "Active",
        /// Denied by an approver.
        Denied => "Denied",
        /// Its duration ended, or it was checked in.
        Expired => "Expired",
        /// Expired by an administrator.
        ForcedExpiry => "Forced Expiry",
        /// Cancelled by the requester.
        Cancelled => "Cancelled",
    }
);

impl RequestStatus {
    /// Whether the request may be used now (approved or active).
    pub fn is_approved(&self) -> bool {
        matches!(self, RequestStatus::Approved | RequestStatus::Active)
    }

    /// Whether the request can no longer become usable.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            RequestStatus::Denied
                | RequestStatus::Expired
                | RequestStatus::ForcedExpiry
                | RequestStatus::Cancelled
        )
    }
}

/// The status of a session (`Status`, a number on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum SessionStatus {
    /// 0 — not started.
    NotStarted,
    /// 1 — in progress.
    InProgress,
    /// 2 — completed.
    Completed,
    /// 5 — locked.
    Locked,
    /// 7 — terminated (deprecated by the vendor).
    Terminated,
    /// 8 — logged off.
    LoggedOff,
    /// 9 — disconnected (RDP only).
    Disconnected,
    /// A code this version of the crate does not know.
    Unknown(i64),
}

impl SessionStatus {
    /// The numeric code on the wire.
    pub fn code(self) -> i64 {
        match self {
            SessionStatus::NotStarted => 0,
            SessionStatus::InProgress => 1,
            SessionStatus::Completed => 2,
            SessionStatus::Locked => 5,
            SessionStatus::Terminated => 7,
            SessionStatus::LoggedOff => 8,
            SessionStatus::Disconnected => 9,
            SessionStatus::Unknown(code) => code,
        }
    }

    /// The status for a wire code.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => SessionStatus::NotStarted,
            1 => SessionStatus::InProgress,
            2 => SessionStatus::Completed,
            5 => SessionStatus::Locked,
            7 => SessionStatus::Terminated,
            8 => SessionStatus::LoggedOff,
            9 => SessionStatus::Disconnected,
            other => SessionStatus::Unknown(other),
        }
    }
}

impl fmt::Display for SessionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionStatus::NotStarted => f.write_str("not started"),
            SessionStatus::InProgress => f.write_str("in progress"),
            SessionStatus::Completed => f.write_str("completed"),
            SessionStatus::Locked => f.write_str("locked"),
            SessionStatus::Terminated => f.write_str("terminated"),
            SessionStatus::LoggedOff => f.write_str("logged off"),
            SessionStatus::Disconnected => f.write_str("disconnected"),
            SessionStatus::Unknown(code) => write!(f, "unknown status {code}"),
        }
    }
}

impl Serialize for SessionStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for SessionStatus {
    /// A number, or a number as a string (`"1"`); anything else is an error (the status
    /// is what a listing filters on).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match msp_common::lenient::opt_i64(d)? {
            Some(code) => Ok(SessionStatus::from_code(code)),
            None => Err(serde::de::Error::custom(
                "a session status must be a number",
            )),
        }
    }
}

/// The protocol of a session (`Protocol`, a number on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionProtocol {
    /// 0 — RDP.
    Rdp,
    /// 1 — SSH.
    Ssh,
    /// A code this version of the crate does not know.
    Unknown(i64),
}

impl SessionProtocol {
    /// The numeric code on the wire.
    pub fn code(self) -> i64 {
        match self {
            SessionProtocol::Rdp => 0,
            SessionProtocol::Ssh => 1,
            SessionProtocol::Unknown(code) => code,
        }
    }

    /// The protocol for a wire code.
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => SessionProtocol::Rdp,
            1 => SessionProtocol::Ssh,
            other => SessionProtocol::Unknown(other),
        }
    }
}

impl Serialize for SessionProtocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.code())
    }
}

impl<'de> Deserialize<'de> for SessionProtocol {
    /// A number, or a number as a string (`"1"`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match msp_common::lenient::opt_i64(d)? {
            Some(code) => Ok(SessionProtocol::from_code(code)),
            None => Err(serde::de::Error::custom(
                "a session protocol must be a number",
            )),
        }
    }
}

/// A lenient protocol: `None` for `null`, `""` or a value that is not a number.
fn opt_protocol<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SessionProtocol>, D::Error> {
    Ok(msp_common::lenient::opt_i64(d)?.map(SessionProtocol::from_code))
}

/// Text kept exactly as sent (whitespace included); a number or a boolean in its place
/// becomes its text, anything else (an array, an object) is `None` rather than a
/// failure of the whole record.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(text)) => Some(text),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
        _ => None,
    })
}

/// An optional reference to another record: a number or a string of digits; `null`,
/// `""` or anything unreadable is `None` rather than a failure of the whole record.
fn opt_id<'de, D: Deserializer<'de>, T: From<u64>>(d: D) -> Result<Option<T>, D::Error> {
    Ok(msp_common::lenient::opt_u64(d)?.map(T::from))
}

/// A lenient `u32`: a number or a numeric string; anything else (or out of range) is
/// `None`.
fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(msp_common::lenient::opt_u64(d)?.and_then(|n| u32::try_from(n).ok()))
}

/// A recorded session (`GET Sessions`, `GET Sessions/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Session {
    /// The session id.
    #[serde(rename = "SessionID")]
    pub session_id: SessionId,
    /// The user who requested the session.
    #[serde(rename = "UserID", default, deserialize_with = "opt_id")]
    pub user_id: Option<UserId>,
    /// The node that hosts the session.
    #[serde(rename = "NodeID", default)]
    pub node_id: Option<String>,
    /// The status.
    pub status: SessionStatus,
    /// The archive status code.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_i64")]
    pub archive_status: Option<i64>,
    /// The protocol.
    #[serde(default, deserialize_with = "opt_protocol")]
    pub protocol: Option<SessionProtocol>,
    /// When the session started.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub start_time: Option<DateTime<Utc>>,
    /// When the session ended.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub end_time: Option<DateTime<Utc>>,
    /// How long the session lasted, in seconds.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_i64")]
    pub duration: Option<i64>,
    /// The name of the asset connected to.
    #[serde(default, deserialize_with = "opt_text")]
    pub asset_name: Option<String>,
    /// The managed system, when there is one.
    #[serde(rename = "ManagedSystemID", default, deserialize_with = "opt_id")]
    pub managed_system_id: Option<SystemId>,
    /// The managed account, when there is one.
    #[serde(rename = "ManagedAccountID", default, deserialize_with = "opt_id")]
    pub managed_account_id: Option<AccountId>,
    /// The name of the managed account.
    #[serde(default, deserialize_with = "opt_text")]
    pub managed_account_name: Option<String>,
    /// The key of the session recording.
    #[serde(default, deserialize_with = "opt_text")]
    pub record_key: Option<String>,
    /// The session token.
    #[serde(default, deserialize_with = "opt_text")]
    pub token: Option<String>,
    /// Fields this version of the crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// An access request as listed by `GET Requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct AccessRequest {
    /// The request id.
    #[serde(rename = "RequestID")]
    pub request_id: RequestId,
    /// The managed system.
    #[serde(rename = "SystemID", default, deserialize_with = "opt_id")]
    pub system_id: Option<SystemId>,
    /// The name of the managed system.
    #[serde(default, deserialize_with = "opt_text")]
    pub system_name: Option<String>,
    /// The managed account.
    #[serde(rename = "AccountID", default, deserialize_with = "opt_id")]
    pub account_id: Option<AccountId>,
    /// The name of the managed account.
    #[serde(default, deserialize_with = "opt_text")]
    pub account_name: Option<String>,
    /// The domain of the managed account.
    #[serde(default, deserialize_with = "opt_text")]
    pub domain_name: Option<String>,
    /// The application, for application access.
    #[serde(
        rename = "ApplicationID",
        default,
        deserialize_with = "msp_common::lenient::opt_u64"
    )]
    pub application_id: Option<u64>,
    /// When the credentials were (or will be) released.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub request_release_date: Option<DateTime<Utc>>,
    /// When the request was approved.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub approved_date: Option<DateTime<Utc>>,
    /// When the request expires.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub expires_date: Option<DateTime<Utc>>,
    /// The state of the request.
    pub status: RequestStatus,
    /// The access type.
    #[serde(default)]
    pub access_type: Option<AccessType>,
    /// The reason given.
    #[serde(default, deserialize_with = "opt_text")]
    pub reason: Option<String>,
    /// Fields this version of the crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A managed account (`GET ManagedAccounts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ManagedAccount {
    /// The platform of the managed system.
    #[serde(
        rename = "PlatformID",
        default,
        deserialize_with = "msp_common::lenient::opt_u64"
    )]
    pub platform_id: Option<u64>,
    /// The managed system.
    #[serde(alias = "SystemID")]
    pub system_id: SystemId,
    /// The name of the managed system.
    #[serde(default, deserialize_with = "opt_text")]
    pub system_name: Option<String>,
    /// The domain of the account.
    #[serde(default, deserialize_with = "opt_text")]
    pub domain_name: Option<String>,
    /// The managed account.
    #[serde(alias = "AccountID")]
    pub account_id: AccountId,
    /// The name of the account.
    #[serde(default, deserialize_with = "opt_text")]
    pub account_name: Option<String>,
    /// The database instance, for database accounts.
    #[serde(default, deserialize_with = "opt_text")]
    pub instance_name: Option<String>,
    /// The default request duration, in minutes.
    #[serde(default, deserialize_with = "opt_u32")]
    pub default_release_duration: Option<u32>,
    /// The longest request duration allowed, in minutes.
    #[serde(default, deserialize_with = "opt_u32")]
    pub maximum_release_duration: Option<u32>,
    /// When the password last changed.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub last_change_date: Option<DateTime<Utc>>,
    /// When the password next changes.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_datetime")]
    pub next_change_date: Option<DateTime<Utc>>,
    /// Whether the password is being changed now.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_bool")]
    pub is_changing: Option<bool>,
    /// Whether the requester has ISA access (no approval needed).
    #[serde(
        rename = "IsISAAccess",
        default,
        deserialize_with = "msp_common::lenient::opt_bool"
    )]
    pub is_isa_access: Option<bool>,
    /// The node sessions for this account should use.
    #[serde(rename = "PreferredNodeID", default)]
    pub preferred_node_id: Option<String>,
    /// Fields this version of the crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The user a sign-in opened the session for (`POST Auth/SignAppin`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SignInUser {
    /// The user id.
    #[serde(alias = "UserID")]
    pub user_id: UserId,
    /// The user name (`DOMAIN\user` or a local name).
    #[serde(default, deserialize_with = "opt_text")]
    pub user_name: Option<String>,
    /// The display name.
    #[serde(default, deserialize_with = "opt_text")]
    pub name: Option<String>,
    /// The e-mail address.
    #[serde(default, deserialize_with = "opt_text")]
    pub email_address: Option<String>,
    /// Fields this version of the crate does not model.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

fn de_opt_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(SecretString::from))
}

/// The connection details of a new session answered as JSON (every [`SessionType`] but
/// the file types).
///
/// The ticket, and the link and command that embed it, let anyone connect as the
/// requester: they are secrets, and `Debug` leaves them out.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SessionTicket {
    /// The id of the ticket.
    #[serde(rename = "ID", default)]
    pub id: Option<String>,
    /// The one-time ticket.
    #[serde(default, deserialize_with = "de_opt_secret")]
    pub ticket: Option<SecretString>,
    /// The proxy host to connect to.
    #[serde(default, deserialize_with = "opt_text")]
    pub host: Option<String>,
    /// The proxy port (a string on the wire).
    #[serde(default, deserialize_with = "msp_common::lenient::opt_string")]
    pub port: Option<String>,
    /// `ticket@host`, for SSH.
    #[serde(default, deserialize_with = "de_opt_secret")]
    pub ticket_at_host: Option<SecretString>,
    /// A link that opens the session.
    #[serde(default, deserialize_with = "de_opt_secret")]
    pub link: Option<SecretString>,
    /// A command line that opens the session.
    #[serde(default, deserialize_with = "de_opt_secret")]
    pub command: Option<SecretString>,
    /// The recorded session this ticket opens.
    #[serde(rename = "SessionID", default, deserialize_with = "opt_id")]
    pub session_id: Option<SessionId>,
    /// The node hosting the session.
    #[serde(rename = "NodeID", default)]
    pub node_id: Option<String>,
}

impl fmt::Debug for SessionTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTicket")
            .field("id", &self.id)
            .field(
                "ticket",
                &self.ticket.as_ref().map(|_| msp_common::secret::REDACTED),
            )
            .field("host", &self.host)
            .field("port", &self.port)
            .field("session_id", &self.session_id)
            .field("node_id", &self.node_id)
            .finish_non_exhaustive()
    }
}

/// A file the server answered with (`rdpfile` / `appfile` sessions): its bytes and the
/// file name from `Content-Disposition`.
///
/// The file can carry a connection ticket, so `Debug` shows only its name and size.
#[derive(Clone)]
pub struct SessionFile {
    file_name: Option<String>,
    content_type: Option<String>,
    bytes: Bytes,
}

impl SessionFile {
    /// A file with this name, content type and content.
    pub fn new(
        file_name: Option<String>,
        content_type: Option<String>,
        bytes: impl Into<Bytes>,
    ) -> Self {
        SessionFile {
            file_name,
            content_type,
            bytes: bytes.into(),
        }
    }

    /// The file name the server gave, reduced to a bare name (no directories, no `..`)
    /// so it is safe to save under.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The `Content-Type` the server sent.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The content.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The content as (lossy) text: `.rdp` files are text.
    pub fn text(&self) -> String {
        let bytes: &[u8] = &self.bytes;
        // RDP files are often UTF-16LE with a byte order mark.
        if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            return String::from_utf16_lossy(&units);
        }
        let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// The `key:type:value` settings of an `.rdp` file, in order (`full address`,
    /// `username`, …). Lines that are not settings are skipped.
    pub fn rdp_settings(&self) -> Vec<(String, String, String)> {
        self.text()
            .lines()
            .filter_map(|line| {
                let mut parts = line.trim().splitn(3, ':');
                let (key, kind, value) = (parts.next()?, parts.next()?, parts.next()?);
                let valid_kind = matches!(kind, "s" | "i" | "b");
                (valid_kind && !key.is_empty())
                    .then(|| (key.to_owned(), kind.to_owned(), value.to_owned()))
            })
            .collect()
    }
}

impl fmt::Debug for SessionFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// What creating a session answered: connection details, or a file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SessionCreated {
    /// Connection details (SSH, sshticket, RDP, rdpticket, app).
    Ticket(SessionTicket),
    /// An RDP file attachment (rdpfile, appfile).
    File(SessionFile),
}

impl SessionCreated {
    /// The file, when the server answered with one.
    pub fn file(&self) -> Option<&SessionFile> {
        match self {
            SessionCreated::File(file) => Some(file),
            SessionCreated::Ticket(_) => None,
        }
    }

    /// The ticket, when the server answered with JSON.
    pub fn ticket(&self) -> Option<&SessionTicket> {
        match self {
            SessionCreated::Ticket(ticket) => Some(ticket),
            SessionCreated::File(_) => None,
        }
    }

    /// The file, or a protocol error when the server answered JSON instead.
    pub fn into_file(self) -> msp_common::Result<SessionFile> {
        match self {
            SessionCreated::File(file) => Ok(file),
            SessionCreated::Ticket(_) => Err(msp_common::Error::protocol(
                "expected an RDP file attachment, the server answered session details as JSON",
            )),
        }
    }

    /// The ticket, or a protocol error when the server answered a file instead.
    pub fn into_ticket(self) -> msp_common::Result<SessionTicket> {
        match self {
            SessionCreated::Ticket(ticket) => Ok(ticket),
            SessionCreated::File(_) => Err(msp_common::Error::protocol(
                "expected session details as JSON, the server answered a file attachment",
            )),
        }
    }
}

/// The file name of a `Content-Disposition` header (`filename*=UTF-8''…` preferred over
/// `filename="…"`), reduced to a bare, safe name.
pub(crate) fn content_disposition_file_name(value: &str) -> Option<String> {
    let mut plain = None;
    let mut extended = None;
    for part in split_params(value) {
        let Some((key, val)) = part.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let val = val.trim();
        if key == "filename*" {
            // RFC 5987: charset'lang'percent-encoded
            let encoded = val.splitn(3, '\'').nth(2).unwrap_or(val);
            extended = Some(percent_decode(encoded));
        } else if key == "filename" {
            let unquoted = val
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map(|v| v.replace("\\\"", "\"").replace("\\\\", "\\"))
                .unwrap_or_else(|| val.to_owned());
            plain = Some(unquoted);
        }
    }
    extended.or(plain).and_then(|name| safe_file_name(&name))
}

fn split_params(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for ch in value.chars() {
        match ch {
            _ if escaped => {
                escaped = false;
                current.push(ch);
            }
            '\\' if quoted => {
                escaped = true;
                current.push(ch);
            }
            '"' => {
                quoted = !quoted;
                current.push(ch);
            }
            ';' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    parts.push(current);
    parts
}

pub(crate) fn percent_decode(text: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn safe_file_name(name: &str) -> Option<String> {
    // `:` too: on Windows `C:x.rdp` is relative to drive C's current directory (joining
    // it onto a folder replaces the folder) and `x.rdp:s` names an alternate data stream.
    let base = name.rsplit(['/', '\\', ':']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_names() {
        assert_eq!(
            content_disposition_file_name(r#"attachment; filename="web01 svc.rdp""#).as_deref(),
            Some("web01 svc.rdp")
        );
        assert_eq!(
            content_disposition_file_name(
                "attachment; filename=\"fallback.rdp\"; filename*=UTF-8''caf%C3%A9.rdp"
            )
            .as_deref(),
            Some("café.rdp")
        );
        assert_eq!(
            content_disposition_file_name(r#"attachment; filename="..\..\evil.rdp""#).as_deref(),
            Some("evil.rdp")
        );
        assert_eq!(
            content_disposition_file_name("attachment; filename=a;b.rdp").as_deref(),
            Some("a")
        );
        assert_eq!(content_disposition_file_name("attachment"), None);
        assert_eq!(
            content_disposition_file_name(r#"attachment; filename="..""#),
            None
        );
        assert_eq!(
            content_disposition_file_name("attachment; filename*=%"),
            Some("%".into())
        );
    }

    #[test]
    fn status_codes_round_trip_with_unknown_fallback() {
        for code in [0, 1, 2, 5, 7, 8, 9, 42] {
            let status: SessionStatus = serde_json::from_str(&code.to_string()).unwrap();
            assert_eq!(status.code(), code);
        }
        assert_eq!(SessionStatus::from_code(42), SessionStatus::Unknown(42));
        assert_eq!(SessionType::from_wire("RDPFILE"), SessionType::RdpFile);
        assert_eq!(
            AccessType::from_wire("Telnet"),
            AccessType::Unknown("Telnet".into())
        );
    }

    #[test]
    fn ids_and_dates_decode_leniently() {
        let session: Session = serde_json::from_value(serde_json::json!({
            "SessionID": "501", "UserID": 7, "Status": 1,
            "StartTime": "2025-03-01T10:00:00.1234567", "EndTime": "yesterday",
        }))
        .unwrap();
        assert_eq!(session.session_id, SessionId::from(501));
        assert_eq!(session.user_id, Some(UserId(7)));
        assert_eq!(
            session.start_time.unwrap().to_rfc3339(),
            "2025-03-01T10:00:00.123456700+00:00"
        );
        assert_eq!(
            session.end_time, None,
            "an unreadable date is absent, not an error"
        );
        assert_eq!(serde_json::to_value(session.session_id).unwrap(), 501);
    }
}
