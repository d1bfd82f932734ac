//! Hostile-answers suite (issue 12): the main list call (`agents().list()`, collected
//! whole, with pages in flight, and limited) and the main get call (`agents().get(&id)`)
//! against [`HostileServer`](msp_common::sim::hostile::HostileServer) — random bytes,
//! truncated and 10k-deep JSON, wrong types, huge numbers, HTML, `Content-Length` lies,
//! slow and stalled bodies, odd `Retry-After`/`Link`/`Set-Cookie` headers, broken status
//! lines, redirects elsewhere — and the sign-in (`GET /auth`) itself against it.
//!
//! Every call runs in its own `tokio::spawn` with a client timeout of 2 s and an outer
//! `tokio::time::timeout` of 10 s; a panic (`JoinError::is_panic`) or a call outliving
//! the outer timeout is counted, and both counts must be 0.
//!
//! Most calls go through a small front on loopback that answers `/api/v1.0/auth` with a
//! session (so the calls get past the sign-in) and relays every other request, byte for
//! byte, to the hostile server; one call in four signs in straight at the hostile server.
//! The figure is the number of answers the hostile server generated.
//!
//! Default: ≥ 2,000 hostile answers (128 calls in flight). `MSP_SUITE_SCALE` multiplies
//! it (and raises the calls in flight); at scale 500 it is ≥ 1,000,000:
//!
//! ```text
//! cargo test -p kaseya-vsa-client --all-features --test hostile -- --nocapture
//! MSP_SUITE_SCALE=500 cargo test -p kaseya-vsa-client --all-features --test hostile -- --nocapture
//! ```

#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::AgentId;
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::{Client, Listing, RetryPolicy, reqwest};
use msp_common::retry::ManualClock;
use msp_common::sim::hostile::HostileServer;
use msp_common::sim::suite::{SignInFront, scale};
use tokio::task::JoinSet;

/// The front's sign-in: `GET /api/v1.0/auth`.
fn is_sign_in(line: &[u8]) -> bool {
    line.starts_with(b"GET /api/v1.0/auth ")
}

/// A session, so the relayed calls get past the sign-in.
const SIGN_IN_HEADERS: &str = "";
const SIGN_IN_JSON: &str = r#"{"Result":{"Token":"front-token-0042","UserName":"apiuser","SessionExpiration":"2099-01-01T00:00:00Z"},"ResponseCode":0,"Status":"OK","Error":"None"}"#;

fn client(root: &str, http: &reqwest::Client, token: bool) -> Client {
    let credentials = if token {
        Credentials::personal_access_token("apiuser", "pat-7f3c9a1e5b2d4f608e1a")
    } else {
        Credentials::password("apiuser", "S3cret!")
    };
    Client::builder()
        .base_url(root)
        .allow_http(true)
        .credentials(credentials)
        .http_client(http.clone())
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap()
}

/// One call of the mix; `Ok` whatever the call answered (a value or a typed error). A
/// client of its own (`straight`) signs in first, at the hostile server.
async fn one_call(client: Client, n: u64, straight: bool) -> Result<(), ()> {
    let id = AgentId::from(121_747_357_971_679u64 + n);
    let outcome = match n % 5 {
        // The sign-in alone (a shared client is signed in already: signing it in again
        // would only queue the other calls behind its session lock).
        4 if straight => client.authenticate().await.map(|_| 1),
        0 => client.agents().list().collect().await.map(|v| v.len()),
        1 => client.agents().get(&id).await.map(|_| 1),
        2 => client
            .agents()
            .list()
            .filter(agents::AGENT_NAME.startswith("PC-"))
            .order_by(agents::AGENT_NAME.asc())
            .page_size(10)
            .pages_in_flight(4)
            .collect()
            .await
            .map(|v| v.len()),
        3 => client
            .agents()
            .list()
            .limit(3)
            .collect()
            .await
            .map(|v| v.len()),
        _ => client.agents().get(&id).await.map(|_| 1),
    };
    // Whatever it is, it must be printable without trouble.
    match outcome {
        Ok(_) => Ok(()),
        Err(err) => {
            let _ = format!("{err} {err:?}");
            Err(())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_answers_never_panic_or_hang() {
    let scale = scale();
    let target = 2_000 * scale;
    let in_flight = (128 * scale.min(8)) as usize;
    let hostile = HostileServer::start(0x05EA_5EED).await;
    let front = SignInFront::start(&hostile, is_sign_in, SIGN_IN_HEADERS, SIGN_IN_JSON).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(2))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // One signed-in client shared by the relayed calls (it signs in at the front).
    let shared = client(front.url(), &http, false);
    shared.authenticate().await.unwrap();

    let started = Instant::now();
    let (mut calls, mut panics, mut hangs, mut values, mut errors) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut tasks = JoinSet::new();
    let mut n = 0u64;
    loop {
        while tasks.len() < in_flight && hostile.served() < target {
            n += 1;
            let straight = n.is_multiple_of(4);
            let call_client = if straight {
                // Straight at the hostile server: the sign-in meets it.
                client(hostile.url(), &http, n.is_multiple_of(8))
            } else {
                shared.clone()
            };
            tasks.spawn(tokio::time::timeout(
                Duration::from_secs(10),
                tokio::spawn(one_call(call_client, n, straight)),
            ));
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        calls += 1;
        match joined {
            Ok(Ok(Ok(Ok(())))) => values += 1,
            Ok(Ok(Ok(Err(())))) => errors += 1,
            Ok(Ok(Err(join))) if join.is_panic() => panics += 1,
            Ok(Ok(Err(join))) => panic!("a call was cancelled: {join}"),
            Ok(Err(_elapsed)) => hangs += 1,
            Err(join) => panic!("the timeout task failed: {join}"),
        }
    }
    drop(front);
    let responses = hostile.served();
    println!(
        "hostile: {responses} responses, {panics} panics, {hangs} hangs ({calls} calls: {values} values, {errors} typed errors; {:.1} s, {in_flight} in flight)",
        started.elapsed().as_secs_f64()
    );
    assert!(responses >= target, "{responses} < {target}");
    assert_eq!(panics, 0, "calls panicked");
    assert_eq!(hangs, 0, "calls outlived their timeout");
}
