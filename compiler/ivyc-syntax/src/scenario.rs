//! Ivy's `scenario { -> p; p -> q : before a { .. } ... }` blocks,
//! desugared while parsing into the declarations they stand for (as ms-ivy
//! 1.8.26's compiler does):
//!
//! * every place named in the block is a new nullary relation of the scope
//!   (declaring it again is a duplicate declaration, as in ms-ivy);
//! * `after init` sets the places after `->` to true and the others to false;
//! * the `before` transitions of an action become one `before` monitor: a
//!   nondeterministic choice (`if * {..} else ..`) among them, each branch
//!   `assume`s its source places, clears them, sets its target places and
//!   runs its body — so the environment calls the action only when some
//!   transition is enabled;
//! * the `after` transitions of an action become one `after` monitor that
//!   runs, in order, each transition whose source places all hold.
//!
//! The transitions of one action share its parameter names: a transition
//! that names them differently from the first one is an error
//! (`scenario-params`), where ms-ivy renames them.

use crate::ast::*;
use crate::error::SyntaxError;
use crate::support::Ctx;
use ivyc_base::Span;

/// One transition `from -> to : before|after a(params) returns(..) { body }`.
pub struct Transition {
    pub from: Vec<Ident>,
    pub to: Vec<Ident>,
    pub kind: MonitorKind,
    pub action: Path,
    pub params: Vec<Param>,
    pub returns: Vec<Param>,
    pub body: Block,
    pub span: Span,
}

/// The declarations a `scenario` block at `span` stands for.
pub fn desugar(
    ctx: &mut Ctx<'_>,
    init: Vec<Ident>,
    transitions: Vec<Transition>,
    span: Span,
) -> Vec<Decl> {
    let mut places: Vec<Ident> = Vec::new();
    for p in init
        .iter()
        .chain(transitions.iter().flat_map(|t| t.from.iter().chain(&t.to)))
    {
        if !places.iter().any(|q| q.name == p.name) {
            places.push(p.clone());
        }
    }
    let mut decls: Vec<Decl> = places.iter().map(place_decl).collect();
    let init_stmts = places
        .iter()
        .map(|p| assign(p, init.iter().any(|q| q.name == p.name)))
        .collect();
    decls.push(Decl {
        kind: DeclKind::AfterInit {
            params: vec![],
            body: ActionBody::Block(Block {
                stmts: init_stmts,
                span,
            }),
        },
        span,
    });
    for kind in [MonitorKind::Before, MonitorKind::After] {
        let mut actions: Vec<String> = Vec::new();
        for t in transitions.iter().filter(|t| t.kind == kind) {
            let name = t.action.to_dotted();
            if !actions.contains(&name) {
                actions.push(name);
            }
        }
        for name in actions {
            let group: Vec<&Transition> = transitions
                .iter()
                .filter(|t| t.kind == kind && t.action.to_dotted() == name)
                .collect();
            if let Some(d) = monitor(ctx, kind, &group) {
                decls.push(d);
            }
        }
    }
    decls
}

/// The monitor of one action made of its transitions of one kind.
fn monitor(ctx: &mut Ctx<'_>, kind: MonitorKind, group: &[&Transition]) -> Option<Decl> {
    let first = *group.first()?;
    let named = group
        .iter()
        .find(|t| !t.params.is_empty() || !t.returns.is_empty());
    let (params, returns) =
        named.map_or((vec![], vec![]), |t| (t.params.clone(), t.returns.clone()));
    for t in group {
        let same = |a: &[Param], b: &[Param]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.name.name == y.name.name)
        };
        let bare = t.params.is_empty() && t.returns.is_empty();
        let alike = same(&t.params, &params) && same(&t.returns, &returns);
        if !(bare || alike) {
            ctx.errors.push(SyntaxError::ScenarioParams {
                span: params_span(t),
                first: named.map_or(first.span, |n| params_span(n)),
            });
        }
    }
    let span = first.span;
    let body = match kind {
        MonitorKind::Before => {
            let mut branches = group.iter().map(|t| before_branch(t)).rev();
            let last = branches.next()?;
            let mut choice = Stmt {
                span: last.span,
                kind: StmtKind::Block(last),
            };
            for b in branches {
                choice = Stmt {
                    span: b.span,
                    kind: StmtKind::IfStar {
                        then_: b,
                        else_: Box::new(choice),
                    },
                };
            }
            Block {
                stmts: vec![choice],
                span,
            }
        }
        _ => Block {
            stmts: group.iter().map(|t| after_step(t)).collect(),
            span,
        },
    };
    Some(Decl {
        kind: DeclKind::Monitor {
            kind,
            action: first.action.clone(),
            params,
            returns,
            body: ActionBody::Block(body),
        },
        span,
    })
}

/// The parameters and returns a transition names (or its action's name).
fn params_span(t: &Transition) -> Span {
    let mut spans = t.params.iter().chain(&t.returns).map(|p| p.span);
    let first = spans.next().unwrap_or(t.action.span);
    spans.fold(first, |acc, s| acc.to(s))
}

/// `assume from; from := false; to := true; body`.
fn before_branch(t: &Transition) -> Block {
    let mut stmts: Vec<Stmt> = t
        .from
        .iter()
        .map(|p| Stmt {
            kind: StmtKind::Assume(LabeledFmla {
                label: None,
                fmla: place(p),
                span: p.span,
            }),
            span: p.span,
        })
        .collect();
    stmts.extend(moves(t));
    Block {
        stmts,
        span: t.span,
    }
}

/// `if from { from := false; to := true; body }`.
fn after_step(t: &Transition) -> Stmt {
    let mut cond = t.from.iter().map(place);
    let first = cond.next().unwrap_or(Expr {
        kind: ExprKind::True,
        span: t.span,
    });
    let cond = cond.fold(first, |acc, e| Expr {
        span: t.span,
        kind: ExprKind::Binary {
            op: BinOp::And,
            lhs: Box::new(acc),
            rhs: Box::new(e),
        },
    });
    Stmt {
        kind: StmtKind::If {
            cond: Cond::Expr(cond),
            then_: Block {
                stmts: moves(t),
                span: t.span,
            },
            else_: None,
        },
        span: t.span,
    }
}

/// The token moves of a transition, then its body.
fn moves(t: &Transition) -> Vec<Stmt> {
    let mut stmts: Vec<Stmt> = t.from.iter().map(|p| assign(p, false)).collect();
    stmts.extend(t.to.iter().map(|p| assign(p, true)));
    stmts.push(Stmt {
        span: t.body.span,
        kind: StmtKind::Block(t.body.clone()),
    });
    stmts
}

fn place(p: &Ident) -> Expr {
    Expr {
        kind: ExprKind::App {
            func: Path::single(p.clone()),
            args: None,
        },
        span: p.span,
    }
}

fn assign(p: &Ident, value: bool) -> Stmt {
    let rhs = if value {
        ExprKind::True
    } else {
        ExprKind::False
    };
    Stmt {
        kind: StmtKind::Assign {
            lhs: place(p),
            rhs: Expr {
                kind: rhs,
                span: p.span,
            },
        },
        span: p.span,
    }
}

fn place_decl(p: &Ident) -> Decl {
    let lhs = DefnLhs::Name {
        name: Path::single(p.clone()),
        args: None,
        span: p.span,
    };
    Decl {
        kind: DeclKind::Relation(vec![SymbolDecl {
            lhs: TypedDefnLhs {
                lhs,
                sort: None,
                span: p.span,
            },
            def: None,
            span: p.span,
        }]),
        span: p.span,
    }
}
