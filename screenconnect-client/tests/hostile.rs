//! Hostile answers: the main list calls (`sessions().by_name(..)`,
//! `sessions().by_filter(..)`) and the main get call (`sessions().get(..)`) against
//! msp-common's [`HostileServer`] — random bytes, truncated and 10k-deep JSON, wrong
//! types, huge numbers, HTML, `Content-Length` lies, slow and stalled bodies, odd
//! `Retry-After`/`Link`/`Set-Cookie` headers, broken status lines, redirects to other
//! origins. Every call runs in its own task with a client timeout of 2 s and an outer
//! timeout of 10 s; a panic (`JoinError::is_panic`) or a call outliving the outer
//! timeout (a hang) fails the suite. 256 calls run at a time.
//!
//! The default run covers at least 2,000 hostile responses. `MSP_SUITE_SCALE` multiplies
//! that; the large run (≥ 1,000,000 responses) is
//!
//! ```text
//! MSP_SUITE_SCALE=500 cargo test -p screenconnect-client --all-features --test hostile -- --nocapture
//! ```
//!
//! It prints `hostile: N responses, P panics, H hangs`.
#![cfg(feature = "sim")]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use msp_common::sim::hostile::{HostileServer, hostile_strings};
use msp_common::sim::suite::scale;
use screenconnect_client::filter::Field;
use screenconnect_client::{Client, RetryPolicy};
use tokio::task::JoinSet;

const RESPONSES: u64 = 2_000;
const IN_FLIGHT: usize = 256;
const CLIENT_TIMEOUT: Duration = Duration::from_secs(2);
const OUTER_TIMEOUT: Duration = Duration::from_secs(10);

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .secret("hostile-suite-secret")
        .allow_http(true)
        .timeout(CLIENT_TIMEOUT)
        .connect_timeout(CLIENT_TIMEOUT)
        // Three attempts, waits capped at 1 s: a call's worst case (3 × 2 s + 2 × 1 s)
        // stays inside the outer timeout, so only a real hang can outlive it.
        .retry_policy(
            RetryPolicy::default()
                .with_max_delay(Duration::from_secs(1))
                .with_budget(Some(Duration::from_secs(4))),
        )
        .build()
        .expect("a valid client")
}

/// One call of the three, by number.
async fn call(client: Client, n: u64) -> &'static str {
    let value = hostile_strings(n, n);
    match n % 3 {
        0 => match client.sessions().by_name(value).await {
            Ok(_) => "by_name ok",
            Err(_) => "by_name error",
        },
        1 => match client
            .sessions()
            .by_filter(Field::custom_property(1).eq(value))
            .await
        {
            Ok(_) => "by_filter ok",
            Err(_) => "by_filter error",
        },
        _ => match client
            .sessions()
            .get("6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11")
            .await
        {
            Ok(_) => "get ok",
            Err(_) => "get error",
        },
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_never_panic_or_hang() {
    let target = RESPONSES * scale();
    let server = HostileServer::start(0x5C_4057).await;
    let client = client(server.url());
    let started = Instant::now();
    let panics = Arc::new(AtomicU64::new(0));
    let hangs = Arc::new(AtomicU64::new(0));
    let mut calls = 0u64;
    let mut outcomes = std::collections::BTreeMap::<&'static str, u64>::new();
    let mut tasks = JoinSet::new();
    loop {
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
                    Err(_) => Err("hang"),
                }
            });
        }
        let Some(done) = tasks.join_next().await else {
            break;
        };
        match done.expect("the watcher itself never panics") {
            Ok(outcome) => *outcomes.entry(outcome).or_default() += 1,
            Err("panic") => {
                panics.fetch_add(1, Ordering::Relaxed);
            }
            Err("hang") => {
                hangs.fetch_add(1, Ordering::Relaxed);
            }
            Err(other) => panic!("a call was {other}"),
        }
    }
    let served = server.served();
    let (panics, hangs) = (
        panics.load(Ordering::Relaxed),
        hangs.load(Ordering::Relaxed),
    );
    println!("hostile: {served} responses, {panics} panics, {hangs} hangs");
    println!(
        "hostile: {calls} calls in {:.1} s, outcomes {outcomes:?}",
        started.elapsed().as_secs_f64()
    );
    assert!(served >= target, "only {served} of {target} responses");
    assert_eq!(panics, 0, "calls panicked");
    assert_eq!(hangs, 0, "calls outlived their timeout");
    // Sanity: the server's answers reached the decoders, not only the transport.
    assert!(outcomes.keys().any(|k| k.ends_with("ok")), "{outcomes:?}");
}
