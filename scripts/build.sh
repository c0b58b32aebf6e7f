#!/usr/bin/env bash
# Configures and builds sqlrace in ./build (LLVM major from SQLRACE_LLVM_VERSION, default 14).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DSQLRACE_LLVM_VERSION="${SQLRACE_LLVM_VERSION:-14}"
cmake --build build -j"${JOBS:-2}"
