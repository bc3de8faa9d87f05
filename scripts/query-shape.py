#!/usr/bin/env python3
"""Size and solving time of SMT-LIB queries, for comparing query shapes.

    query-shape.py [--solve] [--param NAME=VALUE]... FILE.smt2...

For each file prints one tab-separated line: file, bytes, assertions, DAG
nodes, quantifiers, bound variables, uninterpreted symbols, and with
--solve the answer and the CPU seconds of `check` in a fresh solver (time
limit 20 s). Needs Z3's Python module (`import z3`), e.g. the one in
ms-ivy's venv: `/tmp/ivy/bin/python scripts/query-shape.py ...`. Queries
come from `IVYC_DUMP_SMT=DIR ivyc verify -j 1 FILE` (docs/smt.md) or from
any other tool that writes SMT-LIB. See docs/performance.md, "Query shape".
"""
import sys
import time

import z3


def shape(assertions):
    seen = set()
    counts = {"dag": 0, "quantifiers": 0, "bound": 0}
    symbols = set()
    stack = list(assertions)
    while stack:
        e = stack.pop()
        key = e.get_id()
        if key in seen:
            continue
        seen.add(key)
        counts["dag"] += 1
        if z3.is_quantifier(e):
            counts["quantifiers"] += 1
            counts["bound"] += e.num_vars()
            stack.append(e.body())
        elif z3.is_app(e):
            d = e.decl()
            if d.kind() == z3.Z3_OP_UNINTERPRETED:
                symbols.add((d.name(), d.arity()))
            stack.extend(e.children())
    return counts["dag"], counts["quantifiers"], counts["bound"], len(symbols)


def main(argv):
    solve = False
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--solve":
            solve = True
        elif a == "--param":
            i += 1
            k, v = argv[i].split("=", 1)
            z3.set_param(k, {"true": True, "false": False}.get(v, v))
        elif a in ("-h", "--help"):
            print(__doc__)
            return 0
        else:
            files.append(a)
        i += 1
    print("file\tbytes\tasserts\tdag\tquantifiers\tbound\tsymbols" + ("\tanswer\tcpu_s" if solve else ""))
    for path in files:
        with open(path) as f:
            text = f.read()
        assertions = z3.parse_smt2_string(text)
        dag, quants, bound, syms = shape(assertions)
        row = [path, len(text), len(assertions), dag, quants, bound, syms]
        if solve:
            s = z3.Solver()
            s.set("timeout", 20000)
            s.add(assertions)
            start = time.process_time()
            answer = s.check()
            row += [answer, "%.4f" % (time.process_time() - start)]
        print("\t".join(str(x) for x in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
