#!/usr/bin/env bash
# Per-call cost in CPU instructions, counted by valgrind's callgrind: repeatable whatever
# else the machine is doing, unlike wall time on a shared 2-core VM. Each case runs alone
# with two call counts, on a current-thread runtime (so the count does not depend on
# thread scheduling); the difference divided by the difference in calls is the cost of
# one call (setup, connection and runtime start cancel out).
#
#   bench/instructions.sh            # N1=1000, N2=5000
#   N2=3000 bench/instructions.sh
#
# Needs valgrind (Debian: apt-get install valgrind). About 4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

N1=${N1:-1000}
N2=${N2:-5000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo build --release -p msp-examples --example bench-decode
cargo bench -p msp-common --bench call --no-run 2> "$tmp/bench.txt"
CALL=$(sed -n 's/.*Executable benches\/call.rs (\(.*\))/\1/p' "$tmp/bench.txt" | tail -1)
DECODE=${CARGO_TARGET_DIR:-target}/release/examples/bench-decode

# instructions <label> <command...>: the total instructions of one run
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

per_call() { # <name> <cmd for N1> / <cmd for N2> via a function taking N
    local name=$1 fn=$2
    local a b
    a=$($fn "$N1")
    b=$($fn "$N2")
    echo $(( (b - a) / (N2 - N1) ))
}

call_case() { MSP_BENCH_CASE=$CASE MSP_BENCH_N=$1 instructions "$CALL"; }
get_case() { instructions "$DECODE" --rounds 1 get --current-thread --only "$CASE" --calls "$1"; }

echo "== msp-common: a small struct, $N1 and $N2 sequential GETs (cargo bench --bench call)"
for CASE in floor send call; do
    eval "call_$CASE=$(per_call "$CASE" call_case)"
done
echo "reqwest + serde_json (floor): $call_floor instructions/call"
awk -v f="$call_floor" -v s="$call_send" -v c="$call_call" 'BEGIN {
    printf "Transport::send(..).json(): %d instructions/call, %.3fx floor\n", s, s / f
    printf "Call::read_json(..).await:  %d instructions/call, %.3fx floor\n", c, c / f }'

echo "== cwmanage-client: tickets().get(id) against a hand-written GET + decode (bench-decode get)"
for CASE in floor floor-ticket typed; do
    eval "get_${CASE//-/_}=$(per_call "$CASE" get_case)"
done
echo "reqwest + serde_json into FloorTicket (floor, same fields): $get_floor instructions/call"
echo "reqwest + serde_json into models::Ticket (floor, same struct): $get_floor_ticket instructions/call"
awk -v f="$get_floor" -v s="$get_floor_ticket" -v t="$get_typed" 'BEGIN {
    printf "tickets().get(id) into Ticket: %d instructions/call, %.3fx the same-fields floor, %.3fx the same-struct floor\n", t, t / f, t / s }'
