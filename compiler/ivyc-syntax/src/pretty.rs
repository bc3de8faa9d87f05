//! A compact, readable s-expression printer for the AST (spans omitted),
//! used by snapshot tests and for AST dumps: one declaration per line,
//! nested declaration bodies and blocks indented.

use crate::ast::*;
use std::fmt::Write;

/// Render a whole file.
pub fn file(f: &File) -> String {
    let mut p = P::default();
    if let Some(l) = &f.lang {
        let v = l.version.map(|v| v.as_str()).unwrap_or("");
        let _ = writeln!(p.out, "(lang \"{v}\")");
    }
    for d in &f.decls {
        p.decl(d);
    }
    p.out
}

/// Render a list of declarations.
pub fn decls(ds: &[Decl]) -> String {
    let mut p = P::default();
    for d in ds {
        p.decl(d);
    }
    p.out
}

/// Render an expression on one line.
pub fn expr(e: &Expr) -> String {
    ex(e)
}

/// Render a statement (possibly several lines).
pub fn stmt(s: &Stmt) -> String {
    let mut p = P::default();
    p.stmt(s);
    p.out
}

#[derive(Default)]
struct P {
    out: String,
    indent: usize,
}

fn path(p: &Path) -> String {
    p.to_dotted()
}

fn opt<T>(o: &Option<T>, f: impl Fn(&T) -> String) -> String {
    o.as_ref().map(f).unwrap_or_else(|| "_".to_string())
}

fn list<T>(xs: &[T], f: impl Fn(&T) -> String) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join(" ")
}

fn binder(b: &Binder) -> String {
    match &b.sort {
        Some(s) => format!("{}:{}", b.name.as_str(), path(s)),
        None => b.name.as_str().to_string(),
    }
}

fn param(p: &Param) -> String {
    format!(
        "{}{}:{}",
        if p.caret { "^" } else { "" },
        p.name.as_str(),
        path(&p.sort)
    )
}

fn params(ps: &[Param]) -> String {
    format!("({})", list(ps, param))
}

fn args(a: &Option<Vec<Expr>>) -> String {
    match a {
        Some(v) => format!("({})", list(v, ex)),
        None => String::new(),
    }
}

fn label(l: &Option<Ident>) -> String {
    match l {
        Some(l) => format!("[{}] ", l.as_str()),
        None => String::new(),
    }
}

fn ex(e: &Expr) -> String {
    match &e.kind {
        ExprKind::App { func, args: a } => match a {
            None => path(func),
            Some(v) => format!("({} {})", path(func), list(v, ex)).replace(" )", ")"),
        },
        ExprKind::Dot {
            base,
            member,
            args: a,
        } => {
            format!("(. {} {}{})", ex(base), member.as_str(), args(a))
        }
        ExprKind::Var(v) => v.as_str().to_string(),
        ExprKind::Num(n) => n.as_str().to_string(),
        ExprKind::Str(s) => format!("\"{}\"", s.as_str()),
        ExprKind::True => "true".into(),
        ExprKind::False => "false".into(),
        ExprKind::Old(x) => format!("(old {})", ex(x)),
        ExprKind::Unary { op, expr } => {
            let o = match op {
                UnOp::Not => "~",
                UnOp::Globally => "globally",
                UnOp::Eventually => "eventually",
            };
            format!("({o} {})", ex(expr))
        }
        ExprKind::Binary { op, lhs, rhs } => format!("({} {} {})", op.as_str(), ex(lhs), ex(rhs)),
        ExprKind::Ite { then_, cond, else_ } => {
            format!("(ite {} {} {})", ex(cond), ex(then_), ex(else_))
        }
        ExprKind::Annot { expr, sort } => format!("(: {} {})", ex(expr), path(sort)),
        ExprKind::Isa { expr, sort } => format!("(isa {} {})", ex(expr), path(sort)),
        ExprKind::Quant {
            quant,
            binders,
            parens,
            body,
        } => format!(
            "({}{} [{}] {})",
            match quant {
                Quantifier::Forall => "forall",
                Quantifier::Exists => "exists",
            },
            if *parens { "()" } else { "" },
            list(binders, binder),
            ex(body)
        ),
        ExprKind::NamedBinder {
            name,
            binders,
            body,
            applied,
        } => format!(
            "(${} [{}] {}){}",
            name.as_str(),
            list(binders, binder),
            ex(body),
            args(applied)
        ),
        ExprKind::Paren(x) => format!("(paren {})", ex(x)),
        ExprKind::Error => "<error>".into(),
    }
}

fn lf(f: &LabeledFmla) -> String {
    format!("{}{}", label(&f.label), ex(&f.fmla))
}

fn seg(s: &CallSegment) -> String {
    format!("{}{}", s.name.as_str(), args(&s.args))
}

fn call(c: &CallAtom) -> String {
    c.segments.iter().map(seg).collect::<Vec<_>>().join(".")
}

fn calls(cs: &[CallAtom]) -> String {
    list(cs, call)
}

fn typed_head(h: &TypedHead) -> String {
    match h {
        TypedHead::Name { name, args: a } => match a {
            Some(v) => format!("{}({})", name.as_str(), list(v, binder)),
            None => name.as_str().to_string(),
        },
        TypedHead::Infix { lhs, op, rhs } => {
            format!("({} {} {})", binder(lhs), op.op.as_str(), binder(rhs))
        }
    }
}

fn typed(t: &TypedName) -> String {
    match &t.sort {
        Some(s) => format!("{}:{}", typed_head(&t.head), path(s)),
        None => typed_head(&t.head),
    }
}

fn defarg(a: &DefArg) -> String {
    match a {
        DefArg::Param(p) => param(p),
        DefArg::Var(b) => binder(b),
    }
}

fn defn_lhs(l: &DefnLhs) -> String {
    match l {
        DefnLhs::Name { name, args: a, .. } => match a {
            Some(v) => format!("{}({})", path(name), list(v, defarg)),
            None => path(name),
        },
        DefnLhs::Infix { lhs, op, rhs, .. } => {
            format!("({} {} {})", defarg(lhs), op.op.as_str(), defarg(rhs))
        }
    }
}

fn tlhs(t: &TypedDefnLhs) -> String {
    match &t.sort {
        Some(s) => format!("{}:{}", defn_lhs(&t.lhs), path(s)),
        None => defn_lhs(&t.lhs),
    }
}

fn rhs(r: &DefnRhs) -> String {
    match r {
        DefnRhs::Expr(e) => ex(e),
        DefnRhs::Some {
            binder: b,
            fmla,
            in_,
            else_,
            ..
        } => format!(
            "(some {} {} in {} else {})",
            binder(b),
            ex(fmla),
            opt(in_, ex),
            opt(else_, ex)
        ),
        DefnRhs::Native(n) => native(n),
    }
}

fn native(n: &NativeQuote) -> String {
    format!("<<<{}>>>", n.text)
}

fn defn(d: &Defn) -> String {
    format!("(= {} {})", tlhs(&d.lhs), rhs(&d.rhs))
}

fn symdecl(s: &SymbolDecl) -> String {
    match &s.def {
        Some(d) => format!("(= {} {})", tlhs(&s.lhs), rhs(d)),
        None => tlhs(&s.lhs),
    }
}

fn sort(s: &Sort) -> String {
    match s {
        Sort::Enum(v) => format!("{{{}}}", list(v, |i| i.as_str().to_string())),
        Sort::Range { lo, hi } => format!("{{{}..{}}}", lo.as_str(), hi.as_str()),
        Sort::Struct(v) => format!("(struct {})", list(v, typed)),
    }
}

fn oper(o: &Oper) -> String {
    match o {
        Oper::Name(p) => path(p),
        Oper::Op(o) => o.op.as_str().to_string(),
        Oper::Native(n) => native(n),
    }
}

fn modref(m: &ModuleRef) -> String {
    match &m.args {
        None => path(&m.name),
        Some(a) => format!(
            "{}({})",
            path(&m.name),
            list(a, |x| match x {
                ModuleArg::Name(p) => path(p),
                ModuleArg::Var(b) => binder(b),
                ModuleArg::Op(o) => o.op.as_str().to_string(),
                ModuleArg::True(_) => "true".into(),
                ModuleArg::False(_) => "false".into(),
            })
        ),
    }
}

fn renaming(r: &Renaming) -> String {
    format!(
        "<{}>",
        r.items
            .iter()
            .map(|(a, b)| format!("{}/{}", a.as_str(), b.as_str()))
            .collect::<Vec<_>>()
            .join(",")
    )
}

fn matches(ms: &[Match]) -> String {
    list(ms, |m| match m {
        Match::Defn(d) => defn(d),
        Match::Var { var, value, .. } => format!("(= {} {})", binder(var), ex(value)),
    })
}

fn prop(p: &LabeledProp) -> String {
    format!(
        "{}{}",
        label(&p.label),
        match &p.prop {
            Prop::Fmla(e) => ex(e),
            Prop::Schema(s) => schema(s),
        }
    )
}

fn schema(s: &SchemaBody) -> String {
    format!(
        "{{{}}}",
        s.items
            .iter()
            .map(|i| match &i.kind {
                SchemaItemKind::Function { fresh, decls } => format!(
                    "({}function {})",
                    if *fresh { "fresh " } else { "" },
                    list(decls, symdecl)
                ),
                SchemaItemKind::Individual { fresh, decls } => format!(
                    "({}individual {})",
                    if *fresh { "fresh " } else { "" },
                    list(decls, symdecl)
                ),
                SchemaItemKind::Relation { fresh, decls } => format!(
                    "({}relation {})",
                    if *fresh { "fresh " } else { "" },
                    list(decls, symdecl)
                ),
                SchemaItemKind::Type(t) => format!("(type {})", t.as_str()),
                SchemaItemKind::Property { explicit, prop: p } => format!(
                    "({}property {})",
                    if *explicit { "explicit " } else { "" },
                    prop(p)
                ),
                SchemaItemKind::Theorem(p) => format!("(theorem {})", prop(p)),
                SchemaItemKind::Definition(d) => format!("(definition {})", defn(d)),
                SchemaItemKind::Nested(s) => schema(s),
            })
            .collect::<Vec<_>>()
            .join(" ")
    )
}

fn group(g: &[ProofStep]) -> String {
    format!("{{{}}}", g.iter().map(proof).collect::<Vec<_>>().join("; "))
}

fn proof(s: &ProofStep) -> String {
    match &s.kind {
        ProofStepKind::Apply {
            kind,
            label: l,
            name,
            renaming: r,
            with,
        } => format!(
            "({} {}{}{}{})",
            match kind {
                ApplyKind::Apply => "apply",
                ApplyKind::Assume => "assume",
                ApplyKind::Instantiate => "instantiate",
            },
            label(l),
            path(name),
            r.as_ref().map(renaming).unwrap_or_default(),
            if with.is_empty() {
                String::new()
            } else {
                format!(" with {}", matches(with))
            }
        ),
        ProofStepKind::Witness(m) => format!("(instantiate with {})", matches(m)),
        ProofStepKind::ShowGoals => "showgoals".into(),
        ProofStepKind::DeferGoal => "defergoal".into(),
        ProofStepKind::Spoil(p) => format!("(spoil {})", path(p)),
        ProofStepKind::Tactic {
            name,
            with,
            proof: p,
        } => format!(
            "(tactic {}{}{})",
            name.as_str(),
            match with {
                None => String::new(),
                Some(TacticWith::Lets(m)) => format!(" with {}", matches(m)),
                Some(TacticWith::Items { items, .. }) => format!(
                    " with {}",
                    list(items, |i| match i {
                        TacticItem::Invariant(f) => format!("(invariant {})", lf(f)),
                        TacticItem::Definition { lhs, rhs: r, .. } =>
                            format!("(definition {} {})", tlhs(lhs), ex(r)),
                        TacticItem::Trigger { name, terms, .. } =>
                            format!("(trigger {} {})", path(name), list(terms, ex)),
                    })
                ),
            },
            p.as_ref()
                .map(|g| format!(" proof {}", group(g)))
                .unwrap_or_default()
        ),
        ProofStepKind::Property {
            temporal,
            fmla,
            named,
            proof: p,
        } => format!(
            "({}property {}{}{})",
            if *temporal { "temporal " } else { "" },
            lf(fmla),
            named
                .as_ref()
                .map(|n| format!(" named {}", defn_lhs(n)))
                .unwrap_or_default(),
            p.as_ref()
                .map(|g| format!(" proof {}", group(g)))
                .unwrap_or_default()
        ),
        ProofStepKind::Function(f) => format!("(function {})", list(f, symdecl)),
        ProofStepKind::Theorem { prop: p, proof: g } => format!(
            "(theorem {}{})",
            prop(p),
            g.as_ref()
                .map(|g| format!(" proof {}", group(g)))
                .unwrap_or_default()
        ),
        ProofStepKind::Proof { label: l, group: g } => {
            format!("(proof [{}] {})", l.as_str(), group(g))
        }
        ProofStepKind::Unfold { name, specs } => format!(
            "(unfold {} with {})",
            opt(name, path),
            specs
                .iter()
                .map(|(c, rs)| format!("{}{}", call(c), list(rs, renaming)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        ProofStepKind::Forget(c) => format!("(forget {})", calls(c)),
        ProofStepKind::Let(m) => format!("(let {})", matches(m)),
        ProofStepKind::If { cond, then_, else_ } => {
            format!("(if {} {} {})", ex(cond), group(then_), group(else_))
        }
        ProofStepKind::Group(g) => group(g),
        ProofStepKind::Error => "<error>".into(),
    }
}

fn cond(c: &Cond) -> String {
    match c {
        Cond::Expr(e) => ex(e),
        Cond::Assign { lhs, rhs: r } => format!("(:= {} {})", ex(lhs), ex(r)),
        Cond::Some {
            params: ps,
            fmla,
            optimize,
            ..
        } => format!(
            "(some {} {}{})",
            params(ps),
            ex(fmla),
            match optimize {
                Some((Optimize::Minimizing, e)) => format!(" minimizing {}", ex(e)),
                Some((Optimize::Maximizing, e)) => format!(" maximizing {}", ex(e)),
                None => String::new(),
            }
        ),
    }
}

impl P {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn body(&mut self, head: String, ds: &[Decl]) {
        if ds.is_empty() {
            self.line(&format!("{head} {{}}"));
            return;
        }
        self.line(&format!("{head} {{"));
        self.indent += 1;
        for d in ds {
            self.decl(d);
        }
        self.indent -= 1;
        self.line("}");
    }

    fn block(&mut self, head: String, b: &Block) {
        if b.stmts.is_empty() {
            self.line(&format!("{head} {{}}"));
            return;
        }
        self.line(&format!("{head} {{"));
        self.indent += 1;
        for s in &b.stmts {
            self.stmt(s);
        }
        self.indent -= 1;
        self.line("}");
    }

    fn action_body(&mut self, head: String, b: &ActionBody) {
        match b {
            ActionBody::Block(b) => self.block(head, b),
            ActionBody::Native { code, .. } => self.line(&format!("{head} {}", native(code))),
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Assume(f) => self.line(&format!("(assume {})", lf(f))),
            StmtKind::Assert {
                kind,
                fmla,
                proof: p,
            } => self.line(&format!(
                "({} {}{})",
                match kind {
                    AssertKind::Assert => "assert",
                    AssertKind::Ensure => "ensure",
                    AssertKind::Require => "require",
                    AssertKind::Ensures => "ensures",
                },
                lf(fmla),
                p.as_ref()
                    .map(|p| format!(" proof {}", proof(p)))
                    .unwrap_or_default()
            )),
            StmtKind::Assign { lhs, rhs: r } => self.line(&format!("(:= {} {})", ex(lhs), ex(r))),
            StmtKind::Havoc { lhs } => self.line(&format!("(:= {} *)", ex(lhs))),
            StmtKind::TupleAssign { lhs, call: c } => {
                self.line(&format!("(:= ({}) {})", list(lhs, ex), call(c)))
            }
            StmtKind::Expr(e) => self.line(&format!("(do {})", ex(e))),
            StmtKind::Call { returns, callee } => {
                if returns.is_empty() {
                    self.line(&format!("(call {})", call(callee)))
                } else {
                    self.line(&format!("(call {} := {})", calls(returns), call(callee)))
                }
            }
            StmtKind::If {
                cond: c,
                then_,
                else_,
            } => {
                self.block(format!("(if {})", cond(c)), then_);
                if let Some(e) = else_ {
                    self.line("else");
                    self.indent += 1;
                    self.stmt(e);
                    self.indent -= 1;
                }
            }
            StmtKind::IfStar { then_, else_ } => {
                self.block("(if *)".to_string(), then_);
                self.line("else");
                self.indent += 1;
                self.stmt(else_);
                self.indent -= 1;
            }
            StmtKind::While {
                cond: c,
                invariants,
                decreases,
                body,
            } => {
                let mut head = format!("(while {}", cond(c));
                for i in invariants {
                    let _ = write!(
                        head,
                        " (invariant {}{})",
                        lf(&i.fmla),
                        i.proof
                            .as_ref()
                            .map(|p| format!(" proof {}", proof(p)))
                            .unwrap_or_default()
                    );
                }
                if let Some(d) = decreases {
                    let _ = write!(head, " (decreases {})", ex(d));
                }
                head.push(')');
                self.block(head, body);
            }
            StmtKind::For {
                index,
                value,
                collection,
                invariants,
                decreases,
                body,
            } => {
                let mut head = format!(
                    "(for {} {} in {}",
                    typed(index),
                    typed(value),
                    ex(collection)
                );
                for i in invariants {
                    let _ = write!(head, " (invariant {})", lf(&i.fmla));
                }
                if let Some(d) = decreases {
                    let _ = write!(head, " (decreases {})", ex(d));
                }
                head.push(')');
                self.block(head, body);
            }
            StmtKind::Instantiate(c) => self.line(&format!("(instantiate {})", call(c))),
            StmtKind::Local { params: ps, body } => {
                self.block(format!("(local {})", params(ps)), body)
            }
            StmtKind::Var { name, init } => self.line(&format!(
                "(var {}{})",
                typed(name),
                init.as_ref()
                    .map(|e| format!(" := {}", ex(e)))
                    .unwrap_or_default()
            )),
            StmtKind::Thunk {
                label: l,
                name,
                params: ps,
                sort: so,
                body,
            } => self.block(
                format!(
                    "(thunk [{}] {}{}:{})",
                    l.as_str(),
                    name.as_str(),
                    params(ps),
                    path(so)
                ),
                body,
            ),
            StmtKind::Let { eqns, body } => self.block(
                format!(
                    "(let {})",
                    eqns.iter()
                        .map(|(a, b)| format!("{}={}", a.as_str(), b.as_str()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                body,
            ),
            StmtKind::Block(b) => self.block("(block)".to_string(), b),
            StmtKind::Unprovable(inner) => {
                self.line("(unprovable");
                self.indent += 1;
                self.stmt(inner);
                self.indent -= 1;
                self.line(")");
            }
            StmtKind::Debug { text, args } => self.line(&format!(
                "(debug {}{})",
                text.as_str(),
                args.iter()
                    .map(|(n, e)| format!(" ({} {})", n.as_str(), ex(e)))
                    .collect::<String>()
            )),
            StmtKind::Error => self.line("<error>"),
        }
    }

    fn decl(&mut self, d: &Decl) {
        let ex_flag = |b: bool| if b { "explicit " } else { "" };
        let proof_sfx = |p: &Option<ProofStep>| {
            p.as_ref()
                .map(|p| format!(" proof {}", proof(p)))
                .unwrap_or_default()
        };
        match &d.kind {
            DeclKind::Include(i) => self.line(&format!("(include {})", i.as_str())),
            DeclKind::Using(i) => self.line(&format!("(using {})", i.as_str())),
            DeclKind::Type {
                finite,
                ghost,
                name,
                sort: s,
            } => self.line(&format!(
                "({}{}type {}{})",
                if *finite { "finite " } else { "" },
                if *ghost { "ghost " } else { "" },
                name.as_str(),
                s.as_ref()
                    .map(|s| format!(" = {}", sort(s)))
                    .unwrap_or_default()
            )),
            DeclKind::Variant { name, of, sort: s } => self.line(&format!(
                "(variant {} of {}{})",
                name.as_str(),
                path(of),
                s.as_ref()
                    .map(|s| format!(" = {}", sort(s)))
                    .unwrap_or_default()
            )),
            DeclKind::Interpret { oper: o, target } => self.line(&format!(
                "(interpret {} -> {})",
                oper(o),
                match target {
                    InterpretTarget::Oper(t) => oper(t),
                    InterpretTarget::Range { lo, hi } => format!("{{{}..{}}}", ex(lo), ex(hi)),
                    InterpretTarget::Enum(v) => format!("{{{}}}", list(v, |i| i.as_str().into())),
                }
            )),
            DeclKind::Relation(r) => self.line(&format!("(relation {})", list(r, symdecl))),
            DeclKind::Function(f) => self.line(&format!("(function {})", list(f, symdecl))),
            DeclKind::Individual(t) => self.line(&format!("(individual {})", list(t, typed))),
            DeclKind::Var(t) => self.line(&format!("(var {})", list(t, typed))),
            DeclKind::Destructor(t) => self.line(&format!("(destructor {})", list(t, typed))),
            DeclKind::Constructor(t) => self.line(&format!("(constructor {})", list(t, typed))),
            DeclKind::Parameter { name, default } => self.line(&format!(
                "(parameter {}{})",
                typed(name),
                match default {
                    Some(ParamDefault::True(_)) => " = true".into(),
                    Some(ParamDefault::False(_)) => " = false".into(),
                    Some(ParamDefault::Name(n)) => format!(" = {}", n.as_str()),
                    None => String::new(),
                }
            )),
            DeclKind::Derived(ds) => self.line(&format!("(derived {})", list(ds, defn))),
            DeclKind::Definition {
                explicit,
                label: l,
                defn: df,
                braces,
                proof: p,
            } => self.line(&format!(
                "({}definition {}{}{}{})",
                ex_flag(*explicit),
                label(l),
                if *braces { "braced " } else { "" },
                defn(df),
                proof_sfx(p)
            )),
            DeclKind::Axiom {
                explicit,
                temporal,
                prop: p,
            } => self.line(&format!(
                "({}{}axiom {})",
                ex_flag(*explicit),
                if *temporal { "temporal " } else { "" },
                prop(p)
            )),
            DeclKind::Property {
                explicit,
                temporal,
                fmla,
                named,
                proof: p,
            } => self.line(&format!(
                "({}{}property {}{}{})",
                ex_flag(*explicit),
                if *temporal { "temporal " } else { "" },
                lf(fmla),
                named
                    .as_ref()
                    .map(|n| format!(" named {}", defn_lhs(n)))
                    .unwrap_or_default(),
                proof_sfx(p)
            )),
            DeclKind::Conjecture(f) => self.line(&format!("(conjecture {})", lf(f))),
            DeclKind::Init(f) => self.line(&format!("(init {})", lf(f))),
            DeclKind::PrivateName(c) => self.line(&format!("(private {})", call(c))),
            DeclKind::Invariant {
                explicit,
                fmla,
                proof: p,
            } => self.line(&format!(
                "({}invariant {}{})",
                ex_flag(*explicit),
                lf(fmla),
                proof_sfx(p)
            )),
            DeclKind::Schema { lhs, body } => self.line(&format!(
                "(schema {} = {})",
                defn_lhs(lhs),
                match body {
                    Prop::Fmla(e) => ex(e),
                    Prop::Schema(s) => schema(s),
                }
            )),
            DeclKind::Theorem {
                name,
                body,
                proof: p,
            } => self.line(&format!(
                "(theorem {} {}{})",
                match name {
                    TheoremName::Lhs(l) => defn_lhs(l),
                    TheoremName::Label(l) => format!("[{}]", l.as_str()),
                },
                match body {
                    Prop::Fmla(e) => ex(e),
                    Prop::Schema(s) => schema(s),
                },
                proof_sfx(p)
            )),
            DeclKind::Proof { label: l, step } => {
                self.line(&format!("(proof {}{})", label(l), proof(step)))
            }
            DeclKind::Instantiate(is) | DeclKind::Autoinstance(is) => self.line(&format!(
                "({} {})",
                if matches!(d.kind, DeclKind::Autoinstance(_)) {
                    "autoinstance"
                } else {
                    "instance"
                },
                list(is, |i| match &i.name {
                    Some(n) => format!("{}:{}", modref(n), modref(&i.module)),
                    None => modref(&i.module),
                })
            )),
            DeclKind::Module {
                category,
                name,
                params: ps,
                with,
                body,
            } => self.body(
                format!(
                    "(module {}{}{}{})",
                    match category {
                        Some(ModuleCategory::Object) => "object ",
                        Some(ModuleCategory::Isolate) => "isolate ",
                        None => "",
                    },
                    name.as_str(),
                    args(ps),
                    if with.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", calls(with))
                    }
                ),
                body,
            ),
            DeclKind::Object {
                kind,
                name,
                params: ps,
                continuation,
                body,
            } => self.body(
                format!(
                    "({} {}{}{})",
                    match kind {
                        ObjectKind::Object => "object",
                        ObjectKind::Class => "class",
                    },
                    name.as_str(),
                    if ps.is_empty() {
                        String::new()
                    } else {
                        params(ps)
                    },
                    if *continuation { " ..." } else { "" }
                ),
                body,
            ),
            DeclKind::Macro { name, body } => self.block(format!("(macro {})", seg(name)), body),
            DeclKind::Action {
                import_export,
                method,
                name,
                params: ps,
                returns,
                body,
            } => {
                let head = format!(
                    "({}{} {}{}{})",
                    match import_export {
                        Some(ImportExport::Import) => "import ",
                        Some(ImportExport::Export) => "export ",
                        None => "",
                    },
                    if *method { "method" } else { "action" },
                    name.as_str(),
                    params(ps),
                    if returns.is_empty() {
                        String::new()
                    } else {
                        format!(" returns {}", params(returns))
                    }
                );
                match body {
                    None => self.line(&head),
                    Some(ActionDef::Star(_)) => self.line(&format!("{head} = *")),
                    Some(ActionDef::Body(b)) => self.action_body(head, b),
                }
            }
            DeclKind::Mixin { mixer, kind, mixee } => self.line(&format!(
                "(mixin {} {:?} {})",
                call(mixer),
                kind,
                call(mixee)
            )),
            DeclKind::Monitor {
                kind,
                action,
                params: ps,
                returns,
                body,
            } => self.action_body(
                format!(
                    "({:?} {}{}{})",
                    kind,
                    path(action),
                    params(ps),
                    if returns.is_empty() {
                        String::new()
                    } else {
                        format!(" returns {}", params(returns))
                    }
                ),
                body,
            ),
            DeclKind::Around {
                action,
                params: ps,
                body,
                ..
            } => {
                self.line(&format!("(around {}{} {{", path(action), params(ps)));
                self.indent += 1;
                for s in &body.before {
                    self.stmt(s);
                }
                self.line("...");
                for s in &body.after {
                    self.stmt(s);
                }
                self.indent -= 1;
                self.line("}");
            }
            DeclKind::AfterInit { params: ps, body } => {
                self.action_body(format!("(after init{})", params(ps)), body)
            }
            DeclKind::ImplementType { ty, with } => self.line(&format!(
                "(implement type {} with {})",
                ty.as_str(),
                with.as_str()
            )),
            DeclKind::Isolate {
                trusted,
                name,
                params: ps,
                targets,
                with,
            } => self.line(&format!(
                "({}isolate {}{} = {}{})",
                if *trusted { "trusted " } else { "" },
                name.as_str(),
                params(ps),
                calls(targets),
                if with.is_empty() {
                    String::new()
                } else {
                    format!(" with {}", calls(with))
                }
            )),
            DeclKind::IsolateObject {
                trusted,
                name,
                params: ps,
                body,
                with,
            } => self.body(
                format!(
                    "({}isolate {}{}{})",
                    if *trusted { "trusted " } else { "" },
                    name.as_str(),
                    params(ps),
                    if with.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", calls(with))
                    }
                ),
                body,
            ),
            DeclKind::Extract {
                name,
                params: ps,
                targets,
            } => self.line(&format!(
                "(extract {}{} = {})",
                name.as_str(),
                params(ps),
                calls(targets)
            )),
            DeclKind::ExtractObject {
                name,
                params: ps,
                body,
                with,
            } => self.body(
                format!(
                    "(extract {}{}{})",
                    name.as_str(),
                    params(ps),
                    if with.is_empty() {
                        String::new()
                    } else {
                        format!(" with {}", calls(with))
                    }
                ),
                body,
            ),
            DeclKind::ImportExport { kind, action } => self.line(&format!(
                "({} {})",
                match kind {
                    ImportExport::Import => "import",
                    ImportExport::Export => "export",
                },
                call(action)
            )),
            DeclKind::Delegate { actions, to } => self.line(&format!(
                "(delegate {}{})",
                calls(actions),
                to.as_ref()
                    .map(|t| format!(" -> {}", call(t)))
                    .unwrap_or_default()
            )),
            DeclKind::Section { kind, body } => {
                self.body(format!("({kind:?})").to_lowercase(), body)
            }
            DeclKind::Alias { name, target } => {
                self.line(&format!("(alias {} = {})", name.as_str(), call(target)))
            }
            DeclKind::Attribute { target, value } => self.line(&format!(
                "(attribute {} = {})",
                call(target),
                match value {
                    AttributeValue::Atom(c) => call(c),
                    AttributeValue::True(_) => "true".into(),
                    AttributeValue::False(_) => "false".into(),
                }
            )),
            DeclKind::Native(n) => self.line(&format!("(native {})", native(n))),
            DeclKind::Progress(ds) => self.line(&format!("(progress {})", list(ds, defn))),
            DeclKind::Concept(ds) => self.line(&format!("(concept {})", list(ds, defn))),
            DeclKind::Rely { lhs, rhs: r } => self.line(&format!(
                "(rely {}{})",
                seg(lhs),
                r.as_ref()
                    .map(|r| format!(" -> {}", seg(r)))
                    .unwrap_or_default()
            )),
            DeclKind::Mixord { lhs, rhs: r } => {
                self.line(&format!("(mixord {} -> {})", call(lhs), call(r)))
            }
            DeclKind::Unprovable(inner) => {
                self.line("(unprovable");
                self.indent += 1;
                self.decl(inner);
                self.indent -= 1;
                self.line(")");
            }
            DeclKind::Subclass {
                name,
                of,
                continuation,
                body,
            } => self.body(
                format!(
                    "(subclass {} of {}{})",
                    name.as_str(),
                    path(of),
                    if *continuation { " ..." } else { "" }
                ),
                body,
            ),
            DeclKind::Field(t) => self.line(&format!("(field {})", list(t, typed))),
            DeclKind::Error => self.line("<error>"),
        }
    }
}
