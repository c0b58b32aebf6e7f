/* Theme: libpq's asynchronous API. PQsendQuery/PQsendQueryParams queue the
 * statement; PQgetResult on the same connection returns its rows. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

/* Positive: the result fetched with PQgetResult decides the insert. */
int register_device_async(PGconn *conn, const char *serial)
{
    const char *p[1] = { serial };
    if (!PQsendQueryParams(conn, "SELECT 1 FROM devices WHERE serial = $1", 1, NULL, p, NULL, NULL, 0)) // expected-note{{check of 'devices' by (serial) here}}
        return -1;
    PGresult *res = PQgetResult(conn);
    int known = res && PQntuples(res) > 0;
    PQclear(res);
    while ((res = PQgetResult(conn)) != NULL)
        PQclear(res);
    if (known)
        return 0;
    if (!PQsendQueryParams(conn, "INSERT INTO devices (serial) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)) // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO devices (serial) VALUES ($1) ON CONFLICT (serial) DO NOTHING}}
        return -1;
    while ((res = PQgetResult(conn)) != NULL)
        PQclear(res);
    return 1;
}

/* Positive: MAX over PQsendQuery, +1 in C, then a synchronous insert. */
int next_batch(PGconn *conn)
{
    PQsendQuery(conn, "SELECT max(batch_no) FROM batches"); // expected-note{{MAX(batch_no) of 'batches' read here}}
    PGresult *r = PQgetResult(conn);
    long n = atol(PQgetvalue(r, 0, 0)) + 1;
    PQclear(r);
    while ((r = PQgetResult(conn)) != NULL)
        PQclear(r);
    char buf[24];
    const char *p[1] = { buf };
    snprintf(buf, sizeof buf, "%ld", n);
    r = PQexecParams(conn, "INSERT INTO batches (batch_no) VALUES ($1)", 1, NULL, p, NULL, NULL, 0); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO batches DEFAULT VALUES}}
    PQclear(r);
    return (int)n;
}

/* Negative: the asynchronous result is from another table. */
int audit_async(PGconn *conn, const char *who)
{
    const char *p[1] = { who };
    PQsendQueryParams(conn, "SELECT 1 FROM users WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    PGresult *res = PQgetResult(conn);
    int known = PQntuples(res) > 0;
    PQclear(res);
    while ((res = PQgetResult(conn)) != NULL)
        PQclear(res);
    if (!known)
        PQclear(PQexecParams(conn, "INSERT INTO login_failures (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    return known;
}
