//! Find the online machines of one company with a session filter and send each of them
//! a command — against the crate's simulator, so nothing leaves this machine.
//!
//! ```sh
//! cargo run -p screenconnect-client --example find-and-command --features sim
//! ```
//!
//! The filter is built with `filter::Field` (values quoted and escaped by the builder),
//! the command's exact request is previewed (the secret `[REDACTED]`) before it is sent,
//! and each session's events are read back to show the command was queued. Exits with a
//! non-zero status on any error.

use std::process::ExitCode;

use screenconnect_client::filter::Field;
use screenconnect_client::models::{EventType, SessionType};
use screenconnect_client::sim::Simulator;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const COMMAND: &str = "#!ps\nGet-Service Spooler | Select-Object Status";

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
    // A fake instance with the sample sessions and 60 generated access sessions.
    let sim = Simulator::builder().access_sessions(60).start().await;
    let client = sim.client()?; // base URL, secret and plain http set

    let filter = Field::SESSION_TYPE
        .eq(SessionType::Access)
        .and(Field::custom_property(1).eq("Acme"))
        .and(Field::GUEST_CONNECTED_COUNT.gt(0));
    println!("filter: {filter}");
    let sessions = client.sessions().by_filter(filter).await?;
    println!("{} online Acme machines", sessions.len());
    if sessions.is_empty() {
        return Err("the filter matched no session".into());
    }

    for (i, session) in sessions.iter().enumerate() {
        let os = session
            .guest_info
            .as_ref()
            .and_then(|g| g.operating_system_name.as_deref())
            .unwrap_or("?");
        println!("  {} ({os})", session.name);
        let command = client.sessions().send_command(&session.session_id, COMMAND);
        if i == 0 {
            // Every call is a value: this is exactly what awaiting it sends.
            let preview = command.preview()?;
            println!("  preview: {} {}", preview.method, preview.url);
            println!("           body {}", preview.body.as_deref().unwrap_or(""));
        }
        command.await?;
    }

    // The command is among each session's events now.
    let mut queued = 0;
    for session in &sessions {
        let details = client.sessions().details(&session.session_id).await?;
        queued += details
            .all_events()
            .filter(|e| e.event_type == EventType::QueuedCommand)
            .filter(|e| e.data.as_deref() == Some(COMMAND))
            .count();
    }
    println!("command queued on {queued} of {} sessions", sessions.len());
    if queued != sessions.len() {
        return Err("a command is missing from a session's events".into());
    }
    Ok(())
}
