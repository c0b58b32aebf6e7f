/* Read-only reports for the back office. */
#include "inventory.h"

#include <stdio.h>
#include <stdlib.h>

/* Units sold per SKU on one day, printed as CSV. */
int report_daily_sales(PGconn *db, const char *day, FILE *out)
{
    const char *p[1] = { day };
    PGresult *r = PQexecParams(db,
                               "SELECT l.sku, sum(l.qty) FROM order_lines l JOIN orders o ON o.id = l.order_id "
                               "WHERE o.created_at::date = $1::date GROUP BY l.sku ORDER BY l.sku",
                               1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "report: %s", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    int n = PQntuples(r);
    for (int i = 0; i < n; ++i)
        fprintf(out, "%s,%s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
    PQclear(r);
    return n;
}

/* Stock value per warehouse. */
double report_stock_value(PGconn *db, long warehouse)
{
    char wbuf[24];
    snprintf(wbuf, sizeof wbuf, "%ld", warehouse);
    const char *p[1] = { wbuf };
    PGresult *r = PQexecParams(db,
                               "SELECT COALESCE(sum(s.qty * p.price), 0) FROM stock s JOIN products p ON p.sku = s.sku "
                               "WHERE s.warehouse_id = $1",
                               1, NULL, p, NULL, NULL, 0);
    double value = PQresultStatus(r) == PGRES_TUPLES_OK ? atof(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return value;
}
