//! Secrets never reach traces: every event of a full session — sign-in, a refused token,
//! renewal, an error answer — is captured at TRACE level and searched for the markers.
//!
//! One test in its own binary: tracing's per-callsite interest cache is process-wide.

use std::io::Write;
use std::sync::{Arc, Mutex};

use kaseya_vsa_client::Client;
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::{Listing, Raw};
use serde_json::json;
use wiremock::matchers::{header, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn passwords_tokens_and_payloads_never_reach_traces() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    for (i, token) in ["TOKEN-MARKER-one", "TOKEN-MARKER-two"].iter().enumerate() {
        Mock::given(path("/api/v1.0/auth"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "Result": {"Token": token, "ApiToken": "APITOKEN-MARKER", "SessionExpiration": "2999-01-01T00:00:00"},
                "ResponseCode": 0
            })))
            .up_to_n_times(1)
            .with_priority(i as u8 + 1)
            .mount(&server)
            .await;
    }
    Mock::given(path("/api/v1.0/system/orgs"))
        .and(header("authorization", "Bearer TOKEN-MARKER-one"))
        .respond_with(ResponseTemplate::new(401).set_body_string("token TOKEN-MARKER-one expired"))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/orgs"))
        .and(header("authorization", "Bearer TOKEN-MARKER-two"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"Result": [], "TotalRecords": 0, "ResponseCode": 0})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/users"))
        .respond_with(ResponseTemplate::new(500).set_body_string("echo: PASSWORD-MARKER"))
        .mount(&server)
        .await;

    let vsa = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "PASSWORD-MARKER"))
        .build()
        .unwrap();
    let orgs = vsa.orgs().list().collect().await.unwrap();
    assert!(orgs.is_empty());
    assert_eq!(vsa.auth_count(), 2, "the refused token was renewed");
    let err = vsa
        .get::<serde_json::Value>("system/users", &[])
        .await
        .unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("msp_request"), "calls are traced: {logs}");
    for text in [
        logs,
        err.to_string(),
        format!("{err:?}"),
        format!("{vsa:?}"),
    ] {
        assert!(!text.contains("MARKER"), "a secret leaked into: {text}");
    }
}
