//! The error type shared by every crate of the workspace.
//!
//! [`Error`] is `#[non_exhaustive]` and answers the questions callers ask of it through
//! predicates — [`Error::status`], [`Error::is_not_found`], [`Error::is_retryable`],
//! [`Error::retry_after`], [`Error::is_auth`] — so no caller ever matches on message text.
//!
//! Vendor crates extend it in two ways, neither of which needs string matching:
//! - an [`ApiError`] can carry a vendor-parsed detail of any type, read back with
//!   [`ApiError::detail`] (for example ConnectWise's `errors[]` list);
//! - [`Error::Vendor`] wraps a vendor crate's own error type, read back with
//!   [`Error::vendor_error`] (for example "this ScreenConnect method is not installed").

use std::any::Any;
use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;

/// `Result` with [`Error`] as its default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A boxed error usable as a `source`.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// How many bytes of an error body an [`ApiError`] keeps.
pub const MAX_ERROR_BODY_BYTES: usize = 4096;

/// How many characters of a body an error shows in its `Display`.
pub const SNIPPET_CHARS: usize = 200;

/// Every failure of a call made through this workspace.
///
/// ```
/// use msp_common::Error;
///
/// fn advice(err: &Error) -> &'static str {
///     if err.is_not_found() {
///         "it is gone"
///     } else if err.is_auth() {
///         "check the credentials"
///     } else if err.is_retryable() {
///         "try again later"
///     } else {
///         "give up"
///     }
/// }
/// assert_eq!(advice(&Error::config("no base URL")), "give up");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status that is not a success.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered with a success status but the body could not be decoded.
    #[error(transparent)]
    Decode(Box<DecodeError>),

    /// The HTTP exchange itself failed: connection refused or reset, TLS, a body cut short.
    #[error("{vendor}: the HTTP exchange failed{}: {}", attempts_suffix(*attempts), root_cause(source))]
    Transport {
        /// The vendor the call was made to.
        vendor: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The underlying error, with any URL removed.
        #[source]
        source: reqwest::Error,
    },

    /// The request or the connection timed out.
    #[error("{vendor}: the request timed out{}: {}", attempts_suffix(*attempts), root_cause(source))]
    Timeout {
        /// The vendor the call was made to.
        vendor: &'static str,
        /// How many times the request was sent.
        attempts: u32,
        /// The underlying error, with any URL removed.
        #[source]
        source: reqwest::Error,
    },

    /// The response body was larger than the configured cap; reading it was abandoned.
    #[error(
        "{vendor}: the response body (HTTP {status}) {}; reading it was abandoned; it starts: {snippet:?}",
        too_large_reason(*declared, *limit)
    )]
    BodyTooLarge {
        /// The vendor the call was made to.
        vendor: &'static str,
        /// The status of the response.
        status: StatusCode,
        /// The configured cap, in bytes.
        limit: usize,
        /// The size the server declared (`Content-Length`), when it declared more than
        /// the cap; `None` when the body grew past the cap while it was read.
        declared: Option<u64>,
        /// The first characters of the body.
        snippet: String,
    },

    /// Credentials were refused or could not be used.
    #[error("authentication failed: {message}")]
    Auth {
        /// What went wrong, never containing a secret.
        message: Cow<'static, str>,
        /// The underlying cause, when there is one.
        #[source]
        source: Option<BoxError>,
    },

    /// The client was configured or called with values it cannot use. No request was sent.
    #[error("invalid configuration: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: Cow<'static, str>,
    },

    /// The server broke the protocol: it repeated a page or cursor, or answered a shape
    /// that cannot be right.
    #[error("protocol error: {message}")]
    Protocol {
        /// What the server did.
        message: Cow<'static, str>,
    },

    /// An error only a vendor crate knows; see [`Error::vendor_error`].
    #[error(transparent)]
    Vendor(VendorError),

    /// The call changes state and the client is read-only
    /// ([`WriteMode::ReadOnly`](crate::WriteMode::ReadOnly)). Nothing was sent.
    #[error("{vendor}: `{operation}` changes state and the client is read-only; nothing was sent")]
    ReadOnly {
        /// The vendor the call was for.
        vendor: &'static str,
        /// The call's operation name.
        operation: String,
    },

    /// The call changes state and the client is in dry-run mode
    /// ([`WriteMode::DryRun`](crate::WriteMode::DryRun)): nothing was sent; the request
    /// that would have been sent is here ([`Error::dry_run_preview`]).
    #[error("{vendor}: dry run of `{operation}`: {} {} was not sent", preview.method, preview.url)]
    DryRun {
        /// The vendor the call was for.
        vendor: &'static str,
        /// The call's operation name.
        operation: String,
        /// What would have been sent (credentials redacted).
        preview: Box<crate::http::RequestPreview>,
    },
}

/// The innermost cause of an error, as text: what actually went wrong ("connection
/// refused", "invalid peer certificate: UnknownIssuer"), said once.
pub fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut cause: &(dyn StdError + 'static) = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn too_large_reason(declared: Option<u64>, limit: usize) -> String {
    match declared {
        Some(declared) => format!(
            "was declared as {declared} bytes (Content-Length), over the {limit}-byte limit"
        ),
        None => format!("grew past the {limit}-byte limit"),
    }
}

fn attempts_suffix(attempts: u32) -> String {
    if attempts > 1 {
        format!(" after {attempts} attempts")
    } else {
        String::new()
    }
}

impl Error {
    /// A configuration error: the caller's input cannot be used; nothing was sent.
    pub fn config(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    /// An authentication error with a message that names the likely cause.
    pub fn auth(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Auth {
            message: message.into(),
            source: None,
        }
    }

    /// An authentication error caused by another error.
    pub fn auth_with_source(
        message: impl Into<Cow<'static, str>>,
        source: impl Into<BoxError>,
    ) -> Self {
        Error::Auth {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A protocol error: the server behaved in a way a correct server cannot.
    pub fn protocol(message: impl Into<Cow<'static, str>>) -> Self {
        Error::Protocol {
            message: message.into(),
        }
    }

    /// Wraps a vendor crate's own error.
    pub fn vendor<E>(vendor: &'static str, error: E) -> Self
    where
        E: StdError + Send + Sync + 'static,
    {
        Error::Vendor(VendorError {
            vendor,
            retryable: false,
            error: Box::new(error),
        })
    }

    /// The HTTP status of the response that caused this error, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            Error::BodyTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server said the resource does not exist (HTTP 404).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the server said the request conflicts with the resource's state (HTTP 409).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    /// Whether credentials were refused: an [`Error::Auth`], or HTTP 401 or 403.
    pub fn is_auth(&self) -> bool {
        matches!(self, Error::Auth { .. })
            || matches!(
                self.status(),
                Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            )
    }

    /// Whether the TLS handshake failed because of the server's certificate (unknown
    /// issuer, expired, wrong name, …). Such an error is not retried: a certificate does
    /// not fix itself between attempts, and retrying only hides a possible interception.
    pub fn is_certificate_error(&self) -> bool {
        let Error::Transport { source, .. } = self else {
            return false;
        };
        let mut cause: Option<&(dyn StdError + 'static)> = Some(source);
        while let Some(err) = cause {
            let text = err.to_string().to_ascii_lowercase();
            if text.contains("certificate") || text.contains("unknownissuer") {
                return true;
            }
            cause = err.source();
        }
        false
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the same request could succeed if sent again later: transport failures,
    /// timeouts and the statuses 408, 429, 502, 503 and 504.
    ///
    /// This says nothing about whether sending it again is *safe*: a write that failed
    /// with a retryable error may still have been applied. The transport only replays
    /// idempotent calls (see [`crate::retry`]).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => !self.is_certificate_error(),
            Error::Timeout { .. } => true,
            Error::Api(api) => crate::retry::is_retryable_status(api.status),
            Error::Vendor(vendor) => vendor.retryable,
            _ => false,
        }
    }

    /// How long the server asked the caller to wait (`Retry-After`), when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(api) => api.retry_after,
            _ => None,
        }
    }

    /// How many times the request was sent before this error (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api(api) => api.attempts,
            Error::Decode(decode) => decode.attempts,
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts,
            Error::BodyTooLarge { .. } => 1,
            _ => 0,
        }
    }

    /// The server's request id (from a header such as `x-request-id`), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(ApiError::request_id)
    }

    /// The API error, when the server answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The decode error, when a success body could not be decoded.
    pub fn decode_error(&self) -> Option<&DecodeError> {
        match self {
            Error::Decode(decode) => Some(decode),
            _ => None,
        }
    }

    /// The vendor crate's own error, when this is an [`Error::Vendor`] of type `E`.
    ///
    /// ```
    /// use msp_common::Error;
    ///
    /// #[derive(Debug, thiserror::Error)]
    /// #[error("method {0} is not installed")]
    /// struct MethodMissing(String);
    ///
    /// let err = Error::vendor("ScreenConnect", MethodMissing("GetSessions".into()));
    /// let missing = err.vendor_error::<MethodMissing>().unwrap();
    /// assert_eq!(missing.0, "GetSessions");
    /// assert_eq!(err.to_string(), "method GetSessions is not installed");
    /// ```
    pub fn vendor_error<E: StdError + 'static>(&self) -> Option<&E> {
        match self {
            Error::Vendor(vendor) => vendor.error.downcast_ref::<E>(),
            _ => None,
        }
    }

    /// The request a write would have sent, when this is an [`Error::DryRun`].
    pub fn dry_run_preview(&self) -> Option<&crate::http::RequestPreview> {
        match self {
            Error::DryRun { preview, .. } => Some(preview),
            _ => None,
        }
    }

    /// Whether a write was refused locally by the write mode (read-only or dry run), so
    /// nothing was sent.
    pub fn is_write_refused(&self) -> bool {
        matches!(self, Error::ReadOnly { .. } | Error::DryRun { .. })
    }

    /// Applies `f` to the API error inside, if this is one (to add a vendor detail or
    /// sharpen the message); other errors pass through unchanged.
    pub fn map_api(self, f: impl FnOnce(ApiError) -> ApiError) -> Self {
        match self {
            Error::Api(api) => Error::Api(Box::new(f(*api))),
            other => other,
        }
    }

    /// Sets how many times the request was sent, on the variants that count attempts.
    #[must_use]
    pub fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Error::Api(api) => api.attempts = n,
            Error::Decode(decode) => decode.attempts = n,
            Error::Transport { attempts, .. } | Error::Timeout { attempts, .. } => *attempts = n,
            _ => {}
        }
        self
    }
}

impl From<ApiError> for Error {
    fn from(api: ApiError) -> Self {
        Error::Api(Box::new(api))
    }
}

impl From<DecodeError> for Error {
    fn from(decode: DecodeError) -> Self {
        Error::Decode(Box::new(decode))
    }
}

impl From<VendorError> for Error {
    fn from(vendor: VendorError) -> Self {
        Error::Vendor(vendor)
    }
}

/// A vendor crate's own error inside [`Error::Vendor`].
#[derive(Debug)]
pub struct VendorError {
    vendor: &'static str,
    retryable: bool,
    error: BoxError,
}

impl VendorError {
    /// Wraps a vendor crate's error.
    pub fn new<E>(vendor: &'static str, error: E) -> Self
    where
        E: StdError + Send + Sync + 'static,
    {
        VendorError {
            vendor,
            retryable: false,
            error: Box::new(error),
        }
    }

    /// Marks the error as one a later identical call could get past.
    #[must_use]
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// The vendor whose crate raised this error.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    /// The wrapped error.
    pub fn inner(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.error
    }
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl StdError for VendorError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.error.source()
    }
}

/// A value a vendor crate parsed out of an error body, stored in an [`ApiError`].
///
/// Implemented for every `Debug + Send + Sync + 'static` type.
pub trait VendorDetail: Any + fmt::Debug + Send + Sync {}

impl<T: Any + fmt::Debug + Send + Sync> VendorDetail for T {}

/// What a vendor's error parser found in an error body. Every field is optional:
/// parsing an error body never fails, it only finds less.
#[derive(Debug, Default, Clone)]
#[non_exhaustive]
pub struct ParsedError {
    /// The vendor's machine-readable error code (`"InvalidObject"`, `"4034"`, …).
    pub code: Option<String>,
    /// The server's human-readable message.
    pub message: Option<String>,
    /// A richer vendor-specific value, read back with [`ApiError::detail`].
    pub detail: Option<Arc<dyn VendorDetail>>,
}

impl ParsedError {
    /// Nothing found.
    pub fn none() -> Self {
        Self::default()
    }

    /// Sets the code.
    #[must_use]
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the message.
    #[must_use]
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the vendor detail.
    #[must_use]
    pub fn detail(mut self, detail: impl VendorDetail) -> Self {
        self.detail = Some(Arc::new(detail));
        self
    }
}

/// A response whose status is not a success.
///
/// It keeps the status, the request id header when present, the body (truncated to
/// [`MAX_ERROR_BODY_BYTES`], secrets redacted), and what the vendor's parser found in it.
#[derive(Debug, Clone)]
pub struct ApiError {
    vendor: &'static str,
    status: StatusCode,
    request_id: Option<String>,
    code: Option<String>,
    message: Option<String>,
    body: String,
    body_truncated: bool,
    retry_after: Option<Duration>,
    attempts: u32,
    headers: reqwest::header::HeaderMap,
    detail: Option<Arc<dyn VendorDetail>>,
}

/// Response headers an [`ApiError`] never keeps: they carry credentials.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "set-cookie",
    "authorization",
    "proxy-authorization",
    "cookie",
];

impl ApiError {
    /// An API error for `status`, with an empty body. Vendor crates use this for errors
    /// that arrive inside a success status (Kaseya's envelope, for example).
    pub fn new(vendor: &'static str, status: StatusCode) -> Self {
        ApiError {
            vendor,
            status,
            request_id: None,
            code: None,
            message: None,
            body: String::new(),
            body_truncated: false,
            retry_after: None,
            attempts: 1,
            headers: reqwest::header::HeaderMap::new(),
            detail: None,
        }
    }

    /// Keeps the response headers (a `Location` or `WWW-Authenticate`, say), minus those
    /// that carry credentials (`Set-Cookie`, `Authorization`, `Cookie`).
    #[must_use]
    pub fn with_headers(mut self, headers: &reqwest::header::HeaderMap) -> Self {
        self.headers = headers
            .iter()
            .filter(|(name, _)| !CREDENTIAL_HEADERS.contains(&name.as_str()))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        self
    }

    /// The response headers kept (credential headers never are).
    pub fn headers(&self) -> &reqwest::header::HeaderMap {
        &self.headers
    }

    /// A response header as text, when the server sent it (credential headers are never
    /// kept).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Stores the raw body, truncated to [`MAX_ERROR_BODY_BYTES`] on a character boundary.
    #[must_use]
    pub fn with_body(mut self, body: &[u8]) -> Self {
        let (text, truncated) = truncate_lossy(body, MAX_ERROR_BODY_BYTES);
        self.body = text;
        self.body_truncated = truncated;
        self
    }

    /// Applies what a parser found in the body.
    #[must_use]
    pub fn with_parsed(mut self, parsed: ParsedError) -> Self {
        self.code = parsed.code.or(self.code);
        self.message = parsed.message.or(self.message);
        self.detail = parsed.detail.or(self.detail);
        self
    }

    /// Sets the server's message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the vendor's error code.
    #[must_use]
    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the request id.
    #[must_use]
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets the delay the server asked for.
    #[must_use]
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.retry_after = retry_after;
        self
    }

    /// Sets a vendor detail.
    #[must_use]
    pub fn with_detail(mut self, detail: impl VendorDetail) -> Self {
        self.detail = Some(Arc::new(detail));
        self
    }

    /// Sets how many times the request was sent.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// The vendor that answered.
    pub fn vendor(&self) -> &'static str {
        self.vendor
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The request id the server sent, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The vendor's error code, if the body had one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The server's message, if the body had one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The body as text (lossy UTF-8), at most [`MAX_ERROR_BODY_BYTES`] bytes.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether [`ApiError::body`] was cut short.
    pub fn body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The `Retry-After` delay, if the server sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many times the request was sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The vendor detail of type `T`, if the vendor's parser stored one.
    pub fn detail<T: Any>(&self) -> Option<&T> {
        let detail: &dyn Any = self.detail.as_deref()?;
        detail.downcast_ref::<T>()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered HTTP {}", self.vendor, self.status)?;
        match (&self.message, &self.code) {
            (Some(message), Some(code)) => write!(f, ": {message} ({code})")?,
            (Some(message), None) => write!(f, ": {message}")?,
            (None, Some(code)) => write!(f, ": {code}")?,
            (None, None) => {
                let body = self.body.trim_start().as_bytes();
                if body.first() == Some(&b'<') {
                    // Markup (a proxy's or IIS's error page): its title, never the page.
                    match crate::http::html_title(body) {
                        Some(title) => write!(f, ": {title}")?,
                        None => write!(f, ": an HTML page")?,
                    }
                } else {
                    let first_line = self.body.lines().find(|l| !l.trim().is_empty());
                    let snippet = snippet(first_line.unwrap_or("").as_bytes(), SNIPPET_CHARS);
                    if !snippet.is_empty() {
                        write!(f, ": {snippet}")?;
                    }
                }
            }
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl StdError for ApiError {}

/// A success response whose body could not be decoded into the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    vendor: &'static str,
    status: StatusCode,
    content_type: Option<String>,
    path: String,
    message: String,
    snippet: String,
    attempts: u32,
}

impl DecodeError {
    /// A decode error for a body; `path` is the field path that failed (`"items[2].id"`,
    /// `"."` for the top level) and `message` what was wrong there.
    pub fn new(
        vendor: &'static str,
        status: StatusCode,
        content_type: Option<String>,
        path: impl Into<String>,
        message: impl Into<String>,
        body: &[u8],
    ) -> Self {
        DecodeError {
            vendor,
            status,
            content_type,
            path: path.into(),
            message: message.into(),
            snippet: snippet(body, SNIPPET_CHARS),
            attempts: 1,
        }
    }

    /// The status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `Content-Type` of the response, if it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The path of the field that failed (`"."` for the document itself).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong at [`DecodeError::path`].
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The first characters of the body (at most [`SNIPPET_CHARS`]).
    pub fn snippet(&self) -> &str {
        &self.snippet
    }

    /// Redacts the secrets from the message, and takes the snippet again from `body`
    /// with its secrets redacted *before* it is cut, so that a secret straddling the
    /// snippet's end cannot leave its first characters behind.
    pub(crate) fn redact(mut self, redactor: &crate::secret::Redactor, body: &[u8]) -> Self {
        self.snippet = snippet(
            redactor.redact(&String::from_utf8_lossy(body)).as_bytes(),
            SNIPPET_CHARS,
        );
        self.message = redactor.redact(&self.message);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode the HTTP {} response",
            self.vendor, self.status
        )?;
        if let Some(ct) = &self.content_type {
            write!(f, " ({ct})")?;
        }
        write!(f, " at `{}`: {}", self.path, self.message)?;
        if self.snippet.is_empty() {
            write!(f, "; the body is empty")
        } else {
            write!(f, "; the body starts: {:?}", self.snippet)
        }
    }
}

impl StdError for DecodeError {}

/// At most `max_chars` characters of `body` as text, whitespace runs collapsed, with `…`
/// when cut.
pub fn snippet(body: &[u8], max_chars: usize) -> String {
    let (text, _) = truncate_lossy(body, max_chars.saturating_mul(4));
    let mut out = String::new();
    let mut count = 0;
    let mut last_space = false;
    for ch in text.trim().chars() {
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        if ch == ' ' && last_space {
            continue;
        }
        last_space = ch == ' ';
        if count == max_chars {
            out.push('…');
            return out;
        }
        out.push(ch);
        count += 1;
    }
    out
}

/// `body` as lossy UTF-8 text of at most `max_bytes` bytes, cut on a character boundary;
/// the flag says whether anything was cut.
pub(crate) fn truncate_lossy(body: &[u8], max_bytes: usize) -> (String, bool) {
    if body.len() <= max_bytes {
        return (String::from_utf8_lossy(body).into_owned(), false);
    }
    let mut text = String::from_utf8_lossy(&body[..max_bytes]).into_owned();
    // A multi-byte character cut in half becomes U+FFFD at the end: drop it.
    if text.ends_with('\u{FFFD}') {
        text.pop();
    }
    (text, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_includes_status_and_message_once() {
        let err: Error = ApiError::new("ConnectWise Manage", StatusCode::BAD_REQUEST)
            .with_body(br#"{"code":"InvalidObject","message":"company object is invalid"}"#)
            .with_message("company object is invalid")
            .with_code("InvalidObject")
            .with_request_id("abc-123")
            .into();
        let text = err.to_string();
        assert_eq!(
            text,
            "ConnectWise Manage answered HTTP 400 Bad Request: company object is invalid (InvalidObject) [request id abc-123]"
        );
        assert_eq!(text.matches("company object is invalid").count(), 1);
        assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(err.request_id(), Some("abc-123"));
        assert!(!err.is_retryable());
    }

    #[test]
    fn display_falls_back_to_a_bounded_snippet() {
        let body = format!("<html><body>{}</body></html>", "x".repeat(10_000));
        let err: Error = ApiError::new("Kaseya VSA", StatusCode::BAD_GATEWAY)
            .with_body(body.as_bytes())
            .into();
        let api = err.api().unwrap();
        assert!(api.body_truncated());
        assert!(api.body().len() <= MAX_ERROR_BODY_BYTES);
        assert!(err.to_string().chars().count() < SNIPPET_CHARS + 80);
        assert!(err.is_retryable());
    }

    #[test]
    fn predicates() {
        let not_found: Error = ApiError::new("v", StatusCode::NOT_FOUND).into();
        assert!(not_found.is_not_found() && !not_found.is_auth());
        let forbidden: Error = ApiError::new("v", StatusCode::FORBIDDEN).into();
        assert!(forbidden.is_auth());
        let conflict: Error = ApiError::new("v", StatusCode::CONFLICT).into();
        assert!(conflict.is_conflict());
        let limited: Error = ApiError::new("v", StatusCode::TOO_MANY_REQUESTS)
            .with_retry_after(Some(Duration::from_secs(7)))
            .into();
        assert!(limited.is_retryable());
        assert_eq!(limited.retry_after(), Some(Duration::from_secs(7)));
        assert!(Error::auth("bad key").is_auth());
        assert_eq!(Error::config("x").attempts(), 0);
    }

    #[derive(Debug, PartialEq)]
    struct FieldErrors(Vec<String>);

    #[test]
    fn vendor_detail_round_trips_without_string_matching() {
        let api = ApiError::new("v", StatusCode::BAD_REQUEST)
            .with_parsed(ParsedError::none().detail(FieldErrors(vec!["name".into()])));
        assert_eq!(
            api.detail::<FieldErrors>(),
            Some(&FieldErrors(vec!["name".into()]))
        );
        assert_eq!(api.detail::<String>(), None);
    }

    #[test]
    fn snippet_is_bounded_and_char_safe() {
        let text = "é".repeat(1000);
        let s = snippet(text.as_bytes(), 10);
        assert_eq!(s.chars().count(), 11);
        assert!(s.ends_with('…'));
        let (cut, truncated) = truncate_lossy(text.as_bytes(), 5);
        assert!(truncated);
        assert_eq!(cut, "éé");
        assert_eq!(snippet(b"  a \n\n b  ", 50), "a b");
    }
}
