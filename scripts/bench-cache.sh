#!/usr/bin/env bash
# Speed of the verification cache (docs/cache.md).
#
#   scripts/bench-cache.sh [--runs N] [--copies K]
#
# Builds ivyc (release) if needed, generates K copies (default 5: 1170
# obligations) of the lock server with scripts/gen-scaling.py --kind
# copies, and times `ivyc verify` on it N times each (default 5; median,
# min, max wall time), every run with its own empty cache except where
# said:
#   cold   an empty cache (every obligation solved, proofs written);
#   warm   the same file again (every proof from the cache);
#   edit   after a one-line edit of one action (`send_lock0` gets a
#          `require`): only that action's obligations are solved again;
#   none   --no-cache.
# Then the same cold/warm pair on the protocols of tests/data/bench (all but
# the *_bad.ivy ones), whose obligations are fewer but harder.
# Everything runs in a temporary directory removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
copies=5
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift ;;
        --copies) copies="$2"; shift ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "bench-cache.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

ivyc="$PWD/target/release/ivyc"
if [ -n "${CARGO_TARGET_DIR:-}" ]; then
    ivyc="$CARGO_TARGET_DIR/release/ivyc"
fi
if [ ! -x "$ivyc" ] || [ -n "$(find compiler stdlib -newer "$ivyc" -type f 2>/dev/null | head -n 1)" ]; then
    echo "bench-cache.sh: building ivyc (release)" >&2
    cargo build --release -p ivyc >&2
fi

tmp=$(mktemp -d /tmp/ivyc-bench-cache.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
unset IVYC_NO_CACHE

# Wall time of one command in seconds (its output to $tmp/last.out).
wall() {
    local start end
    start=$(date +%s.%N)
    "$@" >"$tmp/last.out" 2>&1 || true
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

# median min max of the numbers on stdin
stats() {
    sort -n | awk '{ a[NR] = $1 } END { printf "%.3f %.3f %.3f", a[int((NR + 1) / 2)], a[1], a[NR] }'
}

summary() {
    grep -E '^[0-9]+ obligations?:' "$tmp/last.out" | tail -n 1
}

# bench_file NAME FILE [EDIT_FROM EDIT_TO]
bench_file() {
    local name="$1" file="$2" from="${3:-}" to="${4:-}"
    local cold=() warm=() edit=() none=() line_cold line_warm line_edit=""
    for _ in $(seq "$runs"); do
        rm -rf "$tmp/cache" "$tmp/work"
        mkdir -p "$tmp/work"
        cp "$file" "$tmp/work/f.ivy"
        export IVYC_CACHE_DIR="$tmp/cache"
        cold+=("$(wall "$ivyc" verify "$tmp/work/f.ivy")")
        line_cold=$(summary)
        warm+=("$(wall "$ivyc" verify "$tmp/work/f.ivy")")
        line_warm=$(summary)
        if [ -n "$from" ]; then
            python3 - "$tmp/work/f.ivy" "$from" "$to" <<'EOF'
import sys
p, a, b = sys.argv[1:]
s = open(p).read()
assert a in s, a
open(p, "w").write(s.replace(a, b, 1))
EOF
            edit+=("$(wall "$ivyc" verify "$tmp/work/f.ivy")")
            line_edit=$(summary)
        fi
        none+=("$(wall "$ivyc" verify --no-cache "$tmp/work/f.ivy")")
    done
    echo "== $name"
    echo "   cold  $(printf '%s\n' "${cold[@]}" | stats)  $line_cold"
    echo "   warm  $(printf '%s\n' "${warm[@]}" | stats)  $line_warm"
    if [ -n "$from" ]; then
        echo "   edit  $(printf '%s\n' "${edit[@]}" | stats)  $line_edit"
    fi
    echo "   none  $(printf '%s\n' "${none[@]}" | stats)"
}

echo "times in s: median min max over $runs runs; $(nproc) cores"
python3 scripts/gen-scaling.py "$copies" "$tmp/copies.ivy" --kind copies
bench_file "gen-scaling.py $copies --kind copies" "$tmp/copies.ivy" \
    "action send_lock0(n:node0) = { lock_msg0(n) := true }" \
    "action send_lock0(n:node0) = { require ~holds0(n); lock_msg0(n) := true }"
for f in tests/data/bench/*.ivy; do
    case "$f" in *_bad.ivy) continue ;; esac
    bench_file "$f" "$f"
done
