//! A fake ScreenConnect instance on a loopback port (feature `sim`).
//!
//! The [`Simulator`] answers the RESTful API Manager the way a real instance does — and is
//! never laxer:
//!
//! - it checks `CTRLAuthHeader` (the raw secret; a `Basic` prefix or any other value is
//!   a 401), the `Origin` (anything but the allowed origin is a 403), the extension GUID
//!   (another GUID is a 404), `POST` (others are 405) and a JSON body;
//! - unknown method names, and the methods you declare missing with
//!   [`Simulator::set_missing_methods`], answer 500 `Web method does not exist` (as the
//!   documented instance does for `GetSessions`, `GetAllSessions`, `GetSessionGroups`);
//! - arguments of the wrong shape and unknown session ids answer a 500 fault; unknown
//!   named parameters answer 500 `Unknown parameter: x`;
//! - filters are parsed by the library's own grammar ([`crate::filter`]) and evaluated
//!   against the sessions;
//! - name and custom property updates are applied; commands, messages, notes and
//!   toolbox items are recorded as session events;
//! - `GET /Bin/ScreenConnect.ClientSetup.{ext}?e=Access&y=Guest…` serves an installer,
//!   and [`Simulator::install`] "runs" one: it downloads the URL and creates the access
//!   session from its parameters, as a real agent would.
//!
//! It has the shape of every msp-sdk simulator, built on msp-common's
//! [`Kit`]: [`Simulator::start`], [`Simulator::builder`]…
//! [`start`](SimulatorBuilder::start), [`url`](Simulator::url),
//! [`client`](Simulator::client), [`client_builder`](Simulator::client_builder),
//! [`inject`](Simulator::inject) (a [`Fault`]: the common status, HTML page, reset and
//! delay faults, plus ScreenConnect's own), [`set_chaos`](Simulator::set_chaos) and
//! [`received`](Simulator::received) (every request, refused ones included, as
//! [`Received`]; [`method_of`] names the ScreenConnect method one called).
//!
//! Everything is deterministic: the sample sessions, ids and event times do not depend on
//! the clock, and generated sessions ([`SimulatorBuilder::access_sessions`]) come from
//! the [`seed`](SimulatorBuilder::seed).
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use screenconnect_client::ErrorExt;
//! use screenconnect_client::sim::{Fault, Simulator, method_of};
//!
//! let sim = Simulator::builder().access_sessions(3).start().await;
//! let client = sim.client()?;
//! let found = client.sessions().by_name("ACME-DC01").await?;
//! assert_eq!(found.len(), 1);
//! client.sessions().add_note(&found[0].session_id, "patched").await?;
//! assert_eq!(sim.events(&found[0].session_id).last().unwrap().data.as_deref(), Some("patched"));
//!
//! // An instance whose extension lacks the method, once.
//! sim.inject(Fault::MethodMissing, 1).await;
//! let err = client.sessions().by_name("HOST-0002").await.unwrap_err();
//! assert_eq!(err.missing_method(), Some("GetSessionsByName"));
//!
//! // Every request, as it came over the wire.
//! let methods: Vec<String> = sim.received().iter().filter_map(method_of).map(str::to_owned).collect();
//! assert_eq!(methods, ["GetSessionsByName", "AddNoteToSession", "GetSessionsByName"]);
//! # Ok::<(), screenconnect_client::Error>(()) }).unwrap();
//! ```

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use msp_common::secret::SecretString;
use msp_common::sim::{Gate, Gatekeeper, Kit, Prng};
use msp_common::{Error, Result, Url};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, Request, Respond, ResponseTemplate};

pub use msp_common::sim::{Chaos, Received};

use crate::client::{AUTH_HEADER, Client, ClientBuilder, DEFAULT_EXTENSION_GUID};
use crate::filter::Filter;
use crate::installer::{InstallerParams, Platform};
use crate::models::{
    Connection, CustomProperties, EventType, GuestInfo, ProcessType, Session, SessionEvent,
    SessionId, SessionType, format_time, parse_time,
};

/// The secret the simulator accepts, shaped like a real one: the extension's
/// `RESTfulAuthenticationSecret` is a long random string an administrator generates, a
/// GUID as often as not.
pub const SECRET: &str = "9c4be1d7-2f6a-4e83-b5d0-7a31c8f29e64";

/// Every method the simulator implements.
pub const METHODS: [&str; 11] = [
    "GetSessionsByName",
    "GetSessionsByFilter",
    "GetSessionBySessionID",
    "GetSessionDetailsBySessionID",
    "CreateSession",
    "UpdateSessionName",
    "UpdateSessionCustomProperties",
    "SendCommandToSession",
    "SendMessageToSession",
    "AddNoteToSession",
    "SendToolboxItemToSession",
];

/// A fault to answer instead of the normal response ([`Simulator::inject`]).
///
/// The faults every msp-sdk simulator knows are [`Fault::Common`] (and convert into this
/// type, so `sim.inject(msp_common::sim::Fault::Reset, 1)` works as in the other
/// crates); the others are ScreenConnect's own.
///
/// ```
/// use screenconnect_client::sim::Fault;
///
/// assert_eq!(Fault::too_many_requests(7), Fault::Common(msp_common::sim::Fault::too_many_requests(7)));
/// assert_eq!(Fault::from(msp_common::sim::Fault::Reset), Fault::Common(msp_common::sim::Fault::Reset));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// A fault every simulator can inject: a status with an optional `Retry-After`, a
    /// proxy's HTML error page, a reset connection, or a delayed (then normal) answer.
    Common(msp_common::sim::Fault),
    /// HTTP 500 `Web method does not exist`, whatever method was called: the answer of
    /// an instance whose extension lacks it ([`crate::ErrorExt::missing_method`]).
    /// [`Simulator::set_missing_methods`] makes named methods missing for good.
    MethodMissing,
    /// A `200` answer whose body is not JSON.
    NotJson,
}

impl Fault {
    /// An answer with `status` and no `Retry-After`.
    pub fn status(status: u16) -> Self {
        msp_common::sim::Fault::status(status).into()
    }

    /// `429 Too Many Requests` with `Retry-After: {seconds}`.
    pub fn too_many_requests(seconds: u64) -> Self {
        msp_common::sim::Fault::too_many_requests(seconds).into()
    }

    /// `503 Service Unavailable` with `Retry-After: 1`.
    pub fn unavailable() -> Self {
        msp_common::sim::Fault::unavailable().into()
    }
}

impl From<msp_common::sim::Fault> for Fault {
    fn from(fault: msp_common::sim::Fault) -> Self {
        Fault::Common(fault)
    }
}

/// The ScreenConnect method a received request called — the last segment of
/// `…/App_Extensions/{guid}/Service.ashx/{Method}` — whether or not it was answered;
/// `None` for other requests (installer downloads, say).
///
/// ```
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
/// use screenconnect_client::sim::{Simulator, method_of};
///
/// let sim = Simulator::start().await;
/// sim.client()?.sessions().by_name("ACME-DC01").await?;
/// let received = sim.received();
/// assert_eq!(method_of(&received[0]), Some("GetSessionsByName"));
/// assert_eq!(received[0].json(), Some(serde_json::json!(["ACME-DC01"])));
/// # Ok::<(), screenconnect_client::Error>(()) }).unwrap();
/// ```
pub fn method_of(received: &Received) -> Option<&str> {
    let (_, rest) = received.path.split_once("/App_Extensions/")?;
    let (_guid, rest) = rest.split_once('/')?;
    let method = rest.strip_prefix("Service.ashx/")?;
    (!method.is_empty() && !method.contains('/')).then_some(method)
}

#[derive(Debug)]
struct Record {
    session: Session,
    events: Vec<SessionEvent>,
}

#[derive(Debug)]
struct State {
    records: Vec<Record>,
    missing: Vec<String>,
    allowed_origin: String,
    tick: i64,
    next_id: u64,
}

const BASE_TIME: &str = "2026-07-19T06:41:52.6169911Z";

impl State {
    fn now(&mut self) -> Option<DateTime<Utc>> {
        self.tick += 1;
        parse_time(BASE_TIME)
            .ok()
            .flatten()
            .map(|t| t + chrono::Duration::seconds(self.tick))
    }

    fn new_id(&mut self) -> SessionId {
        self.next_id += 1;
        SessionId::new(format!("5c0e1d2a-0000-4000-8000-{:012x}", self.next_id))
    }

    fn record(&mut self, id: &str) -> Option<&mut Record> {
        self.records
            .iter_mut()
            .find(|r| r.session.session_id.as_str().eq_ignore_ascii_case(id))
    }

    fn add_event(&mut self, id: &str, event_type: EventType, data: &str) -> bool {
        let time = self.now();
        let event_id = format!("e0e0e0e0-0000-4000-8000-{:012x}", self.tick);
        let Some(record) = self.record(id) else {
            return false;
        };
        let mut event = SessionEvent::new(event_type, data);
        event.event_id = Some(event_id);
        event.time = time;
        event.host = Some("RESTful API".to_owned());
        record.events.push(event);
        if let Some(v) = &mut record.session.last_altered_version {
            *v = v.saturating_add(1);
        }
        true
    }

    fn add_session(
        &mut self,
        session_type: SessionType,
        name: &str,
        props: [&str; 3],
        online: bool,
        os: &str,
    ) -> SessionId {
        let id = self.new_id();
        let connected = self.now();
        let mut session = Session::new(id.clone(), session_type, name);
        session.custom_property_values = CustomProperties::from_values(props);
        session.last_altered_version = Some(1);
        session.guest_client_version = Some("24.2.9.9087".to_owned());
        session.last_connected_event_time = connected;
        session.last_guest_connected_event_time = connected;
        if online {
            session.active_connections = Some(vec![guest_connection(&id, name, connected)]);
        } else {
            session.last_guest_disconnected_event_time = self.now();
            session.active_connections = Some(Vec::new());
        }
        session.guest_info = Some(GuestInfo {
            machine_name: (!name.is_empty()).then(|| name.to_owned()),
            machine_domain: Some("WORKGROUP".to_owned()),
            operating_system_name: Some(os.to_owned()),
            ..GuestInfo::default()
        });
        self.records.push(Record {
            session,
            events: Vec::new(),
        });
        self.add_event(id.as_str(), EventType::CreatedSession, "");
        id
    }

    /// The sample sessions ([`SimulatorBuilder::sample_sessions`]).
    fn add_samples(&mut self) {
        self.add_session(
            SessionType::Access,
            "ACME-DC01",
            ["Acme", "HQ", "Servers"],
            true,
            "Windows Server 2022 Standard",
        );
        self.add_session(
            SessionType::Access,
            "ACME-LT07",
            ["Acme", "HQ", "Laptops"],
            false,
            "Windows 11 Pro",
        );
        self.add_session(
            SessionType::Access,
            "GLOBEX-WS12",
            ["Globex", "Branch", "Workstations"],
            true,
            "Windows 10 Pro",
        );
        self.add_session(
            SessionType::Access,
            "",
            ["Globex", "Branch", ""],
            false,
            "Ubuntu 24.04 LTS",
        );
        let id = self.add_session(
            SessionType::Support,
            "Printer help",
            ["", "", ""],
            false,
            "Windows 11 Home",
        );
        self.add_event(
            id.as_str(),
            EventType::AddedNote,
            "Customer called about the printer",
        );
    }

    /// `n` generated access sessions ([`SimulatorBuilder::access_sessions`]).
    fn add_generated(&mut self, n: usize, seed: u64) {
        const COMPANIES: [&str; 3] = ["Acme", "Globex", "Initech"];
        const SITES: [&str; 3] = ["HQ", "Branch", "Remote"];
        const SYSTEMS: [&str; 4] = [
            "Windows 11 Pro",
            "Windows 10 Pro",
            "Windows Server 2022 Standard",
            "macOS 15.5",
        ];
        let mut rng = Prng::new(seed);
        for i in 1..=n {
            let props = [*rng.pick(&COMPANIES), *rng.pick(&SITES), "Generated"];
            let online = rng.chance(1.0 / 3.0);
            let os = *rng.pick(&SYSTEMS);
            self.add_session(
                SessionType::Access,
                &format!("HOST-{i:04}"),
                props,
                online,
                os,
            );
        }
    }
}

fn guest_connection(id: &SessionId, name: &str, at: Option<DateTime<Utc>>) -> Connection {
    let tail = id.as_str().get(24..).unwrap_or(id.as_str());
    let mut c = Connection::new(format!("c{tail}"), ProcessType::Guest);
    c.participant_name = name.to_owned();
    c.connected_time = at;
    c
}

/// A running fake instance. See the [module docs](self). The server stops when this is
/// dropped.
pub struct Simulator {
    kit: Kit<Fault>,
    state: Arc<Mutex<State>>,
    /// What [`Simulator::install`] downloads with: one client (building one per download
    /// is slow), following no redirect.
    downloader: std::sync::OnceLock<msp_common::reqwest::Client>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.kit.url())
            .finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Configures and starts a [`Simulator`]; from [`Simulator::builder`].
///
/// ```
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
/// use screenconnect_client::sim::Simulator;
///
/// let sim = Simulator::builder()
///     .sample_sessions(false)
///     .access_sessions(50)
///     .seed(7)
///     .start()
///     .await;
/// assert_eq!(sim.sessions().len(), 50);
/// assert_eq!(sim.sessions()[0].name, "HOST-0001");
/// # });
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SimulatorBuilder {
    sample_sessions: bool,
    access_sessions: usize,
    seed: u64,
    tls: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            sample_sessions: true,
            access_sessions: 0,
            seed: 0x5C_2026,
            tls: false,
        }
    }
}

impl SimulatorBuilder {
    /// Whether to seed the sample sessions (default yes): access sessions of two
    /// companies (`ACME-DC01` and `GLOBEX-WS12` online, `ACME-LT07` offline, one
    /// blank-named unattended session) and a support session with a note.
    pub fn sample_sessions(mut self, seed: bool) -> Self {
        self.sample_sessions = seed;
        self
    }

    /// Adds `n` generated access sessions `HOST-0001`, `HOST-0002`, … (default none),
    /// spread over three companies, about a third of them online, for load tests.
    pub fn access_sessions(mut self, n: usize) -> Self {
        self.access_sessions = n;
        self
    }

    /// The seed of the generated sessions (a fixed default, so runs repeat anyway).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
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
        self.start_on(Ipv4Addr::LOCALHOST.into())
            .await
            .expect("a loopback port is free")
    }

    /// Starts the simulator on `ip` (a loopback address) and a free port.
    pub async fn start_on(self, ip: IpAddr) -> std::io::Result<Simulator> {
        let kit: Kit<Fault> = if self.tls {
            Kit::start_tls_on(ip).await?
        } else {
            Kit::start_on(ip).await?
        };
        let state = Arc::new(Mutex::new(State {
            records: Vec::new(),
            missing: Vec::new(),
            allowed_origin: kit.url(),
            tick: 0,
            next_id: 0,
        }));
        Mock::given(any())
            .respond_with(Responder {
                gate: kit.gatekeeper(),
                state: state.clone(),
            })
            .named("ScreenConnect simulator")
            .mount(kit.server())
            .await;
        {
            let mut s = lock(&state);
            if self.sample_sessions {
                s.add_samples();
            }
            s.add_generated(self.access_sessions, self.seed);
        }
        Ok(Simulator {
            kit,
            state,
            downloader: std::sync::OnceLock::new(),
        })
    }
}

impl Simulator {
    /// Starts a simulator with the sample sessions (see
    /// [`SimulatorBuilder::sample_sessions`]) on `127.0.0.1` and a free port.
    ///
    /// # Panics
    /// When no loopback port is free.
    pub async fn start() -> Simulator {
        Self::builder().start().await
    }

    /// A builder to choose the seeded sessions and the address.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// The instance URL, the server root (`http://127.0.0.1:{port}`, or `https://…`
    /// with [`SimulatorBuilder::tls`]): what [`ClientBuilder::base_url`] takes.
    pub fn url(&self) -> String {
        self.kit.url()
    }

    /// The certificate authority (PEM) clients must trust when the simulator serves
    /// HTTPS ([`SimulatorBuilder::tls`]); `None` over plain HTTP.
    pub fn ca_pem(&self) -> Option<&str> {
        self.kit.ca_pem()
    }

    /// A PEM file holding [`Simulator::ca_pem`] (for `REQUESTS_CA_BUNDLE`,
    /// `NODE_EXTRA_CA_CERTS`, `curl --cacert`), removed when the simulator is dropped;
    /// `None` over plain HTTP.
    pub fn ca_path(&self) -> Option<&std::path::Path> {
        self.kit.ca_path()
    }

    /// A client builder pointed at this instance with its secret, trusting the
    /// simulator's certificate authority over HTTPS (plain HTTP allowed otherwise).
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder().base_url(self.url()).secret(self.secret());
        match self.ca_pem() {
            Some(pem) => builder.root_certificate(pem),
            None => builder.allow_http(true),
        }
    }

    /// A client of this instance.
    pub fn client(&self) -> Result<Client> {
        self.client_builder().build()
    }

    /// Answers the next `times` requests with `fault` instead of the normal answer (a
    /// [`Fault::Common`] reset drops the next `times` connections).
    pub async fn inject(&self, fault: impl Into<Fault>, times: usize) {
        match fault.into() {
            Fault::Common(msp_common::sim::Fault::Reset) => {
                self.kit.inject_reset(times as u64).await;
            }
            fault => self.kit.inject(fault, times),
        }
    }

    /// Adds latency to every later answer and fails a fraction of them with 503 and
    /// `Retry-After: 1` (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.kit.set_chaos(chaos);
    }

    /// Every request received so far, in order: calls (refused ones included) and
    /// installer downloads. [`method_of`] names the method a call called; its body is
    /// [`Received::json`].
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

    /// The secret the instance accepts ([`SECRET`]).
    pub fn secret(&self) -> SecretString {
        SecretString::from(SECRET)
    }

    /// The extension GUID the instance serves ([`DEFAULT_EXTENSION_GUID`]); calls to
    /// another GUID answer 404.
    pub fn extension_guid(&self) -> &'static str {
        DEFAULT_EXTENSION_GUID
    }

    /// The `Origin` the instance accepts (by default its own URL).
    pub fn origin(&self) -> String {
        lock(&self.state).allowed_origin.clone()
    }

    /// Accepts another `Origin` (as the extension's `RESTfulAllowedOrigin` setting does)
    /// and refuses every other.
    pub fn set_allowed_origin(&self, origin: impl Into<String>) {
        lock(&self.state).allowed_origin = origin.into();
    }

    /// Makes these methods answer `Web method does not exist`, as on an instance whose
    /// extension lacks them.
    pub fn set_missing_methods<S: Into<String>>(&self, methods: impl IntoIterator<Item = S>) {
        lock(&self.state).missing = methods.into_iter().map(Into::into).collect();
    }

    /// Every session.
    pub fn sessions(&self) -> Vec<Session> {
        lock(&self.state)
            .records
            .iter()
            .map(|r| r.session.clone())
            .collect()
    }

    /// The session with this id.
    pub fn session(&self, id: &SessionId) -> Option<Session> {
        lock(&self.state)
            .record(id.as_str())
            .map(|r| r.session.clone())
    }

    /// The events of a session, oldest first (empty for an unknown id).
    pub fn events(&self, id: &SessionId) -> Vec<SessionEvent> {
        lock(&self.state)
            .record(id.as_str())
            .map(|r| r.events.clone())
            .unwrap_or_default()
    }

    /// Adds a session as it is.
    pub fn add_session(&self, session: Session) {
        lock(&self.state).records.push(Record {
            session,
            events: Vec::new(),
        });
    }

    /// "Runs" an installer as a machine would: downloads `url` from this instance and
    /// creates the access session it describes (name from `t=`, custom properties from
    /// the `c=` slots), online.
    ///
    /// Fails when the URL is not an installer URL of this instance or the download is
    /// refused.
    pub async fn install(&self, url: &str) -> Result<Session> {
        let parsed = Url::parse(url)
            .map_err(|e| Error::config(format!("the installer URL is not a URL: {e}")))?;
        let params = InstallerParams::from_url(&parsed)?;
        let own = Url::parse(&self.url()).map_err(|e| Error::config(e.to_string()))?;
        if params.instance.origin() != own.origin() {
            return Err(Error::config(format!(
                "the installer URL points at {}, not at this simulator",
                params.instance
            )));
        }
        let downloader = self.downloader.get_or_init(|| {
            msp_common::reqwest::Client::builder()
                .redirect(msp_common::reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default()
        });
        let response =
            downloader
                .get(parsed.clone())
                .send()
                .await
                .map_err(|e| Error::Transport {
                    vendor: crate::error::VENDOR,
                    attempts: 1,
                    source: e.without_url(),
                })?;
        if !response.status().is_success() {
            return Err(Error::protocol(format!(
                "the installer download answered HTTP {}",
                response.status()
            )));
        }
        let mut s = lock(&self.state);
        let id = s.new_id();
        let connected = s.now();
        let name = params.name.clone();
        let mut session = Session::new(id.clone(), SessionType::Access, &name);
        session.custom_property_values = params.custom_properties.clone();
        session.last_altered_version = Some(1);
        session.guest_client_version = Some("24.2.9.9087".to_owned());
        session.last_connected_event_time = connected;
        session.last_guest_connected_event_time = connected;
        session.active_connections = Some(vec![guest_connection(&id, &name, connected)]);
        session.guest_info = Some(GuestInfo {
            machine_name: Some(name.clone()),
            operating_system_name: Some(
                match params.platform {
                    Platform::Msi | Platform::Exe => "Windows 11 Pro",
                    Platform::Pkg => "macOS 15.5",
                    _ => "Ubuntu 24.04 LTS",
                }
                .to_owned(),
            ),
            ..GuestInfo::default()
        });
        s.records.push(Record {
            session,
            events: Vec::new(),
        });
        s.add_event(id.as_str(), EventType::Connected, &name);
        Ok(s.record(id.as_str())
            .map(|r| r.session.clone())
            .unwrap_or_default())
    }
}

/// Answers every request. It holds the kit's gatekeeper, not the kit: the kit owns the
/// server, which owns this responder.
struct Responder {
    gate: Gatekeeper<Fault>,
    state: Arc<Mutex<State>>,
}

fn text(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(body.as_bytes().to_vec(), "text/plain; charset=utf-8")
}

fn json_answer(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        body.to_string().into_bytes(),
        "application/json; charset=utf-8",
    )
}

fn fault(message: &str, exception: &str) -> ResponseTemplate {
    let body = json!({"Message": message, "StackTrace": "   at ScreenConnect.SessionManager…", "ExceptionType": exception});
    ResponseTemplate::new(500).set_body_raw(
        body.to_string().into_bytes(),
        "application/json; charset=utf-8",
    )
}

fn shape_fault(method: &str) -> ResponseTemplate {
    fault(
        &format!("session manager fault: invalid arguments for {method}"),
        "System.InvalidOperationException",
    )
}

fn null_reference() -> ResponseTemplate {
    fault(
        "Object reference not set to an instance of an object.",
        "System.NullReferenceException",
    )
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        match self.gate.gate(request) {
            Gate::Pass { delay } => self.answer(request).set_delay(delay),
            Gate::Fail { delay } => msp_common::sim::Fault::unavailable()
                .response()
                .set_delay(delay),
            Gate::Fault(Fault::Common(msp_common::sim::Fault::Delay(delay))) => {
                self.answer(request).set_delay(delay)
            }
            Gate::Fault(Fault::Common(common)) => common.response(),
            Gate::Fault(Fault::MethodMissing) => text(500, "Web method does not exist"),
            Gate::Fault(Fault::NotJson) => ResponseTemplate::new(200)
                .set_body_raw(b"\xff\xfe not json {".to_vec(), "application/json"),
        }
    }
}

impl Responder {
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path();
        if let Some(rest) = path.strip_prefix("/App_Extensions/") {
            return self.service(request, rest);
        }
        if let Some(file) = path.strip_prefix("/Bin/") {
            return installer_download(request, file);
        }
        text(404, "The resource cannot be found.")
    }

    fn service(&self, request: &Request, rest: &str) -> ResponseTemplate {
        let mut parts = rest.splitn(3, '/');
        let (guid, ashx, method) = (parts.next(), parts.next(), parts.next());
        if guid != Some(DEFAULT_EXTENSION_GUID) || ashx != Some("Service.ashx") {
            return text(404, "The resource cannot be found.");
        }
        self.service_checked(request, method.unwrap_or(""))
    }

    fn service_checked(&self, request: &Request, method: &str) -> ResponseTemplate {
        if request.method.as_str() != "POST" {
            return text(405, "Method Not Allowed");
        }
        let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok());
        if header(AUTH_HEADER) != Some(SECRET) {
            return text(401, "Unauthorized");
        }
        let mut s = lock(&self.state);
        if header("Origin") != Some(s.allowed_origin.as_str()) {
            return text(403, "Forbidden");
        }
        if !METHODS.contains(&method) || s.missing.iter().any(|m| m == method) {
            return text(500, "Web method does not exist");
        }
        if !header("Content-Type").is_some_and(|ct| ct.starts_with("application/json")) {
            return fault(
                "Invalid JSON request: Content-Type must be application/json",
                "System.InvalidOperationException",
            );
        }
        let Ok(args) = serde_json::from_slice::<Value>(&request.body) else {
            return fault("Invalid JSON primitive.", "System.ArgumentException");
        };
        let args = match positional(method, args) {
            Ok(args) => args,
            Err(response) => return *response,
        };
        dispatch(&mut s, method, &args)
    }
}

fn installer_download(request: &Request, file: &str) -> ResponseTemplate {
    let Some(ext) = file.strip_prefix("ScreenConnect.ClientSetup.") else {
        return text(404, "The resource cannot be found.");
    };
    let Ok(platform) = ext.parse::<Platform>() else {
        return text(404, "The resource cannot be found.");
    };
    if request.method.as_str() != "GET" {
        return text(405, "Method Not Allowed");
    }
    let Ok(params) = InstallerParams::from_url(&request.url) else {
        return text(400, "Bad Request");
    };
    if params.session_type != "Access" || params.role != "Guest" {
        return text(400, "Bad Request");
    }
    let mime = match platform {
        Platform::Msi => "application/x-msi",
        Platform::Exe => "application/x-msdownload",
        _ => "application/octet-stream",
    };
    ResponseTemplate::new(200).set_body_raw(
        format!(
            "SIMULATED SCREENCONNECT {} INSTALLER for {}",
            platform.extension(),
            params.name
        )
        .into_bytes(),
        mime,
    )
}

/// The names reads accept for their one argument.
fn named_parameter(method: &str) -> Option<&'static str> {
    match method {
        "GetSessionsByName" => Some("sessionName"),
        "GetSessionsByFilter" => Some("sessionFilter"),
        "GetSessionBySessionID" | "GetSessionDetailsBySessionID" => Some("sessionID"),
        _ => None,
    }
}

/// Positional arguments; reads also take a named object.
fn positional(method: &str, args: Value) -> std::result::Result<Vec<Value>, Box<ResponseTemplate>> {
    match args {
        Value::Array(args) => Ok(args),
        Value::Object(map) => {
            let Some(expected) = named_parameter(method) else {
                return Err(Box::new(shape_fault(method)));
            };
            if let Some(unknown) = map.keys().find(|k| !k.eq_ignore_ascii_case(expected)) {
                return Err(Box::new(text(
                    500,
                    &format!("Unknown parameter: {unknown}"),
                )));
            }
            Ok(map.into_iter().map(|(_, v)| v).collect())
        }
        _ => Err(Box::new(shape_fault(method))),
    }
}

fn strings<const N: usize>(args: &[Value]) -> Option<[&str; N]> {
    if args.len() != N {
        return None;
    }
    let mut out = [""; N];
    for (slot, value) in out.iter_mut().zip(args) {
        *slot = value.as_str()?;
    }
    Some(out)
}

fn property_list(value: &Value) -> Option<CustomProperties> {
    let list = value.as_array()?;
    if list.len() > CustomProperties::SLOTS {
        return None;
    }
    let values: Option<Vec<&str>> = list.iter().map(Value::as_str).collect();
    Some(CustomProperties::from_values(values?))
}

fn sessions_json<'a>(sessions: impl Iterator<Item = &'a Session>) -> Value {
    Value::Array(sessions.map(|s| json!(s)).collect())
}

fn dispatch(s: &mut State, method: &str, args: &[Value]) -> ResponseTemplate {
    let ok = ResponseTemplate::new(200);
    match method {
        "GetSessionsByName" => {
            let Some([name]) = strings::<1>(args) else {
                return shape_fault(method);
            };
            json_answer(&sessions_json(
                s.records
                    .iter()
                    .map(|r| &r.session)
                    .filter(|x| x.name.eq_ignore_ascii_case(name)),
            ))
        }
        "GetSessionsByFilter" => {
            let Some([expr]) = strings::<1>(args) else {
                return shape_fault(method);
            };
            if expr.trim().is_empty() {
                return fault(
                    "The session filter cannot be empty.",
                    "System.ArgumentException",
                );
            }
            let filter: Filter = match expr.parse() {
                Ok(f) => f,
                Err(e) => {
                    return fault(
                        &format!("Invalid filter expression: {e}"),
                        "System.FormatException",
                    );
                }
            };
            let mut found = Vec::new();
            for record in &s.records {
                match filter.matches(&record.session) {
                    Ok(true) => found.push(&record.session),
                    Ok(false) => {}
                    Err(e) => {
                        return fault(
                            &format!("Invalid filter expression: {e}"),
                            "System.FormatException",
                        );
                    }
                }
            }
            json_answer(&sessions_json(found.into_iter()))
        }
        "GetSessionBySessionID" => {
            let Some([id]) = strings::<1>(args) else {
                return shape_fault(method);
            };
            json_answer(&sessions_json(s.record(id).map(|r| &r.session).into_iter()))
        }
        "GetSessionDetailsBySessionID" => {
            let Some([id]) = strings::<1>(args) else {
                return shape_fault(method);
            };
            let Some(record) = s.record(id) else {
                return null_reference();
            };
            json_answer(&json!({
                "Session": record.session,
                "Connections": record.session.active_connections.clone().unwrap_or_default(),
                "Events": record.events,
                "BaseTime": format_time(parse_time(BASE_TIME).ok().flatten().as_ref()),
            }))
        }
        "CreateSession" => {
            let [kind, name, public, code, props] = args else {
                return shape_fault(method);
            };
            let kind = match kind {
                Value::Number(n) => n.as_i64().map(SessionType::from_number),
                Value::String(t) => Some(SessionType::from_name(t)),
                _ => None,
            };
            let (Some(kind), Some(name), Some(public), Some(code), Some(props)) = (
                kind.filter(|k| k.as_number().is_some_and(|n| (0..=2).contains(&n))),
                name.as_str(),
                public.as_bool(),
                code.as_str(),
                property_list(props),
            ) else {
                return shape_fault(method);
            };
            let id = s.new_id();
            let mut session = Session::new(id.clone(), kind, name);
            session.is_public = public;
            session.code = code.to_owned();
            session.custom_property_values = props;
            session.last_altered_version = Some(1);
            session.active_connections = Some(Vec::new());
            s.records.push(Record {
                session,
                events: Vec::new(),
            });
            s.add_event(id.as_str(), EventType::CreatedSession, name);
            match s.record(id.as_str()) {
                Some(r) => json_answer(&json!(r.session)),
                None => null_reference(),
            }
        }
        "UpdateSessionName" => {
            let Some([id, name]) = strings::<2>(args) else {
                return shape_fault(method);
            };
            let Some(record) = s.record(id) else {
                return null_reference();
            };
            record.session.name = name.to_owned();
            s.add_event(id, EventType::ModifiedSession, name);
            ok
        }
        "UpdateSessionCustomProperties" => {
            let [id, props] = args else {
                return shape_fault(method);
            };
            let (Some(id), Some(props)) = (id.as_str(), property_list(props)) else {
                return shape_fault(method);
            };
            let Some(record) = s.record(id) else {
                return null_reference();
            };
            let summary = props.as_slice().join("|");
            record.session.custom_property_values = props;
            s.add_event(id, EventType::ModifiedSession, &summary);
            ok
        }
        "SendCommandToSession"
        | "SendMessageToSession"
        | "AddNoteToSession"
        | "SendToolboxItemToSession" => {
            let Some([id, data]) = strings::<2>(args) else {
                return shape_fault(method);
            };
            let event_type = match method {
                "SendCommandToSession" => EventType::QueuedCommand,
                "SendMessageToSession" => EventType::QueuedMessage,
                "AddNoteToSession" => EventType::AddedNote,
                _ => EventType::QueuedTool,
            };
            if s.add_event(id, event_type, data) {
                ok
            } else {
                null_reference()
            }
        }
        _ => text(500, "Web method does not exist"),
    }
}
