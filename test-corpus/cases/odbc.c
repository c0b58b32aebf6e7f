// RUN:
/* Theme: ODBC (unixODBC headers). SQLPrepare/SQLExecute and SQLExecDirect,
 * parameters bound with SQLBindParameter, results read with SQLFetch
 * (SQL_NO_DATA), SQLGetData, SQLBindCol and SQLRowCount; one wide-character
 * variant (SQLPrepareW / SQLExecDirectW with u"" literals). Positives: a
 * lookup or COUNT deciding an INSERT, MAX read with SQLGetData and + 1 bound
 * into the INSERT, an UPDATE whose row count of 0 decides an INSERT.
 * Negatives: MERGE WITH (HOLDLOCK) (one statement that holds the key-range
 * lock; a MERGE without it races like any check-then-insert), an INSERT into
 * another table, a row count that is only logged. */
#include <stdio.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

#define CHECK(rc, h, what)                                      \
    do {                                                        \
        if (!SQL_SUCCEEDED(rc)) {                               \
            report_error(SQL_HANDLE_STMT, (h), (what));         \
            goto fail;                                          \
        }                                                       \
    } while (0)

static void report_error(SQLSMALLINT type, SQLHANDLE h, const char *what)
{
    SQLCHAR state[6], msg[256];
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    if (SQL_SUCCEEDED(SQLGetDiagRec(type, h, 1, state, &native, msg, sizeof msg, &len)))
        fprintf(stderr, "%s: [%s] %s\n", what, (char *)state, (char *)msg);
    else
        fprintf(stderr, "%s: unknown ODBC error\n", what);
}

/* Positive: SQLPrepare + SQLExecute lookup; SQLFetch == SQL_NO_DATA decides the SQLExecDirect INSERT. */
int warehouse_ensure(SQLHDBC dbc, const char *code)
{
    SQLHSTMT h = SQL_NULL_HSTMT;
    SQLLEN code_ind = SQL_NTS;
    SQLRETURN rc;
    int created = 0;

    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &h)))
        return -1;

    rc = SQLPrepare(h, (SQLCHAR *)"SELECT id FROM warehouses WHERE code = ?", SQL_NTS); // expected-note{{check of 'warehouses'}}
    CHECK(rc, h, "prepare lookup");
    rc = SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 16, 0, (SQLPOINTER)code, 0, &code_ind);
    CHECK(rc, h, "bind code");
    rc = SQLExecute(h);
    CHECK(rc, h, "lookup");

    rc = SQLFetch(h);
    SQLCloseCursor(h);
    if (rc == SQL_NO_DATA) {
        rc = SQLExecDirect(h, (SQLCHAR *)"INSERT INTO warehouses (code) VALUES (?)", SQL_NTS); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO warehouses (code) VALUES (?) ON CONFLICT (code) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
        CHECK(rc, h, "insert warehouse");
        created = 1;
    } else {
        CHECK(rc, h, "fetch");
    }

    SQLFreeHandle(SQL_HANDLE_STMT, h);
    return created;
fail:
    SQLFreeHandle(SQL_HANDLE_STMT, h);
    return -1;
}

/* Positive: MAX(entry_no) read with SQLGetData, + 1 in C, bound with SQLBindParameter into the INSERT. */
SQLINTEGER journal_append(SQLHSTMT stmt, SQLINTEGER book_id, const char *memo)
{
    SQLINTEGER last = 0, next;
    SQLLEN last_ind = 0, memo_ind = SQL_NTS;

    if (!SQL_SUCCEEDED(SQLBindParameter(stmt, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &book_id, 0, NULL)))
        return -1;
    if (!SQL_SUCCEEDED(SQLExecDirect(stmt, (SQLCHAR *)"SELECT MAX(entry_no) FROM journal_entries WHERE book_id = ?", SQL_NTS))) // expected-note{{MAX(entry_no) of 'journal_entries' read here}}
        return -1;
    if (SQLFetch(stmt) != SQL_SUCCESS ||
        !SQL_SUCCEEDED(SQLGetData(stmt, 1, SQL_C_SLONG, &last, 0, &last_ind))) {
        SQLCloseCursor(stmt);
        return -1;
    }
    SQLCloseCursor(stmt);
    next = (last_ind == SQL_NULL_DATA) ? 1 : last + 1;

    if (!SQL_SUCCEEDED(SQLPrepare(stmt, (SQLCHAR *)"INSERT INTO journal_entries (book_id, entry_no, memo) VALUES (?, ?, ?)", SQL_NTS))) // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE books SET last_entry_no = last_entry_no + 1 WHERE id = ? RETURNING last_entry_no}} expected-note{{the rewrite is PostgreSQL's}}
        return -1;
    SQLBindParameter(stmt, 2, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &next, 0, NULL);
    SQLBindParameter(stmt, 3, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 200, 0, (SQLPOINTER)memo, 0, &memo_ind);
    if (!SQL_SUCCEEDED(SQLExecute(stmt))) {
        report_error(SQL_HANDLE_STMT, stmt, "insert journal entry");
        return -1;
    }
    SQLFreeStmt(stmt, SQL_RESET_PARAMS);
    return next;
}

/* Positive: COUNT(*) into a SQLBindCol buffer, inside a manual-commit transaction
 * at the driver's default isolation (commit does not make the check atomic). */
int seat_reserve(SQLHDBC dbc, SQLINTEGER show_id, const char *seat, SQLINTEGER customer_id)
{
    SQLHSTMT q = SQL_NULL_HSTMT;
    SQLINTEGER taken = -1;
    SQLLEN taken_ind = 0, seat_ind = SQL_NTS;
    int ok = 0;

    SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, (SQLPOINTER)SQL_AUTOCOMMIT_OFF, SQL_IS_UINTEGER);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc, &q)))
        return -1;

    SQLBindParameter(q, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &show_id, 0, NULL);
    SQLBindParameter(q, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_CHAR, 4, 0, (SQLPOINTER)seat, 0, &seat_ind);
    SQLBindCol(q, 1, SQL_C_SLONG, &taken, sizeof taken, &taken_ind);

    if (SQL_SUCCEEDED(SQLExecDirect(q, (SQLCHAR *)"SELECT COUNT(*) FROM reservations WHERE show_id = ? AND seat = ?", SQL_NTS)) && // expected-note{{check of 'reservations'}}
        SQL_SUCCEEDED(SQLFetch(q))) {
        SQLCloseCursor(q);
        SQLFreeStmt(q, SQL_UNBIND);
        SQLBindParameter(q, 3, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &customer_id, 0, NULL);
        if (taken == 0)
            ok = SQL_SUCCEEDED(SQLExecDirect(q, (SQLCHAR *)"INSERT INTO reservations (show_id, seat, customer_id) VALUES (?, ?, ?)", SQL_NTS)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO reservations (show_id, seat, customer_id) VALUES (?, ?, ?) ON CONFLICT (show_id, seat) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
    }

    SQLEndTran(SQL_HANDLE_DBC, dbc, ok ? SQL_COMMIT : SQL_ROLLBACK);
    SQLFreeHandle(SQL_HANDLE_STMT, q);
    return ok;
}

/* Positive: UPDATE first, SQLRowCount == 0 means "not there yet", then INSERT:
 * two callers both update nothing and both insert. */
int node_heartbeat(SQLHSTMT h, const char *node)
{
    SQLLEN node_ind = SQL_NTS, touched = 0;

    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 64, 0, (SQLPOINTER)node, 0, &node_ind);
    if (!SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)"UPDATE nodes SET last_seen = CURRENT_TIMESTAMP WHERE name = ?", SQL_NTS))) // expected-note{{check of 'nodes'}}
        return -1;
    if (!SQL_SUCCEEDED(SQLRowCount(h, &touched)))
        return -1;
    if (touched > 0)
        return 0;

    SQLRETURN rc = SQLExecDirect(h, (SQLCHAR *)"INSERT INTO nodes (name, last_seen) VALUES (?, CURRENT_TIMESTAMP)", SQL_NTS); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO nodes (name, last_seen) VALUES (?, CURRENT_TIMESTAMP) ON CONFLICT (name) DO UPDATE SET last_seen = CURRENT_TIMESTAMP}} expected-note{{the rewrite is PostgreSQL's}}
    return SQL_SUCCEEDED(rc) ? 1 : -1;
}

/* Positive (wide): SQLPrepareW / SQLExecDirectW with UTF-16 literals. */
int label_ensure_w(SQLHSTMT h, SQLWCHAR *name)
{
    SQLLEN name_ind = SQL_NTS;
    SQLRETURN rc;

    rc = SQLPrepareW(h, (SQLWCHAR *)u"SELECT id FROM labels WHERE name = ?", SQL_NTS); // expected-note{{check of 'labels'}}
    if (!SQL_SUCCEEDED(rc))
        return -1;
    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_WCHAR, SQL_WVARCHAR, 100, 0, name, 0, &name_ind);
    if (!SQL_SUCCEEDED(SQLExecute(h)))
        return -1;
    rc = SQLFetch(h);
    SQLCloseCursor(h);
    if (rc != SQL_NO_DATA)
        return SQL_SUCCEEDED(rc) ? 0 : -1;

    rc = SQLExecDirectW(h, (SQLWCHAR *)u"INSERT INTO labels (name) VALUES (?)", SQL_NTS); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES (?) ON CONFLICT (name) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
    return SQL_SUCCEEDED(rc) ? 1 : -1;
}

/* Negative: one MERGE that holds the key-range lock (SQL Server HOLDLOCK); row count only reported. */
int warehouse_ensure_merge(SQLHSTMT h, const char *code)
{
    SQLLEN code_ind = SQL_NTS, merged = 0;
    static const char merge_sql[] =
        "MERGE INTO warehouses WITH (HOLDLOCK) AS w "
        "USING (SELECT ? AS code) AS s ON w.code = s.code "
        "WHEN NOT MATCHED THEN INSERT (code) VALUES (s.code);";

    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 16, 0, (SQLPOINTER)code, 0, &code_ind);
    if (!SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)merge_sql, SQL_NTS)))
        return -1;
    SQLRowCount(h, &merged);
    return (int)merged;
}

/* Negative: the lookup reads warehouses, the INSERT writes stock_moves. */
int stock_receive(SQLHSTMT h, const char *warehouse, const char *sku, SQLINTEGER qty)
{
    SQLINTEGER wh_id = 0;
    SQLLEN wh_ind = SQL_NTS, sku_ind = SQL_NTS;

    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 16, 0, (SQLPOINTER)warehouse, 0, &wh_ind);
    if (!SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)"SELECT id FROM warehouses WHERE code = ?", SQL_NTS)))
        return -1;
    SQLRETURN rc = SQLFetch(h);
    if (rc == SQL_SUCCESS)
        SQLGetData(h, 1, SQL_C_LONG, &wh_id, 0, NULL); /* id is NOT NULL */
    SQLCloseCursor(h);
    SQLFreeStmt(h, SQL_RESET_PARAMS);
    if (rc == SQL_NO_DATA)
        return 0; /* unknown warehouse */

    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &wh_id, 0, NULL);
    SQLBindParameter(h, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 32, 0, (SQLPOINTER)sku, 0, &sku_ind);
    SQLBindParameter(h, 3, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &qty, 0, NULL);
    rc = SQLExecDirect(h, (SQLCHAR *)"INSERT INTO stock_moves (warehouse_id, sku, qty) VALUES (?, ?, ?)", SQL_NTS);
    return SQL_SUCCEEDED(rc) ? 1 : -1;
}

/* Negative: the DELETE's row count is only logged; the INSERT runs either way. */
int reading_record(SQLHSTMT h, SQLINTEGER sensor_id, double value)
{
    SQLLEN pruned = 0;

    SQLBindParameter(h, 1, SQL_PARAM_INPUT, SQL_C_SLONG, SQL_INTEGER, 0, 0, &sensor_id, 0, NULL);
    if (SQL_SUCCEEDED(SQLExecDirect(h, (SQLCHAR *)"DELETE FROM readings WHERE sensor_id = ? AND taken_at < CURRENT_DATE", SQL_NTS)) &&
        SQL_SUCCEEDED(SQLRowCount(h, &pruned)))
        fprintf(stderr, "sensor %d: pruned %ld old readings\n", (int)sensor_id, (long)pruned);

    SQLBindParameter(h, 2, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, &value, 0, NULL);
    SQLRETURN rc = SQLExecDirect(h, (SQLCHAR *)"INSERT INTO readings (sensor_id, value, taken_at) VALUES (?, ?, CURRENT_TIMESTAMP)", SQL_NTS);
    SQLFreeStmt(h, SQL_RESET_PARAMS);
    return SQL_SUCCEEDED(rc) ? 0 : -1;
}
