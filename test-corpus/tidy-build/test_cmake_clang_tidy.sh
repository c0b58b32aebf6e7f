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

# With a schema that shows a race corrupting data silently, the finding is an error and
# stops the build; SqlraceErrorLevel=warning reports it and lets the build go on.
CORPUS="$(cd "$(dirname "$0")/.." && pwd)"
proj="$work/graded"
mkdir -p "$proj/src"
cp "$CORPUS/schema/shop.c" "$proj/src/"
cp -r "$CORPUS/schema/migrations" "$CORPUS/schema/.sqlrace.yml" "$proj/"
printf '%s\n' 'cmake_minimum_required(VERSION 3.20)' 'project(graded C)' 'find_package(PostgreSQL REQUIRED)' \
  'add_library(graded STATIC src/shop.c)' 'target_link_libraries(graded PUBLIC PostgreSQL::PostgreSQL)' \
  > "$proj/CMakeLists.txt"
cmake -S "$proj" -B "$work/g1" -DCMAKE_C_CLANG_TIDY="$TIDY;--load=$PLUGIN;--checks=-*,sqlrace-*" > /dev/null
if out=$(cmake --build "$work/g1" 2>&1); then
  echo "FAIL: an error-grade finding did not stop the build"; echo "$out"; exit 1
fi
grep -q "error: INSERT into 'suppliers'.*silently \[sqlrace-check-then-insert\]" <<< "$out" ||
  { echo "FAIL: no error-grade finding in the output"; echo "$out"; exit 1; }
cmake -S "$proj" -B "$work/g2" > /dev/null \
  -DCMAKE_C_CLANG_TIDY="$TIDY;--load=$PLUGIN;--checks=-*,sqlrace-*;--config={CheckOptions: [{key: SqlraceErrorLevel, value: warning}]}"
out=$(cmake --build "$work/g2" 2>&1) || { echo "FAIL: SqlraceErrorLevel=warning still stopped the build"; echo "$out"; exit 1; }
grep -q "warning: INSERT into 'suppliers'.*silently \[sqlrace-check-then-insert\]" <<< "$out" ||
  { echo "FAIL: the finding is not reported as a warning"; echo "$out"; exit 1; }
echo "ok: error-grade findings stop the build unless SqlraceErrorLevel is warning"
