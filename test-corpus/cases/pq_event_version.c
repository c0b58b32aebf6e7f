/* Theme: per-tenant event version counter (libpq, max-plus-one).
 * SELECT COALESCE(MAX(version), 0) + 1 followed by an INSERT of that version:
 * two writers read the same MAX and both insert the same version. The fixed
 * variants let the database assign the version (sequence default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Positive: +1 done in SQL, the PQgetvalue pointer goes straight into params. */
int append_event(PGconn *conn, const char *tenant, const char *payload)
{
    const char *sel_params[1] = { tenant };
    PGresult *vres = PQexecParams(conn,
        "SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE tenant = $1", // expected-note{{MAX(version) of 'events' read here}}
        1, NULL, sel_params, NULL, NULL, 0);
    if (PQresultStatus(vres) != PGRES_TUPLES_OK) {
        fprintf(stderr, "append_event: %s", PQerrorMessage(conn));
        PQclear(vres);
        return -1;
    }

    const char *ins_params[3];
    ins_params[0] = tenant;
    ins_params[1] = PQgetvalue(vres, 0, 0);
    ins_params[2] = payload;
    PGresult *ires = PQexecParams(conn,
        "INSERT INTO events (tenant, version, payload) VALUES ($1, $2, $3)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO events (tenant, payload) VALUES ($1, $2) -- parameters renumbered: $3 is now $2}}
        3, NULL, ins_params, NULL, NULL, 0);
    PQclear(vres);

    int ok = PQresultStatus(ires) == PGRES_COMMAND_OK;
    PQclear(ires);
    return ok ? 0 : -1;
}

/* Positive: plain MAX, NULL handled and +1 done in C, snprintf into a buffer. */
long append_event_c_side(PGconn *conn, const char *tenant, const char *payload)
{
    const char *p[1] = { tenant };
    PGresult *r = PQexecParams(conn, "SELECT MAX(version) FROM events WHERE tenant = $1", // expected-note{{MAX(version) of 'events' read here}}
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    long next = 1;
    if (!PQgetisnull(r, 0, 0))
        next = strtol(PQgetvalue(r, 0, 0), NULL, 10) + 1;
    PQclear(r);

    char vbuf[24];
    snprintf(vbuf, sizeof(vbuf), "%ld", next);
    const char *ip[3] = { tenant, vbuf, payload };
    r = PQexecParams(conn, "INSERT INTO events (tenant, version, payload) VALUES ($1, $2, $3)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO events (tenant, payload) VALUES ($1, $2) -- parameters renumbered: $3 is now $2}}
                     3, NULL, ip, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "insert event v%ld failed: %s", next, PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return next;
}

/* Negative (fixed): version comes from a sequence default, returned to the caller. */
long append_event_fixed(PGconn *conn, const char *tenant, const char *payload)
{
    const char *params[2] = { tenant, payload };
    PGresult *res = PQexecParams(conn,
        "INSERT INTO events (tenant, payload) VALUES ($1, $2) RETURNING version",
        2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        return -1;
    }
    long v = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return v;
}

/* Negative: the current MAX is only reported, the insert does not use it. */
int append_event_logged(PGconn *conn, const char *tenant, const char *payload)
{
    const char *p1[1] = { tenant };
    PGresult *res = PQexecParams(conn, "SELECT MAX(version) FROM events WHERE tenant = $1",
                                 1, NULL, p1, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        printf("tenant %s: last version before append = %s\n", tenant, PQgetvalue(res, 0, 0));
    PQclear(res);

    const char *p2[2] = { tenant, payload };
    res = PQexecParams(conn, "INSERT INTO events (tenant, payload) VALUES ($1, $2)",
                       2, NULL, p2, NULL, NULL, 0);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(res);
    return rc;
}
