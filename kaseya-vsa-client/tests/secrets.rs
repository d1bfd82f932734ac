//! Secrets suite (issue 12): a marker in every credential of the client — the password
//! (hashed sign-in) and the personal access token — and with them everything the sign-in
//! carries: the whole `/auth` `Authorization` value, its bare Base64 token, the decoded
//! payload and its digests (`rpass1`/`rpass2` are unsalted hashes of the password), and
//! the bearer token and `ApiToken` the server issues. Then every error path is provoked:
//! a refused sign-in (401, a `ResponseCode` 401 inside HTTP 200, an HTML 500, an
//! unreadable answer, one holding the new tokens), 401 on a get, a listing and a write
//! (each renewing the session once), an error inside HTTP 200, decode errors, a timeout, a
//! refused connection, redirects to another origin (of the sign-in, a read and a write,
//! their `Location` quoting the token), a same-origin redirect loop quoting it, and the
//! read-only and dry-run refusals — against servers that ECHO the request, headers and
//! body, back in their error bodies and headers, in plain, JSON-escaped, percent-encoded
//! and Base64 form. Not one form of a secret may show in `Debug`, `Display`, any
//! `source()` of the chain, the kept body and headers, the `Debug` of the client, its
//! builder, its credentials and previews, or a TRACE-level tracing capture
//! ([`Redactor::finds`](msp_common::secret::Redactor::finds) decides).
//!
//! The user name is an identifier, not a secret (`Debug` shows it): it is no marker.
//!
//! Alone in its test binary (one test): tracing's per-callsite interest cache is
//! process-wide.
//!
//! ```text
//! cargo test -p kaseya-vsa-client --all-features --test secrets -- --nocapture
//! ```
#![cfg(feature = "sim")]

use std::error::Error as StdError;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use kaseya_vsa_client::auth::{AuthPayload, Credentials, PasswordEncoding};
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId};
use kaseya_vsa_client::{Client, ClientBuilder, Error, Listing, RetryPolicy, WriteMode};
use msp_common::secret::{ExposeSecret, Redactor, SecretString};
use msp_common::sim::suite::LogCapture;
use wiremock::matchers::path_regex;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const USER: &str = "apiuser";
/// A password whose JSON-escaped, percent-, form- and Base64-encoded forms all differ
/// from it.
const PASSWORD: &str = r#"MARKER-pw "q"/+&=%\ é~0a1b2c3d"#;
const PAT: &str = r#"MARKER-pat "t"/+&=%\ ü~9z8y7x"#;
/// The bearer token the echoing servers issue (visible ASCII only: it is a header value).
const TOKEN: &str = r#"tok-MARKER-"7"/+&=%~0a1b2c"#;
const API_TOKEN: &str = r#"api-MARKER-"8"/+&=%~3d4e5f"#;
const RAND: &str = "12345678";

fn password() -> Credentials {
    Credentials::password(USER, PASSWORD)
}

fn pat() -> Credentials {
    Credentials::personal_access_token(USER, PAT)
}

/// Every secret: the credentials, what the sign-in carries, the issued tokens.
fn markers() -> Redactor {
    let payload = AuthPayload::compute(USER, PASSWORD, RAND, PasswordEncoding::Utf8);
    let mut secrets = vec![
        SecretString::from(PASSWORD),
        SecretString::from(PAT),
        SecretString::from(TOKEN),
        SecretString::from(API_TOKEN),
        payload.to_plain(),
        payload.header_value(),
        SecretString::from(format!("{USER}:{PAT}")),
        pat().auth_header(RAND),
    ];
    for digest in [
        &payload.pass2,
        &payload.pass1,
        &payload.rpass2,
        &payload.rpass1,
    ] {
        secrets.push(SecretString::from(digest.as_str()));
    }
    for header in [payload.header_value(), pat().auth_header(RAND)] {
        let bare = header
            .expose_secret()
            .trim_start_matches("Basic ")
            .to_owned();
        secrets.push(SecretString::from(bare));
    }
    Redactor::new(secrets)
}

/// The request as text, in every form an echoing server might send it back in: plain
/// (with the `Authorization` value decoded the way the server reads it: the bare bearer
/// token, the Basic payload), JSON-escaped, percent-encoded and Base64 (of the whole,
/// and of each header value and the body).
fn echo_of(request: &Request) -> String {
    let mut plain = format!("{} {}\n", request.method, request.url);
    let mut b64 = Vec::new();
    for (name, value) in &request.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        plain.push_str(&format!("{name}: {value}\n"));
        b64.push(STANDARD.encode(&value));
    }
    let body = String::from_utf8_lossy(&request.body).into_owned();
    plain.push_str(&body);
    b64.push(STANDARD.encode(&body));
    if let Some(auth) = request.headers.get("authorization") {
        let auth = auth.to_str().unwrap_or("");
        if let Some(token) = auth.strip_prefix("Bearer ") {
            plain.push_str(&format!("\ntoken: {token}"));
        }
        if let Some(basic) = auth.strip_prefix("Basic ")
            && let Ok(raw) = STANDARD.decode(basic)
        {
            let decoded = String::from_utf8_lossy(&raw).into_owned();
            plain.push_str(&format!("\nbasic: {basic}\ndecoded: {decoded}"));
            for field in decoded.split(',') {
                plain.push_str(&format!("\nfield {field}"));
                if let Some((_, v)) = field.split_once('=') {
                    plain.push_str(&format!("\nvalue {v}"));
                }
            }
            if let Some((_, secret)) = decoded.split_once(':') {
                plain.push_str(&format!("\nsecret {secret}"));
            }
        }
    }
    let json = serde_json::to_string(&plain).unwrap();
    let percent = msp_common::http::encode_query([("echo", &plain)]);
    let whole = STANDARD.encode(&plain);
    format!(
        "echo:\n{plain}\njson: {json}\npercent: {percent}\nbase64: {whole}\n{}",
        b64.join("\n")
    )
}

/// How an echo is wrapped.
#[derive(Clone, Copy, Debug)]
enum Shape {
    Text,
    Html,
    JsonString,
    /// The VSA envelope, `Error` and `Status` holding the echo, `ResponseCode` = the
    /// HTTP status.
    Envelope,
    /// The VSA envelope inside HTTP 200, `ResponseCode` = the given status.
    EnvelopeIn200,
}

#[derive(Clone, Debug)]
enum Answer {
    /// A sign-in answer issuing [`TOKEN`] and [`API_TOKEN`].
    SignedIn,
    /// The sign-in answer holding the `ApiToken` and the echo, its `Token` not a string.
    SignedInUnreadable,
    Echo(u16, Shape),
    /// 200 with the echo as a body that is not JSON (or does not decode).
    NotJson,
    WrongType,
    /// The echo, after longer than the client waits.
    Late,
    /// A redirect to `to` (another origin), the token quoted in its query.
    Redirect(u16, String),
    /// A redirect to the same path, the token quoted in its query (a loop).
    Loop(u16),
}

fn respond(answer: &Answer, request: &Request) -> ResponseTemplate {
    let echo = echo_of(request);
    let auth = request
        .headers
        .get("authorization")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let quoted = msp_common::http::encode_query([("auth", auth.as_str())]);
    let base = match answer {
        Answer::SignedIn => {
            return ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "Result": {"Token": TOKEN, "ApiToken": API_TOKEN, "UserName": USER, "SessionExpiration": "2099-01-01T00:00:00Z"},
                "ResponseCode": 0, "Status": "OK", "Error": "None",
            }));
        }
        Answer::SignedInUnreadable => ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "Result": {"ApiToken": API_TOKEN, "Token": {"unexpected": true}, "Echo": echo},
            "ResponseCode": 0,
        })),
        Answer::Echo(status, shape) => {
            let (body, content_type) = match shape {
                Shape::Text => (echo.clone(), "text/plain"),
                Shape::Html => (
                    format!("<html><head><title>{echo}</title></head><body>{echo}</body></html>"),
                    "text/html",
                ),
                Shape::JsonString => (serde_json::to_string(&echo).unwrap(), "application/json"),
                Shape::Envelope | Shape::EnvelopeIn200 => (
                    serde_json::json!({
                        "Result": null, "ResponseCode": status, "Status": echo, "Error": echo,
                        "Message": echo,
                    })
                    .to_string(),
                    "application/json",
                ),
            };
            let status = match shape {
                Shape::EnvelopeIn200 => 200,
                _ => *status,
            };
            ResponseTemplate::new(status).set_body_raw(body, content_type)
        }
        Answer::NotJson => ResponseTemplate::new(200).set_body_raw(echo, "application/json"),
        Answer::WrongType => ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "Result": [{"AgentId": {"echo": echo}}, {"AgentId": echo}], "ResponseCode": 0,
        })),
        Answer::Late => ResponseTemplate::new(200)
            .set_body_raw(echo, "text/plain")
            .set_delay(Duration::from_secs(1)),
        Answer::Redirect(status, to) => ResponseTemplate::new(*status)
            .set_body_raw(echo, "text/plain")
            .insert_header("Location", format!("{to}/steal?{quoted}").as_str()),
        Answer::Loop(status) => ResponseTemplate::new(*status)
            .set_body_raw(echo, "text/plain")
            .insert_header(
                "Location",
                format!("{}?{quoted}", request.url.path()).as_str(),
            ),
    };
    base.insert_header("x-echo-authorization", auth.as_str())
        .insert_header(
            "www-authenticate",
            format!("Bearer realm=\"{auth}\"").as_str(),
        )
}

/// Answers `/auth` with `auth` and every other request with `rest`.
struct Echo {
    auth: Answer,
    rest: Answer,
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if request.url.path().ends_with("/api/v1.0/auth") {
            respond(&self.auth, request)
        } else {
            respond(&self.rest, request)
        }
    }
}

async fn server(auth: Answer, rest: Answer) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path_regex(".*"))
        .respond_with(Echo { auth, rest })
        .mount(&server)
        .await;
    server
}

fn builder(root: &str, credentials: Credentials) -> ClientBuilder {
    Client::builder()
        .base_url(root)
        .allow_http(true)
        .credentials(credentials)
        .random_source(|| RAND.to_owned())
        .timeout(Duration::from_millis(250))
        .retry_policy(RetryPolicy::none())
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
    if let Some(envelope) = kaseya_vsa_client::ErrorExt::envelope(err) {
        texts.push(format!("{envelope:?}"));
    }
    if let Some(preview) = err.dry_run_preview() {
        texts.push(format!("{preview:?}"));
    }
    texts
}

type Errors = Vec<(String, Error)>;

/// A get, a listing and a write on `client`; the get and the listing must fail.
async fn three_calls(errors: &mut Errors, name: &str, client: &Client) {
    let agent = AgentId::from(121_747_357_971_679u64);
    match client.agents().get(&agent).await {
        Err(e) => errors.push((format!("{name} (get)"), e)),
        Ok(_) => panic!("{name}: the get succeeded"),
    }
    match client.agents().list().collect().await {
        Err(e) => errors.push((format!("{name} (list)"), e)),
        Ok(_) => panic!("{name}: the listing succeeded"),
    }
    // A write's answer is only checked for an error: a 200 body that is not an envelope
    // is success.
    if let Err(e) = client
        .agent_procedures()
        .run_now(&agent, &AgentProcedureId::from(1001u64))
        .await
    {
        errors.push((format!("{name} (write)"), e));
    }
}

/// Every error path, provoked against loopback servers.
async fn provoke() -> (Errors, Vec<String>) {
    let mut errors: Errors = Vec::new();
    let mut shown: Vec<String> = Vec::new();
    let modes = [("password", password()), ("token", pat())];

    // Sign-in failures, in both modes.
    let refusals = [
        ("sign-in 401 (text echo)", Answer::Echo(401, Shape::Text)),
        (
            "sign-in 401 (JSON echo)",
            Answer::Echo(401, Shape::JsonString),
        ),
        (
            "sign-in 401 (envelope echo)",
            Answer::Echo(401, Shape::Envelope),
        ),
        (
            "sign-in ResponseCode 401 in HTTP 200",
            Answer::Echo(401, Shape::EnvelopeIn200),
        ),
        (
            "sign-in ResponseCode 500 in HTTP 200",
            Answer::Echo(500, Shape::EnvelopeIn200),
        ),
        ("sign-in 500 HTML", Answer::Echo(500, Shape::Html)),
        ("sign-in unreadable", Answer::NotJson),
        (
            "sign-in with tokens, unreadable",
            Answer::SignedInUnreadable,
        ),
    ];
    for (name, answer) in refusals {
        let s = server(answer, Answer::Echo(500, Shape::Text)).await;
        for (mode, credentials) in &modes {
            let client = builder(&s.uri(), credentials.clone()).build().unwrap();
            match client.authenticate().await {
                Err(e) => errors.push((format!("{name} [{mode}]"), e)),
                Ok(_) => panic!("{name}: signed in"),
            }
            match client.agents().get(&AgentId::from(1u64)).await {
                Err(e) => errors.push((format!("{name} [{mode}] (first call)"), e)),
                Ok(_) => panic!("{name}: the call succeeded"),
            }
        }
    }

    // After a sign-in: 401 (the session is renewed once, then refused again), an error
    // inside HTTP 200, error statuses with the echo in every shape, decode errors.
    let failures = [
        ("401 (text echo)", Answer::Echo(401, Shape::Text)),
        ("401 (JSON echo)", Answer::Echo(401, Shape::JsonString)),
        (
            "ResponseCode 401 in HTTP 200",
            Answer::Echo(401, Shape::EnvelopeIn200),
        ),
        (
            "ResponseCode 400 in HTTP 200",
            Answer::Echo(400, Shape::EnvelopeIn200),
        ),
        (
            "ResponseCode 503 in HTTP 200",
            Answer::Echo(503, Shape::EnvelopeIn200),
        ),
        ("400 envelope", Answer::Echo(400, Shape::Envelope)),
        ("403 JSON echo", Answer::Echo(403, Shape::JsonString)),
        ("500 HTML", Answer::Echo(500, Shape::Html)),
        ("decode error: not JSON", Answer::NotJson),
        ("decode error: wrong types", Answer::WrongType),
        ("timeout", Answer::Late),
    ];
    for (name, answer) in failures {
        let s = server(Answer::SignedIn, answer).await;
        for (mode, credentials) in &modes {
            let client = builder(&s.uri(), credentials.clone()).build().unwrap();
            three_calls(&mut errors, &format!("{name} [{mode}]"), &client).await;
            shown.push(format!("{client:?}"));
            shown.push(format!("{:?}", client.session_info().await));
        }
    }

    // Redirects to another origin (of the sign-in, and of reads and writes after it),
    // their Location quoting the token; nothing may reach the other origin.
    let other = server(
        Answer::Echo(200, Shape::Text),
        Answer::Echo(200, Shape::Text),
    )
    .await;
    for status in [301, 302, 303, 307, 308] {
        let to = other.uri();
        let s = server(Answer::Redirect(status, to.clone()), Answer::SignedIn).await;
        let client = builder(&s.uri(), password()).build().unwrap();
        match client.authenticate().await {
            Err(e) => errors.push((format!("sign-in redirected elsewhere ({status})"), e)),
            Ok(_) => panic!("a redirected sign-in succeeded"),
        }
        let s = server(Answer::SignedIn, Answer::Redirect(status, to)).await;
        for (mode, credentials) in &modes {
            let client = builder(&s.uri(), credentials.clone()).build().unwrap();
            three_calls(
                &mut errors,
                &format!("redirect elsewhere {status} [{mode}]"),
                &client,
            )
            .await;
        }
        // A same-origin loop quoting the token: followed for reads, then the 3xx is the
        // error.
        let s = server(Answer::SignedIn, Answer::Loop(status)).await;
        let client = builder(&s.uri(), password()).build().unwrap();
        three_calls(&mut errors, &format!("same-origin loop {status}"), &client).await;
    }
    assert!(
        other.received_requests().await.unwrap().is_empty(),
        "the other origin received a request"
    );

    // A refused connection.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    for (mode, credentials) in &modes {
        let client = builder(&format!("http://{closed}"), credentials.clone())
            .build()
            .unwrap();
        match client.agents().get(&AgentId::from(1u64)).await {
            Err(e) => errors.push((format!("connection refused [{mode}]"), e)),
            Ok(_) => panic!("connected"),
        }
    }

    // The simulator's own refusal of these credentials, and the refusals that send
    // nothing.
    let sim = kaseya_vsa_client::sim::Simulator::builder()
        .agents(5)
        .start()
        .await;
    for (mode, credentials) in &modes {
        let client = sim
            .client_builder()
            .credentials(credentials.clone())
            .random_source(|| RAND.to_owned())
            .build()
            .unwrap();
        match client.agents().list().collect().await {
            Err(e) => errors.push((format!("simulator refuses [{mode}]"), e)),
            Ok(_) => panic!("the simulator accepted the markers"),
        }
    }
    let s = server(Answer::SignedIn, Answer::Echo(500, Shape::Text)).await;
    let client = builder(&s.uri(), password()).build().unwrap();
    client.authenticate().await.unwrap();
    let agent = AgentId::from(7u64);
    let read_only = client.with_write_mode(WriteMode::ReadOnly);
    errors.push((
        "read-only refusal".into(),
        read_only.custom_fields().delete("Field").await.unwrap_err(),
    ));
    let dry = client.with_write_mode(WriteMode::DryRun);
    let err = dry.agents().rename(&agent, "PC-1").await.unwrap_err();
    assert!(err.dry_run_preview().is_some());
    errors.push(("dry-run preview".into(), err));

    // What a user may print besides errors.
    for (_, credentials) in &modes {
        shown.push(format!("{credentials:?}"));
        shown.push(format!("{:?}", builder(&s.uri(), credentials.clone())));
        let client = builder(&s.uri(), credentials.clone()).build().unwrap();
        shown.push(format!("{client:?}"));
    }
    shown.push(format!("{client:?}"));
    shown.push(format!("{:?}", client.session_info().await));
    shown.push(format!(
        "{:?}",
        client.agents().rename(&agent, "PC-1").preview().unwrap()
    ));
    shown.push(format!(
        "{:?}",
        client.agents().list().collect().await.unwrap_err()
    ));
    shown.push(format!(
        "{:?}",
        AuthPayload::compute(USER, PASSWORD, RAND, PasswordEncoding::Utf8)
    ));
    shown.push(format!("{sim:?}"));
    (errors, shown)
}

/// The part of `text` around the first secret found in it (the secret itself shown
/// redacted), to name a leak without printing it.
fn around(markers: &Redactor, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // The shortest prefix holding a secret ends with it.
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if markers.finds(&chars[..mid].iter().collect::<String>()) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    let start = lo.saturating_sub(160);
    let end = (lo + 40).min(chars.len());
    markers.redact(&chars[start..end].iter().collect::<String>())
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
    let s = server(Answer::Echo(401, Shape::JsonString), Answer::SignedIn).await;
    let header = password().auth_header(RAND);
    let echoed = kaseya_vsa_client::reqwest::Client::new()
        .get(format!("{}/api/v1.0/auth", s.uri()))
        .header("Authorization", header.expose_secret())
        .send()
        .await
        .unwrap();
    let headers = format!("{:?}", echoed.headers());
    let body = echoed.text().await.unwrap();
    assert!(markers.finds(&headers) && markers.finds(&body));
    let echo: String = serde_json::from_str(&body).unwrap();
    let payload = AuthPayload::compute(USER, PASSWORD, RAND, PasswordEncoding::Utf8);
    assert!(echo.contains(&payload.rpass1), "the echo holds the digests");

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
                leaks.push(format!("{name}: {}", around(&markers, &text)));
            }
        }
    }
    for text in &shown {
        texts += 1;
        if markers.finds(text) {
            leaks.push(format!("shown: {}", around(&markers, text)));
        }
    }
    texts += 1;
    if markers.finds(&logs) {
        let line = logs
            .lines()
            .find(|l| markers.finds(l))
            .unwrap_or_default()
            .to_owned();
        leaks.push(format!("trace: {}", around(&markers, &line)));
    }
    println!(
        "secrets: {} error paths, {texts} texts (Display, Debug, sources, bodies, headers, previews, {} KiB of TRACE logs), {} occurrences",
        errors.len(),
        logs.len() / 1024,
        leaks.len()
    );
    assert!(leaks.is_empty(), "{} leaks: {:#?}", leaks.len(), leaks);
    // Sanity: the markers are findable at all.
    for secret in [PASSWORD, PAT, TOKEN, payload.rpass2.as_str()] {
        assert!(markers.finds(&format!("x {secret} y")));
        assert!(markers.finds(&STANDARD.encode(secret)));
    }
}
