//! Inventory sync: Kaseya VSA agents → ConnectWise Manage configurations, created or
//! updated by name.
//!
//! ```text
//! cargo run -p msp-examples --example inventory-sync -- [--company IDENTIFIER] [--type-id N]
//! ```
//!
//! 1. Read the Kaseya organizations and map each to a ConnectWise company: the company
//!    whose identifier is the organization's reference (`acme` → `acme`), else the
//!    `--company` fallback (organizations with neither are skipped, and counted).
//! 2. Read every agent (all pages) and every existing configuration of those companies
//!    (one query, not one per agent).
//! 3. For each agent, the configuration named after the machine in its company:
//!    missing → create it; present with different OS / IP / last user → patch only the
//!    fields that differ; present and equal → leave it.
//!
//! A second run therefore creates nothing: every configuration exists and is up to date.
//! A progress bar is drawn on stderr when stderr is a terminal; a summary line follows.
//!
//! Without `KASEYA_URL` / `CWM_URL` the built-in simulators are used (50 agents, every
//! organization falls back to company `Company1`) and the sync runs twice to show the
//! second pass creates nothing. Stdout gets one JSON summary line per pass.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use cw::conditions::Condition;
use cw::models::{Company, CompanyId, Configuration, Reference};
use cw::patch::PatchOp;
use msp_common::Listing;
use msp_examples::workflow::{self, Result, company_by_identifier, find_company, truncate};
use msp_examples::{Connected, cw, vsa};
use serde::Serialize;
use vsa::agents::Agent;
use vsa::ids::OrgId;
use vsa::odata::fields::agents;

/// The configuration fields the sync owns (JSON paths, as `PATCH` takes them). Fields
/// not listed here are never touched, so edits made in Manage survive a sync.
const SYNCED_FIELDS: [&str; 6] = [
    "company/id",
    "osType",
    "osInfo",
    "ipAddress",
    "lastLoginName",
    "activeFlag",
];

/// What one pass did.
#[derive(Debug, Default, Serialize)]
struct Summary {
    agents: usize,
    configurations_created: usize,
    configurations_updated: usize,
    configurations_unchanged: usize,
    agents_skipped: usize,
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
    /// The company of organizations that match none.
    fallback_company: Option<String>,
    /// The configuration type of new configurations.
    type_id: u64,
}

// ---------------------------------------------------------------------------------------
// The workflow

async fn run(clients: &Clients, options: &Options) -> Result<Summary> {
    let vsa = &clients.vsa.client;
    let cw = &clients.cw.client;
    let mut summary = Summary::default();

    // 1. Which ConnectWise company each Kaseya organization belongs to.
    let companies = map_organizations(vsa, cw, options.fallback_company.as_deref()).await?;

    // 2. Every agent, and every configuration those companies have, keyed by
    //    (company, name).
    eprintln!("reading Kaseya agents…");
    let agents = vsa
        .agents()
        .list()
        .order_by(agents::AGENT_NAME.asc())
        .collect()
        .await?;
    summary.agents = agents.len();
    let mut company_ids: Vec<CompanyId> = companies.values().filter_map(|c| c.id).collect();
    company_ids.sort();
    company_ids.dedup();
    let mut existing: HashMap<(u64, String), Configuration> = HashMap::new();
    if !company_ids.is_empty() {
        let configurations = cw
            .configurations()
            .list()
            .conditions(Condition::field("company/id").is_in(company_ids.iter().copied()))
            .collect()
            .await?;
        for configuration in configurations {
            let company = configuration.company.as_ref().and_then(|c| c.id);
            if let (Some(company), Some(name)) = (company, configuration.name.clone()) {
                existing.entry((company, name)).or_insert(configuration);
            }
        }
    }
    eprintln!(
        "{} agents in Kaseya; {} configurations in ConnectWise for {} companies",
        agents.len(),
        existing.len(),
        company_ids.len()
    );

    // 3. Create or update, agent by agent.
    let mut progress = Progress::new(agents.len());
    for agent in &agents {
        let name = machine_name(agent);
        progress.step(name);
        let company = agent.org_id.as_ref().and_then(|org| companies.get(org));
        let (Some(company_id), false) = (company.and_then(|c| c.id), name.is_empty()) else {
            summary.agents_skipped += 1;
            continue;
        };
        let desired = desired_configuration(agent, company_id, options.type_id);
        match existing.get(&(company_id.0, name.to_owned())) {
            None => {
                cw.configurations().create(&desired).await?;
                summary.configurations_created += 1;
            }
            Some(current) => {
                let changes = differences(current, &desired)?;
                if changes.is_empty() {
                    summary.configurations_unchanged += 1;
                } else {
                    let id = current
                        .id
                        .ok_or("Manage answered a configuration without an id")?;
                    cw.configurations().patch(id, &changes).await?;
                    summary.configurations_updated += 1;
                }
            }
        }
    }
    progress.finish();
    Ok(summary)
}

/// The machine's name: its computer name, else the agent name.
fn machine_name(agent: &Agent) -> &str {
    agent
        .computer_name
        .as_deref()
        .or(agent.agent_name.as_deref())
        .unwrap_or("")
}

/// The configuration an agent should have.
fn desired_configuration(agent: &Agent, company: CompanyId, type_id: u64) -> Configuration {
    let mut configuration = Configuration::default();
    configuration.name = Some(machine_name(agent).to_owned());
    configuration.company = Some(Reference::id(company.0));
    configuration.kind = Some(Reference::id(type_id));
    configuration.active_flag = Some(true);
    let extra = [
        ("osType", &agent.operating_system),
        ("osInfo", &agent.os_info),
        ("ipAddress", &agent.ip_address),
        ("lastLoginName", &agent.last_logged_in_user),
    ];
    for (field, value) in extra {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            configuration.extra.insert(field.to_owned(), value.into());
        }
    }
    configuration
}

/// The patch operations that bring `current` to `desired` on the synced fields. A
/// field the agent does not report is left as it is.
fn differences(current: &Configuration, desired: &Configuration) -> Result<Vec<PatchOp>> {
    let current = serde_json::to_value(current)?;
    let desired = serde_json::to_value(desired)?;
    let mut changes = Vec::new();
    for path in SYNCED_FIELDS {
        let pointer = format!("/{path}");
        let Some(want) = desired.pointer(&pointer).filter(|v| !v.is_null()) else {
            continue;
        };
        if current.pointer(&pointer) != Some(want) {
            changes.push(PatchOp::replace(path, want.clone()));
        }
    }
    Ok(changes)
}

/// Kaseya organization → ConnectWise company: the company whose identifier is the
/// organization's reference, else the fallback company (when there is one).
async fn map_organizations(
    vsa: &vsa::Client,
    cw: &cw::Client,
    fallback: Option<&str>,
) -> Result<HashMap<OrgId, Company>> {
    let fallback = match fallback {
        Some(identifier) => Some(find_company(cw, identifier).await?),
        None => None,
    };
    let mut map = HashMap::new();
    for org in vsa.orgs().list().collect().await? {
        let Some(org_id) = org.org_id else { continue };
        let reference = org.org_ref.clone().unwrap_or_default();
        let matched = match reference.as_str() {
            "" => None,
            r => company_by_identifier(cw, r).await?,
        };
        let label = org.org_name.as_deref().unwrap_or(&reference);
        match matched.or_else(|| fallback.clone()) {
            Some(company) => {
                let identifier = company.identifier.as_deref().unwrap_or("?");
                eprintln!("Kaseya organization {label:?} → ConnectWise company {identifier}");
                map.insert(org_id, company);
            }
            None => eprintln!(
                "Kaseya organization {label:?} matches no ConnectWise company; its agents are skipped"
            ),
        }
    }
    Ok(map)
}

// ---------------------------------------------------------------------------------------
// A progress bar on stderr, only when stderr is a terminal

struct Progress {
    total: usize,
    done: usize,
    enabled: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            done: 0,
            enabled: std::io::stderr().is_terminal() && total > 0,
        }
    }

    /// Counts one item and redraws: `[##########----------]  25/50 PC-0024`.
    fn step(&mut self, label: &str) {
        self.done += 1;
        if !self.enabled {
            return;
        }
        const WIDTH: usize = 30;
        let filled = WIDTH * self.done / self.total;
        let label = truncate(label, 30);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {:>w$}/{} {label:<30}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled),
            self.done,
            self.total,
            w = self.total.to_string().len()
        );
        let _ = err.flush();
    }

    fn finish(&self) {
        if self.enabled {
            eprintln!();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Plumbing: options, connections, two passes on simulators, exit codes

impl Options {
    fn parse(simulated: bool) -> Result<Options> {
        let mut fallback_company = None;
        let mut type_id = 1;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--company" => {
                    fallback_company = Some(args.next().ok_or("--company needs a value")?);
                }
                "--type-id" => {
                    let value = args.next().ok_or("--type-id needs a value")?;
                    type_id = value
                        .parse()
                        .map_err(|_| format!("--type-id {value:?} is not a number"))?;
                }
                "--sim" => {}
                other => return Err(format!("unexpected argument {other}").into()),
            }
        }
        if fallback_company.is_none() && simulated {
            fallback_company = Some("Company1".to_owned());
        }
        Ok(Options {
            fallback_company,
            type_id,
        })
    }
}

async fn try_main() -> Result<()> {
    let sim = msp_examples::simulate(&std::env::args().collect::<Vec<_>>());
    let clients = Clients {
        vsa: msp_examples::kaseya_with(sim, vsa::sim::Simulator::builder().agents(50)).await?,
        cw: msp_examples::cwmanage_with(sim, cw::sim::Simulator::builder().tickets(100)).await?,
    };
    let options = Options::parse(clients.simulated())?;
    if clients.cw.simulated() && clients.vsa.simulated() {
        plant_stale_configuration(&clients).await?;
    }
    let passes = if clients.simulated() { 2 } else { 1 };
    for pass in 1..=passes {
        if pass == 2 {
            eprintln!("-- second pass: every configuration exists now, so nothing is created");
        }
        let s = run(&clients, &options).await?;
        eprintln!(
            "inventory-sync: {} agents → {} created, {} updated, {} unchanged, {} skipped",
            s.agents,
            s.configurations_created,
            s.configurations_updated,
            s.configurations_unchanged,
            s.agents_skipped
        );
        workflow::print_summary(pass, &s)?;
    }
    Ok(())
}

/// On the simulators only: a configuration for the first agent as an older sync left
/// it (another IP address), so that the first pass shows an update as well.
async fn plant_stale_configuration(clients: &Clients) -> Result<()> {
    let vsa = &clients.vsa.client;
    let cw = &clients.cw.client;
    let first = vsa
        .agents()
        .list()
        .order_by(agents::AGENT_NAME.asc())
        .limit(1)
        .collect()
        .await?;
    let (Some(agent), Some(company)) =
        (first.first(), company_by_identifier(cw, "Company1").await?)
    else {
        return Ok(());
    };
    let mut stale = desired_configuration(agent, company.id.unwrap_or_default(), 1);
    stale.extra.insert("ipAddress".into(), "192.0.2.1".into());
    cw.configurations().create(&stale).await?;
    eprintln!(
        "(simulator) planted a configuration for {} with an outdated IP address",
        machine_name(agent)
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    workflow::exit_code("inventory-sync", try_main().await)
}
