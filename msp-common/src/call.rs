//! One call of any vendor API: an owned value that is sent by awaiting it.
//!
//! Every public call of the four vendor crates returns a [`Call<T>`]: it owns everything
//! it needs (no lifetimes), does nothing until it is awaited, and can say exactly what it
//! would send ([`Call::preview`]). Per-call overrides — [`Call::retry`],
//! [`Call::timeout`], [`Call::idempotent`] — are honoured by the one retry loop of the
//! [`Transport`].
//!
//! Whether a call **writes** is decided by the call, not guessed from its HTTP method
//! (a VSA "action" URI is a `PUT` that changes nothing; every ScreenConnect method is a
//! `POST`). The client's [`WriteMode`] applies to writes only:
//!
//! | mode | a write… |
//! |---|---|
//! | [`WriteMode::ReadWrite`] | is sent once (replayed only when the server refused it before acting: a `401` answered by a fresh sign-in, or a `429`; or when marked [`Call::idempotent`]) |
//! | [`WriteMode::ReadOnly`] | fails with [`Error::ReadOnly`] naming the call; nothing is sent |
//! | [`WriteMode::DryRun`] | fails with [`Error::DryRun`] carrying the [`RequestPreview`]; nothing is sent |
//!
//! A vendor crate plugs its behaviour into the loop through [`Service`]: how credentials
//! are attached and renewed, how a success response may still be an error (an envelope
//! code inside HTTP 200), and how errors are given vendor meaning.
//!
//! ```
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! use std::sync::Arc;
//! use msp_common::call::{Call, Service, WriteMode};
//! use msp_common::{Error, Request, Transport};
//!
//! // A vendor client is a `Service`: its transport, its write mode, and hooks.
//! struct Widgets { transport: Transport }
//! impl Service for Widgets {
//!     fn transport(&self) -> &Transport { &self.transport }
//!     fn write_mode(&self) -> WriteMode { WriteMode::ReadOnly }
//! }
//!
//! let service: Arc<dyn Service> = Arc::new(Widgets {
//!     transport: Transport::builder("Example", "example/0.1.0").base_url("https://api.example.com/v1/").build()?,
//! });
//! let request = Request::post("widgets")
//!     .json(&serde_json::json!({"name": "gear"}))?
//!     .operation("create_widget");
//! let create: Call<serde_json::Value> = Call::write_json(service.clone(), Ok(request));
//! let preview = create.preview()?;
//! assert_eq!(preview.url, "https://api.example.com/v1/widgets");
//! assert_eq!(preview.body.as_deref(), Some(r#"{"name":"gear"}"#));
//!
//! // Read-only: refused before anything is sent, naming the call.
//! let err = create.await.unwrap_err();
//! assert!(matches!(err, Error::ReadOnly { .. }));
//! assert!(err.to_string().contains("create_widget"));
//! # Ok::<(), msp_common::Error>(()) }).unwrap();
//! ```

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{Error, Result};
use crate::http::{Request, RequestPreview, Response, Transport};
use crate::retry::RetryPolicy;
use crate::secret::SecretString;

/// What a client does with calls that change state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WriteMode {
    /// Writes are sent (once; see the [module docs](self)).
    #[default]
    ReadWrite,
    /// Writes fail with [`Error::ReadOnly`] before anything is sent. Reads are sent.
    ReadOnly,
    /// Writes fail with [`Error::DryRun`] carrying the request they would have sent;
    /// nothing is sent. Reads are sent.
    DryRun,
}

impl fmt::Display for WriteMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteMode::ReadWrite => "read-write",
            WriteMode::ReadOnly => "read-only",
            WriteMode::DryRun => "dry-run",
        })
    }
}

/// What [`Service::authorize`] attaches to one attempt of a request: the credentials of
/// one session (as sensitive headers), the secrets to redact from anything kept of the
/// answer, and where to send the attempt when the session moved the API's base.
///
/// The request itself is not copied or changed: the attempt is the request plus this.
///
/// ```
/// use msp_common::call::Authorization;
/// use msp_common::secret::SecretString;
///
/// let token = SecretString::from("t0ken-of-session-7");
/// let auth = Authorization::new(7)
///     .sensitive_header("Authorization", &SecretString::from("Bearer t0ken-of-session-7"))?
///     .redact(token);
/// assert_eq!(auth.generation(), 7);
/// assert!(!format!("{auth:?}").contains("t0ken"));
/// # Ok::<(), msp_common::Error>(())
/// ```
#[derive(Debug, Default)]
pub struct Authorization {
    pub(crate) headers: HeaderMap,
    pub(crate) secrets: Vec<SecretString>,
    pub(crate) url: Option<Url>,
    generation: u64,
}

impl Authorization {
    /// The credentials of session `generation`: handed back to [`Service::renew`] when
    /// the server refuses them, so that one wave of refusals costs one sign-in. A client
    /// with static credentials uses `0`.
    pub fn new(generation: u64) -> Self {
        Authorization {
            generation,
            ..Authorization::default()
        }
    }

    /// Adds a credential header, marked sensitive (never shown in previews, logs or
    /// errors) and registered for redaction. It replaces a header of the same name.
    pub fn sensitive_header(mut self, name: &str, value: &SecretString) -> Result<Self> {
        let (name, header) = crate::http::sensitive_header_pair(name, value)?;
        self.headers.insert(name, header);
        self.secrets.push(value.clone());
        Ok(self)
    }

    /// Registers one more secret to redact from anything kept of the answer (a token a
    /// server may echo without its scheme).
    pub fn redact(mut self, secret: SecretString) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Sends the attempt to `url` (the request's full URL, query included) instead of
    /// the one the transport builds: for a client whose session moved the API's base.
    pub fn with_url(mut self, url: Url) -> Self {
        self.url = Some(url);
        self
    }

    /// Where the attempt goes instead of the request's own URL, if anywhere.
    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    /// Which session the credentials belong to.
    pub fn generation(&self) -> u64 {
        self.generation
    }
}

/// A vendor client as the request lifecycle sees it: its transport, its write mode, and
/// the hooks the one retry loop calls. Every hook has a default that does nothing
/// special, so a client with static credentials implements only the first two methods.
pub trait Service: Send + Sync + 'static {
    /// The transport calls are sent through.
    fn transport(&self) -> &Transport;

    /// What the client does with writes.
    fn write_mode(&self) -> WriteMode {
        WriteMode::ReadWrite
    }

    /// The credentials of the current session for one attempt of `request`, signing in
    /// first when there is no usable session. Called before every attempt (not for
    /// requests marked [`Request::anonymous`]).
    fn authorize<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        let _ = request;
        Box::pin(std::future::ready(Ok(Authorization::new(0))))
    }

    /// Whether `err` means the server refused the session's credentials, so that a new
    /// sign-in and one resend can succeed (default: HTTP 401). Only consulted for
    /// clients that sign in.
    fn is_session_rejected(&self, err: &Error) -> bool {
        err.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// Signs in again after the server refused the credentials of session `generation`
    /// (a concurrent call may already have done it). Returning an error ends the call
    /// with it; the default gives up (nothing to renew).
    fn renew(&self, generation: u64) -> BoxFuture<'_, Result<bool>> {
        let _ = generation;
        Box::pin(async { Ok(false) })
    }

    /// Adds what [`Service::authorize`] would add, for a preview: the credential headers
    /// (marked sensitive, so shown as `[REDACTED]`). Nothing is signed in. Not called
    /// for requests marked [`Request::anonymous`].
    fn preview_credentials(&self, request: Request) -> Result<Request> {
        Ok(request)
    }

    /// Looks at a success response: a vendor that reports errors inside HTTP 200 turns
    /// them into an [`Error`] here, which the loop then treats like any other error
    /// (retried when retryable and the call may be replayed).
    fn check(&self, response: &Response) -> Result<()> {
        let _ = response;
        Ok(())
    }

    /// Gives an error of the call named `operation` its vendor meaning (a typed fault,
    /// a message naming the likely cause). Called once, on the final error.
    fn map_error(&self, operation: &str, err: Error) -> Error {
        let _ = operation;
        err
    }
}

impl Service for Transport {
    fn transport(&self) -> &Transport {
        self
    }
}

/// The future of an awaited [`Call`].
pub type CallFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

type DecodeFn<T> = Box<dyn FnOnce(Response) -> Result<T> + Send + 'static>;

/// One call: owned, cheap, sent by awaiting it. See the [module docs](self).
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    service: Arc<dyn Service>,
    request: Result<Request>,
    write: bool,
    decode: DecodeFn<T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field(
                "operation",
                &self.request.as_ref().map(Request::operation_name).ok(),
            )
            .field("write", &self.write)
            .field("request", &self.request.as_ref().ok())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Call<T> {
    /// A call decoded by `decode`. `write` says whether it changes state (see the
    /// [module docs](self)); reads are idempotent, writes are not, unless overridden
    /// with [`Call::idempotent`].
    ///
    /// `request` may be an error (a value that cannot be sent, found while building the
    /// call): awaiting or previewing the call then returns it, and nothing is sent.
    pub fn new(
        service: Arc<dyn Service>,
        request: Result<Request>,
        write: bool,
        decode: impl FnOnce(Response) -> Result<T> + Send + 'static,
    ) -> Self {
        let request = request.map(|r| match r.idempotent_override() {
            Some(_) => r,
            None => r.idempotent(!write),
        });
        Call {
            service,
            request,
            write,
            decode: Box::new(decode),
        }
    }

    /// Whether the call changes state.
    pub fn is_write(&self) -> bool {
        self.write
    }

    /// The operation's name, as in traces and errors (`"run_agent_procedure"`).
    pub fn operation(&self) -> &str {
        match &self.request {
            Ok(r) => r.operation_name(),
            Err(_) => "",
        }
    }

    /// The request this call sends, before credentials are attached (`None` when the
    /// call could not be built; awaiting it returns why).
    pub fn request(&self) -> Option<&Request> {
        self.request.as_ref().ok()
    }

    fn tune(mut self, f: impl FnOnce(Request) -> Request) -> Self {
        self.request = self.request.map(f);
        self
    }

    /// Overrides the client's retry policy for this call. Whatever the policy, a write
    /// is replayed only when the server refused it before acting (see the
    /// [module docs](self)).
    pub fn retry(self, policy: RetryPolicy) -> Self {
        self.tune(|r| r.retry(policy))
    }

    /// Overrides the timeout of each attempt of this call.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.tune(|r| r.timeout(timeout))
    }

    /// Overrides whether this call may be replayed after a failure that may have reached
    /// the server: mark a write idempotent only when sending it twice is harmless.
    pub fn idempotent(self, idempotent: bool) -> Self {
        self.tune(|r| r.idempotent(idempotent))
    }

    /// Marks whether the call changes state, for calls whose nature only the caller
    /// knows (the raw escape hatch treats `POST`, `PUT`, `PATCH` and `DELETE` as writes).
    /// Also sets the default idempotency (reads may be replayed, writes may not).
    pub fn write(mut self, write: bool) -> Self {
        self.write = write;
        self.tune(|r| r.idempotent(!write))
    }

    /// Changes what the call answers.
    pub fn map<U: Send + 'static>(self, f: impl FnOnce(T) -> U + Send + 'static) -> Call<U> {
        let decode = self.decode;
        Call {
            service: self.service,
            request: self.request,
            write: self.write,
            decode: Box::new(move |response| decode(response).map(f)),
        }
    }

    /// Changes what the call answers, with a step that may fail.
    pub fn and_then<U: Send + 'static>(
        self,
        f: impl FnOnce(T) -> Result<U> + Send + 'static,
    ) -> Call<U> {
        let decode = self.decode;
        Call {
            service: self.service,
            request: self.request,
            write: self.write,
            decode: Box::new(move |response| decode(response).and_then(f)),
        }
    }

    fn request_checked(&self) -> Result<&Request> {
        self.request.as_ref().map_err(clone_error)
    }

    /// The exact request this call would send — method, URL with query, headers (the
    /// credentials shown as `[REDACTED]`) and body — without sending anything or signing
    /// in. Works in every write mode.
    pub fn preview(&self) -> Result<RequestPreview> {
        let request = self.request_checked()?.clone();
        let request = if request.is_anonymous() {
            request
        } else {
            self.service.preview_credentials(request)?
        };
        self.service.transport().preview(&request)
    }

    /// Sends the call (after the write-mode check) and decodes the answer. Awaiting the
    /// call does the same.
    pub async fn send(self) -> Result<T> {
        let Call {
            service,
            request,
            write,
            decode,
        } = self;
        let request = request?;
        if write {
            match service.write_mode() {
                WriteMode::ReadWrite => {}
                WriteMode::ReadOnly => {
                    return Err(Error::ReadOnly {
                        vendor: service.transport().vendor(),
                        operation: request.operation_name().to_owned(),
                    });
                }
                WriteMode::DryRun => {
                    let shown = if request.is_anonymous() {
                        request.clone()
                    } else {
                        service.preview_credentials(request.clone())?
                    };
                    let preview = service.transport().preview(&shown)?;
                    return Err(Error::DryRun {
                        vendor: service.transport().vendor(),
                        operation: request.operation_name().to_owned(),
                        preview: Box::new(preview),
                    });
                }
            }
        }
        let operation = request.operation_cow();
        let response = service
            .transport()
            .execute(request, service.as_ref())
            .await
            .map_err(|err| service.map_error(&operation, err))?;
        let attempts = response.attempts();
        decode(response).map_err(|e| {
            let n = attempts.max(e.attempts());
            e.with_attempts(n)
        })
    }
}

impl<T: serde::de::DeserializeOwned + Send + 'static> Call<T> {
    /// A read answering the JSON body decoded into `T`.
    pub fn read_json(service: Arc<dyn Service>, request: Result<Request>) -> Self {
        Call::new(service, request, false, |r: Response| r.json())
    }

    /// A write answering the JSON body decoded into `T`.
    pub fn write_json(service: Arc<dyn Service>, request: Result<Request>) -> Self {
        Call::new(service, request, true, |r: Response| r.json())
    }
}

impl Call<()> {
    /// A write whose answer is ignored (any body is accepted).
    pub fn write_unit(service: Arc<dyn Service>, request: Result<Request>) -> Self {
        Call::new(service, request, true, |_| Ok(()))
    }
}

impl Call<Response> {
    /// A call answering the raw response (status 2xx, headers, body).
    pub fn raw(service: Arc<dyn Service>, request: Result<Request>, write: bool) -> Self {
        Call::new(service, request, write, Ok)
    }

    /// Decodes the answer of a raw call as JSON into `U`.
    pub fn json<U: DeserializeOwned + Send + 'static>(self) -> Call<U> {
        self.and_then(|r| r.json())
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T>;
    type IntoFuture = CallFuture<T>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Errors found while a call was built are kept in the call; a preview and the send both
/// report them, so they are copied (only configuration and protocol errors occur there).
fn clone_error(err: &Error) -> Error {
    match err {
        Error::Config { message } => Error::Config {
            message: message.clone(),
        },
        Error::Protocol { message } => Error::Protocol {
            message: message.clone(),
        },
        other => Error::config(other.to_string()),
    }
}

/// The escape-hatch calls every vendor client offers with the same signatures, for
/// endpoints the crate does not model. `get`, `post`, `put`, `patch` and `delete` decode
/// the answer as `T` by the vendor's rules ([`Raw::decode`]: an envelope's `Result`,
/// say); [`Raw::send`] takes any [`Request`] and answers the raw [`Response`]. Each
/// returns a [`Call`], so raw calls have previews, write modes and per-call overrides
/// too. `POST`, `PUT`, `PATCH` and `DELETE` are treated as writes; mark a read made with
/// `POST` with [`Call::write`]`(false)`.
///
/// A vendor client implements [`Raw::service`] (and [`Raw::decode`] when its answers
/// are wrapped); the calls themselves are provided here, once.
pub trait Raw: 'static {
    /// The client as the request lifecycle sees it.
    fn service(&self) -> Arc<dyn Service>;

    /// Decodes a success answer of a raw call into `T` (default: the JSON body; an
    /// empty body reads as JSON `null`, so `()` and `Option<_>` accept it).
    fn decode<T: DeserializeOwned>(response: Response) -> Result<T> {
        if response.is_empty()
            && let Ok(value) = serde_json::from_value::<T>(serde_json::Value::Null)
        {
            return Ok(value);
        }
        response.json()
    }

    /// `GET path` with `query`.
    fn get<T>(&self, path: &str, query: &[(&str, &str)]) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let request = Request::get(path)
            .query_pairs(query.iter().map(|(k, v)| (*k, *v)))
            .operation("get");
        Call::new(self.service(), Ok(request), false, Self::decode::<T>)
    }

    /// `POST path` with a JSON body (a write).
    fn post<T, B>(&self, path: &str, body: &B) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
        B: serde::Serialize + ?Sized,
    {
        let request = Request::post(path).operation("post").json(body);
        Call::new(self.service(), request, true, Self::decode::<T>)
    }

    /// `PUT path` with a JSON body (a write).
    fn put<T, B>(&self, path: &str, body: &B) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
        B: serde::Serialize + ?Sized,
    {
        let request = Request::put(path).operation("put").json(body);
        Call::new(self.service(), request, true, Self::decode::<T>)
    }

    /// `PATCH path` with a JSON body (a write).
    fn patch<T, B>(&self, path: &str, body: &B) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
        B: serde::Serialize + ?Sized,
    {
        let request = Request::patch(path).operation("patch").json(body);
        Call::new(self.service(), request, true, Self::decode::<T>)
    }

    /// `DELETE path` (a write).
    fn delete<T>(&self, path: &str) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let request = Request::delete(path).operation("delete");
        Call::new(self.service(), Ok(request), true, Self::decode::<T>)
    }

    /// Any request, answering the raw response (2xx; other statuses are errors). A
    /// write unless the method is `GET`, `HEAD` or `OPTIONS`.
    fn send(&self, request: Request) -> Call<Response> {
        let write = is_write_method(request.method());
        Call::raw(self.service(), Ok(request), write)
    }
}

/// Whether the raw escape hatch treats a method as a write.
pub fn is_write_method(method: &reqwest::Method) -> bool {
    !matches!(
        *method,
        reqwest::Method::GET | reqwest::Method::HEAD | reqwest::Method::OPTIONS
    )
}
