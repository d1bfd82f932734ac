//! Helpers shared by the wire-level tests.
#![allow(dead_code, unreachable_pub)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use beyondtrust_sessions_client::{Client, ClientBuilder, PsAuth};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const BASE: &str = "/BeyondTrust/api/public/v3";
pub const KEY: &str = "marker-key-3f9c1d";
pub const PASSWORD: &str = "marker-pwd-8e2b";
pub const RUNAS: &str = r"doe-main\johndoe";
pub const COOKIE_VALUE: &str = "marker-cookie-a1b2c3";

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub fn json_fixture(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

pub fn p(rest: &str) -> String {
    format!("{BASE}/{rest}")
}

pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(format!("{}{BASE}", server.uri()))
        .allow_http(true)
}

pub fn client(server: &MockServer) -> Client {
    builder(server)
        .credentials(PsAuth::new(KEY).runas(RUNAS).password(PASSWORD))
        .build()
        .unwrap()
}

pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

/// Mounts a sign-in that sets `cookie`.
pub async fn mount_sign_in(server: &MockServer, cookie: &str) {
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(json(200, &fixture("sign_in.json")).append_header(
            "Set-Cookie",
            format!("ASP.NET_SessionId={cookie}; path=/; HttpOnly").as_str(),
        ))
        .mount(server)
        .await;
}

pub async fn requests_to(server: &MockServer, rest: &str) -> Vec<wiremock::Request> {
    let wanted = p(rest);
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path().eq_ignore_ascii_case(&wanted))
        .collect()
}

pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// Captures what `tracing` logs while `f` runs.
pub fn capture_logs(f: impl FnOnce()) -> String {
    #[derive(Clone)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf(Arc::new(Mutex::new(Vec::new())));
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = buf.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

/// Asserts none of the marker secrets appears in `text`.
pub fn assert_no_secrets(text: &str) {
    for marker in [KEY, PASSWORD, COOKIE_VALUE, "marker-"] {
        assert!(!text.contains(marker), "a secret leaked: {text}");
    }
}
