//! The serde types of the RESTful API Manager: sessions, session details, guest
//! information, connections, events and custom properties.
//!
//! The models are tolerant of what a ScreenConnect server may send:
//! - [`SessionType`], [`ProcessType`] and [`EventType`] accept the number *or* the name and
//!   keep any value they do not know in an `Unknown` variant;
//! - timestamps parse with 7 fraction digits (`2026-07-19T06:41:52.6169911Z`), with or
//!   without a zone (zone-less times are UTC), and the "never" sentinel
//!   `0001-01-01T00:00:00` becomes `None`;
//! - every field a server may leave out is optional or defaulted, `null` strings become
//!   empty strings, and fields this crate does not model are kept in `extra`;
//! - scalars nobody addresses a session by never fail a whole answer because of their
//!   JSON type: counters and sizes that arrive as strings (`"LastAlteredVersion": "42"`),
//!   flags as `0`/`1` or text, texts as numbers, custom property values as numbers, and
//!   timestamps that are not timestamps decode (or fall back to absent). Only the
//!   session id, the session type and an event's type must have their documented shape.
//!
//! ```
//! use screenconnect_client::models::{Session, SessionType};
//!
//! let session: Session = serde_json::from_value(serde_json::json!({
//!     "SessionID": "6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11",
//!     "SessionType": 2,
//!     "Name": "ACME-PC01",
//!     "CustomPropertyValues": ["Acme", "HQ", "Laptops", "", "", "", "", ""],
//!     "LastGuestConnectedEventTime": "2026-07-19T06:41:52.6169911Z",
//!     "LastGuestDisconnectedEventTime": "0001-01-01T00:00:00"
//! }))?;
//! assert_eq!(session.session_type, SessionType::Access);
//! assert_eq!(session.custom_property_values.get(3), Some("Laptops"));
//! assert!(session.last_guest_disconnected_event_time.is_none());
//! assert!(session.is_online());
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// The identifier of a session (a GUID, kept as the text the server sent).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SessionId(String);

impl SessionId {
    /// Wraps a session id.
    pub fn new(id: impl Into<String>) -> Self {
        SessionId(id.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for SessionId {
    fn from(id: &str) -> Self {
        SessionId(id.to_owned())
    }
}

impl From<String> for SessionId {
    fn from(id: String) -> Self {
        SessionId(id)
    }
}

impl From<&SessionId> for SessionId {
    fn from(id: &SessionId) -> Self {
        id.clone()
    }
}

impl AsRef<str> for SessionId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Defines an enum the server sends as a number or as a name, with an `Unknown` fallback.
macro_rules! number_or_name {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $num:literal ),* $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate does not know, kept as the server sent it (a number as
            /// its decimal text).
            Unknown(String),
        }

        impl $name {
            /// The vendor's number for this value, when it has a known one.
            pub fn as_number(&self) -> Option<i64> {
                match self {
                    $( $name::$variant => Some($num), )*
                    $name::Unknown(raw) => raw.parse().ok(),
                }
            }

            /// The vendor's name for this value (the raw text for unknown values).
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => stringify!($variant), )*
                    $name::Unknown(raw) => raw,
                }
            }

            /// The value for a vendor number.
            pub fn from_number(n: i64) -> Self {
                match n {
                    $( $num => $name::$variant, )*
                    other => $name::Unknown(other.to_string()),
                }
            }

            /// The value for a vendor name (case-insensitive) or a number in text.
            pub fn from_name(name: &str) -> Self {
                $( if name.eq_ignore_ascii_case(stringify!($variant)) { return $name::$variant; } )*
                match name.trim().parse::<i64>() {
                    Ok(n) => Self::from_number(n),
                    Err(_) => $name::Unknown(name.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            /// Known values and numeric unknown values serialize as the vendor's number;
            /// other unknown values as their text.
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.as_number() {
                    Some(n) => s.serialize_i64(n),
                    None => s.serialize_str(self.as_str()),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                match Value::deserialize(d)? {
                    Value::Number(n) => match n.as_i64() {
                        Some(n) => Ok(Self::from_number(n)),
                        None => Ok($name::Unknown(n.to_string())),
                    },
                    Value::String(s) => Ok(Self::from_name(&s)),
                    other => Err(de::Error::invalid_type(
                        unexpected(&other),
                        &concat!("a ", stringify!($name), " number or name"),
                    )),
                }
            }
        }
    };
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

number_or_name! {
    /// The kind of a session. The server sends the number (`2`) or the name (`"Access"`).
    ///
    /// ```
    /// use screenconnect_client::models::SessionType;
    ///
    /// let by_number: SessionType = serde_json::from_str("2")?;
    /// let by_name: SessionType = serde_json::from_str("\"Access\"")?;
    /// assert_eq!(by_number, SessionType::Access);
    /// assert_eq!(by_name, SessionType::Access);
    /// assert_eq!(serde_json::from_str::<SessionType>("9")?, SessionType::Unknown("9".into()));
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub enum SessionType {
        /// An attended support session (`0`).
        Support = 0,
        /// A meeting (`1`).
        Meeting = 1,
        /// An unattended access session, as created by an installed agent (`2`).
        Access = 2,
    }
}

#[allow(clippy::derivable_impls)] // the enum is macro-generated
impl Default for SessionType {
    fn default() -> Self {
        SessionType::Access
    }
}

number_or_name! {
    /// Which side of a session a connection belongs to.
    pub enum ProcessType {
        /// Not stated (`0`).
        Unspecified = 0,
        /// A technician (`1`).
        Host = 1,
        /// The remote machine or its user (`2`).
        Guest = 2,
    }
}

/// The kind of a session event, as its name (`"QueuedCommand"`, `"AddedNote"`, …).
///
/// The numbers behind these names are not documented; a number decodes to
/// [`EventType::Unknown`] holding its text, as does any name this crate does not know.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventType {
    /// A command was queued for the guest (`SendCommandToSession`).
    QueuedCommand,
    /// A queued command ran on the guest.
    RanCommand,
    /// A message was queued for the guest (`SendMessageToSession`).
    QueuedMessage,
    /// A note was added (`AddNoteToSession`).
    AddedNote,
    /// A toolbox item was queued for the guest (`SendToolboxItemToSession`).
    QueuedTool,
    /// A participant connected.
    Connected,
    /// A participant disconnected.
    Disconnected,
    /// The session was created.
    CreatedSession,
    /// The session's name or custom properties were changed.
    ModifiedSession,
    /// A value this crate does not know, kept as the server sent it.
    Unknown(String),
}

impl EventType {
    const KNOWN: [EventType; 9] = [
        EventType::QueuedCommand,
        EventType::RanCommand,
        EventType::QueuedMessage,
        EventType::AddedNote,
        EventType::QueuedTool,
        EventType::Connected,
        EventType::Disconnected,
        EventType::CreatedSession,
        EventType::ModifiedSession,
    ];

    /// The vendor's name for this event type (the raw text for unknown values).
    pub fn as_str(&self) -> &str {
        match self {
            EventType::QueuedCommand => "QueuedCommand",
            EventType::RanCommand => "RanCommand",
            EventType::QueuedMessage => "QueuedMessage",
            EventType::AddedNote => "AddedNote",
            EventType::QueuedTool => "QueuedTool",
            EventType::Connected => "Connected",
            EventType::Disconnected => "Disconnected",
            EventType::CreatedSession => "CreatedSession",
            EventType::ModifiedSession => "ModifiedSession",
            EventType::Unknown(raw) => raw,
        }
    }

    /// The event type for a vendor name (case-insensitive).
    pub fn from_name(name: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|known| known.as_str().eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| EventType::Unknown(name.to_owned()))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Number(n) => Ok(EventType::Unknown(n.to_string())),
            Value::String(s) => Ok(Self::from_name(&s)),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"an event type name or number",
            )),
        }
    }
}

/// The "never" sentinel ScreenConnect sends for a time that has not happened.
pub const NEVER: &str = "0001-01-01T00:00:00";

/// Parses a ScreenConnect timestamp: RFC 3339 with any number of fraction digits, or a
/// zone-less time (taken as UTC). The sentinel [`NEVER`] (with or without a zone or
/// fraction) and the empty string give `Ok(None)`.
///
/// ```
/// use screenconnect_client::models::parse_time;
///
/// let t = parse_time("2026-07-19T06:41:52.6169911Z").unwrap().unwrap();
/// assert_eq!(t.timestamp_subsec_nanos(), 616_991_100);
/// assert_eq!(parse_time("0001-01-01T00:00:00").unwrap(), None);
/// assert!(parse_time("yesterday").is_err());
/// ```
pub fn parse_time(text: &str) -> Result<Option<DateTime<Utc>>, chrono::ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let parsed = match DateTime::parse_from_rfc3339(text) {
        Ok(t) => t.with_timezone(&Utc),
        Err(rfc_err) => match NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
            Ok(naive) => naive.and_utc(),
            Err(_) => return Err(rfc_err),
        },
    };
    // The sentinel, however it is zoned: nothing real happened in the year 1.
    if parsed.year() <= 1 {
        return Ok(None);
    }
    Ok(Some(parsed))
}

/// Formats a time the way ScreenConnect does: UTC, 7 fraction digits, `Z`. `None` gives
/// the [`NEVER`] sentinel.
pub fn format_time(time: Option<&DateTime<Utc>>) -> String {
    match time {
        Some(t) => format!(
            "{}.{:07}Z",
            t.format("%Y-%m-%dT%H:%M:%S"),
            t.timestamp_subsec_nanos() % 1_000_000_000 / 100
        ),
        None => NEVER.to_owned(),
    }
}

/// Serde helpers for optional ScreenConnect timestamps (see [`parse_time`]).
pub mod time {
    use super::*;

    /// Deserializes a timestamp, the sentinel, `null` or an absent field into an
    /// `Option<DateTime<Utc>>`. A value that is not a timestamp (a number, an
    /// unreadable text) is taken as absent rather than failing the whole answer.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(text) => parse_time(&text).ok().flatten(),
            _ => None,
        })
    }

    /// Serializes like ScreenConnect: 7 fraction digits, `Z`, and the sentinel for `None`.
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_time(t.as_ref()))
    }
}

/// `null` as the type's default (servers send `null` for empty strings).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Text however it came: a string as is, a number or boolean as its text; `null`, an
/// array or an object as absent. For fields nobody addresses a record by.
fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    })
}

/// [`opt_text`], absent as the empty string.
fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_text(d)?.unwrap_or_default())
}

/// A flag from `true`/`false`, `0`/`1` or their text; anything else is `false`.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(msp_common::lenient::opt_bool(d)?.unwrap_or_default())
}

/// A count from a number or a numeric string; anything else (or too big) is absent.
fn opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Ok(msp_common::lenient::opt_u64(d)?.and_then(|n| u32::try_from(n).ok()))
}

/// The eight custom property values of a session, by position (1–8).
///
/// ScreenConnect gives every session eight free-text slots whose meaning each instance
/// decides (see [`PropertyNames`]). A blank slot is the empty string. This type always
/// holds exactly eight values: shorter lists from the server are padded with blanks and
/// longer ones cut.
///
/// ```
/// use screenconnect_client::models::CustomProperties;
///
/// let props = CustomProperties::new().with(1, "Acme").with(3, "Laptops");
/// assert_eq!(props.get(1), Some("Acme"));
/// assert_eq!(props.get(2), None); // blank
/// assert_eq!(props.as_slice(), ["Acme", "", "Laptops", "", "", "", "", ""]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CustomProperties([String; 8]);

impl CustomProperties {
    /// The number of custom property slots.
    pub const SLOTS: usize = 8;

    /// Eight blank values.
    pub fn new() -> Self {
        Self::default()
    }

    /// From a list of values in slot order; missing slots are blank, extra values dropped.
    pub fn from_values<I, S>(values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut props = Self::new();
        for (slot, value) in props.0.iter_mut().zip(values) {
            *slot = value.into();
        }
        props
    }

    /// The value of slot `index` (1–8), or `None` when blank or out of range.
    pub fn get(&self, index: usize) -> Option<&str> {
        let value = self.0.get(index.checked_sub(1)?)?;
        (!value.is_empty()).then_some(value.as_str())
    }

    /// Sets slot `index` (1–8). Out-of-range indexes are ignored; see
    /// [`CustomProperties::try_set`] for a checked form.
    pub fn set(&mut self, index: usize, value: impl Into<String>) {
        let _ = self.try_set(index, value);
    }

    /// Sets slot `index` (1–8), or says why it cannot.
    pub fn try_set(&mut self, index: usize, value: impl Into<String>) -> crate::Result<()> {
        match index.checked_sub(1).and_then(|i| self.0.get_mut(i)) {
            Some(slot) => {
                *slot = value.into();
                Ok(())
            }
            None => Err(crate::Error::config(format!(
                "custom property index {index} is out of range: ScreenConnect has slots 1 to 8"
            ))),
        }
    }

    /// This set with slot `index` (1–8) set to `value`.
    #[must_use]
    pub fn with(mut self, index: usize, value: impl Into<String>) -> Self {
        self.set(index, value);
        self
    }

    /// The value of the slot `names` calls `name` (case-insensitive).
    pub fn named(&self, names: &PropertyNames, name: &str) -> Option<&str> {
        self.get(names.index_of(name)?)
    }

    /// Sets the slot `names` calls `name`; fails when no slot has that name.
    pub fn set_named(
        &mut self,
        names: &PropertyNames,
        name: &str,
        value: impl Into<String>,
    ) -> crate::Result<()> {
        let index = names.index_of(name).ok_or_else(|| {
            crate::Error::config(format!(
                "no custom property is named `{name}`; configured names: {}",
                names.describe()
            ))
        })?;
        self.try_set(index, value)
    }

    /// All eight values in slot order (blanks included).
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The eight values.
    pub fn into_array(self) -> [String; 8] {
        self.0
    }
}

impl From<[String; 8]> for CustomProperties {
    fn from(values: [String; 8]) -> Self {
        CustomProperties(values)
    }
}

impl Serialize for CustomProperties {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CustomProperties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Numbers and booleans are kept as their text; `null`, nested lists and objects
        // are blank; anything but a list is eight blanks.
        let values = match Value::deserialize(d)? {
            Value::Array(values) => values,
            _ => Vec::new(),
        };
        Ok(Self::from_values(values.into_iter().map(|v| match v {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => String::new(),
        })))
    }
}

/// The meaning an instance gives its custom property slots, e.g. 1 = Company, 2 = Site,
/// 3 = Tag. Configure it once on the client ([`crate::ClientBuilder::property_names`])
/// and read properties by name.
///
/// ```
/// use screenconnect_client::models::{CustomProperties, PropertyNames};
///
/// let names = PropertyNames::new().name(1, "Company").name(2, "Site").name(3, "Tag");
/// let props = CustomProperties::from_values(["Acme", "HQ", "Laptops"]);
/// assert_eq!(props.named(&names, "tag"), Some("Laptops"));
/// assert_eq!(names.index_of("Site"), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PropertyNames([Option<String>; 8]);

impl PropertyNames {
    /// No names.
    pub fn new() -> Self {
        Self::default()
    }

    /// The convention of the documented instance: 1 = Company, 2 = Site, 3 = Tag.
    pub fn company_site_tag() -> Self {
        Self::new()
            .name(1, "Company")
            .name(2, "Site")
            .name(3, "Tag")
    }

    /// Names slot `index` (1–8); out-of-range indexes are ignored.
    #[must_use]
    pub fn name(mut self, index: usize, name: impl Into<String>) -> Self {
        if let Some(slot) = index.checked_sub(1).and_then(|i| self.0.get_mut(i)) {
            *slot = Some(name.into());
        }
        self
    }

    /// The slot (1–8) called `name`, compared case-insensitively.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.0
            .iter()
            .position(|n| n.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .map(|i| i + 1)
    }

    /// The name of slot `index` (1–8), if it has one.
    pub fn name_of(&self, index: usize) -> Option<&str> {
        self.0.get(index.checked_sub(1)?)?.as_deref()
    }

    fn describe(&self) -> String {
        let named: Vec<String> = self
            .0
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some(format!("{} = {}", i + 1, n.as_deref()?)))
            .collect();
        if named.is_empty() {
            "none".to_owned()
        } else {
            named.join(", ")
        }
    }
}

/// A ScreenConnect session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Session {
    /// The session's id.
    #[serde(rename = "SessionID")]
    pub session_id: SessionId,
    /// Support, meeting or access.
    #[serde(default)]
    pub session_type: SessionType,
    /// The session's name (for access sessions usually the machine name; blank for some
    /// unattended sessions).
    #[serde(default, deserialize_with = "text")]
    pub name: String,
    /// The technician who owns the session.
    #[serde(default, deserialize_with = "text")]
    pub host: String,
    /// Whether the session is listed publicly for guests.
    #[serde(default, deserialize_with = "flag")]
    pub is_public: bool,
    /// The join code.
    #[serde(default, deserialize_with = "text")]
    pub code: String,
    /// The eight custom property values.
    #[serde(default)]
    pub custom_property_values: CustomProperties,
    /// Whether the session has ended.
    #[serde(default, deserialize_with = "flag")]
    pub is_ended: bool,
    /// The server's change counter for the session.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_i64")]
    pub last_altered_version: Option<i64>,
    /// The version of the installed guest client.
    #[serde(default, deserialize_with = "opt_text")]
    pub guest_client_version: Option<String>,
    /// When anyone last connected.
    #[serde(default, with = "time")]
    pub last_connected_event_time: Option<DateTime<Utc>>,
    /// When the guest last connected.
    #[serde(default, with = "time")]
    pub last_guest_connected_event_time: Option<DateTime<Utc>>,
    /// When the guest last disconnected.
    #[serde(default, with = "time")]
    pub last_guest_disconnected_event_time: Option<DateTime<Utc>>,
    /// The connections open now, when the server included them (`None` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_connections: Option<Vec<Connection>>,
    /// What the guest reported about its machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_info: Option<GuestInfo>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Session {
    /// A session with this id, type and name, everything else blank (for tests and sims).
    pub fn new(session_id: impl Into<SessionId>, session_type: SessionType, name: &str) -> Self {
        Session {
            session_id: session_id.into(),
            session_type,
            name: name.to_owned(),
            ..Self::default()
        }
    }

    /// Whether the guest is connected now.
    ///
    /// When the server listed the active connections, that list decides: online when a
    /// guest connection is among them. Otherwise the guest is online when it connected
    /// and has not disconnected since.
    pub fn is_online(&self) -> bool {
        if let Some(connections) = &self.active_connections {
            return connections
                .iter()
                .any(|c| c.process_type == ProcessType::Guest);
        }
        match (
            self.last_guest_connected_event_time,
            self.last_guest_disconnected_event_time,
        ) {
            (Some(connected), Some(disconnected)) => connected > disconnected,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The custom property value at `index` (1–8), `None` when blank.
    pub fn custom_property(&self, index: usize) -> Option<&str> {
        self.custom_property_values.get(index)
    }

    /// The custom property value `names` calls `name`, `None` when blank or unnamed.
    pub fn custom_property_named(&self, names: &PropertyNames, name: &str) -> Option<&str> {
        self.custom_property_values.named(names, name)
    }

    /// The guest machine's name, from the guest information when present.
    pub fn machine_name(&self) -> Option<&str> {
        self.guest_info.as_ref()?.machine_name.as_deref()
    }
}

/// One connection to a session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct Connection {
    /// The connection's id.
    #[serde(rename = "ConnectionID", default, deserialize_with = "text")]
    pub connection_id: String,
    /// Host or guest.
    #[serde(default = "unspecified")]
    pub process_type: ProcessType,
    /// The name of the participant.
    #[serde(default, deserialize_with = "text")]
    pub participant_name: String,
    /// When the participant connected.
    #[serde(default, with = "time")]
    pub connected_time: Option<DateTime<Utc>>,
    /// When the participant disconnected (in session details).
    #[serde(default, with = "time", skip_serializing_if = "Option::is_none")]
    pub disconnected_time: Option<DateTime<Utc>>,
    /// The events of this connection (in session details).
    #[serde(
        default,
        deserialize_with = "null_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<SessionEvent>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn unspecified() -> ProcessType {
    ProcessType::Unspecified
}

impl Connection {
    /// A connection of this type (for tests and sims).
    pub fn new(connection_id: impl Into<String>, process_type: ProcessType) -> Self {
        Connection {
            connection_id: connection_id.into(),
            process_type,
            ..Self::default()
        }
    }
}

#[allow(clippy::derivable_impls)] // the enum is macro-generated
impl Default for ProcessType {
    fn default() -> Self {
        ProcessType::Unspecified
    }
}

/// What the guest reported about its machine.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct GuestInfo {
    /// The machine's name.
    #[serde(default, deserialize_with = "opt_text")]
    pub machine_name: Option<String>,
    /// The machine's domain.
    #[serde(default, deserialize_with = "opt_text")]
    pub machine_domain: Option<String>,
    /// The user logged on at the console.
    #[serde(default, deserialize_with = "opt_text")]
    pub logged_on_user_name: Option<String>,
    /// The domain of that user.
    #[serde(default, deserialize_with = "opt_text")]
    pub logged_on_user_domain: Option<String>,
    /// The operating system's name.
    #[serde(default, deserialize_with = "opt_text")]
    pub operating_system_name: Option<String>,
    /// The operating system's version.
    #[serde(default, deserialize_with = "opt_text")]
    pub operating_system_version: Option<String>,
    /// The processor's name.
    #[serde(default, deserialize_with = "opt_text")]
    pub processor_name: Option<String>,
    /// How many logical processors the machine has.
    #[serde(default, deserialize_with = "opt_u32")]
    pub processor_virtual_count: Option<u32>,
    /// Total memory, in MB.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_u64")]
    pub system_memory_total_megabytes: Option<u64>,
    /// Available memory, in MB.
    #[serde(default, deserialize_with = "msp_common::lenient::opt_u64")]
    pub system_memory_available_megabytes: Option<u64>,
    /// When the guest user was last active.
    #[serde(default, with = "time")]
    pub last_activity_time: Option<DateTime<Utc>>,
    /// The machine's serial number.
    #[serde(default, deserialize_with = "opt_text")]
    pub machine_serial_number: Option<String>,
    /// The machine's manufacturer.
    #[serde(default, deserialize_with = "opt_text")]
    pub machine_manufacturer_name: Option<String>,
    /// The machine's model.
    #[serde(default, deserialize_with = "opt_text")]
    pub machine_model: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One event of a session: a command queued, a note added, a connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SessionEvent {
    /// The event's id.
    #[serde(rename = "EventID", default, deserialize_with = "opt_text")]
    pub event_id: Option<String>,
    /// What happened.
    pub event_type: EventType,
    /// When it happened.
    #[serde(default, with = "time")]
    pub time: Option<DateTime<Utc>>,
    /// The technician who caused it, when one did.
    #[serde(default, deserialize_with = "opt_text")]
    pub host: Option<String>,
    /// The event's text: the command, message or note.
    #[serde(default, deserialize_with = "opt_text")]
    pub data: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SessionEvent {
    /// An event of this type carrying `data` (for tests and sims).
    pub fn new(event_type: EventType, data: impl Into<String>) -> Self {
        SessionEvent {
            event_id: None,
            event_type,
            time: None,
            host: None,
            data: Some(data.into()),
            extra: Map::new(),
        }
    }
}

/// A session with its connections and events (`GetSessionDetailsBySessionID`).
///
/// Servers answer either `{"Session": {…}, "Connections": […], "Events": […]}` or the
/// session's fields at the top level; both decode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
#[non_exhaustive]
pub struct SessionDetails {
    /// The session.
    pub session: Session,
    /// Its connections, each with its own events.
    pub connections: Vec<Connection>,
    /// The session's own events.
    pub events: Vec<SessionEvent>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SessionDetails {
    /// Details of a session with no connections or events.
    pub fn new(session: Session) -> Self {
        SessionDetails {
            session,
            connections: Vec::new(),
            events: Vec::new(),
            extra: Map::new(),
        }
    }

    /// Every event: the session's own, then each connection's.
    pub fn all_events(&self) -> impl Iterator<Item = &SessionEvent> {
        self.events
            .iter()
            .chain(self.connections.iter().flat_map(|c| c.events.iter()))
    }
}

impl<'de> Deserialize<'de> for SessionDetails {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct Wrapped {
            #[serde(default)]
            session: Option<Session>,
            #[serde(default, deserialize_with = "null_default")]
            connections: Vec<Connection>,
            #[serde(default, deserialize_with = "null_default")]
            events: Vec<SessionEvent>,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        let wrapped = Wrapped::deserialize(d)?;
        let (session, extra) = match wrapped.session {
            Some(session) => (session, wrapped.extra),
            None => {
                let session = Session::deserialize(Value::Object(wrapped.extra))
                    .map_err(|e| de::Error::custom(format!("session: {e}")))?;
                (session, Map::new())
            }
        };
        Ok(SessionDetails {
            session,
            connections: wrapped.connections,
            events: wrapped.events,
            extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_type_numbers_and_names() {
        for (json, want) in [
            ("0", SessionType::Support),
            ("1", SessionType::Meeting),
            ("2", SessionType::Access),
            ("\"Support\"", SessionType::Support),
            ("\"meeting\"", SessionType::Meeting),
            ("\"2\"", SessionType::Access),
            ("7", SessionType::Unknown("7".into())),
            ("\"Webinar\"", SessionType::Unknown("Webinar".into())),
            ("1.5", SessionType::Unknown("1.5".into())),
        ] {
            assert_eq!(
                serde_json::from_str::<SessionType>(json).unwrap(),
                want,
                "{json}"
            );
        }
        assert!(serde_json::from_str::<SessionType>("null").is_err());
        assert!(serde_json::from_str::<SessionType>("[]").is_err());
        assert_eq!(serde_json::to_string(&SessionType::Access).unwrap(), "2");
        assert_eq!(
            serde_json::to_string(&SessionType::Unknown("Webinar".into())).unwrap(),
            "\"Webinar\""
        );
    }

    #[test]
    fn times() {
        let t = parse_time("2026-07-19T06:41:52.6169911Z").unwrap().unwrap();
        assert_eq!(format_time(Some(&t)), "2026-07-19T06:41:52.6169911Z");
        let naive = parse_time("2026-07-19T06:41:52.6169911").unwrap().unwrap();
        assert_eq!(naive, t);
        let offset = parse_time("2026-07-19T08:41:52.6169911+02:00")
            .unwrap()
            .unwrap();
        assert_eq!(offset, t);
        for never in [
            "0001-01-01T00:00:00",
            "0001-01-01T00:00:00Z",
            "0001-01-01T00:00:00.0000000",
            "",
        ] {
            assert_eq!(parse_time(never).unwrap(), None, "{never}");
        }
        assert!(parse_time("2026-13-45T00:00:00").is_err());
        assert!(parse_time("<html>").is_err());
    }

    #[test]
    fn online_from_times_and_connections() {
        let mut s = Session::new("id", SessionType::Access, "pc");
        assert!(!s.is_online());
        s.last_guest_connected_event_time = parse_time("2026-07-19T06:00:00Z").unwrap();
        assert!(s.is_online());
        s.last_guest_disconnected_event_time = parse_time("2026-07-19T07:00:00Z").unwrap();
        assert!(!s.is_online());
        s.active_connections = Some(vec![Connection::new("c", ProcessType::Guest)]);
        assert!(s.is_online());
        s.active_connections = Some(vec![Connection::new("c", ProcessType::Host)]);
        assert!(!s.is_online());
    }

    #[test]
    fn custom_properties_tolerate_short_long_and_null() {
        let p: CustomProperties = serde_json::from_str(r#"["a", null, "c"]"#).unwrap();
        assert_eq!(p.as_slice().len(), 8);
        assert_eq!(p.get(1), Some("a"));
        assert_eq!(p.get(2), None);
        assert_eq!(p.get(0), None);
        assert_eq!(p.get(9), None);
        let p: CustomProperties =
            serde_json::from_str(r#"["1","2","3","4","5","6","7","8","9"]"#).unwrap();
        assert_eq!(p.get(8), Some("8"));
        let p: CustomProperties = serde_json::from_str("null").unwrap();
        assert_eq!(p, CustomProperties::new());
        let mut p = CustomProperties::new();
        assert!(p.try_set(9, "x").is_err());
        assert!(p.try_set(0, "x").is_err());
        let names = PropertyNames::company_site_tag();
        p.set_named(&names, "TAG", "t").unwrap();
        assert_eq!(p.get(3), Some("t"));
        let err = p.set_named(&names, "Owner", "x").unwrap_err();
        assert!(err.to_string().contains("1 = Company"), "{err}");
    }

    #[test]
    fn tolerant_scalars_decode_in_any_json_type() {
        let odd: Session = serde_json::from_value(serde_json::json!({
            "SessionID": "6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11",
            "SessionType": "2",
            "Name": 4711,
            "Host": null,
            "IsPublic": 1,
            "Code": 1234,
            "IsEnded": "False",
            "LastAlteredVersion": "9007199254740993",
            "GuestClientVersion": 24.2,
            "LastGuestConnectedEventTime": 0,
            "LastGuestDisconnectedEventTime": "",
            "LastConnectedEventTime": "not a time",
            "CustomPropertyValues": ["Acme", 7, true, null, {"x": 1}, ["y"]],
            "ActiveConnections": [{"ConnectionID": 17, "ProcessType": "2", "ParticipantName": 5}],
            "GuestInfo": {
                "MachineName": "PC",
                "ProcessorVirtualCount": "8",
                "SystemMemoryTotalMegabytes": "16384",
                "SystemMemoryAvailableMegabytes": "",
                "MachineSerialNumber": 123456,
                "OperatingSystemVersion": 10.0,
                "LastActivityTime": false
            }
        }))
        .unwrap();
        assert_eq!(odd.name, "4711");
        assert_eq!(odd.host, "");
        assert!(odd.is_public);
        assert_eq!(odd.code, "1234");
        assert!(!odd.is_ended);
        assert_eq!(odd.last_altered_version, Some(9_007_199_254_740_993));
        assert_eq!(odd.guest_client_version.as_deref(), Some("24.2"));
        assert_eq!(odd.last_guest_connected_event_time, None);
        assert_eq!(odd.last_connected_event_time, None);
        assert_eq!(
            odd.custom_property_values.as_slice(),
            ["Acme", "7", "true", "", "", "", "", ""]
        );
        let connection = &odd.active_connections.as_ref().unwrap()[0];
        assert_eq!(connection.connection_id, "17");
        assert_eq!(connection.participant_name, "5");
        assert!(odd.is_online());
        let guest = odd.guest_info.as_ref().unwrap();
        assert_eq!(guest.processor_virtual_count, Some(8));
        assert_eq!(guest.system_memory_total_megabytes, Some(16384));
        assert_eq!(guest.system_memory_available_megabytes, None);
        assert_eq!(guest.machine_serial_number.as_deref(), Some("123456"));
        assert_eq!(guest.operating_system_version.as_deref(), Some("10.0"));
        assert_eq!(guest.last_activity_time, None);

        // Values that cannot be read fall back to absent instead of failing.
        let worse: Session = serde_json::from_value(serde_json::json!({
            "SessionID": "x",
            "IsPublic": "maybe",
            "LastAlteredVersion": "many",
            "CustomPropertyValues": "Acme",
            "GuestInfo": {"ProcessorVirtualCount": 99999999999u64, "SystemMemoryTotalMegabytes": -1}
        }))
        .unwrap();
        assert!(!worse.is_public);
        assert_eq!(worse.last_altered_version, None);
        assert_eq!(worse.custom_property_values, CustomProperties::new());
        let guest = worse.guest_info.unwrap();
        assert_eq!(guest.processor_virtual_count, None);
        assert_eq!(guest.system_memory_total_megabytes, None);

        let event: SessionEvent = serde_json::from_value(serde_json::json!({
            "EventID": 5, "EventType": "AddedNote", "Host": 1, "Data": 2.5, "Time": 3
        }))
        .unwrap();
        assert_eq!(
            (
                event.event_id.as_deref(),
                event.host.as_deref(),
                event.data.as_deref(),
                event.time
            ),
            (Some("5"), Some("1"), Some("2.5"), None)
        );
        // The addressing fields keep their shape.
        assert!(serde_json::from_value::<Session>(serde_json::json!({"SessionID": 5})).is_err());
    }

    #[test]
    fn details_wrapped_and_flat() {
        let wrapped: SessionDetails = serde_json::from_str(
            r#"{"Session":{"SessionID":"a","SessionType":"Access","Name":"n"},
                "Connections":[{"ConnectionID":"c","ProcessType":2,"Events":[{"EventType":"RanCommand","Data":"x"}]}],
                "Events":[{"EventType":"QueuedCommand","Data":"x","Time":"2026-07-19T06:41:52.6169911Z"}],
                "BaseTime":"2026-07-19T00:00:00Z"}"#,
        )
        .unwrap();
        assert_eq!(wrapped.session.name, "n");
        assert_eq!(wrapped.all_events().count(), 2);
        assert!(wrapped.extra.contains_key("BaseTime"));
        let flat: SessionDetails =
            serde_json::from_str(r#"{"SessionID":"b","SessionType":2,"Name":"m","Foo":1}"#)
                .unwrap();
        assert_eq!(flat.session.session_id.as_str(), "b");
        assert!(flat.session.extra.contains_key("Foo"));
        assert!(serde_json::from_str::<SessionDetails>(r#"{"Name":"m"}"#).is_err());
    }
}
