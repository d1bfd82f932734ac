//! The session methods of the RESTful API Manager.
//!
//! Every method returns an owned, `#[must_use]` [`Call`] (or [`CreateSession`]) that
//! is sent by awaiting it (or calling `.send()`), and can show the exact request it
//! would send with `.preview()`. Bodies are the positional JSON arrays the extension
//! expects:
//!
//! | call | method | body |
//! |---|---|---|
//! | [`Sessions::by_name`] | `GetSessionsByName` | `[name]` |
//! | [`Sessions::by_filter`] | `GetSessionsByFilter` | `[filter]` |
//! | [`Sessions::get`] | `GetSessionBySessionID` | `[id]` |
//! | [`Sessions::details`] | `GetSessionDetailsBySessionID` | `[id]` |
//! | [`Sessions::create`] | `CreateSession` | `[type, name, isPublic, code, [cp1..cp8]]` |
//! | [`Sessions::update_name`] | `UpdateSessionName` | `[id, name]` |
//! | [`Sessions::update_custom_properties`] | `UpdateSessionCustomProperties` | `[id, [cp1..cp8]]` |
//! | [`Sessions::send_command`] | `SendCommandToSession` | `[id, command]` |
//! | [`Sessions::send_message`] | `SendMessageToSession` | `[id, message]` |
//! | [`Sessions::add_note`] | `AddNoteToSession` | `[id, note]` |
//! | [`Sessions::send_toolbox_item`] | `SendToolboxItemToSession` | `[id, item]` (UNVERIFIED) |
//!
//! The first four are reads: retried on transient failures, allowed in read-only mode.
//! The others change state: sent once, never retried, refused in read-only mode and
//! not sent in dry-run mode.
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

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use msp_common::{Error, Request, RequestPreview, Response, Result, RetryPolicy};
use serde_json::{Value, json};

use crate::client::Client;
use crate::filter::FilterExpression;
use crate::models::{CustomProperties, Session, SessionDetails, SessionId, SessionType};

/// The future of an awaited call.
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// The session methods. Obtained from [`Client::sessions`].
#[derive(Debug, Clone)]
pub struct Sessions {
    client: Client,
}

impl Sessions {
    pub(crate) fn new(client: Client) -> Self {
        Sessions { client }
    }

    fn read<T: Decode>(&self, method: &'static str, args: Result<Value>) -> Call<T> {
        Call::new(self.client.clone(), method, args, false)
    }

    fn write(&self, method: &'static str, args: Result<Value>) -> Call<()> {
        Call::new(self.client.clone(), method, args, true)
    }

    /// Sessions whose `Name` is `name` (`GetSessionsByName`). `""` finds the unattended
    /// sessions with a blank name.
    pub fn by_name(&self, name: impl Into<String>) -> Call<Vec<Session>> {
        self.read("GetSessionsByName", Ok(json!([name.into()])))
    }

    /// Sessions matching a filter expression (`GetSessionsByFilter`); see
    /// [`crate::filter`]. An empty expression is refused before sending.
    pub fn by_filter(&self, filter: impl Into<FilterExpression>) -> Call<Vec<Session>> {
        let filter = filter.into();
        let args = if filter.as_str().trim().is_empty() {
            Err(Error::config(
                "ScreenConnect: GetSessionsByFilter rejects an empty filter; use by_name(\"\") or a filter such as SessionType = 'Access'",
            ))
        } else {
            Ok(json!([filter.as_str()]))
        };
        self.read("GetSessionsByFilter", args)
    }

    /// The session with this id, `None` when there is none (`GetSessionBySessionID`).
    pub fn get(&self, id: impl Into<SessionId>) -> Call<Option<Session>> {
        self.read("GetSessionBySessionID", id_args(id.into(), []))
    }

    /// The session with its connections and events (`GetSessionDetailsBySessionID`).
    pub fn details(&self, id: impl Into<SessionId>) -> Call<SessionDetails> {
        self.read("GetSessionDetailsBySessionID", id_args(id.into(), []))
    }

    /// Creates a session (`CreateSession`). Access sessions are normally created by
    /// installing an agent (see [`crate::installer`]); this creates support sessions
    /// and meetings too.
    pub fn create(&self, session_type: SessionType, name: impl Into<String>) -> CreateSession {
        CreateSession {
            client: self.client.clone(),
            session_type,
            name: name.into(),
            is_public: false,
            code: String::new(),
            custom_properties: CustomProperties::new(),
        }
    }

    /// Renames a session (`UpdateSessionName`).
    pub fn update_name(&self, id: impl Into<SessionId>, name: impl Into<String>) -> Call<()> {
        self.write(
            "UpdateSessionName",
            id_args(id.into(), [json!(name.into())]),
        )
    }

    /// Replaces the eight custom property values (`UpdateSessionCustomProperties`). To
    /// change one value, read the session, change it, and send all eight back.
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
    /// `"#!ps\nGet-Process"` for PowerShell. Never retried: a replay would run it twice.
    pub fn send_command(&self, id: impl Into<SessionId>, command: impl Into<String>) -> Call<()> {
        self.write(
            "SendCommandToSession",
            id_args(id.into(), [json!(command.into())]),
        )
    }

    /// Sends a chat message to the guest (`SendMessageToSession`).
    pub fn send_message(&self, id: impl Into<SessionId>, message: impl Into<String>) -> Call<()> {
        self.write(
            "SendMessageToSession",
            id_args(id.into(), [json!(message.into())]),
        )
    }

    /// Adds a note to the session (`AddNoteToSession`).
    pub fn add_note(&self, id: impl Into<SessionId>, note: impl Into<String>) -> Call<()> {
        self.write("AddNoteToSession", id_args(id.into(), [json!(note.into())]))
    }

    /// Sends a toolbox item to the guest (`SendToolboxItemToSession`).
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

/// `[id, rest…]`, refusing an empty id before anything is sent.
fn id_args<const N: usize>(id: SessionId, rest: [Value; N]) -> Result<Value> {
    if id.as_str().trim().is_empty() {
        return Err(Error::config("ScreenConnect: the session id is empty"));
    }
    let mut args = vec![json!(id.as_str())];
    args.extend(rest);
    Ok(Value::Array(args))
}

/// How a call's answer is decoded.
pub trait Decode: Sized + Send + 'static {
    /// Decodes a success response.
    fn decode(response: &Response) -> Result<Self>;
}

impl Decode for () {
    /// Write methods answer nothing; an empty body or any JSON document is accepted, a
    /// non-JSON body (an HTML page) is a decode error.
    fn decode(response: &Response) -> Result<Self> {
        if response.is_empty() {
            Ok(())
        } else {
            response.json::<Value>().map(drop)
        }
    }
}

impl Decode for Value {
    /// The JSON body, `null` when empty.
    fn decode(response: &Response) -> Result<Self> {
        if response.is_empty() {
            Ok(Value::Null)
        } else {
            response.json()
        }
    }
}

impl Decode for Vec<Session> {
    /// A JSON array of sessions (`null` is an empty list).
    fn decode(response: &Response) -> Result<Self> {
        Ok(response.json::<Option<Vec<Session>>>()?.unwrap_or_default())
    }
}

impl Decode for Option<Session> {
    /// An array of at most one session, a bare session object, or `null`.
    fn decode(response: &Response) -> Result<Self> {
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
}

impl Decode for Session {
    fn decode(response: &Response) -> Result<Self> {
        response.json()
    }
}

impl Decode for SessionDetails {
    fn decode(response: &Response) -> Result<Self> {
        response.json()
    }
}

/// One call of a method: owned, cheap, sent by awaiting it. See the [module docs](self).
#[must_use = "a call does nothing until it is awaited or sent"]
pub struct Call<T> {
    client: Client,
    method: String,
    args: Result<Value>,
    write: bool,
    timeout: Option<Duration>,
    retry: Option<RetryPolicy>,
    _decode: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("write", &self.write)
            .field("args", &self.args.as_ref().ok())
            .finish_non_exhaustive()
    }
}

impl<T: Decode> Call<T> {
    fn new(client: Client, method: &str, args: Result<Value>, write: bool) -> Self {
        Call {
            client,
            method: method.to_owned(),
            args,
            write,
            timeout: None,
            retry: None,
            _decode: PhantomData,
        }
    }

    /// The method this call invokes.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// Whether the call changes state (sent once; refused in read-only mode).
    pub fn is_write(&self) -> bool {
        self.write
    }

    /// The positional arguments, when they are valid.
    pub fn args(&self) -> Option<&Value> {
        self.args.as_ref().ok()
    }

    /// Overrides the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the retry policy. It only matters for reads: writes are sent once.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    fn args_checked(&self) -> Result<&Value> {
        self.args.as_ref().map_err(|e| match e {
            Error::Config { message } => Error::config(message.clone()),
            other => Error::config(other.to_string()),
        })
    }

    fn tuned(&self, request: Request) -> Request {
        let mut request = request;
        if let Some(t) = self.timeout {
            request = request.timeout(t);
        }
        if let Some(p) = &self.retry {
            request = request.retry(p.clone());
        }
        request
    }

    /// The exact request this call would send, without sending it (the secret shown as
    /// `[REDACTED]`). Works in every write mode.
    pub fn preview(&self) -> Result<RequestPreview> {
        let request = self
            .client
            .request(&self.method, self.args_checked()?, self.write)?;
        self.client.preview(&self.tuned(request))
    }

    /// Sends the call and decodes the answer.
    pub async fn send(self) -> Result<T> {
        let args = self.args_checked()?.clone();
        let response = self
            .client
            .execute(&self.method, &args, self.write, |r| self.tuned(r))
            .await?;
        T::decode(&response)
    }
}

impl Call<Value> {
    pub(crate) fn raw(client: Client, method: String, args: Value) -> Self {
        Call {
            client,
            method,
            args: Ok(args),
            write: true,
            timeout: None,
            retry: None,
            _decode: PhantomData,
        }
    }

    /// Marks a raw call as a read: retried on transient failures and allowed in
    /// read-only mode. Only do this for methods that change nothing.
    pub fn read(mut self, read: bool) -> Self {
        self.write = !read;
        self
    }

    /// Sends the call and decodes the answer into `U`.
    pub async fn send_as<U: serde::de::DeserializeOwned>(self) -> Result<U> {
        let args = self.args_checked()?.clone();
        self.client
            .execute(&self.method, &args, self.write, |r| self.tuned(r))
            .await?
            .json()
    }
}

impl<T: Decode> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A `CreateSession` call. Obtained from [`Sessions::create`].
#[must_use = "a call does nothing until it is awaited or sent"]
#[derive(Debug)]
pub struct CreateSession {
    client: Client,
    session_type: SessionType,
    name: String,
    is_public: bool,
    code: String,
    custom_properties: CustomProperties,
}

impl CreateSession {
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

    /// The eight custom property values.
    pub fn custom_properties(mut self, properties: CustomProperties) -> Self {
        self.custom_properties = properties;
        self
    }

    fn call(&self) -> Call<Session> {
        let args = match self.session_type.as_number() {
            Some(n) => Ok(json!([
                n,
                self.name,
                self.is_public,
                self.code,
                self.custom_properties.as_slice()
            ])),
            None => Err(Error::config(format!(
                "ScreenConnect: cannot create a session of unknown type `{}`",
                self.session_type
            ))),
        };
        Call::new(self.client.clone(), "CreateSession", args, true)
    }

    /// The exact request this call would send, without sending it.
    pub fn preview(&self) -> Result<RequestPreview> {
        self.call().preview()
    }

    /// Creates the session.
    pub async fn send(self) -> Result<Session> {
        self.call().send().await
    }
}

impl IntoFuture for CreateSession {
    type Output = Result<Session>;
    type IntoFuture = CallFuture<Session>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
