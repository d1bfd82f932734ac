//! List queries on the wire: encoding, both paging modes, count, search.

mod support;

use cwmanage_client::Listing;
use cwmanage_client::conditions::Condition;
use cwmanage_client::models::{Contact, Ticket};
use cwmanage_client::query::Paging;
use futures_util::TryStreamExt;
use support::{BASE, client, fixture, json};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn page(ids: std::ops::RangeInclusive<u64>) -> String {
    serde_json::to_string(
        &ids.map(|id| serde_json::json!({"id": id, "summary": format!("t{id}")}))
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

#[tokio::test]
async fn hostile_characters_in_conditions_are_encoded_exactly() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json("[]"))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let c = Condition::field("company/name")
        .eq("O'Brien & Sons + Co #1 100%")
        .and(Condition::field("contact/email").like("ann+it@%"))
        .and(Condition::field("summary").contains(r#"say "Grüße""#));
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .conditions(c)
        .order_by("id desc")
        .fields(["id", "summary"])
        .page_size(50)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
    let req = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        req.url.query().unwrap(),
        "conditions=company%2Fname%20%3D%20%22O%27Brien%20%26%20Sons%20%2B%20Co%20%231%20100%25%22%20and%20contact%2Femail%20like%20%22ann%2Bit%40%25%22%20and%20summary%20contains%20%27say%20%22Gr%C3%BC%C3%9Fe%22%27&orderBy=id%20desc&fields=id%2Csummary&pageSize=50&page=1"
    );
    // Decoded back, the server sees exactly what the builder wrote.
    let conditions: String = req
        .url
        .query_pairs()
        .find(|(k, _)| k == "conditions")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(
        conditions,
        r#"company/name = "O'Brien & Sons + Co #1 100%" and contact/email like "ann+it@%" and summary contains 'say "Grüße"'"#
    );
}

#[tokio::test]
async fn a_condition_that_cannot_be_quoted_sends_nothing() {
    let server = MockServer::start().await;
    let (client, _) = client(&server.uri());
    let err = client
        .companies()
        .list()
        .conditions(Condition::field("name").eq(r#"O'Brien & Sons + Co "West""#))
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, msp_common::Error::Config { .. }));
    assert!(
        err.to_string().contains("both a double and a single quote"),
        "{err}"
    );
    let err = client
        .companies()
        .list()
        .page_size(0)
        .collect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("pageSize"));
    let err = client
        .companies()
        .list()
        .page_size(1001)
        .collect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1000"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn page_numbers_follow_link_and_keep_every_parameter() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    for (n, ids, link) in [
        (
            "1",
            1..=2,
            format!(
                r#"<{base}?pageSize=2&page=2>; rel="next", <{base}?pageSize=2&page=3>; rel="last""#
            ),
        ),
        (
            "2",
            3..=4,
            format!(
                r#"<{base}?pageSize=2&page=1>; rel="first", <{base}?pageSize=2&page=3>; rel="next""#
            ),
        ),
        (
            "3",
            5..=5,
            format!(r#"<{base}?pageSize=2&page=1>; rel="first""#),
        ),
    ] {
        Mock::given(method("GET"))
            .and(path(format!("{BASE}/service/tickets")))
            .and(query_param("page", n))
            .respond_with(json(&page(ids)).insert_header("Link", link.as_str()))
            .expect(1)
            .mount(&server)
            .await;
    }
    let (client, _) = client(&server.uri());
    let ids: Vec<u64> = client
        .tickets()
        .list()
        .conditions(Condition::field("board/id").eq(1))
        .child_conditions(r#"configurations/id = 5"#)
        .custom_field_conditions(r#"caption="Region" AND value="West""#)
        .order_by("summary asc")
        .fields(["id", "summary"])
        .page_size(2)
        .stream()
        .map_ok(|t: Ticket| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    for (i, req) in server.received_requests().await.unwrap().iter().enumerate() {
        let q: Vec<(String, String)> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let expected: Vec<(String, String)> = [
            ("conditions", "board/id = 1"),
            ("childConditions", "configurations/id = 5"),
            (
                "customFieldConditions",
                r#"caption="Region" AND value="West""#,
            ),
            ("orderBy", "summary asc"),
            ("fields", "id,summary"),
            ("pageSize", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("page".to_string(), (i + 1).to_string())])
        .collect();
        assert_eq!(q, expected, "page {}", i + 1);
        assert!(
            req.headers.get("pagination-type").is_none(),
            "orderBy summary means page numbers"
        );
    }
}

#[tokio::test]
async fn forward_only_sends_the_header_and_the_page_id_of_the_link() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/company/contacts", server.uri());
    Mock::given(method("GET"))
        .and(header("pagination-type", "forward-only"))
        .and(query_param_is_missing("pageId"))
        .respond_with(json(&fixture("contacts.json")).insert_header(
            "Link",
            format!(r#"<{base}?pageSize=2&pageId=78>; rel="next""#).as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("pagination-type", "forward-only"))
        .and(query_param("pageId", "78"))
        .respond_with(json(r#"[{"id":90,"firstName":"Cy"}]"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let contacts: Vec<Contact> = client
        .contacts()
        .list()
        .conditions("inactiveFlag = false")
        .page_size(2)
        .paging(Paging::ForwardOnly)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<u64> = contacts.iter().map(|c| c.id.unwrap().0).collect();
    assert_eq!(ids, [77, 78, 90]);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].url.query(),
        Some("conditions=inactiveFlag%20%3D%20false&pageSize=2")
    );
    assert_eq!(
        reqs[1].url.query(),
        Some("conditions=inactiveFlag%20%3D%20false&pageSize=2&pageId=78")
    );
}

#[tokio::test]
async fn auto_paging_falls_back_to_page_numbers_when_forward_only_is_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("pagination-type", "forward-only"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"code":"InvalidObject","message":"forward-only not supported"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(json(&page(1..=3)))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .page_size(10)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs.len(),
        2,
        "short page without a next link ends the listing"
    );
    assert!(reqs[0].headers.get("pagination-type").is_some());
    assert_eq!(reqs[1].url.query(), Some("pageSize=10&page=1"));
}

#[tokio::test]
async fn a_429_in_the_middle_of_a_stream_is_waited_out() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    Mock::given(method("GET"))
        .and(query_param_is_missing("pageId"))
        .respond_with(
            json(&page(1..=2))
                .insert_header("Link", format!(r#"<{base}?pageId=2>; rel="next""#).as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("pageId", "2"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("pageId", "2"))
        .respond_with(json(&page(3..=3)))
        .mount(&server)
        .await;
    let (client, clock) = client(&server.uri());
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(clock.sleeps(), vec![std::time::Duration::from_secs(7)]);
}

#[tokio::test]
async fn count_sends_only_the_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": 4321}"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let n = client
        .tickets()
        .list()
        .conditions(Condition::field("closedFlag").eq(false))
        .order_by("id desc")
        .page_size(10)
        .count()
        .await
        .unwrap();
    assert_eq!(n, 4321);
    assert_eq!(client.tickets().count("").await.unwrap(), 4321);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(
        reqs[0].url.query(),
        Some("conditions=closedFlag%20%3D%20false")
    );
    assert_eq!(reqs[1].url.query(), None);
}

#[tokio::test]
async fn search_posts_conditions_in_the_body_and_is_retried_as_a_read() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/service/tickets/search")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{BASE}/service/tickets/search")))
        .respond_with(json(&page(1..=2)))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let found: Vec<Ticket> = client
        .tickets()
        .search(Condition::field("summary").contains("printer"))
        .page_size(25)
        .collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].url.query(), Some("pageSize=25&page=1"));
    let body: serde_json::Value = reqs[1].body_json().unwrap();
    assert_eq!(
        body,
        serde_json::json!({"conditions": "summary contains \"printer\""})
    );
}

#[tokio::test]
async fn counting_a_search_asks_the_collection_count() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": 12}"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let n = client
        .tickets()
        .search(Condition::field("summary").contains("printer"))
        .count()
        .await
        .unwrap();
    assert_eq!(n, 12);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].method.as_str(), "GET");
    assert_eq!(reqs[0].url.path(), format!("{BASE}/service/tickets/count"));
    assert_eq!(
        reqs[0].url.query(),
        Some("conditions=summary%20contains%20%22printer%22")
    );
}

#[tokio::test]
async fn a_server_repeating_a_page_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    Mock::given(method("GET"))
        .respond_with(
            json(&page(1..=2))
                .insert_header("Link", format!(r#"<{base}?pageId=2>; rel="next""#).as_str()),
        )
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let err = client
        .tickets()
        .list()
        .page_size(2)
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, msp_common::Error::Protocol { .. }), "{err}");
}

#[tokio::test]
async fn relative_link_headers_are_followed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .and(query_param("page", "2"))
        .and(query_param("conditions", "closedFlag = false"))
        .respond_with(json(r#"[{"id": 3}]"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .and(query_param("page", "1"))
        .respond_with(json(r#"[{"id": 1}, {"id": 2}]"#).insert_header(
            "Link",
            format!("<{BASE}/service/tickets?pageSize=2&page=2>; rel=\"next\"").as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let ids: Vec<u64> = client
        .tickets()
        .list()
        .conditions(Condition::field("closedFlag").eq(false))
        .paging(Paging::PageNumbers)
        .page_size(2)
        .stream()
        .map_ok(|t: Ticket| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [1, 2, 3]);
}

#[tokio::test]
async fn a_small_limit_asks_for_no_more_records_than_it_keeps() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .and(query_param("pageSize", "3"))
        .respond_with(json(r#"[{"id": 1}, {"id": 2}, {"id": 3}]"#))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let tickets: Vec<Ticket> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .limit(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(tickets.len(), 3);
}
