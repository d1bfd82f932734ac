//! The transport's hardening: the redirect policy (two loopback servers), path segments
//! the URL parser would alter, errors that name their root cause and shrink HTML pages,
//! and size errors that say what the server declared.

use std::time::Duration;

use msp_common::retry::{FixedJitter, ManualClock};
use msp_common::secret::SecretString;
use msp_common::{Error, Request, RetryPolicy, Transport};
use std::sync::Arc;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "marker-secret-4242";

fn transport(base: &str) -> msp_common::TransportBuilder {
    Transport::builder("Vendor", "test/1")
        .base_url(base)
        .allow_http(true)
        .clock(Arc::new(ManualClock::new()))
        .jitter(Arc::new(FixedJitter(0.0)))
        .sensitive_header("X-Api-Key", SecretString::from(SECRET))
        .unwrap()
}

async fn other_origin() -> MockServer {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&other)
        .await;
    other
}

fn saw_secret(requests: &[wiremock::Request]) -> usize {
    requests
        .iter()
        .filter(|r| {
            r.headers
                .iter()
                .any(|(_, v)| String::from_utf8_lossy(v.as_bytes()).contains(SECRET))
                || String::from_utf8_lossy(&r.body).contains(SECRET)
        })
        .count()
}

#[tokio::test]
async fn no_redirect_carries_a_credential_or_a_body_to_another_origin() {
    let other = other_origin().await;
    let server = MockServer::start().await;
    for status in [301u16, 302, 303, 307, 308] {
        Mock::given(path(format!("/api/r{status}")))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("Location", format!("{}/steal", other.uri()).as_str()),
            )
            .mount(&server)
            .await;
    }
    let t = transport(&format!("{}/api/", server.uri()))
        .build()
        .unwrap();
    for status in [301u16, 302, 303, 307, 308] {
        let read = t
            .send(Request::get(&format!("r{status}")))
            .await
            .unwrap_err();
        assert!(matches!(read, Error::Protocol { .. }), "{status}: {read}");
        assert!(read.to_string().contains("another origin"), "{read}");
        let write = t
            .send(
                Request::post(&format!("r{status}"))
                    .body(format!("{{\"key\":\"{SECRET}\"}}"), "application/json"),
            )
            .await
            .unwrap_err();
        assert_eq!(write.status().map(|s| s.as_u16()), Some(status), "{write}");
        assert!(!write.to_string().contains(SECRET));
    }
    let seen = other.received_requests().await.unwrap();
    assert!(
        seen.is_empty(),
        "the other origin received {} requests",
        seen.len()
    );
    assert_eq!(saw_secret(&seen), 0);
}

#[tokio::test]
async fn same_origin_redirects_are_followed_by_reads_only_and_bounded() {
    let server = MockServer::start().await;
    Mock::given(path("/api/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/api/new/"))
        .mount(&server)
        .await;
    Mock::given(path("/api/new/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[1]"))
        .mount(&server)
        .await;
    Mock::given(path("/api/loop"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/api/loop"))
        .mount(&server)
        .await;
    let t = transport(&format!("{}/api/", server.uri()))
        .build()
        .unwrap();

    let answer: Vec<u32> = t.send_json(Request::get("old")).await.unwrap();
    assert_eq!(answer, [1]);
    let followed = server.received_requests().await.unwrap();
    assert_eq!(followed.len(), 2);
    assert_eq!(
        saw_secret(&followed),
        2,
        "same origin: the credential is kept"
    );

    // A write is sent once; its 307 is its error, never a resend.
    let before = server.received_requests().await.unwrap().len();
    let err = t
        .send(Request::post("loop").body("cmd", "text/plain"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(server.received_requests().await.unwrap().len(), before + 1);

    // A read in a redirect loop stops after 5 hops (6 requests), with an error.
    let before = server.received_requests().await.unwrap().len();
    let err = t
        .send(Request::get("loop").retry(RetryPolicy::none()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(server.received_requests().await.unwrap().len(), before + 6);

    // With redirects off, nothing is followed.
    let t = transport(&format!("{}/api/", server.uri()))
        .follow_redirects(false)
        .build()
        .unwrap();
    let err = t.send(Request::get("old")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(301));
}

#[tokio::test]
async fn path_segments_the_url_parser_would_alter_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let t = transport(&format!("{}/api/v1.0/assetmgmt/assets/", server.uri()))
        .build()
        .unwrap();
    for hostile in [
        ".", "..", ".\t.", "..\n", ".\r.", "a\tb", "\t", "\n", "x\u{0}y", "%2e", "%2E%2e", ".%2E",
        "%2e.", "\u{7f}", "a\u{85}b",
    ] {
        let err = t
            .send(Request::delete("").segments([hostile]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{hostile:?}: {err}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // Ordinary awkward ids still work, each one segment.
    for fine in ["a/b", "...", ".a", "a.", "%", "über", "a b"] {
        let url = t.url_for(&Request::get("").segments([fine])).unwrap();
        assert!(
            url.path().starts_with("/api/v1.0/assetmgmt/assets/"),
            "{fine:?} -> {url}"
        );
        assert_eq!(url.path_segments().unwrap().count(), 5, "{fine:?} -> {url}");
    }
}

#[tokio::test]
async fn transport_errors_name_their_root_cause_once() {
    // A port nothing listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let t = transport(&format!("http://127.0.0.1:{port}/"))
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .build()
        .unwrap();
    let err = t.send(Request::get("x")).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("after 2 attempts"), "{text}");
    let root = msp_common::error::root_cause(&err);
    assert!(text.ends_with(&root), "{text} / {root}");
    assert_eq!(text.matches(&root).count(), 1, "{text}");
    assert!(!err.is_certificate_error());
}

#[tokio::test]
async fn html_error_pages_shrink_to_their_title() {
    let server = MockServer::start().await;
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "<p>nginx</p>".repeat(500)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    // A vendor parser that finds nothing (the default one would read the title itself).
    let t = transport(&format!("{}/", server.uri()))
        .error_parser(
            |_: msp_common::StatusCode, _: &msp_common::header::HeaderMap, _: &[u8]| {
                msp_common::ParsedError::none()
            },
        )
        .build()
        .unwrap();
    let err = t
        .send(Request::post("x").body("a", "text/plain"))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Vendor answered HTTP 502 Bad Gateway: 502 Bad Gateway"
    );
    assert!(!err.to_string().contains('<'));
}

#[tokio::test]
async fn a_declared_size_over_the_cap_is_reported_as_declared() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(vec![b' '; 4096], "application/json"))
        .mount(&server)
        .await;
    let t = transport(&format!("{}/", server.uri()))
        .max_response_bytes(1000)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let err = t.send(Request::get("x")).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("declared as 4096 bytes") && text.contains("1000-byte limit"),
        "{text}"
    );
}
