//! The incremental verification cache (docs/cache.md): which obligations
//! of a run were proved before with the same query and options, and the
//! recording of the new proofs. Only proofs are stored (Z3 said `unsat`);
//! a failed obligation is solved again on every run, so its
//! counterexample is always the solver's own, and unknown answers,
//! timeouts and errors are never stored.
//!
//! [`key`] owns the canonical hash of a query, [`store`] the files on
//! disk (packs of keys); this module decides where the cache lives and
//! what goes in.

pub mod key;
pub mod store;

use std::path::PathBuf;

use ivyc_vc::{Obligation, Outcome};

pub use key::{Key, KeyContext, Keys};
pub use store::Store;

/// `IVYC_CACHE_DIR`: where the cache lives instead of the user cache dir.
pub const DIR_VAR: &str = "IVYC_CACHE_DIR";
/// `IVYC_NO_CACHE=1`: as `verify --no-cache` (tests and benchmarks).
pub const OFF_VAR: &str = "IVYC_NO_CACHE";

/// The cache directory the command line and the language server use:
/// `$IVYC_CACHE_DIR` if set (and not empty), else `ivyc` in the user's
/// cache directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux,
/// `~/Library/Caches` on macOS); `None` (no cache) when `IVYC_NO_CACHE=1`
/// or no such directory is known.
pub fn configured_dir() -> Option<PathBuf> {
    if std::env::var_os(OFF_VAR).is_some_and(|v| v == "1") {
        return None;
    }
    match std::env::var_os(DIR_VAR) {
        Some(d) if !d.is_empty() => Some(PathBuf::from(d)),
        _ => dirs::cache_dir().map(|d| d.join("ivyc")),
    }
}

/// The cache as one run uses it.
pub struct Cache {
    store: Store,
    keys: Keys,
    /// The proofs [`Cache::lookup`] found (kept first when the store
    /// evicts).
    hits: Vec<Key>,
}

impl Cache {
    /// The cache in `dir`, read (a missing or unreadable directory is an
    /// empty cache).
    pub fn new(dir: &std::path::Path, ctx: &KeyContext) -> Cache {
        Cache {
            store: Store::open(dir),
            keys: Keys::new(ctx),
            hits: Vec::new(),
        }
    }

    /// The key of every obligation and whether it was proved before.
    pub fn lookup(&mut self, obs: &[Obligation]) -> Vec<(Key, bool)> {
        let found: Vec<(Key, bool)> = obs
            .iter()
            .map(|o| {
                let k = self.keys.key(o);
                (k, self.store.is_proved(&k))
            })
            .collect();
        self.hits
            .extend(found.iter().filter(|(_, hit)| *hit).map(|(k, _)| *k));
        found
    }

    /// Records the proofs among `outcomes` (the others are not stored).
    pub fn record<'a>(
        &self,
        results: impl IntoIterator<Item = (&'a Key, &'a Outcome)>,
    ) -> Result<(), (PathBuf, std::io::Error)> {
        let proved: Vec<Key> = results
            .into_iter()
            .filter(|(_, o)| matches!(o, Outcome::Proved))
            .map(|(k, _)| *k)
            .collect();
        self.store
            .record(&proved, &self.hits)
            .map_err(|e| (self.store.dir().to_path_buf(), e))
    }
}
