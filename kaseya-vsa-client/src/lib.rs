//! Typed, async client for the Kaseya VSA 9 REST API v1.0.
//!
//! VSA 10 is a different product with a different API and is out of scope.
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use kaseya_vsa_client::models::OsType;
//! use kaseya_vsa_client::odata::fields::agents;
//! use kaseya_vsa_client::sim::Simulator;
//! use kaseya_vsa_client::{Client, Listing, WriteMode, auth::Credentials};
//!
//! let sim = Simulator::start().await; // a fake VSA on loopback (feature `sim`)
//! let vsa = Client::builder()
//!     .base_url(sim.url())
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
//! assert!(windows.iter().all(|a| a.os_type == Some(OsType::Windows)));
//!
//! // Names with quotes are found exactly: the builder doubles the `'`.
//! let pc = vsa.agents().list().filter(agents::COMPUTER_NAME.eq("O'Brien's PC")).collect().await?;
//! assert_eq!(pc.len(), 1);
//!
//! // A call is a value: awaited it is sent; previewed it shows exactly what it would send.
//! let procedures = vsa.agent_procedures().list().collect().await?;
//! let run = vsa.agent_procedures().run_now(&pc[0].agent_id, &procedures[0].agent_procedure_id);
//! let preview = run.preview()?;
//! assert_eq!(preview.method, "PUT");
//! assert!(preview.url.ends_with("/runnow"));
//!
//! // A read-only copy of the client refuses writes before anything is sent.
//! let read_only = vsa.with_write_mode(WriteMode::ReadOnly);
//! let err = read_only
//!     .agent_procedures()
//!     .run_now(&pc[0].agent_id, &procedures[0].agent_procedure_id)
//!     .await
//!     .unwrap_err();
//! assert!(err.to_string().contains("run_agent_procedure"));
//! # Ok::<(), kaseya_vsa_client::Error>(()) }).unwrap();
//! ```
//!
//! - [`auth`]: the hashed password payload of the guide's "Auth Payload Algorithm" and
//!   personal access tokens;
//! - [`Client`]: the token lifecycle (renewed before `SessionExpiration`, after a number of
//!   records, and — once for all calls in flight — when the server refuses a token that
//!   looked valid), the `{Result, TotalRecords, ResponseCode, Status, Error}` envelope with
//!   errors inside HTTP 200 turned into typed API errors (retried on reads when the code
//!   is a retryable status), same-origin redirects of reads followed with
//!   `Authorization` kept, and streaming lists with `$skip`/`$top` ([`ListRequest`]);
//! - [`error`]: [`ErrorExt`], the envelope's [`EnvelopeError`] read from any [`Error`];
//! - [`odata`]: a typed `$filter` / `$orderby` builder, and the parser that reads them
//!   back (the simulator's only grammar); both capped at
//!   [`MAX_TERMS`](odata::MAX_TERMS) comparisons and [`MAX_DEPTH`](odata::MAX_DEPTH)
//!   levels, past which a filter is refused with a typed error rather than grown;
//! - [`ids`]: exact decimal ids (`AgentId`, `OrgId`, …) that never pass through `f64`;
//! - [`models`]: the typed, tolerant records and request bodies (timestamps as
//!   `chrono::DateTime<Utc>`, counters and flags read from numbers, numeric strings,
//!   `0`/`1` or `""`, closed sets as enums with an `Unknown` variant), also re-exported
//!   by the module of the calls that use them;
//! - [`Resource`]: the one generic collection behind organizations, departments, machine
//!   groups, users and roles (`list`, `get`, `create` answering the typed record,
//!   `update`, `delete`, `in_org`);
//! - `sim` (feature `sim`): a fake VSA on loopback with the shared simulator API.
//!
//! # Configuration
//!
//! [`Client::builder`] takes the setters every msp-sdk client shares (written once in
//! [`msp_common::options`]): `base_url`, `user_agent`, `timeout` / `no_timeout`,
//! `connect_timeout`, `max_response_bytes`, `allow_http`, `danger_accept_invalid_certs`,
//! `retry_policy`, `http_client` and `write_mode`; then the VSA's own: `credentials`
//! (required) and the token settings (`renew_margin`, `renew_after_records`,
//! `fallback_token_lifetime`). A `reqwest::Client` given to `http_client` should not
//! follow redirects itself (reqwest's default does): the client follows same-origin
//! redirects of reads on its own, keeping `Authorization`, and refuses the others.
//!
//! **`base_url` is the VSA server root** — `https://vsa.example.com`, or a root below a
//! path such as `https://example.com/vsa` — and the client adds `/api/v1.0/`. The REST
//! API base itself (`https://vsa.example.com/api/v1.0`) is accepted too. Any other path
//! with an `api` segment (`…/api/v2`, `…/api/v1.0/assetmgmt`) is refused with
//! [`Error::Config`] instead of being rewritten or dropped.
//!
//! # Errors
//!
//! Names from data that go into a path as one segment (custom field names, an agent's
//! new name, a document's source and destination, each name of a
//! [`files::RepoPath`]) are refused with [`Error::Config`] before anything is sent when
//! they hold a control character, are empty, or are made only of dots — the spellings
//! that would change the path (here, or on IIS, which decodes `%2F` before routing);
//! anything else is percent-encoded whole.
//!
//! No secret — the password, the personal access token, the `/auth` payload and its
//! digests, the bearer token — shows in an error (`Display`, `Debug`, any `source()`,
//! the kept body and headers), a preview or a trace, in any form, even when the server
//! echoes the request back.
//!
//! Every error is a [`msp_common::Error`] ([`Error`]). The VSA reports application errors
//! inside HTTP 200, in its envelope (`ResponseCode` ≠ 0); those become [`Error::Api`]
//! with the code as status when it is an HTTP error status, and the envelope is read
//! back with [`ErrorExt::envelope`] (`use kaseya_vsa_client::ErrorExt`), also when it is
//! the cause of a refused sign-in.
//!
//! # Calls
//!
//! Every call of this crate is a [`Call`] returned by a plain method: it does nothing
//! until it is awaited, [`Call::preview`] shows the exact method, URL, headers (the token
//! as `[REDACTED]`) and body it would send, and [`Call::retry`], [`Call::timeout`] and
//! [`Call::idempotent`] override the client's settings for that call. Every call knows
//! whether it **writes**: what it does decides, not its HTTP method (`/auth` and the
//! `GET`s are reads; running, scheduling or cancelling a procedure, closing an alarm,
//! creating, updating, renaming, deleting and uploading are writes, and so are the
//! session's role and scope changes). The client's [`WriteMode`] applies to writes
//! only: [`WriteMode::ReadOnly`] refuses them with [`Error::ReadOnly`] naming the call,
//! [`WriteMode::DryRun`] returns [`Error::DryRun`] carrying the preview; nothing is sent
//! either way. Reads are retried by the client's [`RetryPolicy`]; a write is sent once
//! (again only after a 401 answered by a fresh sign-in, or a 429).
//!
//! Lists are [`ListRequest`]s and share the [`Listing`] surface of every msp-sdk crate:
//! `limit`, `page_size`, `look_ahead`, `pages_in_flight`, `stream()`, `pages()` and
//! `collect()` (bring the trait into scope: `use kaseya_vsa_client::Listing`).
//!
//! Endpoints this crate does not model are reached through [`Raw`] (`get`, `post`, `put`,
//! `patch`, `delete`, `send`; `use kaseya_vsa_client::Raw`), which decodes the
//! envelope's `Result` and gives raw calls previews and write modes too.
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
//!
//! # Against a real server
//!
//! ```no_run
//! # async fn run() -> kaseya_vsa_client::Result<()> {
//! use futures_util::TryStreamExt;
//! use kaseya_vsa_client::{Client, Listing, auth::Credentials, odata::fields::agents};
//!
//! let vsa = Client::builder()
//!     .base_url("https://vsa.example.com")
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
pub mod sim;
pub mod users;

pub use client::{Client, ClientBuilder, ListRequest, SessionInfo};
pub use resource::Resource;

/// The README's snippets that run (the simulator one), compiled and run as doctests.
#[cfg(all(doctest, feature = "sim"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
pub use error::{EnvelopeError, ErrorExt};
pub use msp_common;
pub use msp_common::{Call, Error, Listing, Raw, Result, RetryPolicy, WriteMode, reqwest};
