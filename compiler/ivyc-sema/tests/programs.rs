//! Snapshots of the flattened program (`Program::dump`) for inputs with
//! modules, instances, objects, sections, monitors and interpreted sorts.
//! Every input here is accepted by ms-ivy's `ivy_check` (verdict: OK).

use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_sema::{check, MemoryLoader};

fn dump(src: &str) -> String {
    let mut sources = SourceMap::new();
    let id = sources.add("main.ivy", src.to_string());
    let (prog, errs) = check(id, &mut sources, &mut MemoryLoader::new());
    let codes: Vec<&str> = errs.iter().map(|e| e.code()).collect();
    assert!(codes.is_empty(), "unexpected errors: {codes:?}");
    prog.map(|p| p.dump()).unwrap_or_default()
}

#[test]
fn interp() {
    // ms-ivy: OK
    let d = dump(
        r#"#lang ivy1.7
type num
interpret num -> int
type elem
individual total : num
relation (X:elem < Y:elem)
axiom [lt_irrefl] ~(X:elem < X)
action add(k:num) = {
    require k > 0;
    total := total + k * 2;
    if total >= 10 {
        total := total - 1
    }
}
export add
invariant [positive] total >= 0
"#,
    );
    insta::assert_snapshot!("interp", d);
}

#[test]
fn modules() {
    // ms-ivy: OK
    let d = dump(
        r#"#lang ivy1.7
type node
module counter(t) = {
    relation seen(X:t)
    individual last : t
    after init {
        seen(X) := false
    }
    action mark(n:t) = {
        seen(n) := true;
        last := n
    }
    invariant [marked] seen(X) | ~seen(X)
}
instance c1 : counter(node)
instance c2 : counter(node)
export c1.mark
export c2.mark
"#,
    );
    insta::assert_snapshot!("modules", d);
}

#[test]
fn monitors() {
    // ms-ivy: OK
    let d = dump(
        r#"#lang ivy1.7
type t
individual c : t
relation done(X:t)
action step(x:t) returns (y:t) = {
    done(x) := true;
    y := x
}
before step {
    require ~done(x)
}
after step {
    ensure done(x) & old c = c;
    assert y = x
}
action caller(x:t) = {
    require ~done(x);
    var z : t := step(x);
    c := z;
    if some w:t. done(w) {
        c := w
    }
}
export caller
"#,
    );
    insta::assert_snapshot!("monitors", d);
}

#[test]
fn objects() {
    // ms-ivy: OK
    let d = dump(
        r#"#lang ivy1.7
type id
object proto = {
    type msg = {ping, pong}
    relation sent(M:msg, N:id)
    after init {
        sent(M, N) := false
    }
    specification {
        action send(m:msg, n:id) = {
            require ~sent(m, n);
            sent(m, n) := true
        }
    }
    private {
        individual count : id
    }
    object inner = {
        relation flag
        action toggle = {
            flag := ~flag
        }
    }
    invariant [sane] sent(ping, N) | ~sent(ping, N)
}
export proto.send
export proto.inner.toggle
"#,
    );
    insta::assert_snapshot!("objects", d);
}

#[test]
fn parameterised_objects() {
    // ms-ivy: OK (tests/data/verify/param_object.ivy is the same program)
    let d = dump(
        r#"#lang ivy1.7
type id
type val
object proc(self:id) = {
    relation voted(V:val)
    after init { voted(V) := false }
    action vote(v:val) = {
        require ~voted(V);
        call mark(v)
    }
    action mark(v:val) = {
        voted(v) := true
    }
    invariant [one] voted(V) & voted(W) -> V = W
}
action outside(i:id, v:val) = {
    if ~proc.voted(i, v) { call proc.vote(i, v) }
}
export outside
"#,
    );
    // Members take `self` first; inside the object it is passed implicitly.
    assert!(d.contains("proc.voted"), "{d}");
    insta::assert_snapshot!("parameterised_objects", d);
}

#[test]
fn assumed_reading_of_a_leading_exists() {
    // ms-ivy: OK. Where it is assumed, Ivy reads `exists T. φ(T, X)` with a
    // free `X` as `exists T. forall X. φ` (docs/verification.md); checked,
    // it is `forall X. exists T. φ`. A formula without a leading `exists`,
    // or without free variables, has one reading.
    use ivyc_sema::program::StmtKind;
    let src = r#"#lang ivy1.7
type node
relation p(X:node)
relation q(X:node, Y:node)
action a(n:node) = {
    require exists T. p(T) & q(T, X);
    require p(n) & exists T. q(T, X);
    require exists T. q(T, n)
}
export a
"#;
    let mut sources = SourceMap::new();
    let id = sources.add("main.ivy", src.to_string());
    let (prog, errs) = check(id, &mut sources, &mut MemoryLoader::new());
    assert!(errs.is_empty());
    let prog = prog.expect("program");
    let (_, a) = prog.action("a").expect("action a");
    let mut readings = Vec::new();
    a.body.walk(true, &mut |s| {
        if let StmtKind::Assert {
            formula, assumed, ..
        } = &s.kind
        {
            readings.push((
                formula.pretty(&prog.sig),
                assumed.as_ref().map(|t| t.pretty(&prog.sig)),
            ));
        }
    });
    assert_eq!(
        readings,
        vec![
            (
                "forall X:node. exists T:node. p(T) & q(T, X)".to_string(),
                Some("exists T:node. forall X:node. p(T) & q(T, X)".to_string())
            ),
            (
                "forall X:node. p(a.n) & (exists T:node. q(T, X))".to_string(),
                None
            ),
            ("exists T:node. q(T, a.n)".to_string(), None),
        ]
    );
}
