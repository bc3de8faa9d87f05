//! The `ivyc` binary: parses the command line, installs the panic hook and
//! dispatches to one module per subcommand; maps the outcome to an exit code.

mod bmc;
mod check;
mod cli;
mod cmake;
mod exit;
mod export;
mod extract;
mod frontend;
mod gentest;
mod infer;
mod loader;
mod lsp;
mod render;
mod replay;
mod replay_deadlock;
mod trace_file;
mod verify;
mod window;

use clap::{CommandFactory, FromArgMatches};
use cli::{Cli, Command};
use exit::Exit;
use std::sync::atomic::{AtomicBool, Ordering};

/// The exit code when stdout or stderr is a closed pipe (128 + SIGPIPE).
const BROKEN_PIPE: i32 = 141;

/// Set when the panic hook has printed a report.
static REPORTED: AtomicBool = AtomicBool::new(false);

fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // The z3 bindings panic on Z3 errors (e.g. a memory limit reached);
        // ivyc-smt catches those and reports an unknown answer, so they are
        // not bugs. Should one escape anyway, `main` still reports it.
        if info.location().is_some_and(|l| l.file().contains("/z3-0.")) {
            return;
        }
        // The reader of our output went away (`ivyc ... | head`): stop
        // quietly, as a program killed by SIGPIPE would (128 + 13).
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            std::process::exit(BROKEN_PIPE);
        }
        REPORTED.store(true, Ordering::SeqCst);
        let input: Vec<String> = std::env::args().skip(1).collect();
        eprintln!(
            "internal error: this is a bug in ivyc (arguments: {})",
            input.join(" ")
        );
        default(info);
    }));
}

fn main() {
    install_panic_hook();
    // `--version` names the Z3 library actually loaded, as Z3 reports it.
    let version: &'static str = Box::leak(
        format!(
            "{} (Z3 {})",
            env!("CARGO_PKG_VERSION"),
            ivyc_smt::z3_version()
        )
        .into_boxed_str(),
    );
    let matches = Cli::command().version(version).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let exit = match std::panic::catch_unwind(|| match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Bmc(args) => bmc::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Infer(args) => infer::run(args),
        Command::Test(args) => gentest::run(args),
        Command::Export(args) => export::run(args),
    }) {
        Ok(e) => e,
        // A panic is never success: the hook has printed the report.
        Err(_) => {
            if !REPORTED.load(Ordering::SeqCst) {
                eprintln!("internal error: this is a bug in ivyc (a failure inside Z3)");
            }
            Exit::InternalError
        }
    };
    std::process::exit(exit::code(exit));
}
