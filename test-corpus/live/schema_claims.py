#!/usr/bin/env python3
"""What sqlrace says about test-corpus/schema, checked on a real PostgreSQL.

sqlrace reads the shop's migrations and grades each race; this test applies the
same migrations to a real server and checks every claim there:

 1. Grades: for each check-then-insert finding on a table the migrations create,
    the INSERT run twice with the same key fails with unique_violation (23505)
    when the grade is "constraint", and inserts a duplicate when it is "silent".
 2. Rewrites run: every finding's rewrite.schema statements are applied and
    every rewrite statement is PREPAREd against the migrated schema; the
    ON CONFLICT rewrites, run twice for one key, leave one row.
 3. nullable-cursor: rows inserted before migration 000004 hold NULL in
    events.version, and the poll `version > 0` does not return them; after the
    rewrite's backfill and NOT NULL, the guarded poll returns every row.
 4. The one-statement form ADD COLUMN ... DEFAULT nextval() fills old rows (why
    sqlrace does not report it).

Usage: schema_claims.py --sqlrace PATH --psql PATH --pg-env FILE --pg-include DIR
"""
import argparse
import json
import sqlite3
import tempfile
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHOP = os.path.join(os.path.dirname(HERE), "schema")
DB = "sqlrace_schema_claims"


class Pg:
    def __init__(self, psql, env_file):
        self.psql_bin = psql
        self.env = dict(os.environ)
        with open(env_file) as f:
            for line in f:
                m = re.match(r"export (\w+)=(.*)$", line.strip())
                if m:
                    self.env[m.group(1)] = m.group(2)

    def run(self, sql, database=DB, check=True):
        env = dict(self.env, PGDATABASE=database)
        p = subprocess.run([self.psql_bin, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env,
                           capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError("psql failed on: %s\n%s" % (sql, p.stderr.strip()))
        return p

    def value(self, sql):
        return self.run(sql).stdout.strip()


def migrations():
    d = os.path.join(SHOP, "migrations")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".up.sql"))


def params_for(sql):
    n = max([int(x) for x in re.findall(r"\$(\d+)", sql)] or [0])
    return n


SAMPLE = {"tstzrange": "'[2024-01-01 10:00, 2024-01-01 12:00)'", "jsonb": "'{}'", "text": "'k7'"}


def sample_args(pg, insert):
    """One value per $n of `INSERT INTO t (cols) VALUES ($1, ...)`, of each column's type."""
    m = re.match(r"INSERT INTO (\w+) \(([^)]*)\) VALUES \(([^)]*)\)", insert)
    table, cols, vals = m.group(1), [c.strip() for c in m.group(2).split(",")], [v.strip() for v in m.group(3).split(",")]
    args = {}
    for col, val in zip(cols, vals):
        if re.fullmatch(r"\$\d+", val):
            t = pg.value("SELECT data_type FROM information_schema.columns WHERE table_name = '%s' AND column_name = '%s'"
                         % (table, col))
            args[int(val[1:])] = SAMPLE.get(t, "'7'")
    return ", ".join(args.get(i, "'7'") for i in range(1, params_for(insert) + 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlrace", required=True)
    ap.add_argument("--psql", required=True)
    ap.add_argument("--pg-env", required=True)
    ap.add_argument("--pg-include", default="/usr/include/postgresql")
    a = ap.parse_args()
    pg = Pg(a.psql, a.pg_env)
    checks = 0

    # the findings, as a user's run prints them
    out = subprocess.run([a.sqlrace, "--format=json", "shop.c", "--", "-I" + a.pg_include], cwd=SHOP,
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stdout + out.stderr
    findings = json.loads(out.stdout)["findings"]

    pg.run('DROP DATABASE IF EXISTS "%s"' % DB, database="postgres")
    pg.run('CREATE DATABASE "%s"' % DB, database="postgres")
    for m in migrations():
        if "000004" in m:  # rows that exist before the version column does
            pg.run("INSERT INTO events (payload) SELECT '{}' FROM generate_series(1, 3)")
        pg.run(open(m).read())
    pg.run("INSERT INTO events (payload) SELECT '{}' FROM generate_series(1, 2)")
    # the DDL the program runs itself at startup (init_settings)
    for ddl in re.findall(r'"(CREATE TABLE IF NOT EXISTS [^"]*)"', open(os.path.join(SHOP, "shop.c")).read()):
        pg.run(ddl)

    # 1. grades
    graded = set()
    for f in findings:
        if f["rule"] != "check-then-insert" or not f.get("grade") or "rewrite" not in f:
            continue
        stmt = f["rewrite"]["statements"][-1]
        insert = stmt.split(" ON CONFLICT")[0]
        table = re.match(r"INSERT INTO (\w+)", insert).group(1)
        args = sample_args(pg, insert)
        p = pg.run("BEGIN; PREPARE ins AS %s; EXECUTE ins(%s); EXECUTE ins(%s); ROLLBACK;" % (insert, args, args),
                   check=False)
        if f["grade"] == "constraint":
            assert p.returncode != 0 and ("duplicate key value violates unique constraint" in p.stderr or
                                          "conflicting key value violates exclusion constraint" in p.stderr), \
                "%s: graded 'constraint' but the second INSERT did not fail: %s" % (table, p.stderr)
        else:
            assert p.returncode == 0, "%s: graded 'silent' but the duplicate failed: %s" % (table, p.stderr)
        graded.add((table, f["grade"]))
        checks += 1
    assert ("products", "constraint") in graded and ("suppliers", "silent") in graded, graded
    print("grades confirmed:", sorted(graded))

    # 3. nullable-cursor, before its rewrite is applied
    cursor = [f for f in findings if f["rule"] == "nullable-cursor"]
    assert len(cursor) == 1, cursor
    assert pg.value("SELECT count(*) FROM events WHERE version > 0") == "2"
    assert pg.value("SELECT count(*) FROM events WHERE version IS NULL") == "3"
    print("nullable-cursor confirmed: 3 rows from before 000004 hold NULL and the poll skips them")

    # 2. every rewrite applies and runs
    pg.run("INSERT INTO orders (customer) VALUES ('c')")
    for f in findings:
        rw = f.get("rewrite")
        if not rw or "audit_log" in f["message"]:  # a table nobody creates (the ungraded finding)
            continue
        for ddl in rw["schema"]:
            pg.run(ddl)
        for i, stmt in enumerate(rw["statements"]):
            if stmt in ("BEGIN", "COMMIT"):
                continue
            pg.run("PREPARE p%d AS %s; DEALLOCATE p%d;" % (i, stmt, i))
            checks += 1
        last = rw["statements"][-1] if rw["statements"] else ""
        if " ON CONFLICT " in last:
            table = re.match(r"INSERT INTO (\w+)", last).group(1)
            args = sample_args(pg, last)
            before = int(pg.value("SELECT count(*) FROM %s" % table))
            pg.run("PREPARE up AS %s; EXECUTE up(%s); EXECUTE up(%s); DEALLOCATE up;" % (last, args, args))
            after = int(pg.value("SELECT count(*) FROM %s" % table))
            assert after == before + 1, "%s: the ON CONFLICT rewrite run twice added %d rows" % (table, after - before)
            print("rewrite runs twice, one row:", table)
            checks += 1
    assert pg.value("SELECT count(*) FROM events WHERE version IS NOT NULL AND version > 0") == "5"
    print("nullable-cursor rewrite confirmed: after the backfill the guarded poll returns all 5 rows")

    # 4. the one-statement form fills old rows
    pg.run("CREATE TABLE one_step (id int); INSERT INTO one_step VALUES (1), (2); "
           "CREATE SEQUENCE one_step_seq; ALTER TABLE one_step ADD COLUMN v bigint DEFAULT nextval('one_step_seq')")
    assert pg.value("SELECT count(*) FROM one_step WHERE v IS NULL") == "0"
    print("ADD COLUMN ... DEFAULT nextval() fills existing rows: confirmed")

    pg.run('DROP DATABASE "%s"' % DB, database="postgres")
    checks += sqlite_claims(a)
    print("schema claims: %d checks passed" % checks)
    return 0


def sqlite_claims(a):
    """test-corpus/schema-sqlite: the same claims on a real SQLite file."""
    here = os.path.join(os.path.dirname(HERE), "schema-sqlite")
    out = subprocess.run([a.sqlrace, "--format=json", "notes.c", "--"], cwd=here, capture_output=True, text=True)
    assert out.returncode == 1, out.stdout + out.stderr
    findings = json.loads(out.stdout)["findings"]
    checks = 0
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(os.path.join(tmp, "notes.db"), isolation_level=None)
        db.executescript(open(os.path.join(here, "schema.sql")).read())
        db.execute("INSERT INTO notes (title) VALUES ('first')")
        for f in findings:
            rw = f.get("rewrite", {})
            if f["rule"] == "check-then-insert":
                insert = rw["statements"][-1].split(" ON CONFLICT")[0]
                args = ("1", "k") if "attachments" in insert else ("k",)
                db.execute("BEGIN")
                db.execute(insert, args)
                try:
                    db.execute(insert, args)
                    duplicated = True
                except sqlite3.IntegrityError:
                    duplicated = False
                db.execute("ROLLBACK")
                assert duplicated == (f["grade"] == "silent"), (f["grade"], insert)
                checks += 1
            for ddl in rw.get("schema", []):
                db.execute(ddl)
            last = rw["statements"][-1]
            if " ON CONFLICT " in last:
                table = re.match(r"INSERT INTO (\w+)", last).group(1)
                args = ("1", "k") if table == "attachments" else ("k",)
                before = db.execute("SELECT count(*) FROM %s" % table).fetchone()[0]
                db.execute(last, args)
                db.execute(last, args)
                assert db.execute("SELECT count(*) FROM %s" % table).fetchone()[0] == before + 1, table
                checks += 1
            elif f["rule"] == "max-plus-one":
                ids = [db.execute(last, ("t%d" % i,)).lastrowid for i in range(2)]
                assert ids[0] != ids[1] and None not in ids, ids  # SQLite numbers the rowid itself
                checks += 1
        db.close()
    print("SQLite (schema-sqlite): grades and rewrites confirmed, %d checks" % checks)
    return checks


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAILED:", e)
        sys.exit(1)
