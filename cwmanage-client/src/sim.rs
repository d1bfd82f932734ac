//! A fake ConnectWise Manage server for tests and examples (feature `sim`).
//!
//! [`SimServer`] runs on a loopback port (built on wiremock) and behaves like Manage
//! where this crate can observe it:
//!
//! - seeded, deterministic data: companies (one is named `O'Brien & Sons + Co "West"`),
//!   contacts, configurations, agreements, boards with statuses, priorities, members,
//!   and tickets (5,000 by default; see [`SimConfig::tickets`]) with notes and time
//!   entries;
//! - Basic auth and `clientId` enforced on every API call (401 with a vendor-shaped body);
//! - `conditions`, `childConditions` (a path through an array matches when any element
//!   does) and `customFieldConditions` evaluated for the whole grammar: nested
//!   paths, `= != < <= > >= contains like in not`, `and`/`or`, parentheses, strings in
//!   either quote, numbers, booleans, `null`, `[datetimes]`; a malformed expression is a 400;
//! - `orderBy`, `fields`, `page`/`pageSize` (default 25, at most 1000) with `Link`
//!   headers, forward-only paging (`pagination-type: forward-only` + `pageId`), `/count`;
//! - POST / PUT / PATCH / DELETE with validation errors in the vendor's shape;
//! - `/login/companyinfo/{company}` for codebase discovery, and [`SimServer::move_codebase`]
//!   to simulate a hosted instance moving;
//! - faults on request: 429 with `Retry-After`, 5xx, HTML error pages, latency.
//!
//! Assumptions where Manage's exact behaviour is not documented (the wording of error
//! messages, 401 for a missing `clientId`, case-insensitive string comparison, clamping
//! `pageSize` above 1000) are marked as such in the code.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use cwmanage_client::sim::{SimConfig, SimServer};
//! let sim = SimServer::start(SimConfig::default().tickets(50)).await;
//! assert_eq!(sim.records("service/tickets").len(), 50);
//! # });
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// How the simulator is seeded and what it expects.
#[derive(Debug, Clone)]
#[must_use]
pub struct SimConfig {
    tickets: usize,
    companies: usize,
    seed: u64,
    company_id: String,
    public_key: String,
    private_key: String,
    client_id: String,
    codebase: String,
    forward_only_unsupported: Vec<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            tickets: 5000,
            companies: 60,
            seed: 7,
            company_id: "myco".into(),
            public_key: "pub".into(),
            private_key: "priv".into(),
            client_id: "00000000-0000-4000-8000-000000000001".into(),
            codebase: "v4_6_release".into(),
            forward_only_unsupported: vec!["service/boards/statuses".into()],
        }
    }
}

impl SimConfig {
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

    /// The credentials the server accepts (default `myco` / `pub` / `priv`).
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

    /// The `clientId` the server accepts.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The codebase the API answers on (default `v4_6_release`).
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
}

/// A fault to inject into a coming request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 with `Retry-After: {seconds}` and a vendor-shaped body.
    TooManyRequests {
        /// The `Retry-After` value.
        retry_after_secs: u64,
    },
    /// A 5xx (or any) status with a vendor-shaped body.
    Status(u16),
    /// An HTML error page from a proxy, with this status.
    HtmlPage(u16),
    /// The normal answer, delayed.
    Latency(Duration),
}

/// The fake server; see the [module docs](self). Dropping it stops the server.
#[derive(Debug)]
pub struct SimServer {
    server: MockServer,
    state: Arc<Mutex<State>>,
    config: SimConfig,
}

#[derive(Debug)]
struct State {
    collections: BTreeMap<&'static str, BTreeMap<u64, Value>>,
    next_id: BTreeMap<&'static str, u64>,
    faults: Vec<(u64, Fault)>,
    chaos: msp_common::chaos::Chaos,
    requests: u64,
    codebase: String,
    auth: String,
    client_id: String,
    company_id: String,
    forward_only_unsupported: Vec<String>,
    uri: String,
}

const COLLECTIONS: &[&str] = &[
    "company/companies",
    "company/contacts",
    "company/configurations",
    "finance/agreements",
    "service/tickets",
    "service/boards",
    "service/boards/statuses",
    "service/priorities",
    "service/tickets/notes",
    "system/members",
    "system/callbacks",
    "time/entries",
];

impl SimServer {
    /// Starts a server seeded from `config`, on `127.0.0.1` and an ephemeral port.
    pub async fn start(config: SimConfig) -> SimServer {
        Self::start_with_server(config, MockServer::start().await).await
    }

    /// Starts a server seeded from `config` on `ip` (a loopback address) and an
    /// ephemeral port.
    pub async fn start_on(config: SimConfig, ip: std::net::IpAddr) -> std::io::Result<SimServer> {
        let listener = std::net::TcpListener::bind((ip, 0))?;
        Ok(Self::start_with_server(
            config,
            MockServer::builder().listener(listener).start().await,
        )
        .await)
    }

    async fn start_with_server(config: SimConfig, server: MockServer) -> SimServer {
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!(
                "{}+{}:{}",
                config.company_id, config.public_key, config.private_key
            ))
        );
        let mut state = State {
            collections: COLLECTIONS.iter().map(|c| (*c, BTreeMap::new())).collect(),
            next_id: BTreeMap::new(),
            faults: Vec::new(),
            chaos: msp_common::chaos::Chaos::none(),
            requests: 0,
            codebase: config.codebase.trim_matches('/').to_owned(),
            auth,
            client_id: config.client_id.clone(),
            company_id: config.company_id.clone(),
            forward_only_unsupported: config.forward_only_unsupported.clone(),
            uri: server.uri(),
        };
        seed(&mut state, &config);
        let state = Arc::new(Mutex::new(state));
        Mock::given(any())
            .respond_with(Responder {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        SimServer {
            server,
            state,
            config,
        }
    }

    /// The site URL (`http://127.0.0.1:port`), to pass to `ClientBuilder::site`.
    pub fn uri(&self) -> String {
        self.server.uri()
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

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds latency to every answer and fails a fraction of them with 429 and
    /// `Retry-After: 1` (see [`msp_common::chaos`]).
    pub fn set_chaos(&self, chaos: msp_common::chaos::Chaos) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).chaos = chaos;
    }

    /// Injects a fault into the request `n` requests from now (0 = the next one).
    pub fn inject_after(&self, n: u64, fault: Fault) {
        let mut state = self.lock();
        let at = state.requests + n;
        state.faults.push((at, fault));
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

    /// Every request received so far.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> u64 {
        self.lock().requests
    }
}

// ---------------------------------------------------------------------------------------
// Seeding

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const BOARDS: &[&str] = &["Help Desk", "Projects", "Alerts", "Onboarding"];
const STATUSES: &[(&str, bool)] = &[
    ("New", false),
    ("In Progress", false),
    ("Waiting on Customer", false),
    ("Completed", true),
    (">Closed", true),
];
const PRIORITIES: &[&str] = &[
    "Priority 1 - Emergency Response",
    "Priority 2 - Quick Response",
    "Priority 3 - Normal Response",
    "Priority 4 - Schedule Maintenance",
    "Do Not Respond",
];
const FIRST: &[&str] = &[
    "Ann", "Ben", "Carla", "Dev", "Erin", "Femi", "Gus", "Hana", "Ivan", "Jo",
];
const LAST: &[&str] = &[
    "Smith", "Okafor", "Nguyen", "Garcia", "Müller", "Kowalski", "Tanaka", "Brown",
];
const WORDS: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Woodgrove",
    "Proseware",
    "Lucerne",
    "Wingtip",
];
const KINDS: &[&str] = &[
    "Dental",
    "Legal",
    "Logistics",
    "Accounting",
    "Clinic",
    "Realty",
];
const SUMMARIES: &[&str] = &[
    "Printer offline",
    "Password reset",
    "VPN not connecting",
    "New user setup",
    "Disk space low on server",
    "Outlook keeps crashing",
    "Backup job failed",
    "Replace laptop battery",
    "AV agent missing",
    "Wi-Fi slow in conference room",
];

fn info(kind: &str, id: u64) -> Value {
    json!({"lastUpdated": "2025-01-01T00:00:00Z", "updatedBy": "sim", format!("{kind}_href"): format!("https://sim.invalid/{kind}/{id}")})
}

fn reference(id: u64, name: &str) -> Value {
    json!({"id": id, "name": name, "_info": {}})
}

fn ts(dt: DateTime<Utc>) -> String {
    dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn seed(state: &mut State, config: &SimConfig) {
    let mut rng = Rng(config.seed);
    let put = |state: &mut State, collection: &'static str, record: Value| {
        let id = record["id"].as_u64().unwrap_or_default();
        if let Some(c) = state.collections.get_mut(collection) {
            c.insert(id, record);
        }
        let next = state.next_id.entry(collection).or_insert(1);
        *next = (*next).max(id + 1);
    };
    for (i, name) in BOARDS.iter().enumerate() {
        let board = i as u64 + 1;
        put(
            state,
            "service/boards",
            json!({"id": board, "name": name, "inactiveFlag": false, "_info": info("board", board)}),
        );
        for (j, (status, closed)) in STATUSES.iter().enumerate() {
            let id = (board - 1) * 5 + j as u64 + 1;
            put(
                state,
                "service/boards/statuses",
                json!({"id": id, "name": status, "board": reference(board, name), "sortOrder": j, "closedStatus": closed, "inactive": false}),
            );
        }
    }
    const COLORS: [&str; 5] = ["Red", "Orange", "Yellow", "Green", "Blue"];
    for (i, name) in PRIORITIES.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        put(
            state,
            "service/priorities",
            json!({"id": i + 1, "name": name, "sortOrder": i, "color": color}),
        );
    }
    for i in 1..=10u64 {
        let first = FIRST[(i as usize - 1) % FIRST.len()];
        let last = LAST[(i as usize) % LAST.len()];
        put(
            state,
            "system/members",
            json!({"id": i, "identifier": format!("{}{}", &first[..1], last).to_lowercase(), "firstName": first, "lastName": last, "officeEmail": format!("{}.{}@msp.example", first.to_lowercase(), last.to_lowercase()), "inactiveFlag": false}),
        );
    }
    let companies = config.companies as u64;
    for id in 1..=companies {
        let name = if id == 7 {
            r#"O'Brien & Sons + Co "West""#.to_owned()
        } else {
            format!("{} {} {}", rng.pick(WORDS), rng.pick(KINDS), id)
        };
        let region = if id % 2 == 0 { "West" } else { "East" };
        let types = if id % 4 == 0 {
            json!([reference(1, "Client"), reference(2, "Vendor")])
        } else {
            json!([reference(1, "Client")])
        };
        put(
            state,
            "company/companies",
            json!({
                "id": id, "identifier": format!("Company{id}"), "name": name,
                "status": reference(1, "Active"), "types": types,
                "addressLine1": format!("{} Main St", 100 + id), "city": "Springfield", "state": "IL", "zip": "62701",
                "phoneNumber": format!("555-01{id:02}"), "website": format!("https://company{id}.example"),
                "deletedFlag": false, "_info": info("company", id),
                "customFields": [{"id": 7, "caption": "Region", "type": "Text", "entryMethod": "EntryField", "numberOfDecimals": 0, "value": region}]
            }),
        );
        for k in 0..3u64 {
            let cid = (id - 1) * 3 + k + 1;
            let first = rng.pick(FIRST);
            let last = rng.pick(LAST);
            put(
                state,
                "company/contacts",
                json!({"id": cid, "firstName": first, "lastName": last, "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "inactiveFlag": false,
                "communicationItems": [{"type": {"id": 1, "name": "Email"}, "value": format!("{}.{}+{cid}@company{id}.example", first.to_lowercase(), last.to_lowercase()), "communicationType": "Email", "defaultFlag": true}]}),
            );
        }
        for k in 0..2u64 {
            let cfg = (id - 1) * 2 + k + 1;
            put(
                state,
                "company/configurations",
                json!({"id": cfg, "name": format!("WS-{id:03}-{k}"), "type": reference(1, "Workstation"), "status": reference(1, "Active"), "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "serialNumber": format!("SN{:08}", rng.below(100_000_000)), "activeFlag": true}),
            );
        }
        put(
            state,
            "finance/agreements",
            json!({"id": id, "name": format!("Managed Services {id}"), "type": reference(1, "Managed Services"), "company": {"id": id, "identifier": format!("Company{id}"), "name": name}, "startDate": "2024-01-01T00:00:00Z", "cancelledFlag": false}),
        );
    }
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let mut note_id = 1u64;
    let mut entry_id = 1u64;
    for id in 1..=config.tickets as u64 {
        let board = rng.below(BOARDS.len() as u64) + 1;
        let s = rng.below(STATUSES.len() as u64) as usize;
        let (status, closed) = STATUSES[s];
        let company = rng.below(companies) + 1;
        let company_name = state.collections["company/companies"][&company]["name"].clone();
        let priority = rng.below(PRIORITIES.len() as u64) as usize;
        let owner = rng.below(10) + 1;
        let entered = start + chrono::Duration::minutes((id * 97 + rng.below(60)) as i64);
        let mut ticket = json!({
            "id": id, "summary": format!("{} #{id}", rng.pick(SUMMARIES)), "recordType": "ServiceTicket",
            "board": reference(board, BOARDS[board as usize - 1]),
            "status": {"id": (board - 1) * 5 + s as u64 + 1, "name": status, "sort": s, "_info": {}},
            "company": {"id": company, "identifier": format!("Company{company}"), "name": company_name, "_info": {}},
            "contact": reference((company - 1) * 3 + 1, "Primary contact"),
            "priority": reference(priority as u64 + 1, PRIORITIES[priority]),
            "owner": {"id": owner, "identifier": format!("member{owner}"), "name": format!("Member {owner}")},
            "closedFlag": closed, "dateEntered": ts(entered), "customerUpdatedFlag": false,
            "_info": info("ticket", id), "customFields": []
        });
        if closed {
            ticket["closedDate"] = json!(ts(entered + chrono::Duration::hours(4)));
            ticket["closedBy"] = json!(format!("member{owner}"));
        }
        put(state, "service/tickets", ticket);
        if id % 3 == 0 {
            put(
                state,
                "service/tickets/notes",
                json!({"id": note_id, "ticketId": id, "text": "Called the customer.", "detailDescriptionFlag": true, "internalAnalysisFlag": false, "resolutionFlag": false, "member": reference(owner, "Member"), "dateCreated": ts(entered + chrono::Duration::minutes(30)), "createdBy": format!("member{owner}")}),
            );
            note_id += 1;
        }
        if id % 10 == 0 {
            put(
                state,
                "time/entries",
                json!({"id": entry_id, "company": {"id": company}, "chargeToId": id, "chargeToType": "ServiceTicket", "member": reference(owner, "Member"), "timeStart": ts(entered), "timeEnd": ts(entered + chrono::Duration::minutes(45)), "actualHours": 0.75, "notes": "Remote session"}),
            );
            entry_id += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// HTTP

struct Responder {
    state: Arc<Mutex<State>>,
}

fn vendor_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({"code": code, "message": message}))
}

fn invalid(resource: &str, errors: Vec<(&str, &str, String)>) -> ResponseTemplate {
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|(code, field, message)| json!({"code": code, "message": message, "resource": resource, "field": field}))
        .collect();
    ResponseTemplate::new(400).set_body_json(json!({"code": "InvalidObject", "message": format!("{resource} object is invalid"), "errors": errors}))
}

impl Respond for Responder {
    fn respond(&self, req: &wiremock::Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let n = state.requests;
        state.requests += 1;
        let decision = state.chaos.decide();
        if decision.fail {
            return vendor_error(
                429,
                "TooManyRequests",
                "Too many requests; try again later.",
            )
            .insert_header("Retry-After", "1")
            .set_delay(decision.delay);
        }
        let mut delay = (!decision.delay.is_zero()).then_some(decision.delay);
        if let Some(pos) = state.faults.iter().position(|(at, _)| *at == n) {
            let (_, fault) = state.faults.remove(pos);
            match fault {
                Fault::TooManyRequests { retry_after_secs } => {
                    return vendor_error(
                        429,
                        "TooManyRequests",
                        "Too many requests; try again later.",
                    )
                    .insert_header("Retry-After", retry_after_secs.to_string().as_str());
                }
                Fault::Status(status) => {
                    return vendor_error(status, "ServerError", "An unexpected error occurred.");
                }
                Fault::HtmlPage(status) => {
                    return ResponseTemplate::new(status).set_body_raw(
                        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                        "text/html",
                    );
                }
                Fault::Latency(d) => delay = Some(d),
            }
        }
        let response = state.route(req);
        match delay {
            Some(d) => response.set_delay(d),
            None => response,
        }
    }
}

/// A parsed API path.
struct Route<'a> {
    collection: &'static str,
    parent: Option<(&'static str, u64)>,
    rest: Vec<&'a str>,
}

impl State {
    fn route(&mut self, req: &wiremock::Request) -> ResponseTemplate {
        let path = req.url.path().to_owned();
        if let Some(company) = path.strip_prefix("/login/companyinfo/") {
            return if company.eq_ignore_ascii_case(&self.company_id) {
                ResponseTemplate::new(200).set_body_json(json!({
                    "CompanyName": "My MSP", "Codebase": format!("{}/", self.codebase),
                    "VersionCode": "v2025.1", "VersionNumber": "v4.6", "CompanyID": self.company_id,
                    "IsCloud": true, "SiteUrl": self.uri
                }))
            } else {
                ResponseTemplate::new(200).set_body_json(json!({}))
            };
        }
        let prefix = format!("/{}/apis/3.0/", self.codebase);
        let Some(api_path) = path.strip_prefix(&prefix) else {
            // UNVERIFIED wording; an unknown codebase answers 404.
            return ResponseTemplate::new(404).set_body_raw(
                "<html><head><title>404 - File or directory not found.</title></head></html>",
                "text/html",
            );
        };
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        if header("authorization") != Some(self.auth.as_str()) {
            return vendor_error(
                401,
                "Unauthorized",
                "The API key or company id is not valid.",
            );
        }
        // UNVERIFIED: the status Manage gives a missing clientId; 401 with this body here.
        match header("clientid") {
            Some(id) if id == self.client_id => {}
            Some(_) => {
                return vendor_error(
                    401,
                    "Unauthorized",
                    "The clientId is not valid for this integration.",
                );
            }
            None => {
                return vendor_error(
                    401,
                    "Unauthorized",
                    "A clientId header is required. See https://developer.connectwise.com/ClientID",
                );
            }
        }
        let segments: Vec<&str> = api_path.split('/').filter(|s| !s.is_empty()).collect();
        if segments == ["system", "info"] {
            return ResponseTemplate::new(200).set_body_json(json!({"version": "v2025.1.10431", "isCloud": true, "serverTimeZone": "Eastern Standard Time", "licenseBits": [], "cloudRegion": "NA"}));
        }
        let Some(route) = resolve(&segments) else {
            return vendor_error(
                404,
                "NotFound",
                &format!("The resource `{api_path}` was not found."),
            );
        };
        let method = req.method.as_str().to_owned();
        let forward =
            header("pagination-type").is_some_and(|v| v.eq_ignore_ascii_case("forward-only"));
        match (method.as_str(), route.rest.as_slice()) {
            ("GET", []) => self.list(req, &route, forward),
            ("POST", ["search"]) if route.collection == "service/tickets" => {
                let conditions = req
                    .body_json::<Value>()
                    .ok()
                    .and_then(|b| {
                        b.get("conditions")
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                    })
                    .unwrap_or_default();
                self.list_with(req, &route, false, Some(conditions))
            }
            ("GET", ["count"]) => self.count(req, &route),
            ("POST", []) => self.create(req, &route),
            (m, [id]) => match id.parse::<u64>() {
                Ok(id) => match m {
                    "GET" => self.get(&route, id),
                    "PUT" => self.replace(req, &route, id),
                    "PATCH" => self.patch(req, &route, id),
                    "DELETE" => self.delete(&route, id),
                    _ => vendor_error(
                        405,
                        "MethodNotAllowed",
                        "The requested resource does not support this method.",
                    ),
                },
                Err(_) => vendor_error(400, "InvalidObject", &format!("`{id}` is not a valid id")),
            },
            _ => vendor_error(
                405,
                "MethodNotAllowed",
                "The requested resource does not support this method.",
            ),
        }
    }

    fn visible(&self, route: &Route<'_>) -> Vec<&Value> {
        let Some(records) = self.collections.get(route.collection) else {
            return Vec::new();
        };
        records
            .values()
            .filter(|r| match route.parent {
                Some((field, id)) => lookup(r, field).and_then(Value::as_u64) == Some(id),
                None => true,
            })
            .collect()
    }

    fn filtered(
        &self,
        req: &wiremock::Request,
        route: &Route<'_>,
        conditions: Option<String>,
    ) -> Result<Vec<Value>, Box<ResponseTemplate>> {
        let param = |k: &str| {
            req.url
                .query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        let conditions = match conditions.or_else(|| param("conditions")) {
            Some(text) if !text.trim().is_empty() => {
                Some(parse_conditions(&text).map_err(|e| {
                    Box::new(vendor_error(
                        400,
                        "InvalidObject",
                        &format!("conditions: {e}"),
                    ))
                })?)
            }
            _ => None,
        };
        if let Some(expr) = &conditions {
            // Like Manage, refuse a field the record type does not have (the sim knows the
            // fields its records carry; a nested path is checked by its first segment).
            let records = self.collections.get(route.collection);
            let known = |field: &str| {
                let head = field.split('/').next().unwrap_or(field);
                records.is_none_or(|r| {
                    r.is_empty()
                        || r.values().any(|rec| {
                            rec.as_object()
                                .is_some_and(|o| o.keys().any(|k| k.eq_ignore_ascii_case(head)))
                        })
                })
            };
            let mut fields = Vec::new();
            expr.fields(&mut fields);
            if let Some(unknown) = fields.into_iter().find(|f| !known(f)) {
                return Err(Box::new(vendor_error(
                    400,
                    "InvalidObject",
                    &format!("conditions: Cannot find field `{unknown}` on this object"),
                )));
            }
        }
        let custom = match param("customFieldConditions") {
            Some(text) if !text.trim().is_empty() => {
                Some(parse_conditions(&text).map_err(|e| {
                    Box::new(vendor_error(
                        400,
                        "InvalidObject",
                        &format!("customFieldConditions: {e}"),
                    ))
                })?)
            }
            _ => None,
        };
        let child = match param("childConditions") {
            Some(text) if !text.trim().is_empty() => {
                Some(parse_conditions(&text).map_err(|e| {
                    Box::new(vendor_error(
                        400,
                        "InvalidObject",
                        &format!("childConditions: {e}"),
                    ))
                })?)
            }
            _ => None,
        };
        Ok(self
            .visible(route)
            .into_iter()
            .filter(|r| conditions.as_ref().is_none_or(|c| eval(c, r)))
            .filter(|r| child.as_ref().is_none_or(|c| eval_child(c, r)))
            .filter(|r| {
                custom.as_ref().is_none_or(|c| {
                    r.get("customFields")
                        .and_then(Value::as_array)
                        .is_some_and(|fields| fields.iter().any(|f| eval(c, f)))
                })
            })
            .cloned()
            .collect())
    }

    fn list(&self, req: &wiremock::Request, route: &Route<'_>, forward: bool) -> ResponseTemplate {
        self.list_with(req, route, forward, None)
    }

    fn list_with(
        &self,
        req: &wiremock::Request,
        route: &Route<'_>,
        forward: bool,
        conditions: Option<String>,
    ) -> ResponseTemplate {
        let param = |k: &str| {
            req.url
                .query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        let page_size = match param("pageSize") {
            None => 25,
            Some(s) => match s.parse::<u64>() {
                // UNVERIFIED: sizes above 1000 are capped at 1000.
                Ok(n) if n >= 1 => n.min(1000),
                _ => {
                    return vendor_error(
                        400,
                        "InvalidObject",
                        "pageSize must be a positive whole number",
                    );
                }
            },
        };
        let mut records = match self.filtered(req, route, conditions) {
            Ok(r) => r,
            Err(resp) => return *resp,
        };
        let mut links = Vec::new();
        let page: Vec<Value> = if forward {
            if self
                .forward_only_unsupported
                .iter()
                .any(|c| c == route.collection)
            {
                return vendor_error(
                    400,
                    "InvalidObject",
                    "Forward-only pagination is not supported on this endpoint.",
                );
            }
            let after = match param("pageId") {
                None => 0,
                Some(s) => match s.parse::<u64>() {
                    Ok(n) => n,
                    Err(_) => {
                        return vendor_error(400, "InvalidObject", "pageId must be a record id");
                    }
                },
            };
            records.retain(|r| r["id"].as_u64().unwrap_or(0) > after);
            let more = records.len() as u64 > page_size;
            records.truncate(page_size as usize);
            if more && let Some(last) = records.last().and_then(|r| r["id"].as_u64()) {
                links.push((link_url(req, &[("pageId", last.to_string())]), "next"));
            }
            records
        } else {
            if let Some(order) = param("orderBy")
                && let Err(e) = sort(&mut records, &order)
            {
                return vendor_error(400, "InvalidObject", &e);
            }
            let page = match param("page") {
                None => 1,
                Some(s) => match s.parse::<u64>() {
                    Ok(n) if n >= 1 => n,
                    _ => {
                        return vendor_error(
                            400,
                            "InvalidObject",
                            "page must be a positive whole number",
                        );
                    }
                },
            };
            let total = records.len() as u64;
            let last = total.div_ceil(page_size).max(1);
            if page > 1 {
                links.push((link_url(req, &[("page", (page - 1).to_string())]), "prev"));
                links.push((link_url(req, &[("page", "1".into())]), "first"));
            }
            if page < last {
                links.push((link_url(req, &[("page", (page + 1).to_string())]), "next"));
                links.push((link_url(req, &[("page", last.to_string())]), "last"));
            }
            records
                .into_iter()
                // A page far past the end (even `u64::MAX`) is empty, never an overflow.
                .skip(usize::try_from((page - 1).saturating_mul(page_size)).unwrap_or(usize::MAX))
                .take(page_size as usize)
                .collect()
        };
        let page: Vec<Value> = match param("fields") {
            Some(fields) if !fields.trim().is_empty() => {
                page.iter().map(|r| project(r, &fields)).collect()
            }
            _ => page,
        };
        let mut response = ResponseTemplate::new(200)
            .set_body_json(Value::Array(page))
            .insert_header("x-cw-request-id", "sim-request")
            .insert_header("x-server-name", "sim")
            .insert_header("api-current-version", "2025.1");
        if !links.is_empty() {
            let value = links
                .iter()
                .map(|(url, rel)| format!("<{url}>; rel=\"{rel}\""))
                .collect::<Vec<_>>()
                .join(", ");
            response = response.insert_header("Link", value.as_str());
        }
        response
    }

    fn count(&self, req: &wiremock::Request, route: &Route<'_>) -> ResponseTemplate {
        match self.filtered(req, route, None) {
            Ok(r) => ResponseTemplate::new(200).set_body_json(json!({"count": r.len()})),
            Err(resp) => *resp,
        }
    }

    fn get(&self, route: &Route<'_>, id: u64) -> ResponseTemplate {
        match self
            .visible(route)
            .into_iter()
            .find(|r| r["id"].as_u64() == Some(id))
        {
            Some(r) => ResponseTemplate::new(200).set_body_json(r),
            None => not_found(route.collection, id),
        }
    }

    fn delete(&mut self, route: &Route<'_>, id: u64) -> ResponseTemplate {
        if self
            .visible(route)
            .into_iter()
            .all(|r| r["id"].as_u64() != Some(id))
        {
            return not_found(route.collection, id);
        }
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.remove(&id);
        }
        ResponseTemplate::new(204)
    }

    fn create(&mut self, req: &wiremock::Request, route: &Route<'_>) -> ResponseTemplate {
        let Ok(Value::Object(body)) = req.body_json::<Value>() else {
            return vendor_error(
                400,
                "InvalidObject",
                "The request body is not a JSON object.",
            );
        };
        let mut record = Value::Object(body);
        let id = *self.next_id.get(route.collection).unwrap_or(&1);
        record["id"] = json!(id);
        if let Some((field, parent)) = route.parent {
            set_path(&mut record, field, json!(parent));
        }
        if let Err(resp) = self.complete(route.collection, &mut record, true) {
            return *resp;
        }
        self.next_id.insert(route.collection, id + 1);
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.insert(id, record.clone());
        }
        ResponseTemplate::new(201).set_body_json(record)
    }

    fn replace(&mut self, req: &wiremock::Request, route: &Route<'_>, id: u64) -> ResponseTemplate {
        if self
            .visible(route)
            .into_iter()
            .all(|r| r["id"].as_u64() != Some(id))
        {
            return not_found(route.collection, id);
        }
        let Ok(Value::Object(body)) = req.body_json::<Value>() else {
            return vendor_error(
                400,
                "InvalidObject",
                "The request body is not a JSON object.",
            );
        };
        let mut record = Value::Object(body);
        record["id"] = json!(id);
        if let Some((field, parent)) = route.parent {
            set_path(&mut record, field, json!(parent));
        }
        if let Err(resp) = self.complete(route.collection, &mut record, false) {
            return *resp;
        }
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.insert(id, record.clone());
        }
        ResponseTemplate::new(200).set_body_json(record)
    }

    fn patch(&mut self, req: &wiremock::Request, route: &Route<'_>, id: u64) -> ResponseTemplate {
        let Some(mut record) = self
            .visible(route)
            .into_iter()
            .find(|r| r["id"].as_u64() == Some(id))
            .cloned()
        else {
            return not_found(route.collection, id);
        };
        let Ok(Value::Array(ops)) = req.body_json::<Value>() else {
            return vendor_error(
                400,
                "InvalidObject",
                "A PATCH body must be a JSON array of operations.",
            );
        };
        for op in ops {
            let kind = op
                .get("op")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_lowercase();
            let Some(path) = op.get("path").and_then(Value::as_str) else {
                return vendor_error(400, "InvalidObject", "Each patch operation needs a path.");
            };
            let path = path.trim_start_matches('/');
            if path.is_empty() || path == "id" {
                return vendor_error(
                    400,
                    "InvalidObject",
                    &format!("The path `{path}` cannot be patched."),
                );
            }
            match (kind.as_str(), op.get("value")) {
                ("add" | "replace", Some(value)) if path == "customFields" => {
                    let Some(updates) = value.as_array() else {
                        return vendor_error(400, "InvalidObject", "customFields must be an array");
                    };
                    let fields = record["customFields"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let mut fields = fields;
                    for u in updates {
                        match fields.iter_mut().find(|f| f["id"] == u["id"]) {
                            Some(f) => f["value"] = u["value"].clone(),
                            None => fields.push(u.clone()),
                        }
                    }
                    record["customFields"] = Value::Array(fields);
                }
                ("add" | "replace", Some(value)) => set_path(&mut record, path, value.clone()),
                ("remove", _) => remove_path(&mut record, path),
                ("add" | "replace", None) => {
                    return vendor_error(
                        400,
                        "InvalidObject",
                        &format!("The {kind} operation on `{path}` needs a value."),
                    );
                }
                _ => {
                    return vendor_error(
                        400,
                        "InvalidObject",
                        &format!(
                            "`{kind}` is not a supported patch operation (add, replace, remove)."
                        ),
                    );
                }
            }
        }
        if let Err(resp) = self.complete(route.collection, &mut record, false) {
            return *resp;
        }
        if let Some(c) = self.collections.get_mut(route.collection) {
            c.insert(id, record.clone());
        }
        ResponseTemplate::new(200).set_body_json(record)
    }

    /// Validates a record and fills the fields the server computes.
    fn complete(
        &self,
        collection: &str,
        record: &mut Value,
        creating: bool,
    ) -> Result<(), Box<ResponseTemplate>> {
        let text = |r: &Value, k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let now = ts(Utc::now());
        match collection {
            "service/tickets" => {
                let mut errors = Vec::new();
                match text(record, "summary") {
                    None => errors.push((
                        "NullValue",
                        "summary",
                        "The summary field is required.".to_owned(),
                    )),
                    Some(s) if s.chars().count() > 100 => errors.push((
                        "InvalidValue",
                        "summary",
                        "The summary field must be at most 100 characters.".to_owned(),
                    )),
                    _ => {}
                }
                let company = lookup(record, "company/id").and_then(Value::as_u64);
                match company.and_then(|c| self.collections["company/companies"].get(&c)) {
                    Some(c) => {
                        record["company"] = json!({"id": c["id"], "identifier": c["identifier"], "name": c["name"], "_info": {}})
                    }
                    None if company.is_none() => errors.push((
                        "NullValue",
                        "company",
                        "The company field is required.".to_owned(),
                    )),
                    None => errors.push((
                        "InvalidValue",
                        "company",
                        format!(
                            "Company with id {} does not exist.",
                            company.unwrap_or_default()
                        ),
                    )),
                }
                let board = lookup(record, "board/id")
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                match self.collections["service/boards"].get(&board) {
                    Some(b) => {
                        record["board"] = reference(board, b["name"].as_str().unwrap_or_default())
                    }
                    None => errors.push((
                        "InvalidValue",
                        "board",
                        format!("Board with id {board} does not exist."),
                    )),
                }
                let status = lookup(record, "status/id").and_then(Value::as_u64);
                let status = match status {
                    Some(s) => self.collections["service/boards/statuses"]
                        .get(&s)
                        .filter(|st| lookup(st, "board/id").and_then(Value::as_u64) == Some(board)),
                    None => self.collections["service/boards/statuses"].get(&((board - 1) * 5 + 1)),
                };
                match status {
                    Some(st) => {
                        record["status"] = json!({"id": st["id"], "name": st["name"], "sort": st["sortOrder"], "_info": {}});
                        record["closedFlag"] = st["closedStatus"].clone();
                    }
                    None => errors.push((
                        "InvalidValue",
                        "status",
                        "The status does not belong to the ticket's board.".to_owned(),
                    )),
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("ticket", errors)));
                }
                if let Some(o) = record.as_object_mut() {
                    o.remove("initialDescription");
                    o.remove("initialInternalAnalysis");
                    o.remove("initialResolution");
                }
                if creating || record.get("dateEntered").is_none() {
                    record["dateEntered"] = json!(now);
                }
                if record.get("recordType").is_none() {
                    record["recordType"] = json!("ServiceTicket");
                }
                if record.get("customFields").is_none() {
                    record["customFields"] = json!([]);
                }
            }
            "company/companies" => {
                let mut errors = Vec::new();
                match text(record, "identifier") {
                    None => errors.push((
                        "NullValue",
                        "identifier",
                        "The identifier field is required.".to_owned(),
                    )),
                    Some(ident) => {
                        let id = record["id"].as_u64();
                        if self.collections["company/companies"].values().any(|c| {
                            c["identifier"]
                                .as_str()
                                .is_some_and(|i| i.eq_ignore_ascii_case(&ident))
                                && c["id"].as_u64() != id
                        }) {
                            errors.push((
                                "InvalidValue",
                                "identifier",
                                format!("The identifier {ident} is already in use."),
                            ));
                        }
                    }
                }
                if text(record, "name").is_none() {
                    errors.push((
                        "NullValue",
                        "name",
                        "The name field is required.".to_owned(),
                    ));
                }
                if let Some(year) = record.get("yearEstablished").and_then(Value::as_i64)
                    && !(1900..=9999).contains(&year)
                {
                    errors.push((
                        "OutOfRange",
                        "yearEstablished",
                        "The field yearEstablished must be between 1900 and 9999.".to_owned(),
                    ));
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("company", errors)));
                }
                if record.get("deletedFlag").is_none() {
                    record["deletedFlag"] = json!(false);
                }
            }
            "service/tickets/notes" => {
                let mut errors = Vec::new();
                if text(record, "text").is_none() {
                    errors.push((
                        "NullValue",
                        "text",
                        "The text field is required.".to_owned(),
                    ));
                }
                let flag = |k: &str| record.get(k).and_then(Value::as_bool).unwrap_or(false);
                if !flag("detailDescriptionFlag")
                    && !flag("internalAnalysisFlag")
                    && !flag("resolutionFlag")
                {
                    errors.push(("InvalidValue", "detailDescriptionFlag", "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.".to_owned()));
                }
                if !errors.is_empty() {
                    return Err(Box::new(invalid("ticketNote", errors)));
                }
                for k in [
                    "detailDescriptionFlag",
                    "internalAnalysisFlag",
                    "resolutionFlag",
                ] {
                    if record.get(k).is_none() {
                        record[k] = json!(false);
                    }
                }
                if creating {
                    record["dateCreated"] = json!(now);
                    record["createdBy"] = json!("api");
                }
            }
            _ => {}
        }
        let id = record["id"].as_u64().unwrap_or_default();
        record["_info"] = json!({"lastUpdated": now, "updatedBy": "api", "id": id});
        Ok(())
    }
}

fn not_found(collection: &str, id: u64) -> ResponseTemplate {
    let kind = collection.rsplit('/').next().unwrap_or(collection);
    vendor_error(404, "NotFound", &format!("{kind} recId: {id} not found"))
}

fn resolve<'a>(segments: &[&'a str]) -> Option<Route<'a>> {
    let nested: &[(&str, &str, &'static str, &'static str)] = &[
        (
            "service/tickets",
            "notes",
            "service/tickets/notes",
            "ticketId",
        ),
        (
            "service/tickets",
            "allNotes",
            "service/tickets/notes",
            "ticketId",
        ),
        (
            "service/tickets",
            "timeentries",
            "time/entries",
            "chargeToId",
        ),
        (
            "service/boards",
            "statuses",
            "service/boards/statuses",
            "board/id",
        ),
    ];
    if segments.len() >= 4 {
        let parent = format!("{}/{}", segments[0], segments[1]);
        if let Ok(id) = segments[2].parse::<u64>() {
            for (p, child, collection, field) in nested {
                if *p == parent && *child == segments[3] {
                    return Some(Route {
                        collection,
                        parent: Some((field, id)),
                        rest: segments[4..].to_vec(),
                    });
                }
            }
        }
    }
    if segments.len() >= 2 {
        let path = format!("{}/{}", segments[0], segments[1]);
        let collection = COLLECTIONS.iter().find(|c| **c == path)?;
        return Some(Route {
            collection,
            parent: None,
            rest: segments[2..].to_vec(),
        });
    }
    None
}

fn link_url(req: &wiremock::Request, set: &[(&str, String)]) -> String {
    let mut url = req.url.clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !set.iter().any(|(s, _)| s == k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    {
        let mut q = url.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            q.append_pair(k, v);
        }
        for (k, v) in set {
            q.append_pair(k, v);
        }
    }
    url.to_string()
}

fn lookup<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('/').try_fold(record, |v, key| {
        let obj = v.as_object()?;
        obj.get(key).or_else(|| {
            obj.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
    })
}

fn set_path(record: &mut Value, path: &str, value: Value) {
    let mut cur = record;
    let parts: Vec<&str> = path.split('/').collect();
    for (i, key) in parts.iter().enumerate() {
        if !cur.is_object() {
            *cur = json!({});
        }
        let Some(obj) = cur.as_object_mut() else {
            return;
        };
        if i == parts.len() - 1 {
            obj.insert((*key).to_owned(), value);
            return;
        }
        cur = obj.entry((*key).to_owned()).or_insert_with(|| json!({}));
    }
}

fn remove_path(record: &mut Value, path: &str) {
    let parts: Vec<&str> = path.split('/').collect();
    let mut cur = record;
    for key in &parts[..parts.len() - 1] {
        match cur.get_mut(*key) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(obj) = cur.as_object_mut() {
        obj.remove(parts[parts.len() - 1]);
    }
}

fn project(record: &Value, fields: &str) -> Value {
    let mut out = json!({});
    for field in fields.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        if let Some(v) = lookup(record, field) {
            set_path(&mut out, field, v.clone());
        }
    }
    out
}

fn sort(records: &mut [Value], order: &str) -> Result<(), String> {
    let mut keys = Vec::new();
    for part in order.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let field = words.next().unwrap_or_default().to_owned();
        let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(format!("orderBy: expected asc or desc, got `{other}`")),
        };
        keys.push((field, desc));
    }
    records.sort_by(|a, b| {
        for (field, desc) in &keys {
            let ord = compare_json(lookup(a, field), lookup(b, field));
            let ord = if *desc { ord.reverse() } else { ord };
            if ord != std::cmp::Ordering::Equal {
                return ord;
            }
        }
        a["id"].as_u64().cmp(&b["id"].as_u64())
    });
    Ok(())
}

fn compare_json(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

// ---------------------------------------------------------------------------------------
// The conditions grammar

#[derive(Debug, Clone, PartialEq)]
enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
    Date(DateTime<Utc>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    Like,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Cmp {
        field: String,
        op: CmpOp,
        negated: bool,
        value: Lit,
    },
    In {
        field: String,
        negated: bool,
        values: Vec<Lit>,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Date(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

impl Expr {
    fn fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expr::Cmp { field, .. } | Expr::In { field, .. } => out.push(field),
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.fields(out);
                b.fields(out);
            }
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                toks.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            '"' | '\'' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == c)
                    .ok_or_else(|| format!("unterminated string starting at position {i}"))?;
                toks.push(Tok::Str(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '[' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == ']')
                    .ok_or_else(|| format!("unterminated datetime starting at position {i}"))?;
                toks.push(Tok::Date(chars[i + 1..i + 1 + end].iter().collect()));
                i += end + 2;
            }
            '=' => {
                toks.push(Tok::Op("="));
                i += 1;
            }
            '!' if chars.get(i + 1) == Some(&'=') => {
                toks.push(Tok::Op("!="));
                i += 2;
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                toks.push(Tok::Op(match (c, eq) {
                    ('<', true) => "<=",
                    ('<', false) => "<",
                    (_, true) => ">=",
                    _ => ">",
                }));
                i += if eq { 2 } else { 1 };
            }
            c if c.is_alphanumeric() || matches!(c, '_' | '/' | '.' | '-') => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '/' | '.' | '-'))
                {
                    i += 1;
                }
                toks.push(Tok::Word(chars[start..i].iter().collect()));
            }
            other => return Err(format!("unexpected character `{other}` at position {i}")),
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(kw))
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.factor()?;
        while self.keyword("and") {
            self.pos += 1;
            left = Expr::And(Box::new(left), Box::new(self.factor()?));
        }
        Ok(left)
    }
    fn factor(&mut self) -> Result<Expr, String> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or()?;
                match self.next() {
                    Some(Tok::RParen) => Ok(e),
                    _ => Err("expected `)`".into()),
                }
            }
            Some(Tok::Word(field)) => {
                if !field
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphabetic() || c == '_')
                {
                    return Err(format!("expected a field name, got `{field}`"));
                }
                let mut negated = false;
                if self.keyword("not") {
                    self.pos += 1;
                    negated = true;
                }
                let op = match self.next() {
                    Some(Tok::Op(op)) if !negated => match op {
                        "=" => CmpOp::Eq,
                        "!=" => CmpOp::Ne,
                        "<" => CmpOp::Lt,
                        "<=" => CmpOp::Le,
                        ">" => CmpOp::Gt,
                        _ => CmpOp::Ge,
                    },
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("contains") => CmpOp::Contains,
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("like") => CmpOp::Like,
                    Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => {
                        if self.next() != Some(Tok::LParen) {
                            return Err("expected `(` after in".into());
                        }
                        let mut values = vec![self.literal()?];
                        loop {
                            match self.next() {
                                Some(Tok::Comma) => values.push(self.literal()?),
                                Some(Tok::RParen) => break,
                                _ => return Err("expected `,` or `)` in an in list".into()),
                            }
                        }
                        return Ok(Expr::In {
                            field,
                            negated,
                            values,
                        });
                    }
                    other => {
                        return Err(format!(
                            "expected an operator after `{field}`, got {other:?}"
                        ));
                    }
                };
                let value = self.literal()?;
                Ok(Expr::Cmp {
                    field,
                    op,
                    negated,
                    value,
                })
            }
            other => Err(format!("expected a condition, got {other:?}")),
        }
    }
    fn literal(&mut self) -> Result<Lit, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Date(d)) => DateTime::parse_from_rfc3339(d.trim())
                .map(|d| Lit::Date(d.with_timezone(&Utc)))
                .map_err(|_| {
                    format!("`[{d}]` is not a valid datetime (expected [yyyy-MM-ddTHH:mm:ssZ])")
                }),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Ok(Lit::Bool(true)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Ok(Lit::Bool(false)),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Ok(Lit::Null),
            Some(Tok::Word(w)) => w
                .parse::<f64>()
                .map(Lit::Num)
                .map_err(|_| format!("`{w}` is not a valid value (strings need quotes)")),
            other => Err(format!("expected a value, got {other:?}")),
        }
    }
}

fn parse_conditions(text: &str) -> Result<Expr, String> {
    let mut p = Parser {
        toks: tokenize(text)?,
        pos: 0,
    };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(format!(
            "unexpected {:?} after the end of the expression",
            p.peek()
        ));
    }
    Ok(e)
}

fn like(value: &str, pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    if parts.len() == 1 {
        return value == pattern;
    }
    let mut rest = value;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !rest.starts_with(part) {
                return false;
            }
            rest = &rest[part.len()..];
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(pos) = rest.find(part) {
            rest = &rest[pos + part.len()..];
        } else {
            return false;
        }
    }
    true
}

fn cmp_lit(field: Option<&Value>, lit: &Lit) -> Option<std::cmp::Ordering> {
    match (field, lit) {
        (Some(Value::Number(n)), Lit::Num(x)) => n.as_f64()?.partial_cmp(x),
        (Some(Value::String(s)), Lit::Num(x)) => s.parse::<f64>().ok()?.partial_cmp(x),
        // UNVERIFIED: string comparisons ignore case, as SQL Server's default collation does.
        (Some(Value::String(s)), Lit::Str(x)) => Some(s.to_lowercase().cmp(&x.to_lowercase())),
        (Some(Value::Number(n)), Lit::Str(x)) => Some(n.to_string().cmp(x)),
        (Some(Value::Bool(b)), Lit::Bool(x)) => Some(b.cmp(x)),
        (Some(Value::String(s)), Lit::Date(d)) => DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|v| v.with_timezone(&Utc).cmp(d)),
        _ => None,
    }
}

fn eval(expr: &Expr, record: &Value) -> bool {
    eval_with(expr, record, false)
}

/// `childConditions`: a path that crosses an array (`types/id`) matches when any element
/// does.
fn eval_child(expr: &Expr, record: &Value) -> bool {
    eval_with(expr, record, true)
}

/// The values at `path`; with `fan_out`, every element of each array crossed.
fn candidates<'v>(record: &'v Value, path: &str, fan_out: bool) -> Vec<Option<&'v Value>> {
    if !fan_out {
        return vec![lookup(record, path)];
    }
    let mut current = vec![record];
    for key in path.split('/') {
        let mut next = Vec::new();
        for v in current {
            let items: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            next.extend(items.into_iter().filter_map(|item| lookup(item, key)));
        }
        current = next;
    }
    current
        .into_iter()
        .flat_map(|v| match v {
            Value::Array(items) => items.iter().map(Some).collect::<Vec<_>>(),
            other => vec![Some(other)],
        })
        .collect()
}

fn eval_with(expr: &Expr, record: &Value, fan_out: bool) -> bool {
    use std::cmp::Ordering::*;
    match expr {
        Expr::And(a, b) => eval_with(a, record, fan_out) && eval_with(b, record, fan_out),
        Expr::Or(a, b) => eval_with(a, record, fan_out) || eval_with(b, record, fan_out),
        Expr::In {
            field,
            negated,
            values,
        } => {
            let hit = candidates(record, field, fan_out)
                .into_iter()
                .any(|v| values.iter().any(|l| cmp_lit(v, l) == Some(Equal)));
            hit != *negated
        }
        Expr::Cmp {
            field,
            op,
            negated,
            value,
        } => {
            let test = |v: Option<&Value>| {
                let is_null = matches!(v, None | Some(Value::Null));
                match (op, value) {
                    (CmpOp::Eq, Lit::Null) => is_null,
                    (CmpOp::Ne, Lit::Null) => !is_null,
                    (CmpOp::Eq, l) => cmp_lit(v, l) == Some(Equal),
                    (CmpOp::Ne, l) => cmp_lit(v, l) != Some(Equal),
                    (CmpOp::Lt, l) => cmp_lit(v, l) == Some(Less),
                    (CmpOp::Le, l) => matches!(cmp_lit(v, l), Some(Less | Equal)),
                    (CmpOp::Gt, l) => cmp_lit(v, l) == Some(Greater),
                    (CmpOp::Ge, l) => matches!(cmp_lit(v, l), Some(Greater | Equal)),
                    (CmpOp::Contains, Lit::Str(s)) => v
                        .and_then(Value::as_str)
                        .is_some_and(|x| x.to_lowercase().contains(&s.to_lowercase())),
                    (CmpOp::Like, Lit::Str(p)) => v
                        .and_then(Value::as_str)
                        .is_some_and(|x| like(&x.to_lowercase(), &p.to_lowercase())),
                    _ => false,
                }
            };
            let hit = candidates(record, field, fan_out).into_iter().any(test);
            hit != *negated
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar() {
        let r = json!({"id": 3, "summary": "Printer offline", "board": {"id": 1, "name": "Help Desk"}, "closedFlag": false, "dateEntered": "2025-02-01T00:00:00Z", "contact": null});
        let t = |c: &str| eval(&parse_conditions(c).unwrap(), &r);
        assert!(t(r#"board/id = 1 AND closedFlag = false"#));
        assert!(t(
            r#"summary like "print%" and dateEntered > [2025-01-01T00:00:00Z]"#
        ));
        assert!(t(r#"id in (1,3) or summary = 'x'"#));
        assert!(t(r#"summary not like "%fire%""#));
        assert!(t(r#"contact = null and summary contains "OFF""#));
        assert!(!t(r#"(id = 1 or id = 2) and board/name = "Help Desk""#));
        assert!(t(r#"id not in (1,2)"#));
        assert!(t(r#"id >= 3 and id <= 3 and id != 4 and id < 4"#));
        for bad in [
            "summary = ",
            "id in ()",
            "(id = 1",
            "summary = unquoted",
            "id = 1 extra",
            "x = [nope]",
            r#"x = "open"#,
        ] {
            assert!(parse_conditions(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn like_patterns() {
        assert!(like("abc", "a%"));
        assert!(like("abc", "%c"));
        assert!(like("abc", "%b%"));
        assert!(like("abc", "abc"));
        assert!(!like("abc", "b%"));
        assert!(like("a", "a%%"));
    }
}
