#!/usr/bin/env bash
# Runs every test of ivyc, exactly as CI does (.ci/run calls this and nothing else).
# On a fresh Debian machine it first installs the system packages ivyc needs
# (when run as root); otherwise it names the missing ones and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- system packages -------------------------------------------------------
missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
# The generated C++ is also built with clang++ (tests/clang).
command -v clang++ >/dev/null 2>&1 || missing+=(clang)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# Z3 5.4.1 comes from PyPI through pip (compiler/ivyc-smt/build.rs);
# Debian's libz3 4.8.12 is only the fallback of a build without pip.
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "scripts/test.sh: installing ${missing[*]} with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${missing[@]}"
    else
        echo "scripts/test.sh: missing system packages: ${missing[*]} (run as root, or: sudo apt-get install -y ${missing[*]})" >&2
        exit 2
    fi
fi

# --- Rust ------------------------------------------------------------------
export INSTA_UPDATE=no
# Never test silently against the fallback Z3: a failed download is an error.
export IVYC_Z3=pypi
# tests/clang fails instead of skipping when clang++ is missing.
export IVYC_REQUIRE_CLANG=1
export CARGO_TERM_COLOR=never
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo test --workspace

# --- C++ runtime -----------------------------------------------------------
if [ -f runtime-cpp/CMakeLists.txt ]; then
    build="${CARGO_TARGET_DIR:-target}/runtime-cpp"
    cmake -S runtime-cpp -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
    cmake --build "$build" -j 2
    (cd "$build" && ctest --output-on-failure)
fi
