/* Theme: the check decides the INSERT through control flow that leaves the
 * function or jumps past it: early return, goto, and a flag computed from a
 * count. Also a negative where the only early exit is on a query error. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* Positive: if (PQntuples(r) > 0) { PQclear(r); return 0; } */
int watch_repo(PGconn *conn, const char *user, const char *repo)
{
    const char *args[2] = { user, repo };
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM watchers WHERE user_name = $1 AND repo = $2", // expected-note{{check of 'watchers'}}
                               2, NULL, args, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) > 0) {
        PQclear(r);
        return 0;
    }
    PQclear(r);

    r = PQexecParams(conn, "INSERT INTO watchers (user_name, repo) VALUES ($1, $2)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO watchers (user_name, repo) VALUES ($1, $2) ON CONFLICT (user_name, repo) DO NOTHING}}
                     2, NULL, args, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* Positive: bool found = ...; if (found) goto done; */
int mark_read(PGconn *conn, const char *msg_id, const char *reader)
{
    int rc = -1;
    const char *pv[2] = { msg_id, reader };
    PGresult *res = PQexecParams(conn,
                                 "SELECT read_at FROM message_reads WHERE message_id = $1 AND reader = $2", // expected-note{{check of 'message_reads'}}
                                 2, NULL, pv, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        goto out;

    bool found = PQntuples(res) == 1;
    if (found) {
        rc = 0;
        goto done;
    }
    PQclear(res);
    res = PQexecParams(conn,
                       "INSERT INTO message_reads (message_id, reader, read_at) VALUES ($1, $2, now())", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO message_reads (message_id, reader, read_at) VALUES ($1, $2, now()) ON CONFLICT (message_id, reader) DO NOTHING}}
                       2, NULL, pv, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        goto out;
    rc = 1;
done:
out:
    PQclear(res);
    return rc;
}

/* Positive: flag from atoi of a count, checked after cleanup. */
int grant_badge(PGconn *conn, int user_id, const char *badge)
{
    char uid[16];
    snprintf(uid, sizeof uid, "%d", user_id);
    const char *params[2] = { uid, badge };

    PGresult *cnt = PQexecParams(conn, "SELECT COUNT(*) FROM user_badges WHERE user_id = $1 AND badge = $2", // expected-note{{check of 'user_badges'}}
                                 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(cnt) != PGRES_TUPLES_OK) {
        PQclear(cnt);
        return -1;
    }
    int has_badge = atoi(PQgetvalue(cnt, 0, 0)) > 0;
    PQclear(cnt);

    if (has_badge)
        return 0;

    PGresult *ins = PQexecParams(conn, "INSERT INTO user_badges (user_id, badge) VALUES ($1, $2)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO user_badges (user_id, badge) VALUES ($1, $2) ON CONFLICT (user_id, badge) DO NOTHING}}
                                 2, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(ins) == PGRES_COMMAND_OK;
    PQclear(ins);
    return ok;
}

/* Positive: latest-row lookup, PQgetisnull of ended_at decides a return. */
int start_shift(PGconn *conn, const char *worker)
{
    const char *p[1] = { worker };
    PGresult *r = PQexecParams(conn,
        "SELECT started_at, ended_at FROM shifts WHERE worker = $1 ORDER BY started_at DESC LIMIT 1", // expected-note{{check of 'shifts'}} expected-note{{the check reads the latest row}}
        1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) == 1 && PQgetisnull(r, 0, 1)) {
        printf("%s already on shift since %s\n", worker, PQgetvalue(r, 0, 0));
        PQclear(r);
        return 0;
    }
    PQclear(r);
    r = PQexecParams(conn, "INSERT INTO shifts (worker, started_at) VALUES ($1, now())", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{SELECT pg_advisory_xact_lock(hashtext(('shifts' || ':') || $1))}}
                     1, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* Negative: early return only on error, then an unconditional insert into another table. */
int record_download(PGconn *conn, const char *file_id, const char *client)
{
    const char *p[2] = { file_id, client };
    PGresult *r = PQexecParams(conn, "SELECT size FROM files WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "files lookup: %s", PQerrorMessage(conn));
        PQclear(r);
        return -1;
    }
    PQclear(r);

    r = PQexecParams(conn, "INSERT INTO downloads (file_id, client, at) VALUES ($1, $2, now())",
                     2, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}
