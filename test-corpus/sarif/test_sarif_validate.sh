#!/usr/bin/env bash
# sqlrace's SARIF, checked by the SARIF Multitool's validate command: no errors
# and no warnings, on reports with every kind of finding (warnings, remarks with
# --verbose, notes, code flows, fixes, cross-file places).
# usage: test_sarif_validate.sh <sqlrace> <sarif-multitool> <test-corpus dir> <libpq include dir>
set -euo pipefail
SQLRACE="$1"; MULTITOOL="$2"; CORPUS="$3"; PG="$4"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$CORPUS"
"$SQLRACE" --format=sarif --verbose -o "$work/cases.sarif" -j 1 --no-cross-file \
  cases/pq_product_sync.c cases/sqlite_tags.c cases/pq_read_modify_write.c cases/pq_session_locks.c \
  cases/ineffective_locks_c.c bad/unparseable_sql.c bad/unresolved_sql.c -- -I"$PG" -I/usr/include/mariadb || true
"$SQLRACE" --format=sarif -o "$work/multifile.sarif" -j 1 multifile/db.c multifile/orders.c -- -I"$PG" || true
for f in "$work/cases.sarif" "$work/multifile.sarif"; do
  "$MULTITOOL" validate "$f" -o "$work/result.sarif" --log ForceOverwrite --level Error Warning > "$work/log" 2>&1 || true
  n=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(len(r.get('results',[])) for r in d['runs']))" \
      "$work/result.sarif")
  if [ "$n" != "0" ]; then
    echo "FAIL: $n errors or warnings in $(basename "$f")"; cat "$work/log"; exit 1
  fi
  echo "ok: $(basename "$f") validates with no errors and no warnings"
done
