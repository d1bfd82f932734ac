//! Every write call of the crate, in every write mode, against the simulator: read-only
//! refuses it naming the method and sends nothing; dry-run returns its preview and sends
//! nothing; read-write sends exactly what the preview showed. Reads are sent in every
//! mode.
#![cfg(feature = "sim")]

use std::collections::BTreeSet;

use screenconnect_client::models::{CustomProperties, SessionId, SessionType};
use screenconnect_client::msp_common::Url;
use screenconnect_client::sessions::NewSession;
use screenconnect_client::sim::{METHODS, SECRET, Simulator, method_of};
use screenconnect_client::{Call, Client, Error, Raw, WriteMode};
use serde_json::{Value, json};

/// One write call: the ScreenConnect method it invokes, the operation name it carries,
/// and how to build it with sample arguments for a session.
struct WriteCase {
    label: &'static str,
    method: &'static str,
    operation: &'static str,
    build: fn(&Client, &SessionId) -> Call<()>,
}

/// The table: every write call of the crate.
fn write_calls() -> Vec<WriteCase> {
    vec![
        WriteCase {
            label: "sessions().create",
            method: "CreateSession",
            operation: "CreateSession",
            build: |c, _| {
                c.sessions()
                    .create(
                        NewSession::new(SessionType::Support, "Write table")
                            .public(true)
                            .code("4711")
                            .custom_properties(CustomProperties::new().with(1, "Acme & Sons")),
                    )
                    .map(drop)
            },
        },
        WriteCase {
            label: "sessions().update_name",
            method: "UpdateSessionName",
            operation: "UpdateSessionName",
            build: |c, id| c.sessions().update_name(id, "RENAMED – ü"),
        },
        WriteCase {
            label: "sessions().update_custom_properties",
            method: "UpdateSessionCustomProperties",
            operation: "UpdateSessionCustomProperties",
            build: |c, id| {
                c.sessions().update_custom_properties(
                    id,
                    CustomProperties::from_values(["Acme", "HQ", "Tag's & #1"]),
                )
            },
        },
        WriteCase {
            label: "sessions().send_command",
            method: "SendCommandToSession",
            operation: "SendCommandToSession",
            build: |c, id| {
                c.sessions()
                    .send_command(id, "#!ps\nGet-Service Spooler | Restart-Service")
            },
        },
        WriteCase {
            label: "sessions().send_message",
            method: "SendMessageToSession",
            operation: "SendMessageToSession",
            build: |c, id| c.sessions().send_message(id, "Rebooting in 5 minutes"),
        },
        WriteCase {
            label: "sessions().add_note",
            method: "AddNoteToSession",
            operation: "AddNoteToSession",
            build: |c, id| c.sessions().add_note(id, "Ticket #4711"),
        },
        WriteCase {
            label: "sessions().send_toolbox_item",
            method: "SendToolboxItemToSession",
            operation: "SendToolboxItemToSession",
            build: |c, id| c.sessions().send_toolbox_item(id, "Cleanup.ps1"),
        },
        WriteCase {
            label: "call_raw (a write by default)",
            method: "AddNoteToSession",
            operation: "AddNoteToSession",
            build: |c, id| {
                c.call_raw("AddNoteToSession", json!([id.as_str(), "raw note"]))
                    .map(drop)
            },
        },
        WriteCase {
            label: "Raw::post (a write by default)",
            method: "SendMessageToSession",
            operation: "post",
            build: |c, id| {
                c.post::<Value, _>("SendMessageToSession", &json!([id.as_str(), "raw hello"]))
                    .map(drop)
            },
        },
    ]
}

/// The sim's first session (an online access session).
fn target(sim: &Simulator) -> SessionId {
    sim.sessions()[0].session_id.clone()
}

fn client(sim: &Simulator, mode: WriteMode) -> Client {
    sim.client_builder().write_mode(mode).build().unwrap()
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    }
}

#[test]
fn the_table_covers_every_write_method_of_the_extension() {
    let reads = [
        "GetSessionsByName",
        "GetSessionsByFilter",
        "GetSessionBySessionID",
        "GetSessionDetailsBySessionID",
    ];
    let writes: BTreeSet<&str> = METHODS
        .iter()
        .copied()
        .filter(|m| !reads.contains(m))
        .collect();
    let covered: BTreeSet<&str> = write_calls()
        .iter()
        .filter(|c| c.operation == c.method)
        .map(|c| c.method)
        .collect();
    assert_eq!(covered, writes);
    let client = Client::builder()
        .base_url("https://sc.example")
        .secret("s")
        .build()
        .unwrap();
    let id = SessionId::new("6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11");
    for case in write_calls() {
        let call = (case.build)(&client, &id);
        assert!(call.is_write(), "{}", case.label);
        assert_eq!(call.operation(), case.operation, "{}", case.label);
    }
    // The reads are reads although they are POSTs.
    let s = client.sessions();
    assert!(!s.by_name("x").is_write());
    assert!(!s.by_filter("Name = 'x'").is_write());
    assert!(!s.get(&id).is_write());
    assert!(!s.details(&id).is_write());
    assert!(
        !client
            .call_raw("GetSessionsByName", json!(["x"]))
            .write(false)
            .is_write()
    );
}

#[tokio::test]
async fn read_only_refuses_every_write_naming_it_and_sends_nothing() {
    let sim = Simulator::start().await;
    let id = target(&sim);
    let client = client(&sim, WriteMode::ReadOnly);
    let sessions_before = sim.sessions();
    let events_before = sim.events(&id);
    for case in write_calls() {
        let err = (case.build)(&client, &id).await.unwrap_err();
        match &err {
            Error::ReadOnly { vendor, operation } => {
                assert_eq!(*vendor, "ScreenConnect", "{}", case.label);
                assert_eq!(operation, case.operation, "{}", case.label);
            }
            other => panic!("{}: {other:?}", case.label),
        }
        let shown = err.to_string();
        assert!(shown.contains(&format!("`{}`", case.operation)), "{shown}");
        assert!(shown.contains("read-only"), "{shown}");
        assert!(err.is_write_refused());
        assert_eq!(err.attempts(), 0);
        assert!(
            sim.received().is_empty(),
            "{}: nothing was sent",
            case.label
        );
    }
    assert_eq!(sim.sessions(), sessions_before);
    assert_eq!(sim.events(&id), events_before);
}

#[tokio::test]
async fn dry_run_returns_each_writes_preview_and_sends_nothing() {
    let sim = Simulator::start().await;
    let id = target(&sim);
    let client = client(&sim, WriteMode::DryRun);
    let events_before = sim.events(&id);
    for case in write_calls() {
        let call = (case.build)(&client, &id);
        let preview = call.preview().unwrap();
        let err = call.await.unwrap_err();
        assert!(
            matches!(&err, Error::DryRun { operation, .. } if operation == case.operation),
            "{}: {err:?}",
            case.label
        );
        assert_eq!(err.dry_run_preview(), Some(&preview), "{}", case.label);
        assert!(err.to_string().contains(case.operation), "{err}");
        assert!(
            preview
                .url
                .ends_with(&format!("/Service.ashx/{}", case.method))
        );
        assert!(
            preview
                .headers
                .iter()
                .any(|(k, v)| k == "ctrlauthheader" && v == "[REDACTED]"),
            "{preview:?}"
        );
        assert!(!format!("{err} {err:?} {preview:?}").contains(SECRET));
        assert!(
            sim.received().is_empty(),
            "{}: nothing was sent",
            case.label
        );
    }
    assert_eq!(sim.events(&id), events_before);
}

#[tokio::test]
async fn read_write_sends_exactly_the_preview() {
    let sim = Simulator::start().await;
    let id = target(&sim);
    let client = client(&sim, WriteMode::ReadWrite);
    for case in write_calls() {
        let before = sim.received().len();
        let call = (case.build)(&client, &id);
        let preview = call.preview().unwrap();
        call.await
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.label));
        let requests = sim.received();
        assert_eq!(requests.len(), before + 1, "{}: sent once", case.label);
        let received = requests.last().unwrap();
        assert_eq!(
            received.method.as_str(),
            preview.method.as_str(),
            "{}",
            case.label
        );
        let shown = Url::parse(&preview.url).unwrap();
        assert_eq!(
            received.path_and_query(),
            path_and_query(&shown),
            "{}",
            case.label
        );
        assert_eq!(
            Some(received.body.as_slice()),
            preview.body.as_deref().map(str::as_bytes),
            "{}: the body bytes",
            case.label
        );
        for (name, value) in &preview.headers {
            let sent = received
                .header(name)
                .unwrap_or_else(|| panic!("{}: {name} not sent", case.label));
            if value == "[REDACTED]" {
                assert_eq!(sent, SECRET, "{}: {name}", case.label);
            } else {
                assert_eq!(sent, value, "{}: {name}", case.label);
            }
        }
        assert_eq!(method_of(received), Some(case.method), "{}", case.label);
    }
    // The writes took effect.
    let session = sim.session(&id).unwrap();
    assert_eq!(session.name, "RENAMED – ü");
    assert_eq!(session.custom_property(3), Some("Tag's & #1"));
    assert!(
        sim.sessions()
            .iter()
            .any(|s| s.name == "Write table" && s.is_public)
    );
    let notes: Vec<_> = sim.events(&id).into_iter().filter_map(|e| e.data).collect();
    for data in ["Ticket #4711", "raw note", "raw hello", "Cleanup.ps1"] {
        assert!(notes.iter().any(|d| d == data), "{data} in {notes:?}");
    }
}

#[tokio::test]
async fn reads_are_sent_in_every_mode() {
    let sim = Simulator::start().await;
    let id = target(&sim);
    for mode in [WriteMode::ReadOnly, WriteMode::DryRun, WriteMode::ReadWrite] {
        let client = client(&sim, mode);
        let before = sim.received().len();
        let s = client.sessions();
        assert_eq!(s.by_name("ACME-DC01").await.unwrap().len(), 1, "{mode}");
        assert_eq!(
            s.by_filter("CustomProperty1 = 'Acme'").await.unwrap().len(),
            2,
            "{mode}"
        );
        assert_eq!(s.get(&id).await.unwrap().unwrap().session_id, id, "{mode}");
        assert_eq!(
            s.details(&id).await.unwrap().session.session_id,
            id,
            "{mode}"
        );
        let raw = client
            .call_raw("GetSessionsByName", json!(["ACME-DC01"]))
            .write(false)
            .await
            .unwrap();
        assert_eq!(raw.as_array().map(Vec::len), Some(1), "{mode}");
        let via_raw: Value = client
            .post::<Value, _>("GetSessionBySessionID", &json!([id.as_str()]))
            .write(false)
            .await
            .unwrap();
        assert_eq!(via_raw.as_array().map(Vec::len), Some(1), "{mode}");
        let received = sim.received();
        let methods: Vec<&str> = received[before..].iter().filter_map(method_of).collect();
        assert_eq!(
            methods,
            [
                "GetSessionsByName",
                "GetSessionsByFilter",
                "GetSessionBySessionID",
                "GetSessionDetailsBySessionID",
                "GetSessionsByName",
                "GetSessionBySessionID",
            ],
            "{mode}"
        );
    }
}

#[test]
fn the_raw_service_is_the_clients() {
    let client = Client::builder()
        .base_url("https://sc.example")
        .secret("s")
        .write_mode(WriteMode::DryRun)
        .build()
        .unwrap();
    assert_eq!(client.service().write_mode(), WriteMode::DryRun);
}
