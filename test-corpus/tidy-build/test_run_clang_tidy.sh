#!/usr/bin/env bash
# The plugin through run-clang-tidy, which has no --load: sqlrace-clang-tidy
# (clang-tidy with the plugin loaded) is given as its clang-tidy binary, over
# the bundled example's compile database.
# usage: test_run_clang_tidy.sh <run-clang-tidy> <sqlrace-clang-tidy> <example build dir>
set -euo pipefail
RUN="$1"; WRAPPER="$2"; BUILD="$3"
out=$("$RUN" -clang-tidy-binary "$WRAPPER" -p "$BUILD" -checks='-*,sqlrace-*' -quiet 2>&1 | sed 's/\x1b\[[0-9;]*m//g')
n=$(grep -c "warning: .*\[sqlrace-" <<< "$out" || true)
for f in stock.c:34:32 tags.c:21:35 invoices.c:24:26 invoices.c:47:26; do
  grep -q "src/$f: warning: .*\[sqlrace-" <<< "$out" || { echo "FAIL: no finding at $f"; echo "$out"; exit 1; }
done
[ "$n" -eq 4 ] || { echo "FAIL: $n findings, expected the example's 4"; echo "$out"; exit 1; }
# with the wrapper pointed at a missing clang-tidy, the failure is said
if SQLRACE_CLANG_TIDY=/nonexistent/clang-tidy "$WRAPPER" --version > /dev/null 2>&1; then
  echo "FAIL: a missing clang-tidy was not an error"; exit 1
fi
echo "ok: run-clang-tidy with sqlrace-clang-tidy reports the example's 4 races"
