/* Theme: positives - "protection" that does not serialize the check and the
 * insert: a plain BEGIN/COMMIT (READ COMMITTED), REPEATABLE READ, weak
 * LOCK TABLE modes, a lock taken on a different connection, FOR SHARE of the
 * parent row, and a strong lock taken on only some paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Plain BEGIN ... COMMIT at the default isolation level. */
int label_add_in_txn(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN")); // expected-note{{runs at the default isolation level}}
    PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(PQexec(conn, "COMMIT"));
    return missing;
}

/* REPEATABLE READ still lets two transactions both see "missing". */
int label_add_repeatable_read(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ")); // expected-note{{REPEATABLE READ does not stop it either}}
    PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    if (PQntuples(r) == 0)
        PQclear(PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(r);
    PQclear(PQexec(conn, "COMMIT"));
    return 0;
}

/* SHARE mode does not conflict with itself: both sessions pass the check. */
int label_add_share_mode(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN")); // expected-note{{runs at the default isolation level}}
    PQclear(PQexec(conn, "LOCK TABLE labels IN SHARE MODE"));
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    int n = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (n == 0)
        PQclear(PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(PQexec(conn, "COMMIT"));
    return n;
}

/* ROW EXCLUSIVE is what INSERT takes anyway; it does not conflict with itself. */
int label_add_row_exclusive(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = PQexec(conn, "BEGIN; LOCK TABLE labels IN ROW EXCLUSIVE MODE"); // expected-note{{runs at the default isolation level}}
    PQclear(r);
    r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    if (PQntuples(r) > 0) {
        PQclear(r);
        PQclear(PQexec(conn, "COMMIT"));
        return 0;
    }
    PQclear(r);
    r = PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(r);
    PQclear(PQexec(conn, "COMMIT"));
    return 1;
}

/* The strong lock is taken on lock_conn, the check and insert run on conn. */
int label_add_other_conn(PGconn *conn, PGconn *lock_conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(lock_conn, "BEGIN"));
    PQclear(PQexec(lock_conn, "LOCK TABLE labels IN SHARE ROW EXCLUSIVE MODE"));

    PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}

    PQclear(PQexec(lock_conn, "COMMIT"));
    return missing;
}

/* Advisory lock on another connection does not serialize this one either. */
int next_line_other_conn(PGconn *db, PGconn *locker, int invoice_id)
{
    char id[16], ln[16];
    snprintf(id, sizeof id, "%d", invoice_id);
    const char *p[2] = { id, ln };
    PQclear(PQexec(locker, "BEGIN"));
    PQclear(PQexecParams(locker, "SELECT pg_advisory_xact_lock($1)", 1, NULL, p, NULL, NULL, 0));

    PGresult *m = PQexecParams(db, "SELECT MAX(line_no) FROM invoice_lines WHERE invoice_id = $1", // expected-note{{MAX(line_no) of 'invoice_lines' read here}}
                               1, NULL, p, NULL, NULL, 0);
    int next = PQgetisnull(m, 0, 0) ? 1 : atoi(PQgetvalue(m, 0, 0)) + 1;
    PQclear(m);
    snprintf(ln, sizeof ln, "%d", next);
    PQclear(PQexecParams(db, "INSERT INTO invoice_lines (invoice_id, line_no) VALUES ($1, $2)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE invoices SET last_line_no = last_line_no + 1 WHERE id = $1 RETURNING last_line_no}}
                         2, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(locker, "COMMIT"));
    return next;
}

/* FOR SHARE of the parent: two sessions can both hold it and read the same MAX. */
int add_item_for_share(PGconn *conn, const char *order_id, const char *sku)
{
    char num[16];
    const char *p[3] = { order_id, num, sku };
    PQclear(PQexec(conn, "BEGIN")); // expected-note{{runs at the default isolation level}}
    PGresult *o = PQexecParams(conn, "SELECT id FROM orders WHERE id = $1 FOR SHARE", 1, NULL, p, NULL, NULL, 0);
    if (PQntuples(o) == 0) {
        PQclear(o);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(o);

    PGresult *m = PQexecParams(conn, "SELECT COALESCE(MAX(item_number), 0) + 1 FROM items WHERE order_id = $1", // expected-note{{MAX(item_number) of 'items' read here}}
                               1, NULL, p, NULL, NULL, 0);
    strncpy(num, PQgetvalue(m, 0, 0), sizeof num - 1);
    num[sizeof num - 1] = '\0';
    PQclear(m);

    PGresult *w = PQexecParams(conn, "INSERT INTO items (order_id, item_number, sku) VALUES ($1, $2, $3)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE orders SET last_item_number = last_item_number + 1 WHERE id = $1 RETURNING last_item_number}}
                               3, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(w) == PGRES_COMMAND_OK;
    PQclear(w);
    PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
    return ok ? atoi(num) : -1;
}

/* The strong lock is only taken on one path, so the other path is racy. */
int label_add_sometimes_locked(PGconn *conn, const char *name, int strict)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "BEGIN")); // expected-note{{runs at the default isolation level}}
    if (strict)
        PQclear(PQexec(conn, "LOCK TABLE labels IN EXCLUSIVE MODE"));
    PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels'}}
    int missing = PQntuples(r) == 0;
    PQclear(r);
    if (missing)
        PQclear(PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(PQexec(conn, "COMMIT"));
    return missing;
}
