//! Re-sign-in on an invalidated session, end to end against the simulator (feature
//! `sim`): 100 concurrent reads cost exactly one `Auth/SignAppin`, with `PS-Auth` and
//! with OAuth; a write the server refused with 401 (without acting) is resent once.
#![cfg(feature = "sim")]

use beyondtrust_sessions_client::sim::Simulator;
use beyondtrust_sessions_client::{AccessType, Client, Listing, NewRequest, OAuthClient};

fn count(sim: &Simulator, method: &str, suffix: &str) -> usize {
    sim.received()
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(suffix))
        .count()
}

/// Signs in, invalidates every session on the server, then makes 100 reads at once.
async fn hundred_reads_after_expiry(sim: &Simulator, client: &Client) {
    client.sign_in().await.unwrap();
    assert_eq!(count(sim, "POST", "/Auth/SignAppin"), 1);
    sim.expire_sessions();
    let reads = (0..100).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.sessions().list().collect().await })
    });
    for read in futures_util::future::join_all(reads).await {
        assert_eq!(read.unwrap().unwrap().len(), 5);
    }
    // Exactly one re-sign-in for the whole wave of refusals.
    assert_eq!(count(sim, "POST", "/Auth/SignAppin"), 2);
    assert_eq!(sim.sign_in_count(), 2);
    assert_eq!(sim.active_sessions(), 1);
    // Each read went out at most twice (refused, then resent with the new cookie); at
    // least one of them was refused.
    let lists = count(sim, "GET", "/Sessions");
    assert!((101..=200).contains(&lists), "{lists} list requests");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_reads_sign_in_again_once_with_ps_auth() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    hundred_reads_after_expiry(&sim, &client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_concurrent_reads_sign_in_again_once_with_oauth() {
    let sim = Simulator::start().await;
    let client = sim
        .client_builder()
        .credentials(OAuthClient::new(
            sim.oauth_client_id(),
            sim.oauth_client_secret(),
        ))
        .build()
        .unwrap();
    hundred_reads_after_expiry(&sim, &client).await;
    // One token per sign-in.
    assert_eq!(count(&sim, "POST", "/Auth/connect/token"), 2);
}

#[tokio::test]
async fn a_write_refused_with_401_is_resent_once_after_the_sign_in() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    client.sign_in().await.unwrap();
    sim.expire_sessions();
    // The server refuses the expired cookie before acting: nothing is created by the
    // first attempt, so resending the write once is safe.
    let id = client
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(10))
        .await
        .unwrap();
    assert_eq!(count(&sim, "POST", "/Requests"), 2);
    assert_eq!(count(&sim, "POST", "/Auth/SignAppin"), 2);
    let requests = sim.access_requests();
    assert_eq!(requests.len(), 1, "created once");
    assert_eq!(requests[0].request_id, id);
    let bodies: Vec<Vec<u8>> = sim
        .received()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/Requests"))
        .map(|r| r.body)
        .collect();
    assert_eq!(bodies[0], bodies[1], "the resend is the same write");

    // The same for a check-in: refused, one sign-in, resent once, done once.
    sim.expire_sessions();
    client.requests().checkin(id, "done").await.unwrap();
    assert_eq!(count(&sim, "PUT", "/Checkin"), 2);
    assert_eq!(count(&sim, "POST", "/Auth/SignAppin"), 3);
    assert_eq!(
        sim.access_requests()[0].status,
        beyondtrust_sessions_client::RequestStatus::Expired
    );
    // (A write refused again after the re-sign-in is not sent a third time: see
    // `wire_auth.rs`, which needs a server that keeps refusing.)
}
