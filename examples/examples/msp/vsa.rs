//! `msp vsa …`: Kaseya VSA 9 agents, organizations and agent procedures.

use clap::Subcommand;
use msp_common::{Method, Request};
use msp_examples::vsa::ids::{AgentId, AgentProcedureId};
use msp_examples::vsa::odata::{Filter, fields::agents::AGENT_NAME};
use msp_examples::vsa::{Listing, Raw};

use crate::args::{self, Confirm, Limit, PathAndQuery};
use crate::output::{self, Failure};

/// The variables `msp vsa` reads, shown after its help.
pub(crate) const ENVIRONMENT: &str = "\
Writes print the request they would send; --yes sends it and prints the server's answer.

Environment: KASEYA_URL (the server root), KASEYA_USERNAME, KASEYA_PASSWORD or KASEYA_PAT
(or --sim / MSP_SIM=1 for the built-in simulator).";

/// `msp vsa <command>`.
#[derive(Subcommand, Debug)]
pub(crate) enum Commands {
    /// Agents, every page; --name matches AgentName exactly, --filter takes OData
    Agents {
        /// The full AgentName (machine.group.org), matched exactly
        #[arg(long, value_name = "EXACT")]
        name: Option<String>,
        /// An OData filter, like "OSType eq 'Windows'" or "substringof('PC', AgentName)"
        #[arg(long, value_name = "EXPR")]
        filter: Option<String>,
        /// An OData orderby, like 'AgentName desc'
        #[arg(long, value_name = "EXPR")]
        order_by: Option<String>,
        #[command(flatten)]
        limit: Limit,
    },
    /// One agent
    Agent {
        /// The agent id (up to 26 digits)
        #[arg(value_parser = args::parsed::<AgentId>)]
        id: AgentId,
    },
    /// Organizations
    Orgs {
        #[command(flatten)]
        limit: Limit,
    },
    /// Run an agent procedure now
    RunProcedure {
        /// The agent id
        #[arg(value_parser = args::parsed::<AgentId>)]
        agent_id: AgentId,
        /// The agent procedure id
        #[arg(value_parser = args::parsed::<AgentProcedureId>)]
        procedure_id: AgentProcedureId,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Any call; POST, PUT, PATCH and DELETE are writes
    Raw {
        /// GET, POST, PUT, PATCH or DELETE
        #[arg(value_parser = args::method)]
        method: Method,
        /// The path relative to /api/v1.0, with an optional query (system/orgs?$top=2)
        #[arg(value_name = "PATH", value_parser = args::path_and_query)]
        path: PathAndQuery,
        /// The JSON body
        #[arg(long, value_name = "JSON", value_parser = args::json)]
        body: Option<serde_json::Value>,
        #[command(flatten)]
        confirm: Confirm,
    },
}

pub(crate) async fn run(command: Commands, sim: bool) -> Result<(), Failure> {
    let vsa = msp_examples::kaseya(sim).await?;
    let client = &vsa.client;
    match command {
        Commands::Agents {
            name,
            filter,
            order_by,
            limit: Limit { limit },
        } => {
            // The typed builder quotes the name (`AgentName eq 'O''Brien''s PC'`).
            let by_name = name.map(|name| AGENT_NAME.eq(name));
            let filter = Filter::all(filter.map(Filter::raw).into_iter().chain(by_name));
            let mut list = client.agents().list();
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
        Commands::Agent { id } => output::print_json(&client.agents().get(&id).await?),
        Commands::Orgs {
            limit: Limit { limit },
        } => {
            let mut list = client.orgs().list();
            if let Some(limit) = limit {
                list = list.limit(limit as u64);
            }
            let orgs = output::collect(list.stream(), limit, "organizations").await?;
            output::print_json(&orgs)
        }
        Commands::RunProcedure {
            agent_id: agent,
            procedure_id: procedure,
            confirm,
        } => {
            let call = client.agent_procedures().run_now(&agent, &procedure);
            if output::write_or_preview(call, confirm.yes).await?.is_none() {
                return Ok(());
            }
            eprintln!("msp: procedure {procedure} queued to run on agent {agent}");
            output::print_json(&serde_json::json!({
                "agent_id": agent.as_str(),
                "procedure_id": procedure.as_str(),
                "queued": true,
            }))
        }
        Commands::Raw {
            method,
            path: (path, query),
            body,
            confirm,
        } => {
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
