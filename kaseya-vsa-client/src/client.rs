//! The VSA client: configuration, the token lifecycle, the response envelope, and the
//! generic calls every resource module is built from.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use futures_util::stream::BoxStream;
use msp_common::paginate::{Page, PageRequest, Paginator, PagingStyle};
use msp_common::retry::{Clock, Jitter};
use msp_common::secret::{ExposeSecret, SecretString};
use msp_common::{
    ApiError, Request, Response, RetryPolicy, StatusCode, Transport, TransportOptions, Url,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::auth::{Credentials, random_number};
use crate::odata::{Filter, OrderBy};
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
#[must_use]
pub struct ClientBuilder {
    server: Option<String>,
    credentials: Option<Credentials>,
    transport: TransportOptions,
    random: Option<RandomSource>,
    renew_margin: Duration,
    renew_after_records: u64,
    fallback_token_lifetime: Duration,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("server", &self.server)
            .field("credentials", &self.credentials)
            .field("transport", &self.transport)
            .field("renew_margin", &self.renew_margin)
            .field("renew_after_records", &self.renew_after_records)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The VSA server root (`https://vsa.example.com`); the client adds `/api/v1.0/`.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.server = Some(url.into());
        self
    }

    /// The credentials used for `/auth`. Required.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Appends an application name to the user agent.
    pub fn app_user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.transport.app_user_agent = Some(suffix.into());
        self
    }

    /// The timeout of one attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = Some(timeout);
        self
    }

    /// The connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = Some(timeout);
        self
    }

    /// The retry policy for reads (writes are never replayed).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport.retry_policy = Some(policy);
        self
    }

    /// Shares an existing `reqwest::Client`. It must not follow redirects on its own if
    /// the server redirects (this client follows same-origin redirects itself, keeping
    /// `Authorization`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport.http_client = Some(client);
        self
    }

    /// Allows a plain-`http` server (loopback tests and the simulator only).
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.transport.allow_http = allow;
        self
    }

    /// Turns TLS certificate checks **off** (lab servers with self-signed certificates).
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.transport.danger_accept_invalid_certs = accept;
        self
    }

    /// Injects the clock (token expiry and retry waits).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.transport.clock = Some(clock);
        self
    }

    /// Injects the jitter behind retry backoff.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.transport.jitter = Some(jitter);
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
    /// `SessionExpiration` carries no time zone (`"2019-03-21T11:33:04.833"`) and the
    /// guide does not say whether it is UTC or the server's local time (the answer's
    /// `OffSetInMinutes` hints at the latter; UNVERIFIED). The client reads it as UTC: on
    /// a server west of UTC the date then looks past and this fallback applies; on a
    /// server east of UTC the token is trusted too long and the server's 401 renews it —
    /// once, for every call in flight. Either way no call fails.
    pub fn fallback_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.fallback_token_lifetime = lifetime;
        self
    }

    /// Builds the client. Nothing is sent until the first call.
    pub fn build(self) -> Result<Client> {
        let server = self
            .server
            .ok_or_else(|| Error::config("Kaseya VSA: the server URL is required"))?;
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(
                "Kaseya VSA: credentials are required (Credentials::password or Credentials::personal_access_token)",
            )
        })?;
        if credentials.username().is_empty() {
            return Err(Error::config("Kaseya VSA: the user name is empty"));
        }
        let base = format!("{}/api/v1.0/", server.trim_end_matches('/'));
        let mut transport = Transport::builder(
            VENDOR,
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
        )
        .base_url(base)
        .header("Accept", "application/json")?
        .follow_redirects(false)
        .error_parser(parse_error_body)
        .options(self.transport);
        for secret in credentials.secrets() {
            transport = transport.redact(secret);
        }
        Ok(Client {
            inner: Arc::new(Inner {
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
        })
    }
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
/// See the [crate documentation](crate) for an example.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
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
        f.debug_struct("Client")
            .field("transport", &self.inner.transport)
            .field("credentials", &self.inner.credentials)
            .field("renew_after_records", &self.inner.renew_after_records)
            .finish_non_exhaustive()
    }
}

/// Who the session belongs to, from the `/auth` answer (tokens are not kept here).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct SessionInfo {
    /// `TenantId` (a string or a number on the wire)
    #[serde(rename = "TenantId", default, deserialize_with = "string_or_number")]
    pub tenant_id: Option<String>,
    /// `UserName`
    #[serde(rename = "UserName", default)]
    pub user_name: Option<String>,
    /// `RoleId`
    #[serde(rename = "RoleId", default)]
    pub role_id: Option<serde_json::Value>,
    /// `ScopeId`
    #[serde(rename = "ScopeId", default)]
    pub scope_id: Option<serde_json::Value>,
    /// `AdminId`
    #[serde(rename = "AdminId", default)]
    pub admin_id: Option<serde_json::Value>,
    /// `SessionExpiration` as the server wrote it.
    #[serde(rename = "SessionExpiration", default)]
    pub session_expiration: Option<String>,
    /// `OffSetInMinutes`
    #[serde(rename = "OffSetInMinutes", default)]
    pub offset_in_minutes: Option<i64>,
    /// `CultureInfo`
    #[serde(rename = "CultureInfo", default)]
    pub culture_info: Option<String>,
}

/// Reads a field some servers send as a string and others as a number.
fn string_or_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    })
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
    #[serde(rename = "ResponseCode", default, deserialize_with = "lenient_code")]
    response_code: Option<i64>,
    #[serde(rename = "Status", default, deserialize_with = "lenient_text")]
    status: Option<String>,
    #[serde(rename = "Error", default, deserialize_with = "lenient_text")]
    error: Option<String>,
    #[serde(rename = "Message", default, deserialize_with = "lenient_text")]
    message: Option<String>,
}

/// A `ResponseCode` as a number or a numeric string; anything else reads as absent.
fn lenient_code<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<i64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// `Status`, `Error` and `Message` as text whatever their JSON type, so an unexpected
/// shape never hides the envelope's error code.
fn lenient_text<'de, D: serde::Deserializer<'de>>(
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
    #[serde(rename = "TotalRecords", default)]
    total_records: Option<u64>,
}

/// An error the server reported inside a success status (`ResponseCode` ≠ 0), kept as
/// the detail of the [`ApiError`] (read it with `err.api().and_then(|a| a.detail::<EnvelopeError>())`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvelopeError {
    /// The HTTP status the response actually had.
    pub http_status: StatusCode,
    /// `ResponseCode`
    pub response_code: i64,
    /// `Status`
    pub status: Option<String>,
    /// `Error`
    pub error: Option<String>,
}

/// A decoded envelope: the `Result` and the `TotalRecords` when present.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Enveloped<T> {
    /// `Result`
    pub result: T,
    /// `TotalRecords`
    pub total_records: Option<u64>,
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
    let message = meta
        .error
        .clone()
        .filter(|e| !e.is_empty() && e != "None")
        .or(meta.message.clone())
        .unwrap_or_else(|| format!("ResponseCode {code}"));
    Err(ApiError::new(VENDOR, status)
        .with_body(response.bytes())
        .with_message(message)
        .with_code(code.to_string())
        .with_attempts(response.attempts())
        .with_detail(EnvelopeError {
            http_status: response.status(),
            response_code: code,
            status: meta.status,
            error: meta.error,
        })
        .into())
}

/// Decodes an enveloped answer into `T`. An empty body (204) decodes as `T` from JSON
/// `null`, so `()` and `Option<_>` accept it.
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
    check_envelope(response)?;
    let envelope: Envelope<T> = response.json()?;
    let result = match envelope.result {
        Some(result) => result,
        None => serde_json::from_value(serde_json::Value::Null).map_err(|_| {
            Error::from(msp_common::DecodeError::new(
                VENDOR,
                response.status(),
                None,
                "Result",
                "the envelope has no Result",
                response.bytes(),
            ))
        })?,
    };
    Ok(Enveloped {
        result,
        total_records: envelope.total_records,
    })
}

impl Client {
    /// Starts a builder.
    ///
    /// ```
    /// use kaseya_vsa_client::{Client, auth::Credentials};
    ///
    /// let client = Client::builder()
    ///     .server("https://vsa.example.com")
    ///     .credentials(Credentials::personal_access_token("apiuser", "pat-value"))
    ///     .build()?;
    /// assert!(!format!("{client:?}").contains("pat-value"));
    /// # Ok::<(), kaseya_vsa_client::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            server: None,
            credentials: None,
            transport: TransportOptions::default(),
            random: None,
            renew_margin: Duration::from_secs(60),
            renew_after_records: DEFAULT_RENEW_AFTER_RECORDS,
            fallback_token_lifetime: Duration::from_secs(30 * 60),
        }
    }

    /// The transport (base URL `{server}/api/v1.0/`).
    pub fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// How many times this client has called `/auth`.
    pub fn auth_count(&self) -> u64 {
        self.inner.auth_count.load(Ordering::SeqCst)
    }

    /// Authenticates now (otherwise the first call does) and returns who the session
    /// belongs to.
    pub async fn authenticate(&self) -> Result<SessionInfo> {
        let mut guard = self.inner.session.lock().await;
        let session = self.authenticate_locked(&mut guard).await?;
        Ok(session.info.clone())
    }

    /// The current session's details, if a session is open.
    pub async fn session_info(&self) -> Option<SessionInfo> {
        self.inner
            .session
            .lock()
            .await
            .as_ref()
            .map(|s| s.info.clone())
    }

    async fn authenticate_locked<'a>(&self, slot: &'a mut Option<Session>) -> Result<&'a Session> {
        let inner = &self.inner;
        let rand = (inner.random)();
        let header = inner.credentials.auth_header(&rand);
        let request = Request::get("auth")
            .operation("auth")
            .sensitive_header("Authorization", &header)?;
        let response = match inner.transport.send(request).await {
            Ok(response) => response,
            Err(err) if err.is_auth() => {
                return Err(Error::auth_with_source(
                    format!(
                        "Kaseya VSA refused the credentials of `{}` (wrong password or token, locked or disabled user, or two-factor required)",
                        inner.credentials.username()
                    ),
                    err,
                ));
            }
            Err(err) => return Err(err),
        };
        inner.auth_count.fetch_add(1, Ordering::SeqCst);
        let result: Enveloped<AuthResult> = match decode_envelope(&response) {
            Ok(result) => result,
            Err(err) if err.is_auth() || err.api().is_some() => {
                return Err(Error::auth_with_source(
                    format!(
                        "Kaseya VSA refused the credentials of `{}`",
                        inner.credentials.username()
                    ),
                    err,
                ));
            }
            Err(err) => return Err(without_auth_tokens(err, &response)),
        };
        let now = inner.transport.clock().now();
        let expires_at = result
            .result
            .info
            .session_expiration
            .as_deref()
            .and_then(parse_expiration)
            .filter(|at| *at > now + inner.renew_margin)
            .unwrap_or(now + inner.fallback_token_lifetime);
        let generation = slot.as_ref().map_or(0, |s| s.generation) + 1;
        inner.records.store(0, Ordering::SeqCst);
        tracing::debug!(generation, "Kaseya VSA session opened");
        Ok(slot.insert(Session {
            token: SecretString::from(result.result.token),
            expires_at,
            generation,
            info: result.result.info,
        }))
    }

    /// A valid token and its generation, authenticating when there is none, it is about
    /// to expire, or too many records were read on it.
    async fn token(&self) -> Result<(SecretString, u64)> {
        let mut guard = self.inner.session.lock().await;
        let now = self.inner.transport.clock().now();
        let fresh = guard.as_ref().is_some_and(|s| {
            s.expires_at > now + self.inner.renew_margin
                && self.inner.records.load(Ordering::SeqCst) < self.inner.renew_after_records
        });
        let session = match guard.as_ref() {
            Some(session) if fresh => session,
            _ => self.authenticate_locked(&mut guard).await?,
        };
        Ok((session.token.clone(), session.generation))
    }

    /// Renews after the server refused the token of `generation`; a concurrent call that
    /// already renewed it wins, so one rejection wave costs one `/auth`.
    async fn renew_after_rejection(&self, generation: u64) -> Result<SecretString> {
        let mut guard = self.inner.session.lock().await;
        if let Some(session) = guard.as_ref()
            && session.generation != generation
        {
            return Ok(session.token.clone());
        }
        tracing::info!("Kaseya VSA refused a token that looked valid; authenticating again");
        Ok(self.authenticate_locked(&mut guard).await?.token.clone())
    }

    /// Sends an authenticated request and returns the raw response (after the envelope
    /// check when the body is JSON).
    ///
    /// - a 401 (or `ResponseCode` 401) on a token that looked valid triggers one
    ///   re-authentication — shared by every call in flight — and one resend: the server
    ///   refused the request before acting on it, so even a write is safe to resend;
    /// - a same-origin redirect (301/302/307/308) is followed once with `Authorization`
    ///   kept; a redirect to another origin is an error rather than a silent loss of
    ///   credentials.
    pub async fn send(&self, request: Request) -> Result<Response> {
        self.send_checked(request, true).await
    }

    /// [`Client::send`] without the envelope check: for file downloads, whose bytes are
    /// the file itself (a JSON file holding a `ResponseCode` is not an error).
    pub(crate) async fn send_file(&self, request: Request) -> Result<Response> {
        self.send_checked(request, false).await
    }

    /// Sends with the envelope check; a read whose envelope reports a retryable code
    /// (408, 429, 502, 503, 504 inside HTTP 200) is retried by the transport's policy, as
    /// the same status on the HTTP line would be. Writes are never replayed.
    async fn send_checked(&self, request: Request, envelope: bool) -> Result<Response> {
        let transport = &self.inner.transport;
        let policy = transport.retry_policy().clone();
        let idempotent = msp_common::retry::is_idempotent_method(request.method());
        let clock = transport.clock().clone();
        let started = clock.now();
        let mut attempt = 1;
        loop {
            match self.send_authenticated(&request, envelope).await {
                Err(err)
                    if idempotent
                        && attempt < policy.max_attempts()
                        && err.is_retryable()
                        && err
                            .api()
                            .is_some_and(|a| a.detail::<EnvelopeError>().is_some()) =>
                {
                    let delay =
                        policy.delay(attempt - 1, err.retry_after(), transport.jitter().as_ref());
                    let elapsed = clock.now().duration_since(started).unwrap_or_default();
                    if !policy.fits_budget(elapsed, delay) {
                        return Err(err);
                    }
                    tracing::info!(
                        attempt,
                        "Kaseya VSA reported a retryable error inside HTTP 200; retrying"
                    );
                    clock.sleep(delay).await;
                    attempt += 1;
                }
                Err(err) if attempt > 1 => {
                    return Err(err.map_api(|api| api.with_attempts(attempt)));
                }
                Err(err) => return Err(err),
                Ok(response) => return Ok(response),
            }
        }
    }

    async fn send_authenticated(&self, request: &Request, envelope: bool) -> Result<Response> {
        let request = request.clone();
        let (token, generation) = self.token().await?;
        match self.send_with(&request, &token, envelope).await {
            Err(err) if err.status() == Some(StatusCode::UNAUTHORIZED) => {
                let token = self.renew_after_rejection(generation).await?;
                self.send_with(&request, &token, envelope).await
            }
            other => other,
        }
    }

    async fn send_with(
        &self,
        request: &Request,
        token: &SecretString,
        envelope: bool,
    ) -> Result<Response> {
        let bearer = SecretString::from(format!("Bearer {}", token.expose_secret()));
        let authed = request.clone().sensitive_header("Authorization", &bearer)?;
        let url = self.inner.transport.url_for(request)?;
        let outcome = self.inner.transport.send(authed).await;
        let response = match outcome {
            Err(err) if err.status().is_some_and(|s| s.is_redirection()) => {
                let target = redirect_target(&err, &url)?;
                tracing::debug!(to = target.path(), "following a same-origin redirect");
                let again = request
                    .clone()
                    .redirect_to(target)
                    .sensitive_header("Authorization", &bearer)?;
                self.inner.transport.send(again).await?
            }
            other => other?,
        };
        if envelope && !response.is_empty() {
            check_envelope(&response)?;
        }
        Ok(response)
    }

    /// Sends a request and decodes the envelope's `Result` into `T`.
    pub async fn call<T: DeserializeOwned>(&self, request: Request) -> Result<Enveloped<T>> {
        let response = self.send(request).await?;
        decode_envelope(&response)
    }

    /// `GET path` → `Result` as `T` (an escape hatch for endpoints this crate does not
    /// model, typed by the caller or as `serde_json::Value`).
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        Ok(self.call(Request::get(path).operation("get")).await?.result)
    }

    /// `PUT path` with a JSON body (never retried) → `Result` as `T`.
    pub async fn put<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        Ok(self
            .call(Request::put(path).operation("put").json(body)?)
            .await?
            .result)
    }

    /// `POST path` with a JSON body (never retried) → `Result` as `T`.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        Ok(self
            .call(Request::post(path).operation("post").json(body)?)
            .await?
            .result)
    }

    /// `DELETE path` (never retried) → `Result` as `T`.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        Ok(self
            .call(Request::delete(path).operation("delete"))
            .await?
            .result)
    }

    /// Sends a request whose `Result` is one record, also when the server wraps it in a
    /// one-element array (as `GET /system/machinegroups/{id}` does). An empty array is a
    /// 404 API error.
    pub(crate) async fn call_one<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        let response = self.send(request).await?;
        let raw: Enveloped<Box<serde_json::value::RawValue>> = decode_envelope(&response)?;
        let text = raw.result.get();
        if text.trim_start().starts_with('[') {
            let mut many: Vec<T> = decode_raw(&response, text.as_bytes())?;
            if many.is_empty() {
                return Err(ApiError::new(VENDOR, StatusCode::NOT_FOUND)
                    .with_message("the server answered an empty list for a single record")
                    .into());
            }
            Ok(many.swap_remove(0))
        } else {
            decode_raw(&response, text.as_bytes())
        }
    }

    /// Sends a request without a bearer token (the endpoints that need no session).
    pub(crate) async fn send_anonymous(&self, request: Request) -> Result<Response> {
        let response = self.inner.transport.send(request).await?;
        if !response.is_empty() {
            check_envelope(&response)?;
        }
        Ok(response)
    }

    /// `GET path` of a `kcb/*` endpoint, whose answer is a bare JSON map, not an envelope.
    pub async fn get_bare<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send(Request::get(path).operation("get_bare"))
            .await?
            .json()
    }

    /// A list call on `path` (segments appended to the path are encoded), streamed page
    /// by page with `$skip`/`$top`.
    pub fn list<T>(&self, path: &str) -> ListRequest<T> {
        ListRequest {
            client: self.clone(),
            request: Request::get(path),
            filter: None,
            order_by: None,
            page_size: MAX_PAGE_SIZE,
            skip: 0,
            limit: None,
            concurrency: 1,
            _marker: std::marker::PhantomData,
        }
    }

    /// A list call on a prepared request (path segments already encoded).
    pub(crate) fn list_request<T>(&self, request: Request) -> ListRequest<T> {
        let mut list = self.list("");
        list.request = request;
        list
    }

    pub(crate) fn count_records(&self, n: u64) {
        self.inner.records.fetch_add(n, Ordering::SeqCst);
    }
}

/// A decode error of an `/auth` answer, with the tokens that answer carries (`Token`,
/// `ApiToken`, …) redacted from its snippet and message: they are credentials.
fn without_auth_tokens(err: Error, response: &Response) -> Error {
    let Some(decode) = err.decode_error() else {
        return err;
    };
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
    let redactor = msp_common::secret::Redactor::new(tokens);
    let body = redactor.redact(&String::from_utf8_lossy(response.bytes()));
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

fn decode_raw<T: DeserializeOwned>(response: &Response, bytes: &[u8]) -> Result<T> {
    msp_common::http::decode_json(VENDOR, response.status(), response.headers(), bytes)
        .map_err(Error::from)
}

fn redirect_target(err: &Error, from: &Url) -> Result<Url> {
    let location = err
        .api()
        .and_then(|api| api.header("location"))
        .ok_or_else(|| Error::protocol("Kaseya VSA answered a redirect without a Location"))?;
    let target = from.join(location).map_err(|_| {
        Error::protocol(format!(
            "Kaseya VSA redirected to an invalid URL `{location}`"
        ))
    })?;
    if target.origin() != from.origin() {
        return Err(Error::protocol(format!(
            "Kaseya VSA redirected to another origin ({}); not following it with credentials",
            target.origin().ascii_serialization()
        )));
    }
    Ok(target)
}

fn parse_expiration(text: &str) -> Option<SystemTime> {
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(dt.into());
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(naive.and_utc().into())
}

/// A list call: `$filter`, `$orderby`, paging, streamed. Built by the resource modules
/// (for example [`crate::agents::Agents::list`]) or [`Client::list`].
#[must_use = "a list request does nothing until streamed"]
pub struct ListRequest<T> {
    client: Client,
    request: Request,
    filter: Option<String>,
    order_by: Option<String>,
    page_size: u32,
    skip: u64,
    limit: Option<u64>,
    concurrency: usize,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("request", &self.request)
            .field("filter", &self.filter)
            .field("order_by", &self.order_by)
            .field("page_size", &self.page_size)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    /// Sets `$filter` from the typed builder.
    pub fn filter(mut self, filter: Filter) -> Self {
        self.filter = Some(filter.to_string());
        self
    }

    /// Sets `$filter` from a hand-written expression.
    pub fn filter_raw(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
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

    /// Records per page (`$top`, 1 to 100; default 100). Larger values are refused by
    /// [`ListRequest::stream`] with a configuration error.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Skips the first `n` records (`$skip`).
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }

    /// Stops after `n` records.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Keeps up to `n` page requests in flight once the total is known (default 1: one
    /// page fetched ahead while the current one is consumed).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The query parameters this call sends besides paging.
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

    /// Streams every record, page by page (`$top` records per request, `TotalRecords`
    /// driving the end), fetching the next page while the current one is consumed.
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        use futures_util::StreamExt;
        if self.page_size == 0 || self.page_size > MAX_PAGE_SIZE {
            let err = Error::config(format!(
                "Kaseya VSA pages hold 1 to {MAX_PAGE_SIZE} records; {} was asked",
                self.page_size
            ));
            return futures_util::stream::once(async move { Err(err) }).boxed();
        }
        let query = self.query();
        let client = self.client.clone();
        let template = self.request.clone();
        let skip = self.skip;
        let mut paginator = Paginator::new(
            query,
            // A listing stopped after a few records asks for no more than it keeps.
            PagingStyle::offset(
                "$skip",
                "$top",
                self.limit.map_or(self.page_size, |limit| {
                    self.page_size
                        .min(u32::try_from(limit.max(1)).unwrap_or(u32::MAX))
                }),
            ),
            move |page: PageRequest| {
                let client = client.clone();
                let mut request = template.clone();
                async move {
                    // `$skip` from the engine counts from our starting offset.
                    let mut query: Vec<(String, String)> = page.query.clone();
                    for (k, v) in &mut query {
                        if k == "$skip" {
                            let offset: u64 = v.parse().unwrap_or(0);
                            *v = (offset + skip).to_string();
                        }
                    }
                    request = request.clear_query().query_pairs(query).operation("list");
                    let response = client.send(request).await?;
                    let envelope: Enveloped<Option<Vec<T>>> = decode_envelope(&response)?;
                    let items = envelope.result.unwrap_or_default();
                    client.count_records(items.len() as u64);
                    let mut page = Page::new(items).with_fingerprint(response.fingerprint());
                    if let Some(total) = envelope.total_records {
                        page = page.with_total(total.saturating_sub(skip));
                    }
                    Ok(page)
                }
            },
        )
        .look_ahead(true)
        .concurrency(self.concurrency);
        if let Some(limit) = self.limit {
            paginator = paginator.max_items(limit);
        }
        paginator.items()
    }

    /// Collects every record.
    pub async fn collect(self) -> Result<Vec<T>> {
        use futures_util::TryStreamExt;
        self.stream().try_collect().await
    }
}
