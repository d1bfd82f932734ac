//! What the transport sends, and what it never shows.

mod support;

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
    let bare = t
        .preview(&request.clone().without_default_headers())
        .unwrap();
    assert!(
        !bare
            .headers
            .iter()
            .any(|(k, _)| k == "authorization" || k == "clientid")
    );

    let response = t.send(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let v: serde_json::Value = response.json().unwrap();
    assert_eq!(v["id"], 9);
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

#[tokio::test]
async fn dot_segments_are_refused_instead_of_silently_dropped() {
    // `url` drops `.` and `..` segments when pushing them: a name of `..` would turn
    // `DELETE customfields/{name}` into `DELETE customfields`. Nothing may be sent.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let t = builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .build()
        .unwrap();
    for name in ["..", "."] {
        let request = Request::delete("assets/customfields").segments([name]);
        let err = t.url_for(&request).unwrap_err();
        assert!(matches!(err, msp_common::Error::Config { .. }), "{err:?}");
        let err = t.send(request).await.unwrap_err();
        assert!(matches!(err, msp_common::Error::Config { .. }), "{err:?}");
    }
    let err = t
        .send(Request::delete("assets/../customfields"))
        .await
        .unwrap_err();
    assert!(matches!(err, msp_common::Error::Config { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
    // Names that merely contain dots are fine.
    let url = t
        .url_for(&Request::get("files").segments(["...", ".hidden", "a..b"]))
        .unwrap();
    assert!(url.path().ends_with("/api/files/.../.hidden/a..b"), "{url}");
}

#[tokio::test]
async fn transport_options_are_applied_in_one_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("user-agent", "x/1 my-app/2"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let mut options = msp_common::TransportOptions::default();
    options.app_user_agent = Some("my-app/2".into());
    options.allow_http = true;
    options.retry_policy = Some(msp_common::RetryPolicy::default().with_max_attempts(4));
    options.clock = Some(std::sync::Arc::new(clock.clone()));
    options.max_response_bytes = Some(1024);
    assert!(!format!("{options:?}").is_empty());
    let t = msp_common::Transport::builder("V", "x/1")
        .base_url(server.uri())
        .options(options)
        .build()
        .unwrap();
    let err = t.send(Request::get("x")).await.unwrap_err();
    assert_eq!(err.attempts(), 4, "the retry policy came through");
    assert_eq!(clock.sleeps().len(), 3, "so did the clock");
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn send_follows_same_origin_redirects_only_when_asked() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/api/new?x=1"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/new"))
        .and(query_param("x", "1"))
        .and(header("authorization", format!("Basic {MARKER}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[7]", "application/json"))
        .mount(&server)
        .await;
    let base = format!("{}/api/", server.uri());
    let transport = |same_origin: bool| {
        builder(&base, &ManualClock::new())
            .sensitive_header(
                "Authorization",
                SecretString::from(format!("Basic {MARKER}")),
            )
            .unwrap()
            .follow_redirects(same_origin)
            .build()
            .unwrap()
    };

    // Not following: the redirect is the answer, an error naming its status.
    let err = transport(false)
        .send(Request::get("old"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::MOVED_PERMANENTLY));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Following the same origin, credentials kept.
    let items: Vec<u32> = transport(true)
        .send_json(Request::get("old"))
        .await
        .unwrap();
    assert_eq!(items, [7]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn redacted_headers_and_operation_names_show_in_previews_only() {
    let t = builder("https://h.example/api/", &ManualClock::new())
        .build()
        .unwrap();
    let request = Request::get("x")
        .operation("list_x")
        .redacted_header("Authorization")
        .unwrap();
    assert_eq!(request.operation_name(), "list_x");
    let preview = t.preview(&request).unwrap();
    assert!(
        preview
            .headers
            .contains(&("authorization".into(), "[REDACTED]".into()))
    );
    assert_eq!(preview.url, "https://h.example/api/x");
}
