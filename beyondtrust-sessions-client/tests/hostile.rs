//! Hostile-answers suite (issue 12): the main list calls (`sessions().list()`,
//! `requests().list()`, `managed_accounts().list()`) and the main get calls
//! (`sessions().get(..)`, `managed_accounts().find(..)`) against
//! [`HostileServer`](msp_common::sim::hostile::HostileServer) — random bytes, truncated
//! and 10k-deep JSON, wrong types, huge numbers, HTML, `Content-Length` lies, slow and
//! stalled bodies, odd `Retry-After`/`Link`/`Set-Cookie` headers, broken status lines,
//! redirects elsewhere — and the sign-in itself (PS-Auth and OAuth) against it.
//!
//! Every call runs in its own `tokio::spawn` with a client timeout of 2 s and an outer
//! `tokio::time::timeout` of 10 s; a panic (`JoinError::is_panic`) or a call outliving
//! the outer timeout is counted, and both counts must be 0.
//!
//! Most calls go through a small front on loopback that answers `Auth/SignAppin` with a
//! session (so the calls get past the sign-in) and relays every other request, byte for
//! byte, to the hostile server; one call in four signs in straight at the hostile server.
//! The figure is the number of answers the hostile server generated.
//!
//! Default: ≥ 2,000 hostile answers (64 calls in flight). `MSP_SUITE_SCALE` multiplies
//! it (and raises the calls in flight); at scale 500 it is ≥ 1,000,000:
//!
//! ```text
//! cargo test -p beyondtrust-sessions-client --all-features --test hostile -- --nocapture
//! MSP_SUITE_SCALE=500 cargo test -p beyondtrust-sessions-client --all-features --test hostile -- --nocapture
//! ```

#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::{Duration, Instant};

use beyondtrust_sessions_client::{
    Client, Listing, ManagedAccountType, OAuthClient, PsAuth, RetryPolicy, reqwest,
};
use msp_common::retry::ManualClock;
use msp_common::sim::hostile::HostileServer;
use msp_common::sim::suite::{SignInFront, scale};
use tokio::task::JoinSet;

const BASE: &str = "/BeyondTrust/api/public/v3";
const KEY: &str = "7cbbe7b02abed9e385b00ab949fa2c24a471243dcfa4c93534f4e2e84c23cfff7de029b82e0d9d49d9ef142eb708fc477a67c70eefc0cc7e225157254cd781cb";

/// The front's sign-in: `POST …/Auth/SignAppin`.
fn is_sign_in(line: &[u8]) -> bool {
    line.windows(16)
        .any(|w| w.eq_ignore_ascii_case(b"/auth/signappin "))
}

/// A session cookie, so the relayed calls get past the sign-in.
const SIGN_IN_HEADERS: &str = "set-cookie: ASP.NET_SessionId=front-session; path=/\r\n";
const SIGN_IN_JSON: &str = r#"{"UserId":7,"UserName":"hostile"}"#;

fn client(root: &str, http: &reqwest::Client, oauth: bool) -> Client {
    let credentials: beyondtrust_sessions_client::auth::Credentials = if oauth {
        OAuthClient::new(
            "a7271c15-d791-53b1-b162-37f737fb7ddd",
            "4JXZTh8HXLGd5Caq9Hy1dOOguXIfxA8FabI/IMiL9xw",
        )
        .into()
    } else {
        PsAuth::new(KEY).runas(r"doe-main\johndoe").into()
    };
    Client::builder()
        .base_url(format!("{root}{BASE}"))
        .allow_http(true)
        .credentials(credentials)
        .http_client(http.clone())
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap()
}

/// One call of the mix; `Ok` whatever the call answered (a value or a typed error).
async fn one_call(client: Client, n: u64) -> Result<(), ()> {
    let outcome = match n % 6 {
        0 => client.sessions().list().collect().await.map(|v| v.len()),
        1 => client.sessions().get(n.into()).await.map(|_| 1),
        2 => client.requests().list().collect().await.map(|v| v.len()),
        3 => client
            .managed_accounts()
            .find("web01.example.local", "Administrator")
            .await
            .map(|_| 1),
        4 => client
            .managed_accounts()
            .list()
            .system_name("db01")
            .account_type(ManagedAccountType::Database)
            .collect()
            .await
            .map(|v| v.len()),
        _ => client
            .sessions()
            .list()
            .limit(3)
            .collect()
            .await
            .map(|v| v.len()),
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
    let in_flight = (64 * scale.min(8)) as usize;
    let hostile = HostileServer::start(0x0B75_5EED).await;
    let front = SignInFront::start(&hostile, is_sign_in, SIGN_IN_HEADERS, SIGN_IN_JSON).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(2))
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    // One signed-in client shared by the relayed calls (it signs in once, at the front).
    let shared = client(front.url(), &http, false);
    shared.sign_in().await.unwrap();

    let started = Instant::now();
    let (mut calls, mut panics, mut values, mut errors) = (0u64, 0u64, 0u64, 0u64);
    let mut hangs: Vec<String> = Vec::new();
    let mut tasks = JoinSet::new();
    let mut n = 0u64;
    loop {
        while tasks.len() < in_flight && hostile.served() < target {
            n += 1;
            let (call_client, label) = if n.is_multiple_of(4) {
                // Straight at the hostile server: the sign-in (or OAuth token) meets it.
                let oauth = n.is_multiple_of(8);
                let label = if oauth {
                    "oauth sign-in"
                } else {
                    "ps-auth sign-in"
                };
                (client(hostile.url(), &http, oauth), label)
            } else {
                (shared.clone(), "signed in")
            };
            tasks.spawn(async move {
                let began = Instant::now();
                let mut call = tokio::spawn(one_call(call_client, n));
                match tokio::time::timeout(Duration::from_secs(10), &mut call).await {
                    Ok(joined) => Ok(joined),
                    Err(_elapsed) => {
                        // A hang. Does it ever end? (Told in the failure message.)
                        let late = tokio::time::timeout(Duration::from_secs(60), call).await;
                        Err(format!(
                            "call {n} ({label}, kind {}): {}",
                            n % 6,
                            match late {
                                Ok(_) =>
                                    format!("ended after {:.1} s", began.elapsed().as_secs_f64()),
                                Err(_) => "still running after 70 s".to_owned(),
                            }
                        ))
                    }
                }
            });
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
            Ok(Err(hang)) => hangs.push(hang),
            Err(join) => panic!("the timeout task failed: {join}"),
        }
    }
    drop(front);
    let responses = hostile.served();
    println!(
        "hostile: {responses} responses, {panics} panics, {} hangs ({calls} calls: {values} values, {errors} typed errors; {:.1} s, {in_flight} in flight)",
        hangs.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(responses >= target, "{responses} < {target}");
    assert_eq!(panics, 0, "calls panicked");
    assert!(
        hangs.is_empty(),
        "{} calls outlived their timeout:\n{}",
        hangs.len(),
        hangs.join("\n")
    );
}
