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
//! use beyondtrust_sessions_client::{AccessType, Client, PsAuth, SessionStatus, SessionType};
//!
//! let sim = Simulator::start().await;
//! let client = Client::builder()
//!     .base_url(sim.base_url()) // https://{host}/BeyondTrust/api/public/v3 in production
//!     .allow_http(true)         // the simulator listens on plain-http loopback
//!     .credentials(PsAuth::new(sim.api_key()).runas(sim.runas()))
//!     .build()?;
//!
//! let me = client.sign_in().await?;
//! let account = client.managed_accounts().find("web01.example.local", "Administrator").await?;
//!
//! let guard = client
//!     .requests()
//!     .create(AccessType::Rdp, account.system_id, account.account_id)
//!     .duration_minutes(60)
//!     .reason("Patch Tuesday")
//!     .send_guarded()
//!     .await?;
//! sim.approve(guard.id().get()); // an approver says yes
//! client
//!     .requests()
//!     .wait_for_approval(guard.id())
//!     .initial_interval(Duration::from_millis(10))
//!     .await_approval()
//!     .await?;
//!
//! let rdp = client
//!     .sessions()
//!     .create(guard.id(), SessionType::RdpFile)
//!     .send()
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
//!     .send()
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
//! # What the crate does for you
//!
//! - **Sign-in** with `Authorization: PS-Auth key={key}; runas={user}; pwd=[{password}];`
//!   (runas and password optional), the two-factor `challenge=` step
//!   ([`Client::sign_in_challenge`]), or OAuth client credentials ([`OAuthClient`]).
//! - **One cookie session per client**, kept as a secret. A call refused with 401 signs in
//!   again once and is repeated; concurrent calls share that one sign-in.
//!   [`Client::sign_out`] ends the session; a client dropped without it leaves the
//!   session to the server's idle timeout.
//! - **Writes are never retried**: creating requests and sessions, check-ins, lock,
//!   terminate and sign-in are sent once. Reads are retried on 408/429/502/503/504 and
//!   transport errors, honouring `Retry-After`.
//! - **Typed errors** for 4031 / 4034 / 4091 and sign-in failures through [`ErrorExt`];
//!   input such as a duration outside 1–525600 minutes or an over-long admin-session
//!   field is refused before anything is sent ([`ValidationError`]).
//! - **Secrets** — the API key, password, OAuth client secret, session cookie, retrieved
//!   credentials and session tickets — are never shown by `Debug`, `Display`, errors or
//!   logs.
//! - **[`requests::WaitForApproval`]** polls with backoff until a request is approved, and
//!   **[`CheckinGuard`]** warns (through `tracing`) when a request is dropped without a
//!   check-in.

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
pub use error::{ApprovalError, AuthFailure, ErrorCode, ErrorExt, ValidationError};
pub use models::{
    AccessRequest, AccessType, AccountId, ConflictOption, CredentialType, ManagedAccount,
    RequestId, RequestStatus, Session, SessionCreated, SessionFile, SessionId, SessionProtocol,
    SessionStatus, SessionTicket, SessionType, SignInUser, SystemId, UserId,
};
pub use msp_common::{Error, Method, Result, RetryPolicy};
pub use requests::CheckinGuard;

/// The secret type credentials are returned in, and [`ExposeSecret`](secret::ExposeSecret)
/// to read one.
pub mod secret {
    pub use msp_common::secret::{ExposeSecret, SecretString};
}
