//! The one place exit codes are defined: every subcommand ends in an `Exit`.

/// How a run of ivyc ended; ordered from best to worst so that the worst
/// outcome of several checks wins (`max`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything checked out.
    Success,
    /// The solver could not decide some obligation (and none failed).
    Undecided,
    /// A verification condition is outside the decidable fragment.
    OutsideFragment,
    /// A verification check failed: a counterexample exists.
    CheckFailed,
    /// The input has errors, or the command line is wrong.
    InputError,
    /// ivyc itself failed (a panic): never reported as success.
    InternalError,
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Success => 0,
            Exit::CheckFailed => 1,
            Exit::InputError => 2,
            Exit::Undecided => 3,
            Exit::OutsideFragment => 4,
            Exit::InternalError => 101,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_documented_values() {
        assert_eq!(Exit::Success.code(), 0);
        assert_eq!(Exit::CheckFailed.code(), 1);
        assert_eq!(Exit::InputError.code(), 2);
        assert_eq!(Exit::Undecided.code(), 3);
        assert_eq!(Exit::OutsideFragment.code(), 4);
        assert_eq!(Exit::Success.max(Exit::InputError), Exit::InputError);
    }
}
