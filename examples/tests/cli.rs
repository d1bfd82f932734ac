//! Runs the built `msp` example and checks its contract: JSON on stdout, messages on
//! stderr, exit codes 0 / 1 / 2, dry runs that send nothing, `--limit`, and credentials
//! from the environment.
//!
//! Most tests leave every vendor variable unset and set `MSP_SIM=1`, so each invocation
//! starts that vendor's built-in simulator (a fresh one each time: state does not carry
//! over between invocations). Without `MSP_SIM` or `--sim`, a missing variable is a
//! usage error. Tests of the environment path, wrong secrets and write effects start a
//! simulator in the test process and point the CLI at it with the real variables.

mod support;

use std::process::Command;

use msp_examples::{bt, cw, sc, vsa};
use serde_json::{Value, json};

/// One invocation's outcome.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Stdout as JSON, after checking the exit code.
    fn json(&self) -> Value {
        assert_eq!(self.code, 0, "expected success: {self:#?}");
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:#?}"))
    }

    /// Stdout as a JSON array.
    fn list(&self) -> Vec<Value> {
        match self.json() {
            Value::Array(items) => items,
            other => panic!("expected an array, got {other}"),
        }
    }

    /// Checks a usage error (exit 2) caused by the environment: nothing on stdout, the
    /// first stderr line holding every `needle`, and no simulator started.
    fn usage_error(&self, needles: &[&str]) {
        assert_eq!(self.code, 2, "{self:#?}");
        assert!(self.stdout.is_empty(), "stdout must stay empty: {self:#?}");
        let first = self.stderr.lines().next().unwrap_or_default();
        for needle in needles {
            assert!(first.contains(needle), "stderr lacks {needle:?}: {self:#?}");
        }
        assert!(!self.stderr.contains("using the built-in"), "{self:#?}");
    }

    /// Checks a failure: the code, nothing on stdout, one line on stderr containing
    /// every `needle`.
    fn fails(&self, code: i32, needles: &[&str]) {
        assert_eq!(self.code, code, "{self:#?}");
        assert!(self.stdout.is_empty(), "stdout must stay empty: {self:#?}");
        let last = self.stderr.lines().last().unwrap_or_default();
        for needle in needles {
            assert!(last.contains(needle), "stderr lacks {needle:?}: {self:#?}");
        }
    }
}

/// Runs `msp args…` with no vendor variables set, plus `env`.
fn msp_with(env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(support::example("msp"));
    for var in support::VENDOR_VARIABLES {
        command.env_remove(var);
    }
    let output = command
        .envs(env.iter().copied())
        .args(args)
        .output()
        .expect("msp runs");
    Run {
        code: output.status.code().expect("msp exited"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `msp args…` against the built-in simulators (`MSP_SIM=1`).
fn msp(args: &[&str]) -> Run {
    msp_with(&[("MSP_SIM", "1")], args)
}

/// Runs `msp` from async tests without holding up the runtime serving a simulator.
async fn msp_async(env: Vec<(&'static str, String)>, args: &[&str]) -> Run {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        msp_with(&env, &args)
    })
    .await
    .expect("the msp run finished")
}

/// Checks a dry run's stdout: the request, with `header` redacted.
fn dry_run(run: &Run, method: &str, url_end: &str, header: &str) -> Value {
    let preview = run.json();
    assert_eq!(preview["dry_run"], true, "{run:#?}");
    assert_eq!(preview["method"], method, "{run:#?}");
    let url = preview["url"].as_str().expect("a url");
    assert!(url.ends_with(url_end), "{url} does not end with {url_end}");
    assert_eq!(preview["headers"][header], "[REDACTED]", "{run:#?}");
    assert!(run.stderr.contains("nothing was sent"), "{run:#?}");
    preview
}

const ACME_DC01: &str = "5c0e1d2a-0000-4000-8000-000000000001";

// ---------------------------------------------------------------- usage

#[test]
fn usage_errors_exit_2_with_the_usage_text() {
    for args in [
        &[][..],
        &["nope", "sessions"],
        &["sc"],
        &["sc", "frobnicate"],
        &["sc", "session"],
        &["sc", "session", "a", "b"],
        &["sc", "sessions", "x", "--limit", "many"],
        &["sc", "sessions", "x", "--bogus", "1"],
        &["sc", "sessions", "x", "--yes"],
        &["cw", "ticket", "abc"],
        &["cw", "tickets", "--page-size", "5000"],
        &["cw", "tickets", "--page-size", "0"],
        &["cw", "raw", "FETCH", "service/tickets"],
        &[
            "cw",
            "raw",
            "GET",
            "service/tickets",
            "--query",
            "no-equals-sign",
        ],
        &["vsa", "agent", "not-a-number"],
        &["bt", "sessions", "--status", "open"],
        &["bt", "request", "--system-id", "1"],
        &[
            "bt",
            "request",
            "--system-id",
            "1",
            "--account-id",
            "2",
            "--access-type",
            "ftp",
        ],
        &["sc", "raw", "AddNoteToSession", "[not json"],
        &["completions", "tcsh"],
    ] {
        let run = msp(args);
        assert_eq!(run.code, 2, "{args:?}: {run:#?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
        // clap's message, with the usage or a pointer to --help; or the whole help when
        // nothing but the vendor (or nothing at all) was given.
        let first = run.stderr.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("error: ") || run.stderr.contains("Usage: msp"),
            "{args:?}: {run:#?}"
        );
        assert!(run.stderr.contains("--help"), "{args:?}: {run:#?}");
        assert!(
            !run.stderr.contains("using the built-in"),
            "nothing is started: {run:#?}"
        );
    }
}

/// Checks a command-line error: exit 2, nothing on stdout, clap's message on stderr
/// (first line `error: …` holding every `needle`) followed by the command's usage
/// (`usage`) — or, after an invalid or missing value, by a pointer to `--help`
/// ([`MORE`]).
const MORE: &str = "For more information, try '--help'.";

fn command_line_error(args: &[&str], needles: &[&str], usage: &str) {
    let run = msp(args);
    assert_eq!(run.code, 2, "{args:?}: {run:#?}");
    assert!(run.stdout.is_empty(), "{args:?}: {run:#?}");
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{args:?}: {run:#?}");
    for needle in needles {
        assert!(
            first.contains(needle),
            "{args:?}: stderr lacks {needle:?}: {run:#?}"
        );
    }
    assert!(
        run.stderr.contains(usage),
        "{args:?}: stderr lacks {usage:?}: {run:#?}"
    );
}

#[test]
fn unknown_options_and_missing_values_are_named() {
    command_line_error(
        &["cw", "tickets", "--bogus"],
        &["unexpected argument '--bogus'"],
        "Usage: msp cw tickets",
    );
    // Even where a value follows, the option is what is unknown.
    command_line_error(
        &["cw", "tickets", "--bogus", "1"],
        &["unexpected argument '--bogus'"],
        "Usage: msp cw tickets",
    );
    // `--yes` belongs to state-changing commands only.
    command_line_error(
        &["vsa", "orgs", "--yes"],
        &["unexpected argument '--yes'"],
        "Usage: msp vsa orgs",
    );
    // A near miss gets a suggestion.
    let run = msp(&["cw", "tickets", "--limt", "3"]);
    assert_eq!(run.code, 2, "{run:#?}");
    assert!(run.stderr.contains("'--limit'"), "{run:#?}");

    command_line_error(
        &["cw", "tickets", "--conditions"],
        &["a value is required for '--conditions <EXPR>'"],
        MORE,
    );
    command_line_error(
        &["bt", "request", "--system-id", "1"],
        &["required arguments were not provided"],
        "Usage: msp bt request",
    );
    assert!(
        msp(&["bt", "request", "--system-id", "1"])
            .stderr
            .contains("--account-id <A>")
    );
    command_line_error(
        &["cw", "add-note", "12"],
        &["required arguments were not provided"],
        "Usage: msp cw add-note",
    );
    command_line_error(
        &["cw", "frobnicate"],
        &["unrecognized subcommand 'frobnicate'"],
        "Usage: msp cw",
    );
    command_line_error(
        &["cw", "tickets", "--page-size", "5000"],
        &["invalid value '5000' for '--page-size <N>'"],
        MORE,
    );
    command_line_error(
        &["sc", "raw", "AddNoteToSession", "[not json"],
        &["invalid value '[not json'", "not valid JSON"],
        MORE,
    );
    command_line_error(
        &["sc", "set-properties", ACME_DC01, "--cp", "9=x"],
        &[
            "invalid value '9=x' for '--cp <N=VALUE>'",
            "N must be 1 to 8",
        ],
        MORE,
    );
    command_line_error(
        &["cw", "raw", "FETCH", "service/tickets"],
        &[
            "invalid value 'FETCH'",
            "not one of GET, POST, PUT, PATCH, DELETE",
        ],
        MORE,
    );
}

#[test]
fn help_goes_to_stdout_and_exits_0() {
    let help = |args: &[&str]| -> String {
        let run = msp(args);
        assert_eq!(run.code, 0, "{args:?}: {run:#?}");
        assert!(run.stderr.is_empty(), "{args:?}: {run:#?}");
        run.stdout
    };
    for top in [help(&["--help"]), help(&["help"])] {
        for text in [
            "Usage: msp [OPTIONS] <COMMAND>",
            "completions",
            "--sim",
            "SCREENCONNECT_URL",
            "CWM_CLIENT_ID",
            "KASEYA_PAT",
            "BT_API_KEY",
            "MSP_ALLOW_HTTP",
            "Exit codes: 0 success, 1 API/auth/network failure, 2 usage error.",
        ] {
            assert!(top.contains(text), "msp --help lacks {text:?}:\n{top}");
        }
    }

    // A vendor's help: its commands and its variables.
    let cw = help(&["cw", "--help"]);
    for text in [
        "Usage: msp cw [OPTIONS] <COMMAND>",
        "add-note",
        "set-status",
        "CWM_URL",
        "CWM_PRIVATE_KEY",
    ] {
        assert!(cw.contains(text), "msp cw --help lacks {text:?}:\n{cw}");
    }
    assert_eq!(help(&["help", "cw"]), cw);
    let bt = help(&["bt", "--help"]);
    assert!(
        bt.contains("BT_RUNAS") && bt.contains("credentials"),
        "{bt}"
    );
    assert!(
        !bt.contains("CWM_URL"),
        "only the vendor's own variables: {bt}"
    );

    // A command's help: its own options, not its siblings'.
    let tickets = help(&["cw", "tickets", "--help"]);
    for text in [
        "Usage: msp cw tickets [OPTIONS]",
        "--conditions <EXPR>",
        "--order-by <EXPR>",
        "--page-size <N>",
        "--limit <N>",
        "--sim",
    ] {
        assert!(
            tickets.contains(text),
            "msp cw tickets --help lacks {text:?}:\n{tickets}"
        );
    }
    assert!(
        !tickets.contains("--yes") && !tickets.contains("--internal"),
        "{tickets}"
    );
    assert_eq!(help(&["cw", "help", "tickets"]), tickets);
    assert_eq!(
        help(&["cw", "tickets", "-h"]).lines().next(),
        tickets.lines().next()
    );

    let request = help(&["bt", "request", "--help"]);
    for text in [
        "Usage: msp bt request [OPTIONS] --system-id <S> --account-id <A>",
        "--minutes <M>",
        "[default: 60]",
        "--reason <R>",
        "--conflict <CONFLICT>",
        "--access-type <ACCESS_TYPE>",
        "rdp",
        "view",
        "--yes",
    ] {
        assert!(
            request.contains(text),
            "msp bt request --help lacks {text:?}:\n{request}"
        );
    }
    assert!(!request.contains("--out"), "{request}");

    // Help wins over everything else on the line, and starts nothing.
    let run = msp(&["sc", "send-command", ACME_DC01, "x", "--yes", "--help"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .contains("Usage: msp sc send-command [OPTIONS] <ID> <COMMAND>"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("simulator"), "{run:#?}");
}

#[test]
fn completions_for_each_shell() {
    let run = msp_with(&[], &["completions", "bash"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.is_empty(), "{run:#?}");
    let bash = &run.stdout;
    assert!(bash.contains("_msp()"), "a bash function: {bash}");
    assert!(
        bash.contains("complete -F _msp"),
        "registered for msp: {bash}"
    );
    for word in [
        "send-command",
        "add-note",
        "run-procedure",
        "checkin",
        "--conditions",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    for (shell, marker) in [
        ("zsh", "#compdef msp"),
        ("fish", "complete -c msp"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let run = msp_with(&[], &["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:#?}");
        assert!(run.stdout.contains(marker), "{shell}: {}", run.stdout);
    }
}

/// The three exit codes, side by side: success, an API failure, a usage error — a
/// command-line mistake or a missing setting.
#[test]
fn exit_codes_0_success_1_api_failure_2_usage() {
    assert_eq!(msp(&["cw", "ticket", "7"]).code, 0);
    // The API answers 404: exit 1, one line naming the vendor and the status.
    msp(&["cw", "ticket", "999999"]).fails(1, &["ConnectWise Manage", "404"]);
    msp(&["vsa", "agents", "--filter", "Colour eq 'red'"]).fails(1, &["Kaseya VSA"]);
    // Nothing listens there: a network failure is exit 1 too.
    let unreachable = [
        ("CWM_URL", "http://127.0.0.1:9/v4_6_release/apis/3.0"),
        ("CWM_COMPANY", "acme"),
        ("CWM_PUBLIC_KEY", "pub"),
        ("CWM_PRIVATE_KEY", "priv"),
        ("CWM_CLIENT_ID", "00000000-0000-4000-8000-000000000001"),
        ("MSP_ALLOW_HTTP", "1"),
    ];
    let run = msp_with(&unreachable, &["cw", "ticket", "1"]);
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stdout.is_empty(), "{run:#?}");
    // Missing settings: no CWM_URL and no --sim is a usage error naming the variable.
    msp_with(&[], &["cw", "tickets"]).usage_error(&["CWM_URL", "--sim"]);
    let run = msp_with(&[], &["cw", "tickets"]);
    assert!(
        run.stderr.contains("msp cw --help"),
        "where to look: {run:#?}"
    );
    // A command-line mistake.
    assert_eq!(msp(&["cw", "tickets", "--bogus"]).code, 2);
}

#[test]
fn sim_and_yes_go_anywhere_on_the_line() {
    for args in [
        &["--sim", "cw", "tickets", "--limit", "2"][..],
        &["cw", "--sim", "tickets", "--limit", "2"],
        &["cw", "tickets", "--sim", "--limit", "2"],
        &["cw", "tickets", "--limit=2", "--sim"],
    ] {
        let run = msp_with(&[], args);
        assert_eq!(run.list().len(), 2, "{args:?}: {run:#?}");
    }
    let note = msp(&[
        "cw",
        "add-note",
        "--yes",
        "12",
        "--internal",
        "Toner replaced",
    ])
    .json();
    assert_eq!(note["internalAnalysisFlag"], true, "{note}");
    // Free text may start with a dash; `--` ends the options.
    let run = msp(&["sc", "note", ACME_DC01, "-- patched by Sam"]);
    assert_eq!(
        dry_run(&run, "POST", "/AddNoteToSession", "ctrlauthheader")["body"][1],
        "-- patched by Sam"
    );
    let run = msp(&["sc", "send-command", ACME_DC01, "--", "--version"]);
    assert_eq!(
        dry_run(&run, "POST", "/SendCommandToSession", "ctrlauthheader")["body"][1],
        "--version"
    );
}

// ---------------------------------------------------------------- ScreenConnect

#[test]
fn sc_sessions_by_name_on_the_simulator() {
    let run = msp(&["sc", "sessions", "ACME-DC01"]);
    let sessions = run.list();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["SessionID"], ACME_DC01);
    assert_eq!(sessions[0]["Name"], "ACME-DC01");
    assert_eq!(sessions[0]["CustomPropertyValues"][0], "Acme");
    assert!(
        run.stderr
            .contains("using the built-in ScreenConnect simulator"),
        "{run:#?}"
    );
    assert_eq!(
        msp(&["sc", "sessions", "NO-SUCH-PC"]).list(),
        Vec::<Value>::new()
    );
}

#[test]
fn sc_session_shows_details_and_events() {
    let details = msp(&["sc", "session", ACME_DC01]).json();
    assert_eq!(details["Session"]["Name"], "ACME-DC01");
    assert_eq!(details["Events"][0]["EventType"], "CreatedSession");
    msp(&["sc", "session", "5c0e1d2a-0000-4000-8000-00000000ffff"]).fails(1, &["ScreenConnect"]);
}

#[test]
fn sc_filter_and_limit() {
    let acme = msp(&["sc", "filter", "CustomProperty1 = 'Acme'"]).list();
    let names: Vec<&str> = acme.iter().map(|s| s["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["ACME-DC01", "ACME-LT07"]);
    let one = msp(&["sc", "filter", "CustomProperty1 = 'Acme'", "--limit", "1"]).list();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["Name"], "ACME-DC01");
}

#[test]
fn sc_writes_without_yes_print_the_request() {
    let command = "#!ps\nGet-Service";
    let run = msp(&["sc", "send-command", ACME_DC01, command]);
    let preview = dry_run(
        &run,
        "POST",
        "/Service.ashx/SendCommandToSession",
        "ctrlauthheader",
    );
    assert_eq!(preview["body"], json!([ACME_DC01, command]));
    assert!(
        !run.stdout.contains(sc::sim::SECRET),
        "the secret is never printed"
    );

    let run = msp(&["sc", "send-message", ACME_DC01, "Rebooting in 5"]);
    let preview = dry_run(&run, "POST", "/SendMessageToSession", "ctrlauthheader");
    assert_eq!(preview["body"], json!([ACME_DC01, "Rebooting in 5"]));

    let run = msp(&["sc", "note", ACME_DC01, "patched"]);
    dry_run(&run, "POST", "/AddNoteToSession", "ctrlauthheader");

    let run = msp(&[
        "sc",
        "set-properties",
        ACME_DC01,
        "--tag",
        "Patched",
        "--cp",
        "5=Five",
    ]);
    let preview = dry_run(
        &run,
        "POST",
        "/UpdateSessionCustomProperties",
        "ctrlauthheader",
    );
    assert_eq!(
        preview["body"],
        json!([ACME_DC01, ["Acme", "HQ", "Patched", "", "Five", "", "", ""]])
    );

    let run = msp(&[
        "sc",
        "raw",
        "AddNoteToSession",
        &json!([ACME_DC01, "x"]).to_string(),
    ]);
    dry_run(&run, "POST", "/AddNoteToSession", "ctrlauthheader");
}

#[test]
fn sc_writes_with_yes_are_sent_and_show_the_session_after() {
    let events = |run: &Run| -> Vec<(String, String)> {
        run.json()["Events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let data = e["Data"].as_str().unwrap_or_default().to_owned();
                (e["EventType"].as_str().unwrap().to_owned(), data)
            })
            .collect()
    };
    let run = msp(&["sc", "send-command", ACME_DC01, "Get-Service", "--yes"]);
    assert!(events(&run).contains(&("QueuedCommand".into(), "Get-Service".into())));
    assert!(run.stderr.contains("SendCommandToSession sent"), "{run:#?}");
    let run = msp(&["sc", "send-message", ACME_DC01, "Hello", "--yes"]);
    assert!(events(&run).contains(&("QueuedMessage".into(), "Hello".into())));
    let run = msp(&["sc", "note", ACME_DC01, "Patched & rebooted", "--yes"]);
    assert!(events(&run).contains(&("AddedNote".into(), "Patched & rebooted".into())));

    let run = msp(&[
        "sc",
        "set-properties",
        ACME_DC01,
        "--company",
        "Acme & Sons",
        "--tag",
        "It's patched",
        "--cp",
        "8=eight",
        "--yes",
    ]);
    assert_eq!(
        run.json()["Session"]["CustomPropertyValues"],
        json!(["Acme & Sons", "HQ", "It's patched", "", "", "", "", "eight"])
    );
    assert_eq!(msp(&["sc", "set-properties", ACME_DC01, "--yes"]).code, 2);
    assert_eq!(
        msp(&["sc", "set-properties", ACME_DC01, "--cp", "9=x"]).code,
        2
    );
}

#[test]
fn sc_build_installer() {
    let run = msp(&[
        "sc",
        "build-installer",
        "--platform",
        "msi",
        "--name",
        "ACME-PC01",
        "--company",
        "Acme & Sons",
        "--tag",
        "New",
    ]);
    let installer = run.json();
    let url = installer["url"].as_str().unwrap();
    assert!(url.contains("/Bin/ScreenConnect.ClientSetup.msi?e=Access&y=Guest&t=ACME-PC01&c=Acme%20%26%20Sons&c=&c=New&"), "{url}");
    assert_eq!(installer["file_name"], "ScreenConnect.ClientSetup.msi");
    assert!(
        installer["silent_install_command"]
            .as_str()
            .unwrap()
            .starts_with("msiexec /i")
    );
    assert_eq!(
        msp(&["sc", "build-installer", "--platform", "zip", "--name", "X"]).code,
        2
    );
    assert_eq!(msp(&["sc", "build-installer", "--platform", "deb"]).code, 2);
}

#[test]
fn sc_raw_reads_and_missing_methods() {
    let found = msp(&["sc", "raw", "GetSessionsByName", r#"["ACME-DC01"]"#]).list();
    assert_eq!(found[0]["SessionID"], ACME_DC01);
    msp(&["sc", "raw", "GetAllSessions", "[]"]).fails(1, &["GetAllSessions", "not available"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn sc_against_a_started_simulator_dry_runs_send_nothing() {
    let sim = sc::sim::Simulator::start().await;
    let env = vec![
        ("SCREENCONNECT_URL", sim.url()),
        ("SCREENCONNECT_SECRET", sc::sim::SECRET.to_owned()),
        ("MSP_ALLOW_HTTP", "1".to_owned()),
    ];
    let id = sc::models::SessionId::new(ACME_DC01);
    let before = sim.events(&id);

    // The environment path works: no simulator is started.
    let run = msp_async(env.clone(), &["sc", "sessions", "ACME-DC01"]).await;
    assert_eq!(run.list()[0]["SessionID"], ACME_DC01);
    assert!(!run.stderr.contains("simulator"), "{run:#?}");

    let run = msp_async(
        env.clone(),
        &["sc", "send-command", ACME_DC01, "shutdown /r"],
    )
    .await;
    let preview = dry_run(&run, "POST", "/SendCommandToSession", "ctrlauthheader");
    assert!(preview["url"].as_str().unwrap().starts_with(&sim.url()));
    assert_eq!(sim.events(&id), before, "a dry run sends nothing");
    assert!(
        sim.received()
            .iter()
            .all(|r| sc::sim::method_of(r) != Some("SendCommandToSession"))
    );

    let run = msp_async(
        env.clone(),
        &["sc", "send-command", ACME_DC01, "shutdown /r", "--yes"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:#?}");
    let last = sim.events(&id).pop().unwrap();
    assert_eq!(last.data.as_deref(), Some("shutdown /r"));
}

#[tokio::test(flavor = "multi_thread")]
async fn sc_wrong_secret_missing_secret_and_plain_http() {
    let sim = sc::sim::Simulator::start().await;
    let wrong = vec![
        ("SCREENCONNECT_URL", sim.url()),
        ("SCREENCONNECT_SECRET", "not-the-secret".to_owned()),
        ("MSP_ALLOW_HTTP", "1".to_owned()),
    ];
    let run = msp_async(wrong, &["sc", "sessions", "ACME-DC01"]).await;
    run.fails(1, &["401", "secret was refused"]);
    assert_eq!(run.stderr.lines().count(), 1, "one line: {run:#?}");
    assert!(!run.stderr.contains("not-the-secret"));

    let missing = vec![
        ("SCREENCONNECT_URL", sim.url()),
        ("MSP_ALLOW_HTTP", "1".to_owned()),
    ];
    let run = msp_async(missing, &["sc", "sessions", "ACME-DC01"]).await;
    run.usage_error(&["SCREENCONNECT_SECRET"]);

    let http = vec![
        ("SCREENCONNECT_URL", sim.url()),
        ("SCREENCONNECT_SECRET", sc::sim::SECRET.to_owned()),
    ];
    let run = msp_async(http, &["sc", "sessions", "ACME-DC01"]).await;
    run.usage_error(&["plain-http", "MSP_ALLOW_HTTP=1"]);
}

// ---------------------------------------------------------------- ConnectWise Manage

#[test]
fn cw_tickets_stream_pages_and_stop_at_the_limit() {
    let run = msp(&["cw", "tickets", "--page-size", "10", "--limit", "25"]);
    let tickets = run.list();
    assert_eq!(tickets.len(), 25);
    let ids: Vec<u64> = tickets.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<u64>>());
    assert!(
        run.stderr
            .contains("using the built-in ConnectWise Manage simulator")
    );

    let count = msp(&[
        "cw",
        "raw",
        "GET",
        "service/tickets/count",
        "--query",
        "conditions=board/id = 2",
    ])
    .json()["count"]
        .as_u64()
        .unwrap();
    assert!(count > 200, "several pages of 100: {count}");
    let board2 = msp(&[
        "cw",
        "tickets",
        "--conditions",
        "board/id = 2",
        "--page-size",
        "100",
    ])
    .list();
    assert_eq!(board2.len() as u64, count, "every page is streamed");
    assert!(board2.iter().all(|t| t["board"]["id"] == 2));

    let newest = msp(&["cw", "tickets", "--order-by", "id desc", "--limit", "3"]).list();
    let ids: Vec<u64> = newest.iter().map(|t| t["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [5000, 4999, 4998]);
}

#[test]
fn cw_ticket_and_companies() {
    let ticket = msp(&["cw", "ticket", "7"]).json();
    assert_eq!(ticket["id"], 7);
    assert!(ticket["summary"].is_string());
    msp(&["cw", "ticket", "999999"]).fails(1, &["ConnectWise Manage", "404"]);

    let name = r#"O'Brien & Sons + Co "West""#;
    let companies = msp(&["cw", "companies", "--name", name]).list();
    assert_eq!(companies.len(), 1);
    assert_eq!(companies[0]["name"], name);
    let none = msp(&[
        "cw",
        "companies",
        "--name",
        "O'Brien",
        "--conditions",
        "id > 0",
    ])
    .list();
    assert!(none.is_empty(), "--name is exact");
    assert_eq!(msp(&["cw", "companies", "--limit", "5"]).list().len(), 5);
    msp(&["cw", "tickets", "--conditions", "board/id = = 2"]).fails(1, &["400"]);
}

#[test]
fn cw_add_note_and_set_status() {
    let run = msp(&["cw", "add-note", "12", "Toner replaced", "--internal"]);
    let preview = dry_run(
        &run,
        "POST",
        "/apis/3.0/service/tickets/12/notes",
        "authorization",
    );
    assert_eq!(
        preview["body"],
        json!({"ticketId": 12, "text": "Toner replaced", "internalAnalysisFlag": true})
    );
    // The clientId is not a secret: the simulator's GUID is shown as it is.
    let client_id = preview["headers"]["clientid"].as_str().unwrap_or_default();
    assert!(
        client_id.len() == 36 && client_id.matches('-').count() == 4,
        "{preview}"
    );

    let note = msp(&["cw", "add-note", "12", "Toner replaced", "--yes"]).json();
    assert_eq!(note["ticketId"], 12);
    assert_eq!(note["detailDescriptionFlag"], true);
    assert!(note["id"].is_u64());

    // Statuses belong to boards: board b has statuses 5(b-1)+1 … 5(b-1)+5.
    let board = msp(&["cw", "ticket", "12"]).json()["board"]["id"]
        .as_u64()
        .unwrap();
    let status = (5 * (board - 1) + 2).to_string();
    let run = msp(&["cw", "set-status", "12", &status]);
    let preview = dry_run(&run, "PATCH", "/service/tickets/12", "authorization");
    assert_eq!(
        preview["body"],
        json!([{"op": "replace", "path": "status/id", "value": status.parse::<u64>().unwrap()}])
    );
    let ticket = msp(&["cw", "set-status", "12", &status, "--yes"]).json();
    assert_eq!(ticket["status"]["id"].to_string(), status);
}

#[test]
fn cw_raw() {
    assert_eq!(
        msp(&["cw", "raw", "GET", "/service/tickets/3"]).json()["id"],
        3
    );
    let run = msp(&[
        "cw",
        "raw",
        "post",
        "service/tickets",
        "--body",
        r#"{"summary":"x","board":{"id":1}}"#,
    ]);
    let preview = dry_run(&run, "POST", "/apis/3.0/service/tickets", "authorization");
    assert_eq!(preview["body"]["summary"], "x");
    let created = msp(&[
        "cw",
        "raw",
        "POST",
        "service/tickets",
        "--body",
        r#"{"summary":"x","board":{"id":1},"company":{"id":1}}"#,
        "--yes",
    ])
    .json();
    assert_eq!(created["summary"], "x");
    assert_eq!(
        msp(&["cw", "raw", "POST", "service/tickets", "--body", "{"]).code,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cw_credentials_from_the_environment() {
    let sim = cw::sim::Simulator::builder().tickets(30).start().await;
    let env = |private_key: &str| {
        vec![
            ("CWM_URL", format!("{}/v4_6_release/apis/3.0", sim.url())),
            ("CWM_COMPANY", sim.company_id().to_owned()),
            ("CWM_PUBLIC_KEY", sim.public_key().to_owned()),
            ("CWM_PRIVATE_KEY", private_key.to_owned()),
            ("CWM_CLIENT_ID", sim.client_id().to_owned()),
            ("MSP_ALLOW_HTTP", "1".to_owned()),
        ]
    };
    let run = msp_async(env(sim.private_key()), &["cw", "tickets"]).await;
    assert_eq!(run.list().len(), 30);
    assert!(!run.stderr.contains("simulator"));

    let run = msp_async(env("wrong-key"), &["cw", "tickets"]).await;
    run.fails(1, &["ConnectWise Manage", "401"]);
    assert!(!run.stderr.contains("wrong-key"));

    let mut missing = env(sim.private_key());
    missing.retain(|(k, _)| *k != "CWM_CLIENT_ID");
    msp_async(missing, &["cw", "tickets"])
        .await
        .usage_error(&["CWM_CLIENT_ID"]);

    // A dry run sends nothing.
    let sent = sim.received().len();
    let run = msp_async(env(sim.private_key()), &["cw", "add-note", "1", "hello"]).await;
    dry_run(&run, "POST", "/service/tickets/1/notes", "authorization");
    assert_eq!(sim.received().len(), sent);
}

// ---------------------------------------------------------------- Kaseya VSA

#[test]
fn vsa_agents_stream_filter_and_limit() {
    let run = msp(&["vsa", "agents"]);
    let agents = run.list();
    assert_eq!(agents.len(), 300, "three pages of 100");
    assert!(
        run.stderr
            .contains("using the built-in Kaseya VSA simulator")
    );
    // 26-digit ids survive exactly.
    assert!(
        agents
            .iter()
            .any(|a| a["AgentId"].as_str().unwrap().len() == 26)
    );

    assert_eq!(msp(&["vsa", "agents", "--limit", "5"]).list().len(), 5);

    let name = "O'Brien's PC.servers.globex";
    let found = msp(&["vsa", "agents", "--name", name]).list();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["AgentName"], name);

    let linux = msp(&[
        "vsa",
        "agents",
        "--filter",
        "OSType eq 'Linux'",
        "--order-by",
        "AgentName desc",
        "--limit",
        "150",
    ])
    .list();
    assert_eq!(linux.len(), 75);
    assert!(linux.iter().all(|a| a["OSType"] == "Linux"));
    let names: Vec<&str> = linux
        .iter()
        .map(|a| a["AgentName"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] >= w[1]), "sorted descending");

    let both = msp(&[
        "vsa",
        "agents",
        "--name",
        name,
        "--filter",
        "OSType eq 'Linux'",
    ])
    .list();
    assert_eq!(both.len(), 1);
    let neither = msp(&[
        "vsa",
        "agents",
        "--name",
        name,
        "--filter",
        "OSType eq 'Windows'",
    ])
    .list();
    assert!(neither.is_empty(), "the name and the filter both apply");
    msp(&["vsa", "agents", "--filter", "Colour eq 'red'"]).fails(1, &["Kaseya VSA"]);
}

#[test]
fn vsa_agent_and_orgs() {
    let agent = msp(&["vsa", "agent", "121747357971679"]).json();
    assert_eq!(agent["AgentName"], "PC-0000.root.acme");
    msp(&["vsa", "agent", "999"]).fails(1, &["404", "Agent 999 not found"]);

    let orgs = msp(&["vsa", "orgs"]).list();
    assert_eq!(orgs.len(), 5);
    assert_eq!(orgs[1]["OrgName"], "O'Brien & Sons");
    assert_eq!(msp(&["vsa", "orgs", "--limit", "2"]).list().len(), 2);
}

#[test]
fn vsa_raw() {
    let envelope = msp(&["vsa", "raw", "GET", "system/orgs?$top=2"]).json();
    assert_eq!(envelope["TotalRecords"], 5);
    assert_eq!(envelope["Result"].as_array().unwrap().len(), 2);
    let run = msp(&["vsa", "raw", "DELETE", "system/orgs/10000000000000"]);
    dry_run(
        &run,
        "DELETE",
        "/api/v1.0/system/orgs/10000000000000",
        "authorization",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn vsa_run_procedure_and_credentials() {
    let sim = vsa::sim::Simulator::builder().agents(20).start().await;
    let env = |password: &str| {
        vec![
            ("KASEYA_URL", sim.url()),
            ("KASEYA_USERNAME", vsa::sim::USERNAME.to_owned()),
            ("KASEYA_PASSWORD", password.to_owned()),
            ("MSP_ALLOW_HTTP", "1".to_owned()),
        ]
    };
    let agent = "121747357971679";
    let run = msp_async(
        env(vsa::sim::PASSWORD),
        &["vsa", "run-procedure", agent, "1003"],
    )
    .await;
    dry_run(
        &run,
        "PUT",
        &format!("/api/v1.0/automation/agentprocs/{agent}/1003/runnow"),
        "authorization",
    );
    assert!(sim.history(agent).is_empty(), "a dry run sends nothing");
    assert_eq!(sim.auth_requests(), 0, "not even the sign-in");

    let run = msp_async(
        env(vsa::sim::PASSWORD),
        &["vsa", "run-procedure", agent, "1003", "--yes"],
    )
    .await;
    assert_eq!(run.json()["queued"], true);
    assert!(!run.stderr.contains("simulator"));
    assert_eq!(sim.history(agent)[0]["ScriptName"], "Restart Service");

    let run = msp_async(
        env(vsa::sim::PASSWORD),
        &["vsa", "run-procedure", agent, "42", "--yes"],
    )
    .await;
    run.fails(1, &["Agent procedure 42 not found"]);

    let run = msp_async(env("wrong password"), &["vsa", "agents"]).await;
    run.fails(
        1,
        &[
            "authentication failed",
            "refused the credentials of `apiuser`",
        ],
    );

    let mut missing = env("x");
    missing.retain(|(k, _)| *k != "KASEYA_PASSWORD");
    msp_async(missing, &["vsa", "orgs"])
        .await
        .usage_error(&["KASEYA_PASSWORD"]);
}

// ---------------------------------------------------------------- BeyondTrust

#[test]
fn bt_sessions_and_session() {
    let run = msp(&["bt", "sessions"]);
    assert_eq!(run.list().len(), 5);
    assert!(
        run.stderr
            .contains("using the built-in BeyondTrust Password Safe simulator")
    );
    let live = msp(&["bt", "sessions", "--status", "1"]).list();
    assert_eq!(live.len(), 2);
    assert!(live.iter().all(|s| s["Status"] == 1));
    let mine = msp(&["bt", "sessions", "--status", "1,2", "--user-id", "7"]).list();
    let ids: Vec<u64> = mine
        .iter()
        .map(|s| s["SessionID"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [501, 502]);
    assert_eq!(msp(&["bt", "sessions", "--limit", "2"]).list().len(), 2);

    let session = msp(&["bt", "session", "501"]).json();
    assert_eq!(session["SessionID"], 501);
    assert_eq!(session["ManagedAccountName"], "svc-web");
    msp(&["bt", "session", "9999"]).fails(1, &["BeyondTrust"]);
}

#[test]
fn bt_request_dry_run_and_send() {
    let args = [
        "bt",
        "request",
        "--system-id",
        "1",
        "--account-id",
        "10",
        "--reason",
        "Patch Tuesday",
    ];
    let run = msp(&args);
    let preview = dry_run(
        &run,
        "POST",
        "/BeyondTrust/api/public/v3/Requests",
        "cookie",
    );
    assert_eq!(
        preview["body"],
        json!({"AccessType": "RDP", "SystemID": 1, "AccountID": 10, "DurationMinutes": 60, "Reason": "Patch Tuesday"})
    );
    let run = msp(&[
        &args[..],
        &["--minutes", "30", "--conflict", "renew", "--yes"],
    ]
    .concat());
    let request = run.json();
    assert_eq!(request["Status"], "Active");
    assert_eq!(request["AccountName"], "svc-web");
    assert_eq!(request["DurationMinutes"], 30);
    assert_eq!(msp(&[&args[..], &["--minutes", "0"]].concat()).code, 2);
    assert_eq!(msp(&[&args[..], &["--conflict", "steal"]].concat()).code, 2);
    // Account 21 is not permitted.
    let denied = [
        "bt",
        "request",
        "--system-id",
        "2",
        "--account-id",
        "21",
        "--yes",
    ];
    msp(&denied).fails(1, &["4031"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn bt_credentials_checkin_and_rdp_against_a_started_simulator() {
    let sim = bt::sim::Simulator::start().await;
    let client = sim.client().unwrap();
    let env = |key: &str| {
        vec![
            ("BT_URL", sim.api_url()),
            ("BT_API_KEY", key.to_owned()),
            ("BT_RUNAS", sim.runas().to_owned()),
            ("MSP_ALLOW_HTTP", "1".to_owned()),
        ]
    };
    let ok = || env(sim.api_key());

    // Credentials of an approved View request.
    let view = client
        .requests()
        .create(bt::NewRequest::new(bt::AccessType::View, 1, 10).duration_minutes(30))
        .await
        .unwrap()
        .to_string();
    let run = msp_async(ok(), &["bt", "credentials", &view]).await;
    assert_eq!(run.json(), json!(sim.account_password(10).unwrap()));
    assert!(!run.stderr.contains("simulator"));

    // Check-in: a dry run leaves the request active; --yes releases it.
    let run = msp_async(ok(), &["bt", "checkin", &view, "--reason", "done"]).await;
    let preview = dry_run(&run, "PUT", &format!("/Requests/{view}/Checkin"), "cookie");
    assert_eq!(preview["body"], json!({"Reason": "done"}));
    assert!(
        sim.access_requests()
            .iter()
            .any(|r| r.request_id.to_string() == view && r.status == bt::RequestStatus::Active)
    );
    let run = msp_async(ok(), &["bt", "checkin", &view, "--yes"]).await;
    assert_eq!(run.json()["RequestID"].to_string(), view);
    msp_async(ok(), &["bt", "credentials", &view])
        .await
        .fails(1, &["BeyondTrust"]);

    // An RDP file for an approved RDP request.
    let rdp = client
        .requests()
        .create(bt::NewRequest::new(bt::AccessType::Rdp, 1, 10).duration_minutes(30))
        .await
        .unwrap()
        .to_string();
    let out = std::env::temp_dir().join(format!("msp-cli-test-{}.rdp", std::process::id()));
    let out_arg = out.to_str().unwrap();
    let sessions = sim.sessions().len();
    let run = msp_async(ok(), &["bt", "rdp", &rdp, "--out", out_arg]).await;
    let preview = dry_run(&run, "POST", &format!("/Requests/{rdp}/Sessions"), "cookie");
    assert_eq!(preview["body"], json!({"SessionType": "rdpfile"}));
    assert!(!out.exists(), "a dry run writes nothing");
    assert_eq!(sim.sessions().len(), sessions, "a dry run opens no session");

    let run = msp_async(ok(), &["bt", "rdp", &rdp, "--out", out_arg, "--yes"]).await;
    let written = run.json();
    assert_eq!(written["File"], out_arg);
    let text = std::fs::read_to_string(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert!(text.contains("full address:s:"), "{text}");
    assert_eq!(written["Bytes"].as_u64().unwrap() as usize, text.len());
    assert_eq!(sim.sessions().len(), sessions + 1);
    assert_eq!(
        sim.active_sessions(),
        1,
        "the CLI signed out; only this test's client is signed in"
    );

    // A wrong API key.
    let run = msp_async(env("not-the-key"), &["bt", "sessions"]).await;
    run.fails(1, &["BeyondTrust"]);
    assert!(!run.stderr.contains("not-the-key"));
    assert_eq!(run.stderr.lines().count(), 1);
}

/// Progress goes to stderr only when stderr is a terminal: under `script` (a pseudo
/// terminal) the count is drawn, stdout redirected to a file stays pure JSON; without a
/// terminal (every other test) stderr carries no progress.
#[test]
fn progress_is_drawn_on_a_terminal_and_never_on_stdout() {
    let out = std::env::temp_dir().join(format!("msp-progress-{}.json", std::process::id()));
    let command = format!(
        "'{}' cw tickets --limit 120 --sim > '{}'",
        support::example("msp").display(),
        out.display()
    );
    let mut script = Command::new("script");
    for var in support::VENDOR_VARIABLES {
        script.env_remove(var);
    }
    let output = script
        .args(["-qec", &command, "/dev/null"])
        .output()
        .expect("script(1) runs");
    assert!(output.status.success(), "{output:?}");
    let terminal = String::from_utf8_lossy(&output.stdout);
    assert!(
        terminal.contains("msp: 50 "),
        "progress drawn: {terminal:?}"
    );
    assert!(
        terminal.contains("msp: 100 "),
        "progress drawn: {terminal:?}"
    );
    let json: Vec<Value> = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(json.len(), 120, "stdout holds only the JSON");

    let piped = msp(&["cw", "tickets", "--limit", "120"]);
    assert_eq!(piped.list().len(), 120);
    assert!(
        !piped.stderr.contains('\r'),
        "no progress without a terminal: {piped:?}"
    );
}
