//! Stream the online Windows agents of one organization with an OData `$filter` and
//! `$orderby`, page by page — against the crate's simulator, so nothing leaves this
//! machine.
//!
//! ```sh
//! cargo run -p kaseya-vsa-client --example agents --features sim
//! ```
//!
//! The organization is looked up by its reference (`OrgRef eq 'acme'`), its agents are
//! streamed 100 per request (the VSA's cap) with the next page fetched while this one is
//! printed, and the simulator's record shows how many requests and sign-ins it took.
//! Exits with a non-zero status on any error.

use std::process::ExitCode;

use futures_util::TryStreamExt;
use kaseya_vsa_client::Listing;
use kaseya_vsa_client::odata::fields::{agents, orgs};
use kaseya_vsa_client::sim::Simulator;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result {
    let sim = Simulator::builder().agents(3000).start().await;
    let vsa = sim.client()?; // base URL, credentials and plain http set

    let org = vsa
        .orgs()
        .list()
        .filter(orgs::ORG_REF.eq("acme"))
        .collect()
        .await?
        .pop()
        .ok_or("no organization with the reference 'acme'")?;
    let org_id = org.org_id.ok_or("the organization has no id")?;
    println!(
        "organization {} ({org_id})",
        org.org_name.as_deref().unwrap_or("?")
    );

    let filter = agents::ORG_ID
        .eq(org_id)
        .and(agents::OS_TYPE.eq("Windows"))
        .and(agents::ONLINE.ne(0));
    println!("$filter = {filter}");
    let mut stream = vsa
        .agents()
        .list()
        .filter(filter)
        .order_by(agents::AGENT_NAME.asc())
        .stream();
    let mut count = 0;
    while let Some(agent) = stream.try_next().await? {
        if count < 5 {
            println!(
                "  {:<28} {:<20} {}",
                agent.agent_name.as_deref().unwrap_or("?"),
                agent.os_info.as_deref().unwrap_or("?"),
                agent.agent_id
            );
        }
        count += 1;
    }
    if count == 0 {
        return Err("the filter matched no agent".into());
    }
    let pages = sim
        .received()
        .iter()
        .filter(|r| r.path.ends_with("/assetmgmt/agents"))
        .count();
    println!(
        "  … {count} agents, in {pages} requests of at most 100 records; {} sign-in",
        sim.auth_requests()
    );
    Ok(())
}
