//! Models keep every field the server sent: unknown ones in `extra`, `_info` objects in
//! `info`, both as their JSON text (see `models::Extra`), whatever deserializer reads them.

use cwmanage_client::models::{Company, Extra, Reference, Ticket};
use serde::Deserialize;
use serde_json::{Value, json};

/// A ticket with every kind of field a model does not name.
fn sample() -> Value {
    json!({
        "id": 7,
        "summary": "Printer on fire",
        "board": {"id": 1, "name": "Help Desk", "_info": {"board_href": "https://h/b/1"}, "sort": 3},
        "status": {"id": "12", "name": "New", "_info": {}},
        "closedFlag": "false",
        "severity": "Medium",
        "estimatedHours": 1.5,
        "approved": true,
        "nothing": null,
        "tags": ["a", {"b": [1, 2]}],
        "currency": {"id": 7, "symbol": "$", "_info": {"currency_href": "https://h/c/7"}},
        "we\"ird\\key": "quoted \"value\" \u{e9}",
        "clé": "ünïcödé",
        "customFields": [{"id": 9, "caption": "Region", "value": "West", "mystery": {"x": 1}}],
        "_info": {"lastUpdated": "2025-04-01T10:00:00Z", "updatedBy": "ann"}
    })
}

fn check(ticket: &Ticket) {
    assert_eq!(ticket.id.map(|id| id.get()), Some(7));
    assert_eq!(ticket.closed_flag, Some(false));
    let extra = &ticket.extra;
    assert_eq!(extra.len(), 8, "{extra:?}");
    assert_eq!(extra["severity"], "Medium");
    assert_eq!(extra["estimatedHours"], 1.5);
    assert_eq!(extra["nothing"], Value::Null);
    assert_eq!(extra["tags"], json!(["a", {"b": [1, 2]}]));
    assert_eq!(extra["currency"]["symbol"], "$");
    assert_eq!(extra["we\"ird\\key"], "quoted \"value\" \u{e9}");
    assert_eq!(extra["clé"], "ünïcödé");
    let board = ticket.board.as_ref().unwrap();
    assert_eq!(board.extra["sort"], 3);
    assert_eq!(board.info.as_ref().unwrap()["board_href"], "https://h/b/1");
    let status = ticket.status.as_ref().unwrap();
    assert_eq!(status.id, Some(12));
    assert!(status.extra.is_empty());
    assert!(status.info.as_ref().unwrap().is_empty());
    assert_eq!(ticket.custom_fields[0].extra["mystery"], json!({"x": 1}));
    let info = ticket.info.as_ref().unwrap();
    assert_eq!(info.get("updatedBy").and_then(Value::as_str), Some("ann"));
    // Written back, the record is what came, but for the lenient flag now a boolean.
    let mut expected = sample();
    expected["closedFlag"] = json!(false);
    expected["status"]["id"] = json!(12);
    assert_eq!(serde_json::to_value(ticket).unwrap(), expected);
}

#[test]
fn every_deserializer_keeps_every_field() {
    let text = serde_json::to_string_pretty(&sample()).unwrap();
    let from_str: Ticket = serde_json::from_str(&text).unwrap();
    check(&from_str);
    let from_slice: Ticket = serde_json::from_slice(text.as_bytes()).unwrap();
    check(&from_slice);
    let from_reader: Ticket = serde_json::from_reader(text.as_bytes()).unwrap();
    check(&from_reader);
    let from_value: Ticket = serde_json::from_value(sample()).unwrap();
    check(&from_value);
    assert_eq!(from_str, from_value);
    assert_eq!(from_slice, from_reader);
}

#[test]
fn models_inside_buffering_wrappers_keep_every_field() {
    // serde buffers the content of untagged enums and flattened structs: the models
    // read it through a `Value`, and nothing is lost.
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Ticket(Box<Ticket>),
    }
    #[derive(Deserialize)]
    struct Wrapped {
        #[serde(flatten)]
        ticket: Ticket,
    }
    let Either::Ticket(ticket) = serde_json::from_value::<Either>(sample()).unwrap();
    check(&ticket);
    let text = sample().to_string();
    let Either::Ticket(ticket) = serde_json::from_str::<Either>(&text).unwrap();
    check(&ticket);
    let wrapped: Wrapped = serde_json::from_str(&text).unwrap();
    check(&wrapped.ticket);
}

#[test]
fn decode_errors_still_name_the_field() {
    let headers = msp_common::header::HeaderMap::new();
    for (body, path) in [
        (
            r#"[{"id": 1}, {"id": 2, "board": {"id": "one"}}]"#,
            "[1].board.id",
        ),
        (
            r#"[{"id": 1, "severity": "Medium", "summary": 5}]"#,
            "[0].summary",
        ),
        (r#"[{"id": 1, "extraThing": [1, 2,}]"#, "[0].extraThing"),
    ] {
        let err = msp_common::http::decode_json::<Vec<Ticket>>(
            "ConnectWise",
            msp_common::StatusCode::OK,
            &headers,
            body.as_bytes(),
        )
        .unwrap_err();
        assert_eq!(err.path(), path, "{body}: {err}");
    }
    // A duplicate of a named field is refused, as serde refuses it.
    let err = serde_json::from_str::<Ticket>(r#"{"id": 1, "id": 2}"#).unwrap_err();
    assert!(err.to_string().contains("duplicate field `id`"), "{err}");
}

#[test]
fn extra_and_info_can_be_edited_and_built() {
    let mut ticket: Ticket = serde_json::from_value(sample()).unwrap();
    ticket.extra.insert("impact".into(), json!("Low"));
    ticket.extra.remove("tags");
    assert_eq!(
        ticket.extra.raw_json(),
        None,
        "edited: the map is the content now"
    );
    let back = serde_json::to_value(&ticket).unwrap();
    assert_eq!(back["impact"], "Low");
    assert!(back.get("tags").is_none());
    assert_eq!(back["severity"], "Medium");

    let mut company = Company::new("Acme", "Acme Dental");
    company.extra = Extra::from_iter([("country".to_owned(), json!({"id": 1}))]);
    company.info = Some(json!({"lastUpdated": "x"}).into());
    let value = serde_json::to_value(&company).unwrap();
    assert_eq!(value["country"], json!({"id": 1}));
    assert_eq!(value["_info"], json!({"lastUpdated": "x"}));

    // An `_info` that is not an object is kept as it came.
    let odd: Reference = serde_json::from_str(r#"{"id": 1, "_info": "legacy"}"#).unwrap();
    let info = odd.info.as_ref().unwrap();
    assert!(info.is_empty());
    assert_eq!(info.to_string(), r#""legacy""#);
    assert_eq!(
        serde_json::to_value(&odd).unwrap(),
        json!({"id": 1, "_info": "legacy"})
    );
}

#[test]
fn equality_does_not_depend_on_spacing() {
    let compact: Ticket = serde_json::from_str(&sample().to_string()).unwrap();
    let pretty: Ticket =
        serde_json::from_str(&serde_json::to_string_pretty(&sample()).unwrap()).unwrap();
    assert_eq!(compact, pretty);
    let mut other = compact.clone();
    other.extra.insert("severity".into(), json!("High"));
    assert_ne!(compact, other);
}
