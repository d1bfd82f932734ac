//! Tolerant scalars (issue 14): a record whose flags, sort orders, counters, hours,
//! decimals and versions arrive as strings, as `0`/`1` or as empty strings decodes —
//! the odd value read, or `None` when it cannot be — instead of failing the whole call.
//! Ids accept a string of digits; a wrong id is still a decode error naming the field.

mod support;

use cwmanage_client::Listing;
use cwmanage_client::models::{BoardStatus, Company, Ticket, TicketNote, TimeEntry};
use support::{BASE, client, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const ODD_TICKET: &str = r#"{
    "id": "17", "summary": "Odd scalars", "closedFlag": "1", "customerUpdatedFlag": 0,
    "skipCallback": "", "board": {"id": "3", "name": "Help Desk", "_info": {}},
    "status": {"id": 2, "name": "New", "sort": "4"},
    "customFields": [{"id": "5", "caption": "Seats", "numberOfDecimals": "2", "value": "12"}],
    "_info": {"lastUpdated": "2025-01-01T00:00:00Z"}
}"#;

#[tokio::test]
async fn odd_scalars_decode_in_lists_gets_and_counts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(json(&format!(
            r#"[{ODD_TICKET}, {{"id": 18, "closedFlag": "false", "customerUpdatedFlag": "yes"}}]"#
        )))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/17")))
        .respond_with(json(ODD_TICKET))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": "18446744073709551615"}"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());

    let tickets = client.tickets().list().collect().await.unwrap();
    assert_eq!(tickets.len(), 2);
    let t = &tickets[0];
    assert_eq!(t.id.map(|i| i.get()), Some(17));
    assert_eq!(t.closed_flag, Some(true));
    assert_eq!(t.customer_updated_flag, Some(false));
    assert_eq!(t.skip_callback, None);
    assert_eq!(t.board.as_ref().unwrap().id, Some(3));
    assert_eq!(t.custom_fields[0].id, Some(5));
    assert_eq!(t.custom_fields[0].number_of_decimals, Some(2));
    assert_eq!(tickets[1].closed_flag, Some(false));
    assert_eq!(tickets[1].customer_updated_flag, Some(true));

    let one = client.tickets().get(17).await.unwrap();
    assert_eq!(&one, t);
    assert_eq!(client.tickets().count("").await.unwrap(), u64::MAX);
}

#[test]
fn every_model_reads_odd_scalars() {
    let status: BoardStatus = serde_json::from_str(
        r#"{"id": 1, "sortOrder": "3", "closedStatus": 1, "inactive": "False"}"#,
    )
    .unwrap();
    assert_eq!(
        (status.sort_order, status.closed_status, status.inactive),
        (Some(3), Some(true), Some(false))
    );
    let company: Company =
        serde_json::from_str(r#"{"id": "19", "yearEstablished": "1999", "deletedFlag": "0"}"#)
            .unwrap();
    assert_eq!(company.id.map(|i| i.get()), Some(19));
    assert_eq!(company.year_established, Some(1999));
    assert_eq!(company.deleted_flag, Some(false));
    let company: Company =
        serde_json::from_str(r#"{"yearEstablished": "", "deletedFlag": "maybe"}"#).unwrap();
    assert_eq!(
        (company.year_established, company.deleted_flag),
        (None, None)
    );
    let entry: TimeEntry =
        serde_json::from_str(r#"{"id": 1, "chargeToId": "42", "actualHours": "0.75"}"#).unwrap();
    assert_eq!(
        (entry.charge_to_id, entry.actual_hours),
        (Some(42), Some(0.75))
    );
    let note: TicketNote = serde_json::from_str(
        r#"{"id": 1, "detailDescriptionFlag": "true", "internalAnalysisFlag": 0, "resolutionFlag": ""}"#,
    )
    .unwrap();
    assert_eq!(
        (
            note.detail_description_flag,
            note.internal_analysis_flag,
            note.resolution_flag
        ),
        (Some(true), Some(false), None)
    );
    let info: cwmanage_client::models::SystemInfo =
        serde_json::from_str(r#"{"version": 2025.1, "isCloud": "1"}"#).unwrap();
    assert_eq!(info.version.as_deref(), Some("2025.1"));
    assert_eq!(info.is_cloud, Some(true));
    let info: cwmanage_client::models::CompanyInfo =
        serde_json::from_str(r#"{"Codebase": "v2025_1/", "IsCloud": "true", "VersionCode": 2025}"#)
            .unwrap();
    assert_eq!(info.is_cloud, Some(true));
    assert_eq!(info.version_code.as_deref(), Some("2025"));

    // A wrong id is not read as `None`: it is an error naming the field.
    let err = serde_json::from_str::<Ticket>(r#"{"id": 1, "board": {"id": "one"}}"#).unwrap_err();
    assert!(err.to_string().contains("not a record id"), "{err}");
}

#[tokio::test]
async fn a_count_that_is_no_number_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(r#"{"count": "many"}"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let err = client.tickets().count("").await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err}");
}
