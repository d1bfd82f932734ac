//! Serves all four vendor simulators on loopback until killed:
//!
//! ```text
//! cargo run -p msp-examples --example sim-server -- [--tls] [--addr 127.0.0.1] [--tickets N]
//!     [--agents N] [--sessions N] [--latency-ms N] [--fault-rate F]
//! ```
//!
//! Prints one JSON line on stdout with each vendor's base URL and credentials under the
//! environment-variable names the `msp` CLI and the workflow examples read, so other
//! programs — clients in other languages, benchmarks — can be pointed at it:
//!
//! ```text
//! eval "$(cargo run -q -p msp-examples --example sim-server | jq -r 'to_entries[] | "export \(.key)=\(.value|@sh)"')"
//! ```
//!
//! `--tls` serves every simulator over HTTPS with a certificate authority generated at
//! start: the line then holds `https://` URLs and the path of the authority's PEM file
//! as `CA_CERT`, `MSP_CA_CERT` (read by the `msp` CLI), `REQUESTS_CA_BUNDLE` (Python
//! requests) and `NODE_EXTRA_CA_CERTS` (Node.js), so clients verify the simulators'
//! certificates instead of turning checks off. Without `--tls` the URLs are plain
//! `http://` and the line holds `MSP_ALLOW_HTTP=1`.
//!
//! `--addr` picks the loopback address to listen on (any of 127.0.0.0/8 or `::1`; each
//! simulator takes an ephemeral port there); other addresses are refused, as simulators
//! are test servers. `--fault-rate F` fails that fraction of answers with a retryable error (503, or 429
//! for ConnectWise, with `Retry-After: 1`); `--latency-ms N` delays every answer.

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use msp_common::chaos::Chaos;
use msp_common::secret::ExposeSecret;
use msp_examples::{bt, cw, sc, vsa};

const USAGE: &str = "usage: sim-server [--tls] [--addr 127.0.0.1] [--tickets N] [--agents N] [--sessions N] [--latency-ms N] [--fault-rate F]";

/// The command line.
struct Options {
    addr: IpAddr,
    tickets: usize,
    agents: usize,
    sessions: usize,
    latency: Duration,
    fault_rate: f64,
    tls: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        addr: IpAddr::from([127, 0, 0, 1]),
        tickets: 5000,
        agents: 300,
        sessions: 0,
        latency: Duration::ZERO,
        fault_rate: 0.0,
        tls: false,
    };
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value"))
                .cloned()
        };
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag} takes a whole number, not `{v}`"))
        };
        match flag.as_str() {
            "--addr" => {
                let addr = value()?;
                let ip: IpAddr = if addr == "localhost" {
                    IpAddr::from([127, 0, 0, 1])
                } else {
                    addr.parse()
                        .map_err(|_| format!("--addr takes an IP address, not `{addr}`"))?
                };
                // Simulators are test servers: they only ever listen on loopback.
                if !ip.is_loopback() {
                    return Err(format!(
                        "--addr {addr}: the simulators only listen on loopback addresses (127.0.0.0/8, ::1)"
                    ));
                }
                options.addr = ip;
            }
            "--tickets" => options.tickets = number(value()?)?,
            "--agents" => options.agents = number(value()?)?,
            "--sessions" => options.sessions = number(value()?)?,
            "--latency-ms" => options.latency = Duration::from_millis(number(value()?)? as u64),
            "--fault-rate" => {
                let v = value()?;
                options.fault_rate = v
                    .parse::<f64>()
                    .ok()
                    .filter(|f| (0.0..=1.0).contains(f))
                    .ok_or_else(|| format!("--fault-rate takes a number from 0 to 1, not `{v}`"))?;
            }
            "--tls" => options.tls = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(options)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match parse(&args) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("sim-server: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match serve(&options).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("sim-server: cannot listen on {}: {err}", options.addr);
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: &Options) -> std::io::Result<ExitCode> {
    let chaos = || Chaos::new(options.latency, options.fault_rate);
    let ip = options.addr;

    let screenconnect = sc::sim::Simulator::builder()
        .access_sessions(options.sessions)
        .tls(options.tls)
        .start_on(ip)
        .await?;
    screenconnect.set_chaos(chaos());

    let manage = cw::sim::Simulator::builder()
        .tickets(options.tickets)
        .tls(options.tls)
        .start_on(ip)
        .await?;
    manage.set_chaos(chaos());

    let kaseya = vsa::sim::Simulator::builder()
        .agents(options.agents)
        .tls(options.tls)
        .start_on(ip)
        .await?;
    kaseya.set_chaos(chaos());

    let beyondtrust = bt::sim::Simulator::builder()
        .tls(options.tls)
        .start_on(ip)
        .await?;
    beyondtrust.set_chaos(chaos());

    let mut line = serde_json::json!({
        "SCREENCONNECT_URL": screenconnect.url(),
        "SCREENCONNECT_SECRET": screenconnect.secret().expose_secret(),
        "SCREENCONNECT_ORIGIN": screenconnect.origin(),
        "CWM_URL": format!("{}/v4_6_release/apis/3.0", manage.url()),
        "CWM_COMPANY": manage.company_id(),
        "CWM_PUBLIC_KEY": manage.public_key(),
        "CWM_PRIVATE_KEY": manage.private_key(),
        "CWM_CLIENT_ID": manage.client_id(),
        "KASEYA_URL": kaseya.url(),
        "KASEYA_USERNAME": vsa::sim::USERNAME,
        "KASEYA_PASSWORD": vsa::sim::PASSWORD,
        "KASEYA_PAT": vsa::sim::PAT,
        "BT_URL": beyondtrust.api_url(),
        "BT_API_KEY": beyondtrust.api_key(),
        "BT_RUNAS": beyondtrust.runas(),
        "BT_OAUTH_CLIENT_ID": beyondtrust.oauth_client_id(),
        "BT_OAUTH_CLIENT_SECRET": beyondtrust.oauth_client_secret(),
    });
    // Each simulator has its own authority: over HTTPS, clients trust a bundle of the
    // four, which lives as long as the server.
    let bundle = if options.tls {
        let bundle = CaBundle::write(&[
            screenconnect.ca_pem(),
            manage.ca_pem(),
            kaseya.ca_pem(),
            beyondtrust.ca_pem(),
        ])?;
        let path = bundle.0.display().to_string();
        for key in [
            "CA_CERT",
            "MSP_CA_CERT",
            "REQUESTS_CA_BUNDLE",
            "NODE_EXTRA_CA_CERTS",
        ] {
            line[key] = path.clone().into();
        }
        Some(bundle)
    } else {
        line["MSP_ALLOW_HTTP"] = "1".into();
        None
    };
    println!("{line}");
    eprintln!(
        "sim-server: serving ScreenConnect, ConnectWise Manage ({} tickets), Kaseya VSA ({} agents) and BeyondTrust on loopback over {}; Ctrl-C stops",
        options.tickets,
        options.agents,
        if options.tls { "HTTPS" } else { "plain HTTP" }
    );
    stopped().await?;
    drop(bundle);
    Ok(ExitCode::SUCCESS)
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (so that `kill` also removes the CA files).
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

/// The simulators' authorities in one PEM file, removed when dropped.
struct CaBundle(PathBuf);

impl CaBundle {
    fn write(pems: &[Option<&str>]) -> std::io::Result<CaBundle> {
        let text: String = pems
            .iter()
            .flatten()
            .map(|pem| pem.trim_end().to_owned() + "\n")
            .collect();
        let path =
            std::env::temp_dir().join(format!("msp-sim-ca-bundle-{}.pem", std::process::id()));
        std::fs::write(&path, text)?;
        Ok(CaBundle(path))
    }
}

impl Drop for CaBundle {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}
