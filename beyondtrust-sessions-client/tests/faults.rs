//! Faults suite (issue 12): the simulator at a 30% fault rate (chaos `503` with
//! `Retry-After: 1`) plus injected resets, `429` and `503`, and expired sessions:
//!
//! - a full read listing delivers every record exactly once, every time;
//! - every write is acted on by the simulator exactly once when the call says `Ok`, and
//!   not at all when the call reports an error (a refusal before acting, or a reset);
//!   no write is ever acted on twice;
//! - two loopback servers: a client whose server redirects (301/302/307/308) sign-in,
//!   the OAuth token request, reads and writes to another origin sends **nothing** there
//!   — no `PS-Auth` key, no OAuth `client_secret`, no session cookie, no body.
//!
//! `MSP_SUITE_SCALE` (a multiplier, default 1) scales the number of listings and writes:
//!
//! ```text
//! cargo test -p beyondtrust-sessions-client --all-features --test faults -- --nocapture
//! MSP_SUITE_SCALE=10 cargo test -p beyondtrust-sessions-client --all-features --test faults -- --nocapture
//! ```

#![cfg(feature = "sim")]

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use beyondtrust_sessions_client::sim::{Chaos, Fault, Simulator};
use beyondtrust_sessions_client::{
    AccessType, AdminSession, Client, ConflictOption, Error, Listing, NewRequest, OAuthClient,
    PsAuth, RequestStatus, RetryPolicy, SessionStatus, SessionType,
};
use msp_common::retry::ManualClock;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// `MSP_SUITE_SCALE`, as a count.
fn scale() -> usize {
    msp_common::sim::suite::scale() as usize
}

/// A client that retries reads patiently, on a manual clock (no real waiting).
fn patient(sim: &Simulator) -> Client {
    sim.client_builder()
        .credentials(sim.ps_auth())
        .retry_policy(RetryPolicy::default().with_max_attempts(12))
        .clock(Arc::new(ManualClock::new()))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_every_record_arrives_exactly_once() {
    let sim = Simulator::start().await;
    let client = patient(&sim);
    // 200 more sessions (written without chaos), so a listing has 205 records.
    for n in 0..200 {
        client
            .sessions()
            .admin(AdminSession::new(
                SessionType::Rdp,
                format!("host-{n:03}.example.local"),
                "helpdesk",
                "pw-1234",
            ))
            .await
            .unwrap();
    }
    let expected: BTreeSet<u64> = sim.sessions().iter().map(|s| s.session_id.get()).collect();
    assert_eq!(expected.len(), 205);
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(12));
    let listings = 40 * scale();
    let mut records = 0;
    for n in 0..listings {
        if n % 10 == 3 {
            sim.inject(Fault::Reset, 1).await;
        }
        if n % 10 == 7 {
            sim.inject(Fault::too_many_requests(1), 1).await;
        }
        let listed = client.sessions().list().collect().await.unwrap();
        let ids: Vec<u64> = listed.iter().map(|s| s.session_id.get()).collect();
        let unique: BTreeSet<u64> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "a record came twice");
        assert_eq!(unique, expected, "a record is missing");
        records += ids.len();
        // Filtered listings too.
        let live = client
            .sessions()
            .list()
            .status(SessionStatus::InProgress)
            .collect()
            .await
            .unwrap();
        assert!(live.iter().all(|s| s.status == SessionStatus::InProgress));
    }
    let received = sim.received().len();
    println!(
        "faults (reads): {listings} listings of 205 records at a 30% fault rate: {records} records, each exactly once, {received} requests received"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_a_30_percent_fault_rate_no_write_is_acted_on_twice() {
    let sim = Simulator::start().await;
    let client = patient(&sim);
    client.sign_in().await.unwrap();
    // Request targets: accounts the runas user may request (auto-approved ones).
    let targets = [(1u64, 10u64), (2, 20), (3, 30)];
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(99));
    let writes = 60 * scale();
    let mut outcomes: Vec<(String, Result<(), Error>)> = Vec::new();
    let mut injected_429 = 0;
    let mut expirations = 0;
    for n in 0..writes {
        match n % 6 {
            1 => sim.inject(Fault::Reset, 1).await,
            2 => {
                sim.inject(Fault::too_many_requests(1), 1).await;
                injected_429 += 1;
            }
            3 => sim.inject(Fault::unavailable(), 1).await,
            4 => {
                sim.expire_sessions();
                expirations += 1;
            }
            _ => {}
        }
        let (system, account) = targets[n % targets.len()];
        let reason = format!("write-{n:05}");
        let result = if n % 2 == 0 {
            client
                .requests()
                .create(
                    NewRequest::new(AccessType::View, system, account)
                        .duration_minutes(5)
                        .reason(reason.clone())
                        .conflict_option(ConflictOption::Renew),
                )
                .await
                .map(|_| ())
        } else {
            client
                .sessions()
                .admin(AdminSession::new(
                    SessionType::Rdp,
                    reason.clone(),
                    "helpdesk",
                    "pw-1234",
                ))
                .await
                .map(|_| ())
        };
        outcomes.push((reason, result));
    }
    sim.set_chaos(Chaos::none());

    // What the simulator acted on, per write.
    let mut acted: HashMap<String, usize> = HashMap::new();
    for request in sim.access_requests() {
        if let Some(reason) = request.reason {
            *acted.entry(reason).or_default() += 1;
        }
    }
    for session in sim.sessions() {
        if let Some(host) = session.asset_name {
            *acted.entry(host).or_default() += 1;
        }
    }
    // What reached it, per write (refused attempts included).
    let mut received: HashMap<String, usize> = HashMap::new();
    for r in sim.received() {
        if r.method != "POST" {
            continue;
        }
        let Some(body) = r.json() else { continue };
        let key = body
            .get("Reason")
            .or_else(|| body.get("HostName"))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        if let Some(key) = key {
            *received.entry(key).or_default() += 1;
        }
    }
    let (mut ok, mut not_done, mut duplicated) = (0, 0, 0);
    // Attempts the server refused before acting and the client then resent (a 429, or a
    // 401 answered by a fresh sign-in): the only way a write reaches it twice.
    let mut resent = 0;
    let mut never_sent = 0;
    for (key, result) in &outcomes {
        let acted = acted.get(key).copied().unwrap_or(0);
        let got = received.get(key).copied().unwrap_or(0);
        duplicated += usize::from(acted > 1);
        match result {
            Ok(()) => {
                ok += 1;
                assert_eq!(acted, 1, "{key}: answered Ok, acted on {acted} times");
            }
            Err(err) => {
                not_done += 1;
                assert_eq!(acted, 0, "{key}: reported as failed ({err}) but acted on");
                assert!(
                    err.status()
                        .is_some_and(|s| s.is_server_error() || s.as_u16() == 429)
                        || matches!(err, Error::Transport { .. })
                        || err.is_auth(),
                    "{key}: an unexpected error: {err}"
                );
            }
        }
        match result {
            Ok(()) => resent += got - 1,
            Err(_) if got == 0 => never_sent += 1,
            Err(_) => resent += got - 1,
        }
    }
    assert_eq!(duplicated, 0);
    assert!(
        resent <= injected_429 + expirations,
        "{resent} resent writes, but only {injected_429} 429s and {expirations} expiries were injected"
    );
    // Check-ins and locks under chaos: each is acted on at most once, and only when Ok.
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.30).seed(7));
    let active: Vec<_> = sim
        .access_requests()
        .into_iter()
        .filter(|r| r.status == RequestStatus::Active)
        .collect();
    let mut checkins = 0;
    for request in &active {
        let result = client.requests().checkin(request.request_id, "done").await;
        let now = sim
            .access_requests()
            .into_iter()
            .find(|r| r.request_id == request.request_id)
            .unwrap();
        match result {
            Ok(()) => {
                checkins += 1;
                assert_eq!(now.status, RequestStatus::Expired);
            }
            Err(_) => assert_eq!(now.status, RequestStatus::Active),
        }
    }
    sim.set_chaos(Chaos::none());
    println!(
        "faults (writes): {writes} writes at a 30% fault rate with resets/429/503/expired sessions: {ok} acted on once, {not_done} reported as not done (acted on 0 times; {never_sent} never sent), {duplicated} duplicated, {resent} resent after a refusal (429/401); {checkins}/{} check-ins",
        active.len()
    );
}

/// Counts what reached the other origin, and how much of it carried a credential.
fn credentials_in(requests: &[Request], secrets: &[&str]) -> usize {
    requests
        .iter()
        .filter(|r| {
            r.headers.contains_key("authorization")
                || r.headers.contains_key("cookie")
                || secrets.iter().any(|s| {
                    let body = String::from_utf8_lossy(&r.body);
                    body.contains(s)
                        || body.contains(&msp_common::http::encode_query([("", s)])[1..])
                })
        })
        .count()
}

#[tokio::test]
async fn redirects_to_another_origin_carry_no_credential_there() {
    const KEY: &str = "redirect-test-key-0123456789abcdef";
    const SECRET: &str = "redirect-test-client-secret/+=0123456789";
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"access_token":"t","token_type":"Bearer","UserId":1}"#,
            "application/json",
        ))
        .mount(&other)
        .await;
    let target = format!("{}/BeyondTrust/api/public/v3/Sessions", other.uri());
    let mut refused = 0;
    let mut sent_here = 0;
    for status in [301u16, 302, 307, 308] {
        // Sign-in and the OAuth token request redirected.
        let first = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .mount(&first)
            .await;
        let base = format!("{}/BeyondTrust/api/public/v3", first.uri());
        let ps = Client::builder()
            .base_url(&base)
            .allow_http(true)
            .credentials(PsAuth::new(KEY).runas("u").password("redirect-pw"))
            .build()
            .unwrap();
        let oauth = Client::builder()
            .base_url(&base)
            .allow_http(true)
            .credentials(OAuthClient::new(
                "a7271c15-d791-53b1-b162-37f737fb7ddd",
                SECRET,
            ))
            .build()
            .unwrap();
        for client in [&ps, &oauth] {
            let err = client.sign_in().await.unwrap_err();
            assert!(
                err.status().is_some() || matches!(err, Error::Protocol { .. }),
                "{err}"
            );
            refused += 1;
        }
        // Reads and writes of a signed-in client redirected.
        let signed = MockServer::start().await;
        Mock::given(wiremock::matchers::path(
            "/BeyondTrust/api/public/v3/Auth/SignAppin",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"UserId":7}"#, "application/json")
                .append_header(
                    "Set-Cookie",
                    "ASP.NET_SessionId=redirect-cookie-0123; path=/",
                ),
        )
        .with_priority(1)
        .mount(&signed)
        .await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
            .mount(&signed)
            .await;
        let client = Client::builder()
            .base_url(format!("{}/BeyondTrust/api/public/v3", signed.uri()))
            .allow_http(true)
            .credentials(PsAuth::new(KEY))
            .build()
            .unwrap();
        client.sign_in().await.unwrap();
        let results = [
            client.sessions().list().collect().await.map(|_| ()),
            client.requests().list().collect().await.map(|_| ()),
            client.managed_accounts().list().collect().await.map(|_| ()),
            client
                .sessions()
                .admin(AdminSession::new(
                    SessionType::Rdp,
                    "h",
                    "u",
                    "redirect-admin-pw",
                ))
                .await
                .map(|_| ()),
            client.sessions().lock(501.into()).await,
            client
                .requests()
                .create(NewRequest::for_account(1, 10).duration_minutes(5))
                .await
                .map(|_| ()),
        ];
        for result in results {
            assert!(result.is_err(), "a redirected call cannot succeed");
            refused += 1;
        }
        sent_here += first.received_requests().await.unwrap().len();
        sent_here += signed.received_requests().await.unwrap().len();
    }
    let there = other.received_requests().await.unwrap();
    let with_credentials = credentials_in(
        &there,
        &[
            KEY,
            SECRET,
            "redirect-pw",
            "redirect-admin-pw",
            "redirect-cookie-0123",
            "client_secret",
        ],
    );
    println!(
        "faults (redirects): {refused} redirected calls (301/302/307/308; PS-Auth and OAuth sign-in, token, reads, writes): {} requests reached the other origin, {with_credentials} with a credential",
        there.len()
    );
    assert!(sent_here > 0);
    assert_eq!(there.len(), 0, "nothing reaches the other origin");
    assert_eq!(with_credentials, 0);
}

#[tokio::test]
async fn the_oauth_secret_is_sent_once_and_never_after_a_same_origin_redirect() {
    // A same-origin 307/308 on the token request: the write is not replayed, so the
    // secret is sent exactly once.
    for status in [307u16, 308] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header(
                    "Location",
                    format!(
                        "{}/BeyondTrust/api/public/v3/Auth/connect/token2",
                        server.uri()
                    )
                    .as_str(),
                ),
            )
            .mount(&server)
            .await;
        let client = Client::builder()
            .base_url(format!("{}/BeyondTrust/api/public/v3", server.uri()))
            .allow_http(true)
            .credentials(OAuthClient::new(
                "id-0123456789",
                "same-origin-secret-0123456789",
            ))
            .build()
            .unwrap();
        let err = client.sign_in().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        let received = server.received_requests().await.unwrap();
        assert_eq!(received.len(), 1, "the token request was sent once");
    }
}
