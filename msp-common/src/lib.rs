//! The small shared layer under every msp-sdk vendor crate.
//!
//! `msp-common` knows no vendor. It gives the four vendor crates
//! (`screenconnect-client`, `kaseya-vsa-client`, `cwmanage-client`,
//! `beyondtrust-sessions-client`) one way to do the things every API client gets wrong
//! somewhere:
//!
//! | module | what it does |
//! |---|---|
//! | [`error`] | one [`Error`] with predicates (`status()`, `is_not_found()`, `is_retryable()`, `retry_after()`), API errors that keep status, request id, a bounded body and the vendor's parsed error, decode errors that name the failing field |
//! | [`retry`] | [`RetryPolicy`]: capped, fully jittered exponential backoff, `Retry-After`, a time budget, and the rule that a write is replayed only when the server refused it before acting (a `429`, or a `401` answered by a fresh sign-in) or it is marked idempotent |
//! | [`call`] | [`Call`]: every call of every vendor crate as an owned value — awaited to send, `preview()` to see the exact request, per-call `retry`/`timeout`/`idempotent`; [`WriteMode`] (read-write, read-only, dry run); the [`Service`] hooks vendors plug into the one retry loop; the [`Raw`] escape hatch |
//! | [`paginate`] | one engine turning "fetch the page of this typed token" into a lazy `Stream` of items or pages, with look-ahead and pages in flight; [`Listing`], the one list surface (`limit`, `page_size`, `look_ahead`, `pages_in_flight`, `stream`, `pages`, `collect`) |
//! | [`http`] | [`Transport`]: the shared `reqwest` client with base-URL joining, full query encoding, sensitive headers, user agent, timeouts, a body-size cap, and [`Transport::execute`], the one retry loop every call of every vendor goes through, with one `tracing` span per logical call (attempts and re-sign-ins recorded) |
//! | [`chaos`] | latency and failure injection decided per request, for the vendor simulators |
//! | [`secret`] | [`SecretString`](secret::SecretString), the type every credential is held in, and redaction of secrets from error bodies |
//!
//! # Example
//!
//! A listing streamed across pages by the engine, against a server on loopback:
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use futures_util::TryStreamExt;
//! use msp_common::paginate::{Fetched, Paginator};
//! use msp_common::{Request, Transport};
//! use wiremock::matchers::{method, path, query_param};
//! use wiremock::{Mock, MockServer, ResponseTemplate};
//!
//! let server = MockServer::start().await;
//! for (page, body) in [("1", "[1,2]"), ("2", "[3,4]"), ("3", "[5]")] {
//!     Mock::given(method("GET"))
//!         .and(path("/api/widgets"))
//!         .and(query_param("color", "blue"))
//!         .and(query_param("page", page))
//!         .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
//!         .mount(&server)
//!         .await;
//! }
//!
//! let transport = Transport::builder("Example", "example/0.1.0")
//!     .base_url(format!("{}/api/", server.uri()))
//!     .allow_http(true) // a loopback test server
//!     .build()?;
//!
//! // The page number is a typed token: the fetch function builds its request from it.
//! let widgets: Vec<u32> = Paginator::new(1u32, move |page: u32| {
//!     let transport = transport.clone();
//!     async move {
//!         let request = Request::get("widgets")
//!             .query("color", "blue")
//!             .query("page", page.to_string());
//!         let items: Vec<u32> = transport.send(request).await?.json()?;
//!         let next = (items.len() == 2).then_some(page + 1);
//!         Ok(Fetched::new(items).with_next_opt(next))
//!     }
//! })
//! .items()
//! .try_collect()
//! .await?;
//! assert_eq!(widgets, [1, 2, 3, 4, 5]);
//! # Ok::<(), msp_common::Error>(()) }).unwrap();
//! ```
//!
//! # Choices
//!
//! - **Date and time: [`chrono`].** One date-time crate serves the whole workspace. chrono
//!   parses the zone-less timestamps Kaseya and ScreenConnect send (`NaiveDateTime`, with
//!   7-digit fractions), the RFC 2822 HTTP-dates of `Retry-After`, and the bracketed UTC
//!   literals of ConnectWise conditions, serializes through serde, and is the type most
//!   callers already hold. It is built without its default features (no locale tables,
//!   no wasm bindings).
//! - **TLS:** rustls by default (feature `rustls`); the platform's stack with feature
//!   `native-tls`. With neither, only `http://` (loopback) works.
//! - **Runtime:** Tokio, which `reqwest` needs anyway. Look-ahead pagination spawns its
//!   page requests on the current runtime.

pub mod call;
pub mod chaos;
pub mod error;
pub mod http;
pub mod ids;
pub mod lenient;
pub mod options;
pub mod paginate;
pub mod retry;
pub mod secret;
#[cfg(feature = "sim")]
pub mod sim;

pub use call::{Call, Raw, Service, WriteMode};
pub use error::{ApiError, DecodeError, Error, ParsedError, Result, VendorError};
pub use http::{Request, RequestPreview, Response, Transport, TransportBuilder, TransportOptions};
pub use options::ClientOptions;
pub use paginate::{Fetched, ListOptions, Listing, Page, Paginator, Undecoded};
pub use retry::RetryPolicy;

/// Re-export of the date-time crate the workspace uses.
pub use chrono;
/// Re-export of the HTTP client crate (its `Client` is in the builders' public API).
pub use reqwest;
/// Re-exports of the HTTP types in this crate's public API.
pub use reqwest::{Method, StatusCode, header};
/// Re-export of the URL type in this crate's public API.
pub use url::Url;

/// What the exported macros refer to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use reqwest;
    pub use serde;
}
