//! Typed writes on the wire: create, replace, patch, delete, notes.

mod support;

use cwmanage_client::Listing;
use cwmanage_client::models::{Reference, Ticket, TicketNote};
use cwmanage_client::patch::PatchOp;
use support::{BASE, client, fixture, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn create_replace_patch_delete_send_the_vendor_shapes() {
    let server = MockServer::start().await;
    let mut t = Ticket::new("Printer on fire", 19);
    t.board = Some(Reference::id(1));
    t.initial_description = Some("Smoke".into());
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/service/tickets")))
        .and(body_json(serde_json::json!({"summary": "Printer on fire", "company": {"id": 19}, "board": {"id": 1}, "initialDescription": "Smoke"})))
        .respond_with(ResponseTemplate::new(201).set_body_raw(fixture("ticket.json"), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{BASE}/service/tickets/1042")))
        .respond_with(json(&fixture("ticket.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{BASE}/service/tickets/1042")))
        .and(body_json(serde_json::json!([
            {"op": "replace", "path": "status/id", "value": 17},
            {"op": "add", "path": "summary", "value": "Printer fixed"},
            {"op": "replace", "path": "customFields", "value": [{"id": 7, "value": "West"}]},
            {"op": "remove", "path": "contact"}
        ])))
        .respond_with(json(&fixture("ticket.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{BASE}/service/tickets/1042")))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let tickets = client.tickets();
    let created = tickets.create(&t).await.unwrap();
    assert_eq!(created.id.unwrap().0, 1042);
    tickets.update(1042, &created).await.unwrap();
    tickets
        .patch(
            1042,
            &[
                PatchOp::replace("status/id", 17),
                PatchOp::add("summary", "Printer fixed"),
                PatchOp::replace_custom_field(7, "West"),
                PatchOp::remove("contact"),
            ],
        )
        .await
        .unwrap();
    tickets.delete(1042).await.unwrap();
    // The PUT carried the whole record back, unknown fields included.
    let reqs = server.received_requests().await.unwrap();
    let put: serde_json::Value = reqs[1].body_json().unwrap();
    assert_eq!(put["severity"], "Medium");
    assert_eq!(put["status"]["id"], 16);
}

#[tokio::test]
async fn notes_are_added_with_the_right_flag() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/service/tickets/1042/notes")))
        .respond_with(
            ResponseTemplate::new(201).set_body_raw(fixture("note.json"), "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/1042/notes")))
        .respond_with(json(&format!("[{}]", fixture("note.json"))))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let notes = client.tickets().notes(1042);
    let n = notes.add_internal("Replaced the toner").await.unwrap();
    assert_eq!(n.internal_analysis_flag, Some(true));
    notes.add_detail("Called the customer").await.unwrap();
    notes.add_resolution("Fixed").await.unwrap();
    let listed: Vec<TicketNote> = notes.list().collect().await.unwrap();
    assert_eq!(listed[0].id.unwrap().0, 501);
    let bodies: Vec<serde_json::Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.body_json().unwrap())
        .collect();
    assert_eq!(
        bodies[0],
        serde_json::json!({"ticketId": 1042, "text": "Replaced the toner", "internalAnalysisFlag": true})
    );
    assert_eq!(
        bodies[1],
        serde_json::json!({"ticketId": 1042, "text": "Called the customer", "detailDescriptionFlag": true})
    );
    assert_eq!(
        bodies[2],
        serde_json::json!({"ticketId": 1042, "text": "Fixed", "resolutionFlag": true})
    );
}

#[tokio::test]
async fn every_resource_family_has_its_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json("[]"))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    client.companies().list().collect().await.unwrap();
    client.contacts().list().collect().await.unwrap();
    client.configurations().list().collect().await.unwrap();
    client.agreements().list().collect().await.unwrap();
    client.boards().list().collect().await.unwrap();
    client.board_statuses(1).list().collect().await.unwrap();
    client.priorities().list().collect().await.unwrap();
    client.time_entries().list().collect().await.unwrap();
    client.members().list().collect().await.unwrap();
    client.callbacks().list().collect().await.unwrap();
    client.tickets().time_entries(5).collect().await.unwrap();
    client.tickets().all_notes(5).collect().await.unwrap();
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().trim_start_matches(BASE).to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/company/companies",
            "/company/contacts",
            "/company/configurations",
            "/finance/agreements",
            "/service/boards",
            "/service/boards/1/statuses",
            "/service/priorities",
            "/time/entries",
            "/system/members",
            "/system/callbacks",
            "/service/tickets/5/timeentries",
            "/service/tickets/5/allNotes"
        ]
    );
}

#[test]
fn fixtures_decode_into_the_models() {
    use cwmanage_client::models::*;
    let c: Company = serde_json::from_str(&fixture("company.json")).unwrap();
    assert_eq!(c.identifier.as_deref(), Some("Acme"));
    assert!(c.extra.contains_key("country"));
    let cb: CallbackEntry = serde_json::from_str(&fixture("callback_entry.json")).unwrap();
    assert_eq!(cb.level.as_deref(), Some("board"));
    let info: CompanyInfo = serde_json::from_str(&fixture("company_info.json")).unwrap();
    assert_eq!(info.codebase.as_deref(), Some("v2025_1/"));
    let contacts: Vec<Contact> = serde_json::from_str(&fixture("contacts.json")).unwrap();
    assert_eq!(contacts[1].last_name, None);
    // A projection with `fields=` still decodes.
    let t: Ticket = serde_json::from_str(r#"{"summary":"only this"}"#).unwrap();
    assert_eq!(t.id, None);
}
