//! Sessions on the wire: the status-set and user filters, tolerant models, file and
//! ticket answers of session creation, admin sessions validated before sending, lock and
//! terminate sent once.

mod common;

use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::{
    AdminSession, ErrorExt, Listing, NewSession, Raw, RequestId, SessionCreated, SessionId,
    SessionProtocol, SessionStatus, SessionType,
};
use common::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn signed_in_server() -> MockServer {
    let server = MockServer::start().await;
    mount_sign_in(&server, COOKIE_VALUE).await;
    server
}

#[tokio::test]
async fn list_sends_the_status_set_and_user_and_reads_tolerantly() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .respond_with(json(200, &fixture("sessions.json")))
        .mount(&server)
        .await;
    let client = client(&server);
    let sessions = client
        .sessions()
        .list()
        .status(SessionStatus::Completed)
        .statuses([SessionStatus::InProgress, SessionStatus::Completed])
        .user_id(7)
        .collect()
        .await
        .unwrap();
    let sent = &requests_to(&server, "Sessions").await[0];
    assert_eq!(sent.url.query(), Some("status=1%2C2&userID=7"));
    let decoded: Vec<(String, String)> = sent.url.query_pairs().into_owned().collect();
    assert_eq!(
        decoded,
        [
            ("status".into(), "1,2".into()),
            ("userID".into(), "7".into())
        ]
    );

    assert_eq!(sessions.len(), 3);
    let first = &sessions[0];
    assert_eq!(first.session_id, SessionId(501));
    assert_eq!(first.status, SessionStatus::InProgress);
    assert_eq!(first.protocol, Some(SessionProtocol::Rdp));
    assert_eq!(
        first.start_time.unwrap().to_rfc3339(),
        "2025-01-06T09:00:00+00:00"
    );
    assert_eq!(first.end_time, None);
    assert_eq!(first.asset_name.as_deref(), Some("web01.example.local"));
    assert_eq!(first.managed_account_name.as_deref(), Some("svc-web"));
    assert_eq!(first.record_key.as_deref(), Some("rk-000501"));
    let second = &sessions[1];
    assert_eq!(second.status, SessionStatus::Completed);
    assert_eq!(second.duration, Some(1800));
    assert!(second.end_time.is_some());
    assert_eq!(second.managed_system_id, None);
    assert_eq!(second.extra["NewVendorField"]["x"], 1);
    let third = &sessions[2];
    assert_eq!(third.status, SessionStatus::Unknown(42));
    assert_eq!(third.protocol, Some(SessionProtocol::Unknown(7)));

    // No filter: no query at all.
    client.sessions().list().collect().await.unwrap();
    assert_eq!(requests_to(&server, "Sessions").await[1].url.query(), None);
}

#[tokio::test]
async fn get_reads_one_session_and_404_is_not_found() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("Sessions/501")))
        .respond_with(json(
            200,
            r#"{"SessionID": 501, "Status": 8, "StartTime": "2025-01-06T09:00:00Z"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Sessions/9")))
        .respond_with(json(404, r#""Session not found.""#))
        .mount(&server)
        .await;
    let client = client(&server);
    let session = client.sessions().get(SessionId(501)).await.unwrap();
    assert_eq!(session.status, SessionStatus::LoggedOff);
    let err = client.sessions().get(SessionId(9)).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.api().unwrap().message(), Some("Session not found."));
}

#[tokio::test]
async fn rdpfile_answers_a_file_with_its_name() {
    let server = signed_in_server().await;
    let rdp = "screen mode id:i:2\r\nfull address:s:pam-proxy.example.local:4489\r\nusername:s:marker-ticket-1\r\n";
    Mock::given(method("POST"))
        .and(path(p("Requests/100/Sessions")))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_raw(rdp, "application/x-rdp")
                .insert_header(
                    "Content-Disposition",
                    r#"attachment; filename="web01.example.local-Administrator.rdp""#,
                ),
        )
        .mount(&server)
        .await;
    let created = client(&server)
        .sessions()
        .create(
            RequestId(100),
            NewSession::new(SessionType::RdpFile).node_id("node-2"),
        )
        .await
        .unwrap();
    assert_no_secrets(&format!("{created:?}"));
    let file = created.into_file().unwrap();
    assert_eq!(
        file.file_name(),
        Some("web01.example.local-Administrator.rdp")
    );
    assert_eq!(file.content_type(), Some("application/x-rdp"));
    assert_eq!(file.bytes().as_ref(), rdp.as_bytes());
    let settings = file.rdp_settings();
    assert_eq!(
        settings[1],
        (
            "full address".into(),
            "s".into(),
            "pam-proxy.example.local:4489".into()
        )
    );
    let sent = &requests_to(&server, "Requests/100/Sessions").await[0];
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent.body).unwrap(),
        serde_json::json!({"SessionType": "rdpfile", "NodeID": "node-2"})
    );
}

#[tokio::test]
async fn attachment_names_never_carry_a_drive_or_a_stream() {
    // On Windows `C:evil.rdp` is relative to drive C's current directory (joining it
    // onto a download folder replaces the folder), and `a.rdp:x` names a data stream.
    for (disposition, expected) in [
        (r#"attachment; filename="C:evil.rdp""#, "evil.rdp"),
        ("attachment; filename*=UTF-8''D%3A..%5Cevil.rdp", "evil.rdp"),
        (r#"attachment; filename="session.rdp:hidden""#, "hidden"),
    ] {
        let server = signed_in_server().await;
        Mock::given(method("POST"))
            .and(path(p("Requests/100/Sessions")))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_raw("full address:s:h:1\r\n", "application/x-rdp")
                    .insert_header("Content-Disposition", disposition),
            )
            .mount(&server)
            .await;
        let file = client(&server)
            .sessions()
            .create(RequestId(100), SessionType::RdpFile)
            .await
            .unwrap()
            .into_file()
            .unwrap();
        let name = file.file_name().unwrap();
        assert_eq!(name, expected, "{disposition}");
        assert!(
            !name.contains([':', '/', '\\']),
            "{disposition} gave {name}"
        );
    }
}

#[tokio::test]
async fn ticket_types_answer_json_whose_secrets_stay_hidden() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests/100/Sessions")))
        .respond_with(json(201, &fixture("session_ticket.json")))
        .mount(&server)
        .await;
    let created = client(&server)
        .sessions()
        .create(RequestId(100), SessionType::SshTicket)
        .await
        .unwrap();
    assert_no_secrets(&format!("{created:?}"));
    let SessionCreated::Ticket(ticket) = created else {
        panic!("expected a ticket")
    };
    assert_eq!(
        ticket.ticket.as_ref().unwrap().expose_secret(),
        "marker-ticket-77aa"
    );
    assert_eq!(ticket.port.as_deref(), Some("4422"));
    assert_eq!(ticket.session_id, Some(SessionId(1001)));
    let sent = &requests_to(&server, "Requests/100/Sessions").await[0];
    assert_eq!(sent.body, br#"{"SessionType":"sshticket"}"#);
}

#[tokio::test]
async fn session_creation_is_sent_once_and_4034_is_typed() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Requests/100/Sessions")))
        .respond_with(json(403, r#""4034 - Request is not yet approved.""#))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Requests/101/Sessions")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .sessions()
        .create(RequestId(100), SessionType::Rdp)
        .await
        .unwrap_err();
    assert!(err.is_not_yet_approved());
    let err = client
        .sessions()
        .create(RequestId(101), SessionType::Rdp)
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(requests_to(&server, "Requests/101/Sessions").await.len(), 1);
    let err = client
        .sessions()
        .create(RequestId(101), SessionType::Unknown("vnc".into()))
        .await
        .unwrap_err();
    assert_eq!(err.validation_error().unwrap().field(), "SessionType");
}

#[tokio::test]
async fn admin_session_body_is_exact_and_its_password_never_echoed() {
    let server = signed_in_server().await;
    // The server echoes the request body in its error.
    Mock::given(method("POST"))
        .and(path(p("Sessions/Admin")))
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(400).set_body_string(format!(
                "Invalid request: {}",
                String::from_utf8_lossy(&req.body)
            ))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let admin = AdminSession::new(
        SessionType::RdpFile,
        "jump01.example.local",
        "helpdesk",
        "marker-admin-pw-5150",
    )
    .port(3389)
    .domain_name("EXAMPLE")
    .reason("Break-glass")
    .resolution("1920x1080")
    .rdp_admin_switch(true)
    .smart_sizing(true)
    .node_id("node-2");
    assert_no_secrets(&format!("{admin:?}"));
    let call = client.sessions().admin(admin);
    // The preview shows the body with the password redacted, and so does Debug.
    let preview = call.preview().unwrap();
    assert_no_secrets(&format!("{preview:?} {call:?}"));
    assert!(
        preview
            .body
            .as_deref()
            .unwrap()
            .contains(r#""Password":"[REDACTED]""#)
    );
    let err = call.await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 400);
    assert_no_secrets(&format!("{err} | {err:?}"));
    assert!(err.api().unwrap().body().contains("[REDACTED]"));
    let sent = &requests_to(&server, "Sessions/Admin").await[0];
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&sent.body).unwrap(),
        json_fixture("admin_session_body.json")
    );
}

#[tokio::test]
async fn admin_session_fields_are_validated_before_sending() {
    let server = signed_in_server().await;
    let client = client(&server);
    let admin = |host: &str, user: &str| AdminSession::new(SessionType::Rdp, host, user, "pw-1234");
    let cases = [
        (admin(&"h".repeat(129), "u"), "HostName"),
        (admin("", "u"), "HostName"),
        (admin("h", &"u".repeat(201)), "UserName"),
        (admin("h", " "), "UserName"),
        (admin("h", "u").domain_name("d".repeat(51)), "DomainName"),
        (admin("h", "u").resolution("r".repeat(51)), "Resolution"),
        (
            AdminSession::new(SessionType::AppFile, "h", "u", "pw-1234"),
            "SessionType",
        ),
        (
            AdminSession::new(SessionType::Ssh, "h", "u", ""),
            "Password",
        ),
    ];
    for (admin, field) in cases {
        let err = client.sessions().admin(admin).await.unwrap_err();
        assert_eq!(err.validation_error().unwrap().field(), field, "{err}");
    }
    // The limits themselves are allowed (characters, not bytes).
    Mock::given(method("POST"))
        .and(path(p("Sessions/Admin")))
        .respond_with(json(
            201,
            r#"{"ID":"a","Ticket":"t","Host":"h","Port":3389,"SessionID":7}"#,
        ))
        .mount(&server)
        .await;
    let ok = client
        .sessions()
        .admin(
            admin(&"é".repeat(128), &"u".repeat(200))
                .domain_name("d".repeat(50))
                .resolution("r".repeat(50)),
        )
        .await
        .unwrap();
    assert_eq!(ok.ticket().unwrap().port.as_deref(), Some("3389"));
    // Only the valid call (and its sign-in) went out.
    assert_eq!(requests_to(&server, "Sessions/Admin").await.len(), 1);
}

#[tokio::test]
async fn lock_and_terminate_post_once() {
    let server = signed_in_server().await;
    Mock::given(method("POST"))
        .and(path(p("Sessions/502/lock")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Sessions/503/terminate")))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = client(&server);
    client.sessions().lock(SessionId(502)).await.unwrap();
    let err = client
        .sessions()
        .terminate(SessionId(503))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        requests_to(&server, "Sessions/503/terminate").await.len(),
        1
    );
    let lock = &requests_to(&server, "Sessions/502/lock").await[0];
    assert!(lock.body.is_empty());
    assert_eq!(
        header(lock, "cookie").unwrap(),
        format!("ASP.NET_SessionId={COOKIE_VALUE}")
    );
}

#[tokio::test]
async fn escape_hatch_carries_the_session() {
    let server = signed_in_server().await;
    Mock::given(method("GET"))
        .and(path(p("ManagedSystems")))
        .respond_with(json(200, r#"[{"ManagedSystemID": 1}]"#))
        .mount(&server)
        .await;
    let client = client(&server);
    let systems: serde_json::Value = client
        .get("ManagedSystems", &[("limit", "10")])
        .await
        .unwrap();
    assert_eq!(systems[0]["ManagedSystemID"], 1);
    let sent = &requests_to(&server, "ManagedSystems").await[0];
    assert_eq!(sent.url.query(), Some("limit=10"));
    assert!(header(sent, "cookie").is_some());
}
