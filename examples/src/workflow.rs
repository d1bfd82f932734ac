//! Plumbing shared by the cross-vendor workflow examples (`remote-support`,
//! `inventory-sync`, `privileged-access`, `alarm-to-ticket`, `service-restart`): the
//! error type, the exit code, the JSON summary line, and the ConnectWise and Kaseya
//! look-ups every workflow starts with. The workflows themselves stay in the examples.

use std::process::ExitCode;

use serde::Serialize;

use crate::cw::models::{Board, Company, Reference, Ticket, TicketId};
use crate::{cw, one_line};
use msp_common::Listing;

/// Any error a workflow can meet.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A workflow result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The exit code of a workflow run by `main`: success, or the error and its causes on
/// one stderr line prefixed with the workflow's `name`, and a failure code.
///
/// ```no_run
/// # use msp_examples::workflow;
/// # async fn try_main() -> workflow::Result<()> { Ok(()) }
/// #[tokio::main]
/// async fn main() -> std::process::ExitCode {
///     workflow::exit_code("remote-support", try_main().await)
/// }
/// ```
///
/// A missing or unusable variable ([`crate::SetupError::is_usage`]) exits with 2, like
/// any usage error; other failures exit with 1.
pub fn exit_code(name: &str, result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{name}: {}", one_line(&*err));
            let usage = err
                .downcast_ref::<crate::SetupError>()
                .is_some_and(crate::SetupError::is_usage);
            if usage {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Prints one JSON line on stdout: `{"pass":1,…the summary's fields…}`.
pub fn print_summary<S: Serialize>(pass: u32, summary: &S) -> Result<()> {
    #[derive(Serialize)]
    struct Line<'a, S> {
        pass: u32,
        #[serde(flatten)]
        summary: &'a S,
    }
    println!("{}", serde_json::to_string(&Line { pass, summary })?);
    Ok(())
}

/// At most the first `max` characters of `text` (a ticket summary holds 100).
pub fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The ConnectWise company whose identifier is exactly `identifier`, if there is one.
pub async fn company_by_identifier(cw: &cw::Client, identifier: &str) -> Result<Option<Company>> {
    Ok(cw
        .companies()
        .find_exact("identifier", identifier)
        .await?
        .into_iter()
        .next())
}

/// The ConnectWise company whose identifier is exactly `identifier`; an error when there
/// is none.
pub async fn find_company(cw: &cw::Client, identifier: &str) -> Result<Company> {
    company_by_identifier(cw, identifier).await?.ok_or_else(|| {
        format!("ConnectWise has no company with the identifier {identifier:?}").into()
    })
}

/// The ConnectWise service board named exactly `name`; an error when there is none.
pub async fn find_board(cw: &cw::Client, name: &str) -> Result<Board> {
    let found = cw.boards().find_exact("name", name).await?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("ConnectWise has no service board named {name:?}").into())
}

/// Which tickets a ticket look-up accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Only tickets that are not closed: a closed one does not count, so a new ticket is
    /// opened.
    Open,
    /// Open or closed tickets: a ticket once opened is found again after it was closed.
    OpenOrClosed,
}

/// The ticket of `company` whose summary is exactly `summary` and that `accept` allows.
pub async fn find_ticket(
    cw: &cw::Client,
    company: &Company,
    summary: &str,
    accept: Accept,
) -> Result<Option<Ticket>> {
    let company_id = company.id.ok_or("the company has no id")?;
    let found = cw.tickets().find_exact("summary", summary).await?;
    Ok(found.into_iter().find(|t| {
        (accept == Accept::OpenOrClosed || t.closed_flag != Some(true))
            && t.company.as_ref().and_then(|c| c.id) == Some(company_id.0)
    }))
}

/// The ticket of `company` whose summary is exactly `summary` and that `accept` allows,
/// or a new one on `board`. The second value says whether it was created.
pub async fn find_or_create_ticket(
    cw: &cw::Client,
    company: &Company,
    board: &Board,
    summary: &str,
    accept: Accept,
) -> Result<(Ticket, bool)> {
    if let Some(ticket) = find_ticket(cw, company, summary, accept).await? {
        return Ok((ticket, false));
    }
    let company_id = company.id.ok_or("the company has no id")?;
    let mut ticket = Ticket::new(summary, company_id);
    ticket.board = board.id.map(|id| Reference::id(id.0));
    Ok((cw.tickets().create(&ticket).await?, true))
}

/// The texts of a ticket's notes (notes without text are left out).
pub async fn note_texts(cw: &cw::Client, ticket: TicketId) -> Result<Vec<String>> {
    let notes = cw.tickets().notes(ticket).list().collect().await?;
    Ok(notes.into_iter().filter_map(|n| n.text).collect())
}
