//! The workspace README's "A taste of each crate" block, compiled and run as written:
//! the lines between the two markers are the README's block, byte for byte (checked by
//! the last test). The test sets up what the block takes as given — the four clients,
//! each against its crate's simulator, `procedure_id`, `account`, the installed agent and
//! an approver — and afterwards checks what went over the wire.
//!
//! The block sits in the body of `taste`: its `use` lines are items of that body, in
//! scope for all of it, the setup included, and `#[rustfmt::skip]` keeps the README's
//! layout.

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use beyondtrust_sessions_client::models::RequestStatus;
use screenconnect_client::models::PropertyNames;
use screenconnect_client::sim::method_of;

#[tokio::test]
async fn the_taste_of_each_crate_runs_against_the_simulators() -> Result<(), Box<dyn Error>> {
    // A bound, so that an approval that never comes fails the test instead of waiting
    // out `ApprovalWait`'s 15 minutes.
    tokio::time::timeout(Duration::from_secs(120), taste()).await?
}

/// The setup, the README block, and the checks of what it sent.
#[rustfmt::skip]
async fn taste() -> Result<(), Box<dyn Error>> {
    // ConnectWise Manage: enough seeded tickets for a few pages of open ones on board 1.
    let manage_sim = cwmanage_client::sim::Simulator::builder().tickets(20_000).start().await;
    let manage = manage_sim.client()?;

    // Kaseya VSA: the seeded agents (one of them on "O'Brien's PC") and procedures.
    let vsa_sim = kaseya_vsa_client::sim::Simulator::start().await;
    let vsa = vsa_sim.client()?;
    let procedure_id = vsa.agent_procedures().list().collect().await?.remove(0).agent_procedure_id;

    // ScreenConnect: a client naming the custom property slots (1 = Company), and a
    // machine that ran the same installer the block builds, so its session exists.
    let sc_sim = screenconnect_client::sim::Simulator::start().await;
    let sc = sc_sim.client_builder().property_names(PropertyNames::company_site_tag()).build()?;
    let installed = sc
        .installer(screenconnect_client::installer::Platform::Msi)
        .name("ACME-PC01")
        .property_named(sc.property_names(), "Company", "Acme & Sons")?
        .build()?;
    sc_sim.install(installed.as_str()).await?;

    // BeyondTrust: web01's Administrator needs an approver (the simulator approves
    // only its other accounts by itself); this task approves every pending request.
    let bt_sim = Arc::new(beyondtrust_sessions_client::sim::Simulator::start().await);
    let bt = bt_sim.client()?;
    let account = bt.managed_accounts().find("web01.example.local", "Administrator").await?;
    let approver = tokio::spawn({
        let sim = Arc::clone(&bt_sim);
        async move {
            loop {
                for request in sim.access_requests() {
                    sim.approve(request.request_id);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    });

// README snippet begins
use beyondtrust_sessions_client::{AccessType, ApprovalWait, NewRequest, SessionType};
use cwmanage_client::{conditions::Condition, models::Ticket};
use kaseya_vsa_client::odata::fields::agents;
use msp_common::{Listing, RetryPolicy, WriteMode};
use screenconnect_client::installer::Platform;

// ConnectWise Manage: stream every open ticket of a board, four pages in flight.
let open: Vec<Ticket> = manage.tickets().list()
    .conditions(Condition::field("board/id").eq(1).and(Condition::field("closedFlag").eq(false)))
    .page_size(1000)
    .pages_in_flight(4)           // the total comes from /count
    .collect()
    .await?;
manage.tickets().notes(open[0].id.unwrap()).add_internal("On it").await?;

// Kaseya VSA: agents by OData filter; ids stay exact (26 digits and all).
let agents = vsa.agents().list()
    .filter(agents::COMPUTER_NAME.eq("O'Brien's PC"))   // 'O''Brien''s PC' on the wire
    .collect()
    .await?;
let run = vsa.agent_procedures().run_now(&agents[0].agent_id, &procedure_id);
println!("{:?}", run.preview()?);  // PUT …/automation/agentprocs/{agent}/{proc}/runnow
run.await?;                         // sent once

// ScreenConnect: an installer URL, then the session it creates once a machine runs it.
let url = sc.installer(Platform::Msi).name("ACME-PC01")
    .property_named(sc.property_names(), "Company", "Acme & Sons")?  // names set on the builder
    .build()?;
let session = sc.sessions().by_name("ACME-PC01").retry(RetryPolicy::none()).await?.remove(0);
let read_only = sc.with_write_mode(WriteMode::ReadOnly);   // refuses every write, sends nothing
assert!(read_only.sessions().send_command(&session.session_id, "hostname").await.is_err());
sc.sessions().send_command(&session.session_id, "#!ps\nGet-Service").await?;

// BeyondTrust: request, approval, an RDP file, check-in.
let guard = bt.requests().create_guarded(
    NewRequest::new(AccessType::Rdp, account.system_id, account.account_id)
        .duration_minutes(60).reason("Ticket #4711"),
).await?;
bt.requests().wait_for_approval(guard.id(), ApprovalWait::new()).await?;
let rdp = bt.sessions().create(guard.id(), SessionType::RdpFile).await?.into_file()?;
guard.checkin("Done").await?;
// README snippet ends
    approver.abort();

    // Manage: /count read for the total, the pages fetched with pageSize 1000, the
    // note POSTed once to the first ticket.
    let api = "/v4_6_release/apis/3.0/service/tickets";
    let sent = manage_sim.received();
    assert!(open.len() > 2000 && open.iter().all(|t| t.closed_flag == Some(false)));
    assert!(sent.iter().any(|r| r.method == "GET" && r.path == format!("{api}/count")));
    let pages: Vec<_> = sent.iter().filter(|r| r.method == "GET" && r.path == api).collect();
    assert_eq!(pages.len(), open.len().div_ceil(1000));
    assert!(pages.iter().all(|r| r.query_param("pageSize") == Some("1000")
        && r.query_param("conditions") == Some("board/id = 1 and closedFlag = false")));
    let notes = format!("{api}/{}/notes", open[0].id.unwrap());
    let posted: Vec<_> = sent.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].path, notes);
    let note = posted[0].json().unwrap();
    assert_eq!((note["text"].as_str(), note["internalAnalysisFlag"].as_bool()), (Some("On it"), Some(true)));

    // Kaseya: the quotes doubled in $filter, the procedure run PUT exactly once on the
    // agent found, by its exact id.
    let sent = vsa_sim.received();
    assert_eq!(agents.len(), 1);
    assert!(sent.iter().any(|r| r.query_param("$filter") == Some("ComputerName eq 'O''Brien''s PC'")));
    let runnow = format!("/api/v1.0/automation/agentprocs/{}/{procedure_id}/runnow", agents[0].agent_id);
    let puts: Vec<_> = sent.iter().filter(|r| r.method == "PUT").collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].path, runnow);

    // ScreenConnect: the URL is the one the machine ran; the read-only client sent
    // nothing; the command went to the installed session, once.
    assert_eq!(url, installed);
    assert_eq!(session.custom_property_named(sc.property_names(), "Company"), Some("Acme & Sons"));
    let sent = sc_sim.received();
    assert!(sent.iter().all(|r| !r.body_text().contains("hostname")));
    let commands: Vec<_> = sent.iter().filter(|r| method_of(r) == Some("SendCommandToSession")).collect();
    assert_eq!(commands.len(), 1);
    assert_eq!(commands[0].json(), Some(serde_json::json!([session.session_id.as_str(), "#!ps\nGet-Service"])));

    // BeyondTrust: the request for the account, approved by the other task, polled
    // until then, an RDP file, and the check-in with its reason.
    let sent = bt_sim.received();
    let requests = bt_sim.access_requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!((request.system_id, request.account_id), (Some(account.system_id), Some(account.account_id)));
    assert!(request.approved_date.is_some());
    assert!(request.status != RequestStatus::Pending);
    assert!(sent.iter().any(|r| r.method == "GET" && r.path.ends_with("/Requests")));
    assert!(rdp.text().contains("full address:s:"));
    let checkin = format!("/Requests/{}/Checkin", request.request_id);
    let checkins: Vec<_> = sent.iter().filter(|r| r.method == "PUT" && r.path.ends_with(&checkin)).collect();
    assert_eq!(checkins.len(), 1);
    assert_eq!(checkins[0].json(), Some(serde_json::json!({"Reason": "Done"})));
    Ok(())
}

#[test]
fn the_readme_shows_this_snippet() {
    let this = include_str!("readme_taste.rs");
    let begin = "// README snippet begins\n";
    let start = this.find(begin).unwrap() + begin.len();
    let end = this.find("// README snippet ends").unwrap();
    let snippet = &this[start..end];
    let readme = include_str!("../../README.md");
    assert!(
        readme.contains(&format!("```rust\n{snippet}```\n")),
        "the README's taste block differs from examples/tests/readme_taste.rs"
    );
}
