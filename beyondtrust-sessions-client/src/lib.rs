//! Typed, async client for BeyondTrust Password Safe.
//!
//! This crate will cover the Password Safe public API v3: sign-in, access requests, credentials and sessions. It is being built on
//! [`msp_common`], the shared layer of errors, retries, pagination and transport
//! every crate of this workspace sits on; the typed calls land in following releases.
//!
//! The shared error type is re-exported so code written against this crate today keeps
//! compiling as the calls arrive:
//!
//! ```
//! fn describe(err: &beyondtrust_sessions_client::Error) -> String {
//!     format!("{err} (retryable: {})", err.is_retryable())
//! }
//! # let _ = describe;
//! ```

pub use msp_common::{Error, Result};
