#!/usr/bin/env bash
# Sets everything up and runs sqlrace on the bundled example project
# (examples/inventory), whose compile_commands.json the build produces.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
echo
echo "== sqlrace -p build/examples/inventory"
set +e
build/bin/sqlrace -p build/examples/inventory
rc=$?
set -e
echo
case $rc in
  1) echo "demo: sqlrace reported the races above (exit status 1 = findings)";;
  0) echo "demo: no findings, which is wrong for this example" >&2; exit 1;;
  *) echo "demo: sqlrace failed (exit status $rc)" >&2; exit "$rc";;
esac
