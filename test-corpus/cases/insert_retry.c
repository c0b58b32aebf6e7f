// RUN: -I/usr/include/mariadb
/* Theme: insert-and-retry. Keeping the unique constraint and handling its
 * violation (by checking again or reading the row that won) is a fix; merely
 * logging the violation and moving on is not. */
#include <libpq-fe.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_unique_violation(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return state && strcmp(state, "23505") == 0;
}

/* Negative: a retry loop -- on 23505 the lookup runs again and finds the winner. */
long label_id(PGconn *conn, const char *const *p)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
        if (PQntuples(r) == 1) {
            long id = atol(PQgetvalue(r, 0, 0));
            PQclear(r);
            return id;
        }
        PQclear(r);
        r = PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1) RETURNING id", 1, NULL, p, NULL, NULL, 0);
        if (PQresultStatus(r) == PGRES_TUPLES_OK) {
            long id = atol(PQgetvalue(r, 0, 0));
            PQclear(r);
            return id;
        }
        const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        int lost = state && strcmp(state, "23505") == 0;
        PQclear(r);
        if (!lost)
            return -1;
    }
    return -1;
}

/* Negative: on a unique violation the row that won is read back. */
long label_id_reread(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    long id = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (id)
        return id;
    r = PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1) RETURNING id", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && strcmp(PQresultErrorField(r, PG_DIAG_SQLSTATE), "23505") == 0) {
        PQclear(r);
        r = PQexecParams(conn, "SELECT id FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    }
    id = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return id;
}

/* Positive: the violation is only logged; the caller gets an error for a race it could have handled. */
int add_label(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM labels WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'labels' by (name) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return 0;
    r = PQexecParams(conn, "INSERT INTO labels (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    if (is_unique_violation(r))
        fprintf(stderr, "label %s: duplicate\n", p[0]);
    PQclear(r);
    return 1;
}

/* Negative (SQLite): SQLITE_CONSTRAINT sends the code back to the lookup. */
sqlite3_int64 city_id(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q = NULL;
    for (;;) {
        sqlite3_prepare_v2(db, "SELECT id FROM city WHERE name = ?", -1, &q, NULL);
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        if (sqlite3_step(q) == SQLITE_ROW) {
            sqlite3_int64 id = sqlite3_column_int64(q, 0);
            sqlite3_finalize(q);
            return id;
        }
        sqlite3_finalize(q);
        sqlite3_prepare_v2(db, "INSERT INTO city (name) VALUES (?)", -1, &q, NULL);
        sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(q);
        sqlite3_finalize(q);
        if (rc == SQLITE_DONE)
            return sqlite3_last_insert_rowid(db);
        if (sqlite3_extended_errcode(db) != SQLITE_CONSTRAINT_UNIQUE)
            return -1;
    }
}

/* Positive (MySQL): ER_DUP_ENTRY is reported to the user and that is all. */
int add_city_mysql(MYSQL *db, const char *name)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT id FROM cities WHERE name = '%s'", name);
    if (mysql_query(db, sql)) // expected-note{{check of 'cities' by (name) here}}
        return -1;
    MYSQL_RES *res = mysql_store_result(db);
    int found = res && mysql_num_rows(res) > 0;
    mysql_free_result(res);
    if (found)
        return 0;
    snprintf(sql, sizeof sql, "INSERT INTO cities (name) VALUES ('%s')", name);
    if (mysql_query(db, sql)) { // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO cities (name) VALUES ('%s')}}
        if (mysql_errno(db) == ER_DUP_ENTRY)
            fprintf(stderr, "duplicate city %s\n", name);
        return -1;
    }
    return 1;
}
