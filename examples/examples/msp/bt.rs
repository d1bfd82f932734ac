//! `msp bt …`: BeyondTrust Password Safe access requests, credentials and sessions.

use clap::{Subcommand, ValueEnum};
use msp_common::secret::{ExposeSecret, SecretString};
use msp_examples::bt::{
    AccessType, Client, ConflictOption, Listing, NewRequest, RequestId, SessionStatus, SessionType,
};

use crate::args::{self, Confirm, Limit};
use crate::output::{self, Failure};

/// The variables `msp bt` reads, shown after its help.
pub(crate) const ENVIRONMENT: &str = "\
Writes print the request they would send; --yes sends it.

Environment: BT_URL (ending in /BeyondTrust/api/public/v3), BT_API_KEY, BT_RUNAS, optional
BT_PASSWORD (or --sim / MSP_SIM=1 for the built-in simulator).";

/// `msp bt <command>`.
#[derive(Subcommand, Debug)]
pub(crate) enum Commands {
    /// Sessions, optionally of some statuses or one user
    Sessions {
        /// Status codes, comma-separated: 0 not started, 1 in progress, 2 completed,
        /// 5 locked, 7 terminated, 8 logged off, 9 disconnected
        #[arg(long, value_name = "CODES", value_delimiter = ',', value_parser = status)]
        status: Vec<SessionStatus>,
        /// Only this user's sessions
        #[arg(long, value_name = "N")]
        user_id: Option<u64>,
        #[command(flatten)]
        limit: Limit,
    },
    /// One session
    Session {
        /// The session id
        id: u64,
    },
    /// Request access to an account (default 60 minutes, RDP; --access-type view to
    /// retrieve the password)
    Request {
        /// The managed system's id
        #[arg(long, value_name = "S")]
        system_id: u64,
        /// The managed account's id
        #[arg(long, value_name = "A")]
        account_id: u64,
        /// How long the access lasts, 1 to 525600 minutes
        #[arg(long, value_name = "M", default_value_t = 60,
              value_parser = clap::value_parser!(u32).range(1..=525_600))]
        minutes: u32,
        /// Why the access is needed
        #[arg(long, value_name = "R")]
        reason: Option<String>,
        /// What to do when the account already has an active request of this user
        #[arg(long, value_enum)]
        conflict: Option<Conflict>,
        /// The kind of access
        #[arg(long, value_enum, ignore_case = true, default_value_t = Access::Rdp)]
        access_type: Access,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// The password of an approved View request
    Credentials {
        /// The access request's id
        #[arg(value_parser = args::parsed::<RequestId>)]
        request_id: RequestId,
    },
    /// Release (check in) an access request
    Checkin {
        /// The access request's id
        #[arg(value_parser = args::parsed::<RequestId>)]
        request_id: RequestId,
        /// Why the access ends
        #[arg(long, value_name = "R")]
        reason: Option<String>,
        #[command(flatten)]
        confirm: Confirm,
    },
    /// Open an RDP session for an approved RDP request and save its .rdp file
    Rdp {
        /// The access request's id
        #[arg(value_parser = args::parsed::<RequestId>)]
        request_id: RequestId,
        /// Where to write the .rdp file
        #[arg(long, value_name = "FILE")]
        out: String,
        #[command(flatten)]
        confirm: Confirm,
    },
}

/// `--conflict`: what to do with an existing request for the same account.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum Conflict {
    /// Reuse the existing request
    Reuse,
    /// Renew the existing request
    Renew,
}

/// `--access-type`.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum Access {
    /// An RDP session (`msp bt rdp`)
    Rdp,
    /// The password itself (`msp bt credentials`)
    View,
    /// An SSH session
    Ssh,
}

/// One `--status` code.
fn status(text: &str) -> Result<SessionStatus, String> {
    text.trim()
        .parse::<i64>()
        .map(SessionStatus::from_code)
        .map_err(|_| "not a list of numbers like 1,2".to_owned())
}

pub(crate) async fn run(command: Commands, sim: bool) -> Result<(), Failure> {
    let bt = msp_examples::beyondtrust(sim).await?;
    let result = command.run(&bt.client).await;
    // End the server session now rather than at its idle timeout.
    if let Err(err) = bt.client.sign_out().await {
        eprintln!("msp: could not sign out: {}", msp_examples::one_line(&err));
    }
    result
}

impl Commands {
    async fn run(self, client: &Client) -> Result<(), Failure> {
        match self {
            Commands::Sessions {
                status,
                user_id,
                limit: Limit { limit },
            } => {
                let mut list = client.sessions().list().statuses(status);
                if let Some(user) = user_id {
                    list = list.user_id(user);
                }
                output::print_list(list.collect().await?, limit)
            }
            Commands::Session { id } => {
                output::print_json(&client.sessions().get(id.into()).await?)
            }
            Commands::Request {
                system_id,
                account_id,
                minutes,
                reason,
                conflict,
                access_type,
                confirm,
            } => {
                let access_type = match access_type {
                    Access::Rdp => AccessType::Rdp,
                    Access::View => AccessType::View,
                    Access::Ssh => AccessType::Ssh,
                };
                let mut request =
                    NewRequest::new(access_type, system_id, account_id).duration_minutes(minutes);
                if let Some(reason) = reason {
                    request = request.reason(reason);
                }
                match conflict {
                    None => {}
                    Some(Conflict::Reuse) => {
                        request = request.conflict_option(ConflictOption::Reuse)
                    }
                    Some(Conflict::Renew) => {
                        request = request.conflict_option(ConflictOption::Renew)
                    }
                }
                let call = client.requests().create(request);
                let Some(id) = output::write_or_preview(call, confirm.yes).await? else {
                    return Ok(());
                };
                eprintln!("msp: access request {id} created");
                print_request(client, id).await
            }
            Commands::Credentials { request_id: id } => {
                let secret: SecretString = client.credentials().get(id, None).await?;
                output::print_json(secret.expose_secret())
            }
            Commands::Checkin {
                request_id: id,
                reason,
                confirm,
            } => {
                let call = client.requests().checkin(id, reason.unwrap_or_default());
                if output::write_or_preview(call, confirm.yes).await?.is_none() {
                    return Ok(());
                }
                eprintln!("msp: access request {id} checked in");
                print_request(client, id).await
            }
            Commands::Rdp {
                request_id: id,
                out,
                confirm,
            } => {
                let call = client.sessions().create(id, SessionType::RdpFile);
                let Some(created) = output::write_or_preview(call, confirm.yes).await? else {
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
