/* Theme: single-statement races (libpq). INSERT ... SELECT MAX(col)+1 and
 * INSERT ... SELECT ... WHERE NOT EXISTS are still racy under READ COMMITTED:
 * the SELECT part sees a snapshot that does not include concurrent inserts.
 * Warning and both notes sit on the one SQL string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Positive: max-plus-one inside one INSERT ... SELECT. */
int new_invoice(PGconn *conn, const char *customer)
{
    const char *params[1] = { customer };
    PGresult *res = PQexecParams(conn,
        "INSERT INTO invoices (num, customer) SELECT COALESCE(MAX(num), 0) + 1, $1 FROM invoices RETURNING num", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{MAX(num) of 'invoices' read here}} expected-note{{INSERT INTO invoices (customer) VALUES ($1) RETURNING num}}
        1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "new_invoice: %s", PQresultErrorMessage(res));
        PQclear(res);
        return -1;
    }
    int num = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return num;
}

/* Positive: check-then-insert inside one INSERT ... WHERE NOT EXISTS. */
int ensure_tag(PGconn *conn, const char *name)
{
    const char *params[1] = { name };
    PGresult *res = PQexecParams(conn, "INSERT INTO tags (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM tags WHERE name = $1)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{check of 'tags'}} expected-note{{INSERT INTO tags (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM tags WHERE name = $1) ON CONFLICT (name) DO NOTHING}}
                                 1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : -1;
}

/* Positive: the same via PQexec with a literal value, per-year numbering. */
void next_ticket_2024(PGconn *conn)
{
    PGresult *r = PQexec(conn, "INSERT INTO tickets (year, seq) SELECT 2024, COALESCE(MAX(seq), 0) + 1 FROM tickets WHERE year = 2024"); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{MAX(seq) of 'tickets' read here}} expected-note{{INSERT INTO tickets (year) VALUES (2024)}}
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fprintf(stderr, "ticket: %s", PQresultErrorMessage(r));
    PQclear(r);
}

/* Negative: ON CONFLICT instead of NOT EXISTS. */
int ensure_tag_fixed(PGconn *conn, const char *name)
{
    const char *params[1] = { name };
    PGresult *res = PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING",
                                 1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : -1;
}

/* Negative: INSERT ... SELECT copying from a different table. */
int archive_invoice(PGconn *conn, const char *num)
{
    const char *params[1] = { num };
    PGresult *res = PQexecParams(conn,
        "INSERT INTO invoices_archive (num, customer) SELECT num, customer FROM invoices WHERE num = $1",
        1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 0 : -1;
}

/* Negative: INSERT ... SELECT MAX+1 under an EXCLUSIVE table lock. */
int new_invoice_locked(PGconn *conn, const char *customer)
{
    const char *params[1] = { customer };
    PGresult *res = PQexec(conn, "BEGIN");
    PQclear(res);
    res = PQexec(conn, "LOCK TABLE invoices IN EXCLUSIVE MODE");
    PQclear(res);
    res = PQexecParams(conn,
        "INSERT INTO invoices (num, customer) SELECT COALESCE(MAX(num), 0) + 1, $1 FROM invoices",
        1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    res = PQexec(conn, ok ? "COMMIT" : "ROLLBACK");
    PQclear(res);
    return ok ? 0 : -1;
}
