/* Receiving stock: the product row is created on first delivery. */
#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>

static int ok(PGresult *r, ExecStatusType want)
{
    int good = PQresultStatus(r) == want;
    if (!good)
        fprintf(stderr, "inventory: %s", PQresultErrorMessage(r));
    PQclear(r);
    return good;
}

/* Racy: two deliveries of a new SKU at once both see "no product" and both insert. */
int stock_receive(PGconn *db, const char *sku, const char *name, int qty)
{
    char qbuf[16];
    snprintf(qbuf, sizeof qbuf, "%d", qty);
    const char *find[1] = { sku };
    PGresult *r = PQexecParams(db, "SELECT id FROM products WHERE sku = $1", 1, NULL, find, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    int found = PQntuples(r) > 0;
    PQclear(r);

    const char *vals[3] = { sku, name, qbuf };
    if (found)
        return ok(PQexecParams(db, "UPDATE products SET name = $2, on_hand = on_hand + $3 WHERE sku = $1",
                               3, NULL, vals, NULL, NULL, 0), PGRES_COMMAND_OK) ? 0 : -1;
    return ok(PQexecParams(db, "INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3)",
                           3, NULL, vals, NULL, NULL, 0), PGRES_COMMAND_OK) ? 0 : -1;
}

/* The same in one statement: the unique index on sku arbitrates. */
int stock_receive_atomic(PGconn *db, const char *sku, const char *name, int qty)
{
    char qbuf[16];
    snprintf(qbuf, sizeof qbuf, "%d", qty);
    const char *vals[3] = { sku, name, qbuf };
    return ok(PQexecParams(db,
                           "INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3) "
                           "ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, "
                           "on_hand = products.on_hand + EXCLUDED.on_hand",
                           3, NULL, vals, NULL, NULL, 0), PGRES_COMMAND_OK) ? 0 : -1;
}
