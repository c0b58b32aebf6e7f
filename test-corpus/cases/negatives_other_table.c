/* Theme: negatives - the SELECT reads one table and the INSERT writes a
 * different table. Branching on the result is fine here: nothing is
 * checked-then-inserted in the same table, so no diagnostics anywhere. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sqlite3.h>

/* Reads users, writes audit_log, branches on the row being found. */
int audit_login(PGconn *conn, const char *user_id, const char *ip)
{
    const char *p[1] = { user_id };
    PGresult *r = PQexecParams(conn, "SELECT role FROM users WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0; /* unknown user, nothing to audit */
    }

    const char *ap[3] = { user_id, PQgetvalue(r, 0, 0), ip };
    PGresult *a = PQexecParams(conn,
        "INSERT INTO audit_log (user_id, role, ip, at) VALUES ($1, $2, $3, now())",
        3, NULL, ap, NULL, NULL, 0);
    PQclear(r);
    int rc = PQresultStatus(a) == PGRES_COMMAND_OK ? 1 : -1;
    PQclear(a);
    return rc;
}

/* Reads a config flag, writes audit_log only when it is on. */
int audit_if_enabled(PGconn *conn, const char *event)
{
    static const char SQL_FLAG[] = "SELECT value FROM config WHERE key = 'audit_enabled'";
    static const char SQL_AUDIT[] = "INSERT INTO audit_log (event, at) VALUES ($1, now())";

    PGresult *cfg = PQexec(conn, SQL_FLAG);
    int enabled = PQresultStatus(cfg) == PGRES_TUPLES_OK && PQntuples(cfg) == 1 &&
                  strcmp(PQgetvalue(cfg, 0, 0), "on") == 0;
    PQclear(cfg);
    if (!enabled)
        return 0;

    const char *params[1] = { event };
    PGresult *ins = PQexecParams(conn, SQL_AUDIT, 1, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(ins) == PGRES_COMMAND_OK;
    PQclear(ins);
    return ok ? 1 : -1;
}

/* MAX read from batches, written into batch_log: different tables. */
int log_latest_batch(PGconn *conn, const char *who)
{
    PGresult *m = PQexec(conn, "SELECT MAX(id) FROM batches");
    if (PQresultStatus(m) != PGRES_TUPLES_OK || PQgetisnull(m, 0, 0)) {
        PQclear(m);
        return -1;
    }
    long batch = strtol(PQgetvalue(m, 0, 0), NULL, 10);
    PQclear(m);

    char bbuf[24];
    snprintf(bbuf, sizeof bbuf, "%ld", batch + 1);
    const char *v[2] = { bbuf, who };
    PGresult *w = PQexecParams(conn, "INSERT INTO batch_log (next_batch, requested_by) VALUES ($1, $2)",
                               2, NULL, v, NULL, NULL, 0);
    int rc = PQresultStatus(w) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(w);
    return rc;
}

/* SQLite: look up users, record a signup attempt in another table when missing. */
int record_signup_attempt(sqlite3 *db, const char *email)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT id FROM users WHERE email = ?", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(s, 1, email, -1, SQLITE_STATIC);
    int known = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    if (known)
        return SQLITE_OK;

    rc = sqlite3_prepare_v2(db, "INSERT INTO signup_attempts (email, at) VALUES (?, datetime('now'))", -1, &s, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(s, 1, email, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* SQLite: count from one table decides an insert into another. */
int maybe_archive(sqlite3 *db, int folder)
{
    sqlite3_stmt *cnt = NULL, *ins = NULL;
    sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM messages WHERE folder = ?", -1, &cnt, NULL);
    sqlite3_bind_int(cnt, 1, folder);
    int n = 0;
    if (sqlite3_step(cnt) == SQLITE_ROW)
        n = sqlite3_column_int(cnt, 0);
    sqlite3_finalize(cnt);

    if (n < 1000)
        return 0;
    sqlite3_prepare_v2(db, "INSERT INTO archive_jobs (folder, message_count) VALUES (?, ?)", -1, &ins, NULL);
    sqlite3_bind_int(ins, 1, folder);
    sqlite3_bind_int(ins, 2, n);
    int rc = sqlite3_step(ins);
    sqlite3_finalize(ins);
    return rc == SQLITE_DONE ? 1 : -1;
}
