//! The VSA client: configuration, the token lifecycle, the response envelope, and the
//! crate-private call constructors every resource module is built from.
//!
//! Every call goes through the one request loop of [`msp_common::Transport`]: the client
//! plugs in as a [`Service`] that attaches `Authorization: Bearer <token>` (signing in
//! when there is no usable token), signs in again — once for every call in flight — when
//! the server refuses a token, and turns a non-zero `ResponseCode` inside HTTP 200 into
//! an API error (retried on reads when its code is a retryable status).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;
use msp_common::call::Authorization;
use msp_common::paginate::{Fetched, ListOptions, Listing, Paginator, Undecoded};
use msp_common::secret::{ExposeSecret, SecretString};
use msp_common::{
    ApiError, Call, ClientOptions, Raw, Request, Response, Service, StatusCode, Transport,
    WriteMode,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::auth::{Credentials, random_number};
use crate::error::{EnvelopeError, ErrorExt};
pub use crate::models::SessionInfo;
use crate::odata::{Filter, FilterTooLarge, OrderBy};
use crate::{Error, Result};

/// The vendor name used in errors and traces.
pub const VENDOR: &str = "Kaseya VSA";

/// The largest page the server returns (`$top`).
pub const MAX_PAGE_SIZE: u32 = 100;

/// Records read on one token after which long reads renew it (SaaS sessions are limited
/// to about 25,000 records).
pub const DEFAULT_RENEW_AFTER_RECORDS: u64 = 25_000;

type RandomSource = Arc<dyn Fn() -> String + Send + Sync>;

/// Builds a [`Client`]; see [`Client::builder`].
///
/// The shared setters of every msp-sdk client come from [`msp_common::options`]:
/// `base_url`, `user_agent`, `timeout`, `no_timeout`, `connect_timeout`,
/// `max_response_bytes`, `allow_http`, `danger_accept_invalid_certs`, `retry_policy`,
/// `http_client`, `write_mode`, `clock` and `jitter`. The VSA's own are
/// [`credentials`](Self::credentials) and the token settings.
///
/// `base_url` is the VSA server root (`https://vsa.example.com`, or a root below a path
/// such as `https://example.com/vsa`); the client adds `/api/v1.0/`. A URL that already
/// ends in `/api/v1.0` is taken as is; any other path holding an `api` segment
/// (`…/api/v2`, `…/api/v1.0/assetmgmt`) is refused rather than guessed at.
#[must_use]
pub struct ClientBuilder {
    options: ClientOptions,
    credentials: Option<Credentials>,
    random: Option<RandomSource>,
    renew_margin: Duration,
    renew_after_records: u64,
    fallback_token_lifetime: Duration,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("options", &self.options)
            .field("credentials", &self.credentials)
            .field("renew_margin", &self.renew_margin)
            .field("renew_after_records", &self.renew_after_records)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    msp_common::client_builder_setters!(options);

    /// The credentials used for `/auth`. Required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Injects the source of the random number in the password payload (tests only: the
    /// default draws from a cryptographically secure generator).
    pub fn random_source(mut self, random: impl Fn() -> String + Send + Sync + 'static) -> Self {
        self.random = Some(Arc::new(random));
        self
    }

    /// How long before `SessionExpiration` the token is renewed (default 60 s).
    pub fn renew_margin(mut self, margin: Duration) -> Self {
        self.renew_margin = margin;
        self
    }

    /// After how many records read on one token it is renewed (default 25,000).
    pub fn renew_after_records(mut self, records: u64) -> Self {
        self.renew_after_records = records.max(1);
        self
    }

    /// The lifetime assumed for a token whose `SessionExpiration` is missing, unreadable
    /// or already past by this machine's clock (default 30 minutes). A 401 still renews
    /// it early.
    ///
    /// Current servers write `SessionExpiration` in UTC (`"2026-12-01T04:16:58Z"`); the
    /// guide's sample carries no time zone (`"2026-12-01T04:16:58.628"`) and the guide
    /// does not say whether that is UTC or the server's local time (the answer's
    /// `OffSetInMinutes` hints at the latter; UNVERIFIED). The client reads both, a
    /// zone-less value as UTC: on a server west of UTC that writes local times the date
    /// then looks past and this fallback applies; on a server east of UTC the token is
    /// trusted too long and the server's 401 renews it — once, for every call in flight.
    /// Either way no call fails.
    pub fn fallback_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.fallback_token_lifetime = lifetime;
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<Client> {
        let base = self.options.base_url.as_deref().ok_or_else(|| {
            Error::config("Kaseya VSA: the base URL (the VSA server root) is required")
        })?;
        let base = api_base(base)?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(
                "Kaseya VSA: credentials are required (Credentials::password or Credentials::personal_access_token)",
            )
        })?;
        if credentials.username().is_empty() {
            return Err(Error::config("Kaseya VSA: the user name is empty"));
        }
        let mut transport = Transport::builder(
            VENDOR,
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        )
        .base_url(base)
        .header("Accept", "application/json")?
        // The transport's one redirect rule: reads follow redirects on the same origin
        // only (the VSA's 301 to the trailing-slash path), with `Authorization` kept; a
        // redirect elsewhere is a protocol error and sends nothing there; a write never
        // follows one.
        .follow_redirects(true)
        .error_parser(parse_error_body)
        .options(self.options.transport);
        for secret in credentials.secrets() {
            transport = transport.redact(secret);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared {
                    transport: transport.build()?,
                    credentials,
                    session: tokio::sync::Mutex::new(None),
                    records: AtomicU64::new(0),
                    auth_count: AtomicU64::new(0),
                    random: self.random.unwrap_or_else(|| Arc::new(random_number)),
                    renew_margin: self.renew_margin,
                    renew_after_records: self.renew_after_records,
                    fallback_token_lifetime: self.fallback_token_lifetime,
                }),
                write_mode: self.options.write_mode,
            }),
        })
    }
}

/// The API base (`{root}/api/v1.0/`) of a `base_url`; see [`ClientBuilder`]. A URL that
/// cannot be read is passed on as is, for the transport to refuse with its own message.
fn api_base(raw: &str) -> Result<String> {
    let Ok(mut url) = msp_common::Url::parse(raw.trim()) else {
        return Ok(raw.to_owned());
    };
    if url.cannot_be_a_base() || url.query().is_some() || url.fragment().is_some() {
        return Ok(raw.to_owned());
    }
    let path = url.path().trim_end_matches('/').to_owned();
    let lower = path.to_ascii_lowercase();
    let path = if lower.ends_with("/api/v1.0") {
        format!("{path}/")
    } else if lower.split('/').any(|segment| segment == "api") {
        return Err(Error::config(format!(
            "Kaseya VSA: the base URL `{raw}` holds an API path other than `/api/v1.0`; give the server root (`https://vsa.example.com`) or the REST API v1.0 base (`https://vsa.example.com/api/v1.0`)"
        )));
    } else {
        format!("{path}/api/v1.0/")
    };
    url.set_path(&path);
    Ok(url.into())
}

/// Reads `{"Error": "..."}` / `{"Message": "..."}` / `{"ResponseCode": n}` from an error body.
fn parse_error_body(
    _status: StatusCode,
    _headers: &msp_common::header::HeaderMap,
    body: &[u8],
) -> msp_common::ParsedError {
    let mut parsed = msp_common::ParsedError::none();
    if let Ok(meta) = serde_json::from_slice::<EnvelopeMeta>(body) {
        if let Some(e) = meta.error.filter(|e| !e.is_empty() && e != "None") {
            parsed = parsed.message(e);
        } else if let Some(m) = meta.message {
            parsed = parsed.message(m);
        }
        if let Some(code) = meta
            .response_code
            .filter(|c| *c != 0 && !(200..300).contains(c))
        {
            parsed = parsed.code(code.to_string());
        }
    }
    parsed
}

/// A VSA client. Cheap to clone; clones share the connection pool and the session.
///
/// Every call is a [`Call`]: built by a plain method, sent by awaiting it, and able to
/// show what it would send ([`Call::preview`]). Lists are [`ListRequest`]s, consumed
/// through [`Listing`]. Endpoints this crate does not model are reached through the
/// [`Raw`] escape hatch (`get`, `post`, `put`, `patch`, `delete`, `send`), which decodes
/// the envelope's `Result`.
///
/// See the [crate documentation](crate) for an example.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// What the request lifecycle sees: the shared session and this handle's write mode.
struct Inner {
    shared: Arc<Shared>,
    write_mode: WriteMode,
}

/// The transport and the session, shared by every clone and every
/// [`Client::with_write_mode`] copy.
struct Shared {
    transport: Transport,
    credentials: Credentials,
    session: tokio::sync::Mutex<Option<Session>>,
    records: AtomicU64,
    auth_count: AtomicU64,
    random: RandomSource,
    renew_margin: Duration,
    renew_after_records: u64,
    fallback_token_lifetime: Duration,
}

struct Session {
    token: SecretString,
    expires_at: SystemTime,
    generation: u64,
    info: SessionInfo,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &self.inner.shared;
        f.debug_struct("Client")
            .field("transport", &shared.transport)
            .field("credentials", &shared.credentials)
            .field("write_mode", &self.inner.write_mode)
            .field("renew_after_records", &shared.renew_after_records)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct AuthResult {
    #[serde(rename = "Token")]
    token: String,
    #[serde(flatten)]
    info: SessionInfo,
}

#[derive(Deserialize)]
struct EnvelopeMeta {
    #[serde(
        rename = "ResponseCode",
        default,
        deserialize_with = "msp_common::lenient::opt_i64"
    )]
    response_code: Option<i64>,
    #[serde(
        rename = "Status",
        default,
        deserialize_with = "msp_common::lenient::opt_string"
    )]
    status: Option<String>,
    #[serde(rename = "Error", default, deserialize_with = "any_text")]
    error: Option<String>,
    #[serde(rename = "Message", default, deserialize_with = "any_text")]
    message: Option<String>,
}

/// `Error` and `Message` as text whatever their JSON type — an object such as
/// `{"Message": "…"}` included, which `msp_common::lenient::opt_string` would drop — so
/// an unexpected shape never hides the envelope's message.
fn any_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    })
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(rename = "Result")]
    result: Option<T>,
    /// A number or a numeric string; anything else is read as absent.
    #[serde(
        rename = "TotalRecords",
        default,
        deserialize_with = "msp_common::lenient::opt_u64"
    )]
    total_records: Option<u64>,
}

/// A decoded envelope: the `Result` and the `TotalRecords` when present.
#[derive(Debug, Clone)]
pub(crate) struct Enveloped<T> {
    /// `Result`
    pub(crate) result: T,
    /// `TotalRecords`
    pub(crate) total_records: Option<u64>,
}

/// Checks the envelope's `ResponseCode`: a non-zero code inside HTTP 200 is an API error
/// carrying `Error`, with the status taken from the code when it is an HTTP status.
fn check_envelope(response: &Response) -> Result<()> {
    let Ok(meta) = serde_json::from_slice::<EnvelopeMeta>(response.bytes()) else {
        return Ok(());
    };
    let code = meta.response_code.unwrap_or(0);
    // Most endpoints answer `ResponseCode: 0`; the navigation endpoints answer `200`.
    if code == 0 || (200..300).contains(&code) {
        return Ok(());
    }
    let status = u16::try_from(code)
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
        .filter(|s| s.is_client_error() || s.is_server_error())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    // A server may echo the request (its token, the sign-in payload) in its error: what
    // is copied from the body is redacted, in every form, as the transport does for the
    // errors it builds.
    let redactor = response.redactor();
    let redact = |text: String| redactor.redact(&text);
    let message = meta
        .error
        .clone()
        .filter(|e| !e.is_empty() && e != "None")
        .or(meta.message.clone())
        .map_or_else(|| format!("ResponseCode {code}"), redact);
    let body = redactor.redact(&String::from_utf8_lossy(response.bytes()));
    Err(ApiError::new(VENDOR, status)
        .with_body(body.as_bytes())
        .with_message(message)
        .with_code(code.to_string())
        .with_attempts(response.attempts())
        .with_detail(EnvelopeError {
            http_status: response.status(),
            response_code: code,
            status: meta.status.map(redact),
            error: meta.error.map(redact),
        })
        .into())
}

/// Decodes an enveloped answer into `T`. An empty body (204) decodes as `T` from JSON
/// `null`, so `()` and `Option<_>` accept it. The envelope's `ResponseCode` was checked
/// by the request loop ([`Service::check`]) before this runs.
pub(crate) fn decode_envelope<T: DeserializeOwned>(response: &Response) -> Result<Enveloped<T>> {
    if response.is_empty() {
        return serde_json::from_value::<T>(serde_json::Value::Null)
            .map(|result| Enveloped {
                result,
                total_records: None,
            })
            .map_err(|_| {
                msp_common::DecodeError::new(
                    VENDOR,
                    response.status(),
                    None,
                    ".",
                    "expected a JSON envelope, got an empty body",
                    &[],
                )
                .into()
            });
    }
    let envelope: Envelope<T> = response.json()?;
    let result = match envelope.result {
        Some(result) => result,
        None => serde_json::from_value(serde_json::Value::Null).map_err(|_| {
            let body = response
                .redactor()
                .redact(&String::from_utf8_lossy(response.bytes()));
            Error::from(msp_common::DecodeError::new(
                VENDOR,
                response.status(),
                None,
                "Result",
                "the envelope has no Result",
                body.as_bytes(),
            ))
        })?,
    };
    Ok(Enveloped {
        result,
        total_records: envelope.total_records,
    })
}

/// The envelope's `Result` of a response, as `T`.
fn envelope_result<T: DeserializeOwned>(response: Response) -> Result<T> {
    decode_envelope(&response).map(|e| e.result)
}

/// The envelope's `Result` when it holds one record, also when the server wraps it in a
/// one-element array (as `GET /system/machinegroups/{id}` does). An empty array is a 404
/// API error.
fn envelope_one<T: DeserializeOwned>(response: Response) -> Result<T> {
    let raw: Enveloped<Box<serde_json::value::RawValue>> = decode_envelope(&response)?;
    let text = raw.result.get();
    if text.trim_start().starts_with('[') {
        let mut many: Vec<T> = decode_raw(&response, text.as_bytes())?;
        if many.is_empty() {
            return Err(ApiError::new(VENDOR, StatusCode::NOT_FOUND)
                .with_message("the server answered an empty list for a single record")
                .with_attempts(response.attempts())
                .into());
        }
        Ok(many.swap_remove(0))
    } else {
        decode_raw(&response, text.as_bytes())
    }
}

/// A name from data sent as one path segment (a custom field name, an agent's new name,
/// a document's source or destination): refused with [`Error::Config`] before anything
/// is sent when it is empty (the route would lose its last segment), or when it is —
/// whole or between `/` and `\` — made only of dots (and spaces): the VSA runs on IIS,
/// whose HTTP.sys decodes `%2F` and `%5C` into separators and resolves dot-segments
/// before the API routes the request, so such a name could leave its place in the path
/// there. Control characters and the other dot-segment spellings are refused by the
/// transport for every segment.
pub(crate) fn name_segment<'a>(what: &str, value: &'a str) -> Result<&'a str> {
    if value.is_empty() {
        return Err(Error::config(format!(
            "Kaseya VSA: the {what} is empty; it is sent as a path segment, and an empty one would change the path"
        )));
    }
    if value.split(['/', '\\']).any(dot_segment) {
        return Err(Error::config(format!(
            "Kaseya VSA: the {what} {value:?} cannot be sent as a path segment: a server that decodes `/` or `\\` in it would read a dot-segment and change the path"
        )));
    }
    Ok(value)
}

/// A name made only of dots and spaces, with at least one dot (`.`, `..`, `...`, `. `):
/// what a server may read as a dot-segment (Windows drops trailing dots and spaces).
pub(crate) fn dot_segment(part: &str) -> bool {
    part.contains('.') && part.chars().all(|c| c == '.' || c == ' ')
}

/// What a call constructor accepts: a request, or a request whose building may have
/// failed (a body that cannot be encoded, an empty path) — the call then fails with that
/// error when previewed or awaited, and nothing is sent.
pub(crate) trait Prepared {
    fn prepared(self) -> Result<Request>;
}

impl Prepared for Request {
    fn prepared(self) -> Result<Request> {
        Ok(self)
    }
}

impl Prepared for Result<Request> {
    fn prepared(self) -> Result<Request> {
        self
    }
}

impl Client {
    /// Starts a builder.
    ///
    /// ```
    /// use kaseya_vsa_client::{Client, WriteMode, auth::Credentials};
    ///
    /// let client = Client::builder()
    ///     .base_url("https://vsa.example.com")
    ///     .credentials(Credentials::personal_access_token("apiuser", "pat-value"))
    ///     .write_mode(WriteMode::ReadOnly)
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("pat-value"));
    /// assert_eq!(client.write_mode(), WriteMode::ReadOnly);
    /// # Ok::<(), kaseya_vsa_client::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            options: ClientOptions::default(),
            credentials: None,
            random: None,
            renew_margin: Duration::from_secs(60),
            renew_after_records: DEFAULT_RENEW_AFTER_RECORDS,
            fallback_token_lifetime: Duration::from_secs(30 * 60),
        }
    }

    /// The transport (base URL `{server root}/api/v1.0/`).
    pub fn transport(&self) -> &Transport {
        &self.inner.shared.transport
    }

    /// What this client does with calls that change state.
    pub fn write_mode(&self) -> WriteMode {
        self.inner.write_mode
    }

    /// A copy of this client with another write mode, sharing the connection pool and
    /// the session (no new sign-in).
    ///
    /// ```
    /// use kaseya_vsa_client::{Client, WriteMode, auth::Credentials, ids::AgentId};
    ///
    /// let vsa = Client::builder()
    ///     .base_url("https://vsa.example.com")
    ///     .credentials(Credentials::password("apiuser", "S3cret!"))
    ///     .build()?;
    /// let dry = vsa.with_write_mode(WriteMode::DryRun);
    /// let call = dry.agents().rename(&AgentId::from(42u64), "PC-0042");
    /// let preview = call.preview()?;
    /// assert_eq!(preview.method, "PUT");
    /// assert_eq!(preview.url, "https://vsa.example.com/api/v1.0/assetmgmt/agents/42/rename/PC-0042");
    /// assert!(preview.headers.contains(&("authorization".into(), "[REDACTED]".into())));
    /// # Ok::<(), kaseya_vsa_client::Error>(())
    /// ```
    pub fn with_write_mode(&self, mode: WriteMode) -> Client {
        Client {
            inner: Arc::new(Inner {
                shared: self.inner.shared.clone(),
                write_mode: mode,
            }),
        }
    }

    /// How many times this client (and its copies) has called `/auth`.
    pub fn auth_count(&self) -> u64 {
        self.inner.shared.auth_count.load(Ordering::SeqCst)
    }

    /// Authenticates now (otherwise the first call does) and returns who the session
    /// belongs to. Session management rather than a call: it is not refused in read-only
    /// mode and has no preview.
    pub async fn authenticate(&self) -> Result<SessionInfo> {
        let mut guard = self.inner.shared.session.lock().await;
        let session = self.inner.authenticate_locked(&mut guard).await?;
        Ok(session.info.clone())
    }

    /// The current session's details, if a session is open.
    pub async fn session_info(&self) -> Option<SessionInfo> {
        self.inner
            .shared
            .session
            .lock()
            .await
            .as_ref()
            .map(|s| s.info.clone())
    }

    /// The client as the request lifecycle sees it.
    pub(crate) fn service(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }

    /// A read answering the envelope's `Result` as `T`.
    pub(crate) fn read<T>(&self, request: impl Prepared) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Call::new(
            self.service(),
            request.prepared(),
            false,
            envelope_result::<T>,
        )
    }

    /// A read answering one record, also when the server wraps it in an array.
    pub(crate) fn read_one<T>(&self, request: impl Prepared) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Call::new(self.service(), request.prepared(), false, envelope_one::<T>)
    }

    /// A read whose answer is not a VSA document: the body's exact bytes (a file
    /// download; a JSON file holding a `ResponseCode` is not an error).
    pub(crate) fn read_bytes(&self, request: impl Prepared) -> Call<Vec<u8>> {
        let request = request.prepared().map(Request::unchecked);
        Call::new(self.service(), request, false, |r: Response| {
            Ok(r.bytes().to_vec())
        })
    }

    /// A read answering the raw response (for answers that are not always an
    /// envelope).
    pub(crate) fn read_raw(&self, request: impl Prepared) -> Call<Response> {
        Call::raw(self.service(), request.prepared(), false)
    }

    /// A write answering the envelope's `Result` as `T`.
    pub(crate) fn write<T>(&self, request: impl Prepared) -> Call<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        Call::new(
            self.service(),
            request.prepared(),
            true,
            envelope_result::<T>,
        )
    }

    /// A write whose answer is only checked (any `Result`, or none, is success).
    pub(crate) fn write_unit(&self, request: impl Prepared) -> Call<()> {
        Call::new(self.service(), request.prepared(), true, |_| Ok(()))
    }

    /// A list call on `path` (segments appended to the path are encoded), streamed page
    /// by page with `$skip`/`$top`; see [`ListRequest`]. For list endpoints this crate
    /// does not model.
    pub fn list<T>(&self, path: &str) -> ListRequest<T> {
        self.list_request(Request::get(path))
    }

    /// A list call on `path` whose page requests are named `operation`.
    pub(crate) fn list_named<T>(&self, path: &str, operation: &'static str) -> ListRequest<T> {
        self.list_request(Request::get(path).operation(operation))
    }

    /// A list call on a prepared request (path segments already encoded; its operation
    /// name, when set, names every page request).
    pub(crate) fn list_request<T>(&self, request: Request) -> ListRequest<T> {
        ListRequest {
            client: self.clone(),
            request,
            filter: None,
            refused: None,
            order_by: None,
            skip: 0,
            options: ListOptions::default(),
            _marker: std::marker::PhantomData,
        }
    }
}

impl Inner {
    /// Signs in (`GET /auth`, no bearer token) and stores the new session in `slot`.
    async fn authenticate_locked<'a>(&self, slot: &'a mut Option<Session>) -> Result<&'a Session> {
        let shared = &self.shared;
        let rand = (shared.random)();
        let (header, carried) = shared.credentials.auth_secrets(&rand);
        let request = carried.into_iter().fold(
            Request::get("auth")
                .operation("auth")
                .anonymous()
                .sensitive_header("Authorization", &header)?,
            Request::redact,
        );
        let refused = |err: Error| {
            Error::auth_with_source(
                format!(
                    "Kaseya VSA refused the credentials of `{}` (wrong password or token, locked or disabled user, or two-factor required)",
                    shared.credentials.username()
                ),
                err,
            )
        };
        let response = match shared.transport.execute(request, self).await {
            Ok(response) => response,
            // A 401/403, or an error code inside HTTP 200 that a retry would not cure.
            Err(err) if err.is_auth() || (!err.is_retryable() && err.envelope().is_some()) => {
                return Err(refused(err));
            }
            Err(err) => return Err(err),
        };
        shared.auth_count.fetch_add(1, Ordering::SeqCst);
        let result: Enveloped<AuthResult> = match decode_envelope(&response) {
            Ok(result) => result,
            Err(err) => return Err(without_auth_tokens(err, &response)),
        };
        let now = shared.transport.clock().now();
        // Checked: the server's date is converted without overflow (chrono's own
        // conversion panics past what `SystemTime` holds on some platforms), and so are
        // the configured durations.
        let expires_at = result
            .result
            .info
            .session_expiration
            .and_then(system_time)
            .filter(|at| *at > later(now, shared.renew_margin))
            .unwrap_or_else(|| later(now, shared.fallback_token_lifetime));
        let generation = slot.as_ref().map_or(0, |s| s.generation) + 1;
        shared.records.store(0, Ordering::SeqCst);
        tracing::debug!(generation, "Kaseya VSA session opened");
        Ok(slot.insert(Session {
            token: SecretString::from(result.result.token),
            expires_at,
            generation,
            info: result.result.info,
        }))
    }

    /// A valid token and its generation, authenticating when there is none, it is about
    /// to expire, or too many records were read on it. Single-flight: callers wait on
    /// the session lock while one of them signs in.
    async fn token(&self) -> Result<(SecretString, u64)> {
        let shared = &self.shared;
        let mut guard = shared.session.lock().await;
        let now = shared.transport.clock().now();
        let fresh = guard.as_ref().is_some_and(|s| {
            s.expires_at > later(now, shared.renew_margin)
                && shared.records.load(Ordering::SeqCst) < shared.renew_after_records
        });
        let session = match guard.as_ref() {
            Some(session) if fresh => session,
            _ => self.authenticate_locked(&mut guard).await?,
        };
        Ok((session.token.clone(), session.generation))
    }

    /// Renews after the server refused the token of `generation`; a concurrent call that
    /// already renewed it wins, so one rejection wave costs one `/auth`.
    async fn renew_after_rejection(&self, generation: u64) -> Result<()> {
        let mut guard = self.shared.session.lock().await;
        if let Some(session) = guard.as_ref()
            && session.generation != generation
        {
            return Ok(());
        }
        tracing::info!("Kaseya VSA refused a token that looked valid; authenticating again");
        self.authenticate_locked(&mut guard).await.map(drop)
    }
}

/// The VSA's hooks into the one request loop of the transport.
impl Service for Inner {
    fn transport(&self) -> &Transport {
        &self.shared.transport
    }

    fn write_mode(&self) -> WriteMode {
        self.write_mode
    }

    /// `Authorization: Bearer <token>`, signing in first when there is no usable token
    /// (none yet, about to expire, or too many records read on it).
    fn authorize<'a>(&'a self, _: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        Box::pin(async move {
            let (token, generation) = self.token().await?;
            let bearer = SecretString::from(format!("Bearer {}", token.expose_secret()));
            // The bare token too: a server may echo it without its scheme.
            Ok(Authorization::new(generation)
                .sensitive_header("Authorization", &bearer)?
                .redact(token))
        })
    }

    /// Signs in again after a 401 (on the HTTP line or as `ResponseCode` 401), unless a
    /// concurrent call already did for the same refused session.
    fn renew(&self, generation: u64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move { self.renew_after_rejection(generation).await.map(|()| true) })
    }

    fn preview_credentials(&self, request: Request) -> Result<Request> {
        request.redacted_header("Authorization")
    }

    /// A non-zero `ResponseCode` inside HTTP 200 is an API error whose status is the
    /// code when it is an HTTP error status (so 408, 429, 502, 503 and 504 are retried on
    /// reads, and 401 renews the token), with an [`EnvelopeError`] as its detail.
    fn check(&self, response: &Response) -> Result<()> {
        check_envelope(response)
    }
}

/// The escape hatch: `get`, `post`, `put`, `patch`, `delete` decode the envelope's
/// `Result` as `T`; `send` answers the raw response. `POST`, `PUT`, `PATCH` and `DELETE`
/// are writes (mark a VSA action that changes nothing with `.write(false)`).
///
/// ```no_run
/// # async fn run(vsa: kaseya_vsa_client::Client) -> kaseya_vsa_client::Result<()> {
/// use kaseya_vsa_client::Raw;
///
/// let roles: serde_json::Value = vsa.get("system/roletypes", &[("$top", "10")]).await?;
/// # Ok(()) }
/// ```
impl Raw for Client {
    fn service(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }

    fn decode<T: DeserializeOwned>(response: Response) -> Result<T> {
        envelope_result(response)
    }
}

/// `now + lifetime`, or a century ahead when that is more than `SystemTime` holds (a
/// lifetime of `Duration::MAX` means "until the server refuses the token").
fn later(now: SystemTime, lifetime: Duration) -> SystemTime {
    const CENTURY: Duration = Duration::from_secs(100 * 365 * 86_400);
    now.checked_add(lifetime)
        .or_else(|| now.checked_add(CENTURY))
        .unwrap_or(now)
}

/// A server's date as a `SystemTime`, `None` when the platform cannot hold it.
fn system_time(at: chrono::DateTime<chrono::Utc>) -> Option<SystemTime> {
    let nanos = Duration::from_nanos(u64::from(at.timestamp_subsec_nanos()));
    match u64::try_from(at.timestamp()) {
        Ok(secs) => SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_secs(secs))?
            .checked_add(nanos),
        Err(_) => SystemTime::UNIX_EPOCH
            .checked_sub(Duration::from_secs(at.timestamp().unsigned_abs()))?
            .checked_add(nanos),
    }
}

/// A decode error of an `/auth` answer, with the tokens that answer carries (`Token`,
/// `ApiToken`, …) redacted from its snippet and message: they are credentials.
fn without_auth_tokens(err: Error, response: &Response) -> Error {
    if err.decode_error().is_none() {
        return err;
    }
    let tokens: Vec<SecretString> = serde_json::from_slice::<serde_json::Value>(response.bytes())
        .ok()
        .and_then(|body| match body.get("Result") {
            Some(serde_json::Value::Object(result)) => Some(
                result
                    .iter()
                    .filter(|(key, _)| key.to_ascii_lowercase().ends_with("token"))
                    .filter_map(|(_, value)| match value {
                        serde_json::Value::String(s) => Some(s.clone()),
                        serde_json::Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .map(SecretString::from)
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default();
    // The request's own secrets too: the body may echo the sign-in payload.
    let redactor = response.redactor().with(&tokens);
    redacted_decode(err, &redactor, response.bytes())
}

/// A decode error rebuilt with its message and body snippet redacted by `redactor` (the
/// snippet taken from `body`); any other error is returned as it is.
fn redacted_decode(err: Error, redactor: &msp_common::secret::Redactor, body: &[u8]) -> Error {
    let Some(decode) = err.decode_error() else {
        return err;
    };
    let body = redactor.redact(&String::from_utf8_lossy(body));
    let attempts = err.attempts();
    Error::from(msp_common::DecodeError::new(
        VENDOR,
        decode.status(),
        decode.content_type().map(str::to_owned),
        decode.path(),
        redactor.redact(decode.message()),
        body.as_bytes(),
    ))
    .with_attempts(attempts)
}

/// Decodes `bytes` (part of `response`'s body) as `T`; a decode error shows nothing of
/// the request's secrets.
pub(crate) fn decode_raw<T: DeserializeOwned>(response: &Response, bytes: &[u8]) -> Result<T> {
    msp_common::http::decode_json(VENDOR, response.status(), response.headers(), bytes)
        .map_err(|e| redacted_decode(Error::from(e), response.redactor(), bytes))
}

/// A list call: `$filter`, `$orderby`, `$skip`, and the shared list surface of
/// [`Listing`] (`limit`, `page_size`, `look_ahead`, `pages_in_flight`, `stream`, `pages`,
/// `collect`). Built by the resource modules (for example [`crate::agents::Agents::list`])
/// or [`Client::list`].
///
/// Pages are addressed by their offset (a `u64` page token): page after page sends
/// `$skip={skip + offset}&$top={page size}` with every other parameter unchanged. The
/// next page is requested while the current one is consumed (turn that off with
/// `.look_ahead(false)`); once the first page reports `TotalRecords`,
/// `.pages_in_flight(n)` keeps up to `n` page requests in flight, records still yielded
/// in order. A server that answers the same page twice (it ignores `$skip`) ends the
/// stream with [`Error::Protocol`] instead of looping.
///
/// ```
/// # #[cfg(feature = "sim")]
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
/// use futures_util::TryStreamExt;
/// use kaseya_vsa_client::Listing;
/// use kaseya_vsa_client::odata::fields::agents;
///
/// let sim = kaseya_vsa_client::sim::Simulator::start().await;
/// let vsa = sim.client()?;
/// let pages: Vec<_> = vsa
///     .agents()
///     .list()
///     .filter(agents::OS_TYPE.eq("Linux"))
///     .page_size(25)
///     .pages_in_flight(3)
///     .pages()
///     .try_collect()
///     .await?;
/// assert_eq!(pages[1].token, 25); // the offset of the second page
/// assert_eq!(pages[0].total, Some(75));
/// # Ok::<(), kaseya_vsa_client::Error>(()) }).unwrap();
/// ```
#[must_use = "a list request does nothing until streamed"]
pub struct ListRequest<T> {
    client: Client,
    request: Request,
    filter: Option<String>,
    /// A typed filter that went past the builder's caps: the listing fails before
    /// sending.
    refused: Option<FilterTooLarge>,
    order_by: Option<String>,
    skip: u64,
    options: ListOptions,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("request", &self.request)
            .field("filter", &self.filter)
            .field("refused", &self.refused)
            .field("order_by", &self.order_by)
            .field("skip", &self.skip)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T> ListRequest<T> {
    /// Sets `$filter` from the typed builder. A filter the builder refused (past
    /// [`MAX_TERMS`](crate::odata::MAX_TERMS) or [`MAX_DEPTH`](crate::odata::MAX_DEPTH);
    /// see [`FilterTooLarge`]) makes the listing fail with [`Error::Config`] before
    /// anything is sent.
    pub fn filter(mut self, filter: Filter) -> Self {
        match filter.render() {
            Ok(text) => {
                self.filter = Some(text);
                self.refused = None;
            }
            Err(limit) => {
                self.filter = None;
                self.refused = Some(limit);
            }
        }
        self
    }

    /// Sets `$filter` from a hand-written expression.
    pub fn filter_raw(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self.refused = None;
        self
    }

    /// Sets `$orderby` from the typed builder.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order.to_string());
        self
    }

    /// Sets `$orderby` from a hand-written expression (`"AgentName desc"`).
    pub fn order_by_raw(mut self, expression: impl Into<String>) -> Self {
        self.order_by = Some(expression.into());
        self
    }

    /// Skips the first `n` records (`$skip` of the first page).
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }

    /// The query parameters this call sends besides paging (without `$filter` when the
    /// typed filter was refused: such a listing sends nothing).
    pub fn query(&self) -> Vec<(String, String)> {
        let mut query = self.request.query_params().to_vec();
        if let Some(f) = &self.filter {
            query.push(("$filter".into(), f.clone()));
        }
        if let Some(o) = &self.order_by {
            query.push(("$orderby".into(), o.clone()));
        }
        query
    }
}

impl<T: DeserializeOwned + Send + 'static> Listing for ListRequest<T> {
    type Item = T;
    type Token = u64;

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    /// The paginator of this listing. Records per page are `$top`: 1 to 100 (default
    /// 100, and never more than the limit); a larger or zero page size, and a typed
    /// filter the builder refused ([`FilterTooLarge`]), are refused with
    /// [`Error::Config`] before anything is sent.
    fn paginator(self) -> Result<Paginator<T, u64>> {
        if let Some(limit) = self.refused {
            return Err(limit.into());
        }
        if let Some(size) = self.options.page_size
            && (size == 0 || size > MAX_PAGE_SIZE)
        {
            return Err(Error::config(format!(
                "Kaseya VSA pages hold 1 to {MAX_PAGE_SIZE} records; {size} was asked"
            )));
        }
        let top = self.options.effective_page_size(MAX_PAGE_SIZE);
        let query = self.query();
        let operation = match self.request.operation_name() {
            "" => "list".to_owned(),
            name => name.to_owned(),
        };
        let template = self.request.clear_query().operation(operation);
        let client = self.client;
        let skip = self.skip;
        let paginator = Paginator::new_undecoded(0u64, move |offset: u64| {
            // The page is built from its typed offset: nothing is parsed back.
            let request = template
                .clone()
                .query_pairs(query.iter().cloned())
                .query("$skip", skip.saturating_add(offset).to_string())
                .query("$top", top.to_string());
            let page = client.read_page(request);
            let client = client.clone();
            async move {
                let response = page.await?;
                // Decoded when the listing reaches the page, not by a look-ahead task:
                // a page read ahead waits as its raw bytes.
                Ok(Undecoded::new(move || {
                    let envelope: Enveloped<Option<Vec<T>>> = decode_envelope(&response)?;
                    let items = envelope.result.unwrap_or_default();
                    let len = u64::try_from(items.len()).unwrap_or(u64::MAX);
                    client.inner.shared.records.fetch_add(len, Ordering::SeqCst);
                    let mut fetched = Fetched::new(items).with_fingerprint(response.fingerprint());
                    match envelope.total_records {
                        Some(total) => {
                            fetched = fetched
                                .with_total(total.saturating_sub(skip))
                                .with_next(offset.saturating_add(len));
                        }
                        // Without a total, a short page is the last one.
                        None if len >= u64::from(top) => {
                            fetched = fetched.with_next(offset.saturating_add(len));
                        }
                        None => {}
                    }
                    Ok(fetched)
                }))
            }
        })
        .seek(|offset| offset);
        Ok(self.options.apply(paginator, true))
    }
}

impl Client {
    /// One page of a listing, undecoded (its envelope's `ResponseCode` checked): the
    /// listing decodes it when it reaches it.
    fn read_page(&self, request: Request) -> Call<Response> {
        Call::raw(self.service(), Ok(request), false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_lifetimes_never_overflow() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
        assert!(later(now, Duration::MAX) > now);
        assert_eq!(
            later(now, Duration::from_secs(60)),
            now + Duration::from_secs(60)
        );
        for at in [
            chrono::DateTime::<chrono::Utc>::MAX_UTC,
            chrono::DateTime::<chrono::Utc>::MIN_UTC,
            chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        ] {
            // Whatever the platform holds: a time or `None`, never a panic.
            let _ = system_time(at);
        }
        let at = chrono::DateTime::parse_from_rfc3339("1969-12-31T23:59:58.5Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            system_time(at),
            Some(SystemTime::UNIX_EPOCH - Duration::from_millis(1_500))
        );
    }

    #[test]
    fn names_that_would_change_the_path_are_refused() {
        for bad in [
            "", ".", "..", "...", ". .", "a/..", "..\\b", "x/./y", "/ ./",
        ] {
            assert!(name_segment("name", bad).is_err(), "{bad:?}");
        }
        for good in ["a", "a.b", ".hidden", "..a", "a b", "a/b", "R&D #1", "x%2e"] {
            assert_eq!(name_segment("name", good).unwrap(), good);
        }
    }
}
