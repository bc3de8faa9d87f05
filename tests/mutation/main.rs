//! Mutation testing of the examples and of the verifier: every example in
//! `examples/*.ivy` is mutated at the source level (spans from the
//! `ivyc-syntax` AST, text spliced by span) and each mutant goes through
//! three oracles, cheapest first:
//!
//! 1. `ivyc verify`: exit 1 kills the mutant;
//! 2. the example's goals (`oracle.txt`: its safety properties): a mutant
//!    that drops a goal invariant, and whose remaining invariants do not
//!    imply it, no longer proves what the example is for: killed;
//! 3. the example's covers (`oracle.txt`: states the protocol must reach
//!    within a few steps): each is checked with `ivyc bmc --property` on
//!    the mutant plus `invariant [mutation_cover] ~(COVER)`; a cover that
//!    became unreachable kills the mutant (the protocol does less).
//!
//! The covers are first checked on the unmutated examples: each must be
//! reachable at its depth and not one step earlier, so the list cannot rot.
//! Every survivor must be BMC-clean at depth 4 and listed with its
//! justification in `survivors.txt` (checked mechanically where the
//! justification says `implied`); an unexplained survivor, or a listed one
//! that is no longer a survivor, fails the test. Kinds of mutants:
//!
//! - `drop-invariant`: an invariant's formula (or one conjunct of it)
//!   becomes `true`;
//! - `negate-guard`: an `if` condition, `require` or `assume` becomes `~(..)`;
//! - `swap-term`: `true` <-> `false` on an assignment's right-hand side, or an
//!   action parameter in an assignment or call replaced by another parameter
//!   of the same sort;
//! - `remove-require`: a `require` becomes `require true`;
//! - `drop-update`: an assignment `lhs := rhs` becomes `lhs := lhs`;
//! - `swap-quantifier`: an explicit `forall` becomes `exists` or back, in
//!   an invariant or a guard.
//!
//! Every mutant is well-formed, so `ivyc verify` must exit 0 (survived),
//! 1 (killed) or 4 (outside the fragment: then `ivyc bmc` and the covers
//! decide); 2 is a mutator bug, 3 (undecided within the timeout) and crashes
//! fail the test. `IVYC_MUTANTS_DIR=DIR` keeps the mutants and the checked
//! files; `IVYC_MUTATION_ONLY=STEM` runs one example (then the survivors
//! list is only checked for that example).

#[path = "../common/mod.rs"]
mod common;

use common::{ivyc_command, Rng};
use ivyc_base::FileId;
use ivyc_syntax::ast::{
    ActionBody, ActionDef, AssertKind, BinOp, Block, Cond, Decl, DeclKind, Expr, ExprKind,
    MonitorKind, Param, Quantifier, Stmt, StmtKind,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// At most this many mutants per example (every example has fewer today,
/// so every mutant runs; a bigger example is sampled).
const MAX_MUTANTS: usize = 120;
/// Parallel `ivyc` processes (each single-threaded).
const WORKERS: usize = 2;
/// The depth at which every survivor must be free of reachable violations.
const BMC_DEPTH: u32 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    DropInvariant,
    NegateGuard,
    SwapTerm,
    RemoveRequire,
    DropUpdate,
    SwapQuantifier,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::DropInvariant => "drop-invariant",
            Kind::NegateGuard => "negate-guard",
            Kind::SwapTerm => "swap-term",
            Kind::RemoveRequire => "remove-require",
            Kind::DropUpdate => "drop-update",
            Kind::SwapQuantifier => "swap-quantifier",
        }
    }
}

/// A text edit: replace `src[start..end]` by `text`.
#[derive(Clone, Debug)]
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

/// `src` with `edits` (non-overlapping) applied.
fn apply(src: &str, edits: &[&Edit]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.start));
    let mut out = src.to_owned();
    for e in sorted {
        out.replace_range(e.start..e.end, &e.text);
    }
    out
}

/// One mutation of an example.
#[derive(Clone, Debug)]
struct Mutation {
    kind: Kind,
    edit: Edit,
    /// Where: `action NAME`, `after init`, `before NAME`, `invariant [L]`.
    context: String,
    /// What changes, in words and source text (whitespace collapsed).
    what: String,
    /// The label of the invariant a `drop-invariant` mutation weakens.
    dropped: Option<String>,
    /// An exported action to insert into the mutant that asserts what the
    /// mutation removed, from the remaining hypotheses: if the mutant plus
    /// this action verifies, the mutation changed nothing (`implied`).
    implied: Option<Edit>,
}

impl Mutation {
    /// The stable key of the mutation in `survivors.txt`.
    fn key(&self) -> String {
        format!("{}: {}: {}", self.context, self.kind.name(), self.what)
    }
}

/// `s` with every run of whitespace replaced by one space.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Collects the mutations of one source file.
struct Mutator<'s> {
    src: &'s str,
    out: Vec<Mutation>,
    context: String,
}

impl Mutator<'_> {
    fn text(&self, e: &Expr) -> String {
        collapse(&self.src[e.span.start as usize..e.span.end as usize])
    }

    fn push(&mut self, kind: Kind, e: &Expr, text: String, what: String) {
        self.out.push(Mutation {
            kind,
            edit: Edit {
                start: e.span.start as usize,
                end: e.span.end as usize,
                text,
            },
            context: self.context.clone(),
            what,
            dropped: None,
            implied: None,
        });
    }

    fn negate(&mut self, e: &Expr, what: String) {
        let t = format!("~({})", self.text(e));
        self.push(Kind::NegateGuard, e, t, what);
    }

    fn decls(&mut self, decls: &[Decl]) {
        for d in decls {
            match &d.kind {
                DeclKind::Invariant { fmla, .. } | DeclKind::Conjecture(fmla) => {
                    let name = fmla
                        .label
                        .as_ref()
                        .map_or_else(|| "unlabelled".to_owned(), |l| l.as_str().to_owned());
                    self.context = format!("invariant [{name}]");
                    let first = self.out.len();
                    self.push(
                        Kind::DropInvariant,
                        &fmla.fmla,
                        "true".to_owned(),
                        "the formula".to_owned(),
                    );
                    self.conjuncts(&fmla.fmla);
                    let implied = Edit {
                        start: d.span.end as usize,
                        end: d.span.end as usize,
                        text: format!(
                            "\nexport action mutation_implied = {{\n    assert {}\n}}\n",
                            self.text(&fmla.fmla)
                        ),
                    };
                    for m in &mut self.out[first..] {
                        m.dropped = Some(name.clone());
                        m.implied = Some(implied.clone());
                    }
                    self.quantifiers(&fmla.fmla);
                }
                DeclKind::Action {
                    name,
                    params,
                    returns,
                    body: Some(ActionDef::Body(ActionBody::Block(b))),
                    ..
                } => {
                    self.context = format!("action {}", name.as_str());
                    let mut ps = params.clone();
                    ps.extend(returns.iter().cloned());
                    let first = self.out.len();
                    self.block(b, &ps);
                    self.implied_requires(first, d, params, b);
                }
                DeclKind::Monitor {
                    kind,
                    action,
                    params,
                    body: ActionBody::Block(b),
                    ..
                } => {
                    let k = match kind {
                        MonitorKind::Before => "before",
                        MonitorKind::After => "after",
                        MonitorKind::Implement => "implement",
                    };
                    self.context = format!("{k} {}", action.to_dotted());
                    self.block(b, params);
                }
                DeclKind::AfterInit {
                    params,
                    body: ActionBody::Block(b),
                } => {
                    self.context = "after init".to_owned();
                    self.block(b, params);
                }
                DeclKind::Object { body, .. }
                | DeclKind::Section { body, .. }
                | DeclKind::IsolateObject { body, .. }
                | DeclKind::ExtractObject { body, .. } => self.decls(body),
                _ => {}
            }
        }
    }

    /// For each `remove-require` mutation of a top-level `require` of the
    /// action `d` (mutations from index `first`): an exported action after
    /// `d` with the same parameters, the action's other top-level requires,
    /// and `assert` of the removed one.
    fn implied_requires(&mut self, first: usize, d: &Decl, params: &[Param], b: &Block) {
        let requires: Vec<(usize, String)> = b
            .stmts
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Assert {
                    kind: AssertKind::Require,
                    fmla,
                    ..
                } => Some((fmla.fmla.span.start as usize, self.text(&fmla.fmla))),
                _ => None,
            })
            .collect();
        let ps = match (params.first(), params.last()) {
            (Some(a), Some(z)) => format!(
                "({})",
                collapse(&self.src[a.span.start as usize..z.span.end as usize])
            ),
            _ => String::new(),
        };
        for m in &mut self.out[first..] {
            if m.kind != Kind::RemoveRequire {
                continue;
            }
            let Some((_, removed)) = requires.iter().find(|(s, _)| *s == m.edit.start) else {
                continue;
            };
            let mut body = String::new();
            for (s, r) in &requires {
                if *s != m.edit.start {
                    let _ = writeln!(body, "    require {r};");
                }
            }
            let _ = writeln!(body, "    assert {removed}");
            m.implied = Some(Edit {
                start: d.span.end as usize,
                end: d.span.end as usize,
                text: format!("\nexport action mutation_implied{ps} = {{\n{body}}}\n"),
            });
        }
    }

    /// Each conjunct of a top-level conjunction (under parentheses and
    /// universal quantifiers) dropped in turn.
    fn conjuncts(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Paren(inner) => self.conjuncts(inner),
            ExprKind::Quant { body, .. } => self.conjuncts(body),
            ExprKind::Binary {
                op: BinOp::And,
                lhs,
                rhs,
            } => {
                for (keep, drop) in [(lhs, rhs), (rhs, lhs)] {
                    let t = format!("({})", self.text(keep));
                    let w = format!("conjunct `{}`", self.text(drop));
                    self.push(Kind::DropInvariant, e, t, w);
                }
            }
            _ => {}
        }
    }

    /// Every explicit `forall`/`exists` in `e` swapped in turn.
    fn quantifiers(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Quant { quant, body, .. } => {
                let (from, to) = match quant {
                    Quantifier::Forall => ("forall", "exists"),
                    Quantifier::Exists => ("exists", "forall"),
                };
                let start = e.span.start as usize;
                if self.src[start..].starts_with(from) {
                    self.out.push(Mutation {
                        kind: Kind::SwapQuantifier,
                        edit: Edit {
                            start,
                            end: start + from.len(),
                            text: to.to_owned(),
                        },
                        context: self.context.clone(),
                        what: format!("`{}` becomes `{to}`", self.text(e)),
                        dropped: None,
                        implied: None,
                    });
                }
                self.quantifiers(body);
            }
            ExprKind::Paren(x) | ExprKind::Unary { expr: x, .. } => self.quantifiers(x),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.quantifiers(lhs);
                self.quantifiers(rhs);
            }
            ExprKind::Ite {
                then_, cond, else_, ..
            } => {
                self.quantifiers(then_);
                self.quantifiers(cond);
                self.quantifiers(else_);
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
                self.negate(&f.fmla, w);
                self.quantifiers(&f.fmla);
            }
            StmtKind::Assert {
                kind: AssertKind::Require,
                fmla,
                ..
            } => {
                let cond = self.text(&fmla.fmla);
                self.negate(&fmla.fmla, format!("require `{cond}`"));
                self.push(
                    Kind::RemoveRequire,
                    &fmla.fmla,
                    "true".to_owned(),
                    format!("require `{cond}`"),
                );
                self.quantifiers(&fmla.fmla);
            }
            StmtKind::Assign { lhs, rhs } => {
                let stmt = format!("{} := {}", self.text(lhs), self.text(rhs));
                let flip = match rhs.kind {
                    ExprKind::True => Some("false"),
                    ExprKind::False => Some("true"),
                    _ => None,
                };
                if let Some(f) = flip {
                    let w = format!("`{stmt}` becomes `{f}`");
                    self.push(Kind::SwapTerm, rhs, f.to_owned(), w);
                }
                let l = self.text(lhs);
                self.push(Kind::DropUpdate, rhs, l, format!("`{stmt}`"));
                self.swap_params(rhs, params, &stmt);
                if let ExprKind::App {
                    args: Some(args), ..
                } = &lhs.kind
                {
                    for a in args {
                        self.swap_params(a, params, &stmt);
                    }
                }
            }
            StmtKind::Call { callee, .. } => {
                let stmt = format!(
                    "call {}",
                    collapse(&self.src[callee.span.start as usize..callee.span.end as usize])
                );
                for seg in &callee.segments {
                    for a in seg.args.iter().flatten() {
                        self.swap_params(a, params, &stmt);
                    }
                }
            }
            StmtKind::If { cond, then_, else_ } => {
                if let Cond::Expr(e) = cond {
                    let w = format!("if `{}`", self.text(e));
                    self.negate(e, w);
                    self.quantifiers(e);
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
    fn swap_params(&mut self, e: &Expr, params: &[Param], stmt: &str) {
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
                let w = format!("`{name}` becomes `{}` in `{stmt}`", q.name.as_str());
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
    chosen.sort_by_key(|m| (m.kind, m.edit.start));
    chosen
}

fn line_of(src: &str, offset: usize) -> usize {
    src[..offset].matches('\n').count() + 1
}

// ---------------------------------------------------------------------------
// The data files: oracle.txt (goals and covers) and survivors.txt.
// ---------------------------------------------------------------------------

/// A state the protocol must be able to reach within `depth` steps.
#[derive(Clone, Debug)]
struct Cover {
    name: String,
    depth: u32,
    /// `SORT=N` arguments of `--bound`.
    bounds: Vec<String>,
    fmla: String,
}

/// What one example must keep doing: its goals (labels of its safety
/// invariants) and its covers.
#[derive(Clone, Debug, Default)]
struct Oracle {
    goals: Vec<String>,
    covers: Vec<Cover>,
}

/// The justification of a surviving mutant.
#[derive(Clone, Debug)]
struct Justification {
    tag: String,
    text: String,
    line: usize,
}

/// The tags a justification may carry (`docs/testing.md` explains them).
const TAGS: [&str; 5] = [
    "implied",
    "redundant-lemma",
    "equivalent",
    "same-states",
    "tolerated",
];

fn data_path(name: &str) -> PathBuf {
    common::repo_root().join("tests/mutation").join(name)
}

/// Lines of a data file without comments and blank lines, with the
/// current `[section]`: (section, line number, line).
fn sections(text: &str, file: &str) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    let mut section = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(s) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(s.to_owned());
            continue;
        }
        let s = section
            .clone()
            .unwrap_or_else(|| panic!("{file}:{}: a line before any [section]", i + 1));
        out.push((s, i + 1, line.to_owned()));
    }
    out
}

fn parse_oracles(text: &str) -> BTreeMap<String, Oracle> {
    let mut out: BTreeMap<String, Oracle> = BTreeMap::new();
    for (stem, n, line) in sections(text, "oracle.txt") {
        let o = out.entry(stem).or_default();
        if let Some(g) = line.strip_prefix("goal ") {
            o.goals.push(g.trim().to_owned());
        } else if let Some(c) = line.strip_prefix("cover ") {
            let (head, fmla) = c
                .split_once(':')
                .unwrap_or_else(|| panic!("oracle.txt:{n}: `cover NAME DEPTH [SORT=N].. : F`"));
            let mut words = head.split_whitespace();
            let name = words.next().expect("cover name").to_owned();
            let depth = words
                .next()
                .and_then(|d| d.parse().ok())
                .filter(|d| *d >= 1)
                .unwrap_or_else(|| panic!("oracle.txt:{n}: the depth (>= 1) of cover {name}"));
            o.covers.push(Cover {
                name,
                depth,
                bounds: words.map(str::to_owned).collect(),
                fmla: fmla.trim().to_owned(),
            });
        } else {
            panic!("oracle.txt:{n}: expected `goal LABEL` or `cover ...`: {line}");
        }
    }
    out
}

/// `(stem, key)` -> justification.
fn parse_survivors(text: &str) -> BTreeMap<(String, String), Justification> {
    let mut out: BTreeMap<(String, String), Justification> = BTreeMap::new();
    let mut last: Option<(String, String)> = None;
    for (stem, n, line) in sections(text, "survivors.txt") {
        if line.starts_with(char::is_whitespace) {
            let k = last
                .clone()
                .unwrap_or_else(|| panic!("survivors.txt:{n}: a justification without a key"));
            let j = out.get_mut(&k).expect("justified key");
            let l = line.trim();
            if j.tag.is_empty() {
                let (tag, rest) = l
                    .split_once(':')
                    .unwrap_or_else(|| panic!("survivors.txt:{n}: `TAG: why`"));
                assert!(
                    TAGS.contains(&tag),
                    "survivors.txt:{n}: unknown tag `{tag}` (one of {TAGS:?})"
                );
                j.tag = tag.to_owned();
                j.text = rest.trim().to_owned();
            } else {
                j.text.push(' ');
                j.text.push_str(l);
            }
        } else {
            let k = (stem, line.clone());
            assert!(
                !out.contains_key(&k),
                "survivors.txt:{n}: listed twice: {line}"
            );
            out.insert(
                k.clone(),
                Justification {
                    tag: String::new(),
                    text: String::new(),
                    line: n,
                },
            );
            last = Some(k);
        }
    }
    for ((_, k), j) in &out {
        assert!(
            !j.tag.is_empty(),
            "survivors.txt:{}: `{k}` has no justification",
            j.line
        );
    }
    out
}

// ---------------------------------------------------------------------------
// Running ivyc.
// ---------------------------------------------------------------------------

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    time: Duration,
}

impl Outcome {
    fn text(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Time spent in each kind of `ivyc` run: (runs, total time), for the report.
static SPENT: Mutex<BTreeMap<&'static str, (usize, Duration)>> = Mutex::new(BTreeMap::new());

fn run(what: &'static str, args: &[&str], file: &Path) -> Outcome {
    let t = Instant::now();
    let o = ivyc_command()
        .args(args)
        .arg(file)
        .output()
        .expect("run ivyc");
    let time = t.elapsed();
    let mut spent = SPENT.lock().expect("spent");
    let e = spent.entry(what).or_default();
    e.0 += 1;
    e.1 += time;
    Outcome {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        time,
    }
}

fn verify(what: &'static str, file: &Path) -> Outcome {
    run(
        what,
        &["verify", "--timeout", "10", "-j", "1", "--no-minimize"],
        file,
    )
}

/// `ivyc bmc` of the invariant `label` (all invariants if `None`).
fn bmc(
    what: &'static str,
    file: &Path,
    label: Option<&str>,
    depth: u32,
    bounds: &[String],
) -> Outcome {
    let d = depth.to_string();
    let mut args = vec!["bmc", "--depth", &d, "--timeout", "60"];
    if let Some(l) = label {
        args.extend(["--property", l]);
    }
    for b in bounds {
        args.extend(["--bound", b]);
    }
    run(what, &args, file)
}

/// Runs `f` on every item on `WORKERS` threads; results in item order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..WORKERS)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// `text` written to `dir/name`.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write mutant");
    p
}

/// The cover `c` appended to `src` as the invariant `mutation_cover`.
fn with_cover(src: &str, c: &Cover) -> String {
    format!(
        "{src}\n# cover {}\ninvariant [mutation_cover] ~({})\n",
        c.name, c.fmla
    )
}

// ---------------------------------------------------------------------------
// The test.
// ---------------------------------------------------------------------------

struct Example {
    stem: String,
    path: PathBuf,
    src: String,
    total: usize,
    oracle: Oracle,
}

struct Mutant {
    example: usize,
    mutation: Mutation,
    path: PathBuf,
    line: usize,
}

/// What became of a mutant.
#[derive(Debug)]
enum Fate {
    KilledByVerify,
    KilledByGoal(String),
    KilledByCover(String),
    KilledByBmc,
    Survived { implied: Option<bool> },
    Outside,
    Problem(String),
}

/// The checks an unmutated example must pass.
enum OriginalCheck {
    Verify(usize),
    /// Cover `c` of example `e`: reachable at its depth (`true`) or not one
    /// step earlier (`false`).
    Cover(usize, usize, bool),
}

#[test]
fn mutants_of_the_examples_are_killed_or_justified() {
    let start = Instant::now();
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = std::env::var_os("IVYC_MUTANTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_owned());
    std::fs::create_dir_all(&dir).expect("mutants dir");
    let only = std::env::var("IVYC_MUTATION_ONLY").ok();
    let oracles =
        parse_oracles(&std::fs::read_to_string(data_path("oracle.txt")).expect("read oracle.txt"));
    let justified = parse_survivors(
        &std::fs::read_to_string(data_path("survivors.txt")).expect("read survivors.txt"),
    );
    let mut problems: Vec<String> = Vec::new();

    let mut examples = Vec::new();
    let mut mutants = Vec::new();
    for path in common::examples() {
        let stem = common::stem_of(&path);
        if only.as_ref().is_some_and(|o| *o != stem) {
            continue;
        }
        let src = std::fs::read_to_string(&path).expect("read example");
        let (file, errors) = ivyc_syntax::parse(FileId(0), &src);
        assert!(
            errors.iter().all(|e| e.is_warning()),
            "{stem}: syntax errors"
        );
        let Some(oracle) = oracles.get(&stem).cloned() else {
            problems.push(format!(
                "{stem}: no section in tests/mutation/oracle.txt: add the example's goals and covers"
            ));
            continue;
        };
        let mut m = Mutator {
            src: &src,
            out: Vec::new(),
            context: String::new(),
        };
        m.decls(&file.decls);
        let all = m.out;
        let labels: BTreeSet<String> = all.iter().filter_map(|m| m.dropped.clone()).collect();
        for g in &oracle.goals {
            if !labels.contains(g) {
                problems.push(format!(
                    "{stem}: goal [{g}] in oracle.txt is not an invariant of the example"
                ));
            }
        }
        let mut keys = BTreeSet::new();
        for m in &all {
            assert!(keys.insert(m.key()), "{stem}: two mutants `{}`", m.key());
        }
        let idx = examples.len();
        let total = all.len();
        for (i, mutation) in choose(all, &stem).into_iter().enumerate() {
            let text = apply(&src, &[&mutation.edit]);
            let path = write(&dir, &format!("{stem}.m{i}.ivy"), &text);
            let line = line_of(&src, mutation.edit.start);
            mutants.push(Mutant {
                example: idx,
                mutation,
                path,
                line,
            });
        }
        examples.push(Example {
            stem,
            path,
            src,
            total,
            oracle,
        });
    }
    for stem in oracles.keys() {
        if !examples.iter().any(|e| e.stem == *stem) && only.is_none() {
            problems.push(format!(
                "oracle.txt: [{stem}] is not an example in examples/"
            ));
        }
    }

    // Phase 1: the unmutated examples (they verify; each cover is reachable
    // at its depth, not earlier) and `ivyc verify` on every mutant, in one
    // pool.
    let mut checks = Vec::new();
    for (e, ex) in examples.iter().enumerate() {
        checks.push(OriginalCheck::Verify(e));
        for c in 0..ex.oracle.covers.len() {
            checks.push(OriginalCheck::Cover(e, c, true));
            checks.push(OriginalCheck::Cover(e, c, false));
        }
    }
    enum Task<'a> {
        Original(&'a OriginalCheck),
        Mutant(usize),
    }
    let tasks: Vec<Task> = checks
        .iter()
        .map(Task::Original)
        .chain((0..mutants.len()).map(Task::Mutant))
        .collect();
    let results = par_map(&tasks, |t| match t {
        Task::Original(OriginalCheck::Verify(e)) => verify("verify examples", &examples[*e].path),
        Task::Original(OriginalCheck::Cover(e, c, at_depth)) => {
            let ex = &examples[*e];
            let cover = &ex.oracle.covers[*c];
            let f = write(
                &dir,
                &format!("{}.cover_{}.ivy", ex.stem, cover.name),
                &with_cover(&ex.src, cover),
            );
            let d = if *at_depth {
                cover.depth
            } else {
                cover.depth - 1
            };
            bmc(
                "covers on examples",
                &f,
                Some("mutation_cover"),
                d,
                &cover.bounds,
            )
        }
        Task::Mutant(i) => verify("verify mutants", &mutants[*i].path),
    });
    let mut verified = vec![false; examples.len()];
    let mut verify_of = BTreeMap::new();
    for (t, o) in tasks.iter().zip(results) {
        match t {
            Task::Original(OriginalCheck::Verify(e)) => {
                verified[*e] = o.code == Some(0);
                if !verified[*e] {
                    problems.push(format!(
                        "{}: the unmutated example does not verify (exit {:?}):\n{}",
                        examples[*e].stem,
                        o.code,
                        o.text()
                    ));
                }
            }
            Task::Original(OriginalCheck::Cover(e, c, at_depth)) => {
                let ex = &examples[*e];
                let cover = &ex.oracle.covers[*c];
                let want = if *at_depth { 1 } else { 0 };
                if o.code != Some(want) {
                    let d = if *at_depth {
                        cover.depth
                    } else {
                        cover.depth - 1
                    };
                    let why = match (at_depth, o.code) {
                        (true, Some(0)) => "unreachable".to_owned(),
                        (false, Some(1)) => "already reachable: lower the cover's depth".to_owned(),
                        (_, code) => format!("exit {code:?}"),
                    };
                    problems.push(format!(
                        "{}: cover {} ({}) at depth {d} on the unmutated example: {why}:\n{}",
                        ex.stem,
                        cover.name,
                        cover.fmla,
                        o.text()
                    ));
                }
            }
            Task::Mutant(i) => {
                verify_of.insert(*i, o);
            }
        }
    }

    // Phase 2: the oracles after `verify`, on the mutants it did not kill.
    let after_verify = |i: &usize| -> Fate {
        let mt = &mutants[*i];
        let ex = &examples[mt.example];
        let m = &mt.mutation;
        let o = &verify_of[i];
        match o.code {
            Some(1) => return Fate::KilledByVerify,
            Some(0) | Some(4) => {}
            Some(2) => {
                return Fate::Problem(format!(
                    "mutator bug, the mutant is ill-formed (exit 2):\n{}",
                    o.stderr
                ))
            }
            code => return Fate::Problem(format!("verify exit {code:?}:\n{}", o.text())),
        }
        let outside = o.code == Some(4);
        let mutant_src = std::fs::read_to_string(&mt.path).expect("read mutant");
        let name = mt
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The mutation undone by the remaining hypotheses?
        let mut implied = None;
        if let (false, Some(check)) = (outside, &m.implied) {
            let f = write(
                &dir,
                &format!("{name}.implied.ivy"),
                &apply(&ex.src, &[&m.edit, check]),
            );
            let r = verify("implied checks", &f);
            match r.code {
                Some(0) => implied = Some(true),
                // Refuted, or not decidable (then not shown implied either).
                Some(1) | Some(4) => implied = Some(false),
                code => {
                    return Fate::Problem(format!(
                        "the `implied` check {} exits {code:?}:\n{}",
                        f.display(),
                        r.text()
                    ))
                }
            }
        }
        if let Some(g) = &m.dropped {
            if ex.oracle.goals.contains(g) && implied != Some(true) && !outside {
                return Fate::KilledByGoal(g.clone());
            }
        }
        if outside {
            let b = bmc("bmc of mutants outside", &mt.path, None, BMC_DEPTH, &[]);
            match b.code {
                Some(1) => return Fate::KilledByBmc,
                Some(0) => {}
                code => return Fate::Problem(format!("bmc exit {code:?}:\n{}", b.text())),
            }
        }
        // A mutation inside an invariant leaves the transitions as they
        // were: the covers are reached as in the unmutated example.
        let covers: &[Cover] = if m.context.starts_with("invariant ") {
            &[]
        } else {
            &ex.oracle.covers
        };
        for c in covers {
            let f = write(
                &dir,
                &format!("{name}.cover_{}.ivy", c.name),
                &with_cover(&mutant_src, c),
            );
            let b = bmc(
                "covers on mutants",
                &f,
                Some("mutation_cover"),
                c.depth,
                &c.bounds,
            );
            match b.code {
                Some(0) => return Fate::KilledByCover(c.name.clone()),
                Some(1) => {}
                code => {
                    return Fate::Problem(format!(
                        "bmc of cover {} exits {code:?}:\n{}",
                        c.name,
                        b.text()
                    ))
                }
            }
        }
        if outside {
            return Fate::Outside;
        }
        let b = bmc("bmc of survivors", &mt.path, None, BMC_DEPTH, &[]);
        if b.code != Some(0) {
            return Fate::Problem(format!(
                "verifies but `ivyc bmc --depth {BMC_DEPTH}` exits {:?} (a verifier bug):\n{}",
                b.code,
                b.text()
            ));
        }
        Fate::Survived { implied }
    };
    let order: Vec<usize> = (0..mutants.len()).collect();
    let fates = par_map(&order, after_verify);

    // The report, and the survivors against survivors.txt.
    let mut report = String::new();
    let mut seen = BTreeSet::new();
    let mut totals = [0usize; 6];
    for (e, ex) in examples.iter().enumerate() {
        if !verified[e] {
            let _ = writeln!(report, "{}: does not verify, skipped", ex.stem);
            continue;
        }
        // n, by verify, by goal, by cover or bmc, survived, outside
        let mut c = [0usize; 6];
        let mut lines = String::new();
        for (i, mt) in mutants.iter().enumerate().filter(|(_, m)| m.example == e) {
            let m = &mt.mutation;
            let key = m.key();
            let file = mt
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let label = format!(
                "{}:{} {key} ({file}; {:.1} s)",
                ex.stem,
                mt.line,
                verify_of[&i].time.as_secs_f64()
            );
            c[0] += 1;
            let listed = justified.get(&(ex.stem.clone(), key.clone()));
            if listed.is_some() {
                seen.insert((ex.stem.clone(), key.clone()));
            }
            match &fates[i] {
                Fate::KilledByVerify => c[1] += 1,
                Fate::KilledByGoal(g) => {
                    c[2] += 1;
                    let _ = writeln!(lines, "    killed by goal [{g}]: {label}");
                }
                Fate::KilledByCover(name) => {
                    c[3] += 1;
                    let _ = writeln!(lines, "    killed by cover {name}: {label}");
                }
                Fate::KilledByBmc => {
                    c[3] += 1;
                    let _ = writeln!(lines, "    killed by bmc: {label}");
                }
                Fate::Outside => {
                    c[5] += 1;
                    let _ = writeln!(lines, "    outside the fragment, covers reached: {label}");
                }
                Fate::Problem(p) => problems.push(format!("{label}: {p}")),
                Fate::Survived { implied } => {
                    c[4] += 1;
                    match listed {
                        None => problems.push(format!(
                            "{label}: an unexplained survivor{}; kill it (an invariant, a cover) or justify it in tests/mutation/survivors.txt under [{}] as\n{key}\n    TAG: why (TAG one of {TAGS:?})",
                            match implied {
                                Some(true) => " (what it removed is implied by the rest)",
                                Some(false) => " (what it removed is not implied by the rest)",
                                None => "",
                            },
                            ex.stem
                        )),
                        Some(j) => {
                            let _ = writeln!(lines, "    survived: {label}\n        {}: {}", j.tag, j.text);
                            if j.tag == "redundant-lemma"
                                && (m.kind != Kind::DropInvariant
                                    || m.dropped.as_ref().is_some_and(|g| ex.oracle.goals.contains(g)))
                            {
                                problems.push(format!(
                                    "survivors.txt:{}: `{key}`: redundant-lemma is for dropping an invariant that is not a goal",
                                    j.line
                                ));
                            }
                            if j.tag == "implied" && *implied != Some(true) {
                                problems.push(format!(
                                    "survivors.txt:{}: `{key}` is justified as implied, but the mutant plus an action asserting what it removed does not verify ({})",
                                    j.line,
                                    match implied {
                                        None => "no implied check for this kind of mutant",
                                        Some(_) => "the check fails",
                                    }
                                ));
                            }
                        }
                    }
                }
            }
            if !matches!(fates[i], Fate::Survived { .. }) {
                if let Some(j) = listed {
                    problems.push(format!(
                        "survivors.txt:{}: `{key}` is not a survivor any more ({:?}): remove it",
                        j.line, fates[i]
                    ));
                }
            }
        }
        let killed = c[1] + c[2] + c[3];
        let rate = 100.0 * killed as f64 / c[0].max(1) as f64;
        let _ = writeln!(
            report,
            "{}: {} mutants (of {}): {killed} killed ({} by verify, {} by goals, {} by covers/bmc), {} survived, {} outside the fragment; kill rate {rate:.0}%",
            ex.stem, c[0], ex.total, c[1], c[2], c[3], c[4], c[5]
        );
        report.push_str(&lines);
        for (t, x) in totals.iter_mut().zip(c) {
            *t += x;
        }
    }
    for ((stem, key), j) in &justified {
        let run_here = examples.iter().any(|e| e.stem == *stem);
        if run_here && !seen.contains(&(stem.clone(), key.clone())) {
            problems.push(format!(
                "survivors.txt:{}: [{stem}] `{key}` is not among the mutants run: remove it",
                j.line
            ));
        } else if !run_here && only.is_none() {
            problems.push(format!(
                "survivors.txt:{}: [{stem}] is not an example: remove it",
                j.line
            ));
        }
    }
    let killed = totals[1] + totals[2] + totals[3];
    let _ = writeln!(
        report,
        "overall: {} mutants: {killed} killed ({} by verify, {} by goals, {} by covers/bmc), {} survived (each justified, BMC-clean at depth {BMC_DEPTH}), {} outside the fragment; kill rate {:.0}% ({:.1} s)",
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        totals[4],
        totals[5],
        100.0 * killed as f64 / totals[0].max(1) as f64,
        start.elapsed().as_secs_f64()
    );
    for (what, (n, t)) in SPENT.lock().expect("spent").iter() {
        let _ = writeln!(report, "  {what}: {n} runs, {:.1} s", t.as_secs_f64());
    }
    eprintln!("{report}");
    assert!(problems.is_empty(), "{}\n\n{report}", problems.join("\n\n"));
}
