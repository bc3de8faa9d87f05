//! ivyc-infer: finds an inductive invariant for a system whose own
//! invariants are not inductive (`ivyc infer`). Solver-agnostic, like
//! ivyc-bmc: candidate universally quantified clauses over the state
//! vocabulary are enumerated from templates derived from the sorts
//! (`candidates`), those false in some reachable state of a small bounded
//! instance are dropped (`sample`, with the bounded search of ivyc-bmc),
//! a Houdini fixed point drops those not preserved (`houdini`), and
//! the ones that follow from the others, then the ones the rest do not
//! need to be inductive, are removed (`reduce`). The
//! result is re-verified by the caller's normal pipeline before it is
//! reported. See docs/infer.md.

pub mod candidates;
pub mod houdini;
pub mod reduce;
pub mod sample;

pub use candidates::{enumerate, enumerate_exists, Templates};
pub use houdini::{houdini, HoudiniResult};
pub use reduce::{drop_implied, reduce};
pub use sample::{sample, SampleResult};

use ivyc_logic::{Property, System, Term};

/// Label of candidate `i` (in the systems built for the search).
pub fn candidate_label(i: usize) -> String {
    format!("ivyc_infer_candidate_{i}")
}

/// `sys` with its own invariants followed by the `alive` candidates as
/// invariants (labelled [`candidate_label`]).
pub fn with_candidates(sys: &System, cands: &[Term], alive: &[bool]) -> System {
    let mut s = sys.clone();
    for (i, c) in cands.iter().enumerate() {
        if alive.get(i).copied().unwrap_or(false) {
            s.invariants
                .push(Property::new(Some(&candidate_label(i)), c.clone(), None));
        }
    }
    s
}

/// The candidate index of an invariant label, if it is one.
pub fn candidate_index(label: &str) -> Option<usize> {
    label
        .strip_prefix("ivyc_infer_candidate_")
        .and_then(|n| n.parse().ok())
}
