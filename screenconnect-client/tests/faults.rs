//! Faults: the simulator at a 30% fault rate (`set_chaos`: 503 with `Retry-After`)
//! plus injected resets, 429s, 503s and proxy pages.
//!
//! - **Reads**: a full listing (`by_filter`) and every session by name and by id
//!   deliver every record exactly once (a reset, a 429, a 503 and a proxy's 502 page
//!   are injected before every 96 calls, on top of the chaos).
//! - **Writes**: each of the seven writes under seven fault modes is received by the
//!   simulator exactly once (plus one replay for each `429`, which the server refused
//!   before acting) and applied at most once; a write reported `Ok` was applied exactly
//!   once, one reported as failed before acting was not applied at all.
//! - **Redirects**, two loopback servers: an instance that redirects every call
//!   (301/302/307/308) to the simulator — which would accept the secret — and a client
//!   of the first: no request and so no credential reaches the second origin, and no
//!   call, `send_command` included, returns `Ok`. A same-origin `307` loop sends
//!   `SendCommandToSession` once.
//!
//! `MSP_SUITE_SCALE` multiplies the sessions and rounds:
//!
//! ```text
//! MSP_SUITE_SCALE=10 cargo test -p screenconnect-client --all-features --test faults -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::collections::BTreeMap;
use std::sync::Arc;

use msp_common::retry::{FixedJitter, ManualClock};
use msp_common::sim::{Chaos, Fault as CommonFault};
use screenconnect_client::filter::Field;
use screenconnect_client::models::{CustomProperties, SessionId, SessionType};
use screenconnect_client::sessions::NewSession;
use screenconnect_client::sim::{Fault, Simulator, method_of};
use screenconnect_client::{Client, Error, Result, RetryPolicy};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `MSP_SUITE_SCALE`, as a count.
fn scale() -> usize {
    msp_common::sim::suite::scale() as usize
}

/// A client of `sim` whose retries wait on a manual clock, with many attempts.
fn patient_client(sim: &Simulator) -> Client {
    sim.client_builder()
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .retry_policy(RetryPolicy::default().with_max_attempts(12))
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap()
}

/// Injects one reset, one 429, one 503 and one proxy's 502 page; answers how many.
async fn inject(sim: &Simulator) -> usize {
    for fault in [
        Fault::from(CommonFault::Reset),
        Fault::too_many_requests(2),
        Fault::unavailable(),
        Fault::from(CommonFault::Html { status: 502 }),
    ] {
        sim.inject(fault, 1).await;
    }
    4
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_deliver_every_record_exactly_once_at_a_30_percent_fault_rate() {
    let n = 300 * scale();
    let sim = Simulator::builder()
        .sample_sessions(false)
        .access_sessions(n)
        .seed(30)
        .start()
        .await;
    let expected: Vec<SessionId> = sim.sessions().into_iter().map(|s| s.session_id).collect();
    sim.set_chaos(Chaos::new(std::time::Duration::ZERO, 0.3).seed(7));
    let client = patient_client(&sim);
    let mut injected = 0;
    injected += inject(&sim).await;

    // The full listing.
    let listed = client
        .sessions()
        .by_filter(Field::SESSION_TYPE.eq(SessionType::Access))
        .await
        .unwrap();
    let mut seen: BTreeMap<SessionId, usize> = BTreeMap::new();
    for s in &listed {
        *seen.entry(s.session_id.clone()).or_default() += 1;
    }
    let missing = expected.iter().filter(|id| !seen.contains_key(*id)).count();
    let duplicated = seen.values().filter(|c| **c > 1).count();
    assert_eq!((listed.len(), missing, duplicated), (n, 0, 0));

    // Every session by name and by id, 16 sessions (32 calls) at a time.
    let mut by_name: BTreeMap<SessionId, usize> = BTreeMap::new();
    let mut by_id = 0;
    for (i, chunk) in sim.sessions().chunks(16).enumerate() {
        if i % 3 == 0 {
            injected += inject(&sim).await;
        }
        let mut tasks = tokio::task::JoinSet::new();
        for s in chunk {
            let (client, name, id) = (client.clone(), s.name.clone(), s.session_id.clone());
            tasks.spawn(async move {
                let found = client.sessions().by_name(name).await?;
                let got = client.sessions().get(&id).await?;
                Ok::<_, Error>((found, got, id))
            });
        }
        while let Some(done) = tasks.join_next().await {
            let (found, got, id) = done.unwrap().unwrap();
            for s in found {
                *by_name.entry(s.session_id).or_default() += 1;
            }
            assert_eq!(got.map(|s| s.session_id), Some(id));
            by_id += 1;
        }
    }
    assert_eq!(by_name.len(), n);
    assert!(by_name.values().all(|c| *c == 1));
    let requests = sim.received().len();
    let failed_by_chaos = requests.saturating_sub(1 + 2 * n + injected);
    println!(
        "faults reads: {n} records listed once each, {n} by name and {by_id} by id exactly once; \
         {requests} requests, {failed_by_chaos} failed by chaos and {injected} injected faults retried"
    );
}

/// A unique text per write, so the simulator's record can be searched for it.
fn marker(mode: &str, write: &str) -> String {
    format!("m-{mode}-{write}-{:08x}", fxhash(&format!("{mode}{write}")))
}

fn fxhash(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

const WRITES: [&str; 7] = [
    "create",
    "update_name",
    "update_custom_properties",
    "send_command",
    "send_message",
    "add_note",
    "send_toolbox_item",
];

async fn write(client: &Client, which: &str, id: &SessionId, text: &str) -> Result<()> {
    let s = client.sessions();
    match which {
        "create" => s
            .create(NewSession::new(SessionType::Support, text))
            .await
            .map(drop),
        "update_name" => s.update_name(id, text).await,
        "update_custom_properties" => {
            s.update_custom_properties(id, CustomProperties::new().with(4, text))
                .await
        }
        "send_command" => s.send_command(id, text).await,
        "send_message" => s.send_message(id, text).await,
        "add_note" => s.add_note(id, text).await,
        _ => s.send_toolbox_item(id, text).await,
    }
}

/// How many events (each write records exactly one) carry `text`.
fn applied(sim: &Simulator, text: &str) -> usize {
    sim.sessions()
        .iter()
        .flat_map(|s| sim.events(&s.session_id))
        .filter(|e| e.data.as_deref().is_some_and(|d| d.contains(text)))
        .count()
}

/// How many requests carrying `text` the simulator received.
fn received(sim: &Simulator, text: &str) -> usize {
    sim.received()
        .iter()
        .filter(|r| method_of(r).is_some() && r.body_text().contains(text))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_is_received_once_and_applied_at_most_once() {
    let rounds = 2 * scale();
    let sim = Simulator::start().await;
    let id = sim.sessions()[0].session_id.clone();
    let client = sim
        .client_builder()
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    // Shorter than the injected delay: the call times out after the server acted (the
    // simulator applies a write when it receives it, then delays the answer).
    let impatient = sim
        .client_builder()
        .clock(Arc::new(ManualClock::new()))
        .timeout(std::time::Duration::from_millis(200))
        .build()
        .unwrap();
    let modes = ["chaos", "reset", "429", "503", "html", "500", "delay"];
    let (mut writes, mut ok, mut refused, mut timed_out, mut duplicated) = (0, 0, 0, 0, 0);
    let mut not_sent = 0;
    let mut by_mode: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for round in 0..rounds {
        for mode in modes {
            if mode == "chaos" {
                // One chaos generator for the writes of the mode: 30% fail.
                sim.set_chaos(Chaos::new(Default::default(), 0.3).seed(0xC4A0 + round as u64));
            }
            // Chaos decides per request: five of each write under it.
            let repeats = if mode == "chaos" { 5 } else { 1 };
            for (which, repeat) in WRITES
                .iter()
                .flat_map(|w| (0..repeats).map(move |r| (*w, r)))
            {
                let text = marker(&format!("{mode}{round}-{repeat}"), which);
                let mut replays = 0;
                match mode {
                    "chaos" => {}
                    "reset" => sim.inject(CommonFault::Reset, 1).await,
                    "429" => {
                        sim.inject(Fault::too_many_requests(1), 1).await;
                        replays = 1;
                    }
                    "503" => sim.inject(Fault::unavailable(), 1).await,
                    "html" => sim.inject(CommonFault::Html { status: 502 }, 1).await,
                    "500" => sim.inject(Fault::status(500), 1).await,
                    _ => {
                        sim.inject(CommonFault::Delay(std::time::Duration::from_secs(2)), 1)
                            .await
                    }
                }
                let caller = if mode == "delay" { &impatient } else { &client };
                let result = write(caller, which, &id, &text).await;
                writes += 1;
                let (got, done) = (received(&sim, &text), applied(&sim, &text));
                if done > 1 {
                    duplicated += 1;
                }
                if got == 0 && result.is_err() {
                    // Failed before it reached the server (a pooled connection the server
                    // had closed, say): not sent, not applied. The injected reset is
                    // still armed: a read takes it (and retries).
                    not_sent += 1;
                    eprintln!("faults writes: {mode} {which} not sent: {result:?}");
                    assert_eq!(done, 0);
                    if mode == "reset" {
                        client.sessions().by_name("drain").await.unwrap();
                    }
                    by_mode.entry(mode).or_default().1 += 1;
                    continue;
                } else {
                    assert_eq!(
                        got,
                        1 + replays,
                        "{mode} {which} {text}: received {got} times: {result:?}"
                    );
                }
                let tally = by_mode.entry(mode).or_default();
                if result.is_ok() {
                    tally.0 += 1;
                } else {
                    tally.1 += 1;
                }
                match &result {
                    Ok(()) => {
                        ok += 1;
                        assert_eq!(done, 1, "{mode} {which}: Ok but applied {done} times");
                    }
                    Err(err) => {
                        assert!(
                            mode != "429",
                            "{mode} {which}: a 429 is replayed once: {err}"
                        );
                        // Refused before acting (503, 502, 500, reset): not applied. Timed
                        // out: the server may have acted — once.
                        if matches!(err, Error::Timeout { .. }) {
                            timed_out += 1;
                            assert!(done <= 1);
                        } else {
                            assert!(mode != "delay", "{mode} {which}: {err:?}");
                            refused += 1;
                            assert_eq!(done, 0, "{mode} {which}: failed but applied: {err}");
                        }
                    }
                }
            }
            sim.set_chaos(Chaos::none());
        }
    }
    println!(
        "faults writes: {} modes x {} writes x {rounds} rounds (x5 under chaos) = {writes} writes: \
         {ok} ok (applied once), {refused} refused before acting (not applied), \
         {timed_out} timed out after the server acted (applied once), \
         {not_sent} failed before being sent (not applied), the others received once \
         (a 429 refused, then replayed once), {duplicated} applied twice",
        modes.len(),
        WRITES.len()
    );
    println!("faults writes (ok, failed) by mode: {by_mode:?}");
    assert_eq!(duplicated, 0);
}

/// Every call, reads and writes, by name.
async fn every_call(client: &Client, id: &SessionId) -> Vec<(&'static str, Result<()>)> {
    let s = client.sessions();
    let mut results = vec![
        ("by_name", s.by_name("ACME-DC01").await.map(drop)),
        (
            "by_filter",
            s.by_filter(Field::NAME.eq("ACME-DC01")).await.map(drop),
        ),
        ("get", s.get(id).await.map(drop)),
        ("details", s.details(id).await.map(drop)),
    ];
    for which in WRITES {
        results.push((which, write(client, which, id, "redirected").await));
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_never_carry_the_secret_to_another_origin() {
    // The second origin: a simulator that would accept the secret and the Origin.
    let other = Simulator::start().await;
    let id = other.sessions()[0].session_id.clone();
    let mut calls = 0;
    for status in [301u16, 302, 307, 308] {
        let first = MockServer::start().await;
        let target = other.url();
        Mock::given(any())
            .respond_with(move |req: &wiremock::Request| {
                ResponseTemplate::new(status)
                    .insert_header("Location", format!("{target}{}", req.url.path()).as_str())
            })
            .mount(&first)
            .await;
        let client = Client::builder()
            .base_url(first.uri())
            .secret(other.secret())
            .origin(other.origin())
            .allow_http(true)
            .clock(Arc::new(ManualClock::new()))
            .build()
            .unwrap();
        for (call, result) in every_call(&client, &id).await {
            calls += 1;
            let err = result.expect_err(&format!("{status} {call}: must not succeed"));
            match call {
                "by_name" | "by_filter" | "get" | "details" => {
                    assert!(
                        matches!(err, Error::Protocol { .. }),
                        "{status} {call}: {err:?}"
                    );
                    assert!(err.to_string().contains("another origin"), "{err}");
                }
                // A write is sent once; the redirect is its error.
                _ => assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{call}"),
            }
        }
        let sent = first.received_requests().await.unwrap();
        assert_eq!(sent.len(), 11, "{status}: each call sent once");
    }
    let at_other = other.received();
    let credentials = at_other
        .iter()
        .filter(|r| r.header("ctrlauthheader").is_some())
        .count();
    println!(
        "faults redirects: 4 statuses x 11 calls = {calls} calls, {} requests and {credentials} \
         credentials at the other origin, 0 calls Ok",
        at_other.len()
    );
    assert_eq!((at_other.len(), credentials), (0, 0));
    assert!(
        other
            .events(&id)
            .iter()
            .all(|e| e.data.as_deref() != Some("redirected"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_origin_redirect_loop_never_replays_a_write() {
    let server = MockServer::start().await;
    let service = "/App_Extensions/2d558935-686a-4bd0-9991-07539f5fe749/Service.ashx";
    // Every call loops onto itself…
    Mock::given(any())
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(307).insert_header("Location", req.url.path())
        })
        .mount(&server)
        .await;
    // …except that a moved read is answered at its new place, on the same origin.
    Mock::given(path(format!("{service}/GetSessionBySessionID")))
        .respond_with(
            ResponseTemplate::new(308).insert_header("Location", "/moved/GetSessionBySessionID"),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/moved/GetSessionBySessionID"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .with_priority(1)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .secret("loop-secret-1234")
        .allow_http(true)
        .clock(Arc::new(ManualClock::new()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let sent = |m: &'static str| {
        let server = &server;
        async move {
            server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.url.path().ends_with(m))
                .count()
        }
    };

    let err = client
        .sessions()
        .send_command("6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11", "whoami")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    let commands = sent("SendCommandToSession").await;
    assert_eq!(commands, 1, "the write was sent once");

    // A read follows the loop a bounded number of hops, then fails.
    let err = client.sessions().by_name("x").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    let reads = sent("GetSessionsByName").await;
    assert_eq!(reads, 6, "1 request and 5 hops");

    // A read moved on the same origin is followed, with the secret, and answers.
    let found = client
        .sessions()
        .get("6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11")
        .await
        .unwrap();
    assert!(found.is_none());
    let moved = server.received_requests().await.unwrap();
    let last = moved.last().unwrap();
    assert_eq!(last.url.path(), "/moved/GetSessionBySessionID");
    assert_eq!(
        last.headers.get("CTRLAuthHeader").map(|v| v.as_bytes()),
        Some("loop-secret-1234".as_bytes())
    );
    println!(
        "faults same-origin loop: SendCommandToSession sent {commands} time, a read {reads} times \
         (5 hops), a moved read followed"
    );
}
