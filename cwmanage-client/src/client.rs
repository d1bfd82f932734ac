//! The [`Client`] and its builder.

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;
use msp_common::call::Authorization;
use msp_common::secret::{ExposeSecret, Redactor, SecretString};
use msp_common::{
    Call, ClientOptions, Error, Method, Raw, Request, Response, Result, Service, Transport,
    WriteMode,
};
use serde::de::DeserializeOwned;

use crate::auth::Credentials;
use crate::error::{ErrorExt, parse_error};
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

/// Builds a [`Client`]; obtained from [`Client::builder`].
///
/// The shared setters (`base_url`, `user_agent`, `timeout`, `no_timeout`,
/// `connect_timeout`, `max_response_bytes`, `allow_http`, `danger_accept_invalid_certs`,
/// `retry_policy`, `http_client`, `write_mode`, `clock`, `jitter`) are the ones of every
/// msp-sdk crate (see [`msp_common::options`]); [`region`](Self::region),
/// [`codebase`](Self::codebase) and [`discover_codebase`](Self::discover_codebase) are
/// Manage's conveniences for `base_url`.
///
/// # The base URL
///
/// [`base_url`](Self::base_url) takes either form, and nothing else:
///
/// | form | example | codebase |
/// |---|---|---|
/// | the full API base | `https://cw.example.com/v4_6_release/apis/3.0` (trailing `/` optional, `apis` in any case) | the one in the URL |
/// | the site root | `https://cw.example.com` (or a bare host, https assumed) | [`codebase`](Self::codebase), else [`discover_codebase`](Self::discover_codebase), else [`DEFAULT_CODEBASE`] |
///
/// Any other path (`https://cw.example.com/v4_6_release`, `…/apis/3.0/service`), a
/// query, a fragment or user info in the URL is refused by [`build`](Self::build) with
/// [`Error::Config`] naming the accepted forms — never dropped silently.
/// [`region`](Self::region) sets the site root of a ConnectWise-hosted region.
///
/// ```
/// use cwmanage_client::{Client, Credentials};
///
/// let client = Client::builder()
///     .base_url("https://cw.example.com/v2025_1/apis/3.0/")
///     .credentials(Credentials::new("myco", "public-key", "private-key"))
///     .client_id("3f6bd3ac-0000-0000-0000-000000000000")
///     .build()?;
/// assert_eq!(client.base_url(), "https://cw.example.com/v2025_1/apis/3.0/");
///
/// let err = Client::builder()
///     .base_url("https://cw.example.com/v2025_1")
///     .credentials(Credentials::new("myco", "public-key", "private-key"))
///     .client_id("3f6bd3ac-0000-0000-0000-000000000000")
///     .build()
///     .unwrap_err();
/// assert!(err.to_string().contains("/apis/3.0"), "{err}");
/// # Ok::<(), cwmanage_client::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    options: ClientOptions,
    codebase: Option<String>,
    discover: bool,
    credentials: Option<Credentials>,
    client_id: Option<String>,
    api_version: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("options", &self.options)
            .field("codebase", &self.codebase)
            .field("discover", &self.discover)
            .field("credentials", &self.credentials)
            .field("client_id", &self.client_id)
            .field("api_version", &self.api_version)
            .finish()
    }
}

impl ClientBuilder {
    msp_common::client_builder_setters!(options);

    /// Uses a ConnectWise-hosted region: sets the base URL to the region's site root
    /// (`https://api-na.myconnectwise.net`), as [`base_url`](Self::base_url) would.
    pub fn region(self, region: Region) -> Self {
        self.base_url(format!("https://{}", region.host()))
    }

    /// Sets the codebase (`v4_6_release`, `v2025_1`) used with a site-root base URL;
    /// default [`DEFAULT_CODEBASE`]. A full API base URL names its codebase itself: the
    /// two must then agree.
    pub fn codebase(mut self, codebase: impl Into<String>) -> Self {
        self.codebase = Some(codebase.into());
        self
    }

    /// Discovers the codebase from `/login/companyinfo/{company}` before the first call,
    /// and again (at most once a minute) when a base that worked starts answering 404 —
    /// hosted instances move between codebases. The call that met the 404 is then sent
    /// once more, to the new base, by the transport's one request loop (the way a call
    /// refused for an expired session is resent after a new sign-in). Ignored when the
    /// codebase is given, by [`codebase`](Self::codebase) or in a full API base URL.
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

    /// Builds the client. Sends nothing.
    ///
    /// Fails with [`Error::Config`] when the base URL, the credentials or the `clientId`
    /// is missing, the base URL is not one of the [accepted forms](Self#the-base-url),
    /// or a value cannot be sent in a header.
    pub fn build(self) -> Result<Client> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::config("ConnectWise Manage credentials are required: call .credentials(Credentials::new(company_id, public_key, private_key))")
        })?;
        let client_id = self.client_id.filter(|c| !c.trim().is_empty()).ok_or_else(|| {
            Error::config(
                "a clientId is required: ConnectWise Manage has rejected requests without the `clientId` header since 2019; register your integration at https://developer.connectwise.com/ClientID and pass the GUID to .client_id(..)",
            )
        })?;
        let base = self.options.base_url.as_deref().ok_or_else(|| {
            Error::config(format!(
                "a base URL is required: call .base_url(..) with {ACCEPTED_FORMS}, or .region(Region::NorthAmerica) (or another region)"
            ))
        })?;
        let location = ApiLocation::parse(base)?;
        let given = match self.codebase.as_deref() {
            Some(codebase) => Some(check_codebase(codebase)?),
            None => None,
        };
        let codebase = match (location.codebase, given) {
            (Some(in_url), Some(given)) if in_url != given => {
                return Err(Error::config(format!(
                    "the base URL `{base}` names the codebase `{in_url}` but .codebase(..) says `{given}`; give one of them"
                )));
            }
            (in_url, given) => in_url.or(given),
        };
        let discover = self.discover && codebase.is_none();
        let codebase = codebase.unwrap_or_else(|| DEFAULT_CODEBASE.to_owned());
        let site_root = location.root;
        let accept = match &self.api_version {
            Some(v) => format!("application/vnd.connectwise.com+json; version={v}"),
            None => "application/json".to_owned(),
        };
        let builder = Transport::builder(VENDOR, USER_AGENT)
            .base_url(base_url(&site_root, &codebase))
            .sensitive_header("Authorization", credentials.authorization())?
            .redact(credentials.private_key().clone())
            .redact(bare_token(&credentials))
            .header("clientId", &client_id)?
            .header("Accept", &accept)?
            .request_id_header("x-cw-request-id")?
            .options(self.options.transport)
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
        let base = transport.base_url().to_string();
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                write_mode: self.options.write_mode,
                site: Arc::new(Site {
                    root: site_root,
                    company_id: credentials.company_id().to_owned(),
                    discover,
                    base: RwLock::new(Base {
                        url: base,
                        generation: 0,
                        discovered: false,
                        worked: false,
                    }),
                    discovering: futures_util::lock::Mutex::new(()),
                    last_recheck: Mutex::new(None),
                }),
            }),
        })
    }
}

/// The accepted forms of a base URL, for error messages.
const ACCEPTED_FORMS: &str = "the site root (`https://cw.example.com`; the codebase then comes from .codebase(..), .discover_codebase() or the default v4_6_release) or the full API base (`https://cw.example.com/v4_6_release/apis/3.0`, trailing slash optional)";

/// A base URL taken apart: the site root and the codebase it names, if any.
#[derive(Debug, PartialEq, Eq)]
struct ApiLocation {
    /// `scheme://host[:port]`.
    root: String,
    codebase: Option<String>,
}

impl ApiLocation {
    /// Reads one of the [accepted forms](ClientBuilder#the-base-url).
    fn parse(text: &str) -> Result<ApiLocation> {
        let trimmed = text.trim();
        let full = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = url::Url::parse(&full)
            .map_err(|e| Error::config(format!("the base URL `{text}` is not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            return Err(Error::config(format!(
                "the base URL `{text}` is not an http(s) URL with a host; expected {ACCEPTED_FORMS}"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            // Not echoed: it may hold a password.
            return Err(Error::config(format!(
                "the base URL holds user info (`user:password@`); credentials go in .credentials(..), and the base URL is {ACCEPTED_FORMS}"
            )));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config(format!(
                "the base URL `{text}` has a query or fragment; expected {ACCEPTED_FORMS}"
            )));
        }
        let root = url.origin().ascii_serialization();
        let path = url.path().trim_end_matches('/');
        if path.is_empty() {
            return Ok(ApiLocation {
                root,
                codebase: None,
            });
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match segments.as_slice() {
            [codebase, apis, "3.0"]
                if apis.eq_ignore_ascii_case("apis") && clean_codebase(codebase).is_some() =>
            {
                Ok(ApiLocation {
                    root,
                    codebase: clean_codebase(codebase),
                })
            }
            _ => Err(Error::config(format!(
                "the base URL `{text}` has the path `{}`, which is neither the site root nor an API base; expected {ACCEPTED_FORMS}",
                url.path()
            ))),
        }
    }
}

/// A codebase without its slashes (`v2025_1/` → `v2025_1`), when it is one path segment
/// of letters, digits, `_`, `.` and `-`.
fn clean_codebase(codebase: &str) -> Option<String> {
    let trimmed = codebase.trim().trim_matches('/');
    let valid = !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    valid.then(|| trimmed.to_owned())
}

/// [`clean_codebase`], or a config error.
fn check_codebase(codebase: &str) -> Result<String> {
    clean_codebase(codebase).ok_or_else(|| {
        Error::config(format!(
            "`{codebase}` is not a codebase (one path segment such as `v4_6_release` or `v2025_1`)"
        ))
    })
}

fn base_url(site_root: &str, codebase: &str) -> String {
    format!("{site_root}/{}/apis/3.0/", codebase.trim_matches('/'))
}

/// A ConnectWise Manage client: a cheap handle (an `Arc`) to clone into tasks.
///
/// Every call is a [`Call`]: nothing is sent until it is awaited, and
/// [`Call::preview`] shows the exact request first.
///
/// ```no_run
/// # async fn run() -> cwmanage_client::Result<()> {
/// use cwmanage_client::{Client, Credentials, Region, WriteMode};
///
/// let client = Client::builder()
///     .region(Region::NorthAmerica)
///     .codebase("v2025_1")
///     .credentials(Credentials::new("myco", "public-key", "private-key"))
///     .client_id("3f6bd3ac-0000-0000-0000-000000000000")
///     .api_version("2025.1")
///     .write_mode(WriteMode::ReadOnly)
///     .build()?;
/// let ticket = client.tickets().get(42).await?;
/// # Ok(()) }
/// ```
///
/// The escape hatch for endpoints this crate does not model is [`Raw`]
/// (`client.get(..)`, `client.post(..)`, …, `client.send(request)`), and
/// [`Client::list`] for listings.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The client as the request lifecycle sees it: its transport, write mode and the codebase
/// it talks to (see [`Service`]).
pub(crate) struct Inner {
    /// Its base URL is the configured (or default) codebase; calls are re-targeted to a
    /// discovered one in [`Service::authorize`].
    transport: Transport,
    write_mode: WriteMode,
    /// Shared by every copy made with [`Client::with_write_mode`].
    site: Arc<Site>,
}

/// Where the API is, and what is known about its codebase.
struct Site {
    root: String,
    company_id: String,
    discover: bool,
    base: RwLock<Base>,
    /// Single flight for discovery: one company-info request however many calls need it.
    discovering: futures_util::lock::Mutex<()>,
    /// When the codebase was last re-checked after a 404 (at most once a minute, so
    /// genuine "not found" answers cost little and a later move is still noticed).
    last_recheck: Mutex<Option<SystemTime>>,
}

/// The API base in use.
struct Base {
    /// `https://{host}/{codebase}/apis/3.0/`.
    url: String,
    /// Bumped whenever the base moves; handed to [`Service::renew`] so that one wave of
    /// 404s from the old base costs one re-discovery.
    generation: u64,
    /// Whether discovery has run.
    discovered: bool,
    /// Whether this base answered a call successfully (a 404 from a base that never
    /// worked is not a move).
    worked: bool,
}

/// How long after a re-check another 404 may trigger the next one.
const RECHECK_INTERVAL: Duration = Duration::from_secs(60);

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("company_id", &self.inner.site.company_id)
            .field("write_mode", &self.inner.write_mode)
            .field("transport", &self.inner.transport)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            options: ClientOptions::default(),
            codebase: None,
            discover: false,
            credentials: None,
            client_id: None,
            api_version: None,
        }
    }

    /// What the client does with writes.
    pub fn write_mode(&self) -> WriteMode {
        self.inner.write_mode
    }

    /// A copy of this client with another write mode, sharing its connection pool and
    /// what it knows of the codebase.
    ///
    /// ```
    /// # fn run(client: cwmanage_client::Client) {
    /// use cwmanage_client::WriteMode;
    /// let careful = client.with_write_mode(WriteMode::DryRun);
    /// assert_eq!(careful.write_mode(), WriteMode::DryRun);
    /// # }
    /// ```
    pub fn with_write_mode(&self, mode: WriteMode) -> Client {
        Client {
            inner: Arc::new(Inner {
                transport: self.inner.transport.clone(),
                write_mode: mode,
                site: self.inner.site.clone(),
            }),
        }
    }

    /// The base URL in use: `https://{host}/{codebase}/apis/3.0/` (it changes when the
    /// codebase is discovered).
    pub fn base_url(&self) -> String {
        self.inner.site.base().url.clone()
    }

    /// Asks the site which codebase the company is on (`GET /login/companyinfo/{company}`,
    /// outside the API base). A read.
    pub fn company_info(&self) -> Call<CompanyInfo> {
        Call::read_json(self.service(), self.inner.company_info_request())
    }

    /// A streaming list query on any collection path (the connector's *Query*), typed by
    /// the caller (`serde_json::Value` for untyped records). It pages and filters like
    /// every typed listing (see [`ListRequest`]).
    ///
    /// ```no_run
    /// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
    /// use cwmanage_client::Listing;
    /// let sites: Vec<serde_json::Value> = client
    ///     .list("company/companies/19/sites")
    ///     .fields(["id", "name"])
    ///     .collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list<T: DeserializeOwned + Send + 'static>(
        &self,
        path: impl Into<String>,
    ) -> ListRequest<T> {
        let path = path.into();
        let noun = path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        ListRequest::new(self.clone(), path, noun)
    }

    /// The client as the request lifecycle sees it.
    pub(crate) fn service(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }

    /// The full URL `request` would be sent to now (on the discovered codebase, if any).
    pub(crate) fn url_for(&self, request: &Request) -> Result<url::Url> {
        match self.inner.retarget(request)?.url() {
            Some(url) => Ok(url.clone()),
            None => self.inner.transport.url_for(request),
        }
    }
}

/// The escape hatch: `get`, `post`, `put`, `patch`, `delete` (paths relative to the API
/// base, `service/tickets`) and `send` (any [`Request`]), each a [`Call`] with previews,
/// write modes and per-call overrides.
///
/// ```no_run
/// # async fn run(client: cwmanage_client::Client) -> cwmanage_client::Result<()> {
/// use cwmanage_client::Raw;
/// let sites: Vec<serde_json::Value> =
///     client.get("company/companies/19/sites", &[("fields", "id,name")]).await?;
/// let preview = client
///     .post::<serde_json::Value, _>("procurement/products", &serde_json::json!({"catalogItem": {"id": 1}}))
///     .preview()?;
/// # Ok(()) }
/// ```
impl Raw for Client {
    fn service(&self) -> Arc<dyn Service> {
        self.inner.clone()
    }
}

impl Site {
    fn base(&self) -> std::sync::RwLockReadGuard<'_, Base> {
        self.base.read().unwrap_or_else(|e| e.into_inner())
    }

    fn base_mut(&self) -> std::sync::RwLockWriteGuard<'_, Base> {
        self.base.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn company_info_request(&self) -> Result<Request> {
        // The company id is one path segment, percent-encoded as a whole by the
        // transport, which refuses control characters and dot-segments: it can neither
        // become a scheme (`javascript:x`), nor pop a segment (`..`), nor lose a tab.
        let url = self
            .transport
            .with_base_url(&format!("{}/login/", self.site.root))?
            .url_for(&Request::get("").segments(["companyinfo", self.site.company_id.as_str()]))?;
        // Outside the API base and before any codebase is known: no session hooks.
        Ok(Request::absolute(Method::GET, url)
            .operation("company_info")
            .anonymous())
    }

    /// Sends `request` to the base in use: a request for a path under the configured
    /// base is moved to the discovered one (its query kept); absolute URLs elsewhere are
    /// left alone. Answers the base's generation.
    fn retarget(&self, request: &Request) -> Result<Authorization> {
        let base = self.site.base();
        let authorization = Authorization::new(base.generation);
        let configured = self.transport.base_url().as_str();
        if base.url == configured {
            return Ok(authorization);
        }
        let url = self.transport.url_for(request)?;
        match url.as_str().strip_prefix(configured) {
            Some(rest) => {
                let moved = url::Url::parse(&format!("{}{rest}", base.url)).map_err(|e| {
                    Error::config(format!("the discovered API base is not a valid URL: {e}"))
                })?;
                Ok(authorization.with_url(moved))
            }
            None => Ok(authorization),
        }
    }

    /// Asks the site for the codebase and moves the base there. Answers whether it
    /// moved. Callers hold `discovering`.
    async fn discover(&self) -> Result<bool> {
        let info: CompanyInfo = self
            .transport
            .execute(self.company_info_request()?, self)
            .await?
            .json()?;
        let codebase = info.codebase.ok_or_else(|| {
            Error::protocol("the company-info answer has no Codebase; cannot discover the API base")
        })?;
        // What the server says is one path segment, or nothing is sent there.
        let codebase = clean_codebase(&codebase).ok_or_else(|| {
            Error::protocol(format!(
                "the company-info answer names the codebase {codebase:?}, which is not one path segment of letters, digits, `_`, `.` and `-`; cannot discover the API base"
            ))
        })?;
        let new_base = base_url(&self.site.root, &codebase);
        // Checked like a configured base, before anything is sent there.
        self.transport.with_base_url(&new_base)?;
        let mut base = self.site.base_mut();
        base.discovered = true;
        if base.url == new_base {
            return Ok(false);
        }
        tracing::info!(base = %new_base, "ConnectWise Manage codebase discovered");
        base.url = new_base;
        base.generation += 1;
        base.worked = false;
        Ok(true)
    }

    /// Whether a 404 may trigger a codebase re-check now (and records that it does).
    fn may_recheck(&self) -> bool {
        let now = self.transport.clock().now();
        let mut last = self
            .site
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
}

/// ConnectWise Manage in the one request loop:
/// - credentials are static: `Authorization: Basic …` and `clientId` are transport
///   default headers (the first marked sensitive, so previews show it `[REDACTED]`);
/// - with [`ClientBuilder::discover_codebase`], [`Service::authorize`] discovers the
///   codebase before the first call and re-targets every call to it, and a 404 from a
///   base that worked is treated like a refused session: [`Service::renew`] asks the
///   site again (single flight, at most once a minute) and, when the base moved, the loop
///   resends the call once to the new base;
/// - error bodies are read into [`ManageError`](crate::ManageError) by the transport's error parser;
///   [`Service::map_error`] adds a hint to a 404 that is not a Manage answer (a path or
///   codebase the server does not have).
impl Service for Inner {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn write_mode(&self) -> WriteMode {
        self.write_mode
    }

    fn authorize<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        Box::pin(async move {
            if self.site.discover && !self.site.base().discovered {
                let _flight = self.site.discovering.lock().await;
                if !self.site.base().discovered {
                    self.discover().await?;
                }
            }
            self.retarget(request)
        })
    }

    fn is_session_rejected(&self, err: &Error) -> bool {
        self.site.discover && err.is_not_found() && self.site.base().worked && self.may_recheck()
    }

    fn renew(&self, generation: u64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            let _flight = self.site.discovering.lock().await;
            if self.site.base().generation != generation {
                // Another call already moved the base.
                return Ok(true);
            }
            match self.discover().await {
                Ok(moved) => Ok(moved),
                Err(err) => {
                    // The 404 stands; the company-info failure is only logged.
                    tracing::debug!(error = %err, "re-checking the codebase failed");
                    Ok(false)
                }
            }
        })
    }

    fn preview_credentials(&self, request: Request) -> Result<Request> {
        // The credentials are default headers (shown redacted); only the base may move.
        Ok(match self.retarget(&request)?.url() {
            Some(url) => request.redirect_to(url.clone()),
            None => request,
        })
    }

    fn check(&self, response: &Response) -> Result<()> {
        let worked = {
            let base = self.site.base();
            !base.worked && response.url().as_str().starts_with(&base.url)
        };
        if worked {
            self.site.base_mut().worked = true;
        }
        Ok(())
    }

    fn map_error(&self, _operation: &str, err: Error) -> Error {
        let foreign_404 = err.is_not_found() && err.manage_error().is_none();
        if !foreign_404 {
            return err;
        }
        let base = self.site.base().url.clone();
        err.map_api(|api| {
            let said = api.message().unwrap_or("not found").to_owned();
            api.with_message(format!(
                "{said} (not a ConnectWise Manage answer: the path, or the codebase of {base}, may be wrong; see ClientBuilder::codebase and discover_codebase)"
            ))
        })
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
