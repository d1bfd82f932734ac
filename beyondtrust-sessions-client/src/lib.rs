#![cfg_attr(docsrs, feature(doc_cfg))]
// The README is the crate documentation. Its examples run against the simulator, so
// its doctests are collected only with feature `sim` (CI tests with --all-features).
#![cfg_attr(any(not(doctest), feature = "sim"), doc = include_str!("../README.md"))]
//!
//! # API map
//!
//! - [`Client`] and [`ClientBuilder`] (the shared setters of [`msp_common::options`],
//!   plus [`credentials`](ClientBuilder::credentials), [`host`](ClientBuilder::host) and
//!   [`reauthenticate`](ClientBuilder::reauthenticate)); the composites
//!   [`Client::sign_in`], [`Client::sign_in_challenge`], [`Client::sign_out`].
//! - [`auth`] — [`PsAuth`], [`OAuthClient`], [`Credentials`].
//! - [`requests`] — [`NewRequest`], [`ListRequests`], [`CheckinGuard`], [`ApprovalWait`],
//!   [`RequestsHandler::create_guarded`](requests::RequestsHandler::create_guarded),
//!   [`RequestsHandler::wait_for_approval`](requests::RequestsHandler::wait_for_approval).
//! - [`credentials`] — credentials as [`SecretString`](secret::SecretString)
//!   ([`ExposeSecret`](secret::ExposeSecret) reads one), managed accounts
//!   ([`ListManagedAccounts`]).
//! - [`sessions`] — [`NewSession`], [`AdminSession`], [`ListSessions`], session files
//!   ([`SessionFile`]).
//! - [`models`] — the records and the id newtypes ([`RequestId`], [`SessionId`],
//!   [`UserId`], [`SystemId`], [`AccountId`]).
//! - [`error`] — [`ErrorExt`] on the workspace's one [`Error`]: [`ErrorCode`] (4031 /
//!   4034 / 4091), [`AuthFailure`], [`ValidationError`], [`ApprovalError`].
//! - `sim` (feature `sim`) — the fake Password Safe.
//! - Re-exports: [`msp_common`], [`reqwest`], [`Call`], [`Error`], [`Result`],
//!   [`Listing`], [`Raw`], [`RetryPolicy`], [`WriteMode`].

pub mod auth;
pub mod client;
pub mod credentials;
pub mod error;
pub mod models;
pub mod requests;
pub mod sessions;
#[cfg(feature = "sim")]
#[cfg_attr(docsrs, doc(cfg(feature = "sim")))]
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

/// The secret type credentials are returned in, and [`ExposeSecret`](secret::ExposeSecret)
/// to read one.
pub mod secret {
    pub use msp_common::secret::{ExposeSecret, SecretString};
}
