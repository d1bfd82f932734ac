//! Secrets suite (issue 12): a marker in every credential of the client — the API key
//! and the runas password (PS-Auth), the OAuth client secret, plus the session cookie and
//! the bearer token the servers hand out and an admin-session password — and every error
//! path provoked: 401 on sign-in and on a call, a two-factor prompt, decode errors,
//! timeouts, redirects to another origin, and servers that ECHO the request (headers and
//! body) back in their error bodies and headers, in plain, JSON-escaped, percent-encoded
//! and base64 form. Not one form of a marker may show in `Debug`, `Display`, any
//! `source()` of the chain or a TRACE-level tracing capture
//! ([`Redactor::finds`](msp_common::secret::Redactor::finds) decides).
//!
//! Alone in its test binary (one test): it installs a tracing subscriber, whose
//! per-callsite interest cache is process-wide.
//!
//! ```text
//! cargo test -p beyondtrust-sessions-client --all-features --test secrets -- --nocapture
//! ```

use std::error::Error as StdError;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use beyondtrust_sessions_client::{
    AdminSession, Client, ClientBuilder, Error, ErrorExt, Listing, OAuthClient, PsAuth,
    RetryPolicy, SessionType,
};
use msp_common::secret::{Redactor, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const BASE: &str = "/BeyondTrust/api/public/v3";
/// 128 characters, like a real key.
const KEY: &str = "MARKERKEY0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c";
/// A password whose JSON-escaped, percent- and form-encoded forms all differ from it.
const PASSWORD: &str = r#"MARKER-pwd "q"/+&=%\ end"#;
const OAUTH_ID: &str = "4f1d2c3b-5a69-4788-9b0a-1c2d3e4f5a6b";
const OAUTH_SECRET: &str = "MARKER-oauth-secret \"s\"/+&=%é~0123456789abcdef";
const COOKIE: &str = "MARKERcookie7c1e9a";
const TOKEN: &str = "MARKERtoken3b8d2f6a0c";
const ADMIN_PASSWORD: &str = "MARKER-admin \"pw\"/+&";

fn markers() -> Redactor {
    Redactor::new(
        [KEY, PASSWORD, OAUTH_SECRET, COOKIE, TOKEN, ADMIN_PASSWORD].map(SecretString::from),
    )
}

/// A `MakeWriter` collecting everything the fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The request as text, in every form an echoing server might send it back in: plain,
/// JSON-escaped, percent-encoded and base64 (of the whole and of each header value and
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
    // Decoded form fields too (a server that reflects parameters).
    for (name, value) in url::form_urlencoded::parse(&request.body) {
        plain.push_str(&format!("\n{name}={value}"));
        b64.push(base64::engine::general_purpose::STANDARD.encode(value.as_bytes()));
    }
    let json = serde_json::to_string(&plain).unwrap();
    let percent = msp_common::http::encode_query([("echo", &plain)]);
    let whole = base64::engine::general_purpose::STANDARD.encode(&plain);
    format!(
        "echo:\n{plain}\njson: {json}\npercent: {percent}\nbase64: {whole}\n{}",
        b64.join("\n")
    )
}

/// Answers `status` with the echo of the request as the body, and the request's
/// `Authorization` and `Cookie` echoed in ordinary response headers.
struct Echo {
    status: u16,
    content_type: &'static str,
    two_factor: bool,
}

impl Echo {
    fn new(status: u16) -> Self {
        Echo {
            status,
            content_type: "text/plain",
            two_factor: false,
        }
    }
}

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = echo_of(request);
        let body = if self.content_type.contains("json") {
            serde_json::to_string(&body).unwrap()
        } else {
            body
        };
        let mut response = ResponseTemplate::new(self.status).set_body_raw(body, self.content_type);
        for name in ["authorization", "cookie"] {
            if let Some(value) = request.headers.get(name) {
                response = response.insert_header(format!("x-echo-{name}").as_str(), value.clone());
            }
        }
        if self.two_factor {
            let value = request
                .headers
                .get("authorization")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default();
            response = response.insert_header("WWW-Authenticate-2FA", value.as_str());
        }
        response
    }
}

/// A sign-in that opens the marker cookie.
fn signed_in() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(r#"{"UserId":7,"UserName":"doe"}"#, "application/json")
        .append_header(
            "Set-Cookie",
            format!("ASP.NET_SessionId={COOKIE}; path=/; HttpOnly").as_str(),
        )
}

fn token_answer(token_type: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(
        serde_json::json!({"access_token": TOKEN, "token_type": token_type, "expires_in": 3600})
            .to_string(),
        "application/json",
    )
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{}{BASE}", server.uri()))
        .allow_http(true)
        .timeout(Duration::from_millis(400))
        .retry_policy(RetryPolicy::none())
}

fn ps_auth() -> PsAuth {
    PsAuth::new(KEY)
        .runas(r"doe-main\johndoe")
        .password(PASSWORD)
}

fn oauth() -> OAuthClient {
    OAuthClient::new(OAUTH_ID, OAUTH_SECRET)
}

/// Everything an error shows: Display, Debug, and both of every source in its chain.
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
    texts
}

struct Scenario {
    name: &'static str,
    err: Error,
}

async fn server() -> MockServer {
    MockServer::start().await
}

async fn mount(server: &MockServer, verb: &str, rest: &str, respond: impl Respond + 'static) {
    Mock::given(method(verb))
        .and(path(format!("{BASE}/{rest}")))
        .respond_with(respond)
        .mount(server)
        .await;
}

/// Every error path, provoked against loopback servers.
async fn provoke() -> Vec<Scenario> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, err: Error| out.push(Scenario { name, err });

    // PS-Auth sign-in refused by an echoing server (JSON and text bodies).
    for content_type in ["text/plain", "application/json"] {
        let s = server().await;
        let mut echo = Echo::new(401);
        echo.content_type = content_type;
        mount(&s, "POST", "Auth/SignAppin", echo).await;
        let err = builder(&s)
            .credentials(ps_auth())
            .build()
            .unwrap()
            .sign_in()
            .await
            .unwrap_err();
        assert!(err.auth_failure().is_some(), "{err}");
        push("ps-auth sign-in refused (echo)", err);
    }

    // A two-factor prompt that echoes the Authorization header.
    let s = server().await;
    let mut echo = Echo::new(401);
    echo.two_factor = true;
    mount(&s, "POST", "Auth/SignAppin", echo).await;
    let err = builder(&s)
        .credentials(ps_auth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.auth_failure(),
            Some(beyondtrust_sessions_client::AuthFailure::TwoFactorRequired { .. })
        ),
        "{err}"
    );
    push("two-factor prompt echoing the key", err);

    // A sign-in whose success body is not a user (decode error) but the echo.
    let s = server().await;
    mount(&s, "POST", "Auth/SignAppin", move |r: &Request| {
        ResponseTemplate::new(200)
            .set_body_raw(echo_of(r), "application/json")
            .append_header("Set-Cookie", format!("ASP.NET_SessionId={COOKIE}").as_str())
    })
    .await;
    let err = builder(&s)
        .credentials(ps_auth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    push("sign-in decode error (echo)", err);

    // A call refused with 401 by an echoing server, even after the renewed sign-in.
    let s = server().await;
    mount(&s, "POST", "Auth/SignAppin", signed_in()).await;
    mount(&s, "GET", "Sessions", Echo::new(401)).await;
    let client = builder(&s).credentials(ps_auth()).build().unwrap();
    let err = client.sessions().list().collect().await.unwrap_err();
    assert!(err.is_auth(), "{err}");
    push("401 on a call (session expired)", err);

    // A list answered 200 with the echo (decode error), and a get answered 500 with it.
    let s = server().await;
    mount(&s, "POST", "Auth/SignAppin", signed_in()).await;
    mount(&s, "GET", "Sessions", |r: &Request| {
        ResponseTemplate::new(200).set_body_raw(echo_of(r), "application/json")
    })
    .await;
    mount(&s, "GET", "Sessions/501", Echo::new(500)).await;
    mount(&s, "GET", "ManagedAccounts", |r: &Request| {
        ResponseTemplate::new(200).set_body_raw(
            serde_json::json!({"SystemId": echo_of(r), "AccountId": 1}).to_string(),
            "application/json",
        )
    })
    .await;
    mount(&s, "POST", "Sessions/Admin", Echo::new(400)).await;
    mount(&s, "POST", "Requests/5/Sessions", |r: &Request| {
        // A ticket answer whose fields have the wrong types, quoting the request.
        ResponseTemplate::new(201).set_body_raw(
            serde_json::json!({"Ticket": {"echo": echo_of(r)}, "Link": TOKEN}).to_string(),
            "application/json",
        )
    })
    .await;
    let client = builder(&s).credentials(ps_auth()).build().unwrap();
    push(
        "list decode error (echo)",
        client.sessions().list().collect().await.unwrap_err(),
    );
    push(
        "get answered 500 (echo)",
        client.sessions().get(501.into()).await.unwrap_err(),
    );
    push(
        "find decode error (echo in a field)",
        client
            .managed_accounts()
            .find("web01", "svc")
            .await
            .unwrap_err(),
    );
    push(
        "admin session refused (echo of the password)",
        client
            .sessions()
            .admin(AdminSession::new(
                SessionType::Rdp,
                "jump01",
                "helpdesk",
                ADMIN_PASSWORD,
            ))
            .await
            .unwrap_err(),
    );
    push(
        "session ticket decode error",
        client
            .sessions()
            .create(5.into(), SessionType::Ssh)
            .await
            .unwrap_err(),
    );

    // Timeouts: on the sign-in and on a call.
    let s = server().await;
    mount(
        &s,
        "POST",
        "Auth/SignAppin",
        signed_in().set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = builder(&s)
        .credentials(ps_auth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    push("sign-in timeout", err);
    let s = server().await;
    mount(&s, "POST", "Auth/SignAppin", signed_in()).await;
    mount(
        &s,
        "GET",
        "Requests",
        ResponseTemplate::new(200).set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = builder(&s)
        .credentials(ps_auth())
        .build()
        .unwrap()
        .requests()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    push("list timeout", err);

    // Redirects to another origin: sign-in, token, a read and a write.
    let other = server().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(Echo::new(200))
        .mount(&other)
        .await;
    let elsewhere = format!("{}{BASE}/elsewhere", other.uri());
    for status in [301, 302, 307, 308] {
        let redirect = ResponseTemplate::new(status).insert_header("Location", elsewhere.as_str());
        let s = server().await;
        mount(&s, "POST", "Auth/SignAppin", redirect.clone()).await;
        mount(&s, "POST", "Auth/connect/token", redirect.clone()).await;
        let err = builder(&s)
            .credentials(ps_auth())
            .build()
            .unwrap()
            .sign_in()
            .await
            .unwrap_err();
        push("sign-in redirected to another origin", err);
        let err = builder(&s)
            .credentials(oauth())
            .build()
            .unwrap()
            .sign_in()
            .await
            .unwrap_err();
        push("token request redirected to another origin", err);
        let s = server().await;
        mount(&s, "POST", "Auth/SignAppin", signed_in()).await;
        mount(&s, "GET", "Sessions", redirect.clone()).await;
        mount(&s, "POST", "Sessions/Admin", redirect.clone()).await;
        let client = builder(&s).credentials(ps_auth()).build().unwrap();
        push(
            "read redirected to another origin",
            client.sessions().list().collect().await.unwrap_err(),
        );
        push(
            "write redirected to another origin",
            client
                .sessions()
                .admin(AdminSession::new(
                    SessionType::Rdp,
                    "jump01",
                    "helpdesk",
                    ADMIN_PASSWORD,
                ))
                .await
                .unwrap_err(),
        );
    }
    assert_eq!(
        other.received_requests().await.unwrap().len(),
        0,
        "nothing reaches the other origin"
    );

    // OAuth: the token request refused by an echoing server (form-encoded secret), a
    // token type that echoes the body, and a bearer sign-in refused by an echo.
    let s = server().await;
    let mut echo = Echo::new(400);
    echo.content_type = "application/json";
    mount(&s, "POST", "Auth/connect/token", echo).await;
    let err = builder(&s)
        .credentials(oauth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(err.auth_failure().is_some(), "{err}");
    push("oauth token refused (echo)", err);

    let s = server().await;
    mount(&s, "POST", "Auth/connect/token", |r: &Request| {
        token_answer(&echo_of(r))
    })
    .await;
    let err = builder(&s)
        .credentials(oauth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    push("oauth token type echoing the body", err);

    let s = server().await;
    mount(&s, "POST", "Auth/connect/token", |r: &Request| {
        ResponseTemplate::new(200).set_body_raw(
            serde_json::json!({"access_token": 5, "echo": echo_of(r)}).to_string(),
            "application/json",
        )
    })
    .await;
    let err = builder(&s)
        .credentials(oauth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    push("oauth token decode error (echo)", err);

    let s = server().await;
    mount(&s, "POST", "Auth/connect/token", token_answer("Bearer")).await;
    mount(&s, "POST", "Auth/SignAppin", Echo::new(401)).await;
    let err = builder(&s)
        .credentials(oauth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(err.auth_failure().is_some(), "{err}");
    push("bearer sign-in refused (echo)", err);

    let s = server().await;
    mount(
        &s,
        "POST",
        "Auth/connect/token",
        token_answer("Bearer").set_delay(Duration::from_secs(3)),
    )
    .await;
    let err = builder(&s)
        .credentials(oauth())
        .build()
        .unwrap()
        .sign_in()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    push("oauth token timeout", err);

    out
}

#[tokio::test]
async fn no_form_of_any_credential_shows_in_errors_debug_or_traces() {
    use tracing_subscriber::util::SubscriberInitExt;
    let logs = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .finish()
        .set_default();

    let scenarios = provoke().await;
    let found = markers();
    let mut leaks = Vec::new();
    let mut texts_checked = 0;
    for scenario in &scenarios {
        for text in texts_of(&scenario.err) {
            texts_checked += 1;
            if found.finds(&text) {
                leaks.push(format!("{}: {text}", scenario.name));
            }
        }
    }
    // The credentials and clients themselves, and previews.
    let s = server().await;
    let ps = builder(&s).credentials(ps_auth());
    let oa = builder(&s).credentials(oauth());
    let admin = AdminSession::new(SessionType::Rdp, "jump01", "helpdesk", ADMIN_PASSWORD);
    let client = builder(&s).credentials(ps_auth()).build().unwrap();
    let preview = client.sessions().admin(admin.clone()).preview().unwrap();
    for text in [
        format!("{:?}", ps_auth()),
        format!("{:?}", oauth()),
        format!("{ps:?}"),
        format!("{oa:?}"),
        format!("{client:?}"),
        format!("{:?}", builder(&s).credentials(oauth()).build().unwrap()),
        format!("{admin:?}"),
        format!("{preview:?}"),
        serde_json::to_string(&preview).unwrap(),
    ] {
        texts_checked += 1;
        if found.finds(&text) {
            leaks.push(format!("value: {text}"));
        }
    }
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logged.contains("sign_in"), "the calls were traced");
    if found.finds(&logged) {
        let line = logged.lines().find(|l| found.finds(l)).unwrap_or_default();
        leaks.push(format!("trace: {line}"));
    }
    println!(
        "secrets: {} error paths, {} texts and {} bytes of TRACE logs checked, {} leaks",
        scenarios.len(),
        texts_checked,
        logged.len(),
        leaks.len()
    );
    assert!(
        leaks.is_empty(),
        "secrets leaked:\n{}",
        leaks.join("\n---\n")
    );
}
