//! Debug hook for comparing query shapes (docs/performance.md, "Query
//! shape"): when the environment variable `IVYC_DUMP_SMT` names a
//! directory, every query handed to Z3's `check` is also written there as
//! SMT-LIB 2 text (`Z3_solver_to_string`: the declarations and all
//! assertions in scope, hypotheses and negated goal together), one file per
//! check, `q<process>-<n>.smt2`. Off unless the variable is set; a failure
//! to write is ignored, since a debugging aid must not change any verdict.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// The dump directory, if `IVYC_DUMP_SMT` is set (read once per process).
fn dir() -> Option<&'static PathBuf> {
    DIR.get_or_init(|| std::env::var_os("IVYC_DUMP_SMT").map(PathBuf::from))
        .as_ref()
}

/// Writes the solver's current assertions if dumping is on.
pub(crate) fn query(solver: &z3::Solver) {
    let Some(dir) = dir() else { return };
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("q{}-{n:05}.smt2", std::process::id()));
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(path, solver.to_string());
}
