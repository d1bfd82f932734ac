//! `msp sc …`: ScreenConnect sessions through the RESTful API Manager extension.

use msp_examples::sc::installer::Platform;
use msp_examples::sc::{Call, Client, models::SessionId};

use crate::args::{self, Args};
use crate::output::{self, Failure};

pub(crate) const USAGE: &str = "\
usage: msp sc <command> [args]

  sessions NAME [--limit N]         sessions named NAME (\"\" lists the unnamed ones)
  session ID                        one session with its connections and events
  filter EXPR [--limit N]           sessions matching a filter, e.g. \"CustomProperty1 = 'Acme'\"
  send-command ID COMMAND [--yes]   queue a backstage command (\"#!ps\\nGet-Service\" for PowerShell)
  send-message ID TEXT [--yes]      send a chat message to the guest
  note ID TEXT [--yes]              add a note to the session
  set-properties ID [--company X] [--site Y] [--tag Z] [--cp N=VALUE]... [--yes]
                                    change custom properties (Company = 1, Site = 2, Tag = 3)
  build-installer --platform msi|exe|pkg|deb|rpm|sh --name NAME [--company X] [--site Y] [--tag Z]
                                    an access agent installer URL and its silent install command
  raw METHOD JSON_ARGS [--yes]      call any extension method; Get* methods are reads

Writes print the request they would send; --yes sends it and prints the session after it.
Environment: SCREENCONNECT_URL, SCREENCONNECT_SECRET, optional SCREENCONNECT_ORIGIN.";

pub(crate) async fn run(command: String, mut args: Args) -> Result<(), Failure> {
    match command.as_str() {
        "sessions" => {
            let name = args.positional("NAME")?;
            let limit = args.limit()?;
            args.finish()?;
            let sc = msp_examples::screenconnect(args.sim()).await?;
            output::print_list(sc.client.sessions().by_name(name).await?, limit)
        }
        "session" => {
            let id = args.positional("ID")?;
            args.finish()?;
            let sc = msp_examples::screenconnect(args.sim()).await?;
            output::print_json(&sc.client.sessions().details(id).await?)
        }
        "filter" => {
            let expression = args.positional("EXPR")?;
            let limit = args.limit()?;
            args.finish()?;
            let sc = msp_examples::screenconnect(args.sim()).await?;
            output::print_list(sc.client.sessions().by_filter(expression).await?, limit)
        }
        "send-command" | "send-message" | "note" => {
            let id = SessionId::new(args.positional("ID")?);
            let what = if command == "send-command" {
                "COMMAND"
            } else {
                "TEXT"
            };
            let text = args.positional(what)?;
            let yes = args.yes();
            args.finish()?;
            let sc = msp_examples::screenconnect(args.sim()).await?;
            let sessions = sc.client.sessions();
            let call = match command.as_str() {
                "send-command" => sessions.send_command(id.clone(), text),
                "send-message" => sessions.send_message(id.clone(), text),
                _ => sessions.add_note(id.clone(), text),
            };
            write(&sc.client, call, &id, yes).await
        }
        "set-properties" => {
            let id = SessionId::new(args.positional("ID")?);
            let named = named_properties(&mut args)?;
            let mut slots = Vec::new();
            for text in args.options("cp") {
                let (slot, value) = args::key_value("cp", &text)?;
                match slot.parse::<usize>() {
                    Ok(n @ 1..=8) => slots.push((n, value)),
                    _ => return Err(Failure::usage(format!("--cp {text}: N must be 1 to 8"))),
                }
            }
            let yes = args.yes();
            args.finish()?;
            if slots.is_empty() && named.iter().all(|(_, v)| v.is_none()) {
                return Err(Failure::usage(
                    "set-properties needs --company, --site, --tag or --cp",
                ));
            }
            let sc = msp_examples::screenconnect(args.sim()).await?;
            // The method replaces all eight values: start from the session's current ones.
            let session = sc
                .client
                .sessions()
                .get(id.clone())
                .await?
                .ok_or_else(|| Failure::failed(format!("ScreenConnect has no session {id}")))?;
            let mut properties = session.custom_property_values.clone();
            let names = sc.client.property_names();
            for (name, value) in named {
                if let Some(value) = value {
                    properties.set_named(names, name, value)?;
                }
            }
            for (slot, value) in slots {
                properties.try_set(slot, value)?;
            }
            let call = sc
                .client
                .sessions()
                .update_custom_properties(id.clone(), properties);
            write(&sc.client, call, &id, yes).await
        }
        "build-installer" => {
            let platform: Platform = args.required_as("platform")?;
            let name = args.required("name")?;
            let named = named_properties(&mut args)?;
            args.finish()?;
            let sc = msp_examples::screenconnect(args.sim()).await?;
            let names = sc.client.property_names();
            let mut installer = sc.client.installer(platform).name(name);
            for (property, value) in named {
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
        "raw" => {
            let method = args.positional("METHOD")?;
            let arguments = args::json("JSON_ARGS", &args.positional("JSON_ARGS")?)?;
            let yes = args.yes();
            args.finish()?;
            let read = method.starts_with("Get");
            let sc = msp_examples::screenconnect(args.sim()).await?;
            let call = sc.client.call_raw(method, arguments).write(!read);
            if !read && !yes {
                return output::print_dry_run(&call.preview()?);
            }
            output::print_json(&call.await?)
        }
        other => Err(Failure::unknown_command("sc", other)),
    }
}

/// `--company`, `--site`, `--tag`: the custom properties the instance calls Company (1),
/// Site (2) and Tag (3).
fn named_properties(args: &mut Args) -> Result<[(&'static str, Option<String>); 3], Failure> {
    Ok([
        ("Company", args.option("company")?),
        ("Site", args.option("site")?),
        ("Tag", args.option("tag")?),
    ])
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
