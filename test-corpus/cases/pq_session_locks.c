/* Theme: protection that holds but deserves a remark. A session-level
 * pg_advisory_lock not released on every path outlives the code on a pooled
 * connection; SERIALIZABLE protects by failing one session with 40001, which
 * the code should retry. Remarks do not fail the run. */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* Remark: the session lock is never released. */
int add_member(PGconn *conn, const char *const *p)
{
    PQclear(PQexecParams(conn, "SELECT pg_advisory_lock(hashtext($1))", 1, NULL, p, NULL, NULL, 0)); // expected-note{{session-level advisory lock taken here}}
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM members WHERE email = $1", 1, NULL, p, NULL, NULL, 0);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO members (email) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-remark{{protected by a session-level advisory lock that is not released on every path}}
    return !found;
}

/* Clean: the session lock is released on every path after the insert. */
int add_member_released(PGconn *conn, const char *const *p)
{
    PQclear(PQexecParams(conn, "SELECT pg_advisory_lock(hashtext($1))", 1, NULL, p, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM members WHERE email = $1", 1, NULL, p, NULL, NULL, 0);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO members (email) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexecParams(conn, "SELECT pg_advisory_unlock(hashtext($1))", 1, NULL, p, NULL, NULL, 0));
    return !found;
}

/* Clean: SERIALIZABLE, and a serialization failure (40001) is retried. */
int add_member_serializable(PGconn *conn, const char *const *p)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
        PGresult *r = PQexecParams(conn, "SELECT 1 FROM members WHERE email = $1", 1, NULL, p, NULL, NULL, 0);
        int found = PQntuples(r) > 0;
        PQclear(r);
        if (!found)
            PQclear(PQexecParams(conn, "INSERT INTO members (email) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
        r = PQexec(conn, "COMMIT");
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        int retry = state && strcmp(state, "40001") == 0;
        PQclear(r);
        if (!retry)
            return !found;
    }
    return -1;
}
