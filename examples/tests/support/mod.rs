//! Plumbing shared by the integration tests: building the examples they run (once per
//! test binary) and finding them in the target directory, and the variables that would
//! point a client at a real server.

// Each test binary includes this module and uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// Every variable that would point the CLI or a workflow at a real server; tests that
/// use the built-in simulators remove them from the child's environment.
pub(crate) const VENDOR_VARIABLES: [&str; 18] = [
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
    "KASEYA_PAT",
    "BT_URL",
    "BT_API_KEY",
    "BT_RUNAS",
    "BT_PASSWORD",
    "MSP_ALLOW_HTTP",
    "MSP_SIM",
];

/// The workspace root (the parent of `examples/`).
fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("examples/ is in the workspace")
}

/// Builds the named examples of `msp-examples` — each at most once per test binary —
/// and returns the directory holding the built examples (`CARGO_TARGET_DIR` honoured,
/// relative to the workspace root).
pub(crate) fn examples_dir(names: &[&str]) -> PathBuf {
    static BUILT: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let mut built = BUILT.lock().unwrap_or_else(PoisonError::into_inner);
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| !built.contains(*name))
        .collect();
    if !missing.is_empty() {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "-q", "-p", "msp-examples"]);
        for name in &missing {
            build.args(["--example", name]);
        }
        let status = build
            .current_dir(workspace())
            .status()
            .expect("cargo can be run");
        assert!(status.success(), "building the examples {missing:?} failed");
        built.extend(missing.iter().map(|name| name.to_string()));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| workspace().join(dir))
        .unwrap_or_else(|| workspace().join("target"));
    target.join("debug").join("examples")
}

/// The built example `name` (built first when this test binary has not built it yet).
pub(crate) fn example(name: &str) -> PathBuf {
    let path = examples_dir(&[name]).join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    path
}
