//! Simulator fidelity (issue 14): what peer clients written against the vendor's schema
//! rely on.
//!
//! - item 3: every `_info` the simulator serves is a string-to-string map, on seeded
//!   records and on records written through the API (create, replace, patch, notes);
//!   a PATCH never replaces it with an object holding the id; list pages holding such
//!   records decode with `_info` typed strictly as `map<string, string>`;
//! - item 4: every `Link` header points at the simulator's own scheme, host and port, so
//!   a plain HTTP client following `next` as given walks the whole listing;
//! - item 5: the accepted credentials have the shapes of real ones, with a getter each.
#![cfg(feature = "sim")]

use std::collections::{BTreeMap, BTreeSet};

use cwmanage_client::models::{Company, Ticket};
use cwmanage_client::patch::PatchOp;
use cwmanage_client::sim::{
    DEFAULT_CLIENT_ID, DEFAULT_COMPANY_ID, DEFAULT_PRIVATE_KEY, DEFAULT_PUBLIC_KEY, Simulator,
};
use cwmanage_client::{Listing, Raw};
use msp_common::secret::ExposeSecret;
use serde::Deserialize;
use serde_json::{Value, json};

/// Every `_info` in `value` (the record's and its references'), with where it is.
fn infos<'v>(value: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = format!("{at}/{key}");
                if key == "_info" {
                    out.push((here.clone(), v));
                }
                infos(v, here, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                infos(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// Asserts every `_info` in `record` is an object of strings, without an `id`.
fn assert_string_maps(record: &Value, what: &str) {
    let mut found = Vec::new();
    infos(record, String::new(), &mut found);
    for (at, info) in found {
        let map = info
            .as_object()
            .unwrap_or_else(|| panic!("{what}: {at} is not an object: {info}"));
        for (key, value) in map {
            assert!(
                value.is_string(),
                "{what}: {at}/{key} is not a string: {value}"
            );
        }
        assert!(!map.contains_key("id"), "{what}: {at} holds an id: {info}");
    }
}

/// A ticket as a peer library's generated model reads it: `_info` is
/// `map<string, string>`, strictly.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct StrictTicket {
    id: u64,
    #[serde(rename = "_info")]
    info: BTreeMap<String, String>,
    status: StrictReference,
    company: StrictReference,
    board: StrictReference,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct StrictReference {
    id: u64,
    #[serde(rename = "_info", default)]
    info: BTreeMap<String, String>,
}

#[tokio::test]
async fn records_written_through_the_api_keep_info_a_string_map() {
    let sim = Simulator::builder().tickets(30).start().await;
    let client = sim.client().unwrap();

    // Created, noted, patched (twice, once trying to write `_info` itself), replaced.
    let created = client
        .tickets()
        .create(&Ticket::new("Printer on fire", 3))
        .await
        .unwrap();
    let id = created.id.unwrap();
    let created_info = created.info.clone().expect("a created record has _info");
    assert_string_maps(&json!({"_info": created_info}), "create answer");
    for key in ["lastUpdated", "updatedBy", "dateEntered", "enteredBy"] {
        assert!(created_info.get(key).is_some(), "{key} in {created_info}");
    }
    assert!(
        created_info["tickets_href"]
            .as_str()
            .unwrap()
            .starts_with(&sim.url()),
        "{created_info}"
    );
    let note = client
        .tickets()
        .notes(id)
        .add_internal("Toner replaced")
        .await
        .unwrap();
    assert_string_maps(&serde_json::to_value(&note).unwrap(), "note answer");
    let patched = client
        .tickets()
        .patch(id, &[PatchOp::replace("status/id", 2)])
        .await
        .unwrap();
    assert_string_maps(&serde_json::to_value(&patched).unwrap(), "patch answer");
    let patched = client
        .tickets()
        .patch(
            id,
            &[
                PatchOp::replace("_info", json!({"id": 99})),
                PatchOp::replace("summary", "Printer still on fire"),
            ],
        )
        .await
        .unwrap();
    let value = serde_json::to_value(&patched).unwrap();
    assert_string_maps(&value, "patch of _info");
    assert_eq!(value["summary"], "Printer still on fire");
    assert_eq!(
        value["_info"]["tickets_href"], created_info["tickets_href"],
        "the server's _info is kept"
    );
    // A replace whose body carries an `_info` of its own (ignored by the server).
    let mut whole = serde_json::to_value(&patched).unwrap();
    whole["summary"] = json!("Replaced whole");
    whole["_info"] = json!({"id": 7, "lastUpdated": 12});
    let replaced: Value = client
        .put(&format!("service/tickets/{id}"), &whole)
        .await
        .unwrap();
    assert_string_maps(&replaced, "replace answer");
    let company = client
        .companies()
        .create(&Company::new("Fidelity1", "Fidelity Dental"))
        .await
        .unwrap();
    assert_string_maps(&serde_json::to_value(&company).unwrap(), "company answer");

    // What the simulator holds, every collection.
    for collection in [
        "service/tickets",
        "service/tickets/notes",
        "company/companies",
        "service/boards",
        "service/boards/statuses",
    ] {
        for record in sim.records(collection) {
            assert_string_maps(&record, collection);
        }
    }

    // List pages holding written records decode with `_info` typed strictly, page after
    // page, and through the typed models.
    let strict: Vec<StrictTicket> = client
        .list("service/tickets")
        .page_size(7)
        .collect()
        .await
        .unwrap();
    assert_eq!(strict.len(), 31);
    assert!(strict.iter().any(|t| t.id == id.get()));
    let typed = client
        .tickets()
        .list()
        .page_size(7)
        .collect()
        .await
        .unwrap();
    assert_eq!(typed.len(), 31);
    let raw: Value = client
        .get(&format!("service/tickets/{id}"), &[])
        .await
        .unwrap();
    assert_string_maps(&raw, "get");
}

/// The `Link` header's URLs, by `rel`.
fn links(response: &cwmanage_client::reqwest::Response) -> BTreeMap<String, String> {
    response
        .headers()
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(msp_common::paginate::parse_link_header)
        .map(|l| (l.rel, l.url))
        .collect()
}

#[tokio::test]
async fn link_headers_point_at_the_simulator_itself_and_can_be_followed_as_given() {
    let sim = Simulator::builder().tickets(95).start().await;
    let http = cwmanage_client::reqwest::Client::new();
    let auth = sim.credentials().authorization();
    let get = |url: String, forward: bool| {
        let mut request = http
            .get(url)
            .header("Authorization", auth.expose_secret())
            .header("clientId", sim.client_id());
        if forward {
            request = request.header("pagination-type", "forward-only");
        }
        request.send()
    };
    let origin = url::Url::parse(&sim.url()).unwrap().origin();
    let expected: BTreeSet<u64> = sim
        .records("service/tickets")
        .iter()
        .filter(|t| t["closedFlag"] == json!(false))
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    for forward in [false, true] {
        let mut url = format!(
            "{}/v4_6_release/apis/3.0/service/tickets?conditions=closedFlag%20%3D%20false&pageSize=10",
            sim.url()
        );
        let mut seen = BTreeSet::new();
        let mut pages = 0;
        loop {
            let response = get(url.clone(), forward).await.unwrap();
            assert_eq!(response.status(), 200, "{url}");
            let links = links(&response);
            for (rel, link) in &links {
                let parsed = url::Url::parse(link)
                    .unwrap_or_else(|e| panic!("{rel} link {link} is not absolute: {e}"));
                assert_eq!(parsed.origin(), origin, "{rel} link {link}");
                assert!(!link.contains("localhost"), "{link}");
            }
            let page: Vec<Value> = serde_json::from_str(&response.text().await.unwrap()).unwrap();
            pages += 1;
            for t in &page {
                assert!(
                    seen.insert(t["id"].as_u64().unwrap()),
                    "a ticket came twice"
                );
            }
            match links.get("next") {
                // Followed exactly as given.
                Some(next) => url = next.clone(),
                None => break,
            }
            assert!(pages < 100, "the links loop");
        }
        assert_eq!(seen, expected, "forward-only: {forward}");
        assert!(pages > 2);
    }
}

#[tokio::test]
async fn credentials_have_realistic_shapes_and_a_getter_each() {
    let sim = Simulator::start().await;
    assert_eq!(sim.company_id(), DEFAULT_COMPANY_ID);
    assert_eq!(sim.public_key(), DEFAULT_PUBLIC_KEY);
    assert_eq!(sim.private_key(), DEFAULT_PRIVATE_KEY);
    assert_eq!(sim.client_id(), DEFAULT_CLIENT_ID);
    // API member keys are 16 letters and digits; the clientId is a GUID.
    for key in [sim.public_key(), sim.private_key()] {
        assert_eq!(key.len(), 16, "{key}");
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric()), "{key}");
    }
    assert_ne!(sim.public_key(), sim.private_key());
    let guid = sim.client_id();
    assert_eq!(guid.len(), 36);
    for (i, c) in guid.chars().enumerate() {
        if [8, 13, 18, 23].contains(&i) {
            assert_eq!(c, '-', "{guid}");
        } else {
            assert!(c.is_ascii_hexdigit(), "{guid}");
        }
    }
    assert!(!sim.company_id().is_empty());
    let creds = sim.credentials();
    assert_eq!(creds.company_id(), sim.company_id());
    assert_eq!(creds.public_key(), sim.public_key());
    assert_eq!(creds.private_key().expose_secret(), sim.private_key());
    // The getters are what the server accepts.
    let client = sim.client().unwrap();
    assert_eq!(
        client
            .tickets()
            .list()
            .limit(3)
            .collect()
            .await
            .unwrap()
            .len(),
        3
    );

    // Custom credentials are reflected by the getters.
    let custom = Simulator::builder()
        .tickets(1)
        .credentials("contoso", "AbCdEfGh12345678", "ZyXwVuTs87654321")
        .client_id("1b4e28ba-2fa1-11d2-883f-0016d3cca427")
        .start()
        .await;
    assert_eq!(
        (
            custom.company_id(),
            custom.public_key(),
            custom.private_key(),
            custom.client_id()
        ),
        (
            "contoso",
            "AbCdEfGh12345678",
            "ZyXwVuTs87654321",
            "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
        )
    );
    assert_eq!(
        custom
            .client()
            .unwrap()
            .tickets()
            .get(1)
            .await
            .unwrap()
            .id
            .map(|i| i.get()),
        Some(1)
    );
}
