/* Theme (across files): the project's database helpers, in a file of their
 * own. The races they take part in are reported in their callers (orders.c),
 * with notes here. */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>

PGresult *db_exec(PGconn *conn, const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        fprintf(stderr, "db: %s", PQerrorMessage(conn));
    return r;
}

int sku_exists(PGconn *conn, const char *sku)
{
    const char *p[1] = { sku };
    PGresult *r = db_exec(conn, "SELECT 1 FROM products WHERE sku = $1", 1, p); // expected-note{{check of 'products' by (sku) here, in sku_exists()}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

long next_line_number(PGconn *conn, const char *order_id)
{
    const char *p[1] = { order_id };
    PGresult *r = db_exec(conn, "SELECT COALESCE(MAX(line_no), 0) + 1 FROM order_lines WHERE order_id = $1", 1, p); // expected-note{{MAX(line_no) of 'order_lines' read here, in next_line_number()}}
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    return n;
}

void lock_order(PGconn *conn, const char *order_id)
{
    const char *p[1] = { order_id };
    PQclear(db_exec(conn, "SELECT id FROM orders WHERE id = $1 FOR UPDATE", 1, p));
}
