//! The readable, Ivy-like printer for terms (`forall X:node. r(X) -> X = n`)
//! and commands; used for snapshots, diagnostics and counterexamples.

use crate::cmd::{AssertKind, Cmd};
use crate::signature::Signature;
use crate::term::{BuiltinOp, Term, TermKind};
use std::fmt::{self, Write};

/// `Display` adapter for a term, see [`Term::display`].
pub struct TermDisplay<'a> {
    term: &'a Term,
    sig: &'a Signature,
}

impl fmt::Display for TermDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_term(&mut s, self.term, self.sig, 0);
        f.write_str(&s)
    }
}

impl Term {
    /// Ivy-like rendering: `forall X:node. r(X) -> X = n`.
    pub fn display<'a>(&'a self, sig: &'a Signature) -> TermDisplay<'a> {
        TermDisplay { term: self, sig }
    }

    /// `self.display(sig).to_string()`.
    pub fn pretty(&self, sig: &Signature) -> String {
        self.display(sig).to_string()
    }
}

// Precedences (higher binds tighter).
const P_QUANT: u8 = 0;
const P_IFF: u8 = 1;
const P_IMP: u8 = 2;
const P_OR: u8 = 3;
const P_AND: u8 = 4;
const P_NOT: u8 = 5;
const P_CMP: u8 = 6;
const P_ADD: u8 = 7;
const P_MUL: u8 = 8;
const P_ATOM: u8 = 9;

fn infix_prec(name: &str) -> Option<u8> {
    match name {
        "<" | "<=" | ">" | ">=" => Some(P_CMP),
        "+" | "-" => Some(P_ADD),
        "*" | "/" => Some(P_MUL),
        _ => None,
    }
}

fn prec(t: &Term, sig: &Signature) -> u8 {
    match &t.kind {
        TermKind::Forall(..) | TermKind::Exists(..) => P_QUANT,
        TermKind::Iff(..) => P_IFF,
        TermKind::Implies(..) => P_IMP,
        TermKind::Or(xs) if xs.len() > 1 => P_OR,
        TermKind::And(xs) if xs.len() > 1 => P_AND,
        TermKind::Not(a) if matches!(a.kind, TermKind::Eq(..)) => P_CMP,
        TermKind::Not(_) => P_NOT,
        TermKind::Eq(..) => P_CMP,
        TermKind::Builtin(op, xs) => match op {
            BuiltinOp::Lt | BuiltinOp::Le | BuiltinOp::Gt | BuiltinOp::Ge => P_CMP,
            BuiltinOp::Add | BuiltinOp::Sub if xs.len() == 2 => P_ADD,
            BuiltinOp::Mul | BuiltinOp::Div if xs.len() == 2 => P_MUL,
            _ => P_ATOM,
        },
        TermKind::App(f, xs) if xs.len() == 2 => infix_prec(sig.symbol_name(*f)).unwrap_or(P_ATOM),
        _ => P_ATOM,
    }
}

fn write_binary(out: &mut String, a: &Term, op: &str, b: &Term, sig: &Signature, p: u8) {
    // Left-associative layout; comparisons are non-associative.
    let lp = if p == P_CMP { p + 1 } else { p };
    write_term(out, a, sig, lp);
    let _ = write!(out, " {op} ");
    write_term(out, b, sig, p + 1);
}

/// Writes `t`, parenthesised if its precedence is below `ctx`.
pub(crate) fn write_term(out: &mut String, t: &Term, sig: &Signature, ctx: u8) {
    let p = prec(t, sig);
    let paren = p < ctx;
    if paren {
        out.push('(');
    }
    match &t.kind {
        TermKind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        TermKind::Num(n, _) => {
            let _ = write!(out, "{n}");
        }
        TermKind::Str(s, _) => {
            let _ = write!(out, "{:?}", s.as_str());
        }
        TermKind::Var(v) => out.push_str(v.name.as_str()),
        TermKind::App(f, xs) => {
            let name = sig.symbol_name(*f);
            if xs.len() == 2 && infix_prec(name).is_some() {
                write_binary(out, &xs[0], name, &xs[1], sig, p);
            } else {
                out.push_str(name);
                write_args(out, xs, sig);
            }
        }
        TermKind::Builtin(op, xs) => {
            if p != P_ATOM && xs.len() == 2 {
                write_binary(out, &xs[0], op.as_str(), &xs[1], sig, p);
            } else {
                out.push_str(op.as_str());
                write_args(out, xs, sig);
            }
        }
        TermKind::Eq(a, b) => write_binary(out, a, "=", b, sig, P_CMP),
        TermKind::Not(a) => match &a.kind {
            TermKind::Eq(x, y) => write_binary(out, x, "~=", y, sig, P_CMP),
            _ => {
                out.push('~');
                write_term(out, a, sig, P_NOT);
            }
        },
        TermKind::And(xs) | TermKind::Or(xs) if xs.is_empty() => {
            let is_and = matches!(t.kind, TermKind::And(_));
            out.push_str(if is_and { "true" } else { "false" });
        }
        TermKind::And(xs) | TermKind::Or(xs) => {
            let (op, sub) = if matches!(t.kind, TermKind::And(_)) {
                (" & ", P_AND + 1)
            } else {
                (" | ", P_OR + 1)
            };
            let sub = if xs.len() == 1 { ctx } else { sub };
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(op);
                }
                write_term(out, x, sig, sub);
            }
        }
        TermKind::Implies(a, b) => {
            write_term(out, a, sig, P_IMP + 1);
            out.push_str(" -> ");
            write_term(out, b, sig, P_IMP);
        }
        TermKind::Iff(a, b) => {
            write_term(out, a, sig, P_IFF + 1);
            out.push_str(" <-> ");
            write_term(out, b, sig, P_IFF + 1);
        }
        TermKind::Ite(c, x, e) => {
            out.push('(');
            write_term(out, x, sig, P_IFF);
            out.push_str(" if ");
            write_term(out, c, sig, P_IFF);
            out.push_str(" else ");
            write_term(out, e, sig, P_IFF);
            out.push(')');
        }
        TermKind::Forall(vs, b) | TermKind::Exists(vs, b) => {
            out.push_str(if matches!(t.kind, TermKind::Forall(..)) {
                "forall "
            } else {
                "exists "
            });
            for (i, v) in vs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}:{}", v.name, sig.sort_name(v.sort));
            }
            out.push_str(". ");
            write_term(out, b, sig, P_QUANT);
        }
    }
    if paren {
        out.push(')');
    }
}

fn write_args(out: &mut String, xs: &[Term], sig: &Signature) {
    if xs.is_empty() {
        return;
    }
    out.push('(');
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_term(out, x, sig, P_QUANT);
    }
    out.push(')');
}

// ------------------------------------------------------------------------
// Commands
// ------------------------------------------------------------------------

/// `Display` adapter for a command, see [`Cmd::display`].
pub struct CmdDisplay<'a> {
    cmd: &'a Cmd,
    sig: &'a Signature,
}

impl fmt::Display for CmdDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        write_cmd(&mut s, self.cmd, self.sig, 0);
        f.write_str(&s)
    }
}

impl Cmd {
    /// Multi-line Ivy-like rendering of the command.
    pub fn display<'a>(&'a self, sig: &'a Signature) -> CmdDisplay<'a> {
        CmdDisplay { cmd: self, sig }
    }

    pub fn pretty(&self, sig: &Signature) -> String {
        self.display(sig).to_string()
    }
}

fn indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push_str("    ");
    }
}

fn write_cmd(out: &mut String, c: &Cmd, sig: &Signature, ind: usize) {
    match c {
        Cmd::Skip => {
            indent(out, ind);
            out.push_str("skip\n");
        }
        Cmd::Assume(t) => {
            indent(out, ind);
            let _ = writeln!(out, "assume {}", t.display(sig));
        }
        Cmd::Assert(t, info) => {
            indent(out, ind);
            let kw = match info.kind {
                AssertKind::Assert => "assert",
                AssertKind::Require => "require",
                AssertKind::Ensure => "ensure",
                AssertKind::LoopInvariant => "assert[invariant]",
                AssertKind::CallRequire => "assert[call-require]",
                AssertKind::VariantBounded => "assert[variant-bounded]",
                AssertKind::VariantDecreases => "assert[variant-decreases]",
            };
            let _ = write!(out, "{kw} ");
            if let Some(l) = info.label {
                let _ = write!(out, "[{l}] ");
            }
            let _ = writeln!(out, "{}", t.display(sig));
        }
        Cmd::Assign { sym, params, value } => {
            indent(out, ind);
            out.push_str(sig.symbol_name(*sym));
            if !params.is_empty() {
                out.push('(');
                for (i, v) in params.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(v.name.as_str());
                }
                out.push(')');
            }
            let _ = writeln!(out, " := {}", value.display(sig));
        }
        Cmd::Havoc(s) => {
            indent(out, ind);
            let _ = writeln!(out, "havoc {}", sig.symbol_name(*s));
        }
        Cmd::Seq(cs) => {
            if cs.is_empty() {
                indent(out, ind);
                out.push_str("skip\n");
            }
            for c in cs {
                write_cmd(out, c, sig, ind);
            }
        }
        Cmd::Choice(cs) => {
            indent(out, ind);
            out.push_str("{\n");
            for (i, c) in cs.iter().enumerate() {
                if i > 0 {
                    indent(out, ind);
                    out.push_str("} or {\n");
                }
                write_cmd(out, c, sig, ind + 1);
            }
            indent(out, ind);
            out.push_str("}\n");
        }
    }
}
