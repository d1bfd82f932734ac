#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]
//!
//! # API map
//!
//! | module | what it does |
//! |---|---|
//! | [`error`] | one [`Error`] with predicates (`status()`, `is_not_found()`, `is_retryable()`, `retry_after()`), API errors that keep status, request id, a bounded body and the vendor's parsed error, decode errors that name the failing field |
//! | [`retry`] | [`RetryPolicy`]: capped, fully jittered exponential backoff, `Retry-After`, a time budget, and the rule that a write is replayed only when the server refused it before acting (a `429`, or a `401` answered by a fresh sign-in) or it is marked idempotent |
//! | [`call`] | [`Call`]: every call of every vendor crate as an owned value — awaited to send, `preview()` to see the exact request, per-call `retry`/`timeout`/`idempotent`; [`WriteMode`] (read-write, read-only, dry run); the [`Service`] hooks vendors plug into the one retry loop; the [`Raw`] escape hatch |
//! | [`paginate`] | one engine turning "fetch the page of this typed token" into a lazy `Stream` of items or pages, with look-ahead and pages in flight ([`Paginator`]); [`Listing`], the one list surface (`limit`, `page_size`, `look_ahead`, `pages_in_flight`, `stream`, `pages`, `collect`) |
//! | [`http`] | [`Transport`]: the shared `reqwest` client with base-URL joining, full query encoding, sensitive headers, user agent, timeouts, a body-size cap, and [`Transport::execute`], the one retry loop every call of every vendor goes through, with one `tracing` span per logical call (attempts and re-sign-ins recorded) |
//! | [`options`] | [`ClientOptions`] and [`client_builder_setters!`], the one builder vocabulary of the four vendor clients |
//! | [`ids`] | the id newtypes of every vendor crate: [`numeric_id!`] (64-bit integers) and [`decimal_id!`] (exact decimals too long for any integer or float) |
//! | [`lenient`] | tolerant decoders for scalars vendors send in more than one JSON type |
//! | [`chaos`] | latency and failure injection decided per request, for the vendor simulators |
//! | [`secret`] | [`SecretString`](secret::SecretString), the type every credential is held in, and redaction of secrets from error bodies |
//! | `sim` | (feature `sim`) the kit the vendor simulators are built from |

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
#[cfg_attr(docsrs, doc(cfg(feature = "sim")))]
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
