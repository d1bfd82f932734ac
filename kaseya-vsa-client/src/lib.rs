//! Typed, async client for Kaseya VSA 9.
//!
//! This crate will cover the VSA 9 REST API v1.0: the hashed password payload, token lifecycle, the `$filter` builder and every endpoint of the guide. VSA 10 is a different product and out of scope. It is being built on
//! [`msp_common`], the shared layer of errors, retries, pagination and transport
//! every crate of this workspace sits on; the typed calls land in following releases.
//!
//! The shared error type is re-exported so code written against this crate today keeps
//! compiling as the calls arrive:
//!
//! ```
//! fn describe(err: &kaseya_vsa_client::Error) -> String {
//!     format!("{err} (retryable: {})", err.is_retryable())
//! }
//! # let _ = describe;
//! ```

pub use msp_common::{Error, Result};
