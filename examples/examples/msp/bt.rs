//! `msp bt …`: BeyondTrust Password Safe access requests, credentials and sessions.

use msp_common::Request;
use msp_common::secret::{ExposeSecret, SecretString};
use msp_examples::bt::{AccessType, Client, ConflictOption, RequestId, SessionStatus, SessionType};
use serde::Serialize;

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
    let bt = msp_examples::beyondtrust().await?;
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
        body: NewRequest,
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

/// The body of `POST Requests`, as `requests().create(..)` sends it (shown by dry runs).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NewRequest {
    access_type: AccessType,
    #[serde(rename = "SystemID")]
    system_id: u64,
    #[serde(rename = "AccountID")]
    account_id: u64,
    duration_minutes: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict_option: Option<ConflictOption>,
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
            let body = NewRequest {
                access_type,
                system_id: args.required_as("system-id")?,
                account_id: args.required_as("account-id")?,
                duration_minutes: args.option_as("minutes")?.unwrap_or(60),
                reason: args.option("reason")?,
                conflict_option: match args.option("conflict")?.as_deref() {
                    None => None,
                    Some("reuse") => Some(ConflictOption::Reuse),
                    Some("renew") => Some(ConflictOption::Renew),
                    Some(other) => {
                        return Err(Failure::usage(format!(
                            "--conflict `{other}` is not reuse or renew"
                        )));
                    }
                },
            };
            if !(1..=525_600).contains(&body.duration_minutes) {
                return Err(Failure::usage("--minutes must be 1 to 525600"));
            }
            Command::Request {
                body,
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
                output::print_list(list.send().await?, limit)
            }
            Command::Session(id) => output::print_json(&client.sessions().get(id.into()).await?),
            Command::Request { body, yes } => {
                if !yes {
                    return dry_run(client, Request::post("Requests").json(&body)?);
                }
                let mut create = client
                    .requests()
                    .create(body.access_type, body.system_id, body.account_id)
                    .duration_minutes(body.duration_minutes);
                if let Some(reason) = body.reason {
                    create = create.reason(reason);
                }
                if let Some(option) = body.conflict_option {
                    create = create.conflict_option(option);
                }
                let id = create.send().await?;
                eprintln!("msp: access request {id} created");
                print_request(client, id).await
            }
            Command::Credentials(id) => {
                let secret: SecretString = client.credentials().get(id).send().await?;
                output::print_json(secret.expose_secret())
            }
            Command::Checkin { id, reason, yes } => {
                if !yes {
                    let body = serde_json::json!({ "Reason": reason });
                    let body = if reason.is_some() {
                        body
                    } else {
                        serde_json::json!({})
                    };
                    let request = Request::put("Requests")
                        .segments([id.to_string().as_str(), "Checkin"])
                        .json(&body)?;
                    return dry_run(client, request);
                }
                let mut checkin = client.requests().checkin(id);
                if let Some(reason) = reason {
                    checkin = checkin.reason(reason);
                }
                checkin.send().await?;
                eprintln!("msp: access request {id} checked in");
                print_request(client, id).await
            }
            Command::Rdp { id, out, yes } => {
                if !yes {
                    let request = Request::post("Requests")
                        .segments([id.to_string().as_str(), "Sessions"])
                        .json(&serde_json::json!({ "SessionType": SessionType::RdpFile }))?;
                    return dry_run(client, request);
                }
                let file = client
                    .sessions()
                    .create(id, SessionType::RdpFile)
                    .send()
                    .await?
                    .into_file()?;
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

/// Prints a write's request. The client adds its session cookie when it sends; the
/// preview shows where it goes.
fn dry_run(client: &Client, request: Request) -> Result<(), Failure> {
    let cookie = SecretString::from("ASP.NET_SessionId=<session>");
    let request = request.sensitive_header("Cookie", &cookie)?;
    output::print_dry_run(&client.transport().preview(&request)?)
}

/// Prints an access request as `GET Requests` lists it (or just its id when it is no
/// longer listed).
async fn print_request(client: &Client, id: RequestId) -> Result<(), Failure> {
    let requests = client.requests().list().send().await?;
    match requests.into_iter().find(|r| r.request_id == id) {
        Some(request) => output::print_json(&request),
        None => output::print_json(&serde_json::json!({ "RequestID": id })),
    }
}
