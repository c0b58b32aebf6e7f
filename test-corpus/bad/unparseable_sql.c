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
    /* control bytes, including the analyzer's own hole marker, and an embedded NUL */
    r = PQexec(conn, "SELECT '\x01\x02' FROM t WHERE x = '\x01' || 'a\0b'"); // expected-remark{{the text contains a NUL byte, and the database receives only what comes before it}}
    PQclear(r);
}
