//! `ivyc verify`: check the file, build the obligations, refuse those outside
//! the decidable fragment, discharge the rest with Z3 on worker threads and
//! report (for people or as one JSON document).

use crate::bmc;
use crate::cli::{ReportFormat, VerifyArgs};
use crate::exit::Exit;
use crate::frontend;
use crate::render::{self, Renderer};
use ivyc_base::{IntoDiagnostic, SourceMap};
use ivyc_fragment::{Origin, OriginKind, Origins};
use ivyc_logic::{System, Term};
use ivyc_sema::lower::Unit;
use ivyc_smt::{FreshZ3Solver, Z3Options};
use ivyc_vc::{HypSource, Obligation, ObligationKind, Outcome};
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
    // Ivy 1.6: conjectures no declared isolate checks (a warning).
    let unchecked_conjectures = program
        .as_ref()
        .map(|p| ivyc_sema::lower::unchecked_conjectures(p, &units))
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

    // The decidable fragment, checked on exactly what Z3 would see.
    let t = Instant::now();
    let outside: Vec<bool> = obligations
        .iter()
        .map(|(u, ob)| fragment_errors(&units[*u].system, ob).is_some())
        .collect();
    timings.fragment = t.elapsed();
    if !args.no_fragment_check && outside.iter().any(|o| *o) {
        let refused = report_fragment(&units, &obligations, &sources, &mut out);
        out.summary();
        out.line(&format!(
            "{refused} of {} obligations are outside the decidable fragment; nothing was sent to the solver (use --no-fragment-check to try anyway)",
            obligations.len()
        ));
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
    for c in &unchecked_conjectures {
        out.diagnostic(&sources, &c.into_diagnostic());
    }
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

/// The fragment violations of one obligation, if any.
fn fragment_errors(system: &System, ob: &Obligation) -> Option<Vec<ivyc_fragment::FragmentError>> {
    // As in Ivy, a property assumed as an axiom is not part of the fragment
    // check (its own proof obligation is): the query may then be beyond the
    // fragment, and Z3 may answer unknown (exit 3), never a wrong verdict.
    let keep: Vec<bool> = ob
        .hyp_sources
        .iter()
        .map(|s| !matches!(s, HypSource::Property(_)))
        .chain(std::iter::repeat(true))
        .take(ob.hypotheses.len())
        .collect();
    let hyps: Vec<Term> = ob
        .hypotheses
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(h, _)| h.clone())
        .collect();
    let mut origins = fragment_origins(system, ob);
    origins.hyps = origins
        .hyps
        .into_iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(o, _)| o)
        .collect();
    ivyc_fragment::check(&ob.sig, &hyps, &ob.goal, &origins).err()
}

/// Render the fragment violations of every obligation; returns how many
/// obligations are outside the fragment. Each distinct explanation is shown
/// once, with the obligations it concerns.
pub fn report_fragment(
    units: &[Unit],
    obligations: &[(usize, Obligation)],
    sources: &SourceMap,
    out: &mut Renderer,
) -> usize {
    let mut refused = 0;
    let mut shown: Vec<(String, ivyc_base::Diagnostic, Vec<String>)> = Vec::new();
    for (u, ob) in obligations {
        let Some(unit) = units.get(*u) else {
            continue;
        };
        let Some(errors) = fragment_errors(&unit.system, ob) else {
            continue;
        };
        refused += 1;
        for e in dedup_errors(errors) {
            let diag = e.into_diagnostic();
            let key = format!("{:?}{:?}", diag.message, diag.labels);
            match shown.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, obs)) => obs.push(ob.title()),
                None => shown.push((key, diag, vec![ob.title()])),
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
    refused
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

/// Where each formula of an obligation came from, for the fragment checker.
fn fragment_origins(system: &System, ob: &Obligation) -> Origins {
    let action = ob.action.map(|a| a.as_str().to_owned());
    let hyps = ob
        .hyp_sources
        .iter()
        .map(|src| {
            Some(match src {
                HypSource::Axiom(i) => {
                    let p = system.axioms.get(*i);
                    let mut o = Origin::new(OriginKind::Axiom).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Property(i) => {
                    let p = system.properties.iter().chain(&system.lemmas).nth(*i);
                    let mut o = Origin::new(OriginKind::Property).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Invariant(i) => {
                    let p = system.invariants.get(*i);
                    let mut o =
                        Origin::new(OriginKind::Invariant).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Assumed(i) => {
                    let p = system.nested.iter().chain(&system.assumed).nth(*i);
                    let mut o =
                        Origin::new(OriginKind::Invariant).with_span(p.and_then(|p| p.span));
                    o.label = p.and_then(|p| p.label);
                    o
                }
                HypSource::Transition => {
                    let o = match ob.kind {
                        ObligationKind::Initiation => Origin::new(OriginKind::Init),
                        _ => Origin::new(OriginKind::Transition).with_span(ob.action_span),
                    };
                    match &action {
                        Some(a) => o.with_action(a),
                        None => o,
                    }
                }
            })
        })
        .collect();
    let mut goal = Origin::new(match ob.kind {
        ObligationKind::Assertion => OriginKind::Assertion,
        ObligationKind::Property => OriginKind::Property,
        _ => OriginKind::Invariant,
    })
    .with_span(ob.property_span);
    goal.label = ob.property_label;
    if let Some(a) = &action {
        goal = goal.with_action(a);
    }
    Origins {
        hyps,
        goal: Some(goal),
    }
}
