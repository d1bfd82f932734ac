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
//! Arguments are parsed by clap (`#[derive(Parser)]` below, each vendor's commands in its
//! own module: [`sc`], [`cw`], [`vsa`], [`bt`]); `--help` works at every level, and a
//! command-line error — an unknown option, a missing or invalid value — goes to stderr
//! with exit code 2. `msp completions <shell>` prints a completion script.

mod args;
mod bt;
mod cw;
mod output;
mod sc;
mod vsa;

use std::io::Write;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use clap_complete::Shell;

use output::Failure;

/// After the top-level help: the variables of every vendor and the output contract.
const ENVIRONMENT: &str = "\
Environment (credentials):
  sc    ScreenConnect        SCREENCONNECT_URL, SCREENCONNECT_SECRET, [SCREENCONNECT_ORIGIN]
  cw    ConnectWise Manage   CWM_URL (…/v4_6_release/apis/3.0), CWM_COMPANY, CWM_PUBLIC_KEY,
                             CWM_PRIVATE_KEY, CWM_CLIENT_ID
  vsa   Kaseya VSA           KASEYA_URL (server root), KASEYA_USERNAME, KASEYA_PASSWORD or KASEYA_PAT
  bt    BeyondTrust          BT_URL (…/BeyondTrust/api/public/v3), BT_API_KEY, BT_RUNAS, [BT_PASSWORD]

A missing variable is a usage error (exit 2). --sim (or MSP_SIM=1) uses the vendor's
built-in simulator instead of the variables.
MSP_ALLOW_HTTP=1 allows plain-http URLs (loopback test servers).
MSP_CA_CERT=FILE trusts the certificate authorities in FILE too (sim-server --tls prints it).

Results are JSON on stdout; messages go to stderr.
Exit codes: 0 success, 1 API/auth/network failure, 2 usage error.
State-changing commands print the request they would send unless --yes is given.";

/// One command line for ScreenConnect, ConnectWise Manage, Kaseya VSA and BeyondTrust
/// Password Safe.
#[derive(Parser, Debug)]
#[command(name = "msp", bin_name = "msp", after_help = ENVIRONMENT)]
struct Cli {
    /// Use the vendor's built-in simulator instead of the environment's variables
    /// (also MSP_SIM=1)
    #[arg(long, global = true, help_heading = "Global options")]
    sim: bool,
    #[command(subcommand)]
    vendor: Vendor,
}

#[derive(Subcommand, Debug)]
enum Vendor {
    /// ScreenConnect sessions (RESTful API Manager extension)
    #[command(subcommand, after_help = sc::ENVIRONMENT)]
    Sc(sc::Commands),
    /// ConnectWise Manage tickets and companies
    #[command(subcommand, after_help = cw::ENVIRONMENT)]
    Cw(cw::Commands),
    /// Kaseya VSA agents, organizations and agent procedures
    #[command(subcommand, after_help = vsa::ENVIRONMENT)]
    Vsa(vsa::Commands),
    /// BeyondTrust Password Safe access requests, credentials and sessions
    #[command(subcommand, after_help = bt::ENVIRONMENT)]
    Bt(bt::Commands),
    /// Print a shell completion script on stdout (`source <(msp completions bash)`)
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // Help goes to stdout (exit 0); a command-line error to stderr (exit 2).
    let cli = Cli::parse();
    let sim = cli.sim || msp_examples::simulate::<&str>(&[]);
    let (vendor, result) = match cli.vendor {
        Vendor::Sc(command) => ("sc", sc::run(command, sim).await),
        Vendor::Cw(command) => ("cw", cw::run(command, sim).await),
        Vendor::Vsa(command) => ("vsa", vsa::run(command, sim).await),
        Vendor::Bt(command) => ("bt", bt::run(command, sim).await),
        Vendor::Completions { shell } => ("completions", completions(shell)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("msp: {message}");
            eprintln!("msp: `msp {vendor} --help` lists the variables");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("msp: {message}");
            ExitCode::from(1)
        }
    }
}

/// `msp completions SHELL`: the script on stdout. A closed pipe is not an error.
fn completions(shell: Shell) -> Result<(), Failure> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "msp", &mut script);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::failed(format!("cannot write to stdout: {e}")))
        }
        _ => Ok(()),
    }
}
