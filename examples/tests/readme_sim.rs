//! The workspace README's "Simulators in your own tests" snippet, compiled and run as
//! written: the lines between the two markers are the README's block, byte for byte
//! (checked by the last test).

// README snippet begins
use std::time::Duration;

use kaseya_vsa_client::msp_common::chaos::Chaos;
use kaseya_vsa_client::odata::fields::agents::AGENT_NAME;
use kaseya_vsa_client::sim::Simulator;
use kaseya_vsa_client::{Client, Listing, Result, RetryPolicy};

/// Your code: the names of the agents whose name holds `text`.
async fn agent_names(vsa: &Client, text: &str) -> Result<Vec<String>> {
    let agents = vsa
        .agents()
        .list()
        .filter(AGENT_NAME.substringof(text))
        .collect()
        .await?;
    Ok(agents.into_iter().filter_map(|a| a.agent_name).collect())
}

#[tokio::test]
async fn my_sync_job_handles_quotes_paging_and_a_flaky_server() {
    let sim = Simulator::builder().agents(300).start().await; // a fake VSA on loopback
    let vsa = sim
        .client_builder() // base URL, credentials and plain http set
        .retry_policy(RetryPolicy::default().with_max_delay(Duration::from_millis(5)))
        .build()
        .unwrap();
    sim.set_chaos(Chaos::new(Duration::ZERO, 0.1).seed(7)); // 10% of answers fail

    let names = agent_names(&vsa, "O'Brien").await.unwrap(); // 'O''Brien' on the wire
    assert!(!names.is_empty() && names.iter().all(|n| n.contains("O'Brien")));
    let sent = sim.received();
    assert!(
        sent.iter()
            .any(|r| r.query_param("$filter") == Some("substringof('O''Brien', AgentName)"))
    );
}
// README snippet ends

#[test]
fn the_readme_shows_this_snippet() {
    let this = include_str!("readme_sim.rs");
    let begin = "// README snippet begins\n";
    let start = this.find(begin).unwrap() + begin.len();
    let end = this.find("// README snippet ends").unwrap();
    let snippet = &this[start..end];
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("```rust\n{snippet}```\n")),
        "the README's simulator block differs from examples/tests/readme_sim.rs"
    );
}
