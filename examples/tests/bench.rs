//! The benchmark builds and runs on a small count (CI times nothing: the figures in
//! `BENCHMARKS.md` come from release builds on a quiet machine).

mod support;

use std::process::Command;

#[test]
fn bench_decode_runs_every_mode_on_two_pages() {
    let out = Command::new(support::example("bench-decode"))
        .args(["--pages", "2", "--rounds", "1", "all"])
        .output()
        .expect("bench-decode runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bench-decode failed:\n{stdout}\n{stderr}"
    );
    for expected in [
        "decode: one page of 1000 tickets",
        "compare: 2 pages × 1000 tickets = 2000 tickets",
        "typed / floor:",
        "latency: 2 pages",
        "Kaseya agents, pages_in_flight(16)",
        "ConnectWise tickets (100/page), pages_in_flight(16)",
        "typed tickets().get(id)",
        "ConnectWise simulator, no-decode loop",
        "Kaseya simulator, typed agents().list()",
        "memory: typed, look-ahead on 2000 tickets",
        "memory: floor 2000 tickets",
    ] {
        assert!(stdout.contains(expected), "no `{expected}` in:\n{stdout}");
    }
}
