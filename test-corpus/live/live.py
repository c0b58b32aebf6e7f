#!/usr/bin/env python3
"""Live proof of sqlrace's findings and rewrites on real databases.

For one scenario (a C program in this directory, see SCENARIOS below):

 1. sqlrace analyzes the racy program and must report the scenario's rule,
    with a structured rewrite in its JSON output ("rewrite": schema,
    statements, note).
 2. The racy program is compiled and run as several concurrent processes
    hammering the same keys for a bounded time, against a fresh database
    (PostgreSQL from pg_temp.sh, or an SQLite file in WAL mode). The damage
    (duplicate numbers or rows, unique violations, lost updates, overbooking)
    is counted exactly, by SQL over the final state or from the workers'
    counts, and must be greater than zero.
 3. The rewrite is taken from that JSON: its statements become C string
    literals in a generated rewrite.h, and the same source is compiled with
    -DFIXED so that the fixed code runs exactly those statements. sqlrace
    analyzes that program and must report nothing.
 4. A fresh database gets the same schema plus the rewrite's "schema"
    statements, the fixed program runs under the same load with the same
    delay, and its damage must be zero, with no errors.

Usage:
  live.py run SCENARIO... [options]   run scenarios, write WORK/results/*.json
  live.py table [--work WORK]         print the table of the results (markdown)
  live.py all [options]               every scenario, then the table
  live.py selftest [SCENARIO...]      the harness's own check: a rewrite weakened
                                      on purpose (MUTATIONS) must show damage

Options: --sqlrace PATH (default build/bin/sqlrace), --cc CC, --psql PSQL, --pg-include DIR,
--work DIR (default build/test-corpus/live), --pg-env FILE (a pg_temp.sh env
file; without it, or when it is missing, a server is started for the run),
--procs N (4), --seconds S (2), --delay-ms MS (SQLRACE_LIVE_DELAY_MS or 20).
Exit status 0 when every scenario passed.
"""
import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def pg_scalar(sql):
    return lambda run: int(run.psql(sql))


def worker_total(field):
    return lambda run: run.totals[field]


def lost_withdrawals(run):
    # Every successful withdrawal took 1 from an account that started at 1000000.
    final = int(run.psql("SELECT balance FROM accounts WHERE id = 1"))
    return final - (1000000 - run.totals["amount"])


def lost_withdrawals_sqlite(run):
    db = sqlite3.connect(run.sqlite_file)
    try:
        final = int(db.execute("SELECT balance FROM accounts WHERE id = 1").fetchone()[0])
    finally:
        db.close()
    return final - (1000000 - run.totals["amount"])


def sqlite_scalar(sql):
    def count(run):
        db = sqlite3.connect(run.sqlite_file)
        try:
            return int(db.execute(sql).fetchone()[0])
        finally:
            db.close()
    return count


SCENARIOS = {
    "event_version": dict(
        title="event version counter (MAX+1)", db="postgresql", rule="max-plus-one",
        damage="events sharing a (tenant, version)",
        count=pg_scalar("SELECT count(*) - count(DISTINCT (tenant, version)) FROM events")),
    "item_number": dict(
        title="item number per order (MAX+1)", db="postgresql", rule="max-plus-one",
        damage="INSERTs failed with a unique violation (SQLSTATE 23505)",
        count=worker_total("unique_violations")),
    "product_sync": dict(
        title="product sync by sku (check, then INSERT or UPDATE)", db="postgresql", rule="check-then-insert",
        damage="duplicate rows for a sku",
        count=pg_scalar("SELECT count(*) - count(DISTINCT sku) FROM products")),
    "tag_lookup": dict(
        title="tag lookup-or-insert", db="sqlite", rule="check-then-insert",
        damage="duplicate rows for a tag name",
        count=sqlite_scalar("SELECT count(*) - count(DISTINCT name) FROM tag")),
    "account_balance": dict(
        title="account balance read-modify-write", db="postgresql", rule="read-modify-write",
        damage="lost withdrawals (final balance minus expected)",
        count=lost_withdrawals),
    "account_balance_sqlite": dict(
        title="account balance read-modify-write", db="sqlite", rule="read-modify-write",
        damage="lost withdrawals (final balance minus expected)",
        count=lost_withdrawals_sqlite),
    "seat_reservation": dict(
        title="seat reservation guarded by COUNT", db="postgresql", rule="check-then-insert",
        damage="seats booked beyond capacity",
        count=pg_scalar("SELECT COALESCE(sum(GREATEST(r.n - f.capacity, 0)), 0) FROM flights f "
                        "JOIN (SELECT flight_id, count(*) AS n FROM reservations GROUP BY flight_id) r "
                        "ON r.flight_id = f.id")),
}

# The harness's self-test: each rewrite weakened on purpose must show damage
# under the same load, so that "zero damage" from the real rewrite means something.
MUTATIONS = {
    "item_number": ("no-backfill", "the counter column added but not filled from the current maximum",
                    lambda rw: dict(rw, schema=[s for s in rw["schema"] if not s.lstrip().upper().startswith("UPDATE")])),
    "account_balance": ("no-transaction", "the same statements without BEGIN and COMMIT (autocommit)",
                        lambda rw: dict(rw, statements=[s for s in rw["statements"]
                                                        if not (TX_BEGIN.match(s) or TX_END.match(s))])),
    "seat_reservation": ("no-lock", "the same statements without FOR UPDATE",
                         lambda rw: dict(rw, statements=[re.sub(r"\s+FOR UPDATE\b", "", s, flags=re.I)
                                                         for s in rw["statements"]])),
}

TX_BEGIN = re.compile(r"^\s*(BEGIN|START\s+TRANSACTION)\b", re.I)
TX_END = re.compile(r"^\s*(COMMIT|END)\s*;?\s*$", re.I)


class Failure(Exception):
    pass


class Skip(Exception):
    pass


def c_string(text):
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "?":
            out.append("\\?")  # no trigraphs, whatever the compiler's mode
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def rewrite_header(scenario, finding):
    """rewrite.h: the rewrite's statements as C string literals. A leading
    BEGIN and a trailing COMMIT become REWRITE_BEGIN / REWRITE_COMMIT; the
    statements between them are REWRITE_SQL_1..REWRITE_SQL_<n>."""
    rw = finding["rewrite"]
    stmts = list(rw["statements"])
    begin = stmts.pop(0) if stmts and TX_BEGIN.match(stmts[0]) else None
    commit = stmts.pop() if stmts and TX_END.match(stmts[-1]) else None
    lines = [
        "/* Generated by test-corpus/live/live.py from sqlrace's JSON output for",
        " * test-corpus/live/%s.c: the \"rewrite\" of its %s finding. Do not edit." % (scenario, finding["rule"]),
        " * sqlrace said: %s" % finding["message"].replace("*/", "* /"),
        " * suggested: %s" % finding.get("suggestedSql", "").replace("*/", "* /"),
        " * schema (applied to the database by live.py):",
    ]
    lines += [" *   %s" % s.replace("*/", "* /") for s in rw.get("schema", [])] or [" *   (none)"]
    lines += [" */", "#define REWRITE_NSTATEMENTS %d" % len(stmts)]
    if begin is not None:
        lines.append("#define REWRITE_BEGIN %s" % c_string(begin))
    for i, s in enumerate(stmts, 1):
        lines.append("#define REWRITE_SQL_%d %s" % (i, c_string(s)))
    if commit is not None:
        lines.append("#define REWRITE_COMMIT %s" % c_string(commit))
    return "\n".join(lines) + "\n"


class Env:
    """Tools, paths and the PostgreSQL server shared by the scenario runs."""

    def __init__(self, args):
        self.args = args
        self.work = os.path.abspath(args.work)
        os.makedirs(os.path.join(self.work, "results"), exist_ok=True)
        self.pg = None
        self.own_pg = None

    def pg_environ(self):
        if self.pg is None:
            env_file = self.args.pg_env
            if not env_file or not os.path.exists(env_file):
                env_file = os.path.join(self.work, "pg-own.env")
                subprocess.run([os.path.join(HERE, "pg_temp.sh"), "start", env_file], check=True,
                               stdout=subprocess.DEVNULL)
                self.own_pg = env_file
            self.pg = {}
            with open(env_file) as f:
                for line in f:
                    m = re.match(r"export (\w+)=(.*)$", line.strip())
                    if m:
                        self.pg[m.group(1)] = m.group(2)
        return self.pg

    def close(self):
        if self.own_pg:
            subprocess.run([os.path.join(HERE, "pg_temp.sh"), "stop", self.own_pg], check=False)
            self.own_pg = None


class Run:
    """One program (racy or fixed) of one scenario, on its own fresh database."""

    def __init__(self, env, scenario, variant):
        self.env = env
        self.scenario = scenario
        self.spec = SCENARIOS[scenario]
        self.variant = variant
        self.dir = os.path.join(env.work, scenario, variant)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.database = "live_%s_%s" % (scenario, variant)
        self.sqlite_file = os.path.join(self.dir, scenario + ".db")
        self.totals = None

    # -- databases --------------------------------------------------------
    def psql(self, sql, database=None):
        environ = dict(os.environ, **self.env.pg_environ())
        environ["PGDATABASE"] = database or self.database
        p = subprocess.run([self.env.args.psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                           env=environ, capture_output=True, text=True)
        if p.returncode != 0:
            raise Failure("%s (%s): psql failed on: %s\n%s" % (self.scenario, self.variant, sql, p.stderr.strip()))
        return p.stdout.strip()

    def create_database(self, extra_schema):
        schema = open(os.path.join(HERE, self.scenario + ".sql")).read()
        if self.spec["db"] == "postgresql":
            self.psql('DROP DATABASE IF EXISTS "%s"' % self.database, database="postgres")
            self.psql('CREATE DATABASE "%s"' % self.database, database="postgres")
            self.psql(schema)
            for stmt in extra_schema:
                self.psql(stmt)
        else:
            db = sqlite3.connect(self.sqlite_file, isolation_level=None)
            try:
                if db.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
                    raise Failure("%s: SQLite did not switch to WAL mode" % self.scenario)
                db.executescript(schema)
                for stmt in extra_schema:
                    try:
                        db.execute(stmt)
                    except sqlite3.Error as e:
                        raise Failure("%s (%s): SQLite rejected the rewrite's schema statement: %s\n%s"
                                      % (self.scenario, self.variant, stmt, e))
            finally:
                db.close()

    # -- the program ------------------------------------------------------
    def flags(self):
        f = ["-I" + HERE]
        if self.variant.startswith("fixed"):
            f += ["-DFIXED", "-I" + self.dir]
        return f

    def analyze(self):
        """sqlrace's JSON report on this variant, run as the corpus runs it."""
        cmd = [self.env.args.sqlrace, "--format=json", os.path.join(HERE, self.scenario + ".c"), "--",
               "-I" + self.env.args.pg_include] + self.flags()
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=self.dir)
        if p.returncode not in (0, 1):
            raise Failure("%s (%s): sqlrace failed (exit %d):\n%s" % (self.scenario, self.variant,
                                                                      p.returncode, p.stderr))
        report = json.loads(p.stdout)
        with open(os.path.join(self.dir, "sqlrace.json"), "w") as f:
            f.write(p.stdout)
        return p.returncode, report, " ".join(cmd)

    def compile(self):
        lib = "-lpq" if self.spec["db"] == "postgresql" else "-lsqlite3"
        exe = os.path.join(self.dir, self.scenario)
        cmd = [self.env.args.cc, "-std=gnu11", "-O2", "-Wall", "-Wextra", "-Werror",
               "-I" + self.env.args.pg_include] + self.flags() + [
               os.path.join(HERE, self.scenario + ".c"), "-o", exe, lib]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            raise Failure("%s (%s): does not compile:\n%s\n%s" % (self.scenario, self.variant, " ".join(cmd),
                                                                  p.stderr))
        return exe

    def hammer(self, exe):
        a = self.env.args
        environ = dict(os.environ)
        argv = [exe]
        if self.spec["db"] == "postgresql":
            environ.update(self.env.pg_environ())
            environ["PGDATABASE"] = self.database
        else:
            argv.append(self.sqlite_file)
        environ["SQLRACE_LIVE_DELAY_MS"] = str(a.delay_ms)
        environ["SQLRACE_LIVE_SECONDS"] = str(a.seconds)
        environ["SQLRACE_LIVE_START_MS"] = str(int(time.time() * 1000) + 400)
        procs = []
        for i in range(a.procs):
            environ["SQLRACE_LIVE_WORKER"] = str(i)
            procs.append(subprocess.Popen(argv, env=dict(environ), stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True))
        totals = dict(ops=0, refused=0, unique_violations=0, errors=0, amount=0)
        problems = []
        for i, p in enumerate(procs):
            try:
                out, err = p.communicate(timeout=a.seconds + 60)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                problems.append("worker %d did not finish" % i)
            if err.strip():
                sys.stderr.write(err)
            lines = [line for line in out.splitlines() if line.startswith("{")]
            if p.returncode != 0 or not lines:
                problems.append("worker %d exited with %s and no report" % (i, p.returncode))
                continue
            for k, v in json.loads(lines[-1]).items():
                if k in totals:
                    totals[k] += v
        if problems:
            raise Failure("%s (%s): %s" % (self.scenario, self.variant, "; ".join(problems)))
        self.totals = totals
        totals["damage"] = self.spec["count"](self)
        return totals


def run_scenario(env, scenario, mutation=None):
    """Runs a scenario; with `mutation` (a key of MUTATIONS), only the fixed
    program, built from the weakened rewrite."""
    spec = SCENARIOS[scenario]
    a = env.args
    result = dict(scenario=scenario, title=spec["title"], db=spec["db"], rule=spec["rule"],
                  damage_kind=spec["damage"], procs=a.procs, seconds=a.seconds, delay_ms=a.delay_ms,
                  failures=[])
    fixed_variant = "fixed"
    if mutation:
        fixed_variant = "fixed-" + MUTATIONS[mutation][0]
        result["mutation"] = MUTATIONS[mutation][1]
    fail = result["failures"].append
    t0 = time.time()
    try:
        # 1. sqlrace on the racy program.
        racy = Run(env, scenario, "racy")
        rc, report, cmd = racy.analyze()
        result["racy_command"] = cmd
        warnings = [f for f in report["findings"] if f.get("level", "warning") == "warning"]
        ours = [f for f in warnings if f["rule"] == spec["rule"]]
        result["racy_findings"] = [dict(rule=f["rule"], message=f["message"], line=f["location"]["line"])
                                   for f in warnings]
        if rc != 1 or not ours:
            raise Failure("%s: sqlrace does not report %s on the racy program (exit %d, findings: %s)"
                          % (scenario, spec["rule"], rc, [f["rule"] for f in warnings]))
        with_rewrite = [f for f in ours if f.get("rewrite")]
        if len(with_rewrite) != 1:
            raise Failure("%s: expected exactly one %s finding with a \"rewrite\" in the JSON, got %d"
                          % (scenario, spec["rule"], len(with_rewrite)))
        finding = with_rewrite[0]
        if mutation:
            finding = dict(finding, rewrite=MUTATIONS[mutation][2](finding["rewrite"]))
        rewrite = finding["rewrite"]
        result["suggestedSql"] = finding.get("suggestedSql", "")
        result["rewrite"] = rewrite
        if mutation:
            raise Skip()

        # 2. The race on a real database.
        racy.create_database([])
        racy_totals = racy.hammer(racy.compile())
        result["racy"] = racy_totals
        if racy_totals["damage"] <= 0:
            fail("the racy program showed no damage (%s = %d)" % (spec["damage"], racy_totals["damage"]))
        if racy_totals["errors"]:
            fail("the racy program had %d unexpected errors" % racy_totals["errors"])
        if racy_totals["ops"] <= 0:
            fail("the racy program completed no operation")

        # 3. The fixed program from sqlrace's rewrite; sqlrace must be quiet on it.
        fixed = Run(env, scenario, "fixed")
        with open(os.path.join(fixed.dir, "rewrite.h"), "w") as f:
            f.write(rewrite_header(scenario, finding))
        exe = fixed.compile()
        rc, report, cmd = fixed.analyze()
        result["fixed_command"] = cmd
        fixed_warnings = [f for f in report["findings"] if f.get("level", "warning") == "warning"]
        result["fixed_findings"] = [dict(rule=f["rule"], message=f["message"], line=f["location"]["line"])
                                    for f in fixed_warnings]
        if rc != 0 or fixed_warnings:
            fail("sqlrace reports the program built from its own rewrite (exit %d): %s"
                 % (rc, "; ".join("%s line %d: %s" % (f["rule"], f["location"]["line"], f["message"])
                                  for f in fixed_warnings)))

        # 4. The rewrite under the same load.
        fixed.create_database(rewrite.get("schema", []))
        fixed_totals = fixed.hammer(exe)
        result["fixed"] = fixed_totals
        if fixed_totals["damage"] != 0:
            fail("the rewritten program showed damage (%s = %d)" % (spec["damage"], fixed_totals["damage"]))
        if fixed_totals["unique_violations"] or fixed_totals["errors"]:
            fail("the rewritten program had %d unique violations and %d other errors"
                 % (fixed_totals["unique_violations"], fixed_totals["errors"]))
        if fixed_totals["ops"] < 10:
            fail("the rewritten program completed only %d operations" % fixed_totals["ops"])
    except Skip:
        pass
    except Failure as e:
        fail(str(e))
    if mutation and "rewrite" in result:
        try:
            fixed = Run(env, scenario, fixed_variant)
            with open(os.path.join(fixed.dir, "rewrite.h"), "w") as f:
                f.write(rewrite_header(scenario, finding))
            fixed.create_database(rewrite.get("schema", []))
            result["fixed"] = fixed.hammer(fixed.compile())
        except Failure as e:
            fail(str(e))
    result["seconds_taken"] = round(time.time() - t0, 1)
    result["passed"] = not result["failures"]
    name = scenario if not mutation else "selftest-%s-%s" % (scenario, MUTATIONS[mutation][0])
    with open(os.path.join(env.work, "results", name + ".json"), "w") as f:
        json.dump(result, f, indent=2)
    return result


def describe(r):
    def side(t):
        return "damage %d (ops %d, refused %d, unique violations %d, errors %d)" % (
            t["damage"], t["ops"], t["refused"], t["unique_violations"], t["errors"])
    lines = ["%s: %s" % (r["scenario"], "PASS" if r["passed"] else "FAIL"),
             "  damage counted: %s" % r["damage_kind"]]
    if "racy" in r:
        lines.append("  racy:      " + side(r["racy"]))
    if "fixed" in r:
        lines.append("  rewritten: " + side(r["fixed"]))
    if "rewrite" in r:
        lines.append("  rewrite:   " + json.dumps(r["rewrite"]))
    for f in r["failures"]:
        lines.append("  FAILED: " + f)
    return "\n".join(lines)


def table(work, names=None):
    rows = []
    for name in names or SCENARIOS:
        path = os.path.join(work, "results", name + ".json")
        if not os.path.exists(path):
            rows.append((name, None))
            continue
        with open(path) as f:
            rows.append((name, json.load(f)))
    out = ["| scenario | database | sqlrace rule | damage counted | racy: ops | racy: damage | rewritten: ops | rewritten: damage | result |",
           "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |"]
    missing = False
    settings = set()
    for name, r in rows:
        if r is None:
            out.append("| %s | | | | | | | | not run |" % name)
            missing = True
            continue
        settings.add((r["procs"], r["seconds"], r["delay_ms"]))
        racy, fixed = r.get("racy", {}), r.get("fixed", {})
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["title"], "PostgreSQL" if r["db"] == "postgresql" else "SQLite (WAL)", r["rule"], r["damage_kind"],
            racy.get("ops", "-"), racy.get("damage", "-"), fixed.get("ops", "-"), fixed.get("damage", "-"),
            "pass" if r["passed"] else "FAIL"))
    for procs, seconds, delay in sorted(settings):
        out.append("")
        out.append("%d processes per program, %s s of load each, %d ms between check and write." % (procs, seconds, delay))
    out.append("")
    out.append("| scenario | sqlrace's rewrite (\"rewrite\" in its JSON) |")
    out.append("| --- | --- |")
    for name, r in rows:
        if r and "rewrite" in r:
            rw = r["rewrite"]
            parts = ["schema: `%s`" % s for s in rw.get("schema", [])]
            parts += ["`%s`" % s for s in rw.get("statements", [])]
            if rw.get("note"):
                parts.append("note: " + rw["note"].replace("<", "&lt;").replace(">", "&gt;"))
            out.append("| %s | %s |" % (name, "<br>".join(p.replace("|", "\\|") for p in parts)))
    selftests = []
    for name in MUTATIONS:
        path = os.path.join(work, "results", "selftest-%s-%s.json" % (name, MUTATIONS[name][0]))
        if os.path.exists(path):
            with open(path) as f:
                selftests.append(json.load(f))
    if selftests:
        out.append("")
        out.append("Self-test, each rewrite weakened on purpose under the same load (damage expected):")
        out.append("")
        out.append("| scenario | weakened rewrite | ops | damage |")
        out.append("| --- | --- | ---: | ---: |")
        for r in selftests:
            t = r.get("fixed", {})
            out.append("| %s | %s | %s | %s |" % (r["scenario"], r["mutation"], t.get("ops", "-"), t.get("damage", "-")))
    text = "\n".join(out) + "\n"
    all_passed = not missing and all(r and r["passed"] for _, r in rows)
    return text, all_passed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", choices=["run", "table", "all", "selftest"])
    p.add_argument("scenarios", nargs="*")
    p.add_argument("--sqlrace", default=os.path.join(ROOT, "build", "bin", "sqlrace"))
    p.add_argument("--cc", default=os.environ.get("CC", "cc"))
    p.add_argument("--psql", default="psql")
    p.add_argument("--pg-include", default="/usr/include/postgresql")
    p.add_argument("--work", default=os.path.join(ROOT, "build", "test-corpus", "live"))
    p.add_argument("--pg-env")
    p.add_argument("--procs", type=int, default=4)
    p.add_argument("--seconds", type=int, default=2)
    p.add_argument("--delay-ms", type=int, default=int(os.environ.get("SQLRACE_LIVE_DELAY_MS") or 20))
    a = p.parse_args()
    for s in a.scenarios:
        if s not in SCENARIOS:
            p.error("unknown scenario %s (known: %s)" % (s, ", ".join(SCENARIOS)))

    if a.command == "table":
        text, ok = table(a.work, a.scenarios or None)
        sys.stdout.write(text)
        with open(os.path.join(a.work, "results", "table.md"), "w") as f:
            f.write(text)
        return 0 if ok else 1

    if a.command == "selftest":
        env = Env(a)
        ok = True
        try:
            for name in a.scenarios or list(MUTATIONS):
                if name not in MUTATIONS:
                    p.error("selftest: no weakened rewrite for %s (have: %s)" % (name, ", ".join(MUTATIONS)))
                r = run_scenario(env, name, mutation=name)
                t = r.get("fixed")
                caught = bool(t) and not r["failures"] and t["damage"] > 0
                print("%s, rewrite weakened (%s): %s" % (name, r["mutation"],
                      "damage %d (ops %d, unique violations %d, errors %d): the harness sees it" % (
                          t["damage"], t["ops"], t["unique_violations"], t["errors"]) if t else "did not run"))
                for f in r["failures"]:
                    print("  FAILED: " + f)
                if not caught:
                    print("  FAILED: the weakened rewrite showed no damage, so the harness would not notice a broken one")
                ok = ok and caught
        finally:
            env.close()
        return 0 if ok else 1

    names = a.scenarios if a.command == "run" else (a.scenarios or list(SCENARIOS))
    if not names:
        p.error("run: name at least one scenario")
    env = Env(a)
    ok = True
    try:
        for name in names:
            r = run_scenario(env, name)
            print(describe(r), flush=True)
            ok = ok and r["passed"]
    finally:
        env.close()
    if a.command == "all":
        text, all_ok = table(a.work, names)
        print()
        sys.stdout.write(text)
        ok = ok and all_ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
