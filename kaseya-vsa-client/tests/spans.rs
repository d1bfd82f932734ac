//! One `msp_request` span per logical call, with the total attempts and re-sign-ins:
//! a read answered twice with a retryable `ResponseCode` inside HTTP 200 and then
//! with its record is one span with `attempts=3`; a read whose token was refused is
//! one span with `attempts=2` and `reauths=1`.
//!
//! One test in its own binary: the subscriber is installed for this thread only, and
//! tracing's per-callsite interest cache is process-wide.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use kaseya_vsa_client::Client;
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::OrgId;
use msp_common::retry::{FixedJitter, ManualClock};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The fields of a span, as text.
#[derive(Debug, Clone, Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

/// Keeps the fields of every closed `msp_request` span.
#[derive(Clone, Default)]
struct ClosedSpans(Arc<Mutex<Vec<Fields>>>);

impl ClosedSpans {
    fn operation(&self, name: &str) -> Vec<Fields> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .filter(|f| f.0.get("operation").map(String::as_str) == Some(name))
            .cloned()
            .collect()
    }
}

impl<S> Layer<S> for ClosedSpans
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let span = ctx.span(id).unwrap();
        if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
            values.record(fields);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let span = ctx.span(&id).unwrap();
        if span.name() == "msp_request"
            && let Some(fields) = span.extensions().get::<Fields>()
        {
            self.0.lock().unwrap().push(fields.clone());
        }
    }
}

/// `/auth` answering `t1`, `t2`, … in turn.
struct Tokens(AtomicUsize);

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"Token": format!("t{n}"), "SessionExpiration": "2999-01-01T00:00:00"},
            "ResponseCode": 0
        }))
    }
}

#[tokio::test]
async fn one_span_per_call_records_its_attempts_and_reauths() {
    let spans = ClosedSpans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(path("/api/v1.0/auth"))
        .respond_with(Tokens(AtomicUsize::new(0)))
        .mount(&server)
        .await;
    let org = "/api/v1.0/system/orgs/10000000000000";
    Mock::given(method("GET"))
        .and(path(org))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": null, "ResponseCode": 503, "Status": "Busy", "Error": "Server busy, retry"
        })))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(org))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": [{"OrgId": 10_000_000_000_000u64, "OrgName": "Acme"}], "ResponseCode": 0
        })))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let vsa = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(Credentials::password("apiuser", "S3cret!"))
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap();

    // Twice busy, then the record: one call, one span, three attempts.
    let found = vsa
        .orgs()
        .get(&OrgId::from(10_000_000_000_000u64))
        .await
        .unwrap();
    assert_eq!(found.org_name.as_deref(), Some("Acme"));
    assert_eq!(clock.sleeps().len(), 2, "two waits, without sleeping");
    let gets = spans.operation("get_org");
    assert_eq!(gets.len(), 1, "one span for the logical call: {gets:?}");
    assert_eq!(gets[0].0.get("attempts").map(String::as_str), Some("3"));
    assert_eq!(gets[0].0.get("reauths").map(String::as_str), Some("0"));
    assert_eq!(
        gets[0].0.get("vendor").map(String::as_str),
        Some("Kaseya VSA")
    );
    assert_eq!(
        spans.operation("auth").len(),
        1,
        "the sign-in is its own call"
    );

    // A refused token: one span, two attempts, one re-sign-in.
    Mock::given(path("/api/v1.0/system/users/7"))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/api/v1.0/system/users/7"))
        .and(header("authorization", "Bearer t2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Result": {"UserId": 7, "AdminName": "ops"}, "ResponseCode": 0
        })))
        .mount(&server)
        .await;
    vsa.users()
        .get(&kaseya_vsa_client::ids::UserId::from(7u64))
        .await
        .unwrap();
    let users = spans.operation("get_user");
    assert_eq!(users.len(), 1, "{users:?}");
    assert_eq!(users[0].0.get("attempts").map(String::as_str), Some("2"));
    assert_eq!(users[0].0.get("reauths").map(String::as_str), Some("1"));
    assert_eq!(spans.operation("auth").len(), 2);
}
