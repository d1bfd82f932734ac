//! The shared request lifecycle as the VSA client uses it, checked on the wire: envelope
//! errors retried by the one loop and the call's own policy, single-flight
//! re-authentication, writes resent once after a refused token, and listings paged by
//! a typed offset.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId, OrgId};
use kaseya_vsa_client::{Client, Error, ErrorExt, Listing, RetryPolicy};
use msp_common::StatusCode;
use msp_common::retry::{FixedJitter, ManualClock};
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn auth_ok(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Result": {"TenantId": "1", "Token": token, "UserName": "apiuser",
                   "SessionExpiration": "2999-03-21T11:33:04.833"},
        "ResponseCode": 0, "Status": "OK", "Error": "None"
    }))
}

/// `/auth` answering `t1`, `t2`, `t3`, … in turn.
struct Tokens(AtomicUsize);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        auth_ok(&format!("t{n}"))
    }
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/auth"))
        .respond_with(Tokens(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "S3cret!"))
        .random_source(|| "12345678".to_owned())
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap()
}

async fn count(server: &MockServer, method: &str, p: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == p)
        .count()
}

fn busy() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "Result": null, "ResponseCode": 503, "Status": "Busy", "Error": "Server busy, retry"
    }))
}

const ORG: &str = "/api/v1.0/system/orgs/10000000000000";

async fn mount_busy_then_ok(server: &MockServer, busy_answers: u64) {
    Mock::given(method("GET"))
        .and(path(ORG))
        .respond_with(busy())
        .up_to_n_times(busy_answers)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(ORG))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": [{"OrgId": 10_000_000_000_000u64, "OrgName": "Acme"}], "ResponseCode": 0
        })))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_per_call_retry_policy_governs_envelope_errors_too() {
    let server = server().await;
    mount_busy_then_ok(&server, 2).await;
    let clock = ManualClock::new();
    let vsa = client(&server, &clock);
    let org = OrgId::from(10_000_000_000_000u64);

    // No retries for this call: one request, the envelope error reported as it came.
    let err = vsa
        .orgs()
        .get(&org)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(count(&server, "GET", ORG).await, 1);
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    let detail = err.envelope().unwrap();
    assert_eq!(detail.http_status, StatusCode::OK);
    assert_eq!(detail.response_code, 503);
    assert!(clock.sleeps().is_empty(), "no wait either");

    // The client's policy (three attempts): the remaining busy answer, then the record.
    let found = vsa.orgs().get(&org).await.unwrap();
    assert_eq!(found.org_name.as_deref(), Some("Acme"));
    assert_eq!(count(&server, "GET", ORG).await, 3);
    assert_eq!(clock.sleeps().len(), 1);

    // A per-call policy can also allow more than the client's.
    let server = self::server().await;
    mount_busy_then_ok(&server, 4).await;
    let vsa = client(&server, &ManualClock::new());
    let found = vsa
        .orgs()
        .get(&org)
        .retry(RetryPolicy::default().with_max_attempts(5))
        .await
        .unwrap();
    assert_eq!(found.org_name.as_deref(), Some("Acme"));
    assert_eq!(count(&server, "GET", ORG).await, 5);
}

#[tokio::test]
async fn an_envelope_error_on_a_write_is_never_replayed_even_with_a_generous_policy() {
    let server = server().await;
    Mock::given(method("PUT"))
        .respond_with(busy())
        .mount(&server)
        .await;
    let vsa = client(&server, &ManualClock::new());
    let err = vsa
        .agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(2u64))
        .retry(RetryPolicy::default().with_max_attempts(5))
        .await
        .unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        count(&server, "PUT", "/api/v1.0/automation/agentprocs/1/2/runnow").await,
        1
    );
}

#[tokio::test]
async fn a_write_refused_with_401_is_resent_once_after_reauthentication_never_twice() {
    let server = server().await;
    let run = "/api/v1.0/automation/agentprocs/1/2/runnow";
    // The server refuses the first token and acts on the second.
    Mock::given(method("PUT"))
        .and(path(run))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "Result": null, "ResponseCode": 401, "Error": "Session has expired or is invalid."
        })))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(run))
        .and(header("authorization", "Bearer t2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Result": true, "ResponseCode": 0})),
        )
        .mount(&server)
        .await;
    let vsa = client(&server, &ManualClock::new());
    vsa.agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(2u64))
        .await
        .unwrap();
    assert_eq!(count(&server, "PUT", run).await, 2, "sent, refused, resent");
    assert_eq!(vsa.auth_count(), 2);

    // A server that refuses every token: one resend after the new sign-in, no more.
    let server = self::server().await;
    Mock::given(method("PUT"))
        .and(path(run))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .mount(&server)
        .await;
    let vsa = client(&server, &ManualClock::new());
    let err = vsa
        .agent_procedures()
        .run_now(&AgentId::from(1u64), &AgentProcedureId::from(2u64))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(count(&server, "PUT", run).await, 2, "never a third time");
    assert_eq!(count(&server, "GET", "/api/v1.0/auth").await, 2);
    assert_eq!(err.attempts(), 2);
}

#[tokio::test]
async fn a_hundred_concurrent_reads_on_an_invalidated_token_cost_one_reauthentication() {
    let server = server().await;
    let orgs = "/api/v1.0/system/orgs";
    // `t1` is refused from the start (the server invalidated it); `t2` works.
    Mock::given(path(orgs))
        .and(header("authorization", "Bearer t1"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string("Session expired")
                .set_delay(Duration::from_millis(20)),
        )
        .mount(&server)
        .await;
    Mock::given(path(orgs))
        .and(header("authorization", "Bearer t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": [{"OrgId": 1}, {"OrgId": 2}], "TotalRecords": 2, "ResponseCode": 0
        })))
        .mount(&server)
        .await;
    let vsa = client(&server, &ManualClock::new());
    vsa.authenticate().await.unwrap();
    let calls = (0..100).map(|_| {
        let vsa = vsa.clone();
        tokio::spawn(async move { vsa.orgs().list().collect().await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().len(), 2);
    }
    assert_eq!(
        count(&server, "GET", "/api/v1.0/auth").await,
        2,
        "the first sign-in, and one for the whole wave"
    );
    let with = |token: &'static str| {
        let server = &server;
        async move {
            server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.url.path() == orgs)
                .filter(|r| {
                    r.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(token)
                })
                .count()
        }
    };
    assert_eq!(
        with("Bearer t2").await,
        100,
        "every read answered once, on the new token"
    );
    assert!(with("Bearer t1").await >= 1, "the wave was refused");
}

/// A list endpoint of `total` numbered records that honours `$skip` / `$top`, answering
/// after `delay`.
struct Records {
    total: u64,
    delay: Duration,
    ignore_skip: bool,
}

impl Respond for Records {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let get = |k: &str| {
            request
                .url
                .query_pairs()
                .find(|(key, _)| key == k)
                .and_then(|(_, v)| v.parse::<u64>().ok())
        };
        let skip = if self.ignore_skip {
            0
        } else {
            get("$skip").unwrap_or(0)
        };
        let top = get("$top").unwrap_or(100).min(100);
        let rows: Vec<_> = (skip..self.total.min(skip + top))
            .map(|i| json!({"OrgId": i + 1, "OrgName": format!("org {i}")}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"Result": rows, "TotalRecords": self.total, "ResponseCode": 0}))
            .set_delay(self.delay)
    }
}

async fn list_server(records: Records) -> MockServer {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1.0/system/orgs"))
        .respond_with(records)
        .mount(&server)
        .await;
    server
}

async fn pages_requested(server: &MockServer) -> usize {
    count(server, "GET", "/api/v1.0/system/orgs").await
}

/// Waits until `n` page requests arrived (or a few seconds passed), then a little more
/// to be sure no other follows.
async fn settle_at(server: &MockServer, n: usize) -> usize {
    for _ in 0..100 {
        if pages_requested(server).await >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    pages_requested(server).await
}

#[tokio::test]
async fn a_server_that_ignores_skip_ends_the_stream_with_a_protocol_error() {
    let server = list_server(Records {
        total: 1000,
        delay: Duration::ZERO,
        ignore_skip: true,
    })
    .await;
    let vsa = client(&server, &ManualClock::new());
    let mut stream = vsa.orgs().list().stream();
    let mut yielded = 0;
    let err = loop {
        match stream.next().await {
            Some(Ok(_)) => yielded += 1,
            Some(Err(err)) => break err,
            None => panic!("the stream ended without an error after {yielded} records"),
        }
    };
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert_eq!(yielded, 100, "the first page, once");
    assert!(stream.next().await.is_none());
    // The same happens with pages in flight.
    let err = vsa
        .orgs()
        .list()
        .pages_in_flight(4)
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
}

#[tokio::test]
async fn look_ahead_can_be_turned_off() {
    let records = || Records {
        total: 300,
        delay: Duration::ZERO,
        ignore_skip: false,
    };
    // Off: the next page is requested only when the stream is polled past this one.
    let server = list_server(records()).await;
    let vsa = client(&server, &ManualClock::new());
    let mut stream = vsa.orgs().list().look_ahead(false).stream();
    stream.next().await.unwrap().unwrap();
    assert_eq!(settle_at(&server, 1).await, 1);
    for _ in 0..99 {
        stream.next().await.unwrap().unwrap();
    }
    assert_eq!(settle_at(&server, 1).await, 1, "still the first page");
    stream.next().await.unwrap().unwrap();
    assert_eq!(settle_at(&server, 2).await, 2);
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 199);
    assert_eq!(pages_requested(&server).await, 3);

    // On (the default): the next page is on its way while this one is consumed.
    let server = list_server(records()).await;
    let vsa = client(&server, &ManualClock::new());
    let mut stream = vsa.orgs().list().stream();
    stream.next().await.unwrap().unwrap();
    assert_eq!(settle_at(&server, 2).await, 2);
}

#[tokio::test]
async fn pages_in_flight_keeps_several_requests_going_and_yields_in_order() {
    let server = list_server(Records {
        total: 1000,
        delay: Duration::from_millis(300),
        ignore_skip: false,
    })
    .await;
    let vsa = client(&server, &ManualClock::new());
    let mut pages = vsa.orgs().list().pages_in_flight(4).pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!((first.token, first.number, first.total), (0, 0, Some(1000)));
    // Once the total is known, four page requests are in flight at once.
    assert_eq!(settle_at(&server, 5).await, 5);
    let mut ids: Vec<u64> = first
        .items
        .iter()
        .map(|o| o.org_id.as_ref().unwrap().as_str().parse().unwrap())
        .collect();
    let mut tokens = vec![first.token];
    while let Some(page) = pages.try_next().await.unwrap() {
        tokens.push(page.token);
        ids.extend(
            page.items
                .iter()
                .map(|o| o.org_id.as_ref().unwrap().as_str().parse::<u64>().unwrap()),
        );
    }
    assert_eq!(
        ids,
        (1..=1000).collect::<Vec<_>>(),
        "every record once, in order"
    );
    assert_eq!(tokens, (0..10).map(|p| p * 100).collect::<Vec<u64>>());
    assert_eq!(pages_requested(&server).await, 10);
    let skips: std::collections::BTreeSet<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/api/v1.0/system/orgs")
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "$skip")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(skips.len(), 10, "each page requested once: {skips:?}");
}

#[tokio::test]
async fn a_starting_skip_is_added_to_each_page_offset() {
    let server = list_server(Records {
        total: 250,
        delay: Duration::ZERO,
        ignore_skip: false,
    })
    .await;
    let vsa = client(&server, &ManualClock::new());
    let pages: Vec<_> = vsa
        .orgs()
        .list()
        .skip(30)
        .page_size(100)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages[0].total,
        Some(220),
        "the total counts from the starting record"
    );
    assert_eq!(
        pages.iter().map(|p| p.token).collect::<Vec<_>>(),
        [0, 100, 200]
    );
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 220);
    for skip in ["30", "130", "230"] {
        let hits = server
            .received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.url.query_pairs().any(|(k, v)| k == "$skip" && v == skip))
            .count();
        assert_eq!(hits, 1, "$skip={skip}");
    }
    Mock::given(query_param("$top", "101"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = vsa
        .orgs()
        .list()
        .page_size(101)
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
}
