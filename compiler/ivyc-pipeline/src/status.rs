//! How a run of the pipeline ended, ordered from best to worst so that the
//! worst outcome of several checks wins (`max`). The command line maps each
//! to its exit code (one place: the CLI's `exit.rs`).

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Everything checked out.
    Success,
    /// The solver could not decide some obligation (and none failed).
    Undecided,
    /// A verification condition is outside the decidable fragment.
    OutsideFragment,
    /// A verification check failed: a counterexample exists.
    CheckFailed,
    /// The input has errors, or the request is wrong (unknown isolate, ...).
    InputError,
    /// ivyc itself failed: never reported as success.
    InternalError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_wins() {
        assert_eq!(Status::Success.max(Status::Undecided), Status::Undecided);
        assert_eq!(
            Status::OutsideFragment.max(Status::CheckFailed),
            Status::CheckFailed
        );
        assert_eq!(
            Status::CheckFailed.max(Status::InputError),
            Status::InputError
        );
        assert_eq!(
            Status::InternalError.max(Status::InputError),
            Status::InternalError
        );
    }
}
