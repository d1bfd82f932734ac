//! The pagination engine, over HTTP on loopback.

mod support;

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use msp_common::paginate::{
    Next, Page, PageRequest, Paginator, PagingStyle, next_link, query_param,
};
use msp_common::retry::ManualClock;
use msp_common::{Error, Request, Transport};
use support::builder;
use wiremock::matchers::{method, path, query_param as q};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server with `pages` of JSON arrays at `/api/items`, each with a `Link: rel="next"`
/// (except the last) that, like some real servers, drops the other query parameters.
async fn linked_server(pages: &[&str]) -> MockServer {
    let server = MockServer::start().await;
    for (i, body) in pages.iter().enumerate() {
        let n = i + 1;
        let mut response = ResponseTemplate::new(200).set_body_raw(*body, "application/json");
        if n < pages.len() {
            response = response.insert_header(
                "Link",
                format!(
                    "<{}/api/items?page={}>; rel=\"next\", <{}/api/items?page={}>; rel=\"last\"",
                    server.uri(),
                    n + 1,
                    server.uri(),
                    pages.len()
                )
                .as_str(),
            );
        }
        Mock::given(method("GET"))
            .and(path("/api/items"))
            .and(q("page", n.to_string().as_str()))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    server
}

fn transport(server: &MockServer) -> Transport {
    builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .build()
        .unwrap()
}

/// A page-number listing of `/api/items` that reads `page` from the `Link` header.
fn listing(t: Transport, query: Vec<(String, String)>) -> Paginator<u32> {
    Paginator::new(
        query,
        PagingStyle::page_number("page", "pageSize", 2),
        move |page: PageRequest| {
            let t = t.clone();
            async move {
                let response = t
                    .send(Request::get("items").query_pairs(page.query))
                    .await?;
                let next = match next_link(response.headers()) {
                    Some(url) => query_param(&url, "page")
                        .and_then(|p| p.parse().ok())
                        .map_or(Next::Unknown, Next::Number),
                    None => Next::Done,
                };
                Ok(Page::new(response.json()?)
                    .with_next(next)
                    .with_fingerprint(response.fingerprint()))
            }
        },
    )
}

fn hostile_query() -> Vec<(String, String)> {
    vec![
        (
            "conditions".into(),
            r#"name = "O'Brien & Sons + Co #1 100%""#.into(),
        ),
        ("orderBy".into(), "id desc".into()),
    ]
}

#[tokio::test]
async fn three_pages_stream_each_item_once_with_every_query_parameter() {
    let server = linked_server(&["[1,2]", "[3,4]", "[5]"]).await;
    let items: Vec<u32> = listing(transport(&server), hostile_query())
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5]);

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    for (i, request) in requests.iter().enumerate() {
        let pairs: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            pairs,
            vec![
                hostile_query()[0].clone(),
                hostile_query()[1].clone(),
                ("pageSize".into(), "2".into()),
                ("page".into(), (i + 1).to_string()),
            ],
            "request {i}: {}",
            request.url
        );
        // Encoded with %20, never '+', so '+' in a value survives.
        assert!(request.url.query().unwrap().contains("%2B%20Co"));
    }
}

#[tokio::test]
async fn nothing_is_requested_before_the_stream_is_polled() {
    let server = linked_server(&["[1,2]", "[3]"]).await;
    let mut items = listing(transport(&server), vec![]).items();
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    // Without look-ahead, page 2 waits until page 1 is used up.
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 3);
    assert!(items.next().await.is_none());
}

#[tokio::test]
async fn with_look_ahead_page_two_is_requested_before_page_one_is_consumed() {
    let server = linked_server(&["[1,2]", "[3,4]", "[5]"]).await;
    let mut items = listing(transport(&server), vec![]).look_ahead(true).items();
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    // Item 2 of page 1 is not consumed yet; page 2 must be on its way regardless.
    let mut pages_seen = Vec::new();
    for _ in 0..500 {
        pages_seen = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter_map(|r| query_param(&r.url, "page"))
            .collect();
        if pages_seen.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(pages_seen, ["1", "2"]);
    let rest: Vec<u32> = items.try_collect().await.unwrap();
    assert_eq!(rest, [2, 3, 4, 5]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_that_repeats_a_page_ends_the_stream_with_an_error() {
    // The server ignores `page` and keeps answering the same full page with a next link.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("[1,2]", "application/json")
                .insert_header("Link", "<https://x/api/items?page=2>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    let results: Vec<Result<u32, Error>> =
        listing(transport(&server), vec![]).items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    let err = results[2].as_ref().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(server.received_requests().await.unwrap().len() <= 2);

    // A page without a body fingerprint whose Link points backwards also stops.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("[1,2]", "application/json")
                .insert_header("Link", "<https://x/api/items?page=1>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    let err = listing(transport(&server), vec![])
        .items()
        .try_collect::<Vec<u32>>()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("back to page 1"), "{err}");
}

/// A cursor listing against `/api/feed`: the server returns `{"items":[..],"next":".."}`.
fn cursor_listing(t: Transport) -> Paginator<u32> {
    #[derive(serde::Deserialize)]
    struct Feed {
        items: Vec<u32>,
        next: Option<String>,
    }
    Paginator::new(
        vec![("filter".into(), "x".into())],
        PagingStyle::cursor("cursor"),
        move |page: PageRequest| {
            let t = t.clone();
            async move {
                let feed: Feed = t
                    .send_json(Request::get("feed").query_pairs(page.query))
                    .await?;
                Ok(Page::new(feed.items).with_next(feed.next.map_or(Next::Done, Next::Cursor)))
            }
        },
    )
}

#[tokio::test]
async fn a_cursor_listing_follows_cursors_and_stops_on_a_repeated_one() {
    let server = MockServer::start().await;
    let answer =
        |body: &str| ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json");
    Mock::given(path("/api/feed"))
        .and(q("cursor", "b"))
        .respond_with(answer(r#"{"items":[3],"next":"a"}"#))
        .mount(&server)
        .await;
    Mock::given(path("/api/feed"))
        .and(q("cursor", "a"))
        .respond_with(answer(r#"{"items":[2],"next":"b"}"#))
        .mount(&server)
        .await;
    Mock::given(path("/api/feed"))
        .respond_with(answer(r#"{"items":[1],"next":"a"}"#))
        .mount(&server)
        .await;
    let results: Vec<_> = cursor_listing(transport(&server)).items().collect().await;
    assert_eq!(results.len(), 4);
    assert_eq!(results[2].as_ref().unwrap(), &3);
    let err = results[3].as_ref().unwrap_err();
    assert!(
        err.to_string().contains("repeated the cursor \"a\""),
        "{err}"
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| query_param(&r.url, "filter").as_deref() == Some("x"))
    );
    assert_eq!(query_param(&requests[0].url, "cursor"), None);
}

#[tokio::test]
async fn a_cursor_listing_ends_when_no_cursor_comes_back() {
    let server = MockServer::start().await;
    Mock::given(path("/api/feed"))
        .and(q("cursor", "c2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"items":[3,4],"next":null}"#, "application/json"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/feed"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"items":[1,2],"next":"c2"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let items: Vec<u32> = cursor_listing(transport(&server))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [1, 2, 3, 4]);
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "Result")]
    result: Vec<u32>,
    #[serde(rename = "TotalRecords")]
    total: u64,
}

/// 1,050 records served 100 at a time with `$skip`/`$top` and a total; later pages
/// answer faster than earlier ones, so completion order differs from request order.
async fn offset_server() -> MockServer {
    let server = MockServer::start().await;
    for skip in (0..1050u32).step_by(100) {
        let items: Vec<u32> = (skip..(skip + 100).min(1050)).collect();
        let body = serde_json::json!({"Result": items, "TotalRecords": 1050});
        Mock::given(path("/api/agents"))
            .and(q("$skip", skip.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(body)
                    .set_delay(Duration::from_millis(u64::from(60 - (skip / 100) * 5))),
            )
            .mount(&server)
            .await;
    }
    server
}

fn offset_listing(t: Transport) -> Paginator<u32> {
    Paginator::new(
        vec![("$filter".into(), "OrgName eq 'O''Brien'".into())],
        PagingStyle::offset("$skip", "$top", 100),
        move |page: PageRequest| {
            let t = t.clone();
            async move {
                let env: Envelope = t
                    .send_json(Request::get("agents").query_pairs(page.query))
                    .await?;
                Ok(Page::new(env.result).with_total(env.total))
            }
        },
    )
}

#[tokio::test]
async fn concurrent_fetch_with_a_known_total_yields_items_in_order() {
    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .concurrency(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..1050).collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        11,
        "one request per page, none past the total"
    );
    for r in &requests {
        assert_eq!(
            query_param(&r.url, "$filter").as_deref(),
            Some("OrgName eq 'O''Brien'")
        );
        assert_eq!(query_param(&r.url, "$top").as_deref(), Some("100"));
    }
}

#[tokio::test]
async fn an_offset_listing_stops_at_the_total_and_honours_max_items() {
    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 1050);
    assert_eq!(server.received_requests().await.unwrap().len(), 11);

    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .max_items(150)
        .concurrency(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..150).collect::<Vec<_>>());
}

#[tokio::test]
async fn an_error_on_a_page_ends_the_stream_after_the_items_before_it() {
    let server = MockServer::start().await;
    Mock::given(q("page", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("[1,2]", "application/json")
                .insert_header("Link", "<https://x/api/items?page=2>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    Mock::given(q("page", "2"))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(r#"{"message":"gone"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let results: Vec<_> = listing(transport(&server), vec![]).items().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[2].as_ref().unwrap_err().is_not_found());
}

#[tokio::test]
async fn pages_stream_exposes_totals_and_stops_on_an_empty_page() {
    let server = MockServer::start().await;
    Mock::given(q("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[]", "application/json"))
        .mount(&server)
        .await;
    Mock::given(q("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[3,4]", "application/json"))
        .mount(&server)
        .await;
    Mock::given(q("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[1,2]", "application/json"))
        .mount(&server)
        .await;
    let t = transport(&server);
    // No Link headers at all: full pages continue, the empty page ends the listing.
    let pages: Vec<Page<u32>> = Paginator::new(
        vec![],
        PagingStyle::page_number("page", "pageSize", 2),
        move |p: PageRequest| {
            let t = t.clone();
            async move {
                Ok(Page::new(
                    t.send_json(Request::get("x").query_pairs(p.query)).await?,
                ))
            }
        },
    )
    .pages()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn concurrency_never_requests_pages_beyond_max_items() {
    // 150 items of a 1,050-item listing: pages at $skip=0 and $skip=100 hold them all;
    // a window of 4 must not send the requests for $skip=200, 300 and 400.
    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .max_items(150)
        .concurrency(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..150).collect::<Vec<_>>());
    let skips: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| query_param(&r.url, "$skip"))
        .collect();
    assert_eq!(skips, ["0", "100"], "no page past max_items is requested");

    // The same with page numbers: 5 items of pages of 2 need pages 1 to 3 only.
    let server = MockServer::start().await;
    for page in 1..=10u32 {
        let items = [page * 2 - 1, page * 2];
        Mock::given(q("page", page.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"Result": items, "TotalRecords": 20})),
            )
            .mount(&server)
            .await;
    }
    let t = transport(&server);
    let items: Vec<u32> = Paginator::new(
        vec![],
        PagingStyle::page_number("page", "pageSize", 2),
        move |p: PageRequest| {
            let t = t.clone();
            async move {
                let env: Envelope = t.send_json(Request::get("x").query_pairs(p.query)).await?;
                Ok(Page::new(env.result).with_total(env.total))
            }
        },
    )
    .max_items(5)
    .concurrency(8)
    .items()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    let mut pages: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| query_param(&r.url, "page"))
        .collect();
    pages.sort();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[tokio::test]
async fn relative_next_links_resolve_against_the_answering_url() {
    let server = MockServer::start().await;
    Mock::given(q("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("[3]", "application/json"))
        .mount(&server)
        .await;
    Mock::given(q("page", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("[1,2]", "application/json")
                .insert_header("Link", "</api/items?page=2>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    let t = transport(&server);
    let first = t
        .send(Request::get("items").query("page", "1"))
        .await
        .unwrap();
    assert_eq!(next_link(first.headers()), None, "not absolute");
    let next = msp_common::paginate::next_link_of(&first).unwrap();
    assert_eq!(next.as_str(), format!("{}/api/items?page=2", server.uri()));
    assert_eq!(first.url().path(), "/api/items");
}
