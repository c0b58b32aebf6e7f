/* Theme: negatives - every database-side lock form that really serializes a
 * check-then-insert (or MAX+1) on the same connection before the check:
 * LOCK TABLE in SHARE ROW EXCLUSIVE / EXCLUSIVE / ACCESS EXCLUSIVE mode,
 * pg_advisory_xact_lock, SERIALIZABLE isolation, and a multi-statement
 * "BEGIN; LOCK TABLE ..." string. No diagnostics expected. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

int tag_add_share_row_exclusive(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexec(conn, "LOCK TABLE tags IN SHARE ROW EXCLUSIVE MODE"));

    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    int found = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return found;
}

int tag_add_exclusive(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = PQexec(conn, "BEGIN");
    PQclear(r);
    r = PQexec(conn, "LOCK TABLE ONLY tags IN EXCLUSIVE MODE");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(r);

    r = PQexecParams(conn, "SELECT count(*) FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (n == 0)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return n;
}

/* LOCK TABLE without a mode is ACCESS EXCLUSIVE. */
int tag_add_access_exclusive(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = PQexec(conn, "BEGIN");
    PQclear(r);
    r = PQexec(conn, "LOCK TABLE tags");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(r);
    r = PQexecParams(conn, "SELECT 1 FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQntuples(r) == 0)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(r);
    r = PQexec(conn, "COMMIT");
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(r);
    return rc;
}

/* Advisory lock keyed on an integer id, MAX+1 under it. */
int next_invoice_line(PGconn *conn, int invoice_id, const char *text)
{
    char idbuf[16], lnbuf[16];
    snprintf(idbuf, sizeof idbuf, "%d", invoice_id);
    const char *p[3] = { idbuf, lnbuf, text };

    PQclear(PQexec(conn, "BEGIN"));
    PGresult *l = PQexecParams(conn, "SELECT pg_advisory_xact_lock($1)", 1, NULL, p, NULL, NULL, 0);
    PQclear(l);

    PGresult *m = PQexecParams(conn, "SELECT COALESCE(MAX(line_no), 0) + 1 FROM invoice_lines WHERE invoice_id = $1",
                               1, NULL, p, NULL, NULL, 0);
    snprintf(lnbuf, sizeof lnbuf, "%s", PQgetvalue(m, 0, 0));
    PQclear(m);

    PGresult *w = PQexecParams(conn, "INSERT INTO invoice_lines (invoice_id, line_no, text) VALUES ($1, $2, $3)",
                               3, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(w) == PGRES_COMMAND_OK;
    PQclear(w);
    PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
    return ok ? atoi(lnbuf) : -1;
}

/* Advisory lock keyed on a hash of the text key. */
int tag_add_advisory_hash(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, NULL, p, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return missing;
}

int tag_add_serializable_begin(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQntuples(r) > 0) {
        PQclear(r);
        PQclear(PQexec(conn, "COMMIT"));
        return 0;
    }
    PQclear(r);
    r = PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0); // expected-remark{{no retry of that failure is visible here}}
    PQclear(r);
    r = PQexec(conn, "COMMIT"); /* caller retries on 40001 */
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

int tag_add_set_transaction(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexec(conn, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
    PGresult *r = PQexecParams(conn, "SELECT EXISTS (SELECT 1 FROM tags WHERE name = $1)", 1, NULL, p, NULL, NULL, 0);
    int exists = PQgetvalue(r, 0, 0)[0] == 't';
    PQclear(r);
    if (!exists)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-remark{{no retry of that failure is visible here}}
    PQclear(PQexec(conn, "COMMIT"));
    return !exists;
}

int tag_add_start_serializable(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-remark{{no retry of that failure is visible here}}
    PQclear(PQexec(conn, "COMMIT"));
    return missing;
}

/* BEGIN and LOCK TABLE sent together in one simple-query string. */
int tag_add_multi_statement(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = PQexec(conn, "BEGIN; LOCK TABLE tags IN EXCLUSIVE MODE");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        return -1;
    }
    PQclear(r);
    r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return missing;
}
