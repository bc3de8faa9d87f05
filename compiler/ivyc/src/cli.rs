//! Command-line definition (clap): subcommands and their options.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "ivyc",
    version,
    about = "Verify Ivy 1.7 protocols with Z3 and extract them to C++",
    after_help = "Exit codes: 0 success, 1 a check failed, 2 errors in the input or usage, \
                  3 solver undecided, 4 outside the decidable fragment."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and check a file without proving anything.
    Check(CheckArgs),
    /// Prove the invariants and assertions of a file.
    Verify(VerifyArgs),
    /// Extract verified code to C++.
    Extract(ExtractArgs),
    /// Search for a reachable violation within K steps (bounded model checking).
    Bmc(BmcArgs),
    /// Replay a `bmc --trace-out` trace against the extracted C++.
    Replay(ReplayArgs),
    /// Run the language server (LSP 3.17 over stdin/stdout) for editors.
    Lsp(LspArgs),
    /// Find invariants that make the program's invariants inductive.
    Infer(InferArgs),
    /// Randomized testing of the extracted C++ (docs/testing-generated-code.md).
    Test(TestArgs),
    /// Write the transition system of a file as VMT-LIB (without checking it).
    Export(ExportArgs),
}

#[derive(Args, Debug)]
pub struct TestArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Sizes of uninterpreted sorts, `SORT=N` (default 3 each).
    #[arg(value_name = "SORT=N", value_parser = parse_bound)]
    pub sizes: Vec<(String, u32)>,
    /// Test only this isolate (as `extract --isolate`).
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
    /// Seed of the random choices: the same seed gives the same runs.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Number of runs (each from a fresh, initialized object).
    #[arg(long, value_name = "R", default_value_t = 100,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub runs: u64,
    /// Largest number of steps (exported action calls) per run.
    #[arg(long, value_name = "S", default_value_t = 100)]
    pub steps: u64,
    /// Driver processes running the runs in parallel.
    #[arg(long, value_name = "W", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=256))]
    pub workers: u64,
    /// Network faults (drop, duplicate a message in flight) each run may
    /// inject on the specification's channels (default 0: none).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_faults: u64,
    /// Write a violation as a trace in the `bmc --trace-out` JSON format
    /// (replayed by `ivyc replay`).
    #[arg(long, value_name = "FILE")]
    pub trace_out: Option<PathBuf>,
    /// The runtime-cpp source directory (default: the one next to this ivyc build).
    #[arg(long, value_name = "DIR")]
    pub runtime_dir: Option<PathBuf>,
    /// Build in DIR (created) and keep it, instead of a temporary directory.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct InferArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Infer for this isolate (programs without isolates only, for now).
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
    /// Time budget of the whole search, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub time: u64,
    /// Add the invariants found to the file (marked `# inferred by ivyc infer`).
    #[arg(long)]
    pub write: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// Literals per candidate clause.
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=4))]
    pub max_literals: u64,
    /// Variables per candidate clause (all sorts together).
    #[arg(long, value_name = "N", default_value_t = 3,
          value_parser = clap::value_parser!(u64).range(1..=6))]
    pub max_vars: u64,
    /// Variables of one sort per candidate clause.
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u64).range(1..=4))]
    pub vars_per_sort: u64,
    /// Depth of the bounded search that prunes candidates on reachable states.
    #[arg(long, value_name = "K", default_value_t = 4)]
    pub depth: usize,
}

#[derive(Args, Debug, Clone)]
pub struct LspArgs {
    /// Extra directories to search for `include`d files.
    #[arg(short = 'I', long = "include-dir", value_name = "DIR")]
    pub include_dirs: Vec<PathBuf>,
    /// Accepted for editors that pass it (stdio is the only transport).
    #[arg(long)]
    pub stdio: bool,
}

#[derive(Args, Debug, Clone)]
pub struct InputArgs {
    /// The Ivy source file (`-`: standard input).
    pub file: PathBuf,
    /// Extra directories to search for `include`d files.
    #[arg(short = 'I', long = "include-dir", value_name = "DIR")]
    pub include_dirs: Vec<PathBuf>,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Rendered for people, with source snippets.
    Human,
    /// One JSON object per line, for editors and CI.
    Json,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Stop after parsing.
    #[arg(long, conflicts_with = "fragment")]
    pub parse_only: bool,
    /// Also check that every verification condition is in the decidable
    /// fragment (without solving).
    #[arg(long)]
    pub fragment: bool,
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// More Ivy files, each verified on its own, one after the other (the
    /// exit code is the worst of theirs).
    #[arg(value_name = "MORE_FILES")]
    pub more_files: Vec<PathBuf>,
    /// List every obligation (by default: a summary line per action, and
    /// the obligations that were not proved).
    #[arg(short = 'v', long, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print only what was not proved and the totals.
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// Number of worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Send obligations outside the decidable fragment to Z3 anyway.
    #[arg(long)]
    pub no_fragment_check: bool,
    /// Do not shrink counterexamples.
    #[arg(long)]
    pub no_minimize: bool,
    /// Print the time spent in each phase and the slowest obligations with
    /// their sizes (on stderr).
    #[arg(long)]
    pub timings: bool,
    /// Write every obligation sent to the solver as an SMT-LIB script into
    /// DIR (created if missing), for debugging and comparing query shapes.
    #[arg(long, value_name = "DIR")]
    pub dump_smt: Option<PathBuf>,
    /// Neither read nor write the verification cache: solve every
    /// obligation (docs/cache.md; also `IVYC_NO_CACHE=1`).
    #[arg(long)]
    pub no_cache: bool,
    /// Verify only this isolate (`this` for what no isolate covers).
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
    /// First search for a violation reachable within K steps (`ivyc bmc`);
    /// one found is reported as a real bug.
    #[arg(long, value_name = "K")]
    pub bmc: Option<usize>,
    /// Also prove deadlock freedom: in every state satisfying the axioms and
    /// the invariants some exported action is enabled (docs/liveness.md).
    #[arg(long)]
    pub deadlock: bool,
    /// The engine that model checks `method = mc` isolates (docs/mc.md).
    #[arg(long, value_enum, default_value_t = McEngine::Spacer)]
    pub mc_engine: McEngine,
    /// Write the trace of a violation found by the model checker as JSON
    /// (the `ivyc bmc --trace-out` format, replayable with `ivyc replay`).
    #[arg(long, value_name = "FILE")]
    pub trace_out: Option<PathBuf>,
    /// Write the VMT-LIB files of `method = vmt` isolates into DIR
    /// (created if missing) instead of the current directory (docs/vmt.md).
    #[arg(long, value_name = "DIR")]
    pub vmt_dir: Option<PathBuf>,
}

/// `ivyc export`: the program's transition system in another format.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the transition system as VMT-LIB into FILE (docs/vmt.md);
    /// nothing is checked.
    #[arg(long, value_name = "FILE")]
    pub vmt: PathBuf,
    /// Export only this isolate (`this` for what no isolate covers); by
    /// default the whole program, every call inlined.
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
}

/// Model-checking engines (`verify --mc-engine`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum McEngine {
    /// Z3's Spacer over constrained Horn clauses (IC3/PDR).
    Spacer,
    /// k-induction with simple-path constraints.
    KInduction,
}

/// Limits of the solver (`verify`, and the verification before `extract`).
#[derive(Args, Debug, Clone)]
pub struct SolverArgs {
    /// Solver time limit per obligation, in seconds (0: no limit).
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    /// Solver time limit per obligation in milliseconds, for limits under
    /// a second; replaces --timeout.
    #[arg(long, value_name = "MS", conflicts_with = "timeout",
          value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout_ms: Option<u64>,
    /// Memory limit of the solver in megabytes (Z3's `memory_max_size`,
    /// shared by all worker threads); an obligation that reaches it is
    /// undecided (exit 3), reported as out of memory.
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u32).range(1..))]
    pub memory_limit: Option<u32>,
    /// Z3 parameters for experiments, `NAME=VALUE` separated by spaces or
    /// commas (e.g. "smt.macro_finder=false smt.mbqi=true"), set over
    /// ivyc's defaults as Z3 global parameters (docs/smt.md). Also read
    /// from the environment variable IVYC_Z3_PARAMS.
    #[arg(long = "z3-params", value_name = "PARAMS", env = "IVYC_Z3_PARAMS",
          hide = true, value_parser = parse_z3_params)]
    pub z3_params: Option<Z3Params>,
    /// Budget in milliseconds of a query's first attempt: a query that
    /// times out within it is asked again with another random seed and
    /// twice the budget, within --timeout (0: no restarts; docs/smt.md).
    #[arg(
        long = "restart-ms",
        value_name = "MS",
        env = "IVYC_RESTART_MS",
        hide = true
    )]
    pub restart_ms: Option<u64>,
}

/// A list of Z3 parameter settings (one command-line value).
#[derive(Clone, Debug)]
pub struct Z3Params(pub Vec<ivyc_smt::Z3Param>);

/// `NAME=VALUE ...` (syntax only; Z3 checks the names when they are set).
fn parse_z3_params(s: &str) -> Result<Z3Params, String> {
    ivyc_smt::parse_params(s)
        .map(Z3Params)
        .map_err(|e| e.to_string())
}

impl SolverArgs {
    /// The restart policy: ivyc's default unless --restart-ms is given.
    pub fn restarts(&self) -> ivyc_vc::RestartPolicy {
        match self.restart_ms {
            None => ivyc_vc::RestartPolicy::default(),
            Some(ms) => ivyc_vc::RestartPolicy {
                first_ms: ms,
                ..ivyc_vc::RestartPolicy::default()
            },
        }
    }

    /// ivyc's default Z3 parameters with the experiment's settings over them.
    pub fn z3_params(&self) -> Vec<ivyc_smt::Z3Param> {
        let extra = self.z3_params.as_ref().map_or(&[][..], |p| &p.0[..]);
        ivyc_smt::merge_params(&ivyc_smt::default_params(), extra)
    }

    /// The time limit per obligation in milliseconds (0: none).
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
            .unwrap_or_else(|| self.timeout.saturating_mul(1000))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A line per action (`-v`: per obligation) and readable counterexamples.
    Human,
    /// One JSON document (see docs/verify-json.md).
    Json,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Directory to write C++ into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub cpp: PathBuf,
    /// Extract without verifying first (the code is then not known to be
    /// correct).
    #[arg(long)]
    pub no_verify: bool,
    /// Verify with the obligations outside the decidable fragment sent to
    /// Z3 anyway (as `verify --no-fragment-check`: the result is labelled).
    #[arg(long, conflicts_with = "no_verify")]
    pub no_fragment_check: bool,
    /// Verify without the verification cache (as `verify --no-cache`).
    #[arg(long, conflicts_with = "no_verify")]
    pub no_cache: bool,
    #[command(flatten)]
    pub solver: SolverArgs,
    /// The runtime-cpp source directory the generated CMakeLists.txt uses
    /// by default (IVYC_RUNTIME_DIR); defaults to the runtime next to this
    /// ivyc build, if any.
    #[arg(long, value_name = "DIR")]
    pub runtime_dir: Option<PathBuf>,
    /// Extract only this isolate: its exported actions are the methods;
    /// calls to actions of other isolates become host callbacks.
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
    /// Extract the unit of this `extract NAME = obj, ...` declaration:
    /// the listed objects run as code, calls to other actions become host
    /// callbacks.
    #[arg(value_name = "NAME", conflicts_with = "isolate")]
    pub unit: Option<String>,
}

#[derive(Args, Debug)]
pub struct BmcArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The largest number of action steps after the initializer.
    #[arg(long, value_name = "K")]
    pub depth: usize,
    /// Search only this isolate (`this` for what no isolate covers).
    #[arg(long, value_name = "NAME")]
    pub isolate: Option<String>,
    /// Check only the invariants and assertions with this label.
    #[arg(long, value_name = "LABEL")]
    pub property: Option<String>,
    /// Search for a reachable deadlock (a state where no exported action
    /// is enabled) instead of a violation (docs/liveness.md).
    #[arg(long, conflicts_with = "property")]
    pub deadlock: bool,
    /// Search for a lasso (a prefix and a loop) on which a temporal
    /// property fails while the temporal axioms (fairness) hold
    /// (docs/liveness.md).
    #[arg(long, conflicts_with_all = ["property", "deadlock"])]
    pub liveness: bool,
    /// At most N elements in an uninterpreted sort (repeatable); other
    /// sorts are unbounded. Without it, small default bounds are widened
    /// while the time budget allows.
    #[arg(long = "bound", value_name = "SORT=N", value_parser = parse_bound)]
    pub bounds: Vec<(String, u32)>,
    /// No bound on any sort (no default bounds).
    #[arg(long, conflicts_with = "bounds")]
    pub unbounded: bool,
    /// Do not break the symmetry of bounded sorts (slower; for measuring).
    #[arg(long)]
    pub no_symmetry: bool,
    /// Print a line to stderr after each depth shown free of violations.
    #[arg(long)]
    pub progress: bool,
    /// Write the violating trace as JSON (docs/bmc.md).
    #[arg(long, value_name = "FILE")]
    pub trace_out: Option<PathBuf>,
    /// Time budget of the whole search, in seconds (0: none); each solver
    /// query gets what is left of it.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
}

/// `SORT=N` with N at least 1.
fn parse_bound(s: &str) -> Result<(String, u32), String> {
    let (sort, n) = s
        .split_once('=')
        .ok_or_else(|| format!("expected SORT=N, got `{s}`"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("expected a number of elements in `{s}`"))?;
    if n == 0 || sort.trim().is_empty() {
        return Err(format!("expected SORT=N with N >= 1, got `{s}`"));
    }
    Ok((sort.trim().to_owned(), n))
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// A trace written by `ivyc bmc --trace-out`.
    pub trace: PathBuf,
    #[command(flatten)]
    pub input: InputArgs,
    /// The runtime-cpp source directory (default: the one next to this ivyc build).
    #[arg(long, value_name = "DIR")]
    pub runtime_dir: Option<PathBuf>,
}

/// How much of a successful verification the human report lists
/// (`verify -q`, default, `-v`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Only the obligations not proved, and the totals.
    Quiet,
    /// A line per action (or init, properties, ...) with its counts, and
    /// every obligation not proved.
    Summary,
    /// A line per obligation.
    Verbose,
}

impl VerifyArgs {
    pub fn detail(&self) -> Detail {
        if self.verbose {
            Detail::Verbose
        } else if self.quiet {
            Detail::Quiet
        } else {
            Detail::Summary
        }
    }
}
