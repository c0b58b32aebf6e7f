#ifndef INVENTORY_H
#define INVENTORY_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

int stock_receive(PGconn *db, const char *sku, const char *name, int qty);
int stock_receive_atomic(PGconn *db, const char *sku, const char *name, int qty);
long invoice_create(PGconn *db, const char *customer);
long invoice_add_line(PGconn *db, long invoice_id, const char *sku, int qty);
long invoice_add_line_locked(PGconn *db, long invoice_id, const char *sku, int qty);
sqlite3_int64 tag_intern(sqlite3 *cache, const char *name);
sqlite3_int64 tag_intern_atomic(sqlite3 *cache, const char *name);
int report_daily_sales(PGconn *db, const char *day, FILE *out);
double report_stock_value(PGconn *db, long warehouse);

#endif
