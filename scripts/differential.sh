#!/usr/bin/env bash
# Differential testing of `ivyc verify` against ms-ivy's `ivy_check` on
# random programs from ivyc-progen (compiler/ivyc-progen).
#
#   scripts/differential.sh [OPTIONS] N SEED
#
# Builds ivyc (release) and ivyc-progen, generates programs 0..N-1 of the
# run with SEED, runs both tools on each, classifies each verdict and prints
# an agreement table (rows: ivyc, columns: ms-ivy) and every program where
# they disagree. Not part of CI: it needs ms-ivy (see crosscheck-ivy.sh).
#
# Verdicts:
#   OK        ivyc exit 0; ms-ivy exit 0 and prints OK
#   FAIL      ivyc exit 1; ms-ivy prints "error: failed checks"
#   unchecked ivyc exit 1 with unchecked-assumption; ms-ivy prints "Some
#             assertions are not checked"
#   fragment  ivyc exit 4; ms-ivy prints "not in the fragment"
#   error     ivyc exit 2 (or a crash, listed apart); ms-ivy anything else
#   timeout   ivyc exit 3 (solver undecided) or killed by the time limit;
#             ms-ivy killed by the time limit, or "Solver produced
#             inconclusive result" (Z3 said unknown) with no check failed
#             before (a "... FAIL" line before it makes the verdict FAIL)
#
# Options:
#   -j JOBS          programs checked at once (default 1; each tool runs
#                    single-threaded)
#   --timeout SECS   time limit per tool per program (default 60)
#   --out DIR        work directory (default target/differential/SEED);
#                    results already in DIR are reused, so a stopped run
#                    resumes where it was
#   --exclude LIST   generator features to leave out (ivyc-progen --help)
#   --include LIST   generator features to switch on that are off by
#                    default (`drivers`: private `impl` objects calling
#                    actions instead of exports)
#   --start I        first program index (default 0)
#   --nice           run the tools under nice
#   --ivyc PATH      use this ivyc binary instead of building
#                    target/release/ivyc (e.g. a copy, so that rebuilding
#                    during a long run does not change the tool under test)
# Env: IVY_VENV (default /tmp/ivy), a venv with ms-ivy installed.
#
# Files in DIR: programs/sSEED_INDEX.ivy, results/NAME.tsv (one line:
# name, ivyc verdict, ivyc exit code, ms-ivy verdict, ivyc seconds,
# ms-ivy seconds, first ms-ivy error line), logs/NAME.{ivyc,ivy}.txt
# (outputs of disagreeing programs only), summary.txt.
set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

jobs=1
per_run_timeout=60
out=""
exclude=""
include=""
start=0
use_nice=0
ivyc_bin=""
positional=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        -j) jobs="$2"; shift ;;
        -j*) jobs="${1#-j}" ;;
        --timeout) per_run_timeout="$2"; shift ;;
        --out) out="$2"; shift ;;
        --exclude) exclude="$2"; shift ;;
        --include) include="$2"; shift ;;
        --start) start="$2"; shift ;;
        --nice) use_nice=1 ;;
        --ivyc) ivyc_bin="$2"; shift ;;
        -h|--help) sed -n '2,43p' "$0"; exit 0 ;;
        -*) echo "differential.sh: unknown option $1" >&2; exit 2 ;;
        *) positional+=("$1") ;;
    esac
    shift
done
if [[ ${#positional[@]} -ne 2 ]]; then
    echo "usage: scripts/differential.sh [OPTIONS] N SEED (--help for more)" >&2
    exit 2
fi
count="${positional[0]}"
seed="${positional[1]}"
out="${out:-target/differential/$seed}"

ivy_dir="${IVY_VENV:-/tmp/ivy}"
ivy_check="$ivy_dir/bin/ivy_check"
if [[ ! -x "$ivy_check" ]]; then
    echo "differential.sh: ms-ivy not found in $ivy_dir (see scripts/crosscheck-ivy.sh)" >&2
    exit 2
fi

if [[ -n "$ivyc_bin" ]]; then
    echo "differential.sh: building ivyc-progen (release); ivyc is $ivyc_bin" >&2
    cargo build --release -p ivyc-progen >&2
    ivyc_bin="$(cd "$(dirname "$ivyc_bin")" && pwd)/$(basename "$ivyc_bin")"
else
    echo "differential.sh: building ivyc and ivyc-progen (release)" >&2
    cargo build --release -p ivyc -p ivyc-progen >&2
    ivyc_bin="$repo_root/target/release/ivyc"
fi

mkdir -p "$out/programs" "$out/results" "$out/logs"
out="$(cd "$out" && pwd)"
progen_args=(--seed "$seed" --start "$start" --count "$count" --out "$out/programs")
if [[ -n "$exclude" ]]; then
    progen_args+=(--exclude "$exclude")
fi
if [[ -n "$include" ]]; then
    progen_args+=(--include "$include")
fi
target/release/ivyc-progen "${progen_args[@]}" >"$out/list.txt"

export DIFF_IVYC="$ivyc_bin"
export DIFF_IVY_CHECK="$ivy_check"
export DIFF_TIMEOUT="$per_run_timeout"
export DIFF_OUT="$out"
export DIFF_NICE="$use_nice"

# Checks one program with both tools and writes results/NAME.tsv.
check_one() {
    local f="$1"
    local name
    name="$(basename "$f" .ivy)"
    local res="$DIFF_OUT/results/$name.tsv"
    [[ -s "$res" ]] && return 0
    local pre=(timeout "$DIFF_TIMEOUT")
    if [[ "$DIFF_NICE" == 1 ]]; then
        pre=(nice "${pre[@]}")
    fi
    local scratch
    scratch="$(mktemp -d "${TMPDIR:-/tmp}/differential.XXXXXX")"

    local t0 t1 t2 rc ivyc_v ivy_v out_ivyc out_ivy detail
    t0=$(date +%s.%N)
    set +e
    "${pre[@]}" "$DIFF_IVYC" verify -j 1 --timeout "$DIFF_TIMEOUT" "$f" >"$scratch/ivyc.txt" 2>&1
    rc=$?
    t1=$(date +%s.%N)
    (cd "$scratch" && "${pre[@]}" "$DIFF_IVY_CHECK" "$f" >"$scratch/ivy.txt" 2>&1)
    local ivy_rc=$?
    t2=$(date +%s.%N)
    set -e
    out_ivyc="$scratch/ivyc.txt"
    out_ivy="$scratch/ivy.txt"

    case "$rc" in
        0) ivyc_v=OK ;;
        1)
            if grep -q 'unchecked-assumption' "$out_ivyc"; then
                ivyc_v=unchecked
            else
                ivyc_v=FAIL
            fi
            ;;
        2) ivyc_v=error ;;
        3 | 124) ivyc_v=timeout ;;
        4) ivyc_v=fragment ;;
        *) ivyc_v=error ;;
    esac

    detail=""
    if [[ $ivy_rc -eq 124 ]]; then
        ivy_v=timeout
    elif [[ $ivy_rc -eq 0 ]] && grep -qx 'OK' "$out_ivy"; then
        ivy_v=OK
    elif grep -q 'error: failed checks' "$out_ivy"; then
        ivy_v=FAIL
    elif grep -q 'not in the fragment' "$out_ivy"; then
        ivy_v=fragment
    elif grep -q 'Some assertions are not checked' "$out_ivy"; then
        ivy_v=unchecked
    elif grep -q 'Solver produced inconclusive result' "$out_ivy" && grep -q ' \.\.\. FAIL$' "$out_ivy"; then
        # a check failed before Z3 answered unknown on a later one
        ivy_v=FAIL
        detail="a check failed, then: $(grep -m1 'inconclusive' "$out_ivy" | cut -c1-200)"
    elif grep -q 'Solver produced inconclusive result' "$out_ivy"; then
        # Z3 answered unknown: undecided, like ivyc's exit 3
        ivy_v=timeout
        detail="$(grep -m1 'inconclusive' "$out_ivy" | cut -c1-200)"
    else
        ivy_v=error
        detail="$(grep -m1 -E 'error|Error' "$out_ivy" | cut -c1-200 || true)"
        [[ -z "$detail" ]] && detail="$(tail -n 1 "$out_ivy" | cut -c1-200)"
    fi
    if [[ "$ivyc_v" != "$ivy_v" || $rc -gt 4 ]]; then
        cp "$out_ivyc" "$DIFF_OUT/logs/$name.ivyc.txt"
        cp "$out_ivy" "$DIFF_OUT/logs/$name.ivy.txt"
    fi
    rm -rf "$scratch"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$ivyc_v" "$rc" "$ivy_v" \
        "$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")" \
        "$(awk "BEGIN { printf \"%.2f\", $t2 - $t1 }")" "${detail//$'\t'/ }" >"$res.tmp"
    mv "$res.tmp" "$res"
}
export -f check_one

began=$(date +%s)
xargs -a "$out/list.txt" -P "$jobs" -n 1 bash -c 'check_one "$0"'
ended=$(date +%s)

# the summary: only the programs of this invocation's range
summary="$out/summary.txt"
{
    echo "differential run: N=$count SEED=$seed start=$start jobs=$jobs timeout=${per_run_timeout}s${exclude:+ exclude=$exclude}"
    echo "ivyc: $ivyc_bin ($(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo "wall time of this invocation: $((ended - began)) s"
    echo
    while read -r f; do
        cat "$out/results/$(basename "$f" .ivy).tsv"
    done <"$out/list.txt" | awk -F'\t' -v dir="$out/programs" '
        BEGIN { n = split("OK FAIL unchecked fragment error timeout", v, " ") }
        {
            t[$2 "," $4]++; total++; ti += $5; tm += $6
            if ($3 > 4) crash[$1] = $3
            if ($2 != $4) dis[++nd] = sprintf("%-9s %-9s %s/%s.ivy  (ivyc exit %s, %ss / %ss) %s", $2, $4, dir, $1, $3, $5, $6, $7)
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
            printf "\n%d programs: %d agree, %d disagree\n", total, agree, total - agree
            printf "time in ivyc %.0f s, in ms-ivy %.0f s\n", ti, tm
            for (c in crash) printf "CRASH (ivyc exit %s): %s\n", crash[c], c
            if (nd > 0) printf "\ndisagreements (ivyc verdict, ms-ivy verdict, program, times, ms-ivy error):\n"
            for (k = 1; k <= nd; k++) print "  " dis[k]
        }'
    echo
    echo "programs: $out/programs/  outputs of disagreeing programs: $out/logs/"
} | tee "$summary"
