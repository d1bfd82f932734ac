//! Secrets stay out of trace logs, end to end against the simulator (feature `sim`).
//!
//! Alone in its binary: `tracing` caches callsite interest process-wide, so a scoped
//! subscriber is only reliable when no other test runs at the same time.
#![cfg(feature = "sim")]

use beyondtrust_sessions_client::ErrorExt;
use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::sim::Simulator;
use beyondtrust_sessions_client::{AccessType, NewRequest};

#[tokio::test]
async fn secrets_stay_out_of_trace_logs() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sim = Simulator::builder()
        .api_key("marker-api-key-0001")
        .require_password("marker-password-0002")
        .start()
        .await;
    let buf = Buf(Arc::new(Mutex::new(Vec::new())));
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    // #[tokio::test] runs on the current thread, so the default subscriber sees every call.
    let _default = tracing::subscriber::set_default(subscriber);

    let client = sim.client().unwrap();
    let id = client
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(10))
        .await
        .unwrap();
    let password = client.credentials().get(id, None).await.unwrap();
    client.requests().checkin(id, "").await.unwrap();
    let guard = client.requests().guard(id);
    drop(guard);
    let err = client.credentials().get(id, None).await.unwrap_err();
    assert!(err.is_not_permitted());
    client.sign_out().await.unwrap();

    let cookies: Vec<String> = sim
        .received()
        .iter()
        .filter_map(|r| r.header("cookie").map(str::to_owned))
        .collect();
    assert!(!cookies.is_empty());
    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("msp_request"),
        "the calls were traced: {logs}"
    );
    assert!(logs.contains("without check-in"));
    for secret in [
        "marker-api-key-0001",
        "marker-password-0002",
        password.expose_secret(),
    ]
    .into_iter()
    .chain(cookies.iter().map(|c| c.split('=').nth(1).unwrap()))
    {
        assert!(!logs.contains(secret), "{secret} leaked into the logs");
    }
}
