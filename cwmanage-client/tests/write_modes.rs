//! Every write call of the crate in every write mode, against the simulator: read-only
//! refuses it naming the call and sends nothing, dry-run answers its preview and sends
//! nothing, read-write sends exactly the preview.
#![cfg(feature = "sim")]

use cwmanage_client::conditions::Condition;
use cwmanage_client::models::Ticket;
use cwmanage_client::patch::PatchOp;
use cwmanage_client::sim::Simulator;
use cwmanage_client::{Call, Client, Error, Listing, Raw, WriteMode};
use msp_common::Request;
use serde_json::{Value, json};

type Make = Box<dyn Fn(&Client) -> Call<()>>;

/// Adds create / update / patch / delete of one resource family.
macro_rules! family {
    ($table:ident, $one:literal, |$c:ident| $resource:expr, $body:expr) => {{
        let body: Value = $body;
        let b = body.clone();
        $table.push((
            concat!("create_", $one),
            Box::new(move |$c: &Client| $resource.create(&b).map(drop)) as Make,
        ));
        let b = body.clone();
        $table.push((
            concat!("update_", $one),
            Box::new(move |$c: &Client| $resource.update(2u64, &b).map(drop)),
        ));
        $table.push((
            concat!("patch_", $one),
            Box::new(move |$c: &Client| {
                $resource
                    .patch(2u64, &[PatchOp::replace("name", "Renamed")])
                    .map(drop)
            }),
        ));
        $table.push((
            concat!("delete_", $one),
            Box::new(move |$c: &Client| $resource.delete(3u64)),
        ));
    }};
}

/// Every write call of the crate, with sample arguments, and the operation it names.
fn writes() -> Vec<(&'static str, Make)> {
    let mut t: Vec<(&'static str, Make)> = Vec::new();
    family!(
        t,
        "ticket",
        |c| c.tickets(),
        json!({"summary": "Printer on fire", "company": {"id": 1}, "board": {"id": 1}})
    );
    family!(
        t,
        "ticket_note",
        |c| c.tickets().notes(1u64),
        json!({"text": "Toner replaced", "internalAnalysisFlag": true})
    );
    family!(
        t,
        "company",
        |c| c.companies(),
        json!({"identifier": "Acme", "name": "Acme Dental"})
    );
    family!(
        t,
        "contact",
        |c| c.contacts(),
        json!({"firstName": "Ann", "lastName": "Lee", "company": {"id": 1}})
    );
    family!(
        t,
        "configuration",
        |c| c.configurations(),
        json!({"name": "PC-042", "type": {"id": 1}, "company": {"id": 1}})
    );
    family!(
        t,
        "agreement",
        |c| c.agreements(),
        json!({"name": "Managed Services", "company": {"id": 1}})
    );
    family!(t, "board", |c| c.boards(), json!({"name": "Escalations"}));
    family!(
        t,
        "board_status",
        |c| c.board_statuses(1u64),
        json!({"name": "Waiting on vendor"})
    );
    family!(
        t,
        "priority",
        |c| c.priorities(),
        json!({"name": "Priority 5 - Someday"})
    );
    family!(
        t,
        "time_entry",
        |c| c.time_entries(),
        json!({"chargeToId": 1, "chargeToType": "ServiceTicket", "timeStart": "2025-01-01T09:00:00Z"})
    );
    family!(
        t,
        "member",
        |c| c.members(),
        json!({"identifier": "alee", "firstName": "Ann"})
    );
    family!(
        t,
        "callback",
        |c| c.callbacks(),
        json!({"url": "https://hooks.example.com/cw", "objectId": 1, "type": "ticket", "level": "board", "description": "tickets of board 1"})
    );
    t.push((
        "add_detail_note",
        Box::new(|c: &Client| {
            c.tickets()
                .notes(1u64)
                .add_detail("Called the customer")
                .map(drop)
        }),
    ));
    t.push((
        "add_internal_note",
        Box::new(|c: &Client| {
            c.tickets()
                .notes(1u64)
                .add_internal("Replaced the toner")
                .map(drop)
        }),
    ));
    t.push((
        "add_resolution_note",
        Box::new(|c: &Client| c.tickets().notes(1u64).add_resolution("Fixed").map(drop)),
    ));
    // The escape hatch.
    t.push((
        "post",
        Box::new(|c: &Client| {
            c.post::<Value, _>(
                "service/tickets/4/notes",
                &json!({"text": "raw note", "detailDescriptionFlag": true}),
            )
            .map(drop)
        }),
    ));
    t.push((
        "put",
        Box::new(|c: &Client| {
            c.put::<Value, _>(
                "company/companies/4",
                &json!({"identifier": "Raw", "name": "Raw Co"}),
            )
            .map(drop)
        }),
    ));
    t.push((
        "patch",
        Box::new(|c: &Client| {
            c.patch::<Value, _>(
                "service/tickets/4",
                &[PatchOp::replace("summary", "raw & patched")],
            )
            .map(drop)
        }),
    ));
    t.push((
        "delete",
        Box::new(|c: &Client| c.delete::<()>("system/callbacks/1")),
    ));
    t.push((
        "raw_register_callback",
        Box::new(|c: &Client| {
            let request = Request::post("system/callbacks")
                .query("note", "a+b c")
                .json(&json!({"url": "https://hooks.example.com/raw", "type": "company", "level": "owner"}))
                .unwrap()
                .operation("raw_register_callback");
            c.send(request).map(drop)
        }),
    ));
    t
}

fn client(sim: &Simulator, mode: WriteMode) -> Client {
    sim.client_builder()
        .api_version("2025.1")
        .write_mode(mode)
        .build()
        .unwrap()
}

#[test]
fn the_table_holds_every_write_once() {
    let table = writes();
    // 12 resource families × 4 verbs, 3 note helpers, 5 raw calls.
    assert_eq!(table.len(), 12 * 4 + 3 + 5);
    let names: std::collections::BTreeSet<_> = table.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), table.len(), "operation names are unique");
}

#[tokio::test]
async fn read_only_refuses_every_write_naming_it_and_sends_nothing() {
    let sim = Simulator::builder().tickets(20).start().await;
    let client = client(&sim, WriteMode::ReadOnly);
    for (name, make) in writes() {
        let call = make(&client);
        assert!(call.is_write(), "{name} is a write");
        assert_eq!(call.operation(), name);
        let before = sim.received().len();
        let err = call.await.unwrap_err();
        match &err {
            Error::ReadOnly { operation, .. } => assert_eq!(operation, name),
            other => panic!("{name}: expected a read-only refusal, got {other}"),
        }
        assert!(err.to_string().contains(name), "{name}: {err}");
        assert!(err.is_write_refused());
        assert_eq!(sim.received().len(), before, "{name} reached the server");
    }
    assert_eq!(sim.received().len(), 0);
}

#[tokio::test]
async fn dry_run_answers_the_preview_of_every_write_and_sends_nothing() {
    let sim = Simulator::builder().tickets(20).start().await;
    let client = client(&sim, WriteMode::DryRun);
    for (name, make) in writes() {
        let call = make(&client);
        let preview = call.preview().unwrap();
        let err = call.await.unwrap_err();
        assert!(matches!(err, Error::DryRun { .. }), "{name}: {err}");
        assert_eq!(err.dry_run_preview(), Some(&preview), "{name}");
        assert!(err.to_string().contains(name), "{name}: {err}");
        // Credentials are in the preview, redacted.
        assert!(
            preview
                .headers
                .contains(&("authorization".into(), "[REDACTED]".into())),
            "{name}: {:?}",
            preview.headers
        );
        assert!(
            preview
                .headers
                .contains(&("clientid".into(), sim.client_id().into()))
        );
    }
    assert_eq!(sim.received().len(), 0, "a dry run sends nothing");
}

#[tokio::test]
async fn read_write_sends_exactly_the_preview() {
    let sim = Simulator::builder().tickets(20).start().await;
    let client = client(&sim, WriteMode::ReadWrite);
    // The raw patch of ticket 4 must validate after the table deleted company 3 and board
    // 3: give the ticket a company and a board the table leaves alone (its seeded ones are
    // random).
    client
        .tickets()
        .patch(
            4u64,
            &[
                PatchOp::replace("company/id", 1),
                PatchOp::replace("board/id", 1),
                PatchOp::replace("status/id", 1),
            ],
        )
        .await
        .unwrap();
    for (name, make) in writes() {
        let call = make(&client);
        let preview = call.preview().unwrap();
        let before = sim.received().len();
        // The outcome (created, 404, validation error) does not matter here: the wire does.
        let outcome = call.await;
        if let Err(err) = &outcome {
            assert!(err.api().is_some(), "{name}: {err}");
        }
        let received = sim.received();
        assert_eq!(received.len(), before + 1, "{name} is sent once");
        let got = &received[before];
        assert_eq!(got.method, preview.method.as_str(), "{name}");
        let url = url::Url::parse(&preview.url).unwrap();
        assert_eq!(got.path, url.path(), "{name}");
        assert_eq!(got.raw_query.as_deref(), url.query(), "{name}");
        assert_eq!(
            got.body,
            preview.body.clone().unwrap_or_default().into_bytes(),
            "{name}: the body, byte for byte"
        );
        for (header, value) in &preview.headers {
            let sent = got.header(header);
            if value == "[REDACTED]" {
                assert!(
                    sent.is_some_and(|s| s.starts_with("Basic ")),
                    "{name}: {header}"
                );
            } else {
                assert_eq!(sent, Some(value.as_str()), "{name}: {header}");
            }
        }
    }
    // Some writes did land.
    assert!(
        sim.records("service/tickets/notes")
            .iter()
            .any(|n| n["text"] == "Replaced the toner")
    );
    assert!(
        sim.records("service/tickets")
            .iter()
            .any(|t| t["summary"] == "raw & patched")
    );
}

#[tokio::test]
async fn reads_still_work_in_read_only_and_dry_run_modes() {
    let sim = Simulator::builder().tickets(20).start().await;
    for mode in [WriteMode::ReadOnly, WriteMode::DryRun] {
        let client = client(&sim, mode);
        assert_eq!(client.write_mode(), mode);
        let before = sim.received().len();
        assert_eq!(client.tickets().get(1u64).await.unwrap().id.unwrap().0, 1);
        let listed: Vec<Ticket> = client.tickets().list().limit(5).collect().await.unwrap();
        assert_eq!(listed.len(), 5);
        assert_eq!(client.tickets().count("").await.unwrap(), 20);
        // A search is a POST, and a read.
        let search = client.tickets().search(Condition::field("id").le(3));
        let found: Vec<Ticket> = search.collect().await.unwrap();
        assert_eq!(found.len(), 3);
        assert!(client.system_info().await.unwrap().version.is_some());
        assert!(client.company_info().await.unwrap().codebase.is_some());
        let raw: Vec<Value> = client
            .get("service/tickets", &[("pageSize", "2")])
            .await
            .unwrap();
        assert_eq!(raw.len(), 2);
        // A raw POST that only reads, marked so.
        let raw_search: Vec<Value> = client
            .post("service/tickets/search", &json!({"conditions": "id = 2"}))
            .write(false)
            .await
            .unwrap();
        assert_eq!(raw_search.len(), 1);
        assert!(sim.received().len() - before >= 8);
    }
}

#[tokio::test]
async fn with_write_mode_makes_a_copy_that_shares_the_codebase() {
    let sim = Simulator::builder().tickets(5).start().await;
    let client = sim.client_builder().discover_codebase().build().unwrap();
    sim.move_codebase("v2025_1");
    let dry = client.with_write_mode(WriteMode::DryRun);
    assert_eq!(client.write_mode(), WriteMode::ReadWrite);
    // Before any call the preview shows the configured (default) codebase…
    let before = dry.tickets().delete(1u64).preview().unwrap();
    assert!(before.url.contains("/v4_6_release/"), "{}", before.url);
    // …a read on the copy discovers the codebase for both…
    dry.tickets().get(1u64).await.unwrap();
    assert!(client.base_url().contains("/v2025_1/"));
    // …and previews, dry runs and writes then use it.
    let err = dry.tickets().delete(1u64).await.unwrap_err();
    let shown = err.dry_run_preview().unwrap();
    assert!(
        shown.url.contains("/v2025_1/apis/3.0/service/tickets/1"),
        "{}",
        shown.url
    );
    let count = sim.received().len();
    client.tickets().delete(1u64).await.unwrap();
    assert_eq!(
        sim.received().len(),
        count + 1,
        "one request, to the discovered base"
    );
}
