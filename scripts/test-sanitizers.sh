#!/usr/bin/env bash
# Builds the whole suite with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ and runs it (leak detection on). The clang-tidy plugin is not in
# this build, so its tests are skipped here; scripts/test.sh runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DSQLRACE_LLVM_VERSION="${SQLRACE_LLVM_VERSION:-14}" -DSQLRACE_SANITIZE=ON
cmake --build build-asan -j"${JOBS:-2}"
ctest --test-dir build-asan --output-on-failure -j"${JOBS:-2}"
