//! The retry rule of `Transport::send` (the one loop without vendor hooks), over HTTP on
//! loopback, with a manual clock. The hooks (`Service`) are tested in `call.rs`.

mod support;

use std::sync::atomic::Ordering;
use std::time::Duration;

use msp_common::retry::ManualClock;
use msp_common::{Error, Request, RetryPolicy, StatusCode};
use support::{Behaviour, builder, ok_json, raw_server};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_sequence(server: &MockServer, verb: &str, responses: Vec<ResponseTemplate>) {
    for response in responses {
        Mock::given(method(verb))
            .and(path("/api/things"))
            .respond_with(response)
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"{"ok":true}"#, "application/json")
}

#[tokio::test]
async fn get_503_then_429_then_200_succeeds_after_three_requests_and_waits_as_told() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(429).insert_header("Retry-After", "1"),
            ok(),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();

    let response = t.send(Request::get("things")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.attempts(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    // First retry: full jitter (0.5) of the 100 ms base; second: exactly Retry-After.
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_millis(50), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn http_date_retry_after_is_honoured_and_clamped() {
    let server = MockServer::start().await;
    let clock = ManualClock::new();
    let at = |secs| {
        let when: chrono::DateTime<chrono::Utc> = (clock.now() + Duration::from_secs(secs)).into();
        when.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
    };
    mount_sequence(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(503).insert_header("Retry-After", at(7).as_str()),
            ResponseTemplate::new(503).insert_header("Retry-After", at(7 + 3600).as_str()),
            ok(),
        ],
    )
    .await;
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .retry_policy(RetryPolicy::default().with_max_delay(Duration::from_secs(20)))
        .build()
        .unwrap();
    t.send(Request::get("things")).await.unwrap();
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(7), Duration::from_secs(20)]
    );
}

use msp_common::retry::Clock as _;

#[tokio::test]
async fn post_answered_503_is_sent_once_and_fails_retryable() {
    let server = MockServer::start().await;
    mount_sequence(&server, "POST", vec![ResponseTemplate::new(503), ok()]).await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();

    let err = t
        .send(
            Request::post("things")
                .json(&serde_json::json!({"a": 1}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert!(clock.sleeps().is_empty());

    // PUT, PATCH and DELETE are not replayed by default either.
    for req in [
        Request::put("things"),
        Request::patch("things"),
        Request::delete("things"),
    ] {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(502))
            .mount(&server)
            .await;
        let t = builder(&format!("{}/api/", server.uri()), &clock)
            .build()
            .unwrap();
        let verb = req.method().clone();
        assert!(t.send(req).await.unwrap_err().is_retryable());
        assert_eq!(server.received_requests().await.unwrap().len(), 1, "{verb}");
    }
}

#[tokio::test]
async fn a_write_answered_429_is_retried_because_the_server_refused_it_before_acting() {
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        "POST",
        vec![
            ResponseTemplate::new(429).insert_header("Retry-After", "4"),
            ResponseTemplate::new(429),
            ok(),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let response = t
        .send(
            Request::post("things")
                .json(&serde_json::json!({"a": 1}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.attempts(), 3);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.body == br#"{"a":1}"#));
    // Retry-After first, then the jittered backoff of retry 1 (0.5 × 200 ms).
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(4), Duration::from_millis(100)]
    );

    // The policy still bounds it.
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let err = t.send(Request::delete("things")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(err.attempts(), 3);
    let err = t
        .send(Request::delete("things").retry(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn the_final_error_is_the_last_attempts_answer() {
    // Each attempt's failure is its own API error: the one returned is the last.
    let server = MockServer::start().await;
    mount_sequence(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(503)
                .set_body_raw(r#"{"message":"first"}"#, "application/json")
                .insert_header("x-request-id", "req-1")
                .insert_header("Retry-After", "1"),
            ResponseTemplate::new(502)
                .set_body_raw(r#"{"message":"second"}"#, "application/json")
                .insert_header("x-request-id", "req-2"),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .build()
        .unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(api.message(), Some("second"));
    assert_eq!(api.request_id(), Some("req-2"));
    assert_eq!(
        api.retry_after(),
        None,
        "not the first attempt's Retry-After"
    );
    assert_eq!(api.attempts(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(1)]);
}

#[tokio::test]
async fn a_401_is_not_resent_by_a_bare_transport() {
    // `Transport::send` has no session to renew: a 401 is the answer.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn post_marked_idempotent_is_retried() {
    let server = MockServer::start().await;
    mount_sequence(&server, "POST", vec![ResponseTemplate::new(503), ok()]).await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let response = t
        .send(Request::post("things").idempotent(true))
        .await
        .unwrap();
    assert_eq!(response.attempts(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn per_call_policy_overrides_the_transport() {
    let server = MockServer::start().await;
    mount_sequence(&server, "GET", vec![ResponseTemplate::new(503), ok()]).await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let err = t
        .send(Request::get("things").retry(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // And a GET can be forbidden from replaying.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let err = t
        .send(Request::get("things").idempotent(false))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_time_budget_stops_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "3"))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_budget(Some(Duration::from_secs(5))),
        )
        .build()
        .unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    // 0 s: fail, wait 3 s (fits); 3 s: fail, a 3 s wait would end at 6 s > 5 s: stop.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    assert_eq!(err.attempts(), 2);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert!(err.to_string().contains("after 2 attempts"), "{err}");
}

#[tokio::test]
async fn non_retryable_statuses_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .build()
        .unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    assert!(!err.is_retryable());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_on_a_get_is_retried() {
    let (base, connections) = raw_server(vec![
        Behaviour::Drop,
        Behaviour::Raw(ok_json(r#"{"ok":true}"#)),
    ])
    .await;
    let clock = ManualClock::new();
    let t = builder(&base, &clock).build().unwrap();
    let value: serde_json::Value = t.send_json(Request::get("things")).await.unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(connections.load(Ordering::SeqCst), 2);
    assert_eq!(clock.sleeps().len(), 1);
}

#[tokio::test]
async fn the_attempt_count_appears_in_the_error_after_the_last_try() {
    let (base, connections) = raw_server(vec![Behaviour::Drop]).await;
    let clock = ManualClock::new();
    let t = builder(&base, &clock).build().unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.attempts(), 3);
    assert!(err.is_retryable());
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);

    // A write on a dropped connection is not replayed.
    let err = t.send(Request::post("things")).await.unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn a_request_timeout_is_a_typed_retryable_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let t = builder(&format!("{}/api/", server.uri()), &clock)
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .build()
        .unwrap();
    let err = t.send(Request::get("things")).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 2);
}
