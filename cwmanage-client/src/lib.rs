//! Typed, async client for the ConnectWise Manage (PSA) REST API 3.0.
//!
//! Built on [`msp_common`]: one transport (retries for reads only, sensitive auth
//! headers, errors that keep the vendor's body), one pagination engine.
//!
//! # Example
//!
//! Against the crate's simulator (feature `sim`), a fake Manage server on loopback:
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use cwmanage_client::conditions::Condition;
//! use cwmanage_client::models::Ticket;
//! use cwmanage_client::patch::PatchOp;
//! use cwmanage_client::sim::{SimConfig, SimServer};
//! use cwmanage_client::{Client, Credentials};
//! use futures_util::TryStreamExt;
//!
//! let sim = SimServer::start(SimConfig::default().tickets(300)).await;
//! let client = Client::builder()
//!     .site(sim.uri())                   // a real client uses .region(Region::NorthAmerica)
//!     .allow_http(true)                  // loopback only
//!     .credentials(Credentials::new(sim.company_id(), sim.public_key(), sim.private_key()))
//!     .client_id(sim.client_id())
//!     .api_version("2025.1")
//!     .build()?;
//!
//! // Stream every open ticket of board 1, page after page.
//! let open: Vec<Ticket> = client.tickets().list()
//!     .conditions(Condition::field("board/id").eq(1).and(Condition::field("closedFlag").eq(false)))
//!     .page_size(50)
//!     .stream()
//!     .try_collect()
//!     .await?;
//! assert!(!open.is_empty());
//! assert!(open.iter().all(|t| t.closed_flag == Some(false)));
//!
//! // Create a ticket, note it, move its status.
//! let ticket = client.tickets().create(&Ticket::new("Printer on fire", 1)).await?;
//! let id = ticket.id.unwrap();
//! client.tickets().notes(id).add_internal("Toner replaced").await?;
//! let patched = client.tickets().patch(id, &[PatchOp::replace("status/id", 2)]).await?;
//! assert_eq!(patched.status.unwrap().id, Some(2));
//! # Ok::<(), cwmanage_client::Error>(()) }).unwrap();
//! ```
//!
//! # What is where
//!
//! | module | |
//! |---|---|
//! | [`client`] | [`Client`], its builder, regions, codebase discovery, the escape hatch (`get/post/put/patch/delete`, [`Client::query`]) |
//! | [`auth`] | [`Credentials`] and the `Authorization` header |
//! | [`conditions`] | the typed conditions builder and its quoting rule |
//! | [`query`] | list parameters, paging modes, the streaming [`ListRequest`](query::ListRequest) |
//! | [`patch`] | [`PatchOp`](patch::PatchOp) |
//! | [`tickets`], [`companies`], [`service`], [`system`] | typed calls per resource family |
//! | [`callbacks`] | callback payloads and signature verification |
//! | [`models`] | the records |
//! | `sim` | the fake Manage server (feature `sim`) |
//!
//! # Behaviour worth knowing
//!
//! - Every request carries `Authorization: Basic base64("{company}+{public}:{private}")`,
//!   `clientId`, and `Accept` (the versioned media type when a version is pinned). The
//!   private key is never printed (`Debug`, errors, traces).
//! - Reads are retried on 429/502/503/504 and transport failures, honouring
//!   `Retry-After`; writes (POST, PUT, PATCH, DELETE) are sent once.
//! - Streams keep every query parameter on every page. [`Paging::Auto`](query::Paging::Auto)
//!   uses forward-only paging when the order allows it and falls back to page numbers.
//! - Escaping a quote inside a condition string is UNVERIFIED against a real server, so the
//!   builder never escapes: see [`conditions`].

pub mod auth;
pub mod callbacks;
pub mod client;
pub mod companies;
pub mod conditions;
pub mod models;
pub mod patch;
pub mod query;
pub mod resource;
pub mod service;
#[cfg(feature = "sim")]
pub mod sim;
pub mod system;
pub mod tickets;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, ManageError, ManageFieldError, Region};
pub use msp_common::{Error, Result};
