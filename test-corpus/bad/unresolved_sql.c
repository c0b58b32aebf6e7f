/* SQL the analysis cannot resolve is not guessed: the call is skipped, and
 * --verbose says so (a remark), without changing the exit status. */
#include <libpq-fe.h>

PGresult *run_sql(PGconn *conn, const char *sql) {
    return PQexec(conn, sql); // expected-remark{{the SQL text of this PQexec call could not be resolved (it is the parameter 'sql')}}
}

PGresult *pick(PGconn *conn, int admin) {
    return PQexec(conn, admin ? "SELECT * FROM admins" : "SELECT * FROM users"); // expected-remark{{it chooses between texts at run time}}
}
