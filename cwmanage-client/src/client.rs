//! The [`Client`] and its builder.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use msp_common::http::{DefaultErrorParser, ErrorParser};
use msp_common::retry::{Clock, Jitter};
use msp_common::secret::{ExposeSecret, Redactor, SecretString};
use msp_common::{
    Error, Method, ParsedError, Request, Response, Result, RetryPolicy, Transport, TransportOptions,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::auth::Credentials;
use crate::models::CompanyInfo;
use crate::query::ListRequest;

/// The vendor name used in errors and traces.
pub const VENDOR: &str = "ConnectWise Manage";

/// The codebase used when none is given or discovered.
pub const DEFAULT_CODEBASE: &str = "v4_6_release";

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A ConnectWise-hosted API region.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Region {
    /// North America: `api-na.myconnectwise.net`.
    NorthAmerica,
    /// Europe: `api-eu.myconnectwise.net`.
    Europe,
    /// Australia: `api-aus.myconnectwise.net`.
    Australia,
    /// ConnectWise's staging environment: `api-staging.connectwisedev.com`.
    Staging,
}

impl Region {
    /// The API host of the region.
    pub fn host(self) -> &'static str {
        match self {
            Region::NorthAmerica => "api-na.myconnectwise.net",
            Region::Europe => "api-eu.myconnectwise.net",
            Region::Australia => "api-aus.myconnectwise.net",
            Region::Staging => "api-staging.connectwisedev.com",
        }
    }
}

/// The error body Manage sends:
/// `{"code","message","errors":[{"code","message","resource","field","details"}]}`.
///
/// Read it back from an error with [`ManageError::of`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManageError {
    /// The error code (`InvalidObject`, `NotFound`, `Unauthorized`, …).
    #[serde(default)]
    pub code: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<String>,
    /// Per-field errors of a rejected write.
    #[serde(default)]
    pub errors: Vec<ManageFieldError>,
}

/// One entry of [`ManageError::errors`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ManageFieldError {
    /// The code (`OutOfRange`, `Required`, …).
    #[serde(default)]
    pub code: Option<String>,
    /// The message.
    #[serde(default)]
    pub message: Option<String>,
    /// The resource (`company`).
    #[serde(default)]
    pub resource: Option<String>,
    /// The field (`yearEstablished`).
    #[serde(default)]
    pub field: Option<String>,
    /// Extra details.
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}

impl ManageError {
    /// The vendor error body carried by an [`Error`], when the server sent one.
    ///
    /// ```
    /// # fn check(err: &cwmanage_client::Error) {
    /// if let Some(body) = cwmanage_client::ManageError::of(err) {
    ///     for field in &body.errors {
    ///         eprintln!("{:?}: {:?}", field.field, field.message);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn of(err: &Error) -> Option<&ManageError> {
        err.api()?.detail::<ManageError>()
    }
}

/// Parses Manage error bodies; falls back to the shared parser for anything else (HTML
/// pages from proxies, plain text).
///
/// The transport redacts the message it is given but not the typed detail, so the
/// credentials are redacted from every text of the [`ManageError`] here.
fn parse_error(
    redactor: &Redactor,
    status: msp_common::StatusCode,
    headers: &msp_common::header::HeaderMap,
    body: &[u8],
) -> ParsedError {
    match serde_json::from_slice::<ManageError>(body) {
        Ok(mut err) if err.code.is_some() || err.message.is_some() => {
            let clean = |s: &mut Option<String>| {
                if let Some(text) = s {
                    *text = redactor.redact(text);
                }
            };
            clean(&mut err.code);
            clean(&mut err.message);
            for e in &mut err.errors {
                clean(&mut e.code);
                clean(&mut e.message);
                clean(&mut e.field);
                clean(&mut e.resource);
                if let Some(details) = &e.details {
                    e.details = serde_json::from_str(&redactor.redact(&details.to_string())).ok();
                }
            }
            let mut parsed = ParsedError::none();
            if let Some(code) = &err.code {
                parsed = parsed.code(code.clone());
            }
            let mut message = err.message.clone().unwrap_or_default();
            let fields: Vec<String> = err
                .errors
                .iter()
                .filter_map(|e| match (&e.field, &e.message) {
                    (Some(f), Some(m)) => Some(format!("{f}: {m}")),
                    (None, Some(m)) => Some(m.clone()),
                    _ => None,
                })
                .collect();
            if !fields.is_empty() {
                message = format!("{message} ({})", fields.join("; "));
            }
            if !message.is_empty() {
                parsed = parsed.message(message);
            }
            parsed.detail(err)
        }
        _ => DefaultErrorParser.parse(status, headers, body),
    }
}

/// Builds a [`Client`]; obtained from [`Client::builder`].
#[must_use]
pub struct ClientBuilder {
    transport: TransportOptions,
    site: Option<String>,
    codebase: Option<String>,
    discover: bool,
    credentials: Option<Credentials>,
    client_id: Option<String>,
    api_version: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("site", &self.site)
            .field("codebase", &self.codebase)
            .field("discover", &self.discover)
            .field("credentials", &self.credentials)
            .field("client_id", &self.client_id)
            .field("api_version", &self.api_version)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Uses a ConnectWise-hosted region's API host.
    pub fn region(mut self, region: Region) -> Self {
        self.site = Some(format!("https://{}", region.host()));
        self
    }

    /// Uses an on-premise (or any) site: `https://cw.example.com` or a bare host name
    /// (https is then assumed).
    pub fn site(mut self, site: impl Into<String>) -> Self {
        self.site = Some(site.into());
        self
    }

    /// Sets the codebase (`v4_6_release`, `v2025_1`); default [`DEFAULT_CODEBASE`].
    pub fn codebase(mut self, codebase: impl Into<String>) -> Self {
        self.codebase = Some(codebase.into());
        self
    }

    /// Discovers the codebase from `/login/companyinfo/{company}` before the first call,
    /// and discovers it again (once) when a base that worked starts answering 404 — hosted
    /// instances move between codebases. Ignored when [`codebase`](Self::codebase) is set.
    pub fn discover_codebase(mut self) -> Self {
        self.discover = true;
        self
    }

    /// Sets the company id and API member keys.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Sets the integration's `clientId` (a GUID from developer.connectwise.com). Required.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Pins the API version: `Accept: application/vnd.connectwise.com+json; version=2025.1`.
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Timeout of one attempt (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.transport.timeout = Some(timeout);
        self
    }

    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport.connect_timeout = Some(timeout);
        self
    }

    /// Retry policy for reads (writes are never retried).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.transport.retry_policy = Some(policy);
        self
    }

    /// Uses this `reqwest::Client` (and its connection pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.transport.http_client = Some(client);
        self
    }

    /// Appends an application name to the user agent.
    pub fn user_agent(mut self, app: impl Into<String>) -> Self {
        self.transport.app_user_agent = Some(app.into());
        self
    }

    /// Allows a plain-http site (a loopback simulator). Never use it with a real server.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.transport.allow_http = allow;
        self
    }

    /// Injects the clock behind retry waits (tests use `msp_common::retry::ManualClock`).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.transport.clock = Some(clock);
        self
    }

    /// Injects the randomness behind retry jitter.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.transport.jitter = Some(jitter);
        self
    }

    /// Builds the client. Sends nothing.
    ///
    /// Fails with [`Error::Config`] when the site, the credentials or the `clientId` is
    /// missing, or a value cannot be sent in a header.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::config("ConnectWise Manage credentials are required: call .credentials(Credentials::new(company_id, public_key, private_key))")
        })?;
        let client_id = self.client_id.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
            Error::config(
                "a clientId is required: ConnectWise Manage has rejected requests without the `clientId` header since 2019; register your integration at https://developer.connectwise.com/ClientID and pass the GUID to .client_id(..)",
            )
        })?;
        let site = self.site.ok_or_else(|| {
            Error::config("a site is required: call .region(Region::NorthAmerica) (or another region) or .site(\"https://your-manage-host\")")
        })?;
        let site = if site.contains("://") {
            site
        } else {
            format!("https://{site}")
        };
        let site = url::Url::parse(&site)
            .map_err(|e| Error::config(format!("the site `{site}` is not a valid URL: {e}")))?;
        let site_root = format!(
            "{}://{}",
            site.scheme(),
            site.host_str()
                .ok_or_else(|| Error::config("the site has no host"))?
        ) + &site.port().map(|p| format!(":{p}")).unwrap_or_default();
        let discover = self.discover && self.codebase.is_none();
        let codebase = self.codebase.as_deref().unwrap_or(DEFAULT_CODEBASE);
        let accept = match &self.api_version {
            Some(v) => format!("application/vnd.connectwise.com+json; version={v}"),
            None => "application/json".to_owned(),
        };
        let builder = Transport::builder(VENDOR, USER_AGENT)
            .base_url(base_url(&site_root, codebase))
            .sensitive_header("Authorization", credentials.authorization())?
            .redact(credentials.private_key().clone())
            .redact(bare_token(&credentials))
            .header("clientId", &client_id)?
            .header("Accept", &accept)?
            .request_id_header("x-cw-request-id")?
            .options(self.transport)
            // Manage's API does not redirect; a 3xx becomes an API error keeping its
            // `Location`. Never following one also keeps a callback's signing-key fetch
            // on the host the caller allowed.
            .follow_redirects(false)
            .error_parser({
                let redactor = Redactor::new([
                    credentials.private_key().clone(),
                    credentials.authorization(),
                    bare_token(&credentials),
                ]);
                move |status, headers: &msp_common::header::HeaderMap, body: &[u8]| {
                    parse_error(&redactor, status, headers, body)
                }
            });
        let transport = builder.build()?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport: RwLock::new(transport),
                site_root,
                company_id: credentials.company_id().to_owned(),
                discover,
                discovered: AtomicBool::new(false),
                worked: AtomicBool::new(false),
                last_recheck: std::sync::Mutex::new(None),
            }),
        })
    }
}

fn base_url(site_root: &str, codebase: &str) -> String {
    format!("{site_root}/{}/apis/3.0/", codebase.trim_matches('/'))
}

/// A ConnectWise Manage client: a cheap handle (an `Arc`) to clone into tasks.
///
/// ```no_run
/// # async fn run() -> cwmanage_client::Result<()> {
/// use cwmanage_client::{Client, Credentials, Region};
///
/// let client = Client::builder()
///     .region(Region::NorthAmerica)
///     .codebase("v2025_1")
///     .credentials(Credentials::new("myco", "public-key", "private-key"))
///     .client_id("3f6bd3ac-0000-0000-0000-000000000000")
///     .api_version("2025.1")
///     .build()?;
/// let ticket = client.tickets().get(42).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: RwLock<Transport>,
    site_root: String,
    company_id: String,
    discover: bool,
    discovered: AtomicBool,
    worked: AtomicBool,
    /// When the codebase was last re-checked after a 404 (at most once a minute, so
    /// genuine "not found" answers cost little and a later move is still noticed).
    last_recheck: std::sync::Mutex<Option<std::time::SystemTime>>,
}

/// How long after a re-check another 404 may trigger the next one.
const RECHECK_INTERVAL: Duration = Duration::from_secs(60);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("transport", &self.transport())
            .field("company_id", &self.inner.company_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            transport: TransportOptions::default(),
            site: None,
            codebase: None,
            discover: false,
            credentials: None,
            client_id: None,
            api_version: None,
        }
    }

    /// The transport in use (its base URL changes when the codebase is re-discovered).
    pub fn transport(&self) -> Transport {
        self.inner
            .transport
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The base URL in use: `https://{host}/{codebase}/apis/3.0/`.
    pub fn base_url(&self) -> String {
        self.transport().base_url().to_string()
    }

    /// Asks the site which codebase the company is on (`/login/companyinfo/{company}`).
    pub async fn company_info(&self) -> Result<CompanyInfo> {
        let url = url::Url::parse(&format!("{}/login/companyinfo/", self.inner.site_root))
            .and_then(|u| u.join(&percent_segment(&self.inner.company_id)))
            .map_err(|e| Error::config(format!("the company-info URL is invalid: {e}")))?;
        self.transport()
            .send(Request::absolute(Method::GET, url).operation("company_info"))
            .await?
            .json()
    }

    async fn rediscover(&self) -> Result<bool> {
        let info = self.company_info().await?;
        let codebase = info.codebase.ok_or_else(|| {
            Error::protocol("the company-info answer has no Codebase; cannot discover the API base")
        })?;
        let new_base = base_url(&self.inner.site_root, &codebase);
        let current = self.transport();
        self.inner.discovered.store(true, Ordering::SeqCst);
        if current.base_url().as_str() == new_base {
            return Ok(false);
        }
        let transport = current.with_base_url(&new_base)?;
        tracing::info!(base = %new_base, "ConnectWise Manage codebase discovered");
        *self
            .inner
            .transport
            .write()
            .unwrap_or_else(|e| e.into_inner()) = transport;
        self.inner.worked.store(false, Ordering::SeqCst);
        Ok(true)
    }

    /// Whether a 404 may trigger a codebase re-check now (and records that it does).
    fn may_recheck(&self) -> bool {
        let now = self.transport().clock().now();
        let mut last = self
            .inner
            .last_recheck
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let due =
            last.is_none_or(|at| now.duration_since(at).unwrap_or_default() >= RECHECK_INTERVAL);
        if due {
            *last = Some(now);
        }
        due
    }

    /// Sends a request built by `build` (called again if the codebase moved and the call
    /// is replayed on the new base), returning the raw response.
    pub(crate) async fn execute(&self, build: impl Fn() -> Result<Request>) -> Result<Response> {
        if self.inner.discover && !self.inner.discovered.load(Ordering::SeqCst) {
            self.rediscover().await?;
        }
        match self.transport().send(build()?).await {
            Ok(response) => {
                self.inner.worked.store(true, Ordering::SeqCst);
                Ok(response)
            }
            Err(err)
                if err.is_not_found()
                    && self.inner.discover
                    && self.inner.worked.load(Ordering::SeqCst)
                    && self.may_recheck() =>
            {
                match self.rediscover().await {
                    Ok(true) => self.transport().send(build()?).await,
                    _ => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// Sends any request (the escape hatch) and returns the raw response.
    ///
    /// `path` is relative to the API base (`service/tickets`). Writes are sent once.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<Response> {
        self.execute(|| {
            let mut req = Request::new(method.clone(), path).query_pairs(query.iter().copied());
            if let Some(body) = body {
                req = req.json(body)?;
            }
            Ok(req)
        })
        .await
    }

    /// `GET path` decoded as `T` (use `serde_json::Value` for untyped access).
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T> {
        self.execute(|| Ok(Request::get(path).query_pairs(query.iter().copied())))
            .await?
            .json()
    }

    /// `POST path` with a JSON body, decoded as `T`. Sent once, never retried.
    pub async fn post<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.execute(|| Request::post(path).json(body))
            .await?
            .json()
    }

    /// `PUT path` with a JSON body (a whole-record replace), decoded as `T`. Sent once.
    pub async fn put<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.execute(|| Request::put(path).json(body)).await?.json()
    }

    /// `PATCH path` with a JSON body (usually [`PatchOp`](crate::patch::PatchOp)s), decoded
    /// as `T`. Sent once.
    pub async fn patch<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T> {
        self.execute(|| Request::patch(path).json(body))
            .await?
            .json()
    }

    /// `DELETE path`. Sent once.
    pub async fn delete(&self, path: &str) -> Result<()> {
        self.execute(|| Ok(Request::delete(path))).await.map(|_| ())
    }

    /// A streaming list query on any collection path (the connector's *Query*), typed by
    /// the caller (`serde_json::Value` for untyped records).
    ///
    /// ```no_run
    /// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
    /// use futures_util::TryStreamExt;
    /// let sites: Vec<serde_json::Value> = client
    ///     .query("company/companies/19/sites")
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn query<T: DeserializeOwned + Send + 'static>(
        &self,
        path: impl Into<String>,
    ) -> ListRequest<T> {
        ListRequest::new(self.clone(), path.into())
    }
}

/// The base64 part of the `Authorization` header, which a server may echo on its own.
fn bare_token(credentials: &Credentials) -> SecretString {
    let header = credentials.authorization();
    SecretString::from(
        header
            .expose_secret()
            .trim_start_matches("Basic ")
            .to_owned(),
    )
}

fn percent_segment(s: &str) -> String {
    let mut u = url::Url::parse("http://x/").expect("static URL");
    u.path_segments_mut().expect("base").push(s);
    u.path().trim_start_matches('/').to_owned()
}
