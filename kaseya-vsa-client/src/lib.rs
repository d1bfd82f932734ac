//! Typed, async client for the Kaseya VSA 9 REST API v1.0.
//!
//! VSA 10 is a different product with a different API and is out of scope.
//!
//! - [`auth`]: the hashed password payload of the guide's "Auth Payload Algorithm" and
//!   personal access tokens;
//! - [`Client`]: the token lifecycle (renewed before `SessionExpiration`, after a number of
//!   records, and — once for all calls in flight — when the server refuses a token that
//!   looked valid), the `{Result, TotalRecords, ResponseCode, Status, Error}` envelope with
//!   errors inside HTTP 200 turned into typed API errors, same-origin redirects followed
//!   with `Authorization` kept, and streaming lists with `$skip`/`$top`;
//! - [`odata`]: a typed `$filter` / `$orderby` builder;
//! - [`ids`]: exact decimal ids (`AgentId`, `OrgId`, …) that never pass through `f64`.
//!
//! ```no_run
//! # async fn run() -> kaseya_vsa_client::Result<()> {
//! use futures_util::TryStreamExt;
//! use kaseya_vsa_client::{Client, auth::Credentials, odata::fields::agents};
//!
//! let vsa = Client::builder()
//!     .server("https://vsa.example.com")
//!     .credentials(Credentials::password("apiuser", "S3cret!"))
//!     .build()?;
//! let mut online = vsa
//!     .agents()
//!     .list()
//!     .filter(agents::ONLINE.ne(0).and(agents::AGENT_NAME.startswith("ACME-")))
//!     .order_by(agents::AGENT_NAME.asc())
//!     .stream();
//! while let Some(agent) = online.try_next().await? {
//!     println!("{} {}", agent.agent_id, agent.agent_name.unwrap_or_default());
//! }
//! # Ok(()) }
//! ```

pub mod agent_procedures;
pub mod agents;
pub mod auth;
pub mod client;
pub mod ids;
pub mod odata;
#[cfg(feature = "sim")]
pub mod sim;

pub use client::{Client, ClientBuilder, EnvelopeError, Enveloped, ListRequest, SessionInfo};
pub use msp_common::{Error, Result};
