/* Theme: SQLite per-book journal sequence (max-plus-one).
 * SELECT MAX(seq) then INSERT seq+1 as two statements outside a write
 * transaction: two processes read the same MAX. Fixed by taking the write
 * lock first (BEGIN IMMEDIATE / BEGIN EXCLUSIVE). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>

#define JOURNAL_MAX_SQL "SELECT MAX(seq) FROM journal WHERE book = ?"
#define JOURNAL_INS_SQL "INSERT INTO journal (book, seq, entry) VALUES (?, ?, ?)"

/* Positive: column_int64 + 1 bound with bind_int64. */
sqlite3_int64 journal_append(sqlite3 *db, sqlite3_int64 book, const char *entry)
{
    sqlite3_stmt *q = NULL;
    sqlite3_int64 next = 1;

    int rc = sqlite3_prepare_v2(db, "SELECT MAX(seq) FROM journal WHERE book = ?", -1, &q, NULL); // expected-note{{MAX(seq) of 'journal' read here}}
    if (rc != SQLITE_OK) {
        fprintf(stderr, "prepare max: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    sqlite3_bind_int64(q, 1, book);
    if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL)
        next = sqlite3_column_int64(q, 0) + 1;
    sqlite3_finalize(q);

    sqlite3_stmt *ins = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO journal (book, seq, entry) VALUES (?, ?, ?)", -1, &ins, NULL); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{BEGIN IMMEDIATE; SELECT MAX(seq) FROM journal WHERE book = ?; INSERT INTO journal (book, seq, entry) VALUES (?, ?, ?); COMMIT}}
    if (rc != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(ins, 1, book);
    sqlite3_bind_int64(ins, 2, next);
    sqlite3_bind_text(ins, 3, entry, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(ins);
    sqlite3_finalize(ins);
    return rc == SQLITE_DONE ? next : -1;
}

/* Positive: COALESCE(MAX)+1 in SQL, named parameters, plain sqlite3_column_int. */
int journal_append_named(sqlite3 *db, int book, const char *entry)
{
    sqlite3_stmt *s;
    const char *max_sql = "SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE book = :book";
    if (sqlite3_prepare_v2(db, max_sql, -1, &s, NULL) != SQLITE_OK) // expected-note{{MAX(seq) of 'journal' read here}}
        return -1;
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":book"), book);
    int seq = 0;
    if (sqlite3_step(s) == SQLITE_ROW)
        seq = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (seq == 0)
        return -1;

    if (sqlite3_prepare_v2(db, "INSERT INTO journal (book, seq, entry) VALUES (:book, :seq, :entry)", -1, &s, NULL) != SQLITE_OK) // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO journal (book, seq, entry) VALUES (:book, :seq, :entry); COMMIT}}
        return -1;
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":book"), book);
    sqlite3_bind_int(s, sqlite3_bind_parameter_index(s, ":seq"), seq);
    sqlite3_bind_text(s, sqlite3_bind_parameter_index(s, ":entry"), entry, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? seq : -1;
}

/* Negative: BEGIN IMMEDIATE before reading MAX. */
sqlite3_int64 journal_append_immediate(sqlite3 *db, sqlite3_int64 book, const char *entry)
{
    char *errmsg = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &errmsg) != SQLITE_OK) {
        fprintf(stderr, "begin immediate: %s\n", errmsg ? errmsg : "?");
        sqlite3_free(errmsg);
        return -1;
    }

    sqlite3_stmt *q = NULL, *ins = NULL;
    sqlite3_int64 next = 1;
    sqlite3_prepare_v2(db, JOURNAL_MAX_SQL, -1, &q, NULL);
    sqlite3_bind_int64(q, 1, book);
    if (sqlite3_step(q) == SQLITE_ROW)
        next = sqlite3_column_int64(q, 0) + 1;
    sqlite3_finalize(q);

    sqlite3_prepare_v2(db, JOURNAL_INS_SQL, -1, &ins, NULL);
    sqlite3_bind_int64(ins, 1, book);
    sqlite3_bind_int64(ins, 2, next);
    sqlite3_bind_text(ins, 3, entry, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(ins);
    sqlite3_finalize(ins);

    sqlite3_exec(db, rc == SQLITE_DONE ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc == SQLITE_DONE ? next : -1;
}

/* Negative: BEGIN EXCLUSIVE, same shape. */
sqlite3_int64 journal_append_exclusive(sqlite3 *db, sqlite3_int64 book, const char *entry)
{
    if (sqlite3_exec(db, "BEGIN EXCLUSIVE TRANSACTION", 0, 0, 0) != SQLITE_OK)
        return -1;
    sqlite3_stmt *q;
    sqlite3_prepare_v2(db, JOURNAL_MAX_SQL, -1, &q, NULL);
    sqlite3_bind_int64(q, 1, book);
    sqlite3_int64 last = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);

    sqlite3_prepare_v2(db, JOURNAL_INS_SQL, -1, &q, NULL);
    sqlite3_bind_int64(q, 1, book);
    sqlite3_bind_int64(q, 2, last + 1);
    sqlite3_bind_text(q, 3, entry, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(q);
    sqlite3_finalize(q);
    sqlite3_exec(db, "COMMIT", 0, 0, 0);
    return rc == SQLITE_DONE ? last + 1 : -1;
}

/* Negative: INSERT ... SELECT MAX+1 in one statement inside BEGIN IMMEDIATE. */
int journal_append_single(sqlite3 *db, sqlite3_int64 book, const char *entry)
{
    static const char sql[] =
        "INSERT INTO journal (book, seq, entry) "
        "SELECT :book, COALESCE(MAX(seq), 0) + 1, :entry FROM journal WHERE book = :book";
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":book"), book);
        sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":entry"), entry, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    sqlite3_exec(db, rc == SQLITE_DONE ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}
