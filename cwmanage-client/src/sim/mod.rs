//! A fake ConnectWise Manage server for tests and examples (feature `sim`).
//!
//! [`Simulator`] runs on a loopback port, built on the workspace's simulator kit
//! ([`msp_common::sim::Kit`]), and behaves like Manage where this crate can observe it:
//!
//! - seeded, deterministic data ([`msp_common::chaos::Prng`]): companies (one is named
//!   `O'Brien & Sons + Co "West"`), contacts, configurations, agreements, boards with
//!   statuses, priorities, members, and tickets (5,000 by default; see
//!   [`SimulatorBuilder::tickets`]) with notes and time entries;
//! - Basic auth and `clientId` enforced on every API call (401 with a vendor-shaped body),
//!   with credentials shaped like real ones ([`DEFAULT_COMPANY_ID`], 16-character
//!   [`DEFAULT_PUBLIC_KEY`] and [`DEFAULT_PRIVATE_KEY`], a GUID [`DEFAULT_CLIENT_ID`];
//!   getters [`Simulator::company_id`], [`Simulator::public_key`],
//!   [`Simulator::private_key`], [`Simulator::client_id`], [`Simulator::credentials`]);
//! - `conditions`, `childConditions` (a path through an array matches when any element
//!   does) and `customFieldConditions` read by the library's own parser
//!   ([`Condition::parse`](crate::conditions::Condition::parse)) and evaluated on the
//!   records: nested paths, `= != < <= > >= contains like in not`, `and`/`or`,
//!   parentheses, strings in either quote, numbers, booleans, `null`, `[datetimes]`; a
//!   malformed expression, one past the parser's caps, or a field the records do not have
//!   is a 400;
//! - `orderBy`, `fields`, `page`/`pageSize` (default 25, at most 1000) with `Link`
//!   headers on the simulator's own scheme, host and port (a client may follow `next`
//!   as given), forward-only paging (`pagination-type: forward-only` + `pageId`; refused
//!   with a 400 on board statuses, see [`SimulatorBuilder::forward_only_unsupported`]),
//!   `/count`;
//! - POST / PUT / PATCH / DELETE with validation errors in the vendor's shape; `_info`
//!   is the server's and, as in the vendor's schema, a string-to-string map
//!   (`lastUpdated`, `updatedBy`, `…_href` links) on every record, written ones
//!   included (what a write sends as `_info` is not stored);
//! - `/login/companyinfo/{company}` for codebase discovery, and
//!   [`Simulator::move_codebase`] to simulate a hosted instance moving;
//! - faults on request ([`Simulator::inject`]): any status with or without `Retry-After`
//!   (a 429 or 5xx in Manage's body), an HTML error page from a proxy, a delay, a
//!   connection reset without an answer; and chaos ([`Simulator::set_chaos`]): latency
//!   and a rate of `429 Retry-After: 1` answers.
//!
//! It has the same shape as every msp-sdk simulator: [`Simulator::start`],
//! [`Simulator::builder`]…[`start`](SimulatorBuilder::start), [`Simulator::url`],
//! [`Simulator::client`], [`Simulator::client_builder`], [`Simulator::inject`],
//! [`Simulator::set_chaos`] and [`Simulator::received`].
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use cwmanage_client::Listing;
//! use cwmanage_client::sim::{Fault, Simulator};
//!
//! let sim = Simulator::builder().tickets(50).start().await;
//! assert_eq!(sim.records("service/tickets").len(), 50);
//! let client = sim.client()?;
//! let first = client.tickets().list().limit(5).collect().await?;
//! assert_eq!(first.len(), 5);
//!
//! // A 503 is retried on reads; the simulator recorded both attempts.
//! sim.inject(Fault::unavailable(), 1).await;
//! client.tickets().get(1).await?;
//! let received = sim.received();
//! let gets: Vec<_> = received.iter().filter(|r| r.path.ends_with("/service/tickets/1")).collect();
//! assert_eq!(gets.len(), 2);
//! # Ok::<(), cwmanage_client::Error>(()) }).unwrap();
//! ```
//!
//! Assumptions where Manage's exact behaviour is not documented (the wording of error
//! messages, 401 for a missing `clientId`, case-insensitive string comparison, clamping
//! `pageSize` above 1000) are marked as such in the code.

mod data;
mod eval;
mod faults;
mod reads;
mod routes;
mod writes;

use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use msp_common::sim::{Gate, Kit};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

pub use msp_common::sim::{Chaos, Fault, Received};

use crate::auth::Credentials;
use crate::client::{Client, ClientBuilder, DEFAULT_CODEBASE};
use data::State;

/// The company id the simulator accepts by default (the name typed at login).
pub const DEFAULT_COMPANY_ID: &str = "myco";

/// The public key the simulator accepts by default: 16 letters and digits, like the keys
/// Manage generates for an API member.
pub const DEFAULT_PUBLIC_KEY: &str = "pK7wQ2mZ9xR4tL6v";

/// The private key the simulator accepts by default: 16 letters and digits, like the keys
/// Manage generates for an API member.
pub const DEFAULT_PRIVATE_KEY: &str = "sN3bV8cJ5hY1fD0a";

/// The `clientId` the simulator accepts by default: a GUID, like the ones
/// developer.connectwise.com issues to an integration.
pub const DEFAULT_CLIENT_ID: &str = "6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94";

/// How the simulator is seeded and what it expects; obtained from
/// [`Simulator::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SimulatorBuilder {
    tickets: usize,
    companies: usize,
    seed: u64,
    company_id: String,
    public_key: String,
    private_key: String,
    client_id: String,
    codebase: String,
    forward_only_unsupported: Vec<String>,
    tls: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            tickets: 5000,
            companies: 60,
            seed: 7,
            company_id: DEFAULT_COMPANY_ID.into(),
            public_key: DEFAULT_PUBLIC_KEY.into(),
            private_key: DEFAULT_PRIVATE_KEY.into(),
            client_id: DEFAULT_CLIENT_ID.into(),
            codebase: DEFAULT_CODEBASE.into(),
            forward_only_unsupported: vec!["service/boards/statuses".into()],
            tls: false,
        }
    }
}

impl SimulatorBuilder {
    /// Number of seeded tickets (default 5,000).
    pub fn tickets(mut self, n: usize) -> Self {
        self.tickets = n;
        self
    }

    /// Number of seeded companies (default 60, at least 10).
    pub fn companies(mut self, n: usize) -> Self {
        self.companies = n.max(10);
        self
    }

    /// Seed of the data generator (default 7).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The credentials the server accepts (default [`DEFAULT_COMPANY_ID`] /
    /// [`DEFAULT_PUBLIC_KEY`] / [`DEFAULT_PRIVATE_KEY`]: the shapes of real ones, a
    /// company id and two 16-character API member keys).
    pub fn credentials(
        mut self,
        company_id: impl Into<String>,
        public_key: impl Into<String>,
        private_key: impl Into<String>,
    ) -> Self {
        self.company_id = company_id.into();
        self.public_key = public_key.into();
        self.private_key = private_key.into();
        self
    }

    /// The `clientId` the server accepts (default [`DEFAULT_CLIENT_ID`], a GUID like the
    /// ones developer.connectwise.com issues).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The codebase the API answers on (default [`DEFAULT_CODEBASE`]).
    pub fn codebase(mut self, codebase: impl Into<String>) -> Self {
        self.codebase = codebase.into();
        self
    }

    /// Makes a collection refuse forward-only paging with a 400 (by default the board
    /// statuses, `service/boards/statuses`, do).
    pub fn forward_only_unsupported(mut self, collection: impl Into<String>) -> Self {
        self.forward_only_unsupported.push(collection.into());
        self
    }

    /// Serves over HTTPS (default plain HTTP): a certificate authority is generated at
    /// start, [`Simulator::url`] is `https://…`, [`Simulator::client_builder`] trusts the
    /// authority, and other clients trust [`Simulator::ca_pem`] (or the file at
    /// [`Simulator::ca_path`]).
    pub fn tls(mut self, tls: bool) -> Self {
        self.tls = tls;
        self
    }

    /// Starts the simulator on `127.0.0.1` and a free port.
    ///
    /// # Panics
    /// When no loopback port is free.
    pub async fn start(self) -> Simulator {
        self.start_on(std::net::Ipv4Addr::LOCALHOST.into())
            .await
            .expect("a loopback port is free")
    }

    /// Starts the simulator on `ip` (a loopback address) and a free port.
    pub async fn start_on(self, ip: IpAddr) -> std::io::Result<Simulator> {
        let kit = if self.tls {
            Kit::start_tls_on(ip).await?
        } else {
            Kit::start_on(ip).await?
        };
        Ok(Simulator::serve(self, kit).await)
    }
}

/// The fake server; see the [module docs](self). Dropping it stops the server.
pub struct Simulator {
    kit: Kit,
    /// The kit as the responder sees it: emptied on drop, so that the server (which holds
    /// the responder) does not keep itself alive.
    gate: Arc<Mutex<Option<Kit>>>,
    state: Arc<Mutex<State>>,
    config: Arc<SimulatorBuilder>,
}

/// Dropping the simulator stops its server.
impl Drop for Simulator {
    fn drop(&mut self) {
        self.gate.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.kit.url())
            .field("company_id", &self.config.company_id)
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with the default seed (5,000 tickets) on `127.0.0.1`.
    pub async fn start() -> Simulator {
        Simulator::builder().start().await
    }

    /// A builder for a simulator with other seed options.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    async fn serve(config: SimulatorBuilder, kit: Kit) -> Simulator {
        let state = Arc::new(Mutex::new(State::seeded(&config, kit.url())));
        let gate = Arc::new(Mutex::new(Some(kit.clone())));
        let responder = {
            let gate = gate.clone();
            let state = state.clone();
            move |req: &wiremock::Request| {
                let kit = gate.lock().unwrap_or_else(|e| e.into_inner()).clone();
                match kit {
                    Some(kit) => respond(&kit, &state, req),
                    // The simulator is gone; the server stops with the last request.
                    None => {
                        faults::vendor_error(503, "ServiceUnavailable", "The server is stopping.")
                    }
                }
            }
        };
        Mock::given(any())
            .respond_with(responder)
            .mount(kit.server())
            .await;
        Simulator {
            kit,
            gate,
            state,
            config: Arc::new(config),
        }
    }

    /// The server root (`http://127.0.0.1:port`): a site-root
    /// [`base_url`](ClientBuilder::base_url); the API is under `/{codebase}/apis/3.0/`.
    pub fn url(&self) -> String {
        self.kit.url()
    }

    /// A client builder for this simulator: [`url`](Self::url) as the base URL (with the
    /// codebase the simulator started on, when it is not [`DEFAULT_CODEBASE`]), the
    /// simulator's certificate authority trusted over HTTPS (plain http allowed
    /// otherwise), the accepted credentials and `clientId`. Add
    /// [`discover_codebase`](ClientBuilder::discover_codebase),
    /// [`api_version`](ClientBuilder::api_version) or test clocks as needed.
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder()
            .base_url(self.url())
            .credentials(Credentials::new(
                self.company_id(),
                self.public_key(),
                self.private_key(),
            ))
            .client_id(self.client_id());
        let builder = match self.ca_pem() {
            Some(pem) => builder.root_certificate(pem),
            None => builder.allow_http(true),
        };
        let codebase = self.config.codebase.trim_matches('/');
        if codebase == DEFAULT_CODEBASE {
            builder
        } else {
            builder.codebase(codebase)
        }
    }

    /// The certificate authority (PEM) clients must trust when the simulator serves
    /// HTTPS ([`SimulatorBuilder::tls`]); `None` over plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.kit.ca_pem()
    }

    /// A PEM file holding [`Simulator::ca_pem`] (for `REQUESTS_CA_BUNDLE`,
    /// `NODE_EXTRA_CA_CERTS`, `curl --cacert`); `None` over plain HTTP.
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.kit.ca_path()
    }

    /// A ready client for this simulator ([`client_builder`](Self::client_builder),
    /// built).
    pub fn client(&self) -> crate::Result<Client> {
        self.client_builder().build()
    }

    /// Answers the next `times` requests with `fault`: [`Fault::Status`] (a 429 or 5xx in
    /// Manage's error body, with `Retry-After` when given), [`Fault::Html`] (a proxy's
    /// error page), [`Fault::Delay`] (then served), or [`Fault::Reset`] (the connection
    /// is dropped without an answer).
    pub async fn inject(&self, fault: Fault, times: usize) {
        match fault {
            Fault::Reset => self.kit.inject_reset(times as u64).await,
            fault => self.kit.inject(fault, times),
        }
    }

    /// Adds latency to every answer and fails a fraction of them with
    /// `429 Too Many Requests` and `Retry-After: 1` (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.kit.set_chaos(chaos);
    }

    /// Every request received so far, in order (paths as sent:
    /// `/v4_6_release/apis/3.0/service/tickets`).
    pub fn received(&self) -> Vec<Received> {
        self.kit.received()
    }

    /// How many requests were received so far.
    pub fn received_count(&self) -> usize {
        self.kit.received_count()
    }

    /// Forgets the requests received so far (long tests keep the record short).
    pub fn clear_received(&self) {
        self.kit.clear_received();
    }

    /// The accepted company id.
    pub fn company_id(&self) -> &str {
        &self.config.company_id
    }

    /// The accepted public key.
    pub fn public_key(&self) -> &str {
        &self.config.public_key
    }

    /// The accepted private key.
    pub fn private_key(&self) -> &str {
        &self.config.private_key
    }

    /// The accepted `clientId`.
    pub fn client_id(&self) -> &str {
        &self.config.client_id
    }

    /// The accepted credentials: [`company_id`](Self::company_id),
    /// [`public_key`](Self::public_key) and [`private_key`](Self::private_key) (the
    /// `clientId` is a separate header: [`client_id`](Self::client_id)).
    pub fn credentials(&self) -> Credentials {
        Credentials::new(self.company_id(), self.public_key(), self.private_key())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Moves the API to another codebase: the old base answers 404 from now on, and
    /// `/login/companyinfo` reports the new one.
    pub fn move_codebase(&self, codebase: impl Into<String>) {
        self.lock().codebase = codebase.into().trim_matches('/').to_owned();
    }

    /// A copy of every record of a collection (`service/tickets`, `company/companies`,
    /// `service/tickets/notes`, `service/boards/statuses`, …), in id order.
    pub fn records(&self, collection: &str) -> Vec<Value> {
        self.lock()
            .collections
            .get(collection)
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// Every request: the kit's gate first (it records the request and decides on an
/// injected fault or a chaos failure), then the route.
fn respond(kit: &Kit, state: &Mutex<State>, req: &wiremock::Request) -> ResponseTemplate {
    let (delay, response) = match kit.gate(req) {
        Gate::Fault(Fault::Delay(delay)) => (delay, None),
        Gate::Fault(fault) => (std::time::Duration::ZERO, Some(faults::answer(&fault))),
        // Manage throttles with a 429 and `Retry-After`.
        Gate::Fail { delay } => (delay, Some(faults::too_many_requests("1"))),
        Gate::Pass { delay } => (delay, None),
    };
    let response =
        response.unwrap_or_else(|| state.lock().unwrap_or_else(|e| e.into_inner()).route(req));
    if delay.is_zero() {
        response
    } else {
        response.set_delay(delay)
    }
}
