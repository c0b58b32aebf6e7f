#ifndef SHOP_DB_H
#define SHOP_DB_H
#include <libpq-fe.h>

PGresult *db_exec(PGconn *conn, const char *sql, int n, const char *const *params);
int sku_exists(PGconn *conn, const char *sku);
long next_line_number(PGconn *conn, const char *order_id);
void lock_order(PGconn *conn, const char *order_id);

#endif
