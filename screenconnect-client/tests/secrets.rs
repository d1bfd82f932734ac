//! The secret never leaks: a marker is the client's one credential (the
//! `CTRLAuthHeader` secret, raw and with the mistaken `Basic ` prefix), every error path
//! is provoked — 401, 403, faults, decode errors, a timeout, a body over the size cap,
//! redirects to another origin (301/302/307/308, reads and writes), and a server that
//! ECHOES the request (headers and body) back in its body, its `Location`, its request
//! id and its cookies, in every form: plain, JSON-escaped (serde's and .NET's `\u0027`
//! style), percent-encoded (both hex cases), form-encoded and base64 — and no form of
//! the marker ([`Redactor::finds`]) may appear in any error's `Display` or `Debug`, in
//! any `source()` of its chain, in the error body, headers or typed fault, or in a
//! TRACE-level capture of the calls. (ScreenConnect has no sign-in: a refused secret is
//! the 401 case.)
//!
//! Alone in its test binary so that no other test registers the tracing call sites
//! first. Prints `secrets: N texts scanned, 0 occurrences`.
//!
//! ```text
//! cargo test -p screenconnect-client --all-features --test secrets -- --nocapture
//! ```

use std::error::Error as _;
use std::io::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use msp_common::retry::{FixedJitter, ManualClock};
use msp_common::secret::{Redactor, SecretString};
use screenconnect_client::filter::Field;
use screenconnect_client::models::SessionType;
use screenconnect_client::sessions::NewSession;
use screenconnect_client::{Client, ClientBuilder, Error, ErrorExt, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The marker: every character an encoding treats specially.
const MARKER: &str = r#"mk"sc\cr&t'<x>+/=%#?~-7f3e9a1c"#;
const SID: &str = "6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
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

/// The request as text: request line, every header, the body.
fn request_text(req: &Request) -> String {
    let mut text = format!("{} {}\n", req.method, req.url);
    for (name, value) in &req.headers {
        text.push_str(&format!(
            "{name}: {}\n",
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    text.push_str(&String::from_utf8_lossy(&req.body));
    text
}

/// JSON the way .NET's serializers write it: `<`, `>`, `&` and `'` as `\u00XX`.
fn dotnet_json(text: &str) -> String {
    serde_json::to_string(text)
        .unwrap()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\'', "\\u0027")
}

/// `text` in every form a server may echo it in.
fn every_form(text: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let upper = utf8_percent_encode(text, NON_ALPHANUMERIC).to_string();
    let lower = upper
        .split('%')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 || part.len() < 2 {
                part.to_owned()
            } else {
                format!("{}{}", part[..2].to_ascii_lowercase(), &part[2..])
            }
        })
        .collect::<Vec<_>>()
        .join("%");
    let form: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
    [
        text.to_owned(),
        serde_json::to_string(text).unwrap(),
        dotnet_json(text),
        upper,
        lower,
        form,
        base64::engine::general_purpose::STANDARD.encode(text),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text),
    ]
    .join("\n---\n")
}

/// How the echoing server answers.
#[derive(Clone, Copy, Debug)]
enum Echo {
    /// This status with the request in every form as its text body.
    Text(u16),
    /// An ASP.NET fault object (500) whose message and type hold the request, as
    /// serde writes JSON.
    Fault,
    /// The same fault as .NET writes JSON (`\u0027`-style escapes).
    DotnetFault,
    /// The same fault with every character of the request `\u`-escaped: no form the
    /// body-level redaction knows, so only what the crate reads out of it is checked.
    EscapedFault,
    /// An HTML error page (500) with the request in its title.
    Html,
    /// 200 with a body that is not JSON.
    NotJson,
    /// 200 with JSON of the wrong shape holding the request in a string where a list
    /// belongs.
    WrongShape,
    /// The request in the request-id header and a cookie of a 502.
    Headers,
    /// 200 after a delay longer than the client's timeout.
    Slow,
    /// A body far over the client's size cap.
    Huge,
    /// A redirect with this status to another origin, the request in the `Location`.
    Redirect(u16),
}

struct Echoer {
    echo: Echo,
    other: String,
}

impl Respond for Echoer {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let text = request_text(req);
        let forms = every_form(&text);
        match self.echo {
            Echo::Text(status) => ResponseTemplate::new(status)
                .insert_header("Retry-After", "0")
                .set_body_raw(forms, "text/plain"),
            Echo::Fault => {
                let body = serde_json::json!({
                    "Message": format!("bad request: {forms}"),
                    "ExceptionType": text,
                    "StackTrace": forms,
                });
                ResponseTemplate::new(500).set_body_raw(body.to_string(), "application/json")
            }
            Echo::DotnetFault => ResponseTemplate::new(500).set_body_raw(
                format!(
                    "{{\"Message\":{},\"ExceptionType\":{}}}",
                    dotnet_json(&text),
                    dotnet_json(&text)
                ),
                "application/json",
            ),
            Echo::EscapedFault => {
                let escaped: String = text
                    .encode_utf16()
                    .map(|unit| format!("\\u{unit:04x}"))
                    .collect();
                ResponseTemplate::new(500).set_body_raw(
                    format!("{{\"Message\":\"{escaped}\",\"ExceptionType\":\"{escaped}\"}}"),
                    "application/json",
                )
            }
            Echo::Html => ResponseTemplate::new(500).set_body_raw(
                format!(
                    "<html><head><title>Error {}</title></head><body>{forms}</body></html>",
                    text.replace('\n', " ")
                ),
                "text/html",
            ),
            Echo::NotJson => {
                ResponseTemplate::new(200).set_body_raw(format!("<{forms}"), "application/json")
            }
            Echo::WrongShape => {
                let body = serde_json::json!([{
                    "SessionID": SID,
                    "ActiveConnections": text,
                    "GuestInfo": forms,
                }]);
                ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json")
            }
            Echo::Headers => {
                let one_line: String = text
                    .chars()
                    .filter(|c| c.is_ascii_graphic() || *c == ' ')
                    .collect();
                let b64 = base64::engine::general_purpose::STANDARD.encode(&text);
                ResponseTemplate::new(502)
                    .insert_header("x-request-id", one_line.as_str())
                    .insert_header("request-id", b64.as_str())
                    .insert_header("set-cookie", format!("echo={b64}").as_str())
                    .insert_header("www-authenticate", one_line.as_str())
                    .set_body_raw(forms, "text/plain")
            }
            Echo::Slow => ResponseTemplate::new(200)
                .set_body_raw(forms, "application/json")
                .set_delay(Duration::from_millis(400)),
            Echo::Huge => {
                ResponseTemplate::new(200).set_body_raw(forms.repeat(64), "application/json")
            }
            Echo::Redirect(status) => {
                let query: String = url::form_urlencoded::byte_serialize(text.as_bytes()).collect();
                ResponseTemplate::new(status)
                    .insert_header(
                        "Location",
                        format!("{}/steal?echo={query}", self.other).as_str(),
                    )
                    .set_body_raw(forms, "text/plain")
            }
        }
    }
}

fn builder(server: &MockServer, secret: &str) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .secret(secret)
        .allow_http(true)
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .max_response_bytes(64 * 1024)
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
}

/// Every call of the client, reads and writes, awaited together.
async fn every_call(client: &Client) -> Vec<(&'static str, screenconnect_client::Result<()>)> {
    let s = client.sessions();
    let (by_name, by_filter, get, details, send_command, add_note, create, call_raw) = tokio::join!(
        s.by_name("ACME-PC01"),
        s.by_filter(Field::NAME.eq("ACME-PC01")),
        s.get(SID),
        s.details(SID),
        s.send_command(SID, "whoami"),
        s.add_note(SID, "n"),
        s.create(NewSession::new(SessionType::Support, "x")),
        client
            .call_raw("GetSessionsByName", serde_json::json!(["x"]))
            .write(false),
    );
    vec![
        ("by_name", by_name.map(drop)),
        ("by_filter", by_filter.map(drop)),
        ("get", get.map(drop)),
        ("details", details.map(drop)),
        ("send_command", send_command),
        ("add_note", add_note),
        ("create", create.map(drop)),
        ("call_raw", call_raw.map(drop)),
    ]
}

/// Every text an error shows: Display, Debug, each source in its chain, the body,
/// headers, message and typed fault of an API error.
fn texts_of(err: &Error) -> Vec<String> {
    let mut texts = vec![err.to_string(), format!("{err:?}"), format!("{err:#}")];
    let mut source = err.source();
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    if let Some(api) = err.api() {
        texts.push(api.body().to_owned());
        texts.push(format!("{:?}", api.headers()));
        texts.extend(api.message().map(str::to_owned));
        texts.extend(api.request_id().map(str::to_owned));
    }
    if let Some(fault) = err.fault() {
        texts.push(format!("{fault:?}"));
    }
    texts
}

#[tokio::test]
async fn no_form_of_the_secret_appears_anywhere() {
    use tracing_subscriber::util::SubscriberInitExt;
    let logs = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .finish()
        .set_default();

    let scan = Redactor::new([SecretString::from(MARKER)]);
    // The scan knows every form this suite echoes, .NET's JSON included.
    let dotnet = dotnet_json(MARKER);
    assert!(scan.finds(&dotnet[1..dotnet.len() - 1]));
    for form in every_form(MARKER).split("\n---\n") {
        assert!(scan.finds(form), "{}", scan.redact(form));
    }
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&other)
        .await;

    let echoes = [
        Echo::Text(401),
        Echo::Text(403),
        Echo::Text(500),
        Echo::Text(503),
        Echo::Text(429),
        Echo::Text(404),
        Echo::Fault,
        Echo::DotnetFault,
        Echo::EscapedFault,
        Echo::Html,
        Echo::NotJson,
        Echo::WrongShape,
        Echo::Headers,
        Echo::Slow,
        Echo::Huge,
        Echo::Redirect(301),
        Echo::Redirect(302),
        Echo::Redirect(307),
        Echo::Redirect(308),
    ];
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut errors = 0;
    let basic = format!("Basic {MARKER}");
    for secret in [MARKER, basic.as_str()] {
        for echo in echoes {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(Echoer {
                    echo,
                    other: other.uri(),
                })
                .mount(&server)
                .await;
            let client = builder(&server, secret).build().unwrap();
            let mut failed = 0;
            for (call, result) in every_call(&client).await {
                // Writes take any JSON answer: only the wrong shape of a read fails.
                let Err(err) = result else {
                    assert!(
                        matches!(echo, Echo::WrongShape),
                        "{echo:?} {call} succeeded"
                    );
                    continue;
                };
                failed += 1;
                errors += 1;
                texts.extend(
                    texts_of(&err)
                        .into_iter()
                        .map(|t| (format!("{echo:?} {call}"), t)),
                );
            }
            assert!(failed >= 4, "{echo:?}: {failed} errors");
            // The secret did go out, as is, to the server it belongs to.
            let seen = server.received_requests().await.unwrap();
            assert!(!seen.is_empty());
            assert!(
                seen.iter()
                    .all(|r| r.headers.get("CTRLAuthHeader").unwrap().as_bytes()
                        == secret.as_bytes()),
                "{echo:?}"
            );
            // What the client itself shows.
            let preview = client.sessions().add_note(SID, "n").preview().unwrap();
            texts.push(("client".into(), format!("{client:?}")));
            texts.push(("builder".into(), format!("{:?}", builder(&server, secret))));
            texts.push(("preview".into(), format!("{preview:?}")));
            texts.push((
                "preview json".into(),
                serde_json::to_string(&preview).unwrap(),
            ));
            texts.push((
                "call".into(),
                format!("{:?}", client.sessions().send_command(SID, "x")),
            ));
        }
    }
    // Nothing reached the other origin.
    assert_eq!(other.received_requests().await.unwrap().len(), 0);

    std::io::stdout().flush().unwrap();
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("SendCommandToSession"),
        "the calls were traced"
    );
    assert!(logged.contains("TRACE") || logged.contains("DEBUG") || logged.contains("INFO"));
    texts.push(("trace".into(), logged));

    let leaks: Vec<&(String, String)> = texts.iter().filter(|(_, t)| scan.finds(t)).collect();
    println!(
        "secrets: {} texts scanned from {errors} errors and the TRACE capture, {} occurrences",
        texts.len(),
        leaks.len()
    );
    let mut places: Vec<&str> = leaks.iter().map(|(p, _)| p.as_str()).collect();
    places.dedup();
    if !places.is_empty() {
        println!("secrets: leaks in {places:?}");
    }
    if let Some((place, text)) = leaks.first() {
        panic!(
            "{} leaks; first in {place}: {}",
            leaks.len(),
            scan.redact(text).chars().take(2000).collect::<String>()
        );
    }
}
