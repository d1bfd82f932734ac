//! The secret never appears in Debug, Display, errors, previews or traces. Alone in its
//! test binary so that no other test registers the tracing call sites first.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

use msp_common::retry::{FixedJitter, ManualClock};
use screenconnect_client::{Client, ClientBuilder, ErrorExt, Fault};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "marker-secret-7f3e9a1c";
const SID: &str = "6b7c2c4e-0d7f-4a47-9a53-0c0f6a2f1a11";

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .secret(SECRET)
        .allow_http(true)
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.5)))
}

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

#[tokio::test]
async fn the_secret_never_leaks() {
    use tracing_subscriber::util::SubscriberInitExt;
    let logs = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
        .with_ansi(false)
        .finish()
        .set_default();

    let server = MockServer::start().await;
    // A server that echoes the header back in its error pages.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503).set_body_string(format!("bad header {SECRET}")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string(format!("\"fault for CTRLAuthHeader={SECRET}\"")),
        )
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let read = client.sessions().by_name("x").await.unwrap_err();
    let write = client.sessions().add_note(SID, "n").await.unwrap_err();
    let preview = client.sessions().add_note(SID, "n").preview().unwrap();
    let mut texts = vec![
        format!("{client:?}"),
        format!("{:?}", builder(&server)),
        format!("{preview:?}"),
        serde_json::to_string(&preview).unwrap(),
    ];
    for err in [&read, &write] {
        texts.push(err.to_string());
        texts.push(format!("{err:?}"));
        texts.push(err.api().unwrap().body().to_owned());
        if let Some(Fault::ServerFault { message, .. }) = err.fault() {
            texts.push(message.clone());
        }
    }
    std::io::stdout().flush().unwrap();
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("GetSessionsByName"),
        "the call was traced: {logged}"
    );
    texts.push(logged);
    for text in texts {
        assert!(!text.contains(SECRET), "secret leaked in: {text}");
    }
    // The secret did go over the wire, raw.
    let reqs = server.received_requests().await.unwrap();
    assert!(
        reqs.iter()
            .all(|r| r.headers.get("CTRLAuthHeader").unwrap() == SECRET)
    );
}
