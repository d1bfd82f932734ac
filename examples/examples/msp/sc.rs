//! `msp sc …`: ScreenConnect sessions through the RESTful API Manager extension.

use clap::{ArgGroup, Args, Subcommand};
use msp_examples::sc::installer::Platform;
use msp_examples::sc::{Call, Client, models::SessionId};

use crate::args::{self, Confirm, Limit};
use crate::output::{self, Failure};

/// The variables `msp sc` reads, shown after its help.
pub(crate) const ENVIRONMENT: &str = "\
Writes print the request they would send; --yes sends it and prints the session after it.

Environment: SCREENCONNECT_URL, SCREENCONNECT_SECRET, optional SCREENCONNECT_ORIGIN
(or --sim / MSP_SIM=1 for the built-in simulator).";

/// `msp sc <command>`.
#[derive(Subcommand, Debug)]
pub(crate) enum Commands {
    /// Sessions named NAME ("" lists the unnamed ones)
    Sessions {
        /// The session name, matched exactly
        #[arg(allow_hyphen_values = true)]
        name: String,
        #[command(flatten)]
        limit: Limit,
    },
    /// One session with its connections and events
    Session {
        /// The session id (a GUID)
        id: String,
    },
    /// Sessions matching a filter, e.g. "CustomProperty1 = 'Acme'"
    Filter {
        /// A session filter expression
        #[arg(value_name = "EXPR", allow_hyphen_values = true)]
        expression: String,
        #[command(flatten)]
        limit: Limit,
    },
    /// Queue a backstage command ("#!ps\nGet-Service" for PowerShell)
    SendCommand {
        /// The session id (a GUID)
        id: String,
        /// The command line to run
        #[arg(allow_hyphen_values = true)]
        command: String,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Send a chat message to the guest
    SendMessage {
        /// The session id (a GUID)
        id: String,
        /// The message
        #[arg(allow_hyphen_values = true)]
        text: String,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Add a note to the session
    Note {
        /// The session id (a GUID)
        id: String,
        /// The note
        #[arg(allow_hyphen_values = true)]
        text: String,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Change custom properties (Company = 1, Site = 2, Tag = 3)
    #[command(group = ArgGroup::new("change").required(true).multiple(true).args(["company", "site", "tag", "cp"]))]
    SetProperties {
        /// The session id (a GUID)
        id: String,
        #[command(flatten)]
        named: Named,
        /// Custom property N (1 to 8) set to VALUE; repeatable
        #[arg(long, value_name = "N=VALUE", value_parser = custom_property)]
        cp: Vec<(usize, String)>,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// An access agent installer URL and its silent install command
    BuildInstaller {
        /// msi, exe, pkg, deb, rpm or sh
        #[arg(long, value_parser = args::parsed::<Platform>)]
        platform: Platform,
        /// The name the installed machine's session gets
        #[arg(long)]
        name: String,
        #[command(flatten)]
        named: Named,
    },
    /// Call any extension method; Get* methods are reads, others are writes
    Raw {
        /// The extension method, like GetSessionsByName or AddNoteToSession
        method: String,
        /// Its arguments as a JSON array, like '["ACME-DC01"]'
        #[arg(value_parser = args::json)]
        json_args: serde_json::Value,
        #[command(flatten)]
        confirm: Confirm,
    },
}

// `--company`, `--site`, `--tag`: the custom properties the instance calls Company (1),
// Site (2) and Tag (3).
#[derive(Args, Debug)]
pub(crate) struct Named {
    /// Custom property 1 (Company)
    #[arg(long, value_name = "X")]
    company: Option<String>,
    /// Custom property 2 (Site)
    #[arg(long, value_name = "Y")]
    site: Option<String>,
    /// Custom property 3 (Tag)
    #[arg(long, value_name = "Z")]
    tag: Option<String>,
}

impl Named {
    fn pairs(self) -> [(&'static str, Option<String>); 3] {
        [
            ("Company", self.company),
            ("Site", self.site),
            ("Tag", self.tag),
        ]
    }
}

/// `--cp N=VALUE` with N from 1 to 8.
fn custom_property(text: &str) -> Result<(usize, String), String> {
    let (slot, value) = args::key_value(text)?;
    match slot.parse::<usize>() {
        Ok(n @ 1..=8) => Ok((n, value)),
        _ => Err("N must be 1 to 8".to_owned()),
    }
}

pub(crate) async fn run(command: Commands, sim: bool) -> Result<(), Failure> {
    let sc = msp_examples::screenconnect(sim).await?;
    let client = &sc.client;
    match command {
        Commands::Sessions { name, limit } => {
            output::print_list(client.sessions().by_name(name).await?, limit.limit)
        }
        Commands::Session { id } => output::print_json(&client.sessions().details(id).await?),
        Commands::Filter { expression, limit } => {
            output::print_list(client.sessions().by_filter(expression).await?, limit.limit)
        }
        Commands::SendCommand {
            id,
            command,
            confirm,
        } => {
            let id = SessionId::new(id);
            let call = client.sessions().send_command(id.clone(), command);
            write(client, call, &id, confirm.yes).await
        }
        Commands::SendMessage { id, text, confirm } => {
            let id = SessionId::new(id);
            let call = client.sessions().send_message(id.clone(), text);
            write(client, call, &id, confirm.yes).await
        }
        Commands::Note { id, text, confirm } => {
            let id = SessionId::new(id);
            let call = client.sessions().add_note(id.clone(), text);
            write(client, call, &id, confirm.yes).await
        }
        Commands::SetProperties {
            id,
            named,
            cp,
            confirm,
        } => {
            let id = SessionId::new(id);
            // The method replaces all eight values: start from the session's current ones.
            let session = client
                .sessions()
                .get(id.clone())
                .await?
                .ok_or_else(|| Failure::failed(format!("ScreenConnect has no session {id}")))?;
            let mut properties = session.custom_property_values.clone();
            let names = client.property_names();
            for (name, value) in named.pairs() {
                if let Some(value) = value {
                    properties.set_named(names, name, value)?;
                }
            }
            for (slot, value) in cp {
                properties.try_set(slot, value)?;
            }
            let call = client
                .sessions()
                .update_custom_properties(id.clone(), properties);
            write(client, call, &id, confirm.yes).await
        }
        Commands::BuildInstaller {
            platform,
            name,
            named,
        } => {
            let names = client.property_names();
            let mut installer = client.installer(platform).name(name);
            for (property, value) in named.pairs() {
                if let Some(value) = value {
                    installer = installer.property_named(names, property, value)?;
                }
            }
            let url = installer.build()?;
            output::print_json(&serde_json::json!({
                "url": url.as_str(),
                "platform": platform.extension(),
                "file_name": platform.file_name(),
                "silent_install_command": platform.silent_install_command(&platform.file_name()),
            }))
        }
        Commands::Raw {
            method,
            json_args,
            confirm,
        } => {
            let read = method.starts_with("Get");
            let call = client.call_raw(method, json_args).write(!read);
            if !read && !confirm.yes {
                return output::print_dry_run(&call.preview()?);
            }
            output::print_json(&call.await?)
        }
    }
}

/// A state-changing call: its request without `--yes`; otherwise sent, then the session
/// as it is afterwards.
async fn write(client: &Client, call: Call<()>, id: &SessionId, yes: bool) -> Result<(), Failure> {
    if !yes {
        return output::print_dry_run(&call.preview()?);
    }
    let method = call.operation().to_owned();
    call.await?;
    eprintln!("msp: {method} sent to session {id}");
    output::print_json(&client.sessions().details(id.clone()).await?)
}
