#!/usr/bin/env bash
# The plugin used the way CMake projects use clang-tidy: the bundled example
# configured with CMAKE_C_CLANG_TIDY, whose build output reports the races.
# usage: test_cmake_clang_tidy.sh <clang-tidy> <plugin> <example source dir>
set -euo pipefail
TIDY="$1"; PLUGIN="$2"; SRC="$3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$SRC" -B "$work" -DCMAKE_C_CLANG_TIDY="$TIDY;--load=$PLUGIN;--checks=-*,sqlrace-*" > /dev/null
out=$(cmake --build "$work" 2>&1)
for rule in sqlrace-check-then-insert sqlrace-max-plus-one; do
  grep -q "\[$rule\]" <<< "$out" || { echo "FAIL: no $rule in the build output"; echo "$out"; exit 1; }
done
echo "ok: the CMAKE_C_CLANG_TIDY build reports the example's races"
