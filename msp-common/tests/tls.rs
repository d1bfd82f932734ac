//! HTTPS simulators: the kit's generated authority is trusted through the shared
//! `root_certificate` setting, and a client that does not trust it fails at once with a
//! certificate error that is not retried.
#![cfg(feature = "sim")]

use msp_common::sim::{Gate, Kit};
use msp_common::{Request, RetryPolicy, Transport};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

async fn https_kit() -> Kit {
    let kit: Kit = Kit::start_tls_on([127, 0, 0, 1].into()).await.unwrap();
    let gate = kit.gatekeeper();
    Mock::given(any())
        .respond_with(move |req: &wiremock::Request| match gate.gate(req) {
            Gate::Pass { .. } => ResponseTemplate::new(200).set_body_string("[1,2,3]"),
            Gate::Fault(f) => f.response(),
            Gate::Fail { .. } => ResponseTemplate::new(503),
        })
        .mount(kit.server())
        .await;
    kit
}

#[tokio::test]
async fn a_client_trusting_the_generated_authority_talks_https() {
    let kit = https_kit().await;
    assert!(kit.url().starts_with("https://127.0.0.1:"));
    let pem = kit.ca_pem().unwrap().to_owned();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(
        std::fs::read_to_string(kit.ca_path().unwrap()).unwrap(),
        pem
    );
    let t = Transport::builder("Sim", "test/1")
        .base_url(format!("{}/api/", kit.url()))
        .root_certificate(&pem)
        .build()
        .unwrap();
    let items: Vec<u32> = t.send_json(Request::get("items")).await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    assert_eq!(kit.received()[0].path, "/api/items");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_once_and_is_not_retried() {
    let kit = https_kit().await;
    let t = Transport::builder("Sim", "test/1")
        .base_url(kit.url())
        .retry_policy(RetryPolicy::default().with_max_attempts(5))
        .build()
        .unwrap();
    let err = t.send(Request::get("items")).await.unwrap_err();
    assert!(err.is_certificate_error(), "{err}");
    assert!(!err.is_retryable());
    assert_eq!(err.attempts(), 1, "{err}");
    assert!(kit.received().is_empty(), "nothing reached the server");
    assert!(
        Transport::builder("Sim", "test/1")
            .base_url(kit.url())
            .root_certificate("not a certificate")
            .build()
            .is_err()
    );
}
