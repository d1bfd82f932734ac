//! `msp cw …`: ConnectWise Manage tickets and companies.

use futures_util::{TryStreamExt, future};
use msp_common::Request;
use msp_examples::cw::conditions::Condition;
use msp_examples::cw::models::TicketNote;
use msp_examples::cw::patch::PatchOp;
use msp_examples::cw::query::MAX_PAGE_SIZE;
use msp_examples::cw::{Listing, Raw};

use crate::args::{self, Args};
use crate::output::{self, Failure};

pub(crate) const USAGE: &str = "\
usage: msp cw <command> [args]

  tickets [--conditions EXPR] [--order-by EXPR] [--page-size N] [--limit N]
                                    service tickets, every page, e.g. --conditions 'board/id = 1'
  ticket ID                         one ticket
  companies [--name EXACT] [--conditions EXPR] [--limit N]
                                    companies; --name matches the name exactly, any characters
  add-note TICKET TEXT [--internal] [--yes]
                                    add a discussion note (--internal: an internal note)
  set-status TICKET STATUS_ID [--yes]
                                    move a ticket to a status of its board
  raw METHOD PATH [--query K=V]... [--body JSON] [--yes]
                                    any call, PATH relative to the API base (service/tickets/1);
                                    POST, PUT, PATCH and DELETE are writes

Writes print the request they would send; --yes sends it and prints the record returned.
Environment: CWM_URL (the API base, like https://host/v4_6_release/apis/3.0), CWM_COMPANY,
CWM_PUBLIC_KEY, CWM_PRIVATE_KEY, CWM_CLIENT_ID.";

pub(crate) async fn run(command: String, mut args: Args) -> Result<(), Failure> {
    match command.as_str() {
        "tickets" => {
            let conditions = args.option("conditions")?;
            let order_by = args.option("order-by")?;
            let page_size: Option<u32> = args.option_as("page-size")?;
            let limit = args.limit()?;
            args.finish()?;
            if page_size.is_some_and(|n| n == 0 || n > MAX_PAGE_SIZE) {
                return Err(Failure::usage(format!(
                    "--page-size must be 1 to {MAX_PAGE_SIZE}"
                )));
            }
            let cw = msp_examples::cwmanage(args.sim()).await?;
            let mut list = cw.client.tickets().list();
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
        "ticket" => {
            let id: u64 = args.positional_as("ID")?;
            args.finish()?;
            let cw = msp_examples::cwmanage(args.sim()).await?;
            output::print_json(&cw.client.tickets().get(id).await?)
        }
        "companies" => {
            let name = args.option("name")?;
            let conditions = args.option("conditions")?;
            let limit = args.limit()?;
            args.finish()?;
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
            let cw = msp_examples::cwmanage(args.sim()).await?;
            let mut list = cw.client.companies().list();
            if let Some(condition) = condition {
                list = list.conditions(condition);
            }
            let companies = list
                .stream()
                .try_filter(move |company| future::ready(name.is_none() || company.name == name));
            let companies = output::collect(companies, limit, "companies").await?;
            output::print_json(&companies)
        }
        "add-note" => {
            let ticket: u64 = args.positional_as("TICKET")?;
            let text = args.positional("TEXT")?;
            let internal = args.flag("internal");
            let yes = args.yes();
            args.finish()?;
            let mut note = TicketNote::default();
            note.ticket_id = Some(ticket.into());
            note.text = Some(text);
            if internal {
                note.internal_analysis_flag = Some(true);
            } else {
                note.detail_description_flag = Some(true);
            }
            let cw = msp_examples::cwmanage(args.sim()).await?;
            let call = cw.client.tickets().notes(ticket).create(&note);
            match output::write_or_preview(call, yes).await? {
                Some(created) => output::print_json(&created),
                None => Ok(()),
            }
        }
        "set-status" => {
            let ticket: u64 = args.positional_as("TICKET")?;
            let status: u64 = args.positional_as("STATUS_ID")?;
            let yes = args.yes();
            args.finish()?;
            let ops = [PatchOp::replace("status/id", status)];
            let cw = msp_examples::cwmanage(args.sim()).await?;
            let call = cw.client.tickets().patch(ticket, &ops);
            match output::write_or_preview(call, yes).await? {
                Some(updated) => output::print_json(&updated),
                None => Ok(()),
            }
        }
        "raw" => {
            let method = args::method(&args.positional("METHOD")?)?;
            let (path, mut query) = args::path_and_query(&args.positional("PATH")?)?;
            for pair in args.options("query") {
                query.push(args::key_value("query", &pair)?);
            }
            let body = match args.option("body")? {
                Some(text) => Some(args::json("--body", &text)?),
                None => None,
            };
            let yes = args.yes();
            args.finish()?;
            let mut request = Request::new(method, &path).query_pairs(query);
            if let Some(body) = &body {
                request = request.json(body)?;
            }
            let cw = msp_examples::cwmanage(args.sim()).await?;
            let call = cw.client.send(request.operation("raw"));
            let yes = yes || !call.is_write();
            match output::write_or_preview(call, yes).await? {
                Some(response) => output::print_raw(&response),
                None => Ok(()),
            }
        }
        other => Err(Failure::unknown_command("cw", other)),
    }
}
