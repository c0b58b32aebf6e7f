/* Theme: item number per order (libpq, max-plus-one).
 * SELECT MAX(item_number) ... + 1 in C, then INSERT INTO items: racy.
 * Fixed variants: a counter column on the parent (UPDATE ... RETURNING),
 * pg_advisory_xact_lock keyed on the order, or FOR UPDATE of the order row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

static void die_on(PGresult *res, const char *what)
{
    fprintf(stderr, "%s: %s", what, PQresultErrorMessage(res));
}

/* Positive: MAX + 1 in C. */
int add_item(PGconn *conn, int order_id, const char *sku, int qty)
{
    char oid[16], num[16], q[16];
    snprintf(oid, sizeof oid, "%d", order_id);
    const char *params[4] = { oid, NULL, NULL, NULL };

    PGresult *res = PQexecParams(conn,
                                 "SELECT MAX(item_number) FROM items WHERE order_id = $1", // expected-note{{MAX(item_number) of 'items' read here}}
                                 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        die_on(res, "max item");
        PQclear(res);
        return -1;
    }
    int last = PQgetisnull(res, 0, 0) ? 0 : atoi(PQgetvalue(res, 0, 0));
    PQclear(res);

    int item_number = last + 1;
    snprintf(num, sizeof num, "%d", item_number);
    snprintf(q, sizeof q, "%d", qty);
    params[1] = num;
    params[2] = sku;
    params[3] = q;
    res = PQexecParams(conn,
                       "INSERT INTO items (order_id, item_number, sku, qty) VALUES ($1, $2, $3, $4)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE orders SET last_item_number = last_item_number + 1 WHERE id = $1 RETURNING last_item_number}}
                       4, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        die_on(res, "insert item");
        PQclear(res);
        return -1;
    }
    PQclear(res);
    return item_number;
}

/* Negative: the parent row keeps the counter, incremented atomically. */
int add_item_counter(PGconn *conn, int order_id, const char *sku, int qty)
{
    char oid[16], q[16];
    snprintf(oid, sizeof oid, "%d", order_id);
    snprintf(q, sizeof q, "%d", qty);
    const char *p1[1] = { oid };

    PGresult *res = PQexecParams(conn,
                                 "UPDATE orders SET last_item_number = last_item_number + 1 WHERE id = $1 RETURNING last_item_number",
                                 1, NULL, p1, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        PQclear(res);
        return -1;
    }
    int item_number = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);

    char num[16];
    snprintf(num, sizeof num, "%d", item_number);
    const char *p2[4] = { oid, num, sku, q };
    res = PQexecParams(conn,
                       "INSERT INTO items (order_id, item_number, sku, qty) VALUES ($1, $2, $3, $4)",
                       4, NULL, p2, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? item_number : -1;
}

/* Negative: transaction-scoped advisory lock keyed on the order, taken first. */
int add_item_advisory(PGconn *conn, int order_id, const char *sku)
{
    char oid[16], num[16];
    snprintf(oid, sizeof oid, "%d", order_id);
    const char *params[3] = { oid, NULL, sku };
    PGresult *res;

    res = PQexec(conn, "BEGIN");
    PQclear(res);
    res = PQexecParams(conn, "SELECT pg_advisory_xact_lock($1)", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(res);

    res = PQexecParams(conn, "SELECT COALESCE(MAX(item_number), 0) FROM items WHERE order_id = $1",
                       1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        PQclear(res);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    int next = atoi(PQgetvalue(res, 0, 0)) + 1;
    PQclear(res);

    snprintf(num, sizeof num, "%d", next);
    params[1] = num;
    res = PQexecParams(conn, "INSERT INTO items (order_id, item_number, sku) VALUES ($1, $2, $3)",
                       3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        PQclear(res);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1;
    }
    PQclear(res);
    PQclear(PQexec(conn, "COMMIT"));
    return next;
}

/* Negative: the parent order row is locked FOR UPDATE before reading MAX. */
int add_item_locked_order(PGconn *conn, int order_id, const char *sku)
{
    char oid[16], num[16];
    snprintf(oid, sizeof oid, "%d", order_id);
    const char *p[3] = { oid, num, sku };

    PQclear(PQexec(conn, "BEGIN"));
    PGresult *lock = PQexecParams(conn, "SELECT id FROM orders WHERE id = $1 FOR UPDATE",
                                  1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(lock) != PGRES_TUPLES_OK || PQntuples(lock) == 0) {
        PQclear(lock);
        PQclear(PQexec(conn, "ROLLBACK"));
        return -1; /* no such order */
    }
    PQclear(lock);

    PGresult *mx = PQexecParams(conn, "SELECT MAX(item_number) FROM items WHERE order_id = $1",
                                1, NULL, p, NULL, NULL, 0);
    int next = 1;
    if (PQresultStatus(mx) == PGRES_TUPLES_OK && !PQgetisnull(mx, 0, 0))
        next = atoi(PQgetvalue(mx, 0, 0)) + 1;
    PQclear(mx);

    snprintf(num, sizeof num, "%d", next);
    PGresult *ins = PQexecParams(conn, "INSERT INTO items (order_id, item_number, sku) VALUES ($1, $2, $3)",
                                 3, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(ins) == PGRES_COMMAND_OK;
    PQclear(ins);
    PQclear(PQexec(conn, ok ? "COMMIT" : "ROLLBACK"));
    return ok ? next : -1;
}
