/* Does not compile: the CLI must say so and exit 2, not crash. */
#include <libpq-fe.h>

void broken(PGconn *conn) {
    PGresult *r = PQexec(conn, "SELECT 1");
    undeclared_function_call(r, missing_variable);
}
