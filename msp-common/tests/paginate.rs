//! The pagination engine and the `Listing` surface, over HTTP on loopback.
//!
//! Every listing here pages by a typed token (a page number, an offset, a cursor, a
//! link): the fetch function builds its request from the token, and wiremock checks the
//! query the server receives. No token is ever read back out of a query string.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use msp_common::paginate::{
    Fetched, ListOptions, Listing, Page, Paginator, next_link, next_link_of,
};
use msp_common::retry::ManualClock;
use msp_common::{Error, Method, Request, Transport, Url};
use support::builder;
use wiremock::matchers::{method, path, query_param as q, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn transport(server: &MockServer) -> Transport {
    builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .build()
        .unwrap()
}

fn json(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "application/json")
}

/// The value of `key` in the query of a request the server received.
fn param(request: &wiremock::Request, key: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Waits (up to 5 s) until the server has received `n` requests; returns them.
async fn wait_for_requests(server: &MockServer, n: usize) -> Vec<wiremock::Request> {
    for _ in 0..500 {
        let requests = server.received_requests().await.unwrap();
        if requests.len() >= n {
            return requests;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.received_requests().await.unwrap()
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

/// A server with `pages` of JSON arrays at `/api/items?page=N`, each but the last with a
/// `Link: rel="next"` header. Every mock requires the hostile query, so a request that
/// loses a parameter gets a 404.
async fn numbered_server(pages: &[&str], query: &[(String, String)]) -> MockServer {
    let server = MockServer::start().await;
    for (i, body) in pages.iter().enumerate() {
        let n = i + 1;
        let mut response = json(body);
        if n < pages.len() {
            response = response.insert_header(
                "Link",
                format!("</api/items?page={}>; rel=\"next\"", n + 1).as_str(),
            );
        }
        let mut mock = Mock::given(method("GET"))
            .and(path("/api/items"))
            .and(q("pageSize", "2"))
            .and(q("page", n.to_string().as_str()));
        for (k, v) in query {
            mock = mock.and(q(k.as_str(), v.as_str()));
        }
        mock.respond_with(response).mount(&server).await;
    }
    server
}

/// A page-number listing of `/api/items`: the token is the page number; the request is
/// built from it; a `Link: rel="next"` header says there is a next page.
fn numbered(t: Transport, query: Vec<(String, String)>) -> Paginator<u32, u32> {
    Paginator::new(1u32, move |page: u32| {
        let t = t.clone();
        let query = query.clone();
        async move {
            let request = Request::get("items")
                .query_pairs(query)
                .query("pageSize", "2")
                .query("page", page.to_string());
            let response = t.send(request).await?;
            let next = next_link_of(&response).map(|_| page + 1);
            Ok(Fetched::new(response.json()?)
                .with_next_opt(next)
                .with_fingerprint(response.fingerprint()))
        }
    })
}

#[tokio::test]
async fn three_pages_stream_each_item_once_with_every_query_parameter() {
    let server = numbered_server(&["[1,2]", "[3,4]", "[5]"], &hostile_query()).await;
    let items: Vec<u32> = numbered(transport(&server), hostile_query())
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
    let server = numbered_server(&["[1,2]", "[3]"], &[]).await;
    let mut items = numbered(transport(&server), vec![]).items();
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
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn with_look_ahead_page_two_is_requested_before_page_one_is_consumed() {
    let server = numbered_server(&["[1,2]", "[3,4]", "[5]"], &[]).await;
    let mut items = numbered(transport(&server), vec![])
        .look_ahead(true)
        .items();
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    // Item 2 of page 1 is not consumed yet; page 2 must be on its way regardless.
    let pages_seen: Vec<String> = wait_for_requests(&server, 2)
        .await
        .iter()
        .filter_map(|r| param(r, "page"))
        .collect();
    assert_eq!(pages_seen, ["1", "2"]);
    let rest: Vec<u32> = items.try_collect().await.unwrap();
    assert_eq!(rest, [2, 3, 4, 5]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_server_that_repeats_a_page_body_ends_the_stream_with_a_protocol_error() {
    // The server ignores `page` and keeps answering the same full page with a next link.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json("[1,2]").insert_header("Link", "</api/items?page=2>; rel=\"next\""))
        .mount(&server)
        .await;
    let results: Vec<Result<u32, Error>> =
        numbered(transport(&server), vec![]).items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(results[0].as_ref().unwrap(), &1);
    assert_eq!(results[1].as_ref().unwrap(), &2);
    let err = results[2].as_ref().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("same content"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

/// A listing that follows the server's `Link: rel="next"` URLs (absolute or relative):
/// the first page is addressed by path, every later one by the link itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Linked {
    First,
    Link(Url),
}

fn linked(t: Transport) -> Paginator<u32, Linked> {
    Paginator::new(Linked::First, move |token: Linked| {
        let t = t.clone();
        async move {
            let request = match token {
                Linked::First => Request::get("items").query("color", "blue"),
                Linked::Link(url) => Request::absolute(Method::GET, url),
            };
            let response = t.send(request).await?;
            let next = next_link_of(&response).map(Linked::Link);
            Ok(Fetched::new(response.json()?).with_next_opt(next))
        }
    })
}

#[tokio::test]
async fn a_link_that_points_back_to_a_fetched_page_ends_the_stream_with_a_protocol_error() {
    // Distinct bodies (no fingerprint would catch it), but page 2 links to itself.
    let server = MockServer::start().await;
    Mock::given(q("page", "2"))
        .respond_with(json("[3,4]").insert_header("Link", "</api/items?page=2>; rel=\"next\""))
        .mount(&server)
        .await;
    Mock::given(q("color", "blue"))
        .respond_with(json("[1,2]").insert_header("Link", "</api/items?page=2>; rel=\"next\""))
        .mount(&server)
        .await;
    let results: Vec<Result<u32, Error>> = linked(transport(&server)).items().collect().await;
    assert_eq!(results.len(), 5, "{results:?}");
    let items: Vec<u32> = results[..4].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(items, [1, 2, 3, 4]);
    let err = results[4].as_ref().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("already fetched"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn relative_next_links_resolve_against_the_answering_url() {
    let server = MockServer::start().await;
    Mock::given(path("/api/items"))
        .and(q("page", "3"))
        .respond_with(json("[5]"))
        .mount(&server)
        .await;
    Mock::given(path("/api/items"))
        .and(q("page", "2"))
        .respond_with(json("[3,4]").insert_header("Link", "<items?page=3>; rel=\"next\""))
        .mount(&server)
        .await;
    Mock::given(path("/api/items"))
        .and(q("color", "blue"))
        .respond_with(json("[1,2]").insert_header(
            "Link",
            "</api/items?page=2>; rel=\"next\", </api/items?page=3>; rel=\"last\"",
        ))
        .mount(&server)
        .await;

    // The helpers: an absolute-only reader ignores relative links; next_link_of resolves.
    let t = transport(&server);
    let first = t
        .send(Request::get("items").query("color", "blue"))
        .await
        .unwrap();
    assert_eq!(next_link(first.headers()), None, "not absolute");
    let next = next_link_of(&first).unwrap();
    assert_eq!(next.as_str(), format!("{}/api/items?page=2", server.uri()));
    assert_eq!(first.url().path(), "/api/items");

    // The engine follows them: a root-relative link, then a path-relative one.
    let pages: Vec<Page<u32, Linked>> = linked(transport(&server))
        .pages()
        .try_collect()
        .await
        .unwrap();
    let items: Vec<u32> = pages.iter().flat_map(|p| p.items.clone()).collect();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert_eq!(pages[0].token, Linked::First);
    let base = server.uri();
    assert_eq!(
        pages[2].token,
        Linked::Link(Url::parse(&format!("{base}/api/items?page=3")).unwrap())
    );
}

/// A cursor listing against `/api/feed`: the server returns `{"items":[..],"next":".."}`;
/// the token is the cursor (`None` for the first page).
fn cursor_listing(t: Transport) -> Paginator<u32, Option<String>> {
    #[derive(serde::Deserialize)]
    struct Feed {
        items: Vec<u32>,
        next: Option<String>,
    }
    Paginator::new(None, move |cursor: Option<String>| {
        let t = t.clone();
        async move {
            let request = Request::get("feed")
                .query("filter", "x")
                .query_opt("cursor", cursor);
            let feed: Feed = t.send_json(request).await?;
            Ok(Fetched::new(feed.items).with_next_opt(feed.next.map(Some)))
        }
    })
}

async fn feed_server(pages: &[(Option<&str>, &str)]) -> MockServer {
    let server = MockServer::start().await;
    for (cursor, body) in pages {
        let mock = Mock::given(path("/api/feed")).and(q("filter", "x"));
        let mock = match cursor {
            Some(c) => mock.and(q("cursor", *c)),
            None => mock.and(query_param_is_missing("cursor")),
        };
        mock.respond_with(json(body)).mount(&server).await;
    }
    server
}

#[tokio::test]
async fn a_cursor_that_comes_back_unchanged_ends_the_stream_with_a_protocol_error() {
    let server = feed_server(&[
        (None, r#"{"items":[1,2],"next":"a"}"#),
        (Some("a"), r#"{"items":[3],"next":"a"}"#),
    ])
    .await;
    let results: Vec<_> = cursor_listing(transport(&server)).items().collect().await;
    assert_eq!(results.len(), 4, "{results:?}");
    let items: Vec<u32> = results[..3].iter().map(|r| *r.as_ref().unwrap()).collect();
    assert_eq!(items, [1, 2, 3], "the items before the error are yielded");
    let err = results[3].as_ref().unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("Some(\"a\")"), "{err}");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        2,
        "the repeated cursor is not requested again"
    );
    assert_eq!(param(&requests[0], "cursor"), None);
    assert_eq!(param(&requests[1], "cursor").as_deref(), Some("a"));
}

#[tokio::test]
async fn a_cursor_cycle_ends_the_stream_with_a_protocol_error() {
    let server = feed_server(&[
        (None, r#"{"items":[1],"next":"a"}"#),
        (Some("a"), r#"{"items":[2],"next":"b"}"#),
        (Some("b"), r#"{"items":[3],"next":"a"}"#),
    ])
    .await;
    let results: Vec<_> = cursor_listing(transport(&server)).items().collect().await;
    assert_eq!(results.len(), 4);
    assert_eq!(results[2].as_ref().unwrap(), &3);
    assert!(matches!(results[3], Err(Error::Protocol { .. })));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| param(r, "filter").as_deref() == Some("x"))
    );
}

#[tokio::test]
async fn a_cursor_listing_ends_when_no_cursor_comes_back() {
    let server = feed_server(&[
        (None, r#"{"items":[1,2],"next":"c2"}"#),
        (Some("c2"), r#"{"items":[3,4],"next":null}"#),
    ])
    .await;
    let items: Vec<u32> = cursor_listing(transport(&server))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [1, 2, 3, 4]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "Result")]
    result: Vec<u32>,
    #[serde(rename = "TotalRecords")]
    total: u64,
}

const FILTER: &str = "OrgName eq 'O''Brien'";

/// 1,050 records served 100 at a time with `$skip`/`$top` and a total; later pages
/// answer faster than earlier ones, so completion order differs from request order.
async fn offset_server() -> MockServer {
    let server = MockServer::start().await;
    for skip in (0..1050u32).step_by(100) {
        let items: Vec<u32> = (skip..(skip + 100).min(1050)).collect();
        let body = serde_json::json!({"Result": items, "TotalRecords": 1050});
        Mock::given(path("/api/agents"))
            .and(q("$filter", FILTER))
            .and(q("$top", "100"))
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

/// An offset listing: the token is `$skip`; any page can be addressed by its offset.
fn offset_listing(t: Transport) -> Paginator<u32, u64> {
    Paginator::new(0u64, move |skip: u64| {
        let t = t.clone();
        async move {
            let request = Request::get("agents")
                .query("$filter", FILTER)
                .query("$top", "100")
                .query("$skip", skip.to_string());
            let env: Envelope = t.send_json(request).await?;
            let next = skip + env.result.len() as u64;
            Ok(Fetched::new(env.result)
                .with_next(next)
                .with_total(env.total))
        }
    })
    .seek(|offset| offset)
}

fn skips(requests: &[wiremock::Request]) -> Vec<u64> {
    requests
        .iter()
        .filter_map(|r| param(r, "$skip")?.parse().ok())
        .collect()
}

#[tokio::test]
async fn pages_in_flight_with_a_known_total_yield_items_in_order() {
    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .pages_in_flight(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..1050).collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap();
    let mut sent = skips(&requests);
    sent.sort_unstable();
    assert_eq!(
        sent,
        (0..1050).step_by(100).collect::<Vec<_>>(),
        "one request per page, none past the total"
    );
    for r in &requests {
        assert_eq!(param(r, "$filter").as_deref(), Some(FILTER));
        assert_eq!(param(r, "$top").as_deref(), Some("100"));
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
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..150).collect::<Vec<_>>());
    assert_eq!(skips(&server.received_requests().await.unwrap()), [0, 100]);
}

#[tokio::test]
async fn pages_in_flight_never_request_pages_beyond_max_items() {
    // 150 items of a 1,050-item listing: pages at $skip=0 and $skip=100 hold them all;
    // a window of 4 must not send the requests for $skip=200, 300 and 400.
    let server = offset_server().await;
    let items: Vec<u32> = offset_listing(transport(&server))
        .max_items(150)
        .pages_in_flight(4)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, (0..150).collect::<Vec<_>>());
    assert_eq!(
        skips(&server.received_requests().await.unwrap()),
        [0, 100],
        "no page past max_items is requested"
    );

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
    let items: Vec<u32> = Paginator::new(1u64, move |page: u64| {
        let t = t.clone();
        async move {
            let request = Request::get("x").query("page", page.to_string());
            let env: Envelope = t.send_json(request).await?;
            Ok(Fetched::new(env.result)
                .with_next(page + 1)
                .with_total(env.total))
        }
    })
    .seek(|offset| offset / 2 + 1)
    .max_items(5)
    .pages_in_flight(8)
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
        .filter_map(|r| param(r, "page"))
        .collect();
    pages.sort();
    assert_eq!(pages, ["1", "2", "3"]);
}

#[tokio::test]
async fn an_error_on_a_page_ends_the_stream_after_the_items_before_it() {
    let server = MockServer::start().await;
    Mock::given(q("page", "1"))
        .respond_with(json("[1,2]").insert_header("Link", "</api/items?page=2>; rel=\"next\""))
        .mount(&server)
        .await;
    Mock::given(q("page", "2"))
        .respond_with(
            ResponseTemplate::new(404).set_body_raw(r#"{"message":"gone"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    let mut items = numbered(transport(&server), vec![]).items();
    assert_eq!(items.next().await.unwrap().unwrap(), 1);
    assert_eq!(items.next().await.unwrap().unwrap(), 2);
    assert!(items.next().await.unwrap().unwrap_err().is_not_found());
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );

    // With pages in flight too: the pages before the failing one are yielded in order.
    let server = MockServer::start().await;
    Mock::given(q("$skip", "200"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    for skip in [0u32, 100, 300, 400] {
        let items: Vec<u32> = (skip..skip + 100).collect();
        Mock::given(q("$skip", skip.to_string().as_str()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"Result": items, "TotalRecords": 500})),
            )
            .mount(&server)
            .await;
    }
    let results: Vec<_> = offset_listing(transport(&server))
        .pages_in_flight(3)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 201);
    assert!(results[..200].iter().all(Result::is_ok));
    assert_eq!(
        results[200].as_ref().unwrap_err().status(),
        Some(msp_common::StatusCode::INTERNAL_SERVER_ERROR)
    );
}

#[tokio::test]
async fn pages_expose_token_number_and_total() {
    let server = offset_server().await;
    let pages: Vec<Page<u32, u64>> = offset_listing(transport(&server))
        .pages_in_flight(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 11);
    for (i, page) in pages.iter().enumerate() {
        assert_eq!(page.number, i as u64);
        assert_eq!(page.token, i as u64 * 100);
        assert_eq!(page.total, Some(1050));
        assert_eq!(page.items.first().copied(), Some(i as u32 * 100));
    }
    assert_eq!(pages[10].items.len(), 50);

    // Without a total: the total stays unknown and an empty page ends the listing (it is
    // not yielded).
    let server = MockServer::start().await;
    for (page, body) in [("1", "[1,2]"), ("2", "[3,4]"), ("3", "[]")] {
        Mock::given(q("page", page))
            .respond_with(json(body))
            .mount(&server)
            .await;
    }
    let t = transport(&server);
    let pages: Vec<Page<u32, u32>> = Paginator::new(1u32, move |page: u32| {
        let t = t.clone();
        async move {
            let items: Vec<u32> = t
                .send_json(Request::get("x").query("page", page.to_string()))
                .await?;
            Ok(Fetched::new(items).with_next(page + 1))
        }
    })
    .pages()
    .try_collect()
    .await
    .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        pages
            .iter()
            .map(|p| (p.token, p.number))
            .collect::<Vec<_>>(),
        [(1, 0), (2, 1)]
    );
    assert!(pages.iter().all(|p| p.total.is_none()));
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

// ---------------------------------------------------------------------------------
// The `Listing` trait: a vendor-style list builder over `/api/widgets`, paged by offset
// (`start`/`count`), reporting a total of 23 widgets.

const WIDGETS: u64 = 23;

/// Serves `/api/widgets?color=..&start=S&count=C` from 23 widgets, with a total, after
/// `delay`; unknown parameters or a missing `color` get a 404.
async fn widget_server(delay: Duration) -> MockServer {
    struct Widgets(Duration);
    impl wiremock::Respond for Widgets {
        fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
            let get = |k| param(request, k).and_then(|v| v.parse::<u64>().ok());
            let (Some(start), Some(count)) = (get("start"), get("count")) else {
                return ResponseTemplate::new(404);
            };
            let items: Vec<u64> = (start..WIDGETS.min(start + count)).collect();
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"items": items, "total": WIDGETS}))
                .set_delay(self.0)
        }
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/widgets"))
        .and(q("color", "blue"))
        .respond_with(Widgets(delay))
        .mount(&server)
        .await;
    server
}

/// What a vendor list builder looks like: its own filters, the shared options, and a
/// `paginator()` that builds each page's request from the offset token.
struct ListWidgets {
    transport: Transport,
    color: String,
    options: ListOptions,
    /// Page requests in flight right now, and the most seen at once.
    in_flight: Arc<(AtomicUsize, AtomicUsize)>,
}

impl ListWidgets {
    fn new(transport: Transport) -> Self {
        ListWidgets {
            transport,
            color: "blue".into(),
            options: ListOptions::default(),
            in_flight: Arc::default(),
        }
    }
}

impl Listing for ListWidgets {
    type Item = u64;
    type Token = u64;

    fn options_mut(&mut self) -> &mut ListOptions {
        &mut self.options
    }

    fn paginator(self) -> msp_common::Result<Paginator<u64, u64>> {
        if self.color.is_empty() {
            return Err(Error::config("a color is required"));
        }
        let size = u64::from(self.options.effective_page_size(10));
        let (t, color, in_flight) = (self.transport, self.color, self.in_flight);
        let paginator = Paginator::new(0u64, move |start: u64| {
            let (t, color, in_flight) = (t.clone(), color.clone(), in_flight.clone());
            async move {
                #[derive(serde::Deserialize)]
                struct Answer {
                    items: Vec<u64>,
                    total: u64,
                }
                let now = in_flight.0.fetch_add(1, Ordering::SeqCst) + 1;
                in_flight.1.fetch_max(now, Ordering::SeqCst);
                let request = Request::get("widgets")
                    .query("color", color)
                    .query("start", start.to_string())
                    .query("count", size.to_string());
                let answer = t.send_json::<Answer>(request).await;
                in_flight.0.fetch_sub(1, Ordering::SeqCst);
                let answer = answer?;
                let next = start + answer.items.len() as u64;
                Ok(Fetched::new(answer.items)
                    .with_next(next)
                    .with_total(answer.total))
            }
        })
        .seek(|offset| offset);
        Ok(self.options.apply(paginator, false))
    }
}

/// `(start, count)` of every request the server received, in order.
fn windows(requests: &[wiremock::Request]) -> Vec<(u64, u64)> {
    requests
        .iter()
        .map(|r| {
            let get = |k| param(r, k).unwrap().parse().unwrap();
            (get("start"), get("count"))
        })
        .collect()
}

#[tokio::test]
async fn listing_collects_every_record_with_the_default_page_size() {
    let server = widget_server(Duration::ZERO).await;
    let all = ListWidgets::new(transport(&server))
        .collect()
        .await
        .unwrap();
    assert_eq!(all, (0..WIDGETS).collect::<Vec<_>>());
    assert_eq!(
        windows(&server.received_requests().await.unwrap()),
        [(0, 10), (10, 10), (20, 10)]
    );
}

#[tokio::test]
async fn listing_limit_caps_records_and_the_page_size() {
    // A limit under the page size asks for no more records than that.
    let server = widget_server(Duration::ZERO).await;
    let first = ListWidgets::new(transport(&server))
        .limit(4)
        .collect()
        .await
        .unwrap();
    assert_eq!(first, [0, 1, 2, 3]);
    assert_eq!(
        windows(&server.received_requests().await.unwrap()),
        [(0, 4)]
    );

    // page_size sets the page; the limit stops the listing without a page past it.
    let server = widget_server(Duration::ZERO).await;
    let some = ListWidgets::new(transport(&server))
        .page_size(3)
        .limit(7)
        .collect()
        .await
        .unwrap();
    assert_eq!(some, (0..7).collect::<Vec<_>>());
    assert_eq!(
        windows(&server.received_requests().await.unwrap()),
        [(0, 3), (3, 3), (6, 3)]
    );

    // A limit of zero sends nothing.
    let server = widget_server(Duration::ZERO).await;
    let none = ListWidgets::new(transport(&server))
        .limit(0)
        .collect()
        .await
        .unwrap();
    assert!(none.is_empty());
    assert!(server.received_requests().await.unwrap().is_empty());

    // effective_page_size itself.
    let mut options = ListOptions::default();
    assert_eq!(options.effective_page_size(50), 50);
    options.page_size = Some(200);
    assert_eq!(options.effective_page_size(50), 200);
    options.limit = Some(30);
    assert_eq!(options.effective_page_size(50), 30);
    options.limit = Some(0);
    assert_eq!(options.effective_page_size(50), 1);
}

#[tokio::test]
async fn listing_stream_and_pages_are_lazy_and_carry_metadata() {
    let server = widget_server(Duration::ZERO).await;
    let mut stream = ListWidgets::new(transport(&server)).page_size(5).stream();
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert!(server.received_requests().await.unwrap().is_empty());
    assert_eq!(stream.next().await.unwrap().unwrap(), 0);
    let rest: Vec<u64> = stream.try_collect().await.unwrap();
    assert_eq!(rest, (1..WIDGETS).collect::<Vec<_>>());

    let server = widget_server(Duration::ZERO).await;
    let pages: Vec<Page<u64, u64>> = ListWidgets::new(transport(&server))
        .page_size(10)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages
            .iter()
            .map(|p| (p.token, p.number, p.total, p.items.len()))
            .collect::<Vec<_>>(),
        [
            (0, 0, Some(23), 10),
            (10, 1, Some(23), 10),
            (20, 2, Some(23), 3)
        ]
    );
}

#[tokio::test]
async fn listing_look_ahead_is_off_by_default_and_can_be_turned_on() {
    let server = widget_server(Duration::ZERO).await;
    let mut stream = ListWidgets::new(transport(&server)).page_size(5).stream();
    assert_eq!(stream.next().await.unwrap().unwrap(), 0);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "the default of this listing is no look-ahead"
    );
    drop(stream);

    let server = widget_server(Duration::ZERO).await;
    let mut stream = ListWidgets::new(transport(&server))
        .page_size(5)
        .look_ahead(true)
        .stream();
    assert_eq!(stream.next().await.unwrap().unwrap(), 0);
    let requests = wait_for_requests(&server, 2).await;
    assert_eq!(windows(&requests), [(0, 5), (5, 5)], "page 2 is on its way");
    let rest: Vec<u64> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len() as u64, WIDGETS - 1);
}

#[tokio::test]
async fn listing_pages_in_flight_overlap_requests_and_keep_order() {
    // One at a time by default.
    let server = widget_server(Duration::from_millis(40)).await;
    let list = ListWidgets::new(transport(&server)).page_size(2);
    let counters = list.in_flight.clone();
    let all = list.collect().await.unwrap();
    assert_eq!(all, (0..WIDGETS).collect::<Vec<_>>());
    assert_eq!(counters.1.load(Ordering::SeqCst), 1);

    // Up to three at once, once the first page reported the total.
    let server = widget_server(Duration::from_millis(40)).await;
    let list = ListWidgets::new(transport(&server))
        .page_size(2)
        .pages_in_flight(3);
    let counters = list.in_flight.clone();
    let all = list.collect().await.unwrap();
    assert_eq!(all, (0..WIDGETS).collect::<Vec<_>>());
    assert_eq!(counters.1.load(Ordering::SeqCst), 3);
    let mut starts: Vec<u64> = windows(&server.received_requests().await.unwrap())
        .iter()
        .map(|w| w.0)
        .collect();
    starts.sort_unstable();
    assert_eq!(starts, (0..WIDGETS).step_by(2).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_paginator_error_is_the_only_item_and_nothing_is_sent() {
    let server = widget_server(Duration::ZERO).await;
    let broken = || {
        let mut list = ListWidgets::new(transport(&server));
        list.color.clear();
        list
    };
    let results: Vec<_> = broken().stream().collect().await;
    assert_eq!(results.len(), 1);
    assert!(matches!(results[0], Err(Error::Config { .. })));
    let pages: Vec<_> = broken().pages().collect().await;
    assert_eq!(pages.len(), 1);
    assert!(matches!(pages[0], Err(Error::Config { .. })));
    let err = broken().limit(3).collect().await.unwrap_err();
    assert!(err.to_string().contains("a color is required"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
