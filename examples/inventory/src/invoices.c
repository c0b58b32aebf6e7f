/* Invoices and their numbered lines. */
#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>

#define SQL_NEXT_INVOICE "SELECT COALESCE(MAX(number), 0) + 1 FROM invoices"
#define SQL_NEW_INVOICE  "INSERT INTO invoices (number, customer) VALUES ($1, $2) RETURNING id"

/* Racy: two invoices created at once get the same number. */
long invoice_create(PGconn *db, const char *customer)
{
    PGresult *r = PQexec(db, SQL_NEXT_INVOICE);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    long number = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);

    char nbuf[24];
    snprintf(nbuf, sizeof nbuf, "%ld", number);
    const char *params[2] = { nbuf, customer };
    r = PQexecParams(db, SQL_NEW_INVOICE, 2, NULL, params, NULL, NULL, 0);
    long id = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return id;
}

static const char next_line_sql[] = "SELECT MAX(line_no) FROM invoice_lines WHERE invoice_id = $1";
static const char add_line_sql[] =
    "INSERT INTO invoice_lines (invoice_id, line_no, sku, qty) VALUES ($1, $2, $3, $4)";

/* Racy: two lines added to one invoice at once get the same line number. */
long invoice_add_line(PGconn *db, long invoice_id, const char *sku, int qty)
{
    char id[24], line[24], q[16];
    snprintf(id, sizeof id, "%ld", invoice_id);
    snprintf(q, sizeof q, "%d", qty);
    const char *p[4] = { id, line, sku, q };

    PGresult *r = PQexecParams(db, next_line_sql, 1, NULL, p, NULL, NULL, 0);
    long next = PQgetisnull(r, 0, 0) ? 1 : atol(PQgetvalue(r, 0, 0)) + 1;
    PQclear(r);
    snprintf(line, sizeof line, "%ld", next);

    r = PQexecParams(db, add_line_sql, 4, NULL, p, NULL, NULL, 0);
    int good = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return good ? next : -1;
}

/* Fixed: the invoice row is locked first, so line numbering is serialized per invoice. */
long invoice_add_line_locked(PGconn *db, long invoice_id, const char *sku, int qty)
{
    char id[24], line[24], q[16];
    snprintf(id, sizeof id, "%ld", invoice_id);
    snprintf(q, sizeof q, "%d", qty);
    const char *p[4] = { id, line, sku, q };

    PQclear(PQexec(db, "BEGIN"));
    PGresult *r = PQexecParams(db, "SELECT id FROM invoices WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0);
    int exists = PQntuples(r) == 1;
    PQclear(r);
    if (!exists) {
        PQclear(PQexec(db, "ROLLBACK"));
        return -1;
    }
    r = PQexecParams(db, next_line_sql, 1, NULL, p, NULL, NULL, 0);
    long next = PQgetisnull(r, 0, 0) ? 1 : atol(PQgetvalue(r, 0, 0)) + 1;
    PQclear(r);
    snprintf(line, sizeof line, "%ld", next);

    r = PQexecParams(db, add_line_sql, 4, NULL, p, NULL, NULL, 0);
    int good = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    PQclear(PQexec(db, good ? "COMMIT" : "ROLLBACK"));
    return good ? next : -1;
}
