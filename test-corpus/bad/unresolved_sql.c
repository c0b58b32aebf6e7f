/* SQL the analysis cannot resolve is not guessed: the call is skipped, and
 * --verbose says so (a remark), without changing the exit status. A function
 * that passes its own parameter on as SQL is a wrapper instead: its callers
 * supply the text, so it is not reported here. A statement run by name is
 * known when this file prepares that name with a constant text; otherwise it is
 * said to be unknown. SQL handed to a project function defined in another file
 * (and not described in a configuration) is said to be unanalyzed too; a log
 * line that mentions a statement is not SQL. */
#include <libpq-fe.h>
#include <stdio.h>

const char *query_from_config(const char *key);
PGresult *db_query(PGconn *conn, const char *fmt, ...);  /* defined in another file */
void log_failure(const char *what);

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

void prepare_some(PGconn *conn) {
    PQclear(PQprepare(conn, "twice", "SELECT 1 FROM users WHERE id = $1", 1, NULL));
    PQclear(PQprepare(conn, "twice", "SELECT 1 FROM admins WHERE id = $1", 1, NULL));
}

void run_by_name(PGconn *conn, const char *name, const char *const *p) {
    PQclear(PQexecPrepared(conn, "user_touch", 1, p, NULL, NULL, 0)); // expected-remark{{the prepared statement this PQexecPrepared call runs is not known: 'user_touch' is not prepared with a constant text in this file; it is not analyzed}}
    PQclear(PQexecPrepared(conn, "twice", 1, p, NULL, NULL, 0)); // expected-remark{{'twice' is prepared with different texts in this file; it is not analyzed}}
    PQclear(PQexecPrepared(conn, name, 1, p, NULL, NULL, 0)); // expected-remark{{its name could not be resolved (it is the parameter 'name')}}
}

void save_visit(PGconn *conn, const char *page) {
    PQclear(db_query(conn, "INSERT INTO visits (page) VALUES ('%s')", page)); // expected-remark{{the SQL text passed to db_query() is not analyzed: sqlrace does not know db_query}}
    log_failure("insert into visits failed");
}
