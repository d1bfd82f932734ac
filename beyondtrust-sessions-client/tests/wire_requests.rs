//! Requests, credentials and managed accounts on the wire: exact paths, queries and
//! bodies; typed 4031 / 4034 / 4091; local validation; writes never retried; the
//! approval wait on a manual clock; the check-in guard's warning.

mod common;

use std::sync::Arc;
use std::time::Duration;

use beyondtrust_sessions_client::requests::RequestListStatus;
use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::{
    AccessType, ApprovalError, ApprovalWait, ConflictOption, CredentialType, ErrorCode, ErrorExt,
    Listing, NewRequest, RequestId, RequestStatus, RetryPolicy,
};
use common::*;
use msp_common::retry::{FixedJitter, ManualClock};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn signed_in_server() -> MockServer {
    let server = MockServer::start().await;
    mount_sign_in(&server, COOKIE_VALUE).await;
    server
}

#[tokio::test]
async fn create_request_sends_the_typed_body_and_reads_a_bare_id() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests")))
        .respond_with(json(201, "4242"))
        .mount(&server)
        .await;
    let client = client(&server);
    let id = client
        .requests()
        .create(
            NewRequest::new(AccessType::View, 1, 10)
                .duration_minutes(525_600)
                .reason("Quarterly audit")
                .conflict_option(ConflictOption::Renew)
                .ticket(3, "INC-0042")
                .rotate_on_checkin(true),
        )
        .await
        .unwrap();
    assert_eq!(id, RequestId(4242));
    let sent = &requests_to(&server, "Requests").await[0];
    assert_eq!(header(sent, "content-type").unwrap(), "application/json");
    assert_eq!(
        header(sent, "cookie").unwrap(),
        format!("ASP.NET_SessionId={COOKIE_VALUE}")
    );
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(body, json_fixture("create_request_body.json"));
}

#[tokio::test]
async fn durations_outside_the_range_are_refused_without_a_request() {
    let server = signed_in_server().await;
    let client = client(&server);
    for minutes in [Some(0), Some(525_601), Some(u32::MAX), None] {
        let mut new = NewRequest::new(AccessType::Rdp, 1, 11);
        if let Some(minutes) = minutes {
            new = new.duration_minutes(minutes);
        }
        let create = client.requests().create(new);
        // The preview reports the same refusal; nothing is sent either way.
        assert!(
            create
                .preview()
                .unwrap_err()
                .to_string()
                .contains("DurationMinutes")
        );
        let err = create.await.unwrap_err();
        let validation = err.validation_error().expect("a validation error");
        assert_eq!(validation.field(), "DurationMinutes");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    let err = client
        .requests()
        .create(NewRequest::new(AccessType::App, 1, 11).duration_minutes(5))
        .await
        .unwrap_err();
    assert_eq!(err.validation_error().unwrap().field(), "ApplicationID");
    // Not even a sign-in went out.
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn vendor_codes_become_typed_errors() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests")))
        .respond_with(json(409, r#""4091 - Conflicting request exists""#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Credentials/5")))
        .respond_with(json(403, r#""4034 - Request is not yet approved.""#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Credentials/6")))
        .respond_with(
            ResponseTemplate::new(403).set_body_string("4031 - User does not have permission."),
        )
        .mount(&server)
        .await;
    let client = client(&server);

    let err = client
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(60))
        .await
        .unwrap_err();
    assert!(err.is_conflicting_request() && err.is_conflict());
    assert_eq!(err.error_code(), Some(ErrorCode::ConflictingRequest));
    assert_eq!(
        err.api().unwrap().message(),
        Some("Conflicting request exists")
    );
    assert_eq!(
        err.to_string(),
        "BeyondTrust Password Safe answered HTTP 409 Conflict: Conflicting request exists (4091)"
    );

    let err = client
        .credentials()
        .get(RequestId(5), None)
        .await
        .unwrap_err();
    assert!(err.is_not_yet_approved());
    assert_eq!(err.status().unwrap().as_u16(), 403);
    let err = client
        .credentials()
        .get(RequestId(6), None)
        .await
        .unwrap_err();
    assert!(err.is_not_permitted());
    assert!(!err.is_not_yet_approved());
    // A write that failed was sent once.
    assert_eq!(requests_to(&server, "Requests").await.len(), 1);
}

#[tokio::test]
async fn writes_are_never_retried_but_reads_are() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests")))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("Requests/77/Checkin")))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "2"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &fixture("requests.json")))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = builder(&server)
        .credentials(beyondtrust_sessions_client::PsAuth::new(KEY).runas(RUNAS))
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .retry_policy(RetryPolicy::default().with_max_attempts(4))
        .build()
        .unwrap();

    let err = client
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(60))
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 503);
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        requests_to(&server, "Requests")
            .await
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count(),
        1
    );

    let err = client
        .requests()
        .checkin(RequestId(77), "done")
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    let checkins = requests_to(&server, "Requests/77/Checkin").await;
    assert_eq!(checkins.len(), 1);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&checkins[0].body).unwrap(),
        serde_json::json!({"Reason": "done"})
    );

    let list = client
        .requests()
        .list()
        .status(RequestListStatus::All)
        .collect()
        .await
        .unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].status, RequestStatus::Pending);
    assert_eq!(list[0].account_name.as_deref(), Some("Administrator"));
    assert_eq!(
        list[2].status,
        RequestStatus::Unknown("Under Review".into())
    );
    assert_eq!(
        list[2].access_type,
        Some(AccessType::Unknown("Telnet".into()))
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2); 2]);
    let gets: Vec<_> = requests_to(&server, "Requests")
        .await
        .into_iter()
        .filter(|r| r.method.as_str() == "GET")
        .collect();
    assert_eq!(gets.len(), 3);
    assert_eq!(gets[2].url.query(), Some("status=all"));
}

#[tokio::test]
async fn checkin_without_reason_sends_an_empty_object() {
    let server = signed_in_server().await;
    Mock::given(method("PUT"))
        .and(path(p("Requests/12/Checkin")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server)
        .requests()
        .checkin(RequestId(12), "")
        .await
        .unwrap();
    let sent = &requests_to(&server, "Requests/12/Checkin").await[0];
    assert_eq!(sent.method.as_str(), "PUT");
    assert_eq!(sent.body, b"{}");
}

#[tokio::test]
async fn credentials_are_a_secret_and_never_quoted_in_errors() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Credentials/31")))
        .respond_with(json(200, r#""marker-credential-Pa$$w0rd""#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Credentials/32")))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("marker-credential-raw", "text/plain"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let secret = client
        .credentials()
        .get(RequestId(31), CredentialType::Password)
        .await
        .unwrap();
    assert_eq!(secret.expose_secret(), "marker-credential-Pa$$w0rd");
    assert_no_secrets(&format!("{secret:?}"));
    let sent = &requests_to(&server, "Credentials/31").await[0];
    assert_eq!(sent.url.query(), Some("type=password"));

    let err = client
        .credentials()
        .get(RequestId(32), None)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        beyondtrust_sessions_client::Error::Protocol { .. }
    ));
    assert_no_secrets(&format!("{err} {err:?}"));
    assert_eq!(
        requests_to(&server, "Credentials/32").await[0].url.query(),
        None
    );
}

#[tokio::test]
async fn managed_account_lookup_by_names() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("ManagedAccounts")))
        .respond_with(json(200, &fixture("managed_account.json")))
        .mount(&server)
        .await;
    let account = client(&server)
        .managed_accounts()
        .find("web01.example.local", r"DOM\svc web&1")
        .await
        .unwrap();
    assert_eq!(account.system_id.get(), 1);
    assert_eq!(account.account_id.get(), 10);
    assert_eq!(account.is_isa_access, Some(true));
    assert_eq!(account.extra["ChangeState"], 0);
    let sent = &requests_to(&server, "ManagedAccounts").await[0];
    assert_eq!(
        sent.url.query(),
        Some("systemName=web01.example.local&accountName=DOM%5Csvc%20web%261")
    );
    let err = client(&server)
        .managed_accounts()
        .find("", "x")
        .await
        .unwrap_err();
    assert_eq!(err.validation_error().unwrap().field(), "systemName");
}

#[tokio::test]
async fn html_and_garbage_answers_are_typed_errors() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("ManagedAccounts")))
        .respond_with(ResponseTemplate::new(500).set_body_raw(
            "<html><head><title>Runtime Error</title></head></html>",
            "text/html",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Requests")))
        .respond_with(json(201, r#"{"unexpected": true}"#))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .managed_accounts()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().message(), Some("Runtime Error"));
    assert_eq!(err.error_code(), None);
    let err = client.requests().list().collect().await.unwrap_err();
    assert!(err.decode_error().is_some());
    let err = client
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(1))
        .await
        .unwrap_err();
    assert!(err.decode_error().is_some(), "{err}");
}

fn requests_body(status: &str) -> String {
    format!(r#"[{{"RequestID": 100, "SystemID": 1, "AccountID": 11, "Status": "{status}"}}]"#)
}

#[tokio::test]
async fn the_approval_wait_backs_off_on_the_clock_until_approved() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &requests_body("Pending")))
        .up_to_n_times(4)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &requests_body("Active")))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = builder(&server)
        .credentials(beyondtrust_sessions_client::PsAuth::new(KEY).runas(RUNAS))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let request = client
        .requests()
        .wait_for_approval(
            RequestId(100),
            ApprovalWait::new()
                .initial_interval(Duration::from_secs(1))
                .max_interval(Duration::from_secs(5)),
        )
        .await
        .unwrap();
    assert_eq!(request.status, RequestStatus::Active);
    assert_eq!(
        clock.sleeps(),
        [1, 2, 4, 5].map(Duration::from_secs).to_vec()
    );
}

#[tokio::test]
async fn a_huge_poll_interval_waits_out_the_timeout_instead_of_panicking() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &requests_body("Pending")))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = builder(&server)
        .credentials(beyondtrust_sessions_client::PsAuth::new(KEY).runas(RUNAS))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    // "Poll once, then wait until the time limit": the interval never has to double.
    let err = client
        .requests()
        .wait_for_approval(
            RequestId(100),
            ApprovalWait::new()
                .initial_interval(Duration::MAX)
                .max_interval(Duration::MAX)
                .timeout(Duration::from_secs(60)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err.approval_error(), Some(ApprovalError::TimedOut { .. })),
        "{err}"
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(60)]);
}

#[tokio::test]
async fn the_approval_wait_ends_on_denial_timeout_or_absence() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &requests_body("Pending")))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let client = builder(&server)
        .credentials(beyondtrust_sessions_client::PsAuth::new(KEY).runas(RUNAS))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let err = client
        .requests()
        .wait_for_approval(
            RequestId(100),
            ApprovalWait::new()
                .initial_interval(Duration::from_secs(10))
                .max_interval(Duration::from_secs(40))
                .timeout(Duration::from_secs(60)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err.approval_error(),
        Some(&ApprovalError::TimedOut {
            request_id: RequestId(100),
            waited: Duration::from_secs(60)
        })
    );
    // 10 + 20 + 30 (the rest of the minute), never past the limit.
    assert_eq!(
        clock.sleeps(),
        [10, 20, 30].map(Duration::from_secs).to_vec()
    );

    let err = client
        .requests()
        .wait_for_approval(RequestId(999), ApprovalWait::new())
        .await
        .unwrap_err();
    assert!(matches!(
        err.approval_error(),
        Some(ApprovalError::NotFound { .. })
    ));

    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Requests")))
        .respond_with(json(200, &requests_body("Denied")))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credentials(beyondtrust_sessions_client::PsAuth::new(KEY).runas(RUNAS))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap();
    let err = client
        .requests()
        .wait_for_approval(RequestId(100), ApprovalWait::new())
        .await
        .unwrap_err();
    assert_eq!(
        err.approval_error(),
        Some(&ApprovalError::Denied {
            request_id: RequestId(100)
        })
    );
    assert_eq!(err.to_string(), "access request 100 was denied");
}

#[tokio::test]
async fn the_guard_checks_in_or_warns_when_dropped() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests")))
        .respond_with(json(201, "555"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(p("Requests/555/Checkin")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let guard = client
        .requests()
        .create_guarded(NewRequest::new(AccessType::Ssh, 3, 30).duration_minutes(15))
        .await
        .unwrap();
    assert_eq!(guard.id(), RequestId(555));
    let logs = capture_logs(|| drop(guard));
    assert!(logs.contains("WARN"), "{logs}");
    assert!(logs.contains("request_id=555"), "{logs}");
    assert!(logs.contains("without check-in"), "{logs}");
    assert!(
        requests_to(&server, "Requests/555/Checkin")
            .await
            .is_empty()
    );

    let guard = client.requests().guard(RequestId(555));
    guard.checkin("finished").await.unwrap();
    let checkins = requests_to(&server, "Requests/555/Checkin").await;
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0].body, br#"{"Reason":"finished"}"#);

    let kept = client.requests().guard(RequestId(555));
    let logs = capture_logs(|| {
        let _ = kept.into_id();
    });
    assert!(!logs.contains("WARN"), "{logs}");
}
