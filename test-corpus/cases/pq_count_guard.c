/* Theme: COUNT(*) and EXISTS guards (libpq, check-then-insert).
 * "Insert only if count is 0" / "only if NOT EXISTS" as two statements: both
 * callers see 0 / false and both insert. Fixed with ON CONFLICT DO NOTHING. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Positive: count(*) read with atoi, insert when 0. */
int subscribe(PGconn *conn, const char *user_id, const char *plan)
{
    const char *args[2] = { user_id, plan };
    PGresult *res = PQexecParams(conn,
        "SELECT count(*) FROM subscriptions WHERE user_id = $1 AND plan = $2", // expected-note{{check of 'subscriptions'}}
        2, NULL, args, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "count failed: %s", PQerrorMessage(conn));
        PQclear(res);
        return -1;
    }
    int count = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);

    if (count == 0) {
        res = PQexecParams(conn,
            "INSERT INTO subscriptions (user_id, plan, started_at) VALUES ($1, $2, now())", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO subscriptions (user_id, plan, started_at) VALUES ($1, $2, now()) ON CONFLICT (user_id, plan) DO NOTHING}}
            2, NULL, args, NULL, NULL, 0);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            PQclear(res);
            return -1;
        }
        PQclear(res);
        return 1;
    }
    return 0;
}

/* Positive: SELECT EXISTS(...) read as the 't'/'f' text form. */
int follow(PGconn *conn, const char *follower, const char *followee)
{
    const char *args[2] = { follower, followee };
    PGresult *res = PQexecParams(conn,
        "SELECT EXISTS(SELECT 1 FROM follows WHERE follower = $1 AND followee = $2)", // expected-note{{check of 'follows'}}
        2, NULL, args, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        return -1;
    }
    const int already = PQgetvalue(res, 0, 0)[0] == 't';
    PQclear(res);
    if (already)
        return 0;

    res = PQexecParams(conn, "INSERT INTO follows (follower, followee) VALUES ($1, $2)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO follows (follower, followee) VALUES ($1, $2) ON CONFLICT (follower, followee) DO NOTHING}}
                       2, NULL, args, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 1 : -1;
    PQclear(res);
    return rc;
}

/* Positive: COUNT with strtol and a > 0 test, insert in the else branch. */
int register_device(PGconn *conn, const char *serial, const char *owner)
{
    const char *k[2] = { serial, owner };
    PGresult *c = PQexecParams(conn, "SELECT COUNT(*) AS n FROM devices WHERE serial = $1", // expected-note{{check of 'devices'}}
                               1, NULL, k, NULL, NULL, 0);
    char *end = NULL;
    long n = strtol(PQgetvalue(c, 0, 0), &end, 10);
    PQclear(c);

    int rc;
    if (n > 0) {
        fprintf(stderr, "device %s already registered\n", serial);
        rc = 0;
    } else {
        PGresult *i = PQexecParams(conn, "INSERT INTO devices (serial, owner) VALUES ($1, $2)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO devices (serial, owner) VALUES ($1, $2) ON CONFLICT (serial) DO NOTHING}}
                                   2, NULL, k, NULL, NULL, 0);
        rc = PQresultStatus(i) == PGRES_COMMAND_OK ? 1 : -1;
        PQclear(i);
    }
    return rc;
}

/* Negative (fixed): let the unique constraint arbitrate. */
int subscribe_fixed(PGconn *conn, const char *user_id, const char *plan)
{
    const char *args[2] = { user_id, plan };
    PGresult *res = PQexecParams(conn,
        "INSERT INTO subscriptions (user_id, plan, started_at) VALUES ($1, $2, now()) "
        "ON CONFLICT (user_id, plan) DO NOTHING",
        2, NULL, args, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        PQclear(res);
        return -1;
    }
    int inserted = atoi(PQcmdTuples(res));
    PQclear(res);
    return inserted;
}

/* Negative (fixed): same for follows, checking rows affected instead of a prior SELECT. */
int follow_fixed(PGconn *conn, const char *follower, const char *followee)
{
    const char *args[2] = { follower, followee };
    PGresult *res = PQexecParams(conn,
        "INSERT INTO follows (follower, followee) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        2, NULL, args, NULL, NULL, 0);
    int rc = -1;
    if (PQresultStatus(res) == PGRES_COMMAND_OK)
        rc = strcmp(PQcmdTuples(res), "1") == 0;
    PQclear(res);
    return rc;
}

/* Positive, one finding: when the user has no default folders yet, two are
 * made. The check guards a batch of rows with the same owner, so a unique key
 * on (owner_id) would reject the second; the rewrite serializes on the owner. */
int folders_seed(PGconn *conn, const char *owner)
{
    const char *p[1] = { owner };
    PGresult *r = PQexecParams(conn, "SELECT COUNT(*) FROM folders WHERE owner_id = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'folders' by (owner_id) here}} expected-note{{the check guards several rows, so a unique key on (owner_id) would reject rows the code means to insert: serialize instead}}
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (n > 0)
        return 0;
    PQclear(PQexecParams(conn, "INSERT INTO folders (owner_id, name) VALUES ($1, 'Inbox')", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{INSERT into 'folders' depends on an earlier check of 'folders' by (owner_id) without a lock}} expected-note{{suggested rewrite: BEGIN; SELECT id FROM owners WHERE id = $1 FOR UPDATE;}}
    PQclear(PQexecParams(conn, "INSERT INTO folders (owner_id, name) VALUES ($1, 'Archive')", 1, NULL, p, NULL, NULL, 0)); // expected-note{{another INSERT into 'folders' after the same check}}
    return 2;
}
