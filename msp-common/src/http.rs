//! The HTTP transport every vendor client is built on.
//!
//! A [`Transport`] is a thin, cheaply cloned wrapper over one shared
//! [`reqwest::Client`]. It joins paths onto the base URL segment by segment (so an id
//! holding `/` or `?` cannot change the path), percent-encodes query strings fully, sends
//! the default headers (marking credentials sensitive), the user agent
//! `{crate}/{version}` plus an optional application suffix, applies connect and request
//! timeouts, caps the size of response bodies, retries idempotent calls by the rule in
//! [`crate::retry`], decodes JSON with errors that name the failing field, and opens one
//! `tracing` span per call.
//!
//! ```no_run
//! # async fn run() -> msp_common::Result<()> {
//! use msp_common::{Request, Transport};
//! use msp_common::secret::SecretString;
//!
//! let transport = Transport::builder("Example", "example-client/0.1.0")
//!     .base_url("https://api.example.com/v1/")
//!     .sensitive_header("Authorization", SecretString::from("Bearer abc123"))?
//!     .build()?;
//!
//! #[derive(serde::Deserialize)]
//! struct Widget { id: u64, name: String }
//!
//! let widget: Widget = transport
//!     .send(Request::get("widgets/42").query("fields", "id,name"))
//!     .await?
//!     .json()?;
//! # Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::call::{Authorization, Service};
use crate::error::{ApiError, DecodeError, Error, ParsedError, Result, SNIPPET_CHARS, snippet};
use crate::retry::parse_retry_after;
use crate::retry::{Clock, Jitter, RandomJitter, RetryPolicy, SystemClock, is_idempotent_method};
use crate::secret::{ExposeSecret, REDACTED, Redactor, SecretString};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of a whole request (one attempt), body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Query strings encode everything but the unreserved characters (`A-Z a-z 0-9 - . _ ~`),
/// so `+ & # % ' "`, spaces and non-ASCII always arrive as the caller wrote them.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// Query keys additionally keep `$` (OData's `$filter`, `$top`, …) readable.
const QUERY_KEY: &AsciiSet = &QUERY_VALUE.remove(b'$');

/// What a path segment percent-encodes: what the `url` crate encodes when it pushes a
/// segment onto an `http`/`https` URL (its special-scheme path-segment set), so `/`, `?`,
/// `#`, `%` and `\` inside a segment stay inside it.
const PATH_SEGMENT: &AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

/// Percent-encodes a query string the way the transport does.
///
/// ```
/// let q = msp_common::http::encode_query([("conditions", r#"name = "A+B & C""#), ("$top", "100")]);
/// assert_eq!(q, "conditions=name%20%3D%20%22A%2BB%20%26%20C%22&$top=100");
/// ```
pub fn encode_query<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> String
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(k.as_ref(), QUERY_KEY));
        out.push('=');
        out.extend(utf8_percent_encode(v.as_ref(), QUERY_VALUE));
    }
    out
}

/// Turns an error body into what a vendor knows about it. Implemented for closures.
///
/// It must never fail; when it finds nothing it returns [`ParsedError::none`].
pub trait ErrorParser: Send + Sync {
    /// Reads an error response.
    fn parse(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ParsedError;
}

impl<F> ErrorParser for F
where
    F: Fn(StatusCode, &HeaderMap, &[u8]) -> ParsedError + Send + Sync,
{
    fn parse(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ParsedError {
        self(status, headers, body)
    }
}

/// The parser used when a vendor supplies none: it reads `message` / `Message` /
/// `error` / `Error` and `code` / `Code` from a JSON object, a bare JSON string as the
/// message, and the `<title>` of an HTML page.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultErrorParser;

impl ErrorParser for DefaultErrorParser {
    fn parse(&self, _status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ParsedError {
        default_parse(body)
    }
}

fn default_parse(body: &[u8]) -> ParsedError {
    let mut parsed = ParsedError::none();
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => {
            let text = |keys: &[&str]| {
                keys.iter().find_map(|k| match map.get(*k) {
                    Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            };
            parsed.message = text(&["message", "Message", "error_description", "error", "Error"]);
            parsed.code = text(&["code", "Code", "errorCode", "ErrorCode"]);
        }
        Ok(serde_json::Value::String(s)) if !s.is_empty() => parsed.message = Some(s),
        _ => parsed.message = html_title(body),
    }
    parsed
}

/// The text of an HTML page's `<title>`, if the body is such a page.
pub(crate) fn html_title(body: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&body[..body.len().min(8192)]);
    let lower = head.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = snippet(head[open_end..close].as_bytes(), SNIPPET_CHARS);
    (!title.is_empty()).then_some(title)
}

/// The transport settings every vendor client builder offers, kept together so a vendor
/// builder stores them in one field and forwards them in one call
/// ([`TransportBuilder::options`]). Unset values keep the transport's defaults.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct TransportOptions {
    /// Timeout of one attempt ([`TransportBuilder::timeout`]); `None` keeps the default.
    pub timeout: Option<Duration>,
    /// No timeout at all for an attempt ([`TransportBuilder::no_timeout`]); wins over
    /// `timeout`.
    pub no_timeout: bool,
    /// Connect timeout ([`TransportBuilder::connect_timeout`]).
    pub connect_timeout: Option<Duration>,
    /// Application suffix of the user agent ([`TransportBuilder::app_user_agent`]).
    pub app_user_agent: Option<String>,
    /// Retry policy ([`TransportBuilder::retry_policy`]).
    pub retry_policy: Option<RetryPolicy>,
    /// A shared `reqwest::Client` ([`TransportBuilder::http_client`]).
    pub http_client: Option<reqwest::Client>,
    /// Response size cap ([`TransportBuilder::max_response_bytes`]).
    pub max_response_bytes: Option<usize>,
    /// Allow plain-http URLs ([`TransportBuilder::allow_http`]).
    pub allow_http: bool,
    /// Turn certificate checks off ([`TransportBuilder::danger_accept_invalid_certs`]).
    pub danger_accept_invalid_certs: bool,
    /// Extra trusted authorities, PEM ([`TransportBuilder::root_certificate`]).
    pub root_certificates: Vec<Vec<u8>>,
    /// Injected clock ([`TransportBuilder::clock`]).
    pub clock: Option<Arc<dyn Clock>>,
    /// Injected jitter ([`TransportBuilder::jitter`]).
    pub jitter: Option<Arc<dyn Jitter>>,
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportOptions")
            .field("timeout", &self.timeout)
            .field("no_timeout", &self.no_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("app_user_agent", &self.app_user_agent)
            .field("retry_policy", &self.retry_policy)
            .field("http_client", &self.http_client.is_some())
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_http", &self.allow_http)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("root_certificates", &self.root_certificates.len())
            .finish_non_exhaustive()
    }
}

/// Builds a [`Transport`]. Obtained from [`Transport::builder`].
#[must_use]
pub struct TransportBuilder {
    vendor: &'static str,
    base_url: Option<String>,
    user_agent: String,
    app_user_agent: Option<String>,
    headers: HeaderMap,
    secrets: Vec<SecretString>,
    connect_timeout: Duration,
    timeout: Option<Duration>,
    max_response_bytes: usize,
    allow_http: bool,
    danger_accept_invalid_certs: bool,
    root_certificates: Vec<Vec<u8>>,
    http_client: Option<reqwest::Client>,
    same_origin_redirects: bool,
    retry_policy: RetryPolicy,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    error_parser: Arc<dyn ErrorParser>,
    request_id_headers: Vec<HeaderName>,
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("vendor", &self.vendor)
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("app_user_agent", &self.app_user_agent)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_http", &self.allow_http)
            .field(
                "danger_accept_invalid_certs",
                &self.danger_accept_invalid_certs,
            )
            .field("retry_policy", &self.retry_policy)
            .finish_non_exhaustive()
    }
}

impl TransportBuilder {
    /// Sets the base URL every request path is joined onto. Required.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Appends an application name to the user agent: `{crate}/{version} {suffix}`.
    pub fn app_user_agent(mut self, suffix: impl Into<String>) -> Self {
        self.app_user_agent = Some(suffix.into());
        self
    }

    /// Adds a header sent with every request.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let name = header_name(name)?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the value of header `{name}` is not a valid header value"
            ))
        })?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Adds a header holding a credential: it is marked sensitive (kept out of HTTP/2
    /// header compression tables and `Debug`), and its value is redacted from any error
    /// body or snippet that echoes it.
    pub fn sensitive_header(mut self, name: &str, value: SecretString) -> Result<Self> {
        let (name, header) = sensitive_header_pair(name, &value)?;
        self.headers.insert(name, header);
        self.secrets.push(value);
        Ok(self)
    }

    /// Registers a secret that is not a header (a password in a body, say) so that it is
    /// redacted from error bodies too.
    pub fn redact(mut self, secret: SecretString) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Sets the connect timeout (default 10 s). Ignored with an injected client.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the timeout of one attempt, body included (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Lets an attempt take as long as it takes (a long download, say): no timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Sets the largest response body accepted (default 16 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Allows plain `http://` URLs. Off by default: credentials would travel in clear
    /// text. Meant for loopback test servers and simulators.
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Turns TLS certificate verification **off**. Anyone on the network path can then
    /// read and change the traffic, credentials included. Only for lab servers with
    /// self-signed certificates; cannot be combined with an injected client.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// Trusts this certificate authority (PEM) besides the platform's: a private CA, or
    /// a simulator's generated one. Cannot be combined with an injected client.
    pub fn root_certificate(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Uses this `reqwest::Client` (sharing its connection pool) instead of building one.
    /// Its own TLS, proxy and connect-timeout settings apply; the request timeout, headers
    /// and user agent of this builder are still sent with every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The redirect policy, decided here once for every vendor (default: follow).
    ///
    /// The HTTP client never follows a redirect on its own; the transport does, by one
    /// rule: a call that may be replayed (a read, or one marked idempotent) follows
    /// `301`, `302`, `303`, `307` and `308` answers **to the same origin** — scheme, host
    /// and port — keeping its credentials, at most 5 hops. A redirect to another origin
    /// (an `https` → `http` downgrade included) is an [`Error::Protocol`] and sends
    /// nothing there: no credential header, cookie or body ever reaches another origin.
    /// A write never follows a redirect: it was sent once, and the `3xx` is its error.
    /// With `false`, no redirect is followed at all.
    ///
    /// An injected client ([`TransportBuilder::http_client`]) must be built with
    /// `reqwest::redirect::Policy::none()` for this rule to hold.
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.same_origin_redirects = follow;
        self
    }

    /// Sets the retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// Injects the clock used for retry waits and the budget (tests use
    /// [`crate::retry::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Injects the randomness behind full jitter.
    pub fn jitter(mut self, jitter: Arc<dyn Jitter>) -> Self {
        self.jitter = jitter;
        self
    }

    /// Sets how error bodies are parsed (default [`DefaultErrorParser`]).
    pub fn error_parser(mut self, parser: impl ErrorParser + 'static) -> Self {
        self.error_parser = Arc::new(parser);
        self
    }

    /// Adds a response header that carries the server's request id (checked before the
    /// defaults `x-request-id` and `request-id`).
    pub fn request_id_header(mut self, name: &str) -> Result<Self> {
        self.request_id_headers.insert(0, header_name(name)?);
        Ok(self)
    }

    /// Applies every set value of `options`.
    pub fn options(mut self, options: TransportOptions) -> Self {
        if let Some(t) = options.timeout {
            self.timeout = Some(t);
        }
        if options.no_timeout {
            self.timeout = None;
        }
        if let Some(t) = options.connect_timeout {
            self.connect_timeout = t;
        }
        if let Some(app) = options.app_user_agent {
            self.app_user_agent = Some(app);
        }
        if let Some(policy) = options.retry_policy {
            self.retry_policy = policy;
        }
        if let Some(client) = options.http_client {
            self.http_client = Some(client);
        }
        if let Some(bytes) = options.max_response_bytes {
            self.max_response_bytes = bytes;
        }
        if let Some(clock) = options.clock {
            self.clock = clock;
        }
        if let Some(jitter) = options.jitter {
            self.jitter = jitter;
        }
        self.allow_http |= options.allow_http;
        self.danger_accept_invalid_certs |= options.danger_accept_invalid_certs;
        self.root_certificates.extend(options.root_certificates);
        self
    }

    /// Builds the transport.
    ///
    /// Fails with [`Error::Config`] when the base URL is missing or unusable, uses plain
    /// `http` without [`TransportBuilder::allow_http`], or the HTTP client cannot be built.
    pub fn build(self) -> Result<Transport> {
        let raw = self
            .base_url
            .as_deref()
            .ok_or_else(|| Error::config(format!("{}: a base URL is required", self.vendor)))?;
        let base_url = parse_base_url(raw)?;
        check_scheme(&base_url, self.allow_http)?;
        let client = match self.http_client {
            Some(client) => {
                if !self.root_certificates.is_empty() {
                    return Err(Error::config(
                        "root_certificate cannot change an injected reqwest::Client; add the certificate to that client instead",
                    ));
                }
                if self.danger_accept_invalid_certs {
                    return Err(Error::config(
                        "danger_accept_invalid_certs cannot change an injected reqwest::Client; configure that client instead",
                    ));
                }
                client
            }
            None => {
                // With rustls on `ring` (feature `rustls-ring` alone), rustls needs its
                // process-wide provider; installing it again is a no-op.
                #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
                let _ = ring_rustls::crypto::ring::default_provider().install_default();
                let builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .redirect(reqwest::redirect::Policy::none());
                #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
                let builder = builder.danger_accept_invalid_certs(self.danger_accept_invalid_certs);
                #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
                let builder = {
                    let mut builder = builder;
                    for pem in &self.root_certificates {
                        if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
                            return Err(Error::config(
                                "a root certificate must be PEM (-----BEGIN CERTIFICATE-----)",
                            ));
                        }
                        let cert = reqwest::Certificate::from_pem(pem).map_err(|e| {
                            Error::config(format!(
                                "a root certificate is not a PEM certificate: {e}"
                            ))
                        })?;
                        builder = builder.add_root_certificate(cert);
                    }
                    builder
                };
                #[cfg(not(any(
                    feature = "rustls",
                    feature = "rustls-ring",
                    feature = "native-tls"
                )))]
                if self.danger_accept_invalid_certs || !self.root_certificates.is_empty() {
                    return Err(Error::config(
                        "danger_accept_invalid_certs and root_certificate need TLS: build with the `rustls` or `native-tls` feature",
                    ));
                }
                builder.build().map_err(|e| {
                    Error::config(format!("the HTTP client could not be built: {e}"))
                })?
            }
        };
        let user_agent = match &self.app_user_agent {
            Some(app) => format!("{} {app}", self.user_agent),
            None => self.user_agent.clone(),
        };
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::config("the user agent is not a valid header value"))?;
        let mut request_id_headers = self.request_id_headers;
        request_id_headers.extend([
            HeaderName::from_static("x-request-id"),
            HeaderName::from_static("request-id"),
        ]);
        Ok(Transport {
            inner: Arc::new(Inner {
                vendor: self.vendor,
                base_url,
                client,
                user_agent,
                headers: self.headers,
                redactor: Redactor::new(self.secrets),
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                allow_http: self.allow_http,
                same_origin_redirects: self.same_origin_redirects,
                retry_policy: self.retry_policy,
                clock: self.clock,
                jitter: self.jitter,
                error_parser: self.error_parser,
                request_id_headers,
            }),
        })
    }
}

fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| Error::config(format!("`{name}` is not a valid header name")))
}

/// A header name and its sensitive value, both checked.
pub(crate) fn sensitive_header_pair(
    name: &str,
    value: &SecretString,
) -> Result<(HeaderName, HeaderValue)> {
    let name = header_name(name)?;
    let value = sensitive_value(&name, value)?;
    Ok((name, value))
}

fn sensitive_value(name: &HeaderName, value: &SecretString) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(value.expose_secret()).map_err(|_| {
        Error::config(format!(
            "the value of header `{name}` holds characters a header cannot carry"
        ))
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Refuses a path segment the URL parser would alter: one holding a control character
/// (tab, CR and LF are silently stripped, so `".\t."` would become `..`), or any spelling
/// of a dot-segment (`.`, `..`, `%2e`, `.%2E`, …), which would pop or keep a segment and
/// send the call to another path. Refusing is chosen over percent-encoding because a
/// vendor id or name never legitimately holds these, and a request to an unintended path
/// (`DELETE …/assets/` instead of one asset) must not be possible.
fn check_segment(segment: &str) -> Result<()> {
    let control = if segment.is_ascii() {
        segment
            .bytes()
            .find(|b| b.is_ascii_control())
            .map(char::from)
    } else {
        segment.chars().find(|c| c.is_control())
    };
    if let Some(c) = control {
        return Err(Error::config(format!(
            "a path segment holds the control character U+{:04X}; it cannot be sent without changing the path",
            u32::from(c)
        )));
    }
    let dot = |s: &str| s == "." || s.eq_ignore_ascii_case("%2e");
    let is_dot_segment = dot(segment)
        || (2..=6).contains(&segment.len())
            && ["..", ".%2e", "%2e.", "%2e%2e"]
                .iter()
                .any(|form| segment.eq_ignore_ascii_case(form));
    if is_dot_segment {
        return Err(Error::config(format!(
            "`{segment}` cannot be sent as a path segment: it is a dot-segment and would change the path"
        )));
    }
    Ok(())
}

fn parse_base_url(raw: &str) -> Result<Url> {
    let mut url = Url::parse(raw).map_err(|e| {
        Error::config(format!(
            "the base URL `{raw}` is not a valid absolute URL: {e}"
        ))
    })?;
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(Error::config(format!("the base URL `{raw}` has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL `{raw}` must not carry a query or fragment"
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn check_scheme(url: &Url, allow_http: bool) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_http => Ok(()),
        "http" => Err(Error::config(format!(
            "refusing plain-http URL for {}: credentials would be sent unencrypted; use https, or allow_http(true) for a loopback test server",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(Error::config(format!("unsupported URL scheme `{other}`"))),
    }
}

struct RedactedHeaders<'a>(&'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if value.is_sensitive() {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), &value.to_str().unwrap_or("<binary>"));
            }
        }
        map.finish()
    }
}

/// A cheaply cloned handle on one configured HTTP client. See the [module docs](self).
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    vendor: &'static str,
    base_url: Url,
    client: reqwest::Client,
    user_agent: HeaderValue,
    headers: HeaderMap,
    redactor: Redactor,
    timeout: Option<Duration>,
    max_response_bytes: usize,
    allow_http: bool,
    same_origin_redirects: bool,
    retry_policy: RetryPolicy,
    clock: Arc<dyn Clock>,
    jitter: Arc<dyn Jitter>,
    error_parser: Arc<dyn ErrorParser>,
    request_id_headers: Vec<HeaderName>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Transport")
            .field("vendor", &i.vendor)
            .field("base_url", &i.base_url.as_str())
            .field("user_agent", &i.user_agent)
            .field("headers", &RedactedHeaders(&i.headers))
            .field("timeout", &i.timeout)
            .field("max_response_bytes", &i.max_response_bytes)
            .field("retry_policy", &i.retry_policy)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// Starts a builder. `vendor` names the vendor in errors and traces
    /// (`"ConnectWise Manage"`); `user_agent` is the crate's `{name}/{version}`.
    pub fn builder(vendor: &'static str, user_agent: impl Into<String>) -> TransportBuilder {
        TransportBuilder {
            vendor,
            base_url: None,
            user_agent: user_agent.into(),
            app_user_agent: None,
            headers: HeaderMap::new(),
            secrets: Vec::new(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            timeout: Some(DEFAULT_TIMEOUT),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_http: false,
            danger_accept_invalid_certs: false,
            root_certificates: Vec::new(),
            http_client: None,
            same_origin_redirects: true,
            retry_policy: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            jitter: Arc::new(RandomJitter),
            error_parser: Arc::new(DefaultErrorParser),
            request_id_headers: Vec::new(),
        }
    }

    /// The vendor name given to the builder.
    pub fn vendor(&self) -> &'static str {
        self.inner.vendor
    }

    /// The base URL (always ending in `/`).
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The default retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// The clock used for retries (vendor crates use it for token expiry too).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The jitter used for retry backoff (vendor crates that retry at their own level
    /// use it too).
    pub fn jitter(&self) -> &Arc<dyn Jitter> {
        &self.inner.jitter
    }

    /// The underlying `reqwest::Client`.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.client
    }

    /// A transport sharing this one's client and settings with another base URL (for a
    /// rediscovered codebase, say).
    pub fn with_base_url(&self, url: &str) -> Result<Transport> {
        let base_url = parse_base_url(url)?;
        check_scheme(&base_url, self.inner.allow_http)?;
        let mut inner = (*self.inner).clone();
        inner.base_url = base_url;
        Ok(Transport {
            inner: Arc::new(inner),
        })
    }

    /// The full URL a request would be sent to: the base URL, the request's path
    /// segments each percent-encoded, and the encoded query.
    ///
    /// ```
    /// use msp_common::{Request, Transport};
    ///
    /// let t = Transport::builder("Example", "x/1").base_url("https://h.example/api/3.0").build()?;
    /// let url = t.url_for(&Request::get("").segments(["tickets", "a/b?c"]).query("q", "x y"))?;
    /// assert_eq!(url.as_str(), "https://h.example/api/3.0/tickets/a%2Fb%3Fc?q=x%20y");
    /// # Ok::<(), msp_common::Error>(())
    /// ```
    pub fn url_for(&self, request: &Request) -> Result<Url> {
        let mut url = match &request.target {
            Target::Path(segments) => {
                let base = &self.inner.base_url;
                if base.cannot_be_a_base() {
                    return Err(Error::config("the base URL cannot carry a path"));
                }
                // The new path is written once and set once: pushing segment by segment
                // re-serializes the URL at every push.
                let base_path = base.path();
                let base_path = base_path.strip_suffix('/').unwrap_or(base_path);
                let mut path = String::with_capacity(
                    base_path.len() + segments.iter().map(|s| s.len() + 1).sum::<usize>(),
                );
                path.push_str(base_path);
                for segment in segments {
                    check_segment(segment)?;
                    path.push('/');
                    path.extend(utf8_percent_encode(segment, PATH_SEGMENT));
                }
                if path.is_empty() {
                    path.push('/');
                }
                let mut url = base.clone();
                url.set_path(&path);
                url
            }
            Target::Absolute(url) => {
                check_scheme(url, self.inner.allow_http)?;
                url.clone()
            }
        };
        if !request.query.is_empty() {
            let extra = encode_query(request.query.iter().map(|(k, v)| (k, v)));
            let full = match url.query() {
                Some(existing) if !existing.is_empty() => format!("{existing}&{extra}"),
                _ => extra,
            };
            url.set_query(Some(&full));
        }
        Ok(url)
    }

    /// Checks what [`Transport::url_for`] checks, without building the URL.
    fn check_target(&self, request: &Request) -> Result<()> {
        match &request.target {
            Target::Path(segments) => segments.iter().try_for_each(|s| check_segment(s)),
            Target::Absolute(url) => check_scheme(url, self.inner.allow_http),
        }
    }

    /// What `request` would send, without sending it: for dry runs and logging.
    /// Sensitive header values are replaced by [`REDACTED`], and so is every secret the
    /// request registered ([`Request::redact`], [`Request::sensitive_header`]) wherever
    /// it appears in the body (a password in a JSON body, say).
    pub fn preview(&self, request: &Request) -> Result<RequestPreview> {
        let url = self.url_for(request)?;
        let mut headers = Vec::new();
        let mut push = |name: &HeaderName, value: &HeaderValue| {
            let shown = if value.is_sensitive() {
                REDACTED.to_owned()
            } else {
                value.to_str().unwrap_or("<binary>").to_owned()
            };
            headers.push((name.as_str().to_owned(), shown));
        };
        push(&USER_AGENT, &self.inner.user_agent);
        let defaults = request
            .default_headers
            .then_some(&self.inner.headers)
            .into_iter()
            .flatten();
        for (name, value) in defaults.chain(request.headers.iter()) {
            push(name, value);
        }
        if let Some((_, ct)) = &request.body {
            push(&CONTENT_TYPE, ct);
        }
        Ok(RequestPreview {
            method: request.method.clone(),
            url: url.to_string(),
            headers,
            body: request.body.as_ref().map(|(b, _)| {
                let text = String::from_utf8_lossy(b);
                if request.secrets.is_empty() {
                    text.into_owned()
                } else {
                    Redactor::new(request.secrets.iter().cloned()).redact(&text)
                }
            }),
        })
    }

    /// Sends a request, retrying it when the rule of [`crate::retry`] allows, and returns
    /// the response when its status is a success (2xx).
    ///
    /// Any other status gives [`Error::Api`], with the vendor's parsed error, the request
    /// id and the body (truncated, secrets redacted). This is [`Transport::execute`]
    /// without vendor hooks.
    pub async fn send(&self, request: Request) -> Result<Response> {
        self.execute(request, self).await
    }

    /// The one request loop every call of every vendor crate goes through: attach
    /// credentials ([`Service::authorize`]), send, check the answer ([`Service::check`]),
    /// and then decide once, for every kind of failure, whether to stop, sign in again
    /// and resend once ([`Service::renew`]), or retry:
    ///
    /// - a call that may be replayed (a read, or marked [`Request::idempotent`]) is
    ///   retried on retryable errors by the call's policy (or the transport's);
    /// - a write is replayed only when the server refused it before acting: a `429`, or
    ///   a `401` answered by a fresh sign-in (at most one per call);
    /// - reads follow same-origin redirects when the transport allows it
    ///   ([`TransportBuilder::follow_redirects`]).
    ///
    /// One `tracing` span covers the whole call, recording the status, the number of
    /// attempts and of re-sign-ins.
    pub async fn execute(&self, request: Request, service: &dyn Service) -> Result<Response> {
        let idempotent = request
            .idempotent
            .unwrap_or_else(|| is_idempotent_method(&request.method));
        let policy = request
            .retry
            .clone()
            .unwrap_or_else(|| self.inner.retry_policy.clone());
        // Refused before anything is sent (a sign-in included).
        self.check_target(&request)?;
        let span = tracing::info_span!(
            "msp_request",
            vendor = self.inner.vendor,
            operation = %request.operation,
            method = %request.method,
            path = tracing::field::Empty,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            reauths = tracing::field::Empty,
        );
        // The URL is built per attempt (a sign-in may move the base); the span shows the
        // path the call was made for, built here only when someone listens.
        if !span.is_disabled()
            && let Ok(url) = self.url_for(&request)
        {
            span.record("path", url.path());
        }
        async {
            let clock = &self.inner.clock;
            let started = clock.now();
            let mut attempt: u32 = 0;
            let mut reauths: u32 = 0;
            let finish = |attempt: u32, reauths: u32| {
                let span = tracing::Span::current();
                span.record("attempts", attempt);
                span.record("reauths", reauths);
            };
            loop {
                attempt += 1;
                let authorization = if request.anonymous {
                    Ok(Authorization::new(0))
                } else {
                    service.authorize(&request).await
                };
                let authorization = match authorization {
                    Ok(a) => a,
                    Err(err) => {
                        finish(attempt - 1, reauths);
                        return Err(err);
                    }
                };
                let generation = authorization.generation();
                let outcome = self
                    .attempt_following(&request, &authorization, idempotent)
                    .await
                    .and_then(|response| {
                        tracing::Span::current().record("status", response.status.as_u16());
                        if response.status.is_success() {
                            if !request.unchecked {
                                service.check(&response)?;
                            }
                            Ok(response)
                        } else {
                            Err(self.api_error(response))
                        }
                    });
                let err = match outcome {
                    Ok(mut response) => {
                        finish(attempt, reauths);
                        response.attempts = attempt;
                        return Ok(response);
                    }
                    Err(err) => err,
                };
                if reauths == 0 && !request.anonymous && service.is_session_rejected(&err) {
                    match service.renew(generation).await {
                        Ok(true) => {
                            reauths += 1;
                            tracing::info!(
                                attempt,
                                "the session was refused and renewed; resending once"
                            );
                            continue;
                        }
                        Ok(false) => {}
                        Err(renew_err) => {
                            finish(attempt, reauths);
                            return Err(renew_err);
                        }
                    }
                }
                let replayable = idempotent || err.status() == Some(StatusCode::TOO_MANY_REQUESTS);
                let can_retry = err.is_retryable() && replayable && attempt < policy.max_attempts();
                let delay = can_retry.then(|| {
                    policy.delay(attempt - 1, err.retry_after(), self.inner.jitter.as_ref())
                });
                let elapsed = clock.now().duration_since(started).unwrap_or_default();
                match delay {
                    Some(delay) if policy.fits_budget(elapsed, delay) => {
                        tracing::info!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            "retrying after a retryable failure"
                        );
                        clock.sleep(delay).await;
                    }
                    _ => {
                        finish(attempt, reauths);
                        return Err(err.with_attempts(attempt));
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One attempt, following same-origin redirects of replayable calls when allowed.
    async fn attempt_following(
        &self,
        request: &Request,
        authorization: &Authorization,
        idempotent: bool,
    ) -> Result<Response> {
        let redactor = self
            .inner
            .redactor
            .with(request.secrets.iter().chain(&authorization.secrets));
        let mut url = match &authorization.url {
            Some(url) => url.clone(),
            None => self.url_for(request)?,
        };
        let mut hops = 0;
        loop {
            let response = self
                .attempt(request, authorization, &url, &redactor)
                .await?;
            let redirect = matches!(response.status.as_u16(), 301 | 302 | 303 | 307 | 308);
            if !(redirect && idempotent && self.inner.same_origin_redirects) || hops >= 5 {
                return Ok(response);
            }
            let Some(location) = response.header("location") else {
                return Ok(response);
            };
            let Ok(target) = url.join(location) else {
                return Ok(response);
            };
            if target.origin() != url.origin() {
                return Err(Error::protocol(format!(
                    "{} redirected to another origin ({}); not following it with credentials",
                    self.inner.vendor,
                    target.origin().ascii_serialization()
                )));
            }
            tracing::debug!(to = target.path(), "following a same-origin redirect");
            url = target;
            hops += 1;
        }
    }

    /// Sends a request and decodes a JSON success body into `T`.
    pub async fn send_json<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        self.send(request).await?.json()
    }

    /// One attempt: send, then read the body under the size cap.
    async fn attempt(
        &self,
        request: &Request,
        authorization: &Authorization,
        url: &Url,
        redactor: &Redactor,
    ) -> Result<Response> {
        let i = &self.inner;
        // One header map, built once: the defaults, then the request's own headers
        // replacing defaults of the same name.
        let mut headers = if request.default_headers {
            i.headers.clone()
        } else {
            HeaderMap::with_capacity(request.headers.len() + 2)
        };
        headers.insert(USER_AGENT, i.user_agent.clone());
        if !request.headers.is_empty() {
            for name in request.headers.keys() {
                headers.remove(name);
            }
            for (name, value) in &request.headers {
                headers.append(name.clone(), value.clone());
            }
        }
        for (name, value) in &authorization.headers {
            headers.insert(name.clone(), value.clone());
        }
        let mut outgoing = reqwest::Request::new(request.method.clone(), url.clone());
        if let Some((body, content_type)) = &request.body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *outgoing.body_mut() = Some(body.clone().into());
        }
        *outgoing.headers_mut() = headers;
        *outgoing.timeout_mut() = request.timeout.or(i.timeout);
        let mut response = i
            .client
            .execute(outgoing)
            .await
            .map_err(|e| self.transport_error(e))?;
        let final_url = response.url().clone();
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let limit = i.max_response_bytes;
        let declared = response.content_length();
        // Sized from Content-Length (within the cap), so a body is read without regrowing.
        let mut body = BytesMut::with_capacity(
            declared.map_or(0, |len| usize::try_from(len).unwrap_or(limit).min(limit)),
        );
        let too_large = |body: &[u8], declared: Option<u64>| Error::BodyTooLarge {
            vendor: i.vendor,
            status,
            limit,
            declared,
            // Redacted before it is cut, so no piece of a secret survives the cut.
            snippet: snippet(
                redactor.redact(&String::from_utf8_lossy(body)).as_bytes(),
                SNIPPET_CHARS,
            ),
        };
        if let Some(len) = declared.filter(|len| *len > limit as u64) {
            let first = response.chunk().await.ok().flatten().unwrap_or_default();
            return Err(too_large(&first, Some(len)));
        }
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e))?
        {
            if body.len() + chunk.len() > limit {
                body.extend_from_slice(&chunk[..limit - body.len()]);
                return Err(too_large(&body, None));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            vendor: i.vendor,
            url: final_url,
            status,
            headers,
            body: body.freeze(),
            attempts: 1,
            redactor: redactor.clone(),
            retry_after_now: i.clock.now(),
        })
    }

    fn transport_error(&self, err: reqwest::Error) -> Error {
        let source = err.without_url();
        if source.is_timeout() {
            Error::Timeout {
                vendor: self.inner.vendor,
                attempts: 1,
                source,
            }
        } else {
            Error::Transport {
                vendor: self.inner.vendor,
                attempts: 1,
                source,
            }
        }
    }

    fn api_error(&self, response: Response) -> Error {
        let redactor = &response.redactor;
        // The parser only ever sees the body with known secrets redacted, so nothing it
        // keeps (message or detail) can carry an echoed credential.
        let body = redactor.redact(&String::from_utf8_lossy(&response.body));
        let mut parsed =
            self.inner
                .error_parser
                .parse(response.status, &response.headers, body.as_bytes());
        // A parser may unescape a form the body-level pass could not see (a JSON string
        // holding an escaped echo, say): what it found is redacted again.
        parsed.message = parsed.message.map(|m| redactor.redact(&m));
        parsed.code = parsed.code.map(|c| redactor.redact(&c));
        // Headers are kept for the caller (`Location`, `WWW-Authenticate`); one that
        // echoes a secret is kept as [`REDACTED`].
        let mut headers = response.headers.clone();
        for value in headers.values_mut() {
            if redactor.finds(&String::from_utf8_lossy(value.as_bytes())) {
                *value = HeaderValue::from_static(REDACTED);
            }
        }
        let mut api = ApiError::new(self.inner.vendor, response.status)
            .with_body(body.as_bytes())
            .with_parsed(parsed)
            .with_retry_after(response.retry_after())
            .with_headers(&headers);
        if let Some(id) = self
            .inner
            .request_id_headers
            .iter()
            .find_map(|name| headers.get(name)?.to_str().ok())
        {
            api = api.with_request_id(id);
        }
        api.into()
    }
}

/// What a request would send; see [`Transport::preview`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RequestPreview {
    /// The method.
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    /// The full URL, query included.
    pub url: String,
    /// Every header, sensitive values replaced by [`REDACTED`].
    pub headers: Vec<(String, String)>,
    /// The body as text, when there is one.
    pub body: Option<String>,
}

fn serialize_method<S: serde::Serializer>(
    m: &Method,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}

#[derive(Clone)]
enum Target {
    Path(Vec<String>),
    Absolute(Url),
}

/// One call to send through a [`Transport`]: method, path, query, headers, body, and
/// per-call overrides of idempotency, retries and timeout.
///
/// ```
/// use std::time::Duration;
/// use msp_common::{Request, RetryPolicy};
///
/// let req = Request::post("service/tickets")
///     .json(&serde_json::json!({"summary": "Printer on fire"}))?
///     .operation("create_ticket")
///     .retry(RetryPolicy::none())
///     .timeout(Duration::from_secs(5));
/// # Ok::<(), msp_common::Error>(())
/// ```
#[must_use]
#[derive(Clone)]
pub struct Request {
    method: Method,
    target: Target,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    secrets: Vec<SecretString>,
    body: Option<(Bytes, HeaderValue)>,
    idempotent: Option<bool>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    operation: Cow<'static, str>,
    default_headers: bool,
    anonymous: bool,
    unchecked: bool,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = match &self.target {
            Target::Path(segments) => segments.join("/"),
            Target::Absolute(url) => url.to_string(),
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &target)
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_bytes", &self.body.as_ref().map(|(b, _)| b.len()))
            .field("idempotent", &self.idempotent)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request for `path` relative to the base URL. The path is split on `/` and each
    /// segment is percent-encoded; empty segments are dropped, and `.` or `..` segments
    /// make the call fail with [`Error::Config`].
    pub fn new(method: Method, path: &str) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Request {
            method,
            target: Target::Path(segments),
            query: Vec::new(),
            headers: HeaderMap::new(),
            secrets: Vec::new(),
            body: None,
            idempotent: None,
            retry: None,
            timeout: None,
            operation: Cow::Borrowed(""),
            default_headers: true,
            anonymous: false,
            unchecked: false,
        }
    }

    /// A request to an absolute URL (a next-page link, a discovery endpoint). Its scheme
    /// is checked against the transport's `allow_http` setting.
    pub fn absolute(method: Method, url: Url) -> Self {
        let mut request = Request::new(method, "");
        request.target = Target::Absolute(url);
        request
    }

    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(path: &str) -> Self {
        Self::new(Method::POST, path)
    }

    /// `PUT path`.
    pub fn put(path: &str) -> Self {
        Self::new(Method::PUT, path)
    }

    /// `PATCH path`.
    pub fn patch(path: &str) -> Self {
        Self::new(Method::PATCH, path)
    }

    /// `DELETE path`.
    pub fn delete(path: &str) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Appends path segments, each percent-encoded as a whole (a `/` inside a segment
    /// becomes `%2F`). Use this for ids and names that come from data. A segment that is
    /// exactly `.` or `..` cannot be sent without changing the path: the call then fails
    /// with [`Error::Config`] before anything is sent.
    pub fn segments<S: AsRef<str>>(mut self, segments: impl IntoIterator<Item = S>) -> Self {
        if let Target::Path(path) = &mut self.target {
            path.extend(segments.into_iter().map(|s| s.as_ref().to_owned()));
        }
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Appends a query parameter (order is kept; repeated keys are allowed).
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Appends a query parameter when `value` is `Some`.
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Appends several query parameters.
    pub fn query_pairs<K, V>(mut self, pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        self.query
            .extend(pairs.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The query parameters so far.
    pub fn query_params(&self) -> &[(String, String)] {
        &self.query
    }

    /// Removes every query parameter.
    pub fn clear_query(mut self) -> Self {
        self.query.clear();
        self
    }

    /// Sends this request to an absolute URL instead (a redirect's `Location`), keeping
    /// method, headers and body; the query is dropped, as the URL carries its own.
    pub fn redirect_to(mut self, url: Url) -> Self {
        self.target = Target::Absolute(url);
        self.query.clear();
        self
    }

    /// Adds a header to this request.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self> {
        let name = header_name(name)?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            Error::config(format!(
                "the value of header `{name}` is not a valid header value"
            ))
        })?;
        self.headers.insert(name, value);
        Ok(self)
    }

    /// Adds a credential header to this request (marked sensitive and redacted from
    /// error bodies), such as a short-lived bearer token or a session cookie.
    pub fn sensitive_header(mut self, name: &str, value: &SecretString) -> Result<Self> {
        let (name, header) = sensitive_header_pair(name, value)?;
        self.headers.insert(name, header);
        self.secrets.push(value.clone());
        Ok(self)
    }

    /// Sends this request without the transport's default headers (its credentials, for
    /// instance) — for a URL on another service, such as a webhook signing-key endpoint.
    /// The user agent is still sent.
    pub fn without_default_headers(mut self) -> Self {
        self.default_headers = false;
        self
    }

    /// Registers a secret this request carries outside a header (a password in the
    /// body, say) so that it is redacted from any error body that echoes it.
    pub fn redact(mut self, secret: SecretString) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::config(format!("the request body cannot be encoded as JSON: {e}"))
        })?;
        self.body = Some((
            Bytes::from(bytes),
            HeaderValue::from_static("application/json"),
        ));
        Ok(self)
    }

    /// Sets a raw body with its content type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = Some((body.into(), HeaderValue::from_static(content_type)));
        self
    }

    /// Overrides whether this call may be replayed. Calls with methods other than GET,
    /// HEAD, OPTIONS and TRACE are sent once unless marked `idempotent(true)`; a read
    /// made with POST (a search, say) should be marked so.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Overrides the transport's retry policy for this call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Overrides the per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Names the operation in traces (`"list_tickets"`).
    pub fn operation(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.operation = name.into();
        self
    }

    /// Marks a request that carries no session credentials (a sign-in, a public
    /// endpoint): [`Service::authorize`] and [`Service::renew`] are not called for it.
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// Whether the request was marked [`Request::anonymous`].
    pub fn is_anonymous(&self) -> bool {
        self.anonymous
    }

    /// Marks a request whose success answer is not a vendor document (a file download):
    /// [`Service::check`] is not called for it.
    pub fn unchecked(mut self) -> Self {
        self.unchecked = true;
        self
    }

    /// Whether the request was marked [`Request::unchecked`].
    pub fn is_unchecked(&self) -> bool {
        self.unchecked
    }

    /// The operation's name (see [`Request::operation`]).
    pub fn operation_name(&self) -> &str {
        &self.operation
    }

    /// The operation's name, cheaply cloned (no allocation for a static name).
    pub(crate) fn operation_cow(&self) -> Cow<'static, str> {
        self.operation.clone()
    }

    /// Whether the call was marked idempotent or not (`None`: decided by the method).
    pub fn idempotent_override(&self) -> Option<bool> {
        self.idempotent
    }

    /// Adds a credential header whose value is not known yet, for a preview: it is shown
    /// as `[REDACTED]` like every credential.
    pub fn redacted_header(mut self, name: &str) -> Result<Self> {
        let name = header_name(name)?;
        let mut value = HeaderValue::from_static(REDACTED);
        value.set_sensitive(true);
        self.headers.insert(name, value);
        Ok(self)
    }
}

/// A response with a success status and its whole body (within the size cap).
#[derive(Clone)]
pub struct Response {
    vendor: &'static str,
    url: Url,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    attempts: u32,
    redactor: Redactor,
    retry_after_now: std::time::SystemTime,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("vendor", &self.vendor)
            .field("status", &self.status)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_bytes", &self.body.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl Response {
    /// The URL that answered (after any redirect the client followed).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// A header as text, when present and valid UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The raw body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as (lossy) text.
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// How many times the request was sent to get this response.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The redactor of the request that got this response: the transport's secrets and
    /// the request's own ([`Request::sensitive_header`], [`Request::redact`]), in every
    /// form. A [`Service::check`] or a decoder that copies part of the body into an error
    /// redacts it with this first (a server may echo the request back).
    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Whether the body is empty (or only whitespace): a 204, say.
    pub fn is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    /// A hash of the body, for spotting a server that answers the same page twice.
    pub fn fingerprint(&self) -> u64 {
        fingerprint(&self.body)
    }

    /// The `Retry-After` delay, if the response carried one.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        parse_retry_after(value, self.retry_after_now)
    }

    /// Decodes the body as JSON into `T`.
    ///
    /// An empty body, a non-JSON body (an HTML page from a proxy, say), a truncated
    /// document or a field of the wrong type gives [`Error::Decode`] naming the failing
    /// field path and showing the start of the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(self.vendor, self.status, &self.headers, &self.body).map_err(|e| {
            Error::from(e.redact(&self.redactor, &self.body)).with_attempts(self.attempts)
        })
    }

    /// Decodes a JSON array into a `Vec<T>`, with room for `capacity` items reserved
    /// up front (a page's size), so the vector is not grown — its items copied — again
    /// and again as it fills. Errors are those of [`Response::json`].
    pub fn json_vec<T: DeserializeOwned>(&self, capacity: usize) -> Result<Vec<T>> {
        decode_json_vec(
            self.vendor,
            self.status,
            &self.headers,
            &self.body,
            capacity,
        )
        .map_err(|e| Error::from(e.redact(&self.redactor, &self.body)).with_attempts(self.attempts))
    }
}

/// A 64-bit hash of a body: four independent multiply-rotate lanes over 8-byte words,
/// then the length and a final mix. Not cryptographic — it tells pages apart, and runs
/// at memory speed where `DefaultHasher` (SipHash) took about a millisecond per
/// megabyte-sized page.
fn fingerprint(bytes: &[u8]) -> u64 {
    const K: [u64; 4] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0x85EB_CA77_C2B2_AE63,
    ];
    let mut lanes = K;
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (i, word) in block.chunks_exact(8).enumerate() {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            lanes[i] = (lanes[i] ^ u64::from_le_bytes(w))
                .wrapping_mul(K[i])
                .rotate_left(31);
        }
    }
    let mut h = bytes.len() as u64;
    for lane in lanes {
        h = (h ^ lane).wrapping_mul(K[0]).rotate_left(29);
    }
    for byte in blocks.remainder() {
        h = (h ^ u64::from(*byte)).wrapping_mul(K[1]).rotate_left(23);
    }
    // The final mix of MurmurHash3.
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

/// Decodes `body` as JSON into `T`, with a [`DecodeError`] that names the failing field
/// path and shows the start of the body.
pub fn decode_json<T: DeserializeOwned>(
    vendor: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> std::result::Result<T, DecodeError> {
    // Only an error shows the content type: it is copied then, not on every decode.
    let content_type = || {
        headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::new(
            vendor,
            status,
            content_type(),
            ".",
            "expected a JSON document, got an empty body",
            body,
        ));
    }
    // The fast path decodes without tracking where it is; only a body that fails is
    // decoded again, with the path tracked, to name the failing field. A body that is
    // valid UTF-8 (as JSON must be) is checked once, in one pass, and read as text: its
    // strings and raw values are then not checked again one by one.
    let fast = match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str::<T>(text),
        Err(_) => serde_json::from_slice::<T>(body),
    };
    if let Ok(value) = fast {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let decoded = serde_path_to_error::deserialize(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        let message = if inner.is_syntax() && body.first() == Some(&b'<') {
            format!("expected JSON, got markup (an HTML or XML page?): {inner}")
        } else if inner.is_eof() {
            format!("the JSON document is cut short: {inner}")
        } else {
            inner.to_string()
        };
        DecodeError::new(vendor, status, content_type(), path, message, body)
    })?;
    // The fast path refused what follows the document (`[1] 2`): so does this one.
    de.end().map_err(|err| {
        DecodeError::new(vendor, status, content_type(), ".", err.to_string(), body)
    })?;
    Ok(decoded)
}

/// [`decode_json`] for a JSON array, into a `Vec<T>` with room for `capacity` items
/// reserved up front (no more than the body could hold).
pub fn decode_json_vec<T: DeserializeOwned>(
    vendor: &'static str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    capacity: usize,
) -> std::result::Result<Vec<T>, DecodeError> {
    if let Ok(text) = std::str::from_utf8(body) {
        let mut de = serde_json::Deserializer::from_str(text);
        let seed = VecSeed::<T> {
            // Every item takes two bytes at least (`{}` and a comma, or a digit and one).
            capacity: capacity.min(body.len() / 2),
            _t: std::marker::PhantomData,
        };
        if let Ok(items) = serde::de::DeserializeSeed::deserialize(seed, &mut de)
            && de.end().is_ok()
        {
            return Ok(items);
        }
    }
    // The error, named by the path-tracking decode.
    decode_json(vendor, status, headers, body)
}

/// A `Vec<T>` decoded with `capacity` reserved first.
struct VecSeed<T> {
    capacity: usize,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: serde::Deserialize<'de>> serde::de::DeserializeSeed<'de> for VecSeed<T> {
    type Value = Vec<T>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Vec<T>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::de::Visitor<'de> for VecSeed<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.capacity);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_decode_with_room_reserved_and_fail_as_json_does() {
        let headers = HeaderMap::new();
        let v: Vec<u32> = decode_json_vec("V", StatusCode::OK, &headers, b"[1,2,3]", 1000).unwrap();
        assert_eq!(v, [1, 2, 3]);
        assert!(v.capacity() <= 3, "no more room than the body could hold");
        let v: Vec<u32> = decode_json_vec("V", StatusCode::OK, &headers, b" [ ] ", 10).unwrap();
        assert!(v.is_empty());
        for bad in [&b"[1,\"x\"]"[..], b"[1,2", b"", b"{}", b"[1] 2"] {
            let err = decode_json_vec::<u32>("V", StatusCode::OK, &headers, bad, 10).unwrap_err();
            let same = decode_json::<Vec<u32>>("V", StatusCode::OK, &headers, bad).unwrap_err();
            assert_eq!(err.to_string(), same.to_string());
        }
    }

    #[test]
    fn fingerprints_tell_pages_apart() {
        let page = br#"[{"id":1,"summary":"Printer offline"},{"id":2,"summary":"VPN"}]"#.repeat(50);
        assert_eq!(fingerprint(&page), fingerprint(&page.clone()));
        let mut seen = std::collections::HashSet::new();
        for end in 0..page.len() {
            assert!(seen.insert(fingerprint(&page[..end])), "prefix {end}");
        }
        for at in 0..page.len() {
            let mut changed = page.clone();
            changed[at] ^= 1;
            assert_ne!(fingerprint(&changed), fingerprint(&page), "byte {at}");
        }
    }

    #[test]
    fn query_encoding_covers_the_hostile_characters() {
        let q = encode_query([("conditions", "a+b&c#d%e'f\"g h/é")]);
        assert_eq!(q, "conditions=a%2Bb%26c%23d%25e%27f%22g%20h%2F%C3%A9");
        assert_eq!(
            encode_query([("$filter", "x"), ("a b", "")]),
            "$filter=x&a%20b="
        );
    }

    #[test]
    fn default_parser_reads_common_shapes() {
        let p = default_parse(br#"{"code":"NotFound","message":"Ticket 7 not found"}"#);
        assert_eq!(p.code.as_deref(), Some("NotFound"));
        assert_eq!(p.message.as_deref(), Some("Ticket 7 not found"));
        let p = default_parse(br#""Web method does not exist""#);
        assert_eq!(p.message.as_deref(), Some("Web method does not exist"));
        let p = default_parse(b"<html><head><TITLE>502 Bad\n Gateway</TITLE></head></html>");
        assert_eq!(p.message.as_deref(), Some("502 Bad Gateway"));
        let p = default_parse(b"\xff\xfe garbage <title");
        assert!(p.message.is_none() && p.code.is_none());
        let p = default_parse(br#"{"Error":"None","ResponseCode":4001}"#);
        assert_eq!(p.message.as_deref(), Some("None"));
    }

    #[test]
    fn base_urls_are_validated() {
        let err = Transport::builder("V", "x/1")
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(err.to_string().contains("plain-http"));
        assert!(
            Transport::builder("V", "x/1")
                .base_url("http://127.0.0.1:1")
                .allow_http(true)
                .build()
                .is_ok()
        );
        for bad in ["not a url", "ftp://x/", "https://x/?a=1", "mailto:x@y"] {
            assert!(
                Transport::builder("V", "x/1")
                    .base_url(bad)
                    .build()
                    .is_err(),
                "{bad}"
            );
        }
        assert!(Transport::builder("V", "x/1").build().is_err());
    }

    #[test]
    fn previews_redact_the_secrets_a_request_registered() {
        let t = Transport::builder("V", "x/1")
            .base_url("https://h.example/api/")
            .build()
            .unwrap();
        let request = Request::post("sessions")
            .redact(SecretString::from("pw-in-the-body"))
            .json(&serde_json::json!({"User": "u", "Password": "pw-in-the-body"}))
            .unwrap();
        let body = t.preview(&request).unwrap().body.unwrap();
        assert!(body.contains(r#""Password":"[REDACTED]""#), "{body}");
        assert!(!body.contains("pw-in-the-body"));
        let plain = Request::post("x")
            .json(&serde_json::json!({"a": 1}))
            .unwrap();
        let plain = t.preview(&plain).unwrap();
        assert_eq!(plain.body.as_deref(), Some(r#"{"a":1}"#));
    }

    #[test]
    fn paths_are_joined_segment_by_segment() {
        let t = Transport::builder("V", "x/1")
            .base_url("https://h.example/v4_6_release/apis/3.0/")
            .build()
            .unwrap();
        let url = t
            .url_for(&Request::get("/service/tickets/").segments(["12 34", "#x"]))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://h.example/v4_6_release/apis/3.0/service/tickets/12%2034/%23x"
        );
        let abs = Request::absolute(Method::GET, Url::parse("http://other/x").unwrap());
        assert!(t.url_for(&abs).is_err());
    }

    /// The path is written in one pass; every segment must come out exactly as the `url`
    /// crate's own segment push writes it.
    #[test]
    fn segments_are_encoded_as_the_url_crate_pushes_them() {
        let mut samples: Vec<String> = [
            "plain",
            "12 34",
            "a/b?c",
            "#frag",
            "100%",
            "%2F",
            "%",
            "back\\slash",
            "{x}",
            "<tag>",
            "\"q\"",
            "`tick`",
            "O'Brien's PC",
            "a+b&c=d",
            "semi;colon",
            "café",
            "日本語",
            "emoji 😀",
            "~tilde",
            "|pipe|",
            "[v6]",
            "@at",
            ":colon",
            "tab-free",
            "...",
            ".x",
            "x.",
            "%2e%2e%2e",
            "a%2e",
            "$filter",
            "!*'()",
            "^caret",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        samples.extend((0x20u8..0x7f).map(|b| format!("a{}b", b as char)));
        let t = Transport::builder("V", "x/1")
            .base_url("https://h.example:8443/v4_6_release/apis/3.0/")
            .build()
            .unwrap();
        for base in [
            "https://h.example:8443/v4_6_release/apis/3.0/",
            "https://h.example/",
        ] {
            let t = t.with_base_url(base).unwrap();
            for sample in &samples {
                let ours = t
                    .url_for(&Request::get("service").segments([sample.as_str(), "x"]))
                    .unwrap();
                let mut theirs = Url::parse(base).unwrap();
                theirs
                    .path_segments_mut()
                    .unwrap()
                    .pop_if_empty()
                    .push("service")
                    .push(sample)
                    .push("x");
                assert_eq!(ours.as_str(), theirs.as_str(), "segment {sample:?}");
            }
        }
        let root = t.with_base_url("https://h.example/").unwrap();
        assert_eq!(
            root.url_for(&Request::get("")).unwrap().as_str(),
            "https://h.example/"
        );
    }
}
