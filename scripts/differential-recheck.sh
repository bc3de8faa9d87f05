#!/usr/bin/env bash
# Re-checks the programs of finished differential runs with another ivyc,
# keeping ms-ivy's recorded verdicts (ms-ivy does not change; it is ~20
# times slower than ivyc, so re-running it is what a long run costs).
#
#   scripts/differential-recheck.sh [OPTIONS] DIR...
#
# DIR is the work directory of a scripts/differential.sh run (its
# results/NAME.tsv and programs/NAME.ivy). Every program with a result is
# verified again with ivyc (classified as differential.sh does); the new
# verdict is written to DIR/recheck/NAME.tsv (name, ivyc verdict, ivyc exit
# code, recorded ms-ivy verdict, ivyc seconds, recorded ms-ivy seconds,
# recorded ms-ivy detail), and one agreement table over all DIRs is
# printed, with every program that still disagrees and every program
# whose ivyc verdict changed.
#
# Options:
#   --ivyc PATH      the ivyc binary (default: target/release/ivyc, built)
#   -j JOBS          programs at once (default 1)
#   --timeout SECS   time limit per program (default 60)
#   --nice           run ivyc under nice
set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

jobs=1
per_run_timeout=60
use_nice=0
ivyc_bin=""
dirs=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -j) jobs="$2"; shift ;;
        --timeout) per_run_timeout="$2"; shift ;;
        --nice) use_nice=1 ;;
        --ivyc) ivyc_bin="$2"; shift ;;
        -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
        -*) echo "differential-recheck.sh: unknown option $1" >&2; exit 2 ;;
        *) dirs+=("$(cd "$1" && pwd)") ;;
    esac
    shift
done
if [[ ${#dirs[@]} -eq 0 ]]; then
    echo "usage: scripts/differential-recheck.sh [OPTIONS] DIR... (--help for more)" >&2
    exit 2
fi
if [[ -z "$ivyc_bin" ]]; then
    (cd "$repo_root" && cargo build --release -p ivyc >&2)
    ivyc_bin="$repo_root/target/release/ivyc"
fi
ivyc_bin="$(cd "$(dirname "$ivyc_bin")" && pwd)/$(basename "$ivyc_bin")"

export RECHECK_IVYC="$ivyc_bin"
export RECHECK_TIMEOUT="$per_run_timeout"
export RECHECK_NICE="$use_nice"

# Re-verifies one program: $1 is DIR/results/NAME.tsv.
recheck_one() {
    local res="$1"
    local dir name out
    dir="$(dirname "$(dirname "$res")")"
    name="$(basename "$res" .tsv)"
    out="$dir/recheck/$name.tsv"
    local pre=(timeout "$RECHECK_TIMEOUT")
    if [[ "$RECHECK_NICE" == 1 ]]; then
        pre=(nice "${pre[@]}")
    fi
    local log rc v t0 t1
    log="$(mktemp "${TMPDIR:-/tmp}/recheck.XXXXXX")"
    t0=$(date +%s.%N)
    set +e
    "${pre[@]}" "$RECHECK_IVYC" verify -j 1 --timeout "$RECHECK_TIMEOUT" \
        "$dir/programs/$name.ivy" >"$log" 2>&1
    rc=$?
    set -e
    t1=$(date +%s.%N)
    case "$rc" in
        0) v=OK ;;
        1) if grep -q 'unchecked-assumption' "$log"; then v=unchecked; else v=FAIL; fi ;;
        3 | 124) v=timeout ;;
        4) v=fragment ;;
        *) v=error ;;
    esac
    # recorded: name, ivyc, rc, ivy, ivyc s, ivy s, detail
    local ivy_v ivy_s detail
    ivy_v="$(cut -f4 "$res")"
    ivy_s="$(cut -f6 "$res")"
    detail="$(cut -f7 "$res")"
    if [[ "$v" != "$ivy_v" || $rc -gt 4 ]]; then
        cp "$log" "$dir/recheck/$name.ivyc.txt"
    fi
    rm -f "$log"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$v" "$rc" "$ivy_v" \
        "$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")" "$ivy_s" "$detail" >"$out.tmp"
    mv "$out.tmp" "$out"
}
export -f recheck_one

for d in "${dirs[@]}"; do
    mkdir -p "$d/recheck"
    find "$d/results" -name '*.tsv' | sort
done | xargs -P "$jobs" -n 1 bash -c 'recheck_one "$0"'

{
    echo "re-check with $ivyc_bin ($(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo "runs: ${dirs[*]}"
    echo
    for d in "${dirs[@]}"; do
        for r in "$d"/results/*.tsv; do
            n="$(basename "$r")"
            printf '%s\t%s\t%s\n' "$d" "$(cat "$d/recheck/$n")" "$(cut -f2 "$r")"
        done
    done | awk -F'\t' '
        BEGIN { n = split("OK FAIL unchecked fragment error timeout", v, " ") }
        {
            # $1 dir, $2 name, $3 ivyc, $4 rc, $5 ivy, $6 ivyc s, $7 ivy s, $8 detail, $9 old ivyc
            t[$3 "," $5]++; total++
            if ($4 > 4) crash[$2] = $4
            if ($3 != $5) dis[++nd] = sprintf("%-9s %-9s %s/programs/%s.ivy %s", $3, $5, $1, $2, $8)
            if ($3 != $9) ch[++nc] = sprintf("%-9s -> %-9s (ms-ivy %s) %s", $9, $3, $5, $2)
        }
        END {
            printf "%-10s", "ivyc\\ivy"
            for (j = 1; j <= n; j++) printf "%10s", v[j]
            printf "\n"
            for (i = 1; i <= n; i++) {
                printf "%-10s", v[i]
                for (j = 1; j <= n; j++) printf "%10d", t[v[i] "," v[j]]
                printf "\n"
            }
            agree = 0
            for (i = 1; i <= n; i++) agree += t[v[i] "," v[i]]
            printf "\n%d programs: %d agree, %d disagree; ivyc proves and ms-ivy refutes: %d\n",
                total, agree, total - agree, t["OK,FAIL"]
            for (c in crash) printf "CRASH (ivyc exit %s): %s\n", crash[c], c
            if (nd > 0) printf "\ndisagreements (ivyc verdict, ms-ivy verdict, program, ms-ivy detail):\n"
            for (k = 1; k <= nd; k++) print "  " dis[k]
            if (nc > 0) printf "\nivyc verdicts changed since the run (%d):\n", nc
            for (k = 1; k <= nc; k++) print "  " ch[k]
        }'
}
