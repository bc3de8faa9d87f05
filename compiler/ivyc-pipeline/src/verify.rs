//! `verify` as one function over data: analyse, lower, optionally search
//! for a reachable violation first, model check the units whose isolate
//! asks for it (`attribute method = mc`), search the units that ask for
//! bounded model checking (`method = bmc[N]`), write the units that ask
//! for a VMT-LIB file (`method = vmt`, checked by nobody here), build the
//! obligations of the others, refuse those outside the decidable fragment,
//! discharge the rest with Z3 on worker threads, and return everything a
//! report needs.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ivyc_base::diagnostic::warning;
use ivyc_base::{Diagnostic, FileId, IntoDiagnostic, SourceMap};
use ivyc_logic::{Answer, Reason, Signature, Solver, Term};
use ivyc_mc::{McOptions, McResult, McRun};
use ivyc_sema::lower::Unit;
use ivyc_sema::SourceLoader;
use ivyc_smt::{FreshZ3Solver, Z3Horn, Z3Incremental, Z3Options};
use ivyc_vc::{Obligation, Outcome, QuerySize, RestartPolicy};

use crate::bmc::{self, BmcRequest, BmcRun};
use crate::cache::{Cache, KeyContext};
use crate::fragment::{self, FragmentReport};
use crate::liveness::{self, Liveness};
use crate::{front, Status};

/// What to verify and with which solver settings.
#[derive(Clone, Debug)]
pub struct VerifyOptions {
    /// Verify only this isolate (`this` for what no isolate covers).
    pub isolate: Option<String>,
    /// First search for a violation reachable within this many steps.
    pub bmc_depth: Option<usize>,
    /// Refuse obligations outside the decidable fragment (the default).
    pub fragment_check: bool,
    pub z3: Z3Options,
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Solver time limit per obligation in milliseconds (0: none).
    pub timeout_ms: u64,
    /// Test hook: corrupt every model before the independent check, which
    /// must then report an internal error.
    pub debug_corrupt_models: bool,
    /// The engine that model checks `method = mc` isolates.
    pub mc_engine: ivyc_mc::Engine,
    /// When to ask a query that times out again with another seed.
    pub restarts: RestartPolicy,
    /// Also return every obligation sent to the solver as an SMT-LIB
    /// script (`VerifyRun::smt_dumps`), for comparing query shapes.
    pub dump_smt: bool,
    /// Add the deadlock-freedom obligation of every unit (`--deadlock`).
    pub deadlock: bool,
    /// The verification cache's directory (`crate::cache`); `None`: no
    /// cache (the default of the library; the CLI and the language server
    /// pass `cache::configured_dir()`).
    pub cache_dir: Option<PathBuf>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            isolate: None,
            bmc_depth: None,
            fragment_check: true,
            z3: Z3Options::default(),
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            timeout_ms: 60_000,
            debug_corrupt_models: false,
            mc_engine: ivyc_mc::Engine::Spacer,
            restarts: RestartPolicy::default(),
            dump_smt: false,
            deadlock: false,
            cache_dir: None,
        }
    }
}

/// Wall time per phase of one `verify` run.
#[derive(Default, Debug, Clone)]
pub struct Timings {
    /// Parsing (with includes) and semantic analysis.
    pub front_end: Duration,
    pub lowering: Duration,
    pub obligations: Duration,
    pub fragment: Duration,
    /// Wall time of the parallel discharge (Z3 and model extraction).
    pub solving: Duration,
    /// Sum of per-obligation times over all workers.
    pub solver_sum: Duration,
    /// Model checking of the `method = mc` units (engine and traces).
    pub model_checking: Duration,
    pub jobs: usize,
    /// The slowest obligations (at most [`SLOWEST`]), slowest first.
    pub slowest: Vec<ObligationCost>,
    /// Computing the cache keys and looking them up, then recording the
    /// new proofs.
    pub cache: Duration,
}

/// How many obligations the cost model lists.
pub const SLOWEST: usize = 10;

/// One obligation's time and query size (the `--timings` cost model).
#[derive(Debug, Clone)]
pub struct ObligationCost {
    /// Index into [`VerifyRun::checked`].
    pub index: usize,
    pub time: Duration,
    pub size: QuerySize,
}

/// One obligation as an SMT-LIB script (`VerifyOptions::dump_smt`).
#[derive(Debug, Clone)]
pub struct SmtDump {
    /// A file name: `NNNN-kind-action-label.smt2`.
    pub name: String,
    pub text: String,
}

/// The verdict on one obligation, with what the report needs.
pub struct Checked {
    /// Index of the verification unit (isolate) in the list of units.
    pub unit: usize,
    pub obligation: Obligation,
    pub outcome: Outcome,
    pub time: Duration,
    /// The obligation is outside the decidable fragment and was sent to Z3
    /// anyway (`fragment_check: false`).
    pub outside_fragment: bool,
    /// The proof comes from the verification cache (`time` is zero).
    pub cached: bool,
}

/// The verdict of model checking one unit (`attribute method = mc`).
pub struct ModelChecked {
    /// Index of the unit in the list of units.
    pub unit: usize,
    pub run: McRun,
    pub time: Duration,
}

impl ModelChecked {
    pub fn status(&self) -> Status {
        match self.run.result {
            McResult::Proved { .. } => Status::Success,
            McResult::Violation(_) => Status::CheckFailed,
            McResult::Unknown(_) => Status::Undecided,
            McResult::InternalError(_) => Status::InternalError,
        }
    }
}

/// The verdict of bounded model checking one unit (`attribute method =
/// bmc[N]`): no violation within `depth` steps is all it claims (ms-ivy's
/// "BOUNDED" OK), a violation is a real bug.
pub struct BoundedChecked {
    /// Index of the unit in the list of units.
    pub unit: usize,
    /// The `N` of `bmc[N]`.
    pub depth: usize,
    /// The `U` of `bmc[N][U]`: every loop was unrolled `U` times.
    pub unroll: Option<usize>,
    pub run: BmcRun,
    pub time: Duration,
}

impl BoundedChecked {
    pub fn status(&self) -> Status {
        self.run.status()
    }
}

/// The depth of `method = bmc[N]`: `None` for another method, `Err` with
/// why for a malformed or unsupported `bmc[...]` value.
fn bmc_method_depth(value: &str) -> Option<Result<usize, String>> {
    Some(match ivyc_sema::parse_bmc_method(value)? {
        // ms-ivy refuses to unroll a loop more than 100 times.
        Ok((_, Some(u))) if u > 100 => Err(format!(
            "with `method = {value}`: unrolling loops more than 100 times"
        )),
        Ok((n, _)) => Ok(n),
        Err(e) => Err(e),
    })
}

/// A unit written as a VMT-LIB file instead of checked (`attribute method
/// = vmt`): never a verdict, so the run is undecided at best.
pub struct VmtExported {
    /// Index of the unit in the list of units.
    pub unit: usize,
    /// The file to write (the caller writes it).
    pub file: crate::vmt::VmtFile,
}

impl VmtExported {
    /// Nothing was checked: undecided.
    pub fn status(&self) -> Status {
        Status::Undecided
    }
}

/// How a run ended.
pub enum Ended {
    /// Errors in the input or the request (see `VerifyRun::diagnostics`).
    InputErrors,
    /// The bounded search found a reachable violation (a real bug); the
    /// inductive check was not run.
    Reachable,
    /// Some obligations are outside the decidable fragment; nothing was
    /// sent to the solver.
    OutsideFragment(FragmentReport),
    /// Every obligation went to the solver, every `method = mc` unit to
    /// the model checker.
    Discharged {
        checked: Vec<Checked>,
        /// The units model checked instead of split into obligations.
        model_checked: Vec<ModelChecked>,
        /// The units searched by bounded model checking instead.
        bounded: Vec<BoundedChecked>,
        /// The units written as VMT-LIB files, not checked.
        exported: Vec<VmtExported>,
        /// Assumptions that no isolate proves (an unsound decomposition).
        never_checked: Vec<Diagnostic>,
    },
}

/// Everything one `verify` run found.
pub struct VerifyRun {
    /// Diagnostics of the front end, of lowering, of the request, and the
    /// `nothing-to-verify` warning, in that order.
    pub diagnostics: Vec<Diagnostic>,
    /// The verification units checked (after isolate selection), then the
    /// liveness-to-safety units of their temporal properties.
    pub units: Vec<Unit>,
    /// The temporal properties proved, with their units.
    pub liveness: Vec<Liveness>,
    /// The bounded search run first, if asked for.
    pub bmc: Option<BmcRun>,
    pub ended: Ended,
    pub timings: Timings,
    /// The obligations as SMT-LIB scripts, when asked for.
    pub smt_dumps: Vec<SmtDump>,
}

impl VerifyRun {
    /// The worst outcome of the run.
    pub fn status(&self) -> Status {
        match &self.ended {
            Ended::InputErrors => Status::InputError,
            Ended::Reachable => Status::CheckFailed,
            Ended::OutsideFragment(_) => Status::OutsideFragment,
            Ended::Discharged {
                checked,
                model_checked,
                bounded,
                exported,
                never_checked,
            } => {
                let mut s = checked
                    .iter()
                    .map(|c| outcome_status(&c.outcome))
                    .chain(model_checked.iter().map(ModelChecked::status))
                    .chain(bounded.iter().map(BoundedChecked::status))
                    .chain(exported.iter().map(VmtExported::status))
                    .max()
                    .unwrap_or(Status::Success);
                if !never_checked.is_empty() {
                    s = s.max(Status::CheckFailed);
                }
                s
            }
        }
    }

    /// The obligations checked (empty unless the run got to the solver).
    pub fn checked(&self) -> &[Checked] {
        match &self.ended {
            Ended::Discharged { checked, .. } => checked,
            _ => &[],
        }
    }

    /// The units model checked (empty unless the run got to the solver).
    pub fn model_checked(&self) -> &[ModelChecked] {
        match &self.ended {
            Ended::Discharged { model_checked, .. } => model_checked,
            _ => &[],
        }
    }

    /// The units searched by bounded model checking (`method = bmc[N]`).
    pub fn bounded(&self) -> &[BoundedChecked] {
        match &self.ended {
            Ended::Discharged { bounded, .. } => bounded,
            _ => &[],
        }
    }

    /// The units written as VMT-LIB files (`method = vmt`).
    pub fn exported(&self) -> &[VmtExported] {
        match &self.ended {
            Ended::Discharged { exported, .. } => exported,
            _ => &[],
        }
    }
}

/// The status of one obligation's outcome.
pub fn outcome_status(o: &Outcome) -> Status {
    match o {
        Outcome::Proved => Status::Success,
        Outcome::Failed(_) => Status::CheckFailed,
        Outcome::Unknown(_) => Status::Undecided,
        Outcome::InternalError(_) => Status::InternalError,
    }
}

/// Verify the program rooted at `root` (already in `sources`).
pub fn verify(
    sources: &mut SourceMap,
    root: FileId,
    loader: &mut dyn SourceLoader,
    opts: &VerifyOptions,
) -> VerifyRun {
    run(sources, root, loader, opts, &AtomicBool::new(false), false)
}

/// [`verify`] that a caller on another thread can cut short (the language
/// server, when the document changes): once `cancel` is set, the solver
/// query in progress is interrupted and those not started yet end at once,
/// all as undecided (`cancelled`), so the run returns at once; its result
/// is then not a verdict and should be dropped.
pub fn verify_cancellable(
    sources: &mut SourceMap,
    root: FileId,
    loader: &mut dyn SourceLoader,
    opts: &VerifyOptions,
    cancel: &AtomicBool,
) -> VerifyRun {
    run(sources, root, loader, opts, cancel, true)
}

/// `verify`; `watch`: interrupt the query in progress when `cancel` is
/// set (a watcher thread per query).
fn run(
    sources: &mut SourceMap,
    root: FileId,
    loader: &mut dyn SourceLoader,
    opts: &VerifyOptions,
    cancel: &AtomicBool,
    watch: bool,
) -> VerifyRun {
    let mut timings = Timings::default();
    let t = Instant::now();
    let analysis = front::analyse(sources, root, loader);
    timings.front_end = t.elapsed();
    let mut diagnostics = analysis.diagnostics;
    let stop = |diagnostics, timings| VerifyRun {
        diagnostics,
        units: Vec::new(),
        liveness: Vec::new(),
        bmc: None,
        ended: Ended::InputErrors,
        timings,
        smt_dumps: Vec::new(),
    };
    let Some(program) = analysis.program else {
        return stop(diagnostics, timings);
    };
    let t = Instant::now();
    let units = front::units(&program);
    timings.lowering = t.elapsed();
    let units = match units {
        Ok(u) => u,
        Err(errors) => {
            diagnostics.extend(errors);
            return stop(diagnostics, timings);
        }
    };
    // Assumptions that no isolate proves (over all units, before the
    // isolate selection narrows the run): the decomposition is unsound.
    let never_checked: Vec<Diagnostic> = ivyc_sema::lower::never_checked(&program, &units)
        .iter()
        .map(|n| n.into_diagnostic())
        .collect();
    // Ivy 1.6: what no declared isolate checks (warnings).
    diagnostics.extend(
        ivyc_sema::lower::legacy_warnings(&program, &units)
            .iter()
            .map(|c| c.into_diagnostic()),
    );
    let units = match front::select_isolate(units, opts.isolate.as_deref()) {
        Ok(u) => u,
        Err(d) => {
            diagnostics.push(d);
            return stop(diagnostics, timings);
        }
    };
    // A violation reachable within K steps is a real bug.
    let mut bmc_run = None;
    if let Some(depth) = opts.bmc_depth {
        let req = safety_bmc(depth, false, opts);
        let whole = match opts.isolate {
            None => match front::whole_program(&program) {
                Ok(u) => Some(u),
                Err(errors) => {
                    diagnostics.extend(errors);
                    return stop(diagnostics, timings);
                }
            },
            Some(_) => None,
        };
        let Some(run) = uncancelled(cancel, watch, || {
            bmc::search_units(whole.as_deref().unwrap_or(&units), &req)
        }) else {
            return stop(diagnostics, timings);
        };
        let status = run.status();
        if status == Status::InputError {
            diagnostics.extend(run.errors);
            return stop(diagnostics, timings);
        }
        bmc_run = Some(run);
        if status == Status::CheckFailed {
            return VerifyRun {
                diagnostics,
                units,
                liveness: Vec::new(),
                bmc: bmc_run,
                ended: Ended::Reachable,
                timings,
                smt_dumps: Vec::new(),
            };
        }
    }
    // Temporal properties: their liveness-to-safety units join the others
    // (after the program's own units).
    let program_units = units.len();
    let mut units = units;
    let lives = match liveness::add_units(&mut units) {
        Ok(l) => l,
        Err(errors) => {
            diagnostics.extend(errors);
            return stop(diagnostics, timings);
        }
    };
    // Units whose isolate asks for model checking: decided by ivyc-mc
    // instead of split into obligations.
    let is_mc: Vec<bool> = units
        .iter()
        .map(|u| program.isolate_attribute(u.name, "method") == Some("mc"))
        .collect();
    // Units whose isolate asks for a VMT-LIB file: written, not checked
    // (the program's own units; the liveness-to-safety units of their
    // temporal properties, which carry the same name, are verified).
    let is_vmt: Vec<bool> = units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            i < program_units && program.isolate_attribute(u.name, "method") == Some("vmt")
        })
        .collect();
    // Units whose isolate asks for bounded model checking (`bmc[N]`).
    let mut bmc_depth: Vec<Option<usize>> = vec![None; units.len()];
    // Other methods than these and Ivy's default `ic` are refused, never
    // silently replaced by the inductive check.
    let mut refused = false;
    for (i, u) in units.iter().enumerate() {
        if let Some(a) = program.isolate_attribute_decl(u.name, "method") {
            let what = match bmc_method_depth(&a.value) {
                Some(Ok(n)) => {
                    bmc_depth[i] = Some(n);
                    continue;
                }
                Some(Err(why)) => why,
                None if a.value == "mc" || a.value == "ic" || a.value == "vmt" => continue,
                None => format!(
                    "with `method = {}` (only `mc`, `bmc[N]`, `vmt` and `ic` are supported)",
                    a.value
                ),
            };
            refused = true;
            diagnostics.push(
                ivyc_mc::McError::Unsupported {
                    what,
                    span: Some(a.span),
                }
                .into_diagnostic(),
            );
        }
    }
    if refused {
        return stop(diagnostics, timings);
    }
    let t = Instant::now();
    let mut model_checked = Vec::new();
    for (i, u) in units.iter().enumerate().filter(|(i, _)| is_mc[*i]) {
        let start = Instant::now();
        let checked =
            uncancelled(cancel, watch, || model_check(&u.system, opts)).unwrap_or_else(|| {
                Ok(McRun {
                    engine: opts.mc_engine,
                    state_scalars: 0,
                    result: ivyc_mc::McResult::Unknown(Reason::Error("cancelled".into())),
                })
            });
        match checked {
            Ok(run) => model_checked.push(ModelChecked {
                unit: i,
                run,
                time: start.elapsed(),
            }),
            Err(e) => {
                diagnostics.push(e.into_diagnostic());
                timings.model_checking = t.elapsed();
                return stop(diagnostics, timings);
            }
        }
    }
    let mut exported = Vec::new();
    let stem = crate::vmt::stem(sources.name(root));
    for (i, u) in units.iter().enumerate().filter(|(i, _)| is_vmt[*i]) {
        match crate::vmt::unit_file(u, &stem) {
            Ok(mut file) => {
                // Two units of one name (instances): distinct files.
                let taken = |n: &str| exported.iter().any(|e: &VmtExported| e.file.file_name == n);
                if taken(&file.file_name) {
                    let base = file.file_name.trim_end_matches(".vmt").to_string();
                    let mut k = 2;
                    while taken(&format!("{base}.{k}.vmt")) {
                        k += 1;
                    }
                    file.file_name = format!("{base}.{k}.vmt");
                }
                exported.push(VmtExported { unit: i, file })
            }
            Err(d) => {
                diagnostics.push(d);
                return stop(diagnostics, timings);
            }
        }
    }
    let mut bounded = Vec::new();
    for (i, u) in units.iter().enumerate() {
        let Some(depth) = bmc_depth[i] else { continue };
        let start = Instant::now();
        // As ms-ivy: no bound on the sorts, only on the steps.
        let req = safety_bmc(depth, true, opts);
        let Some(mut run) = uncancelled(cancel, watch, || {
            bmc::search_units(std::slice::from_ref(u), &req)
        }) else {
            // Not a verdict: the run is dropped by the caller.
            return stop(diagnostics, timings);
        };
        // The report names the isolate in its own heading.
        run.show_units = false;
        if !run.errors.is_empty() {
            diagnostics.extend(run.errors);
            timings.model_checking = t.elapsed();
            return stop(diagnostics, timings);
        }
        bounded.push(BoundedChecked {
            unit: i,
            depth,
            unroll: program.loop_unrolling(u.name),
            run,
            time: start.elapsed(),
        });
    }
    timings.model_checking = t.elapsed();
    let t = Instant::now();
    let mut obligations: Vec<(usize, Obligation)> = Vec::new();
    for (i, u) in units
        .iter()
        .enumerate()
        .filter(|(i, _)| !is_mc[*i] && !is_vmt[*i] && bmc_depth[*i].is_none())
    {
        let mine = ivyc_vc::obligations(&u.system);
        let n = mine.len();
        obligations.extend(mine.into_iter().map(|o| (i, o)));
        // `--deadlock`: deadlock freedom of the program's units (not of
        // the liveness-to-safety units of temporal properties).
        if opts.deadlock && i < program_units {
            match ivyc_vc::deadlock_obligation(&u.system, n) {
                Ok(o) => obligations.push((i, o)),
                Err(e) => {
                    diagnostics.push(ivyc_base::diagnostic::error(
                        "deadlock-unsupported",
                        e.message(),
                    ));
                    return stop(diagnostics, timings);
                }
            }
        }
    }
    timings.obligations = t.elapsed();
    if obligations.is_empty()
        && model_checked.is_empty()
        && bounded.is_empty()
        && exported.is_empty()
    {
        diagnostics.push(nothing_to_verify());
    }

    // The decidable fragment, checked per unit on what Ivy checks (all the
    // unit's formulas in one graph, docs/fragment.md).
    let t = Instant::now();
    let unit_outside: Vec<bool> = units
        .iter()
        .zip(is_mc.iter().zip(&bmc_depth).zip(&is_vmt))
        .map(|(u, ((mc, bmc), vmt))| {
            !mc && !vmt && bmc.is_none() && fragment::unit_errors(&u.system).is_some()
        })
        .collect();
    let outside: Vec<bool> = obligations
        .iter()
        .map(|(u, ob)| {
            unit_outside.get(*u).copied().unwrap_or(false)
                || (ob.kind == ivyc_vc::ObligationKind::DeadlockFreedom
                    && units.get(*u).is_some_and(|unit| {
                        fragment::obligation_errors(&unit.system, ob).is_some()
                    }))
        })
        .collect();
    timings.fragment = t.elapsed();
    if opts.fragment_check && (unit_outside.iter().any(|o| *o) || outside.iter().any(|o| *o)) {
        let report = fragment::report(&units, &obligations);
        return VerifyRun {
            diagnostics,
            units,
            liveness: lives,
            bmc: bmc_run,
            ended: Ended::OutsideFragment(report),
            timings,
            smt_dumps: Vec::new(),
        };
    }

    let jobs = opts.jobs.max(1);
    let (unit_of, obligations): (Vec<usize>, Vec<Obligation>) = obligations.into_iter().unzip();
    let smt_dumps = if opts.dump_smt {
        obligations.iter().map(smt_dump).collect()
    } else {
        Vec::new()
    };
    // The cache: the obligations proved before are not solved again (the
    // test hook that corrupts models wants every query solved).
    let t = Instant::now();
    let mut cache = opts
        .cache_dir
        .as_deref()
        .filter(|_| !opts.debug_corrupt_models)
        .map(|dir| {
            Cache::new(
                dir,
                &KeyContext {
                    z3: opts.z3.clone(),
                    timeout_ms: opts.timeout_ms,
                    restarts: opts.restarts,
                    z3_version: ivyc_smt::z3_version(),
                },
            )
        });
    let looked_up = match &mut cache {
        Some(c) => c.lookup(&obligations),
        None => Vec::new(),
    };
    let hit = |i: usize| looked_up.get(i).is_some_and(|(_, h)| *h);
    let to_solve: Vec<usize> = (0..obligations.len()).filter(|&i| !hit(i)).collect();
    timings.cache = t.elapsed();
    let t = Instant::now();
    let z3 = opts.z3.clone();
    let make = || Cancellable {
        inner: FreshZ3Solver::with_options(z3.clone()),
        cancel,
        watch,
    };
    let solved = {
        // Consecutive obligations sharing hypotheses stay consecutive, so
        // the discharge still groups them.
        let subset: Vec<Obligation>;
        let obs: &[Obligation] = if to_solve.len() == obligations.len() {
            &obligations
        } else {
            subset = to_solve
                .iter()
                .filter_map(|&i| obligations.get(i).cloned())
                .collect();
            &subset
        };
        if opts.debug_corrupt_models {
            let make = || ivyc_vc::Corrupting(make());
            ivyc_vc::discharge_all_timed(obs, make, jobs, opts.timeout_ms, &opts.restarts)
        } else {
            ivyc_vc::discharge_all_timed(obs, make, jobs, opts.timeout_ms, &opts.restarts)
        }
    };
    timings.solving = t.elapsed();
    let t = Instant::now();
    if let Some(c) = &cache {
        let new = to_solve
            .iter()
            .zip(&solved)
            .filter_map(|(&i, (o, _))| Some((&looked_up.get(i)?.0, o)));
        if let Err((dir, e)) = c.record(new) {
            diagnostics.push(cache_unwritable(&dir, &e));
        }
    }
    timings.cache += t.elapsed();
    // Back in the order of the obligations, the cached proofs in place.
    let mut solved = solved.into_iter();
    let results: Vec<(Outcome, Duration, bool)> = (0..obligations.len())
        .map(|i| {
            if hit(i) {
                (Outcome::Proved, Duration::ZERO, true)
            } else {
                let (o, d) = solved.next().unwrap_or((
                    Outcome::Unknown(Reason::Error("no result".into())),
                    Duration::ZERO,
                ));
                (o, d, false)
            }
        })
        .collect();
    timings.solver_sum = results.iter().map(|(_, d, _)| *d).sum();
    timings.jobs = jobs.min(to_solve.len()).max(1);
    timings.slowest = slowest(&obligations, &results);
    let checked: Vec<Checked> = obligations
        .into_iter()
        .zip(unit_of)
        .zip(results)
        .zip(outside)
        .map(
            |(((obligation, unit), (outcome, time, cached)), outside_fragment)| Checked {
                unit,
                obligation,
                outcome,
                time,
                outside_fragment,
                cached,
            },
        )
        .collect();
    VerifyRun {
        diagnostics,
        units,
        liveness: lives,
        bmc: bmc_run,
        ended: Ended::Discharged {
            checked,
            model_checked,
            bounded,
            exported,
            never_checked,
        },
        timings,
        smt_dumps,
    }
}

/// A solver whose queries end as undecided once `cancel` is set: those
/// not started yet at once, and (with `watch`, the language server's
/// runs) the one in progress too, by interrupting Z3.
struct Cancellable<'a, S> {
    inner: S,
    cancel: &'a AtomicBool,
    /// Interrupt a query in progress when `cancel` is set (a watcher
    /// thread per query: only for runs that can be cancelled).
    watch: bool,
}

impl<S> Cancellable<'_, S> {
    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Runs `f` on the inner solver, interruptible when watched; a result
    /// obtained after the cancellation is not a verdict (`None`).
    fn run<R>(&mut self, f: impl FnOnce(&mut S) -> R) -> Option<R> {
        if self.cancelled() {
            return None;
        }
        let cancel = self.cancel;
        let inner = &mut self.inner;
        let r = if self.watch {
            ivyc_smt::with_interrupt(cancel, || f(inner))
        } else {
            f(inner)
        };
        (!self.cancelled()).then_some(r)
    }
}

/// Runs `f` (model checking or a bounded search, on this thread's Z3
/// context), interrupted when `watch` and `cancel` is set; `None` when
/// cancelled before or during it: a result obtained after the
/// cancellation is not a verdict.
fn uncancelled<R>(cancel: &AtomicBool, watch: bool, f: impl FnOnce() -> R) -> Option<R> {
    if cancel.load(Ordering::Relaxed) {
        return None;
    }
    let r = if watch {
        ivyc_smt::with_interrupt(cancel, f)
    } else {
        f()
    };
    (!cancel.load(Ordering::Relaxed)).then_some(r)
}

fn cancelled_answer() -> Answer {
    Answer::Unknown(Reason::Error("cancelled".into()))
}

impl<S: Solver> Solver for Cancellable<'_, S> {
    fn check(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> Answer {
        self.run(|s| s.check(sig, hyps, goal, timeout_ms))
            .unwrap_or_else(cancelled_answer)
    }

    fn is_unsat(&mut self, sig: &Signature, hyps: &[Term], goal: &Term, timeout_ms: u64) -> bool {
        self.run(|s| s.is_unsat(sig, hyps, goal, timeout_ms))
            .unwrap_or(false)
    }

    fn set_seed(&mut self, seed: u32) -> bool {
        self.inner.set_seed(seed)
    }

    fn set_attempt_budget(&mut self, units: Option<u64>) -> bool {
        self.inner.set_attempt_budget(units)
    }

    fn check_many(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<Answer> {
        self.run(|s| s.check_many(sig, hyps, goals, timeout_ms))
            .unwrap_or_else(|| goals.iter().map(|_| cancelled_answer()).collect())
    }

    fn check_many_timed(
        &mut self,
        sig: &Signature,
        hyps: &[Term],
        goals: &[Term],
        timeout_ms: u64,
    ) -> Vec<(Answer, Duration)> {
        self.run(|s| s.check_many_timed(sig, hyps, goals, timeout_ms))
            .unwrap_or_else(|| {
                goals
                    .iter()
                    .map(|_| (cancelled_answer(), Duration::ZERO))
                    .collect()
            })
    }
}

/// Model checks one unit with Z3 (Spacer or k-induction; traces by
/// bounded model checking with minimised models).
fn model_check(sys: &ivyc_logic::System, opts: &VerifyOptions) -> Result<McRun, ivyc_mc::McError> {
    let mc = McOptions {
        engine: opts.mc_engine,
        timeout_ms: opts.timeout_ms,
        ..McOptions::default()
    };
    let z3 = Z3Options {
        minimize: true,
        ..opts.z3.clone()
    };
    let mut horn = Z3Horn::new();
    if opts.debug_corrupt_models {
        let mut tracer = ivyc_vc::CorruptingSession::new(Z3Incremental::with_options(z3.clone()));
        let mut smt = ivyc_vc::Corrupting(FreshZ3Solver::with_options(z3));
        ivyc_mc::check(sys, &mc, &mut horn, &mut smt, &mut tracer)
    } else {
        let mut tracer = Z3Incremental::with_options(z3.clone());
        let mut smt = FreshZ3Solver::with_options(z3);
        ivyc_mc::check(sys, &mc, &mut horn, &mut smt, &mut tracer)
    }
}

/// The [`SLOWEST`] slowest obligations with their sizes, slowest first
/// (ties in obligation order).
fn slowest(
    obligations: &[Obligation],
    results: &[(Outcome, Duration, bool)],
) -> Vec<ObligationCost> {
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|a, b| results[*b].1.cmp(&results[*a].1).then(a.cmp(b)));
    order
        .into_iter()
        .take(SLOWEST)
        .filter_map(|i| {
            Some(ObligationCost {
                index: i,
                time: results.get(i)?.1,
                size: obligations.get(i)?.size(),
            })
        })
        .collect()
}

/// An obligation as an SMT-LIB script named after it.
fn smt_dump(ob: &Obligation) -> SmtDump {
    let mut name = format!("{:04}-{}", ob.index, ob.kind.as_str());
    for part in [ob.action, ob.property_label].into_iter().flatten() {
        name.push('-');
        name.extend(part.to_string().chars().map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        }));
    }
    name.push_str(".smt2");
    let text = ivyc_smt::to_smtlib(&ob.sig, &ob.hypotheses, &ob.goal)
        .unwrap_or_else(|e| format!("; the query could not be encoded: {e}\n"));
    SmtDump { name, text }
}

/// The warning for a cache that cannot be written: the run goes on, its
/// proofs are not remembered.
fn cache_unwritable(dir: &std::path::Path, e: &std::io::Error) -> Diagnostic {
    warning(
        "cache-unwritable",
        format!(
            "cannot write the verification cache in `{}`: {e}",
            dir.display()
        ),
    )
    .with_notes(vec![format!(
        "help: set {} to a writable directory, or pass --no-cache",
        crate::cache::DIR_VAR
    )])
}

/// The warning for a run that reduced to no obligation at all: an "OK"
/// that proves nothing must not look like a proof.
fn nothing_to_verify() -> Diagnostic {
    warning(
        "nothing-to-verify",
        "nothing to verify: the program has no invariant, assertion or property to prove",
    )
    .with_notes(vec![
        "help: add invariants (`invariant [name] ...`) or assertions to the actions; ivyc reports success only because there is no proof obligation".into(),
    ])
}

/// A bounded search for safety violations (no liveness, no deadlock) of
/// `depth` steps with the budget and debug switches of `opts`.
fn safety_bmc(depth: usize, unbounded: bool, opts: &VerifyOptions) -> BmcRequest<'static> {
    BmcRequest {
        depth,
        bounds: &[],
        unbounded,
        property: None,
        budget_ms: opts.timeout_ms,
        debug_corrupt_models: opts.debug_corrupt_models,
        symmetry: true,
        progress: None,
        deadlock: false,
        liveness: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmc_methods_are_read_with_their_depth() {
        assert_eq!(bmc_method_depth("mc"), None);
        assert_eq!(bmc_method_depth("bmc"), None);
        assert_eq!(bmc_method_depth("bmc[7]"), Some(Ok(7)));
        assert_eq!(bmc_method_depth("bmc[3][2]"), Some(Ok(3)));
        assert!(matches!(bmc_method_depth("bmc[3][101]"), Some(Err(e)) if e.contains("unrolling")));
        assert!(matches!(bmc_method_depth("bmc[x]"), Some(Err(_))));
        assert!(matches!(bmc_method_depth("bmc[3"), Some(Err(_))));
    }
    use ivyc_sema::MemoryLoader;

    fn run(text: &str) -> VerifyRun {
        let mut sources = SourceMap::new();
        let root = sources.add("t.ivy", text);
        let mut loader = MemoryLoader::new();
        let opts = VerifyOptions {
            jobs: 1,
            ..VerifyOptions::default()
        };
        verify(&mut sources, root, &mut loader, &opts)
    }

    #[test]
    fn a_proof_is_success() {
        let r = run("#lang ivy1.7\ntype t\nrelation r(X:t)\nafter init { r(X) := false }\naction a(x:t) = { r(x) := false }\nexport a\ninvariant ~r(X)\n");
        assert_eq!(r.status(), Status::Success);
        assert_eq!(r.checked().len(), 2);
        assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn a_failure_is_check_failed() {
        let r = run("#lang ivy1.7\ntype t\nrelation r(X:t)\nafter init { r(X) := false }\naction a(x:t) = { r(x) := true }\nexport a\ninvariant ~r(X)\n");
        assert_eq!(r.status(), Status::CheckFailed);
    }

    #[test]
    fn no_obligation_is_a_warning() {
        let r = run(
            "#lang ivy1.7\ntype t\nrelation r(X:t)\naction a(x:t) = { r(x) := true }\nexport a\n",
        );
        assert_eq!(r.status(), Status::Success);
        assert!(r
            .diagnostics
            .iter()
            .any(|d| d.code.as_deref() == Some("nothing-to-verify")));
    }

    #[test]
    fn a_cancelled_run_decides_nothing() {
        let mut sources = SourceMap::new();
        let root = sources.add("t.ivy", "#lang ivy1.7\ntype t\nrelation r(X:t)\nafter init { r(X) := false }\naction a(x:t) = { r(x) := false }\nexport a\ninvariant ~r(X)\n");
        let mut loader = MemoryLoader::new();
        let opts = VerifyOptions {
            jobs: 1,
            ..VerifyOptions::default()
        };
        let r = verify_cancellable(
            &mut sources,
            root,
            &mut loader,
            &opts,
            &AtomicBool::new(true),
        );
        assert_eq!(r.checked().len(), 2);
        assert_eq!(r.status(), Status::Undecided);
    }

    /// A model-checked isolate (`method = mc`) of a cancelled run is not
    /// decided either (the model checker is not even started).
    #[test]
    fn a_cancelled_model_checking_run_decides_nothing() {
        let mut sources = SourceMap::new();
        let root = sources.add("t.ivy", "#lang ivy1.7\ntype t = {a, b}\nrelation r(X:t)\nafter init { r(X) := false }\naction set(x:t) = { r(x) := false }\nexport set\ninvariant ~r(X)\nattribute method = mc\n");
        let mut loader = MemoryLoader::new();
        for cancelled in [false, true] {
            let r = verify_cancellable(
                &mut sources,
                root,
                &mut loader,
                &VerifyOptions::default(),
                &AtomicBool::new(cancelled),
            );
            assert_eq!(r.model_checked().len(), 1, "{:?}", r.diagnostics);
            let want = if cancelled {
                Status::Undecided
            } else {
                Status::Success
            };
            assert_eq!(r.status(), want);
        }
    }

    #[test]
    fn input_errors_stop_the_run() {
        let r = run("#lang ivy1.7\nrelation r(X:nosuchsort)\n");
        assert_eq!(r.status(), Status::InputError);
        assert!(matches!(r.ended, Ended::InputErrors));
    }
}
