//! The simulator answers a list read asked again from its cached bytes; a write in
//! between is always seen.

#![cfg(feature = "sim")]

use cwmanage_client::Listing;
use cwmanage_client::conditions::Condition;
use cwmanage_client::patch::PatchOp;
use cwmanage_client::sim::Simulator;

#[tokio::test]
async fn pages_asked_again_are_the_same_and_writes_are_seen() {
    let sim = Simulator::builder().tickets(60).start().await;
    let client = sim.client().unwrap();
    let list = || client.tickets().list().page_size(25).collect();
    let first = list().await.unwrap();
    assert_eq!(
        first,
        list().await.unwrap(),
        "the same pages, from the cache"
    );
    let open = || {
        client
            .tickets()
            .search(Condition::field("summary").eq("Renamed in between"))
            .collect()
    };
    assert!(open().await.unwrap().is_empty());

    client
        .tickets()
        .patch(3, &[PatchOp::replace("summary", "Renamed in between")])
        .await
        .unwrap();
    let again = list().await.unwrap();
    assert_eq!(again[2].summary.as_deref(), Some("Renamed in between"));
    assert_eq!(
        open().await.unwrap().len(),
        1,
        "a search after the write sees it"
    );

    client.tickets().delete(5).await.unwrap();
    let after_delete = list().await.unwrap();
    assert_eq!(after_delete.len(), first.len() - 1);
    assert_eq!(client.tickets().count("").await.unwrap(), 59);
}
