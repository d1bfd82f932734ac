//! `msp`: one command line for ScreenConnect, ConnectWise Manage, Kaseya VSA and
//! BeyondTrust Password Safe, built on the msp-sdk crates.
//!
//! ```text
//! cargo run -p msp-examples --example msp -- <vendor> <command> [args]
//! cargo run -p msp-examples --example msp -- cw tickets --conditions 'board/id = 1' --limit 10
//! ```
//!
//! The contract scripts rely on:
//! - credentials come from the environment (see `msp --help`); a missing variable is a
//!   usage error naming it (exit 2); `--sim` (or `MSP_SIM=1`) starts the vendor's
//!   built-in simulator instead, and stderr says so;
//! - results go to stdout as JSON (a list as one JSON array) in the vendor's field names;
//!   messages go to stderr;
//! - exit codes: 0 success, 1 API / auth / network failure (one line naming the cause),
//!   2 usage error;
//! - state-changing commands need `--yes`; without it they print the request they would
//!   send — the SDK call's own `preview()` — and exit 0 without sending anything.
//!
//! Each vendor lives in its own module: [`sc`], [`cw`], [`vsa`], [`bt`].

mod args;
mod bt;
mod cw;
mod output;
mod sc;
mod vsa;

use std::process::ExitCode;

use args::Args;
use output::Failure;

const USAGE: &str = "\
usage: msp <vendor> <command> [args]      (msp <vendor> --help for its commands)

vendors:
  sc    ScreenConnect        SCREENCONNECT_URL, SCREENCONNECT_SECRET, [SCREENCONNECT_ORIGIN]
  cw    ConnectWise Manage   CWM_URL (…/v4_6_release/apis/3.0), CWM_COMPANY, CWM_PUBLIC_KEY,
                             CWM_PRIVATE_KEY, CWM_CLIENT_ID
  vsa   Kaseya VSA           KASEYA_URL (server root), KASEYA_USERNAME, KASEYA_PASSWORD or KASEYA_PAT
  bt    BeyondTrust          BT_URL (…/BeyondTrust/api/public/v3), BT_API_KEY, BT_RUNAS, [BT_PASSWORD]

A missing variable is a usage error (exit 2). --sim (or MSP_SIM=1) uses the vendor's
built-in simulator instead of the variables.
MSP_ALLOW_HTTP=1 allows plain-http URLs (loopback test servers).

Results are JSON on stdout; messages go to stderr.
Exit codes: 0 success, 1 API/auth/network failure, 2 usage error.
State-changing commands print the request they would send unless --yes is given.";

#[tokio::main]
async fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let vendor = argv.next().unwrap_or_default();
    let (usage, result) = match vendor.as_str() {
        "sc" => (sc::USAGE, dispatch(argv, sc::run).await),
        "cw" => (cw::USAGE, dispatch(argv, cw::run).await),
        "vsa" => (vsa::USAGE, dispatch(argv, vsa::run).await),
        "bt" => (bt::USAGE, dispatch(argv, bt::run).await),
        "-h" | "--help" | "help" => (USAGE, Err(Failure::Help)),
        "" => (USAGE, Err(Failure::usage("missing <vendor>"))),
        other => (
            USAGE,
            Err(Failure::usage(format!(
                "unknown vendor `{other}`; use sc, cw, vsa or bt"
            ))),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Help) => {
            println!("{usage}");
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("msp: {message}\n\n{usage}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("msp: {message}");
            ExitCode::from(1)
        }
    }
}

/// Splits `<command> [args]` and runs the vendor's command.
async fn dispatch<F, Fut>(mut argv: impl Iterator<Item = String>, run: F) -> Result<(), Failure>
where
    F: FnOnce(String, Args) -> Fut,
    Fut: Future<Output = Result<(), Failure>>,
{
    let command = match argv.next() {
        None => return Err(Failure::usage("missing <command>")),
        Some(c) if matches!(c.as_str(), "-h" | "--help" | "help") => return Err(Failure::Help),
        Some(c) => c,
    };
    let args = Args::parse(argv)?;
    run(command, args).await
}
