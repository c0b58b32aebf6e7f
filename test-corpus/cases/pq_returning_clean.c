/* Theme: negatives - atomic single statements that need no separate check:
 * INSERT ... RETURNING id with an identity column, UPDATE counter = counter + 1
 * RETURNING feeding an INSERT into another table, ON CONFLICT DO NOTHING
 * RETURNING with a SELECT fallback, and ON CONFLICT DO UPDATE RETURNING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Identity column assigns the id. */
long ticket_open(PGconn *conn, const char *title)
{
    const char *p[1] = { title };
    PGresult *r = PQexecParams(conn, "INSERT INTO tickets (title) VALUES ($1) RETURNING id",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "ticket_open: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    long id = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return id;
}

/* Counter row incremented atomically; the number goes into a different table. */
int document_create(PGconn *conn, const char *series, const char *title)
{
    const char *cp[1] = { series };
    PGresult *r = PQexecParams(conn,
        "UPDATE counters SET n = n + 1 WHERE name = $1 RETURNING n",
        1, NULL, cp, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);

    char nbuf[16];
    snprintf(nbuf, sizeof nbuf, "%d", n);
    const char *dp[3] = { series, nbuf, title };
    r = PQexecParams(conn, "INSERT INTO documents (series, doc_no, title) VALUES ($1, $2, $3)",
                     3, NULL, dp, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? n : -1;
}

/* Insert first; only when the conflict swallowed it, read the existing id. */
long tag_get_or_create(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    long id = -1;
    PGresult *r = PQexecParams(conn,
        "INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id",
        1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) == 1) {
        id = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
        return id;
    }
    PQclear(r);

    r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        id = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return id;
}

/* Upsert that returns the row id whether inserted or updated. */
long setting_put(PGconn *conn, const char *key, const char *value)
{
    static const char SQL_PUT[] =
        "INSERT INTO settings (key, value) VALUES ($1, $2) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value "
        "RETURNING id";
    const char *p[2] = { key, value };
    PGresult *r = PQexecParams(conn, SQL_PUT, 2, NULL, p, NULL, NULL, 0);
    long id = (PQresultStatus(r) == PGRES_TUPLES_OK) ? atol(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return id;
}

/* Prepared counter bump, executed by name, then used in another table. */
int order_number_next(PGconn *conn, const char *shop, const char *customer)
{
    PGresult *r = PQprepare(conn, "bump_order_no",
                            "UPDATE shops SET last_order_no = last_order_no + 1 WHERE code = $1 RETURNING last_order_no",
                            1, NULL);
    PQclear(r);
    const char *bp[1] = { shop };
    r = PQexecPrepared(conn, "bump_order_no", 1, bp, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) == 0) {
        PQclear(r);
        return -1;
    }
    const char *op[3] = { shop, PQgetvalue(r, 0, 0), customer };
    PGresult *w = PQexecParams(conn, "INSERT INTO orders (shop, order_no, customer) VALUES ($1, $2, $3)",
                               3, NULL, op, NULL, NULL, 0);
    int rc = PQresultStatus(w) == PGRES_COMMAND_OK ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(w);
    PQclear(r);
    return rc;
}
