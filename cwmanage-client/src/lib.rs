//! Typed, async client for ConnectWise Manage.
//!
//! This crate will cover the Manage REST API 3.0: the conditions builder, streaming pagination, patch operations and callbacks. It is being built on
//! [`msp_common`], the shared layer of errors, retries, pagination and transport
//! every crate of this workspace sits on; the typed calls land in following releases.
//!
//! The shared error type is re-exported so code written against this crate today keeps
//! compiling as the calls arrive:
//!
//! ```
//! fn describe(err: &cwmanage_client::Error) -> String {
//!     format!("{err} (retryable: {})", err.is_retryable())
//! }
//! # let _ = describe;
//! ```

pub use msp_common::{Error, Result};
