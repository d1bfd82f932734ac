//! A fake VSA 9 server on loopback, for tests and examples (feature `sim`).
//!
//! It is seeded with deterministic data — organizations, machine groups, hundreds of
//! agents (some with 26-digit ids, one named `O'Brien's PC`), agent procedures, alarms and
//! audit summaries — and is as strict as the server: it verifies the hashed password
//! payload against its stored password (or a personal access token), issues bearer
//! tokens with a configurable lifetime that it can invalidate early, caps `$top` at 100,
//! evaluates `$filter` / `$orderby` on the fields it knows (parsed by the library's own
//! grammar, [`crate::odata::parse_filter`]; unknown properties and integer literals on
//! decimal fields are refused as the server does), answers application errors inside
//! HTTP 200 in the envelope, and injects faults on request.
//!
//! It is built on the workspace's simulator kit ([`msp_common::sim::Kit`]) and has the
//! same shape as every msp-sdk simulator: [`Simulator::start`],
//! [`Simulator::builder`]…[`start`](SimulatorBuilder::start), [`Simulator::url`],
//! [`Simulator::client`], [`Simulator::client_builder`], [`Simulator::inject`],
//! [`Simulator::set_chaos`] and [`Simulator::received`].
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use kaseya_vsa_client::Listing;
//! use kaseya_vsa_client::sim::{Fault, Simulator};
//!
//! let sim = Simulator::builder().agents(20).start().await;
//! let vsa = sim.client()?;
//! let agents = vsa.agents().list().limit(5).collect().await?;
//! assert_eq!(agents.len(), 5);
//! assert_eq!(sim.auth_requests(), 1);
//!
//! // A 503 is retried on reads; the simulator recorded both attempts.
//! sim.inject(Fault::unavailable(), 1).await;
//! vsa.agents().get(&agents[0].agent_id).await?;
//! let received = sim.received();
//! let gets: Vec<_> = received.iter().filter(|r| r.path.ends_with(agents[0].agent_id.as_str())).collect();
//! assert_eq!(gets.len(), 2);
//! # Ok::<(), kaseya_vsa_client::Error>(()) }).unwrap();
//! ```
//!
//! Faults: [`Simulator::inject`] (any status with or without `Retry-After`, an HTML
//! error page, a delay, or connections reset without an answer),
//! [`Simulator::set_chaos`] (latency and a failure rate), [`Simulator::invalidate_tokens`].
//!
//! Endpoints outside agents, organizations, machine groups, agent procedures, alarms and
//! audit summaries answer 404 in the envelope: test those with wiremock.

mod filter;

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use msp_common::sim::{Gate, Gatekeeper, Kit, Prng};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, Respond, ResponseTemplate};

use crate::auth::{AuthPayload, Credentials, PasswordEncoding};
use crate::client::{Client, ClientBuilder};
use filter::FieldType;

pub use msp_common::sim::{Chaos, Fault, Received};

/// The user name the simulator accepts.
pub const USERNAME: &str = "apiuser";
/// The password the simulator accepts.
pub const PASSWORD: &str = "S3cret!";
/// The personal access token the simulator accepts.
pub const PAT: &str = "pat-0123456789abcdef";

/// Configures a [`Simulator`]; see [`Simulator::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct SimulatorBuilder {
    agents: usize,
    token_lifetime: Duration,
    latency: Duration,
    seed: u64,
    tls: bool,
}

impl Default for SimulatorBuilder {
    fn default() -> Self {
        SimulatorBuilder {
            agents: 300,
            token_lifetime: Duration::from_secs(3600),
            latency: Duration::ZERO,
            seed: 1,
            tls: false,
        }
    }
}

impl SimulatorBuilder {
    /// How many agents to seed (default 300).
    pub fn agents(mut self, n: usize) -> Self {
        self.agents = n;
        self
    }

    /// How long issued tokens live (default 1 hour).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Latency added to every answer (default none; [`Simulator::set_chaos`] adds more).
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// The seed of the generated details (memory, processors, agent versions, reboot
    /// times, alarm severities; default 1). Names, ids, operating systems and online
    /// states do not depend on it, so filters find the same agents with any seed.
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
        self.start_on(std::net::Ipv4Addr::LOCALHOST.into())
            .await
            .expect("a loopback port is free")
    }

    /// Starts the simulator on `ip` (a loopback address) and a free port.
    pub async fn start_on(self, ip: IpAddr) -> std::io::Result<Simulator> {
        let kit: Kit = if self.tls {
            Kit::start_tls_on(ip).await?
        } else {
            Kit::start_on(ip).await?
        };
        let state = Arc::new(Mutex::new(seed(&self)));
        Mock::given(any())
            .respond_with(Handler {
                // The kit's record and faults, not the kit: a responder holding the kit
                // would keep its server (and HTTPS front and CA file) alive after the
                // simulator is dropped.
                gate: kit.gatekeeper(),
                state: state.clone(),
                latency: self.latency,
            })
            .mount(kit.server())
            .await;
        Ok(Simulator { kit, state })
    }
}

#[derive(Debug, Default)]
struct State {
    orgs: Vec<Value>,
    machine_groups: Vec<Value>,
    agents: Vec<Value>,
    procedures: Vec<Value>,
    alarms: Vec<Value>,
    history: HashMap<String, Vec<Value>>,
    tokens: HashMap<String, SystemTime>,
    next_token: u64,
    auth_requests: usize,
    token_lifetime: Duration,
    /// Answers to authorized `GET`s, by path and query, so a page asked again is served
    /// from its bytes; emptied by every other request (a write may change any answer).
    answers: HashMap<String, ResponseTemplate>,
}

/// At most this many answers are cached (then the cache starts over).
const MAX_CACHED_ANSWERS: usize = 512;

/// A running fake VSA. Dropping it stops the server.
pub struct Simulator {
    kit: Kit,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.kit.url())
            .finish_non_exhaustive()
    }
}

impl Simulator {
    /// Starts a simulator with the default seed (300 agents) on `127.0.0.1`.
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// A builder for a simulator with other seed options.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// The server root to give [`ClientBuilder::base_url`] (`http://127.0.0.1:port`, or
    /// `https://…` with [`SimulatorBuilder::tls`]).
    pub fn url(&self) -> String {
        self.kit.url()
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

    /// A client builder for this simulator: its URL, password credentials, and the
    /// simulator's certificate authority trusted over HTTPS (plain http allowed
    /// otherwise).
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder()
            .base_url(self.url())
            .credentials(Credentials::password(USERNAME, PASSWORD));
        match self.ca_pem() {
            Some(pem) => builder.root_certificate(pem),
            None => builder.allow_http(true),
        }
    }

    /// A ready client for this simulator.
    pub fn client(&self) -> crate::Result<Client> {
        self.client_builder().build()
    }

    /// Answers the next `times` requests (`/auth` included) with `fault`:
    /// [`Fault::Status`] (429 or 5xx, with `Retry-After` when given), [`Fault::Html`],
    /// [`Fault::Delay`] (then served), or [`Fault::Reset`] (the connection is dropped
    /// without an answer, as hardened servers do on some user-changing endpoints).
    pub async fn inject(&self, fault: Fault, times: usize) {
        match fault {
            Fault::Reset => self.kit.inject_reset(times as u64).await,
            fault => self.kit.inject(fault, times),
        }
    }

    /// Adds latency to every answer and fails a fraction of them with 503 and
    /// `Retry-After: 1` (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.kit.set_chaos(chaos);
    }

    /// Every request received so far, in order (paths as sent:
    /// `/api/v1.0/assetmgmt/agents`).
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

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many `/auth` requests arrived.
    pub fn auth_requests(&self) -> usize {
        self.state().auth_requests
    }

    /// Invalidates every issued token early, as servers do.
    pub fn invalidate_tokens(&self) {
        self.state().tokens.clear();
    }

    /// The seeded agents, as JSON records.
    pub fn agents(&self) -> Vec<Value> {
        self.state().agents.clone()
    }

    /// The procedure history of an agent, as JSON records.
    pub fn history(&self, agent_id: &str) -> Vec<Value> {
        self.state()
            .history
            .get(agent_id)
            .cloned()
            .unwrap_or_default()
    }
}

fn iso(t: SystemTime) -> String {
    let dt: DateTime<Utc> = t.into();
    dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()
}

/// `SessionExpiration` as current servers write it, `yyyy-MM-ddTHH:mm:ssZ` (the form the
/// vendor's own module parses exactly; the guide's 2019 sample had milliseconds and no
/// zone, which the client reads too).
fn session_expiration(t: SystemTime) -> String {
    let dt: DateTime<Utc> = t.into();
    dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

const ONLINE_CODES: [i32; 7] = [0, 1, 2, 11, 12, 198, 199];

fn seed(options: &SimulatorBuilder) -> State {
    let mut rng = Prng::new(options.seed);
    let org_names = [
        ("Acme Corp", "acme"),
        ("O'Brien & Sons", "obrien"),
        ("Globex", "globex"),
        ("Initech", "initech"),
        ("Umbrella Health", "umbrella"),
    ];
    let mut state = State {
        token_lifetime: options.token_lifetime,
        ..State::default()
    };
    let mut groups = Vec::new();
    for (i, (name, reference)) in org_names.iter().enumerate() {
        let org_id = format!("{}", 10_000_000_000_000u64 + i as u64 * 101);
        state.orgs.push(json!({
            "OrgId": org_id, "OrgName": name, "OrgRef": reference, "OrgType": if i % 2 == 0 { "Customer" } else { "Sales" },
            "DefaultDepartmentName": "root", "DefaultMachineGroupName": "root", "ParentOrgId": null,
            "Website": format!("https://{reference}.example"), "NoOfEmployees": 10 * (i + 1), "AnnualRevenue": 1_000_000 * (i + 1),
        }));
        for (j, group) in ["root", "servers", "workstations"].iter().enumerate() {
            let id = format!("{}", 20_000_000_000_000u64 + (i * 3 + j) as u64 * 37);
            state.machine_groups.push(json!({
                "MachineGroupId": id, "MachineGroupName": format!("{group}.{reference}"), "OrgId": org_id, "ParentMachineGroupId": null,
            }));
            groups.push((id, format!("{group}.{reference}"), org_id.clone()));
        }
    }
    let os = [
        ("Windows", "Windows 11 Pro"),
        ("Windows", "Windows Server 2022"),
        ("Mac OS X", "macOS 14"),
        ("Linux", "Ubuntu 24.04"),
    ];
    let base = 1_767_225_600u64; // 2026-01-01T00:00:00Z
    for i in 0..options.agents {
        let (gid, gname, org) = &groups[i % groups.len()];
        // Every fifth id is a 26-digit decimal, beyond u64 and f64 precision.
        let agent_id = if i % 5 == 3 {
            format!("7213597641814316{:010}", 1_000_000_007u64 + i as u64)
        } else {
            format!("{}", 121_747_357_971_679u64 + i as u64 * 7919)
        };
        let host = if i == 7 {
            "O'Brien's PC".to_owned()
        } else {
            format!("PC-{i:04}")
        };
        let (os_type, os_name) = os[i % os.len()];
        let online = ONLINE_CODES[i % ONLINE_CODES.len()];
        let current_user = if online >= 11 {
            format!("user{}", i % 17)
        } else {
            String::new()
        };
        state.agents.push(json!({
            "AgentId": agent_id, "AgentName": format!("{host}.{gname}"), "Online": online, "OSType": os_type,
            "OSInfo": os_name, "OrgId": org, "MachineGroupId": gid, "MachineGroup": gname,
            "ComputerName": host, "IPAddress": format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256),
            "OperatingSystem": os_name, "LastLoggedInUser": format!("user{}", i % 17),
            "LastCheckInTime": iso(SystemTime::UNIX_EPOCH + Duration::from_secs(base + (i as u64) * 3600)),
            "LastRebootTime": iso(SystemTime::UNIX_EPOCH + Duration::from_secs(base + (i as u64) * 3600 - 3600 - rng.below(7 * 86_400))),
            "CurrentUser": current_user,
            "RamMBytes": 4096 * (1 + rng.below(8)), "CpuCount": 2 + rng.below(14), "AgentVersion": 9_050_000 + rng.below(5),
            "Country": "US", "Attributes": {},
        }));
    }
    for (i, (name, path)) in [
        ("Restart Print Spooler", "shared/maintenance"),
        ("Clear Temp Files", "shared/maintenance"),
        ("Install Windows Updates", "shared/patching"),
        ("Restart Service", "shared/services"),
        ("Collect Logs", "private/apiuser"),
    ]
    .iter()
    .enumerate()
    {
        state.procedures.push(json!({
            "AgentProcedureId": 1000 + i as u64, "AgentProcedureName": name, "Path": path,
            "Description": format!("{name} on the machine"), "Attributes": null,
        }));
    }
    let monitors = ["Disk", "Spooler", "CPU"];
    let subjects = ["Disk space low", "Service stopped", "CPU high"];
    for i in 0..40usize.min(options.agents * 40) {
        let agent = &state.agents[(i * 7) % state.agents.len()];
        let (monitor, subject) = (monitors[i % 3], subjects[i % 3]);
        let status = if i % 5 == 0 { "Closed" } else { "Open" };
        state.alarms.push(json!({
            "AlarmId": format!("{}", 30_000_000_000u64 + i as u64), "AgentId": agent["AgentId"], "MachineName": agent["AgentName"],
            "AlarmSubject": format!("Monitor alarm {i}: {subject}"),
            "AlarmText": "Threshold exceeded", "AlarmDate": iso(SystemTime::UNIX_EPOCH + Duration::from_secs(base + i as u64 * 1800)),
            "AlarmType": "Monitor", "MonitorName": monitor, "Status": status,
            "Severity": 1 + rng.below(3),
        }));
    }
    state
}

fn field_type(resource: &str, name: &str) -> Option<FieldType> {
    use FieldType::*;
    let ty = match (resource, name) {
        (
            _,
            "AgentId"
            | "OrgId"
            | "MachineGroupId"
            | "ParentOrgId"
            | "ParentMachineGroupId"
            | "AlarmId"
            | "AgentProcedureId",
        ) => Decimal,
        ("agents", "Online" | "RamMBytes" | "CpuCount" | "AgentVersion") => Int,
        ("agents", "LastCheckInTime" | "LastRebootTime") => DateTime,
        (
            "agents",
            "AgentName" | "OSType" | "OSInfo" | "MachineGroup" | "ComputerName" | "IPAddress"
            | "OperatingSystem" | "LastLoggedInUser" | "CurrentUser" | "Country",
        ) => Str,
        (
            "orgs",
            "OrgName"
            | "OrgRef"
            | "OrgType"
            | "Website"
            | "DefaultDepartmentName"
            | "DefaultMachineGroupName",
        ) => Str,
        ("orgs", "NoOfEmployees" | "AnnualRevenue") => Int,
        ("machinegroups", "MachineGroupName") => Str,
        ("procedures", "AgentProcedureName" | "Path" | "Description") => Str,
        (
            "alarms",
            "AlarmSubject" | "AlarmText" | "AlarmType" | "MachineName" | "MonitorName" | "Status",
        ) => Str,
        ("alarms", "AlarmDate") => DateTime,
        ("alarms", "Severity") => Int,
        _ => return None,
    };
    Some(ty)
}

struct Handler {
    gate: Gatekeeper,
    state: Arc<Mutex<State>>,
    latency: Duration,
}

fn envelope(result: Value, total: Option<usize>) -> ResponseTemplate {
    let mut body = json!({"Result": result, "ResponseCode": 0, "Status": "OK", "Error": "None"});
    if let Some(total) = total {
        body["TotalRecords"] = json!(total);
    }
    ResponseTemplate::new(200).set_body_raw(
        numeric_ids(&body.to_string()),
        "application/json; charset=utf-8",
    )
}

/// Writes decimal ids as the server does: JSON numbers, however many digits they have (ids are
/// stored as strings here because `serde_json::Value` cannot hold 26-digit numbers).
fn numeric_ids(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(pos) = rest.find("Id\":\"") {
        let (head, tail) = rest.split_at(pos + 4);
        let digits = tail[1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits >= 10 && tail[1 + digits..].starts_with('"') {
            out.push_str(head);
            out.push_str(&tail[1..1 + digits]);
            rest = &tail[2 + digits..];
        } else {
            out.push_str(head);
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// An application error, inside HTTP 200 as the server sends it.
fn app_error(code: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Result": null, "ResponseCode": code, "Status": "Error", "Error": message,
    }))
}

fn unauthorized(message: &str) -> ResponseTemplate {
    ResponseTemplate::new(401).set_body_json(json!({
        "Result": null, "ResponseCode": 401, "Status": "Unauthorized", "Error": message,
    }))
}

impl Respond for Handler {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        // The kit records the request and decides whether a fault answers it.
        let (response, delay) = match self.gate.gate(request) {
            Gate::Pass { delay } => (self.route(request), delay),
            Gate::Fault(Fault::Delay(delay)) => (self.route(request), delay),
            Gate::Fault(fault) => (fault.response(), Duration::ZERO),
            // What IIS answers when the application pool is overloaded.
            Gate::Fail { delay } => (
                ResponseTemplate::new(503)
                    .insert_header("Retry-After", "1")
                    .set_body_raw(
                        "<html><head><title>Service Unavailable</title></head></html>",
                        "text/html",
                    ),
                delay,
            ),
        };
        let delay = self.latency + delay;
        if delay.is_zero() {
            response
        } else {
            response.set_delay(delay)
        }
    }
}

impl Handler {
    fn route(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let path = request.url.path().to_owned();
        let lower = path.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("/api/v1.0/") else {
            return ResponseTemplate::new(404)
                .set_body_string("<html><body>Not Found</body></html>");
        };
        let query: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let original_rest = path["/api/v1.0/".len()..].to_owned();
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        let method = request.method.as_str();

        if segments == ["auth"] && method == "GET" {
            return self.auth(&mut state, request);
        }
        if segments == ["echo"] || segments == ["environment"] {
            return envelope(
                json!({"SystemVersion": "9.5.0.0", "PatchLevel": "9.5.0.12"}),
                None,
            );
        }
        // Everything else needs a valid bearer token.
        let token = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let Some(token) = token else {
            return unauthorized("Authorization has been denied for this request.");
        };
        match state.tokens.get(&token) {
            Some(expires) if *expires > SystemTime::now() => {}
            _ => return unauthorized("Session has expired or is invalid."),
        }
        let original: Vec<&str> = original_rest.split('/').filter(|s| !s.is_empty()).collect();
        // A read asked before, the data unchanged since, is answered from its cached
        // bytes: a simulator must never be what a client's speed measures.
        let key = (method == "GET")
            .then(|| format!("{path}?{}", request.url.query().unwrap_or_default()));
        match &key {
            Some(key) => {
                if let Some(answer) = state.answers.get(key) {
                    return answer.clone();
                }
            }
            None => state.answers.clear(),
        }
        let answer = match (method, segments.as_slice()) {
            ("GET", ["echoauth"]) => envelope(json!({}), None),
            ("GET", ["assetmgmt", "agents"]) => list(&state.agents, "agents", &query),
            ("GET", ["assetmgmt", "agents", _]) => {
                by_id(&state.agents, "AgentId", original[2], "Agent")
            }
            ("GET", ["system", "orgs"]) => list(&state.orgs, "orgs", &query),
            ("GET", ["system", "orgs", _]) => {
                by_id(&state.orgs, "OrgId", original[2], "Organization")
            }
            ("GET", ["system", "machinegroups"]) => {
                list(&state.machine_groups, "machinegroups", &query)
            }
            ("GET", ["system", "machinegroups", _]) => by_id(
                &state.machine_groups,
                "MachineGroupId",
                original[2],
                "Machine group",
            ),
            ("GET", ["automation", "agentprocs"]) => list(&state.procedures, "procedures", &query),
            ("GET", ["assetmgmt", "alarms", flag]) if *flag != "true" && *flag != "false" => {
                by_id(&state.alarms, "AlarmId", original[2], "Alarm")
            }
            ("PUT", ["assetmgmt", "alarms", _, "close"]) => {
                match state
                    .alarms
                    .iter_mut()
                    .find(|a| a["AlarmId"] == original[2])
                {
                    Some(alarm) => {
                        alarm["Status"] = json!("Closed");
                        envelope(json!(true), None)
                    }
                    None => app_error(404, &format!("Alarm {} not found", original[2])),
                }
            }
            ("GET", ["assetmgmt", "alarms", _]) => {
                let all = segments[2] == "true";
                let rows: Vec<Value> = state
                    .alarms
                    .iter()
                    .filter(|a| all || a["Status"] == "Open")
                    .cloned()
                    .collect();
                list(&rows, "alarms", &query)
            }
            ("GET", ["automation", "agentprocs", _, "history"]) => {
                let rows = state.history.get(original[2]).cloned().unwrap_or_default();
                list(&rows, "history", &query)
            }
            ("PUT", ["automation", "agentprocs", _, _, "runnow"]) => {
                let (agent_id, proc_id) = (original[2].to_owned(), original[3].to_owned());
                if !state
                    .agents
                    .iter()
                    .any(|a| a["AgentId"] == agent_id.as_str())
                {
                    return app_error(404, &format!("Agent {agent_id} not found"));
                }
                let Some(procedure) = state
                    .procedures
                    .iter()
                    .find(|p| p["AgentProcedureId"].as_u64() == proc_id.parse::<u64>().ok())
                    .cloned()
                else {
                    return app_error(404, &format!("Agent procedure {proc_id} not found"));
                };
                let entry = json!({
                    "ScriptName": procedure["AgentProcedureName"], "LastExecutionTime": iso(SystemTime::now()),
                    "Status": "Success", "Admin": crate::sim::USERNAME, "AgentProcedureId": procedure["AgentProcedureId"],
                });
                state.history.entry(agent_id).or_default().push(entry);
                envelope(json!(true), None)
            }
            ("GET", ["assetmgmt", "audit", _, "summary"]) => {
                match state.agents.iter().find(|a| a["AgentId"] == original[2]) {
                    Some(agent) => envelope(
                        json!({"AgentGuid": agent["AgentId"], "MachineName": agent["ComputerName"], "OperatingSystem": agent["OperatingSystem"], "RamMBytes": agent["RamMBytes"], "CpuCount": agent["CpuCount"]}),
                        None,
                    ),
                    None => app_error(404, &format!("Agent {} not found", original[2])),
                }
            }
            _ => app_error(
                404,
                &format!("No resource at {method} /api/v1.0/{original_rest}"),
            ),
        };
        if let Some(key) = key {
            if state.answers.len() >= MAX_CACHED_ANSWERS {
                state.answers.clear();
            }
            state.answers.insert(key, answer.clone());
        }
        answer
    }

    fn auth(&self, state: &mut State, request: &wiremock::Request) -> ResponseTemplate {
        state.auth_requests += 1;
        let header = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let Some(encoded) = header.strip_prefix("Basic ") else {
            return unauthorized("Authorization header missing or not Basic.");
        };
        let Some(plain) = STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
        else {
            return unauthorized("Authorization payload is not valid Base64.");
        };
        let accepted = if plain.contains("pass2=") {
            AuthPayload::parse_plain(&plain)
                .is_some_and(|p| p.user == USERNAME && p.verify(PASSWORD, PasswordEncoding::Utf8))
        } else {
            plain == format!("{USERNAME}:{PAT}")
        };
        if !accepted {
            return unauthorized("Invalid user name or password.");
        }
        state.next_token += 1;
        let token = format!("{:08}", 90_151_280 + state.next_token);
        let expires = SystemTime::now() + state.token_lifetime;
        state.tokens.insert(token.clone(), expires);
        envelope(
            json!({
                "TenantId": "1", "Token": token, "UserName": USERNAME, "RoleId": 2, "ScopeId": "2",
                "AdminId": 55_957_651, "MachineId": null, "MachineGroupName": null,
                "SessionExpiration": session_expiration(expires), "CultureInfo": "en-US", "TimePref": "Browser",
                "OffSetInMinutes": 0, "ApiToken": format!("api-{token}"), "Attributes": null,
            }),
            None,
        )
    }
}

fn by_id(rows: &[Value], key: &str, id: &str, what: &str) -> ResponseTemplate {
    match rows.iter().find(|r| r[key].as_str() == Some(id)) {
        Some(row) => envelope(row.clone(), None),
        None => app_error(404, &format!("{what} {id} not found")),
    }
}

fn list(rows: &[Value], resource: &str, query: &[(String, String)]) -> ResponseTemplate {
    let get = |k: &str| {
        query
            .iter()
            .rev()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let fields = |name: &str| field_type(resource, name);
    let mut selected: Vec<&Value> = match get("$filter") {
        Some(f) => match filter::parse(f, &fields) {
            Ok(expr) => rows.iter().filter(|r| filter::eval(&expr, r)).collect(),
            Err(message) => return app_error(400, &message),
        },
        None => rows.iter().collect(),
    };
    if let Some(o) = get("$orderby") {
        match filter::parse_order(o, &fields) {
            Ok(order) => selected.sort_by(|a, b| filter::order_cmp(a, b, &order)),
            Err(message) => return app_error(400, &message),
        }
    }
    let parse_num = |k: &str| -> Result<Option<usize>, String> {
        match get(k) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("Invalid value '{v}' for {k}")),
        }
    };
    let (skip, top) = match (parse_num("$skip"), parse_num("$top")) {
        (Ok(skip), Ok(top)) => (skip.unwrap_or(0), top.unwrap_or(100).min(100)),
        (Err(message), _) | (_, Err(message)) => return app_error(400, &message),
    };
    let total = selected.len();
    let page: Vec<&Value> = selected.into_iter().skip(skip).take(top).collect();
    list_envelope(&page, total)
}

/// The envelope of a list page, written straight from the stored rows (no copy of them
/// is built; the keys in the order [`envelope`] writes them).
fn list_envelope(rows: &[&Value], total: usize) -> ResponseTemplate {
    let rows = serde_json::to_string(rows).unwrap_or_else(|_| "[]".to_owned());
    let body = format!(
        r#"{{"Error":"None","Result":{rows},"ResponseCode":0,"Status":"OK","TotalRecords":{total}}}"#
    );
    ResponseTemplate::new(200).set_body_raw(numeric_ids(&body), "application/json; charset=utf-8")
}
