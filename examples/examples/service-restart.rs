//! Automated service restart: a Kaseya VSA alarm about a stopped service → a Kaseya agent
//! procedure that restarts it → a ConnectWise ticket updated with the outcome, read from
//! the agent's procedure history.
//!
//! ```text
//! cargo run -p msp-examples --example service-restart -- \
//!     [--monitor Spooler] [--procedure "Restart Print Spooler"] [--resolved-status Completed] \
//!     [--wait-secs 300] [--company IDENTIFIER] [--board NAME]
//! ```
//!
//! For each open alarm of the `--monitor` monitor:
//!
//! 1. the ticket `Service restart: {monitor} on {machine} (alarm {id})` — found by that
//!    exact summary, open or closed, or created. A ticket that already carries the
//!    `[service-restart] outcome` note has been handled: it is skipped (so re-running
//!    neither restarts the service again nor touches the ticket);
//! 2. run the `--procedure` agent procedure on the alarm's agent now;
//! 3. wait for its new entry in the agent's procedure history (polling every 5 s, at
//!    most `--wait-secs`), which says whether it succeeded;
//! 4. note the outcome on the ticket and, when the procedure succeeded, move the ticket
//!    to the `--resolved-status` status of its board.
//!
//! Without `KASEYA_URL` / `CWM_URL` the built-in simulators are used and the workflow runs
//! twice to show the second pass does nothing new. Stdout gets one JSON summary line per
//! pass; progress goes to stderr.

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use cw::models::{Board, BoardStatus, TicketId};
use cw::patch::PatchOp;
use msp_common::Listing;
use msp_examples::workflow::{
    self, Accept, Result, find_board, find_company, find_or_create_ticket, note_texts, truncate,
};
use msp_examples::{Connected, cw, vsa};
use serde::Serialize;
use vsa::agent_procedures::{AgentProcedure, ProcedureHistory};
use vsa::alarms::Alarm;
use vsa::ids::AgentId;
use vsa::odata::fields::{agent_procedures, alarms};

/// The start of the note that records the outcome.
const MARKER: &str = "[service-restart] outcome";

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    alarms: usize,
    tickets_created: usize,
    procedures_run: usize,
    succeeded: usize,
    failed: usize,
    notes_added: usize,
    tickets_resolved: usize,
    already_handled: usize,
    ticket_ids: Vec<TicketId>,
}

/// The connected vendors (and the simulators, when no URL was configured).
struct Clients {
    vsa: Connected<vsa::Client, vsa::sim::Simulator>,
    cw: Connected<cw::Client, cw::sim::Simulator>,
}

impl Clients {
    fn simulated(&self) -> bool {
        self.vsa.simulated() || self.cw.simulated()
    }
}

/// Command-line options.
struct Options {
    monitor: String,
    procedure: String,
    resolved_status: String,
    wait: Duration,
    company: String,
    board: String,
}

/// What the procedure history says about a run.
struct Outcome {
    status: String,
    at: String,
    succeeded: bool,
}

// ---------------------------------------------------------------------------------------
// The workflow

async fn run(clients: &Clients, options: &Options) -> Result<Summary> {
    let vsa = &clients.vsa.client;
    let cw = &clients.cw.client;
    let mut summary = Summary::default();

    let company = find_company(cw, &options.company).await?;
    let board = find_board(cw, &options.board).await?;
    let resolved = find_status(cw, &board, &options.resolved_status).await?;
    let procedure = find_procedure(vsa, &options.procedure).await?;

    // The open alarms of the monitor.
    let open_alarms: Vec<Alarm> = vsa
        .alarms()
        .list(true)
        .filter(alarms::MONITOR_NAME.eq(options.monitor.as_str()))
        .order_by(alarms::ALARM_DATE.asc())
        .collect()
        .await?
        .into_iter()
        .filter(|a| a.is_open())
        .collect();
    summary.alarms = open_alarms.len();
    eprintln!(
        "{} open {:?} alarms in Kaseya",
        open_alarms.len(),
        options.monitor
    );

    for alarm in &open_alarms {
        let Some(agent_id) = &alarm.agent_id else {
            eprintln!("alarm {} names no agent; skipped", alarm.alarm_id);
            continue;
        };
        let machine = alarm
            .machine_name
            .clone()
            .or_else(|| alarm.agent_name.clone())
            .unwrap_or_else(|| format!("agent {agent_id}"));

        // 1. The ticket, unless this alarm was handled already.
        let title = truncate(
            &format!(
                "Service restart: {} on {machine} (alarm {})",
                options.monitor, alarm.alarm_id
            ),
            100,
        );
        // Closed tickets count too: a handled alarm keeps its (resolved) ticket.
        let (ticket, created) =
            find_or_create_ticket(cw, &company, &board, &title, Accept::OpenOrClosed).await?;
        if created {
            summary.tickets_created += 1;
            eprintln!("{machine}: created ticket {title:?}");
        }
        let ticket_id = ticket.id.ok_or("Manage answered a ticket without an id")?;
        summary.ticket_ids.push(ticket_id);
        let notes = note_texts(cw, ticket_id).await?;
        if notes.iter().any(|text| text.starts_with(MARKER)) {
            summary.already_handled += 1;
            eprintln!("{machine}: ticket #{ticket_id} already has the outcome; skipped");
            continue;
        }

        // 2–3. Run the procedure and read its outcome from the history.
        eprintln!(
            "{machine}: running {:?} (ticket #{ticket_id})",
            options.procedure
        );
        let outcome = run_procedure(vsa, agent_id, &procedure, options.wait).await?;
        summary.procedures_run += 1;

        // 4. The outcome on the ticket.
        let text = match &outcome {
            Some(o) => format!(
                "{MARKER}: {status}. Kaseya ran the agent procedure {name:?} on {machine} at {at} \
                 for alarm {alarm_id} ({subject}).",
                status = o.status,
                name = options.procedure,
                at = o.at,
                alarm_id = alarm.alarm_id,
                subject = alarm.alarm_subject.as_deref().unwrap_or("no subject"),
            ),
            None => format!(
                "{MARKER}: unknown. The agent procedure {:?} was started on {machine} for alarm \
                 {}, but its history showed no result within {} s; check the agent.",
                options.procedure,
                alarm.alarm_id,
                options.wait.as_secs()
            ),
        };
        cw.tickets().notes(ticket_id).add_internal(text).await?;
        summary.notes_added += 1;
        match outcome {
            Some(o) if o.succeeded => {
                summary.succeeded += 1;
                eprintln!("{machine}: {} — noted on ticket #{ticket_id}", o.status);
                if let Some(status_id) = resolved.as_ref().and_then(|s| s.id) {
                    cw.tickets()
                        .patch(ticket_id, &[PatchOp::replace("status/id", status_id.0)])
                        .await?;
                    summary.tickets_resolved += 1;
                }
            }
            Some(o) => {
                summary.failed += 1;
                eprintln!("{machine}: {} — noted on ticket #{ticket_id}", o.status);
            }
            None => {
                summary.failed += 1;
                eprintln!("{machine}: no result yet — noted on ticket #{ticket_id}");
            }
        }
    }
    Ok(summary)
}

/// Runs a procedure on an agent now and waits for its new history entry (`None` when
/// none appears within `wait`).
async fn run_procedure(
    vsa: &vsa::Client,
    agent_id: &AgentId,
    procedure: &AgentProcedure,
    wait: Duration,
) -> Result<Option<Outcome>> {
    let name = procedure
        .agent_procedure_name
        .as_deref()
        .unwrap_or_default();
    let runs_of = |history: Vec<ProcedureHistory>| -> Vec<(String, String)> {
        history
            .into_iter()
            .filter(|h| h.script_name.as_deref() == Some(name))
            .map(|h| {
                (
                    h.last_execution_time
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_default(),
                    h.status.unwrap_or_default(),
                )
            })
            .collect()
    };
    let procedures = vsa.agent_procedures();
    let before: HashSet<(String, String)> = runs_of(procedures.history(agent_id).collect().await?)
        .into_iter()
        .collect();

    procedures
        .run_now(agent_id, &procedure.agent_procedure_id)
        .await?;

    let started = Instant::now();
    loop {
        let runs = runs_of(procedures.history(agent_id).collect().await?);
        if let Some((at, status)) = runs.into_iter().find(|run| !before.contains(run)) {
            let succeeded = status.to_ascii_lowercase().starts_with("success");
            return Ok(Some(Outcome {
                status,
                at,
                succeeded,
            }));
        }
        if started.elapsed() >= wait {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_secs(5).min(wait)).await;
    }
}

async fn find_procedure(vsa: &vsa::Client, name: &str) -> Result<AgentProcedure> {
    let found = vsa
        .agent_procedures()
        .list()
        .filter(agent_procedures::AGENT_PROCEDURE_NAME.eq(name))
        .collect()
        .await?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("Kaseya has no agent procedure named {name:?}").into())
}

// ---------------------------------------------------------------------------------------
// ConnectWise helpers

/// The board's status called `name`; `None` (with a warning) when the board has none.
async fn find_status(cw: &cw::Client, board: &Board, name: &str) -> Result<Option<BoardStatus>> {
    let board_id = board.id.ok_or("the board has no id")?;
    let found = cw
        .board_statuses(board_id)
        .find_exact("name", name)
        .await?
        .into_iter()
        .next();
    if found.is_none() {
        eprintln!("the board has no status {name:?}; tickets keep their status");
    }
    Ok(found)
}

// ---------------------------------------------------------------------------------------
// Plumbing: options, connections, two passes on simulators, exit codes

impl Options {
    fn parse(simulated: bool) -> Result<Options> {
        let mut options = Options {
            monitor: "Spooler".to_owned(),
            procedure: "Restart Print Spooler".to_owned(),
            resolved_status: "Completed".to_owned(),
            wait: Duration::from_secs(300),
            company: String::new(),
            board: "Alerts".to_owned(),
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--monitor" => options.monitor = value()?,
                "--procedure" => options.procedure = value()?,
                "--resolved-status" => options.resolved_status = value()?,
                "--company" => options.company = value()?,
                "--board" => options.board = value()?,
                "--wait-secs" => {
                    let secs = value()?;
                    let secs = secs
                        .parse()
                        .map_err(|_| format!("--wait-secs {secs:?} is not a number"))?;
                    options.wait = Duration::from_secs(secs);
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
        vsa: msp_examples::kaseya_with(sim, vsa::sim::Simulator::builder().agents(50)).await?,
        cw: msp_examples::cwmanage_with(sim, cw::sim::Simulator::builder().tickets(100)).await?,
    };
    let options = Options::parse(clients.simulated())?;
    let passes = if clients.simulated() { 2 } else { 1 };
    for pass in 1..=passes {
        if pass == 2 {
            eprintln!("-- second pass: every alarm has its outcome noted, so nothing runs again");
        }
        let s = run(&clients, &options).await?;
        eprintln!(
            "service-restart: {} alarms → {} procedures run ({} succeeded, {} failed), {} tickets created, {} resolved, {} already handled",
            s.alarms,
            s.procedures_run,
            s.succeeded,
            s.failed,
            s.tickets_created,
            s.tickets_resolved,
            s.already_handled
        );
        workflow::print_summary(pass, &s)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    workflow::exit_code("service-restart", try_main().await)
}
