#!/usr/bin/env python3
"""Sorts the disagreements of a finished scripts/differential.sh run by cause.

    scripts/differential-classify.py [--recheck] [DIR]
        (default DIR: target/differential/20261204)

With --recheck, the ivyc verdicts and outputs are those of
scripts/differential-recheck.sh (DIR/recheck/NAME.tsv, NAME.ivyc.txt),
ms-ivy's the recorded ones.

Reads DIR/results/*.tsv and the logs of the disagreeing programs
(DIR/logs/NAME.ivyc.txt, NAME.ivy.txt), prints the agreement table, then
the disagreements by cause, each cause with its status in
docs/verification.md ("Deliberate differences from `ivy_check`"), and
lists every disagreement no rule explains under "unexplained": those need
a look (fix, or a new deliberate difference with a minimised program).

The rules look only at what the two tools printed:

  nested-ite-or-arith  ivyc exit 4 and its explanation names a conditional
                       term over a variable or arithmetic over one, or labels
                       a conditional term (`x if c else y`) as closing the
                       cycle (ms-ivy looks only at the outermost universal
                       block)
  callee-require       ms-ivy says an assertion is "not checked ... when
                       called from" (a callee's require across isolates
                       without `with`: ivyc checks it at the call site;
                       ms-ivy stops there, before its fragment check)
  nothing-to-check     ms-ivy refuses `this` as outside the fragment, and
                       ivyc's report has no unit for `this` (nothing to
                       prove there, so ivyc builds no verification unit)
"""
import collections
import pathlib
import sys

VERDICTS = ["OK", "FAIL", "unchecked", "fragment", "error", "timeout"]

CAUSES = {
    "nested-ite-or-arith": "deliberate: ivyc is stricter (docs/verification.md, "
    "\"Universal variables under an outer `forall`\")",
    "nothing-to-check": "deliberate (docs/verification.md, \"Nothing to check, "
    "nothing refused\")",
    "callee-require": "deliberate (docs/verification.md, \"A callee's `require` "
    "checked without a `with` clause\")",
}


def read(path):
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def cause(out, recheck, name, ivyc, ivy, detail):
    ivyc_dir = out / ("recheck" if recheck else "logs")
    ivyc_out = read(ivyc_dir / f"{name}.ivyc.txt")
    # ms-ivy's output is kept only for the programs that disagreed in the
    # run; its first error line is in the result line.
    ivy_out = read(out / "logs" / f"{name}.ivy.txt") or detail
    if ivy == "unchecked" and ("when called from" in ivy_out or "is not checked" in ivy_out):
        return "callee-require"
    if ivy == "fragment" and ivyc in ("OK", "FAIL"):
        this_refused = "Isolate this:" in ivy_out.split("not in the fragment")[0]
        this_unit = any(
            line.startswith(("init:", "action ", "isolate this"))
            for line in ivyc_out.splitlines()
        )
        if this_refused and not this_unit:
            return "nothing-to-check"
    if ivyc == "fragment" and ivy != "fragment":
        if "conditional term over" in ivyc_out or "arithmetic" in ivyc_out:
            return "nested-ite-or-arith"
        lines = ivyc_out.splitlines()
        for prev, line in zip(lines, lines[1:]):
            if "closes its cycle here" in line and " if " in prev and " else " in prev:
                return "nested-ite-or-arith"
    return None


def main():
    args = sys.argv[1:]
    recheck = "--recheck" in args
    args = [a for a in args if a != "--recheck"]
    out = pathlib.Path(args[0] if args else "target/differential/20261204")
    rows = []
    details = {}
    for f in sorted((out / ("recheck" if recheck else "results")).glob("*.tsv")):
        fields = read(f).rstrip("\n").split("\t")
        if len(fields) >= 4:
            rows.append((fields[0], fields[1], fields[3]))
            details[fields[0]] = fields[6] if len(fields) > 6 else ""
    table = collections.Counter((a, b) for _, a, b in rows)
    print(f"{len(rows)} programs, {sum(1 for _, a, b in rows if a == b)} agree")
    print()
    print("| ivyc \\ ms-ivy | " + " | ".join(VERDICTS) + " |")
    print("|---" * (len(VERDICTS) + 1) + "|")
    for a in VERDICTS:
        if any(x == a for x, _ in table):
            cells = [str(table.get((a, b), 0)) for b in VERDICTS]
            print(f"| {a} | " + " | ".join(cells) + " |")
    print()
    by_cause = collections.defaultdict(list)
    for name, a, b in rows:
        if a != b:
            by_cause[cause(out, recheck, name, a, b, details[name])].append((name, a, b))
    for c, status in CAUSES.items():
        items = by_cause.get(c, [])
        kinds = collections.Counter(f"{a}/{b}" for _, a, b in items)
        print(f"{len(items):5} {c}: {status}")
        print("      " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    left = by_cause.get(None, [])
    print(f"{len(left):5} unexplained")
    for name, a, b in left:
        print(f"      {name}: ivyc {a}, ms-ivy {b}")
    proved_refuted = [n for n, a, b in rows if {a, b} == {"OK", "FAIL"}]
    print(f"proved by one tool and refuted by the other: {len(proved_refuted)}")
    for n in proved_refuted:
        print(f"      {n}")
    return 1 if left or proved_refuted else 0


if __name__ == "__main__":
    sys.exit(main())
