#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 60) each: the Rust targets of
# fuzz/ (cargo-fuzz, nightly) and the C++ decoder target (clang libFuzzer +
# AddressSanitizer). Seeds: examples/ and tests/data/**/*.ivy. Crashes land
# in fuzz/artifacts/<target>/. Not part of scripts/test.sh.
# Needs: rustup toolchain nightly, cargo install cargo-fuzz, clang.
set -euo pipefail
# Every run solves every obligation (no verification cache, docs/cache.md).
export IVYC_NO_CACHE=1
cd "$(dirname "$0")/.."
secs="${1:-60}"
targets="${FUZZ_TARGETS:-parse sema verify decode}"

for t in parse sema verify; do
    mkdir -p "fuzz/corpus/$t"
    # Seed with every Ivy file of the repository (names made unique).
    find examples tests/data -name '*.ivy' | while read -r f; do
        cp "$f" "fuzz/corpus/$t/seed_$(echo "$f" | tr '/' '_')"
    done
done

for t in $targets; do
    if [ "$t" = decode ]; then
        mkdir -p fuzz/cpp/build fuzz/corpus/decode fuzz/artifacts/decode
        clang++ -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
            -Iruntime-cpp/include fuzz/cpp/decode.cpp -o fuzz/cpp/build/decode
        fuzz/cpp/build/decode -max_total_time="$secs" -print_final_stats=1 \
            -artifact_prefix=fuzz/artifacts/decode/ fuzz/corpus/decode
    else
        # verify: Z3 is slow per input; a per-input time limit keeps it moving.
        (cd fuzz && cargo +nightly fuzz run "$t" -- -max_total_time="$secs" \
            -print_final_stats=1 -timeout=20 -rss_limit_mb=4096 -max_len=8192)
    fi
done
