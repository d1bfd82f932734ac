//! The session methods of the RESTful API Manager.
//!
//! Every method returns an owned, `#[must_use]` [`Call`] (msp-common's shared call
//! type) that is sent by awaiting it, and can show the exact request it would send with
//! [`Call::preview`]; [`Call::retry`], [`Call::timeout`] and [`Call::idempotent`]
//! override the client's settings for one call. Bodies are the positional JSON arrays
//! the extension expects:
//!
//! | call | method | body |
//! |---|---|---|
//! | [`Sessions::by_name`] | `GetSessionsByName` | `[name]` |
//! | [`Sessions::by_filter`] | `GetSessionsByFilter` | `[filter]` |
//! | [`Sessions::get`] | `GetSessionBySessionID` | `[id]` |
//! | [`Sessions::details`] | `GetSessionDetailsBySessionID` | `[id]` |
//! | [`Sessions::create`] ([`NewSession`]) | `CreateSession` | `[type, name, isPublic, code, [cp1..cp8]]` |
//! | [`Sessions::update_name`] | `UpdateSessionName` | `[id, name]` |
//! | [`Sessions::update_custom_properties`] | `UpdateSessionCustomProperties` | `[id, [cp1..cp8]]` |
//! | [`Sessions::send_command`] | `SendCommandToSession` | `[id, command]` |
//! | [`Sessions::send_message`] | `SendMessageToSession` | `[id, message]` |
//! | [`Sessions::add_note`] | `AddNoteToSession` | `[id, note]` |
//! | [`Sessions::send_toolbox_item`] | `SendToolboxItemToSession` | `[id, item]` (UNVERIFIED) |
//!
//! The first four are reads, though they are `POST`s: retried on transient failures,
//! sent in every [`WriteMode`](crate::WriteMode). The others change state: sent once
//! (replayed only when the server refused them before acting, a `429`), refused with
//! [`Error::ReadOnly`] in read-only mode, and answered with
//! [`Error::DryRun`] carrying their preview in dry-run mode.
//! Each call's operation name (in traces and errors) is its method name.
//!
//! ```no_run
//! # async fn run(client: screenconnect_client::Client) -> screenconnect_client::Result<()> {
//! let session = client.sessions().by_name("ACME-PC01").await?.remove(0);
//! let preview = client
//!     .sessions()
//!     .send_command(&session.session_id, "#!ps\nGet-Process")
//!     .preview()?;
//! let expected = serde_json::json!([session.session_id.as_str(), "#!ps\nGet-Process"]).to_string();
//! assert_eq!(preview.body.as_deref(), Some(expected.as_str()));
//! client.sessions().send_command(&session.session_id, "#!ps\nGet-Process").await?;
//! # Ok(()) }
//! ```

use msp_common::{Call, Error, Response, Result};
use serde_json::{Value, json};

use crate::client::Client;
use crate::error::VENDOR;
use crate::filter::FilterExpression;
#[cfg(doc)]
use crate::filter::FilterTooLarge;
use crate::models::{CustomProperties, Session, SessionDetails, SessionId, SessionType};

/// The session methods. Obtained from [`Client::sessions`].
#[derive(Debug, Clone)]
pub struct Sessions {
    client: Client,
}

impl Sessions {
    pub(crate) fn new(client: Client) -> Self {
        Sessions { client }
    }

    /// A call of `method` with `args`, answering `decode(response)`.
    fn call<T: Send + 'static>(
        &self,
        method: &'static str,
        args: Result<Value>,
        write: bool,
        decode: fn(Response) -> Result<T>,
    ) -> Call<T> {
        let request = args.and_then(|args| self.client.request(method, &args));
        Call::new(self.client.lifecycle(), request, write, decode)
    }

    fn write(&self, method: &'static str, args: Result<Value>) -> Call<()> {
        self.call(method, args, true, decode_unit)
    }

    /// Sessions whose `Name` is `name` (`GetSessionsByName`). `""` finds the unattended
    /// sessions with a blank name. A read.
    pub fn by_name(&self, name: impl Into<String>) -> Call<Vec<Session>> {
        self.call(
            "GetSessionsByName",
            Ok(json!([name.into()])),
            false,
            decode_sessions,
        )
    }

    /// Sessions matching a filter expression (`GetSessionsByFilter`); see
    /// [`crate::filter`]. An empty expression is refused before sending, and so is a
    /// [`Filter`](crate::filter::Filter) the builder refused for its size
    /// ([`FilterTooLarge`], which [`Filter::check`](crate::filter::Filter::check) gives
    /// typed): both with [`Error::Config`]. A read.
    ///
    /// ```
    /// use screenconnect_client::{Client, Error};
    /// use screenconnect_client::filter::{Field, FilterTooLarge};
    ///
    /// let client = Client::builder().base_url("https://acme.screenconnect.com").secret("s3cret").build()?;
    /// let deep = (0..100).fold(Field::NAME.eq("x"), |f, _| f.not());
    /// assert_eq!(deep.check(), Err(FilterTooLarge::Depth));
    /// let err = client.sessions().by_filter(deep).preview().unwrap_err();
    /// assert!(matches!(err, Error::Config { .. }));
    /// assert!(err.to_string().contains("deeper than 64 levels"));
    /// # Ok::<(), screenconnect_client::Error>(())
    /// ```
    pub fn by_filter(&self, filter: impl Into<FilterExpression>) -> Call<Vec<Session>> {
        let filter = filter.into();
        let args = if let Err(limit) = filter.check() {
            Err(Error::config(format!(
                "{VENDOR}: {limit}; nothing was sent"
            )))
        } else if filter.as_str().trim().is_empty() {
            Err(Error::config(
                "ScreenConnect: GetSessionsByFilter rejects an empty filter; use by_name(\"\") or a filter such as SessionType = 'Access'",
            ))
        } else {
            Ok(json!([filter.as_str()]))
        };
        self.call("GetSessionsByFilter", args, false, decode_sessions)
    }

    /// The session with this id, `None` when there is none (`GetSessionBySessionID`).
    /// A read.
    pub fn get(&self, id: impl Into<SessionId>) -> Call<Option<Session>> {
        self.call(
            "GetSessionBySessionID",
            id_args(id.into(), []),
            false,
            decode_one_session,
        )
    }

    /// The session with its connections and events (`GetSessionDetailsBySessionID`).
    /// A read.
    pub fn details(&self, id: impl Into<SessionId>) -> Call<SessionDetails> {
        self.call(
            "GetSessionDetailsBySessionID",
            id_args(id.into(), []),
            false,
            |r: Response| r.json(),
        )
    }

    /// Creates a session (`CreateSession`), answering it. Access sessions are normally
    /// created by installing an agent (see [`crate::installer`]); this creates support
    /// sessions and meetings too. A write. A session type without a number (an
    /// [`SessionType::Unknown`]) fails with [`Error::Config`]; nothing is sent.
    ///
    /// ```
    /// use screenconnect_client::Client;
    /// use screenconnect_client::models::{CustomProperties, SessionType};
    /// use screenconnect_client::sessions::NewSession;
    ///
    /// let client = Client::builder().base_url("https://acme.screenconnect.com").secret("s3cret").build()?;
    /// let create = client.sessions().create(
    ///     NewSession::new(SessionType::Support, "Printer help")
    ///         .public(true)
    ///         .code("4711")
    ///         .custom_properties(CustomProperties::new().with(1, "Acme")),
    /// );
    /// assert_eq!(
    ///     create.preview()?.body.as_deref(),
    ///     Some(r#"[0,"Printer help",true,"4711",["Acme","","","","","","",""]]"#)
    /// );
    /// # Ok::<(), screenconnect_client::Error>(())
    /// ```
    pub fn create(&self, session: NewSession) -> Call<Session> {
        let args = match session.session_type.as_number() {
            Some(n) => Ok(json!([
                n,
                session.name,
                session.is_public,
                session.code,
                session.custom_properties.as_slice()
            ])),
            None => Err(Error::config(format!(
                "ScreenConnect: cannot create a session of unknown type `{}`",
                session.session_type
            ))),
        };
        self.call("CreateSession", args, true, |r: Response| r.json())
    }

    /// Renames a session (`UpdateSessionName`). A write.
    pub fn update_name(&self, id: impl Into<SessionId>, name: impl Into<String>) -> Call<()> {
        self.write(
            "UpdateSessionName",
            id_args(id.into(), [json!(name.into())]),
        )
    }

    /// Replaces the eight custom property values (`UpdateSessionCustomProperties`). To
    /// change one value, read the session, change it, and send all eight back. A write.
    pub fn update_custom_properties(
        &self,
        id: impl Into<SessionId>,
        properties: CustomProperties,
    ) -> Call<()> {
        self.write(
            "UpdateSessionCustomProperties",
            id_args(id.into(), [json!(properties.as_slice())]),
        )
    }

    /// Queues a backstage command on the guest (`SendCommandToSession`), e.g.
    /// `"#!ps\nGet-Process"` for PowerShell. A write, never replayed after it may have
    /// reached the server: a replay would run it twice.
    pub fn send_command(&self, id: impl Into<SessionId>, command: impl Into<String>) -> Call<()> {
        self.write(
            "SendCommandToSession",
            id_args(id.into(), [json!(command.into())]),
        )
    }

    /// Sends a chat message to the guest (`SendMessageToSession`). A write.
    pub fn send_message(&self, id: impl Into<SessionId>, message: impl Into<String>) -> Call<()> {
        self.write(
            "SendMessageToSession",
            id_args(id.into(), [json!(message.into())]),
        )
    }

    /// Adds a note to the session (`AddNoteToSession`). A write.
    pub fn add_note(&self, id: impl Into<SessionId>, note: impl Into<String>) -> Call<()> {
        self.write("AddNoteToSession", id_args(id.into(), [json!(note.into())]))
    }

    /// Sends a toolbox item to the guest (`SendToolboxItemToSession`). A write.
    ///
    /// The argument shape of this method is UNVERIFIED: this sends `[sessionId, item]`,
    /// with `item` the toolbox item's name. If an instance expects another shape it
    /// answers a fault; use [`Client::call_raw`] with the shape it wants.
    pub fn send_toolbox_item(&self, id: impl Into<SessionId>, item: impl Into<String>) -> Call<()> {
        self.write(
            "SendToolboxItemToSession",
            id_args(id.into(), [json!(item.into())]),
        )
    }
}

/// The parameters of [`Sessions::create`]: a session type and a name, plus the optional
/// public flag, join code and custom properties.
///
/// ```
/// use screenconnect_client::models::SessionType;
/// use screenconnect_client::sessions::NewSession;
///
/// let meeting = NewSession::new(SessionType::Meeting, "Standup").code("0815");
/// assert_eq!(meeting.name(), "Standup");
/// assert!(!meeting.is_public());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct NewSession {
    session_type: SessionType,
    name: String,
    is_public: bool,
    code: String,
    custom_properties: CustomProperties,
}

impl NewSession {
    /// A session of `session_type` named `name`: not public, no join code, no custom
    /// properties.
    pub fn new(session_type: SessionType, name: impl Into<String>) -> Self {
        NewSession {
            session_type,
            name: name.into(),
            is_public: false,
            code: String::new(),
            custom_properties: CustomProperties::new(),
        }
    }

    /// Whether the session is listed publicly for guests (default: no).
    pub fn public(mut self, is_public: bool) -> Self {
        self.is_public = is_public;
        self
    }

    /// The join code guests enter (default: none).
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = code.into();
        self
    }

    /// The eight custom property values (default: all empty).
    pub fn custom_properties(mut self, properties: CustomProperties) -> Self {
        self.custom_properties = properties;
        self
    }

    /// The session type.
    pub fn session_type(&self) -> &SessionType {
        &self.session_type
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the session will be public.
    pub fn is_public(&self) -> bool {
        self.is_public
    }

    /// The join code (empty: none).
    pub fn join_code(&self) -> &str {
        &self.code
    }

    /// The custom property values.
    pub fn properties(&self) -> &CustomProperties {
        &self.custom_properties
    }
}

/// `[id, rest…]`, refusing an empty id before anything is sent.
fn id_args<const N: usize>(id: SessionId, rest: [Value; N]) -> Result<Value> {
    if id.as_str().trim().is_empty() {
        return Err(Error::config("ScreenConnect: the session id is empty"));
    }
    let mut args = vec![json!(id.as_str())];
    args.extend(rest);
    Ok(Value::Array(args))
}

/// Write methods answer nothing; an empty body or any JSON document is accepted, a
/// non-JSON body (an HTML page) is a decode error.
fn decode_unit(response: Response) -> Result<()> {
    if response.is_empty() {
        Ok(())
    } else {
        response.json::<Value>().map(drop)
    }
}

/// A JSON array of sessions (`null` is an empty list).
fn decode_sessions(response: Response) -> Result<Vec<Session>> {
    Ok(response.json::<Option<Vec<Session>>>()?.unwrap_or_default())
}

/// An array of at most one session, a bare session object, or `null`.
fn decode_one_session(response: Response) -> Result<Option<Session>> {
    let first = response
        .bytes()
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .copied();
    if first == Some(b'{') {
        return response.json::<Session>().map(Some);
    }
    Ok(response
        .json::<Option<Vec<Session>>>()?
        .and_then(|v| v.into_iter().next()))
}
