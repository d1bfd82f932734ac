#![cfg_attr(docsrs, feature(doc_cfg))]
// The README is the crate documentation. Its examples run against the simulator, so
// its doctests are collected only with feature `sim` (CI tests with --all-features).
#![cfg_attr(any(not(doctest), feature = "sim"), doc = include_str!("../README.md"))]
//!
//! # API map
//!
//! | module | |
//! |---|---|
//! | [`client`] | [`Client`], [`ClientBuilder`], [`Region`], codebase discovery ([`ClientBuilder::discover_codebase`], [`DEFAULT_CODEBASE`](client::DEFAULT_CODEBASE)), the escape hatch ([`Raw`]: `get/post/put/patch/delete/send`; [`Client::list`]) |
//! | [`error`] | [`ManageError`], [`ManageFieldError`], [`ErrorExt`] on the workspace's one [`Error`] |
//! | [`auth`] | [`Credentials`] and the `Authorization` header |
//! | [`conditions`] | the typed conditions builder, its quoting rule, its parser, and its caps ([`MAX_TERMS`](conditions::MAX_TERMS), [`MAX_DEPTH`](conditions::MAX_DEPTH)) |
//! | [`query`] | list parameters, paging modes ([`Paging`](query::Paging)), page tokens ([`PageToken`](query::PageToken)), the [`ListRequest`](query::ListRequest) listing |
//! | [`patch`] | [`PatchOp`](patch::PatchOp) |
//! | [`resource`] | [`Resource`](resource::Resource): list, get, create, update, patch, delete, count on one collection |
//! | [`tickets`], [`companies`], [`service`], [`system`] | the resource families |
//! | [`callbacks`] | callback payloads and signature verification |
//! | [`models`] | the records |
//! | `sim` | the fake Manage server (feature `sim`): `Simulator` |
//!
//! Every call is a [`Call`] ([`Call::preview`], [`Call::retry`], [`Call::timeout`],
//! [`Call::idempotent`]), every listing a [`Listing`], and the client's [`WriteMode`]
//! applies to writes.

pub mod auth;
pub mod callbacks;
pub mod client;
pub mod companies;
pub mod conditions;
pub mod error;
pub mod models;
pub mod patch;
pub mod query;
pub mod resource;
pub mod service;
#[cfg(feature = "sim")]
#[cfg_attr(docsrs, doc(cfg(feature = "sim")))]
pub mod sim;
pub mod system;
pub mod tickets;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, Region};
pub use error::{ErrorExt, ManageError, ManageFieldError};
pub use msp_common;
pub use msp_common::{Call, Error, Listing, Raw, Result, RetryPolicy, WriteMode, reqwest};
