#!/usr/bin/env bash
# Runs the real pre-commit in a temporary git repository that uses this
# repository's hook: the commit of a racy file is refused, and accepted once
# the file uses the suggested rewrite.
# usage: test_precommit.sh <sqlrace binary> <this repository> <libpq include dir>
set -euo pipefail
SQLRACE_BIN="$1"; HOOK_REPO="$2"; PG_INCLUDE="$3"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/cache" SQLRACE="$SQLRACE_BIN" GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
       GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org HOME="$work"
rev=$(git -C "$HOOK_REPO" rev-parse HEAD)
# the hook repository as pre-commit will clone it: this commit, plus any uncommitted hook files
hook="$work/hook-repo"
git clone -q "$HOOK_REPO" "$hook"
cp "$HOOK_REPO/.pre-commit-hooks.yaml" "$hook/"
cp "$HOOK_REPO/scripts/pre-commit-sqlrace.sh" "$hook/scripts/"
git -C "$hook" add -A
git -C "$hook" commit -qm "hook files as in the work tree" || true
rev=$(git -C "$hook" rev-parse HEAD)

repo="$work/app"
mkdir -p "$repo/build"
cd "$repo"
git init -q
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hook
    rev: $rev
    hooks:
      - id: sqlrace
YAML
cat > build/compile_commands.json <<JSON
[{"directory": "$repo", "file": "tags.c", "arguments": ["cc", "-I$PG_INCLUDE", "-c", "tags.c"]}]
JSON
cat > tags.c <<'C'
#include <libpq-fe.h>
int add_tag(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM tags WHERE name = $1", 1, 0, p, 0, 0, 0);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, 0, p, 0, 0, 0));
    return !found;
}
C
git add .pre-commit-config.yaml build/compile_commands.json tags.c
pre-commit install > /dev/null
if git commit -qm "racy" > "$work/out1" 2>&1; then
  echo "FAIL: the racy commit was accepted"; cat "$work/out1"; exit 1
fi
grep -q "sqlrace-check-then-insert" "$work/out1" || { echo "FAIL: no finding shown"; cat "$work/out1"; exit 1; }
echo "ok: the racy commit was refused"
# the rewrite sqlrace suggested
sed -i 's/INSERT INTO tags (name) VALUES (\$1)/INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING/' tags.c
git add tags.c
if ! git commit -qm "atomic" > "$work/out2" 2>&1; then
  echo "FAIL: the fixed commit was refused"; cat "$work/out2"; exit 1
fi
echo "ok: the fixed commit was accepted"
