//! The shape every msp-sdk crate shares: the builder's setter names, the vendor error
//! read through `ErrorExt`, the crate-root re-exports and the simulator's API.

use std::time::Duration;

use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::AgentId;
use kaseya_vsa_client::{Client, Error, ErrorExt, RetryPolicy, WriteMode, reqwest};

fn credentials() -> Credentials {
    Credentials::password("apiuser", "S3cret!")
}

/// The URL a call would be sent to, for a client built on `base_url`.
fn agent_url(base_url: &str) -> Result<String, Error> {
    let vsa = Client::builder()
        .base_url(base_url)
        .credentials(credentials())
        .build()?;
    Ok(vsa.agents().get(&AgentId::from(42u64)).preview()?.url)
}

#[test]
fn every_shared_setter_name_builds_a_client() {
    let vsa = Client::builder()
        .base_url("https://vsa.example.com")
        .user_agent("shape-test/1.0")
        .timeout(Duration::from_secs(30))
        .no_timeout()
        .connect_timeout(Duration::from_secs(5))
        .max_response_bytes(1 << 20)
        .allow_http(false)
        .danger_accept_invalid_certs(false)
        .retry_policy(RetryPolicy::default().with_max_attempts(2))
        .http_client(reqwest::Client::new())
        .write_mode(WriteMode::DryRun)
        .credentials(credentials())
        .build()
        .unwrap();
    assert_eq!(vsa.write_mode(), WriteMode::DryRun);
    assert_eq!(
        vsa.with_write_mode(WriteMode::ReadOnly).write_mode(),
        WriteMode::ReadOnly
    );
    assert_eq!(
        vsa.transport().base_url().as_str(),
        "https://vsa.example.com/api/v1.0/"
    );
    // The other re-exports of the crate root are the shared types themselves.
    let _: fn() -> kaseya_vsa_client::msp_common::RetryPolicy = RetryPolicy::default;
    let _: Option<kaseya_vsa_client::Call<()>> = None;
    let _: kaseya_vsa_client::Result<()> = Ok(());
}

#[test]
fn base_url_is_the_server_root_or_the_v1_api_base_and_no_path_is_dropped() {
    let expected = "https://vsa.example.com/api/v1.0/assetmgmt/agents/42";
    for base in [
        "https://vsa.example.com",
        "https://vsa.example.com/",
        "https://vsa.example.com/api/v1.0",
        "https://vsa.example.com/api/v1.0/",
        "https://vsa.example.com/API/V1.0",
    ] {
        let url = agent_url(base).unwrap();
        assert_eq!(url.to_ascii_lowercase(), expected, "{base}");
    }
    // A server under a path keeps it.
    assert_eq!(
        agent_url("https://example.com/vsa/").unwrap(),
        "https://example.com/vsa/api/v1.0/assetmgmt/agents/42"
    );
    // Another API path is refused, not rewritten.
    for base in [
        "https://vsa.example.com/api/v2.0",
        "https://vsa.example.com/api/v1.0/assetmgmt",
        "https://vsa.example.com/api",
    ] {
        let err = agent_url(base).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{base}: {err:?}");
        assert!(err.to_string().contains("/api/v1.0"), "{base}: {err}");
    }
    // The transport's own checks still apply.
    assert!(matches!(
        agent_url("http://vsa.example.com").unwrap_err(),
        Error::Config { .. }
    ));
    assert!(matches!(
        agent_url("https://vsa.example.com/?x=1").unwrap_err(),
        Error::Config { .. }
    ));
    let missing = Client::builder().credentials(credentials()).build();
    assert!(matches!(missing.unwrap_err(), Error::Config { .. }));
}

/// A sign-in refused inside the envelope is an auth error whose cause is that envelope.
#[tokio::test]
async fn a_sign_in_refused_in_the_envelope_reads_through_error_ext() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(path("/api/v1.0/auth"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "Result": null, "ResponseCode": 403, "Status": "Error",
            "Error": "Two-factor authentication is required"
        })))
        .mount(&server)
        .await;
    let err = Client::builder()
        .base_url(server.uri())
        .allow_http(true)
        .credentials(credentials())
        .build()
        .unwrap()
        .authenticate()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    let envelope = err.envelope().expect("the refusal's envelope");
    assert_eq!(envelope.response_code, 403);
    assert_eq!(
        envelope.error.as_deref(),
        Some("Two-factor authentication is required")
    );
    assert_eq!(err.response_code(), Some(403));
}

#[cfg(feature = "sim")]
mod simulator {
    use std::sync::Arc;
    use std::time::Duration;

    use kaseya_vsa_client::auth::Credentials;
    use kaseya_vsa_client::ids::AgentId;
    use kaseya_vsa_client::sim::{self, Chaos, Fault, Received, Simulator};
    use kaseya_vsa_client::{Client, ErrorExt, Listing, RetryPolicy};
    use msp_common::StatusCode;
    use msp_common::retry::ManualClock;

    #[tokio::test]
    async fn the_simulator_has_the_shared_api_and_errors_read_through_error_ext() {
        let sim = Simulator::start().await;
        assert!(sim.url().starts_with("http://127.0.0.1:"));
        let vsa = sim.client().unwrap();
        assert_eq!(vsa.agents().list().collect().await.unwrap().len(), 300);

        // The vendor's error detail: an application error inside HTTP 200.
        let err = vsa.agents().get(&AgentId::from(42u64)).await.unwrap_err();
        let envelope = err.envelope().expect("an envelope error");
        assert_eq!(envelope.response_code, 404);
        assert_eq!(envelope.http_status, StatusCode::OK);
        assert_eq!(err.response_code(), Some(404));
        assert!(err.is_not_found());

        // Errors that did not come from an envelope carry none.
        let transport_err = sim
            .client_builder()
            .base_url("http://127.0.0.1:9")
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap()
            .authenticate()
            .await
            .unwrap_err();
        assert!(transport_err.envelope().is_none());

        // received() is the kit's record, paths as sent.
        let received: Vec<Received> = sim.received();
        assert!(received.iter().any(|r| r.path == "/api/v1.0/auth"));
        assert!(
            received
                .iter()
                .any(|r| r.path == "/api/v1.0/assetmgmt/agents/42")
        );
    }

    #[tokio::test]
    async fn builder_inject_and_chaos() {
        let sim = Simulator::builder().agents(12).seed(99).start().await;
        let clock = ManualClock::new();
        // What client_builder() sets, spelled out.
        let vsa = Client::builder()
            .base_url(sim.url())
            .allow_http(true)
            .credentials(Credentials::password(sim::USERNAME, sim::PASSWORD))
            .clock(Arc::new(clock.clone()))
            .build()
            .unwrap();
        let agents = vsa.agents().list().collect().await.unwrap();
        assert_eq!(agents.len(), 12);
        let id = agents[0].agent_id.clone();

        // Status faults are retried on reads, honouring Retry-After.
        sim.inject(Fault::too_many_requests(3), 1).await;
        sim.inject(Fault::Html { status: 502 }, 1).await;
        let before = sim.received().len();
        vsa.agents().get(&id).await.unwrap();
        assert_eq!(sim.received().len() - before, 3, "two faults, then served");
        assert!(clock.sleeps().contains(&Duration::from_secs(3)));

        // A reset connection is retried on reads too.
        sim.inject(Fault::Reset, 1).await;
        vsa.agents().get(&id).await.unwrap();

        // A delay is served after it.
        sim.inject(Fault::Delay(Duration::from_millis(20)), 1).await;
        vsa.agents().get(&id).await.unwrap();

        // Chaos that always fails ends in 503 after the policy's attempts.
        sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
        let twice = RetryPolicy::default().with_max_attempts(2);
        let err = vsa.agents().get(&id).retry(twice).await.expect_err("chaos");
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert!(err.envelope().is_none(), "an HTTP error, not an envelope");
        sim.set_chaos(Chaos::none());
        vsa.agents().get(&id).await.unwrap();
    }

    #[tokio::test]
    async fn start_on_listens_on_loopback_only() {
        let sim = Simulator::builder()
            .agents(3)
            .start_on("127.0.0.1".parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            sim.client()
                .unwrap()
                .agents()
                .list()
                .collect()
                .await
                .unwrap()
                .len(),
            3
        );
        assert!(
            Simulator::builder()
                .start_on("0.0.0.0".parse().unwrap())
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn the_seed_changes_details_but_not_what_filters_find() {
        let a = Simulator::builder().agents(30).seed(1).start().await;
        let b = Simulator::builder().agents(30).seed(2).start().await;
        let again = Simulator::builder().agents(30).seed(1).start().await;
        let key = |sim: &Simulator| -> Vec<(String, String, String)> {
            sim.agents()
                .iter()
                .map(|a| {
                    (
                        a["AgentId"].to_string(),
                        a["AgentName"].to_string(),
                        a["OSType"].to_string(),
                    )
                })
                .collect()
        };
        assert_eq!(key(&a), key(&b));
        assert_eq!(a.agents(), again.agents(), "a seed reproduces the data");
        assert_ne!(a.agents(), b.agents(), "another seed changes the details");
    }
}
