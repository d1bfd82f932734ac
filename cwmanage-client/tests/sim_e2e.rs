//! End-to-end tests against the simulator.
#![cfg(feature = "sim")]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use cwmanage_client::Listing;
use cwmanage_client::conditions::Condition;
use cwmanage_client::models::{BoardStatus, Company, Ticket};
use cwmanage_client::patch::PatchOp;
use cwmanage_client::query::Paging;
use cwmanage_client::sim::{Fault, Simulator};
use cwmanage_client::{Client, Credentials, ErrorExt};
use futures_util::TryStreamExt;
use msp_common::retry::{FixedJitter, ManualClock};
use msp_common::secret::ExposeSecret;

fn client_for(sim: &Simulator) -> (Client, ManualClock) {
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .api_version("2025.1")
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap();
    (client, clock)
}

#[tokio::test]
async fn stream_5000_tickets_by_conditions_in_both_paging_modes() {
    let sim = Simulator::start().await;
    let (client, _) = client_for(&sim);
    let since = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap();
    // Board 2 ("Projects"), an open status, entered after a date.
    let condition = Condition::field("board/id")
        .eq(2)
        .and(Condition::field("status/name").is_in(["New", "In Progress"]))
        .and(Condition::field("dateEntered").ge(since));
    let expected: Vec<u64> = sim
        .records("service/tickets")
        .iter()
        .filter(|t| {
            t["board"]["id"] == 2
                && ["New", "In Progress"].contains(&t["status"]["name"].as_str().unwrap())
                && chrono::DateTime::parse_from_rfc3339(t["dateEntered"].as_str().unwrap()).unwrap()
                    >= since
        })
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert!(expected.len() > 100, "{}", expected.len());
    for paging in [Paging::PageNumbers, Paging::ForwardOnly, Paging::Auto] {
        let before = sim.received().len();
        let ids: Vec<u64> = client
            .tickets()
            .list()
            .conditions(condition.clone())
            .page_size(1000)
            .paging(paging)
            .stream()
            .map_ok(|t: Ticket| t.id.unwrap().0)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, expected, "{paging:?}");
        assert!(
            sim.received().len() - before <= 2,
            "{paging:?}: at most 1000 per page"
        );
    }
    // Streamed from the whole 5,000 with page numbers and Link headers.
    let all: Vec<u64> = client
        .tickets()
        .list()
        .fields(["id"])
        .page_size(1000)
        .paging(Paging::PageNumbers)
        .stream()
        .map_ok(|t: Ticket| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, (1..=5000).collect::<Vec<_>>());
    let forward: Vec<u64> = client
        .tickets()
        .list()
        .fields(["id"])
        .page_size(1000)
        .stream()
        .map_ok(|t: Ticket| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(forward, all);
    // Every forward-only request carried the header; pageIds came from the Link.
    let requests = sim.received();
    let last: Vec<_> = requests.iter().rev().take(5).collect();
    assert!(last.iter().all(|r| r.header("pagination-type").is_some()));
    let page_ids: Vec<&str> = last
        .iter()
        .rev()
        .filter_map(|r| r.query_param("pageId"))
        .collect();
    assert_eq!(page_ids, ["1000", "2000", "3000", "4000"]);
}

#[tokio::test]
async fn order_by_and_count_agree_with_the_data() {
    let sim = Simulator::builder().tickets(400).start().await;
    let (client, _) = client_for(&sim);
    let c = Condition::field("closedFlag")
        .eq(false)
        .and(Condition::field("summary").like("Printer%"));
    let n = client.tickets().count(&c).await.unwrap();
    let desc: Vec<Ticket> = client
        .tickets()
        .list()
        .conditions(&c)
        .order_by("id desc")
        .page_size(7)
        .collect()
        .await
        .unwrap();
    assert_eq!(desc.len() as u64, n);
    assert!(desc.windows(2).all(|w| w[0].id > w[1].id));
    assert!(
        desc.iter()
            .all(|t| t.summary.as_deref().unwrap().starts_with("Printer"))
    );
    assert!(n > 0);
}

#[tokio::test]
async fn a_company_with_both_quotes_is_found_by_exact_name() {
    let sim = Simulator::builder().tickets(10).start().await;
    let (client, _) = client_for(&sim);
    let name = r#"O'Brien & Sons + Co "West""#;
    // `=` cannot carry this value, and says so before sending anything.
    let err = client
        .companies()
        .list()
        .conditions(Condition::field("name").eq(name))
        .collect()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("both a double and a single quote"));
    let found: Vec<Company> = client.companies().find_exact("name", name).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name.as_deref(), Some(name));
    assert_eq!(found[0].id.unwrap().0, 7);
    // Values with one kind of quote go through `=` directly.
    let mut near = Company::new("OBrienWest", r#"Sons + Co "West""#);
    near.year_established = Some(1990);
    client.companies().create(&near).await.unwrap();
    let exact: Vec<Company> = client
        .companies()
        .list()
        .conditions(Condition::field("name").eq(r#"Sons + Co "West""#))
        .collect()
        .await
        .unwrap();
    assert_eq!(exact.len(), 1);
    // Custom field conditions.
    let west: Vec<Company> = client
        .companies()
        .list()
        .custom_field_conditions(r#"caption="Region" AND value="West""#)
        .collect()
        .await
        .unwrap();
    assert_eq!(west.len(), 30);
}

#[tokio::test]
async fn create_ticket_add_internal_note_patch_status_read_back() {
    let sim = Simulator::builder().tickets(20).start().await;
    let (client, _) = client_for(&sim);
    let mut t = Ticket::new("Server room too hot", 3);
    t.board = Some(cwmanage_client::models::Reference::id(1));
    let created = client.tickets().create(&t).await.unwrap();
    let id = created.id.unwrap();
    assert_eq!(id.0, 21);
    assert_eq!(
        created.status.as_ref().unwrap().name.as_deref(),
        Some("New")
    );
    let note = client
        .tickets()
        .notes(id)
        .add_internal("Checked the AC unit")
        .await
        .unwrap();
    assert_eq!(note.internal_analysis_flag, Some(true));
    let patched = client
        .tickets()
        .patch(id, &[PatchOp::replace("status/id", 2)])
        .await
        .unwrap();
    assert_eq!(
        patched.status.as_ref().unwrap().name.as_deref(),
        Some("In Progress")
    );

    let back = client.tickets().get(id).await.unwrap();
    assert_eq!(back.status.unwrap().id, Some(2));
    assert_eq!(back.summary.as_deref(), Some("Server room too hot"));
    let notes = client.tickets().notes(id).list().collect().await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text.as_deref(), Some("Checked the AC unit"));

    // Validation errors come back in the vendor's shape.
    let err = client
        .tickets()
        .create(&Ticket::new("", 3))
        .await
        .unwrap_err();
    let body = err.manage_error().unwrap();
    assert_eq!(body.code.as_deref(), Some("InvalidObject"));
    assert_eq!(body.errors[0].field.as_deref(), Some("summary"));
    let err = client
        .tickets()
        .patch(id, &[PatchOp::replace("status/id", 9)])
        .await
        .unwrap_err();
    assert_eq!(
        err.manage_error().unwrap().errors[0].field.as_deref(),
        Some("status")
    );
    let mut c = Company::new("Old", "Old Co");
    c.year_established = Some(1800);
    let err = client.companies().create(&c).await.unwrap_err();
    assert_eq!(
        err.manage_error().unwrap().errors[0].code.as_deref(),
        Some("OutOfRange")
    );
    // Delete, then it is gone.
    client.tickets().delete(id).await.unwrap();
    assert!(client.tickets().get(id).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn a_429_during_a_stream_is_waited_out_and_the_stream_completes() {
    let sim = Simulator::builder().tickets(1000).start().await;
    let (client, clock) = client_for(&sim);
    let mut pages = Box::pin(client.tickets().list().page_size(100).pages());
    let mut ids: Vec<u64> = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        ids.extend(page.items.iter().map(|t| t.id.unwrap().0));
        if ids.len() == 200 {
            // Mid-stream: the next request is refused with 429, its retry with 503.
            sim.inject(Fault::too_many_requests(4), 1).await;
            sim.inject(Fault::status(503), 1).await;
        }
    }
    assert_eq!(ids, (1..=1000).collect::<Vec<_>>());
    assert_eq!(clock.sleeps()[0], std::time::Duration::from_secs(4));
    assert_eq!(clock.sleeps().len(), 2);
    // A write answered 503 is not replayed: the server may have acted.
    sim.inject(Fault::status(503), 1).await;
    let before = sim.received().len();
    let err = client
        .tickets()
        .create(&Ticket::new("x", 1))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(sim.received().len() - before, 1);
    // A write refused with 429 was not acted on: it is sent again after Retry-After.
    sim.inject(Fault::too_many_requests(1), 1).await;
    let before = sim.received().len();
    let created = client.tickets().create(&Ticket::new("y", 1)).await.unwrap();
    assert_eq!(created.summary.as_deref(), Some("y"));
    assert_eq!(sim.received().len() - before, 2);
    assert_eq!(
        clock.sleeps().last(),
        Some(&std::time::Duration::from_secs(1))
    );
    // An HTML error page from a proxy is a typed error.
    sim.inject(Fault::Html { status: 400 }, 1).await;
    let err = client.tickets().get(1).await.unwrap_err();
    assert_eq!(err.status(), Some(msp_common::StatusCode::BAD_REQUEST));
    assert_eq!(err.api().unwrap().message(), Some("400 Error"));
    assert!(
        err.manage_error().is_none(),
        "a proxy's page is not Manage's body"
    );
    // A connection reset without an answer is retried on a read.
    sim.inject(Fault::Reset, 1).await;
    let before = sim.received().len();
    assert_eq!(client.tickets().get(1).await.unwrap().id.unwrap().0, 1);
    assert_eq!(sim.received().len() - before, 2);
}

#[tokio::test]
async fn the_sim_enforces_auth_and_client_id() {
    let sim = Simulator::builder().tickets(5).start().await;
    let wrong = sim
        .client_builder()
        .credentials(Credentials::new("myco", "pub", "wrong"))
        .build()
        .unwrap();
    assert!(wrong.tickets().get(1).await.unwrap_err().is_auth());
    let other_id = sim
        .client_builder()
        .client_id("not-registered")
        .build()
        .unwrap();
    let err = other_id.tickets().get(1).await.unwrap_err();
    assert!(err.is_auth());
    assert!(err.to_string().contains("clientId"), "{err}");
    // A raw request with no clientId at all is refused the vendor's way.
    let http = cwmanage_client::reqwest::Client::new();
    let resp = http
        .get(format!(
            "{}/v4_6_release/apis/3.0/service/tickets",
            sim.url()
        ))
        .header(
            "Authorization",
            sim.credentials().authorization().expose_secret(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert!(body["message"].as_str().unwrap().contains("clientId"));
}

#[tokio::test]
async fn fallback_projection_system_info_and_rediscovery() {
    let sim = Simulator::builder().tickets(30).start().await;
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .discover_codebase()
        .clock(Arc::new(clock))
        .build()
        .unwrap();
    // Board statuses refuse forward-only: Auto falls back to page numbers.
    let statuses: Vec<BoardStatus> = client
        .board_statuses(1)
        .list()
        .page_size(2)
        .collect()
        .await
        .unwrap();
    assert_eq!(statuses.len(), 5);
    assert!(
        statuses
            .iter()
            .all(|s| s.board.as_ref().unwrap().id == Some(1))
    );
    // fields= projection.
    let slim: Vec<serde_json::Value> = client
        .list("service/tickets")
        .fields(["id", "board/name"])
        .collect()
        .await
        .unwrap();
    assert_eq!(slim.len(), 30);
    assert_eq!(slim[0].as_object().unwrap().len(), 2);
    assert!(slim[0]["board"]["name"].is_string());
    assert!(client.system_info().await.unwrap().version.is_some());
    // The hosted instance moves codebase: one re-discovery, then the call succeeds.
    sim.move_codebase("v2025_1");
    assert_eq!(client.tickets().get(3).await.unwrap().id.unwrap().0, 3);
    assert!(client.base_url().contains("/v2025_1/"));
    // Search by body.
    let found: Vec<Ticket> = client.tickets().search("id <= 5").collect().await.unwrap();
    assert_eq!(found.len(), 5);
}

#[tokio::test]
async fn a_long_in_list_is_split_across_requests_transparently() {
    let sim = Simulator::builder().tickets(2000).start().await;
    let (client, _) = client_for(&sim);
    let wanted: Vec<u64> = (1..=2000).filter(|n| n % 3 != 0).take(900).collect();
    let condition = Condition::field("closedFlag")
        .eq(false)
        .and(Condition::field("id").is_in(wanted.iter().copied()));
    let expected: Vec<u64> = sim
        .records("service/tickets")
        .iter()
        .filter(|t| t["closedFlag"] == false && wanted.contains(&t["id"].as_u64().unwrap()))
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    let before = sim.received().len();
    let ids: Vec<u64> = client
        .tickets()
        .list()
        .conditions(&condition)
        .stream()
        .map_ok(|t: Ticket| t.id.unwrap().0)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, expected);
    let requests = sim.received();
    let sent = &requests[before..];
    assert!(sent.len() >= 3, "{} requests", sent.len());
    assert!(
        sent.iter()
            .all(|r| format!("{}{}", sim.url(), r.path_and_query()).len() <= 2000)
    );
    assert_eq!(
        client.tickets().count(&condition).await.unwrap(),
        expected.len() as u64
    );
}

#[tokio::test]
async fn malformed_conditions_and_unknown_fields_are_refused_like_the_vendor() {
    let sim = Simulator::builder().tickets(10).start().await;
    let (client, _) = client_for(&sim);
    for bad in [
        "summary = ",
        "id in ()",
        "nosuchfield = 1",
        "summary = unquoted",
    ] {
        let err = client
            .tickets()
            .list()
            .conditions(bad)
            .collect()
            .await
            .unwrap_err();
        assert_eq!(
            err.status(),
            Some(msp_common::StatusCode::BAD_REQUEST),
            "{bad}"
        );
        assert_eq!(err.api().unwrap().code(), Some("InvalidObject"));
    }
    let err = client
        .tickets()
        .list()
        .order_by("id sideways")
        .paging(Paging::PageNumbers)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(msp_common::StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn chaos_failures_are_retried_on_reads_and_reported_when_they_persist() {
    use msp_common::chaos::Chaos;
    let sim = Simulator::builder().tickets(300).start().await;
    let (client, clock) = client_for(&sim);
    sim.set_chaos(Chaos::new(std::time::Duration::ZERO, 0.3).seed(11));
    let all: Vec<Ticket> = client
        .tickets()
        .list()
        .page_size(50)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 300);
    assert!(clock.sleeps().contains(&std::time::Duration::from_secs(1)));
    sim.set_chaos(Chaos::new(std::time::Duration::ZERO, 1.0));
    let err = client
        .tickets()
        .list()
        .stream()
        .try_collect::<Vec<Ticket>>()
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::TOO_MANY_REQUESTS)
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn split_in_list_parts_are_merged_in_the_requested_order() {
    let sim = Simulator::builder().tickets(2000).start().await;
    let (client, _) = client_for(&sim);
    let wanted: Vec<u64> = (1..=2000).filter(|n| n % 3 != 0).take(900).collect();
    let condition = Condition::field("id").is_in(wanted.iter().copied());
    let mut expected: Vec<(u64, u64)> = sim
        .records("service/tickets")
        .iter()
        .filter(|t| wanted.contains(&t["id"].as_u64().unwrap()))
        .map(|t| {
            (
                t["priority"]["id"].as_u64().unwrap(),
                t["id"].as_u64().unwrap(),
            )
        })
        .collect();
    // priority/id descending, then id ascending.
    expected.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let before = sim.received().len();
    let got: Vec<(u64, u64)> = client
        .tickets()
        .list()
        .conditions(&condition)
        .order_by("priority/id desc")
        .stream()
        .map_ok(|t: Ticket| (t.priority.unwrap().id.unwrap(), t.id.unwrap().0))
        .try_collect()
        .await
        .unwrap();
    let parts = sim.received().len() - before;
    assert!(parts >= 3, "the list was split into {parts} requests");
    assert_eq!(got.len(), expected.len());
    assert_eq!(
        got, expected,
        "one stream, in the requested order across parts"
    );
}

#[tokio::test]
async fn child_and_custom_field_conditions_filter_like_the_vendor() {
    let sim = Simulator::builder().tickets(10).start().await;
    let (client, _) = client_for(&sim);
    let vendors: Vec<Company> = client
        .companies()
        .list()
        .child_conditions(Condition::field("types/id").eq(2))
        .stream()
        .try_collect()
        .await
        .unwrap();
    let expected: Vec<u64> = sim
        .records("company/companies")
        .iter()
        .filter(|c| c["types"].as_array().unwrap().iter().any(|t| t["id"] == 2))
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(
        vendors.iter().map(|c| c.id.unwrap().0).collect::<Vec<_>>(),
        expected
    );

    let west: Vec<Company> = client
        .companies()
        .list()
        .custom_field_conditions(r#"caption="Region" AND value="West""#)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(!west.is_empty());
    assert!(west.iter().all(|c| c.id.unwrap().0 % 2 == 0));
}

#[tokio::test]
async fn a_genuine_404_does_not_use_up_codebase_rediscovery() {
    let sim = Simulator::builder().tickets(10).start().await;
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .discover_codebase()
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    assert_eq!(client.tickets().get(1).await.unwrap().id.unwrap().0, 1);
    // A ticket that does not exist: a re-check finds the same codebase; the 404 stands.
    let err = client.tickets().get(999_999).await.unwrap_err();
    assert!(err.is_not_found());
    // Within the minute a second genuine 404 costs no company-info request.
    let before = sim.received().len();
    assert!(
        client
            .tickets()
            .get(999_998)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(sim.received().len() - before, 1);
    // Later the instance moves: the next 404 re-discovers and the call succeeds.
    clock.advance(std::time::Duration::from_secs(61));
    sim.move_codebase("v2025_1");
    assert_eq!(client.tickets().get(2).await.unwrap().id.unwrap().0, 2);
    assert!(client.base_url().contains("/v2025_1/"));
}

#[tokio::test]
async fn a_write_after_a_codebase_move_is_resent_once_to_the_new_base() {
    let sim = Simulator::builder().tickets(10).start().await;
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .discover_codebase()
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    assert_eq!(client.tickets().get(1).await.unwrap().id.unwrap().0, 1);
    clock.advance(std::time::Duration::from_secs(61));
    sim.move_codebase("v2025_1");
    let before = sim.received().len();
    let created = client
        .tickets()
        .create(&Ticket::new("After the move", 1))
        .await
        .unwrap();
    assert_eq!(created.summary.as_deref(), Some("After the move"));
    let sent: Vec<(String, String)> = sim.received()[before..]
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        sent,
        [
            (
                "POST".into(),
                "/v4_6_release/apis/3.0/service/tickets".into()
            ),
            ("GET".into(), "/login/companyinfo/myco".into()),
            ("POST".into(), "/v2025_1/apis/3.0/service/tickets".into()),
        ]
    );
    assert_eq!(
        sim.records("service/tickets")
            .iter()
            .filter(|t| t["summary"] == "After the move")
            .count(),
        1,
        "created once"
    );
}

#[tokio::test]
async fn split_listings_yield_merged_pages_and_honour_the_limit() {
    use cwmanage_client::query::PageToken;
    let sim = Simulator::builder().tickets(2000).start().await;
    let (client, _) = client_for(&sim);
    let wanted: Vec<u64> = (1..=2000).rev().filter(|n| n % 3 != 0).take(900).collect();
    let condition = Condition::field("id").is_in(wanted.iter().copied());
    let pages: Vec<_> = client
        .tickets()
        .list()
        .conditions(&condition)
        .fields(["id"])
        .page_size(250)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let tokens: Vec<PageToken> = pages.iter().map(|p| p.token.clone()).collect();
    assert_eq!(
        tokens,
        (1..=4).map(PageToken::Merged).collect::<Vec<_>>(),
        "900 records in merged pages of 250"
    );
    let ids: Vec<u64> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|t| t.id.unwrap().0))
        .collect();
    let mut expected = wanted.clone();
    expected.sort_unstable();
    assert_eq!(ids, expected, "one listing, in id order across parts");

    let first: Vec<Ticket> = client
        .tickets()
        .list()
        .conditions(&condition)
        .order_by("id desc")
        .limit(10)
        .collect()
        .await
        .unwrap();
    let first: Vec<u64> = first.iter().map(|t| t.id.unwrap().0).collect();
    assert_eq!(first, wanted[..10].to_vec());
    // The split count adds the parts up.
    assert_eq!(
        client
            .tickets()
            .list()
            .conditions(&condition)
            .count()
            .await
            .unwrap(),
        900
    );
}

#[tokio::test]
async fn concurrent_first_calls_discover_the_codebase_once() {
    let sim = Simulator::builder().tickets(30).start().await;
    sim.move_codebase("v2025_1");
    let client = sim.client_builder().discover_codebase().build().unwrap();
    let calls = (1..=30u64).map(|id| {
        let client = client.clone();
        tokio::spawn(async move { client.tickets().get(id).await })
    });
    for call in futures_util::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    let requests = sim.received();
    let discoveries = requests
        .iter()
        .filter(|r| r.path.starts_with("/login/companyinfo/"))
        .count();
    assert_eq!(discoveries, 1);
    assert_eq!(requests.len(), 31);
    assert!(
        requests
            .iter()
            .filter(|r| !r.path.starts_with("/login/"))
            .all(|r| r.path.starts_with("/v2025_1/apis/3.0/"))
    );
}

#[tokio::test]
async fn the_sim_answers_a_page_far_past_the_end_with_an_empty_page() {
    use cwmanage_client::Raw;
    let sim = Simulator::builder().tickets(5).start().await;
    let (client, _) = client_for(&sim);
    let page: Vec<serde_json::Value> = client
        .get(
            "service/tickets",
            &[("pageSize", "1000"), ("page", "18446744073709551615")],
        )
        .await
        .unwrap();
    assert!(page.is_empty());
}

#[tokio::test]
async fn dropping_the_simulator_stops_its_server() {
    let sim = Simulator::builder().tickets(1).start().await;
    let client = sim
        .client_builder()
        .retry_policy(cwmanage_client::RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(client.tickets().get(1).await.unwrap().id.unwrap().0, 1);
    drop(sim);
    // The connection is refused (or, while the server stops, answered 503).
    let err = client.tickets().get(1).await.unwrap_err();
    assert!(
        err.api().is_none() || err.status().map(|s| s.as_u16()) == Some(503),
        "{err}"
    );
}
