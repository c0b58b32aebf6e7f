/* Theme: read-modify-write (lost update). A value read from a row, changed in
 * C, and written back with UPDATE: a concurrent update in between is lost.
 * Also the latest-row forms: ORDER BY ... DESC LIMIT 1 as a MAX, and a status
 * history whose next row depends on the latest one. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Positive: the balance is read, changed in C and written back. */
int withdraw(PGconn *conn, const char *account, long amount)
{
    const char *p[2] = { account, NULL };
    PGresult *r = PQexecParams(conn, "SELECT balance FROM accounts WHERE id = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{balance of 'accounts' read here}} expected-note{{suggested rewrite: BEGIN; SELECT balance FROM accounts WHERE id = $1 FOR UPDATE; UPDATE accounts}}
    long balance = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (balance < amount)
        return -1;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", balance - amount);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0)); // expected-warning{{UPDATE of 'accounts' writes balance computed from balance read earlier without a lock; an update made by another session in between is lost [sqlrace-read-modify-write]}}
    return 0;
}

/* Negative: the UPDATE does the arithmetic and the check in one statement. */
int withdraw_atomic(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "UPDATE accounts SET balance = balance - $2 WHERE id = $1 AND balance >= $2 RETURNING balance",
                               2, NULL, p, NULL, NULL, 0);
    int ok = PQntuples(r) == 1;
    PQclear(r);
    return ok ? 0 : -1;
}

/* Negative: the row is read FOR UPDATE inside the transaction. */
int withdraw_locked(PGconn *conn, const char *account, long amount)
{
    const char *p[1] = { account };
    PQclear(PQexec(conn, "BEGIN"));
    PGresult *r = PQexecParams(conn, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0);
    long balance = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", balance - amount);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return 0;
}

/* Negative: optimistic concurrency -- the UPDATE applies only to the version
 * read, and a lost race (0 rows) is noticed and retried by the caller. */
int rename_doc(PGconn *conn, const char *id, const char *title)
{
    const char *p[1] = { id };
    PGresult *r = PQexecParams(conn, "SELECT title, version FROM docs WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    char version[16];
    snprintf(version, sizeof version, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    const char *u[3] = { title, id, version };
    r = PQexecParams(conn, "UPDATE docs SET title = $1, version = version + 1 WHERE id = $2 AND version = $3", 3, NULL, u, NULL, NULL, 0);
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (changed == 0)
        return -1; /* someone else won; the caller retries */
    return 0;
}

/* Positive: a version column in the WHERE, but the row count is never looked at. */
int bump_stock(PGconn *conn, const char *sku, int delta)
{
    const char *p[1] = { sku };
    PGresult *r = PQexecParams(conn, "SELECT qty, version FROM stock WHERE sku = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{qty of 'stock' read here}} expected-note{{SELECT qty, version FROM stock WHERE sku = $1 FOR UPDATE}}
    int qty = atoi(PQgetvalue(r, 0, 0));
    char v[16], q[16];
    snprintf(v, sizeof v, "%s", PQgetvalue(r, 0, 1));
    PQclear(r);
    snprintf(q, sizeof q, "%d", qty + delta);
    const char *u[3] = { q, sku, v };
    PQclear(PQexecParams(conn, "UPDATE stock SET qty = $1 WHERE sku = $2 AND version = $3", 3, NULL, u, NULL, NULL, 0)); // expected-warning{{[sqlrace-read-modify-write]}} expected-note{{its affected-row count is never checked}}
    return 0;
}

/* Negative: a value read from one row decides an UPDATE of another table. */
int touch_owner(PGconn *conn, const char *doc)
{
    const char *p[1] = { doc };
    PGresult *r = PQexecParams(conn, "SELECT owner FROM docs WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    const char *u[1] = { PQgetvalue(r, 0, 0) };
    PQclear(PQexecParams(conn, "UPDATE users SET last_seen = now() WHERE id = $1", 1, NULL, u, NULL, NULL, 0));
    PQclear(r);
    return 0;
}

/* Positive (max-plus-one): ORDER BY seq DESC LIMIT 1 reads the same number as MAX(seq). */
int append_entry(PGconn *conn, const char *ledger, const char *text)
{
    const char *p[3] = { ledger, NULL, text };
    PGresult *r = PQexecParams(conn, "SELECT seq FROM entries WHERE ledger_id = $1 ORDER BY seq DESC LIMIT 1", 1, NULL, p, NULL, NULL, 0); // expected-note{{MAX(seq) of 'entries' read here}}
    long next = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) + 1 : 1;
    PQclear(r);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", next);
    p[1] = buf;
    PQclear(PQexecParams(conn, "INSERT INTO entries (ledger_id, seq, body) VALUES ($1, $2, $3)", 3, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE ledgers SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq}}
    return 0;
}

/* Positive (check-then-insert): a status history -- read the latest status,
 * INSERT a new row when it differs. Two sessions both see the old status. */
int set_status(PGconn *conn, const char *order, const char *status)
{
    const char *p[2] = { order, status };
    PGresult *r = PQexecParams(conn, "SELECT status FROM order_status WHERE order_id = $1 ORDER BY changed_at DESC LIMIT 1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'order_status' by (order_id) here}} expected-note{{the check reads the latest row}}
    int same = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), status) == 0;
    PQclear(r);
    if (same)
        return 0;
    PQclear(PQexecParams(conn, "INSERT INTO order_status (order_id, status, changed_at) VALUES ($1, $2, now())", 2, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{suggested rewrite: BEGIN; SELECT pg_advisory_xact_lock(hashtext(('order_status' || ':') || $1)); SELECT status}}
    return 1;
}
