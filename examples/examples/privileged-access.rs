//! Privileged access: a ConnectWise ticket → a BeyondTrust Password Safe access request →
//! an RDP session file → a note on the ticket → check-in.
//!
//! ```text
//! cargo run -p msp-examples --example privileged-access -- \
//!     [--system web01.example.local] [--account Administrator] [--minutes 60] \
//!     [--company IDENTIFIER] [--board NAME] [--rdp-dir DIR]
//! ```
//!
//! 1. Find the open ticket `Privileged access: {account} on {system}`, or create it. A
//!    ticket that already carries the `[privileged-access]` note has had its access:
//!    nothing more is done (so re-running creates nothing).
//! 2. Request RDP access to the managed account, referring to the ticket
//!    (`ConflictOption::Reuse` picks up a request an interrupted run left open).
//! 3. Wait for an approver (on the simulator, the workflow approves it itself).
//! 4. Open an RDP file session for the request and save the `.rdp` file (in `--rdp-dir`,
//!    by default the temporary directory, readable by its owner only).
//! 5. Note the request and session on the ticket.
//! 6. Check the request in — always, also when a step after the request failed: a
//!    request is never left checked out.
//!
//! Without `CWM_URL` / `BT_URL` the built-in simulators are used and the workflow runs
//! twice to show the second pass creates nothing. Stdout gets one JSON summary line per
//! pass; progress goes to stderr.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use bt::{AccessType, ApprovalWait, CheckinGuard, ConflictOption, NewRequest, SessionType};
use cw::models::TicketId;
use msp_examples::workflow::{
    self, Accept, Result, find_board, find_company, find_or_create_ticket, note_texts,
};
use msp_examples::{Connected, bt, cw};
use serde::Serialize;

/// The marker on the note that records the access.
const MARKER: &str = "[privileged-access]";

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    ticket_id: Option<TicketId>,
    ticket_created: bool,
    requests_created: usize,
    sessions_created: usize,
    notes_added: usize,
    checked_in: usize,
    already_done: bool,
    request_id: Option<u64>,
    rdp_file: Option<PathBuf>,
}

/// The connected vendors (and the simulators, when no URL was configured).
struct Clients {
    cw: Connected<cw::Client, cw::sim::Simulator>,
    bt: Connected<bt::Client, bt::sim::Simulator>,
}

impl Clients {
    fn simulated(&self) -> bool {
        self.cw.simulated() || self.bt.simulated()
    }
}

/// Command-line options.
struct Options {
    system: String,
    account: String,
    minutes: u32,
    company: String,
    board: String,
    /// Where RDP files are saved.
    rdp_dir: PathBuf,
}

// ---------------------------------------------------------------------------------------
// The workflow

async fn run(clients: &Clients, options: &Options) -> Result<Summary> {
    let cw = &clients.cw.client;
    let bt = &clients.bt.client;
    let mut summary = Summary::default();

    // 1. The ticket, and whether it already had its access.
    let company = find_company(cw, &options.company).await?;
    let board = find_board(cw, &options.board).await?;
    let title = format!(
        "Privileged access: {} on {}",
        options.account, options.system
    );
    let (ticket, created) =
        find_or_create_ticket(cw, &company, &board, &title, Accept::Open).await?;
    let ticket_id = ticket.id.ok_or("Manage answered a ticket without an id")?;
    summary.ticket_id = Some(ticket_id);
    summary.ticket_created = created;
    eprintln!(
        "{} ticket #{ticket_id} {title:?}",
        if created { "created" } else { "found open" }
    );
    let notes = note_texts(cw, ticket_id).await?;
    if notes.iter().any(|text| text.starts_with(MARKER)) {
        summary.already_done = true;
        eprintln!("ticket #{ticket_id} already records its privileged access; nothing to do");
        return Ok(summary);
    }

    // 2. The access request, held by a guard that must be checked in.
    let account = bt
        .managed_accounts()
        .find(&options.system, &options.account)
        .await?;
    let guard = bt
        .requests()
        .create_guarded(
            NewRequest::new(AccessType::Rdp, account.system_id, account.account_id)
                .duration_minutes(options.minutes)
                .reason(format!("ConnectWise ticket #{ticket_id}"))
                .conflict_option(ConflictOption::Reuse),
        )
        .await?;
    let request_id = guard.id();
    summary.requests_created += 1;
    summary.request_id = Some(request_id.get());
    eprintln!(
        "requested RDP access to {}\\{} for {} minutes: request {request_id}",
        options.system, options.account, options.minutes
    );

    // 3–5. Approval, RDP file, note. Whatever happens there, 6. checks the request in.
    let used = use_access(clients, &guard, ticket_id, options).await;
    let reason = match &used {
        Ok(_) => format!("Done (ConnectWise ticket #{ticket_id})"),
        Err(_) => format!("Workflow failed (ConnectWise ticket #{ticket_id}); released"),
    };
    let checked_in = guard.checkin(reason).await;
    if let Err(err) = &checked_in {
        eprintln!(
            "could not check request {request_id} in ({err}); \
             check it in by hand: msp bt checkin {request_id} --yes"
        );
    }
    let rdp_file = used?;
    checked_in?;
    summary.checked_in += 1;
    eprintln!("checked request {request_id} in");

    summary.sessions_created += 1;
    summary.notes_added += 1;
    summary.rdp_file = Some(rdp_file);
    Ok(summary)
}

/// Steps 3 to 5 for a checked-out request: returns where the RDP file was saved.
async fn use_access(
    clients: &Clients,
    guard: &CheckinGuard,
    ticket_id: TicketId,
    options: &Options,
) -> Result<PathBuf> {
    let bt = &clients.bt.client;
    let request_id = guard.id();

    // 3. Approval. On the simulator, play the approver.
    if let Some(sim) = &clients.bt.sim
        && sim.approve(request_id.get())
    {
        eprintln!("(simulator) an approver approved request {request_id}");
    }
    eprintln!("waiting for approval of request {request_id}…");
    let approved = bt
        .requests()
        .wait_for_approval(
            request_id,
            ApprovalWait::new()
                .initial_interval(Duration::from_secs(2))
                .timeout(Duration::from_secs(15 * 60)),
        )
        .await?;

    // 4. The RDP file session, saved for the technician.
    let file = bt
        .sessions()
        .create(request_id, SessionType::RdpFile)
        .await?
        .into_file()?;
    let name = file
        .file_name()
        .map_or_else(|| format!("request-{request_id}.rdp"), str::to_owned);
    let path = options.rdp_dir.join(&name);
    save_private(&path, file.bytes())
        .map_err(|e| format!("cannot save the RDP file to {}: {e}", path.display()))?;
    let address = file
        .rdp_settings()
        .into_iter()
        .find(|(key, _, _)| key == "full address")
        .map_or_else(|| options.system.clone(), |(_, _, value)| value);
    eprintln!("RDP session file saved to {}", path.display());

    // 5. The note on the ticket.
    let expires = approved.expires_date.map_or_else(
        || "unknown".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    );
    let text = format!(
        "{MARKER} BeyondTrust request {request_id}: RDP access to {account} on {system} \
         ({minutes} min, approved, would expire {expires}).\n\
         RDP session file {name} issued for {address}. \
         The request is checked in as soon as this note is written.",
        account = options.account,
        system = options.system,
        minutes = options.minutes,
    );
    clients
        .cw
        .client
        .tickets()
        .notes(ticket_id)
        .add_internal(text)
        .await?;
    eprintln!("noted the access on ticket #{ticket_id}");
    Ok(path)
}

/// Writes a file only its owner can read: an RDP file can carry a session ticket.
fn save_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    open.open(path)?.write_all(bytes)
}

// ---------------------------------------------------------------------------------------
// Plumbing: options, connections, two passes on simulators, exit codes

impl Options {
    fn parse(simulated: bool) -> Result<Options> {
        let mut options = Options {
            system: "web01.example.local".to_owned(),
            account: "Administrator".to_owned(),
            minutes: 60,
            company: String::new(),
            board: "Help Desk".to_owned(),
            rdp_dir: std::env::temp_dir(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--system" => options.system = value()?,
                "--account" => options.account = value()?,
                "--company" => options.company = value()?,
                "--board" => options.board = value()?,
                "--rdp-dir" => options.rdp_dir = value()?.into(),
                "--minutes" => {
                    let minutes = value()?;
                    options.minutes = minutes
                        .parse()
                        .map_err(|_| format!("--minutes {minutes:?} is not a number"))?;
                }
                "--sim" => {}
                other => return Err(format!("unexpected argument {other}").into()),
            }
        }
        if options.company.is_empty() {
            if !simulated {
                return Err("--company IDENTIFIER (a ConnectWise company) is required".into());
            }
            options.company = "Company1".to_owned();
        }
        Ok(options)
    }
}

async fn try_main() -> Result<()> {
    let sim = msp_examples::simulate(&std::env::args().collect::<Vec<_>>());
    let clients = Clients {
        cw: msp_examples::cwmanage_with(sim, cw::sim::Simulator::builder().tickets(100)).await?,
        bt: msp_examples::beyondtrust(sim).await?,
    };
    let options = Options::parse(clients.simulated())?;
    let passes = if clients.simulated() { 2 } else { 1 };
    let mut outcome = Ok(());
    for pass in 1..=passes {
        if pass == 2 {
            eprintln!("-- second pass: the ticket records its access, so nothing is requested");
        }
        let summary = match run(&clients, &options).await {
            Ok(summary) => summary,
            Err(err) => {
                outcome = Err(err);
                break;
            }
        };
        eprintln!(
            "privileged-access: ticket #{}, {} requests, {} sessions, {} notes, {} checked in",
            summary.ticket_id.map_or(0, |t| t.0),
            summary.requests_created,
            summary.sessions_created,
            summary.notes_added,
            summary.checked_in
        );
        workflow::print_summary(pass, &summary)?;
    }
    // End the Password Safe session now rather than at the server's idle timeout.
    let signed_out = clients.bt.client.sign_out().await;
    outcome?;
    Ok(signed_out?)
}

#[tokio::main]
async fn main() -> ExitCode {
    workflow::exit_code("privileged-access", try_main().await)
}
