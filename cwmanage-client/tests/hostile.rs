//! Hostile answers (issue 12): the main list call (`tickets().list()`, in every paging
//! mode: forward-only with its fallback, page numbers with conditions, pages in flight
//! with `/count`) and the main get call (`tickets().get(..)`) against msp-common's
//! [`HostileServer`] — random bytes, truncated and 10k-deep JSON, wrong types, huge
//! numbers, HTML, `Content-Length` lies, slow and stalled bodies, odd `Retry-After`,
//! `Link` (`page=18446744073709551615`, another host, `javascript:`) and `Set-Cookie`
//! headers, broken status lines, redirects to other origins. Every call runs in its own
//! task with a client timeout of 2 s and an outer timeout of 10 s; a panic
//! (`JoinError::is_panic`) or a call outliving the outer timeout (a hang) fails the
//! suite. 512 calls run at a time.
//!
//! The default run covers at least 2,000 hostile responses. `MSP_SUITE_SCALE` multiplies
//! that; the large run (≥ 1,000,000 responses) is
//!
//! ```text
//! MSP_SUITE_SCALE=500 cargo test -p cwmanage-client --all-features --test hostile -- --nocapture
//! ```
//!
//! It prints `hostile: N responses, P panics, H hangs`.

#![cfg(feature = "sim")]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cwmanage_client::conditions::Condition;
use cwmanage_client::query::Paging;
use cwmanage_client::{Client, Credentials, Listing, RetryPolicy};
use msp_common::sim::hostile::{HostileServer, hostile_strings};
use msp_common::sim::suite::scale;
use tokio::task::JoinSet;

const RESPONSES: u64 = 2_000;
const IN_FLIGHT: usize = 512;
const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
const OUTER_TIMEOUT: Duration = Duration::from_secs(10);

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::new(
            "myco",
            "pK7wQ2mZ9xR4tL6v",
            "hostile-suite-key",
        ))
        .client_id("6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94")
        .allow_http(true)
        .timeout(CLIENT_TIMEOUT)
        .connect_timeout(CLIENT_TIMEOUT)
        // Waits capped at 0.5 s and a 2.5 s budget: a request's worst case is two
        // attempts (2 s + 0.5 s + 2 s), and a listing asks for at most two pages one
        // after the other (one record a page, two records): about 9 s at the very
        // worst, most of it idle, so only a real hang outlives the outer timeout.
        .retry_policy(
            RetryPolicy::default()
                .with_max_delay(Duration::from_millis(500))
                .with_budget(Some(Duration::from_millis(2_500))),
        )
        .build()
        .expect("a valid client")
}

/// One call of the kinds, by number.
async fn call(client: Client, n: u64) -> &'static str {
    let outcome = |ok: bool, name: &'static [&'static str; 2]| if ok { name[0] } else { name[1] };
    match n % 5 {
        0 | 1 => {
            let ok = client.tickets().get(n % 100_000 + 1).await.is_ok();
            outcome(ok, &["get ok", "get error"])
        }
        2 => {
            // Auto: forward-only first, page numbers on a 400.
            let ok = client
                .tickets()
                .list()
                .page_size(1)
                .limit(2)
                .collect()
                .await
                .is_ok();
            outcome(ok, &["list ok", "list error"])
        }
        3 => {
            let value = hostile_strings(0xC3, n);
            let conditions = Condition::field("summary")
                .contains(value)
                .and(Condition::field("closedFlag").eq(false));
            let ok = client
                .tickets()
                .list()
                .conditions(conditions)
                .order_by("id desc")
                .paging(Paging::PageNumbers)
                .page_size(1)
                .limit(2)
                .collect()
                .await
                .is_ok();
            outcome(ok, &["list by number ok", "list by number error"])
        }
        _ => {
            let ok = client
                .tickets()
                .list()
                .paging(Paging::PageNumbers)
                .page_size(1)
                .pages_in_flight(4)
                .limit(2)
                .collect()
                .await
                .is_ok();
            outcome(ok, &["list in flight ok", "list in flight error"])
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_never_panic_or_hang() {
    let target = RESPONSES * scale();
    let server = HostileServer::start(0xC0_4057).await;
    let client = client(server.url());
    let started = Instant::now();
    let (mut panics, mut hangs, mut calls) = (0u64, 0u64, 0u64);
    let mut outcomes = BTreeMap::<&'static str, u64>::new();
    let mut tasks = JoinSet::new();
    // Long runs report their progress every tenth of the way.
    let step = (target / 10).max(1);
    let mut next_report = if target > RESPONSES { step } else { u64::MAX };
    loop {
        if server.served() >= next_report {
            println!(
                "hostile: {} responses so far, {panics} panics, {hangs} hangs ({:.0} s)",
                server.served(),
                started.elapsed().as_secs_f64()
            );
            next_report = next_report.saturating_add(step);
        }
        while tasks.len() < IN_FLIGHT && server.served() < target {
            let client = client.clone();
            let n = calls;
            calls += 1;
            tasks.spawn(async move {
                // Its own task, so a panic is seen as a `JoinError`, not as this task's.
                let call = tokio::spawn(call(client, n));
                match tokio::time::timeout(OUTER_TIMEOUT, call).await {
                    Ok(Ok(outcome)) => Ok(outcome),
                    Ok(Err(join)) if join.is_panic() => Err("panic"),
                    Ok(Err(_)) => Err("cancelled"),
                    Err(_) => Err(if n % 5 < 2 {
                        "hang (get)"
                    } else {
                        "hang (list)"
                    }),
                }
            });
        }
        let Some(done) = tasks.join_next().await else {
            break;
        };
        match done.expect("the watcher itself never panics") {
            Ok(outcome) => *outcomes.entry(outcome).or_default() += 1,
            Err("panic") => panics += 1,
            Err(hang) if hang.starts_with("hang") => {
                hangs += 1;
                println!("hostile: a call outlived the outer timeout: {hang}");
            }
            Err(other) => panic!("a call was {other}"),
        }
    }
    let served = server.served();
    println!("hostile: {served} responses, {panics} panics, {hangs} hangs");
    println!(
        "hostile: {calls} calls in {:.1} s, outcomes {outcomes:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(served >= target, "only {served} of {target} responses");
    assert_eq!(panics, 0, "calls panicked");
    assert_eq!(hangs, 0, "calls outlived their timeout");
    // Sanity: the server's answers reached the decoders, not only the transport.
    assert!(outcomes.keys().any(|k| k.ends_with(" ok")), "{outcomes:?}");
}
