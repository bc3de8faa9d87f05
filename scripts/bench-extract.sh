#!/usr/bin/env bash
# Speed of extracted C++ against the same protocol written by hand.
#
#   scripts/bench-extract.sh [--runs N] [--calls C] [--nodes K]
#
# Builds ivyc (cargo build --release), extracts examples/lock_server.ivy with
# `ivyc extract --cpp` into a temporary directory, configures runtime-cpp
# (Release, IVYC_RUNTIME_BUILD_BENCH=ON, IVYC_BENCH_GENERATED_DIR=that
# directory) twice -- runtime checks on, and off (-DIVYC_NO_RUNTIME_CHECKS) --
# and runs runtime-cpp/bench's bench_handwritten and bench_extracted
# alternately N times each (default 5) on C action calls (default 200000000)
# over K nodes (default 16). Reports the median calls/s of each and the
# ratio handwritten / extracted (goal: <= 1.5). All build output goes to a
# temporary directory under /tmp that is removed on exit. See
# docs/performance.md.
set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1
cd "$(dirname "$0")/.."

runs=5
calls=200000000
nodes=16
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --calls) calls="$2"; shift ;;
        --nodes) nodes="$2"; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "bench-extract.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
case "$runs" in ''|*[!0-9]*|0) echo "bench-extract.sh: --runs needs a positive integer" >&2; exit 2 ;; esac

repo=$(pwd)
tmp=$(mktemp -d /tmp/ivyc-bench-extract.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

echo "bench-extract.sh: building ivyc (release)" >&2
cargo build --release -p ivyc >&2
"$repo/target/release/ivyc" extract --cpp "$tmp/gen" examples/lock_server.ivy >"$tmp/extract.log" 2>&1 ||
    { cat "$tmp/extract.log" >&2; exit 1; }

build() { # build DIR [extra cmake args...]
    local dir=$1
    shift
    cmake -S "$repo/runtime-cpp" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
        -DIVYC_RUNTIME_BUILD_TESTS=OFF -DIVYC_RUNTIME_INSTALL=OFF \
        -DIVYC_RUNTIME_BUILD_BENCH=ON -DIVYC_BENCH_GENERATED_DIR="$tmp/gen" "$@" >"$dir.log" 2>&1 &&
        cmake --build "$dir" --target bench_handwritten bench_extracted -j "$(nproc)" >>"$dir.log" 2>&1 ||
        { cat "$dir.log" >&2; exit 1; }
}

# Median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# rate BINARY: calls/s of one run (the number before "calls/s").
rate() { "$1" "$calls" "$nodes" | awk '{ for (i = 2; i <= NF; i++) if ($i == "calls/s") print $(i - 1) }'; }

echo "$(${CXX:-c++} --version | head -n 1); $(nproc) cores; $calls calls over $nodes nodes, median of $runs runs"
printf '%-8s %18s %18s %8s\n' checks "handwritten/s" "extracted/s" ratio
for mode in on off; do
    dir="$tmp/build-$mode"
    if [ "$mode" = on ]; then build "$dir"; else build "$dir" -DCMAKE_CXX_FLAGS=-DIVYC_NO_RUNTIME_CHECKS; fi
    hand=()
    extr=()
    for _ in $(seq "$runs"); do
        hand+=("$(rate "$dir/bench/bench_handwritten")")
        extr+=("$(rate "$dir/bench/bench_extracted")")
    done
    h=$(printf '%s\n' "${hand[@]}" | median)
    e=$(printf '%s\n' "${extr[@]}" | median)
    printf '%-8s %18s %18s %8s\n' "$mode" "$h" "$e" "$(awk -v h="$h" -v e="$e" 'BEGIN { printf "%.2fx", h / e }')"
done
