// RUN: -I/usr/include/postgresql
/* Theme: SQL built with format functions, libpq and SQLite. snprintf /
 * sprintf / asprintf into a buffer that PQexec runs; sqlite3_mprintf with %Q,
 * '%q' and "%w"; sqlite3_snprintf. Each hole remembers the C expression it
 * came from, so a MAX-derived value or a check's outcome that reaches the
 * INSERT through a hole is a dependence. Negatives: the formatted statement is
 * atomic (ON CONFLICT, INSERT OR IGNORE), writes another table, or only logs
 * what the read returned. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#define SQL_BUF 512

static const char BOOKMARKS_TABLE[] = "bookmarks";

/* Positive (libpq, snprintf): MAX(number) + 1 formatted into the INSERT with %d. */
int ticket_open(PGconn *conn, int project_id, const char *title)
{
    char sql[SQL_BUF];
    PGresult *res;
    int number;

    snprintf(sql, sizeof sql, "SELECT MAX(number) FROM tickets WHERE project_id = %d", project_id);
    res = PQexec(conn, sql); // expected-note{{MAX(number) of 'tickets' read here}}
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "ticket_open: %s", PQerrorMessage(conn));
        PQclear(res);
        return -1;
    }
    number = PQgetisnull(res, 0, 0) ? 1 : atoi(PQgetvalue(res, 0, 0)) + 1;
    PQclear(res);

    char *lit = PQescapeLiteral(conn, title, strlen(title));
    if (lit == NULL)
        return -1;
    snprintf(sql, sizeof sql, "INSERT INTO tickets (project_id, number, title) VALUES (%d, %d, %s)",
             project_id, number, lit);
    PQfreemem(lit);
    res = PQexec(conn, sql); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE projects SET last_number = last_number + 1 WHERE id = %d RETURNING last_number}}
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? number : -1;
}

/* Positive (libpq, asprintf): lookup by login, PQntuples == 0 decides the INSERT. */
int user_signup(PGconn *conn, const char *login)
{
    char *lit = PQescapeLiteral(conn, login, strlen(login));
    char *q = NULL;
    int rc = -1;

    if (!lit)
        return -1;
    if (asprintf(&q, "SELECT 1 FROM users WHERE login = %s", lit) < 0)
        goto out;
    PGresult *r = PQexec(conn, q); // expected-note{{check of 'users'}}
    free(q);
    q = NULL;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        goto out;
    }
    int taken = PQntuples(r) > 0;
    PQclear(r);
    if (taken) {
        rc = 0;
        goto out;
    }

    if (asprintf(&q, "INSERT INTO users (login, created_at) VALUES (%s, now())", lit) < 0)
        goto out;
    r = PQexec(conn, q); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO users (login, created_at) VALUES (%s, now()) ON CONFLICT (login) DO NOTHING}}
    rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 1 : -1;
    PQclear(r);
out:
    free(q);
    PQfreemem(lit);
    return rc;
}

/* Positive (libpq, sprintf): count(*) with the escaped value inside quotes ('%s'). */
int category_add(PGconn *conn, const char *slug)
{
    char esc[130];
    char buf[256];
    int err = 0;
    size_t n = strlen(slug);

    if (n > 64)
        return -1;
    PQescapeStringConn(conn, esc, slug, n, &err);
    if (err)
        return -1;

    sprintf(buf, "SELECT count(*) FROM categories WHERE slug = '%s'", esc);
    PGresult *res = PQexec(conn, buf); // expected-note{{check of 'categories'}}
    long existing = PQresultStatus(res) == PGRES_TUPLES_OK ? strtol(PQgetvalue(res, 0, 0), NULL, 10) : -1;
    PQclear(res);
    if (existing != 0)
        return existing < 0 ? -1 : 0;

    sprintf(buf, "INSERT INTO categories (slug) VALUES ('%s')", esc);
    res = PQexec(conn, buf); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO categories (slug) VALUES ('%s') ON CONFLICT (slug) DO NOTHING}}
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 1 : -1;
}

/* Negative (libpq): the formatted INSERT arbitrates with ON CONFLICT. */
int user_signup_fixed(PGconn *conn, const char *login)
{
    char sql[SQL_BUF];
    char *lit = PQescapeLiteral(conn, login, strlen(login));
    if (!lit)
        return -1;
    snprintf(sql, sizeof sql,
             "INSERT INTO users (login, created_at) VALUES (%s, now()) ON CONFLICT (login) DO NOTHING", lit);
    PQfreemem(lit);
    PGresult *r = PQexec(conn, sql);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? atoi(PQcmdTuples(r)) : -1;
    PQclear(r);
    return rc;
}

/* Negative (libpq): the lookup reads users, the formatted INSERT writes login_events. */
int login_record(PGconn *conn, int user_id, const char *ip)
{
    char sql[SQL_BUF];
    snprintf(sql, sizeof sql, "SELECT id FROM users WHERE id = %d AND NOT disabled", user_id);
    PGresult *r = PQexec(conn, sql);
    int active = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    if (!active)
        return 0;

    char *lit = PQescapeLiteral(conn, ip, strlen(ip));
    if (!lit)
        return -1;
    snprintf(sql, sizeof sql, "INSERT INTO login_events (user_id, ip, at) VALUES (%d, %s, now())", user_id, lit);
    PQfreemem(lit);
    r = PQexec(conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* Negative (libpq): MAX(number) is only logged; the number inserted is the caller's. */
int ticket_import(PGconn *conn, int project_id, int number)
{
    char sql[SQL_BUF];
    snprintf(sql, sizeof sql, "SELECT MAX(number) FROM tickets WHERE project_id = %d", project_id);
    PGresult *r = PQexec(conn, sql);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0))
        fprintf(stderr, "project %d: highest ticket so far %s\n", project_id, PQgetvalue(r, 0, 0));
    PQclear(r);

    snprintf(sql, sizeof sql, "INSERT INTO tickets (project_id, number, title) VALUES (%d, %d, 'imported')",
             project_id, number);
    r = PQexec(conn, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

/* Positive (SQLite, sqlite3_mprintf %Q): no row from the lookup decides the sqlite3_exec INSERT. */
sqlite3_int64 folder_ensure(sqlite3 *db, const char *path)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = -1;
    char *err = NULL;

    char *sql = sqlite3_mprintf("SELECT id FROM folders WHERE path = %Q", path);
    if (sql == NULL)
        return -1;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL); // expected-note{{check of 'folders'}}
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return -1;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return id;

    sql = sqlite3_mprintf("INSERT INTO folders (path) VALUES (%Q)", path);
    rc = sqlite3_exec(db, sql, NULL, NULL, &err); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO folders (path) VALUES (%Q) ON CONFLICT (path) DO NOTHING}}
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "folder_ensure: %s\n", err);
        sqlite3_free(err);
        return -1;
    }
    return sqlite3_last_insert_rowid(db);
}

/* Positive (SQLite, '%q' inside quotes): count(*) == 0 decides the INSERT. */
int contact_add(sqlite3 *db, const char *email, const char *name)
{
    sqlite3_stmt *st;
    char *q = sqlite3_mprintf("SELECT count(*) FROM contacts WHERE email = '%q'", email);
    int n = -1;

    if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) { // expected-note{{check of 'contacts'}}
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(q);
    if (n != 0)
        return n < 0 ? -1 : 0;

    q = sqlite3_mprintf("INSERT INTO contacts (email, name) VALUES ('%q', '%q')", email, name);
    int rc = sqlite3_exec(db, q, NULL, NULL, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO contacts (email, name) VALUES ('%q', '%q') ON CONFLICT (email) DO NOTHING}}
    sqlite3_free(q);
    return rc == SQLITE_OK ? 1 : -1;
}

/* Positive (SQLite, sqlite3_snprintf): MAX(pos) read, pos + 1 written straight into the format arguments. */
int playlist_append(sqlite3 *db, sqlite3_int64 playlist_id, sqlite3_int64 track_id)
{
    char buf[256];
    sqlite3_stmt *st = NULL;
    int pos = 0;

    sqlite3_snprintf((int)sizeof buf, buf, "SELECT MAX(pos) FROM playlist_tracks WHERE playlist_id = %lld", playlist_id);
    if (sqlite3_prepare_v2(db, buf, -1, &st, NULL) != SQLITE_OK) // expected-note{{MAX(pos) of 'playlist_tracks' read here}}
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        pos = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);

    sqlite3_snprintf((int)sizeof buf, buf,
                     "INSERT INTO playlist_tracks (playlist_id, pos, track_id) VALUES (%lld, %d, %lld)",
                     playlist_id, pos + 1, track_id);
    if (sqlite3_exec(db, buf, NULL, NULL, NULL) != SQLITE_OK) // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO playlist_tracks (playlist_id, pos, track_id) VALUES (%lld, %d, %lld)}}
        return -1;
    return pos + 1;
}

/* Positive (SQLite): the table name is a "%w" hole filled from a file-scope constant. */
int bookmark_add(sqlite3 *db, const char *url, const char *title)
{
    sqlite3_stmt *st = NULL;
    int count = -1;
    char *sql = sqlite3_mprintf("SELECT COUNT(*) FROM \"%w\" WHERE url = %Q", BOOKMARKS_TABLE, url);

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) // expected-note{{check of 'bookmarks'}}
        count = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    if (count != 0)
        return count > 0 ? 0 : -1;

    sql = sqlite3_mprintf("INSERT INTO \"%w\" (url, title) VALUES (%Q, %Q)", BOOKMARKS_TABLE, url, title);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO bookmarks (url, title) VALUES (%Q, %Q) ON CONFLICT (url) DO NOTHING}}
    sqlite3_free(sql);
    return rc == SQLITE_OK ? 1 : -1;
}

/* Negative (SQLite): INSERT OR IGNORE, then read the id back. */
sqlite3_int64 folder_ensure_fixed(sqlite3 *db, const char *path)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = -1;
    char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO folders (path) VALUES (%Q)", path);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return -1;

    sql = sqlite3_mprintf("SELECT id FROM folders WHERE path = %Q", path);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return id;
}

/* Negative (SQLite): upsert with ON CONFLICT in the formatted statement. */
int contact_upsert(sqlite3 *db, const char *email, const char *name)
{
    char *q = sqlite3_mprintf(
        "INSERT INTO contacts (email, name) VALUES ('%q', '%q') "
        "ON CONFLICT (email) DO UPDATE SET name = excluded.name", email, name);
    if (q == NULL)
        return SQLITE_NOMEM;
    int rc = sqlite3_exec(db, q, NULL, NULL, NULL);
    sqlite3_free(q);
    return rc;
}

/* Negative (SQLite): checks folders, writes folder_events. */
int folder_touch(sqlite3 *db, const char *path)
{
    char buf[SQL_BUF];
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = 0;

    sqlite3_snprintf(sizeof buf, buf, "SELECT id FROM folders WHERE path = '%q'", path);
    if (sqlite3_prepare_v2(db, buf, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (id == 0)
        return 0;

    sqlite3_snprintf(sizeof buf, buf, "INSERT INTO folder_events (folder_id, kind) VALUES (%lld, 'touch')", id);
    return sqlite3_exec(db, buf, NULL, NULL, NULL) == SQLITE_OK ? 1 : -1;
}

/* Tables named at run time (one per probe, per month): which table a statement
 * uses is the value formatted into its name. */

/* Negative: the check reads the table named by `from`, the INSERT writes the one
 * named by `into`; they are not known to be one table. */
int stats_roll_up(PGconn *conn, const char *from, const char *into, int probe)
{
    char sql[SQL_BUF];
    PGresult *res;

    snprintf(sql, sizeof sql, "SELECT 1 FROM stats_%s WHERE probe = %d", from, probe);
    res = PQexec(conn, sql);
    if (PQntuples(res) == 0) {
        snprintf(sql, sizeof sql, "INSERT INTO stats_%s (probe) VALUES (%d)", into, probe);
        PQclear(PQexec(conn, sql));
    }
    PQclear(res);
    return 0;
}

/* Positive: the same variable names the table in the check and in the INSERT. */
int probe_define(PGconn *conn, const char *kind, int server)
{
    char sql[SQL_BUF];
    PGresult *res;

    snprintf(sql, sizeof sql, "SELECT id FROM probe_%s_def WHERE server = %d", kind, server);
    res = PQexec(conn, sql); // expected-note{{check of 'probe_{kind}_def' by (server) here}}
    if (PQntuples(res) == 0) {
        snprintf(sql, sizeof sql, "INSERT INTO probe_%s_def (server) VALUES (%d)", kind, server);
        PQclear(PQexec(conn, sql)); // expected-warning{{INSERT into 'probe_{kind}_def' depends on an earlier check of 'probe_{kind}_def' by (server) without a lock}} expected-note{{the table's name is computed at run time ('probe_{kind}_def'), so no rewrite is given here}}
    }
    PQclear(res);
    return 0;
}
