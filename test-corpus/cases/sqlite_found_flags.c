/* Theme: the check's outcome carried by a flag set inside a branch or a loop
 * (implicit flow), and loops that merely iterate over rows (not a check);
 * an UPDATE's changed-row count (sqlite3_changes) as the check. */
#include <sqlite3.h>
#include <stddef.h>

/* Positive: `found` is only ever assigned constants, but which constant depends on the row. */
int ensure_artist(sqlite3 *db, const char *name)
{
    sqlite3_stmt *q = NULL;
    int found = 0;
    sqlite3_prepare_v2(db, "SELECT 1 FROM artist WHERE name = ?", -1, &q, NULL); // expected-note{{check of 'artist' by (name) here}}
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    while (sqlite3_step(q) == SQLITE_ROW)
        found = 1;
    sqlite3_finalize(q);
    if (found)
        return 0;
    sqlite3_prepare_v2(db, "INSERT INTO artist (name) VALUES (?)", -1, &q, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO artist (name) VALUES (?) ON CONFLICT (name) DO NOTHING}}
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 1 : -1;
}

/* Positive: the flag is set under an if on the step result. */
int ensure_album(sqlite3 *db, const char *title)
{
    sqlite3_stmt *q = NULL;
    int exists = 0;
    if (sqlite3_prepare_v2(db, "SELECT id FROM album WHERE title = :t", -1, &q, NULL) != SQLITE_OK) // expected-note{{check of 'album' by (title) here}}
        return -1;
    sqlite3_bind_text(q, sqlite3_bind_parameter_index(q, ":t"), title, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        exists = 1;
    }
    sqlite3_finalize(q);
    if (!exists) {
        sqlite3_prepare_v2(db, "INSERT INTO album (title) VALUES (:t)", -1, &q, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO album (title) VALUES (:t) ON CONFLICT (title) DO NOTHING}}
        sqlite3_bind_text(q, 1, title, -1, SQLITE_STATIC);
        sqlite3_step(q);
        sqlite3_finalize(q);
    }
    return exists;
}

/* Negative: copying every row of a playlist into a new playlist in the same
 * table is iteration over rows, not a check deciding an insert. */
int copy_playlist(sqlite3 *db, int from, int to)
{
    sqlite3_stmt *rd = NULL, *wr = NULL;
    sqlite3_prepare_v2(db, "SELECT track FROM playlist_items WHERE playlist = ?", -1, &rd, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO playlist_items (playlist, track) VALUES (?, ?)", -1, &wr, NULL);
    sqlite3_bind_int(rd, 1, from);
    int n = 0;
    while (sqlite3_step(rd) == SQLITE_ROW) {
        sqlite3_bind_int(wr, 1, to);
        sqlite3_bind_int(wr, 2, sqlite3_column_int(rd, 0));
        sqlite3_step(wr);
        sqlite3_reset(wr);
        n++;
    }
    sqlite3_finalize(rd);
    sqlite3_finalize(wr);
    return n;
}

/* Negative: the step result only decides what is logged; the insert runs either way. */
int log_and_insert(sqlite3 *db, const char *name, void (*log)(const char *))
{
    sqlite3_stmt *q = NULL;
    sqlite3_prepare_v2(db, "SELECT 1 FROM visitor WHERE name = ?", -1, &q, NULL);
    sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW)
        log("returning visitor");
    else
        log("new visitor");
    sqlite3_finalize(q);
    return sqlite3_exec(db, "INSERT INTO visits (at) VALUES (datetime('now'))", NULL, NULL, NULL);
}

/* Negative: sqlite3_exec with a callback that counts rows of one table, then an insert into another. */
static int count_cb(void *arg, int ncol, char **vals, char **cols)
{
    (void)ncol; (void)vals; (void)cols;
    ++*(int *)arg;
    return 0;
}

int archive_if_any(sqlite3 *db)
{
    int rows = 0;
    sqlite3_exec(db, "SELECT id FROM inbox WHERE done = 1", count_cb, &rows, NULL);
    if (rows > 0)
        return sqlite3_exec(db, "INSERT INTO archive_runs (at) VALUES (datetime('now'))", NULL, NULL, NULL);
    return 0;
}

/* Positive: the same callback style, deciding an insert into the counted table. */
int seed_defaults(sqlite3 *db)
{
    int rows = 0;
    sqlite3_exec(db, "SELECT 1 FROM settings WHERE key = 'theme'", count_cb, &rows, NULL); // expected-note{{check of 'settings' by (key) here}}
    if (rows == 0)
        return sqlite3_exec(db, "INSERT INTO settings (key, value) VALUES ('theme', 'dark')", NULL, NULL, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO settings (key, value) VALUES ('theme', 'dark') ON CONFLICT (key) DO NOTHING}}
    return 0;
}

/* Positive: update the setting, and insert it when the UPDATE changed no row
 * (sqlite3_changes after sqlite3_step). Two sessions can both change nothing
 * and both insert; the UPDATE becomes the upsert's DO UPDATE. */
int setting_put(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "UPDATE settings SET value = ?2 WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) // expected-note{{check of 'settings' by (key) here}}
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return -1;
    if (sqlite3_changes(db) > 0)
        return 0;
    if (sqlite3_prepare_v2(db, "INSERT INTO settings (key, value) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK) // expected-warning{{INSERT into 'settings' depends on an earlier check of 'settings' by (key) without a lock}} expected-note{{INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value}}
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 1 : -1;
}

/* Negative: the same inside BEGIN IMMEDIATE, which takes the write lock first. */
int setting_put_locked(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    sqlite3_prepare_v2(db, "UPDATE settings SET value = ?2 WHERE key = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (sqlite3_changes(db) == 0) {
        sqlite3_prepare_v2(db, "INSERT INTO settings (key, value) VALUES (?1, ?2)", -1, &st, NULL);
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}
