#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: Debian's server binaries, a cluster
# initdb'd into a fresh temporary directory, listening only on a Unix socket in
# that directory (no TCP), trust authentication, superuser "sqlrace".
#
#   test-corpus/live/pg_temp.sh start [ENV_FILE]
#       Starts a server and prints shell assignments on stdout, one a line:
#         export PGHOST=/tmp/sqlrace-pg.XXXXXX     (the socket directory)
#         export PGPORT=5432
#         export PGUSER=sqlrace
#         export PGDATABASE=postgres
#         export SQLRACE_PG_DIR=/tmp/sqlrace-pg.XXXXXX
#         export SQLRACE_PG_BINDIR=/usr/lib/postgresql/15/bin
#       With ENV_FILE, the same lines are also written there (a ctest fixture
#       starts the server in one test and its users source the file in others).
#       If ENV_FILE names a server that is still running (a run that was killed
#       before its stop), that server is stopped first.
#   test-corpus/live/pg_temp.sh stop [ENV_FILE | DIR]
#       Stops the server (fast shutdown) and removes its directory. Without an
#       argument it uses $SQLRACE_PG_DIR. Stopping what is already gone is not
#       an error.
#
# In a script:
#   eval "$(test-corpus/live/pg_temp.sh start)"
#   trap 'test-corpus/live/pg_temp.sh stop "$SQLRACE_PG_DIR"' EXIT
#   psql -v ON_ERROR_STOP=1 -c 'CREATE DATABASE t'      # libpq clients read PGHOST etc.
# In CMake (see test-corpus/live/CMakeLists.txt): a test running
# `pg_temp.sh start <build>/pg.env` with FIXTURES_SETUP, one running
# `pg_temp.sh stop <build>/pg.env` with FIXTURES_CLEANUP, and the tests in
# between source pg.env (or parse its `export K=V` lines) with FIXTURES_REQUIRED.
#
# The server binaries are found in $SQLRACE_PG_BINDIR, else `pg_config --bindir`
# when initdb is there, else the newest /usr/lib/postgresql/*/bin (package
# postgresql, installed by scripts/install-deps.sh). initdb and postgres refuse
# to run as root, so as root they run as the unprivileged user
# $SQLRACE_PG_RUNAS (default nobody), which owns the temporary directory; root
# clients can still use the socket there.
set -euo pipefail

die() { echo "pg_temp: $*" >&2; exit 1; }

find_bindir() {
  if [ -n "${SQLRACE_PG_BINDIR:-}" ]; then
    [ -x "$SQLRACE_PG_BINDIR/initdb" ] || die "SQLRACE_PG_BINDIR=$SQLRACE_PG_BINDIR has no initdb"
    echo "$SQLRACE_PG_BINDIR"; return
  fi
  local d
  if command -v pg_config > /dev/null 2>&1; then
    d=$(pg_config --bindir 2> /dev/null || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  fi
  d=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -t/ -k5,5n | tail -1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  die "no PostgreSQL server binaries (initdb) found; install the Debian package postgresql (scripts/install-deps.sh)"
}

# Runs a command as the server's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "${SQLRACE_PG_RUNAS:-nobody}" -- "$@"
  else
    "$@"
  fi
}

# The directory named by an env file or given directly.
dir_of() {
  local arg="$1"
  if [ -f "$arg" ]; then
    sed -n 's/^export SQLRACE_PG_DIR=//p' "$arg" | head -1
  else
    echo "$arg"
  fi
}

stop_dir() {
  local dir="$1"
  [ -n "$dir" ] || return 0
  case "$dir" in /*sqlrace-pg.*) ;; *) die "refusing to remove $dir: not a pg_temp directory" ;; esac
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    local bindir
    bindir=$(cat "$dir/bindir" 2> /dev/null || find_bindir)
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop > /dev/null 2>&1 || {
      # pg_ctl could not stop it: kill the postmaster by its pid file.
      local pid
      pid=$(head -1 "$dir/data/postmaster.pid" 2> /dev/null || true)
      [ -n "$pid" ] && kill -9 "$pid" 2> /dev/null || true
    }
  fi
  rm -rf "$dir"
}

start() {
  local env_file="${1:-}"
  if [ -n "$env_file" ] && [ -f "$env_file" ]; then
    stop_dir "$(dir_of "$env_file")"
    rm -f "$env_file"
  fi
  local bindir dir
  bindir=$(find_bindir)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/sqlrace-pg.XXXXXX")
  echo "$bindir" > "$dir/bindir"
  if [ "$(id -u)" -eq 0 ]; then
    chown "${SQLRACE_PG_RUNAS:-nobody}" "$dir"
  fi
  chmod 700 "$dir"
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U sqlrace --auth=trust -E UTF8 --no-locale -N \
      > "$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    rm -rf "$dir"
    die "initdb failed"
  fi
  # No TCP; the socket in the private directory; a throwaway cluster needs no fsync.
  if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses= -c unix_socket_directories=$dir -c port=5432 -c fsync=off -c max_connections=60" \
      start > /dev/null 2>&1; then
    cat "$dir/server.log" >&2 2> /dev/null || true
    stop_dir "$dir"
    die "the server did not start"
  fi
  local vars
  vars="export PGHOST=$dir
export PGPORT=5432
export PGUSER=sqlrace
export PGDATABASE=postgres
export SQLRACE_PG_DIR=$dir
export SQLRACE_PG_BINDIR=$bindir"
  if [ -n "$env_file" ]; then
    printf '%s\n' "$vars" > "$env_file"
  fi
  printf '%s\n' "$vars"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop_dir "$(dir_of "${2:-${SQLRACE_PG_DIR:-}}")"
        if [ -n "${2:-}" ] && [ -f "${2:-}" ]; then rm -f "$2"; fi ;;
  *) echo "usage: $0 start [ENV_FILE] | stop [ENV_FILE | DIR]" >&2; exit 2 ;;
esac
