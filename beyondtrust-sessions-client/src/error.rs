//! Password Safe's own errors, read without string matching.
//!
//! Every call returns the workspace's [`Error`]. What Password Safe adds is reached through
//! the [`ErrorExt`] predicates:
//!
//! - the numeric codes in error bodies — 4031 *not permitted*, 4034 *not yet approved*,
//!   4091 *conflicting request* — as [`ErrorCode`] ([`ErrorExt::error_code`]);
//! - sign-in failures, told apart from expired sessions, as [`AuthFailure`]
//!   ([`ErrorExt::auth_failure`]);
//! - input refused before anything was sent, as [`ValidationError`];
//! - the outcome of waiting for an approval that did not come, as [`ApprovalError`].
//!
//! ```
//! use beyondtrust_sessions_client::{Error, ErrorCode, ErrorExt};
//!
//! fn advice(err: &Error) -> &'static str {
//!     match err.error_code() {
//!         Some(ErrorCode::NotYetApproved) => "wait for the approver",
//!         Some(ErrorCode::ConflictingRequest) => "reuse or renew the existing request",
//!         Some(ErrorCode::NotPermitted) => "ask for access to the account",
//!         _ if err.validation_error().is_some() => "fix the input",
//!         _ => "see the message",
//!     }
//! }
//! # let _ = advice;
//! ```

use std::fmt;
use std::time::Duration;

use msp_common::header::{HeaderMap, SET_COOKIE};
use msp_common::secret::{Redactor, SecretString};
use msp_common::{ApiError, Error, ParsedError, StatusCode};

use crate::models::{RequestId, RequestStatus};

/// The vendor name used in errors and traces.
pub const VENDOR: &str = "BeyondTrust Password Safe";

/// The header a two-factor sign-in's first step answers with, holding the prompt.
pub const TWO_FACTOR_HEADER: &str = "WWW-Authenticate-2FA";

/// A numeric code from a Password Safe error body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 4031 — the user does not have permission (HTTP 403).
    NotPermitted,
    /// 4034 — the request is not yet approved (HTTP 403).
    NotYetApproved,
    /// 4091 — a conflicting request exists (HTTP 409).
    ConflictingRequest,
    /// Another code.
    Unknown(u32),
}

impl ErrorCode {
    /// The code for a number.
    pub fn from_code(code: u32) -> Self {
        match code {
            4031 => ErrorCode::NotPermitted,
            4034 => ErrorCode::NotYetApproved,
            4091 => ErrorCode::ConflictingRequest,
            other => ErrorCode::Unknown(other),
        }
    }

    /// The number.
    pub fn code(self) -> u32 {
        match self {
            ErrorCode::NotPermitted => 4031,
            ErrorCode::NotYetApproved => 4034,
            ErrorCode::ConflictingRequest => 4091,
            ErrorCode::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// What this crate found in an error body, stored in the [`ApiError`] and read back with
/// `ApiError::detail::<ErrorBody>()` (or more simply through [`ErrorExt`]).
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The numeric code, when the body starts with one. (The message, with secrets
    /// redacted, is [`ApiError::message`].)
    pub code: Option<ErrorCode>,
    /// The prompt of a two-factor sign-in's first step (`WWW-Authenticate-2FA`).
    pub two_factor_prompt: Option<String>,
    pending_cookie: Option<SecretString>,
}

impl ErrorBody {
    pub(crate) fn pending_cookie(&self) -> Option<&SecretString> {
        self.pending_cookie.as_ref()
    }
}

impl fmt::Debug for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ErrorBody")
            .field("code", &self.code)
            .field("two_factor_prompt", &self.two_factor_prompt)
            .finish_non_exhaustive()
    }
}

/// Reads Password Safe error bodies: a JSON string or plain text such as
/// `"4034 - Request is not yet approved."`, a JSON object with `Code`/`Message`, or an
/// HTML page. Never fails.
///
/// The body arrives with the client's secrets already redacted (the transport does
/// it); the two-factor prompt comes from a header, so `redactor` (the client's
/// credentials) is applied to it here, and it is cut to a one-line snippet.
pub(crate) fn parse_error_redacting(
    redactor: &Redactor,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ParsedError {
    parse_error_with(Some(redactor), status, headers, body)
}

#[cfg(test)]
pub(crate) fn parse_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ParsedError {
    parse_error_with(None, status, headers, body)
}

fn parse_error_with(
    redactor: Option<&Redactor>,
    _status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> ParsedError {
    let text = body_text(body);
    let (code, message) = match text {
        Some(BodyText::Plain(text)) => split_code(&text),
        Some(BodyText::Object { code, message }) => {
            let (lead, rest) = message.as_deref().map(split_code).unwrap_or((None, None));
            (code.or(lead), rest.or(message))
        }
        None => (None, None),
    };
    let two_factor_prompt = headers.get(TWO_FACTOR_HEADER).map(|v| {
        let text = String::from_utf8_lossy(v.as_bytes());
        let text = match redactor {
            Some(redactor) => redactor.redact(&text),
            None => text.into_owned(),
        };
        msp_common::error::snippet(text.as_bytes(), msp_common::error::SNIPPET_CHARS)
    });
    let pending_cookie = if two_factor_prompt.is_some() {
        crate::auth::cookies_from(headers.get_all(SET_COOKIE).iter(), None)
    } else {
        None
    };
    let mut parsed = ParsedError::none();
    if let Some(code) = code {
        parsed = parsed.code(code.to_string());
    }
    if let Some(message) = message {
        parsed = parsed.message(message);
    }
    parsed.detail(ErrorBody {
        code: code.map(ErrorCode::from_code),
        two_factor_prompt,
        pending_cookie,
    })
}

enum BodyText {
    Plain(String),
    Object {
        code: Option<u32>,
        message: Option<String>,
    },
}

fn body_text(body: &[u8]) -> Option<BodyText> {
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::String(text)) => Some(BodyText::Plain(text)),
        Ok(serde_json::Value::Number(n)) => Some(BodyText::Plain(n.to_string())),
        Ok(serde_json::Value::Object(map)) => {
            let text = |keys: &[&str]| {
                keys.iter().find_map(|k| match map.get(*k) {
                    Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                        Some(s.trim().to_owned())
                    }
                    Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                })
            };
            let code =
                text(&["Code", "code", "ErrorCode", "errorCode"]).and_then(|c| c.parse().ok());
            let message = text(&[
                "Message",
                "message",
                "ErrorMessage",
                "error_description",
                "error",
            ]);
            Some(BodyText::Object { code, message })
        }
        Ok(_) => None,
        Err(_) => {
            let lossy = String::from_utf8_lossy(&body[..body.len().min(8192)]);
            let trimmed = lossy.trim();
            if trimmed.is_empty() {
                None
            } else if trimmed.starts_with('<') {
                html_title(trimmed).map(BodyText::Plain)
            } else {
                Some(BodyText::Plain(msp_common::error::snippet(
                    trimmed.as_bytes(),
                    msp_common::error::SNIPPET_CHARS,
                )))
            }
        }
    }
}

fn html_title(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = msp_common::error::snippet(&text.as_bytes()[open_end..close], 200);
    (!title.is_empty()).then_some(title)
}

/// Splits `"4034 - Request is not yet approved."` into its code and message.
fn split_code(text: &str) -> (Option<u32>, Option<String>) {
    let trimmed = text.trim();
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let rest = &trimmed[digits.len()..];
    let code = (digits.len() == 4 && (rest.is_empty() || !rest.starts_with(char::is_alphanumeric)))
        .then(|| digits.parse().ok())
        .flatten();
    let message = if code.is_some() {
        rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | ':' | '–'))
    } else {
        trimmed
    };
    let message = (!message.is_empty()).then(|| message.to_owned());
    (code, message)
}

/// Why a sign-in or a session was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// `Auth/SignAppin` (or the OAuth token endpoint) refused the credentials: a wrong
    /// API key, runas user or password, an unknown OAuth client, or a source address the
    /// API registration does not allow.
    SignInRefused,
    /// The session cookie was refused (the session expired or was signed out), and it
    /// could not be renewed.
    SessionExpired,
    /// The user signs in with two factors: call
    /// [`Client::sign_in_challenge`](crate::Client::sign_in_challenge) with the code.
    TwoFactorRequired {
        /// The server's prompt.
        prompt: String,
    },
    /// The sign-in answered success without a session cookie.
    NoSessionCookie,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFailure::SignInRefused => f.write_str("the sign-in was refused"),
            AuthFailure::SessionExpired => f.write_str("the session expired"),
            AuthFailure::TwoFactorRequired { prompt } => {
                write!(f, "a two-factor code is required ({prompt})")
            }
            AuthFailure::NoSessionCookie => f.write_str("the sign-in set no session cookie"),
        }
    }
}

/// The source of an [`Error::Auth`] raised by this crate.
#[derive(Debug, thiserror::Error)]
#[error("{failure}")]
pub struct AuthError {
    failure: AuthFailure,
    #[source]
    api: Option<ApiError>,
}

impl AuthError {
    pub(crate) fn into_error(failure: AuthFailure, api: Option<ApiError>) -> Error {
        let message = match &failure {
            AuthFailure::SignInRefused => {
                "Password Safe refused the sign-in: check the API key, the runas user, the password (or the OAuth client) and that this address may use the API registration"
            }
            AuthFailure::SessionExpired => {
                "the Password Safe session expired or was signed out; sign in again"
            }
            AuthFailure::TwoFactorRequired { .. } => {
                "Password Safe asks for a two-factor code; call sign_in_challenge with it"
            }
            AuthFailure::NoSessionCookie => {
                "Password Safe answered the sign-in without a session cookie"
            }
        };
        Error::auth_with_source(message, AuthError { failure, api })
    }

    /// Why authentication failed.
    pub fn failure(&self) -> &AuthFailure {
        &self.failure
    }

    /// The server's answer, when there was one.
    pub fn api(&self) -> Option<&ApiError> {
        self.api.as_ref()
    }
}

/// Input refused before anything was sent: a duration outside 1–525600 minutes, an
/// admin-session field longer than the server accepts, a missing required value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field} (nothing was sent): {message}")]
pub struct ValidationError {
    field: &'static str,
    message: String,
}

impl ValidationError {
    pub(crate) fn new(field: &'static str, message: impl Into<String>) -> Self {
        ValidationError {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn into_error(self) -> Error {
        Error::vendor(VENDOR, self)
    }

    /// The API field at fault (`DurationMinutes`, `HostName`, …).
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// What is wrong with it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Checks that `value` has at most `max` characters.
pub(crate) fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), Error> {
    let len = value.chars().count();
    if len > max {
        return Err(ValidationError::new(
            field,
            format!("at most {max} characters are allowed, got {len}"),
        )
        .into_error());
    }
    Ok(())
}

/// Checks that `value` is not empty.
pub(crate) fn check_required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(ValidationError::new(field, "a value is required").into_error());
    }
    Ok(())
}

/// How waiting for an approval ended without one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// An approver denied the request.
    #[error("access request {request_id} was denied")]
    Denied {
        /// The request.
        request_id: RequestId,
    },
    /// The request ended (expired, cancelled) before it was approved.
    #[error("access request {request_id} ended without approval ({status})")]
    Ended {
        /// The request.
        request_id: RequestId,
        /// Its last status.
        status: RequestStatus,
    },
    /// The request is not among the caller's requests.
    #[error("access request {request_id} is not among the caller's requests")]
    NotFound {
        /// The request.
        request_id: RequestId,
    },
    /// The wait's time limit passed while the request was still pending.
    #[error("access request {request_id} was still pending after {waited:?}")]
    TimedOut {
        /// The request.
        request_id: RequestId,
        /// How long the helper waited.
        waited: Duration,
    },
}

/// Password Safe's questions about an [`Error`], answered without string matching.
pub trait ErrorExt {
    /// The numeric code of the error body (4031, 4034, 4091, …), when there was one.
    fn error_code(&self) -> Option<ErrorCode>;
    /// Whether the server answered 4031 "User does not have permission."
    fn is_not_permitted(&self) -> bool {
        self.error_code() == Some(ErrorCode::NotPermitted)
    }
    /// Whether the server answered 4034 "Request is not yet approved."
    fn is_not_yet_approved(&self) -> bool {
        self.error_code() == Some(ErrorCode::NotYetApproved)
    }
    /// Whether the server answered 4091 "Conflicting request exists".
    fn is_conflicting_request(&self) -> bool {
        self.error_code() == Some(ErrorCode::ConflictingRequest)
    }
    /// Why authentication failed, when this is an authentication error of this crate.
    fn auth_failure(&self) -> Option<&AuthFailure>;
    /// The input refused before sending, when this is such an error.
    fn validation_error(&self) -> Option<&ValidationError>;
    /// How an approval wait ended, when this is such an error.
    fn approval_error(&self) -> Option<&ApprovalError>;
}

impl ErrorExt for Error {
    fn error_code(&self) -> Option<ErrorCode> {
        let api = match self {
            Error::Api(api) => Some(&**api),
            Error::Auth {
                source: Some(source),
                ..
            } => source.downcast_ref::<AuthError>().and_then(AuthError::api),
            _ => None,
        }?;
        api.detail::<ErrorBody>()
            .and_then(|body| body.code)
            .or_else(|| {
                api.code()
                    .and_then(|c| c.parse().ok())
                    .map(ErrorCode::from_code)
            })
    }

    fn auth_failure(&self) -> Option<&AuthFailure> {
        match self {
            Error::Auth {
                source: Some(source),
                ..
            } => source.downcast_ref::<AuthError>().map(AuthError::failure),
            _ => None,
        }
    }

    fn validation_error(&self) -> Option<&ValidationError> {
        self.vendor_error::<ValidationError>()
    }

    fn approval_error(&self) -> Option<&ApprovalError> {
        self.vendor_error::<ApprovalError>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Parsed {
        code: Option<ErrorCode>,
        message: Option<String>,
    }

    fn parse(body: &str) -> Parsed {
        let parsed = parse_error(StatusCode::FORBIDDEN, &HeaderMap::new(), body.as_bytes());
        let api = ApiError::new(VENDOR, StatusCode::FORBIDDEN).with_parsed(parsed);
        Parsed {
            code: api.detail::<ErrorBody>().unwrap().code,
            message: api.message().map(str::to_owned),
        }
    }

    #[test]
    fn codes_in_every_body_shape() {
        for body in [
            r#""4034 - Request is not yet approved.""#,
            "4034 - Request is not yet approved.",
            r#"{"Code":4034,"Message":"Request is not yet approved."}"#,
            r#"{"Message":"4034: Request is not yet approved."}"#,
        ] {
            let parsed = parse(body);
            assert_eq!(parsed.code, Some(ErrorCode::NotYetApproved), "{body}");
            assert_eq!(
                parsed.message.as_deref(),
                Some("Request is not yet approved."),
                "{body}"
            );
        }
        let html = parse("<html><head><title>Service Unavailable</title></head></html>");
        assert_eq!(html.code, None);
        assert_eq!(html.message.as_deref(), Some("Service Unavailable"));
        assert_eq!(parse("12345 things").code, None);
        assert_eq!(parse("").code, None);
        assert_eq!(parse("\u{FFFD}\u{0}garbage").code, None);
        assert_eq!(split_code("4091"), (Some(4091), None));
    }
}
