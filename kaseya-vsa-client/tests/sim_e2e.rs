//! End to end against the simulator.
#![cfg(feature = "sim")]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::{StreamExt, TryStreamExt};
use kaseya_vsa_client::Listing;
use kaseya_vsa_client::auth::Credentials;
use kaseya_vsa_client::ids::{AgentId, AgentProcedureId};
use kaseya_vsa_client::odata::fields::agents;
use kaseya_vsa_client::sim::{Fault, Simulator};
use kaseya_vsa_client::{Error, ErrorExt};
use msp_common::retry::{FixedJitter, ManualClock};

async fn sim(agents: usize) -> Simulator {
    Simulator::builder().agents(agents).start().await
}

#[tokio::test]
async fn streams_1000_agents_filtered_across_pages_exactly_the_matching_set() {
    let sim = sim(1000).await;
    let vsa = sim.client().unwrap();
    let filter = agents::OS_TYPE.eq("Windows").and(agents::ONLINE.ne(0)).and(
        agents::AGENT_NAME
            .substringof("acme")
            .or(agents::AGENT_NAME.endswith("globex")),
    );
    let got: Vec<_> = vsa
        .agents()
        .list()
        .filter(filter.clone())
        .order_by(agents::AGENT_NAME.asc())
        .collect()
        .await
        .unwrap();

    let mut expected: Vec<(String, String)> = sim
        .agents()
        .iter()
        .filter(|a| {
            let name = a["AgentName"].as_str().unwrap().to_lowercase();
            a["OSType"] == "Windows"
                && a["Online"] != 0
                && (name.contains("acme") || name.ends_with("globex"))
        })
        .map(|a| {
            (
                a["AgentName"].as_str().unwrap().to_lowercase(),
                a["AgentId"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    expected.sort();
    assert!(
        expected.len() > 100,
        "the set spans pages: {}",
        expected.len()
    );
    let got_ids: Vec<String> = got.iter().map(|a| a.agent_id.to_string()).collect();
    let expected_ids: Vec<String> = expected.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(
        got_ids, expected_ids,
        "exactly the matching set, once each, in order"
    );
    // 26-digit ids arrive exactly.
    assert!(got_ids.iter().any(|id| id.len() == 26));

    let pages: Vec<_> = sim
        .received()
        .into_iter()
        .filter(|r| r.path == "/api/v1.0/assetmgmt/agents")
        .collect();
    assert_eq!(pages.len(), expected.len().div_ceil(100));
    for (i, page) in pages.iter().enumerate() {
        let get = |k: &str| {
            page.query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("$filter"), Some(filter.to_string()));
        assert_eq!(get("$orderby").as_deref(), Some("AgentName"));
        assert_eq!(get("$top").as_deref(), Some("100"));
        assert_eq!(get("$skip"), Some((i * 100).to_string()));
    }
}

#[tokio::test]
async fn a_token_invalidated_mid_stream_is_renewed_transparently_and_exactly_once() {
    let sim = sim(500).await;
    let vsa = sim.client().unwrap();
    let mut stream = vsa.agents().list().stream();
    let mut seen = BTreeSet::new();
    for _ in 0..150 {
        seen.insert(stream.try_next().await.unwrap().unwrap().agent_id);
    }
    assert_eq!(sim.auth_requests(), 1);
    sim.invalidate_tokens();
    while let Some(agent) = stream.try_next().await.unwrap() {
        assert!(seen.insert(agent.agent_id), "no agent twice");
    }
    assert_eq!(seen.len(), 500);
    assert_eq!(sim.auth_requests(), 2);
}

#[tokio::test]
async fn a_hundred_concurrent_calls_on_an_invalidated_token_cost_one_auth() {
    let sim = sim(20).await;
    let vsa = sim.client().unwrap();
    let first = AgentId::new(sim.agents()[0]["AgentId"].as_str().unwrap()).unwrap();
    vsa.agents().get(&first).await.unwrap();
    sim.invalidate_tokens();
    let calls = (0..100).map(|_| {
        let vsa = vsa.clone();
        let id = first.clone();
        tokio::spawn(async move { vsa.agents().get(&id).await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.unwrap().unwrap().agent_id, first);
    }
    assert_eq!(
        sim.auth_requests(),
        2,
        "one at the start, one for the whole wave"
    );
    assert_eq!(vsa.auth_count(), 2);
}

#[tokio::test]
async fn long_reads_renew_the_token_after_the_configured_number_of_records() {
    let sim = sim(1000).await;
    let vsa = sim
        .client_builder()
        .renew_after_records(250)
        .build()
        .unwrap();
    let all: Vec<_> = vsa.agents().list().collect().await.unwrap();
    assert_eq!(all.len(), 1000);
    // Renewed before pages 4, 7 and 10 (after 300, 600 and 900 records).
    assert_eq!(sim.auth_requests(), 4);
}

#[tokio::test]
async fn the_token_is_renewed_before_its_expiration() {
    let sim = Simulator::builder()
        .agents(5)
        .token_lifetime(Duration::from_secs(600))
        .start()
        .await;
    let clock = ManualClock::starting_at(SystemTime::now());
    let vsa = sim
        .client_builder()
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    vsa.agents().list().collect().await.unwrap();
    clock.advance(Duration::from_secs(500));
    vsa.agents().list().collect().await.unwrap();
    assert_eq!(sim.auth_requests(), 1, "still 100 s left: no renewal");
    clock.advance(Duration::from_secs(60));
    vsa.agents().list().collect().await.unwrap();
    assert_eq!(sim.auth_requests(), 2, "within the 60 s margin: renewed");
}

#[tokio::test]
async fn a_wrong_password_gives_a_clear_auth_error() {
    let sim = sim(5).await;
    let vsa = sim
        .client_builder()
        .credentials(Credentials::password("apiuser", "wrong-MARKER-pw"))
        .build()
        .unwrap();
    let err = vsa.agents().list().collect().await.unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err:?}");
    assert!(err.is_auth());
    let text = err.to_string();
    assert!(
        text.contains("refused the credentials of `apiuser`"),
        "{text}"
    );
    assert!(!format!("{err:?}").contains("MARKER"));

    // A personal access token works; a wrong one does not.
    let pat = sim
        .client_builder()
        .credentials(Credentials::personal_access_token(
            "apiuser",
            kaseya_vsa_client::sim::PAT,
        ))
        .build()
        .unwrap();
    assert_eq!(
        pat.authenticate().await.unwrap().user_name.as_deref(),
        Some("apiuser")
    );
    let bad = sim
        .client_builder()
        .credentials(Credentials::personal_access_token("apiuser", "nope"))
        .build()
        .unwrap();
    assert!(bad.authenticate().await.unwrap_err().is_auth());
}

#[tokio::test]
async fn an_agent_named_obrien_is_found_by_exact_name_through_the_builder() {
    let sim = sim(50).await;
    let vsa = sim.client().unwrap();
    let found = vsa
        .agents()
        .list()
        .filter(agents::COMPUTER_NAME.eq("O'Brien's PC"))
        .collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let name = found[0].agent_name.clone().unwrap();
    assert!(name.starts_with("O'Brien's PC."), "{name}");
    let again = vsa
        .agents()
        .list()
        .filter(agents::AGENT_NAME.eq(name.as_str()))
        .collect()
        .await
        .unwrap();
    assert_eq!(again, found);
}

#[tokio::test]
async fn a_procedure_run_on_an_agent_shows_in_its_history() {
    let sim = sim(10).await;
    let vsa = sim.client().unwrap();
    let agent = vsa
        .agents()
        .list()
        .limit(1)
        .collect()
        .await
        .unwrap()
        .remove(0);
    let procedures = vsa.agent_procedures().list().collect().await.unwrap();
    let restart = procedures
        .iter()
        .find(|p| p.agent_procedure_name.as_deref() == Some("Restart Print Spooler"))
        .unwrap();
    assert!(
        vsa.agent_procedures()
            .history(&agent.agent_id)
            .collect()
            .await
            .unwrap()
            .is_empty()
    );
    vsa.agent_procedures()
        .run_now(&agent.agent_id, &restart.agent_procedure_id)
        .await
        .unwrap();
    let history = vsa
        .agent_procedures()
        .history(&agent.agent_id)
        .collect()
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].script_name.as_deref(),
        Some("Restart Print Spooler")
    );
    // An unknown procedure is an API error from inside HTTP 200.
    let err = vsa
        .agent_procedures()
        .run_now(&agent.agent_id, &AgentProcedureId::from(4242u64))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let detail = err.envelope().unwrap();
    assert_eq!(detail.http_status, msp_common::StatusCode::OK);
    assert_eq!(detail.response_code, 404);
}

#[tokio::test]
async fn an_integer_literal_on_a_decimal_field_is_refused_as_the_server_does() {
    let sim = sim(10).await;
    let vsa = sim.client().unwrap();
    let err = vsa
        .agents()
        .list()
        .filter_raw("AgentId eq 121747357971679")
        .collect()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(msp_common::StatusCode::BAD_REQUEST));
    assert!(err.to_string().contains("Edm.Int32"), "{err}");
    // The typed builder writes the M suffix.
    let id = AgentId::new("121747357971679").unwrap();
    let found = vsa
        .agents()
        .list()
        .filter(agents::AGENT_ID.eq(&id))
        .collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
}

#[tokio::test]
async fn a_429_during_a_stream_is_waited_out() {
    let sim = sim(300).await;
    let clock = ManualClock::new();
    let vsa = sim
        .client_builder()
        .clock(Arc::new(clock.clone()))
        .jitter(Arc::new(FixedJitter(0.5)))
        .build()
        .unwrap();
    let mut stream = vsa.agents().list().stream();
    let first = stream.next().await.unwrap().unwrap();
    sim.inject(Fault::too_many_requests(2), 1).await;
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len() + 1, 300);
    assert!(!rest.iter().any(|a| a.agent_id == first.agent_id));
    assert!(
        clock.sleeps().contains(&Duration::from_secs(2)),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn chaos_failures_are_retried_on_reads_and_reported_when_they_persist() {
    use msp_common::chaos::Chaos;
    let sim = sim(300).await;
    let clock = ManualClock::new();
    let vsa = sim
        .client_builder()
        .clock(Arc::new(clock.clone()))
        .retry_policy(msp_common::RetryPolicy::default().with_max_attempts(6))
        .build()
        .unwrap();
    vsa.authenticate().await.unwrap();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.3).seed(7));
    assert_eq!(
        vsa.agents()
            .list()
            .page_size(10)
            .collect()
            .await
            .unwrap()
            .len(),
        300
    );
    assert!(
        clock.sleeps().contains(&Duration::from_secs(1)),
        "Retry-After: 1 was honoured"
    );
    sim.set_chaos(Chaos::new(Duration::ZERO, 1.0));
    let err = vsa.agents().list().collect().await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(msp_common::StatusCode::SERVICE_UNAVAILABLE)
    );
    assert_eq!(err.attempts(), 6);
}

#[tokio::test]
async fn a_reset_connection_is_retried_on_reads_and_never_on_writes() {
    let sim = sim(10).await;
    let clock = ManualClock::new();
    let vsa = sim
        .client_builder()
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let agent = vsa
        .agents()
        .list()
        .limit(1)
        .collect()
        .await
        .unwrap()
        .remove(0);
    sim.inject(Fault::Reset, 1).await;
    let again = vsa.agents().get(&agent.agent_id).await.unwrap();
    assert_eq!(again.agent_id, agent.agent_id);
    assert_eq!(clock.sleeps().len(), 1, "one retry after the reset");

    let before = sim.history(agent.agent_id.as_str()).len();
    sim.inject(Fault::Reset, 1).await;
    let err = vsa
        .agent_procedures()
        .run_now(&agent.agent_id, &AgentProcedureId::from(1000u64))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        sim.history(agent.agent_id.as_str()).len(),
        before,
        "the write was not replayed"
    );
}

#[tokio::test]
async fn open_alarms_can_be_read_one_by_one_and_closed() {
    let sim = sim(40).await;
    let vsa = sim.client().unwrap();
    let open = vsa.alarms().list(false).collect().await.unwrap();
    let all = vsa.alarms().list(true).collect().await.unwrap();
    assert!(!open.is_empty() && open.len() < all.len());
    let first = open[0].alarm_id.clone();
    let alarm = vsa.alarms().get(&first).await.unwrap();
    assert_eq!(alarm.alarm_id, first);
    vsa.alarms()
        .close(&first, "Restarted the spooler")
        .await
        .unwrap();
    let still_open = vsa.alarms().list(false).collect().await.unwrap();
    assert_eq!(still_open.len(), open.len() - 1);
    assert!(still_open.iter().all(|a| a.alarm_id != first));
}
