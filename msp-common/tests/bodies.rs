//! Hostile and broken bodies give typed errors with bounded snippets, never panics.

mod support;

use msp_common::error::{MAX_ERROR_BODY_BYTES, SNIPPET_CHARS};
use msp_common::retry::ManualClock;
use msp_common::{Error, Request, StatusCode, Transport};
use support::{Behaviour, builder, raw_server};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Item {
    id: u64,
    name: String,
}

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Listing {
    items: Vec<Item>,
}

async fn serve(response: ResponseTemplate) -> (MockServer, Transport) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    let t = builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .request_id_header("x-cw-request-id")
        .unwrap()
        .build()
        .unwrap();
    (server, t)
}

const HTML: &str = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>";

#[tokio::test]
async fn an_html_error_page_gives_an_api_error_with_its_title() {
    let body = format!("{HTML}{}</body></html>", "lorem ipsum ".repeat(2000));
    let (_s, t) = serve(
        ResponseTemplate::new(500)
            .set_body_raw(body, "text/html")
            .insert_header("x-cw-request-id", "req-42")
            .insert_header("set-cookie", "session=abc")
            .insert_header("location", "https://elsewhere.example/"),
    )
    .await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(api.message(), Some("502 Bad Gateway"));
    assert_eq!(api.request_id(), Some("req-42"));
    assert_eq!(api.header("location"), Some("https://elsewhere.example/"));
    assert_eq!(
        api.header("set-cookie"),
        None,
        "credential headers are not kept"
    );
    assert!(api.body_truncated() && api.body().len() <= MAX_ERROR_BODY_BYTES);
    assert_eq!(
        err.to_string(),
        "Test Vendor answered HTTP 500 Internal Server Error: 502 Bad Gateway [request id req-42]"
    );
}

#[tokio::test]
async fn a_retried_error_page_gives_the_last_attempts_bounded_api_error() {
    // The error is built from each attempt's answer; the one returned stays bounded and
    // counts every attempt.
    let body = format!("{HTML}{}</body></html>", "lorem ipsum ".repeat(2000));
    let (server, t) = serve(ResponseTemplate::new(502).set_body_raw(body, "text/html")).await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(api.message(), Some("502 Bad Gateway"));
    assert_eq!(api.attempts(), 3);
    assert!(api.body_truncated() && api.body().len() <= MAX_ERROR_BODY_BYTES);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert!(err.to_string().len() < 600, "{err}");
}

#[tokio::test]
async fn an_html_page_with_status_200_gives_a_decode_error() {
    let (_s, t) = serve(
        ResponseTemplate::new(200).set_body_raw(format!("{HTML}{}", "x".repeat(5000)), "text/html"),
    )
    .await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    let decode = err.decode_error().expect("a decode error");
    assert_eq!(decode.content_type(), Some("text/html"));
    assert!(
        decode.message().contains("got markup"),
        "{}",
        decode.message()
    );
    assert!(decode.snippet().chars().count() <= SNIPPET_CHARS + 1);
    assert!(err.to_string().len() < 600, "{err}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_empty_body_gives_a_decode_error() {
    let (_s, t) = serve(ResponseTemplate::new(200)).await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("empty body"), "{err}");
    // ...while a caller that expects nothing can check for it.
    let response = t.send(Request::get("items")).await.unwrap();
    assert!(response.is_empty());
}

#[tokio::test]
async fn truncated_json_gives_a_decode_error_naming_where() {
    let (_s, t) = serve(ResponseTemplate::new(200).set_body_raw(
        r#"{"items":[{"id":1,"name":"a"},{"id":2,"na"#,
        "application/json",
    ))
    .await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    let decode = err.decode_error().unwrap();
    assert!(
        decode.message().contains("cut short"),
        "{}",
        decode.message()
    );
    assert!(decode.path().starts_with("items[1]"), "{}", decode.path());
}

#[tokio::test]
async fn a_wrong_field_type_names_the_field_path() {
    let (_s, t) = serve(ResponseTemplate::new(200).set_body_raw(
        r#"{"items":[{"id":1,"name":"a"},{"id":"two","name":"b"}]}"#,
        "application/json",
    ))
    .await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    assert_eq!(err.decode_error().unwrap().path(), "items[1].id");
    assert!(err.to_string().contains("at `items[1].id`"), "{err}");
    assert!(err.to_string().contains(r#"\"id\":\"two\""#), "{err}");
}

#[tokio::test]
async fn a_50_mb_body_is_refused_with_a_bounded_snippet() {
    let (_s, t) = serve(
        ResponseTemplate::new(200).set_body_raw(vec![b'['; 50 * 1024 * 1024], "application/json"),
    )
    .await;
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    match &err {
        Error::BodyTooLarge {
            limit,
            snippet,
            status,
            ..
        } => {
            assert_eq!(*limit, msp_common::http::DEFAULT_MAX_RESPONSE_BYTES);
            assert_eq!(*status, StatusCode::OK);
            assert!(snippet.chars().count() <= SNIPPET_CHARS + 1);
        }
        other => panic!("expected BodyTooLarge, got {other:?}"),
    }
    assert!(err.to_string().len() < 600);
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_cut_off_while_streaming() {
    // No Content-Length: the cap must be enforced while reading.
    let mut raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
    for _ in 0..64 {
        raw.extend_from_slice(b"400\r\n");
        raw.extend_from_slice(&[b' '; 1024]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    let (base, _) = raw_server(vec![Behaviour::Raw(raw)]).await;
    let t = builder(&base, &ManualClock::new())
        .max_response_bytes(10_000)
        .build()
        .unwrap();
    let err = t.send(Request::get("x")).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 10_000, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_cut_off_by_the_connection_is_a_transport_error() {
    let raw = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"items\":[".to_vec();
    let (base, connections) = raw_server(vec![Behaviour::Raw(raw)]).await;
    let t = builder(&base, &ManualClock::new()).build().unwrap();
    let err = t.send_json::<Listing>(Request::get("x")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.is_retryable());
    // Reads are retried on it: three connections, one per attempt.
    assert_eq!(connections.load(std::sync::atomic::Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_garbage_status_line_is_a_transport_error() {
    let (base, _) = raw_server(vec![Behaviour::Raw(
        b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec(),
    )])
    .await;
    let t = builder(&base, &ManualClock::new()).build().unwrap();
    let err = t.send(Request::get("x")).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn non_utf8_and_binary_error_bodies_do_not_panic() {
    let (_s, t) = serve(ResponseTemplate::new(400).set_body_raw(
        vec![0xff, 0xfe, 0x00, b'<', 0xc3],
        "application/octet-stream",
    ))
    .await;
    let err = t.send(Request::get("x")).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    assert!(err.api().unwrap().message().is_none());
    let _ = err.to_string();
}

#[tokio::test]
async fn vendor_error_bodies_are_parsed_by_the_vendor_parser() {
    #[derive(Debug, PartialEq)]
    struct Fields(Vec<String>);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"code":"InvalidObject","message":"company object is invalid","errors":[{"field":"yearEstablished"}]}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let t = builder(&format!("{}/", server.uri()), &ManualClock::new())
        .error_parser(
            |_status: StatusCode, _h: &msp_common::header::HeaderMap, body: &[u8]| {
                let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
                let fields = v["errors"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e["field"].as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                msp_common::ParsedError::none()
                    .message(v["message"].as_str().unwrap_or_default())
                    .code(v["code"].as_str().unwrap_or_default())
                    .detail(Fields(fields))
            },
        )
        .build()
        .unwrap();
    let err = t
        .send(Request::post("company/companies"))
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.code(), Some("InvalidObject"));
    assert_eq!(
        api.detail::<Fields>(),
        Some(&Fields(vec!["yearEstablished".into()]))
    );
    assert_eq!(
        err.to_string(),
        "Test Vendor answered HTTP 400 Bad Request: company object is invalid (InvalidObject)"
    );
}

#[tokio::test]
async fn a_secret_cut_by_the_snippet_boundary_is_still_redacted() {
    // The secret starts 10 characters before the snippet ends: redacting the snippet
    // after cutting it would leave its first 10 characters in the error.
    const SECRET: &str = "TOKEN-SECRET-0123456789abcdef";
    let body = format!("{}{SECRET} and more", "x".repeat(SNIPPET_CHARS - 10));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.clone(), "text/plain"))
        .mount(&server)
        .await;
    let t = builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .redact(msp_common::secret::SecretString::from(SECRET))
        .build()
        .unwrap();
    let err = t
        .send_json::<Listing>(Request::get("items"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            !text.contains(&SECRET[..10]),
            "a piece of the secret leaked: {text}"
        );
    }

    // The same for a body over the size cap.
    let t = builder(&format!("{}/api/", server.uri()), &ManualClock::new())
        .redact(msp_common::secret::SecretString::from(SECRET))
        .max_response_bytes(SNIPPET_CHARS + 5)
        .build()
        .unwrap();
    let err = t.send(Request::get("items")).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(
            !text.contains(&SECRET[..10]),
            "a piece of the secret leaked: {text}"
        );
    }
}
