//! The kit every vendor simulator is built from (feature `sim`): one loopback HTTP
//! server, the record of what it received, injected faults, chaos, and the seeded
//! generator ([`Prng`]).
//!
//! A vendor crate's `sim::Simulator` holds a [`Kit`] and offers the same methods under the
//! same names in all four crates: `Simulator::start()`, `Simulator::builder()…start()`,
//! `url()`, `client()`, `client_builder()`, `inject(fault, times)`, `set_chaos(..)` and
//! `received()` (a `Vec` of this module's [`Received`]). Its responders call
//! [`Gatekeeper::gate`] (or [`Kit::gate`]) first, which records the request and decides
//! whether an injected fault or chaos answers it instead. A responder holds a
//! [`Kit::gatekeeper`], not a clone of the kit: a responder mounted on the kit's server
//! that held the kit would keep that server running after the simulator is dropped.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use msp_common::sim::{Fault, Gate, Kit};
//! use wiremock::{Mock, ResponseTemplate, matchers::any};
//!
//! let kit: Kit = Kit::start().await;
//! let gate = kit.gatekeeper();
//! Mock::given(any())
//!     .respond_with(move |req: &wiremock::Request| match gate.gate(req) {
//!         Gate::Fault(fault) => fault.response(),
//!         Gate::Fail { delay } => Fault::unavailable().response().set_delay(delay),
//!         Gate::Pass { delay } => ResponseTemplate::new(200).set_body_string("[]").set_delay(delay),
//!     })
//!     .mount(kit.server())
//!     .await;
//!
//! kit.inject(Fault::too_many_requests(1), 1);
//! let client = reqwest::Client::new();
//! let first = client.get(format!("{}/x?a=1", kit.url())).send().await.unwrap();
//! let second = client.get(format!("{}/x?a=2", kit.url())).send().await.unwrap();
//! assert_eq!((first.status().as_u16(), second.status().as_u16()), (429, 200));
//! let received = kit.received();
//! assert_eq!(received.len(), 2);
//! assert_eq!(received[1].path, "/x");
//! assert_eq!(received[1].query_param("a"), Some("2"));
//! # });
//! ```

pub mod hostile;
pub mod suite;
pub mod tls;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub use crate::chaos::{Chaos, Prng};

/// One request a simulator received, as it came over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Received {
    /// The method (`GET`, `POST`, …).
    pub method: String,
    /// The URL path, percent-encoded as sent (`/api/v1.0/assetmgmt/agents`).
    pub path: String,
    /// The query string as sent, without `?`.
    pub raw_query: Option<String>,
    /// The decoded query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The headers, names lower-cased, values as text.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// The record of a request served by wiremock.
    pub fn from_wiremock(request: &wiremock::Request) -> Self {
        Received {
            method: request.method.to_string(),
            path: request.url.path().to_owned(),
            raw_query: request.url.query().map(str::to_owned),
            query: request
                .url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            headers: request
                .headers
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: request.body.clone(),
        }
    }

    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_param(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The body as (lossy) text.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, when it is JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The path and query as sent (`/a/b?x=1`), for comparing with a request preview.
    pub fn path_and_query(&self) -> String {
        match &self.raw_query {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

/// The faults every simulator can inject (`inject(fault, times)`): answers a real server
/// gives when it is overloaded, restarting, behind a broken proxy, or gone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// An answer with this status and, when given, a `Retry-After` header (seconds or
    /// an HTTP-date, sent as is).
    Status {
        /// The status.
        status: u16,
        /// The `Retry-After` value.
        retry_after: Option<String>,
    },
    /// An HTML error page with this status, as a proxy or load balancer sends.
    Html {
        /// The status.
        status: u16,
    },
    /// The connection is reset without an answer.
    Reset,
    /// The answer comes after this delay (then the request is served normally).
    Delay(Duration),
}

impl Fault {
    /// An answer with `status` and no `Retry-After`.
    pub fn status(status: u16) -> Self {
        Fault::Status {
            status,
            retry_after: None,
        }
    }

    /// `429 Too Many Requests` with `Retry-After: {seconds}`.
    pub fn too_many_requests(seconds: u64) -> Self {
        Fault::Status {
            status: 429,
            retry_after: Some(seconds.to_string()),
        }
    }

    /// `503 Service Unavailable` with `Retry-After: 1`.
    pub fn unavailable() -> Self {
        Fault::Status {
            status: 503,
            retry_after: Some("1".to_owned()),
        }
    }

    /// The answer this fault gives (a reset cannot be an answer: it is served by
    /// [`Kit::inject`] as a dropped connection; here it gives a bare 502).
    pub fn response(&self) -> ResponseTemplate {
        match self {
            Fault::Status {
                status,
                retry_after,
            } => {
                let mut template = ResponseTemplate::new(*status)
                    .set_body_raw(format!("{{\"message\":\"simulated fault {status}\"}}"), "application/json");
                if let Some(after) = retry_after {
                    template = template.insert_header("Retry-After", after.as_str());
                }
                template
            }
            Fault::Html { status } => ResponseTemplate::new(*status).set_body_raw(
                format!(
                    "<html><head><title>{status} Error</title></head><body><h1>Server Error</h1></body></html>"
                ),
                "text/html",
            ),
            Fault::Reset => ResponseTemplate::new(502),
            Fault::Delay(delay) => ResponseTemplate::new(200).set_delay(*delay),
        }
    }
}

/// What a simulator's responder does with a request: see [`Kit::gate`]. Apply the
/// `delay` with `ResponseTemplate::set_delay` (never sleep in a responder).
#[derive(Debug)]
pub enum Gate<F = Fault> {
    /// Serve it, after the chaos latency.
    Pass {
        /// The chaos latency.
        delay: Duration,
    },
    /// Answer with this injected fault.
    Fault(F),
    /// Chaos decided this answer fails: answer with the vendor's "busy" error (the
    /// common one is [`Fault::unavailable`]), after the chaos latency.
    Fail {
        /// The chaos latency.
        delay: Duration,
    },
}

struct State<F> {
    received: Vec<Received>,
    faults: VecDeque<F>,
    chaos: Chaos,
}

/// The shared core of a simulator: a loopback server, what it received, injected faults
/// and chaos. Cheap to clone (an `Arc`); clones share everything. `F` is the vendor's
/// fault type (default [`Fault`]).
pub struct Kit<F = Fault> {
    server: Arc<MockServer>,
    state: Arc<Mutex<State<F>>>,
    tls: Option<Arc<tls::TlsFront>>,
}

impl<F> Clone for Kit<F> {
    fn clone(&self) -> Self {
        Kit {
            server: self.server.clone(),
            state: self.state.clone(),
            tls: self.tls.clone(),
        }
    }
}

impl<F> std::fmt::Debug for Kit<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit")
            .field("url", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl<F: Send + 'static> Kit<F> {
    /// A kit serving on `127.0.0.1` and a free port.
    pub async fn start() -> Self {
        Self::start_on(std::net::Ipv4Addr::LOCALHOST.into())
            .await
            .expect("a loopback port is free")
    }

    /// A kit serving on `ip` (which must be a loopback address) and a free port.
    pub async fn start_on(ip: std::net::IpAddr) -> std::io::Result<Self> {
        if !ip.is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("a simulator only listens on loopback addresses, not {ip}"),
            ));
        }
        let listener = std::net::TcpListener::bind((ip, 0))?;
        let server = MockServer::builder().listener(listener).start().await;
        Ok(Kit {
            server: Arc::new(server),
            state: Arc::new(Mutex::new(State {
                received: Vec::new(),
                faults: VecDeque::new(),
                chaos: Chaos::none(),
            })),
            tls: None,
        })
    }

    /// A kit served over HTTPS on `ip` (loopback): a certificate authority and a server
    /// certificate are generated at start ([`tls::TlsFront`]); [`Kit::url`] is then the
    /// `https://` address, and clients trust [`Kit::ca_pem`] (the project's clients
    /// through their `root_certificate` builder setter, other tools through the file at
    /// [`Kit::ca_path`]).
    pub async fn start_tls_on(ip: std::net::IpAddr) -> std::io::Result<Self> {
        let mut kit = Self::start_on(ip).await?;
        let front = tls::TlsFront::start(ip, *kit.server.address()).await?;
        kit.tls = Some(Arc::new(front));
        Ok(kit)
    }

    /// Whether the kit serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// The certificate authority clients must trust, when the kit serves HTTPS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.tls.as_deref().map(tls::TlsFront::ca_pem)
    }

    /// A PEM file holding [`Kit::ca_pem`], when the kit serves HTTPS (removed when the
    /// last clone of the kit is dropped).
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.tls.as_deref().map(tls::TlsFront::ca_path)
    }

    fn state(&self) -> MutexGuard<'_, State<F>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The server's base URL (`http://127.0.0.1:PORT`, or `https://…` when the kit
    /// serves HTTPS).
    pub fn url(&self) -> String {
        match &self.tls {
            Some(front) => front.url(),
            None => self.server.uri(),
        }
    }

    /// The underlying wiremock server, to mount the vendor's responders on.
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Received> {
        self.state().received.clone()
    }

    /// How many requests were received so far.
    pub fn received_count(&self) -> usize {
        self.state().received.len()
    }

    /// Forgets the requests received so far.
    pub fn clear_received(&self) {
        self.state().received.clear();
    }

    /// Sets latency and a failure rate for every later answer (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.state().chaos = chaos;
    }

    /// Queues `fault` for the next `times` requests (after those already queued).
    pub fn inject(&self, fault: F, times: usize)
    where
        F: Clone,
    {
        let mut state = self.state();
        for _ in 0..times {
            state.faults.push_back(fault.clone());
        }
    }

    /// Resets the next `times` connections without an answer (they are recorded).
    pub async fn inject_reset(&self, times: u64) {
        let state = self.state.clone();
        Mock::given(any())
            .respond_with_err(move |req: &wiremock::Request| {
                state
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .received
                    .push(Received::from_wiremock(req));
                std::io::Error::other("connection reset by the simulator")
            })
            .up_to_n_times(times)
            .with_priority(1)
            .mount(&self.server)
            .await;
    }

    /// Records `request` and decides its fate: the next injected fault, a chaos failure,
    /// or [`Gate::Pass`]. Call it first in every responder (through a
    /// [`Kit::gatekeeper`]).
    pub fn gate(&self, request: &wiremock::Request) -> Gate<F> {
        self.gatekeeper().gate(request)
    }

    /// What a responder holds to [`gate`](Gatekeeper::gate) requests: the kit's record,
    /// faults and chaos, without the server (so dropping the simulator stops it).
    pub fn gatekeeper(&self) -> Gatekeeper<F> {
        Gatekeeper {
            state: self.state.clone(),
        }
    }
}

/// The part of a [`Kit`] a responder needs: it records requests and decides their fate,
/// sharing the kit's record, faults and chaos but not its server. From
/// [`Kit::gatekeeper`].
pub struct Gatekeeper<F = Fault> {
    state: Arc<Mutex<State<F>>>,
}

impl<F> Clone for Gatekeeper<F> {
    fn clone(&self) -> Self {
        Gatekeeper {
            state: self.state.clone(),
        }
    }
}

impl<F> std::fmt::Debug for Gatekeeper<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gatekeeper").finish_non_exhaustive()
    }
}

impl<F> Gatekeeper<F> {
    /// Records `request` and decides its fate: the next injected fault, a chaos failure,
    /// or [`Gate::Pass`]. Call it first in every responder.
    pub fn gate(&self, request: &wiremock::Request) -> Gate<F> {
        let (fault, decision) = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.received.push(Received::from_wiremock(request));
            let fault = state.faults.pop_front();
            (fault, state.chaos.decide())
        };
        let delay = decision.delay;
        match fault {
            Some(fault) => Gate::Fault(fault),
            None if decision.fail => Gate::Fail { delay },
            None => Gate::Pass { delay },
        }
    }
}
