//! The one shape every msp-sdk vendor crate has: the shared builder setters, vendor
//! errors through `ErrorExt`, and the simulator's shared API (feature `sim`).
#![cfg(feature = "sim")]

use std::sync::Arc;
use std::time::Duration;

use beyondtrust_sessions_client::msp_common::retry::{FixedJitter, ManualClock};
use beyondtrust_sessions_client::sim::{Chaos, Fault, Simulator};
use beyondtrust_sessions_client::{
    AccessType, AuthFailure, Client, ClientBuilder, Error, ErrorCode, ErrorExt, Listing,
    NewRequest, PsAuth, RetryPolicy, SessionType, WriteMode, reqwest,
};

/// A builder through every shared setter name.
fn every_shared_setter(sim: &Simulator) -> ClientBuilder {
    Client::builder()
        .base_url(sim.api_url())
        .user_agent("shape-test/1.0")
        .no_timeout()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(2))
        .max_response_bytes(1 << 20)
        .allow_http(true)
        .danger_accept_invalid_certs(false)
        .retry_policy(RetryPolicy::default().with_max_attempts(4))
        .http_client(reqwest::Client::new())
        .write_mode(WriteMode::ReadWrite)
        .credentials(sim.ps_auth())
}

/// The error of requesting `minutes` of View access to an account.
async fn view_request_error(client: &Client, system: u64, account: u64, minutes: u32) -> Error {
    client
        .requests()
        .create(NewRequest::new(AccessType::View, system, account).duration_minutes(minutes))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn every_shared_setter_builds_a_working_client() {
    let sim = Simulator::start().await;
    let client = every_shared_setter(&sim).build().unwrap();
    assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    assert_eq!(
        client.transport().base_url().as_str(),
        format!("{}/", sim.api_url())
    );
    let me = client.sign_in().await.unwrap();
    assert_eq!(me.user_id.get(), 7);
    let sign_in = &sim.received()[0];
    let agent = sign_in.header("user-agent").unwrap();
    assert!(
        agent.starts_with("beyondtrust-sessions-client/") && agent.ends_with(" shape-test/1.0"),
        "{agent}"
    );

    // `host` is the convenience that sets the same base URL; `no_timeout` and
    // `danger_accept_invalid_certs` build (the latter without a shared `http_client`).
    let by_host = Client::builder()
        .host(sim.url())
        .allow_http(true)
        .no_timeout()
        .danger_accept_invalid_certs(true)
        .credentials(sim.ps_auth())
        .build()
        .unwrap();
    assert_eq!(
        by_host.transport().base_url(),
        client.transport().base_url()
    );
    assert_eq!(by_host.sessions().list().collect().await.unwrap().len(), 5);
    assert!(
        every_shared_setter(&sim)
            .danger_accept_invalid_certs(true)
            .build()
            .is_err(),
        "turning certificate checks off cannot apply to a caller's http_client"
    );

    // `write_mode` reaches the calls.
    let read_only = every_shared_setter(&sim)
        .write_mode(WriteMode::ReadOnly)
        .build()
        .unwrap();
    assert_eq!(read_only.write_mode(), WriteMode::ReadOnly);
    let before = sim.received().len();
    let err = view_request_error(&read_only, 1, 10, 5).await;
    assert!(err.is_write_refused(), "{err}");
    assert_eq!(sim.received().len(), before, "nothing was sent");

    // A small `max_response_bytes` refuses a larger answer.
    let tiny = every_shared_setter(&sim)
        .max_response_bytes(64)
        .build()
        .unwrap();
    assert!(tiny.sessions().list().collect().await.is_err());
}

#[tokio::test]
async fn vendor_errors_read_through_error_ext() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();

    // 4031: the account may not be requested.
    let err = view_request_error(&client, 2, 21, 5).await;
    assert_eq!(err.error_code(), Some(ErrorCode::NotPermitted));
    assert!(err.is_not_permitted());

    // 4034: not yet approved; 4091: a conflicting request.
    let new = NewRequest::new(AccessType::Rdp, 1, 11).duration_minutes(5);
    let id = client.requests().create(new.clone()).await.unwrap();
    let err = client
        .sessions()
        .create(id, SessionType::RdpFile)
        .await
        .unwrap_err();
    assert!(err.is_not_yet_approved(), "{err}");
    let err = client.requests().create(new).await.unwrap_err();
    assert_eq!(err.error_code(), Some(ErrorCode::ConflictingRequest));

    // A refused sign-in and input refused before sending.
    let wrong = sim
        .client_builder()
        .credentials(PsAuth::new("wrong-key").runas(sim.runas()))
        .build()
        .unwrap();
    let err = wrong.sign_in().await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SignInRefused));
    let err = view_request_error(&client, 1, 10, 0).await;
    assert_eq!(
        err.validation_error().map(|v| v.field()),
        Some("DurationMinutes")
    );
}

#[tokio::test]
async fn the_simulator_has_the_shared_api() {
    // `builder()` … `.seed(..)` … `start()`: the same seed issues the same cookies.
    let first_cookie = |sim: &Simulator| {
        sim.received()
            .iter()
            .find_map(|r| r.header("cookie").map(str::to_owned))
            .unwrap()
    };
    let mut cookies = Vec::new();
    for seed in [7, 7, 8] {
        let sim = Simulator::builder().seed(seed).start().await;
        let client = sim.client().unwrap();
        client.sessions().list().collect().await.unwrap();
        cookies.push(first_cookie(&sim));
    }
    assert_eq!(cookies[0], cookies[1]);
    assert_ne!(cookies[0], cookies[2]);

    // `start_on` listens on loopback addresses only.
    let local = Simulator::builder()
        .start_on("127.0.0.1".parse().unwrap())
        .await
        .unwrap();
    assert!(local.url().starts_with("http://127.0.0.1:"));
    let err = Simulator::builder()
        .start_on("192.0.2.1".parse().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);

    // `start`, `url` (the server root), `client`, `received`.
    let sim = Simulator::start().await;
    assert_eq!(
        sim.api_url(),
        format!("{}/BeyondTrust/api/public/v3", sim.url())
    );
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .credentials(sim.ps_auth())
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap();
    client.sign_in().await.unwrap();
    let received = sim.received();
    assert_eq!(received.len(), 1);
    assert_eq!(sim.received_count(), 1);
    assert_eq!(received[0].method, "POST");
    assert_eq!(
        received[0].path,
        "/BeyondTrust/api/public/v3/Auth/SignAppin"
    );
    assert!(
        received[0]
            .header("authorization")
            .unwrap()
            .starts_with("PS-Auth key=")
    );

    // `inject`: a 429 with Retry-After is ridden out by a read, in Password Safe's
    // error shape when it persists.
    sim.inject(Fault::too_many_requests(2), 1).await;
    assert_eq!(client.sessions().list().collect().await.unwrap().len(), 5);
    assert!(clock.sleeps().contains(&Duration::from_secs(2)));
    sim.inject(Fault::status(500), 1).await;
    let err = client.sessions().get(501.into()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(err.api().unwrap().message(), Some("Simulated failure"));
    let calls = sim.received().len();
    sim.inject(Fault::Delay(Duration::from_millis(20)), 1).await;
    assert_eq!(
        client
            .sessions()
            .get(501.into())
            .await
            .unwrap()
            .session_id
            .get(),
        501
    );
    assert_eq!(sim.received().len(), calls + 1);

    // `set_chaos`: every answer fails, then none.
    sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
    let err = client.sessions().list().collect().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    sim.set_chaos(Chaos::none());
    assert_eq!(client.sessions().list().collect().await.unwrap().len(), 5);
}
