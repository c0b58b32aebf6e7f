#!/usr/bin/env bash
# pre-commit entry point: sqlrace on the staged C/C++ files (headers through
# the files that include them), with the project's compile database: -p from
# the hook's args, else $SQLRACE_BUILD_DIR, else ./build.
set -euo pipefail
SQLRACE="${SQLRACE:-sqlrace}"
if ! command -v "$SQLRACE" > /dev/null 2>&1; then
  echo "sqlrace: not found (install it, or set SQLRACE to its path)" >&2
  exit 2
fi
have_p=0
for a in "$@"; do
  case "$a" in -p|-p=*|--p=*) have_p=1 ;; esac
done
if [ $have_p = 0 ]; then
  exec "$SQLRACE" -p "${SQLRACE_BUILD_DIR:-build}" "$@"
fi
exec "$SQLRACE" "$@"
