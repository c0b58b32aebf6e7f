/* Theme (across files): callers of the helpers in db.c. Analyzed with db.c
 * (sqlrace -p, or both files on the command line), the check in one file and
 * the INSERT in the other are joined. */
#include "db.h"

#include <stdio.h>

/* Positive: the check is in db.c, the INSERT here through db.c's wrapper. */
int add_product(PGconn *conn, const char *sku, const char *name)
{
    const char *p[2] = { sku, name };
    if (sku_exists(conn, sku)) // expected-note{{through this call}}
        return 0;
    PQclear(db_exec(conn, "INSERT INTO products (sku, name) VALUES ($1, $2)", 2, p)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO products (sku, name) VALUES ($1, $2) ON CONFLICT (sku) DO NOTHING}}
    return 1;
}

/* Positive: MAX + 1 read in db.c, written here. */
int add_line(PGconn *conn, const char *order_id, const char *sku)
{
    char no[24];
    snprintf(no, sizeof no, "%ld", next_line_number(conn, order_id)); // expected-note{{through this call}}
    const char *p[3] = { order_id, no, sku };
    PQclear(db_exec(conn, "INSERT INTO order_lines (order_id, line_no, sku) VALUES ($1, $2, $3)", 3, p)); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE orders SET last_line_no = last_line_no + 1 WHERE id = $1 RETURNING last_line_no}}
    return 0;
}

/* Negative: the order row is locked (by a helper in db.c) before the MAX is read. */
int add_line_locked(PGconn *conn, const char *order_id, const char *sku)
{
    char no[24];
    PQclear(PQexec(conn, "BEGIN"));
    lock_order(conn, order_id);
    snprintf(no, sizeof no, "%ld", next_line_number(conn, order_id));
    const char *p[3] = { order_id, no, sku };
    PQclear(db_exec(conn, "INSERT INTO order_lines (order_id, line_no, sku) VALUES ($1, $2, $3)", 3, p));
    PQclear(PQexec(conn, "COMMIT"));
    return 0;
}
