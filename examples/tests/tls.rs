//! Every vendor's simulator over HTTPS (`SimulatorBuilder::tls(true)`): its client —
//! `Simulator::client()`, which trusts the generated authority through the shared
//! `root_certificate` builder setter — talks to it, and a client that does not trust
//! the authority is refused (the certificate is checked, not waved through). Dropping
//! the simulator removes its CA file.

use beyondtrust_sessions_client as bt;
use cwmanage_client as cw;
use kaseya_vsa_client as vsa;
use msp_common::Listing;
use screenconnect_client as sc;
use std::path::{Path, PathBuf};

/// Whether `err` (or a cause) is the client refusing the server's certificate.
fn refused_certificate(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(err);
    while let Some(e) = cause {
        if e.to_string().contains("certificate") {
            return true;
        }
        cause = e.source();
    }
    false
}

/// The authority is served as PEM and as a file holding the same PEM (its path
/// returned, to check that it goes with the simulator).
fn check_authority(url: &str, pem: Option<&str>, path: Option<&Path>) -> PathBuf {
    assert!(url.starts_with("https://"), "{url}");
    let pem = pem.expect("an HTTPS simulator has a CA");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let path = path.expect("and a CA file");
    assert_eq!(std::fs::read_to_string(path).unwrap(), pem);
    path.to_owned()
}

/// The simulator's CA file is gone once it is dropped.
fn check_removed(ca: &Path) {
    assert!(!ca.exists(), "{} outlives its simulator", ca.display());
}

#[tokio::test]
async fn screenconnect_over_https() {
    let sim = sc::sim::Simulator::builder().tls(true).start().await;
    let ca = check_authority(&sim.url(), sim.ca_pem(), sim.ca_path());
    let sessions = sim
        .client()
        .unwrap()
        .sessions()
        .by_name("ACME-DC01")
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);

    let untrusting = sc::Client::builder()
        .base_url(sim.url())
        .secret(sim.secret())
        .build()
        .unwrap();
    let err = untrusting
        .sessions()
        .by_name("ACME-DC01")
        .await
        .unwrap_err();
    assert!(refused_certificate(&err), "{err}");
    drop(sim);
    check_removed(&ca);
}

#[tokio::test]
async fn connectwise_manage_over_https() {
    let sim = cw::sim::Simulator::builder()
        .tickets(30)
        .tls(true)
        .start()
        .await;
    let ca = check_authority(&sim.url(), sim.ca_pem(), sim.ca_path());
    let client = sim.client().unwrap();
    let tickets = client
        .tickets()
        .list()
        .page_size(10)
        .collect()
        .await
        .unwrap();
    assert_eq!(
        tickets.len(),
        30,
        "three pages, each `next` link followed over HTTPS"
    );
    assert!(client.tickets().get(1).await.is_ok());

    let untrusting = cw::Client::builder()
        .base_url(sim.url())
        .credentials(cw::auth::Credentials::new(
            sim.company_id(),
            sim.public_key(),
            sim.private_key(),
        ))
        .client_id(sim.client_id())
        .build()
        .unwrap();
    let err = untrusting.tickets().get(1).await.unwrap_err();
    assert!(refused_certificate(&err), "{err}");
    drop(sim);
    check_removed(&ca);
}

#[tokio::test]
async fn kaseya_vsa_over_https() {
    let sim = vsa::sim::Simulator::builder()
        .agents(12)
        .tls(true)
        .start()
        .await;
    let ca = check_authority(&sim.url(), sim.ca_pem(), sim.ca_path());
    let agents = sim
        .client()
        .unwrap()
        .agents()
        .list()
        .page_size(5)
        .collect()
        .await
        .unwrap();
    assert_eq!(agents.len(), 12);

    let untrusting = vsa::Client::builder()
        .base_url(sim.url())
        .credentials(vsa::auth::Credentials::password(
            vsa::sim::USERNAME,
            vsa::sim::PASSWORD,
        ))
        .build()
        .unwrap();
    let err = untrusting.agents().list().collect().await.unwrap_err();
    assert!(refused_certificate(&err), "{err}");
    drop(sim);
    check_removed(&ca);
}

#[tokio::test]
async fn beyondtrust_over_https() {
    let sim = bt::sim::Simulator::builder().tls(true).start().await;
    let ca = check_authority(&sim.url(), sim.ca_pem(), sim.ca_path());
    assert!(sim.api_url().starts_with("https://"));
    let client = sim.client().unwrap();
    let me = client.sign_in().await.unwrap();
    assert_eq!(me.user_name.as_deref(), Some(sim.runas()));
    assert_eq!(client.sessions().list().collect().await.unwrap().len(), 5);
    client.sign_out().await.unwrap();

    let untrusting = bt::Client::builder()
        .base_url(sim.api_url())
        .credentials(sim.ps_auth())
        .build()
        .unwrap();
    let err = untrusting.sign_in().await.unwrap_err();
    assert!(refused_certificate(&err), "{err}");
    drop(sim);
    check_removed(&ca);
}

#[tokio::test]
async fn plain_http_is_still_the_default() {
    let sim = vsa::sim::Simulator::builder().agents(1).start().await;
    assert!(sim.url().starts_with("http://"));
    assert!(sim.ca_pem().is_none() && sim.ca_path().is_none());
    assert_eq!(
        sim.client()
            .unwrap()
            .agents()
            .list()
            .collect()
            .await
            .unwrap()
            .len(),
        1
    );
}
