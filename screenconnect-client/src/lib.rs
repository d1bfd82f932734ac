//! Typed, async client for ConnectWise ScreenConnect.
//!
//! This crate will cover the RESTful API Manager extension: sessions by name or filter, session details, commands, messages, notes, custom properties, and installer URLs. It is being built on
//! [`msp_common`], the shared layer of errors, retries, pagination and transport
//! every crate of this workspace sits on; the typed calls land in following releases.
//!
//! The shared error type is re-exported so code written against this crate today keeps
//! compiling as the calls arrive:
//!
//! ```
//! fn describe(err: &screenconnect_client::Error) -> String {
//!     format!("{err} (retryable: {})", err.is_retryable())
//! }
//! # let _ = describe;
//! ```

pub use msp_common::{Error, Result};
