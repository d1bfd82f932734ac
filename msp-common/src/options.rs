//! The one builder vocabulary of the four vendor clients.
//!
//! Every vendor `ClientBuilder` holds a [`ClientOptions`] and gets the shared setters from
//! [`client_builder_setters!`](crate::client_builder_setters) — written once here, so the
//! same name means the same thing in every crate:
//!
//! | setter | what it sets | default |
//! |---|---|---|
//! | `base_url(url)` | the vendor's documented API base (each crate's docs give its form; vendor conveniences such as ConnectWise `region`/`codebase` or BeyondTrust `host` build it for you) | required |
//! | `user_agent(app)` | appended to the crate's own `{crate}/{version}` user agent | none |
//! | `timeout(Duration)` / `no_timeout()` | the timeout of one attempt, body included | 60 s |
//! | `connect_timeout(Duration)` | the TCP + TLS connect timeout | 10 s |
//! | `max_response_bytes(n)` | the largest response body accepted | 16 MiB |
//! | `allow_http(bool)` | allow a plain-`http` base URL (loopback test servers) | no |
//! | `root_certificate(pem)` | trust this certificate authority too (a private CA, a simulator's) | the platform's roots |
//! | `danger_accept_invalid_certs(bool)` | turn TLS certificate checks off (lab servers only) | no |
//! | `retry_policy(RetryPolicy)` | how reads (and writes refused before acting) are retried | [`RetryPolicy::default`](crate::RetryPolicy::default) |
//! | `http_client(reqwest::Client)` | share a connection pool | one of its own |
//! | `write_mode(WriteMode)` | what happens to writes: sent, refused, or previewed | [`WriteMode::ReadWrite`] |
//! | `clock(..)`, `jitter(..)` | time and randomness of retries, for tests | the system's |
//!
//! ```
//! use std::time::Duration;
//!
//! /// A vendor's builder: its own fields plus the shared options.
//! #[derive(Default)]
//! pub struct ClientBuilder {
//!     options: msp_common::ClientOptions,
//!     api_key: Option<String>,
//! }
//!
//! impl ClientBuilder {
//!     msp_common::client_builder_setters!(options);
//!
//!     /// The vendor's own setting.
//!     pub fn api_key(mut self, key: impl Into<String>) -> Self {
//!         self.api_key = Some(key.into());
//!         self
//!     }
//! }
//!
//! let builder = ClientBuilder::default()
//!     .base_url("https://api.example.com/v1")
//!     .timeout(Duration::from_secs(30))
//!     .write_mode(msp_common::WriteMode::ReadOnly)
//!     .api_key("k");
//! assert_eq!(builder.options.base_url.as_deref(), Some("https://api.example.com/v1"));
//! assert_eq!(builder.options.transport.timeout, Some(Duration::from_secs(30)));
//! ```

use std::fmt;

use crate::call::WriteMode;
use crate::http::TransportOptions;

/// Every setting the shared builder vocabulary sets; see the [module docs](self).
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientOptions {
    /// The API base as the caller gave it (`base_url`).
    pub base_url: Option<String>,
    /// The transport settings (`user_agent`, timeouts, `max_response_bytes`,
    /// `allow_http`, `danger_accept_invalid_certs`, `retry_policy`, `http_client`,
    /// `clock`, `jitter`).
    pub transport: TransportOptions,
    /// What happens to writes (`write_mode`).
    pub write_mode: WriteMode,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url)
            .field("transport", &self.transport)
            .field("write_mode", &self.write_mode)
            .finish()
    }
}

/// Generates the shared builder setters (see the [module docs](crate::options)) inside an
/// `impl` block of a vendor builder, for its field of type [`ClientOptions`].
#[macro_export]
macro_rules! client_builder_setters {
    ($field:ident) => {
        /// The vendor's documented API base; see the crate docs for its form. Required
        /// unless a vendor convenience sets it.
        pub fn base_url(mut self, url: impl ::core::convert::Into<String>) -> Self {
            self.$field.base_url = ::core::option::Option::Some(url.into());
            self
        }

        /// Appends an application name to the crate's user agent:
        /// `{crate}/{version} {app}`.
        pub fn user_agent(mut self, app: impl ::core::convert::Into<String>) -> Self {
            self.$field.transport.app_user_agent = ::core::option::Option::Some(app.into());
            self
        }

        /// The timeout of one attempt, body included (default 60 s).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.transport.timeout = ::core::option::Option::Some(timeout);
            self.$field.transport.no_timeout = false;
            self
        }

        /// No timeout for an attempt: it takes as long as the server does.
        pub fn no_timeout(mut self) -> Self {
            self.$field.transport.no_timeout = true;
            self
        }

        /// The connect timeout (default 10 s). Ignored with [`Self::http_client`].
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.$field.transport.connect_timeout = ::core::option::Option::Some(timeout);
            self
        }

        /// The largest response body accepted (default 16 MiB); a larger one is an error.
        pub fn max_response_bytes(mut self, bytes: usize) -> Self {
            self.$field.transport.max_response_bytes = ::core::option::Option::Some(bytes);
            self
        }

        /// Allows a plain-`http` base URL. Credentials then travel in clear text: for
        /// loopback simulators and lab servers only.
        pub fn allow_http(mut self, allow: bool) -> Self {
            self.$field.transport.allow_http = allow;
            self
        }

        /// Turns TLS certificate checks **off**: anyone on the path can then read and
        /// change the traffic, credentials included. For lab servers with self-signed
        /// certificates only; cannot be combined with [`Self::http_client`].
        pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
            self.$field.transport.danger_accept_invalid_certs = accept;
            self
        }

        /// Trusts this certificate authority (PEM) besides the platform's: a private CA,
        /// or a simulator's generated one (`sim.ca_pem()`). Cannot be combined with
        /// [`Self::http_client`].
        pub fn root_certificate(mut self, pem: impl ::core::convert::AsRef<[u8]>) -> Self {
            self.$field
                .transport
                .root_certificates
                .push(pem.as_ref().to_vec());
            self
        }

        /// How failed calls are retried (default [`RetryPolicy::default`](
        /// $crate::RetryPolicy::default)). Writes are replayed only when the server
        /// refused them before acting, whatever the policy.
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.$field.transport.retry_policy = ::core::option::Option::Some(policy);
            self
        }

        /// Uses this `reqwest::Client` (sharing its connection pool); its own TLS, proxy
        /// and connect-timeout settings apply.
        pub fn http_client(mut self, client: $crate::__private::reqwest::Client) -> Self {
            self.$field.transport.http_client = ::core::option::Option::Some(client);
            self
        }

        /// What the client does with calls that change state (default
        /// [`WriteMode::ReadWrite`]($crate::WriteMode::ReadWrite)).
        pub fn write_mode(mut self, mode: $crate::WriteMode) -> Self {
            self.$field.write_mode = mode;
            self
        }

        /// The clock behind retry waits and token expiry (tests inject
        /// [`ManualClock`]($crate::retry::ManualClock)).
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::retry::Clock>) -> Self {
            self.$field.transport.clock = ::core::option::Option::Some(clock);
            self
        }

        /// The randomness behind retry jitter (tests inject
        /// [`FixedJitter`]($crate::retry::FixedJitter)).
        pub fn jitter(mut self, jitter: ::std::sync::Arc<dyn $crate::retry::Jitter>) -> Self {
            self.$field.transport.jitter = ::core::option::Option::Some(jitter);
            self
        }
    };
}
