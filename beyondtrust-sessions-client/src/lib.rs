//! Typed, async client for the BeyondTrust Password Safe public API v3: sign-in
//! (`PS-Auth` API key or OAuth) with a cookie session, access requests, credentials and
//! sessions — and, with feature `sim`, a fake Password Safe to run it against.
//!
//! # Example
//!
//! The whole flow against the simulator: sign in, look up an account, request access,
//! wait for approval, open an RDP file session, check in, sign out.
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
//! use std::time::Duration;
//! use beyondtrust_sessions_client::sim::Simulator;
//! use beyondtrust_sessions_client::{
//!     AccessType, ApprovalWait, Client, Listing, NewRequest, PsAuth, SessionStatus, SessionType,
//! };
//!
//! let sim = Simulator::start().await;
//! let client = Client::builder()
//!     .base_url(sim.api_url()) // https://{host}/BeyondTrust/api/public/v3 in production
//!     .allow_http(true)        // the simulator listens on plain-http loopback
//!     .credentials(PsAuth::new(sim.api_key()).runas(sim.runas()))
//!     .build()?;
//!
//! let me = client.sign_in().await?;
//! let account = client.managed_accounts().find("web01.example.local", "Administrator").await?;
//!
//! let new = NewRequest::new(AccessType::Rdp, account.system_id, account.account_id)
//!     .duration_minutes(60)
//!     .reason("Patch Tuesday");
//! // Every call is a value: its preview is exactly what awaiting it sends.
//! let preview = client.requests().create(new.clone()).preview()?;
//! assert_eq!(preview.method, "POST");
//! assert!(preview.url.ends_with("/BeyondTrust/api/public/v3/Requests"));
//!
//! let guard = client.requests().create_guarded(new).await?;
//! sim.approve(guard.id()); // an approver says yes
//! client
//!     .requests()
//!     .wait_for_approval(guard.id(), ApprovalWait::new().initial_interval(Duration::from_millis(10)))
//!     .await?;
//!
//! let rdp = client
//!     .sessions()
//!     .create(guard.id(), SessionType::RdpFile)
//!     .await?
//!     .into_file()?;
//! assert!(rdp.file_name().unwrap().ends_with(".rdp"));
//! assert!(rdp.text().contains("full address:s:"));
//!
//! let live = client
//!     .sessions()
//!     .list()
//!     .status(SessionStatus::InProgress)
//!     .user_id(me.user_id)
//!     .collect()
//!     .await?;
//! assert!(!live.is_empty());
//!
//! guard.checkin("Patched").await?;
//! client.sign_out().await?;
//! # Ok::<(), Box<dyn std::error::Error>>(()) })?;
//! # Ok(()) }
//! # #[cfg(not(feature = "sim"))]
//! # fn main() {}
//! ```
//!
//! # One shape with the other vendor crates
//!
//! - **The builder** speaks the shared vocabulary of [`msp_common::options`]:
//!   `base_url`, `user_agent`, `timeout(Duration)` / `no_timeout()`, `connect_timeout`,
//!   `max_response_bytes`, `allow_http`, `danger_accept_invalid_certs`, `retry_policy`,
//!   `http_client`, `write_mode` (and `clock`, `jitter` for tests). **`base_url` is the
//!   API base, `https://{host}/BeyondTrust/api/public/v3`**;
//!   [`host`](ClientBuilder::host)`("https://{host}")` is the convenience that builds it.
//!   Password Safe adds [`credentials`](ClientBuilder::credentials) (required) and
//!   [`reauthenticate`](ClientBuilder::reauthenticate).
//!
//!   ```
//!   use std::time::Duration;
//!   use beyondtrust_sessions_client::{Client, PsAuth, RetryPolicy, WriteMode};
//!
//!   let client = Client::builder()
//!       .base_url("https://pam.example.com/BeyondTrust/api/public/v3")
//!       .credentials(PsAuth::new("c479a66f").runas(r"doe-main\johndoe"))
//!       .timeout(Duration::from_secs(30))
//!       .retry_policy(RetryPolicy::default().with_max_attempts(5))
//!       .write_mode(WriteMode::ReadOnly)
//!       .build()?;
//!   assert_eq!(
//!       client.transport().base_url().as_str(),
//!       "https://pam.example.com/BeyondTrust/api/public/v3/"
//!   );
//!   # Ok::<(), beyondtrust_sessions_client::Error>(())
//!   ```
//! - **Ids** ([`RequestId`], [`SessionId`], [`UserId`], [`SystemId`], [`AccountId`]) are
//!   `u64` newtypes from [`msp_common::numeric_id!`]: `From<u64>` both ways, `.get()`,
//!   `FromStr`, read from a number or a string of digits.
//! - **Errors** are [`msp_common::Error`]; Password Safe's detail (codes 4031 / 4034 /
//!   4091, sign-in failures, local validation, approval waits) is read through
//!   [`ErrorExt`].
//! - **The crate re-exports** [`msp_common`], [`reqwest`] and the types its API takes
//!   ([`Call`], [`Error`], [`Result`], [`Listing`], [`Raw`], [`RetryPolicy`],
//!   [`WriteMode`]): one dependency line is enough.
//! - **Every call is a [`Call`]** from a plain method: owned, `#[must_use]`, sent by
//!   awaiting it; [`Call::preview`] shows the exact method, URL, headers (the session
//!   cookie as `[REDACTED]`) and body; [`Call::retry`], [`Call::timeout`] and
//!   [`Call::idempotent`] override the client's settings for that call. Optional
//!   parameters travel in a params value: [`NewRequest`], [`NewSession`],
//!   [`AdminSession`], [`ApprovalWait`].
//! - **Lists** ([`requests::ListRequests`], [`sessions::ListSessions`],
//!   [`credentials::ListManagedAccounts`]) implement [`Listing`]: `limit`, `stream()`,
//!   `pages()`, `collect()`. Password Safe answers each of them in one response, so the
//!   paging settings (`page_size`, `look_ahead`, `pages_in_flight`) change nothing here.
//! - **Write modes**: [`ClientBuilder::write_mode`] — in [`WriteMode::ReadOnly`] every
//!   write (creating a request, a check-in, creating a session or an admin session,
//!   lock, terminate, and raw `POST`/`PUT`/`PATCH`/`DELETE`) fails with
//!   [`Error::ReadOnly`] naming the call; in [`WriteMode::DryRun`] with [`Error::DryRun`]
//!   carrying its preview; nothing is sent. Signing in and out is session management,
//!   not a write, and works in every mode. [`Client::with_write_mode`] gives a copy
//!   sharing the session.
//! - **The simulator** ([`sim::Simulator`], feature `sim`) has the shared shape:
//!   `start()`, `builder()…start()`, `url()` (the server root; `api_url()` is the API
//!   base), `client()`, `client_builder()`, `inject(fault, times)`, `set_chaos(..)`,
//!   `received()`.
//! - **Raw access** for what the crate does not model: [`Raw`]'s `get`, `post`, `put`,
//!   `patch`, `delete` and `send`, with the session and the write mode.
//! - **Composites** — helpers that make several calls — are `async`:
//!   [`Client::sign_in`] (OAuth: token, then sign-in), [`Client::sign_in_challenge`],
//!   [`Client::sign_out`], [`RequestsHandler::create_guarded`](requests::RequestsHandler::create_guarded)
//!   and [`RequestsHandler::wait_for_approval`](requests::RequestsHandler::wait_for_approval).
//!   Each of their HTTP requests is a [`Call`] too.
//!
//! # What the crate does for you
//!
//! - **Sign-in** with `Authorization: PS-Auth key={key}; runas={user}; pwd=[{password}];`
//!   (runas and password optional), the two-factor `challenge=` step
//!   ([`Client::sign_in_challenge`]), or OAuth client credentials ([`OAuthClient`]).
//! - **One cookie session per client**, kept as a secret. A call refused with 401 signs in
//!   again once and is resent — even a write, since the server refused it before acting;
//!   concurrent calls share that one sign-in. This runs inside the one retry loop of
//!   `msp-common` (the client implements [`msp_common::Service`]).
//!   [`Client::sign_out`] ends the session; a client dropped without it leaves the
//!   session to the server's idle timeout.
//! - **Writes are never replayed** after a failure that may have reached the server:
//!   creating requests and sessions, check-ins, lock, terminate and sign-in are sent
//!   once (a 401 answered by a fresh sign-in, or a 429, is the exception: the server did
//!   not act). Reads are retried on 408/429/502/503/504 and transport errors, honouring
//!   `Retry-After`.
//! - **Typed errors** for 4031 / 4034 / 4091 and sign-in failures through [`ErrorExt`];
//!   input such as a duration outside 1–525600 minutes or an over-long admin-session
//!   field is refused before anything is sent ([`ValidationError`]).
//! - **Secrets** — the API key, password, OAuth client secret, session cookie, bearer
//!   token, retrieved credentials and session tickets — are never shown by `Debug`,
//!   `Display`, errors (every variant, [`Error::Auth`] included, and every `source()`),
//!   previews or logs, in any form they travel in (plain, base64, JSON-escaped, percent-
//!   or form-encoded), even when a server echoes the request back. A redirect never
//!   carries the `PS-Auth` header, the cookie or the OAuth `client_secret` to another
//!   origin, and no write (the token request included) follows a redirect.
//! - **Tolerant records**: counters, codes, sizes and flags that arrive as strings,
//!   `0`/`1` or empty strings decode (or fall back to `None`) instead of failing a call.
//! - **[`RequestsHandler::wait_for_approval`](requests::RequestsHandler::wait_for_approval)**
//!   polls with backoff until a request is approved, and **[`CheckinGuard`]** warns
//!   (through `tracing`) when a request is dropped without a check-in.

pub mod auth;
pub mod client;
pub mod credentials;
pub mod error;
pub mod models;
pub mod requests;
pub mod sessions;
#[cfg(feature = "sim")]
pub mod sim;

pub use auth::{Credentials, OAuthClient, PsAuth};
pub use client::{Client, ClientBuilder};
pub use credentials::ListManagedAccounts;
pub use error::{ApprovalError, AuthFailure, ErrorCode, ErrorExt, ValidationError};
pub use models::{
    AccessRequest, AccessType, AccountId, ConflictOption, CredentialType, ManagedAccount,
    ManagedAccountType, RequestId, RequestStatus, Session, SessionCreated, SessionFile, SessionId,
    SessionProtocol, SessionStatus, SessionTicket, SessionType, SignInUser, SystemId, UserId,
};
pub use msp_common;
pub use msp_common::{
    Call, Error, Listing, Method, Page, Raw, Result, RetryPolicy, WriteMode, reqwest,
};
pub use requests::{ApprovalWait, CheckinGuard, ListRequests, NewRequest};
pub use sessions::{AdminSession, ListSessions, NewSession};

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "sim"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The secret type credentials are returned in, and [`ExposeSecret`](secret::ExposeSecret)
/// to read one.
pub mod secret {
    pub use msp_common::secret::{ExposeSecret, SecretString};
}
