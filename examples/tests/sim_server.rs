//! `sim-server` is started, its JSON line parsed, and clients — the `msp` CLI and the
//! crates themselves — are pointed at it with the variables it printed.

mod support;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use msp_common::Listing;

/// The directory holding the built `sim-server` and `msp` examples.
fn examples_dir() -> PathBuf {
    support::examples_dir(&["sim-server", "msp"])
}

/// Kills the server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Server, serde_json::Map<String, serde_json::Value>) {
    let mut child = Command::new(examples_dir().join("sim-server"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("sim-server starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let server = Server(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("one JSON line");
    let vars = match serde_json::from_str(&line).expect("the line is JSON") {
        serde_json::Value::Object(map) => map,
        other => panic!("expected an object, got {other}"),
    };
    (server, vars)
}

fn msp(vars: &serde_json::Map<String, serde_json::Value>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(examples_dir().join("msp"));
    cmd.args(args);
    for (k, v) in vars {
        cmd.env(k, v.as_str().expect("string values"));
    }
    let out = cmd.output().expect("msp runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sim_server_prints_every_vendor_and_the_cli_works_against_it() {
    let (_server, vars) = start(&[
        "--addr",
        "127.0.0.2",
        "--tickets",
        "120",
        "--agents",
        "40",
        "--sessions",
        "3",
    ]);
    for key in [
        "SCREENCONNECT_URL",
        "SCREENCONNECT_SECRET",
        "SCREENCONNECT_ORIGIN",
        "CWM_URL",
        "CWM_COMPANY",
        "CWM_PUBLIC_KEY",
        "CWM_PRIVATE_KEY",
        "CWM_CLIENT_ID",
        "KASEYA_URL",
        "KASEYA_USERNAME",
        "KASEYA_PASSWORD",
        "BT_URL",
        "BT_API_KEY",
        "BT_RUNAS",
        "BT_OAUTH_CLIENT_ID",
        "BT_OAUTH_CLIENT_SECRET",
        "MSP_ALLOW_HTTP",
    ] {
        assert!(vars.contains_key(key), "{key} is printed");
    }
    assert!(!vars.contains_key("CA_CERT"), "plain http has no authority");
    assert!(
        vars["CWM_URL"]
            .as_str()
            .unwrap()
            .ends_with("/v4_6_release/apis/3.0")
    );
    assert!(
        vars["BT_URL"]
            .as_str()
            .unwrap()
            .ends_with("/BeyondTrust/api/public/v3")
    );

    // The CLI, pointed at it: no simulator of its own is started.
    let (code, stdout, stderr) = msp(&vars, &["vsa", "agents", "--limit", "5"]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(
        !stderr.contains("built-in"),
        "used the server, not an embedded simulator: {stderr}"
    );
    let agents: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON array");
    assert_eq!(agents.len(), 5);

    let (code, stdout, stderr) = msp(&vars, &["cw", "tickets", "--limit", "3"]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
            .unwrap()
            .len(),
        3
    );

    let (code, stdout, stderr) = msp(&vars, &["sc", "sessions", "HOST-0002"]);
    assert_eq!(code, 0, "stderr: {stderr}");
    assert_eq!(
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
            .unwrap()
            .len(),
        1
    );

    let (code, _, stderr) = msp(&vars, &["bt", "sessions"]);
    assert_eq!(code, 0, "stderr: {stderr}");
}

/// The URLs sim-server prints.
const URLS: [&str; 5] = [
    "SCREENCONNECT_URL",
    "SCREENCONNECT_ORIGIN",
    "CWM_URL",
    "KASEYA_URL",
    "BT_URL",
];

#[test]
fn sim_server_tls_serves_https_and_prints_the_authority_the_clients_trust() {
    let (mut server, vars) = start(&[
        "--tls",
        "--tickets",
        "40",
        "--agents",
        "10",
        "--sessions",
        "2",
    ]);
    let var = |k: &str| {
        vars.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{k} is printed"))
            .to_owned()
    };
    for key in URLS {
        assert!(var(key).starts_with("https://"), "{key} = {}", var(key));
    }
    assert!(
        !vars.contains_key("MSP_ALLOW_HTTP"),
        "nothing needs plain http"
    );
    assert!(!var("BT_OAUTH_CLIENT_ID").is_empty() && !var("BT_OAUTH_CLIENT_SECRET").is_empty());

    // One PEM file, under every name a client reads, holding the four authorities.
    let ca = var("CA_CERT");
    for key in ["MSP_CA_CERT", "REQUESTS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"] {
        assert_eq!(var(key), ca, "{key}");
    }
    let bundle = std::fs::read_to_string(&ca).expect("the CA file exists");
    assert_eq!(bundle.matches("-----BEGIN CERTIFICATE-----").count(), 4);

    // The CLI trusts it through MSP_CA_CERT, for every vendor.
    for (args, rows) in [
        (&["vsa", "agents", "--limit", "3"][..], Some(3)),
        (&["cw", "tickets", "--limit", "2"], Some(2)),
        (&["sc", "sessions", "HOST-0001"], Some(1)),
        (&["bt", "sessions"], None),
    ] {
        let (code, stdout, stderr) = msp(&vars, args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        if let Some(rows) = rows {
            let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON array");
            assert_eq!(list.len(), rows, "{args:?}");
        }
    }

    // Without the authority, the certificate is refused.
    let mut untrusting = vars.clone();
    untrusting.remove("MSP_CA_CERT");
    let (code, _, stderr) = msp(&untrusting, &["vsa", "agents", "--limit", "1"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");

    // Stopped with SIGTERM (as `kill` does), it removes the file.
    #[cfg(unix)]
    {
        let pid = server.0.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        assert!(server.0.wait().unwrap().success());
        assert!(!std::path::Path::new(&ca).exists(), "{ca} is removed");
    }
}

#[tokio::test]
async fn the_crates_work_against_it_through_injected_faults() {
    let (_server, vars) = start(&["--tickets", "50", "--agents", "200", "--fault-rate", "0.2"]);
    let var = |k: &str| vars[k].as_str().unwrap().to_owned();
    let client = kaseya_vsa_client::Client::builder()
        .base_url(var("KASEYA_URL"))
        .allow_http(true)
        .credentials(kaseya_vsa_client::auth::Credentials::password(
            var("KASEYA_USERNAME"),
            var("KASEYA_PASSWORD"),
        ))
        .retry_policy(
            msp_common::RetryPolicy::default()
                .with_max_attempts(8)
                .with_max_delay(std::time::Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    // 200 agents in pages of 20: reads ride through a 20% failure rate on retries.
    let agents = client
        .agents()
        .list()
        .page_size(20)
        .collect()
        .await
        .unwrap();
    assert_eq!(agents.len(), 200);
}

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        &["--fault-rate", "2"][..],
        &["--addr", "0.0.0.0"],
        &["--tickets", "many"],
        &["--bogus"],
    ] {
        let out = Command::new(examples_dir().join("sim-server"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage: sim-server"));
    }
}
