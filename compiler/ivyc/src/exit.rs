//! The one place exit codes are defined: every subcommand ends in an
//! [`Exit`], the pipeline's [`Status`](ivyc_pipeline::Status) of the run.

/// How a run of ivyc ended; ordered from best to worst so that the worst
/// outcome of several checks wins (`max`).
pub use ivyc_pipeline::Status as Exit;

/// The process exit code of an outcome.
pub fn code(exit: Exit) -> i32 {
    match exit {
        Exit::Success => 0,
        Exit::CheckFailed => 1,
        Exit::InputError => 2,
        Exit::Undecided => 3,
        Exit::OutsideFragment => 4,
        Exit::InternalError => 101,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_documented_values() {
        assert_eq!(code(Exit::Success), 0);
        assert_eq!(code(Exit::CheckFailed), 1);
        assert_eq!(code(Exit::InputError), 2);
        assert_eq!(code(Exit::Undecided), 3);
        assert_eq!(code(Exit::OutsideFragment), 4);
        assert_eq!(code(Exit::InternalError), 101);
        assert_eq!(Exit::Success.max(Exit::InputError), Exit::InputError);
    }
}
