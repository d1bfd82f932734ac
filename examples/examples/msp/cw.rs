//! `msp cw …`: ConnectWise Manage tickets and companies.

use clap::Subcommand;
use futures_util::{TryStreamExt, future};
use msp_common::{Method, Request};
use msp_examples::cw::conditions::Condition;
use msp_examples::cw::models::TicketNote;
use msp_examples::cw::patch::PatchOp;
use msp_examples::cw::query::MAX_PAGE_SIZE;
use msp_examples::cw::{Listing, Raw};

use crate::args::{self, Confirm, Limit, PathAndQuery};
use crate::output::{self, Failure};

/// The variables `msp cw` reads, shown after its help.
pub(crate) const ENVIRONMENT: &str = "\
Writes print the request they would send; --yes sends it and prints the record returned.

Environment: CWM_URL (the API base, like https://host/v4_6_release/apis/3.0), CWM_COMPANY,
CWM_PUBLIC_KEY, CWM_PRIVATE_KEY, CWM_CLIENT_ID (or --sim / MSP_SIM=1 for the built-in
simulator).";

/// `msp cw <command>`.
#[derive(Subcommand, Debug)]
pub(crate) enum Commands {
    /// Service tickets, every page, e.g. --conditions 'board/id = 1'
    Tickets {
        /// A conditions expression, like 'board/id = 1 and status/name = "New"'
        #[arg(long, value_name = "EXPR")]
        conditions: Option<String>,
        /// An orderBy expression, like 'id desc'
        #[arg(long, value_name = "EXPR")]
        order_by: Option<String>,
        /// Records per page, 1 to 1000
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_PAGE_SIZE)))]
        page_size: Option<u32>,
        #[command(flatten)]
        limit: Limit,
    },
    /// One ticket
    Ticket {
        /// The ticket id
        id: u64,
    },
    /// Companies; --name matches the name exactly, any characters
    Companies {
        /// The company name, matched exactly (quotes of both kinds are fine)
        #[arg(long, value_name = "EXACT")]
        name: Option<String>,
        /// A conditions expression, like 'status/name = "Active"'
        #[arg(long, value_name = "EXPR")]
        conditions: Option<String>,
        #[command(flatten)]
        limit: Limit,
    },
    /// Add a discussion note to a ticket (--internal: an internal note)
    AddNote {
        /// The ticket id
        ticket: u64,
        /// The note
        #[arg(allow_hyphen_values = true)]
        text: String,
        /// An internal note rather than a discussion note
        #[arg(long)]
        internal: bool,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Move a ticket to a status of its board
    SetStatus {
        /// The ticket id
        ticket: u64,
        /// The status id (one of the ticket's board)
        status_id: u64,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Any call; POST, PUT, PATCH and DELETE are writes
    Raw {
        /// GET, POST, PUT, PATCH or DELETE
        #[arg(value_parser = args::method)]
        method: Method,
        /// The path relative to the API base, with an optional query (service/tickets/1)
        #[arg(value_name = "PATH", value_parser = args::path_and_query)]
        path: PathAndQuery,
        /// A query parameter; repeatable
        #[arg(long, value_name = "K=V", value_parser = args::key_value)]
        query: Vec<(String, String)>,
        /// The JSON body
        #[arg(long, value_name = "JSON", value_parser = args::json)]
        body: Option<serde_json::Value>,
        #[command(flatten)]
        confirm: Confirm,
    },
}

pub(crate) async fn run(command: Commands, sim: bool) -> Result<(), Failure> {
    let cw = msp_examples::cwmanage(sim).await?;
    let client = &cw.client;
    match command {
        Commands::Tickets {
            conditions,
            order_by,
            page_size,
            limit: Limit { limit },
        } => {
            let mut list = client.tickets().list();
            if let Some(conditions) = conditions {
                list = list.conditions(conditions);
            }
            if let Some(order_by) = order_by {
                list = list.order_by(order_by);
            }
            if let Some(size) = page_size {
                list = list.page_size(size);
            }
            if let Some(limit) = limit {
                list = list.limit(limit as u64);
            }
            let tickets = output::collect(list.stream(), limit, "tickets").await?;
            output::print_json(&tickets)
        }
        Commands::Ticket { id } => output::print_json(&client.tickets().get(id).await?),
        Commands::Companies {
            name,
            conditions,
            limit: Limit { limit },
        } => {
            // `covering_eq` writes `name = "…"`, or — for a name holding both kinds of
            // quote, which Manage cannot escape — `like` patterns whose answer is then
            // narrowed here to the exact name.
            let by_name = name
                .clone()
                .map(|name| Condition::field("name").covering_eq(name));
            let condition = match (conditions.map(Condition::raw), by_name) {
                (Some(raw), Some(by_name)) => Some(raw.and(by_name)),
                (raw, by_name) => raw.or(by_name),
            };
            let mut list = client.companies().list();
            if let Some(condition) = condition {
                list = list.conditions(condition);
            }
            let companies = list
                .stream()
                .try_filter(move |company| future::ready(name.is_none() || company.name == name));
            let companies = output::collect(companies, limit, "companies").await?;
            output::print_json(&companies)
        }
        Commands::AddNote {
            ticket,
            text,
            internal,
            confirm,
        } => {
            let mut note = TicketNote::default();
            note.ticket_id = Some(ticket.into());
            note.text = Some(text);
            if internal {
                note.internal_analysis_flag = Some(true);
            } else {
                note.detail_description_flag = Some(true);
            }
            let call = client.tickets().notes(ticket).create(&note);
            match output::write_or_preview(call, confirm.yes).await? {
                Some(created) => output::print_json(&created),
                None => Ok(()),
            }
        }
        Commands::SetStatus {
            ticket,
            status_id,
            confirm,
        } => {
            let ops = [PatchOp::replace("status/id", status_id)];
            let call = client.tickets().patch(ticket, &ops);
            match output::write_or_preview(call, confirm.yes).await? {
                Some(updated) => output::print_json(&updated),
                None => Ok(()),
            }
        }
        Commands::Raw {
            method,
            path: (path, mut query),
            query: more,
            body,
            confirm,
        } => {
            query.extend(more);
            let mut request = Request::new(method, &path).query_pairs(query);
            if let Some(body) = &body {
                request = request.json(body)?;
            }
            let call = client.send(request.operation("raw"));
            let yes = confirm.yes || !call.is_write();
            match output::write_or_preview(call, yes).await? {
                Some(response) => output::print_raw(&response),
                None => Ok(()),
            }
        }
    }
}
