/* Theme: one call that runs one of several texts, chosen on the way: an SQL
 * buffer filled on two branches, and the ?: operator. Each text counts, decided
 * by what chose it. */
#include <libpq-fe.h>
#include <stdio.h>

/* Positive: UPDATE when found, else INSERT, both formatted into one buffer
 * and sent by one PQexec. The rewrite keeps the increment. */
int restock(PGconn *conn, const char *sku, int qty)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT 1 FROM stock WHERE sku = '%s'", sku);
    PGresult *r = PQexec(conn, sql); // expected-note{{check of 'stock' by (sku) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        snprintf(sql, sizeof sql, "UPDATE stock SET qty = qty + %d WHERE sku = '%s'", qty, sku);
    else
        snprintf(sql, sizeof sql, "INSERT INTO stock (sku, qty) VALUES ('%s', %d)", sku, qty);
    PQclear(PQexec(conn, sql)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO stock (sku, qty) VALUES ('%s', %d) ON CONFLICT (sku) DO UPDATE SET qty = stock.qty + excluded.qty}}
    return found;
}

/* Positive: ?: picks the INSERT when the row is missing. */
int touch_session(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM sessions WHERE token = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'sessions' by (token) here}}
    int live = PQntuples(r) == 1;
    PQclear(r);
    PQclear(PQexecParams(conn,
                         live ? "UPDATE sessions SET seen = now() WHERE token = $1"
                              : "INSERT INTO sessions (token, seen) VALUES ($1, now())", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO sessions (token, seen) VALUES ($1, now()) ON CONFLICT (token) DO UPDATE SET seen = now()}}
                         1, NULL, p, NULL, NULL, 0));
    return live;
}

/* Negative: ?: between COMMIT and ROLLBACK, after an atomic upsert. */
int save(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN"));
    PGresult *r = PQexecParams(conn, "INSERT INTO notes (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = EXCLUDED.body",
                               2, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
    return ok;
}

/* Negative: the branch chooses between two different tables' inserts, and no check came first. */
int log_event(PGconn *conn, int severe, const char *const *p)
{
    const char *sql = severe ? "INSERT INTO alerts (msg) VALUES ($1)" : "INSERT INTO events (msg) VALUES ($1)";
    PQclear(PQexecParams(conn, sql, 1, NULL, p, NULL, NULL, 0));
    return 0;
}
