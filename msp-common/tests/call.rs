//! `Call` and the one request loop (`Transport::execute`), over HTTP on loopback.
//!
//! A test `Service` signs in through an anonymous `POST /api/auth`, attaches its token
//! as a bearer header, renews it single-flight by session generation, and turns a
//! `{"fault":..}` body inside HTTP 200 into a retryable vendor error. Time is a
//! `ManualClock` and jitter is fixed, so nothing sleeps.
//!
//! One process-wide tracing subscriber (installed once, before any test sends anything)
//! captures the `msp_request` spans; tests find theirs by operation name.

mod support;

use std::collections::HashMap;
use std::fmt;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use futures_util::future::{BoxFuture, join_all};
use msp_common::call::{Authorization, Call, Raw, Service, WriteMode};
use msp_common::error::VendorError;
use msp_common::retry::ManualClock;
use msp_common::secret::SecretString;
use msp_common::{Error, Request, RequestPreview, Response, RetryPolicy, StatusCode, Transport};
use msp_common::{Result, TransportBuilder};
use serde_json::{Value, json};
use support::builder;
use wiremock::matchers::{any, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---------------------------------------------------------------------------------
// Span capture

type Fields = HashMap<String, String>;

static SPANS: Mutex<Vec<Fields>> = Mutex::new(Vec::new());

struct Capture;

struct Visitor<'a>(&'a mut Fields);

impl tracing::field::Visit for Visitor<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        self.0.insert(field.name().to_owned(), value.to_string());
    }
}

impl<S> tracing_subscriber::Layer<S> for Capture
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if attrs.metadata().name() != "msp_request" {
            return;
        }
        let mut fields = Fields::new();
        attrs.record(&mut Visitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if let Some(span) = ctx.span(id)
            && let Some(fields) = span.extensions_mut().get_mut::<Fields>()
        {
            values.record(&mut Visitor(fields));
        }
    }

    fn on_close(&self, id: tracing::span::Id, ctx: tracing_subscriber::layer::Context<'_, S>) {
        if let Some(span) = ctx.span(&id)
            && let Some(fields) = span.extensions().get::<Fields>()
        {
            SPANS.lock().unwrap().push(fields.clone());
        }
    }
}

/// Installs the capturing subscriber once for the whole test binary.
fn init_tracing() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(Capture);
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// The closed `msp_request` spans of `operation`.
fn spans_of(operation: &str) -> Vec<Fields> {
    SPANS
        .lock()
        .unwrap()
        .iter()
        .filter(|f| f.get("operation").map(String::as_str) == Some(operation))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------
// The test service

/// An error a vendor reports inside HTTP 200.
#[derive(Debug)]
struct Fault(String);

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server reported a fault: {}", self.0)
    }
}

impl std::error::Error for Fault {}

struct Session {
    generation: u64,
    token: String,
}

struct Api {
    transport: Transport,
    mode: WriteMode,
    session: Mutex<Session>,
    renewing: futures_util::lock::Mutex<()>,
    authorizations: AtomicU32,
    renews: AtomicU32,
    sign_ins: AtomicU32,
    checks: AtomicU32,
    mapped: Mutex<Vec<String>>,
}

impl Api {
    fn new(transport: Transport, mode: WriteMode, token: &str) -> Arc<Api> {
        Arc::new(Api {
            transport,
            mode,
            session: Mutex::new(Session {
                generation: 0,
                token: token.to_owned(),
            }),
            renewing: futures_util::lock::Mutex::new(()),
            authorizations: AtomicU32::new(0),
            renews: AtomicU32::new(0),
            sign_ins: AtomicU32::new(0),
            checks: AtomicU32::new(0),
            mapped: Mutex::new(Vec::new()),
        })
    }

    fn generation(&self) -> u64 {
        self.session.lock().unwrap().generation
    }
}

impl Service for Api {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn write_mode(&self) -> WriteMode {
        self.mode
    }

    fn authorize<'a>(&'a self, _: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        Box::pin(async move {
            self.authorizations.fetch_add(1, Ordering::SeqCst);
            let (generation, token) = {
                let session = self.session.lock().unwrap();
                (session.generation, session.token.clone())
            };
            let bearer = SecretString::from(format!("Bearer {token}"));
            Authorization::new(generation).sensitive_header("Authorization", &bearer)
        })
    }

    fn renew(&self, generation: u64) -> BoxFuture<'_, Result<bool>> {
        Box::pin(async move {
            self.renews.fetch_add(1, Ordering::SeqCst);
            let _single_flight = self.renewing.lock().await;
            if self.generation() != generation {
                return Ok(true); // a concurrent call signed in already
            }
            self.sign_ins.fetch_add(1, Ordering::SeqCst);
            #[derive(serde::Deserialize)]
            struct Token {
                token: String,
            }
            let sign_in = Request::post("auth")
                .json(&json!({"user": "bot"}))?
                .operation("sign_in")
                .anonymous();
            let token: Token = self.transport.execute(sign_in, self).await?.json()?;
            let mut session = self.session.lock().unwrap();
            session.generation += 1;
            session.token = token.token;
            Ok(true)
        })
    }

    fn preview_credentials(&self, request: Request) -> Result<Request> {
        request.redacted_header("Authorization")
    }

    fn check(&self, response: &Response) -> Result<()> {
        self.checks.fetch_add(1, Ordering::SeqCst);
        let Ok(body) = serde_json::from_slice::<Value>(response.bytes()) else {
            return Ok(());
        };
        match body.get("fault").and_then(Value::as_str) {
            Some(fault) => Err(VendorError::new("Test Vendor", Fault(fault.to_owned()))
                .retryable(true)
                .into()),
            None => Ok(()),
        }
    }

    fn map_error(&self, operation: &str, err: Error) -> Error {
        self.mapped.lock().unwrap().push(operation.to_owned());
        err
    }
}

/// The escape hatch of a client whose inner state is `Api`.
struct Client(Arc<Api>);

impl Raw for Client {
    fn service(&self) -> Arc<dyn Service> {
        self.0.clone()
    }
}

fn base(server: &MockServer) -> String {
    format!("{}/api/", server.uri())
}

fn api_with(
    server: &MockServer,
    mode: WriteMode,
    clock: &ManualClock,
    tune: impl FnOnce(TransportBuilder) -> TransportBuilder,
) -> Arc<Api> {
    let transport = tune(builder(&base(server), clock)).build().unwrap();
    Api::new(transport, mode, "good")
}

fn api(server: &MockServer, mode: WriteMode, clock: &ManualClock) -> Arc<Api> {
    api_with(server, mode, clock, |b| b)
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts `responses` for `verb /api/{p}`, each answering once, in order.
async fn sequence(server: &MockServer, verb: &str, p: &str, responses: Vec<ResponseTemplate>) {
    for response in responses {
        Mock::given(method(verb))
            .and(path(format!("/api/{p}")))
            .respond_with(response)
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

/// The sign-in endpoint: answers the token `good`.
async fn mount_sign_in(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/api/auth"))
        .respond_with(ok_json(json!({"token": "good"})))
        .mount(server)
        .await;
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

async fn received_at(server: &MockServer, p: &str) -> Vec<wiremock::Request> {
    received(server)
        .await
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

fn read(api: &Arc<Api>, request: Request) -> Call<Value> {
    Call::read_json(api.clone(), Ok(request))
}

fn write(api: &Arc<Api>, request: Request) -> Call<Value> {
    Call::write_json(api.clone(), Ok(request))
}

fn create_thing() -> Request {
    Request::post("things")
        .query("notify", "a&b c+d")
        .json(&json!({"name": "gear", "note": "é + \"q\""}))
        .unwrap()
        .operation("create_thing")
}

/// Asserts the request the server received is exactly what the preview showed: method,
/// URL (path and query), body bytes, and every header (credentials shown as
/// `[REDACTED]` carry a real value on the wire); the wire has no header of its own
/// beyond what HTTP itself adds.
fn assert_wire_matches(preview: &RequestPreview, wire: &wiremock::Request) {
    assert_eq!(preview.method.as_str(), wire.method.as_str());
    // wiremock rebuilds the URL on `localhost`: compare the authority with `Host`.
    let url = msp_common::Url::parse(&preview.url).unwrap();
    assert_eq!(url.path(), wire.url.path());
    assert_eq!(url.query(), wire.url.query());
    let authority = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    assert_eq!(wire.headers["host"], authority.as_str());
    assert_eq!(
        preview
            .body
            .as_deref()
            .map(str::as_bytes)
            .unwrap_or_default(),
        &wire.body[..]
    );
    for (name, shown) in &preview.headers {
        let sent = wire
            .headers
            .get(name.as_str())
            .unwrap_or_else(|| panic!("`{name}` is in the preview but was not sent"))
            .to_str()
            .unwrap();
        if shown == "[REDACTED]" {
            assert!(!sent.is_empty() && sent != "[REDACTED]", "{name}: {sent}");
        } else {
            assert_eq!(shown, sent, "header `{name}`");
        }
    }
    for name in wire.headers.keys() {
        let added_by_http = ["host", "content-length", "accept", "accept-encoding"];
        assert!(
            added_by_http.contains(&name.as_str())
                || preview.headers.iter().any(|(n, _)| n == name.as_str()),
            "`{name}` was sent but is not in the preview"
        );
    }
}

// ---------------------------------------------------------------------------------
// Previews and write modes

#[tokio::test]
async fn the_preview_is_exactly_what_goes_over_the_wire() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 9})))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let api = api_with(&server, WriteMode::ReadWrite, &clock, |b| {
        b.header("clientId", "0f5c")
            .unwrap()
            .sensitive_header("X-Api-Key", SecretString::from("key-123"))
            .unwrap()
    });

    // A write with segments, a hostile query, a request header and a JSON body.
    let call = write(
        &api,
        Request::post("things")
            .segments(["a/b?c", "notes"])
            .query("conditions", r#"name = "O'Brien & Sons + Co #1 100%""#)
            .header("X-Trace", "t-1")
            .unwrap()
            .json(&json!({"text": "hi é"}))
            .unwrap()
            .operation("add_note"),
    );
    let preview = call.preview().unwrap();
    assert!(
        preview
            .headers
            .contains(&("authorization".into(), "[REDACTED]".into()))
    );
    assert!(
        preview
            .headers
            .contains(&("x-api-key".into(), "[REDACTED]".into()))
    );
    assert!(!format!("{preview:?}").contains("key-123"));
    assert!(
        received(&server).await.is_empty(),
        "a preview sends nothing"
    );
    assert_eq!(api.authorizations.load(Ordering::SeqCst), 0);
    let answer = call.await.unwrap();
    assert_eq!(answer["id"], 9);
    let wire = &received(&server).await[0];
    assert_wire_matches(&preview, wire);
    assert_eq!(wire.headers["authorization"], "Bearer good");
    assert_eq!(wire.headers["x-api-key"], "key-123");
    assert!(wire.url.path().ends_with("/api/things/a%2Fb%3Fc/notes"));

    // A read with a query.
    let call = read(
        &api,
        Request::get("things")
            .query("$filter", "a eq 'b'")
            .operation("list_things"),
    );
    let preview = call.preview().unwrap();
    call.await.unwrap();
    assert_wire_matches(&preview, &received(&server).await[1]);
}

#[tokio::test]
async fn read_only_refuses_writes_before_sending_and_names_the_operation() {
    init_tracing();
    let server = MockServer::start().await;
    mount_sign_in(&server).await;
    Mock::given(any())
        .respond_with(ok_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::ReadOnly, &ManualClock::new());

    let err = write(&api, create_thing()).await.unwrap_err();
    assert!(matches!(err, Error::ReadOnly { ref operation, .. } if operation == "create_thing"));
    assert!(err.is_write_refused());
    assert!(err.to_string().contains("`create_thing`"), "{err}");
    assert!(err.to_string().contains("read-only"), "{err}");
    // A write on a read-like method is still a write: the call decides.
    let err = Call::write_unit(api.clone(), Ok(Request::get("things/run").operation("run")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`run`"), "{err}");
    // The escape hatch too.
    let client = Client(api.clone());
    let err = client
        .post::<Value, _>("things", &json!({"a": 1}))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err:?}");
    assert!(
        client
            .send(Request::delete("things/1"))
            .await
            .unwrap_err()
            .is_write_refused()
    );
    assert!(received(&server).await.is_empty(), "nothing was sent");
    assert_eq!(api.authorizations.load(Ordering::SeqCst), 0);
    assert_eq!(api.sign_ins.load(Ordering::SeqCst), 0);

    // Reads pass, including a POST marked as a read.
    let value = read(&api, Request::get("things").operation("list"))
        .await
        .unwrap();
    assert_eq!(value["ok"], true);
    client.get::<Value>("things", &[("a", "b")]).await.unwrap();
    write(&api, Request::post("things/search").operation("search"))
        .write(false)
        .await
        .unwrap();
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn dry_run_returns_the_preview_and_sends_nothing() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::DryRun, &ManualClock::new());

    let call = write(&api, create_thing());
    let preview = call.preview().unwrap();
    let err = call.await.unwrap_err();
    assert_eq!(err.dry_run_preview(), Some(&preview));
    assert!(err.is_write_refused());
    assert!(
        err.to_string().contains("dry run of `create_thing`"),
        "{err}"
    );
    assert!(
        preview
            .headers
            .contains(&("authorization".into(), "[REDACTED]".into()))
    );
    assert_eq!(
        preview.body.as_deref(),
        Some(r#"{"name":"gear","note":"é + \"q\""}"#)
    );
    assert!(received(&server).await.is_empty());
    assert_eq!(api.authorizations.load(Ordering::SeqCst), 0);

    // Reads are sent.
    read(&api, Request::get("things")).await.unwrap();
    assert_eq!(received(&server).await.len(), 1);

    // In read-write mode the same call sends the previewed request.
    let live = crate::api(&server, WriteMode::ReadWrite, &ManualClock::new());
    write(&live, create_thing()).await.unwrap();
    let wire = received(&server).await;
    assert_wire_matches(&preview, &wire[1]);
}

#[tokio::test]
async fn a_call_that_cannot_be_built_fails_on_preview_and_send_without_sending() {
    init_tracing();
    let server = MockServer::start().await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let call = read(&api, Request::delete("things").segments([".."]));
    assert!(matches!(call.preview(), Err(Error::Config { .. })));
    assert!(matches!(call.await, Err(Error::Config { .. })));
    let call: Call<Value> = Call::read_json(api.clone(), Err(Error::config("no id given")));
    assert!(
        call.preview()
            .unwrap_err()
            .to_string()
            .contains("no id given")
    );
    assert!(call.await.unwrap_err().to_string().contains("no id given"));
    assert!(received(&server).await.is_empty());
}

// ---------------------------------------------------------------------------------
// Per-call overrides and the replay rule

#[tokio::test]
async fn per_call_retry_policy_is_honoured() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let api = api(&server, WriteMode::ReadWrite, &clock);

    let err = read(&api, Request::get("things"))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(err.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);
    assert!(clock.sleeps().is_empty());

    let err = read(&api, Request::get("things")).await.unwrap_err();
    assert_eq!(err.attempts(), 3, "the transport's policy");
    let err = read(&api, Request::get("things"))
        .retry(RetryPolicy::default().with_max_attempts(5))
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 5);
    assert_eq!(received(&server).await.len(), 1 + 3 + 5);
}

#[tokio::test]
async fn per_call_timeout_is_honoured() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ok_json(json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let started = Instant::now();
    let err = read(&api, Request::get("slow"))
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_write_is_replayed_only_when_marked_idempotent() {
    init_tracing();
    let server = MockServer::start().await;
    sequence(
        &server,
        "PUT",
        "things/1",
        vec![ResponseTemplate::new(503), ok_json(json!({"id": 1}))],
    )
    .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let put = || {
        write(
            &api,
            Request::put("things/1")
                .json(&json!({"name": "x"}))
                .unwrap()
                .operation("replace_thing"),
        )
    };

    // Unmarked: sent once, the retryable error is the answer.
    let err = put().await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 1);
    assert_eq!(received(&server).await.len(), 1);

    // Marked idempotent: replayed on 503.
    server.reset().await;
    sequence(
        &server,
        "PUT",
        "things/1",
        vec![ResponseTemplate::new(503), ok_json(json!({"id": 1}))],
    )
    .await;
    let value = put().idempotent(true).await.unwrap();
    assert_eq!(value["id"], 1);
    assert_eq!(received(&server).await.len(), 2);

    // And a read can be forbidden from replaying.
    server.reset().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = read(&api, Request::get("things"))
        .idempotent(false)
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
}

#[tokio::test]
async fn a_write_answered_429_is_retried_and_503_is_not() {
    init_tracing();
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "things",
        vec![
            ResponseTemplate::new(429).insert_header("Retry-After", "2"),
            ResponseTemplate::new(201).set_body_json(json!({"id": 7})),
        ],
    )
    .await;
    let clock = ManualClock::new();
    let api = api(&server, WriteMode::ReadWrite, &clock);
    let value = write(&api, create_thing()).await.unwrap();
    assert_eq!(value["id"], 7);
    assert_eq!(
        received(&server).await.len(),
        2,
        "the server refused before acting"
    );
    assert_eq!(
        clock.sleeps(),
        [Duration::from_secs(2)],
        "as Retry-After said"
    );

    // A 429 on a write still respects the call's policy.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let err = write(&api, create_thing())
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(received(&server).await.len(), 1);

    // 503 may mean the server acted: a write is not replayed.
    server.reset().await;
    sequence(
        &server,
        "POST",
        "things",
        vec![ResponseTemplate::new(503), ok_json(json!({"id": 8}))],
    )
    .await;
    let err = write(&api, create_thing()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------------
// Sessions: authorize, renew, resend once

/// `GET /api/things` and `POST /api/things` accept only the token `good`; anything else
/// gets a 401.
async fn session_server() -> MockServer {
    let server = MockServer::start().await;
    mount_sign_in(&server).await;
    Mock::given(path("/api/things"))
        .and(header("authorization", "Bearer good"))
        .respond_with(ok_json(json!({"n": 1})))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/things"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "expired"})))
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_hundred_concurrent_reads_on_a_rejected_token_cost_one_sign_in() {
    init_tracing();
    let server = session_server().await;
    let transport = builder(&base(&server), &ManualClock::new())
        .build()
        .unwrap();
    let api = Api::new(transport, WriteMode::ReadWrite, "stale");

    let calls = (0..100).map(|_| {
        let call = read(
            &api,
            Request::get("things").operation("list_things_concurrently"),
        );
        tokio::spawn(call.into_future())
    });
    for result in join_all(calls).await {
        assert_eq!(result.unwrap().unwrap()["n"], 1);
    }
    assert_eq!(
        api.sign_ins.load(Ordering::SeqCst),
        1,
        "exactly one sign-in"
    );
    assert_eq!(received_at(&server, "/api/auth").await.len(), 1);
    assert_eq!(api.generation(), 1);
    let reads = received_at(&server, "/api/things").await;
    let stale = reads
        .iter()
        .filter(|r| r.headers["authorization"] == "Bearer stale")
        .count();
    let good = reads.len() - stale;
    assert_eq!(good, 100, "every call ends with the new token");
    assert_eq!(stale as u32, api.renews.load(Ordering::SeqCst));
    assert!(stale >= 1);
}

#[tokio::test]
async fn a_write_answered_401_is_resent_once_after_a_sign_in() {
    init_tracing();
    let server = session_server().await;
    let transport = builder(&base(&server), &ManualClock::new())
        .build()
        .unwrap();
    let api = Api::new(transport, WriteMode::ReadWrite, "stale");
    let post = || {
        write(
            &api,
            Request::post("things")
                .json(&json!({"name": "x"}))
                .unwrap()
                .operation("create_thing"),
        )
    };
    let value = post().await.unwrap();
    assert_eq!(value["n"], 1);
    let posts = received_at(&server, "/api/things").await;
    assert_eq!(posts.len(), 2, "the refused write is resent once");
    assert_eq!(posts[0].headers["authorization"], "Bearer stale");
    assert_eq!(posts[1].headers["authorization"], "Bearer good");
    assert_eq!(posts[0].body, posts[1].body);
    assert_eq!(api.sign_ins.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_write_answered_401_again_after_the_sign_in_is_not_resent_a_second_time() {
    init_tracing();
    let server = MockServer::start().await;
    mount_sign_in(&server).await;
    Mock::given(path("/api/things"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let err = write(&api, create_thing()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.attempts(), 2);
    assert_eq!(received_at(&server, "/api/things").await.len(), 2);
    assert_eq!(
        api.sign_ins.load(Ordering::SeqCst),
        1,
        "one sign-in per call"
    );
    assert_eq!(
        *api.mapped.lock().unwrap(),
        ["create_thing"],
        "map_error once"
    );

    // The same for a read.
    let err = read(&api, Request::get("things")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(received_at(&server, "/api/things").await.len(), 4);
}

#[tokio::test]
async fn anonymous_requests_skip_authorize_and_renew() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(path("/api/public"))
        .respond_with(ok_json(json!({"v": 1})))
        .mount(&server)
        .await;
    Mock::given(path("/api/denied"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let call = read(&api, Request::get("public").anonymous());
    let preview = call.preview().unwrap();
    assert!(!preview.headers.iter().any(|(k, _)| k == "authorization"));
    call.await.unwrap();
    let err = read(&api, Request::get("denied").anonymous())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(api.authorizations.load(Ordering::SeqCst), 0);
    assert_eq!(api.renews.load(Ordering::SeqCst), 0);
    let wire = received(&server).await;
    assert_eq!(wire.len(), 2);
    assert!(
        wire.iter()
            .all(|r| !r.headers.contains_key("authorization"))
    );

    // The sign-in itself is anonymous: it carries no bearer token.
    let server = session_server().await;
    let transport = builder(&base(&server), &ManualClock::new())
        .build()
        .unwrap();
    let api = Api::new(transport, WriteMode::ReadWrite, "stale");
    read(&api, Request::get("things")).await.unwrap();
    let sign_in = &received_at(&server, "/api/auth").await[0];
    assert!(!sign_in.headers.contains_key("authorization"));
    assert_eq!(api.authorizations.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------
// `check`: errors inside HTTP 200

fn fault() -> ResponseTemplate {
    ok_json(json!({"fault": "busy"}))
}

#[tokio::test]
async fn a_checked_fault_is_retried_for_reads_by_the_policy() {
    init_tracing();
    let server = MockServer::start().await;
    sequence(
        &server,
        "GET",
        "flaky",
        vec![fault(), fault(), ok_json(json!({"n": 3}))],
    )
    .await;
    let clock = ManualClock::new();
    let api = api(&server, WriteMode::ReadWrite, &clock);
    let response = Call::raw(
        api.clone(),
        Ok(Request::get("flaky").operation("read_flaky")),
        false,
    )
    .await
    .unwrap();
    assert_eq!(response.attempts(), 3);
    assert_eq!(response.json::<Value>().unwrap()["n"], 3);
    assert_eq!(received(&server).await.len(), 3);
    assert_eq!(
        clock.sleeps(),
        [Duration::from_millis(50), Duration::from_millis(100)]
    );

    // With no retries: one request, the vendor's error.
    server.reset().await;
    sequence(&server, "GET", "flaky", vec![fault(), ok_json(json!({}))]).await;
    let err = read(&api, Request::get("flaky"))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(
        err.vendor_error::<Fault>().map(|f| f.0.as_str()),
        Some("busy")
    );
    assert!(err.is_retryable());
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_checked_fault_on_a_write_is_not_retried_unless_idempotent() {
    init_tracing();
    let server = MockServer::start().await;
    sequence(
        &server,
        "POST",
        "things",
        vec![fault(), ok_json(json!({"id": 1}))],
    )
    .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let err = write(&api, create_thing()).await.unwrap_err();
    assert!(err.vendor_error::<Fault>().is_some(), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);

    server.reset().await;
    sequence(
        &server,
        "POST",
        "things",
        vec![fault(), ok_json(json!({"id": 1}))],
    )
    .await;
    let value = write(&api, create_thing()).idempotent(true).await.unwrap();
    assert_eq!(value["id"], 1);
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn unchecked_requests_skip_check() {
    init_tracing();
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(fault())
        .mount(&server)
        .await;
    let api = api(&server, WriteMode::ReadWrite, &ManualClock::new());
    let response = Call::raw(api.clone(), Ok(Request::get("file").unchecked()), false)
        .await
        .unwrap();
    assert_eq!(response.json::<Value>().unwrap()["fault"], "busy");
    assert_eq!(api.checks.load(Ordering::SeqCst), 0);
    assert!(
        read(&api, Request::get("file"))
            .retry(RetryPolicy::none())
            .await
            .is_err()
    );
    assert_eq!(api.checks.load(Ordering::SeqCst), 1);
}

// ---------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn same_origin_redirects_are_followed_for_reads_only_and_never_across_origins() {
    init_tracing();
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok_json(json!({"elsewhere": true})))
        .mount(&other)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/new"))
        .and(header("authorization", "Bearer good"))
        .and(header("x-api-key", "key-123"))
        .respond_with(ok_json(json!({"moved": true})))
        .mount(&server)
        .await;
    for verb in ["GET", "POST"] {
        Mock::given(method(verb))
            .and(path("/api/old"))
            .respond_with(ResponseTemplate::new(307).insert_header("Location", "/api/new"))
            .mount(&server)
            .await;
    }
    let api = api_with(&server, WriteMode::ReadWrite, &ManualClock::new(), |b| {
        b.follow_redirects(true)
            .sensitive_header("X-Api-Key", SecretString::from("key-123"))
            .unwrap()
    });

    // A read follows, keeping its credentials.
    let value = read(&api, Request::get("old")).await.unwrap();
    assert_eq!(value["moved"], true);
    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(paths, ["/api/old", "/api/new"]);

    // A write does not: the redirect is its answer.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/api/old"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/api/new"))
        .mount(&server)
        .await;
    let err = write(&api, Request::post("old").json(&json!({"a": 1})).unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TEMPORARY_REDIRECT));
    assert_eq!(received(&server).await.len(), 1);

    // Another origin is a protocol error, and nothing reaches it.
    server.reset().await;
    Mock::given(path("/api/away"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/api/new", other.uri()).as_str()),
        )
        .mount(&server)
        .await;
    let err = read(&api, Request::get("away")).await.unwrap_err();
    assert!(matches!(err, Error::Protocol { .. }), "{err:?}");
    assert!(err.to_string().contains("another origin"), "{err}");
    assert_eq!(received(&server).await.len(), 1, "not retried");
    assert!(received(&other).await.is_empty());
}

// ---------------------------------------------------------------------------------
// Tracing

#[tokio::test]
async fn the_span_of_a_call_records_attempts_and_reauths() {
    init_tracing();
    let server = session_server().await;
    sequence(
        &server,
        "GET",
        "busy",
        vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(503),
            ok_json(json!({})),
        ],
    )
    .await;
    let transport = builder(&base(&server), &ManualClock::new())
        .build()
        .unwrap();
    let api = Api::new(transport, WriteMode::ReadWrite, "stale");

    // A rejected session: one re-sign-in, two attempts.
    read(&api, Request::get("things").operation("traced_reauth"))
        .await
        .unwrap();
    let spans = spans_of("traced_reauth");
    assert_eq!(spans.len(), 1, "one span per logical call: {spans:?}");
    assert_eq!(spans[0]["attempts"], "2");
    assert_eq!(spans[0]["reauths"], "1");
    assert_eq!(spans[0]["status"], "200");
    assert_eq!(spans[0]["method"], "GET");
    assert_eq!(spans[0]["path"], "/api/things");
    assert_eq!(spans[0]["vendor"], "Test Vendor");

    // Retries: three attempts in one span.
    read(&api, Request::get("busy").operation("traced_retries"))
        .await
        .unwrap();
    let spans = spans_of("traced_retries");
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0]["attempts"], "3");
    assert_eq!(spans[0]["reauths"], "0");

    // A failed call records them too.
    let err = read(&api, Request::get("missing").operation("traced_failure"))
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    let spans = spans_of("traced_failure");
    assert_eq!(spans[0]["attempts"], "1");
    assert_eq!(spans[0]["status"], "404");
}

// ---------------------------------------------------------------------------------
// What an `Authorization` changes about an attempt

/// A service whose session moved the API to `/v2` and whose credential header replaces
/// the request's own header of the same name.
struct Moved {
    transport: Transport,
    to: String,
}

impl Service for Moved {
    fn transport(&self) -> &Transport {
        &self.transport
    }

    fn authorize<'a>(&'a self, request: &'a Request) -> BoxFuture<'a, Result<Authorization>> {
        Box::pin(async move {
            let url = self.transport.url_for(request)?;
            let moved = url.as_str().replacen("/v1/", &format!("/{}/", self.to), 1);
            Authorization::new(3)
                .sensitive_header("X-Api-Key", &SecretString::from("key-of-session-3"))
                .map(|a| a.with_url(moved.parse().expect("a URL")))
        })
    }
}

#[tokio::test]
async fn an_authorization_moves_the_attempt_and_replaces_headers_without_touching_the_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/widgets/7"))
        .and(header("x-api-key", "key-of-session-3"))
        .respond_with(ok_json(json!({"id": 7})))
        .mount(&server)
        .await;
    let transport = Transport::builder("Test", "test/1")
        .base_url(format!("{}/v1/", server.uri()))
        .allow_http(true)
        .build()
        .unwrap();
    let service: Arc<dyn Service> = Arc::new(Moved {
        transport,
        to: "v2".into(),
    });
    let request = Request::get("widgets/7")
        .query("expand", "all")
        .header("X-Api-Key", "from-the-request")
        .unwrap();
    let call: Call<Value> = Call::read_json(service.clone(), Ok(request));
    // The request the call holds is unchanged by authorizing an attempt.
    let kept = call.request().cloned().unwrap();
    assert_eq!(call.await.unwrap(), json!({"id": 7}));
    let sent = received(&server).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url.path(), "/v2/widgets/7");
    assert_eq!(sent[0].url.query(), Some("expand=all"));
    let keys: Vec<_> = sent[0].headers.get_all("x-api-key").iter().collect();
    assert_eq!(
        keys,
        ["key-of-session-3"],
        "one key header, the authorization's"
    );
    assert_eq!(
        kept.query_params(),
        [("expand".to_owned(), "all".to_owned())]
    );
    assert!(
        service
            .transport()
            .url_for(&kept)
            .unwrap()
            .path()
            .starts_with("/v1/")
    );
}
