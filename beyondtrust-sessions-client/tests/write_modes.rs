//! Write modes over EVERY write call of the crate, against the simulator (feature `sim`):
//! read-only refuses before anything is sent and names the call, dry run returns the
//! preview and sends nothing, read-write sends exactly what the preview showed.
#![cfg(feature = "sim")]

use beyondtrust_sessions_client::sim::{Received, Simulator};
use beyondtrust_sessions_client::{
    AccessType, AdminSession, Call, Client, Error, Listing, NewRequest, Raw, RequestId, SessionId,
    SessionStatus, SessionType, WriteMode,
};
use msp_common::Request;
use serde_json::{Value, json};

/// The requests the table's calls work on, created before the table runs.
struct Fixture {
    /// An active View request (checked in by `checkin_request`).
    view_a: RequestId,
    /// Another active View request (checked in through the guard).
    view_b: RequestId,
    /// An approved RDP request (a session is created for it).
    rdp: RequestId,
}

/// The admin-session password: the preview shows it redacted, the server receives it.
const ADMIN_PASSWORD: &str = "pw-write-modes-77";

struct Row {
    /// The call, as a user writes it.
    call: &'static str,
    /// The operation its errors and traces name.
    operation: &'static str,
    build: fn(&Client, &Fixture) -> Call<()>,
}

/// Every write of the crate: the typed calls and the raw escape hatch.
fn table() -> Vec<Row> {
    vec![
        Row {
            call: "requests().create",
            operation: "create_request",
            build: |c, _| {
                c.requests()
                    .create(
                        NewRequest::new(AccessType::View, 3, 30)
                            .duration_minutes(5)
                            .reason("write modes"),
                    )
                    .map(drop)
            },
        },
        Row {
            call: "requests().checkin",
            operation: "checkin_request",
            build: |c, f| c.requests().checkin(f.view_a, "done"),
        },
        Row {
            call: "CheckinGuard::checkin",
            operation: "checkin_request",
            build: |c, f| c.requests().guard(f.view_b).checkin(""),
        },
        Row {
            call: "sessions().create",
            operation: "create_session",
            build: |c, f| c.sessions().create(f.rdp, SessionType::RdpFile).map(drop),
        },
        Row {
            call: "sessions().admin",
            operation: "create_admin_session",
            build: |c, _| {
                c.sessions()
                    .admin(
                        AdminSession::new(
                            SessionType::SshTicket,
                            "jump01.example.local",
                            "helpdesk",
                            ADMIN_PASSWORD,
                        )
                        .port(22)
                        .reason("write modes"),
                    )
                    .map(drop)
            },
        },
        Row {
            call: "sessions().lock",
            operation: "lock_session",
            build: |c, _| c.sessions().lock(SessionId(502)),
        },
        Row {
            call: "sessions().terminate",
            operation: "terminate_session",
            build: |c, _| c.sessions().terminate(SessionId(503)),
        },
        Row {
            call: "Raw::post",
            operation: "post",
            build: |c, _| {
                c.post::<Value, _>(
                    "Requests",
                    &json!({"AccessType": "View", "SystemID": 2, "AccountID": 21, "DurationMinutes": 5}),
                )
                .map(drop)
            },
        },
        Row {
            call: "Raw::put",
            operation: "put",
            build: |c, f| {
                c.put::<Value, _>(
                    &format!("Requests/{}/Checkin", f.view_a),
                    &json!({"Reason": "raw"}),
                )
                .map(drop)
            },
        },
        Row {
            call: "Raw::patch",
            operation: "patch",
            build: |c, _| {
                c.patch::<Value, _>("ManagedAccounts/10", &json!({"Description": "x"}))
                    .map(drop)
            },
        },
        Row {
            call: "Raw::delete",
            operation: "delete",
            build: |c, _| c.delete::<Value>("Sessions/505").map(drop),
        },
        Row {
            call: "Raw::send",
            operation: "raw_lock",
            build: |c, _| {
                c.send(
                    Request::post("Sessions")
                        .segments(["504", "lock"])
                        .operation("raw_lock"),
                )
                .map(drop)
            },
        },
    ]
}

async fn fixture(sim: &Simulator, client: &Client) -> Fixture {
    let view = |system: u64, account: u64| {
        client
            .requests()
            .create(NewRequest::new(AccessType::View, system, account).duration_minutes(30))
    };
    let view_a = view(1, 10).await.unwrap();
    let view_b = view(2, 20).await.unwrap();
    let rdp = client
        .requests()
        .create(NewRequest::new(AccessType::Rdp, 1, 11).duration_minutes(30))
        .await
        .unwrap();
    assert!(sim.approve(rdp));
    Fixture {
        view_a,
        view_b,
        rdp,
    }
}

fn is_sign_in(request: &Received) -> bool {
    request.path.ends_with("/Auth/SignAppin")
}

#[tokio::test]
async fn every_write_obeys_the_write_mode() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    client.sign_in().await.unwrap();
    let fixture = fixture(&sim, &client).await;
    let read_only = client.with_write_mode(WriteMode::ReadOnly);
    let dry_run = client.with_write_mode(WriteMode::DryRun);

    let rows = table();
    assert_eq!(rows.len(), 12);
    for row in rows {
        let name = row.call;

        // (a) Read-only: refused before anything is sent, naming the call.
        let before = sim.received().len();
        let call = (row.build)(&read_only, &fixture);
        assert!(call.is_write(), "{name} is a write");
        assert_eq!(call.operation(), row.operation, "{name}");
        let err = call.await.unwrap_err();
        match &err {
            Error::ReadOnly { operation, .. } => assert_eq!(operation, row.operation, "{name}"),
            other => panic!("{name}: expected a read-only refusal, got {other:?}"),
        }
        assert!(err.is_write_refused());
        assert!(
            err.to_string().contains(&format!("`{}`", row.operation)),
            "{name}: {err}"
        );
        assert_eq!(
            sim.received().len(),
            before,
            "{name}: read-only sent something"
        );

        // (b) Dry run: the preview comes back as the error, nothing is sent.
        let call = (row.build)(&dry_run, &fixture);
        let preview = call.preview().unwrap();
        let err = call.await.unwrap_err();
        assert_eq!(err.dry_run_preview(), Some(&preview), "{name}");
        assert!(err.to_string().contains(row.operation), "{name}: {err}");
        assert!(!format!("{err:?}").contains(ADMIN_PASSWORD), "{name}");
        assert_eq!(
            sim.received().len(),
            before,
            "{name}: the dry run sent something"
        );

        // (c) Read-write: the server receives exactly the preview, once.
        let call = (row.build)(&client, &fixture);
        let preview = call.preview().unwrap();
        assert!(
            preview
                .headers
                .iter()
                .any(|(k, v)| k == "cookie" && v == "[REDACTED]"),
            "{name}: {preview:?}"
        );
        let _ = call.await; // some answers are refusals (403, 404): the wire is what counts
        let received = sim.received();
        let sent: Vec<_> = received[before..]
            .iter()
            .filter(|r| !is_sign_in(r))
            .collect();
        assert_eq!(sent.len(), 1, "{name}: sent once");
        let sent = sent[0];
        let url = msp_common::Url::parse(&preview.url).unwrap();
        assert_eq!(sent.method.as_str(), preview.method.as_str(), "{name}");
        assert_eq!(sent.path, url.path(), "{name}");
        assert_eq!(sent.raw_query.as_deref(), url.query(), "{name}");
        let body = String::from_utf8(sent.body.clone()).unwrap();
        if row.operation == "create_admin_session" {
            // The password travels; the preview shows where, redacted.
            assert!(body.contains(ADMIN_PASSWORD));
            assert_eq!(
                Some(body.replace(ADMIN_PASSWORD, "[REDACTED]")),
                preview.body,
                "{name}"
            );
        } else {
            assert_eq!(
                sent.body,
                preview.body.unwrap_or_default().into_bytes(),
                "{name}"
            );
        }
        assert!(sent.header("cookie").is_some(), "{name}");
    }

    // The read-write calls did what they say.
    let requests = sim.access_requests();
    assert!(
        requests
            .iter()
            .any(|r| r.system_id.map(|s| s.get()) == Some(3))
    );
    assert_eq!(
        client.sessions().get(SessionId(502)).await.unwrap().status,
        SessionStatus::Locked
    );
}

#[tokio::test]
async fn reads_and_sessions_work_in_every_mode() {
    let sim = Simulator::start().await;
    // A read-only client that was never signed in signs in by itself: signing in is not
    // a write.
    let read_only = sim
        .client_builder()
        .credentials(sim.ps_auth())
        .write_mode(WriteMode::ReadOnly)
        .build()
        .unwrap();
    assert_eq!(read_only.write_mode(), WriteMode::ReadOnly);
    assert_eq!(
        read_only.sessions().list().collect().await.unwrap().len(),
        5
    );
    assert_eq!(
        read_only
            .sessions()
            .list()
            .status(SessionStatus::InProgress)
            .limit(1)
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        read_only
            .requests()
            .list()
            .collect()
            .await
            .unwrap()
            .is_empty()
    );
    let account = read_only
        .managed_accounts()
        .find("web01.example.local", "svc-web")
        .await
        .unwrap();
    assert_eq!(account.account_id.get(), 10);
    assert_eq!(
        read_only
            .managed_accounts()
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(
        read_only
            .sessions()
            .get(SessionId(501))
            .await
            .unwrap()
            .session_id
            .get(),
        501
    );
    let raw: Value = read_only.get("Sessions/501", &[]).await.unwrap();
    assert_eq!(raw["SessionID"], 501);
    // A composite stops at its first write.
    let err = read_only
        .requests()
        .create_guarded(NewRequest::new(AccessType::View, 1, 10).duration_minutes(5))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err:?}");
    assert!(sim.access_requests().is_empty());

    // The read-write copy shares the session: no second sign-in.
    let read_write = read_only.with_write_mode(WriteMode::ReadWrite);
    let id = read_write
        .requests()
        .create(NewRequest::new(AccessType::View, 1, 10).duration_minutes(5))
        .await
        .unwrap();
    assert_eq!(sim.sign_in_count(), 1);
    // Credentials are a read.
    read_only.credentials().get(id, None).await.unwrap();

    // A dry-run client signs out for real.
    let dry_run = read_write.with_write_mode(WriteMode::DryRun);
    dry_run.sign_out().await.unwrap();
    assert_eq!(sim.active_sessions(), 0);
}
