//! The simulator answers a read asked again from its cached bytes; a write in between
//! is always seen.

#![cfg(feature = "sim")]

use kaseya_vsa_client::Listing;
use kaseya_vsa_client::sim::Simulator;

#[tokio::test]
async fn reads_asked_again_are_the_same_and_writes_are_seen() {
    let sim = Simulator::builder().agents(30).start().await;
    let vsa = sim.client().unwrap();
    let agents = vsa.agents().list().page_size(10).collect().await.unwrap();
    assert_eq!(
        agents,
        vsa.agents().list().page_size(10).collect().await.unwrap()
    );

    let open = || vsa.alarms().list(false).collect();
    let before = open().await.unwrap();
    let alarm = before.first().expect("an open alarm").alarm_id.clone();
    vsa.alarms().close(&alarm, "fixed").await.unwrap();
    let after = open().await.unwrap();
    assert_eq!(
        after.len(),
        before.len() - 1,
        "the closed alarm is gone from the open list"
    );
    assert!(!after.iter().any(|a| a.alarm_id == alarm));
}
