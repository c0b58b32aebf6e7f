#!/usr/bin/env bash
# Builds the libFuzzer targets with Clang (ASan + coverage) in build-fuzz/ and
# runs each for a bounded time (first argument, seconds; default 60) from the
# seed corpus. A crash leaves crash-* files and fails the run: copy the input
# into test-corpus/fuzz/regressions/{sql,code}/ and fix it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-60}"
V="${SQLRACE_LLVM_VERSION:-14}"
CC="clang-$V" CXX="clang++-$V" cmake -S . -B build-fuzz -DSQLRACE_LLVM_VERSION="$V" -DSQLRACE_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo > build-fuzz.log
cmake --build build-fuzz -j"${JOBS:-2}" --target sqlparse_fuzz resolution_fuzz >> build-fuzz.log
mkdir -p build-fuzz/corpus/sql build-fuzz/corpus/code
cp test-corpus/fuzz/seeds/sql/* test-corpus/fuzz/regressions/sql/* build-fuzz/corpus/sql/ 2>/dev/null || true
cp test-corpus/fuzz/seeds/code/* test-corpus/fuzz/regressions/code/* build-fuzz/corpus/code/ 2>/dev/null || true
cd build-fuzz
echo "fuzz: sqlparse for ${SECONDS_EACH}s"
./test-corpus/fuzz/sqlparse_fuzz -max_total_time="$SECONDS_EACH" -max_len=4096 -print_final_stats=1 corpus/sql
echo "fuzz: resolution for ${SECONDS_EACH}s"
ASAN_OPTIONS=detect_leaks=0 ./test-corpus/fuzz/resolution_fuzz -max_total_time="$SECONDS_EACH" -max_len=1024 \
  -print_final_stats=1 -rss_limit_mb=4096 corpus/code
