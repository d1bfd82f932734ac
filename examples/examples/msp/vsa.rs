//! `msp vsa …`: Kaseya VSA 9 agents, organizations and agent procedures.

use msp_common::Request;
use msp_examples::vsa::ids::{AgentId, AgentProcedureId};
use msp_examples::vsa::odata::{Filter, fields::agents::AGENT_NAME};
use msp_examples::vsa::{Listing, Raw};

use crate::args::{self, Args};
use crate::output::{self, Failure};

pub(crate) const USAGE: &str = "\
usage: msp vsa <command> [args]

  agents [--name EXACT] [--filter EXPR] [--order-by EXPR] [--limit N]
                                    agents, every page; --name matches AgentName exactly,
                                    --filter takes OData (\"OSType eq 'Windows'\")
  agent ID                          one agent
  orgs [--limit N]                  organizations
  run-procedure AGENT_ID PROCEDURE_ID [--yes]
                                    run an agent procedure now
  raw METHOD PATH [--body JSON] [--yes]
                                    any call, PATH relative to /api/v1.0 (system/orgs);
                                    POST, PUT, PATCH and DELETE are writes

Writes print the request they would send; --yes sends it and prints the server's answer.
Environment: KASEYA_URL (the server root), KASEYA_USERNAME, KASEYA_PASSWORD or KASEYA_PAT.";

pub(crate) async fn run(command: String, mut args: Args) -> Result<(), Failure> {
    match command.as_str() {
        "agents" => {
            let name = args.option("name")?;
            let filter = args.option("filter")?;
            let order_by = args.option("order-by")?;
            let limit = args.limit()?;
            args.finish()?;
            // The typed builder quotes the name (`AgentName eq 'O''Brien''s PC'`).
            let by_name = name.map(|name| AGENT_NAME.eq(name));
            let filter = Filter::all(filter.map(Filter::raw).into_iter().chain(by_name));
            let vsa = msp_examples::kaseya(args.sim()).await?;
            let mut list = vsa.client.agents().list();
            if let Some(filter) = filter {
                list = list.filter(filter);
            }
            if let Some(order_by) = order_by {
                list = list.order_by_raw(order_by);
            }
            if let Some(limit) = limit {
                list = list.limit(limit as u64);
            }
            let agents = output::collect(list.stream(), limit, "agents").await?;
            output::print_json(&agents)
        }
        "agent" => {
            let id: AgentId = args.positional_as("ID")?;
            args.finish()?;
            let vsa = msp_examples::kaseya(args.sim()).await?;
            output::print_json(&vsa.client.agents().get(&id).await?)
        }
        "orgs" => {
            let limit = args.limit()?;
            args.finish()?;
            let vsa = msp_examples::kaseya(args.sim()).await?;
            let mut list = vsa.client.orgs().list();
            if let Some(limit) = limit {
                list = list.limit(limit as u64);
            }
            let orgs = output::collect(list.stream(), limit, "organizations").await?;
            output::print_json(&orgs)
        }
        "run-procedure" => {
            let agent: AgentId = args.positional_as("AGENT_ID")?;
            let procedure: AgentProcedureId = args.positional_as("PROCEDURE_ID")?;
            let yes = args.yes();
            args.finish()?;
            let vsa = msp_examples::kaseya(args.sim()).await?;
            let call = vsa.client.agent_procedures().run_now(&agent, &procedure);
            if output::write_or_preview(call, yes).await?.is_none() {
                return Ok(());
            }
            eprintln!("msp: procedure {procedure} queued to run on agent {agent}");
            output::print_json(&serde_json::json!({
                "agent_id": agent.as_str(),
                "procedure_id": procedure.as_str(),
                "queued": true,
            }))
        }
        "raw" => {
            let method = args::method(&args.positional("METHOD")?)?;
            let (path, query) = args::path_and_query(&args.positional("PATH")?)?;
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
            let vsa = msp_examples::kaseya(args.sim()).await?;
            let call = vsa.client.send(request.operation("raw"));
            let yes = yes || !call.is_write();
            match output::write_or_preview(call, yes).await? {
                Some(response) => output::print_raw(&response),
                None => Ok(()),
            }
        }
        other => Err(Failure::unknown_command("vsa", other)),
    }
}
