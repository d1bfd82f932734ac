//! The cross-vendor workflow examples run to completion against the simulators, and the
//! second pass of each (in the same process, against the same simulators) creates
//! nothing new.

mod support;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const WORKFLOWS: [&str; 5] = [
    "remote-support",
    "inventory-sync",
    "privileged-access",
    "alarm-to-ticket",
    "service-restart",
];

/// Runs a workflow on the simulators (`--sim`, every vendor variable removed).
fn run(name: &str, args: &[&str]) -> Output {
    let mut command = Command::new(support::examples_dir(&WORKFLOWS).join(name));
    command.arg("--sim").args(args);
    for var in support::VENDOR_VARIABLES {
        command.env_remove(var);
    }
    command.output().expect("the workflow starts")
}

/// Runs a workflow that must succeed and returns its two JSON summaries.
fn two_passes(name: &str, args: &[&str]) -> (Value, Value) {
    let output = run(name, args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{name} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    let lines: Vec<Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("each stdout line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2, "{name}: two summaries on stdout: {stdout}");
    assert!(
        stderr.contains("simulator"),
        "{name} says it uses the simulators: {stderr}"
    );
    assert_eq!(lines[0]["pass"], 1);
    assert_eq!(lines[1]["pass"], 2);
    (lines[0].clone(), lines[1].clone())
}

fn count(summary: &Value, key: &str) -> u64 {
    summary[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} is a count in {summary}"))
}

#[test]
fn remote_support_notes_each_session_once() {
    let (first, second) = two_passes("remote-support", &[]);
    assert_eq!(count(&first, "machines"), 2);
    assert_eq!(count(&first, "tickets_created"), 2);
    assert_eq!(
        count(&first, "sessions_found"),
        1,
        "ACME-DC01 has a session"
    );
    assert_eq!(
        count(&first, "installers_built"),
        1,
        "ACME-WS42 gets an installer"
    );
    // The session note of each machine, plus the installer note of the new one.
    assert_eq!(count(&first, "notes_added"), 3);

    for key in ["tickets_created", "installers_built", "notes_added"] {
        assert_eq!(count(&second, key), 0, "{key} on the second pass: {second}");
    }
    assert_eq!(count(&second, "tickets_found"), 2);
    assert_eq!(count(&second, "sessions_found"), 2);
    assert_eq!(count(&second, "notes_existing"), 2);
    assert_eq!(first["ticket_ids"], second["ticket_ids"]);
}

#[test]
fn inventory_sync_creates_then_only_finds() {
    let (first, second) = two_passes("inventory-sync", &[]);
    assert_eq!(count(&first, "agents"), 50);
    // One configuration was planted with an outdated IP address: it is updated.
    assert_eq!(count(&first, "configurations_created"), 49);
    assert_eq!(count(&first, "configurations_updated"), 1);
    assert_eq!(count(&first, "agents_skipped"), 0);

    assert_eq!(count(&second, "configurations_created"), 0, "{second}");
    assert_eq!(count(&second, "configurations_updated"), 0, "{second}");
    assert_eq!(count(&second, "configurations_unchanged"), 50);
}

#[test]
fn privileged_access_checks_in_and_notes_once() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("privileged-access");
    std::fs::create_dir_all(&dir).expect("a directory for the RDP file");
    let dir_arg = dir.to_str().expect("a UTF-8 path");
    let (first, second) = two_passes("privileged-access", &["--rdp-dir", dir_arg]);
    assert_eq!(first["ticket_created"], true);
    assert_eq!(count(&first, "requests_created"), 1);
    assert_eq!(count(&first, "sessions_created"), 1);
    assert_eq!(count(&first, "notes_added"), 1);
    assert_eq!(count(&first, "checked_in"), 1, "the request is checked in");
    let rdp = PathBuf::from(first["rdp_file"].as_str().expect("the RDP file's path"));
    assert!(rdp.starts_with(&dir));
    let text = std::fs::read_to_string(&rdp).expect("the RDP file was saved");
    assert!(text.contains("full address:s:"), "an RDP file: {text}");

    assert_eq!(second["ticket_created"], false);
    assert_eq!(second["already_done"], true);
    assert_eq!(second["ticket_id"], first["ticket_id"]);
    for key in [
        "requests_created",
        "sessions_created",
        "notes_added",
        "checked_in",
    ] {
        assert_eq!(count(&second, key), 0, "{key} on the second pass: {second}");
    }
}

#[test]
fn alarm_to_ticket_files_each_alarm_once() {
    let (first, second) = two_passes("alarm-to-ticket", &[]);
    let open = count(&first, "open_alarms");
    assert!(open > 0);
    assert_eq!(count(&first, "notes_added"), open, "a note per open alarm");
    let tickets = count(&first, "tickets_created");
    assert!(
        tickets > 0 && tickets < open,
        "one ticket per machine, some machines with several alarms: {first}"
    );

    assert_eq!(count(&second, "tickets_created"), 0, "{second}");
    assert_eq!(count(&second, "notes_added"), 0, "{second}");
    assert_eq!(count(&second, "tickets_found"), tickets);
    assert_eq!(count(&second, "alarms_already_noted"), open);
}

#[test]
fn service_restart_runs_each_procedure_once() {
    let (first, second) = two_passes("service-restart", &[]);
    let alarms = count(&first, "alarms");
    assert!(alarms > 0);
    for key in [
        "tickets_created",
        "procedures_run",
        "succeeded",
        "notes_added",
        "tickets_resolved",
    ] {
        assert_eq!(
            count(&first, key),
            alarms,
            "{key} on the first pass: {first}"
        );
    }
    assert_eq!(count(&first, "failed"), 0);

    for key in [
        "tickets_created",
        "procedures_run",
        "notes_added",
        "tickets_resolved",
    ] {
        assert_eq!(count(&second, key), 0, "{key} on the second pass: {second}");
    }
    assert_eq!(count(&second, "already_handled"), alarms);
    assert_eq!(first["ticket_ids"], second["ticket_ids"]);
}

#[test]
fn a_failure_exits_1_with_a_one_line_cause() {
    let output = run("remote-support", &["--company", "NoSuchCompany"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no summary on failure");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        r#"remote-support: ConnectWise has no company with the identifier "NoSuchCompany""#
    );

    let output = run("inventory-sync", &["--bogus"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.ends_with("inventory-sync: unexpected argument --bogus\n"),
        "{stderr}"
    );
}

#[test]
fn without_the_simulators_a_missing_variable_is_a_usage_error() {
    for (name, variable) in [
        ("remote-support", "CWM_URL"),
        ("inventory-sync", "KASEYA_URL"),
        ("privileged-access", "CWM_URL"),
        ("alarm-to-ticket", "KASEYA_URL"),
        ("service-restart", "KASEYA_URL"),
    ] {
        let mut command = Command::new(support::examples_dir(&WORKFLOWS).join(name));
        for var in support::VENDOR_VARIABLES {
            command.env_remove(var);
        }
        let output = command.output().expect("the workflow starts");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(variable),
            "{name} names {variable}: {stderr}"
        );
        assert!(
            !stderr.contains("simulator at"),
            "{name} starts nothing: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{name}");
    }
}
