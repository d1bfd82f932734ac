//! The shape every msp-sdk crate shares: the builder's setter names, the vendor error
//! read through `ErrorExt`, the crate-root re-exports and the simulator's API.
#![cfg(feature = "sim")]

use std::time::Duration;

use cwmanage_client::models::Ticket;
use cwmanage_client::sim::{Chaos, Fault, Simulator};
use cwmanage_client::{
    Client, Credentials, Error, ErrorExt, Listing, RetryPolicy, WriteMode, reqwest,
};

fn credentials() -> Credentials {
    Credentials::new("myco", "pub", "priv")
}

#[test]
fn every_shared_setter_name_builds_a_client() {
    let client = Client::builder()
        .base_url("https://cw.example.com/v2025_1/apis/3.0")
        .user_agent("shape-test/1.0")
        .timeout(Duration::from_secs(30))
        .no_timeout()
        .connect_timeout(Duration::from_secs(5))
        .max_response_bytes(1 << 20)
        .allow_http(false)
        .danger_accept_invalid_certs(false)
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .http_client(reqwest::Client::new())
        .write_mode(WriteMode::DryRun)
        .credentials(credentials())
        .client_id("3f6bd3ac-1111-4222-8333-444455556666")
        .build()
        .unwrap();
    assert_eq!(client.write_mode(), WriteMode::DryRun);
    assert_eq!(
        client.with_write_mode(WriteMode::ReadOnly).write_mode(),
        WriteMode::ReadOnly
    );
    assert_eq!(
        client.base_url(),
        "https://cw.example.com/v2025_1/apis/3.0/"
    );
    // Without a shared http client, certificate checks can be turned off (lab servers).
    let lab = Client::builder()
        .base_url("https://cw.lab.example.com")
        .danger_accept_invalid_certs(true)
        .credentials(credentials())
        .client_id("3f6bd3ac-1111-4222-8333-444455556666")
        .build()
        .unwrap();
    assert_eq!(
        lab.base_url(),
        "https://cw.lab.example.com/v4_6_release/apis/3.0/"
    );
    // The other re-exports of the crate root are the shared types themselves.
    let _: fn() -> cwmanage_client::msp_common::RetryPolicy = RetryPolicy::default;
    let _: Option<cwmanage_client::Call<()>> = None;
    let _: cwmanage_client::Result<()> = Ok(());
    let _: fn(&Error) -> bool = cwmanage_client::Error::is_retryable;
}

#[tokio::test]
async fn the_simulator_has_the_shared_shape_and_errors_read_through_error_ext() {
    let sim = Simulator::builder().tickets(30).seed(3).start().await;
    assert!(sim.url().starts_with("http://127.0.0.1:"));
    let client = sim.client().unwrap();

    // A rejected write: Manage's body and its per-field errors.
    let err = client
        .tickets()
        .create(&Ticket::new("", 1))
        .await
        .unwrap_err();
    let body = err.manage_error().expect("Manage's error body");
    assert_eq!(body.code.as_deref(), Some("InvalidObject"));
    assert_eq!(err.field_errors()[0].field.as_deref(), Some("summary"));
    assert!(err.callback_error().is_none());

    // An injected fault, in Manage's shape; not retried (a 500 may have acted).
    sim.inject(Fault::status(500), 1).await;
    let err = client.tickets().get(1u64).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(
        err.manage_error().unwrap().code.as_deref(),
        Some("ServerError")
    );

    // Every request was recorded as sent.
    let received = sim.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].method, "POST");
    assert_eq!(received[0].path, "/v4_6_release/apis/3.0/service/tickets");
    assert_eq!(received[0].json().unwrap()["summary"], "");
    assert_eq!(received[1].path, "/v4_6_release/apis/3.0/service/tickets/1");
    assert_eq!(received[1].header("clientId"), Some(sim.client_id()));

    // Chaos: every answer fails with Manage's throttle, which reads are retried on.
    sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
    let busy = sim
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = busy.tickets().list().collect().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(1)));
    assert_eq!(
        err.manage_error().unwrap().code.as_deref(),
        Some("TooManyRequests")
    );
    sim.set_chaos(Chaos::none());
    assert_eq!(busy.tickets().list().collect().await.unwrap().len(), 30);
}

#[tokio::test]
async fn the_simulator_starts_on_a_given_loopback_address() {
    let sim = Simulator::builder()
        .tickets(3)
        .start_on(std::net::Ipv4Addr::LOCALHOST.into())
        .await
        .unwrap();
    assert_eq!(sim.client().unwrap().tickets().count("").await.unwrap(), 3);
    let refused = Simulator::builder()
        .start_on(std::net::Ipv4Addr::new(192, 0, 2, 1).into())
        .await;
    assert!(refused.is_err(), "only loopback addresses");
}
