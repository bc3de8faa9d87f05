//! The `ivyc-progen` command: writes generated programs to a directory, or
//! one program to standard output.

use ivyc_progen::{features, file_name, generate, Features};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "usage: ivyc-progen [--seed S] [--start I] [--count N] [--out DIR] [--exclude F1,F2,...] [--include F1,...]
  Generates programs START..START+N of the run with seed S (defaults: seed 0,
  start 0, count 1). With --out, each is written to DIR/sSEED_INDEX.ivy and
  the paths are printed; without, the programs are printed.
  Features that --exclude can switch off (--include switches on `drivers`,
  off by default): ";

struct Args {
    seed: u64,
    start: u64,
    count: u64,
    out: Option<PathBuf>,
    features: Features,
}

fn number(flag: &str, v: Option<String>) -> Result<u64, String> {
    let v = v.ok_or_else(|| format!("{flag} needs a value"))?;
    v.parse::<u64>()
        .map_err(|_| format!("{flag}: `{v}` is not a number"))
}

fn parse(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut a = Args {
        seed: 0,
        start: 0,
        count: 1,
        out: None,
        features: Features::default(),
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--seed" => a.seed = number("--seed", it.next())?,
            "--start" => a.start = number("--start", it.next())?,
            "--count" => a.count = number("--count", it.next())?,
            "--out" => a.out = Some(PathBuf::from(it.next().ok_or("--out needs a directory")?)),
            "--include" => a
                .features
                .switch(&it.next().ok_or("--include needs a list")?, true)?,
            "--exclude" => a
                .features
                .switch(&it.next().ok_or("--exclude needs a list")?, false)?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("ivyc-progen: {msg}");
            }
            eprintln!("{USAGE}{}", features::NAMES.join(", "));
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("ivyc-progen: cannot create {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    for index in args.start..args.start.saturating_add(args.count) {
        let text = generate(args.seed, index, &args.features);
        match &args.out {
            Some(dir) => {
                let path = dir.join(file_name(args.seed, index));
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("ivyc-progen: cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
                println!("{}", path.display());
            }
            None => print!("{text}"),
        }
    }
    ExitCode::SUCCESS
}
