#![cfg_attr(docsrs, feature(doc_cfg))]
// The README is the crate documentation. Its examples run against the simulator, so
// its doctests are collected only with feature `sim` (CI tests with --all-features).
#![cfg_attr(any(not(doctest), feature = "sim"), doc = include_str!("../README.md"))]
//!
//! # API map
//!
//! - [`Client`] and [`ClientBuilder`] — one instance: the raw secret in `CTRLAuthHeader`,
//!   the `Origin`, the extension GUID, retries for reads only, read-only and dry-run
//!   modes ([`WriteMode`]); [`Client::call_raw`] and the shared escape hatch [`Raw`] for
//!   methods the crate does not model.
//! - [`sessions`] — every method of the extension as a typed [`Call`], with the
//!   positional JSON array bodies it expects.
//! - [`models`] — sessions, details, guest info, connections, events, custom properties.
//! - [`filter`] — session filter expressions for `GetSessionsByFilter`, and their parser.
//! - [`installer`] — access agent installer URLs for every platform, and the silent
//!   install commands.
//! - [`error`] — typed faults ([`Fault`]: a method missing on this instance, an unknown
//!   parameter, a refused secret or origin), read through [`ErrorExt`].
//! - `sim` (feature `sim`) — a fake instance for tests and examples.
//! - Re-exports: [`msp_common`], [`Call`], [`Error`], [`Result`], [`RetryPolicy`],
//!   [`WriteMode`], [`Listing`], [`Raw`], [`RequestPreview`], [`reqwest`].

pub mod client;
pub mod error;
pub mod filter;
pub mod installer;
pub mod models;
pub mod sessions;
#[cfg(feature = "sim")]
#[cfg_attr(docsrs, doc(cfg(feature = "sim")))]
pub mod sim;

pub use client::{Client, ClientBuilder};
pub use error::{ErrorExt, Fault};
pub use msp_common;
pub use msp_common::{
    Call, Error, Listing, Raw, RequestPreview, Result, RetryPolicy, WriteMode, reqwest,
};
