#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md with public tools only: cargo, GNU time
# (/usr/bin/time) and, when installed, curl. Run it on a quiet machine (check `uptime`);
# every case reports its best and median over ROUNDS rounds, wall and CPU time.
#
#   bench/run.sh              # everything (about 5 minutes on 2 cores)
#   ROUNDS=9 bench/run.sh     # more rounds
#   QUICK=1 bench/run.sh      # a smoke run on 2 pages (what CI runs, there in debug)
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-5}
cargo build --release -p msp-examples --example bench-decode --example bench-streams
B=target/release/examples/bench-decode

echo "== machine"
uname -srm
nproc
grep -m1 'model name' /proc/cpuinfo || true
uptime

if [ -n "${QUICK:-}" ]; then
    "$B" --pages 2 --rounds 1 all
    exit 0
fi

echo "== one page decoded in process"
"$B" decode --rounds "$ROUNDS"
echo "== 100 pages x 1000 tickets: typed stream, hand-written floor, no-decode loops"
"$B" compare --rounds "$ROUNDS"
echo "== latency-bound paging: 200 pages, 50 ms each"
"$B" latency --rounds 3
echo "== single GETs"
"$B" get --rounds "$ROUNDS"
"$B" get --rounds "$ROUNDS" --current-thread
echo "== the simulators against a static mirror of their pages"
"$B" sims --rounds "$ROUNDS"
echo "== bench-streams (the client against the simulators)"
target/release/examples/bench-streams

echo "== peak memory: each server in its own process, the client under /usr/bin/time -v"
tmp=$(mktemp -d)
servers=()
cleanup() {
    for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT
for pages in 100 1000; do
    "$B" --pages "$pages" serve --render > "$tmp/serve-$pages.json" &
    servers+=("$!")
    for _ in $(seq 100); do
        [ -s "$tmp/serve-$pages.json" ] && break
        sleep 0.1
    done
    url=$(sed -e 's/.*"url": "\([^"]*\)".*/\1/' "$tmp/serve-$pages.json")
    for mode in "" "--look-ahead" "--floor"; do
        # shellcheck disable=SC2086
        /usr/bin/time -v "$B" --pages "$pages" memory $mode --url "$url" 2> "$tmp/time.txt"
        grep 'Maximum resident set size' "$tmp/time.txt"
    done
done
