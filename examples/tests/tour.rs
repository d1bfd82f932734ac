//! The README's main command, `cargo run -p msp-examples --example tour`, runs to the
//! end against the four simulators and walks through each vendor.

mod support;

use std::process::Command;

#[test]
fn the_tour_runs_through_all_four_vendors() {
    let mut command = Command::new(support::example("tour"));
    for var in support::VENDOR_VARIABLES {
        command.env_remove(var);
    }
    let output = command.output().expect("the tour runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{output:?}");
    for heading in [
        "1. ScreenConnect",
        "2. Kaseya VSA",
        "3. ConnectWise Manage",
        "4. BeyondTrust",
        "Done.",
    ] {
        assert!(
            stdout.contains(heading),
            "missing {heading:?} in:\n{stdout}"
        );
    }
    assert!(stdout.contains("ScreenConnect.ClientSetup.msi?e=Access&y=Guest&t=ACME-PC01"));
    assert!(stdout.contains("checked in and signed out"));
}
