//! The README's "Simulator in your own tests" snippet, compiled and run as written: the
//! lines between the two markers below are the README's block, byte for byte (checked by
//! the last test).
#![cfg(feature = "sim")]

// README snippet begins
use screenconnect_client::sim::{Fault, Simulator, method_of};
use screenconnect_client::{Client, ErrorExt, Result};

/// Your code: the machines of a company that are online now.
async fn online_machines(client: &Client, company: &str) -> Result<Vec<String>> {
    let filter = format!("CustomProperty1 = '{company}' AND GuestConnectedCount > 0");
    let sessions = client.sessions().by_filter(filter.as_str()).await?;
    Ok(sessions.into_iter().map(|s| s.name).collect())
}

#[tokio::test]
async fn finds_online_machines_and_copes_with_the_instance() {
    let sim = Simulator::start().await; // sample sessions, on a loopback port
    let client = sim.client().unwrap(); // base URL, secret and plain http set
    assert_eq!(
        online_machines(&client, "Acme").await.unwrap(),
        ["ACME-DC01"]
    );

    // A busy instance: the read is retried after Retry-After.
    sim.inject(Fault::too_many_requests(0), 1).await;
    assert_eq!(
        online_machines(&client, "Acme").await.unwrap(),
        ["ACME-DC01"]
    );

    // An instance whose extension lacks the method.
    sim.set_missing_methods(["GetSessionsByFilter"]);
    let err = online_machines(&client, "Acme").await.unwrap_err();
    assert_eq!(err.missing_method(), Some("GetSessionsByFilter"));

    // Every request, as it was sent.
    let sent = sim.received();
    assert_eq!(sent.iter().filter_map(method_of).count(), 4);
    assert_eq!(
        sent[0].json(),
        Some(serde_json::json!([
            "CustomProperty1 = 'Acme' AND GuestConnectedCount > 0"
        ]))
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
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&format!("```rust\n{snippet}```\n")),
        "the README's simulator block differs from tests/readme_sim.rs"
    );
}
