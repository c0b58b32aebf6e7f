/* Theme: the check and the INSERT in different functions of one file:
 * a helper that answers "does it exist?", one that inserts, a wrapper that
 * runs any SQL it is given, a next-number helper three calls deep, a lock
 * taken in a helper, and recursion (which must not hang the analysis). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

static int sku_exists(PGconn *conn, const char *sku)
{
    const char *p[1] = { sku };
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM products WHERE sku = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'products' by (sku) here, in sku_exists()}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

static void insert_product(PGconn *conn, const char *sku, const char *name)
{
    const char *p[2] = { sku, name };
    PQclear(PQexecParams(conn, "INSERT INTO products (sku, name) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0)); // expected-note{{INSERT into 'products' here, in insert_product()}} expected-note{{INSERT INTO products (sku, name) VALUES ($1, $2) ON CONFLICT (sku) DO NOTHING}}
}

/* Positive: both halves are helpers; the race is here, where they meet. */
int add_product(PGconn *conn, const char *sku, const char *name)
{
    if (sku_exists(conn, sku)) // expected-note{{through this call}}
        return 0;
    insert_product(conn, sku, name); // expected-warning{{[sqlrace-check-then-insert]}}
    return 1;
}

/* A wrapper: sqlrace sees that it runs whatever SQL its caller passes. */
static PGresult *db_exec(PGconn *conn, const char *sql, int n, const char *const *params)
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
        fprintf(stderr, "%s", PQerrorMessage(conn));
    return r;
}

static long read_long(PGresult *r)
{
    return atol(PQgetvalue(r, 0, 0));
}

static long max_item_number(PGconn *conn, const char *order_id)
{
    const char *p[1] = { order_id };
    PGresult *r = db_exec(conn, "SELECT COALESCE(MAX(item_number), 0) FROM items WHERE order_id = $1", 1, p); // expected-note{{MAX(item_number) of 'items' read here, in max_item_number()}}
    long n = read_long(r);
    PQclear(r);
    return n;
}

static long next_item_number(PGconn *conn, const char *order_id)
{
    return max_item_number(conn, order_id) + 1; // expected-note{{through this call}}
}

/* Positive: MAX read three calls down (next_item_number -> max_item_number ->
 * db_exec), the INSERT through the wrapper. */
int add_item(PGconn *conn, const char *order_id, const char *sku)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%ld", next_item_number(conn, order_id)); // expected-note{{through this call}}
    const char *p[3] = { order_id, buf, sku };
    PQclear(db_exec(conn, "INSERT INTO items (order_id, item_number, sku) VALUES ($1, $2, $3)", 3, p)); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE orders SET last_item_number = last_item_number + 1 WHERE id = $1 RETURNING last_item_number}}
    return 0;
}

static void lock_order(PGconn *conn, const char *order_id)
{
    const char *p[1] = { order_id };
    PQclear(PQexecParams(conn, "SELECT id FROM orders WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0));
}

/* Negative: the parent row is locked in a helper before the MAX is read. */
int add_item_locked(PGconn *conn, const char *order_id, const char *sku)
{
    char buf[24];
    PQclear(PQexec(conn, "BEGIN"));
    lock_order(conn, order_id);
    snprintf(buf, sizeof buf, "%ld", next_item_number(conn, order_id));
    const char *p[3] = { order_id, buf, sku };
    PQclear(db_exec(conn, "INSERT INTO items (order_id, item_number, sku) VALUES ($1, $2, $3)", 3, p));
    PQclear(PQexec(conn, "COMMIT"));
    return 0;
}

/* Negative: a helper that checks and inserts reports its own race once (below),
 * not again in every caller. */
static int ensure_tag(PGconn *conn, const char *name)
{
    const char *p[1] = { name };
    PGresult *r = db_exec(conn, "SELECT id FROM tags WHERE name = $1", 1, p); // expected-note{{check of 'tags' by (name) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(db_exec(conn, "INSERT INTO tags (name) VALUES ($1)", 1, p)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    return found;
}

int tag_all(PGconn *conn, const char *const *names, int n)
{
    for (int i = 0; i < n; ++i)
        ensure_tag(conn, names[i]);
    return n;
}

/* Negative: recursion is cut, and a parent row walk is not a check-then-insert. */
static int depth_of(PGconn *conn, const char *id)
{
    const char *p[1] = { id };
    PGresult *r = PQexecParams(conn, "SELECT parent FROM folders WHERE id = $1", 1, NULL, p, NULL, NULL, 0);
    int d = PQgetisnull(r, 0, 0) ? 0 : 1 + depth_of(conn, PQgetvalue(r, 0, 0));
    PQclear(r);
    return d;
}

int record_depth(PGconn *conn, const char *id)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", depth_of(conn, id));
    const char *p[2] = { id, buf };
    PQclear(PQexecParams(conn, "INSERT INTO folder_stats (folder, depth) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0));
    return 0;
}

/* Negative: the helper's check-then-insert runs only under its callers' lock:
 * every call of it (it is static, so all are in this file) comes after
 * SERIALIZABLE or an advisory lock on the same connection. */
static int ensure_user(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM users WHERE email = $1", 1, NULL, p, NULL, NULL, 0);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO users (email) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    return found;
}

int signup(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    int found = ensure_user(conn, p);
    PQclear(PQexec(conn, "COMMIT"));
    return found;
}

int invite(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, NULL, p, NULL, NULL, 0));
    int found = ensure_user(conn, p);
    PQclear(PQexec(conn, "COMMIT"));
    return found;
}

/* Positive: one of this helper's two callers forgets the lock. */
static int ensure_team(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT 1 FROM teams WHERE slug = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'teams' by (slug) here}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (!found)
        PQclear(PQexecParams(conn, "INSERT INTO teams (slug) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO teams (slug) VALUES ($1) ON CONFLICT (slug) DO NOTHING}}
    return found;
}

int create_team_locked(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE"));
    int found = ensure_team(conn, p);
    PQclear(PQexec(conn, "COMMIT"));
    return found;
}

int create_team(PGconn *conn, const char *const *p)
{
    return ensure_team(conn, p);
}
