//! `msp vsa …`: Kaseya VSA 9 agents, organizations and agent procedures.

use msp_common::secret::SecretString;
use msp_common::{Method, Request};
use msp_examples::vsa::Client;
use msp_examples::vsa::ids::{AgentId, AgentProcedureId};
use msp_examples::vsa::odata::{Filter, fields::agents::AGENT_NAME};

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
            let vsa = msp_examples::kaseya().await?;
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
            let vsa = msp_examples::kaseya().await?;
            output::print_json(&vsa.client.agents().get(&id).await?)
        }
        "orgs" => {
            let limit = args.limit()?;
            args.finish()?;
            let vsa = msp_examples::kaseya().await?;
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
            // What `agent_procedures().run_now` sends; sent here through the escape hatch
            // so that the server's answer can be shown.
            let request = Request::put("automation/agentprocs")
                .segments([agent.as_str(), procedure.as_str(), "runnow"])
                .operation("run_agent_procedure");
            let vsa = msp_examples::kaseya().await?;
            send_or_preview(&vsa.client, request, yes).await
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
            let mut request = Request::new(method.clone(), &path).query_pairs(query);
            if let Some(body) = &body {
                request = request.json(body)?;
            }
            let vsa = msp_examples::kaseya().await?;
            send_or_preview(&vsa.client, request, yes || method == Method::GET).await
        }
        other => Err(Failure::unknown_command("vsa", other)),
    }
}

/// Sends `request` and prints the answer (the `{Result, ResponseCode, Status, Error}`
/// envelope), or — without `--yes` — prints the request.
async fn send_or_preview(client: &Client, request: Request, send: bool) -> Result<(), Failure> {
    if !send {
        // The client adds its session's bearer token when it sends; show where it goes.
        let token = SecretString::from("Bearer <session token>");
        let shown = request.sensitive_header("Authorization", &token)?;
        return output::print_dry_run(&client.transport().preview(&shown)?);
    }
    let response = client.send(request).await?;
    output::print_raw(&response)
}
