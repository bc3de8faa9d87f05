//! `ivyc verify`: check the file, build the obligations, refuse the units
//! outside the decidable fragment, discharge the rest with Z3 on worker threads and
//! report (for people or as one JSON document).

use crate::bmc;
use crate::cli::{ReportFormat, VerifyArgs};
use crate::exit::Exit;
use crate::frontend;
use crate::render::{self, Renderer};
use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_fragment::{Origin, OriginKind};
use ivyc_logic::{Property, System};
use ivyc_sema::lower::Unit;
use ivyc_smt::{FreshZ3Solver, Z3Options};
use ivyc_vc::{HypSource, Obligation, Outcome, ViewSource};
use std::time::{Duration, Instant};

/// Wall time per phase of one `verify` run (`--timings`).
#[derive(Default, Debug)]
pub struct Timings {
    /// Reading, parsing (with includes) and semantic analysis.
    pub front_end: Duration,
    pub lowering: Duration,
    pub obligations: Duration,
    pub fragment: Duration,
    /// Wall time of the parallel discharge (Z3 and model extraction).
    pub solving: Duration,
    /// Sum of per-obligation times over all workers.
    pub solver_sum: Duration,
    pub report: Duration,
    pub total: Duration,
    pub jobs: usize,
}

/// The verdict on one obligation, with what the report needs.
pub struct Checked {
    /// Index of the verification unit (isolate) in the list of units.
    pub unit: usize,
    pub obligation: Obligation,
    pub outcome: Outcome,
    pub time: Duration,
    /// The obligation is outside the decidable fragment and was sent to Z3
    /// anyway (`--no-fragment-check`).
    pub outside_fragment: bool,
}

pub fn run(args: &VerifyArgs) -> Exit {
    let start = Instant::now();
    let mut sources = SourceMap::new();
    let mut out = Renderer::new(args.input.message_format);
    let mut timings = Timings::default();
    let t = Instant::now();
    let program = frontend::program(&args.input, &mut sources, &mut out);
    timings.front_end = t.elapsed();
    let t = Instant::now();
    let units = program
        .as_ref()
        .and_then(|p| frontend::units(p, &sources, &mut out));
    timings.lowering = t.elapsed();
    let Some(units) = units else {
        out.summary();
        return Exit::InputError;
    };
    // Assumptions that no isolate proves (over all units, before --isolate
    // narrows the run): the decomposition is unsound, a failed check.
    let never_checked = program
        .as_ref()
        .map(|p| ivyc_sema::lower::never_checked(p, &units))
        .unwrap_or_default();
    let Some(units) = frontend::select_isolate(units, args.isolate.as_deref(), &mut out) else {
        return Exit::InputError;
    };
    // `--bmc K`: a violation reachable within K steps is a real bug.
    if let Some(depth) = args.bmc {
        let req = bmc::Request {
            depth,
            bounds: &[],
            property: None,
            timeout_secs: args.solver.timeout,
            file: &args.input.file,
            trace_out: None,
        };
        let whole = match (&program, &args.isolate) {
            (Some(p), None) => frontend::whole_program(p, &sources, &mut out),
            _ => None,
        };
        let searched = whole.as_deref().unwrap_or(&units);
        match bmc::search_units(searched, &req, &sources, &mut out) {
            (Exit::CheckFailed, d) => {
                out.line(&format!(
                    "reachable violation at depth {}: a real bug (not a counterexample to induction); the inductive check was not run",
                    d.unwrap_or(depth)
                ));
                out.summary();
                return Exit::CheckFailed;
            }
            (Exit::Success, _) => {
                out.line(&format!("bmc: no violation reachable within {depth} steps"))
            }
            (Exit::Undecided, _) => out
                .line("bmc: the bounded search was not decided; going on with the inductive check"),
            (other, _) => return other,
        }
    }
    let t = Instant::now();
    let obligations: Vec<(usize, Obligation)> = units
        .iter()
        .enumerate()
        .flat_map(|(i, u)| {
            ivyc_vc::obligations(&u.system)
                .into_iter()
                .map(move |o| (i, o))
        })
        .collect();
    timings.obligations = t.elapsed();

    // The decidable fragment, checked per unit on what Ivy checks (all the
    // unit's formulas in one graph, docs/fragment.md).
    let t = Instant::now();
    let unit_outside: Vec<bool> = units
        .iter()
        .map(|u| unit_fragment_errors(&u.system).is_some())
        .collect();
    let outside: Vec<bool> = obligations
        .iter()
        .map(|(u, _)| unit_outside.get(*u).copied().unwrap_or(false))
        .collect();
    timings.fragment = t.elapsed();
    if !args.no_fragment_check && unit_outside.iter().any(|o| *o) {
        let refused = report_fragment(&units, &obligations, &sources, &mut out).unwrap_or(0);
        out.summary();
        out.line(&refused_line(refused, obligations.len()));
        return Exit::OutsideFragment;
    }

    let options = Z3Options {
        minimize: !args.no_minimize,
        memory_max_mb: args.solver.memory_limit,
        ..Z3Options::default()
    };
    let jobs = args.jobs.map(usize::from).unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let timeout_ms = args.solver.timeout_ms();
    let t = Instant::now();
    let (unit_of, obligations): (Vec<usize>, Vec<Obligation>) = obligations.into_iter().unzip();
    let results = ivyc_vc::discharge_all_timed(
        &obligations,
        || FreshZ3Solver::with_options(options.clone()),
        jobs,
        timeout_ms,
    );
    timings.solving = t.elapsed();
    timings.solver_sum = results.iter().map(|(_, d)| *d).sum();
    timings.jobs = jobs.min(obligations.len()).max(1);
    let checked: Vec<Checked> = obligations
        .into_iter()
        .zip(unit_of)
        .zip(results)
        .zip(outside)
        .map(
            |(((obligation, unit), (outcome, time)), outside_fragment)| Checked {
                unit,
                obligation,
                outcome,
                time,
                outside_fragment,
            },
        )
        .collect();
    let mut exit = checked
        .iter()
        .map(|c| outcome_exit(&c.outcome))
        .max()
        .unwrap_or(Exit::Success);
    for n in &never_checked {
        out.diagnostic(&sources, &n.into_diagnostic());
    }
    if !never_checked.is_empty() {
        exit = exit.max(Exit::CheckFailed);
        out.line(&format!(
            "{} assumption{} never checked: the isolates do not add up to a proof",
            never_checked.len(),
            if never_checked.len() == 1 {
                " is"
            } else {
                "s are"
            }
        ));
    }
    let t = Instant::now();
    match args.format {
        ReportFormat::Human => {
            render::verify_report(&mut out, &sources, &units, &checked, start.elapsed())
        }
        ReportFormat::Json => render::verify_json(&sources, &units, &checked, start.elapsed()),
    }
    if let (Some(depth), ReportFormat::Human) = (args.bmc, args.format) {
        if checked
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Failed(_)))
        {
            out.line(&format!(
                "the failures above are counterexamples to induction (CTI): no violation is reachable within {depth} steps, so an invariant may need strengthening (or the bug lies deeper)"
            ));
        }
    }
    timings.report = t.elapsed();
    timings.total = start.elapsed();
    if args.timings {
        render::timings(&timings);
    }
    exit
}

fn outcome_exit(o: &Outcome) -> Exit {
    match o {
        Outcome::Proved => Exit::Success,
        Outcome::Failed(_) => Exit::CheckFailed,
        Outcome::Unknown(_) => Exit::Undecided,
    }
}

/// The fragment violations of a unit, if any: Ivy's check of an isolate,
/// over all its formulas at once (`ivyc_vc::fragment_view`). As in Ivy,
/// properties assumed as axioms are not hypotheses of the check (they are
/// asserted, as they are proved), and the initialiser is not part of it:
/// a query beyond the fragment may then end `unknown` (exit 3), never with
/// a wrong verdict.
pub fn unit_fragment_errors(system: &System) -> Option<Vec<ivyc_fragment::FragmentError>> {
    let view = ivyc_vc::fragment_view(system);
    let hyp_origins: Vec<Option<Origin>> = view
        .hyp_sources
        .iter()
        .map(|s| view_origin(system, s))
        .collect();
    let goal_origins: Vec<Option<Origin>> = view
        .goal_sources
        .iter()
        .map(|s| view_origin(system, s))
        .collect();
    ivyc_fragment::check_all(
        &view.sig,
        &view.hyps,
        &view.goals,
        &hyp_origins,
        &goal_origins,
    )
    .err()
}

/// The last line when units are outside the fragment.
fn refused_line(refused: usize, total: usize) -> String {
    if total == 0 {
        "the axioms and definitions are outside the decidable fragment (there is no obligation)"
            .to_string()
    } else {
        format!(
            "{refused} of {total} obligations are outside the decidable fragment; nothing was sent to the solver (use --no-fragment-check to try anyway)"
        )
    }
}

/// Render the fragment violations of every unit outside the fragment;
/// returns `None` if every unit is inside, else how many obligations are
/// refused (all those of the units outside). Each distinct explanation is
/// shown once, with the obligations it concerns.
pub fn report_fragment(
    units: &[Unit],
    obligations: &[(usize, Obligation)],
    sources: &SourceMap,
    out: &mut Renderer,
) -> Option<usize> {
    let mut refused = 0;
    let mut any = false;
    let mut shown: Vec<(String, ivyc_base::Diagnostic, Vec<String>)> = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let Some(errors) = unit_fragment_errors(&unit.system) else {
            continue;
        };
        any = true;
        let mut titles: Vec<String> = obligations
            .iter()
            .filter(|(i, _)| *i == u)
            .map(|(_, ob)| ob.title())
            .collect();
        refused += titles.len();
        if titles.is_empty() {
            titles.push(match unit.name {
                Some(n) => format!("the axioms of isolate {n}"),
                None => "the axioms".to_string(),
            });
        }
        for e in dedup_errors(errors) {
            let diag = e.into_diagnostic();
            let key = format!("{:?}{:?}", diag.message, diag.labels);
            match shown.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, obs)) => obs.extend(titles.iter().cloned()),
                None => shown.push((key, diag, titles.clone())),
            }
        }
    }
    for (_, diag, obs) in shown {
        let more = if obs.len() > 3 {
            format!(" and {} more", obs.len() - 3)
        } else {
            String::new()
        };
        let note = format!(
            "in: {}{more}",
            obs.iter().take(3).cloned().collect::<Vec<_>>().join("; ")
        );
        out.diagnostic(sources, &diag.with_notes(vec![note]));
    }
    any.then_some(refused)
}

/// The same cycle is often found in many obligations of one action: report
/// each distinct explanation once per obligation.
fn dedup_errors(
    mut errors: Vec<ivyc_fragment::FragmentError>,
) -> Vec<ivyc_fragment::FragmentError> {
    let mut seen = Vec::new();
    errors.retain(|e| {
        let key = format!("{e:?}");
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
    errors
}

/// Where a formula of a unit's fragment view came from.
fn view_origin(system: &System, src: &ViewSource) -> Option<Origin> {
    let labeled = |kind: OriginKind, p: Option<&Property>| {
        let mut o = Origin::new(kind).with_span(p.and_then(|p| p.span));
        o.label = p.and_then(|p| p.label);
        o
    };
    Some(match src {
        ViewSource::Hyp(HypSource::Axiom(i)) => labeled(OriginKind::Axiom, system.axioms.get(*i)),
        ViewSource::Hyp(HypSource::Property(i)) | ViewSource::Property(i) => labeled(
            OriginKind::Property,
            system.properties.iter().chain(&system.lemmas).nth(*i),
        ),
        ViewSource::Hyp(HypSource::Invariant(i)) | ViewSource::Invariant(i) => {
            labeled(OriginKind::Invariant, system.invariants.get(*i))
        }
        ViewSource::Hyp(HypSource::Assumed(i)) => labeled(
            OriginKind::Invariant,
            system.nested.iter().chain(&system.assumed).nth(*i),
        ),
        ViewSource::Hyp(HypSource::Transition) => Origin::new(OriginKind::Transition),
        ViewSource::Transition { action, span } => Origin::new(OriginKind::Transition)
            .with_span(*span)
            .with_action(action.as_str()),
        ViewSource::Failure { action, assertion } => Origin::new(OriginKind::Assertion)
            .with_span(*assertion)
            .with_action(action.as_str()),
    })
}
