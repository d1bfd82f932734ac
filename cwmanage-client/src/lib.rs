//! Typed, async client for the ConnectWise Manage (PSA) REST API 3.0.
//!
//! Built on [`msp_common`]: every call is a [`Call`] — an owned value that is sent when
//! awaited, can show the exact request it would send ([`Call::preview`]) and takes
//! per-call overrides ([`Call::retry`], [`Call::timeout`], [`Call::idempotent`]); every
//! listing is a [`Listing`]; one transport runs the one retry loop.
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
//! use cwmanage_client::sim::Simulator;
//! use cwmanage_client::{Client, Credentials, Error, Listing, WriteMode};
//! use futures_util::TryStreamExt;
//!
//! let sim = Simulator::builder().tickets(300).start().await;
//! let client = Client::builder()
//!     .base_url(sim.url())               // a real client: "https://cw.example.com/v4_6_release/apis/3.0"
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
//!
//! // A call is a value: its preview is exactly what it sends (credentials redacted)…
//! let close = client.tickets().patch(id, &[PatchOp::replace("closedFlag", true)]);
//! let preview = close.preview()?;
//! assert_eq!(preview.method, "PATCH");
//! assert!(preview.url.ends_with(&format!("/v4_6_release/apis/3.0/service/tickets/{id}")));
//! assert!(preview.headers.contains(&("authorization".into(), "[REDACTED]".into())));
//!
//! // …and a dry-run client answers that preview instead of sending the write.
//! let dry = client.with_write_mode(WriteMode::DryRun);
//! let err = dry.tickets().patch(id, &[PatchOp::replace("closedFlag", true)]).await.unwrap_err();
//! assert_eq!(err.dry_run_preview(), Some(&preview));
//! // Reads still go through.
//! assert_eq!(dry.tickets().get(id).await?.closed_flag, Some(false));
//! # Ok::<(), Error>(()) }).unwrap();
//! ```
//!
//! # The base URL
//!
//! [`ClientBuilder::base_url`] takes the full API base, `https://cw.example.com/v4_6_release/apis/3.0`
//! (trailing slash optional), or the site root, `https://cw.example.com` — the codebase then
//! comes from [`ClientBuilder::codebase`], from [`ClientBuilder::discover_codebase`], or is
//! [`DEFAULT_CODEBASE`](client::DEFAULT_CODEBASE). Any other path is refused by `build()`
//! with a config error naming these forms, never dropped. [`ClientBuilder::region`] sets the
//! site root of a ConnectWise-hosted region. The other builder setters (`user_agent`,
//! `timeout`, `no_timeout`, `connect_timeout`, `max_response_bytes`, `allow_http`,
//! `danger_accept_invalid_certs`, `retry_policy`, `http_client`, `write_mode`) are the
//! shared ones of every msp-sdk crate.
//!
//! # Errors
//!
//! Every call fails with the workspace's one [`Error`] (predicates `status()`,
//! `is_not_found()`, `is_retryable()`, …). Manage's own error body — the code, the message
//! and the per-field errors of a rejected write — is read with [`ErrorExt`]:
//!
//! ```no_run
//! # async fn run(client: cwmanage_client::Client) {
//! use cwmanage_client::ErrorExt;
//! use cwmanage_client::models::Company;
//!
//! if let Err(err) = client.companies().create(&Company::new("Acme", "Acme Dental")).await {
//!     if let Some(body) = err.manage_error() {
//!         eprintln!("{:?}: {:?}", body.code, body.message);
//!     }
//!     for field in err.field_errors() {
//!         eprintln!("  {:?}: {:?}", field.field, field.message);
//!     }
//! }
//! # }
//! ```
//!
//! # The simulator in your own tests
//!
//! With feature `sim`, [`sim::Simulator`](crate::sim) is a fake Manage server on loopback
//! with seeded data, the real auth, conditions, paging and error shapes, and fault
//! injection — the same shape as every msp-sdk simulator (`start`, `builder`, `url`,
//! `client`, `client_builder`, `inject`, `set_chaos`, `received`). See the README.
//!
//! # What is where
//!
//! | module | |
//! |---|---|
//! | [`client`] | [`Client`], its builder, regions, codebase discovery, the escape hatch ([`Raw`]: `get/post/put/patch/delete/send`; [`Client::list`]) |
//! | [`error`] | [`ManageError`], [`ErrorExt`] |
//! | [`auth`] | [`Credentials`] and the `Authorization` header |
//! | [`conditions`] | the typed conditions builder, its quoting rule, and its parser |
//! | [`query`] | list parameters, paging modes, page tokens, the [`ListRequest`](query::ListRequest) listing |
//! | [`patch`] | [`PatchOp`](patch::PatchOp) |
//! | [`resource`] | [`Resource`](resource::Resource): list, get, create, update, patch, delete, count on one collection |
//! | [`tickets`], [`companies`], [`service`], [`system`] | the resource families |
//! | [`callbacks`] | callback payloads and signature verification |
//! | [`models`] | the records |
//! | `sim` | the fake Manage server (feature `sim`): `Simulator` |
//!
//! # Behaviour worth knowing
//!
//! - Every request carries `Authorization: Basic base64("{company}+{public}:{private}")`,
//!   `clientId`, and `Accept` (the versioned media type when a version is pinned). The
//!   private key is never printed (`Debug`, errors, traces, previews).
//! - Writes (create, update, patch, delete, notes, callbacks, raw `POST/PUT/PATCH/DELETE`)
//!   obey the client's [`WriteMode`]: read-only refuses them naming the call
//!   (`create_ticket`, `add_internal_note`, …), dry-run answers their preview; both send
//!   nothing. Searches (`POST …/search`) are reads.
//! - Reads are retried on 429/502/503/504 and transport failures, honouring
//!   `Retry-After`; a write is sent once, replayed only on a 429 (the server did not act)
//!   or when marked [`Call::idempotent`].
//! - Listings keep every query parameter on every page, page by a typed
//!   [`PageToken`](query::PageToken) read from the `Link` header, and stop with
//!   [`Error::Protocol`] when the server points back to a page already fetched.
//!   [`Paging::Auto`](query::Paging::Auto) uses forward-only paging when the order allows
//!   it and falls back to page numbers; `pages_in_flight(n)` reads the total from `/count`
//!   and fetches up to `n` numbered pages at once.
//! - With [`ClientBuilder::discover_codebase`], the codebase is discovered before the
//!   first call and re-discovered when a working base starts answering 404; the call is
//!   then resent once by the transport's own loop.
//! - Escaping a quote inside a condition string is UNVERIFIED against a real server, so the
//!   builder never escapes: see [`conditions`].
//! - The conditions builder and parser share caps ([`MAX_TERMS`](conditions::MAX_TERMS)
//!   comparisons, [`MAX_DEPTH`](conditions::MAX_DEPTH) levels of parentheses): a bigger
//!   condition is refused with a typed error before anything is sent, so no input can
//!   exhaust the stack. Numbers from the server that drive paging (`Link` page numbers,
//!   `/count` totals) are parsed and checked, never computed unchecked.
//! - Manage's API does not redirect, so the transport follows no redirect: a 3xx is the
//!   call's error (keeping its `Location`), and the credentials never reach another
//!   origin.
//! - Callback signatures (`x-content-signature`) are HMAC-SHA256 under the SHA-256 of the
//!   signing key, checked in constant time ([`callbacks`]).

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
pub mod sim;
pub mod system;
pub mod tickets;

pub use auth::Credentials;
pub use client::{Client, ClientBuilder, Region};
pub use error::{ErrorExt, ManageError, ManageFieldError};
pub use msp_common;
pub use msp_common::{Call, Error, Listing, Raw, Result, RetryPolicy, WriteMode, reqwest};

/// The README's code blocks, compiled (and the simulator one run) as doctests.
#[cfg(all(doctest, feature = "sim"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
