//! Secrets suite (issue 12): a marker in the credential of the client — the API
//! member's private key, whose shape makes every encoded form differ from the plain one
//! — and with it the whole `Authorization` value and its bare base64 token (they hold
//! the company id and public key too); then every error path provoked: 401 (on a get, a
//! listing, a write), a rejected write whose Manage error body quotes the request,
//! decode errors (a non-JSON body, a wrong field type), an HTML error page, a timeout,
//! a refused connection, a redirect to another origin (its `Location` quoting the
//! token), a failed codebase discovery (Manage's only sign-in-like step), the
//! simulator's own 401, read-only and dry-run refusals — against servers that ECHO the
//! request, headers and body, back in their error bodies and headers, in plain,
//! JSON-escaped, percent-encoded and base64 form. Not one form of a secret may show in
//! `Debug`, `Display`, any `source()` of the chain, the kept body and headers, the
//! `Debug` of the client, its builder, its credentials and previews, or a TRACE-level
//! tracing capture ([`Redactor::finds`](msp_common::secret::Redactor::finds) decides).
//!
//! The company id, the public key and the `clientId` are identifiers, not secrets (the
//! public key is public by name; `Debug` shows the company id): they are not markers.
//!
//! Alone in its test binary (one test): tracing's per-callsite interest cache is
//! process-wide.
//!
//! ```text
//! cargo test -p cwmanage-client --all-features --test secrets -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::error::Error as StdError;
use std::time::Duration;

use base64::Engine as _;
use cwmanage_client::models::Ticket;
use cwmanage_client::patch::PatchOp;
use cwmanage_client::sim::Simulator;
use cwmanage_client::{Client, ClientBuilder, Credentials, Error, Listing, RetryPolicy, WriteMode};
use msp_common::secret::{ExposeSecret, Redactor, SecretString};
use msp_common::sim::suite::LogCapture;
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const COMPANY: &str = "myco";
const PUBLIC: &str = "pK7wQ2mZ9xR4tL6v";
/// A private key whose JSON-escaped, percent-, form- and base64-encoded forms all differ
/// from it.
const PRIVATE: &str = r#"MARKER-priv "q"/+&=%\ é~0a1b2c3d"#;
const CLIENT_ID: &str = "6d2f8e1a-4b7c-4e9d-a3f5-0c8b7e2d1f94";

fn credentials() -> Credentials {
    Credentials::new(COMPANY, PUBLIC, PRIVATE)
}

/// The secrets: the private key, the `Authorization` value and its bare token.
fn markers() -> Redactor {
    let auth = credentials().authorization();
    let bare = auth.expose_secret().trim_start_matches("Basic ").to_owned();
    Redactor::new([SecretString::from(PRIVATE), auth, SecretString::from(bare)])
}

/// The request as text, in every form an echoing server might send it back in: plain,
/// JSON-escaped, percent-encoded and base64 (of the whole, and of each header value and
/// the body).
fn echo_of(request: &Request) -> String {
    let mut plain = format!("{} {}\n", request.method, request.url);
    let mut b64 = Vec::new();
    for (name, value) in &request.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        plain.push_str(&format!("{name}: {value}\n"));
        b64.push(base64::engine::general_purpose::STANDARD.encode(&value));
    }
    let body = String::from_utf8_lossy(&request.body).into_owned();
    plain.push_str(&body);
    b64.push(base64::engine::general_purpose::STANDARD.encode(&body));
    // The private key as the server could know it (decoded from the Basic header).
    if let Some(auth) = request.headers.get("authorization") {
        let token = auth.to_str().unwrap_or("").trim_start_matches("Basic ");
        if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(token) {
            plain.push_str(&format!("\ndecoded: {}", String::from_utf8_lossy(&raw)));
        }
    }
    let json = serde_json::to_string(&plain).unwrap();
    let percent = msp_common::http::encode_query([("echo", &plain)]);
    let whole = base64::engine::general_purpose::STANDARD.encode(&plain);
    format!(
        "echo:\n{plain}\njson: {json}\npercent: {percent}\nbase64: {whole}\n{}",
        b64.join("\n")
    )
}

/// Answers `status` with the echo of the request as the body (as text, HTML, a JSON
/// string or Manage's error body), the request's `Authorization` echoed in ordinary
/// response headers, and, for a redirect, a `Location` on another origin quoting it.
struct Echo {
    status: u16,
    shape: Shape,
    location: Option<String>,
}

#[derive(Clone, Copy)]
enum Shape {
    Text,
    Html,
    JsonString,
    Manage,
}

impl Echo {
    fn new(status: u16, shape: Shape) -> Self {
        Echo {
            status,
            shape,
            location: None,
        }
    }
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let echo = echo_of(request);
        let (body, content_type) = match self.shape {
            Shape::Text => (echo, "text/plain"),
            Shape::Html => (
                format!("<html><head><title>{echo}</title></head><body>{echo}</body></html>"),
                "text/html",
            ),
            Shape::JsonString => (serde_json::to_string(&echo).unwrap(), "application/json"),
            Shape::Manage => (
                serde_json::json!({
                    "code": "InvalidObject",
                    "message": echo,
                    "errors": [{"code": "InvalidValue", "message": echo, "resource": echo, "field": echo, "details": {"echo": echo}}]
                })
                .to_string(),
                "application/json",
            ),
        };
        let auth = request
            .headers
            .get("authorization")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        let mut response = ResponseTemplate::new(self.status)
            .set_body_raw(body, content_type)
            .insert_header("x-echo-authorization", auth.as_str())
            .insert_header(
                "www-authenticate",
                format!("Basic realm=\"{auth}\"").as_str(),
            );
        if let Some(location) = &self.location {
            let quoted = msp_common::http::encode_query([("auth", auth.as_str())]);
            response = response.insert_header("Location", format!("{location}?{quoted}").as_str());
        }
        response
    }
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(credentials())
        .client_id(CLIENT_ID)
        .timeout(Duration::from_millis(400))
        .retry_policy(RetryPolicy::none())
}

async fn echoing(status: u16, shape: Shape) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(Echo::new(status, shape))
        .mount(&server)
        .await;
    server
}

/// Everything an error shows: Display, Debug, both of every source in its chain, and
/// the body and headers it kept.
fn texts_of(err: &Error) -> Vec<String> {
    let mut texts = vec![err.to_string(), format!("{err:?}")];
    let mut source = err.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    if let Some(api) = err.api() {
        texts.push(api.body().to_owned());
        texts.push(format!("{:?}", api.headers()));
    }
    if let Some(decode) = err.decode_error() {
        texts.push(decode.message().to_owned());
        texts.push(format!("{decode:?}"));
    }
    if let Some(preview) = err.dry_run_preview() {
        texts.push(format!("{preview:?}"));
    }
    texts
}

/// Every error path, provoked against loopback servers.
async fn provoke() -> (Vec<(&'static str, Error)>, Vec<String>) {
    let mut errors: Vec<(&'static str, Error)> = Vec::new();
    let mut shown: Vec<String> = Vec::new();

    // 401 on a get, a listing and a write, the echo as text and as a JSON string.
    for shape in [Shape::Text, Shape::JsonString] {
        let s = echoing(401, shape).await;
        let client = builder(&s).build().unwrap();
        let err = client.tickets().get(1).await.unwrap_err();
        assert!(err.is_auth(), "{err}");
        errors.push(("401 on a get (echo)", err));
        errors.push((
            "401 on a listing (echo)",
            client.tickets().list().collect().await.unwrap_err(),
        ));
        errors.push((
            "401 on a write (echo)",
            client
                .tickets()
                .create(&Ticket::new("x", 1))
                .await
                .unwrap_err(),
        ));
        shown.push(format!("{client:?}"));
    }

    // A rejected write whose Manage error body quotes the request everywhere.
    let s = echoing(400, Shape::Manage).await;
    let client = builder(&s).build().unwrap();
    let err = client
        .tickets()
        .patch(7, &[PatchOp::replace("summary", "y")])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    if let Some(body) = cwmanage_client::ErrorExt::manage_error(&err) {
        shown.push(format!("{body:?}"));
    }
    errors.push(("400 Manage error body (echo)", err));

    // 500 with an HTML page quoting the request, in its title too.
    let s = echoing(500, Shape::Html).await;
    errors.push((
        "500 HTML page (echo)",
        builder(&s)
            .build()
            .unwrap()
            .tickets()
            .get(1)
            .await
            .unwrap_err(),
    ));

    // Decode errors: a body that is not JSON, and a field of the wrong type.
    let s = MockServer::start().await;
    Mock::given(path_regex("/tickets/1$"))
        .respond_with(|r: &Request| {
            ResponseTemplate::new(200).set_body_raw(echo_of(r), "application/json")
        })
        .mount(&s)
        .await;
    Mock::given(path_regex("/tickets$"))
        .respond_with(|r: &Request| {
            ResponseTemplate::new(200).set_body_raw(
                serde_json::json!([{"id": 1, "board": {"id": echo_of(r)}}]).to_string(),
                "application/json",
            )
        })
        .mount(&s)
        .await;
    let client = builder(&s).build().unwrap();
    let err = client.tickets().get(1).await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err}");
    errors.push(("decode error: not JSON (echo)", err));
    let err = client.tickets().list().collect().await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err}");
    errors.push(("decode error: wrong field type (echo)", err));

    // A timeout.
    let s = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(Echo::new(200, Shape::Text).delay())
        .mount(&s)
        .await;
    let err = builder(&s)
        .build()
        .unwrap()
        .tickets()
        .get(1)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    errors.push(("timeout", err));

    // A refused connection.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    errors.push((
        "connection refused",
        Client::builder()
            .base_url(format!("http://{closed}"))
            .allow_http(true)
            .credentials(credentials())
            .client_id(CLIENT_ID)
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .tickets()
            .get(1)
            .await
            .unwrap_err(),
    ));

    // A redirect to another origin, its Location quoting the token (never followed).
    let other = echoing(200, Shape::Text).await;
    for status in [301, 302, 307, 308] {
        let s = MockServer::start().await;
        let mut echo = Echo::new(status, Shape::Text);
        echo.location = Some(format!("{}/elsewhere", other.uri()));
        Mock::given(path_regex(".*"))
            .respond_with(echo)
            .mount(&s)
            .await;
        let client = builder(&s).build().unwrap();
        errors.push((
            "redirect to another origin (read)",
            client.tickets().get(1).await.unwrap_err(),
        ));
        errors.push((
            "redirect to another origin (write)",
            client
                .tickets()
                .create(&Ticket::new("x", 1))
                .await
                .unwrap_err(),
        ));
    }
    assert!(other.received_requests().await.unwrap().is_empty());

    // A failed codebase discovery (company info answered with the echo, then a 500).
    for status in [200, 500] {
        let s = echoing(status, Shape::JsonString).await;
        let err = builder(&s)
            .discover_codebase()
            .build()
            .unwrap()
            .tickets()
            .get(1)
            .await
            .unwrap_err();
        errors.push(("codebase discovery failed (echo)", err));
    }

    // The simulator's own 401 for another key, and the refusals that send nothing.
    let sim = Simulator::builder()
        .tickets(5)
        .credentials(COMPANY, PUBLIC, "another-private-key")
        .start()
        .await;
    let client = sim
        .client_builder()
        .credentials(credentials())
        .build()
        .unwrap();
    errors.push(("simulator 401", client.tickets().get(1).await.unwrap_err()));
    let read_only = client.with_write_mode(WriteMode::ReadOnly);
    errors.push((
        "read-only refusal",
        read_only.tickets().delete(1).await.unwrap_err(),
    ));
    let dry = client.with_write_mode(WriteMode::DryRun);
    let err = dry.tickets().notes(1).add_internal("x").await.unwrap_err();
    assert!(err.dry_run_preview().is_some());
    errors.push(("dry-run preview", err));

    // What a user may print besides errors.
    shown.push(format!("{:?}", credentials()));
    shown.push(format!(
        "{:?}",
        Client::builder()
            .credentials(credentials())
            .client_id(CLIENT_ID)
    ));
    shown.push(format!("{client:?}"));
    shown.push(format!(
        "{:?}",
        client
            .tickets()
            .create(&Ticket::new("x", 1))
            .preview()
            .unwrap()
    ));
    shown.push(format!("{sim:?}"));
    (errors, shown)
}

impl Echo {
    /// The same answer, after longer than the client waits.
    fn delay(self) -> DelayedEcho {
        DelayedEcho(self)
    }
}

struct DelayedEcho(Echo);

impl Respond for DelayedEcho {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request).set_delay(Duration::from_secs(2))
    }
}

#[tokio::test]
async fn no_secret_shows_in_any_error_or_trace() {
    let captured = LogCapture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let captured = captured.clone();
            move || captured.clone()
        })
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let markers = markers();
    // The echoing servers really send the secrets back, in every form.
    let s = echoing(401, Shape::JsonString).await;
    let echoed = cwmanage_client::reqwest::Client::new()
        .get(s.uri())
        .header(
            "Authorization",
            credentials().authorization().expose_secret(),
        )
        .send()
        .await
        .unwrap();
    let headers = format!("{:?}", echoed.headers());
    let body = echoed.text().await.unwrap();
    assert!(markers.finds(&headers) && markers.finds(&body));
    let echo: String = serde_json::from_str(&body).unwrap();
    let escaped = serde_json::to_string(PRIVATE).unwrap();
    for form in [PRIVATE, &escaped[1..escaped.len() - 1]] {
        assert!(echo.contains(form), "the echo holds {form}");
    }

    let (errors, shown) = provoke().await;
    let logs = captured.text();
    assert!(
        logs.contains("TRACE") || logs.contains("DEBUG"),
        "traces captured"
    );

    let mut texts = 0;
    let mut leaks = Vec::new();
    for (name, err) in &errors {
        for text in texts_of(err) {
            texts += 1;
            if markers.finds(&text) {
                leaks.push(format!("{name}: {text}"));
            }
        }
    }
    for text in &shown {
        texts += 1;
        if markers.finds(text) {
            leaks.push(format!("shown: {text}"));
        }
    }
    texts += 1;
    if markers.finds(&logs) {
        let line = logs
            .lines()
            .find(|l| markers.finds(l))
            .unwrap_or_default()
            .to_owned();
        leaks.push(format!("trace: {line}"));
    }
    println!(
        "secrets: {} error paths, {texts} texts (Display, Debug, sources, bodies, headers, previews, {} KiB of TRACE logs), {} occurrences",
        errors.len(),
        logs.len() / 1024,
        leaks.len()
    );
    assert!(
        leaks.is_empty(),
        "{} leaks, first: {}",
        leaks.len(),
        leaks[0]
    );
    // Sanity: the markers are findable at all.
    assert!(markers.finds(&format!("x {PRIVATE} y")));
    assert!(markers.finds(&base64::engine::general_purpose::STANDARD.encode(PRIVATE)));
}
