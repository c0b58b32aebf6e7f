/* Theme: negatives - a SELECT on the same table whose result decides nothing.
 * Only its status is checked (or it is printed), and the INSERT that follows
 * runs unconditionally, so there is no check-then-insert and no MAX flow. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sqlite3.h>

/* Only PQresultStatus of the lookup is checked; the insert is unconditional. */
int touch_session(PGconn *conn, const char *token, const char *user)
{
    const char *p1[1] = { token };
    PGresult *res = PQexecParams(conn, "SELECT 1 FROM sessions WHERE token = $1",
                                 1, NULL, p1, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "session lookup failed: %s", PQerrorMessage(conn));
        PQclear(res);
        return -1;
    }
    PQclear(res);

    const char *p2[2] = { token, user };
    res = PQexecParams(conn, "INSERT INTO sessions (token, user_name) VALUES ($1, $2)",
                       2, NULL, p2, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return 0;
}

/* The MAX is only logged; the version written comes from the caller. */
int store_revision(PGconn *conn, const char *doc, const char *rev, const char *body)
{
    const char *p[3] = { doc, rev, body };
    PGresult *m = PQexecParams(conn, "SELECT MAX(rev) FROM revisions WHERE doc = $1",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(m) == PGRES_TUPLES_OK && !PQgetisnull(m, 0, 0))
        fprintf(stderr, "debug: %s was at rev %s, storing %s\n", doc, PQgetvalue(m, 0, 0), rev);
    PQclear(m);

    PGresult *w = PQexecParams(conn, "INSERT INTO revisions (doc, rev, body) VALUES ($1, $2, $3)",
                               3, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(w) == PGRES_COMMAND_OK;
    PQclear(w);
    return ok ? 0 : -1;
}

/* A count printed for diagnostics, then an unconditional insert. */
void add_reading(PGconn *conn, const char *sensor, const char *value)
{
    const char *p[2] = { sensor, value };
    PGresult *c = PQexecParams(conn, "SELECT count(*) FROM readings WHERE sensor = $1",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(c) == PGRES_TUPLES_OK)
        printf("%s has %s readings\n", sensor, PQgetvalue(c, 0, 0));
    PQclear(c);

    PQclear(PQexecParams(conn, "INSERT INTO readings (sensor, value) VALUES ($1, $2)",
                         2, NULL, p, NULL, NULL, 0));
}

/* SQLite: the step result of the lookup is ignored. */
int sqlite_add_bookmark(sqlite3 *db, const char *url)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT id FROM bookmarks WHERE url = ?", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);

    rc = sqlite3_prepare_v2(db, "INSERT INTO bookmarks (url) VALUES (?)", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, url, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* SQLite: sqlite3_exec lookup with no callback, only rc checked. */
int sqlite_log_visit(sqlite3 *db)
{
    char *err = NULL;
    if (sqlite3_exec(db, "SELECT COUNT(*) FROM visits", NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "count: %s\n", err);
        sqlite3_free(err);
        return -1;
    }
    if (sqlite3_exec(db, "INSERT INTO visits (at) VALUES (datetime('now'))", NULL, NULL, &err) != SQLITE_OK) {
        sqlite3_free(err);
        return -1;
    }
    return 0;
}
