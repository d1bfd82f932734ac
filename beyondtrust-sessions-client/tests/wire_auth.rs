//! Sign-in on the wire: exact `PS-Auth` and OAuth exchanges, the cookie session,
//! re-sign-in on 401 (single-flight), two factors, sign-out, and secrets kept out of
//! errors.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use beyondtrust_sessions_client::{AuthFailure, ErrorExt, Listing, OAuthClient, PsAuth};
use common::*;
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[tokio::test]
async fn ps_auth_header_is_exact_and_the_cookie_carries_the_session() {
    let server = MockServer::start().await;
    mount_sign_in(&server, COOKIE_VALUE).await;
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .and(header_is(
            "cookie",
            format!("ASP.NET_SessionId={COOKIE_VALUE}").as_str(),
        ))
        .respond_with(json(200, "[]"))
        .mount(&server)
        .await;

    let client = client(&server);
    let user = client.sign_in().await.unwrap();
    assert_eq!(user.user_id.get(), 7);
    assert_eq!(user.user_name.as_deref(), Some(RUNAS));
    assert!(client.sessions().list().collect().await.unwrap().is_empty());

    let sign_ins = requests_to(&server, "Auth/SignAppin").await;
    assert_eq!(sign_ins.len(), 1);
    assert_eq!(
        header(&sign_ins[0], "authorization").unwrap(),
        format!("PS-Auth key={KEY}; runas={RUNAS}; pwd=[{PASSWORD}];")
    );
    assert!(sign_ins[0].body.is_empty());
    assert_eq!(header(&sign_ins[0], "cookie"), None);
    let list = requests_to(&server, "Sessions").await;
    // The key goes only to SignAppin; calls carry the cookie alone.
    assert_eq!(header(&list[0], "authorization"), None);
    assert_eq!(
        header(&list[0], "cookie").unwrap(),
        format!("ASP.NET_SessionId={COOKIE_VALUE}")
    );
    assert!(
        header(&list[0], "user-agent")
            .unwrap()
            .starts_with("beyondtrust-sessions-client/")
    );
    assert_no_secrets(&format!("{client:?}"));
}

#[tokio::test]
async fn ps_auth_without_runas_sends_only_the_key() {
    let server = MockServer::start().await;
    mount_sign_in(&server, "c1").await;
    let client = builder(&server)
        .credentials(PsAuth::new(KEY))
        .build()
        .unwrap();
    client.sign_in().await.unwrap();
    let sign_ins = requests_to(&server, "Auth/SignAppin").await;
    assert_eq!(
        header(&sign_ins[0], "authorization").unwrap(),
        format!("PS-Auth key={KEY};")
    );

    // With runas but without a password: no pwd part.
    let server = MockServer::start().await;
    mount_sign_in(&server, "c1").await;
    let client = builder(&server)
        .credentials(PsAuth::new(KEY).runas("localadmin"))
        .build()
        .unwrap();
    client.sign_in().await.unwrap();
    let sign_ins = requests_to(&server, "Auth/SignAppin").await;
    assert_eq!(
        header(&sign_ins[0], "authorization").unwrap(),
        format!("PS-Auth key={KEY}; runas=localadmin;")
    );
}

#[tokio::test]
async fn calls_sign_in_lazily() {
    let server = MockServer::start().await;
    mount_sign_in(&server, "lazy").await;
    Mock::given(method("GET"))
        .and(path(p("Sessions/5")))
        .respond_with(json(200, r#"{"SessionID":5,"Status":1}"#))
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(client.signed_in_user().await.is_none());
    let session = client.sessions().get(5.into()).await.unwrap();
    assert_eq!(session.session_id.get(), 5);
    assert_eq!(requests_to(&server, "Auth/SignAppin").await.len(), 1);
    assert_eq!(client.signed_in_user().await.unwrap().user_id.get(), 7);
}

#[tokio::test]
async fn oauth_client_credentials_then_bearer_sign_in() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("Auth/connect/token")))
        .respond_with(json(
            200,
            r#"{"access_token":"marker-token-55","expires_in":3600,"token_type":"Bearer","scope":"publicapi"}"#,
        ))
        .mount(&server)
        .await;
    mount_sign_in(&server, "oauth-cookie").await;
    let client = builder(&server)
        .credentials(OAuthClient::new("client-1", "marker-client secret+&="))
        .build()
        .unwrap();
    client.sign_in().await.unwrap();

    let token = &requests_to(&server, "Auth/connect/token").await[0];
    assert_eq!(
        header(token, "content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8(token.body.clone()).unwrap(),
        "client_id=client-1&client_secret=marker-client%20secret%2B%26%3D&grant_type=client_credentials"
    );
    let sign_in = &requests_to(&server, "Auth/SignAppin").await[0];
    assert_eq!(
        header(sign_in, "authorization").unwrap(),
        "Bearer marker-token-55"
    );
}

#[tokio::test]
async fn oauth_refusal_is_a_sign_in_failure_without_the_secret() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("Auth/connect/token")))
        .respond_with(json(
            400,
            r#"{"error":"invalid_client","echo":"marker-client-secret"}"#,
        ))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credentials(OAuthClient::new("client-1", "marker-client-secret"))
        .build()
        .unwrap();
    let err = client.sign_in().await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SignInRefused));
    assert_no_secrets(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn a_bad_key_is_told_apart_and_never_echoed() {
    let server = MockServer::start().await;
    // A server that echoes the Authorization header back in its error page.
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(|req: &Request| {
            let auth = req.headers.get("authorization").unwrap().to_str().unwrap();
            ResponseTemplate::new(401).set_body_string(format!("Unauthorized: {auth}"))
        })
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.sign_in().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SignInRefused));
    assert_no_secrets(&format!("{err} | {err:?}"));
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        assert_no_secrets(&format!("{s} | {s:?}"));
        source = s.source();
    }
}

/// Answers 401 to the first call made with the first cookie, then 200.
struct ExpireOnce {
    calls: Arc<AtomicUsize>,
}

impl Respond for ExpireOnce {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let cookie = request
            .headers
            .get("cookie")
            .map(|v| v.to_str().unwrap().to_owned());
        if cookie.as_deref() == Some("ASP.NET_SessionId=second") {
            json(200, "[]")
        } else {
            ResponseTemplate::new(401).set_body_string("\"Session expired\"")
        }
    }
}

/// Sign-in that hands out `first`, then `second`, … cookies.
struct CountingSignIn {
    count: Arc<AtomicUsize>,
}

impl Respond for CountingSignIn {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst);
        let cookie = ["first", "second", "third", "fourth"][n.min(3)];
        json(200, &fixture("sign_in.json")).append_header(
            "Set-Cookie",
            format!("ASP.NET_SessionId={cookie}; path=/").as_str(),
        )
    }
}

#[tokio::test]
async fn an_expired_session_signs_in_again_once_for_concurrent_calls() {
    let server = MockServer::start().await;
    let sign_ins = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(CountingSignIn {
            count: sign_ins.clone(),
        })
        .mount(&server)
        .await;
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .respond_with(ExpireOnce {
            calls: calls.clone(),
        })
        .mount(&server)
        .await;
    let client = client(&server);
    client.sign_in().await.unwrap();

    let results = futures_util::future::join_all((0..8).map(|_| {
        let client = client.clone();
        async move { client.sessions().list().collect().await }
    }))
    .await;
    for result in results {
        assert!(result.unwrap().is_empty());
    }
    // One explicit sign-in plus exactly one renewal shared by all eight calls.
    assert_eq!(sign_ins.load(Ordering::SeqCst), 2);
    assert_eq!(calls.load(Ordering::SeqCst), 16);
}

#[tokio::test]
async fn a_write_refused_with_401_is_resent_once_after_sign_in() {
    let server = MockServer::start().await;
    let sign_ins = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(CountingSignIn {
            count: sign_ins.clone(),
        })
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Sessions/9/lock")))
        .and(header_is("cookie", "ASP.NET_SessionId=first"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Sessions/9/lock")))
        .and(header_is("cookie", "ASP.NET_SessionId=second"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    client.sessions().lock(9.into()).await.unwrap();
    assert_eq!(requests_to(&server, "Sessions/9/lock").await.len(), 2);
    assert_eq!(sign_ins.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_write_refused_with_401_twice_is_resent_once_and_never_twice() {
    let server = MockServer::start().await;
    let sign_ins = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(CountingSignIn {
            count: sign_ins.clone(),
        })
        .mount(&server)
        .await;
    // A server that refuses every session: it never acts on the write.
    Mock::given(method("PUT"))
        .and(path(p("Requests/41/Checkin")))
        .respond_with(ResponseTemplate::new(401).set_body_string("\"User not authenticated\""))
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .requests()
        .checkin(41.into(), "done")
        .await
        .unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SessionExpired));
    let sent = requests_to(&server, "Requests/41/Checkin").await;
    assert_eq!(sent.len(), 2, "sent once, resent once after the re-sign-in");
    assert_eq!(
        header(&sent[0], "cookie").unwrap(),
        "ASP.NET_SessionId=first"
    );
    assert_eq!(
        header(&sent[1], "cookie").unwrap(),
        "ASP.NET_SessionId=second"
    );
    assert_eq!(sent[0].body, sent[1].body);
    // The lazy sign-in and exactly one renewal.
    assert_eq!(sign_ins.load(Ordering::SeqCst), 2);

    // Without re-authentication the write is sent once.
    let server = MockServer::start().await;
    mount_sign_in(&server, "c").await;
    Mock::given(method("POST"))
        .and(path(p("Sessions/9/terminate")))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credentials(PsAuth::new(KEY).runas(RUNAS))
        .reauthenticate(false)
        .build()
        .unwrap();
    let err = client.sessions().terminate(9.into()).await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SessionExpired));
    assert_eq!(requests_to(&server, "Sessions/9/terminate").await.len(), 1);
    assert_eq!(requests_to(&server, "Auth/SignAppin").await.len(), 1);
}

#[tokio::test]
async fn without_reauthentication_a_401_is_a_session_expiry() {
    let server = MockServer::start().await;
    mount_sign_in(&server, COOKIE_VALUE).await;
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .respond_with(ResponseTemplate::new(401).set_body_string("\"User not authenticated\""))
        .mount(&server)
        .await;
    let client = builder(&server)
        .credentials(PsAuth::new(KEY).runas(RUNAS))
        .reauthenticate(false)
        .build()
        .unwrap();
    let err = client.sessions().list().collect().await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SessionExpired));
    assert_eq!(requests_to(&server, "Auth/SignAppin").await.len(), 1);
    assert_no_secrets(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn a_session_still_refused_after_renewal_is_reported_as_expired() {
    let server = MockServer::start().await;
    mount_sign_in(&server, "c").await;
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let err = client(&server)
        .sessions()
        .list()
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SessionExpired));
    assert_eq!(requests_to(&server, "Sessions").await.len(), 2);
    assert_eq!(requests_to(&server, "Auth/SignAppin").await.len(), 2);
}

#[tokio::test]
async fn two_factor_sign_in_sends_the_challenge_in_the_same_session() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .and(header_is(
            "authorization",
            format!("PS-Auth key={KEY}; runas={RUNAS}; pwd=[{PASSWORD}];").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate-2FA", "Enter your one-time code")
                .append_header("Set-Cookie", "ASP.NET_SessionId=pending-2fa; path=/"),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .and(header_is(
            "authorization",
            format!("PS-Auth key={KEY}; runas={RUNAS}; pwd=[{PASSWORD}]; challenge=424242;")
                .as_str(),
        ))
        .and(header_is("cookie", "ASP.NET_SessionId=pending-2fa"))
        .respond_with(json(200, &fixture("sign_in.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(p("Sessions")))
        .and(header_is("cookie", "ASP.NET_SessionId=pending-2fa"))
        .respond_with(json(200, "[]"))
        .mount(&server)
        .await;

    let client = client(&server);
    let err = client.sign_in().await.unwrap_err();
    assert_eq!(
        err.auth_failure(),
        Some(&AuthFailure::TwoFactorRequired {
            prompt: "Enter your one-time code".into()
        })
    );
    assert!(!format!("{err:?}").contains("pending-2fa"));
    let user = client.sign_in_challenge("424242").await.unwrap();
    assert_eq!(user.user_id.get(), 7);
    client.sessions().list().collect().await.unwrap();

    // A code without a pending first step is refused locally.
    let fresh = common::client(&server);
    assert!(fresh.sign_in_challenge("1").await.is_err());
    assert!(fresh.sign_in_challenge("").await.is_err());
}

#[tokio::test]
async fn sign_out_ends_the_session_with_its_cookie() {
    let server = MockServer::start().await;
    mount_sign_in(&server, COOKIE_VALUE).await;
    Mock::given(method("POST"))
        .and(path(p("Auth/Signout")))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server);
    client.sign_out().await.unwrap(); // not signed in: nothing sent
    assert!(requests_to(&server, "Auth/Signout").await.is_empty());
    client.sign_in().await.unwrap();
    client.sign_out().await.unwrap();
    let outs = requests_to(&server, "Auth/Signout").await;
    assert_eq!(outs.len(), 1);
    assert_eq!(
        header(&outs[0], "cookie").unwrap(),
        format!("ASP.NET_SessionId={COOKIE_VALUE}")
    );
    assert!(client.signed_in_user().await.is_none());
}

#[tokio::test]
async fn a_sign_in_without_cookie_or_with_html_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(json(200, &fixture("sign_in.json")))
        .mount(&server)
        .await;
    let err = client(&server).sign_in().await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::NoSessionCookie));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(p("Auth/SignAppin")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Login</body></html>", "text/html")
                .append_header("Set-Cookie", "ASP.NET_SessionId=x"),
        )
        .mount(&server)
        .await;
    let err = client(&server).sign_in().await.unwrap_err();
    assert!(err.decode_error().is_some(), "{err}");
}

#[test]
fn bad_configuration_fails_to_build() {
    use beyondtrust_sessions_client::Client;
    assert!(Client::builder().build().is_err());
    assert!(
        Client::builder()
            .credentials(PsAuth::new(KEY))
            .build()
            .is_err()
    );
    let err = Client::builder()
        .host("http://pam.example.com")
        .credentials(PsAuth::new(KEY))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("plain-http"), "{err}");
    assert!(
        Client::builder()
            .host("https://pam.example.com/")
            .credentials(PsAuth::new("bad;key"))
            .build()
            .is_err()
    );
    let client = Client::builder()
        .host("https://pam.example.com/")
        .credentials(PsAuth::new(KEY).runas(RUNAS).password(PASSWORD))
        .build()
        .unwrap();
    assert_eq!(
        client.transport().base_url().as_str(),
        "https://pam.example.com/BeyondTrust/api/public/v3/"
    );
    assert_no_secrets(&format!("{client:?}"));
}

#[test]
fn credentials_the_header_cannot_carry_are_refused_at_build() {
    for auth in [
        PsAuth::new("kéy"),
        PsAuth::new("key").runas("doe-main\\jöhn"),
        PsAuth::new("key").runas("john").password("pässword-MARKER"),
    ] {
        let err = beyondtrust_sessions_client::Client::builder()
            .base_url("https://pws.example.com/BeyondTrust/api/public/v3")
            .credentials(auth)
            .build()
            .unwrap_err();
        assert!(matches!(err, msp_common::Error::Config { .. }), "{err:?}");
        assert!(err.to_string().contains("must be ASCII"), "{err}");
        assert!(!err.to_string().contains("MARKER"));
    }
}
