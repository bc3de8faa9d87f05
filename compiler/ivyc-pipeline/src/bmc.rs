//! Bounded model checking of verification units (`ivyc bmc`, and the search
//! behind `verify --bmc K`): requests resolved against each unit's
//! signature (`--bound`, or the default bounds widened while the time
//! budget allows), one incremental Z3 session for the search of every
//! unit, stopping at the first violation (with `--deadlock`: at the first
//! deadlock); what each pass covered, by sort name.

use ivyc_base::diagnostic::error as error_diag;
use ivyc_base::{Diagnostic, Symbol};
use ivyc_bmc::{BmcOptions, BmcResult, SortBounds, Trace};
use ivyc_logic::{Reason, Signature, SortId, SortKind};
use ivyc_sema::lower::Unit;
use ivyc_smt::{Z3Incremental, Z3Options};
use std::time::{Duration, Instant};

use crate::Status;

/// What to search for, before sort names are resolved per unit.
pub struct BmcRequest<'a> {
    pub depth: usize,
    /// `--bound SORT=N`: exactly these bounds. Empty: the default bounds,
    /// widened while the budget allows (unless `unbounded`).
    pub bounds: &'a [(String, u32)],
    /// No bounds at all (`--unbounded`).
    pub unbounded: bool,
    /// Only the invariants and assertions with this label.
    pub property: Option<&'a str>,
    /// The time budget of the whole search in milliseconds (0: none).
    pub budget_ms: u64,
    /// Test hook: corrupt every model before the independent check.
    pub debug_corrupt_models: bool,
    /// Break the symmetry of bounded sorts (`--no-symmetry` turns it off,
    /// to measure what it gains).
    pub symmetry: bool,
    /// Called after each depth shown free of violations: the unit, the
    /// pass's bounds, the depth and the time since the search started.
    pub progress: Option<&'a Progress>,
    /// Search for a deadlock (a reachable state where no exported action
    /// is enabled) instead of a violation (`--deadlock`).
    pub deadlock: bool,
    /// Search for a lasso refuting a temporal property instead
    /// (`--liveness`).
    pub liveness: bool,
}

/// Bounds by sort name (sorts not listed: any number of elements).
pub type NamedBounds = Vec<(String, u32)>;

/// The progress callback: the unit, the pass's bounds, the depth shown
/// free of violations and the time since the search started.
pub type Progress = dyn Fn(Option<Symbol>, &NamedBounds, usize, Duration);

/// What one pass of a unit's search covered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Covered {
    pub bounds: NamedBounds,
    /// Depths `0..=d` have no violation under these bounds (`None`: not
    /// even depth 0 was decided).
    pub depth: Option<usize>,
    /// Why the pass stopped before the requested depth.
    pub stopped: Option<Reason>,
}

/// The result of searching one unit.
pub struct UnitSearch {
    /// The isolate's name (`None`: the whole program / `this`).
    pub name: Option<Symbol>,
    pub result: BmcResult,
    /// The default bounds the search started from (`None`: bounds given
    /// with `--bound`, `--unbounded`, or no uninterpreted sort).
    pub defaults: Option<NamedBounds>,
    /// What each pass covered, in order.
    pub covered: Vec<Covered>,
    /// The bounds under which the violation (if any) was found.
    pub found_with: NamedBounds,
    /// The names of the unit's exported actions.
    pub exported: Vec<String>,
}

impl UnitSearch {
    /// The strongest claim of a search without violation: the last pass
    /// that reached the requested depth (its bounds; empty: any size).
    pub fn strongest(&self) -> Option<&Covered> {
        self.covered.iter().rev().find(|c| c.stopped.is_none())
    }
}

fn named(sig: &Signature, bounds: &[(SortId, u32)]) -> NamedBounds {
    bounds
        .iter()
        .map(|&(s, n)| (sig.sort_name(s).to_string(), n))
        .collect()
}

/// The default bounds each unit's search would start from (for the
/// announcement before the search; `None` as in [`UnitSearch::defaults`]).
/// Nothing is announced for a request the search will refuse (an unknown
/// `--property`, a deadlock formula that cannot be built).
pub fn announced_bounds(units: &[Unit], req: &BmcRequest) -> Vec<Option<NamedBounds>> {
    let known = |p: &str| {
        let p = Symbol::intern(p);
        units
            .iter()
            .any(|u| ivyc_bmc::search::has_property(&u.system, p))
    };
    let refused = req.property.is_some_and(|p| !known(p))
        || (req.deadlock
            && units
                .iter()
                .any(|u| ivyc_logic::enabled::deadlock(&u.system).is_err()));
    units
        .iter()
        .map(|u| {
            if !req.bounds.is_empty() || req.unbounded || refused {
                return None;
            }
            let b = ivyc_bmc::default_bounds(&u.system);
            (!b.is_empty()).then(|| named(&u.system.sig, &b))
        })
        .collect()
}

/// The result of a search over units: request errors, or one result per
/// unit searched (in order; the search stops at the first violation).
pub struct BmcRun {
    pub errors: Vec<Diagnostic>,
    pub units: Vec<UnitSearch>,
    /// Several named units: reports say which isolate each result is for.
    pub show_units: bool,
    /// A deadlock search (`--deadlock`).
    pub deadlock: bool,
    /// A lasso search (`--liveness`).
    pub liveness: bool,
}

impl BmcRun {
    /// `Success` when every query up to the depth was unsatisfiable,
    /// `CheckFailed` for a violation, `Undecided` when the solver could not
    /// decide some depth (and found no violation), `InputError` for a bad
    /// `--bound` or `--property`.
    pub fn status(&self) -> Status {
        if !self.errors.is_empty() {
            return Status::InputError;
        }
        self.units
            .iter()
            .map(|u| match u.result {
                BmcResult::NoViolation { .. } => Status::Success,
                BmcResult::Unknown { .. } => Status::Undecided,
                BmcResult::Violation(_) => Status::CheckFailed,
                BmcResult::InternalError(_) => Status::InternalError,
            })
            .max()
            .unwrap_or(Status::Success)
    }

    /// The violation found, with the unit it is in.
    pub fn violation(&self) -> Option<(Option<Symbol>, &Trace)> {
        self.units.iter().find_map(|u| match &u.result {
            BmcResult::Violation(t) => Some((u.name, &**t)),
            _ => None,
        })
    }
}

/// `--bound` resolved in one unit's signature; `Err` names an unknown or
/// interpreted sort.
fn resolve_bounds(unit: &Unit, bounds: &[(String, u32)]) -> Result<Vec<(SortId, u32)>, String> {
    bounds
        .iter()
        .map(|(name, n)| {
            let sig = &unit.system.sig;
            match sig.lookup_sort(name) {
                Some(s) if matches!(sig.sort_kind(s), SortKind::Uninterpreted) => Ok((s, *n)),
                Some(_) => Err(format!(
                    "`--bound {name}={n}`: `{name}` is not an uninterpreted sort"
                )),
                None => {
                    let names: Vec<&str> = sig
                        .sorts()
                        .filter(|(_, d)| matches!(d.kind, SortKind::Uninterpreted))
                        .map(|(id, _)| sig.sort_name(id))
                        .collect();
                    Err(format!(
                        "`--bound {name}={n}`: no sort named `{name}` (uninterpreted sorts: {})",
                        if names.is_empty() {
                            "none".to_string()
                        } else {
                            names.join(", ")
                        }
                    ))
                }
            }
        })
        .collect()
}

/// Searches every unit in turn, stopping at the first violation (or
/// internal error).
pub fn search_units(units: &[Unit], req: &BmcRequest) -> BmcRun {
    let show_units = units.iter().any(|u| u.name.is_some());
    let mut run = BmcRun {
        errors: Vec::new(),
        units: Vec::new(),
        show_units,
        deadlock: req.deadlock,
        liveness: req.liveness,
    };
    let mut per_unit = Vec::new();
    for u in units {
        match resolve_bounds(u, req.bounds) {
            Ok(b) => per_unit.push(b),
            Err(msg) => {
                run.errors.push(error_diag("unknown-sort", msg));
                return run;
            }
        }
    }
    // The deadlock formula of each unit (refused: an input error).
    let mut deadlocks = Vec::new();
    if req.deadlock {
        for u in units {
            match ivyc_logic::enabled::deadlock(&u.system) {
                Ok(t) => deadlocks.push(Some(t)),
                Err(e) => {
                    run.errors
                        .push(error_diag("deadlock-unsupported", e.message()));
                    return run;
                }
            }
        }
    }
    // The lasso goals of each unit (`--liveness`).
    let mut lassos: Vec<Vec<ivyc_bmc::LassoGoal>> = Vec::new();
    if req.liveness {
        for u in units {
            match ivyc_bmc::lasso::goals(&u.system) {
                Ok(g) => lassos.push(g),
                Err(e) => {
                    run.errors.push(error_diag("liveness-unsupported", e));
                    return run;
                }
            }
        }
        if lassos.iter().all(Vec::is_empty) {
            run.errors.push(error_diag(
                "no-temporal-property",
                "`--liveness`: the program has no `temporal property` to refute",
            ));
            return run;
        }
    }
    let property = req.property.map(Symbol::intern);
    if let Some(p) = property {
        if !units
            .iter()
            .any(|u| ivyc_bmc::search::has_property(&u.system, p))
        {
            run.errors.push(error_diag(
                "unknown-property",
                format!("no invariant or assertion is labelled `{p}`"),
            ));
            return run;
        }
    }
    let options = Z3Options {
        minimize: true,
        ..Z3Options::default()
    };
    let mut solver = Z3Incremental::with_options(options.clone());
    let mut corrupting = req
        .debug_corrupt_models
        .then(|| ivyc_vc::CorruptingSession::new(Z3Incremental::with_options(options)));
    let announced = announced_bounds(units, req);
    let start = Instant::now();
    let deadline = (req.budget_ms > 0).then(|| start + Duration::from_millis(req.budget_ms));
    let n = units.len();
    for (i, ((u, bounds), defaults)) in units.iter().zip(per_unit).zip(announced).enumerate() {
        let bounds = if !bounds.is_empty() || req.unbounded {
            SortBounds::Fixed(bounds)
        } else {
            SortBounds::Auto
        };
        // Later passes (wider bounds) of a unit take no more than its share
        // of what is left, so that the units after it get their turn.
        let widen_deadline = deadline.map(|d| {
            let left = d.saturating_duration_since(Instant::now());
            let share = left / u32::try_from(n - i).unwrap_or(1).max(1);
            Instant::now() + share
        });
        let opts = BmcOptions {
            depth: req.depth,
            bounds,
            property,
            timeout_ms: 0,
            deadline,
            widen_deadline,
            symmetry: req.symmetry,
            deadlock: deadlocks.get(i).cloned().flatten(),
            lasso: None,
        };
        // One search per temporal property with `--liveness` (none for a
        // unit without), else one search.
        let goals: Vec<Option<ivyc_bmc::LassoGoal>> = if req.liveness {
            lassos
                .get(i)
                .into_iter()
                .flatten()
                .cloned()
                .map(Some)
                .collect()
        } else {
            vec![None]
        };
        for goal in goals {
            let opts = BmcOptions {
                lasso: goal,
                ..opts.clone()
            };
            let sig = &u.system.sig;
            let report = |b: &[(SortId, u32)], d: usize| {
                if let Some(p) = req.progress {
                    p(u.name, &named(sig, b), d, start.elapsed());
                }
            };
            let result = match corrupting.as_mut() {
                Some(s) => ivyc_bmc::search(&u.system, &opts, s, report),
                None => ivyc_bmc::search(&u.system, &opts, &mut solver, report),
            };
            let (covered, found_with) = match &result {
                BmcResult::NoViolation { covered, .. } | BmcResult::Unknown { covered, .. } => {
                    (covered.clone(), Vec::new())
                }
                BmcResult::Violation(t) => (Vec::new(), named(sig, &t.bounds)),
                BmcResult::InternalError(_) => (Vec::new(), Vec::new()),
            };
            let covered = covered
                .into_iter()
                .map(|c| Covered {
                    bounds: named(sig, &c.bounds),
                    depth: c.depth,
                    stopped: c.stopped,
                })
                .collect();
            let violated = matches!(
                result,
                BmcResult::Violation(_) | BmcResult::InternalError(_)
            );
            run.units.push(UnitSearch {
                name: u.name,
                result,
                defaults: defaults.clone(),
                covered,
                found_with,
                exported: u
                    .system
                    .actions
                    .iter()
                    .filter(|a| a.exported)
                    .map(|a| a.name.to_string())
                    .collect(),
            });
            if violated {
                return run;
            }
        }
    }
    run
}
