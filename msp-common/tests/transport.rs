//! What the transport sends, and what it never shows.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use msp_common::retry::ManualClock;
use msp_common::secret::SecretString;
use msp_common::{Request, StatusCode};
use support::builder;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MARKER: &str = "MARKER-SECRET-7f3a9c";

#[tokio::test]
async fn headers_user_agent_paths_query_and_body_go_over_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v4_6_release/apis/3.0/service/tickets/a%2Fb/notes"))
        .and(query_param(
            "conditions",
            "summary contains \"A&B + C#\" and name = 'é'",
        ))
        .and(header("user-agent", "msp-common-tests/0.0.0 glue-bot/2.1"))
        .and(header("clientId", "0f5c-guid"))
        .and(header("authorization", format!("Basic {MARKER}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::json!({"text": "hi"})))
        .respond_with(ResponseTemplate::new(201).set_body_raw(r#"{"id":9}"#, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let t = builder(
        &format!("{}/v4_6_release/apis/3.0", server.uri()),
        &ManualClock::new(),
    )
    .app_user_agent("glue-bot/2.1")
    .header("clientId", "0f5c-guid")
    .unwrap()
    .sensitive_header(
        "Authorization",
        SecretString::from(format!("Basic {MARKER}")),
    )
    .unwrap()
    .build()
    .unwrap();
    let request = Request::post("service/tickets")
        .segments(["a/b", "notes"])
        .query("conditions", "summary contains \"A&B + C#\" and name = 'é'")
        .json(&serde_json::json!({"text": "hi"}))
        .unwrap();

    // A dry run shows the exact request without sending it, credentials redacted.
    let preview = t.preview(&request).unwrap();
    assert_eq!(preview.method, msp_common::Method::POST);
    assert!(preview.url.ends_with(
        "/v4_6_release/apis/3.0/service/tickets/a%2Fb/notes?conditions=summary%20contains%20%22A%26B%20%2B%20C%23%22%20and%20name%20%3D%20%27%C3%A9%27"
    ), "{}", preview.url);
    assert!(
        preview
            .headers
            .contains(&("authorization".into(), "[REDACTED]".into()))
    );
    assert!(
        preview
            .headers
            .contains(&("clientid".into(), "0f5c-guid".into()))
    );
    assert_eq!(preview.body.as_deref(), Some(r#"{"text":"hi"}"#));
    assert!(!format!("{preview:?}").contains(MARKER));
    assert!(server.received_requests().await.unwrap().is_empty());

    let response = t.send(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let v: serde_json::Value = response.json().unwrap();
    assert_eq!(v["id"], 9);
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
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("msp_request"), "the call is traced: {logs}");
    assert!(logs.contains("retrying"), "retries are traced: {logs}");
    texts.push(logs);
    for text in texts {
        assert!(!text.contains(MARKER), "secret leaked into: {text}");
    }
}

#[tokio::test]
async fn an_injected_client_is_used_and_dangerous_options_are_refused_with_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&server)
        .await;
    let client = reqwest::Client::new();
    let t = builder(&format!("{}/", server.uri()), &ManualClock::new())
        .http_client(client)
        .build()
        .unwrap();
    let items: Vec<u8> = t.send_json(Request::get("x")).await.unwrap();
    assert!(items.is_empty());
    let ua = &server.received_requests().await.unwrap()[0].headers["user-agent"];
    assert_eq!(ua, "msp-common-tests/0.0.0");

    let err = builder("https://h.example/", &ManualClock::new())
        .http_client(reqwest::Client::new())
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("injected"), "{err}");
}

#[tokio::test]
async fn with_base_url_keeps_settings_and_checks_the_scheme() {
    let server = MockServer::start().await;
    Mock::given(path("/v2025_1/apis/3.0/system/info"))
        .and(header("clientId", "id"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let t = builder(
        "https://old.example/v4_6_release/apis/3.0/",
        &ManualClock::new(),
    )
    .header("clientId", "id")
    .unwrap()
    .build()
    .unwrap();
    let moved = t
        .with_base_url(&format!("{}/v2025_1/apis/3.0/", server.uri()))
        .unwrap();
    moved.send(Request::get("system/info")).await.unwrap();
    let strict = msp_common::Transport::builder("V", "x/1")
        .base_url("https://a.example/")
        .build()
        .unwrap();
    assert!(strict.with_base_url("http://b.example/").is_err());
}
