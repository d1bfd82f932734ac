//! Wire-level tests against wiremock on loopback: what each method sends (path,
//! headers, exact positional body), how answers decode, how errors are typed, and
//! that writes are never retried, refused in read-only mode, and only previewed in
//! dry-run mode.

use std::sync::Arc;

use msp_common::retry::{FixedJitter, ManualClock};
use screenconnect_client::filter::Field;
use screenconnect_client::models::{CustomProperties, EventType, ProcessType, SessionType};
use screenconnect_client::sessions::NewSession;
use screenconnect_client::{Client, ClientBuilder, Error, ErrorExt, Fault, RetryPolicy, WriteMode};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "marker-secret-7f3e9a1c";
const GUID: &str = "2d558935-686a-4bd0-9991-07539f5fe749";
const SID: &str = "6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn service_path(m: &str) -> String {
    format!("/App_Extensions/{GUID}/Service.ashx/{m}")
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .secret(SECRET)
        .allow_http(true)
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
}

async fn answer(server: &MockServer, m: &str, response: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(service_path(m)))
        .respond_with(response)
        .mount(server)
        .await;
}

fn json_body(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(body.as_bytes().to_vec(), "application/json; charset=utf-8")
}

/// Checks one recorded request: POST, path, the three headers exactly, and the exact body.
fn assert_wire(req: &wiremock::Request, origin: &str, m: &str, body: serde_json::Value) {
    assert_eq!(req.method.as_str(), "POST", "{m}");
    assert_eq!(req.url.path(), service_path(m));
    assert_eq!(req.url.query(), None);
    let header = |name: &str| {
        req.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    assert_eq!(
        header("CTRLAuthHeader").as_deref(),
        Some(SECRET),
        "raw secret, no prefix"
    );
    assert_eq!(header("Origin").as_deref(), Some(origin));
    assert_eq!(header("Content-Type").as_deref(), Some("application/json"));
    assert!(header("Authorization").is_none());
    assert!(
        header("User-Agent")
            .unwrap()
            .starts_with("screenconnect-client/")
    );
    assert_eq!(
        String::from_utf8(req.body.clone()).unwrap(),
        body.to_string(),
        "{m}"
    );
}

#[tokio::test]
async fn every_method_sends_its_positional_body_and_decodes_the_answer() {
    let server = MockServer::start().await;
    let sessions = fixture("sessions_by_name.json");
    answer(&server, "GetSessionsByName", json_body(&sessions)).await;
    answer(&server, "GetSessionsByFilter", json_body(&sessions)).await;
    answer(&server, "GetSessionBySessionID", json_body("[]")).await;
    answer(
        &server,
        "GetSessionDetailsBySessionID",
        json_body(&fixture("session_details.json")),
    )
    .await;
    answer(
        &server,
        "CreateSession",
        json_body(&fixture("created_session.json")),
    )
    .await;
    for m in [
        "UpdateSessionName",
        "UpdateSessionCustomProperties",
        "SendCommandToSession",
        "SendMessageToSession",
        "AddNoteToSession",
        "SendToolboxItemToSession",
    ] {
        answer(&server, m, ResponseTemplate::new(200)).await;
    }
    let client = builder(&server).build().unwrap();
    let s = client.sessions();

    let found = s.by_name("RMM-TEST-MACHINE").await.unwrap();
    assert_eq!(found.len(), 2);
    let first = &found[0];
    assert_eq!(first.session_id.as_str(), SID);
    assert_eq!(first.session_type, SessionType::Access);
    assert_eq!(first.custom_property(3), Some("SC-TEST"));
    assert_eq!(first.last_guest_disconnected_event_time, None);
    assert_eq!(
        first
            .last_guest_connected_event_time
            .unwrap()
            .timestamp_subsec_nanos(),
        616_991_100
    );
    assert!(first.is_online());
    let guest = first.guest_info.as_ref().unwrap();
    assert_eq!(guest.processor_virtual_count, Some(8));
    assert!(guest.extra.contains_key("GuestScreenshotContentType"));
    assert!(first.extra.contains_key("GuestAttributes"));
    let second = &found[1];
    assert_eq!(second.session_type, SessionType::Access);
    assert_eq!(second.name, "");
    assert_eq!(second.custom_property(1), Some("AZ Computer Guru"));
    assert_eq!(second.custom_property_values.as_slice().len(), 8);
    assert!(!second.is_online(), "disconnected after it connected");

    let filter = Field::custom_property(1)
        .eq("AZ Computer Guru")
        .and(Field::GUEST_CONNECTED_COUNT.gt(0));
    assert_eq!(s.by_filter(&filter).await.unwrap().len(), 2);
    assert_eq!(s.get(SID).await.unwrap(), None);
    let details = s.details(SID).await.unwrap();
    assert_eq!(details.session.name, "RMM-TEST-MACHINE");
    assert_eq!(details.connections[0].process_type, ProcessType::Guest);
    assert_eq!(details.connections[0].disconnected_time, None);
    let kinds: Vec<EventType> = details.all_events().map(|e| e.event_type.clone()).collect();
    assert_eq!(
        kinds,
        [
            EventType::QueuedCommand,
            EventType::Unknown("44".into()),
            EventType::RanCommand
        ]
    );
    let created = s
        .create(
            NewSession::new(SessionType::Support, "Printer help")
                .public(true)
                .code("4711")
                .custom_properties(CustomProperties::new().with(1, "Acme")),
        )
        .await
        .unwrap();
    assert_eq!(created.session_type, SessionType::Support);
    assert_eq!(created.last_connected_event_time, None);
    s.update_name(SID, "RENAMED").await.unwrap();
    let props = CustomProperties::from_values(["Acme", "", "Tag's & #1"]);
    s.update_custom_properties(SID, props).await.unwrap();
    s.send_command(SID, "#!ps\nGet-Process | Select -First 1")
        .await
        .unwrap();
    s.send_message(SID, "Rebooting in 5 minutes – save your work")
        .await
        .unwrap();
    s.add_note(SID, "Ticket #4711").await.unwrap();
    s.send_toolbox_item(SID, "Cleanup.ps1").await.unwrap();

    let origin = server.uri();
    let reqs = server.received_requests().await.unwrap();
    let expected = [
        ("GetSessionsByName", json!(["RMM-TEST-MACHINE"])),
        (
            "GetSessionsByFilter",
            json!(["CustomProperty1 = 'AZ Computer Guru' AND GuestConnectedCount > 0"]),
        ),
        ("GetSessionBySessionID", json!([SID])),
        ("GetSessionDetailsBySessionID", json!([SID])),
        (
            "CreateSession",
            json!([
                0,
                "Printer help",
                true,
                "4711",
                ["Acme", "", "", "", "", "", "", ""]
            ]),
        ),
        ("UpdateSessionName", json!([SID, "RENAMED"])),
        (
            "UpdateSessionCustomProperties",
            json!([SID, ["Acme", "", "Tag's & #1", "", "", "", "", ""]]),
        ),
        (
            "SendCommandToSession",
            json!([SID, "#!ps\nGet-Process | Select -First 1"]),
        ),
        (
            "SendMessageToSession",
            json!([SID, "Rebooting in 5 minutes – save your work"]),
        ),
        ("AddNoteToSession", json!([SID, "Ticket #4711"])),
        ("SendToolboxItemToSession", json!([SID, "Cleanup.ps1"])),
    ];
    assert_eq!(reqs.len(), expected.len());
    for (req, (m, body)) in reqs.iter().zip(expected) {
        assert_wire(req, &origin, m, body);
    }
}

#[tokio::test]
async fn origin_guid_and_path_prefix_are_configurable() {
    let server = MockServer::start().await;
    let guid = "11111111-2222-3333-4444-555555555555";
    Mock::given(method("POST"))
        .and(path(format!(
            "/control/App_Extensions/{guid}/Service.ashx/GetSessionBySessionID"
        )))
        .respond_with(json_body(&format!("[{}]", fixture("created_session.json"))))
        .mount(&server)
        .await;
    let client = builder(&server)
        .base_url(format!("{}/control", server.uri()))
        .extension_guid(guid)
        .origin("https://tools.example")
        .build()
        .unwrap();
    let session = client
        .sessions()
        .get("c0ffee00-1111-4222-8333-444455556666")
        .await
        .unwrap();
    assert_eq!(session.unwrap().code, "4711");
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs[0].headers.get("Origin").unwrap(),
        "https://tools.example"
    );
}

#[tokio::test]
async fn get_accepts_an_object_or_null() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GetSessionBySessionID",
        json_body(&fixture("created_session.json")),
    )
    .await;
    let client = builder(&server).build().unwrap();
    assert!(client.sessions().get("x").await.unwrap().is_some());
    server.reset().await;
    answer(&server, "GetSessionBySessionID", json_body("null")).await;
    assert!(client.sessions().get("x").await.unwrap().is_none());
    answer(&server, "GetSessionsByName", json_body("null")).await;
    assert!(client.sessions().by_name("").await.unwrap().is_empty());
}

async fn error_for(status: u16, body: &str, content_type: &str, call: &str) -> (Error, MockServer) {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), content_type),
        )
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let err = match call {
        "read" => client.sessions().by_name("x").await.map(drop).unwrap_err(),
        "write" => client
            .sessions()
            .send_command(SID, "dir")
            .await
            .unwrap_err(),
        raw => client
            .call_raw(raw, json!([]))
            .write(false)
            .await
            .map(drop)
            .unwrap_err(),
    };
    (err, server)
}

#[tokio::test]
async fn missing_method_is_typed_and_names_the_method() {
    for body in ["Web method does not exist", "\"Web method does not exist\""] {
        let (err, _server) = error_for(500, body, "text/plain", "GetSessionGroups").await;
        assert!(err.is_method_not_available(), "{err}");
        assert_eq!(err.missing_method(), Some("GetSessionGroups"));
        assert_eq!(
            err.fault(),
            Some(&Fault::MethodNotAvailable {
                method: "GetSessionGroups".into()
            })
        );
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert!(
            err.to_string()
                .contains("`GetSessionGroups` is not available on this instance"),
            "{err}"
        );
        assert_eq!(err.attempts(), 1, "a 500 is not retried");
    }
}

#[tokio::test]
async fn unknown_parameter_and_generic_faults_are_typed() {
    let (err, _s) = error_for(500, "Unknown parameter: sessionNam", "text/plain", "read").await;
    assert_eq!(
        err.fault(),
        Some(&Fault::UnknownParameter {
            method: "GetSessionsByName".into(),
            parameter: "sessionNam".into()
        })
    );
    let (err, _s) = error_for(
        500,
        &fixture("fault_null_reference.json"),
        "application/json",
        "write",
    )
    .await;
    match err.fault() {
        Some(Fault::ServerFault {
            method,
            message,
            exception_type,
        }) => {
            assert_eq!(method, "SendCommandToSession");
            assert_eq!(
                message,
                "Object reference not set to an instance of an object."
            );
            assert_eq!(
                exception_type.as_deref(),
                Some("System.NullReferenceException")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.api().unwrap().body().contains("StackTrace"),
        "the body is kept"
    );
    assert!(!err.is_method_not_available());
}

#[tokio::test]
async fn auth_errors_name_the_likely_cause() {
    let (err, _s) = error_for(401, "", "text/plain", "read").await;
    assert!(err.is_auth());
    assert_eq!(
        err.fault(),
        Some(&Fault::SecretRefused {
            basic_prefix: false
        })
    );
    assert!(
        err.to_string().contains("sent raw (no `Basic` prefix)"),
        "{err}"
    );

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server)
        .secret(format!("Basic {SECRET}"))
        .build()
        .unwrap();
    let err = client.sessions().by_name("x").await.unwrap_err();
    assert_eq!(
        err.fault(),
        Some(&Fault::SecretRefused { basic_prefix: true })
    );
    assert!(err.to_string().contains("it starts with `Basic `"), "{err}");
    assert!(!err.to_string().contains(SECRET));

    let (err, server) = error_for(403, "Forbidden", "text/plain", "write").await;
    assert!(err.is_auth());
    assert_eq!(
        err.fault(),
        Some(&Fault::OriginRefused {
            origin: server.uri()
        })
    );
    assert!(
        err.to_string()
            .contains(&format!("the Origin `{}` is not allowed", server.uri())),
        "{err}"
    );
    assert!(err.to_string().contains("RESTfulAllowedOrigin"));
}

#[tokio::test]
async fn other_statuses_and_bad_bodies_give_typed_errors() {
    let (err, _s) = error_for(
        404,
        "<html><title>Not Found</title></html>",
        "text/html",
        "read",
    )
    .await;
    assert!(err.is_not_found());
    assert_eq!(err.fault(), None);

    // 200 with an HTML page, garbage, or nothing, where JSON was expected.
    for (body, ct) in [
        ("<html><body>Login</body></html>", "text/html"),
        ("\u{1}\u{2}{not json", "application/json"),
        ("", "application/json"),
        ("{\"SessionID\": 5}", "application/json"),
    ] {
        let (err, _s) = error_for(200, body, ct, "read").await;
        let decode = err.decode_error().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(decode.status().as_u16(), 200);
        assert!(!err.to_string().is_empty());
    }
    // A write answered with an HTML page is not taken for success.
    let (err, _s) = error_for(200, "<html>Login</html>", "text/html", "write").await;
    assert!(err.decode_error().is_some(), "{err:?}");
    // A session list whose addressing field has the wrong type names the field (flags,
    // counters and texts are tolerant: `"IsEnded":"no"` reads as false).
    let server = MockServer::start().await;
    answer(
        &server,
        "GetSessionsByName",
        json_body(r#"[{"SessionID":"a","IsEnded":"no"},{"SessionID":"b","SessionType":true}]"#),
    )
    .await;
    let err = builder(&server)
        .build()
        .unwrap()
        .sessions()
        .by_name("x")
        .await
        .unwrap_err();
    assert_eq!(err.decode_error().unwrap().path(), "[1].SessionType");
}

#[tokio::test]
async fn reads_are_retried_and_writes_are_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_raw(
            b"<html><title>503 Service Unavailable</title></html>".to_vec(),
            "text/html",
        ))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    answer(&server, "GetSessionsByName", json_body("[]")).await;
    let clock = ManualClock::new();
    let client = builder(&server)
        .clock(Arc::new(clock.clone()))
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .build()
        .unwrap();
    assert!(client.sessions().by_name("x").await.unwrap().is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert_eq!(clock.sleeps().len(), 2);

    // The same transient failure on a write: one request, the error returned.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let err = client
        .sessions()
        .send_command(SID, "shutdown /r")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // A raw call is a write unless marked as a read.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    client
        .call_raw("CustomMethod", json!([]))
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    client
        .call_raw("CustomMethod", json!([]))
        .write(false)
        .await
        .unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn read_only_mode_refuses_writes_before_sending() {
    let server = MockServer::start().await;
    answer(&server, "GetSessionsByName", json_body("[]")).await;
    let client = builder(&server)
        .write_mode(WriteMode::ReadOnly)
        .build()
        .unwrap();
    let s = client.sessions();
    let refusals = [
        s.send_command(SID, "dir").await.unwrap_err(),
        s.send_message(SID, "hi").await.unwrap_err(),
        s.add_note(SID, "n").await.unwrap_err(),
        s.update_name(SID, "n").await.unwrap_err(),
        s.update_custom_properties(SID, CustomProperties::new())
            .await
            .unwrap_err(),
        s.send_toolbox_item(SID, "t").await.unwrap_err(),
        s.create(NewSession::new(SessionType::Support, "x"))
            .await
            .unwrap_err(),
        client.call_raw("Anything", json!([])).await.unwrap_err(),
    ];
    for err in &refusals {
        assert!(matches!(err, Error::ReadOnly { .. }), "{err:?}");
        assert!(err.is_read_only_refusal(), "{err}");
        assert!(
            err.to_string().contains("read-only; nothing was sent"),
            "{err}"
        );
        assert_eq!(err.attempts(), 0);
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request left the client"
    );
    // Reads still work, and a live copy can write.
    s.by_name("x").await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let live = client.with_write_mode(WriteMode::ReadWrite);
    assert!(
        live.sessions()
            .add_note(SID, "n")
            .await
            .unwrap_err()
            .status()
            .is_some()
    );
}

#[tokio::test]
async fn dry_run_returns_the_exact_request_without_sending() {
    let server = MockServer::start().await;
    let client = builder(&server)
        .write_mode(WriteMode::DryRun)
        .build()
        .unwrap();
    let call = client
        .sessions()
        .send_command(SID, "#!ps\nRestart-Service Spooler");
    let preview = call.preview().unwrap();
    let err = call.await.unwrap_err();
    let sent = err.dry_run_preview().expect("dry run");
    assert_eq!(sent, &preview);
    assert_eq!(sent.method.as_str(), "POST");
    assert_eq!(
        sent.url,
        format!("{}{}", server.uri(), service_path("SendCommandToSession"))
    );
    assert_eq!(
        sent.body.as_deref(),
        Some(
            json!([SID, "#!ps\nRestart-Service Spooler"])
                .to_string()
                .as_str()
        )
    );
    let header = |n: &str| {
        sent.headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(header("ctrlauthheader"), Some("[REDACTED]"));
    assert_eq!(header("origin"), Some(server.uri().as_str()));
    assert_eq!(header("content-type"), Some("application/json"));
    assert!(!format!("{err} {err:?} {sent:?}").contains(SECRET));
    assert!(server.received_requests().await.unwrap().is_empty());
    // Create previews too.
    let created = client
        .sessions()
        .create(NewSession::new(SessionType::Meeting, "Standup"))
        .preview()
        .unwrap();
    assert_eq!(
        created.body.as_deref(),
        Some(r#"[1,"Standup",false,"",["","","","","","","",""]]"#)
    );
}

#[tokio::test]
async fn bad_input_is_refused_locally() {
    let server = MockServer::start().await;
    let client = builder(&server).build().unwrap();
    for err in [
        client.sessions().by_filter("  ").await.unwrap_err(),
        client.sessions().send_command("", "dir").await.unwrap_err(),
        client.sessions().details(" ").await.unwrap_err(),
        client
            .call_raw("Get/../Secrets", json!([]))
            .write(false)
            .await
            .unwrap_err(),
        client.call_raw("", json!([])).await.unwrap_err(),
        client
            .sessions()
            .create(NewSession::new(SessionType::Unknown("Webinar".into()), "x"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        assert_eq!(
            err.to_string().matches("invalid configuration").count(),
            1,
            "{err}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn per_call_overrides_are_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    answer(&server, "GetSessionsByName", json_body("[]")).await;
    answer(&server, "AddNoteToSession", ResponseTemplate::new(200)).await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::default().with_max_attempts(3))
        .build()
        .unwrap();
    // A read told not to retry: one request.
    let err = client
        .sessions()
        .by_name("x")
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // A write marked idempotent is retried like a read: the second 503, then success.
    client
        .sessions()
        .add_note(SID, "harmless twice")
        .idempotent(true)
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_raw_trait_reaches_methods_by_name() {
    use screenconnect_client::Raw;
    use screenconnect_client::msp_common::Request;

    let server = MockServer::start().await;
    answer(&server, "GetSessionsByName", json_body("[]")).await;
    answer(
        &server,
        "GetAllSessions",
        ResponseTemplate::new(500).set_body_string("Web method does not exist"),
    )
    .await;
    let client = builder(&server).build().unwrap();
    let found: Vec<serde_json::Value> = client
        .post("GetSessionsByName", &json!(["x"]))
        .write(false)
        .await
        .unwrap();
    assert!(found.is_empty());
    // Named with the method, a raw request's fault names it too.
    let err = client
        .send(
            Request::post("GetAllSessions")
                .json(&json!([]))
                .unwrap()
                .operation("GetAllSessions"),
        )
        .write(false)
        .await
        .unwrap_err();
    assert_eq!(err.missing_method(), Some("GetAllSessions"));
    let reqs = server.received_requests().await.unwrap();
    assert_wire(&reqs[0], &server.uri(), "GetSessionsByName", json!(["x"]));
    assert_wire(&reqs[1], &server.uri(), "GetAllSessions", json!([]));
}

/// Issue 14 item 3: scalars nobody addresses a session by (counters, versions, sizes,
/// flags, texts) decode whatever their JSON type — numbers as strings, booleans as 0/1,
/// empty strings — instead of failing the whole list.
#[tokio::test]
async fn tolerant_scalars_never_fail_a_list() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GetSessionsByName",
        json_body(
            r#"[{"SessionID":"a","SessionType":"2","Name":"PC","IsPublic":0,"IsEnded":"1",
                 "LastAlteredVersion":"18446744","GuestClientVersion":24,"Code":"",
                 "CustomPropertyValues":["Acme",3,null],
                 "LastGuestConnectedEventTime":"","LastGuestDisconnectedEventTime":0,
                 "GuestInfo":{"ProcessorVirtualCount":"16","SystemMemoryTotalMegabytes":"32768",
                              "SystemMemoryAvailableMegabytes":"","MachineModel":1}},
                {"SessionID":"b","Name":"PC","IsPublic":"true","LastAlteredVersion":""}]"#,
        ),
    )
    .await;
    let client = builder(&server).build().unwrap();
    let sessions = client.sessions().by_name("PC").await.unwrap();
    assert_eq!(sessions.len(), 2);
    let (a, b) = (&sessions[0], &sessions[1]);
    assert_eq!(a.session_type, SessionType::Access);
    assert!(!a.is_public && a.is_ended);
    assert_eq!(a.last_altered_version, Some(18_446_744));
    assert_eq!(a.guest_client_version.as_deref(), Some("24"));
    assert_eq!(a.custom_property_values.as_slice()[..3], ["Acme", "3", ""]);
    assert_eq!(a.last_guest_disconnected_event_time, None);
    let guest = a.guest_info.as_ref().unwrap();
    assert_eq!(guest.processor_virtual_count, Some(16));
    assert_eq!(guest.system_memory_total_megabytes, Some(32_768));
    assert_eq!(guest.system_memory_available_megabytes, None);
    assert_eq!(guest.machine_model.as_deref(), Some("1"));
    assert!(b.is_public);
    assert_eq!(b.last_altered_version, None);
}
