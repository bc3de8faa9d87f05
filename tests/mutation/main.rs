//! Mutation testing of the verifier: every example in `examples/*.ivy` that
//! verifies is mutated at the source level (spans from the `ivyc-syntax`
//! AST, text spliced by span) and each mutant is run through
//! `ivyc verify --timeout 10`. Kinds of mutants:
//!
//! - `drop-invariant`: an invariant's formula (or one conjunct of it)
//!   becomes `true`;
//! - `negate-guard`: an `if` condition, `require` or `assume` becomes `~(..)`;
//! - `swap-term`: `true` <-> `false` on an assignment's right-hand side, or an
//!   action parameter in an assignment or call replaced by another parameter
//!   of the same sort;
//! - `remove-require`: a `require` becomes `require true`.
//!
//! Every mutant is well-formed, so `ivyc` must exit 0 (survived), 1 (killed)
//! or 4 (outside the fragment); 2 is a mutator bug, 3 (undecided within the
//! timeout) and crashes fail the test. Survivors are listed; a survivor of
//! `remove-require` (the protocol still verifies with a weaker
//! precondition) is printed prominently. Survivors must also pass
//! `ivyc bmc FILE --depth 4`.

#[path = "../common/mod.rs"]
mod common;

use common::{ivyc_command, Rng};
use ivyc_base::FileId;
use ivyc_syntax::ast::{
    ActionBody, ActionDef, AssertKind, BinOp, Block, Cond, Decl, DeclKind, Expr, ExprKind, Param,
    Stmt, StmtKind,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many mutants per example.
const MAX_MUTANTS: usize = 24;
/// Parallel `ivyc verify` processes (each single-threaded).
const WORKERS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DropInvariant,
    NegateGuard,
    SwapTerm,
    RemoveRequire,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::DropInvariant => "drop-invariant",
            Kind::NegateGuard => "negate-guard",
            Kind::SwapTerm => "swap-term",
            Kind::RemoveRequire => "remove-require",
        }
    }
}

/// One mutation: replace `src[start..end]` by `text`.
#[derive(Clone, Debug)]
struct Mutation {
    kind: Kind,
    start: usize,
    end: usize,
    text: String,
    what: String,
}

/// Collects the mutations of one source file.
struct Mutator<'s> {
    src: &'s str,
    out: Vec<Mutation>,
}

impl Mutator<'_> {
    fn text(&self, e: &Expr) -> &str {
        &self.src[e.span.start as usize..e.span.end as usize]
    }

    fn push(&mut self, kind: Kind, e: &Expr, text: String, what: String) {
        self.out.push(Mutation {
            kind,
            start: e.span.start as usize,
            end: e.span.end as usize,
            text,
            what,
        });
    }

    fn negate(&mut self, e: &Expr, what: &str) {
        let t = format!("~({})", self.text(e));
        self.push(Kind::NegateGuard, e, t, format!("negate {what}"));
    }

    fn decls(&mut self, decls: &[Decl]) {
        for d in decls {
            match &d.kind {
                DeclKind::Invariant { fmla, .. } | DeclKind::Conjecture(fmla) => {
                    let name = fmla
                        .label
                        .as_ref()
                        .map_or_else(|| "unlabelled".to_owned(), |l| l.as_str().to_owned());
                    self.push(
                        Kind::DropInvariant,
                        &fmla.fmla,
                        "true".to_owned(),
                        format!("drop invariant [{name}]"),
                    );
                    self.conjuncts(&fmla.fmla, &name);
                }
                DeclKind::Action {
                    params,
                    returns,
                    body: Some(ActionDef::Body(ActionBody::Block(b))),
                    ..
                } => {
                    let mut ps = params.clone();
                    ps.extend(returns.iter().cloned());
                    self.block(b, &ps);
                }
                DeclKind::Monitor {
                    params,
                    body: ActionBody::Block(b),
                    ..
                }
                | DeclKind::AfterInit {
                    params,
                    body: ActionBody::Block(b),
                } => self.block(b, params),
                DeclKind::Object { body, .. }
                | DeclKind::Section { body, .. }
                | DeclKind::IsolateObject { body, .. }
                | DeclKind::ExtractObject { body, .. } => self.decls(body),
                _ => {}
            }
        }
    }

    /// Each conjunct of a top-level conjunction (under parentheses and
    /// universal quantifiers) dropped in turn.
    fn conjuncts(&mut self, e: &Expr, name: &str) {
        match &e.kind {
            ExprKind::Paren(inner) => self.conjuncts(inner, name),
            ExprKind::Quant { body, .. } => self.conjuncts(body, name),
            ExprKind::Binary {
                op: BinOp::And,
                lhs,
                rhs,
            } => {
                for (keep, drop) in [(lhs, rhs), (rhs, lhs)] {
                    let t = format!("({})", self.text(keep));
                    let w = format!("drop conjunct `{}` of [{name}]", self.text(drop));
                    self.push(Kind::DropInvariant, e, t, w);
                }
            }
            _ => {}
        }
    }

    fn block(&mut self, b: &Block, params: &[Param]) {
        for s in &b.stmts {
            self.stmt(s, params);
        }
    }

    fn stmt(&mut self, s: &Stmt, params: &[Param]) {
        match &s.kind {
            StmtKind::Assume(f) => {
                let w = format!("assume `{}`", self.text(&f.fmla));
                self.negate(&f.fmla, &w);
            }
            StmtKind::Assert {
                kind: AssertKind::Require,
                fmla,
                ..
            } => {
                let cond = self.text(&fmla.fmla).to_owned();
                self.negate(&fmla.fmla, &format!("require `{cond}`"));
                self.push(
                    Kind::RemoveRequire,
                    &fmla.fmla,
                    "true".to_owned(),
                    format!("remove require `{cond}`"),
                );
            }
            StmtKind::Assign { lhs, rhs } => {
                let flip = match rhs.kind {
                    ExprKind::True => Some("false"),
                    ExprKind::False => Some("true"),
                    _ => None,
                };
                if let Some(f) = flip {
                    let w = format!("`{} := {}` becomes `{f}`", self.text(lhs), self.text(rhs));
                    self.push(Kind::SwapTerm, rhs, f.to_owned(), w);
                }
                self.swap_params(rhs, params);
                if let ExprKind::App {
                    args: Some(args), ..
                } = &lhs.kind
                {
                    for a in args {
                        self.swap_params(a, params);
                    }
                }
            }
            StmtKind::Call { callee, .. } => {
                for seg in &callee.segments {
                    for a in seg.args.iter().flatten() {
                        self.swap_params(a, params);
                    }
                }
            }
            StmtKind::If { cond, then_, else_ } => {
                if let Cond::Expr(e) = cond {
                    let w = format!("if `{}`", self.text(e));
                    self.negate(e, &w);
                }
                self.block(then_, params);
                if let Some(e) = else_ {
                    self.stmt(e, params);
                }
            }
            StmtKind::IfStar { then_, else_ } => {
                self.block(then_, params);
                self.stmt(else_, params);
            }
            StmtKind::While { body, .. } | StmtKind::Block(body) => self.block(body, params),
            StmtKind::Local { params: ls, body } => {
                let mut ps = params.to_vec();
                ps.extend(ls.iter().cloned());
                self.block(body, &ps);
            }
            _ => {}
        }
    }

    /// `e` a bare parameter name: replaced by every other parameter of
    /// the same sort.
    fn swap_params(&mut self, e: &Expr, params: &[Param]) {
        let ExprKind::App { func, args: None } = &e.kind else {
            return;
        };
        if func.segments.len() != 1 {
            return;
        }
        let name = func.segments[0].as_str();
        let Some(p) = params.iter().find(|p| p.name.as_str() == name) else {
            return;
        };
        for q in params {
            if q.name.as_str() != name && q.sort.to_dotted() == p.sort.to_dotted() {
                let w = format!("`{name}` becomes `{}`", q.name.as_str());
                self.push(Kind::SwapTerm, e, q.name.as_str().to_owned(), w);
            }
        }
    }
}

/// At most `MAX_MUTANTS` mutations, taken round-robin over the kinds from a
/// seeded shuffle of each kind (SplitMix64 seeded by the file name).
fn choose(all: Vec<Mutation>, stem: &str) -> Vec<Mutation> {
    let mut rng = Rng(stem.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }));
    let mut by_kind: BTreeMap<Kind, Vec<Mutation>> = BTreeMap::new();
    for m in all {
        by_kind.entry(m.kind).or_default().push(m);
    }
    for v in by_kind.values_mut() {
        rng.shuffle(v);
        v.reverse(); // pop from the front of the shuffle
    }
    let mut chosen = Vec::new();
    while chosen.len() < MAX_MUTANTS && by_kind.values().any(|v| !v.is_empty()) {
        for v in by_kind.values_mut() {
            if chosen.len() < MAX_MUTANTS {
                if let Some(m) = v.pop() {
                    chosen.push(m);
                }
            }
        }
    }
    chosen.sort_by_key(|m| (m.kind, m.start));
    chosen
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset].matches('\n').count() + 1
}

struct Job {
    example: usize,
    mutation: Mutation,
    path: PathBuf,
    line: usize,
}

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    time: Duration,
}

#[test]
fn mutants_of_the_examples_verify_or_fail_cleanly() {
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    // IVYC_MUTANTS_DIR=DIR keeps the mutants (DIR/STEM.mN.ivy) for inspection.
    let dir = std::env::var_os("IVYC_MUTANTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).expect("mutants dir");
    let examples = common::examples();

    let mut stems = Vec::new();
    let mut jobs = Vec::new();
    for ex in &examples {
        let stem = common::stem_of(ex);
        let src = std::fs::read_to_string(ex).expect("read example");
        let (file, errors) = ivyc_syntax::parse(FileId(0), &src);
        assert!(
            errors.iter().all(|e| e.is_warning()),
            "{stem}: syntax errors"
        );
        let mut m = Mutator {
            src: &src,
            out: Vec::new(),
        };
        m.decls(&file.decls);
        let all = m.out;
        let total = all.len();
        let idx = stems.len();
        stems.push((stem.clone(), total));
        for (i, mutation) in choose(all, &stem).into_iter().enumerate() {
            let text = format!(
                "{}{}{}",
                &src[..mutation.start],
                mutation.text,
                &src[mutation.end..]
            );
            let path = dir.join(format!("{stem}.m{i}.ivy"));
            std::fs::write(&path, text).expect("write mutant");
            let line = line_of(&src, mutation.start);
            jobs.push(Job {
                example: idx,
                mutation,
                path,
                line,
            });
        }
    }

    // The unmutated examples must verify (else mutants mean nothing); they
    // run in the same pool, as job `None`.
    let queue: Mutex<Vec<Option<usize>>> = Mutex::new(
        (0..jobs.len())
            .rev()
            .map(Some)
            .chain(std::iter::once(None))
            .collect(),
    );
    let results: Mutex<BTreeMap<usize, Outcome>> = Mutex::new(BTreeMap::new());
    let verify = |path: &Path| -> Outcome {
        let t = Instant::now();
        let o = ivyc_command()
            .args(["verify", "--timeout", "10", "-j", "1", "--no-minimize"])
            .arg(path)
            .output()
            .expect("run ivyc verify");
        Outcome {
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            time: t.elapsed(),
        }
    };
    let originals_ok = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let next = queue.lock().expect("queue").pop();
                match next {
                    None => break,
                    Some(Some(i)) => {
                        let o = verify(&jobs[i].path);
                        results.lock().expect("results").insert(i, o);
                    }
                    Some(None) => {
                        for ex in &examples {
                            let o = verify(ex);
                            originals_ok.lock().expect("originals").push((
                                ex.clone(),
                                o.code,
                                o.stdout,
                            ));
                        }
                    }
                }
            });
        }
    });
    let results = results.into_inner().expect("results");
    let verified: Vec<bool> = {
        let o = originals_ok.into_inner().expect("originals");
        examples
            .iter()
            .map(|ex| o.iter().any(|(p, code, _)| p == ex && *code == Some(0)))
            .collect()
    };

    let mut report = String::new();
    let mut problems = Vec::new();
    let mut weakened = Vec::new();
    let (mut all_n, mut all_killed, mut all_survived, mut all_outside) = (0, 0, 0, 0);
    for (e, (stem, total)) in stems.iter().enumerate() {
        if !verified[e] {
            let _ = writeln!(report, "{stem}: does not verify, skipped");
            continue;
        }
        let (mut n, mut killed, mut survived, mut outside) = (0, 0, 0, 0);
        let mut survivors = String::new();
        for (i, job) in jobs.iter().enumerate().filter(|(_, j)| j.example == e) {
            let o = &results[&i];
            let m = &job.mutation;
            let label = format!(
                "{stem}:{} {} ({}; {}; {:.1} s)",
                job.line,
                m.kind.name(),
                m.what,
                job.path
                    .file_name()
                    .map(|f| f.to_string_lossy())
                    .unwrap_or_default(),
                o.time.as_secs_f64()
            );
            n += 1;
            match o.code {
                Some(0) => {
                    survived += 1;
                    let _ = writeln!(survivors, "    survived: {label}");
                    if m.kind == Kind::RemoveRequire {
                        weakened.push(label.clone());
                    }
                    {
                        let b = ivyc_command()
                            .arg("bmc")
                            .arg(&job.path)
                            .args(["--depth", "4"])
                            .output()
                            .expect("run ivyc bmc");
                        if !b.status.success() {
                            problems.push(format!(
                                "{label}: verifies but `ivyc bmc --depth 4` finds a violation (exit {:?}):\n{}{}",
                                b.status.code(),
                                String::from_utf8_lossy(&b.stdout),
                                String::from_utf8_lossy(&b.stderr)
                            ));
                        }
                    }
                }
                Some(1) => killed += 1,
                Some(4) => outside += 1,
                Some(2) => problems.push(format!(
                    "{label}: mutator bug, the mutant is ill-formed (exit 2):\n{}",
                    o.stderr
                )),
                code => problems.push(format!(
                    "{label}: ivyc exit {code:?} (undecided or crash):\n{}{}",
                    o.stdout, o.stderr
                )),
            }
        }
        let rate = if n > 0 {
            100.0 * killed as f64 / n as f64
        } else {
            0.0
        };
        let _ = writeln!(
            report,
            "{stem}: {n} mutants (of {total}): {killed} killed, {survived} survived, {outside} outside the fragment; kill rate {rate:.0}%"
        );
        report.push_str(&survivors);
        all_n += n;
        all_killed += killed;
        all_survived += survived;
        all_outside += outside;
    }
    let rate = if all_n > 0 {
        100.0 * all_killed as f64 / all_n as f64
    } else {
        0.0
    };
    let _ = writeln!(
        report,
        "overall: {all_n} mutants: {all_killed} killed, {all_survived} survived, {all_outside} outside the fragment; kill rate {rate:.0}% ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
    let _ = writeln!(
        report,
        "every survivor model-checked: `ivyc bmc --depth 4` finds no violation in any of them"
    );
    if !weakened.is_empty() {
        report.push_str("\n!!! a weaker precondition still verifies (a redundant require, or the verifier misses something):\n");
        for w in &weakened {
            let _ = writeln!(report, "!!!   {w}");
        }
    }
    eprintln!("{report}");
    assert!(
        verified.iter().any(|v| *v),
        "no example verifies:\n{report}"
    );
    assert!(problems.is_empty(), "{}\n\n{report}", problems.join("\n\n"));
}
