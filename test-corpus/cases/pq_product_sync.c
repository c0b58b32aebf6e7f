/* Theme: product sync by SKU (libpq, check-then-insert / hand-written upsert).
 * Look the SKU up, UPDATE when found, INSERT otherwise: two syncs of the same
 * SKU both miss and both insert. Fixed with INSERT ... ON CONFLICT (sku) DO UPDATE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#define PRICE_LEN 32

/* Positive: PQexecParams, branch on PQntuples, UPDATE or INSERT. */
int sync_product(PGconn *conn, const char *sku, const char *name, double price)
{
    char price_txt[PRICE_LEN];
    snprintf(price_txt, sizeof price_txt, "%.2f", price);

    const char *key[1] = { sku };
    PGresult *found = PQexecParams(conn, "SELECT id FROM products WHERE sku = $1", // expected-note{{check of 'products'}}
                                   1, NULL, key, NULL, NULL, 0);
    if (PQresultStatus(found) != PGRES_TUPLES_OK) {
        fprintf(stderr, "lookup %s: %s", sku, PQerrorMessage(conn));
        PQclear(found);
        return -1;
    }

    PGresult *w;
    if (PQntuples(found) > 0) {
        const char *up[3] = { PQgetvalue(found, 0, 0), name, price_txt };
        w = PQexecParams(conn, "UPDATE products SET name = $2, price = $3 WHERE id = $1",
                         3, NULL, up, NULL, NULL, 0);
    } else {
        const char *ins[3] = { sku, name, price_txt };
        w = PQexecParams(conn, "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price}}
                         3, NULL, ins, NULL, NULL, 0);
    }
    PQclear(found);

    int rc = PQresultStatus(w) == PGRES_COMMAND_OK ? 0 : -1;
    PQclear(w);
    return rc;
}

/* Positive: same logic with prepared statements matched by name. */
int sync_product_prepared(PGconn *conn, const char *sku, const char *name, const char *price)
{
    PGresult *r;

    r = PQprepare(conn, "find_product", "SELECT id FROM products WHERE sku = $1", 1, NULL); // expected-note{{check of 'products'}}
    PQclear(r);
    r = PQprepare(conn, "update_product", "UPDATE products SET name = $2, price = $3 WHERE sku = $1", 3, NULL);
    PQclear(r);
    r = PQprepare(conn, "insert_product", "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3)", 3, NULL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price = excluded.price}}
    PQclear(r);

    const char *values[3] = { sku, name, price };
    r = PQexecPrepared(conn, "find_product", 1, values, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    int exists = PQntuples(r) == 1;
    PQclear(r);

    if (exists)
        r = PQexecPrepared(conn, "update_product", 3, values, NULL, NULL, 0);
    else
        r = PQexecPrepared(conn, "insert_product", 3, values, NULL, NULL, 0);

    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "sync %s: %s", sku, PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return exists ? 1 : 0;
}

/* Negative (fixed): one atomic upsert statement. */
int sync_product_upsert(PGconn *conn, const char *sku, const char *name, const char *price)
{
    static const char *const upsert_sql =
        "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) "
        "ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price";
    const char *values[3] = { sku, name, price };
    PGresult *r = PQexecParams(conn, upsert_sql, 3, NULL, values, NULL, NULL, 0);
    int rc = (PQresultStatus(r) == PGRES_COMMAND_OK) ? 0 : -1;
    PQclear(r);
    return rc;
}

/* Negative (fixed, prepared): the upsert prepared once and executed by name. */
int sync_product_upsert_prepared(PGconn *conn, const char *sku, const char *name, const char *price)
{
    PGresult *r = PQprepare(conn, "upsert_product",
                            "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price = EXCLUDED.price RETURNING id",
                            3, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        return -1;
    }
    PQclear(r);

    const char *values[3] = { sku, name, price };
    r = PQexecPrepared(conn, "upsert_product", 3, values, NULL, NULL, 0);
    int id = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        id = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return id;
}
