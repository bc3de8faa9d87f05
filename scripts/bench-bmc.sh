#!/usr/bin/env bash
# Deep bounded model checking: how deep `ivyc bmc` gets within a time budget.
#
#   scripts/bench-bmc.sh [--depth K] [--budget SECS] [--ivyc BIN] [-- EXTRA BMC ARGS] FILES...
#
# For every file runs `ivyc bmc --depth K --timeout SECS --progress FILE`
# (default K = 10, SECS = 60) and prints, per pass of the search (its
# bounds), the time at which each depth was shown free of violations, then
# the verdict line and the CPU time of the run. --ivyc picks another binary
# (e.g. an older build, for before/after comparisons; it needs --progress).
# See docs/performance.md ("Deep BMC").
set -euo pipefail
cd "$(dirname "$0")/.."

depth=10
budget=60
ivyc=target/release/ivyc
extra=()
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        --depth) depth="$2"; shift ;;
        --budget) budget="$2"; shift ;;
        --ivyc) ivyc="$2"; shift ;;
        --) shift; while [ $# -gt 0 ] && [ "$1" != "--" ]; do extra+=("$1"); shift; done ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        -*) echo "bench-bmc.sh: unknown option $1" >&2; exit 2 ;;
        *) files+=("$1") ;;
    esac
    [ $# -gt 0 ] && shift
done
if [ "$ivyc" = target/release/ivyc ]; then
    cargo build --release -p ivyc >&2
fi
for f in "${files[@]}"; do
    echo "== $f (depth $depth, budget ${budget}s)"
    out=$(mktemp)
    set +e
    /usr/bin/time -f "cpu %U+%S s, wall %e s" "$ivyc" bmc --depth "$depth" --timeout "$budget" \
        --progress "${extra[@]}" "$f" >"$out" 2>&1
    code=$?
    set -e
    # Progress lines (stderr) first, then the verdict (stdout) and the time.
    grep -E '^(.*: )?depth [0-9]+: no violation' "$out" || true
    grep -vE '^(.*: )?depth [0-9]+: no violation' "$out" | grep -E '^(searching|no violation|  covered|undecided|violation at|error\[|cpu )' || true
    echo "exit $code"
    rm -f "$out"
done
