//! Paging by typed tokens on the wire: servers that point back, hostile page numbers,
//! pages in flight with the total from `/count`, look-ahead, page metadata.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use cwmanage_client::Listing;
use cwmanage_client::conditions::Condition;
use cwmanage_client::models::Ticket;
use cwmanage_client::query::{PageToken, Paging};
use futures_util::{StreamExt, TryStreamExt};
use msp_common::Error;
use support::{BASE, client, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn page(ids: std::ops::RangeInclusive<u64>) -> String {
    serde_json::to_string(
        &ids.map(|id| serde_json::json!({"id": id, "summary": format!("t{id}")}))
            .collect::<Vec<_>>(),
    )
    .unwrap()
}

fn param(req: &Request, key: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// Drains a stream, keeping what came before the first error and the error.
async fn drain(
    mut stream: futures_util::stream::BoxStream<'static, cwmanage_client::Result<Ticket>>,
) -> (Vec<u64>, Option<Error>) {
    let mut ids = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(t) => ids.push(t.id.unwrap().0),
            Err(e) => {
                assert!(stream.next().await.is_none(), "nothing after the error");
                return (ids, Some(e));
            }
        }
    }
    (ids, None)
}

#[tokio::test]
async fn an_unchanged_page_id_ends_the_stream_with_a_protocol_error() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    let link = format!(r#"<{base}?pageSize=2&pageId=2>; rel="next""#);
    Mock::given(method("GET"))
        .and(query_param_is_missing("pageId"))
        .respond_with(json(&page(1..=2)).insert_header("Link", link.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    // The next page differs, but its Link hands back the same pageId.
    Mock::given(method("GET"))
        .and(query_param("pageId", "2"))
        .respond_with(json(&page(3..=4)).insert_header("Link", link.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let (ids, err) = drain(
        client
            .tickets()
            .list()
            .paging(Paging::ForwardOnly)
            .page_size(2)
            .stream(),
    )
    .await;
    assert_eq!(ids, [1, 2, 3, 4], "the good pages are yielded first");
    let err = err.expect("the stream ends with an error");
    assert!(matches!(err, Error::Protocol { .. }), "{err}");
    assert!(err.to_string().contains("Cursor(\"2\")"), "{err}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_page_number_link_pointing_back_ends_the_stream_with_a_protocol_error() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(json(&page(1..=2)).insert_header(
            "Link",
            format!(r#"<{base}?pageSize=2&page=2>; rel="next""#).as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(json(&page(3..=4)).insert_header(
            "Link",
            format!(r#"<{base}?pageSize=2&page=1>; rel="next""#).as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let (ids, err) = drain(
        client
            .tickets()
            .list()
            .paging(Paging::PageNumbers)
            .page_size(2)
            .stream(),
    )
    .await;
    assert_eq!(ids, [1, 2, 3, 4]);
    let err = err.expect("the stream ends with an error");
    assert!(matches!(err, Error::Protocol { .. }), "{err}");
    assert!(err.to_string().contains("Number(1)"), "{err}");
}

#[tokio::test]
async fn a_link_to_page_u64_max_does_not_panic() {
    const MAX: &str = "18446744073709551615";
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .respond_with(json(&page(1..=2)).insert_header(
            "Link",
            format!(r#"<{base}?pageSize=2&page={MAX}>; rel="next""#).as_str(),
        ))
        .mount(&server)
        .await;
    // A full page and no Link header: the number after it does not exist.
    Mock::given(method("GET"))
        .and(query_param("page", MAX))
        .respond_with(json(&page(3..=4)))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let pages: Vec<_> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let tokens: Vec<PageToken> = pages.iter().map(|p| p.token.clone()).collect();
    assert_eq!(tokens, [PageToken::Number(1), PageToken::Number(u64::MAX)]);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 2, "no page after u64::MAX is asked for");
    assert_eq!(param(&reqs[1], "page").as_deref(), Some(MAX));

    // The same page again from there, or a number that does not parse, ends cleanly or
    // with a protocol error, never a panic.
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/service/tickets", server.uri());
    for (n, next) in [("1", MAX), (MAX, MAX)] {
        Mock::given(method("GET"))
            .and(query_param("page", n))
            .respond_with(
                json(&page(if n == "1" { 1..=2 } else { 3..=4 })).insert_header(
                    "Link",
                    format!(r#"<{base}?pageSize=2&page={next}>; rel="next""#).as_str(),
                ),
            )
            .mount(&server)
            .await;
    }
    let (client, _) = support::client(&server.uri());
    let (ids, err) = drain(
        client
            .tickets()
            .list()
            .paging(Paging::PageNumbers)
            .page_size(2)
            .stream(),
    )
    .await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert!(matches!(err, Some(Error::Protocol { .. })), "{err:?}");

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(json(&page(1..=2)).insert_header(
            "Link",
            format!(r#"<{BASE}/service/tickets?page=18446744073709551616>; rel="next""#).as_str(),
        ))
        .mount(&server)
        .await;
    let (client, _) = support::client(&server.uri());
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 2, "an unreadable next page ends the listing");
}

/// Serves `/service/tickets` page by page from `total` tickets (ids 1..=total) with
/// Link headers like Manage, delaying page 2.
struct Numbered {
    total: u64,
    slow_page: u64,
    delay: Duration,
}

impl Respond for Numbered {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let size: u64 = param(req, "pageSize").unwrap().parse().unwrap();
        let n: u64 = param(req, "page").unwrap().parse().unwrap();
        let first = (n - 1) * size + 1;
        let last = (n * size).min(self.total);
        let mut response = json(&page(first..=last));
        if last < self.total {
            let mut next = req.url.clone();
            let pairs: Vec<(String, String)> = next
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k == "page" {
                        (n + 1).to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            next.query_pairs_mut().clear().extend_pairs(pairs);
            response = response.insert_header("Link", format!(r#"<{next}>; rel="next""#).as_str());
        }
        if n == self.slow_page {
            response = response.set_delay(self.delay);
        }
        response
    }
}

#[tokio::test]
async fn pages_in_flight_ask_count_once_and_keep_several_pages_in_flight() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": 19}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(Numbered {
            total: 19,
            slow_page: 2,
            delay: Duration::from_millis(1500),
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    // `id asc` would page forward-only; more than one page in flight needs numbers.
    let mut stream = client
        .tickets()
        .list()
        .conditions(Condition::field("closedFlag").eq(false))
        .child_conditions("configurations/id = 5")
        .order_by("id asc")
        .fields(["id", "summary"])
        .page_size(2)
        .pages_in_flight(4)
        .stream();
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(stream.next().await.unwrap().unwrap().id.unwrap().0);
    }
    // The third record is the first of page 2, which took 1.5 s: pages 3, 4 and 5 were
    // asked for at the same time as page 2, not after it.
    let asked: BTreeSet<u64> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| param(r, "page"))
        .map(|p| p.parse().unwrap())
        .collect();
    assert!(
        [1, 2, 3, 4, 5].iter().all(|p| asked.contains(p)),
        "pages in flight while page 2 was slow: {asked:?}"
    );
    let rest: Vec<u64> = stream
        .map_ok(|t| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    ids.extend(rest);
    assert_eq!(ids, (1..=19).collect::<Vec<_>>(), "in order");

    let reqs = server.received_requests().await.unwrap();
    let counts: Vec<_> = reqs
        .iter()
        .filter(|r| r.url.path().ends_with("/count"))
        .collect();
    assert_eq!(counts.len(), 1, "/count is asked once");
    assert_eq!(
        counts[0].url.query(),
        Some("conditions=closedFlag%20%3D%20false&childConditions=configurations%2Fid%20%3D%205"),
        "/count gets the same filters"
    );
    let mut pages: Vec<u64> = Vec::new();
    for req in reqs.iter().filter(|r| !r.url.path().ends_with("/count")) {
        let n: u64 = param(req, "page").unwrap().parse().unwrap();
        pages.push(n);
        let q: Vec<(String, String)> = req
            .url
            .query_pairs()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        let expected: Vec<(String, String)> = [
            ("conditions", "closedFlag = false"),
            ("childConditions", "configurations/id = 5"),
            ("orderBy", "id asc"),
            ("fields", "id,summary"),
            ("pageSize", "2"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("page".to_string(), n.to_string())])
        .collect();
        assert_eq!(q, expected, "page {n} carries every parameter");
        assert!(req.headers.get("pagination-type").is_none());
    }
    pages.sort_unstable();
    assert_eq!(
        pages,
        (1..=10).collect::<Vec<_>>(),
        "each page once, none past the total"
    );
}

#[tokio::test]
async fn pages_in_flight_with_a_limit_stop_at_the_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": 19}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(Numbered {
            total: 19,
            slow_page: 0,
            delay: Duration::ZERO,
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let pages: Vec<_> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .page_size(3)
        .limit(7)
        .pages_in_flight(3)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let summary: Vec<(PageToken, u64, Option<u64>, usize)> = pages
        .iter()
        .map(|p| (p.token.clone(), p.number, p.total, p.items.len()))
        .collect();
    assert_eq!(
        summary,
        [
            (PageToken::Number(1), 0, Some(19), 3),
            (PageToken::Number(2), 1, Some(19), 3),
            (PageToken::Number(3), 2, Some(19), 3),
        ]
    );
    let asked: BTreeSet<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter_map(|r| param(r, "page"))
        .collect();
    assert_eq!(
        asked,
        ["1", "2", "3"].map(String::from).into(),
        "no page past the limit"
    );
}

#[tokio::test]
async fn one_page_in_flight_asks_no_count() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(Numbered {
            total: 5,
            slow_page: 0,
            delay: Duration::ZERO,
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    let reqs = server.received_requests().await.unwrap();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| !r.url.path().ends_with("/count")));
}

#[tokio::test]
async fn look_ahead_is_off_by_default_and_can_be_turned_on() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(Numbered {
            total: 6,
            slow_page: 0,
            delay: Duration::ZERO,
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let list = || {
        client
            .tickets()
            .list()
            .paging(Paging::PageNumbers)
            .page_size(2)
    };
    let mut stream = list().stream();
    stream.next().await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    drop(stream);

    let mut stream = list().look_ahead(true).stream();
    stream.next().await.unwrap().unwrap();
    let mut waited = Duration::ZERO;
    while server.received_requests().await.unwrap().len() < 3 && waited < Duration::from_secs(5) {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += Duration::from_millis(20);
    }
    let pages: Vec<String> = server.received_requests().await.unwrap()[1..]
        .iter()
        .filter_map(|r| param(r, "page"))
        .collect();
    assert_eq!(
        pages,
        ["1", "2"],
        "page 2 was asked for while page 1 was read"
    );
    let rest: Vec<Ticket> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 5);
}

#[tokio::test]
async fn pages_report_their_tokens() {
    let server = MockServer::start().await;
    let base = format!("{}{BASE}/company/contacts", server.uri());
    Mock::given(method("GET"))
        .and(query_param_is_missing("pageId"))
        .respond_with(json(r#"[{"id":77},{"id":78}]"#).insert_header(
            "Link",
            format!(r#"<{base}?pageSize=2&pageId=78>; rel="next""#).as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("pageId", "78"))
        .respond_with(json(r#"[{"id":90}]"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let pages: Vec<_> = client
        .contacts()
        .list()
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let tokens: Vec<(PageToken, u64, usize)> = pages
        .iter()
        .map(|p| (p.token.clone(), p.number, p.items.len()))
        .collect();
    assert_eq!(
        tokens,
        [
            (PageToken::Number(1), 0, 2),
            (PageToken::Cursor("78".into()), 1, 1)
        ]
    );
    // Forward-only (Auto, id order): the first page has no pageId, the second the Link's.
    let reqs = server.received_requests().await.unwrap();
    assert!(
        reqs.iter()
            .all(|r| r.headers.get("pagination-type").is_some())
    );
    assert_eq!(reqs[0].url.query(), Some("pageSize=2"));
    assert_eq!(reqs[1].url.query(), Some("pageSize=2&pageId=78"));
}

#[tokio::test]
async fn an_absurd_count_is_not_trusted() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets/count")))
        .respond_with(json(r#"{"count": 18446744073709551615}"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{BASE}/service/tickets")))
        .respond_with(Numbered {
            total: 7,
            slow_page: 0,
            delay: Duration::ZERO,
        })
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let pages: Vec<_> = client
        .tickets()
        .list()
        .paging(Paging::PageNumbers)
        .page_size(2)
        .pages_in_flight(4)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 4, "the Link headers are followed instead");
    assert!(pages.iter().all(|p| p.total.is_none()));
}
