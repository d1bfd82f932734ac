//! The tour: `cargo run -p msp-examples --example tour`.
//!
//! Until the vendor simulators land, the tour shows the shared layer every vendor crate
//! is built on, against a flaky paged API served on loopback: retries that honour
//! `Retry-After`, a write that is never replayed, a listing streamed across pages with
//! every query parameter kept, and errors that say what went wrong.

use std::time::Duration;

use futures_util::TryStreamExt;
use msp_common::paginate::{
    Next, Page, PageRequest, Paginator, PagingStyle, next_link, query_param,
};
use msp_common::secret::SecretString;
use msp_common::{Request, RetryPolicy, Transport};
use wiremock::matchers::{method, path, query_param as q};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let base = format!("{}/apis/3.0/", server.uri());

    // A ticket API: busy once, then three pages linked by `Link` headers.
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let tickets = [
        r#"[{"id":1,"summary":"Printer offline"},{"id":2,"summary":"VPN drops"}]"#,
        r#"[{"id":3,"summary":"New starter laptop"},{"id":4,"summary":"Backup failed"}]"#,
        r#"[{"id":5,"summary":"Phish reported"}]"#,
    ];
    for (i, body) in tickets.iter().enumerate() {
        let mut response = ResponseTemplate::new(200).set_body_raw(*body, "application/json");
        if i + 1 < tickets.len() {
            let link = format!("<{base}service/tickets?page={}>; rel=\"next\"", i + 2);
            response = response.insert_header("Link", link.as_str());
        }
        Mock::given(method("GET"))
            .and(path("/apis/3.0/service/tickets"))
            .and(q("page", (i + 1).to_string().as_str()))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/apis/3.0/service/tickets/404"))
        .respond_with(ResponseTemplate::new(404).set_body_raw(
            r#"{"code":"NotFound","message":"Ticket 404 was not found"}"#,
            "application/json",
        ))
        .mount(&server)
        .await;

    let transport = Transport::builder("Demo PSA", "msp-examples/0.1.0")
        .base_url(&base)
        .allow_http(true) // loopback only
        .sensitive_header("Authorization", SecretString::from("Basic ZGVtbzpkZW1v"))?
        .retry_policy(RetryPolicy::default().with_max_delay(Duration::from_secs(2)))
        .build()?;
    println!("transport: {transport:?}\n");

    println!("1. Streaming open tickets (the server is busy at first and says Retry-After: 1):");
    let conditions = r#"closedFlag = false and summary not like "%test%""#;
    let t = transport.clone();
    let mut stream = Paginator::new(
        vec![("conditions".into(), conditions.into())],
        PagingStyle::page_number("page", "pageSize", 2),
        move |page: PageRequest| {
            let t = t.clone();
            async move {
                let response = t
                    .send(Request::get("service/tickets").query_pairs(page.query))
                    .await?;
                if response.attempts() > 1 {
                    println!(
                        "   (page {} took {} attempts)",
                        page.index + 1,
                        response.attempts()
                    );
                }
                let next = next_link(response.headers())
                    .and_then(|url| query_param(&url, "page")?.parse().ok())
                    .map_or(Next::Done, Next::Number);
                Ok(Page::new(response.json::<Vec<serde_json::Value>>()?).with_next(next))
            }
        },
    )
    .look_ahead(true)
    .items();
    while let Some(ticket) = stream.try_next().await? {
        println!(
            "   #{} {}",
            ticket["id"],
            ticket["summary"].as_str().unwrap_or("")
        );
    }
    let pages: Vec<String> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| r.url.query().map(str::to_owned))
        .collect();
    println!("   every page kept the conditions: {pages:#?}\n");

    println!("2. A write the server answers 503 is sent once, never replayed:");
    let err = transport
        .send(Request::post("service/tickets").json(&serde_json::json!({"summary": "x"}))?)
        .await
        .unwrap_err();
    println!(
        "   {err}  (retryable: {}, attempts: {})\n",
        err.is_retryable(),
        err.attempts()
    );

    println!("3. Errors carry the server's message and predicates:");
    let err = transport
        .send(Request::get("service/tickets/404"))
        .await
        .unwrap_err();
    println!("   {err}  (not found: {})", err.is_not_found());
    Ok(())
}
