#!/usr/bin/env python3
"""Generates a database-heavy C file for the benchmark: N service functions in
the style of real libpq code (helpers, parameter arrays, snprintf buffers, error
checks, early returns), about four SQL executions each, a quarter of them racy.

usage: gen_db_heavy.py N > out.c
"""
import sys

HEAD = r'''#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ok(PGresult *r, ExecStatusType want)
{
    int good = PQresultStatus(r) == want;
    if (!good)
        fprintf(stderr, "db: %s", PQresultErrorMessage(r));
    PQclear(r);
    return good;
}

static PGresult *run(PGconn *conn, const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        fprintf(stderr, "db: %s", PQerrorMessage(conn));
    return r;
}
'''

BODIES = [
    # racy check-then-insert through the wrapper
    r'''
int ensure_item_{i}(PGconn *conn, const char *key, const char *name)
{{
    const char *p[2] = {{ key, name }};
    PGresult *r = run(conn, "SELECT id FROM items_{t} WHERE code = $1", 1, p);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return ok(run(conn, "UPDATE items_{t} SET name = $2 WHERE code = $1", 2, p), PGRES_COMMAND_OK);
    return ok(run(conn, "INSERT INTO items_{t} (code, name) VALUES ($1, $2)", 2, p), PGRES_COMMAND_OK);
}}
''',
    # clean: atomic upsert plus an audit row
    r'''
int upsert_item_{i}(PGconn *conn, const char *key, const char *name, int qty)
{{
    char q[16];
    snprintf(q, sizeof q, "%d", qty);
    const char *p[3] = {{ key, name, q }};
    if (!ok(PQexecParams(conn, "INSERT INTO items_{t} (code, name, qty) VALUES ($1, $2, $3) "
                               "ON CONFLICT (code) DO UPDATE SET qty = items_{t}.qty + EXCLUDED.qty",
                         3, NULL, p, NULL, NULL, 0), PGRES_COMMAND_OK))
        return -1;
    return ok(PQexecParams(conn, "INSERT INTO audit_{t} (code, what) VALUES ($1, 'upsert')", 1, NULL, p, NULL, NULL, 0),
              PGRES_COMMAND_OK);
}}
''',
    # locked MAX + 1
    r'''
long add_line_{i}(PGconn *conn, const char *order_id, const char *sku)
{{
    char no[24];
    const char *p[3] = {{ order_id, no, sku }};
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT id FROM orders_{t} WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn, "SELECT COALESCE(MAX(line_no), 0) + 1 FROM lines_{t} WHERE order_id = $1",
                               1, NULL, p, NULL, NULL, 0);
    long next = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    snprintf(no, sizeof no, "%ld", next);
    int good = ok(PQexecParams(conn, "INSERT INTO lines_{t} (order_id, line_no, sku) VALUES ($1, $2, $3)",
                               3, NULL, p, NULL, NULL, 0), PGRES_COMMAND_OK);
    PQclear(PQexec(conn, good ? "COMMIT" : "ROLLBACK"));
    return good ? next : -1;
}}
''',
    # read-only report with a loop over rows
    r'''
long total_{i}(PGconn *conn, const char *customer)
{{
    const char *p[1] = {{ customer }};
    PGresult *r = PQexecParams(conn, "SELECT amount FROM payments_{t} WHERE customer = $1", 1, NULL, p, NULL, NULL, 0);
    long sum = 0;
    for (int k = 0; k < PQntuples(r); ++k)
        sum += atol(PQgetvalue(r, k, 0));
    PQclear(r);
    if (sum > 1000000) {{
        char buf[32];
        snprintf(buf, sizeof buf, "%ld", sum);
        const char *a[2] = {{ customer, buf }};
        PQclear(PQexecParams(conn, "INSERT INTO alerts_{t} (customer, total) VALUES ($1, $2)", 2, NULL, a, NULL, NULL, 0));
    }}
    return sum;
}}
''',
]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    out = [HEAD]
    for i in range(n):
        out.append(BODIES[i % len(BODIES)].format(i=i, t=i % 37))
    sys.stdout.write("".join(out))


if __name__ == "__main__":
    main()
