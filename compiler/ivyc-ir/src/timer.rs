//! The timers of `include timeout` (`stdlib/timeout.ivy`): objects marked
//! `attribute ivyc_timer = true`, the instances of `timeout_wrapper`.
//! Nothing in the Ivy text calls their `handle_timeout` (ms-ivy's native
//! code does), so extraction takes it as a root of the extracted actions
//! ([`roots`]) and records it as a [`crate::ir::Timer`] that the extracted
//! process fires every [`PERIOD_MS`] milliseconds. Verification does not
//! see any of this. See docs/extract.md, "Timers: `include timeout`".

use ivyc_sema::program::ActionId;
use ivyc_sema::Program;

/// The attribute marking a timer object.
pub(crate) const ATTRIBUTE: &str = "ivyc_timer";

/// The period of the standard library's `timeout_sec` (one second).
pub(crate) const PERIOD_MS: u32 = 1000;

/// The action a timer runs at each expiry: `OBJECT.handle_timeout`.
pub(crate) fn action_name(object: &str) -> String {
    format!("{object}.handle_timeout")
}

/// Each marked object with its `handle_timeout` action, in declaration
/// order (objects without one are left out).
pub(crate) fn roots(p: &Program) -> Vec<(String, ActionId)> {
    crate::udp::marked_objects(p, ATTRIBUTE)
        .into_iter()
        .filter_map(|obj| {
            let name = action_name(&obj);
            let ix = p.actions.iter().position(|a| a.name.as_str() == name)?;
            let id = ActionId(u32::try_from(ix).ok()?);
            Some((obj, id))
        })
        .collect()
}
