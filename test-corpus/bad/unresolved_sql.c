/* SQL the analysis cannot resolve is not guessed: the call is skipped, and
 * --verbose says so (a remark), without changing the exit status. A function
 * that passes its own parameter on as SQL is a wrapper instead: its callers
 * supply the text, so it is not reported here. */
#include <libpq-fe.h>
#include <stdio.h>

const char *query_from_config(const char *key);

PGresult *run_sql(PGconn *conn, const char *sql) {
    return PQexec(conn, sql);
}

PGresult *pick(PGconn *conn, const char *table) {
    char sql[128];
    snprintf(sql, sizeof sql, table[0] == 'a' ? "SELECT * FROM admins WHERE %s" : "SELECT * FROM users WHERE %s", table);
    return PQexec(conn, sql); // expected-remark{{'sql' holds different text on different paths, or text built at run time}}
}

PGresult *configured(PGconn *conn) {
    return PQexec(conn, query_from_config("report")); // expected-remark{{the SQL text of this PQexec call could not be resolved (it is returned by a call sqlrace does not know)}}
}
