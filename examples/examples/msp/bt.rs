//! `msp bt …`: BeyondTrust Password Safe access requests, credentials and sessions.

use msp_common::secret::{ExposeSecret, SecretString};
use msp_examples::bt::{
    AccessType, Client, ConflictOption, Listing, NewRequest, RequestId, SessionStatus, SessionType,
};

use crate::args::Args;
use crate::output::{self, Failure};

pub(crate) const USAGE: &str = "\
usage: msp bt <command> [args]

  sessions [--status 1,2] [--user-id N] [--limit N]
                                    sessions (status 0 not started, 1 in progress, 2 completed,
                                    5 locked, 7 terminated, 8 logged off, 9 disconnected)
  session ID                        one session
  request --system-id S --account-id A [--minutes M] [--reason R] [--conflict reuse|renew]
          [--access-type rdp|view|ssh] [--yes]
                                    request access to an account (default 60 minutes, RDP;
                                    use --access-type view to retrieve the password)
  credentials REQUEST_ID            the password of an approved View request
  checkin REQUEST_ID [--reason R] [--yes]
                                    release a request
  rdp REQUEST_ID --out FILE [--yes] open an RDP session for an approved RDP request and save
                                    its .rdp file

Writes print the request they would send; --yes sends it.
Environment: BT_URL (ending in /BeyondTrust/api/public/v3), BT_API_KEY, BT_RUNAS, optional BT_PASSWORD.";

pub(crate) async fn run(command: String, mut args: Args) -> Result<(), Failure> {
    let command = parse(&command, &mut args)?;
    args.finish()?;
    let bt = msp_examples::beyondtrust(args.sim()).await?;
    let result = command.run(&bt.client).await;
    // End the server session now rather than at its idle timeout.
    if let Err(err) = bt.client.sign_out().await {
        eprintln!("msp: could not sign out: {}", msp_examples::one_line(&err));
    }
    result
}

/// A command with its arguments checked, before anything is sent.
enum Command {
    Sessions {
        statuses: Vec<SessionStatus>,
        user_id: Option<u64>,
        limit: Option<usize>,
    },
    Session(u64),
    Request {
        request: NewRequest,
        yes: bool,
    },
    Credentials(RequestId),
    Checkin {
        id: RequestId,
        reason: Option<String>,
        yes: bool,
    },
    Rdp {
        id: RequestId,
        out: String,
        yes: bool,
    },
}

fn parse(command: &str, args: &mut Args) -> Result<Command, Failure> {
    Ok(match command {
        "sessions" => {
            let statuses = match args.option("status")? {
                None => Vec::new(),
                Some(list) => list
                    .split(',')
                    .map(|code| match code.trim().parse::<i64>() {
                        Ok(code) => Ok(SessionStatus::from_code(code)),
                        Err(_) => Err(Failure::usage(format!(
                            "--status `{list}` is not a list of numbers like 1,2"
                        ))),
                    })
                    .collect::<Result<_, _>>()?,
            };
            Command::Sessions {
                statuses,
                user_id: args.option_as("user-id")?,
                limit: args.limit()?,
            }
        }
        "session" => Command::Session(args.positional_as("ID")?),
        "request" => {
            let access_type = match args.option("access-type")?.as_deref() {
                None => AccessType::Rdp,
                Some(text) => match text.to_ascii_lowercase().as_str() {
                    "rdp" => AccessType::Rdp,
                    "view" => AccessType::View,
                    "ssh" => AccessType::Ssh,
                    _ => {
                        return Err(Failure::usage(format!(
                            "--access-type `{text}` is not rdp, view or ssh"
                        )));
                    }
                },
            };
            let system_id: u64 = args.required_as("system-id")?;
            let account_id: u64 = args.required_as("account-id")?;
            let minutes: u32 = args.option_as("minutes")?.unwrap_or(60);
            if !(1..=525_600).contains(&minutes) {
                return Err(Failure::usage("--minutes must be 1 to 525600"));
            }
            let mut request =
                NewRequest::new(access_type, system_id, account_id).duration_minutes(minutes);
            if let Some(reason) = args.option("reason")? {
                request = request.reason(reason);
            }
            match args.option("conflict")?.as_deref() {
                None => {}
                Some("reuse") => request = request.conflict_option(ConflictOption::Reuse),
                Some("renew") => request = request.conflict_option(ConflictOption::Renew),
                Some(other) => {
                    return Err(Failure::usage(format!(
                        "--conflict `{other}` is not reuse or renew"
                    )));
                }
            }
            Command::Request {
                request,
                yes: args.yes(),
            }
        }
        "credentials" => Command::Credentials(request_id(args)?),
        "checkin" => Command::Checkin {
            id: request_id(args)?,
            reason: args.option("reason")?,
            yes: args.yes(),
        },
        "rdp" => Command::Rdp {
            id: request_id(args)?,
            out: args.required("out")?,
            yes: args.yes(),
        },
        other => return Err(Failure::unknown_command("bt", other)),
    })
}

fn request_id(args: &mut Args) -> Result<RequestId, Failure> {
    Ok(RequestId(args.positional_as("REQUEST_ID")?))
}

impl Command {
    async fn run(self, client: &Client) -> Result<(), Failure> {
        match self {
            Command::Sessions {
                statuses,
                user_id,
                limit,
            } => {
                let mut list = client.sessions().list().statuses(statuses);
                if let Some(user) = user_id {
                    list = list.user_id(user);
                }
                output::print_list(list.collect().await?, limit)
            }
            Command::Session(id) => output::print_json(&client.sessions().get(id.into()).await?),
            Command::Request { request, yes } => {
                let call = client.requests().create(request);
                let Some(id) = output::write_or_preview(call, yes).await? else {
                    return Ok(());
                };
                eprintln!("msp: access request {id} created");
                print_request(client, id).await
            }
            Command::Credentials(id) => {
                let secret: SecretString = client.credentials().get(id, None).await?;
                output::print_json(secret.expose_secret())
            }
            Command::Checkin { id, reason, yes } => {
                let call = client.requests().checkin(id, reason.unwrap_or_default());
                if output::write_or_preview(call, yes).await?.is_none() {
                    return Ok(());
                }
                eprintln!("msp: access request {id} checked in");
                print_request(client, id).await
            }
            Command::Rdp { id, out, yes } => {
                let call = client.sessions().create(id, SessionType::RdpFile);
                let Some(created) = output::write_or_preview(call, yes).await? else {
                    return Ok(());
                };
                let file = created.into_file()?;
                std::fs::write(&out, file.bytes())
                    .map_err(|e| Failure::failed(format!("cannot write {out}: {e}")))?;
                eprintln!("msp: RDP file written to {out}");
                output::print_json(&serde_json::json!({
                    "RequestID": id,
                    "FileName": file.file_name(),
                    "File": out,
                    "Bytes": file.bytes().len(),
                }))
            }
        }
    }
}

/// Prints an access request as `GET Requests` lists it (or just its id when it is no
/// longer listed).
async fn print_request(client: &Client, id: RequestId) -> Result<(), Failure> {
    let requests = client.requests().list().collect().await?;
    match requests.into_iter().find(|r| r.request_id == id) {
        Some(request) => output::print_json(&request),
        None => output::print_json(&serde_json::json!({ "RequestID": id })),
    }
}
