//! A readable dump of a [`Program`] (signature, formulas, definitions,
//! inits, actions with their statement trees), for snapshots and debugging.

use crate::program::{AssertKind, Block, Program, Stmt, StmtKind};
use ivyc_logic::{Role, SortKind, SymId};
use std::fmt::Write;

impl Program {
    /// The readable dump.
    pub fn dump(&self) -> String {
        let mut o = String::new();
        let sig = &self.sig;
        for (_, s) in sig.sorts().skip(1) {
            let kind = match &s.kind {
                SortKind::Uninterpreted => String::new(),
                SortKind::Enum(cs) => {
                    let c: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
                    format!(" = {{{}}}", c.join(", "))
                }
                SortKind::Int => " -> int".into(),
                SortKind::Nat => " -> nat".into(),
                SortKind::Range { lo, hi } => format!(" = {{{lo}..{}}}", hi.text(sig)),
                SortKind::BitVec(n) => format!(" -> bv[{n}]"),
                SortKind::Str => " -> strlit".into(),
                SortKind::Bool => " = bool".into(),
            };
            let _ = writeln!(o, "sort {}{}", s.name, kind);
        }
        for (id, d) in sig.symbols() {
            if matches!(d.role, Role::Local | Role::EnumCtor) {
                continue;
            }
            let args: Vec<&str> = d.args.iter().map(|a| sig.sort_name(*a)).collect();
            let role = match d.role {
                Role::State => "state",
                Role::Rigid => "rigid",
                _ => "",
            };
            let origin = self
                .symbol_origins
                .get(&id)
                .filter(|o| o.section != crate::Section::Common)
                .map(|o| format!("  # {}", o.section.as_str()))
                .unwrap_or_default();
            let _ = writeln!(
                o,
                "{role} {}({}) : {}{origin}",
                d.name,
                args.join(", "),
                sig.sort_name(d.ret)
            );
        }
        for a in &self.axioms {
            let _ = writeln!(o, "axiom {}{}", label(a.label), a.formula.pretty(sig));
        }
        for a in &self.properties {
            let _ = writeln!(o, "property {}{}", label(a.label), a.formula.pretty(sig));
        }
        for d in &self.definitions {
            let ps: Vec<String> = d
                .params
                .iter()
                .map(|v| format!("{}:{}", v.name, sig.sort_name(v.sort)))
                .collect();
            let _ = writeln!(
                o,
                "definition {}({}) = {}",
                sig.symbol_name(d.sym),
                ps.join(", "),
                d.body.pretty(sig)
            );
        }
        for a in &self.invariants {
            let _ = writeln!(o, "invariant {}{}", label(a.label), a.formula.pretty(sig));
        }
        for b in &self.inits {
            o.push_str("after init ");
            self.block(&mut o, b, 0);
            o.push('\n');
        }
        for a in &self.actions {
            let mut flags = Vec::new();
            if a.exported {
                flags.push("export");
            }
            if a.imported {
                flags.push("import");
            }
            flags.push("action");
            let _ = write!(
                o,
                "{} {}({})",
                flags.join(" "),
                a.name,
                self.syms(&a.params)
            );
            if !a.returns.is_empty() {
                let _ = write!(o, " returns({})", self.syms(&a.returns));
            }
            if a.abstract_ {
                o.push_str(" abstract\n");
                continue;
            }
            o.push(' ');
            self.block(&mut o, &a.body, 0);
            o.push('\n');
        }
        for i in &self.isolates {
            let m: Vec<&str> = i.members.iter().map(|s| s.as_str()).collect();
            let w: Vec<&str> = i.with.iter().map(|s| s.as_str()).collect();
            let _ = writeln!(
                o,
                "isolate {} = {} with {}",
                i.name,
                m.join(", "),
                w.join(", ")
            );
        }
        o
    }

    fn syms(&self, s: &[SymId]) -> String {
        let v: Vec<String> = s
            .iter()
            .map(|x| {
                let d = self.sig.symbol(*x);
                format!("{}:{}", d.name, self.sig.sort_name(d.ret))
            })
            .collect();
        v.join(", ")
    }

    fn block(&self, o: &mut String, b: &Block, ind: usize) {
        o.push_str("{\n");
        for s in &b.stmts {
            self.stmt(o, s, ind + 1);
        }
        o.push_str(&"  ".repeat(ind));
        o.push('}');
    }

    fn stmt(&self, o: &mut String, s: &Stmt, ind: usize) {
        let sig = &self.sig;
        o.push_str(&"  ".repeat(ind));
        let p = |t: &ivyc_logic::Term| t.pretty(sig);
        let args = |a: &[ivyc_logic::Term]| {
            if a.is_empty() {
                String::new()
            } else {
                let v: Vec<String> = a.iter().map(p).collect();
                format!("({})", v.join(", "))
            }
        };
        match &s.kind {
            StmtKind::Assign {
                sym,
                args: a,
                value,
            } => {
                let _ = write!(o, "{}{} := {}", sig.symbol_name(*sym), args(a), p(value));
            }
            StmtKind::Havoc { sym, args: a } => {
                let _ = write!(o, "{}{} := *", sig.symbol_name(*sym), args(a));
            }
            StmtKind::If { cond, then_, else_ } => {
                let _ = write!(o, "if {} ", p(cond));
                self.block(o, then_, ind);
                o.push_str(" else ");
                self.block(o, else_, ind);
            }
            StmtKind::IfSome {
                vars,
                cond,
                then_,
                else_,
                ..
            } => {
                let _ = write!(o, "if some {}. {} ", self.syms(vars), p(cond));
                self.block(o, then_, ind);
                o.push_str(" else ");
                self.block(o, else_, ind);
            }
            StmtKind::Choice(bs) => {
                o.push_str("choice ");
                for (i, b) in bs.iter().enumerate() {
                    if i > 0 {
                        o.push_str(" or ");
                    }
                    self.block(o, b, ind);
                }
            }
            StmtKind::While {
                cond,
                invariants,
                assumed,
                variant,
                body,
            } => {
                let _ = write!(o, "while {}", p(cond));
                for i in assumed {
                    let _ = write!(o, " invariant {}{} proof", label(i.label), p(&i.formula));
                }
                for i in invariants {
                    let _ = write!(o, " invariant {}{}", label(i.label), p(&i.formula));
                }
                if let Some(v) = variant {
                    let _ = write!(o, " decreases {}", p(&v.measure));
                }
                o.push(' ');
                self.block(o, body, ind);
            }
            StmtKind::Call {
                action,
                args: a,
                results,
            } => {
                let name = self
                    .action_def(*action)
                    .map(|a| a.name.as_str())
                    .unwrap_or("?");
                o.push_str("call ");
                if !results.is_empty() {
                    let r: Vec<&str> = results.iter().map(|r| sig.symbol_name(*r)).collect();
                    let _ = write!(o, "{} := ", r.join(", "));
                }
                let v: Vec<String> = a.iter().map(p).collect();
                let _ = write!(o, "{name}({})", v.join(", "));
            }
            StmtKind::Local { syms, body } => {
                let _ = write!(o, "local {} ", self.syms(syms));
                self.block(o, body, ind);
            }
            StmtKind::Ghost(body) => {
                o.push_str("ghost ");
                self.block(o, body, ind);
            }
            StmtKind::Assert {
                kind,
                formula,
                label: l,
                ..
            } => {
                let k = match kind {
                    AssertKind::Assert => "assert",
                    AssertKind::Ensure => "ensure",
                    AssertKind::Require => "require",
                    AssertKind::Ensures => "ensures",
                };
                let _ = write!(o, "{k} {}{}", label(*l), p(formula));
            }
            StmtKind::Assume(t) => {
                let _ = write!(o, "assume {}", p(t));
            }
            StmtKind::Native(_) => o.push_str("<<< native >>>"),
        }
        o.push('\n');
    }
}

fn label(l: Option<ivyc_base::Symbol>) -> String {
    l.map(|l| format!("[{l}] ")).unwrap_or_default()
}
