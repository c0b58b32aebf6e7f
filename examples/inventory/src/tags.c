/* A local SQLite cache interning tag names to ids. */
#include "inventory.h"

#include <stddef.h>

/* Racy: two processes sharing the cache file both miss and both insert the tag. */
sqlite3_int64 tag_intern(sqlite3 *cache, const char *name)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = -1;
    if (sqlite3_prepare_v2(cache, "SELECT id FROM tags WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return id;
    }
    sqlite3_finalize(st);

    if (sqlite3_prepare_v2(cache, "INSERT INTO tags (name) VALUES (?1)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_DONE)
        id = sqlite3_last_insert_rowid(cache);
    sqlite3_finalize(st);
    return id;
}

/* Fixed: INSERT OR IGNORE, then read the id back. */
sqlite3_int64 tag_intern_atomic(sqlite3 *cache, const char *name)
{
    sqlite3_stmt *st = NULL;
    sqlite3_int64 id = -1;
    if (sqlite3_prepare_v2(cache, "INSERT OR IGNORE INTO tags (name) VALUES (?1)", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_step(st);
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(cache, "SELECT id FROM tags WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}
