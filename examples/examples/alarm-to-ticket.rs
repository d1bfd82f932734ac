//! Alarm to ticket: open Kaseya VSA alarms → ConnectWise tickets (one per machine) with a
//! note per alarm, without duplicates on re-run.
//!
//! ```text
//! cargo run -p msp-examples --example alarm-to-ticket -- [--company IDENTIFIER] [--board NAME]
//! ```
//!
//! 1. Read every alarm, oldest first, and keep the open ones.
//! 2. For each alarm, the machine's open ticket `Kaseya alarms: {machine}` on the board
//!    (found by its exact summary — the stable marker), created when there is none.
//! 3. The alarm goes on that ticket as an internal note that starts with
//!    `Kaseya alarm {AlarmId}:` — unless a note with that start is already there.
//!
//! So a machine with three alarms gets one ticket with three notes, and a re-run finds
//! every ticket and every note and creates nothing.
//!
//! Without `KASEYA_URL` / `CWM_URL` the built-in simulators are used (20 agents, so some
//! machines have several alarms) and the workflow runs twice to show the second pass
//! creates nothing. Stdout gets one JSON summary line per pass; progress goes to stderr.

use std::collections::HashMap;
use std::process::ExitCode;

use cw::models::TicketId;
use msp_common::Listing;
use msp_examples::workflow::{
    self, Accept, Result, find_board, find_company, find_or_create_ticket, note_texts, truncate,
};
use msp_examples::{Connected, cw, vsa};
use serde::Serialize;
use vsa::alarms::Alarm;
use vsa::odata::fields::alarms;

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    alarms: usize,
    open_alarms: usize,
    tickets_created: usize,
    tickets_found: usize,
    notes_added: usize,
    alarms_already_noted: usize,
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
    company: String,
    board: String,
}

/// A machine's ticket and the alarm ids its notes already record.
struct MachineTicket {
    id: TicketId,
    noted: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// The workflow

async fn run(clients: &Clients, options: &Options) -> Result<Summary> {
    let vsa = &clients.vsa.client;
    let cw = &clients.cw.client;
    let mut summary = Summary::default();
    let company = find_company(cw, &options.company).await?;
    let board = find_board(cw, &options.board).await?;

    // 1. The open alarms, oldest first.
    let all = vsa
        .alarms()
        .list(true)
        .order_by(alarms::ALARM_DATE.asc())
        .collect()
        .await?;
    summary.alarms = all.len();
    let open: Vec<Alarm> = all.into_iter().filter(|a| a.is_open()).collect();
    summary.open_alarms = open.len();
    eprintln!(
        "{} alarms in Kaseya, {} open",
        summary.alarms, summary.open_alarms
    );

    // 2–3. A ticket per machine, a note per alarm.
    let mut tickets: HashMap<String, MachineTicket> = HashMap::new();
    for alarm in &open {
        let machine = machine_name(alarm);
        if !tickets.contains_key(&machine) {
            let title = truncate(&format!("Kaseya alarms: {machine}"), 100);
            let (ticket, created) =
                find_or_create_ticket(cw, &company, &board, &title, Accept::Open).await?;
            let id = ticket.id.ok_or("Manage answered a ticket without an id")?;
            if created {
                summary.tickets_created += 1;
                eprintln!("{machine}: created ticket #{id}");
            } else {
                summary.tickets_found += 1;
                eprintln!("{machine}: found open ticket #{id}");
            }
            summary.ticket_ids.push(id);
            let noted = note_texts(cw, id).await?;
            tickets.insert(machine.clone(), MachineTicket { id, noted });
        }
        let Some(ticket) = tickets.get_mut(&machine) else {
            continue;
        };

        let marker = format!("Kaseya alarm {}:", alarm.alarm_id);
        if ticket.noted.iter().any(|text| text.starts_with(&marker)) {
            summary.alarms_already_noted += 1;
            continue;
        }
        let text = format!("{marker} {}", describe(alarm));
        cw.tickets()
            .notes(ticket.id)
            .add_internal(text.clone())
            .await?;
        ticket.noted.push(text);
        summary.notes_added += 1;
        eprintln!(
            "{machine}: alarm {} noted on ticket #{}",
            alarm.alarm_id, ticket.id
        );
    }
    Ok(summary)
}

/// The machine an alarm is about.
fn machine_name(alarm: &Alarm) -> String {
    alarm
        .machine_name
        .clone()
        .or_else(|| alarm.agent_name.clone())
        .or_else(|| alarm.agent_id.as_ref().map(|id| format!("agent {id}")))
        .unwrap_or_else(|| "unknown machine".to_owned())
}

/// The note text after the marker.
fn describe(alarm: &Alarm) -> String {
    let field = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".to_owned());
    format!(
        "{subject}\nRaised: {date}\nMonitor: {monitor} ({kind}), severity {severity}\n{text}",
        subject = field(&alarm.alarm_subject),
        date = alarm
            .alarm_date
            .or(alarm.event_time)
            .map_or_else(|| "-".to_owned(), |t| t.to_rfc3339()),
        monitor = field(&alarm.monitor_name),
        kind = field(&alarm.alarm_type),
        severity = alarm.severity.map_or("-".to_owned(), |s| s.to_string()),
        text = field(&alarm.alarm_text.clone().or(alarm.message.clone())),
    )
}

// ---------------------------------------------------------------------------------------
// Plumbing: options, connections, two passes on simulators, exit codes

impl Options {
    fn parse(simulated: bool) -> Result<Options> {
        let mut company = None;
        let mut board = "Alerts".to_owned();
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--company" => company = Some(args.next().ok_or("--company needs a value")?),
                "--board" => board = args.next().ok_or("--board needs a value")?,
                "--sim" => {}
                other => return Err(format!("unexpected argument {other}").into()),
            }
        }
        let company = match company {
            Some(c) => c,
            None if simulated => "Company1".to_owned(),
            None => return Err("--company IDENTIFIER (a ConnectWise company) is required".into()),
        };
        Ok(Options { company, board })
    }
}

async fn try_main() -> Result<()> {
    let sim = msp_examples::simulate(&std::env::args().collect::<Vec<_>>());
    let clients = Clients {
        vsa: msp_examples::kaseya_with(sim, vsa::sim::Simulator::builder().agents(20)).await?,
        cw: msp_examples::cwmanage_with(sim, cw::sim::Simulator::builder().tickets(100)).await?,
    };
    let options = Options::parse(clients.simulated())?;
    let passes = if clients.simulated() { 2 } else { 1 };
    for pass in 1..=passes {
        if pass == 2 {
            eprintln!("-- second pass: every alarm is on a ticket now, so nothing is created");
        }
        let s = run(&clients, &options).await?;
        eprintln!(
            "alarm-to-ticket: {} open alarms → {} tickets created, {} found, {} notes added, {} already noted",
            s.open_alarms,
            s.tickets_created,
            s.tickets_found,
            s.notes_added,
            s.alarms_already_noted
        );
        workflow::print_summary(pass, &s)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    workflow::exit_code("alarm-to-ticket", try_main().await)
}
