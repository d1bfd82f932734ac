//! Stream the open tickets of a board with a conditions expression, move the oldest one
//! to "In Progress" and add an internal note — against the crate's simulator, so
//! nothing leaves this machine.
//!
//! ```sh
//! cargo run -p cwmanage-client --example tickets --features sim
//! ```
//!
//! The conditions (`board/id = 1 and status/name = "New" and dateEntered > [...]`) are
//! built by the typed builder and sent on every page; the listing follows Manage's
//! `Link` headers 10 tickets at a time. The patch is previewed before it is sent, and
//! the ticket and its notes are read back at the end. Exits with a non-zero status on
//! any error.

use std::process::ExitCode;

use cwmanage_client::Listing;
use cwmanage_client::conditions::Condition;
use cwmanage_client::patch::PatchOp;
use cwmanage_client::sim::Simulator;
use futures_util::TryStreamExt;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Tickets per page.
const PAGE_SIZE: u32 = 10;
/// "In Progress" on board 1 of the simulator.
const IN_PROGRESS: u64 = 2;

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
    let sim = Simulator::start().await; // 5,000 seeded tickets
    let client = sim.client()?; // base URL, credentials, clientId and plain http set

    let since = chrono::DateTime::parse_from_rfc3339("2024-10-01T00:00:00Z")?.to_utc();
    let conditions = Condition::field("board/id")
        .eq(1)
        .and(Condition::field("status/name").eq("New"))
        .and(Condition::field("dateEntered").gt(since));
    println!("conditions = {}", conditions.render()?);

    let mut stream = client
        .tickets()
        .list()
        .conditions(conditions)
        .order_by("id asc")
        .page_size(PAGE_SIZE)
        .stream();
    let mut open = Vec::new();
    while let Some(ticket) = stream.try_next().await? {
        open.push(ticket);
    }
    let pages = sim.received().len();
    println!(
        "{} new tickets on board 1, in {pages} pages of at most {PAGE_SIZE}",
        open.len()
    );
    let oldest = open.first().ok_or("no ticket matched the conditions")?;
    let id = oldest.id.ok_or("a ticket without an id")?;
    println!(
        "oldest: #{id} {:?} entered {}",
        oldest.summary.as_deref().unwrap_or(""),
        oldest.date_entered.as_deref().unwrap_or("?")
    );

    // A write: previewed (credentials [REDACTED]), then sent once.
    let patch = client
        .tickets()
        .patch(id, &[PatchOp::replace("status/id", IN_PROGRESS)]);
    let preview = patch.preview()?;
    println!(
        "patch: {} {} {}",
        preview.method,
        preview.url,
        preview.body.as_deref().unwrap_or("")
    );
    let patched = patch.await?;
    let note = client
        .tickets()
        .notes(id)
        .add_internal("Picked up by the tickets example.")
        .await?;
    println!(
        "note #{} added",
        note.id.map(|n| n.to_string()).unwrap_or_default()
    );

    // Read both back.
    let ticket = client.tickets().get(id).await?;
    let status = ticket.status.and_then(|s| s.name).unwrap_or_default();
    let notes = client.tickets().notes(id).list().collect().await?;
    println!("#{id} is now {status:?} with {} note(s)", notes.len());
    if patched.status.and_then(|s| s.id) != Some(IN_PROGRESS) || status != "In Progress" {
        return Err("the status did not change".into());
    }
    if !notes
        .iter()
        .any(|n| n.text.as_deref() == Some("Picked up by the tickets example."))
    {
        return Err("the note is missing".into());
    }
    Ok(())
}
