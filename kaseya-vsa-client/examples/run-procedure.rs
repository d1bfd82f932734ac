//! Run an agent procedure on one machine, with a dry run first — against the crate's
//! simulator, so nothing leaves this machine.
//!
//! ```sh
//! cargo run -p kaseya-vsa-client --example run-procedure --features sim
//! ```
//!
//! Finds the agent and the procedure by name, asks a dry-run copy of the client to run
//! it (it answers the exact request it would send, and sends nothing), runs it for real
//! (a write: sent once, never replayed after the server may have acted), and reads the
//! agent's procedure history back. Exits with a non-zero status on any error.

use std::process::ExitCode;

use kaseya_vsa_client::odata::fields::{agent_procedures, agents};
use kaseya_vsa_client::sim::Simulator;
use kaseya_vsa_client::{Listing, WriteMode};

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
    let sim = Simulator::start().await;
    let vsa = sim.client()?;

    // Names with quotes are matched exactly: the builder doubles the `'`.
    let agent = vsa
        .agents()
        .list()
        .filter(agents::COMPUTER_NAME.eq("O'Brien's PC"))
        .collect()
        .await?
        .pop()
        .ok_or("no agent named O'Brien's PC")?;
    let procedure = vsa
        .agent_procedures()
        .list()
        .filter(agent_procedures::AGENT_PROCEDURE_NAME.eq("Restart Print Spooler"))
        .collect()
        .await?
        .pop()
        .ok_or("no procedure named Restart Print Spooler")?;
    println!(
        "agent {} ({}), procedure {} ({})",
        agent.agent_name.as_deref().unwrap_or("?"),
        agent.agent_id,
        procedure.agent_procedure_name.as_deref().unwrap_or("?"),
        procedure.agent_procedure_id
    );

    // Dry run: the write is answered with its preview; nothing is sent.
    let sent_before = sim.received_count();
    let dry = vsa.with_write_mode(WriteMode::DryRun);
    let err = match dry
        .agent_procedures()
        .run_now(&agent.agent_id, &procedure.agent_procedure_id)
        .await
    {
        Ok(()) => return Err("a dry-run client sent a write".into()),
        Err(err) => err,
    };
    let preview = err.dry_run_preview().ok_or(err.to_string())?;
    println!("dry run: {} {}", preview.method, preview.url);
    for (name, value) in &preview.headers {
        println!("         {name}: {value}");
    }
    if sim.received_count() != sent_before {
        return Err("the dry run sent a request".into());
    }

    // For real.
    vsa.agent_procedures()
        .run_now(&agent.agent_id, &procedure.agent_procedure_id)
        .await?;
    println!("ran it");
    let history = vsa
        .agent_procedures()
        .history(&agent.agent_id)
        .collect()
        .await?;
    for run in &history {
        println!(
            "history: {} {} at {}",
            run.script_name.as_deref().unwrap_or("?"),
            run.status.as_deref().unwrap_or("?"),
            run.last_execution_time
                .map(|t| t.to_rfc3339())
                .unwrap_or_default()
        );
    }
    if history.is_empty() {
        return Err("the run is missing from the agent's history".into());
    }
    Ok(())
}
