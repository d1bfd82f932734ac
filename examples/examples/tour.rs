//! The tour: `cargo run -p msp-examples --example tour`.
//!
//! Starts the four vendor simulators in-process (nothing leaves this machine, no
//! credentials needed) and walks through each crate's headline capability:
//!
//! 1. ScreenConnect — build an access-agent installer URL, "install" it, find the
//!    session it created, and send it a command.
//! 2. Kaseya VSA — stream agents filtered by an OData expression, page by page.
//! 3. ConnectWise Manage — stream tickets matching a conditions expression across pages.
//! 4. BeyondTrust Password Safe — request access, wait for approval, open an RDP
//!    session file, check in.

use std::time::Duration;

use futures_util::TryStreamExt;
use msp_common::Listing;
use msp_examples::{bt, cw, sc, vsa};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result {
    println!("msp-sdk tour: four vendors, simulated on loopback\n");
    screenconnect().await?;
    kaseya().await?;
    connectwise().await?;
    beyondtrust().await?;
    println!("Done. Next: `cargo run -p msp-examples --example msp -- --help`.");
    Ok(())
}

async fn screenconnect() -> Result {
    use sc::installer::Platform;
    use sc::models::{EventType, PropertyNames};

    println!("1. ScreenConnect: deploy an agent, find its session, send a command");
    let sim = sc::sim::Simulator::start().await;
    let names = PropertyNames::company_site_tag(); // CP1 Company, CP2 Site, CP3 Tag
    let client = sim.client_builder().property_names(names.clone()).build()?;

    let url = client
        .installer(Platform::Msi)
        .name("ACME-PC01")
        .property_named(&names, "Company", "Acme & Sons")?
        .property_named(&names, "Site", "HQ #1")?
        .property_named(&names, "Tag", "New")?
        .build()?;
    println!("   installer URL: {url}");
    println!(
        "   silent install: {}",
        Platform::Msi.silent_install_command("ScreenConnect.ClientSetup.msi")
    );
    sim.install(url.as_str()).await?; // what the agent does when it runs

    let session = client.sessions().by_name("ACME-PC01").await?.remove(0);
    println!(
        "   session {} online={} company={:?}",
        session.session_id,
        session.is_online(),
        session.custom_property_named(&names, "Company")
    );
    // Every call is a value: it can show what it would send before it is awaited.
    let command = client
        .sessions()
        .send_command(&session.session_id, "#!ps\nGet-Service Spooler");
    let preview = command.preview()?;
    println!(
        "   preview: {} {} body={}",
        preview.method,
        preview.url,
        preview.body.as_deref().unwrap_or("")
    );
    command.await?;
    let details = client.sessions().details(&session.session_id).await?;
    let queued = details
        .all_events()
        .filter(|e| e.event_type == EventType::QueuedCommand)
        .count();
    println!("   command queued ({queued} command event)\n");
    Ok(())
}

async fn kaseya() -> Result {
    use vsa::odata::fields::agents;

    println!("2. Kaseya VSA: a filtered agent stream");
    let sim = vsa::sim::Simulator::builder().agents(1000).start().await;
    let client = sim.client()?;
    let filter = agents::OS_TYPE.eq("Windows").and(agents::ONLINE.ne(0)).and(
        agents::AGENT_NAME
            .substringof("acme")
            .or(agents::AGENT_NAME.endswith(".globex")),
    );
    println!("   $filter = {filter}");
    let mut stream = client
        .agents()
        .list()
        .filter(filter)
        .order_by(agents::AGENT_NAME.asc())
        .stream();
    let mut count = 0;
    while let Some(agent) = stream.try_next().await? {
        if count < 3 {
            println!(
                "   {} {}",
                agent.agent_id,
                agent.agent_name.as_deref().unwrap_or("?")
            );
        }
        count += 1;
    }
    let pages = sim
        .received()
        .iter()
        .filter(|r| r.path.ends_with("/assetmgmt/agents"))
        .count();
    println!(
        "   … {count} online Windows agents of Acme or Globex, in {pages} pages of at most 100; {} /auth call\n",
        sim.auth_requests()
    );
    Ok(())
}

async fn connectwise() -> Result {
    use cw::conditions::Condition;

    println!("3. ConnectWise Manage: a conditions query streamed across pages");
    let sim = cw::sim::Simulator::start().await; // 5,000 tickets
    let client = cw::Client::builder()
        .base_url(sim.url())
        .allow_http(true)
        .credentials(cw::Credentials::new(
            sim.company_id(),
            sim.public_key(),
            sim.private_key(),
        ))
        .client_id(sim.client_id())
        .build()?;
    let since = chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")?.to_utc();
    let conditions = Condition::field("board/id")
        .eq(1)
        .and(Condition::field("closedFlag").eq(false))
        .and(Condition::field("dateEntered").gt(since));
    let conditions_text = conditions.render()?;
    let mut stream = client
        .tickets()
        .list()
        .conditions(conditions)
        .order_by("id asc")
        .page_size(250)
        .stream();
    let (mut count, mut first) = (0, None);
    while let Some(ticket) = stream.try_next().await? {
        first.get_or_insert(ticket.summary.clone().unwrap_or_default());
        count += 1;
    }
    println!("   conditions = {conditions_text}");
    println!(
        "   {count} open tickets on board 1 entered since June 2024, in {} pages of 250 (first: {:?})\n",
        sim.received().len(),
        first.unwrap_or_default()
    );
    Ok(())
}

async fn beyondtrust() -> Result {
    use bt::{AccessType, ApprovalWait, NewRequest, SessionType};

    println!("4. BeyondTrust: request → approval → RDP file → check-in");
    let sim = bt::sim::Simulator::start().await;
    let client = sim.client()?;
    let me = client.sign_in().await?;
    println!("   signed in as {}", me.user_name.as_deref().unwrap_or("?"));
    let account = client
        .managed_accounts()
        .find("web01.example.local", "Administrator")
        .await?;
    let guard = client
        .requests()
        .create_guarded(
            NewRequest::new(AccessType::Rdp, account.system_id, account.account_id)
                .duration_minutes(30)
                .reason("Tour: patch web01"),
        )
        .await?;
    println!(
        "   request {} created; waiting for approval…",
        guard.id().get()
    );
    sim.approve(guard.id().get()); // in real life, an approver clicks Approve
    client
        .requests()
        .wait_for_approval(
            guard.id(),
            ApprovalWait::new().initial_interval(Duration::from_millis(20)),
        )
        .await?;
    let rdp = client
        .sessions()
        .create(guard.id(), SessionType::RdpFile)
        .await?
        .into_file()?;
    println!(
        "   got {} ({} bytes); first line: {}",
        rdp.file_name().unwrap_or("session.rdp"),
        rdp.bytes().len(),
        rdp.text().lines().next().unwrap_or_default()
    );
    guard.checkin("Tour finished").await?;
    client.sign_out().await?;
    println!("   checked in and signed out\n");
    Ok(())
}
