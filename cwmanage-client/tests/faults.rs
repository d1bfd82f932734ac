//! Faults suite (issue 12): the simulator at a 30% fault rate (chaos: `429` with
//! `Retry-After: 1`, Manage's throttling answer) plus injected connection resets,
//! `429`, `503`, `500`, proxy HTML `502` pages and delays:
//!
//! - a full read listing — forward-only, page numbers, pages in flight with `/count`, a
//!   split `in` list merged back, a filtered listing — delivers every record exactly
//!   once, every time;
//! - every write (create ticket, add note, create company, patch, replace, delete) is
//!   acted on by the simulator exactly once when the call says `Ok`, and not at all when
//!   the call reports an error; no write is ever acted on twice. Without chaos, each
//!   fault mode is checked against `received()` exactly: a write is received once, or
//!   twice when the first answer was a `429` (the server did not act; the only answer a
//!   write is re-sent after);
//! - two loopback servers: a client whose server redirects (301/302/307/308) reads,
//!   searches, counts, writes and codebase discovery to another origin sends **nothing**
//!   there — no `Authorization`, no `clientId`, no body (Manage's transport follows no
//!   redirect).
//!
//! `MSP_SUITE_SCALE` (a multiplier, default 1) scales the number of listings and writes:
//!
//! ```text
//! cargo test -p cwmanage-client --all-features --test faults -- --nocapture
//! MSP_SUITE_SCALE=10 cargo test -p cwmanage-client --all-features --test faults -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use cwmanage_client::conditions::Condition;
use cwmanage_client::models::{Company, Ticket};
use cwmanage_client::patch::PatchOp;
use cwmanage_client::query::Paging;
use cwmanage_client::sim::{Chaos, Fault, Simulator};
use cwmanage_client::{Client, Error, Listing, RetryPolicy};
use msp_common::retry::ManualClock;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

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

fn ids<T>(records: &[T], id: impl Fn(&T) -> u64) -> Vec<u64> {
    records.iter().map(id).collect()
}

fn exactly_once(name: &str, got: Vec<u64>, expected: &BTreeSet<u64>) -> usize {
    let unique: BTreeSet<u64> = got.iter().copied().collect();
    assert_eq!(got.len(), unique.len(), "{name}: a record came twice");
    assert_eq!(&unique, expected, "{name}: a record is missing or extra");
    got.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_every_record_arrives_exactly_once() {
    let sim = Simulator::builder().tickets(1_000).start().await;
    let client = patient(&sim);
    let tickets = sim.records("service/tickets");
    let all: BTreeSet<u64> = tickets.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    let open: BTreeSet<u64> = tickets
        .iter()
        .filter(|t| t["closedFlag"] == Value::Bool(false))
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    let some: BTreeSet<u64> = (1..=1_000).step_by(3).collect();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(12));
    let rounds = 6 * scale();
    let (mut listings, mut records) = (0, 0);
    let ticket_id = |t: &Ticket| t.id.unwrap().get();
    for n in 0..rounds {
        match n % 4 {
            0 => sim.inject(Fault::Reset, 2).await,
            1 => sim.inject(Fault::too_many_requests(1), 2).await,
            2 => sim.inject(Fault::unavailable(), 2).await,
            _ => sim.inject(Fault::Html { status: 502 }, 2).await,
        }
        let forward = client
            .tickets()
            .list()
            .page_size(100)
            .collect()
            .await
            .unwrap();
        records += exactly_once("forward-only", ids(&forward, ticket_id), &all);
        let numbers = client
            .tickets()
            .list()
            .order_by("summary asc")
            .paging(Paging::PageNumbers)
            .page_size(100)
            .collect()
            .await
            .unwrap();
        records += exactly_once("page numbers", ids(&numbers, ticket_id), &all);
        let in_flight = client
            .tickets()
            .list()
            .paging(Paging::PageNumbers)
            .page_size(50)
            .pages_in_flight(4)
            .collect()
            .await
            .unwrap();
        records += exactly_once("pages in flight", ids(&in_flight, ticket_id), &all);
        let split = client
            .tickets()
            .list()
            .conditions(Condition::field("id").is_in(some.iter().copied()))
            .page_size(100)
            .collect()
            .await
            .unwrap();
        records += exactly_once("split in list", ids(&split, ticket_id), &some);
        let filtered = client
            .tickets()
            .list()
            .conditions(Condition::field("closedFlag").eq(false))
            .page_size(100)
            .collect()
            .await
            .unwrap();
        records += exactly_once("filtered", ids(&filtered, ticket_id), &open);
        listings += 5;
    }
    let received = sim.received_count();
    println!(
        "faults (reads): {listings} listings (forward-only, page numbers, in flight, split, filtered) at a 30% fault rate plus resets/429/503/502: {records} records, each exactly once; {received} requests received"
    );
}

/// One write of the suite, by number: what it is and how to see whether the simulator
/// acted on it.
#[derive(Debug, Clone)]
enum Write {
    CreateTicket(String),
    AddNote(u64, String),
    CreateCompany(String),
    Patch(u64, String),
    Replace(u64, String),
    Delete(u64),
}

impl Write {
    async fn send(&self, client: &Client) -> Result<(), Error> {
        match self {
            Write::CreateTicket(key) => client
                .tickets()
                .create(&Ticket::new(key.as_str(), 1))
                .await
                .map(drop),
            Write::AddNote(ticket, key) => client
                .tickets()
                .notes(*ticket)
                .add_internal(key.as_str())
                .await
                .map(drop),
            Write::CreateCompany(key) => client
                .companies()
                .create(&Company::new(key.as_str(), "Faulty Dental"))
                .await
                .map(drop),
            Write::Patch(ticket, key) => client
                .tickets()
                .patch(*ticket, &[PatchOp::replace("summary", key.as_str())])
                .await
                .map(drop),
            Write::Replace(company, key) => client
                .companies()
                .update(
                    *company,
                    &Company::new(format!("Company{company}"), key.as_str()),
                )
                .await
                .map(drop),
            Write::Delete(ticket) => client.tickets().delete(*ticket).await,
        }
    }

    /// How many times the simulator acted on it (what its records show).
    fn acted(&self, sim: &Simulator) -> usize {
        let count = |collection: &str, field: &str, key: &str| {
            sim.records(collection)
                .iter()
                .filter(|r| r[field].as_str() == Some(key))
                .count()
        };
        match self {
            Write::CreateTicket(key) => count("service/tickets", "summary", key),
            Write::AddNote(_, key) => count("service/tickets/notes", "text", key),
            Write::CreateCompany(key) => count("company/companies", "identifier", key),
            Write::Patch(_, key) => count("service/tickets", "summary", key),
            Write::Replace(_, key) => count("company/companies", "name", key),
            Write::Delete(ticket) => usize::from(
                !sim.records("service/tickets")
                    .iter()
                    .any(|t| t["id"].as_u64() == Some(*ticket)),
            ),
        }
    }

    /// How many requests of it the simulator received.
    fn received(&self, sim: &Simulator) -> usize {
        sim.received()
            .iter()
            .filter(|r| match self {
                Write::Delete(ticket) => {
                    r.method == "DELETE" && r.path.ends_with(&format!("/service/tickets/{ticket}"))
                }
                Write::CreateTicket(key)
                | Write::AddNote(_, key)
                | Write::CreateCompany(key)
                | Write::Patch(_, key)
                | Write::Replace(_, key) => {
                    r.method != "GET" && r.body_text().contains(key.as_str())
                }
            })
            .count()
    }
}

fn write(n: usize) -> Write {
    let key = format!("write-{n:05}");
    let ticket = (n % 40 + 1) as u64;
    match n % 6 {
        0 => Write::CreateTicket(key),
        1 => Write::AddNote(ticket, key),
        2 => Write::CreateCompany(key),
        3 => Write::Patch(ticket, key),
        4 => Write::Replace((n % 10 + 1) as u64, key),
        // Each deleted ticket once: ids above the patched ones.
        _ => Write::Delete(41 + (n / 6) as u64),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_no_write_is_acted_on_twice() {
    let writes = 84 * scale();
    let sim = Simulator::builder()
        .tickets(41 + writes / 6 + 1)
        .start()
        .await;
    let client = patient(&sim);
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(99));
    let (mut ok, mut failed) = (0, 0);
    for n in 0..writes {
        match n % 7 {
            0 => sim.inject(Fault::Reset, 1).await,
            1 => sim.inject(Fault::too_many_requests(1), 1).await,
            2 => sim.inject(Fault::unavailable(), 1).await,
            3 => sim.inject(Fault::status(500), 1).await,
            4 => sim.inject(Fault::Html { status: 502 }, 1).await,
            5 => sim.inject(Fault::Delay(Duration::from_millis(20)), 1).await,
            _ => {}
        }
        let write = write(n);
        let result = write.send(&client).await;
        let acted = write.acted(&sim);
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
    }
    sim.set_chaos(Chaos::none());
    let received = sim.received_count();
    println!(
        "faults (writes): {writes} writes (create ticket, add note, create company, patch, replace, delete) at a 30% fault rate plus resets/429/503/500/502/delays: {ok} acted on exactly once, {failed} reported as failed and acted on 0 times, 0 acted on twice; {received} requests received (each 429 re-sent, nothing else)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_mode_leaves_each_write_received_once_or_reported() {
    let sim = Simulator::builder().tickets(100).start().await;
    let client = patient(&sim);
    let modes: [(&str, Option<Fault>, usize, bool); 7] = [
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
    ];
    let mut checked = 0;
    let mut n = 0;
    for (mode, fault, want_received, want_ok) in modes {
        for _ in 0..6 {
            let write = write(n);
            n += 1;
            if let Some(fault) = fault.clone() {
                sim.inject(fault, 1).await;
            }
            let result = write.send(&client).await;
            let (received, acted) = (write.received(&sim), write.acted(&sim));
            assert_eq!(result.is_ok(), want_ok, "{mode}: {write:?}: {result:?}");
            assert_eq!(received, want_received, "{mode}: {write:?} received");
            assert_eq!(acted, usize::from(want_ok), "{mode}: {write:?} acted");
            checked += 1;
        }
    }
    println!(
        "faults (write modes): {checked} writes over 7 fault modes x 6 write calls: each received exactly once (twice after a 429, which the server did not act on) or reported as failed; 0 duplicated"
    );
}

/// What reached the other origin, and how much of it carried a credential.
fn credentials_in(requests: &[Request]) -> usize {
    requests
        .iter()
        .filter(|r| {
            r.headers.contains_key("authorization")
                || r.headers.contains_key("clientid")
                || r.headers.contains_key("cookie")
                || !r.body.is_empty()
        })
        .count()
}

#[tokio::test]
async fn redirects_to_another_origin_carry_no_credential_there() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&other)
        .await;
    let (mut refused, mut sent_here) = (0, 0);
    for status in [301u16, 302, 307, 308] {
        let first = MockServer::start().await;
        let target = format!("{}/v4_6_release/apis/3.0/service/tickets", other.uri());
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .mount(&first)
            .await;
        let builder = || {
            Client::builder()
                .base_url(first.uri())
                .allow_http(true)
                .credentials(cwmanage_client::Credentials::new(
                    "myco",
                    "pK7wQ2mZ9xR4tL6v",
                    "redirect-private-key",
                ))
                .client_id("6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
        };
        let client = builder().build().unwrap();
        let discovering = builder().discover_codebase().build().unwrap();
        let results: Vec<(&str, Result<(), Error>)> = vec![
            ("get", client.tickets().get(1).await.map(drop)),
            ("list", client.tickets().list().collect().await.map(drop)),
            (
                "list by number",
                client
                    .tickets()
                    .list()
                    .paging(Paging::PageNumbers)
                    .pages_in_flight(2)
                    .collect()
                    .await
                    .map(drop),
            ),
            ("count", client.tickets().count("id > 0").await.map(drop)),
            (
                "search",
                client.tickets().search("id > 0").collect().await.map(drop),
            ),
            (
                "create",
                client
                    .tickets()
                    .create(&Ticket::new("x", 1))
                    .await
                    .map(drop),
            ),
            (
                "patch",
                client
                    .tickets()
                    .patch(1, &[PatchOp::replace("summary", "y")])
                    .await
                    .map(drop),
            ),
            (
                "replace",
                client
                    .tickets()
                    .update(1, &Ticket::new("x", 1))
                    .await
                    .map(drop),
            ),
            ("delete", client.tickets().delete(1).await),
            (
                "add note",
                client.tickets().notes(1).add_internal("z").await.map(drop),
            ),
            ("company info", client.company_info().await.map(drop)),
            ("discovery", discovering.tickets().get(1).await.map(drop)),
        ];
        for (name, result) in results {
            let err = result.expect_err(name);
            assert_eq!(
                err.status().map(|s| s.as_u16()),
                Some(status),
                "{name}: {err}"
            );
            refused += 1;
        }
        sent_here += first.received_requests().await.unwrap().len();
    }
    let there = other.received_requests().await.unwrap();
    let with_credentials = credentials_in(&there);
    println!(
        "faults (redirects): {refused} redirected calls (301/302/307/308; reads, listings, count, search, writes, company info, discovery): {sent_here} requests to the first origin, {} reached the other origin, {with_credentials} with a credential",
        there.len()
    );
    assert!(sent_here >= refused);
    assert_eq!(there.len(), 0, "nothing reaches the other origin");
    assert_eq!(with_credentials, 0);
}

#[tokio::test]
async fn a_same_origin_redirect_is_not_followed_either() {
    // Manage's API does not redirect: even a same-origin 307/308 is the call's error,
    // and a write is sent exactly once.
    for status in [301u16, 307, 308] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header(
                "Location",
                format!("{}/v4_6_release/apis/3.0/service/tickets2", server.uri()).as_str(),
            ))
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(server.uri())
            .allow_http(true)
            .credentials(cwmanage_client::Credentials::new("myco", "pub", "priv"))
            .client_id("6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
            .build()
            .unwrap();
        let err = client
            .tickets()
            .create(&Ticket::new("x", 1))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        assert_eq!(server.received_requests().await.unwrap().len(), 1);
    }
}
