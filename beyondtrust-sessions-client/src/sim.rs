//! A fake Password Safe for examples and tests (feature `sim`).
//!
//! [`Simulator::start`] runs an in-process HTTP server on a loopback port (built on the
//! shared simulator kit, [`msp_common::sim::Kit`]) that behaves like the Password Safe
//! public API v3 as this crate knows it:
//!
//! - **Sign-in**: parses `PS-Auth key=…; runas=…; pwd=[…];` exactly (runas optional,
//!   `pwd` required when configured), runs the two-factor `challenge=` second step,
//!   serves `Auth/connect/token` for OAuth client credentials and accepts the bearer
//!   token at `Auth/SignAppin`; issues `ASP.NET_SessionId` cookie sessions with an idle
//!   expiry, refuses unknown or expired cookies with 401, and ends them on `Auth/Signout`.
//! - **Managed systems and accounts**: seeded, looked up by system and account name.
//! - **Requests**: an approval workflow — some accounts are auto-approved, others wait
//!   (4034 until [`Simulator::approve`]), one is not permitted (4031); conflicts answer
//!   4091 unless `ConflictOption` says reuse or renew; durations outside 1–525600 are
//!   refused; check-in ends a request.
//! - **Credentials** of approved `View` requests, as a JSON string.
//! - **Sessions**: listing with the `status` / `userID` filters, get, creation for a
//!   request (`rdpfile` / `appfile` answer with an `.rdp` attachment), admin sessions
//!   with the server's field lengths, lock and terminate.
//! - **Faults** ([`Simulator::inject`]): statuses (with `Retry-After`, answered with
//!   Password Safe's JSON-string error body), HTML error pages, latency and reset
//!   connections; **chaos** ([`Simulator::set_chaos`]): latency and a rate of
//!   `503 Service Unavailable` answers.
//!
//! The same shape as every msp-sdk simulator: `Simulator::start()`,
//! `Simulator::builder()…start()`, [`Simulator::url`] (the server root),
//! [`Simulator::client`], [`Simulator::client_builder`], [`Simulator::inject`],
//! [`Simulator::set_chaos`] and [`Simulator::received`] (the kit's own request record).
//! Session cookies, OAuth tokens and session tickets come from the seeded generator
//! ([`SimulatorBuilder::seed`]).
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use beyondtrust_sessions_client::sim::{Fault, Simulator};
//! use beyondtrust_sessions_client::{ErrorExt, Listing};
//!
//! let sim = Simulator::start().await;
//! let client = sim.client()?;
//! let me = client.sign_in().await?;
//! assert_eq!(me.user_name.as_deref(), Some(sim.runas()));
//!
//! sim.inject(Fault::status(503), 1).await; // retried: the list is a read
//! assert_eq!(client.sessions().list().collect().await?.len(), 5);
//! let sent = sim.received();
//! assert_eq!(sent.last().unwrap().path, "/BeyondTrust/api/public/v3/Sessions");
//!
//! client.sign_out().await?;
//! assert_eq!(sim.active_sessions(), 0);
//! # Ok::<(), beyondtrust_sessions_client::Error>(()) }).unwrap();
//! ```

// Handlers return a finished response as their error: it is built once per request,
// so its size does not matter.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use msp_common::sim::{Gate, Kit, Prng};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, Respond, ResponseTemplate};

use crate::auth::PsAuth;
use crate::client::{API_PATH, Client, ClientBuilder};
use crate::models::{AccessRequest, AccountId, RequestId, Session};

pub use msp_common::sim::{Chaos, Fault, Received};

/// The API key the simulator accepts by default: 128 hexadecimal digits, the shape
/// Password Safe generates (client libraries check it before sending anything).
pub const DEFAULT_API_KEY: &str = "7cbbe7b02abed9e385b00ab949fa2c24a471243dcfa4c93534f4e2e84c23cfff7de029b82e0d9d49d9ef142eb708fc477a67c70eefc0cc7e225157254cd781cb";
/// The runas user the simulator knows by default.
pub const DEFAULT_RUNAS: &str = r"doe-main\johndoe";
/// The OAuth client id the simulator accepts by default: a GUID (36 characters), as
/// Password Safe issues them.
pub const DEFAULT_OAUTH_CLIENT_ID: &str = "a7271c15-d791-53b1-b162-37f737fb7ddd";
/// The OAuth client secret the simulator accepts by default (43 characters).
pub const DEFAULT_OAUTH_CLIENT_SECRET: &str = "4JXZTh8HXLGd5Caq9Hy1dOOguXIfxA8FabI/IMiL9xw";
/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "ASP.NET_SessionId";
/// The seed of the generator behind cookies, tokens and tickets, unless
/// [`SimulatorBuilder::seed`] sets another.
pub const DEFAULT_SEED: u64 = 0x5EED_0B75;

/// Configures a [`Simulator`]; from [`Simulator::builder`].
#[derive(Clone)]
#[must_use]
pub struct SimulatorBuilder {
    api_key: String,
    runas: String,
    password: Option<String>,
    two_factor_code: Option<String>,
    oauth_client_id: String,
    oauth_client_secret: String,
    idle_timeout: Duration,
    seed: u64,
    tls: bool,
}

impl std::fmt::Debug for SimulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorBuilder")
            .field("runas", &self.runas)
            .field("password_required", &self.password.is_some())
            .field("two_factor", &self.two_factor_code.is_some())
            .field("oauth_client_id", &self.oauth_client_id)
            .field("idle_timeout", &self.idle_timeout)
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

impl SimulatorBuilder {
    /// The API key to accept.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = key.into();
        self
    }

    /// The name of the runas user (user id 7).
    pub fn runas(mut self, user: impl Into<String>) -> Self {
        self.runas = user.into();
        self
    }

    /// Requires `pwd=[password];` in the `PS-Auth` header of the runas user.
    pub fn require_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(password.into());
        self
    }

    /// Makes the runas user sign in with two factors, with this code.
    pub fn two_factor(mut self, code: impl Into<String>) -> Self {
        self.two_factor_code = Some(code.into());
        self
    }

    /// The OAuth client id and secret to accept.
    pub fn oauth_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.oauth_client_id = id.into();
        self.oauth_client_secret = secret.into();
        self
    }

    /// How long an unused session cookie stays valid (default 20 minutes).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Seeds the generator behind session cookies, OAuth tokens and session tickets
    /// (default [`DEFAULT_SEED`]): the same seed gives the same values in the same order.
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

    /// Starts the server on `127.0.0.1` and a free port.
    ///
    /// # Panics
    /// When no loopback port is free.
    pub async fn start(self) -> Simulator {
        self.start_on(std::net::Ipv4Addr::LOCALHOST.into())
            .await
            .expect("a loopback port is free")
    }

    /// Starts the server on `ip` (which must be a loopback address) and a free port.
    pub async fn start_on(self, ip: std::net::IpAddr) -> std::io::Result<Simulator> {
        let kit = if self.tls {
            Kit::start_tls_on(ip).await?
        } else {
            Kit::start_on(ip).await?
        };
        Ok(self.serve(kit).await)
    }

    async fn serve(self, kit: Kit) -> Simulator {
        let state = Arc::new(Mutex::new(State::seeded(self.seed)));
        let config = Arc::new(self);
        // The responder lives inside the server, so it must not own the kit (which owns
        // the server) past the simulator: the simulator empties this slot when dropped.
        let gate = Arc::new(Mutex::new(Some(kit.clone())));
        Mock::given(any())
            .respond_with(Responder {
                gate: gate.clone(),
                state: state.clone(),
                config: config.clone(),
            })
            .mount(kit.server())
            .await;
        Simulator {
            kit,
            gate,
            state,
            config,
        }
    }
}

/// A running fake Password Safe. Dropping it stops the server.
pub struct Simulator {
    kit: Kit,
    gate: Arc<Mutex<Option<Kit>>>,
    state: Arc<Mutex<State>>,
    config: Arc<SimulatorBuilder>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator")
            .field("url", &self.url())
            .field("runas", &self.config.runas)
            .finish_non_exhaustive()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        // Breaks the server → responder → kit → server cycle, so the server stops.
        lock(&self.gate).take();
    }
}

impl Simulator {
    /// Starts a simulator with the default configuration.
    pub async fn start() -> Simulator {
        Self::builder().start().await
    }

    /// Starts configuring a simulator.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            api_key: DEFAULT_API_KEY.into(),
            runas: DEFAULT_RUNAS.into(),
            password: None,
            two_factor_code: None,
            oauth_client_id: DEFAULT_OAUTH_CLIENT_ID.into(),
            oauth_client_secret: DEFAULT_OAUTH_CLIENT_SECRET.into(),
            idle_timeout: Duration::from_secs(20 * 60),
            seed: DEFAULT_SEED,
            tls: false,
        }
    }

    /// The server's root URL (`http://127.0.0.1:PORT`): the "host" of
    /// [`ClientBuilder::host`].
    pub fn url(&self) -> String {
        self.kit.url()
    }

    /// The API base URL (`http://127.0.0.1:PORT/BeyondTrust/api/public/v3`): what
    /// [`ClientBuilder::base_url`] takes.
    pub fn api_url(&self) -> String {
        format!("{}/{}", self.url(), API_PATH.trim_end_matches('/'))
    }

    /// The accepted API key.
    pub fn api_key(&self) -> &str {
        &self.config.api_key
    }

    /// The runas user's name.
    pub fn runas(&self) -> &str {
        &self.config.runas
    }

    /// The password required of the runas user, if any.
    pub fn password(&self) -> Option<&str> {
        self.config.password.as_deref()
    }

    /// The two-factor code, if two factors are on.
    pub fn two_factor_code(&self) -> Option<&str> {
        self.config.two_factor_code.as_deref()
    }

    /// The accepted OAuth client id.
    pub fn oauth_client_id(&self) -> &str {
        &self.config.oauth_client_id
    }

    /// The accepted OAuth client secret.
    pub fn oauth_client_secret(&self) -> &str {
        &self.config.oauth_client_secret
    }

    /// `PS-Auth` credentials of the runas user (with the password when required).
    pub fn ps_auth(&self) -> PsAuth {
        let auth = PsAuth::new(self.config.api_key.clone()).runas(self.config.runas.clone());
        match &self.config.password {
            Some(password) => auth.password(password.clone()),
            None => auth,
        }
    }

    /// A client builder pointed at this simulator, without credentials: it trusts the
    /// simulator's certificate authority over HTTPS ([`SimulatorBuilder::tls`]) and
    /// allows plain http otherwise.
    pub fn client_builder(&self) -> ClientBuilder {
        let builder = Client::builder().base_url(self.api_url());
        match self.ca_pem() {
            Some(pem) => builder.root_certificate(pem),
            None => builder.allow_http(true),
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

    /// A client signing in as the runas user ([`Simulator::ps_auth`]).
    pub fn client(&self) -> crate::Result<Client> {
        self.client_builder().credentials(self.ps_auth()).build()
    }

    /// Answers the next `times` requests with `fault` instead of serving them: a
    /// [`Fault::Status`] with Password Safe's JSON-string error body (and its
    /// `Retry-After`), a [`Fault::Html`] error page as a proxy sends, a [`Fault::Delay`]
    /// before the normal answer, or a [`Fault::Reset`] connection.
    pub async fn inject(&self, fault: Fault, times: usize) {
        match fault {
            Fault::Reset => self.kit.inject_reset(times as u64).await,
            fault => self.kit.inject(fault, times),
        }
    }

    /// Adds latency to every later answer and fails a fraction of them with
    /// `503 Service Unavailable` and `Retry-After: 1` (see [`Chaos`]).
    pub fn set_chaos(&self, chaos: Chaos) {
        self.kit.set_chaos(chaos);
    }

    /// Every HTTP request received so far, in order (path as sent, headers, body).
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
        lock(&self.state)
    }

    /// Approves a pending request; `false` when there is no such pending request.
    pub fn approve(&self, request_id: impl Into<RequestId>) -> bool {
        self.decide(request_id.into().get(), "Active")
    }

    /// Denies a pending request; `false` when there is no such pending request.
    pub fn deny(&self, request_id: impl Into<RequestId>) -> bool {
        self.decide(request_id.into().get(), "Denied")
    }

    fn decide(&self, request_id: u64, status: &'static str) -> bool {
        let mut state = self.state();
        match state
            .requests
            .iter_mut()
            .find(|r| r.id == request_id && r.status == "Pending")
        {
            Some(request) => {
                request.status = status;
                if status == "Active" {
                    request.approved = true;
                }
                true
            }
            None => false,
        }
    }

    /// Ends every session: the next call with any current cookie is refused with 401.
    pub fn expire_sessions(&self) {
        self.state().auth_sessions.clear();
    }

    /// How many signed-in sessions are open.
    pub fn active_sessions(&self) -> usize {
        self.state()
            .auth_sessions
            .values()
            .filter(|s| !s.pending_two_factor)
            .count()
    }

    /// How many sign-ins succeeded.
    pub fn sign_in_count(&self) -> usize {
        self.state().sign_ins
    }

    /// Every access request, as `GET Requests` would list them.
    pub fn access_requests(&self) -> Vec<AccessRequest> {
        let state = self.state();
        state
            .requests
            .iter()
            .filter_map(|r| serde_json::from_value(state.request_json(r)).ok())
            .collect()
    }

    /// Every session, as `GET Sessions` would list them.
    pub fn sessions(&self) -> Vec<Session> {
        self.state()
            .sessions
            .iter()
            .filter_map(|s| serde_json::from_value(s.clone()).ok())
            .collect()
    }

    /// The current password of a managed account.
    pub fn account_password(&self, account_id: impl Into<AccountId>) -> Option<String> {
        let account_id = account_id.into().get();
        self.state()
            .accounts
            .iter()
            .find(|a| a.account_id == account_id)
            .map(|a| a.password.clone())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

struct SimUser {
    id: u64,
    user_name: String,
    name: &'static str,
    email: &'static str,
}

struct SimAccount {
    platform_id: u64,
    system_id: u64,
    system_name: &'static str,
    domain_name: Option<&'static str>,
    account_id: u64,
    account_name: &'static str,
    password: String,
    ssh_key: Option<&'static str>,
    auto_approve: bool,
    permitted: bool,
    /// The `type` filter it answers to (`system`, `database`, …).
    kind: &'static str,
}

/// The values of `GET ManagedAccounts?type=`.
const ACCOUNT_TYPES: [&str; 6] = [
    "system",
    "recent",
    "domainlinked",
    "database",
    "cloud",
    "application",
];

struct SimRequest {
    id: u64,
    user_id: u64,
    system_id: u64,
    account_id: u64,
    access_type: String,
    application_id: Option<u64>,
    duration_minutes: u64,
    reason: Option<String>,
    status: &'static str,
    approved: bool,
}

struct AuthSession {
    user_id: u64,
    last_seen: Instant,
    pending_two_factor: bool,
}

struct State {
    users: Vec<SimUser>,
    accounts: Vec<SimAccount>,
    requests: Vec<SimRequest>,
    sessions: Vec<Value>,
    auth_sessions: HashMap<String, AuthSession>,
    tokens: HashMap<String, Instant>,
    prng: Prng,
    next_request_id: u64,
    next_session_id: u64,
    sign_ins: usize,
}

const RUNAS_USER_ID: u64 = 7;
const KEY_ONLY_USER_ID: u64 = 3;
const OAUTH_USER_ID: u64 = 12;

impl State {
    fn seeded(seed: u64) -> State {
        let account = |system_id,
                       system_name,
                       account_id,
                       account_name,
                       auto_approve,
                       permitted| {
            SimAccount {
                platform_id: if system_name == "linux01.example.local" { 2 } else { 1 },
                system_id,
                system_name,
                domain_name: (system_id == 1).then_some("example.local"),
                account_id,
                account_name,
                password: format!("Sim!Pw-{account_id:04}-{account_name}"),
                ssh_key: (system_id == 3).then_some(
                    "-----BEGIN OPENSSH PRIVATE KEY-----\nc2ltdWxhdGVkIGtleQ==\n-----END OPENSSH PRIVATE KEY-----\n",
                ),
                auto_approve,
                permitted,
                kind: if system_name == "db01.example.local" {
                    "database"
                } else {
                    "system"
                },
            }
        };
        let session = |id: u64,
                       user: u64,
                       status: i64,
                       protocol: i64,
                       asset: &str,
                       system: Option<u64>,
                       account: Option<(u64, &str)>,
                       start: &str,
                       end: Option<&str>,
                       duration: i64| {
            json!({
                "SessionID": id, "UserID": user, "NodeID": "node-sim-1", "Status": status,
                "ArchiveStatus": 0, "Protocol": protocol, "StartTime": start, "EndTime": end,
                "Duration": duration, "AssetName": asset, "ManagedSystemID": system,
                "ManagedAccountID": account.map(|a| a.0), "ManagedAccountName": account.map(|a| a.1),
                "RecordKey": format!("rk-{id:06}"), "Token": format!("tok-{id:06}"),
            })
        };
        State {
            users: vec![
                SimUser {
                    id: KEY_ONLY_USER_ID,
                    user_name: "svc-automation".into(),
                    name: "Automation Service",
                    email: "automation@example.local",
                },
                SimUser {
                    id: RUNAS_USER_ID,
                    user_name: DEFAULT_RUNAS.into(),
                    name: "John Doe",
                    email: "john.doe@example.local",
                },
                SimUser {
                    id: OAUTH_USER_ID,
                    user_name: "oauth-client".into(),
                    name: "OAuth Client",
                    email: "oauth@example.local",
                },
            ],
            accounts: vec![
                account(1, "web01.example.local", 10, "svc-web", true, true),
                account(1, "web01.example.local", 11, "Administrator", false, true),
                account(2, "db01.example.local", 20, "sa", true, true),
                account(2, "db01.example.local", 21, "oracle", true, false),
                account(3, "linux01.example.local", 30, "root", true, true),
            ],
            sessions: vec![
                session(
                    501,
                    7,
                    2,
                    0,
                    "web01.example.local",
                    Some(1),
                    Some((10, "svc-web")),
                    "2025-01-06T09:00:00",
                    Some("2025-01-06T09:42:10"),
                    2530,
                ),
                session(
                    502,
                    7,
                    1,
                    1,
                    "linux01.example.local",
                    Some(3),
                    Some((30, "root")),
                    "2025-01-06T10:15:00",
                    None,
                    0,
                ),
                session(
                    503,
                    9,
                    1,
                    0,
                    "db01.example.local",
                    Some(2),
                    Some((20, "sa")),
                    "2025-01-06T10:20:00",
                    None,
                    0,
                ),
                session(
                    504,
                    7,
                    5,
                    0,
                    "web01.example.local",
                    Some(1),
                    Some((11, "Administrator")),
                    "2025-01-05T16:00:00",
                    Some("2025-01-05T16:05:00"),
                    300,
                ),
                session(
                    505,
                    9,
                    9,
                    0,
                    "fileserver.example.local",
                    None,
                    None,
                    "2025-01-05T12:00:00",
                    Some("2025-01-05T12:30:00"),
                    1800,
                ),
            ],
            requests: Vec::new(),
            auth_sessions: HashMap::new(),
            tokens: HashMap::new(),
            prng: Prng::new(seed),
            next_request_id: 100,
            next_session_id: 1001,
            sign_ins: 0,
        }
    }

    /// A fresh random token (cookies, OAuth tokens, tickets): 32 hex digits.
    fn token(&mut self) -> String {
        let (a, b) = (self.prng.next_u64(), self.prng.next_u64());
        format!("{a:016x}{b:016x}")
    }

    fn user(&self, id: u64) -> Option<&SimUser> {
        self.users.iter().find(|u| u.id == id)
    }

    fn user_json(&self, id: u64) -> Value {
        match self.user(id) {
            Some(u) => {
                json!({"UserId": u.id, "UserName": u.user_name, "Name": u.name, "EmailAddress": u.email})
            }
            None => json!({"UserId": id}),
        }
    }

    fn account(&self, system_id: u64, account_id: u64) -> Option<&SimAccount> {
        self.accounts
            .iter()
            .find(|a| a.system_id == system_id && a.account_id == account_id)
    }

    fn account_json(a: &SimAccount) -> Value {
        json!({
            "PlatformID": a.platform_id, "SystemId": a.system_id, "SystemName": a.system_name,
            "DomainName": a.domain_name, "AccountId": a.account_id, "AccountName": a.account_name,
            "InstanceName": "", "DefaultReleaseDuration": 120, "MaximumReleaseDuration": 525600,
            "LastChangeDate": "2025-01-01T00:00:00", "NextChangeDate": "2025-02-01T00:00:00",
            "IsChanging": false, "IsISAAccess": a.auto_approve, "PreferredNodeID": "node-sim-1",
        })
    }

    fn request_json(&self, r: &SimRequest) -> Value {
        let account = self.account(r.system_id, r.account_id);
        json!({
            "RequestID": r.id, "SystemID": r.system_id,
            "SystemName": account.map(|a| a.system_name), "AccountID": r.account_id,
            "AccountName": account.map(|a| a.account_name),
            "DomainName": account.and_then(|a| a.domain_name), "AliasID": null,
            "ApplicationID": r.application_id, "RequestReleaseDate": "2025-01-06T12:00:00",
            "ApprovedDate": if r.approved { json!("2025-01-06T12:00:05") } else { Value::Null },
            "ExpiresDate": "2025-01-06T14:00:00", "Status": r.status, "AccessType": r.access_type,
            "Reason": r.reason, "DurationMinutes": r.duration_minutes,
        })
    }
}

struct Responder {
    /// The kit while the simulator lives (see [`SimulatorBuilder::serve`]).
    gate: Arc<Mutex<Option<Kit>>>,
    state: Arc<Mutex<State>>,
    config: Arc<SimulatorBuilder>,
}

/// A JSON string body, as Password Safe answers errors.
fn text(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        serde_json::to_vec(message).unwrap_or_default(),
        "application/json; charset=utf-8",
    )
}

fn json_body(status: u16, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(
        serde_json::to_vec(body).unwrap_or_default(),
        "application/json; charset=utf-8",
    )
}

fn not_permitted() -> ResponseTemplate {
    text(403, "4031 - User does not have permission.")
}

fn unauthorized() -> ResponseTemplate {
    text(401, "User not authenticated")
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

fn is_json(request: &wiremock::Request) -> bool {
    header(request, "content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"))
}

fn body_json(
    request: &wiremock::Request,
) -> Result<serde_json::Map<String, Value>, ResponseTemplate> {
    if !is_json(request) {
        return Err(text(415, "The request body must be application/json."));
    }
    match serde_json::from_slice::<Value>(&request.body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(text(400, "The request body is not a JSON object.")),
    }
}

/// A field of a JSON body, matched case-insensitively as the server's model binder does.
fn field<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
        .filter(|v| !v.is_null())
}

fn field_str<'a>(body: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a str> {
    field(body, name).and_then(Value::as_str)
}

fn field_u64(body: &serde_json::Map<String, Value>, name: &str) -> Option<u64> {
    field(body, name).and_then(Value::as_u64)
}

fn cookie_value(request: &wiremock::Request) -> Option<String> {
    request
        .headers
        .get_all("cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The parts of a `PS-Auth` header, as the simulator reads them; see [`parse_ps_auth`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PsAuthHeader {
    /// `key=…`, trimmed.
    pub key: Option<String>,
    /// `runas=…`, trimmed.
    pub runas: Option<String>,
    /// `pwd=[…]`, exactly as between the brackets.
    pub pwd: Option<String>,
    /// `challenge=…`, trimmed.
    pub challenge: Option<String>,
}

/// Parses `PS-Auth key=…; runas=…; pwd=[…]; challenge=…;` the way the simulator does,
/// strictly: known names only, each once, `pwd` bracketed (up to the first `];`), pairs
/// separated by `;`; `None` when the header is not a well-formed `PS-Auth` value with a
/// key. Public so tests can check what a client put on the wire.
///
/// ```
/// use beyondtrust_sessions_client::sim::parse_ps_auth;
///
/// let parts = parse_ps_auth(r"PS-Auth key=abc; runas=dom\u; pwd=[ p;w ];").unwrap();
/// assert_eq!(parts.key.as_deref(), Some("abc"));
/// assert_eq!(parts.runas.as_deref(), Some(r"dom\u"));
/// assert_eq!(parts.pwd.as_deref(), Some(" p;w "));
/// assert!(parse_ps_auth("PS-Auth key=abc; user=x;").is_none());
/// ```
pub fn parse_ps_auth(value: &str) -> Option<PsAuthHeader> {
    let mut rest = value.strip_prefix("PS-Auth ")?;
    let mut parsed = PsAuthHeader::default();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (name, after) = rest.split_once('=')?;
        let name = name.trim();
        let (val, remaining) = if name == "pwd" {
            let inner = after.strip_prefix('[')?;
            match inner.find("];") {
                Some(end) => (&inner[..end], &inner[end + 2..]),
                None => (inner.strip_suffix(']')?, ""),
            }
        } else {
            match after.find(';') {
                Some(end) => (&after[..end], &after[end + 1..]),
                None => (after, ""),
            }
        };
        let slot = match name {
            "key" => &mut parsed.key,
            "runas" => &mut parsed.runas,
            "pwd" => &mut parsed.pwd,
            "challenge" => &mut parsed.challenge,
            _ => return None,
        };
        if slot.is_some() || val.trim().is_empty() {
            return None;
        }
        // A password is taken exactly as written between its brackets.
        *slot = Some(if name == "pwd" {
            val.to_owned()
        } else {
            val.trim().to_owned()
        });
        rest = remaining;
    }
    parsed.key.is_some().then_some(parsed)
}

/// Parses an `application/x-www-form-urlencoded` body the way the simulator's token
/// endpoint does: `&`-separated `name=value` pairs, `+` as a space, percent-escapes
/// decoded; every pair in order (a repeated name appears twice). Public so tests can
/// check what a client put on the wire.
///
/// ```
/// use beyondtrust_sessions_client::sim::parse_form;
///
/// assert_eq!(
///     parse_form(b"client_id=a%26b&client_secret=c+d%3D"),
///     vec![("client_id".to_owned(), "a&b".to_owned()), ("client_secret".to_owned(), "c d=".to_owned())]
/// );
/// ```
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .map(|(k, v)| {
            let decode = |s: &str| crate::models::percent_decode(&s.replace('+', " "));
            (decode(k), decode(v))
        })
        .collect()
}

impl Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let Some(kit) = lock(&self.gate).clone() else {
            return text(503, "The simulator has stopped.");
        };
        // The kit records the request, then an injected fault or chaos may answer it.
        let delay = match kit.gate(request) {
            Gate::Pass { delay } => delay,
            Gate::Fail { delay } => {
                return text(503, "Service Unavailable")
                    .insert_header("Retry-After", "1")
                    .set_delay(delay);
            }
            Gate::Fault(Fault::Delay(delay)) => delay,
            Gate::Fault(Fault::Status {
                status,
                retry_after,
            }) => {
                let response = text(status, "Simulated failure");
                return match retry_after {
                    Some(after) => response.insert_header("Retry-After", after.as_str()),
                    None => response,
                };
            }
            Gate::Fault(other) => return other.response(),
        };
        let response = self.route(&mut lock(&self.state), request);
        if delay.is_zero() {
            response
        } else {
            response.set_delay(delay)
        }
    }
}

impl Responder {
    fn route(&self, state: &mut State, request: &wiremock::Request) -> ResponseTemplate {
        let prefix = format!("/{API_PATH}");
        let path = request.url.path();
        let Some(rest) = path
            .get(..prefix.len())
            .filter(|p| p.eq_ignore_ascii_case(&prefix))
            .map(|_| &path[prefix.len()..])
        else {
            return ResponseTemplate::new(404).set_body_raw(
                "<html><head><title>404 - File or directory not found.</title></head></html>",
                "text/html",
            );
        };
        let segments: Vec<String> = rest
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| crate::models::percent_decode(s).to_ascii_lowercase())
            .collect();
        let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
        let method = request.method.as_str();
        // Endpoints that do not need a session.
        match (method, segs.as_slice()) {
            ("POST", ["auth", "signappin"]) => return self.sign_in(state, request),
            ("POST", ["auth", "connect", "token"]) => return self.token(state, request),
            _ => {}
        }
        let Some(user_id) = self.session_user(state, request) else {
            return unauthorized();
        };
        let query: HashMap<String, String> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.into_owned()))
            .collect();
        match (method, segs.as_slice()) {
            ("POST", ["auth", "signout"]) => {
                if let Some(cookie) = cookie_value(request) {
                    state.auth_sessions.remove(&cookie);
                }
                ResponseTemplate::new(200)
            }
            ("GET", ["managedaccounts"]) => self.managed_accounts(state, user_id, &query),
            ("POST", ["requests"]) => self.create_request(state, user_id, request),
            ("GET", ["requests"]) => {
                let filter = query.get("status").map(|s| s.to_ascii_lowercase());
                let list: Vec<Value> = state
                    .requests
                    .iter()
                    .filter(|r| r.user_id == user_id)
                    .filter(|r| match filter.as_deref() {
                        None | Some("all") => true,
                        Some("active") => r.status == "Active",
                        Some("pending") => r.status == "Pending",
                        Some(_) => false,
                    })
                    .map(|r| state.request_json(r))
                    .collect();
                match filter.as_deref() {
                    None | Some("all" | "active" | "pending") => {
                        json_body(200, &Value::Array(list))
                    }
                    Some(_) => text(400, "Invalid status; expected all, active or pending."),
                }
            }
            ("PUT", ["requests", id, "checkin"]) => self.checkin(state, user_id, id, request),
            ("GET", ["credentials", id]) => self.credentials(state, user_id, id, &query),
            ("GET", ["sessions"]) => list_sessions(state, &query),
            ("GET", ["sessions", id]) => match id.parse::<u64>() {
                Ok(id) => match state.sessions.iter().find(|s| s["SessionID"] == id) {
                    Some(session) => json_body(200, session),
                    None => text(404, "Session not found."),
                },
                Err(_) => text(400, "The session id is not a number."),
            },
            ("POST", ["requests", id, "sessions"]) => {
                self.create_session(state, user_id, id, request)
            }
            ("POST", ["sessions", "admin"]) => self.admin_session(state, user_id, request),
            ("POST", ["sessions", id, action @ ("lock" | "terminate")]) => {
                let Ok(id) = id.parse::<u64>() else {
                    return text(400, "The session id is not a number.");
                };
                match state.sessions.iter_mut().find(|s| s["SessionID"] == id) {
                    Some(session) => {
                        session["Status"] = json!(if *action == "lock" { 5 } else { 7 });
                        if *action == "terminate" {
                            session["EndTime"] = json!("2025-01-06T13:00:00");
                        }
                        ResponseTemplate::new(204)
                    }
                    None => text(404, "Session not found."),
                }
            }
            _ => text(
                404,
                "No HTTP resource was found that matches the request URI.",
            ),
        }
    }

    fn session_user(&self, state: &mut State, request: &wiremock::Request) -> Option<u64> {
        let cookie = cookie_value(request)?;
        let idle = self.config.idle_timeout;
        let session = state.auth_sessions.get_mut(&cookie)?;
        if session.pending_two_factor {
            return None;
        }
        if session.last_seen.elapsed() > idle {
            state.auth_sessions.remove(&cookie);
            return None;
        }
        session.last_seen = Instant::now();
        Some(session.user_id)
    }

    fn open_session(&self, state: &mut State, user_id: u64, pending: bool) -> String {
        let cookie = state.token();
        state.auth_sessions.insert(
            cookie.clone(),
            AuthSession {
                user_id,
                last_seen: Instant::now(),
                pending_two_factor: pending,
            },
        );
        cookie
    }

    fn signed_in(
        &self,
        state: &mut State,
        user_id: u64,
        cookie: Option<String>,
    ) -> ResponseTemplate {
        state.sign_ins += 1;
        let mut response = json_body(200, &state.user_json(user_id));
        if let Some(cookie) = cookie {
            response = response.append_header(
                "Set-Cookie",
                format!("{SESSION_COOKIE}={cookie}; path=/; HttpOnly; SameSite=Lax").as_str(),
            );
        }
        response
    }

    fn sign_in(&self, state: &mut State, request: &wiremock::Request) -> ResponseTemplate {
        let Some(authorization) = header(request, "authorization") else {
            return unauthorized();
        };
        if let Some(token) = authorization.strip_prefix("Bearer ") {
            let valid = state
                .tokens
                .get(token)
                .is_some_and(|expires| Instant::now() < *expires);
            if !valid {
                return unauthorized();
            }
            let cookie = self.open_session(state, OAUTH_USER_ID, false);
            return self.signed_in(state, OAUTH_USER_ID, Some(cookie));
        }
        let Some(auth) = parse_ps_auth(authorization) else {
            return unauthorized();
        };
        if auth.key.as_deref() != Some(self.config.api_key.as_str()) {
            return unauthorized();
        }
        let Some(runas) = &auth.runas else {
            if auth.pwd.is_some() || auth.challenge.is_some() {
                return unauthorized();
            }
            let cookie = self.open_session(state, KEY_ONLY_USER_ID, false);
            return self.signed_in(state, KEY_ONLY_USER_ID, Some(cookie));
        };
        if !runas.eq_ignore_ascii_case(&self.config.runas) {
            return unauthorized();
        }
        if let Some(required) = &self.config.password
            && auth.pwd.as_deref() != Some(required.as_str())
        {
            return unauthorized();
        }
        let Some(code) = &self.config.two_factor_code else {
            if auth.challenge.is_some() {
                return unauthorized();
            }
            let cookie = self.open_session(state, RUNAS_USER_ID, false);
            return self.signed_in(state, RUNAS_USER_ID, Some(cookie));
        };
        match &auth.challenge {
            None => {
                let cookie = self.open_session(state, RUNAS_USER_ID, true);
                unauthorized()
                    .insert_header(
                        crate::error::TWO_FACTOR_HEADER,
                        "Enter the code from your authenticator app",
                    )
                    .append_header(
                        "Set-Cookie",
                        format!("{SESSION_COOKIE}={cookie}; path=/; HttpOnly; SameSite=Lax")
                            .as_str(),
                    )
            }
            Some(challenge) => {
                let pending = cookie_value(request).filter(|c| {
                    state
                        .auth_sessions
                        .get(c)
                        .is_some_and(|s| s.pending_two_factor && s.user_id == RUNAS_USER_ID)
                });
                let Some(cookie) = pending else {
                    return unauthorized();
                };
                if challenge != code {
                    state.auth_sessions.remove(&cookie);
                    return unauthorized();
                }
                if let Some(session) = state.auth_sessions.get_mut(&cookie) {
                    session.pending_two_factor = false;
                    session.last_seen = Instant::now();
                }
                self.signed_in(state, RUNAS_USER_ID, None)
            }
        }
    }

    fn token(&self, state: &mut State, request: &wiremock::Request) -> ResponseTemplate {
        let form_type = header(request, "content-type")
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        if !form_type {
            return json_body(400, &json!({"error": "invalid_request"}));
        }
        let pairs = parse_form(&request.body);
        let mut form: HashMap<String, String> = HashMap::new();
        for (name, value) in pairs {
            // A parameter sent twice is refused, as OAuth servers do (RFC 6749 3.1).
            if form.insert(name, value).is_some() {
                return json_body(400, &json!({"error": "invalid_request"}));
            }
        }
        if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return json_body(400, &json!({"error": "unsupported_grant_type"}));
        }
        if form.get("client_id") != Some(&self.config.oauth_client_id)
            || form.get("client_secret") != Some(&self.config.oauth_client_secret)
        {
            return json_body(400, &json!({"error": "invalid_client"}));
        }
        let token = state.token();
        state
            .tokens
            .insert(token.clone(), Instant::now() + Duration::from_secs(3600));
        json_body(
            200,
            &json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer", "scope": "publicapi"}),
        )
    }

    /// `GET ManagedAccounts`: `systemName`, `accountName` and `type` are independent
    /// optional filters, as the vendor documents them. With both names the answer is the
    /// one account as an object (404 when none matches); otherwise a list.
    fn managed_accounts(
        &self,
        state: &mut State,
        user_id: u64,
        query: &HashMap<String, String>,
    ) -> ResponseTemplate {
        let kind = match query.get("type").map(|t| t.to_ascii_lowercase()) {
            None => None,
            Some(t) if ACCOUNT_TYPES.contains(&t.as_str()) => Some(t),
            Some(_) => {
                return text(
                    400,
                    "type must be system, recent, domainlinked, database, cloud or application.",
                );
            }
        };
        let system = query.get("systemname");
        let account = query.get("accountname");
        let recent: Vec<(u64, u64)> = state
            .requests
            .iter()
            .filter(|r| r.user_id == user_id)
            .map(|r| (r.system_id, r.account_id))
            .collect();
        let matching: Vec<&SimAccount> = state
            .accounts
            .iter()
            .filter(|a| a.permitted)
            .filter(|a| system.is_none_or(|s| a.system_name.eq_ignore_ascii_case(s)))
            .filter(|a| account.is_none_or(|n| a.account_name.eq_ignore_ascii_case(n)))
            .filter(|a| match kind.as_deref() {
                None => true,
                Some("recent") => recent.contains(&(a.system_id, a.account_id)),
                Some(kind) => a.kind == kind,
            })
            .collect();
        if system.is_some() && account.is_some() {
            return match matching.first() {
                Some(a) => json_body(200, &State::account_json(a)),
                None => text(404, "Managed account not found."),
            };
        }
        json_body(
            200,
            &Value::Array(matching.into_iter().map(State::account_json).collect()),
        )
    }

    fn create_request(
        &self,
        state: &mut State,
        user_id: u64,
        request: &wiremock::Request,
    ) -> ResponseTemplate {
        let body = match body_json(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        // Optional, as the vendor documents it: without it the request is for View.
        let access_type = match field(&body, "AccessType") {
            Some(Value::String(t)) => match ["View", "RDP", "SSH", "App"]
                .iter()
                .find(|k| k.eq_ignore_ascii_case(t))
            {
                Some(known) => (*known).to_owned(),
                None => return text(400, "AccessType must be View, RDP, SSH or App."),
            },
            Some(_) => return text(400, "AccessType must be View, RDP, SSH or App."),
            None => "View".to_owned(),
        };
        let (Some(system_id), Some(account_id)) =
            (field_u64(&body, "SystemID"), field_u64(&body, "AccountID"))
        else {
            return text(400, "SystemID and AccountID are required.");
        };
        let duration = match field(&body, "DurationMinutes").map(Value::as_u64) {
            Some(Some(minutes)) if (1..=525_600).contains(&minutes) => minutes,
            Some(_) => return text(400, "DurationMinutes must be between 1 and 525600."),
            None => return text(400, "DurationMinutes is required."),
        };
        let application_id = field_u64(&body, "ApplicationID");
        if access_type == "App" && application_id.is_none() {
            return text(400, "ApplicationID is required for App access.");
        }
        let Some(account) = state.account(system_id, account_id) else {
            return not_permitted();
        };
        if !account.permitted {
            return not_permitted();
        }
        let auto_approve = account.auto_approve;
        let conflict_option = field_str(&body, "ConflictOption").map(str::to_ascii_lowercase);
        if let Some(option) = &conflict_option
            && option != "reuse"
            && option != "renew"
        {
            return text(400, "ConflictOption must be reuse or renew.");
        }
        let existing = state.requests.iter_mut().find(|r| {
            r.user_id == user_id
                && r.account_id == account_id
                && r.system_id == system_id
                && matches!(r.status, "Pending" | "Active")
        });
        if let Some(existing) = existing {
            match conflict_option.as_deref() {
                Some("reuse") => {
                    return json_body(201, &json!(existing.id));
                }
                Some("renew") => existing.status = "Expired",
                _ => return text(409, "4091 - Conflicting request exists"),
            }
        }
        let id = state.next_request_id;
        state.next_request_id += 1;
        state.requests.push(SimRequest {
            id,
            user_id,
            system_id,
            account_id,
            access_type,
            application_id,
            duration_minutes: duration,
            reason: field_str(&body, "Reason").map(str::to_owned),
            status: if auto_approve { "Active" } else { "Pending" },
            approved: auto_approve,
        });
        json_body(201, &json!(id))
    }

    /// The caller's request `id`, or the response refusing it.
    fn owned_request<'a>(
        state: &'a mut State,
        user_id: u64,
        id: &str,
    ) -> Result<&'a mut SimRequest, ResponseTemplate> {
        let Ok(id) = id.parse::<u64>() else {
            return Err(text(400, "The request id is not a number."));
        };
        state
            .requests
            .iter_mut()
            .find(|r| r.id == id && r.user_id == user_id)
            .ok_or_else(not_permitted)
    }

    fn checkin(
        &self,
        state: &mut State,
        user_id: u64,
        id: &str,
        request: &wiremock::Request,
    ) -> ResponseTemplate {
        if !request.body.is_empty()
            && let Err(response) = body_json(request)
        {
            return response;
        }
        match Self::owned_request(state, user_id, id) {
            Ok(r) if matches!(r.status, "Active" | "Pending") => {
                r.status = "Expired";
                ResponseTemplate::new(204)
            }
            Ok(_) => not_permitted(),
            Err(response) => response,
        }
    }

    fn credentials(
        &self,
        state: &mut State,
        user_id: u64,
        id: &str,
        query: &HashMap<String, String>,
    ) -> ResponseTemplate {
        let kind = query.get("type").map(|t| t.to_ascii_lowercase());
        if !matches!(
            kind.as_deref(),
            None | Some("password" | "dsskey" | "passphrase")
        ) {
            return text(400, "type must be password, dsskey or passphrase.");
        }
        let (system_id, account_id) = match Self::owned_request(state, user_id, id) {
            Ok(r) if r.status == "Pending" => {
                return text(403, "4034 - Request is not yet approved.");
            }
            Ok(r) if r.status != "Active" || r.access_type != "View" => return not_permitted(),
            Ok(r) => (r.system_id, r.account_id),
            Err(response) => return response,
        };
        let Some(account) = state.account(system_id, account_id) else {
            return not_permitted();
        };
        let secret = match kind.as_deref() {
            None | Some("password") => account.password.clone(),
            Some(_) => match account.ssh_key {
                Some(key) if kind.as_deref() == Some("dsskey") => key.to_owned(),
                Some(_) => format!("passphrase-{}", account.account_id),
                None => return text(404, "The account has no SSH key."),
            },
        };
        json_body(200, &json!(secret))
    }

    fn create_session(
        &self,
        state: &mut State,
        user_id: u64,
        id: &str,
        request: &wiremock::Request,
    ) -> ResponseTemplate {
        let body = match body_json(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let Some(session_type) = field_str(&body, "SessionType").and_then(known_session_type)
        else {
            return text(
                400,
                "SessionType must be SSH, sshticket, RDP, rdpticket, rdpfile, app or appfile.",
            );
        };
        let node_id = field_str(&body, "NodeID").map(str::to_owned);
        let (system_id, account_id, access_type) = match Self::owned_request(state, user_id, id) {
            Ok(r) if r.status == "Pending" => {
                return text(403, "4034 - Request is not yet approved.");
            }
            Ok(r) if r.status != "Active" => return not_permitted(),
            Ok(r) => (r.system_id, r.account_id, r.access_type.clone()),
            Err(response) => return response,
        };
        let needed = match session_type {
            "SSH" | "sshticket" => "SSH",
            "RDP" | "rdpticket" | "rdpfile" => "RDP",
            _ => "App",
        };
        if access_type != needed {
            return text(
                400,
                &format!(
                    "SessionType {session_type} does not match the request's access type {access_type}."
                ),
            );
        }
        let (asset, account_name) = match state.account(system_id, account_id) {
            Some(a) => (a.system_name.to_owned(), a.account_name.to_owned()),
            None => return not_permitted(),
        };
        self.new_session(
            state,
            user_id,
            session_type,
            node_id,
            &asset,
            Some((system_id, account_id, &account_name)),
        )
    }

    fn admin_session(
        &self,
        state: &mut State,
        user_id: u64,
        request: &wiremock::Request,
    ) -> ResponseTemplate {
        let body = match body_json(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let Some(session_type) = field_str(&body, "SessionType")
            .and_then(known_session_type)
            .filter(|t| matches!(*t, "SSH" | "sshticket" | "RDP" | "rdpticket" | "rdpfile"))
        else {
            return text(
                400,
                "SessionType must be SSH, sshticket, RDP, rdpticket or rdpfile.",
            );
        };
        let checks: [(&str, usize, bool); 4] = [
            ("HostName", 128, true),
            ("UserName", 200, true),
            ("DomainName", 50, false),
            ("Resolution", 50, false),
        ];
        for (name, max, required) in checks {
            match field_str(&body, name) {
                None | Some("") if required => return text(400, &format!("{name} is required.")),
                Some(v) if v.chars().count() > max => {
                    return text(400, &format!("{name} must be at most {max} characters."));
                }
                _ => {}
            }
        }
        if field_str(&body, "Password").is_none_or(str::is_empty) {
            return text(400, "Password is required.");
        }
        let host = field_str(&body, "HostName").unwrap_or_default().to_owned();
        let node_id = field_str(&body, "NodeID").map(str::to_owned);
        self.new_session(state, user_id, session_type, node_id, &host, None)
    }

    fn new_session(
        &self,
        state: &mut State,
        user_id: u64,
        session_type: &str,
        node_id: Option<String>,
        asset: &str,
        account: Option<(u64, u64, &str)>,
    ) -> ResponseTemplate {
        let session_id = state.next_session_id;
        state.next_session_id += 1;
        let ssh = matches!(session_type, "SSH" | "sshticket");
        let node = node_id.unwrap_or_else(|| "node-sim-1".into());
        state.sessions.push(json!({
            "SessionID": session_id, "UserID": user_id, "NodeID": node, "Status": 1,
            "ArchiveStatus": 0, "Protocol": if ssh { 1 } else { 0 },
            "StartTime": format!("2025-01-06T12:{:02}:00", session_id % 60), "EndTime": null,
            "Duration": 0, "AssetName": asset, "ManagedSystemID": account.map(|a| a.0),
            "ManagedAccountID": account.map(|a| a.1), "ManagedAccountName": account.map(|a| a.2),
            "RecordKey": format!("rk-{session_id:06}"), "Token": format!("tok-{session_id:06}"),
        }));
        let ticket = state.token();
        let host = "pam-proxy.example.local";
        let port = if ssh { "4422" } else { "4489" };
        if matches!(session_type, "rdpfile" | "appfile") {
            let user = account.map(|a| a.2).unwrap_or("admin");
            let file_name = format!("{}-{}.rdp", asset, user).replace(['\\', '/', '"'], "_");
            let mut lines = vec![
                "screen mode id:i:2".to_owned(),
                "session bpp:i:32".to_owned(),
                format!("full address:s:{host}:{port}"),
                format!("username:s:{ticket}"),
                "prompt for credentials:i:0".to_owned(),
                "authentication level:i:0".to_owned(),
            ];
            if session_type == "appfile" {
                lines.push("remoteapplicationmode:i:1".to_owned());
            }
            let body = lines.join("\r\n") + "\r\n";
            return ResponseTemplate::new(201)
                .set_body_raw(body, "application/x-rdp")
                .insert_header(
                    "Content-Disposition",
                    format!("attachment; filename=\"{file_name}\"").as_str(),
                );
        }
        let scheme = if ssh { "ssh" } else { "rdp" };
        let mut body = json!({
            "ID": format!("sess-{session_id}"), "Ticket": ticket, "Host": host, "Port": port,
            "SessionID": session_id, "NodeID": node,
        });
        if ssh || session_type == "app" {
            body["TicketAtHost"] = json!(format!("{ticket}@{host}"));
            body["Link"] = json!(format!("{scheme}://{ticket}@{host}:{port}"));
            body["Command"] = json!(format!("ssh {ticket}@{host} -p {port}"));
        }
        json_body(201, &body)
    }
}

fn known_session_type(value: &str) -> Option<&'static str> {
    [
        "SSH",
        "sshticket",
        "RDP",
        "rdpticket",
        "rdpfile",
        "app",
        "appfile",
    ]
    .into_iter()
    .find(|k| k.eq_ignore_ascii_case(value))
}

fn list_sessions(state: &State, query: &HashMap<String, String>) -> ResponseTemplate {
    let statuses: Option<Vec<i64>> = match query.get("status") {
        None => None,
        Some(list) => {
            let parsed: Result<Vec<i64>, _> = list.split(',').map(|s| s.trim().parse()).collect();
            match parsed {
                Ok(codes) => Some(codes),
                Err(_) => return text(400, "status must be a comma-separated list of numbers."),
            }
        }
    };
    let user: Option<u64> = match query.get("userid") {
        None => None,
        Some(id) => match id.parse() {
            Ok(id) => Some(id),
            Err(_) => return text(400, "userID must be a number."),
        },
    };
    let list: Vec<Value> = state
        .sessions
        .iter()
        .filter(|s| {
            statuses
                .as_ref()
                .is_none_or(|codes| s["Status"].as_i64().is_some_and(|c| codes.contains(&c)))
        })
        .filter(|s| user.is_none_or(|u| s["UserID"] == u))
        .take(100_000)
        .cloned()
        .collect();
    json_body(200, &Value::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ps_auth_parsing_is_strict() {
        let p = parse_ps_auth(r"PS-Auth key=abc; runas=dom\u; pwd=[p;w]; challenge=1;").unwrap();
        assert_eq!(p.key.as_deref(), Some("abc"));
        assert_eq!(p.runas.as_deref(), Some(r"dom\u"));
        assert_eq!(p.pwd.as_deref(), Some("p;w"));
        assert_eq!(p.challenge.as_deref(), Some("1"));
        assert!(parse_ps_auth("PS-Auth key=abc").is_some());
        assert!(parse_ps_auth("PS-Auth key=abc;").is_some());
        assert!(parse_ps_auth("PS-Auth key=abc; pwd=nobrackets;").is_none());
        assert!(parse_ps_auth("PS-Auth key=abc; key=def;").is_none());
        assert!(parse_ps_auth("PS-Auth key=abc; user=x;").is_none());
        assert!(parse_ps_auth("PS-Auth runas=x;").is_none());
        assert!(parse_ps_auth("Basic abc").is_none());
        assert!(parse_ps_auth("PS-Auth key=;").is_none());
    }
}
