/* SQL that libpg_query rejects is reported as a remark (and not analyzed),
 * never a crash; the run still succeeds. */
#include <libpq-fe.h>

void typo(PGconn *conn) {
    PGresult *r = PQexec(conn, "SELEC id FROM t WHERE x = 1"); // expected-remark{{cannot parse this SQL (syntax error at or near "SELEC")}}
    PQclear(r);
    r = PQexec(conn, "INSERT INTO t (x) VALUES ('unterminated)"); // expected-remark{{cannot parse this SQL (unterminated quoted string}}
    PQclear(r);
    r = PQexec(conn, "SELECT '\xff\xfe' FROM t WHERE x = 1");
    PQclear(r);
}
