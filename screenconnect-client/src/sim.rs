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
//! - filters are parsed and evaluated against the sessions ([`crate::filter`]);
//! - name and custom property updates are applied; commands, messages, notes and
//!   toolbox items are recorded as session events;
//! - `GET /Bin/ScreenConnect.ClientSetup.{ext}?e=Access&y=Guest…` serves an installer,
//!   and [`Simulator::install`] "runs" one: it downloads the URL and creates the access
//!   session from its parameters, as a real agent would.
//!
//! Faults can be injected ([`Simulator::inject`]): any status and body, 429 with
//! `Retry-After`, an HTML error page, latency, a dropped connection.
//!
//! Everything is deterministic: seeded sessions, ids and event times do not depend on
//! the clock.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use screenconnect_client::sim::Simulator;
//!
//! let sim = Simulator::start().await;
//! let client = sim.client()?;
//! let found = client.sessions().by_name("ACME-DC01").await?;
//! assert_eq!(found.len(), 1);
//! client.sessions().add_note(&found[0].session_id, "patched").await?;
//! assert_eq!(sim.events(&found[0].session_id).last().unwrap().data.as_deref(), Some("patched"));
//! # Ok::<(), screenconnect_client::Error>(()) }).unwrap();
//! ```

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use msp_common::secret::SecretString;
use msp_common::{Error, Result, Url};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::client::{AUTH_HEADER, Client, ClientBuilder, DEFAULT_EXTENSION_GUID};
use crate::filter::Filter;
use crate::installer::{InstallerParams, Platform};
use crate::models::{
    Connection, CustomProperties, EventType, GuestInfo, ProcessType, Session, SessionEvent,
    SessionId, SessionType, format_time, parse_time,
};

/// The secret the simulator accepts.
pub const SECRET: &str = "sim-ctrl-secret-5f3a9c";

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

/// A fault to answer instead of the normal response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SimFault {
    /// Any status with a plain-text body.
    Status {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: String,
    },
    /// 429 with `Retry-After: {seconds}`.
    TooManyRequests {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// A proxy's HTML error page with this status.
    HtmlPage {
        /// The HTTP status.
        status: u16,
    },
    /// A 200 answer whose body is not JSON.
    Garbage,
    /// The normal answer, sent after this delay.
    Latency(Duration),
    /// The connection is closed without an answer.
    DropConnection,
}

/// A call the simulator answered (after the auth and origin checks).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedCall {
    /// The method name from the path.
    pub method: String,
    /// The JSON body.
    pub args: Value,
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
    faults: Vec<SimFault>,
    calls: Vec<RecordedCall>,
    tick: i64,
    next_id: u64,
    chaos: msp_common::chaos::Chaos,
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
            *v += 1;
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
}

fn guest_connection(id: &SessionId, name: &str, at: Option<DateTime<Utc>>) -> Connection {
    let mut c = Connection::new(format!("c{}", &id.as_str()[24..]), ProcessType::Guest);
    c.participant_name = name.to_owned();
    c.connected_time = at;
    c
}

/// A running fake instance. See the [module docs](self). The server stops when this is
/// dropped.
pub struct Simulator {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.server.uri())
            .finish_non_exhaustive()
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Simulator {
    /// Starts a simulator seeded with a few access sessions (two companies, online and
    /// offline machines, one blank-named unattended session) and a support session.
    pub async fn start() -> Simulator {
        Self::seeded(Self::start_empty().await)
    }

    /// [`Simulator::start`] on `ip` (a loopback address) and an ephemeral port.
    pub async fn start_on(ip: std::net::IpAddr) -> std::io::Result<Simulator> {
        let listener = std::net::TcpListener::bind((ip, 0))?;
        let server = MockServer::builder().listener(listener).start().await;
        Ok(Self::seeded(Self::with_server(server).await))
    }

    fn seeded(sim: Simulator) -> Simulator {
        {
            let mut s = lock(&sim.state);
            s.add_session(
                SessionType::Access,
                "ACME-DC01",
                ["Acme", "HQ", "Servers"],
                true,
                "Windows Server 2022 Standard",
            );
            s.add_session(
                SessionType::Access,
                "ACME-LT07",
                ["Acme", "HQ", "Laptops"],
                false,
                "Windows 11 Pro",
            );
            s.add_session(
                SessionType::Access,
                "GLOBEX-WS12",
                ["Globex", "Branch", "Workstations"],
                true,
                "Windows 10 Pro",
            );
            s.add_session(
                SessionType::Access,
                "",
                ["Globex", "Branch", ""],
                false,
                "Ubuntu 24.04 LTS",
            );
            let id = s.add_session(
                SessionType::Support,
                "Printer help",
                ["", "", ""],
                false,
                "Windows 11 Home",
            );
            s.add_event(
                id.as_str(),
                EventType::AddedNote,
                "Customer called about the printer",
            );
        }
        sim
    }

    /// Adds `n` generated access sessions (`HOST-0001`, … spread over three companies,
    /// about a third of them online), for load and paging tests.
    pub fn seed_access_sessions(&self, n: usize) {
        let mut s = lock(&self.state);
        let companies = ["Acme", "Globex", "Initech"];
        for i in 1..=n {
            let company = companies[i % companies.len()];
            s.add_session(
                SessionType::Access,
                &format!("HOST-{i:04}"),
                [company, "HQ", "Generated"],
                i % 3 == 0,
                "Windows 11 Pro",
            );
        }
    }

    /// Adds latency to every answer and fails a fraction of them with 503 and
    /// `Retry-After: 1` (see [`msp_common::chaos`]).
    pub fn set_chaos(&self, chaos: msp_common::chaos::Chaos) {
        lock(&self.state).chaos = chaos;
    }

    /// Starts a simulator with no sessions.
    pub async fn start_empty() -> Simulator {
        Self::with_server(MockServer::start().await).await
    }

    async fn with_server(server: MockServer) -> Simulator {
        let state = Arc::new(Mutex::new(State {
            records: Vec::new(),
            missing: Vec::new(),
            allowed_origin: server.uri(),
            faults: Vec::new(),
            calls: Vec::new(),
            tick: 0,
            next_id: 0,
            chaos: msp_common::chaos::Chaos::none(),
        }));
        Mock::given(any())
            .respond_with(Responder {
                state: state.clone(),
            })
            .named("ScreenConnect simulator")
            .mount(&server)
            .await;
        Simulator { server, state }
    }

    /// The instance URL (`http://127.0.0.1:{port}`).
    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// The secret the instance accepts ([`SECRET`]).
    pub fn secret(&self) -> SecretString {
        SecretString::from(SECRET)
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

    /// A client builder pointed at this instance with its secret and plain HTTP allowed.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .instance_url(self.url())
            .secret(self.secret())
            .allow_http(true)
    }

    /// A client of this instance.
    pub fn client(&self) -> Result<Client> {
        self.client_builder().build()
    }

    /// Answers the next `times` service calls with `fault` instead of the normal answer.
    pub async fn inject(&self, fault: SimFault, times: usize) {
        if fault == SimFault::DropConnection {
            Mock::given(any())
                .respond_with_err(|_: &Request| {
                    std::io::Error::other("connection dropped by the simulator")
                })
                .up_to_n_times(times as u64)
                .with_priority(1)
                .mount(&self.server)
                .await;
            return;
        }
        let mut s = lock(&self.state);
        s.faults.extend(std::iter::repeat_n(fault, times));
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

    /// The service calls answered so far (after the auth and origin checks), in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        lock(&self.state).calls.clone()
    }

    /// Every HTTP request received, refused ones included.
    pub async fn requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
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
        let response = reqwest::get(parsed.clone())
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

struct Responder {
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
        let decision = lock(&self.state).chaos.decide();
        let response = if decision.fail {
            text(503, "Service Unavailable").insert_header("Retry-After", "1")
        } else {
            self.answer(request)
        };
        if decision.delay.is_zero() {
            response
        } else {
            response.set_delay(decision.delay)
        }
    }
}

impl Responder {
    fn answer(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().to_owned();
        if let Some(rest) = path.strip_prefix("/App_Extensions/") {
            return self.service(request, rest);
        }
        if let Some(file) = path.strip_prefix("/Bin/") {
            return installer_download(request, file);
        }
        text(404, "The resource cannot be found.")
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

impl Responder {
    fn service(&self, request: &Request, rest: &str) -> ResponseTemplate {
        let mut parts = rest.splitn(3, '/');
        let (guid, ashx, method) = (parts.next(), parts.next(), parts.next());
        if guid != Some(DEFAULT_EXTENSION_GUID) || ashx != Some("Service.ashx") {
            return text(404, "The resource cannot be found.");
        }
        let method = method.unwrap_or("").to_owned();
        let mut s = lock(&self.state);
        if !s.faults.is_empty() {
            let injected = s.faults.remove(0);
            match injected {
                SimFault::Status { status, body } => return text(status, &body),
                SimFault::TooManyRequests { retry_after_secs } => {
                    return text(429, "Too Many Requests")
                        .insert_header("Retry-After", retry_after_secs.to_string().as_str());
                }
                SimFault::HtmlPage { status } => {
                    return ResponseTemplate::new(status).set_body_raw(
                        format!("<html><head><title>{status} Service Unavailable</title></head><body><h1>Proxy error</h1></body></html>").into_bytes(),
                        "text/html",
                    );
                }
                SimFault::Garbage => {
                    return ResponseTemplate::new(200)
                        .set_body_raw(b"\xff\xfe not json {".to_vec(), "application/json");
                }
                SimFault::Latency(delay) => {
                    drop(s);
                    return self.service_checked(request, &method).set_delay(delay);
                }
                SimFault::DropConnection => {}
            }
        }
        drop(s);
        self.service_checked(request, &method)
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
        s.calls.push(RecordedCall {
            method: method.to_owned(),
            args: args.clone(),
        });
        let args = match positional(method, args) {
            Ok(args) => args,
            Err(response) => return *response,
        };
        dispatch(&mut s, method, &args)
    }
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
