//! Secrets never reach traces: a session against the simulator with a marker private
//! key, including a refused call whose body echoes the key, captured at TRACE level.
//!
//! One test in its own binary: tracing's per-callsite interest cache is process-wide.
#![cfg(feature = "sim")]

use cwmanage_client::Credentials;
use cwmanage_client::Listing;
use cwmanage_client::sim::Simulator;
use msp_common::sim::suite::LogCapture;

#[tokio::test]
async fn the_private_key_never_reaches_traces() {
    let captured = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let sim = Simulator::builder()
        .tickets(50)
        .credentials("myco", "pub", "PRIVKEY-MARKER")
        .start()
        .await;
    let client = |private: &str| {
        sim.client_builder()
            .credentials(Credentials::new("myco", "pub", private))
            .build()
            .unwrap()
    };
    let good = client("PRIVKEY-MARKER");
    let tickets = good.tickets().list().page_size(20).collect().await.unwrap();
    assert_eq!(tickets.len(), 50);
    let bad = client("WRONG-MARKER");
    let err = bad.tickets().list().collect().await.unwrap_err();
    assert!(err.is_auth() || err.is_not_found(), "{err}");

    let logs = captured.text();
    assert!(logs.contains("msp_request"), "calls are traced");
    for text in [
        logs,
        err.to_string(),
        format!("{err:?}"),
        format!("{good:?}"),
        format!("{bad:?}"),
    ] {
        assert!(!text.contains("MARKER"), "a secret leaked into: {text}");
    }
}
