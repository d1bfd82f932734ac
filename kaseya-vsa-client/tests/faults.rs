//! Faults suite (issue 12): the simulator at a 30% fault rate (chaos: `503` with
//! `Retry-After: 1`, what IIS answers when the application pool is overloaded) plus
//! injected connection resets, `429`, `503`, `500`, proxy HTML `502` pages, delays and
//! invalidated tokens:
//!
//! - a full read listing of the main list call (`agents().list()`: page by page, with
//!   pages in flight, filtered and ordered, from an offset) and of organizations delivers
//!   every record exactly once, every time;
//! - every write (running an agent procedure, closing an alarm) is acted on by the
//!   simulator exactly once when the call says `Ok` and not at all when it reports an
//!   error, and is received exactly once — twice only when the first answer was a `429`
//!   or a `401` (the server did not act; the only answers a write is re-sent after);
//! - two loopback servers: the same-origin `301` to the trailing-slash path keeps the
//!   bearer token, and a client whose server redirects (301/302/303/307/308) the sign-in,
//!   reads or writes to another origin sends **nothing** there — no `Authorization`, no
//!   body; a write is never re-sent by a redirect, not even to its own origin.
//!
//! `MSP_SUITE_SCALE` (a multiplier, default 1) scales the number of listings and writes:
//!
//! ```text
//! cargo test -p kaseya-vsa-client --all-features --test faults -- --nocapture
//! MSP_SUITE_SCALE=10 cargo test -p kaseya-vsa-client --all-features --test faults -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId, AlarmId};
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::sim::{Chaos, Fault, Received, Simulator};
use kaseya_vsa_client::{Client, Error, Listing, Raw, RetryPolicy};
use msp_common::retry::ManualClock;
use serde_json::{Value, json};
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `MSP_SUITE_SCALE`, as a count.
fn scale() -> usize {
    msp_common::sim::suite::scale() as usize
}

/// A client that retries patiently, on a manual clock (no real waiting).
fn patient(sim: &Simulator) -> Client {
    sim.client_builder()
        .retry_policy(RetryPolicy::default().with_max_attempts(12))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap()
}

fn exactly_once(name: &str, got: Vec<String>, expected: &BTreeSet<String>) -> usize {
    let unique: BTreeSet<String> = got.iter().cloned().collect();
    assert_eq!(got.len(), unique.len(), "{name}: a record came twice");
    assert_eq!(&unique, expected, "{name}: a record is missing or extra");
    got.len()
}

fn ids(records: &[Value], key: &str) -> BTreeSet<String> {
    records
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_every_record_arrives_exactly_once() {
    let sim = Simulator::builder().agents(600).start().await;
    let client = patient(&sim);
    let seeded = sim.agents();
    let all = ids(&seeded, "AgentId");
    let linux: BTreeSet<String> = ids(
        &seeded
            .iter()
            .filter(|a| a["OSType"] == "Linux")
            .cloned()
            .collect::<Vec<_>>(),
        "AgentId",
    );
    let mut by_name: Vec<&Value> = seeded.iter().collect();
    by_name.sort_by_key(|a| a["AgentName"].as_str().unwrap().to_owned());
    let after_150: BTreeSet<String> = by_name[150..]
        .iter()
        .map(|a| a["AgentId"].as_str().unwrap().to_owned())
        .collect();
    let orgs = client.orgs().list().collect().await.unwrap().len();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(12));
    let rounds = 4 * scale();
    let (mut listings, mut records) = (0, 0);
    let agent_id = |a: &kaseya_vsa_client::models::Agent| a.agent_id.as_str().to_owned();
    for n in 0..rounds {
        match n % 4 {
            0 => sim.inject(Fault::Reset, 2).await,
            1 => sim.inject(Fault::too_many_requests(1), 2).await,
            2 => sim.inject(Fault::unavailable(), 2).await,
            _ => sim.inject(Fault::Html { status: 502 }, 2).await,
        }
        if n % 4 == 1 {
            // Every call in flight meets a refused token: one re-sign-in, no record lost.
            sim.invalidate_tokens();
        }
        let paged = client.agents().list().collect().await.unwrap();
        records += exactly_once("paged", paged.iter().map(agent_id).collect(), &all);
        let in_flight = client
            .agents()
            .list()
            .page_size(50)
            .pages_in_flight(4)
            .collect()
            .await
            .unwrap();
        records += exactly_once(
            "pages in flight",
            in_flight.iter().map(agent_id).collect(),
            &all,
        );
        let filtered = client
            .agents()
            .list()
            .filter(agents::OS_TYPE.eq("Linux"))
            .page_size(25)
            .pages_in_flight(3)
            .collect()
            .await
            .unwrap();
        records += exactly_once("filtered", filtered.iter().map(agent_id).collect(), &linux);
        let skipped = client
            .agents()
            .list()
            .order_by(agents::AGENT_NAME.asc())
            .skip(150)
            .page_size(40)
            .collect()
            .await
            .unwrap();
        records += exactly_once(
            "ordered from an offset",
            skipped.iter().map(agent_id).collect(),
            &after_150,
        );
        let listed = client.orgs().list().collect().await.unwrap();
        assert_eq!(listed.len(), orgs, "organizations");
        records += listed.len();
        listings += 5;
    }
    let received = sim.received_count();
    println!(
        "faults (reads): {listings} listings (paged, pages in flight, filtered, ordered from an offset, organizations) at a 30% fault rate plus resets/429/503/502 and refused tokens: {records} records, each exactly once; {received} requests received, {} sign-ins",
        sim.auth_requests()
    );
}

/// One write of the suite: what it is, and how to see whether the simulator acted on it.
#[derive(Debug, Clone)]
enum Write {
    /// Runs a procedure on an agent (the simulator appends to the agent's history).
    RunNow(AgentId, AgentProcedureId),
    /// Closes an alarm.
    Close(AlarmId),
}

impl Write {
    async fn send(&self, client: &Client) -> Result<(), Error> {
        match self {
            Write::RunNow(agent, procedure) => {
                client.agent_procedures().run_now(agent, procedure).await
            }
            Write::Close(alarm) => client.alarms().close(alarm, "closed by the suite").await,
        }
    }

    fn path_suffix(&self) -> String {
        match self {
            Write::RunNow(agent, procedure) => format!("/{agent}/{procedure}/runnow"),
            Write::Close(alarm) => format!("/alarms/{alarm}/close"),
        }
    }

    /// How many requests of it the simulator received.
    fn received(&self, received: &[Received]) -> usize {
        let suffix = self.path_suffix();
        received
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with(&suffix))
            .count()
    }
}

/// How many history entries the simulator holds for `agent` (a run it acted on adds one).
fn runs(sim: &Simulator, agent: &AgentId) -> usize {
    sim.history(agent.as_str()).len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_no_write_is_acted_on_twice() {
    let writes = 120 * scale();
    let sim = Simulator::builder().agents(50).start().await;
    let client = patient(&sim);
    let agent_ids: Vec<AgentId> = sim
        .agents()
        .iter()
        .map(|a| AgentId::new(a["AgentId"].as_str().unwrap()).unwrap())
        .collect();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(99));
    let (mut ok, mut failed, mut resent) = (0, 0, 0);
    for n in 0..writes {
        let retried = match n % 8 {
            0 => {
                sim.inject(Fault::Reset, 1).await;
                0
            }
            1 => {
                sim.inject(Fault::too_many_requests(1), 1).await;
                1
            }
            2 => {
                sim.inject(Fault::unavailable(), 1).await;
                0
            }
            3 => {
                sim.inject(Fault::status(500), 1).await;
                0
            }
            4 => {
                sim.inject(Fault::Html { status: 502 }, 1).await;
                0
            }
            5 => {
                sim.inject(Fault::Delay(Duration::from_millis(20)), 1).await;
                0
            }
            _ => 0,
        };
        // The token in hand is refused: the write is answered 401 (not acted on), the
        // client signs in again and sends it once more.
        if n % 8 == 6 {
            client.authenticate().await.unwrap();
            sim.invalidate_tokens();
        }
        let agent = agent_ids[n % agent_ids.len()].clone();
        let write = Write::RunNow(agent.clone(), AgentProcedureId::from(1000 + (n % 5) as u64));
        let before = runs(&sim, &agent);
        sim.clear_received();
        let result = write.send(&client).await;
        let acted = runs(&sim, &agent) - before;
        let log = sim.received();
        let received = write.received(&log);
        // A token refused here (invalidated now, or earlier while the writes in between
        // met chaos before the server looked at their token) costs one re-sign-in.
        let renewed = log.iter().any(|r| r.path.ends_with("/api/v1.0/auth"));
        match &result {
            Ok(()) => {
                ok += 1;
                assert_eq!(acted, 1, "{write:?}: answered Ok, acted on {acted} times");
            }
            Err(err) => {
                failed += 1;
                assert_eq!(
                    acted, 0,
                    "{write:?}: reported as failed ({err}) but acted on"
                );
                assert!(
                    err.status().is_some_and(|s| s.is_server_error())
                        || matches!(err, Error::Transport { .. }),
                    "{write:?}: an unexpected error: {err}"
                );
            }
        }
        // Received once; a second time only after a 429 or a refused token (answers the
        // server gives without acting), and only when the first attempt met that answer
        // rather than a chaos 503.
        let most = 1 + retried + usize::from(renewed);
        assert!(
            (1..=most).contains(&received),
            "{write:?} (write {n}): received {received} times (at most {most})"
        );
        resent += received - 1;
    }
    sim.set_chaos(Chaos::none());
    println!(
        "faults (writes): {writes} procedure runs at a 30% fault rate plus resets/429/503/500/502/delays/refused tokens: {ok} acted on exactly once, {failed} reported as failed and acted on 0 times, 0 acted on twice; {resent} re-sent after a 429 or a 401 (not acted on)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_mode_leaves_each_write_received_once_or_reported() {
    let sim = Simulator::builder().agents(20).start().await;
    let client = patient(&sim);
    let agent_ids: Vec<AgentId> = sim
        .agents()
        .iter()
        .map(|a| AgentId::new(a["AgentId"].as_str().unwrap()).unwrap())
        .collect();
    let alarms: Vec<AlarmId> = client
        .alarms()
        .list(true)
        .collect()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.alarm_id)
        .collect();
    // (mode, fault, received, Ok)
    let modes: [(&str, Option<Fault>, usize, bool); 8] = [
        ("none", None, 1, true),
        ("429", Some(Fault::too_many_requests(1)), 2, true),
        ("503", Some(Fault::unavailable()), 1, false),
        ("500", Some(Fault::status(500)), 1, false),
        ("html 502", Some(Fault::Html { status: 502 }), 1, false),
        ("reset", Some(Fault::Reset), 1, false),
        (
            "delay",
            Some(Fault::Delay(Duration::from_millis(20))),
            1,
            true,
        ),
        ("refused token", None, 2, true),
    ];
    let mut checked = 0;
    let mut n = 0;
    for (mode, fault, want_received, want_ok) in modes {
        for kind in 0..4 {
            let write = if kind % 2 == 0 {
                Write::RunNow(
                    agent_ids[n % agent_ids.len()].clone(),
                    AgentProcedureId::from(1000 + (n % 5) as u64),
                )
            } else {
                Write::Close(alarms[n % alarms.len()].clone())
            };
            n += 1;
            client.authenticate().await.unwrap();
            if mode == "refused token" {
                sim.invalidate_tokens();
            }
            if let Some(fault) = fault.clone() {
                sim.inject(fault, 1).await;
            }
            let runs_before = match &write {
                Write::RunNow(agent, _) => runs(&sim, agent),
                Write::Close(_) => 0,
            };
            sim.clear_received();
            let result = write.send(&client).await;
            let received = write.received(&sim.received());
            assert_eq!(result.is_ok(), want_ok, "{mode}: {write:?}: {result:?}");
            assert_eq!(received, want_received, "{mode}: {write:?} received");
            if let Write::RunNow(agent, _) = &write {
                let acted = runs(&sim, agent) - runs_before;
                assert_eq!(acted, usize::from(want_ok), "{mode}: {write:?} acted on");
            }
            checked += 1;
        }
    }
    println!(
        "faults (modes): 8 fault modes (none, 429, 503, 500, HTML 502, reset, delay, refused token) × 4 writes (procedure runs, alarm closes): {checked} writes each received exactly as expected (once; twice only after a 429 or a 401), 0 duplicated"
    );
}

const TOKEN: &str = "90151281";

fn signed_in() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Result": {"Token": TOKEN, "UserName": "apiuser", "SessionExpiration": "2099-01-01T00:00:00Z"},
        "ResponseCode": 0, "Status": "OK", "Error": "None",
    }))
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "S3cret!"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_keep_the_token_on_the_same_origin_and_send_nothing_elsewhere() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(signed_in())
        .mount(&other)
        .await;
    let mut calls = 0;
    for status in [301u16, 302, 303, 307, 308] {
        // The sign-in redirected elsewhere.
        let server = MockServer::start().await;
        Mock::given(path("/api/v1.0/auth"))
            .respond_with(ResponseTemplate::new(status).insert_header(
                "Location",
                format!("{}/api/v1.0/auth", other.uri()).as_str(),
            ))
            .mount(&server)
            .await;
        let err = client_for(&server).authenticate().await.unwrap_err();
        assert!(
            err.to_string().contains("another origin"),
            "{status}: {err}"
        );
        calls += 1;

        // Reads and writes redirected elsewhere, after a sign-in.
        let server = MockServer::start().await;
        Mock::given(path("/api/v1.0/auth"))
            .respond_with(signed_in())
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header(
                "Location",
                format!("{}/api/v1.0/steal", other.uri()).as_str(),
            ))
            .mount(&server)
            .await;
        let vsa = client_for(&server);
        let agent = AgentId::from(121_747_357_971_679u64);
        let read = vsa.agents().get(&agent).await.unwrap_err();
        assert!(
            read.to_string().contains("another origin"),
            "{status}: {read}"
        );
        let list = vsa.agents().list().collect().await.unwrap_err();
        assert!(
            list.to_string().contains("another origin"),
            "{status}: {list}"
        );
        // A write is never followed: its 3xx is its error, and it was sent once.
        let write = vsa
            .agent_procedures()
            .run_now(&agent, &AgentProcedureId::from(1001u64))
            .await
            .unwrap_err();
        assert_eq!(write.status().map(|s| s.as_u16()), Some(status), "{write}");
        let write = vsa
            .custom_fields()
            .set_value(&agent, "Rack", "R12")
            .await
            .unwrap_err();
        assert_eq!(write.status().map(|s| s.as_u16()), Some(status), "{write}");
        let puts = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "PUT")
            .count();
        assert_eq!(puts, 2, "{status}: each write was sent once");
        calls += 4;

        // A write redirected to its own origin is not followed either.
        let server = MockServer::start().await;
        Mock::given(path("/api/v1.0/auth"))
            .respond_with(signed_in())
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Location", "/api/v1.0/automation/elsewhere"),
            )
            .mount(&server)
            .await;
        let vsa = client_for(&server);
        let err = vsa
            .agent_procedures()
            .run_now(&agent, &AgentProcedureId::from(1001u64))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        let received = server.received_requests().await.unwrap();
        assert_eq!(
            received
                .iter()
                .filter(|r| r.method.as_str() == "PUT")
                .count(),
            1,
            "{status}: the write was sent once"
        );
        assert!(
            received
                .iter()
                .all(|r| r.url.path() != "/api/v1.0/automation/elsewhere"),
            "{status}: the write's redirect was followed"
        );
        calls += 1;
    }
    let stolen = other.received_requests().await.unwrap();
    assert!(
        stolen.is_empty(),
        "the other origin received {} requests: {:?}",
        stolen.len(),
        stolen.iter().map(|r| r.url.to_string()).collect::<Vec<_>>()
    );

    // The same-origin 301 to the trailing-slash path keeps the bearer token.
    let server = MockServer::start().await;
    Mock::given(path("/api/v1.0/auth"))
        .respond_with(signed_in())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/system/orgs"))
        .respond_with(
            ResponseTemplate::new(301).insert_header("Location", "/api/v1.0/system/orgs/"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/system/orgs/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"Result": [{"OrgId": 5, "OrgName": "Acme"}], "TotalRecords": 1, "ResponseCode": 0}),
        ))
        .mount(&server)
        .await;
    let vsa = client_for(&server);
    let orgs = vsa.orgs().list().collect().await.unwrap();
    assert_eq!(orgs.len(), 1);
    let raw: Vec<Value> = vsa.get("system/orgs", &[]).await.unwrap();
    assert_eq!(raw.len(), 1);
    calls += 2;
    println!(
        "faults (redirects): {calls} calls against a server redirecting (301/302/303/307/308) the sign-in, reads and writes: 0 requests and 0 credentials received by the second origin, 0 writes re-sent; the same-origin 301 to the trailing-slash path kept the bearer token"
    );
}
