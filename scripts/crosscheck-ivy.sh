#!/usr/bin/env bash
# Cross-check the Ivy test corpus against the reference implementation (ms-ivy).
#
# Every .ivy file under tests/data/parse, tests/data/syntax, tests/data/verify,
# tests/data/isolates, tests/data/fragment, tests/data/soundness, tests/data/bench,
# tests/data/liveness, tests/data/deadlock, tests/data/lasso, tests/data/proofs, tests/data/mc (and the other directories
# listed below), examples and examples/bugs carries a header line recording what
# ms-ivy does with it:
#
#   # ms-ivy: parses    ivy_show accepts the file (exit 0)
#   # ms-ivy: rejects   ivy_show refuses the file (non-zero exit)
#   # ms-ivy: OK        ivy_check verifies the file (exit 0, prints OK)
#   # ms-ivy: FAIL      ivy_check finds failing checks ("error: failed checks")
#   # ms-ivy: not in the fragment
#                       ivy_check refuses the verification condition as outside
#                       its decidable fragment ("not in the fragment")
#   # ms-ivy: unchecked ivy_check refuses the isolate decomposition ("Some
#                       assertions are not checked")
#   # ms-ivy: vmt       ivy_check writes a VMT-LIB file and checks nothing
#                       (`method = vmt`: exit 0, prints "output written to
#                       FILE.vmt"); ms-ivy writes it next to its input, so the
#                       file is checked from a copy in the scratch directory
#   # ms-ivy: skipped   not run (the reason follows on the line)
#
# This script runs ms-ivy on each file and reports whether it agrees with the
# header. It prints one line per file and a final "N agree, M disagree", and
# exits 1 if anything disagrees.
#
# Usage: scripts/crosscheck-ivy.sh [IVY_VENV_DIR] [FILE...]
#   IVY_VENV_DIR defaults to $IVY_VENV, then /tmp/ivy (a venv with ms-ivy).
#   With FILE arguments, only those files are checked.
# Env:   IVY_TIMEOUT  seconds allowed per ms-ivy run (default 600)

set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

ivy_dir="${IVY_VENV:-/tmp/ivy}"
if [[ $# -gt 0 && -d "$1" ]]; then
    ivy_dir="$1"
    shift
fi
ivy_show="$ivy_dir/bin/ivy_show"
ivy_check="$ivy_dir/bin/ivy_check"
per_run_timeout="${IVY_TIMEOUT:-600}"

if [[ ! -x "$ivy_show" || ! -x "$ivy_check" ]]; then
    cat >&2 <<EOF
ms-ivy not found in $ivy_dir (expected $ivy_show and $ivy_check).
Install it with:
    python3.10 -m venv /tmp/ivy && /tmp/ivy/bin/pip install ms-ivy
or point IVY_VENV (or the first argument) at an existing ms-ivy venv.
EOF
    exit 2
fi

run_timeout=()
if command -v timeout >/dev/null 2>&1; then
    run_timeout=(timeout "$per_run_timeout")
fi

# ms-ivy writes log files (e.g. ivy_mc.log) into the working directory, so run
# it from a scratch directory rather than from the repository.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/crosscheck-ivy.XXXXXX")"
trap 'rm -rf "$work_dir"' EXIT

files=()
if [[ $# -gt 0 ]]; then
    for f in "$@"; do
        files+=("$(cd "$(dirname "$f")" && pwd)/$(basename "$f")")
    done
else
    for d in tests/data/parse tests/data/syntax tests/data/verify tests/data/isolates tests/data/semantics \
        tests/data/constructs tests/data/lang16 tests/data/fragment tests/data/soundness tests/data/stdlib tests/data/differential \
        tests/data/bench tests/data/liveness tests/data/deadlock tests/data/lasso tests/data/proofs tests/data/mc tests/data/vmt examples examples/bugs; do
        for f in "$repo_root/$d"/*.ivy; do
            [[ -e "$f" ]] && files+=("$f")
        done
    done
fi

agree=0
disagree=0

# first line of ms-ivy output that looks like an error, for the report
first_error() {
    grep -m1 -E 'error|Error' <<<"$1" | cut -c1-160 || true
}

for f in "${files[@]}"; do
    rel="${f#"$repo_root"/}"
    expected="$(head -n 12 "$f" | sed -n 's/^# ms-ivy: *\([A-Za-z]*\).*/\1/p' | head -n 1)"
    got=""
    detail=""
    case "$expected" in
        parses|rejects)
            set +e
            out="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_show" "$f" 2>&1)"
            rc=$?
            set -e
            if [[ $rc -eq 0 ]]; then
                got=parses
            elif [[ $rc -eq 124 ]]; then
                got=timeout
            else
                # ivy_show refuses some well-formed files for reasons unrelated
                # to syntax (it wants an isolate=... argument when the file
                # declares isolates, and it does not load the proof tactics).
                # If ivy_check gets as far as running (or failing) the proof
                # checks, the file was parsed and type-checked: count it as
                # parsed.
                set +e
                out2="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_check" "$f" 2>&1)"
                rc2=$?
                set -e
                if [[ $rc2 -eq 0 ]] || grep -q 'error: failed checks' <<<"$out2"; then
                    got=parses
                else
                    got=rejects
                    detail="$(first_error "$out")"
                fi
            fi
            ;;
        OK|FAIL)
            set +e
            out="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_check" "$f" 2>&1)"
            rc=$?
            set -e
            if [[ $rc -eq 0 ]] && grep -qx 'OK' <<<"$out"; then
                got=OK
            elif [[ $rc -eq 124 ]]; then
                got=timeout
            elif grep -q 'error: failed checks' <<<"$out"; then
                got=FAIL
                detail="$(grep -m1 'error: failed checks' <<<"$out")"
            elif [[ $rc -eq 1 ]] && grep -qx 'FAIL' <<<"$out"; then
                # The model checker (method = mc) prints its trace, then a
                # bare FAIL line, and exits 1.
                got=FAIL
                detail="model checker: FAIL"
            elif [[ $rc -eq 0 ]] && grep -q 'BMC with bound [0-9]* found a counter-example' <<<"$out"; then
                # Bounded model checking (method = bmc[N]) prints its
                # trace and exits 0 without OK.
                got=FAIL
                detail="$(grep -m1 'BMC with bound' <<<"$out")"
            else
                got=ERROR
                detail="$(first_error "$out")"
            fi
            ;;
        not)
            set +e
            out="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_check" "$f" 2>&1)"
            set -e
            if grep -q 'not in the fragment' <<<"$out"; then
                got=not
            else
                got=other
                detail="$(first_error "$out")"
            fi
            ;;
        unchecked)
            set +e
            out="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_check" "$f" 2>&1)"
            set -e
            if grep -q 'Some assertions are not checked' <<<"$out"; then
                got=unchecked
            else
                got=other
                detail="$(first_error "$out")"
            fi
            ;;
        vmt)
            cp "$f" "$work_dir/"
            set +e
            out="$(cd "$work_dir" && "${run_timeout[@]}" "$ivy_check" "$(basename "$f")" 2>&1)"
            rc=$?
            set -e
            if [[ $rc -eq 0 ]] && grep -q '^output written to .*\.vmt$' <<<"$out"; then
                got=vmt
            else
                got=ERROR
                detail="$(first_error "$out")"
            fi
            ;;
        skipped)
            got=skipped
            ;;
        *)
            got="no-header"
            detail="missing or unknown '# ms-ivy:' header"
            ;;
    esac

    if [[ -n "$expected" && "$got" == "$expected" ]]; then
        agree=$((agree + 1))
        printf 'agree     %-8s %s\n' "$got" "$rel"
    else
        disagree=$((disagree + 1))
        printf 'DISAGREE  expected=%s got=%s %s%s\n' "${expected:-?}" "$got" "$rel" \
            "${detail:+  [$detail]}"
    fi
done

echo "$agree agree, $disagree disagree"
if [[ $disagree -gt 0 ]]; then
    exit 1
fi
