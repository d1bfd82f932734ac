//! The shape every msp-sdk vendor crate shares: the builder's setter names, the crate-root
//! re-exports, the vendor's error detail through `ErrorExt`, and the simulator's API.
#![cfg(feature = "sim")]

use std::time::Duration;

use screenconnect_client::sim::{Chaos, Fault as SimFault, Simulator, method_of};
use screenconnect_client::{
    Call, Client, ClientBuilder, Error, ErrorExt, Fault, Listing, Raw, Result, RetryPolicy,
    WriteMode, msp_common, reqwest,
};

/// Every shared setter, by name, on one builder.
fn every_shared_setter(builder: ClientBuilder, url: &str) -> ClientBuilder {
    builder
        .base_url(url)
        .user_agent("shape-test/1.0")
        .timeout(Duration::from_secs(30))
        .no_timeout()
        .timeout(Duration::from_secs(20))
        .connect_timeout(Duration::from_secs(5))
        .max_response_bytes(1 << 20)
        .allow_http(true)
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .write_mode(WriteMode::ReadWrite)
}

#[tokio::test]
async fn the_builder_speaks_the_shared_vocabulary() -> Result<()> {
    let sim = Simulator::start().await;
    let secret = sim.secret();

    // Through every shared setter, with our own reqwest client (one dependency line:
    // reqwest is re-exported).
    let client: Client = every_shared_setter(Client::builder(), &sim.url())
        .http_client(reqwest::Client::new())
        .secret(secret.clone())
        .build()?;
    assert_eq!(client.base_url().as_str(), format!("{}/", sim.url()));
    assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    assert_eq!(client.sessions().by_name("ACME-DC01").await?.len(), 1);
    let user_agent = sim.received()[0].header("user-agent").map(str::to_owned);
    assert_eq!(
        user_agent.as_deref(),
        Some(concat!(
            "screenconnect-client/",
            env!("CARGO_PKG_VERSION"),
            " shape-test/1.0"
        ))
    );

    // danger_accept_invalid_certs cannot be combined with http_client: a second client.
    let lab = every_shared_setter(Client::builder(), &sim.url())
        .danger_accept_invalid_certs(true)
        .secret(secret.clone())
        .build()?;
    assert_eq!(lab.sessions().by_name("ACME-DC01").await?.len(), 1);
    let err = every_shared_setter(Client::builder(), &sim.url())
        .danger_accept_invalid_certs(true)
        .http_client(reqwest::Client::new())
        .secret(secret)
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");

    // write_mode on the builder, with_write_mode on the client.
    let careful = sim
        .client_builder()
        .write_mode(WriteMode::ReadOnly)
        .build()?;
    assert_eq!(careful.write_mode(), WriteMode::ReadOnly);
    assert_eq!(
        careful.with_write_mode(WriteMode::DryRun).write_mode(),
        WriteMode::DryRun
    );
    Ok(())
}

#[tokio::test]
async fn vendor_errors_read_through_error_ext() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    sim.set_missing_methods(["GetSessionsByFilter"]);
    let err: Error = client.sessions().by_filter("Name = 'x'").await.unwrap_err();
    assert_eq!(err.missing_method(), Some("GetSessionsByFilter"));
    assert_eq!(
        err.fault(),
        Some(&Fault::MethodNotAvailable {
            method: "GetSessionsByFilter".into()
        })
    );
    let wrong = sim.client_builder().secret("nope").build().unwrap();
    let err = wrong.sessions().by_name("x").await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::SecretRefused {
            basic_prefix: false
        })
    );
    assert!(err.to_string().contains("CTRLAuthHeader"), "{err}");
}

#[tokio::test]
async fn the_simulator_has_the_shared_shape() {
    // start, builder, url, client, client_builder.
    let sim = Simulator::builder()
        .access_sessions(2)
        .seed(1)
        .start()
        .await;
    assert!(sim.url().starts_with("http://127.0.0.1:"));
    let client = sim.client().unwrap();
    let same = sim.client_builder().build().unwrap();
    assert_eq!(client.base_url(), same.base_url());

    // inject: a common fault (ours or msp-common's) and a ScreenConnect one.
    sim.inject(SimFault::status(500), 1).await;
    let err = client.sessions().by_name("HOST-0001").await.unwrap_err();
    assert!(
        matches!(err.fault(), Some(Fault::ServerFault { .. })),
        "{err}"
    );
    sim.inject(msp_common::sim::Fault::status(500), 1).await;
    assert!(client.sessions().by_name("HOST-0001").await.is_err());
    sim.inject(SimFault::MethodMissing, 1).await;
    let err = client.sessions().by_name("HOST-0001").await.unwrap_err();
    assert_eq!(err.missing_method(), Some("GetSessionsByName"));
    assert_eq!(
        client.sessions().by_name("HOST-0001").await.unwrap().len(),
        1
    );

    // set_chaos: every answer fails, then none.
    sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
    let err = client
        .sessions()
        .by_name("HOST-0001")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
    sim.set_chaos(Chaos::none());

    // received: every request as it came over the wire.
    let received = sim.received();
    assert_eq!(received.len(), 5);
    assert!(received.iter().all(|r| r.method == "POST"));
    assert!(
        received
            .iter()
            .all(|r| method_of(r) == Some("GetSessionsByName"))
    );
    assert_eq!(received[0].json(), Some(serde_json::json!(["HOST-0001"])));
    assert_eq!(sim.received_count(), 5);
    sim.clear_received();
    assert_eq!(sim.received_count(), 0);
}

#[test]
fn the_root_re_exports_what_the_api_takes() {
    fn takes<T>() {}
    takes::<Call<()>>();
    takes::<Error>();
    takes::<Result<()>>();
    takes::<RetryPolicy>();
    takes::<WriteMode>();
    takes::<reqwest::Client>();
    takes::<msp_common::ClientOptions>();
    fn is_raw<T: Raw>() {}
    is_raw::<Client>();
    // ScreenConnect has no paged lists, but the shared list surface is re-exported too.
    fn _listing<L: Listing>(listing: L) -> L {
        listing.limit(10)
    }
}
