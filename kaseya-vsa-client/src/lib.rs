//! Typed, async client for the Kaseya VSA 9 REST API v1.0.
//!
//! VSA 10 is a different product with a different API and is out of scope.
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use kaseya_vsa_client::odata::fields::agents;
//! use kaseya_vsa_client::sim::Simulator;
//! use kaseya_vsa_client::{Client, auth::Credentials};
//!
//! let sim = Simulator::start().await; // a fake VSA on loopback (feature `sim`)
//! let vsa = Client::builder()
//!     .server(sim.url())
//!     .allow_http(true) // the simulator is plain http on loopback
//!     .credentials(Credentials::password("apiuser", "S3cret!"))
//!     .build()?;
//!
//! // Every Windows agent whose name holds "acme", across as many 100-record pages as
//! // it takes, with the next page fetched while this one is consumed.
//! let windows = vsa
//!     .agents()
//!     .list()
//!     .filter(agents::OS_TYPE.eq("Windows").and(agents::AGENT_NAME.substringof("acme")))
//!     .order_by(agents::AGENT_NAME.asc())
//!     .collect()
//!     .await?;
//! assert!(windows.iter().all(|a| a.os_type.as_deref() == Some("Windows")));
//!
//! // Names with quotes are found exactly: the builder doubles the `'`.
//! let pc = vsa.agents().list().filter(agents::COMPUTER_NAME.eq("O'Brien's PC")).collect().await?;
//! assert_eq!(pc.len(), 1);
//! # Ok::<(), kaseya_vsa_client::Error>(()) }).unwrap();
//! ```
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
//! # Endpoints
//!
//! Every endpoint of the vendor's guide and the function that calls it.
//!
#![doc = include_str!("../docs/endpoints-procedures-audit-patch.md")]
#![doc = include_str!("../docs/endpoints-agents-assets.md")]
#![doc = include_str!("../docs/endpoints-system.md")]
//!
//! # Against a real server
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
pub mod alarms;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod client;
pub mod cloud_backup;
pub mod custom_fields;
pub mod departments;
pub mod files;
pub mod general;
pub mod ids;
pub mod info_center;
pub mod logs;
pub mod machine_groups;
pub mod navigation;
pub mod notes;
pub mod odata;
pub mod orgs;
pub mod packages;
pub mod patch;
#[cfg(feature = "sim")]
pub mod sim;
pub mod users;

pub use client::{Client, ClientBuilder, EnvelopeError, Enveloped, ListRequest, SessionInfo};
pub use msp_common::{Error, Result};
