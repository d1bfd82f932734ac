//! Typed, async client for ConnectWise ScreenConnect's RESTful API Manager extension.
//!
//! - [`Client`] — one instance: the raw secret in `CTRLAuthHeader`, the `Origin`, the
//!   extension GUID, retries for reads only, read-only and dry-run modes ([`WriteMode`]).
//! - [`sessions`] — every method of the extension as a typed [`Call`], with the
//!   positional JSON array bodies it expects, plus [`Client::call_raw`] and the shared
//!   escape hatch [`Raw`] for anything else.
//! - [`models`] — sessions, details, guest info, connections, events, custom properties.
//! - [`filter`] — session filter expressions for `GetSessionsByFilter`.
//! - [`installer`] — access agent installer URLs for every platform, and the silent
//!   install commands.
//! - [`error`] — typed faults (a method missing on this instance, an unknown parameter,
//!   a refused secret or origin), read through [`ErrorExt`].
//! - `sim` (feature `sim`) — a fake instance for tests and examples, with the shape of
//!   every msp-sdk simulator (`Simulator::start()`, `builder()`, `url()`, `client()`,
//!   `inject(fault, times)`, `set_chaos(..)`, `received()`).
//!
//! The crate re-exports what its API takes — [`msp_common`], [`Call`], [`Error`],
//! [`Result`], [`RetryPolicy`], [`WriteMode`], [`reqwest`] — so this one dependency is
//! enough.
//!
//! # Building a client
//!
//! [`Client::builder`] takes the setters every msp-sdk client shares (`base_url`,
//! `user_agent`, `timeout`/`no_timeout`, `connect_timeout`, `max_response_bytes`,
//! `allow_http`, `danger_accept_invalid_certs`, `retry_policy`, `http_client`,
//! `write_mode`; see [`msp_common::options`]) and ScreenConnect's own: the `secret`
//! (required), the `origin`, the `extension_guid` and the `property_names`.
//!
//! **`base_url` is the instance URL**, as a browser opens it: `https://acme.screenconnect.com`
//! for a cloud instance; an on-premise instance may have a port and a path
//! (`https://sc.acme.example:8040/control`). Calls go to
//! `{base_url}/App_Extensions/{extension_guid}/Service.ashx/{Method}`, installer URLs to
//! `{base_url}/Bin/ScreenConnect.ClientSetup.{ext}`, and the `Origin` defaults to the
//! base URL's origin.
//!
//! # Example
//!
//! Against the crate's simulator (feature `sim`): install an agent from an installer
//! URL, find its session, re-tag it, send it a command, and see the command among the
//! session's events.
//!
//! ```
//! # #[cfg(feature = "sim")]
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use screenconnect_client::filter::Field;
//! use screenconnect_client::installer::Platform;
//! use screenconnect_client::models::{EventType, PropertyNames, SessionType};
//! use screenconnect_client::sessions::NewSession;
//! use screenconnect_client::sim::Simulator;
//! use screenconnect_client::{Client, Error, ErrorExt, WriteMode};
//!
//! let sim = Simulator::start().await;
//! let names = PropertyNames::company_site_tag();
//! let client = Client::builder()
//!     .base_url(sim.url())
//!     .secret(sim.secret())
//!     .allow_http(true) // the simulator is plain http on loopback
//!     .property_names(names.clone())
//!     .build()?;
//!
//! // Deploy: the installer URL carries the name and the custom properties.
//! let url = client
//!     .installer(Platform::Msi)
//!     .name("ACME-PC01")
//!     .property_named(&names, "Company", "Acme")?
//!     .property_named(&names, "Site", "HQ")?
//!     .property_named(&names, "Tag", "New")?
//!     .build()?;
//! sim.install(url.as_str()).await?;
//!
//! // Find it, re-tag it, send it a command.
//! let session = client.sessions().by_name("ACME-PC01").await?.remove(0);
//! assert!(session.is_online());
//! let mut props = session.custom_property_values.clone();
//! props.set_named(&names, "Tag", "Patched")?;
//! client.sessions().update_custom_properties(&session.session_id, props).await?;
//! client.sessions().send_command(&session.session_id, "#!ps\nGet-Service").await?;
//!
//! let tagged = client.sessions().by_filter(Field::custom_property(3).eq("Patched")).await?;
//! assert_eq!(tagged[0].session_id, session.session_id);
//! let details = client.sessions().details(&session.session_id).await?;
//! assert!(details.all_events().any(|e| e.event_type == EventType::QueuedCommand));
//!
//! // Every call is a value: preview it, or await it.
//! let create = client.sessions().create(NewSession::new(SessionType::Support, "Printer help").code("4711"));
//! assert!(create.preview()?.url.ends_with("/Service.ashx/CreateSession"));
//! let support = create.await?;
//!
//! // A dry-run copy of the client sends reads but returns writes' previews instead.
//! let careful = client.with_write_mode(WriteMode::DryRun);
//! let note = careful.sessions().add_note(&support.session_id, "called back");
//! let preview = note.preview()?;
//! let err = note.await.unwrap_err();
//! assert!(matches!(err, Error::DryRun { .. }));
//! assert_eq!(err.dry_run_preview(), Some(&preview));
//!
//! // Feature detection: this instance's extension has no GetAllSessions.
//! let err = client.call_raw("GetAllSessions", serde_json::json!([])).write(false).await.unwrap_err();
//! assert_eq!(err.missing_method(), Some("GetAllSessions"));
//! # Ok::<(), screenconnect_client::Error>(()) }).unwrap();
//! ```
//!
//! # Write safety
//!
//! Whether a call writes is decided by the call, not by its HTTP method: every method
//! is a `POST`, and the four `Get…` methods are reads. State-changing methods (create,
//! rename, custom properties, command, message, note, toolbox item, and raw calls not
//! marked [`Call::write`]`(false)`) are sent once: a replayed `SendCommandToSession`
//! would run the command twice, so a write is replayed only when the server refused it
//! before acting (a `429`). A client in [`WriteMode::ReadOnly`] refuses them with
//! [`Error::ReadOnly`] naming the method before anything leaves the process; in
//! [`WriteMode::DryRun`] it returns [`Error::DryRun`] carrying the exact request instead
//! ([`Error::dry_run_preview`], equal to the call's [`Call::preview`]). Reads are sent in
//! every mode.
//!
//! # Secrets and redirects
//!
//! The secret is a [`SecretString`](msp_common::secret::SecretString), sent in a
//! header marked sensitive, redacted from `Debug`, previews, error bodies, typed faults
//! and traces — in every form a server may echo it in (plain, JSON-escaped, percent- and
//! form-encoded, base64).
//!
//! `CTRLAuthHeader` is a custom header, which HTTP clients do not strip on redirects, so
//! the client follows none on its own: reads follow a redirect only within the
//! instance's origin (at most 5 hops), a redirect to another origin is an
//! [`Error::Protocol`] with nothing sent there, and a write's `3xx` is its error — a
//! write is never resent by a redirect, and never reported `Ok` when only a redirect
//! answered.

pub mod client;
pub mod error;
pub mod filter;
pub mod installer;
pub mod models;
pub mod sessions;
#[cfg(feature = "sim")]
pub mod sim;

pub use client::{Client, ClientBuilder};
pub use error::{ErrorExt, Fault};
pub use msp_common;
pub use msp_common::{
    Call, Error, Listing, Raw, RequestPreview, Result, RetryPolicy, WriteMode, reqwest,
};
