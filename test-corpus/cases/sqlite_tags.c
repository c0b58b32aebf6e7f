/* Theme: SQLite genre/tag lookup-or-create (check-then-insert).
 * SELECT id ... WHERE name = ?; INSERT when sqlite3_step finds no row: two
 * processes both miss and both insert. Fixed with INSERT OR IGNORE, or by
 * taking the write lock first with BEGIN IMMEDIATE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

/* Positive: positional ? placeholder, INSERT when no row. */
sqlite3_int64 genre_id(sqlite3 *db, const char *name)
{
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 id = -1;
    int rc;

    rc = sqlite3_prepare_v2(db, "SELECT id FROM genre WHERE name = ?", -1, &stmt, NULL); // expected-note{{check of 'genre'}}
    if (rc != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        id = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return id;
    }
    sqlite3_finalize(stmt);

    rc = sqlite3_prepare_v2(db, "INSERT INTO genre (name) VALUES (?)", -1, &stmt, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO genre (name) VALUES (?) ON CONFLICT (name) DO NOTHING}}
    if (rc != SQLITE_OK)
        return -1;
    sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(db);
    sqlite3_finalize(stmt);
    return id;
}

/* Positive: named :name parameters, statement text in locals. */
int tag_lookup_or_create(sqlite3 *db, const char *tag, int *out_id)
{
    const char *q_find = "SELECT id FROM tag WHERE name = :name";
    const char *q_add = "INSERT INTO tag (name) VALUES (:name)";
    sqlite3_stmt *find = NULL, *add = NULL;

    if (sqlite3_prepare_v2(db, q_find, -1, &find, NULL) != SQLITE_OK) // expected-note{{check of 'tag'}}
        return SQLITE_ERROR;
    sqlite3_bind_text(find, sqlite3_bind_parameter_index(find, ":name"), tag, -1, SQLITE_STATIC);

    int have = (sqlite3_step(find) == SQLITE_ROW);
    if (have)
        *out_id = sqlite3_column_int(find, 0);
    sqlite3_finalize(find);
    if (have)
        return SQLITE_OK;

    int rc = sqlite3_prepare_v2(db, q_add, -1, &add, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO tag (name) VALUES (:name) ON CONFLICT (name) DO NOTHING}}
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(add, sqlite3_bind_parameter_index(add, ":name"), tag, -1, SQLITE_STATIC);
    rc = sqlite3_step(add);
    sqlite3_finalize(add);
    if (rc != SQLITE_DONE)
        return rc;
    *out_id = (int)sqlite3_last_insert_rowid(db);
    return SQLITE_OK;
}

/* Negative (fixed): INSERT OR IGNORE, then read the id back. */
sqlite3_int64 genre_id_fixed(sqlite3 *db, const char *name)
{
    sqlite3_stmt *ins = NULL, *sel = NULL;
    sqlite3_int64 id = -1;

    if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO genre (name) VALUES (?)", -1, &ins, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(ins, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(ins);
    sqlite3_finalize(ins);
    if (rc != SQLITE_DONE)
        return -1;

    if (sqlite3_prepare_v2(db, "SELECT id FROM genre WHERE name = ?", -1, &sel, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(sel, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(sel) == SQLITE_ROW)
        id = sqlite3_column_int64(sel, 0);
    sqlite3_finalize(sel);
    return id;
}

/* Negative (fixed): BEGIN IMMEDIATE takes the write lock before the lookup. */
sqlite3_int64 genre_id_immediate(sqlite3 *db, const char *name)
{
    char *err = NULL;
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = -1;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "begin: %s\n", err);
        sqlite3_free(err);
        return -1;
    }

    sqlite3_prepare_v2(db, "SELECT id FROM genre WHERE name = :name", -1, &st, NULL);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        sqlite3_finalize(st);
        sqlite3_prepare_v2(db, "INSERT INTO genre (name) VALUES (:name)", -1, &st, NULL);
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) == SQLITE_DONE)
            id = sqlite3_last_insert_rowid(db);
        sqlite3_finalize(st);
    }

    sqlite3_exec(db, id >= 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return id;
}
