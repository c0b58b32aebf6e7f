#!/usr/bin/env bash
# Builds the Debian package with CPack, installs it with dpkg (as CI does, on
# its throwaway machine), and runs the installed CLI and plugin on the bundled
# example. Needs root (or sudo) for dpkg -i.
set -euo pipefail
cd "$(dirname "$0")/.."
V="${SQLRACE_LLVM_VERSION:-14}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
(cd build && cpack -G DEB > /dev/null)
deb=$(ls build/sqlrace_*.deb | head -1)
echo "package: $deb"
$SUDO dpkg -i "$deb" > /dev/null
test -x /usr/bin/sqlrace
test -x /usr/bin/sqlrace-clang-tidy
test -f /usr/lib/sqlrace/sqlrace-tidy.so
test -f /usr/share/doc/sqlrace/rules/check-then-insert.md
test -f /usr/share/sqlrace/.pre-commit-hooks.yaml
/usr/bin/sqlrace --version
out=$(/usr/bin/sqlrace --no-cross-file -j 1 examples/inventory/src/stock.c -- -Iexamples/inventory/include \
  -I/usr/include/postgresql || true)
grep -q "sqlrace-check-then-insert" <<< "$out" || { echo "package: the installed sqlrace found nothing"; exit 1; }
tidy=$(clang-tidy-"$V" --quiet --load=/usr/lib/sqlrace/sqlrace-tidy.so --checks='-*,sqlrace-*' \
  examples/inventory/src/stock.c -- -Iexamples/inventory/include -I/usr/include/postgresql 2>/dev/null || true)
grep -q "sqlrace-check-then-insert" <<< "$tidy" || { echo "package: the installed plugin found nothing"; exit 1; }
wrapped=$(/usr/bin/sqlrace-clang-tidy --quiet --checks='-*,sqlrace-*' examples/inventory/src/stock.c -- \
  -Iexamples/inventory/include -I/usr/include/postgresql 2>/dev/null || true)
grep -q "sqlrace-check-then-insert" <<< "$wrapped" || { echo "package: sqlrace-clang-tidy found nothing"; exit 1; }
echo "package: installed, and both the CLI and the plugin report the example's race"
