//! `ivyc replay TRACE FILE`: placeholder replaced below.
use crate::cli::ReplayArgs;
use crate::exit::Exit;
pub fn run(_args: &ReplayArgs) -> Exit {
    Exit::InputError
}
