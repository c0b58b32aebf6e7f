/* Theme: an SQLite notes app read with its schema.sql (named by .sqlrace.yml):
 * SQLite's own forms (INTEGER PRIMARY KEY as the rowid, AUTOINCREMENT, column
 * UNIQUE, WITHOUT ROWID, STRICT) decide the grade and the rewrite. */
#include <sqlite3.h>
#include <stddef.h>

/* notes.id is the rowid: SQLite numbers it; the MAX read is dead code. */
sqlite3_int64 add_note(sqlite3 *db, const char *title)
{
    sqlite3_stmt *st;
    sqlite3_int64 next = 1;
    if (sqlite3_prepare_v2(db, "SELECT MAX(id) + 1 FROM notes", -1, &st, NULL) != SQLITE_OK) // expected-note{{MAX(id) of 'notes' read here}}
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        next = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(db, "INSERT INTO notes (id, title) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK) // expected-warning{{the primary key notes_pkey (id) (schema.sql:3) turns the race into unique-violation errors}} expected-note{{id already has INTEGER PRIMARY KEY (the rowid) in the schema (schema.sql:3): the MAX read is dead code}} expected-note{{suggested rewrite: INSERT INTO notes (title) VALUES (?1) -- the database numbers id itself}}
        return -1;
    sqlite3_bind_int64(st, 1, next);
    sqlite3_bind_text(st, 2, title, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? next : -1;
}

/* tags.name is UNIQUE: the loser of the race gets SQLITE_CONSTRAINT. */
sqlite3_int64 tag_id(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    sqlite3_int64 id = -1;
    if (sqlite3_prepare_v2(db, "SELECT id FROM tags WHERE name = ?1", -1, &st, NULL) != SQLITE_OK) // expected-note{{check of 'tags' by (name) here}}
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (id >= 0)
        return id;
    if (sqlite3_prepare_v2(db, "INSERT INTO tags (name) VALUES (?1)", -1, &st, NULL) != SQLITE_OK) // expected-warning{{the unique key tags_name_key (name) (schema.sql:9)}} expected-note{{suggested rewrite: INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING}}
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(db);
    sqlite3_finalize(st);
    return id;
}

/* attachments has no key at all: a second process attaches the same file twice. */
int attach(sqlite3 *db, sqlite3_int64 note, const char *file)
{
    sqlite3_stmt *st;
    int present = 0;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM attachments WHERE note_id = ?1 AND file = ?2", -1, &st, NULL) != SQLITE_OK) // expected-note{{check of 'attachments' by (note_id, file) here}}
        return -1;
    sqlite3_bind_int64(st, 1, note);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_TRANSIENT);
    present = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (present)
        return 0;
    if (sqlite3_prepare_v2(db, "INSERT INTO attachments (note_id, file) VALUES (?1, ?2)", -1, &st, NULL) != SQLITE_OK) // expected-error{{no unique key on (note_id, file) in the schema (table 'attachments', schema.sql:20)}} expected-note{{suggested rewrite: CREATE UNIQUE INDEX attachments_note_id_file_key ON attachments (note_id, file); INSERT INTO attachments (note_id, file) VALUES (?1, ?2) ON CONFLICT (note_id, file) DO NOTHING}}
        return -1;
    sqlite3_bind_int64(st, 1, note);
    sqlite3_bind_text(st, 2, file, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 1 : -1;
}
