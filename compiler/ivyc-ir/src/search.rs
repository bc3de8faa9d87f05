//! Nondeterminism resolved by search: a havoc over a finite type that the
//! next statements constrain with `assume`/`require` (`n := *; assume
//! p(n)`, and `var n:t; assume p(n)`, whose local starts arbitrary in Ivy)
//! becomes a [`Stmt::Search`] that enumerates the type, starting at the
//! host's choice, for a value satisfying the assumptions. Taking a value
//! the assumptions allow is one of the executions Ivy's semantics allows
//! (those violating them are discarded), so the extracted code still
//! refines the verified program; verification never sees this rewrite.

use crate::ir::{CheckKind, Expr, Local, Place, SearchTarget, Stmt, Storage, Var};

/// Where the search takes its names and sites from.
pub(crate) struct Cx<'a> {
    pub state: &'a [Var],
    pub locals: &'a [Local],
    /// The module's site counter ([`crate::ir::Module::choice_sites`]).
    pub sites: &'a mut usize,
}

impl Cx<'_> {
    fn site(&mut self) -> usize {
        *self.sites += 1;
        *self.sites - 1
    }

    fn name(&self, p: &Place) -> String {
        let full = match p {
            Place::State { var } => self.state.get(*var).map(|v| v.name.as_str()),
            Place::Local { local } => self.locals.get(*local).map(|l| l.name.as_str()),
        };
        let full = full.unwrap_or("?");
        full.rsplit('.').next().unwrap_or(full).to_owned()
    }
}

/// Whether `s` is an assumption a search can satisfy.
fn assumption(s: &Stmt) -> Option<(&Expr, CheckKind, &str)> {
    match s {
        Stmt::Check {
            kind: kind @ (CheckKind::Assume | CheckKind::Require),
            cond,
            message,
        } => Some((cond, *kind, message)),
        _ => None,
    }
}

/// The failure message of a search for `targets` constrained by the
/// check whose kind and message are given.
fn message(cx: &Cx, targets: &[SearchTarget], kind: CheckKind, check: &str) -> String {
    let what = match kind {
        CheckKind::Assume => format!("the {check}"),
        _ => match check.strip_prefix('[').and_then(|r| r.split_once("] ")) {
            Some((label, at)) => format!("the requirement [{label}] at {at}"),
            None => format!("the requirement at {check}"),
        },
    };
    phrase(cx, targets, &what)
}

/// "no value of `n` satisfies WHAT" (or "no values of `a`, `b` satisfy").
fn phrase(cx: &Cx, targets: &[SearchTarget], what: &str) -> String {
    let names: Vec<String> = targets
        .iter()
        .map(|t| format!("`{}`", cx.name(&t.place)))
        .collect();
    if names.len() == 1 {
        format!("no value of {} satisfies {what}", names[0])
    } else {
        format!("no values of {} satisfy {what}", names.join(", "))
    }
}

/// `message` (made by [`phrase`]) naming `targets` instead.
fn renamed(cx: &Cx, targets: &[SearchTarget], message: &str) -> String {
    let what = [" satisfies ", " satisfy "]
        .iter()
        .find_map(|sep| message.split_once(sep).map(|(_, w)| w))
        .unwrap_or(message);
    phrase(cx, targets, what)
}

/// Rewrites, in one statement list, every run of havocs over finite types
/// followed by a run of assumptions reading some of them into a search
/// over those (the havocs the assumptions do not read stay).
pub(crate) fn resolve(stmts: Vec<Stmt>, cx: &mut Cx) -> Vec<Stmt> {
    let mut out: Vec<Stmt> = Vec::with_capacity(stmts.len());
    let mut rest = stmts.into_iter().peekable();
    while let Some(s) = rest.next() {
        let finite_havoc = matches!(&s, Stmt::Havoc { ty, .. } if ty.is_finite());
        if !finite_havoc {
            out.push(s);
            continue;
        }
        let mut havocs = vec![s];
        while let Some(n) = rest.peek() {
            if matches!(n, Stmt::Havoc { ty, .. } if ty.is_finite()) {
                havocs.extend(rest.next());
            } else {
                break;
            }
        }
        let mut checks = Vec::new();
        while rest.peek().is_some_and(|n| assumption(n).is_some()) {
            checks.extend(rest.next());
        }
        let (targets, kept): (Vec<Stmt>, Vec<Stmt>) = havocs.into_iter().partition(|h| match h {
            Stmt::Havoc { place, .. } => checks
                .iter()
                .filter_map(assumption)
                .any(|(c, _, _)| reads(c, place)),
            _ => false,
        });
        out.extend(kept);
        if targets.is_empty() {
            out.extend(checks);
            continue;
        }
        let targets: Vec<SearchTarget> = targets
            .into_iter()
            .filter_map(|h| match h {
                Stmt::Havoc {
                    place,
                    fields,
                    ty,
                    site,
                } => Some(SearchTarget {
                    place,
                    fields,
                    ty,
                    site,
                }),
                _ => None,
            })
            .collect();
        out.push(search(targets, checks, cx));
    }
    out
}

/// The search for `targets` satisfying every assumption of `checks`.
fn search(targets: Vec<SearchTarget>, checks: Vec<Stmt>, cx: &Cx) -> Stmt {
    let mut conds = Vec::new();
    let mut msg = String::new();
    for c in &checks {
        if let Some((cond, kind, m)) = assumption(c) {
            if msg.is_empty() {
                msg = message(cx, &targets, kind, m);
            }
            conds.push(cond.clone());
        }
    }
    Stmt::Search {
        targets,
        conds,
        message: msg,
    }
}

/// The body of a `var` block whose scalar locals of finite type `block`
/// start arbitrary: when the body starts with assumptions (or a search)
/// reading some of them, those are searched for too.
pub(crate) fn resolve_block_locals(block: &[usize], body: &mut Vec<Stmt>, cx: &mut Cx) {
    let candidates: Vec<usize> = block
        .iter()
        .copied()
        .filter(|l| {
            cx.locals
                .get(*l)
                .is_some_and(|d| d.storage == Storage::Scalar && d.ty.is_finite())
        })
        .collect();
    if candidates.is_empty() {
        return;
    }
    // Extend a leading search.
    if let Some(Stmt::Search { targets, conds, .. }) = body.first() {
        let extra: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|l| conds.iter().any(|c| reads(c, &Place::Local { local: *l })))
            .collect();
        if extra.is_empty() {
            return;
        }
        let mut new_targets: Vec<SearchTarget> = extra
            .into_iter()
            .map(|l| new_target(l, cx))
            .collect::<Vec<_>>();
        new_targets.extend(targets.iter().cloned());
        if let Some(Stmt::Search {
            targets, message, ..
        }) = body.first_mut()
        {
            *targets = new_targets;
            *message = renamed(cx, targets, message);
        }
        return;
    }
    let n = body.iter().take_while(|s| assumption(s).is_some()).count();
    let read: Vec<usize> = candidates
        .into_iter()
        .filter(|l| {
            body[..n]
                .iter()
                .filter_map(assumption)
                .any(|(c, _, _)| reads(c, &Place::Local { local: *l }))
        })
        .collect();
    if read.is_empty() {
        return;
    }
    let targets: Vec<SearchTarget> = read.into_iter().map(|l| new_target(l, cx)).collect();
    let checks: Vec<Stmt> = body.drain(..n).collect();
    let s = search(targets, checks, cx);
    body.insert(0, s);
}

fn new_target(local: usize, cx: &mut Cx) -> SearchTarget {
    let ty = cx
        .locals
        .get(local)
        .map(|l| l.ty.clone())
        .unwrap_or(crate::ir::Type::Bool);
    SearchTarget {
        place: Place::Local { local },
        fields: Vec::new(),
        ty,
        site: cx.site(),
    }
}

/// Whether `e` reads `place` (anywhere, at any arguments or field).
fn reads(e: &Expr, place: &Place) -> bool {
    let any = |es: &[Expr]| es.iter().any(|x| reads(x, place));
    match e {
        Expr::Read { place: p, args } => p == place || any(args),
        Expr::Param { args, .. } | Expr::Def { args, .. } | Expr::Op { args, .. } => any(args),
        Expr::Eq { a, b } | Expr::Implies { a, b } | Expr::Iff { a, b } => {
            reads(a, place) || reads(b, place)
        }
        Expr::Not { a } => reads(a, place),
        Expr::And { items } | Expr::Or { items } => any(items),
        Expr::Ite { c, t, e, .. } => reads(c, place) || reads(t, place) || reads(e, place),
        Expr::Forall { body, .. } | Expr::Exists { body, .. } => reads(body, place),
        Expr::Field { base, .. } | Expr::Isa { base, .. } => reads(base, place),
        Expr::Upcast { value, .. } => reads(value, place),
        Expr::Bool { .. } | Expr::Num { .. } | Expr::Str { .. } | Expr::EnumLit { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Type;

    fn local(name: &str, ty: Type) -> Local {
        Local {
            name: name.to_owned(),
            ident: name.to_owned(),
            ty,
            args: Vec::new(),
            storage: Storage::Scalar,
            bound: false,
        }
    }

    fn read(l: usize) -> Expr {
        Expr::Read {
            place: Place::Local { local: l },
            args: Vec::new(),
        }
    }

    fn havoc(l: usize, ty: Type, site: usize) -> Stmt {
        Stmt::Havoc {
            place: Place::Local { local: l },
            fields: Vec::new(),
            ty,
            site,
        }
    }

    fn assume(cond: Expr) -> Stmt {
        Stmt::Check {
            kind: CheckKind::Assume,
            cond,
            message: "assumption at f.ivy:3:5".to_owned(),
        }
    }

    fn locals() -> Vec<Local> {
        vec![
            local("a.n", Type::Id { sort: 0 }),
            local("a.m", Type::Bool),
            local("a.i", Type::Int),
        ]
    }

    #[test]
    fn havoc_then_assume_is_a_search() {
        let ls = locals();
        let mut sites = 2;
        let mut cx = Cx {
            state: &[],
            locals: &ls,
            sites: &mut sites,
        };
        let out = resolve(
            vec![
                havoc(0, Type::Id { sort: 0 }, 0),
                havoc(1, Type::Bool, 1),
                assume(read(0)),
                assume(Expr::Bool { value: true }),
            ],
            &mut cx,
        );
        // `m` is not read: its havoc stays, before the search over `n`,
        // which takes both assumptions.
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], havoc(1, Type::Bool, 1));
        match &out[1] {
            Stmt::Search {
                targets,
                conds,
                message,
            } => {
                assert_eq!(targets.len(), 1);
                assert_eq!(targets[0].site, 0);
                assert_eq!(conds.len(), 2);
                assert_eq!(
                    message,
                    "no value of `n` satisfies the assumption at f.ivy:3:5"
                );
            }
            other => panic!("not a search: {other:?}"),
        }
        assert_eq!(sites, 2, "no new site for a havoc's search");
    }

    #[test]
    fn unbounded_or_unconstrained_havocs_stay() {
        let ls = locals();
        let mut sites = 1;
        let mut cx = Cx {
            state: &[],
            locals: &ls,
            sites: &mut sites,
        };
        let int_havoc = vec![havoc(2, Type::Int, 0), assume(read(2))];
        assert_eq!(resolve(int_havoc.clone(), &mut cx), int_havoc);
        let unrelated = vec![havoc(0, Type::Id { sort: 0 }, 0), assume(read(1))];
        assert_eq!(resolve(unrelated.clone(), &mut cx), unrelated);
        let apart = vec![
            havoc(0, Type::Id { sort: 0 }, 0),
            Stmt::Fill {
                place: Place::Local { local: 1 },
                value: Expr::Bool { value: true },
            },
            assume(read(0)),
        ];
        assert_eq!(resolve(apart.clone(), &mut cx), apart);
    }

    #[test]
    fn var_block_locals_are_searched() {
        let ls = locals();
        let mut sites = 4;
        let mut cx = Cx {
            state: &[],
            locals: &ls,
            sites: &mut sites,
        };
        let mut body = vec![
            assume(Expr::Eq {
                a: Box::new(read(0)),
                b: Box::new(read(2)),
            }),
            Stmt::Fill {
                place: Place::Local { local: 1 },
                value: Expr::Bool { value: true },
            },
        ];
        resolve_block_locals(&[0, 1, 2], &mut body, &mut cx);
        assert_eq!(body.len(), 2);
        match &body[0] {
            Stmt::Search { targets, .. } => {
                assert_eq!(targets.len(), 1);
                assert_eq!(targets[0].place, Place::Local { local: 0 });
                assert_eq!(targets[0].site, 4);
            }
            other => panic!("not a search: {other:?}"),
        }
        assert_eq!(sites, 5);

        // A leading search reading a block local takes it as a target too.
        let mut cx = Cx {
            state: &[],
            locals: &ls,
            sites: &mut sites,
        };
        let mut body = resolve(
            vec![
                havoc(1, Type::Bool, 0),
                assume(Expr::And {
                    items: vec![read(0), read(1)],
                }),
            ],
            &mut cx,
        );
        resolve_block_locals(&[0], &mut body, &mut cx);
        match &body[0] {
            Stmt::Search {
                targets, message, ..
            } => {
                assert_eq!(targets.len(), 2);
                assert_eq!(
                    message,
                    "no values of `n`, `m` satisfy the assumption at f.ivy:3:5"
                );
            }
            other => panic!("not a search: {other:?}"),
        }
    }
}
