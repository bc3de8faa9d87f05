#!/usr/bin/env python3
"""Shrink a program on which ivyc and ms-ivy disagree (scripts/differential.sh),
keeping the same pair of verdicts.

    scripts/minimise-differential.py FILE [-o OUT] [--timeout SECS]

Delta debugging over lines: removes chunks of lines (whole blocks `{ ... }`
first, then single lines), keeping a candidate only if ivyc still gives the
same verdict and ms-ivy still gives the same verdict as on FILE (verdicts as in
differential.sh: OK, FAIL, unchecked, fragment, error, timeout). The first two
lines (`#lang`, the generator comment) are kept. Writes the result to OUT
(default FILE with `.min.ivy`). Uses target/release/ivyc and ms-ivy from
$IVY_VENV (default /tmp/ivy).
"""

import argparse
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IVYC = os.path.join(ROOT, "target", "release", "ivyc")
IVY_CHECK = os.path.join(os.environ.get("IVY_VENV", "/tmp/ivy"), "bin", "ivy_check")


def run(cmd, cwd, timeout):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, ""


def ivyc_verdict(path, timeout):
    rc, out = run([IVYC, "verify", "-j", "1", "--timeout", str(timeout), path], None, timeout + 5)
    if rc == 0:
        return "OK"
    if rc == 1:
        return "unchecked" if "unchecked-assumption" in out else "FAIL"
    if rc in (3, 124):
        return "timeout"
    if rc == 4:
        return "fragment"
    return "error"


def ivy_verdict(path, timeout, scratch):
    rc, out = run([IVY_CHECK, path], scratch, timeout)
    lines = out.splitlines()
    if rc == 124:
        return "timeout"
    if rc == 0 and "OK" in lines:
        return "OK"
    if "error: failed checks" in out:
        return "FAIL"
    if "not in the fragment" in out:
        return "fragment"
    if "Some assertions are not checked" in out:
        return "unchecked"
    if "Solver produced inconclusive result" in out:
        if any(l.endswith(" ... FAIL") for l in lines):
            return "FAIL"
        return "timeout"
    return "error"


def blocks(lines):
    """(start, end) line ranges of `{ ... }` blocks opened at a line end."""
    out = []
    stack = []
    for i, l in enumerate(lines):
        s = l.rstrip()
        if s.endswith("{"):
            stack.append(i)
        stripped = s.strip()
        if stripped.startswith("}") and stack:
            j = stack.pop()
            if not stripped.endswith("{"):
                out.append((j, i + 1))
            else:
                stack.append(i)
    return sorted(out, key=lambda r: r[0] - r[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("-o", "--out")
    ap.add_argument("--timeout", type=int, default=60)
    args = ap.parse_args()
    out_path = args.out or args.file.replace(".ivy", "") + ".min.ivy"
    scratch = tempfile.mkdtemp(prefix="minimise-")
    cand = os.path.join(scratch, "cand.ivy")

    with open(args.file) as f:
        lines = f.read().splitlines()
    want = (ivyc_verdict(args.file, args.timeout), ivy_verdict(args.file, args.timeout, scratch))
    print(f"verdicts to keep: ivyc {want[0]}, ms-ivy {want[1]}", file=sys.stderr)
    if want[0] == want[1]:
        print("the tools agree on this file; nothing to minimise", file=sys.stderr)
        return 1
    runs = 0

    def keeps(ls):
        nonlocal runs
        runs += 1
        with open(cand, "w") as f:
            f.write("\n".join(ls) + "\n")
        if ivyc_verdict(cand, args.timeout) != want[0]:
            return False
        return ivy_verdict(cand, args.timeout, scratch) == want[1]

    head, body = lines[:2], lines[2:]
    changed = True
    while changed:
        changed = False
        # whole blocks, largest first
        for (a, b) in blocks(body):
            if b > len(body):
                continue
            trial = body[:a] + body[b:]
            if keeps(head + trial):
                body = trial
                changed = True
                break
        if changed:
            continue
        # chunks of lines, halving the chunk size
        n = max(1, len(body) // 2)
        while n >= 1:
            i = 0
            while i < len(body):
                trial = body[:i] + body[i + n:]
                if trial != body and keeps(head + trial):
                    body = trial
                    changed = True
                else:
                    i += n
            n //= 2
    # blank lines and comments go last
    body = [l for l in body if l.strip() and not l.strip().startswith("#")] if keeps(
        head + [l for l in body if l.strip() and not l.strip().startswith("#")]) else body
    with open(out_path, "w") as f:
        f.write("\n".join(head + body) + "\n")
    print(f"{len(lines)} -> {len(head) + len(body)} lines after {runs} runs: {out_path}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
