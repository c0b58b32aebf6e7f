/* Theme: locks taken in autocommit mode (libpq). Without BEGIN every statement
 * is its own transaction, so SELECT ... FOR UPDATE releases its row lock as
 * soon as the SELECT ends: the check and the write after it are not protected
 * (measured on PostgreSQL 15 by the live tests: 165 seats overbooked, 288 of
 * 384 withdrawals lost). With BEGIN ... COMMIT, or inside a caller's
 * transaction, the same lock holds. Also: a capacity limit compared in SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Positive: the flight row is locked, but with no transaction open the lock is gone again. */
int book_seat(PGconn *conn, const char *flight, const char *passenger, int capacity)
{
    const char *f[1] = { flight };
    PQclear(PQexecParams(conn, "SELECT id FROM flights WHERE id = $1 FOR UPDATE", 1, NULL, f, NULL, NULL, 0)); // expected-note{{SELECT ... FOR UPDATE here}}
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM reservations WHERE flight_id = $1", 1, NULL, f, NULL, NULL, 0); // expected-note{{check of 'reservations' by (flight_id) here}} expected-note{{a capacity check}}
    int taken = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (taken >= capacity)
        return 0;
    const char *p[2] = { flight, passenger };
    PQclear(PQexecParams(conn, "INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0)); // expected-warning{{protected only by SELECT ... FOR UPDATE, which does not protect it: it runs outside a transaction (autocommit, no BEGIN on this connection), so the lock is released as soon as that statement ends, before the write [sqlrace-ineffective-lock]}} expected-note{{suggested rewrite: BEGIN; SELECT id FROM flights WHERE id = $1 FOR UPDATE}}
    return 1;
}

/* Negative: the same inside BEGIN ... COMMIT. */
int book_seat_in_transaction(PGconn *conn, const char *flight, const char *passenger, int capacity)
{
    const char *f[1] = { flight };
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT id FROM flights WHERE id = $1 FOR UPDATE", 1, NULL, f, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM reservations WHERE flight_id = $1", 1, NULL, f, NULL, NULL, 0);
    int taken = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (taken < capacity) {
        const char *p[2] = { flight, passenger };
        PQclear(PQexecParams(conn, "INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0));
    }
    PQclear(PQexec(conn, "COMMIT"));
    return taken < capacity;
}

/* Positive: the balance row read FOR UPDATE in autocommit, then written back. */
int withdraw(PGconn *conn, const char *account, int amount)
{
    const char *a[1] = { account };
    PGresult *r = PQexecParams(conn, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", 1, NULL, a, NULL, NULL, 0); // expected-note{{balance of 'accounts' read here}} expected-note{{SELECT ... FOR UPDATE here}} expected-note{{suggested rewrite: BEGIN; SELECT balance FROM accounts WHERE id = $1 FOR UPDATE; UPDATE accounts SET balance = $1 WHERE id = $2; COMMIT}}
    if (PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    long balance = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (balance < amount)
        return 0;
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", balance - amount);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0)); // expected-warning{{UPDATE of 'accounts' writes balance computed from balance read earlier, protected only by SELECT ... FOR UPDATE, which does not protect it: it runs outside a transaction}}
    return 1;
}

/* Negative: a step of a larger transaction; its caller below opens it. */
static int move_balance(PGconn *conn, const char *account, long delta)
{
    const char *a[1] = { account };
    PGresult *r = PQexecParams(conn, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", 1, NULL, a, NULL, NULL, 0);
    if (PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    long balance = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", balance + delta);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0));
    return 0;
}

int transfer(PGconn *conn, const char *from, const char *to, long amount)
{
    PQclear(PQexec(conn, "BEGIN"));
    int bad = move_balance(conn, from, -amount) || move_balance(conn, to, amount);
    PQclear(PQexec(conn, bad ? "ROLLBACK" : "COMMIT"));
    return bad ? -1 : 0;
}

/* Positive: the limit is compared in SQL; it is still a capacity check, which a
 * unique key cannot express (not an existence check). */
int book_seat_sql_limit(PGconn *conn, const char *flight, const char *passenger, const char *capacity)
{
    const char *q[2] = { flight, capacity };
    PGresult *r = PQexecParams(conn, "SELECT count(*) < $2 FROM reservations WHERE flight_id = $1", 2, NULL, q, NULL, NULL, 0); // expected-note{{check of 'reservations' by (flight_id) here}} expected-note{{a capacity check}}
    int room = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!room)
        return 0;
    const char *p[2] = { flight, passenger };
    PQclear(PQexecParams(conn, "INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{suggested rewrite: BEGIN; SELECT id FROM flights WHERE id = $1 FOR UPDATE; SELECT count(*) < $2 FROM reservations WHERE flight_id = $1; INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2); COMMIT}}
    return 1;
}

/* Positive: LOCK TABLE needs a transaction block; in autocommit PostgreSQL rejects it. */
int add_tag_locked(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PQclear(PQexec(conn, "LOCK TABLE tags IN SHARE ROW EXCLUSIVE MODE")); // expected-note{{LOCK TABLE here}}
    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'tags' by (name) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{where PostgreSQL rejects LOCK TABLE (it can only be used in transaction blocks) [sqlrace-ineffective-lock]}} expected-note{{suggested rewrite: CREATE UNIQUE INDEX tags_name_key ON tags (name)}}
    return found;
}

/* Remark: the balance is safe under SERIALIZABLE, but a serialization failure is not retried. */
int withdraw_serializable(PGconn *conn, const char *account, int amount)
{
    const char *a[1] = { account };
    PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    PGresult *r = PQexecParams(conn, "SELECT balance FROM accounts WHERE id = $1", 1, NULL, a, NULL, NULL, 0);
    long balance = PQntuples(r) == 1 ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", balance - amount);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0)); // expected-remark{{protected by SERIALIZABLE isolation: one of two concurrent sessions fails with SQLSTATE 40001}}
    PQclear(PQexec(conn, "COMMIT"));
    return 0;
}

/* Negative: the transaction is opened by the project's own wrapper, defined in
 * another file; sqlrace cannot see whether it sends BEGIN, so it assumes it may. */
struct app_db { PGconn *conn; int depth; };
void app_tx_begin(struct app_db *db);
void app_tx_commit(struct app_db *db);

int withdraw_wrapped(struct app_db *db, const char *account, int amount)
{
    const char *a[1] = { account };
    app_tx_begin(db);
    PGresult *r = PQexecParams(db->conn, "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE", 1, NULL, a, NULL, NULL, 0);
    long balance = PQntuples(r) == 1 ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", balance - amount);
    const char *u[2] = { buf, account };
    PQclear(PQexecParams(db->conn, "UPDATE accounts SET balance = $1 WHERE id = $2", 2, NULL, u, NULL, NULL, 0));
    app_tx_commit(db);
    return 0;
}
