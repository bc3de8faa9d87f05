//! Building generated C++ with the real `cmake`: writes the files into a
//! directory, configures and builds them there, and turns a failing tool
//! into a message with the tail of its output (used by `replay` and `test`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `cmd`; on failure, the message names `what` and ends with the last
/// lines the tool printed.
pub(crate) fn run_tool(cmd: &mut Command, what: &str) -> Result<(), String> {
    match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr);
            let out = String::from_utf8_lossy(&o.stdout);
            let tail: Vec<&str> = err.lines().chain(out.lines()).rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            Err(format!("{what} failed:\n{}", tail.join("\n")))
        }
        Err(e) => Err(format!("cannot run {what}: {e}")),
    }
}

/// Writes `files` into `dir`, configures (in Release mode when `release`)
/// and builds them in `dir/build`; returns that build directory.
pub(crate) fn build(
    files: &[ivyc_cpp::File],
    dir: &Path,
    release: bool,
) -> Result<PathBuf, String> {
    for f in files {
        std::fs::write(dir.join(&f.name), &f.text)
            .map_err(|e| format!("cannot write `{}`: {e}", f.name))?;
    }
    let build = dir.join("build");
    let mut configure = Command::new("cmake");
    configure.arg("-S").arg(dir).arg("-B").arg(&build);
    if release {
        configure.arg("-DCMAKE_BUILD_TYPE=Release");
    }
    run_tool(&mut configure, "cmake configure")?;
    run_tool(
        Command::new("cmake").arg("--build").arg(&build).arg("-j2"),
        "cmake build",
    )?;
    Ok(build)
}
