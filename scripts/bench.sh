#!/usr/bin/env bash
# Verification speed of ivyc, side by side with the reference tool.
#
#   scripts/bench.sh [--with-ivy] [--runs N] [--csv FILE] [--scaling] [FILES...]
#   scripts/bench.sh --set real [--with-ivy] [--runs N] [--csv FILE] [--no-bmc] [--bmc-budget SECS]
#   scripts/bench.sh --infer [--time SECS] [--csv FILE] [FILES...]
#
# For every file (default: examples/*.ivy, examples/bugs/*.ivy and the
# tests/data files whose header runs `verify`), runs `ivyc verify` N times
# (default 5) and reports median/min/max wall time, peak RSS, and the share
# of time spent solving (from `ivyc verify --timings`). With --with-ivy,
# also runs ms-ivy's `ivy_check` on the same file, alternating with ivyc,
# installing ms-ivy into a venv outside the repo if needed ($IVY_VENV,
# default /tmp/ivy), and checks that the verdicts agree.
# --scaling runs the scaling family of scripts/gen-scaling.py instead.
# --set real runs the protocols of real size in tests/data/bench (all but
# the *_bad.ivy ones, always with `verify`): per file ivyc's and ivy_check's
# median/min/max wall time over N alternating runs, the ratio of the
# medians, the number of obligations, ivyc's solver share and its max/min
# spread, both tools' median CPU time (user + system; min/max in the CSV)
# and its ratio, the geometric means of the ratios, and a `bmc` row: the
# deepest K that `ivyc bmc --depth 50 --progress` (default settings) proves
# free of violations at its default bounds within the budget (default 60 s)
# on tests/data/bench/paxos.ivy, and when it got there.
# --infer runs `ivyc infer --format json --time SECS` (default 600) once on
# every tests/data/infer/bench/*.ivy but the *_ref.ivy ones (or on FILES) and
# prints per protocol: the outcome (solved = found or already-inductive),
# the wall time, the number of invariants inferred, and the size of the
# largest, as its literal count (the inferred invariants are clauses) and in
# characters of the formula. The JSON reports are kept beside the CSV
# (target/bench/infer/NAME.json).
# Results also go to a CSV file (default target/bench/bench.csv, or
# bench-real.csv for --set real, bench-infer.csv for --infer).
# IVYC=PATH uses that ivyc binary instead of building target/release/ivyc.
# See docs/performance.md.
# To run ms-ivy from a private copy of its package (its parser tables are
# rewritten per #lang version), set PYTHONPATH=/tmp/ivypkg-NAME.
set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1
cd "$(dirname "$0")/.."

runs=5
with_ivy=0
scaling=0
set_name=""
infer=0
infer_time=600
bmc=1
bmc_budget=60
csv=""
files=()
while [ $# -gt 0 ]; do
    case "$1" in
        --with-ivy) with_ivy=1 ;;
        --runs) runs="$2"; shift ;;
        --csv) csv="$2"; shift ;;
        --scaling) scaling=1 ;;
        --set) set_name="$2"; shift ;;
        --no-bmc) bmc=0 ;;
        --infer) infer=1 ;;
        --time) infer_time="$2"; shift ;;
        --bmc-budget) bmc_budget="$2"; shift ;;
        -h|--help) sed -n '2,36p' "$0"; exit 0 ;;
        -*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
        *) files+=("$1") ;;
    esac
    shift
done
case "$set_name" in
    ""|small) if [ "$infer" = 1 ]; then csv="${csv:-target/bench/bench-infer.csv}"; else csv="${csv:-target/bench/bench.csv}"; fi ;;
    real) csv="${csv:-target/bench/bench-real.csv}" ;;
    *) echo "bench.sh: unknown set $set_name (known: small, real)" >&2; exit 2 ;;
esac

ivyc=target/release/ivyc
if [ -n "${IVYC:-}" ]; then
    ivyc="$IVYC"
    if [ ! -x "$ivyc" ]; then
        echo "bench.sh: IVYC=$ivyc is not an executable" >&2
        exit 2
    fi
elif [ ! -x "$ivyc" ] || [ -n "$(find compiler stdlib -newer "$ivyc" -type f 2>/dev/null | head -n 1)" ]; then
    echo "bench.sh: building ivyc (release)" >&2
    cargo build --release -p ivyc >&2
fi

ivy_check=""
if [ "$with_ivy" = 1 ]; then
    venv="${IVY_VENV:-/tmp/ivy}"
    if [ ! -x "$venv/bin/ivy_check" ]; then
        py=$(command -v python3.10 || ls /root/.pyenv/versions/3.10*/bin/python3.10 2>/dev/null | head -n 1 || true)
        if [ -z "$py" ]; then
            echo "bench.sh: --with-ivy needs python3.10 (ms-ivy ships wheels for CPython 3.10 only)" >&2
            exit 2
        fi
        echo "bench.sh: installing ms-ivy into $venv" >&2
        "$py" -m venv "$venv" >&2
        "$venv/bin/pip" install -q ms-ivy >&2
    fi
    ivy_check="$venv/bin/ivy_check"
fi

have_time=0
[ -x /usr/bin/time ] && have_time=1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

now_ms() { date +%s%3N; }

# median/min/max of the numbers on stdin
stats() { sort -n | awk '{a[NR]=$1} END {if (NR==0) {print "- - -"; exit} m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%d %d %d\n", m, a[1], a[NR]}'; }

# CPU milliseconds (user + system) from a `/usr/bin/time -v` report
cpu_ms() { awk -F: '/User time|System time/ {gsub(/ /,"",$2); s += $2} END {printf "%d", s * 1000}' "$1"; }

# run ivyc once: prints "exit ms rss_kb solve_ms total_ms cpu_ms"
run_ivyc() {
    local f="$1" start end code rss=0 cpu=0
    start=$(now_ms)
    if [ "$have_time" = 1 ]; then
        set +e
        /usr/bin/time -v -o "$scratch/time" timeout 300 "$ivyc" verify --timings "$f" >"$scratch/out" 2>"$scratch/err"
        code=$?
        set -e
        rss=$(awk -F: '/Maximum resident/ {gsub(/ /,"",$2); print $2}' "$scratch/time")
        cpu=$(cpu_ms "$scratch/time")
    else
        set +e
        timeout 300 "$ivyc" verify --timings "$f" >"$scratch/out" 2>"$scratch/err"
        code=$?
        set -e
    fi
    end=$(now_ms)
    local solve total
    solve=$(awk '/solving \(wall\)/ {print $3}' "$scratch/err" | head -n 1)
    total=$(awk '$1 == "total" {print $2}' "$scratch/err" | head -n 1)
    echo "$code $((end - start)) ${rss:-0} ${solve:-0} ${total:-0} ${cpu:-0}"
}

# obligations of the last ivyc run (from its summary line)
last_obligations() {
    awk '/ obligations?: / {n = $1} END {print (n == "" ? "-" : n)}' "$scratch/out"
}

# run ivy_check once: prints "verdict ms cpu_ms"
run_ivy() {
    local f start end out verdict cpu=0
    f=$(realpath "$1")
    start=$(now_ms)
    if [ "$have_time" = 1 ]; then
        out=$(cd "$scratch" && /usr/bin/time -v -o "$scratch/itime" timeout 600 "$ivy_check" "$f" 2>&1 || true)
        cpu=$(cpu_ms "$scratch/itime")
    else
        out=$(cd "$scratch" && timeout 600 "$ivy_check" "$f" 2>&1 || true)
    fi
    end=$(now_ms)
    if printf '%s\n' "$out" | grep -q '^OK$'; then verdict=OK
    elif printf '%s\n' "$out" | grep -q 'failed checks'; then verdict=FAIL
    else verdict=ERROR; fi
    echo "$verdict $((end - start)) ${cpu:-0}"
}

if [ "$infer" = 1 ]; then
    if [ ${#files[@]} -eq 0 ]; then
        for f in tests/data/infer/bench/*.ivy; do
            case "$f" in *_ref.ivy) continue ;; esac
            files+=("$f")
        done
    fi
    mkdir -p "$(dirname "$csv")"
    echo "protocol,outcome,solved,exit,wall_ms,infer_ms,candidates,after_sampling,after_houdini,invariants,largest_literals,largest_chars,detail" > "$csv"
    printf '%-26s %-18s %6s %9s %10s %6s %8s %8s\n' protocol outcome solved "time (s)" candidates invs "max lits" "max chars"
    solved_count=0
    for f in "${files[@]}"; do
        name=$(basename "$f" .ivy)
        start=$(now_ms)
        set +e
        # a margin over the budget: infer stops itself, the timeout is a guard
        timeout $((infer_time + 120)) "$ivyc" infer --format json --time "$infer_time" "$f" >"$scratch/infer.json" 2>"$scratch/infer.err"
        code=$?
        set -e
        # the reports, for checking the invariants found (e.g. with ms-ivy)
        mkdir -p "$(dirname "$csv")/infer"
        cp "$scratch/infer.json" "$(dirname "$csv")/infer/$name.json"
        end=$(now_ms)
        # outcome candidates after_sampling after_houdini invariants max_literals max_chars infer_ms
        read -r outcome cands after_s after_h ninv maxlit maxch ims < <(python3 - "$scratch/infer.json" "$code" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception:
    code = sys.argv[2]
    open(sys.argv[1] + ".why", "w").write("no report (exit %s)" % code)
    print("timeout" if code == "124" else "error(exit%s)" % code, "- - - 0 - - -")
    sys.exit(0)

def literals(inv):
    # the clause after the quantifier prefix: top-level `|` separate literals
    body = inv.split("]", 1)[-1].strip()
    if body.startswith("forall "):
        body = body.split(". ", 1)[-1]
    depth, n = 0, 1
    for c in body:
        depth += c == "("
        depth -= c == ")"
        n += c == "|" and depth == 0
    return n, len(body)

outcome = r.get("outcome", "?")
detail = (r.get("detail") or "").lower()
if outcome == "not-found":
    # why: the templates are too weak, the budget ran out, or Z3 gave up
    why = "weak" if "too weak" in detail else "time" if "out of time" in detail else "undecided"
    outcome += "(" + why + ")"
invs = r.get("invariants") or []
if not outcome.startswith("found"):
    invs = []  # the candidates left are no answer
sizes = [literals(i) for i in invs]
st = r.get("stats") or {}
g = lambda k: st.get(k, "-") if st.get(k) is not None else "-"
open(sys.argv[1] + ".why", "w").write(" ".join(detail.split())[:300].replace(",", ";"))
print(outcome, g("candidates"), g("after_sampling"), g("after_houdini"), len(invs),
      max((s[0] for s in sizes), default="-"), max((s[1] for s in sizes), default="-"), g("time_ms"))
PY
)
        solved=no
        case "$outcome" in found|already-inductive) solved=yes; solved_count=$((solved_count + 1)) ;; esac
        secs=$(awk -v m="$((end - start))" 'BEGIN {printf "%.1f", m / 1000}')
        printf '%-26s %-18s %6s %9s %10s %6s %8s %8s\n' "$name" "$outcome" "$solved" "$secs" "$cands" "$([ "$solved" = yes ] && echo "$ninv" || echo -)" "$maxlit" "$maxch"
        echo "$name,$outcome,$solved,$code,$((end - start)),$ims,$cands,$after_s,$after_h,$ninv,$maxlit,$maxch,$(cat "$scratch/infer.json.why")" >> "$csv"
    done
    echo "solved: $solved_count of ${#files[@]} (budget ${infer_time} s each; outcome not-found(weak): the templates are too weak, (time): out of time, (undecided): Z3 could not decide a query, e.g. its per-query timeout)"
    echo "CSV: $csv"
    exit 0
fi

if [ "$scaling" = 1 ]; then
    mkdir -p "$(dirname "$csv")"
    csv="${csv%.csv}-scaling.csv"
    echo "kind,k,obligations,ivyc_j1_ms,ivyc_j2_ms,ivy_check_ms" > "$csv"
    printf '%-10s %4s %11s %10s %10s %12s\n' kind k obligations "-j1 (ms)" "-j2 (ms)" "ivy_check"
    for k in 1 2 4 8 16; do
        f="$scratch/copies_$k.ivy"
        python3 scripts/gen-scaling.py "$k" "$f" --kind copies
        obs=$("$ivyc" verify "$f" | tail -n 1 | awk '{print $1}')
        t1=$(for _ in $(seq "$runs"); do s=$(now_ms); "$ivyc" verify -j 1 "$f" >/dev/null; e=$(now_ms); echo $((e - s)); done | stats | awk '{print $1}')
        t2=$(for _ in $(seq "$runs"); do s=$(now_ms); "$ivyc" verify -j 2 "$f" >/dev/null; e=$(now_ms); echo $((e - s)); done | stats | awk '{print $1}')
        ti="-"
        if [ -n "$ivy_check" ] && [ "$k" -le 8 ]; then
            ti=$(run_ivy "$f" | awk '{print $2}')
        fi
        printf '%-10s %4s %11s %10s %10s %12s\n' copies "$k" "$obs" "$t1" "$t2" "$ti"
        echo "copies,$k,$obs,$t1,$t2,$ti" >> "$csv"
    done
    echo "CSV: $csv"
    exit 0
fi

if [ "$set_name" = real ]; then
    if [ ${#files[@]} -eq 0 ]; then
        for f in tests/data/bench/*.ivy; do
            case "$f" in *_bad.ivy) continue ;; esac
            files+=("$f")
        done
    fi
    mkdir -p "$(dirname "$csv")"
    echo "file,obligations,ivyc_exit,ivyc_median_ms,ivyc_min_ms,ivyc_max_ms,ivyc_spread,solver_share,ivyc_cpu_median_ms,ivyc_cpu_min_ms,ivyc_cpu_max_ms,ivy_verdict,ivy_median_ms,ivy_min_ms,ivy_max_ms,ivy_cpu_median_ms,ivy_cpu_min_ms,ivy_cpu_max_ms,ratio,cpu_ratio,agree" > "$csv"
    printf '%-40s %5s %7s %7s %7s %6s %5s %6s %5s %7s %7s %7s %6s %6s %6s %s\n' file oblig "ivyc" min max spread "Z3 %" cpu ivy "ivy ms" min max "ivycpu" ratio "cpu r" verdicts
    disagree=0 logsum=0 cpulogsum=0 nratio=0
    for f in "${files[@]}"; do
        : > "$scratch/ivyc_ms"; : > "$scratch/ivy_ms"; : > "$scratch/ivyc_cpu"; : > "$scratch/ivy_cpu"
        code=0 share_sum=0 ivy_verdict=- obs=-
        for _ in $(seq "$runs"); do
            read -r code ms _ solve total cpu < <(run_ivyc "$f")
            echo "$cpu" >> "$scratch/ivyc_cpu"
            obs=$(last_obligations)
            echo "$ms" >> "$scratch/ivyc_ms"
            share_sum=$(awk -v s="$share_sum" -v a="$solve" -v b="$total" 'BEGIN {printf "%.4f", s + (b > 0 ? a / b : 0)}')
            if [ -n "$ivy_check" ]; then
                read -r ivy_verdict ims icpu < <(run_ivy "$f")
                echo "$ims" >> "$scratch/ivy_ms"
                echo "$icpu" >> "$scratch/ivy_cpu"
            fi
        done
        read -r med min max < <(stats < "$scratch/ivyc_ms")
        read -r cpu_med cpu_min cpu_max < <(stats < "$scratch/ivyc_cpu")
        spread=$(awk -v a="$max" -v b="$min" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 1)}')
        share=$(awk -v s="$share_sum" -v n="$runs" 'BEGIN {printf "%.0f", 100 * s / n}')
        ivy_med=- ivy_min=- ivy_max=- ratio=- agree=- ivy_cpu=- ivy_cpu_min=- ivy_cpu_max=- cpu_ratio=-
        if [ -n "$ivy_check" ]; then
            read -r ivy_med ivy_min ivy_max < <(stats < "$scratch/ivy_ms")
            read -r ivy_cpu ivy_cpu_min ivy_cpu_max < <(stats < "$scratch/ivy_cpu")
            ratio=$(awk -v a="$ivy_med" -v b="$med" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 1)}')
            cpu_ratio=$(awk -v a="$ivy_cpu" -v b="$cpu_med" 'BEGIN {printf "%.2f", a / (b > 0 ? b : 1)}')
            logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN {printf "%.6f", s + log(r)}')
            cpulogsum=$(awk -v s="$cpulogsum" -v r="$cpu_ratio" 'BEGIN {printf "%.6f", s + (r > 0 ? log(r) : 0)}')
            nratio=$((nratio + 1))
            if { [ "$code" = 0 ] && [ "$ivy_verdict" = OK ]; } || { [ "$code" = 1 ] && [ "$ivy_verdict" = FAIL ]; }; then
                agree=yes
            else
                agree=DISAGREE
                disagree=$((disagree + 1))
            fi
        fi
        printf '%-40s %5s %7s %7s %7s %6s %5s %6s %5s %7s %7s %7s %6s %6s %6s %s\n' "$f" "$obs" "$med" "$min" "$max" "$spread" "$share" "$cpu_med" "$ivy_verdict" "$ivy_med" "$ivy_min" "$ivy_max" "$ivy_cpu" "$ratio" "$cpu_ratio" "exit $code / $agree"
        echo "$f,$obs,$code,$med,$min,$max,$spread,$share,$cpu_med,$cpu_min,$cpu_max,$ivy_verdict,$ivy_med,$ivy_min,$ivy_max,$ivy_cpu,$ivy_cpu_min,$ivy_cpu_max,$ratio,$cpu_ratio,$agree" >> "$csv"
    done
    if [ "$nratio" -gt 0 ]; then
        awk -v s="$logsum" -v n="$nratio" 'BEGIN {printf "geometric mean of ivy_check/ivyc: %.2fx over %d files\n", exp(s / n), n}'
        awk -v s="$cpulogsum" -v n="$nratio" 'BEGIN {printf "geometric mean of the CPU-time ratios: %.2fx over %d files\n", exp(s / n), n}'
    fi
    if [ "$bmc" = 1 ]; then
        # the deepest K that `ivyc bmc --depth 50 --progress` (default
        # settings) proves free of violations at its default bounds within
        # the budget (after those, the search widens the bounds: that time
        # is not counted)
        bf=tests/data/bench/paxos.ivy
        set +e
        timeout "$bmc_budget" "$ivyc" bmc --depth 50 --progress "$bf" >"$scratch/bmc" 2>&1
        set -e
        row=$(awk '/^depth [0-9]+: no violation with / {
                b = $0; sub(/^depth [0-9]+: no violation with /, "", b); sub(/ \([0-9.]+s\)$/, "", b)
                if (first == "") first = b
                if (b == first) { d = $2; sub(/:/, "", d); t = $NF; gsub(/[()s]/, "", t); last = d " " t " " b }
              } END { print last }' "$scratch/bmc")
        reached=${row%% *}
        reached=${reached:-0}
        rest=${row#* }
        secs=${rest%% *}
        bounds=${rest#* }
        printf 'bmc %s: depth %d at the default bounds (%s) within %s s (reached after %s s)\n' "$bf" "$reached" "${bounds:-none}" "$bmc_budget" "${secs:-?}"
        echo "bmc:$bf,depth=$reached,seconds=${secs:-},budget_s=$bmc_budget" >> "$csv"
    fi
    echo "CSV: $csv"
    if [ "$disagree" -gt 0 ]; then
        echo "bench.sh: $disagree verdict(s) DISAGREE with ivy_check" >&2
        exit 1
    fi
    exit 0
fi

if [ ${#files[@]} -eq 0 ]; then
    for f in examples/*.ivy examples/bugs/*.ivy tests/data/*/*.ivy; do
        if head -n 8 "$f" | grep -Eq '^# test: verify => exit (0|1)$'; then
            files+=("$f")
        fi
    done
fi

mkdir -p "$(dirname "$csv")"
echo "file,ivyc_exit,ivyc_median_ms,ivyc_min_ms,ivyc_max_ms,peak_rss_mb,solver_share,ivy_verdict,ivy_median_ms,ratio,agree" > "$csv"
printf '%-58s %6s %6s %6s %7s %6s %7s %8s %7s %s\n' file "ivyc" min max "RSS MB" "Z3 %" "ivy" "ivy ms" ratio verdicts
disagree=0
logsum=0
nratio=0
for f in "${files[@]}"; do
    : > "$scratch/ivyc_ms"; : > "$scratch/ivy_ms"
    code=0 rss=0 share_sum=0 ivy_verdict=-
    for _ in $(seq "$runs"); do
        read -r code ms kb solve total _ < <(run_ivyc "$f")
        echo "$ms" >> "$scratch/ivyc_ms"
        [ "$kb" -gt "$rss" ] && rss=$kb
        share_sum=$(awk -v s="$share_sum" -v a="$solve" -v b="$total" 'BEGIN {printf "%.4f", s + (b > 0 ? a / b : 0)}')
        if [ -n "$ivy_check" ]; then
            read -r ivy_verdict ims _ < <(run_ivy "$f")
            echo "$ims" >> "$scratch/ivy_ms"
        fi
    done
    read -r med min max < <(stats < "$scratch/ivyc_ms")
    share=$(awk -v s="$share_sum" -v n="$runs" 'BEGIN {printf "%.0f", 100 * s / n}')
    rss_mb=$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')
    ivy_med=- ratio=- agree=-
    if [ -n "$ivy_check" ]; then
        read -r ivy_med _ _ < <(stats < "$scratch/ivy_ms")
        ratio=$(awk -v a="$ivy_med" -v b="$med" 'BEGIN {printf "%.1f", a / (b > 0 ? b : 1)}')
        logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN {printf "%.6f", s + log(r)}')
        nratio=$((nratio + 1))
        if { [ "$code" = 0 ] && [ "$ivy_verdict" = OK ]; } || { [ "$code" = 1 ] && [ "$ivy_verdict" = FAIL ]; }; then
            agree=yes
        else
            agree=DISAGREE
            disagree=$((disagree + 1))
        fi
    fi
    printf '%-58s %6s %6s %6s %7s %6s %7s %8s %7s %s\n' "$f" "$med" "$min" "$max" "$rss_mb" "$share" "$ivy_verdict" "$ivy_med" "$ratio" "exit $code / $agree"
    echo "$f,$code,$med,$min,$max,$rss_mb,$share,$ivy_verdict,$ivy_med,$ratio,$agree" >> "$csv"
done
if [ "$nratio" -gt 0 ]; then
    awk -v s="$logsum" -v n="$nratio" 'BEGIN {printf "geometric mean of ivy_check/ivyc: %.1fx over %d files\n", exp(s / n), n}'
fi
echo "CSV: $csv"
if [ "$disagree" -gt 0 ]; then
    echo "bench.sh: $disagree verdict(s) DISAGREE with ivy_check" >&2
    exit 1
fi
