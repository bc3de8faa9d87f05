//! Bounded model checking of verification units (`ivyc bmc`, and the search
//! behind `verify --bmc K`): requests resolved against each unit's
//! signature, one search per unit, stopping at the first violation.

use ivyc_base::diagnostic::error as error_diag;
use ivyc_base::{Diagnostic, Symbol};
use ivyc_bmc::{BmcOptions, BmcResult, Trace};
use ivyc_logic::{SortId, SortKind};
use ivyc_sema::lower::Unit;
use ivyc_smt::{FreshZ3Solver, Z3Options};

use crate::Status;

/// What to search for, before sort names are resolved per unit.
pub struct BmcRequest<'a> {
    pub depth: usize,
    pub bounds: &'a [(String, u32)],
    /// Only the invariants and assertions with this label.
    pub property: Option<&'a str>,
    pub timeout_secs: u64,
    /// Test hook: corrupt every model before the independent check.
    pub debug_corrupt_models: bool,
}

/// The result of searching one unit.
pub struct UnitSearch {
    /// The isolate's name (`None`: the whole program / `this`).
    pub name: Option<Symbol>,
    pub result: BmcResult,
}

/// The result of a search over units: request errors, or one result per
/// unit searched (in order; the search stops at the first violation).
pub struct BmcRun {
    pub errors: Vec<Diagnostic>,
    pub units: Vec<UnitSearch>,
    /// Several named units: reports say which isolate each result is for.
    pub show_units: bool,
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
    let mut solver = FreshZ3Solver::with_options(options.clone());
    let mut corrupting = req
        .debug_corrupt_models
        .then(|| ivyc_vc::Corrupting(FreshZ3Solver::with_options(options)));
    for (u, bounds) in units.iter().zip(per_unit) {
        let opts = BmcOptions {
            depth: req.depth,
            bounds,
            property,
            timeout_ms: req.timeout_secs.saturating_mul(1000),
        };
        let result = match corrupting.as_mut() {
            Some(s) => ivyc_bmc::search(&u.system, &opts, s, |_| {}),
            None => ivyc_bmc::search(&u.system, &opts, &mut solver, |_| {}),
        };
        let violated = matches!(
            result,
            BmcResult::Violation(_) | BmcResult::InternalError(_)
        );
        run.units.push(UnitSearch {
            name: u.name,
            result,
        });
        if violated {
            break;
        }
    }
    run
}
