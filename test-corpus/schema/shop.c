/* Theme: a shop's libpq code read together with its migrations (migrations/,
 * named by .sqlrace.yml). The schema decides how each race shows: with a unique
 * key the loser gets a unique violation (warning), without one duplicates go in
 * silently (error); it also shapes the rewrite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* products.sku has a unique index (000002): the race surfaces as unique violations,
 * and ON CONFLICT (sku) needs no new index. */
int sync_product(PGconn *conn, const char *sku, const char *name, const char *price)
{
    const char *p[3] = { sku, name, price };
    PGresult *r = PQexecParams(conn, "SELECT id FROM products WHERE sku = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'products' by (sku) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return 0;
    r = PQexecParams(conn, "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3)", 3, NULL, p, NULL, NULL, 0); // expected-warning{{products_sku_key (sku) (migrations/000002_unique_codes.up.sql:1) turns the race into unique-violation errors}} expected-note{{suggested rewrite: INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT (sku) DO NOTHING}}
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* The same code for suppliers.code, whose unique index a later migration dropped
 * (000005): nothing stops the second row. */
int add_supplier(PGconn *conn, const char *code, const char *name)
{
    const char *p[2] = { code, name };
    PGresult *r = PQexecParams(conn, "SELECT id FROM suppliers WHERE code = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'suppliers' by (code) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return 0;
    r = PQexecParams(conn, "INSERT INTO suppliers (code, name) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0); // expected-error{{no unique key on (code) in the schema (table 'suppliers', migrations/000001_init.up.sql:9), so concurrent sessions insert duplicate rows silently [sqlrace-check-then-insert]}} expected-note{{suggested rewrite: CREATE UNIQUE INDEX suppliers_code_key ON suppliers (code); INSERT INTO suppliers}}
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* Line numbers per order: orders.last_line_no exists already (000001), and the
 * foreign key says order_lines.order_id belongs to orders. */
int add_order_line(PGconn *conn, const char *order_id, const char *sku, int qty)
{
    const char *sel[1] = { order_id };
    PGresult *r = PQexecParams(conn, "SELECT COALESCE(MAX(line_no), 0) + 1 FROM order_lines WHERE order_id = $1", // expected-note{{MAX(line_no) of 'order_lines' read here}}
                               1, NULL, sel, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    char qtybuf[16];
    snprintf(qtybuf, sizeof qtybuf, "%d", qty);
    const char *ins[4] = { order_id, PQgetvalue(r, 0, 0), sku, qtybuf };
    PGresult *w = PQexecParams(conn, "INSERT INTO order_lines (order_id, line_no, sku, qty) VALUES ($1, $2, $3, $4)", // expected-error{{no unique key on (order_id, line_no) in the schema}} expected-note{{suggested rewrite: BEGIN; UPDATE orders SET last_line_no = last_line_no + 1 WHERE id = $1 RETURNING last_line_no; INSERT INTO order_lines}}
                               4, NULL, ins, NULL, NULL, 0);
    PQclear(r);
    int ok = PQresultStatus(w) == PGRES_COMMAND_OK;
    PQclear(w);
    return ok ? 0 : -1;
}

/* invoices.number is an identity column: computing it is dead code. */
long next_invoice(PGconn *conn, const char *customer)
{
    PGresult *r = PQexec(conn, "SELECT MAX(number) + 1 FROM invoices"); // expected-note{{MAX(number) of 'invoices' read here}}
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return -1;
    }
    long number = PQgetisnull(r, 0, 0) ? 1 : atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    char numbuf[24];
    snprintf(numbuf, sizeof numbuf, "%ld", number);
    const char *p[2] = { numbuf, customer };
    r = PQexecParams(conn, "INSERT INTO invoices (number, customer) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0); // expected-error{{[sqlrace-max-plus-one]}} expected-note{{number already has an identity in the schema (migrations/000001_init.up.sql:28)}} expected-note{{suggested rewrite: INSERT INTO invoices (customer) VALUES ($1) -- the database numbers number itself}}
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? number : -1;
}

/* tags.name is unique among live tags only (a partial index, 000003): the
 * ON CONFLICT clause has to name that index's predicate to use it. */
int tag_id(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = PQexecParams(conn, "SELECT id FROM tags WHERE name = $1 AND deleted_at IS NULL", 1, NULL, p, NULL, // expected-note{{check of 'tags' by (name) here}}
                               NULL, 0);
    if (PQntuples(r) > 0) {
        int id = atoi(PQgetvalue(r, 0, 0));
        PQclear(r);
        return id;
    }
    PQclear(r);
    r = PQexecParams(conn, "INSERT INTO tags (name) VALUES ($1) RETURNING id", 1, NULL, p, NULL, NULL, 0); // expected-warning{{the unique key tags_live_name (name) WHERE deleted_at IS NULL}} expected-note{{ON CONFLICT (name) WHERE deleted_at IS NULL DO UPDATE SET name = excluded.name RETURNING id}}
    int id = PQntuples(r) > 0 ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return id;
}

/* Stock adjusted in the program: a lost update, which no constraint notices. */
int take_stock(PGconn *conn, const char *sku, int n)
{
    const char *p[1] = { sku };
    PGresult *r = PQexecParams(conn, "SELECT stock FROM products WHERE sku = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{stock of 'products' read here}} expected-note{{suggested rewrite: BEGIN; SELECT stock FROM products WHERE sku = $1 FOR UPDATE}}
    if (PQntuples(r) == 0) {
        PQclear(r);
        return -1;
    }
    int stock = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    char buf[16];
    snprintf(buf, sizeof buf, "%d", stock - n);
    const char *u[2] = { buf, sku };
    r = PQexecParams(conn, "UPDATE products SET stock = $1 WHERE sku = $2", 2, NULL, u, NULL, NULL, 0); // expected-error{{can notice a lost update, so it goes in silently [sqlrace-read-modify-write]}}
    PQclear(r);
    return stock - n;
}

/* Consumers poll by version; version was added to a table with rows (000004). */
int poll_events(PGconn *conn, const char *after, void (*deliver)(const char *))
{
    const char *p[1] = { after };
    PGresult *r = PQexecParams(conn, "SELECT id, payload, version FROM events WHERE version > $1 ORDER BY version LIMIT 100", // expected-warning{{never returns rows whose version is NULL: the sequence default was set on an existing column (migrations/000004_event_version.up.sql:4)}} expected-note{{backfill them}} expected-note{{SELECT id, payload, version FROM events WHERE version > $1 AND version IS NOT NULL ORDER BY version LIMIT 100}}
                               1, NULL, p, NULL, NULL, 0);
    int n = PQntuples(r);
    for (int i = 0; i < n; ++i)
        deliver(PQgetvalue(r, i, 1));
    PQclear(r);
    return n;
}

/* The same poll, saying that rows without a version are not its business: quiet. */
int poll_versioned_events(PGconn *conn, const char *after, void (*deliver)(const char *))
{
    const char *p[1] = { after };
    PGresult *r = PQexecParams(conn,
                               "SELECT id, payload, version FROM events WHERE version IS NOT NULL AND version > $1 "
                               "ORDER BY version LIMIT 100",
                               1, NULL, p, NULL, NULL, 0);
    int n = PQntuples(r);
    for (int i = 0; i < n; ++i)
        deliver(PQgetvalue(r, i, 1));
    PQclear(r);
    return n;
}

/* Settings: the table is created by the code itself, with its primary key. */
int init_settings(PGconn *conn)
{
    PGresult *r = PQexec(conn, "CREATE TABLE IF NOT EXISTS settings (key text PRIMARY KEY, value text NOT NULL)");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 0 : -1;
}

int set_default_setting(PGconn *conn, const char *key, const char *value)
{
    const char *p[2] = { key, value };
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM settings WHERE key = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'settings' by (key) here}}
    int exists = PQntuples(r) > 0;
    PQclear(r);
    if (!exists) {
        r = PQexecParams(conn, "INSERT INTO settings (key, value) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0); // expected-warning{{the primary key settings_pkey (key) (shop.c:152) turns the race into unique-violation errors}} expected-note{{ON CONFLICT (key) DO NOTHING}}
        PQclear(r);
    }
    return 0;
}

/* audit_log is in neither the migrations nor the code: no grade, a plain warning. */
int note_login(PGconn *conn, const char *user)
{
    const char *p[1] = { user };
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM audit_log WHERE username = $1 AND day = current_date", 1, NULL, p, // expected-note{{check of 'audit_log' by (username, day) here}}
                               NULL, NULL, 0);
    int seen = PQntuples(r) > 0;
    PQclear(r);
    if (!seen) {
        r = PQexecParams(conn, "INSERT INTO audit_log (username, day) VALUES ($1, current_date)", 1, NULL, p, NULL, // expected-warning{{insert twice [sqlrace-check-then-insert]}} expected-note{{CREATE UNIQUE INDEX audit_log_username_day_key}}
                         NULL, 0);
        PQclear(r);
    }
    return 0;
}

/* Room bookings: an exclusion constraint (000006) rejects the overlapping second
 * booking, as an error the code has to handle. */
int book_room(PGconn *conn, const char *room, const char *during, const char *guest)
{
    const char *p[3] = { room, during, guest };
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM room_bookings WHERE room = $1 AND during && $2::tstzrange", 2, NULL, // expected-note{{check of 'room_bookings' by (room) here}}
                               p, NULL, NULL, 0);
    int taken = PQntuples(r) > 0;
    PQclear(r);
    if (taken)
        return 0;
    r = PQexecParams(conn, "INSERT INTO room_bookings (room, during, guest) VALUES ($1, $2, $3)", 3, NULL, p, NULL, // expected-warning{{room_bookings_room_during_excl (room) (migrations/000006_room_bookings.up.sql:3) turns the race into exclusion-violation errors (SQLSTATE 23P01)}} expected-note{{suggested rewrite: INSERT INTO room_bookings (room, during, guest) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING}}
                     NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}
