//! Callback payloads and signatures.

mod support;

use cwmanage_client::callbacks::{
    CallbackError, CallbackPayload, CallbackVerifier, sign, verify_signature,
};
use cwmanage_client::models::Ticket;
use support::{client, fixture, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

#[test]
fn computed_vector_and_tampered_body() {
    let body = fixture("callback.json");
    let sig = sign("signing-key", body.as_bytes());
    // Computed with Python's hmac/hashlib over the fixture file.
    assert_eq!(sig, "WrgXieT+aJqSgK1NLR4UkSuj++13KA3qwJ/9G3ZLX5g=");
    assert!(verify_signature("signing-key", body.as_bytes(), &sig));
    assert!(!verify_signature("other-key", body.as_bytes(), &sig));
    let tampered = body.replace("1042", "1043");
    assert!(!verify_signature("signing-key", tampered.as_bytes(), &sig));
    // Empty body under key "key", computed the same way.
    assert_eq!(
        sign("key", b""),
        "yb/kB9dF46kEsmnLZ/OBggkgi3VZ/wmHrFT3aVyp1fs="
    );
}

#[test]
fn entity_is_a_json_string_holding_the_record() {
    let payload = CallbackPayload::parse(fixture("callback.json").as_bytes()).unwrap();
    assert_eq!(payload.action.as_deref(), Some("updated"));
    assert_eq!(payload.id, Some(1042));
    let ticket: Ticket = payload.entity().unwrap();
    assert_eq!(ticket.status.unwrap().name.as_deref(), Some("In Progress"));
    assert!(CallbackPayload::parse(b"<html>").is_err());
    assert!(
        CallbackPayload::parse(b"{}")
            .unwrap()
            .entity::<Ticket>()
            .is_err()
    );
}

#[tokio::test]
async fn the_verifier_fetches_keys_only_from_allowed_hosts() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/callback/key/abc"))
        .respond_with(json(r#"{"signing_key":"signing-key"}"#))
        .mount(&server)
        .await;
    let (client, _) = client(&server.uri());
    let body =
        fixture("callback.json").replace("KEY_URL", &format!("{}/callback/key/abc", server.uri()));
    let sig = sign("signing-key", body.as_bytes());

    let refused = CallbackVerifier::new(client.clone()).allow_host("api-na.myconnectwise.net");
    let err = refused.verify(body.as_bytes(), &sig).await.unwrap_err();
    assert!(matches!(
        err.vendor_error::<CallbackError>(),
        Some(CallbackError::HostNotAllowed(_))
    ));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing fetched"
    );

    let verifier = CallbackVerifier::new(client).allow_host("127.0.0.1");
    let payload = verifier.verify(body.as_bytes(), &sig).await.unwrap();
    assert_eq!(payload.kind.as_deref(), Some("ticket"));
    let key_fetch = server.received_requests().await.unwrap();
    assert!(
        key_fetch[0].headers.get("authorization").is_none(),
        "credentials stay home"
    );
    let tampered = body.replace("Printer", "Scanner");
    let err = verifier
        .verify(tampered.as_bytes(), &sig)
        .await
        .unwrap_err();
    assert_eq!(
        err.vendor_error::<CallbackError>(),
        Some(&CallbackError::BadSignature)
    );
}

#[tokio::test]
async fn a_redirect_from_an_allowed_host_is_not_followed() {
    let allowed = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(path("/callback/key/abc"))
        .respond_with(
            wiremock::ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/stolen", elsewhere.uri()).as_str()),
        )
        .mount(&allowed)
        .await;
    Mock::given(path("/stolen"))
        .respond_with(json(r#"{"signing_key":"attacker-key"}"#))
        .mount(&elsewhere)
        .await;
    let (client, _) = client(&allowed.uri());
    let body =
        fixture("callback.json").replace("KEY_URL", &format!("{}/callback/key/abc", allowed.uri()));
    let sig = sign("attacker-key", body.as_bytes());
    let verifier = CallbackVerifier::new(client).allow_host("127.0.0.1");
    let err = verifier.verify(body.as_bytes(), &sig).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302), "{err}");
    assert!(
        elsewhere.received_requests().await.unwrap().is_empty(),
        "the redirect target was never contacted"
    );
}
