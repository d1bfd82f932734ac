//! End to end against the simulator (feature `sim`).
#![cfg(feature = "sim")]

use std::time::Duration;

use beyondtrust_sessions_client::secret::ExposeSecret;
use beyondtrust_sessions_client::sim::{Fault, Simulator};
use beyondtrust_sessions_client::{
    AccessType, AdminSession, ApprovalWait, AuthFailure, ConflictOption, CredentialType, ErrorExt,
    Listing, NewRequest, OAuthClient, PsAuth, Raw, RequestStatus, SessionStatus, SessionType,
};

#[tokio::test]
async fn the_whole_flow_and_the_old_cookie_is_refused_after_sign_out() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();

    // Sign in.
    let me = client.sign_in().await.unwrap();
    assert_eq!(me.user_id.get(), 7);
    assert_eq!(me.user_name.as_deref(), Some(sim.runas()));

    // Look up an account that needs approval.
    let account = client
        .managed_accounts()
        .find("web01.example.local", "Administrator")
        .await
        .unwrap();
    assert_eq!((account.system_id.get(), account.account_id.get()), (1, 11));

    // Request access: it waits for an approver.
    let guard = client
        .requests()
        .create_guarded(
            NewRequest::new(AccessType::Rdp, account.system_id, account.account_id)
                .duration_minutes(120)
                .reason("Patch Tuesday"),
        )
        .await
        .unwrap();
    let id = guard.id();
    let err = client
        .sessions()
        .create(id, SessionType::RdpFile)
        .await
        .unwrap_err();
    assert!(err.is_not_yet_approved(), "{err}");

    // Wait for approval while an approver approves.
    let approver = {
        let pending = sim.access_requests();
        assert_eq!(pending[0].status, RequestStatus::Pending);
        async {
            tokio::task::yield_now().await;
            assert!(sim.approve(id));
        }
    };
    let (approved, ()) = tokio::join!(
        client.requests().wait_for_approval(
            id,
            ApprovalWait::new()
                .initial_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(20))
                .timeout(Duration::from_secs(30)),
        ),
        approver
    );
    assert_eq!(approved.unwrap().status, RequestStatus::Active);

    // An RDP file session: a well-formed .rdp file with its name.
    let file = client
        .sessions()
        .create(id, SessionType::RdpFile)
        .await
        .unwrap()
        .into_file()
        .unwrap();
    assert_eq!(
        file.file_name(),
        Some("web01.example.local-Administrator.rdp")
    );
    assert_eq!(file.content_type(), Some("application/x-rdp"));
    let text = file.text();
    assert!(text.ends_with("\r\n"));
    let settings = file.rdp_settings();
    assert_eq!(
        settings.len(),
        text.lines().count(),
        "every line is a setting"
    );
    let full_address = settings
        .iter()
        .find(|(k, _, _)| k == "full address")
        .unwrap();
    assert_eq!(full_address.1, "s");
    assert!(full_address.2.ends_with(":4489"));
    assert!(
        settings
            .iter()
            .any(|(k, t, v)| k == "username" && t == "s" && !v.is_empty())
    );
    assert!(!format!("{file:?}").contains("username"));

    // In-progress sessions include the new one.
    let live = client
        .sessions()
        .list()
        .status(SessionStatus::InProgress)
        .user_id(me.user_id)
        .collect()
        .await
        .unwrap();
    assert!(live.iter().all(|s| s.status == SessionStatus::InProgress));
    assert!(live.iter().all(|s| s.user_id == Some(me.user_id)));
    let new = live
        .iter()
        .find(|s| s.managed_account_name.as_deref() == Some("Administrator"))
        .unwrap();
    assert_eq!(new.asset_name.as_deref(), Some("web01.example.local"));

    // Check in, sign out.
    guard.checkin("Patched").await.unwrap();
    assert_eq!(sim.access_requests()[0].status, RequestStatus::Expired);
    client.sign_out().await.unwrap();
    assert_eq!(sim.active_sessions(), 0);

    // The old cookie is refused.
    let received = sim.received();
    let cookie = received
        .iter()
        .find(|r| r.path.ends_with("/Sessions"))
        .and_then(|r| r.header("cookie"))
        .unwrap();
    let replay = beyondtrust_sessions_client::reqwest::Client::new()
        .get(format!("{}/Sessions", sim.api_url()))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 401);
}

#[tokio::test]
async fn view_access_retrieves_the_password_as_a_secret() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    let account = client
        .managed_accounts()
        .find("web01.example.local", "svc-web")
        .await
        .unwrap();
    let guard = client
        .requests()
        .create_guarded(
            NewRequest::new(AccessType::View, account.system_id, account.account_id)
                .duration_minutes(30),
        )
        .await
        .unwrap();
    let password = client
        .credentials()
        .get(guard.id(), CredentialType::Password)
        .await
        .unwrap();
    let expected = sim.account_password(10).unwrap();
    assert_eq!(password.expose_secret(), expected);
    assert!(!format!("{password:?} {client:?} {guard:?}").contains(&expected));

    // A second request for the same account conflicts, unless reused or renewed.
    let new = NewRequest::new(AccessType::View, account.system_id, account.account_id)
        .duration_minutes(30);
    let err = client.requests().create(new.clone()).await.unwrap_err();
    assert!(err.is_conflicting_request());
    assert_eq!(
        client
            .requests()
            .create(new.clone().conflict_option(ConflictOption::Reuse))
            .await
            .unwrap(),
        guard.id()
    );
    let renewed = client
        .requests()
        .create(new.conflict_option(ConflictOption::Renew))
        .await
        .unwrap();
    assert_ne!(renewed, guard.id());
    guard.into_id();
    client.requests().checkin(renewed, "").await.unwrap();

    // Not permitted: 4031; SSH keys for the Linux account.
    let err = client
        .requests()
        .create(NewRequest::new(AccessType::View, 2, 21).duration_minutes(5))
        .await
        .unwrap_err();
    assert!(err.is_not_permitted());
    let ssh = client
        .requests()
        .create(NewRequest::new(AccessType::View, 3, 30).duration_minutes(5))
        .await
        .unwrap();
    let key = client
        .credentials()
        .get(ssh, CredentialType::DssKey)
        .await
        .unwrap();
    assert!(
        key.expose_secret()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    client.sign_out().await.unwrap();
}

#[tokio::test]
async fn the_simulator_enforces_what_the_client_must_get_right() {
    let sim = Simulator::builder()
        .require_password("sim-pw-42")
        .start()
        .await;
    // Without the password the sign-in is refused.
    let no_pwd = sim
        .client_builder()
        .credentials(PsAuth::new(sim.api_key()).runas(sim.runas()))
        .build()
        .unwrap();
    let err = no_pwd.sign_in().await.unwrap_err();
    assert_eq!(err.auth_failure(), Some(&AuthFailure::SignInRefused));
    // A wrong key too, and it is never shown.
    let wrong = sim
        .client_builder()
        .credentials(
            PsAuth::new("marker-wrong-key")
                .runas(sim.runas())
                .password("sim-pw-42"),
        )
        .build()
        .unwrap();
    let err = wrong.sign_in().await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains("marker-wrong-key"));
    // The right header signs in.
    let client = sim.client().unwrap();
    client.sign_in().await.unwrap();
    // A key-only registration signs in as its own user.
    let key_only = sim
        .client_builder()
        .credentials(PsAuth::new(sim.api_key()))
        .build()
        .unwrap();
    assert_eq!(key_only.sign_in().await.unwrap().user_id.get(), 3);
    // The sim refuses a wrongly typed request body, as the server does.
    let response = client
        .post::<serde_json::Value, _>(
            "Requests",
            &serde_json::json!({"AccessType": "View", "SystemID": 1, "AccountID": 10, "DurationMinutes": 0}),
        )
        .await
        .unwrap_err();
    assert_eq!(response.status().unwrap().as_u16(), 400);
}

#[tokio::test]
async fn expired_sessions_are_renewed_transparently() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    client.sign_in().await.unwrap();
    sim.expire_sessions();
    let calls = (0..5).map(|_| {
        let client = client.clone();
        async move { client.sessions().list().collect().await }
    });
    for result in futures_util::future::join_all(calls).await {
        assert_eq!(result.unwrap().len(), 5);
    }
    assert_eq!(sim.sign_in_count(), 2);
    assert_eq!(sim.active_sessions(), 1);
}

#[tokio::test]
async fn oauth_and_two_factor_against_the_simulator() {
    let sim = Simulator::builder().two_factor("314159").start().await;
    let oauth = sim
        .client_builder()
        .credentials(OAuthClient::new(
            sim.oauth_client_id(),
            sim.oauth_client_secret(),
        ))
        .build()
        .unwrap();
    assert_eq!(oauth.sign_in().await.unwrap().user_id.get(), 12);
    let bad = sim
        .client_builder()
        .credentials(OAuthClient::new(sim.oauth_client_id(), "marker-nope"))
        .build()
        .unwrap();
    assert_eq!(
        bad.sign_in().await.unwrap_err().auth_failure(),
        Some(&AuthFailure::SignInRefused)
    );

    let client = sim.client().unwrap();
    let err = client.sessions().list().collect().await.unwrap_err();
    assert!(matches!(
        err.auth_failure(),
        Some(AuthFailure::TwoFactorRequired { .. })
    ));
    assert!(client.sign_in_challenge("000000").await.is_err());
    // A wrong code ends the pending sign-in; start again.
    let _ = client.sign_in().await.unwrap_err();
    let me = client.sign_in_challenge("314159").await.unwrap();
    assert_eq!(me.user_id.get(), 7);
    assert_eq!(client.sessions().list().collect().await.unwrap().len(), 5);
}

#[tokio::test]
async fn sessions_admin_lock_terminate_and_faults() {
    let sim = Simulator::start().await;
    let client = sim.client().unwrap();
    let admin = client
        .sessions()
        .admin(AdminSession::new(
            SessionType::SshTicket,
            "jump01.example.local",
            "helpdesk",
            "pw-1234",
        ))
        .await
        .unwrap()
        .into_ticket()
        .unwrap();
    let id = admin.session_id.unwrap();
    assert_eq!(admin.port.as_deref(), Some("4422"));
    client.sessions().lock(id).await.unwrap();
    assert_eq!(
        client.sessions().get(id).await.unwrap().status,
        SessionStatus::Locked
    );
    client.sessions().terminate(id).await.unwrap();
    assert_eq!(
        client.sessions().get(id).await.unwrap().status,
        SessionStatus::Terminated
    );
    assert!(
        client
            .sessions()
            .get(99.into())
            .await
            .unwrap_err()
            .is_not_found()
    );

    // Reads ride out injected 503s with Retry-After; writes do not.
    sim.inject(
        Fault::Status {
            status: 503,
            retry_after: Some("0".into()),
        },
        1,
    )
    .await;
    assert_eq!(client.sessions().list().collect().await.unwrap().len(), 6);
    sim.inject(Fault::Html { status: 502 }, 1).await;
    let err = client.sessions().lock(id).await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 502);
    assert_eq!(err.api().unwrap().message(), Some("502 Error"));
    // A reset connection is not replayed for a write either; a read rides it out.
    sim.inject(Fault::Reset, 1).await;
    let err = client.sessions().lock(id).await.unwrap_err();
    assert!(err.status().is_none(), "{err}");
    sim.inject(Fault::Reset, 1).await;
    assert_eq!(client.sessions().get(id).await.unwrap().session_id, id);
    client.sign_out().await.unwrap();
}

#[tokio::test]
async fn chaos_failures_are_retried_on_reads_and_reported_when_they_persist() {
    use beyondtrust_sessions_client::sim::Chaos;
    use msp_common::retry::{FixedJitter, ManualClock};
    use std::sync::Arc;
    let sim = Simulator::start().await;
    let clock = ManualClock::new();
    let client = sim
        .client_builder()
        .credentials(sim.ps_auth())
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .retry_policy(beyondtrust_sessions_client::RetryPolicy::default().with_max_attempts(6))
        .build()
        .unwrap();
    client.sign_in().await.unwrap();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.3).seed(5));
    for _ in 0..20 {
        client.sessions().list().collect().await.unwrap();
    }
    assert!(clock.sleeps().contains(&Duration::from_secs(1)));
    sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
    let err = client.sessions().list().collect().await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(err.attempts(), 6);
}

#[tokio::test]
async fn dropping_the_simulator_stops_its_server() {
    let sim = Simulator::start().await;
    let url = format!("{}/Sessions", sim.api_url());
    let http = beyondtrust_sessions_client::reqwest::Client::new();
    assert_eq!(http.get(&url).send().await.unwrap().status().as_u16(), 401);
    drop(sim);
    // The server shuts down in the background: soon nothing answers on its port.
    for _ in 0..100 {
        if http.get(&url).send().await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server still answers after the simulator was dropped");
}
