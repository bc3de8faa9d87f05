//! ivyc-progen: random protocol-shaped Ivy programs for differential
//! testing of `ivyc verify` against ms-ivy's `ivy_check`
//! (`scripts/differential.sh`). Programs are built from protocol fragments
//! whose invariants hold (sometimes perturbed so that they do not), random
//! extra state and code, objects, isolates and calls; each is a function of
//! a seed and an index only.

pub mod components;
pub mod features;
pub mod fmla;
pub mod program;
pub mod rng;
pub mod sig;

pub use features::Features;
pub use program::generate;

/// The file name of program `index` of the run with `seed`.
pub fn file_name(seed: u64, index: u64) -> String {
    format!("s{seed}_{index:05}.ivy")
}
