//! The VSA's own error detail, read from any [`Error`] through [`ErrorExt`].
//!
//! Every error of this crate is a [`msp_common::Error`]. What the VSA adds is its
//! envelope: an application error travels inside HTTP 200 as
//! `{"Result": null, "ResponseCode": 404, "Status": "Error", "Error": "…"}`. The client
//! turns a non-zero `ResponseCode` into an [`Error::Api`] (whose status is the code when
//! it is an HTTP error status, so 401 renews the token and 429/503 are retried on reads)
//! and keeps the envelope as its [`EnvelopeError`]:
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use kaseya_vsa_client::ErrorExt;
//! use kaseya_vsa_client::ids::AgentId;
//!
//! let sim = kaseya_vsa_client::sim::Simulator::start().await;
//! let vsa = sim.client()?;
//! let err = vsa.agents().get(&AgentId::from(42u64)).await.unwrap_err();
//! assert!(err.is_not_found());
//! let envelope = err.envelope().expect("an error inside the envelope");
//! assert_eq!(envelope.response_code, 404);
//! assert_eq!(envelope.http_status, kaseya_vsa_client::msp_common::StatusCode::OK);
//! assert_eq!(err.response_code(), Some(404));
//! # Ok::<(), kaseya_vsa_client::Error>(()) }).unwrap();
//! ```

use msp_common::StatusCode;

use crate::Error;

/// An error the server reported inside its envelope (`ResponseCode` ≠ 0, usually inside
/// HTTP 200): the detail of the [`Error::Api`] it became. Read it with
/// [`ErrorExt::envelope`].
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

/// The VSA's typed detail of an [`Error`]: `use kaseya_vsa_client::ErrorExt;`.
pub trait ErrorExt {
    /// The envelope of an error the server reported inside its answer — also when it is
    /// the cause of a refused sign-in ([`Error::Auth`]).
    fn envelope(&self) -> Option<&EnvelopeError>;

    /// The envelope's `ResponseCode`, when the error came from one.
    fn response_code(&self) -> Option<i64> {
        self.envelope().map(|e| e.response_code)
    }
}

impl ErrorExt for Error {
    fn envelope(&self) -> Option<&EnvelopeError> {
        match self {
            Error::Api(api) => api.detail::<EnvelopeError>(),
            Error::Auth {
                source: Some(source),
                ..
            } => source.downcast_ref::<Error>()?.envelope(),
            _ => None,
        }
    }
}
