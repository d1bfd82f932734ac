//! Manage's error body and [`ErrorExt`], the typed detail of a [`msp_common::Error`].
//!
//! Every call fails with the one [`Error`] of the workspace. When Manage answered with its
//! error body (`{"code","message","errors":[…]}`), the body is kept, parsed, as a
//! [`ManageError`]; a refused callback carries a [`CallbackError`]. Read them with
//! [`ErrorExt`]:
//!
//! ```
//! use cwmanage_client::ErrorExt;
//!
//! fn explain(err: &cwmanage_client::Error) {
//!     if let Some(body) = err.manage_error() {
//!         eprintln!("Manage said {:?}: {:?}", body.code, body.message);
//!     }
//!     for field in err.field_errors() {
//!         eprintln!("  {:?}: {:?}", field.field, field.message);
//!     }
//! }
//! ```

use msp_common::http::{DefaultErrorParser, ErrorParser};
use msp_common::secret::Redactor;
use msp_common::{Error, ParsedError};
use serde::{Deserialize, Serialize};

use crate::callbacks::CallbackError;

/// The error body Manage sends:
/// `{"code","message","errors":[{"code","message","resource","field","details"}]}`.
///
/// Read it back from an error with [`ErrorExt::manage_error`].
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

/// Parses Manage error bodies; falls back to the shared parser for anything else (HTML
/// pages from proxies, plain text).
///
/// The transport redacts the message it is given but not the typed detail, so the
/// credentials are redacted from every text of the [`ManageError`] here.
pub(crate) fn parse_error(
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

/// The ConnectWise Manage detail of an [`Error`]: `use cwmanage_client::ErrorExt` and
/// call it on any error of this crate. See the [module docs](self).
pub trait ErrorExt {
    /// Manage's error body, when the server answered with one (a rejected write, an
    /// unknown record, refused credentials, …).
    fn manage_error(&self) -> Option<&ManageError>;

    /// The per-field errors of a rejected write (`InvalidObject`); empty otherwise.
    fn field_errors(&self) -> &[ManageFieldError] {
        self.manage_error()
            .map_or(&[], |body| body.errors.as_slice())
    }

    /// Why a delivered callback was refused, when that is the error (see
    /// [`CallbackVerifier`](crate::callbacks::CallbackVerifier)).
    fn callback_error(&self) -> Option<&CallbackError>;
}

impl ErrorExt for Error {
    fn manage_error(&self) -> Option<&ManageError> {
        self.api()?.detail::<ManageError>()
    }

    fn callback_error(&self) -> Option<&CallbackError> {
        self.vendor_error::<CallbackError>()
    }
}
