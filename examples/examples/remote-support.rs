//! Remote support: a ConnectWise ticket for a machine → its ScreenConnect session (or an
//! installer URL when the machine has none yet) → a note on the ticket with the details.
//!
//! ```text
//! cargo run -p msp-examples --example remote-support -- [MACHINE]… [--company IDENTIFIER] [--board NAME]
//! ```
//!
//! For each machine:
//!
//! 1. find the open ticket `Remote support: {machine}` of the company, or create it;
//! 2. look the machine up in ScreenConnect (`GetSessionsByName`);
//! 3. no session yet: build an access agent installer URL carrying the company and the
//!    ticket number, and note it on the ticket (on the simulator, "run" the installer the
//!    way the customer would, so the session appears);
//! 4. a session: note its details on the ticket — once per session.
//!
//! Re-running is safe: notes carry a marker (`[remote-support] …`) and are looked up
//! before anything is written, so a second run finds the ticket, the session and the
//! note, and creates nothing.
//!
//! Without `CWM_URL` / `SCREENCONNECT_URL` the built-in simulators are used, the machines
//! default to `ACME-DC01` (has a session) and `ACME-WS42` (has none), and the workflow
//! runs twice to show the second pass creates nothing. Stdout gets one JSON summary line
//! per pass; progress goes to stderr.

use std::process::ExitCode;

use cw::models::{Company, TicketId};
use msp_examples::workflow::{
    self, Accept, Result, find_board, find_company, find_or_create_ticket, note_texts,
};
use msp_examples::{Connected, cw, sc};
use sc::installer::Platform;
use sc::models::{PropertyNames, Session, SessionType};
use serde::Serialize;

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    machines: usize,
    tickets_created: usize,
    tickets_found: usize,
    sessions_found: usize,
    installers_built: usize,
    notes_added: usize,
    notes_existing: usize,
    ticket_ids: Vec<TicketId>,
}

/// The connected vendors (and the simulators, when no URL was configured).
struct Clients {
    cw: Connected<cw::Client, cw::sim::Simulator>,
    sc: Connected<sc::Client, sc::sim::Simulator>,
}

impl Clients {
    fn simulated(&self) -> bool {
        self.cw.simulated() || self.sc.simulated()
    }
}

/// Command-line options.
struct Options {
    machines: Vec<String>,
    company: String,
    board: String,
}

// ---------------------------------------------------------------------------------------
// The workflow

async fn run(clients: &Clients, options: &Options) -> Result<Summary> {
    let cw = &clients.cw.client;
    let sc = &clients.sc.client;
    let mut summary = Summary {
        machines: options.machines.len(),
        ..Summary::default()
    };

    let company = find_company(cw, &options.company).await?;
    let board = find_board(cw, &options.board).await?;

    for machine in &options.machines {
        // 1. The ticket.
        let summary_text = format!("Remote support: {machine}");
        let (ticket, created) =
            find_or_create_ticket(cw, &company, &board, &summary_text, Accept::Open).await?;
        let ticket_id = ticket.id.ok_or("Manage answered a ticket without an id")?;
        if created {
            summary.tickets_created += 1;
            eprintln!("{machine}: created ticket #{ticket_id}");
        } else {
            summary.tickets_found += 1;
            eprintln!("{machine}: found open ticket #{ticket_id}");
        }
        summary.ticket_ids.push(ticket_id);
        let notes = note_texts(cw, ticket_id).await?;

        // 2. The machine's ScreenConnect session, if it has one.
        let mut session = find_access_session(sc, machine).await?;

        // 3. None yet: an installer URL for the customer to run.
        if session.is_none() {
            let names = PropertyNames::company_site_tag();
            let url = sc
                .installer(Platform::Msi)
                .name(machine)
                .property_named(&names, "Company", company_name(&company))?
                .property_named(&names, "Tag", format!("CW#{ticket_id}"))?
                .build()?;
            summary.installers_built += 1;
            eprintln!("{machine}: no ScreenConnect session; installer URL {url}");

            let marker = format!("[remote-support] installer for {machine}");
            if notes.iter().any(|n| n.contains(&marker)) {
                summary.notes_existing += 1;
            } else {
                let text = format!(
                    "{marker}\nThe machine has no ScreenConnect session yet. Ask the customer to \
                     run this installer; the session then appears under the name {machine}:\n{url}"
                );
                cw.tickets().notes(ticket_id).add_internal(text).await?;
                summary.notes_added += 1;
                eprintln!("{machine}: noted the installer URL on ticket #{ticket_id}");
            }

            // On the simulator, play the customer: run the installer.
            if let Some(sim) = &clients.sc.sim {
                sim.install(url.as_str()).await?;
                eprintln!("{machine}: (simulator) the customer ran the installer");
                session = find_access_session(sc, machine).await?;
            }
        } else {
            summary.sessions_found += 1;
        }

        // 4. A session: its details on the ticket, once.
        let Some(session) = session else { continue };
        let marker = format!("[remote-support] session {}", session.session_id);
        if notes.iter().any(|n| n.contains(&marker)) {
            summary.notes_existing += 1;
            eprintln!("{machine}: ticket #{ticket_id} already has the session details");
            continue;
        }
        let details = sc.sessions().details(&session.session_id).await?;
        let text = format!(
            "{marker}\n{}",
            describe_session(sc, &details.session, details.all_events().count())
        );
        cw.tickets().notes(ticket_id).add_internal(text).await?;
        summary.notes_added += 1;
        eprintln!(
            "{machine}: noted session {} on ticket #{ticket_id}",
            session.session_id
        );
    }
    Ok(summary)
}

/// The machine's access session (the one an installed agent creates), if any.
async fn find_access_session(sc: &sc::Client, machine: &str) -> Result<Option<Session>> {
    let sessions = sc.sessions().by_name(machine).await?;
    Ok(sessions
        .into_iter()
        .find(|s| s.session_type == SessionType::Access && !s.is_ended))
}

/// What a technician needs to know about a session, as note text.
fn describe_session(sc: &sc::Client, session: &Session, events: usize) -> String {
    let names = PropertyNames::company_site_tag();
    let property = |name| session.custom_property_named(&names, name).unwrap_or("-");
    let guest = session.guest_info.clone().unwrap_or_default();
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "never".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
        )
    };
    format!(
        "ScreenConnect session {id} ({state})\n\
         Machine: {machine} — {os}\n\
         Company / site / tag: {company} / {site} / {tag}\n\
         Guest last connected: {connected}; {events} events recorded\n\
         Join: {base}Host#Access/All%20Machines//{id}/Join",
        id = session.session_id,
        state = if session.is_online() {
            "online"
        } else {
            "offline"
        },
        machine = session.machine_name().unwrap_or(&session.name),
        os = guest
            .operating_system_name
            .as_deref()
            .unwrap_or("unknown OS"),
        company = property("Company"),
        site = property("Site"),
        tag = property("Tag"),
        connected = when(session.last_guest_connected_event_time),
        base = sc.base_url(),
    )
}

/// The company's name (its identifier when it has none), for the installer.
fn company_name(company: &Company) -> &str {
    company
        .name
        .as_deref()
        .or(company.identifier.as_deref())
        .unwrap_or("")
}

// ---------------------------------------------------------------------------------------
// Plumbing: options, connections, two passes on simulators, exit codes

impl Options {
    fn parse(simulated: bool) -> Result<Options> {
        let mut machines = Vec::new();
        let mut company = None;
        let mut board = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--company" => company = Some(args.next().ok_or("--company needs a value")?),
                "--board" => board = Some(args.next().ok_or("--board needs a value")?),
                "--sim" => {}
                flag if flag.starts_with("--") => {
                    return Err(format!("unknown option {flag}").into());
                }
                _ => machines.push(arg),
            }
        }
        if machines.is_empty() {
            if !simulated {
                return Err("name at least one machine (its ScreenConnect session name)".into());
            }
            machines = vec!["ACME-DC01".to_owned(), "ACME-WS42".to_owned()];
        }
        let company = match company {
            Some(c) => c,
            None if simulated => "Company1".to_owned(),
            None => return Err("--company IDENTIFIER (a ConnectWise company) is required".into()),
        };
        Ok(Options {
            machines,
            company,
            board: board.unwrap_or_else(|| "Help Desk".to_owned()),
        })
    }
}

async fn try_main() -> Result<()> {
    let sim = msp_examples::simulate(&std::env::args().collect::<Vec<_>>());
    let clients = Clients {
        cw: msp_examples::cwmanage_with(sim, cw::sim::Simulator::builder().tickets(200)).await?,
        sc: msp_examples::screenconnect(sim).await?,
    };
    let options = Options::parse(clients.simulated())?;
    let passes = if clients.simulated() { 2 } else { 1 };
    for pass in 1..=passes {
        if pass == 2 {
            eprintln!("-- second pass: everything exists now, so nothing new is created");
        }
        let summary = run(&clients, &options).await?;
        eprintln!(
            "remote-support: {} machines, {} tickets created, {} found, {} notes added, {} already there",
            summary.machines,
            summary.tickets_created,
            summary.tickets_found,
            summary.notes_added,
            summary.notes_existing
        );
        workflow::print_summary(pass, &summary)?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    workflow::exit_code("remote-support", try_main().await)
}
