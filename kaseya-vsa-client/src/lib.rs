#![cfg_attr(docsrs, feature(doc_cfg))]
// The README is the crate documentation. Its examples run against the simulator, so
// its doctests are collected only with feature `sim` (CI tests with --all-features).
#![cfg_attr(any(not(doctest), feature = "sim"), doc = include_str!("../README.md"))]
//!
//! # API map
//!
//! - [`auth`]: the hashed password payload of the guide's "Auth Payload Algorithm" and
//!   personal access tokens ([`auth::Credentials`]);
//! - [`Client`] and [`ClientBuilder`]: the token lifecycle (renewed before
//!   `SessionExpiration`, after a number of records, and — once for all calls in flight —
//!   when the server refuses a token that looked valid), the envelope, same-origin
//!   redirects of reads, and streaming lists with `$skip`/`$top` ([`ListRequest`]);
//! - [`error`]: [`ErrorExt`], the envelope's [`EnvelopeError`] read from any [`Error`];
//! - [`odata`]: a typed `$filter` / `$orderby` builder, and the parser that reads them
//!   back (the simulator's only grammar); both capped at
//!   [`MAX_TERMS`](odata::MAX_TERMS) comparisons and [`MAX_DEPTH`](odata::MAX_DEPTH)
//!   levels, past which a filter is refused with a typed error rather than grown;
//! - [`ids`]: exact decimal ids (`AgentId`, `OrgId`, …) that never pass through `f64`;
//! - [`models`]: the typed, tolerant records and request bodies, also re-exported by the
//!   module of the calls that use them;
//! - [`Resource`]: the one generic collection behind organizations, departments, machine
//!   groups, users and roles (`list`, `get`, `create` answering the typed record,
//!   `update`, `delete`, `in_org`);
//! - path segments from data (custom field names, an agent's new name, a document's
//!   source and destination, each name of a [`files::RepoPath`]) are refused with
//!   [`Error::Config`] before anything is sent when they hold a control character, are
//!   empty, or are made only of dots; anything else is percent-encoded whole;
//! - `sim` (feature `sim`): a fake VSA on loopback with the shared simulator API.
//!
//! # Endpoints
//!
//! Every endpoint of the vendor's guide and the function that calls it. `kind`:
//! **read** and **list** calls are sent in every write mode (lists are
//! [`ListRequest`]s); **write** calls are refused by a read-only client and previewed by
//! a dry-run one (see [`WriteMode`]).
//!
#![doc = include_str!("../docs/endpoints-procedures-audit-patch.md")]
#![doc = include_str!("../docs/endpoints-agents-assets.md")]
#![doc = include_str!("../docs/endpoints-system.md")]

pub mod agent_procedures;
pub mod agents;
pub mod alarms;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod client;
pub mod cloud_backup;
pub mod custom_fields;
pub mod departments;
pub mod error;
pub mod files;
pub mod general;
pub mod ids;
pub mod info_center;
pub mod logs;
pub mod machine_groups;
pub mod models;
pub mod navigation;
pub mod notes;
pub mod odata;
pub mod orgs;
pub mod packages;
pub mod patch;
pub mod resource;
#[cfg(feature = "sim")]
#[cfg_attr(docsrs, doc(cfg(feature = "sim")))]
pub mod sim;
pub mod users;

pub use client::{Client, ClientBuilder, ListRequest, SessionInfo};
pub use resource::Resource;

pub use error::{EnvelopeError, ErrorExt};
pub use msp_common;
pub use msp_common::{Call, Error, Listing, Raw, Result, RetryPolicy, WriteMode, reqwest};
