//! Secrets never reach `Debug`, errors or traces.
//!
//! This file holds a single test: it installs a tracing subscriber, and tracing's
//! per-callsite interest cache is process-wide, so a test binary of its own keeps other
//! tests' threads from racing it.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use futures_util::future::BoxFuture;
use msp_common::call::{Authorization, Call, Service, WriteMode};
use msp_common::retry::ManualClock;
use msp_common::secret::SecretString;
use msp_common::{Request, Transport};
use support::builder;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const MARKER: &str = "MARKER-SECRET-7f3a9c";
/// A session token only `Service::authorize` knows (the transport is not told of it).
const SESSION: &str = "SESSION-SECRET-4b1d02";

/// A client that attaches its session token to every attempt.
struct Session {
    transport: Transport,
    token: SecretString,
}

impl Service for Session {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn write_mode(&self) -> WriteMode {
        WriteMode::DryRun
    }

    fn authorize<'a>(&'a self, _: &'a Request) -> BoxFuture<'a, msp_common::Result<Authorization>> {
        Box::pin(async move { Authorization::new(1).sensitive_header("X-Session", &self.token) })
    }

    fn preview_credentials(&self, request: Request) -> msp_common::Result<Request> {
        request.redacted_header("X-Session")
    }
}

/// A `MakeWriter` collecting everything the fmt subscriber writes.
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
async fn a_marker_secret_never_appears_in_debug_errors_or_traces() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    // A hostile server that echoes credentials back in its error bodies.
    let server = MockServer::start().await;
    Mock::given(path("/api/denied"))
        .respond_with(ResponseTemplate::new(401).set_body_raw(
            format!(r#"{{"message":"bad key Basic {MARKER} and token {MARKER}-tok"}}"#),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/api/echo"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(format!("<html>{MARKER}-tok</html>"), "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/session-echo"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            format!(r#"{{"message":"session {SESSION} is not valid here"}}"#),
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(path("/api/session-busy"))
        .respond_with(ResponseTemplate::new(503).set_body_string(format!("busy {SESSION}")))
        .mount(&server)
        .await;
    Mock::given(path("/api/session-page"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(format!("<p>{SESSION}</p>"), "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/busy"))
        .respond_with(ResponseTemplate::new(503).set_body_string(format!("busy {MARKER}")))
        .mount(&server)
        .await;

    let token = SecretString::from(format!("{MARKER}-tok"));
    let b = builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .sensitive_header(
            "Authorization",
            SecretString::from(format!("Basic {MARKER}")),
        )
        .unwrap()
        .redact(SecretString::from(MARKER));
    assert!(!format!("{b:?}").contains(MARKER));
    let t = b.build().unwrap();
    assert!(!format!("{t:?}").contains(MARKER));

    let mut texts = Vec::new();
    for p in ["denied", "echo", "busy"] {
        let request = Request::get(p)
            .sensitive_header("X-Session", &token)
            .unwrap();
        texts.push(format!("{request:?}"));
        texts.push(format!("{:?}", t.preview(&request).unwrap()));
        let err = t.send_json::<serde_json::Value>(request).await.unwrap_err();
        texts.push(err.to_string());
        texts.push(format!("{err:?}"));
        if let Some(api) = err.api() {
            texts.push(api.body().to_owned());
        }
    }
    assert!(texts[2].contains("[REDACTED]"), "{}", texts[2]);

    // A token attached per attempt by `Service::authorize` is redacted from the error
    // bodies that echo it (the read is retried on 503, each attempt's error redacted),
    // and a dry run's preview shows it as `[REDACTED]`.
    let session = std::sync::Arc::new(Session {
        transport: t.clone(),
        token: SecretString::from(SESSION),
    });
    for p in ["session-echo", "session-busy", "session-page"] {
        let call: Call<serde_json::Value> =
            Call::read_json(session.clone(), Ok(Request::get(p).operation("read_echo")));
        texts.push(format!("{call:?}"));
        texts.push(format!("{:?}", call.preview().unwrap()));
        let err = call.await.unwrap_err();
        texts.push(err.to_string());
        texts.push(format!("{err:?}"));
        if let Some(api) = err.api() {
            assert!(api.body().contains("[REDACTED]"), "{}", api.body());
            texts.push(api.body().to_owned());
        }
    }
    let write: Call<serde_json::Value> = Call::write_json(
        session.clone(),
        Request::post("session-echo")
            .json(&serde_json::json!({"a": 1}))
            .map(|r| r.operation("write_echo")),
    );
    let err = write.await.unwrap_err();
    let preview = err.dry_run_preview().expect("a dry run");
    assert!(
        preview
            .headers
            .contains(&("x-session".into(), "[REDACTED]".into()))
    );
    texts.push(format!("{err:?}"));
    texts.push(err.to_string());
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("msp_request"), "the call is traced: {logs}");
    assert!(logs.contains("retrying"), "retries are traced: {logs}");
    texts.push(logs);
    for text in texts {
        assert!(!text.contains(MARKER), "secret leaked into: {text}");
        assert!(!text.contains(SESSION), "session token leaked into: {text}");
    }
}
