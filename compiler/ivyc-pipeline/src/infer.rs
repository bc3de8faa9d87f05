//! `infer` as one function over data: analyse and lower the program, then
//! find additional invariants with ivyc-infer (candidates from templates,
//! pruned on reachable states, Houdini, reduction) using Z3, and re-verify
//! the program with them added, by the normal `verify` (fragment check
//! included), before anything is reported as found.

use std::time::{Duration, Instant};

use ivyc_base::diagnostic::error as error_diag;
use ivyc_base::{Diagnostic, FileId, SourceMap};
use ivyc_bmc::Trace;
use ivyc_infer::{HoudiniResult, SampleResult, Templates};
use ivyc_logic::{SortId, System, Term, TermKind};
use ivyc_sema::SourceLoader;
use ivyc_smt::{Z3Incremental, Z3Options, Z3Solver};
use std::collections::HashMap;

use crate::verify::{self, VerifyOptions};
use crate::{front, Status};

/// Stack size of the search thread (the bounded search and the evaluator
/// recurse over formulas as large as thousands of candidates).
const SEARCH_STACK: usize = 1 << 30;

/// At most this many candidates with an existential are added.
const EXISTS_LIMIT: usize = 3_000;

/// What to infer with.
#[derive(Clone, Debug)]
pub struct InferOptions {
    /// Infer for this isolate (`this` for what no isolate covers).
    pub isolate: Option<String>,
    /// The whole search's time budget.
    pub time: Duration,
    /// Depth of the bounded search that prunes candidates.
    pub sample_depth: usize,
    pub templates: Templates,
    /// Solver time limit per query in milliseconds.
    pub timeout_ms: u64,
}

impl Default for InferOptions {
    fn default() -> Self {
        InferOptions {
            isolate: None,
            time: Duration::from_secs(60),
            sample_depth: 4,
            templates: Templates::default(),
            timeout_ms: 10_000,
        }
    }
}

/// Counts and times of one run, for the report.
#[derive(Clone, Debug, Default)]
pub struct InferStats {
    pub candidates: usize,
    pub after_sampling: usize,
    pub sampling_rounds: usize,
    pub after_houdini: usize,
    pub houdini_rounds: usize,
    pub after_reduction: usize,
    pub sampling: Duration,
    pub houdini: Duration,
    pub reduction: Duration,
    pub verification: Duration,
}

/// How an `infer` run ended.
pub enum Inferred {
    /// Errors in the input or the request (see `InferRun::diagnostics`).
    InputErrors,
    /// The program's invariants are already inductive.
    AlreadyInductive,
    /// These invariants (Ivy text, one per line) make the program verify;
    /// `text` is the program with them added, verified by `verify`.
    Found {
        invariants: Vec<String>,
        text: String,
    },
    /// An invariant or assertion of the program fails in a reachable state.
    Violated(Box<Trace>),
    /// No invariant was found: why, the candidates left (the best partial
    /// invariant: every candidate preserved by the steps when the
    /// templates are too weak, unchecked otherwise), and the counterexample
    /// to induction that stopped it (the program invariant the candidates
    /// cannot protect), when there is one.
    NotFound {
        why: String,
        partial: Vec<String>,
        cti: Option<Box<(ivyc_vc::Obligation, ivyc_vc::Counterexample)>>,
    },
    /// Invariants were found for an isolate, but ivyc cannot place them in
    /// the text (the diagnostic says why): nothing was re-verified, so
    /// nothing is claimed.
    NotPlaced { invariants: Vec<String> },
    /// The invariants found did not pass `verify` (a bug in ivyc's
    /// inference: nothing is claimed); the verdict it gave.
    NotVerified {
        invariants: Vec<String>,
        status: Status,
    },
}

/// Everything one `infer` run found.
pub struct InferRun {
    pub diagnostics: Vec<Diagnostic>,
    pub outcome: Inferred,
    pub stats: InferStats,
}

impl InferRun {
    /// The exit status: success when invariants were found (or none were
    /// needed), a failed check for a reachable violation, undecided when
    /// none were found.
    pub fn status(&self) -> Status {
        match &self.outcome {
            Inferred::InputErrors | Inferred::NotPlaced { .. } => Status::InputError,
            Inferred::AlreadyInductive | Inferred::Found { .. } => Status::Success,
            Inferred::Violated(_) => Status::CheckFailed,
            Inferred::NotFound { .. } => Status::Undecided,
            Inferred::NotVerified { .. } => Status::InternalError,
        }
    }
}

fn input_errors(diagnostics: Vec<Diagnostic>) -> InferRun {
    InferRun {
        diagnostics,
        outcome: Inferred::InputErrors,
        stats: InferStats::default(),
    }
}

/// The system to infer for: the one unit of the program, or the isolate
/// asked for (`--isolate`).
fn the_system(
    program: &ivyc_sema::Program,
    isolate: Option<&str>,
) -> Result<System, Vec<Diagnostic>> {
    let units = front::units(program)?;
    let units = front::select_isolate(units, isolate).map_err(|d| vec![d])?;
    match units.as_slice() {
        [u] if u.name.is_none() || isolate.is_some() => Ok(u.system.clone()),
        units => {
            let mut d = error_diag(
                "unsupported",
                "unsupported: `infer` for a program with isolates without `--isolate`: the invariants found belong inside one of them",
            );
            let labels: Vec<_> = units
                .iter()
                .filter_map(|u| u.span)
                .map(|s| ivyc_base::diagnostic::primary(s, "an isolate"))
                .collect();
            d = d.with_labels(labels);
            d.notes.push(
                "help: name the isolate to infer for with `--isolate NAME` (`this` for what no isolate covers)"
                    .to_string(),
            );
            Err(vec![d])
        }
    }
}

/// The program text with `invariants` placed where they belong to the
/// isolate `isolate` (`None` or `this`: appended at the end, the top
/// level): inside the body of `isolate NAME = { ... }`, or of the first
/// object of `isolate NAME = obj, ...` when that object is declared at the
/// top level of the root file. Names are printed in full (`obj.r`), which
/// resolve inside the object as outside.
pub fn place_invariants(
    file: FileId,
    text: &str,
    isolate: Option<&str>,
    invariants: &[String],
) -> Result<String, Diagnostic> {
    let Some(name) = isolate.filter(|n| *n != "this") else {
        return Ok(with_invariants(text, invariants));
    };
    use ivyc_syntax::ast::DeclKind;
    let (ast, _) = ivyc_syntax::parse(file, text);
    let named = |decls: &[ivyc_syntax::ast::Decl], n: &str| -> Option<ivyc_base::Span> {
        decls.iter().find_map(|d| match &d.kind {
            DeclKind::Object { name, params, .. }
                if name.name.as_str() == n && params.is_empty() =>
            {
                Some(d.span)
            }
            _ => None,
        })
    };
    let body = ast.decls.iter().find_map(|d| match &d.kind {
        DeclKind::IsolateObject { name: n, .. } if n.name.as_str() == name => Some(Ok(d.span)),
        DeclKind::Isolate {
            name: n, targets, ..
        } if n.name.as_str() == name => {
            let target = match targets.first().map(|t| t.segments.as_slice()) {
                Some([seg]) if seg.args.is_none() => seg.name.name.to_string(),
                _ => String::new(),
            };
            Some(named(&ast.decls, &target).ok_or(target))
        }
        _ => None,
    });
    let isolate_span = ast.decls.iter().find_map(|d| match &d.kind {
        DeclKind::Isolate { name: n, .. } | DeclKind::IsolateObject { name: n, .. }
            if n.name.as_str() == name =>
        {
            Some(n.span)
        }
        _ => None,
    });
    let refuse = |why: String| {
        let mut d = error_diag("unsupported", format!("unsupported: {why}"));
        if let Some(s) = isolate_span {
            d = d.with_labels(vec![ivyc_base::diagnostic::primary(s, "the isolate")]);
        }
        d.notes.push(
            "help: the invariants are printed; add them inside the isolate's object by hand"
                .to_string(),
        );
        d
    };
    let span = match body {
        Some(Ok(span)) => span,
        Some(Err(target)) if target.is_empty() => {
            return Err(refuse(format!(
                "`infer` places invariants inside the first object of isolate `{name}`, which is not a plain object name"
            )))
        }
        Some(Err(target)) => {
            return Err(refuse(format!(
                "`infer` places invariants inside object `{target}` of isolate `{name}`, which is not declared at the top level of this file"
            )))
        }
        None => {
            return Err(refuse(format!(
                "isolate `{name}` is not declared at the top level of this file"
            )))
        }
    };
    // The closing brace of the body: the last `}` of the declaration (an
    // isolate's `with` list comes after it and has none).
    let decl = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let Some(close) = decl.rfind('}').map(|i| span.start as usize + i) else {
        return Err(refuse(format!("no body found for isolate `{name}`")));
    };
    let mut out = text[..close].trim_end().to_string();
    out.push('\n');
    for inv in invariants {
        out.push_str("    ");
        out.push_str(inv);
        out.push_str("  # inferred by ivyc infer\n");
    }
    out.push_str(&text[close..]);
    Ok(out)
}

/// The counterexample to induction of the program invariant `label` in
/// `action` (`None`: the initializer) with the live candidates assumed.
fn stopping_cti(
    sys: &System,
    cands: &[Term],
    alive: &[bool],
    label: &Option<String>,
    action: &Option<String>,
    timeout_ms: u64,
) -> Option<Box<(ivyc_vc::Obligation, ivyc_vc::Counterexample)>> {
    let s = ivyc_infer::with_candidates(sys, cands, alive);
    let ob = ivyc_vc::obligations(&s).into_iter().find(|ob| {
        matches!(
            ob.kind,
            ivyc_vc::ObligationKind::Initiation | ivyc_vc::ObligationKind::Consecution
        ) && ob.property_label.map(|l| l.to_string()) == *label
            && ob.action.map(|a| a.to_string()) == *action
    })?;
    let mut solver = Z3Solver::with_options(Z3Options {
        minimize: true,
        ..Z3Options::default()
    });
    match ivyc_vc::discharge(&ob, &mut solver, timeout_ms) {
        ivyc_vc::Outcome::Failed(cex) => Some(Box::new((ob, *cex))),
        _ => None,
    }
}

/// The sorts of a formula's quantified variables, in order (outermost
/// first, a separator between blocks).
fn quantifier_sorts(t: &Term) -> Vec<SortId> {
    let mut out = Vec::new();
    t.visit(|s| {
        if let TermKind::Forall(vs, _) | TermKind::Exists(vs, _) = &s.kind {
            out.extend(vs.iter().map(|v| v.sort));
            out.push(SortId::BOOL);
        }
    });
    out
}

/// `invariant [inferred_N] formula` lines for the live candidates.
fn invariant_lines(sys: &System, cands: &[Term], alive: &[bool]) -> Vec<String> {
    cands
        .iter()
        .zip(alive)
        .filter(|(_, a)| **a)
        .enumerate()
        .map(|(k, (c, _))| format!("invariant [inferred_{}] {}", k + 1, c.pretty(&sys.sig)))
        .collect()
}

/// Infer invariants for the program rooted at `root` (already in
/// `sources`).
pub fn infer(
    sources: &mut SourceMap,
    root: FileId,
    loader: &mut dyn SourceLoader,
    opts: &InferOptions,
) -> InferRun {
    let start = Instant::now();
    let deadline = start + opts.time;
    let analysis = front::analyse(sources, root, loader);
    let mut diagnostics = analysis.diagnostics;
    let Some(program) = analysis.program else {
        return input_errors(diagnostics);
    };
    let sys = match the_system(&program, opts.isolate.as_deref()) {
        Ok(s) => s,
        Err(errors) => {
            diagnostics.extend(errors);
            return input_errors(diagnostics);
        }
    };
    // The search runs on a thread of its own: a deep stack for the large
    // formulas of thousands of candidates, and a hard time limit (a solver
    // query or an unrolling that overruns `--time` is left behind).
    let (tx, rx) = std::sync::mpsc::channel();
    let (s2, o2) = (sys.clone(), opts.clone());
    let spawned = std::thread::Builder::new()
        .name("ivyc-infer".into())
        .stack_size(SEARCH_STACK)
        .spawn(move || {
            let _ = tx.send(search(&s2, &o2, deadline));
        });
    let grace = (opts.time / 10).max(Duration::from_secs(2));
    let (outcome, mut stats) = match spawned {
        Err(e) => (
            Inferred::NotFound {
                why: format!("the search could not start: {e}"),
                partial: Vec::new(),
                cti: None,
            },
            InferStats::default(),
        ),
        Ok(_) => match rx.recv_timeout(deadline.saturating_duration_since(Instant::now()) + grace) {
            Ok(r) => r,
            Err(_) => (
                Inferred::NotFound {
                    why: "out of time: the search did not stop within --time (a solver query or an unrolling ran past it)".into(),
                    partial: Vec::new(),
                    cti: None,
                },
                InferStats::default(),
            ),
        },
    };
    let Inferred::Found { invariants, .. } = outcome else {
        return InferRun {
            diagnostics,
            outcome,
            stats,
        };
    };
    // The normal pipeline must prove the program with them.
    let t = Instant::now();
    let text = match place_invariants(
        root,
        sources.source(root),
        opts.isolate.as_deref(),
        &invariants,
    ) {
        Ok(text) => text,
        Err(d) => {
            diagnostics.push(d);
            return InferRun {
                diagnostics,
                outcome: Inferred::NotPlaced { invariants },
                stats,
            };
        }
    };
    let mut again = SourceMap::new();
    let id = again.add(sources.name(root).to_string(), text.clone());
    let run = verify::verify(&mut again, id, loader, &VerifyOptions::default());
    stats.verification = t.elapsed();
    let status = run.status();
    let outcome = if status == Status::Success {
        Inferred::Found { invariants, text }
    } else {
        Inferred::NotVerified { invariants, status }
    };
    InferRun {
        diagnostics,
        outcome,
        stats,
    }
}

/// The search itself (on its own thread, see [`infer`]): the outcome
/// (`Found` with an empty text: the caller verifies and fills it in) and
/// the counts.
fn search(sys: &System, opts: &InferOptions, deadline: Instant) -> (Inferred, InferStats) {
    let mut stats = InferStats::default();
    let mut solver = Z3Solver::with_options(Z3Options::default());
    // Nothing to do when the program's own invariants are inductive.
    if matches!(
        ivyc_infer::houdini(sys, &[], &mut [], &mut solver, opts.timeout_ms, deadline),
        HoudiniResult::Inductive { .. }
    ) {
        return (Inferred::AlreadyInductive, stats);
    }
    let mut cands = ivyc_infer::enumerate(sys, &opts.templates);
    let mut alive = vec![true; cands.len()];
    stats.candidates = cands.len();
    // Universal clauses first; when they are too weak, again with one
    // existential added (only the new candidates are sampled).
    let mut exists_tried = false;
    let mut sample_mask = alive.clone();
    loop {
        // Prune on reachable states: at most half of what is left.
        let t = Instant::now();
        let sample_deadline = t + deadline.saturating_duration_since(t) / 2;
        let sampled = ivyc_infer::sample(
            sys,
            &cands,
            &mut sample_mask,
            opts.sample_depth,
            sample_deadline,
            || {
                Z3Incremental::with_options(Z3Options {
                    minimize: false,
                    ..Z3Options::default()
                })
            },
        );
        stats.sampling += t.elapsed();
        // The candidates not sampled this time keep their verdict.
        let newly_sampled = cands.len() - alive.len();
        alive.extend(std::iter::repeat_n(true, newly_sampled));
        for (i, m) in sample_mask.iter().enumerate() {
            if i >= cands.len() - newly_sampled || !exists_tried {
                alive[i] = *m;
            }
        }
        stats.sampling_rounds += match sampled {
            SampleResult::Done { rounds }
            | SampleResult::OutOfTime { rounds }
            | SampleResult::Undecided { rounds } => rounds,
            SampleResult::RealBug(trace) => {
                stats.after_sampling = alive.iter().filter(|a| **a).count();
                return (Inferred::Violated(trace), stats);
            }
        };
        stats.after_sampling = alive.iter().filter(|a| **a).count();
        let before_houdini = alive.clone();
        let t = Instant::now();
        let fixed = ivyc_infer::houdini(
            sys,
            &cands,
            &mut alive,
            &mut solver,
            opts.timeout_ms,
            deadline,
        );
        stats.houdini += t.elapsed();
        stats.after_houdini = alive.iter().filter(|a| **a).count();
        match fixed {
            HoudiniResult::Inductive { rounds } => {
                stats.houdini_rounds += rounds;
                break;
            }
            HoudiniResult::TooWeak { .. } if !exists_tried && Instant::now() < deadline => {
                exists_tried = true;
                // One existential more, within the decidable fragment.
                // Whether a candidate stays in the fragment depends only
                // on the sorts of its variables (the edges from the
                // universal sorts to the existential one): checked once
                // per combination.
                let mut in_fragment: HashMap<Vec<SortId>, bool> = HashMap::new();
                let extra: Vec<Term> = ivyc_infer::enumerate_exists(sys, &opts.templates)
                    .into_iter()
                    .filter(|c| {
                        let key = quantifier_sorts(c);
                        *in_fragment.entry(key).or_insert_with(|| {
                            let s =
                                ivyc_infer::with_candidates(sys, std::slice::from_ref(c), &[true]);
                            crate::fragment::unit_errors(&s).is_none()
                        })
                    })
                    .take(EXISTS_LIMIT)
                    .collect();
                stats.candidates += extra.len();
                alive = before_houdini;
                sample_mask = vec![false; cands.len()];
                sample_mask.extend(std::iter::repeat_n(true, extra.len()));
                cands.extend(extra);
            }
            HoudiniResult::TooWeak { label, action } => {
                let cti = stopping_cti(sys, &cands, &alive, &label, &action, opts.timeout_ms);
                let what = label.map_or("an invariant".to_string(), |l| format!("invariant [{l}]"));
                let step =
                    action.map_or("the initializer".to_string(), |a| format!("action `{a}`"));
                // The partial invariant, without what its own clauses imply.
                ivyc_infer::drop_implied(
                    sys,
                    &cands,
                    &mut alive,
                    &mut solver,
                    opts.timeout_ms,
                    deadline,
                );
                return (Inferred::NotFound {
                        why: format!(
                            "{what} is not preserved by {step} even with every candidate that is (the templates are too weak: try more literals or variables)"
                        ),
                        partial: invariant_lines(sys, &cands, &alive),
                        cti,
                    }, stats);
            }
            HoudiniResult::Stopped { rounds, why } => {
                stats.houdini_rounds += rounds;
                return (
                    Inferred::NotFound {
                        why,
                        partial: invariant_lines(sys, &cands, &alive),
                        cti: None,
                    },
                    stats,
                );
            }
        }
    }
    // Keep only what is needed, while time allows: first what the others
    // do not imply, then what the program needs to be inductive.
    let t = Instant::now();
    ivyc_infer::drop_implied(
        sys,
        &cands,
        &mut alive,
        &mut solver,
        opts.timeout_ms,
        deadline,
    );
    ivyc_infer::reduce(
        sys,
        &cands,
        &mut alive,
        &mut solver,
        opts.timeout_ms,
        deadline,
    );
    stats.reduction = t.elapsed();
    stats.after_reduction = alive.iter().filter(|a| **a).count();
    let invariants = invariant_lines(sys, &cands, &alive);
    (
        Inferred::Found {
            invariants,
            text: String::new(),
        },
        stats,
    )
}

/// The program text with `invariants` appended at the end, marked.
pub fn with_invariants(text: &str, invariants: &[String]) -> String {
    let mut out = text.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    for inv in invariants {
        out.push_str(inv);
        out.push_str("  # inferred by ivyc infer\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::place_invariants;
    use ivyc_base::FileId;

    const INV: &str = "invariant [inferred_1] ~p.r";

    #[test]
    fn invariants_go_inside_the_isolate_that_owns_them() {
        let body = "type t\nisolate iso = {\n    relation r\n} with t\n";
        let placed = place_invariants(FileId(0), body, Some("iso"), &[INV.into()]);
        assert_eq!(
            placed.ok().as_deref(),
            Some("type t\nisolate iso = {\n    relation r\n    invariant [inferred_1] ~p.r  # inferred by ivyc infer\n} with t\n")
        );
        let obj = "object p = {\n    relation r\n}\nisolate iso = p\n";
        let placed = place_invariants(FileId(0), obj, Some("iso"), &[INV.into()]);
        assert_eq!(
            placed.ok().as_deref(),
            Some("object p = {\n    relation r\n    invariant [inferred_1] ~p.r  # inferred by ivyc infer\n}\nisolate iso = p\n")
        );
        // `this`: at the top level, after everything.
        let placed = place_invariants(FileId(0), obj, Some("this"), &[INV.into()]);
        assert!(placed.is_ok_and(|t| t.ends_with(
            "isolate iso = p\n\ninvariant [inferred_1] ~p.r  # inferred by ivyc infer\n"
        )));
        // An object that is not declared at the top level: refused.
        let nested =
            "object o = {\n    object p = {\n        relation r\n    }\n}\nisolate iso = o.p\n";
        assert!(place_invariants(FileId(0), nested, Some("iso"), &[INV.into()]).is_err());
    }
}
