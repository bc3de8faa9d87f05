//! Protocol fragments the way Ivy users write them — a mutex, a
//! request/grant channel, a phase machine, a clock, key ownership, quorum
//! consensus — each with invariants that are inductive as written, and
//! perturbations (a dropped `require`, a missed update, a lost auxiliary
//! invariant) after which they may not be. Also the deliberately
//! non-stratified fragments.

use crate::program::{Action, Builder, Component};
use crate::sig::{SortId, SortKind, Sym, Ty};

/// One random component among those the features allow.
pub fn any(b: &mut Builder) -> Option<Component> {
    let mut kinds: Vec<&str> = vec!["mutex", "channel", "mutex", "channel"];
    if b.feat.enums {
        kinds.push("phase");
        kinds.push("phase");
    }
    if b.feat.arith {
        kinds.push("counter");
    }
    if b.feat.functions {
        kinds.push("owner");
        kinds.push("owner");
    }
    if b.feat.quorum {
        kinds.push("consensus");
    }
    if b.feat.order {
        kinds.push("order");
    }
    match *b.rng.pick(&kinds)? {
        "mutex" => mutex(b),
        "channel" => channel(b),
        "phase" => phase(b),
        "counter" => counter(b),
        "owner" => owner(b),
        "order" => order(b),
        _ => consensus(b),
    }
}

fn new_component(kind: &str) -> Component {
    Component {
        kind: kind.into(),
        note: "intact".into(),
        ..Component::default()
    }
}

/// Picks a perturbation: `None` (keep it intact) with probability 65%,
/// else one of `choices`.
fn perturbation<'c>(b: &mut Builder, choices: &[&'c str]) -> Option<&'c str> {
    if b.rng.chance(65) {
        None
    } else {
        b.rng.pick(choices).copied()
    }
}

fn line(s: impl Into<String>) -> Vec<String> {
    vec![s.into()]
}

/// At most one holder of a lock, optionally with a `free` flag.
pub fn mutex(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("mutex");
    let s = b.usort(3);
    let sn = b.sig.sort_name(s).to_string();
    let holds = b.symbol(
        &mut c,
        &["holds", "locked", "has_lock", "owns"],
        vec![s],
        Ty::Bool,
    );
    let with_free = b.rng.chance(50);
    let free = if with_free {
        Some(b.symbol(&mut c, &["free", "unlocked", "available"], vec![], Ty::Bool))
    } else {
        None
    };
    let mut choices = vec!["acquire without require"];
    if with_free {
        choices.extend([
            "acquire keeps free",
            "no auxiliary invariant",
            "release without require",
        ]);
    }
    let p = perturbation(b, &choices);
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }

    c.init.push(line(format!("{holds}(X) := false")));
    if let Some(f) = &free {
        c.init.push(line(format!("{f} := true")));
    }
    // a defined relation: somebody holds the lock
    let taken = if b.feat.definitions && b.rng.chance(25) {
        let base = *b
            .rng
            .pick(&["taken", "locked_any", "in_use"])
            .unwrap_or(&"taken");
        let d = b.sig.fresh(base);
        if b.rng.chance(50) {
            c.decls.push(format!("relation {d}"));
            c.decls
                .push(format!("definition {d} = exists X:{sn}. {holds}(X)"));
        } else {
            c.decls
                .push(format!("relation {d} = exists X:{sn}. {holds}(X)"));
        }
        Some(d)
    } else {
        None
    };

    let n = b.param(Ty::S(s), &[]);
    let acquire = b.action_name(&["acquire", "lock", "grab", "enter"]);
    let mut body = Vec::new();
    if p != Some("acquire without require") {
        match (&free, &taken) {
            (Some(f), _) => body.push(line(format!("require {f}"))),
            (None, Some(d)) => body.push(line(format!("require ~{d}"))),
            (None, None) => body.push(line(match b.rng.below(3) {
                0 => format!("require ~{holds}(X)"),
                1 => format!("require forall X:{sn}. ~{holds}(X)"),
                _ => format!("require ~exists X:{sn}. {holds}(X)"),
            })),
        }
    }
    if b.rng.chance(30) {
        body.push(line(format!("{holds}(X) := X = {n}")));
    } else {
        body.push(line(format!("{holds}({n}) := true")));
    }
    if let Some(f) = &free {
        if p != Some("acquire keeps free") {
            body.push(line(format!("{f} := false")));
        }
    }
    if b.feat.asserts && b.rng.chance(30) {
        body.push(line(if b.rng.chance(70) {
            format!("assert {holds}({n})")
        } else {
            format!("assert {holds}(X) -> X = {n}")
        }));
    }
    c.actions
        .push(Action::new(&acquire, vec![(n.clone(), Ty::S(s))], body));

    if b.feat.if_some && b.rng.chance(30) {
        let name = b.action_name(&["release_any", "drop_lock", "reset_lock"]);
        let m = b.param(Ty::S(s), &[]);
        let mut inner = vec![format!("    {holds}({m}) := false")];
        if let Some(f) = &free {
            inner[0].push(';');
            inner.push(format!("    {f} := true"));
        }
        let mut stmt = vec![format!("if some {m}:{sn}. {holds}({m}) {{")];
        stmt.extend(inner);
        stmt.push("}".into());
        c.actions.push(Action::new(&name, vec![], vec![stmt]));
    } else {
        let release = b.action_name(&["release", "unlock", "leave"]);
        let mut body = Vec::new();
        if p != Some("release without require") {
            body.push(line(format!("require {holds}({n})")));
        }
        body.push(line(format!("{holds}({n}) := false")));
        if let Some(f) = &free {
            body.push(line(format!("{f} := true")));
        }
        c.actions
            .push(Action::new(&release, vec![(n.clone(), Ty::S(s))], body));
    }

    c.invariants
        .push(format!("{holds}(X) & {holds}(Y) -> X = Y"));
    if let Some(f) = &free {
        if p != Some("no auxiliary invariant") {
            c.invariants.push(format!("{holds}(X) -> ~{f}"));
        }
        if let Some(d) = &taken {
            c.invariants.push(format!("{f} <-> ~{d}"));
        }
    }
    // a ghost history written by a monitor
    if b.feat.monitors && b.rng.chance(25) {
        let ever = b.symbol(
            &mut c,
            &["ever_held", "held_once", "history"],
            vec![s],
            Ty::Bool,
        );
        c.init.push(line(format!("{ever}(X) := false")));
        let kind = if b.rng.chance(50) { "after" } else { "before" };
        c.monitors.push((
            format!("{kind} {acquire}"),
            vec![line(format!("{ever}({n}) := true"))],
        ));
        c.invariants.push(format!("{holds}(X) -> {ever}(X)"));
    }
    Some(c)
}

/// Requests and grants between two sorts: a grant implies a request.
pub fn channel(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("channel");
    let s1 = b.usort(3);
    let s2 = if b.rng.chance(40) { s1 } else { b.usort(3) };
    let req = b.symbol(
        &mut c,
        &["requested", "pending", "sent", "asked"],
        vec![s1, s2],
        Ty::Bool,
    );
    let grant = b.symbol(
        &mut c,
        &["granted", "delivered", "acked", "served"],
        vec![s1, s2],
        Ty::Bool,
    );
    let p = perturbation(
        b,
        &[
            "serve without require",
            "cancel keeps grants",
            "grants start true",
            "request clears the request",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    if b.rng.chance(85) {
        c.init.push(line(format!("{req}(X, Y) := false")));
    }
    if p == Some("grants start true") {
        c.init.push(line(format!("{grant}(X, Y) := true")));
    } else {
        c.init.push(line(format!("{grant}(X, Y) := false")));
    }
    let x = b.param(Ty::S(s1), &[]);
    let y = b.param(Ty::S(s2), &[(x.clone(), Ty::S(s1))]);
    let params = vec![(x.clone(), Ty::S(s1)), (y.clone(), Ty::S(s2))];

    let request = b.action_name(&["request", "send", "ask"]);
    let rbody = if p == Some("request clears the request") {
        vec![line(format!("{req}({x}, {y}) := ~{req}({x}, {y})"))]
    } else {
        vec![line(format!("{req}({x}, {y}) := true"))]
    };
    c.actions.push(Action::new(&request, params.clone(), rbody));

    let serve = b.action_name(&["serve", "grant", "deliver", "answer"]);
    let t2 = b.sig.sort_name(s2).to_string();
    let sbody = match b.rng.below(4) {
        _ if p == Some("serve without require") => {
            vec![line(format!("{grant}({x}, {y}) := true"))]
        }
        0 | 1 => {
            let mut v = vec![
                line(format!("require {req}({x}, {y})")),
                line(format!("{grant}({x}, {y}) := true")),
            ];
            if b.feat.asserts && b.rng.chance(30) {
                v.push(line(if b.rng.chance(70) {
                    format!("assert {grant}({x}, {y}) -> {req}({x}, {y})")
                } else {
                    format!("assert {grant}({x}, Y) -> Y = {y}")
                }));
            }
            v
        }
        2 => {
            let mut v = vec![
                format!("if {req}({x}, {y}) {{"),
                format!("    {grant}({x}, {y}) := true"),
            ];
            if b.rng.chance(50) {
                v.push("} else {".into());
                v.push(format!("    {req}({x}, {y}) := true"));
            }
            v.push("}".into());
            vec![v]
        }
        _ if b.feat.locals => {
            let t = b.param(Ty::S(s2), &params);
            vec![vec![
                format!("local {t}:{t2} {{"),
                format!("    {t} := {y};"),
                format!("    if {req}({x}, {t}) {{"),
                format!("        {grant}({x}, {t}) := true"),
                "    }".into(),
                "}".into(),
            ]]
        }
        _ => vec![
            line(format!("require {req}({x}, {y})")),
            line(format!("{grant}({x}, {y}) := true")),
        ],
    };
    c.actions.push(Action::new(&serve, params.clone(), sbody));

    let cancel = b.action_name(&["cancel", "revoke", "reset", "forget"]);
    let keep = p == Some("cancel keeps grants");
    if b.rng.chance(50) {
        let mut body = Vec::new();
        if !keep {
            body.push(line(format!("{grant}({x}, Y) := false")));
        }
        body.push(line(format!("{req}({x}, Y) := false")));
        c.actions
            .push(Action::new(&cancel, vec![(x.clone(), Ty::S(s1))], body));
    } else {
        let mut body = vec![line(format!("{req}({x}, {y}) := false"))];
        if !keep {
            body.insert(0, line(format!("{grant}({x}, {y}) := false")));
        }
        c.actions.push(Action::new(&cancel, params, body));
    }
    c.invariants.push(format!("{grant}(X, Y) -> {req}(X, Y)"));
    if b.feat.definitions && b.rng.chance(25) {
        let w = b.sig.fresh("waiting");
        let t1 = b.sig.sort_name(s1).to_string();
        c.decls.push(format!(
            "relation {w}(X:{t1}, Y:{t2}) = {req}(X, Y) & ~{grant}(X, Y)"
        ));
        c.invariants.push(if b.rng.chance(50) {
            format!("{w}(X, Y) -> {req}(X, Y)")
        } else {
            format!("{grant}(X, Y) | {w}(X, Y) -> {req}(X, Y)")
        });
    }
    if b.feat.monitors && b.rng.chance(20) {
        let asked = b.symbol(
            &mut c,
            &["asked_once", "ever_requested"],
            vec![s1, s2],
            Ty::Bool,
        );
        c.init.push(line(format!("{asked}(X, Y) := false")));
        c.monitors.push((
            format!("after {request}"),
            vec![line(format!("{asked}({x}, {y}) := true"))],
        ));
        c.invariants.push(format!("{grant}(X, Y) -> {asked}(X, Y)"));
    }
    Some(c)
}

/// A phase machine over an enumerated sort, with the node it serves.
pub fn phase(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("phase");
    let e = b.enum_sort(3);
    let vals = match b.sig.kind(e) {
        Some(SortKind::Enum(v)) => v.clone(),
        _ => return None,
    };
    let (a, m, z) = (
        vals.first()?.clone(),
        vals.get(1)?.clone(),
        vals.get(2)?.clone(),
    );
    let s = b.usort(3);
    let st = b.symbol(
        &mut c,
        &["status", "phase_now", "mode_of", "step_of"],
        vec![],
        Ty::S(e),
    );
    let who = b.symbol(&mut c, &["worker", "holder", "current"], vec![], Ty::S(s));
    let fin = b.symbol(
        &mut c,
        &["finished", "completed", "done_by"],
        vec![s],
        Ty::Bool,
    );
    let p = perturbation(
        b,
        &[
            "reset keeps finished",
            "start without require",
            "finish goes back to the first phase",
            "no auxiliary invariant",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    c.init.push(line(format!("{st} := {a}")));
    c.init.push(line(format!("{fin}(X) := false")));

    let n = b.param(Ty::S(s), &[]);
    let start = b.action_name(&["start", "begin", "open"]);
    let mut body = Vec::new();
    if p != Some("start without require") {
        body.push(line(format!("require {st} = {a}")));
    }
    body.push(line(format!("{st} := {m}")));
    body.push(line(format!("{who} := {n}")));
    c.actions
        .push(Action::new(&start, vec![(n.clone(), Ty::S(s))], body));

    let finish = b.action_name(&["finish", "complete", "close"]);
    let back = p == Some("finish goes back to the first phase");
    let target = if back { &a } else { &z };
    let body = if b.rng.chance(35) {
        vec![vec![
            format!("if {st} = {m} {{"),
            format!("    {fin}({who}) := true;"),
            format!("    {st} := {target}"),
            "}".into(),
        ]]
    } else {
        let mut v = vec![
            line(format!("require {st} = {m}")),
            line(format!("{fin}({who}) := true")),
            line(format!("{st} := {target}")),
        ];
        if b.feat.asserts && b.rng.chance(30) {
            v.push(line(format!("assert {fin}({who})")));
        }
        v
    };
    c.actions.push(Action::new(&finish, vec![], body));

    let reset = b.action_name(&["reset", "restart", "rewind"]);
    let mut body = vec![
        line(format!("require {st} = {z}")),
        line(format!("{st} := {a}")),
    ];
    if p != Some("reset keeps finished") {
        body.push(line(format!("{fin}(X) := false")));
    }
    c.actions.push(Action::new(&reset, vec![], body));

    c.invariants.push(format!("{fin}(X) -> {st} = {z}"));
    if p != Some("no auxiliary invariant") {
        c.invariants.push(format!("{st} = {z} -> {fin}({who})"));
    }
    if b.rng.chance(50) {
        c.invariants.push(format!("{fin}(X) -> X = {who}"));
    }
    Some(c)
}

/// A clock over a `nat` or `int` sort, and time stamps never ahead of it.
pub fn counter(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("counter");
    let t = b.num_sort();
    let s = b.usort(3);
    if !b.sig.acyclic_with(&[(s, t)]) {
        return None;
    }
    b.sig.add_edges(&[(s, t)]);
    let clock = b.symbol(&mut c, &["clock", "now", "tick_count"], vec![], Ty::S(t));
    let stamp = b.symbol(&mut c, &["stamp", "last_seen", "ts"], vec![s], Ty::S(t));
    let int = matches!(b.sig.kind(t), Some(SortKind::Num { nat: false }));
    let p = perturbation(
        b,
        &[
            "mark is ahead of the clock",
            "the clock goes back",
            "stamps start at one",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    c.init.push(line(format!("{clock} := 0")));
    c.init.push(line(format!(
        "{stamp}(X) := {}",
        if p == Some("stamps start at one") {
            "1"
        } else {
            "0"
        }
    )));
    let tick = b.action_name(&["tick", "advance", "step_clock"]);
    let op = if p == Some("the clock goes back") {
        "-"
    } else {
        "+"
    };
    let body = if b.rng.chance(30) {
        vec![vec![
            format!("if {clock} < 100 {{"),
            format!("    {clock} := {clock} {op} 1"),
            "}".into(),
        ]]
    } else {
        vec![line(format!("{clock} := {clock} {op} 1"))]
    };
    c.actions.push(Action::new(&tick, vec![], body));
    if b.feat.loops && b.rng.chance(40) {
        let name = b.action_name(&["advance_to", "catch_up", "wait_until"]);
        let k = b.param(Ty::S(t), &[]);
        let loop_inv = if b.rng.chance(80) {
            format!("{stamp}(X) <= {clock}")
        } else {
            format!("{clock} <= {k}")
        };
        c.actions.push(Action::new(
            &name,
            vec![(k.clone(), Ty::S(t))],
            vec![vec![
                format!("while {clock} < {k}"),
                format!("invariant {loop_inv}"),
                "{".into(),
                format!("    {clock} := {clock} {op} 1"),
                "}".into(),
            ]],
        ));
    }
    let mark = b.action_name(&["mark", "record", "observe"]);
    let n = b.param(Ty::S(s), &[]);
    let rhs = if p == Some("mark is ahead of the clock") {
        format!("{clock} + 1")
    } else {
        clock.clone()
    };
    let mut body = vec![line(format!("{stamp}({n}) := {rhs}"))];
    if b.feat.asserts && b.rng.chance(30) {
        body.push(line(format!("assert {stamp}({n}) <= {clock}")));
    }
    c.actions
        .push(Action::new(&mark, vec![(n, Ty::S(s))], body));
    c.invariants.push(format!("{stamp}(X) <= {clock}"));
    if int {
        c.invariants.push(format!("0 <= {clock}"));
    }
    Some(c)
}

/// Keys owned by nodes: a function from keys to nodes and the relation it
/// must agree with.
pub fn owner(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("owner");
    let mut k = b.usort(3);
    let mut n = b.other_usort(k);
    if !b.sig.acyclic_with(&[(k, n)]) {
        std::mem::swap(&mut k, &mut n);
        if !b.sig.acyclic_with(&[(k, n)]) {
            return None;
        }
    }
    b.sig.add_edges(&[(k, n)]);
    let owner = b.symbol(&mut c, &["owner", "home", "holder_of"], vec![k], Ty::S(n));
    let has = b.symbol(&mut c, &["has", "stores", "keeps"], vec![n, k], Ty::Bool);
    let p = perturbation(
        b,
        &[
            "transfer keeps the old holder",
            "everyone starts with every key",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    if p == Some("everyone starts with every key") {
        c.init.push(line(format!("{has}(X, Y) := true")));
    } else if b.rng.chance(50) {
        c.init.push(line(format!("{has}(X, Y) := {owner}(Y) = X")));
    } else {
        c.init.push(line(format!("{has}(X, Y) := false")));
    }
    let x = b.param(Ty::S(k), &[]);
    let d = b.param(Ty::S(n), &[(x.clone(), Ty::S(k))]);
    let params = vec![(x.clone(), Ty::S(k)), (d.clone(), Ty::S(n))];
    let keep = p == Some("transfer keeps the old holder");
    let transfer = b.action_name(&["transfer", "move", "hand_over", "assign"]);
    let body = match b.rng.below(3) {
        0 => {
            let mut v = Vec::new();
            if !keep {
                v.push(line(format!("{has}({owner}({x}), {x}) := false")));
            }
            v.push(line(format!("{owner}({x}) := {d}")));
            v.push(line(format!("{has}({d}, {x}) := true")));
            v
        }
        1 if b.feat.locals => {
            let o = b.param(Ty::S(n), &params);
            let nn = b.sig.sort_name(n).to_string();
            let mut v = vec![line(format!("var {o} : {nn} := {owner}({x})"))];
            if !keep {
                v.push(line(format!("{has}({o}, {x}) := false")));
            }
            v.push(line(format!("{has}({d}, {x}) := true")));
            v.push(line(format!("{owner}({x}) := {d}")));
            v
        }
        _ => {
            let rhs = if keep {
                format!("{has}(X, {x}) | X = {d}")
            } else {
                format!("X = {d}")
            };
            vec![
                line(format!("{owner}({x}) := {d}")),
                line(format!("{has}(X, {x}) := {rhs}")),
            ]
        }
    };
    let mut body = body;
    if b.feat.asserts && b.rng.chance(30) {
        body.push(line(if b.rng.chance(60) {
            format!("assert {has}({d}, {x})")
        } else {
            format!("assert {owner}({x}) = {d}")
        }));
    }
    c.actions.push(Action::new(&transfer, params, body));
    c.invariants.push(format!("{has}(X, Y) -> {owner}(Y) = X"));
    Some(c)
}

/// Votes, quorums that intersect, and decisions: the classic consensus
/// invariants with a forall-exists one.
pub fn consensus(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("consensus");
    let node = b.usort(3);
    let value = b.other_usort(node);
    let quorum = b.sig.add_sort("quorum", SortKind::Uninterpreted);
    let edges = [(value, quorum), (quorum, node)];
    if !b.sig.acyclic_with(&edges) {
        return None;
    }
    b.sig.add_edges(&edges);
    let (nn, vn, qn) = (
        b.sig.sort_name(node).to_string(),
        b.sig.sort_name(value).to_string(),
        b.sig.sort_name(quorum).to_string(),
    );
    let member = b.sig.fresh("member");
    let id = b.sig.add_sym(Sym {
        name: member.clone(),
        object: None,
        args: vec![node, quorum],
        result: Ty::Bool,
        rigid: true,
        open: false,
    });
    c.syms.push(id);
    c.decls.push(format!("relation {member}(N:{nn}, Q:{qn})"));
    c.decls.push(format!(
        "axiom [{}] forall Q1:{qn}, Q2:{qn}. exists N:{nn}. {member}(N, Q1) & {member}(N, Q2)",
        b.sig.fresh("quorums_intersect")
    ));
    let vote = b.symbol(
        &mut c,
        &["voted", "vote", "accepted"],
        vec![node, value],
        Ty::Bool,
    );
    let decided = b.symbol(
        &mut c,
        &["decided", "chosen", "learned"],
        vec![value],
        Ty::Bool,
    );
    let p = perturbation(
        b,
        &[
            "cast without require",
            "decide without require",
            "no quorum invariant",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    c.init.push(line(format!("{vote}(N, V) := false")));
    c.init.push(line(format!("{decided}(V) := false")));
    let n = b.param(Ty::S(node), &[]);
    let v = b.param(Ty::S(value), &[(n.clone(), Ty::S(node))]);
    let cast = b.action_name(&["cast", "vote_for", "accept"]);
    let mut body = Vec::new();
    if p != Some("cast without require") {
        body.push(line(format!("require ~{vote}({n}, V)")));
    }
    body.push(line(format!("{vote}({n}, {v}) := true")));
    c.actions.push(Action::new(
        &cast,
        vec![(n.clone(), Ty::S(node)), (v.clone(), Ty::S(value))],
        body,
    ));
    let decide = b.action_name(&["decide", "learn", "commit"]);
    let q = b.param(Ty::S(quorum), &[(v.clone(), Ty::S(value))]);
    let mut body = Vec::new();
    if p != Some("decide without require") {
        body.push(line(format!("require {member}(N, {q}) -> {vote}(N, {v})")));
    }
    body.push(line(format!("{decided}({v}) := true")));
    c.actions.push(Action::new(
        &decide,
        vec![(v.clone(), Ty::S(value)), (q, Ty::S(quorum))],
        body,
    ));
    c.invariants
        .push(format!("{vote}(N, V) & {vote}(N, W) -> V = W"));
    if p != Some("no quorum invariant") {
        c.invariants.push(format!(
            "{decided}(V) -> exists Q:{qn}. forall N:{nn}. {member}(N, Q) -> {vote}(N, V)"
        ));
    }
    c.invariants
        .push(format!("{decided}(V) & {decided}(W) -> V = W"));
    let _ = vn;
    Some(c)
}

/// The largest id offered so far, over a total order given by axioms,
/// with a `property` that follows from them.
pub fn order(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("order");
    let s = b.usort(3);
    let sn = b.sig.sort_name(s).to_string();
    let base = *b.rng.pick(&["le", "leq", "below"]).unwrap_or(&"le");
    let le = b.sig.fresh(base);
    let id = b.sig.add_sym(Sym {
        name: le.clone(),
        object: None,
        args: vec![s, s],
        result: Ty::Bool,
        rigid: true,
        open: false,
    });
    c.syms.push(id);
    let p = perturbation(
        b,
        &[
            "no totality axiom",
            "no transitivity axiom",
            "keeps the smaller one",
        ],
    );
    if let Some(p) = p {
        c.note = format!("perturbed: {p}");
    }
    c.decls.push(format!("relation {le}(X:{sn}, Y:{sn})"));
    let mut axioms = vec![
        ("refl", format!("{le}(X, X)")),
        ("antisymm", format!("{le}(X, Y) & {le}(Y, X) -> X = Y")),
    ];
    if p != Some("no transitivity axiom") {
        axioms.push(("trans", format!("{le}(X, Y) & {le}(Y, Z) -> {le}(X, Z)")));
    }
    if p != Some("no totality axiom") {
        axioms.push(("total", format!("{le}(X, Y) | {le}(Y, X)")));
    }
    for (label, f) in axioms {
        let l = b.sig.fresh(&format!("{le}_{label}"));
        c.decls.push(format!("axiom [{l}] {f}"));
    }
    if b.rng.chance(40) {
        let l = b.sig.fresh(&format!("{le}_cases"));
        c.decls.push(format!(
            "property [{l}] {le}(X, Y) | ~{le}(X, Y) & {le}(Y, X)"
        ));
    }
    let best = b.symbol(&mut c, &["best", "maximum", "top_id"], vec![], Ty::S(s));
    let offered = b.symbol(&mut c, &["offered", "proposed", "bid"], vec![s], Ty::Bool);
    c.init.push(line(format!("{offered}(X) := false")));
    let i = b.param(Ty::S(s), &[]);
    let offer = b.action_name(&["offer", "propose", "submit"]);
    let cond = if p == Some("keeps the smaller one") {
        format!("{le}({i}, {best})")
    } else {
        format!("{le}({best}, {i})")
    };
    c.actions.push(Action::new(
        &offer,
        vec![(i.clone(), Ty::S(s))],
        vec![
            line(format!("{offered}({i}) := true")),
            vec![
                format!("if {cond} {{"),
                format!("    {best} := {i}"),
                "}".into(),
            ],
        ],
    ));
    c.invariants
        .push(format!("{offered}(X) -> {le}(X, {best})"));
    Some(c)
}

/// A deliberately non-stratified fragment: a function from a sort to
/// itself, a function against an existing edge, or a forall-exists
/// invariant over one sort.
pub fn cycle(b: &mut Builder) -> Option<Component> {
    let mut c = new_component("cycle");
    let reverse: Vec<(SortId, SortId)> = b
        .sig
        .edges
        .iter()
        .copied()
        .filter(|&(x, y)| x != y && b.sig.is_uninterpreted(x) && b.sig.is_uninterpreted(y))
        .collect();
    let kind = b.rng.below(3);
    if kind == 1 && !reverse.is_empty() {
        let &(lo, hi) = b.rng.pick(&reverse)?;
        c.note = format!(
            "function {} -> {} against an existing edge",
            b.sig.sort_name(hi),
            b.sig.sort_name(lo)
        );
        b.sig.add_edges(&[(hi, lo)]);
        let back = b.symbol(&mut c, &["back", "parent", "origin"], vec![hi], Ty::S(lo));
        let seen = b.symbol(&mut c, &["seen_lo", "visited"], vec![lo], Ty::Bool);
        let mark = b.symbol(&mut c, &["marked_hi", "flagged"], vec![hi], Ty::Bool);
        c.init.push(line(format!("{seen}(X) := false")));
        c.init.push(line(format!("{mark}(X) := false")));
        let y = b.param(Ty::S(hi), &[]);
        let touch = b.action_name(&["touch", "visit"]);
        c.actions.push(Action::new(
            &touch,
            vec![(y.clone(), Ty::S(hi))],
            vec![
                line(format!("{mark}({y}) := true")),
                line(format!("{seen}({back}({y})) := true")),
            ],
        ));
        c.invariants.push(format!("{mark}(Y) -> {seen}({back}(Y))"));
    } else if kind == 2 {
        let s = b.usort(3);
        let sn = b.sig.sort_name(s).to_string();
        c.note = format!("forall-exists invariant over {sn}");
        b.sig.add_edges(&[(s, s)]);
        let link = b.symbol(
            &mut c,
            &["link", "succ_rel", "pointer"],
            vec![s, s],
            Ty::Bool,
        );
        c.init.push(line(format!("{link}(X, Y) := true")));
        let x = b.param(Ty::S(s), &[]);
        let y = b.param(Ty::S(s), &[(x.clone(), Ty::S(s))]);
        let cut = b.action_name(&["cut", "unlink"]);
        c.actions.push(Action::new(
            &cut,
            vec![(x.clone(), Ty::S(s)), (y.clone(), Ty::S(s))],
            vec![
                line(format!("require exists Y:{sn}. {link}({x}, Y) & Y ~= {y}")),
                line(format!("{link}({x}, {y}) := false")),
            ],
        ));
        c.invariants
            .push(format!("forall X:{sn}. exists Y:{sn}. {link}(X, Y)"));
    } else {
        let s = b.usort(3);
        c.note = format!("function {0} -> {0}", b.sig.sort_name(s));
        b.sig.add_edges(&[(s, s)]);
        let next = b.symbol(&mut c, &["next", "succ", "nxt"], vec![s], Ty::S(s));
        let reached = b.symbol(&mut c, &["reached", "has_token"], vec![s], Ty::Bool);
        c.init.push(line(format!("{reached}(X) := false")));
        let x = b.param(Ty::S(s), &[]);
        let pass = b.action_name(&["pass", "forward"]);
        c.actions.push(Action::new(
            &pass,
            vec![(x.clone(), Ty::S(s))],
            vec![
                line(format!("require {reached}({x})")),
                line(format!("{reached}({next}({x})) := true")),
            ],
        ));
        c.invariants.push(format!(
            "{reached}(X) -> {reached}({next}(X)) | X = {next}(X)"
        ));
    }
    Some(c)
}
