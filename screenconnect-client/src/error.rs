//! What can go wrong, typed: ScreenConnect's faults.
//!
//! Every call returns [`crate::Error`] (msp-common's error). This module adds the
//! typed **[`Fault`]** on it — what the server's answer means, attached to the
//! [`ApiError`](msp_common::ApiError) (which keeps the status, body and request id): a
//! method missing on this instance, an unknown parameter, a generic fault, a refused
//! secret, a refused `Origin` — read back through [`ErrorExt`] without any string
//! matching.
//!
//! Writes refused before anything is sent are msp-common's own errors, the same for
//! every vendor: [`Error::ReadOnly`] (read-only mode) and [`Error::DryRun`] (dry-run
//! mode, with the request that was not sent: [`Error::dry_run_preview`]).
//!
//! ```
//! use screenconnect_client::{Client, ErrorExt};
//!
//! async fn inventory(client: &Client) -> screenconnect_client::Result<()> {
//!     match client.call_raw("GetAllSessions", serde_json::json!([])).write(false).await {
//!         Ok(all) => println!("{all}"),
//!         Err(err) if err.is_method_not_available() => {
//!             println!("this instance lacks {}", err.missing_method().unwrap_or("?"));
//!         }
//!         Err(err) => return Err(err),
//!     }
//!     Ok(())
//! }
//! # let _ = inventory;
//! ```

use msp_common::Error;

/// What a ScreenConnect error answer means, attached to its
/// [`ApiError`](msp_common::ApiError); read it with [`ErrorExt::fault`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 500 "Web method does not exist": the extension installed on this instance
    /// has no such method (the documented instance lacks `GetSessions`,
    /// `GetAllSessions` and `GetSessionGroups`). Feature-detect on this.
    MethodNotAvailable {
        /// The method that was called.
        method: String,
    },
    /// HTTP 500 "Unknown parameter: x": a named argument the method does not take.
    UnknownParameter {
        /// The method that was called.
        method: String,
        /// The parameter the server named.
        parameter: String,
    },
    /// Any other HTTP 500: the session manager faulted. A bogus session id faults the
    /// same way as arguments of the wrong shape, so this does not say which.
    ServerFault {
        /// The method that was called.
        method: String,
        /// The server's message (or the start of its body).
        message: String,
        /// The .NET exception type, when the server named one.
        exception_type: Option<String>,
    },
    /// HTTP 401: the `CTRLAuthHeader` secret was refused.
    SecretRefused {
        /// Whether the configured secret starts with `Basic ` — the likely cause: the
        /// extension wants the raw secret.
        basic_prefix: bool,
    },
    /// HTTP 403: the request's `Origin` was refused.
    OriginRefused {
        /// The `Origin` that was sent.
        origin: String,
    },
}

/// The vendor name used in errors and traces.
pub(crate) const VENDOR: &str = "ScreenConnect";

/// ScreenConnect-specific questions about a [`crate::Error`].
pub trait ErrorExt {
    /// What the server's error answer means, when it came from ScreenConnect.
    fn fault(&self) -> Option<&Fault>;
    /// Whether the method does not exist on this instance.
    fn is_method_not_available(&self) -> bool;
    /// The method the instance lacks, when that is the error.
    fn missing_method(&self) -> Option<&str>;
    /// Whether read-only mode refused a write (nothing was sent): the error is
    /// [`Error::ReadOnly`].
    fn is_read_only_refusal(&self) -> bool;
}

impl ErrorExt for Error {
    fn fault(&self) -> Option<&Fault> {
        self.api()?.detail::<Fault>()
    }

    fn is_method_not_available(&self) -> bool {
        self.missing_method().is_some()
    }

    fn missing_method(&self) -> Option<&str> {
        match self.fault()? {
            Fault::MethodNotAvailable { method } => Some(method),
            _ => None,
        }
    }

    fn is_read_only_refusal(&self) -> bool {
        matches!(self, Error::ReadOnly { .. })
    }
}

/// The text of a ScreenConnect error body: a JSON string unwrapped, the `Message` of an
/// ASP.NET fault object, or the raw text; plus the exception type when named.
pub(crate) fn fault_text(body: &str) -> (String, Option<String>) {
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(serde_json::Value::String(s)) => (s, None),
        Ok(serde_json::Value::Object(map)) => {
            let get = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_owned);
            let message = get("Message")
                .or_else(|| get("message"))
                .or_else(|| get("ExceptionMessage"))
                .unwrap_or_else(|| body.trim().to_owned());
            (message, get("ExceptionType"))
        }
        _ => (body.trim().to_owned(), None),
    }
}

/// Classifies an HTTP 500 body from `method`.
pub(crate) fn classify_500(method: &str, body: &str) -> Fault {
    let (text, exception_type) = fault_text(body);
    let lower = text.to_ascii_lowercase();
    if lower.contains("web method does not exist") {
        return Fault::MethodNotAvailable {
            method: method.to_owned(),
        };
    }
    if let Some(at) = lower.find("unknown parameter") {
        let rest = &text[at + "unknown parameter".len()..];
        let parameter = rest
            .trim_start_matches([':', ' ', '\'', '"'])
            .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | ',' | '.'))
            .next()
            .unwrap_or("")
            .to_owned();
        return Fault::UnknownParameter {
            method: method.to_owned(),
            parameter,
        };
    }
    let message = msp_common::error::snippet(text.as_bytes(), msp_common::error::SNIPPET_CHARS);
    Fault::ServerFault {
        method: method.to_owned(),
        message,
        exception_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_documented_bodies() {
        for body in [
            "Web method does not exist",
            "\"Web method does not exist\"",
            r#"{"Message":"Web method does not exist"}"#,
            "<html><body>web method does not exist</body></html>",
        ] {
            assert_eq!(
                classify_500("GetSessions", body),
                Fault::MethodNotAvailable {
                    method: "GetSessions".into()
                },
                "{body}"
            );
        }
        assert_eq!(
            classify_500("GetSessionsByName", "\"Unknown parameter: sessionNam\""),
            Fault::UnknownParameter {
                method: "GetSessionsByName".into(),
                parameter: "sessionNam".into()
            }
        );
        assert_eq!(
            classify_500(
                "SendCommandToSession",
                r#"{"Message":"Object reference not set to an instance of an object.","ExceptionType":"System.NullReferenceException"}"#
            ),
            Fault::ServerFault {
                method: "SendCommandToSession".into(),
                message: "Object reference not set to an instance of an object.".into(),
                exception_type: Some("System.NullReferenceException".into()),
            }
        );
        match classify_500("X", &"\u{0}\u{ffff}".repeat(5000)) {
            Fault::ServerFault { message, .. } => assert!(message.chars().count() <= 201),
            other => panic!("{other:?}"),
        }
        assert!(matches!(classify_500("X", ""), Fault::ServerFault { .. }));
    }
}
