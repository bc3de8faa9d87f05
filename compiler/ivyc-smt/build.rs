//! Build script of ivyc-smt: provides the Z3 library that ivyc links
//! (docs/performance.md, "Which Z3"). By default Z3 5.4.1, the shared
//! library of the official `z3-solver` wheel on PyPI (the one ms-ivy uses),
//! fetched once with pip (version pinned, sha256 checked by pip) into
//! `$IVYC_Z3_DIR` (`target/z3` through `.cargo/config.toml`) and linked
//! with an rpath. `IVYC_Z3=system` links the system libz3 instead (Debian's
//! 4.8.12); the `vendored` feature builds Z3 from the `z3-src` crate.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The pinned wheel: z3-solver 5.4.1 for x86_64 Linux (glibc ≥ 2.27).
const WHEEL_VERSION: &str = "5.4.1.0";
const WHEEL_PLATFORM: &str = "manylinux_2_27_x86_64";
const WHEEL_SHA256: &str = "e680ce083683abca5d07c3e55c2f620ff9a29cb91c548eeeea27ae29e8060522";
/// The library inside the wheel (its SONAME).
const LIB_NAME: &str = "libz3.so.5.4";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=IVYC_Z3");
    println!("cargo:rerun-if-env-changed=IVYC_Z3_DIR");
    if env::var_os("CARGO_FEATURE_VENDORED").is_some() {
        // z3-sys builds and links Z3 itself.
        println!("cargo:source=vendored");
        return;
    }
    let choice = env::var("IVYC_Z3").unwrap_or_else(|_| "pypi".into());
    match choice.as_str() {
        "system" => println!("cargo:source=system"),
        "pypi" => pypi(),
        other => panic!("IVYC_Z3={other}: expected `pypi` (the default) or `system`"),
    }
}

/// Links the wheel's libz3, fetching it first if needed; falls back to the
/// system Z3 (with a warning) where the wheel does not apply or cannot be
/// fetched.
fn pypi() {
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os != "linux" || arch != "x86_64" {
        println!(
            "cargo:warning=ivyc-smt: no pinned Z3 wheel for {arch}-{os}; linking the system Z3"
        );
        println!("cargo:source=system");
        return;
    }
    let dir = match env::var_os("IVYC_Z3_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("z3"),
    };
    let dir = dir.join(format!("z3-solver-{WHEEL_VERSION}"));
    let lib_dir = dir.join("lib");
    if !lib_dir.join(LIB_NAME).is_file() || !lib_dir.join("libz3.so").exists() {
        if let Err(e) = fetch(&dir, &lib_dir) {
            if env::var("IVYC_Z3").is_ok() {
                panic!("ivyc-smt: IVYC_Z3=pypi, but the Z3 wheel could not be installed: {e}");
            }
            println!(
                "cargo:warning=ivyc-smt: could not install Z3 {WHEEL_VERSION} from PyPI ({e}); \
                 linking the system Z3 instead (slower; see docs/performance.md)"
            );
            println!("cargo:source=system");
            return;
        }
    }
    println!(
        "cargo:rerun-if-changed={}",
        lib_dir.join(LIB_NAME).display()
    );
    let lib = lib_dir.display();
    // Linked from a directory inside OUT_DIR (links to the shared copy):
    // cargo puts such directories on the library path of the binaries it
    // runs (`cargo test`, `cargo run`), which covers the test binaries of
    // every crate above this one.
    match link_dir(&lib_dir) {
        Ok(d) => println!("cargo:rustc-link-search=native={}", d.display()),
        Err(e) => {
            println!("cargo:warning=ivyc-smt: {e}");
            println!("cargo:rustc-link-search=native={lib}");
        }
    }
    // ivyc-smt's own test binaries; ivyc's binary and tests get the same
    // rpath from ivyc's build script (DEP_IVYC_Z3_LIB_DIR).
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");
    println!("cargo:lib_dir={lib}");
    println!("cargo:source=pypi-{WHEEL_VERSION}");
}

/// `OUT_DIR/z3lib` with links to the library in `lib_dir`.
fn link_dir(lib_dir: &Path) -> Result<PathBuf, String> {
    let out = PathBuf::from(env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("z3lib");
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    for name in [LIB_NAME, "libz3.so"] {
        let link = out.join(name);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(lib_dir.join(LIB_NAME), &link)
            .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
        #[cfg(not(unix))]
        std::fs::copy(lib_dir.join(LIB_NAME), &link)
            .map_err(|e| format!("cannot copy to {}: {e}", link.display()))?;
    }
    Ok(out)
}

/// `pip download` of the pinned wheel (pip checks the hash), then the
/// library is extracted with Python's zipfile module.
fn fetch(dir: &Path, lib_dir: &Path) -> Result<(), String> {
    let python = find_python().ok_or("no python3 with pip found")?;
    let dl = dir.join("download");
    std::fs::create_dir_all(&dl).map_err(|e| format!("cannot create {}: {e}", dl.display()))?;
    let req = dl.join("requirements.txt");
    std::fs::write(
        &req,
        format!("z3-solver=={WHEEL_VERSION} --hash=sha256:{WHEEL_SHA256}\n"),
    )
    .map_err(|e| format!("cannot write {}: {e}", req.display()))?;
    let status = Command::new(&python)
        .args([
            "-m",
            "pip",
            "download",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-deps", "--only-binary=:all:", "--require-hashes"])
        .args(["--platform", WHEEL_PLATFORM, "--python-version", "3"])
        .args(["--implementation", "py", "--abi", "none"])
        .arg("-d")
        .arg(&dl)
        .arg("-r")
        .arg(&req)
        .status()
        .map_err(|e| format!("cannot run {python} -m pip: {e}"))?;
    if !status.success() {
        return Err(format!("pip download failed ({status})"));
    }
    let wheel = dl.join(format!(
        "z3_solver-{WHEEL_VERSION}-py3-none-{WHEEL_PLATFORM}.whl"
    ));
    if !wheel.is_file() {
        return Err(format!("pip did not produce {}", wheel.display()));
    }
    std::fs::create_dir_all(lib_dir)
        .map_err(|e| format!("cannot create {}: {e}", lib_dir.display()))?;
    // Extract to a temporary name, then rename: an interrupted build never
    // leaves a truncated library behind.
    let script = "import sys, zipfile, os\n\
                  z = zipfile.ZipFile(sys.argv[1])\n\
                  tmp = sys.argv[2] + '.part'\n\
                  with z.open('z3/lib/' + sys.argv[3]) as src, open(tmp, 'wb') as dst:\n    \
                      dst.write(src.read())\n\
                  os.replace(tmp, sys.argv[2])\n";
    let target = lib_dir.join(LIB_NAME);
    let status = Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&wheel)
        .arg(&target)
        .arg(LIB_NAME)
        .status()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !status.success() {
        return Err(format!("extracting {LIB_NAME} failed ({status})"));
    }
    // The link-time name.
    let link = lib_dir.join("libz3.so");
    let _ = std::fs::remove_file(&link);
    #[cfg(unix)]
    std::os::unix::fs::symlink(LIB_NAME, &link)
        .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
    #[cfg(not(unix))]
    std::fs::copy(&target, &link).map_err(|e| format!("cannot copy to {}: {e}", link.display()))?;
    // The wheel is not needed any more.
    let _ = std::fs::remove_file(&wheel);
    Ok(())
}

/// `python3` (or `python`) with a working `pip`.
fn find_python() -> Option<String> {
    ["python3", "python"]
        .into_iter()
        .map(String::from)
        .find(|p| {
            Command::new(p)
                .args(["-m", "pip", "--version"])
                .output()
                .is_ok_and(|o| o.status.success())
        })
}
