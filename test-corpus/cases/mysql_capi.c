// RUN: -I/usr/include/mariadb
/* Theme: MariaDB/MySQL C API (mysql_query / mysql_real_query, store/use
 * result, mysql_num_rows, mysql_fetch_row, mysql_affected_rows), SQL built
 * with snprintf into a buffer. Positives: MAX + 1 formatted into the INSERT
 * text, SELECT-by-key deciding an INSERT (also inside START TRANSACTION at
 * InnoDB's default REPEATABLE READ: the SELECT is a non-locking consistent
 * read, so both sessions still see "missing"). Negatives: INSERT IGNORE,
 * ON DUPLICATE KEY UPDATE, GET_LOCK, LOCK TABLES ... WRITE, SERIALIZABLE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

#define SKU_MAX 64
#define EMAIL_MAX 254
#define SQL_FIND_TAG "SELECT id FROM tags WHERE name = '%s'"
#define SQL_ADD_TAG  "INSERT INTO tags (name) VALUES ('%s')"

#define LOG_MYSQL(conn, what) fprintf(stderr, "%s: %s\n", (what), mysql_error(conn))

/* Positive: MAX(line_no) read with strtol, + 1 in C, formatted into the INSERT. */
int add_order_line(MYSQL *conn, int order_id, const char *sku, int qty)
{
    char sql[512];
    char esc_sku[2 * SKU_MAX + 1];

    snprintf(sql, sizeof sql, "SELECT MAX(line_no) FROM order_lines WHERE order_id = %d", order_id);
    if (mysql_query(conn, sql) != 0) { // expected-note{{MAX(line_no) of 'order_lines' read here}}
        LOG_MYSQL(conn, "max line_no");
        return -1;
    }
    MYSQL_RES *res = mysql_store_result(conn);
    if (res == NULL) {
        LOG_MYSQL(conn, "store_result");
        return -1;
    }
    MYSQL_ROW row = mysql_fetch_row(res);
    long next = 1;
    if (row != NULL && row[0] != NULL)
        next = strtol(row[0], NULL, 10) + 1;
    mysql_free_result(res);

    if (strlen(sku) > SKU_MAX)
        return -1;
    mysql_real_escape_string(conn, esc_sku, sku, (unsigned long)strlen(sku));
    snprintf(sql, sizeof sql,
             "INSERT INTO order_lines (order_id, line_no, sku, qty) VALUES (%d, %ld, '%s', %d)",
             order_id, next, esc_sku, qty);
    if (mysql_query(conn, sql) != 0) { // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO order_lines (order_id, line_no, sku, qty) VALUES (%d, %ld, '%s', %d)}}
        LOG_MYSQL(conn, "insert line");
        return -1;
    }
    return (int)next;
}

/* Positive: SELECT by e-mail, mysql_num_rows == 0 decides the INSERT. */
long customer_register(MYSQL *conn, const char *email, const char *name)
{
    char q[1024];
    char e_email[2 * EMAIL_MAX + 1], e_name[256];
    size_t elen = strlen(email), nlen = strlen(name);

    if (elen > EMAIL_MAX || 2 * nlen + 1 > sizeof e_name)
        return -1;
    mysql_real_escape_string(conn, e_email, email, (unsigned long)elen);
    mysql_real_escape_string(conn, e_name, name, (unsigned long)nlen);

    snprintf(q, sizeof q, "SELECT id FROM customers WHERE email = '%s'", e_email);
    if (mysql_query(conn, q)) // expected-note{{check of 'customers'}}
        return -1;
    MYSQL_RES *found = mysql_store_result(conn);
    if (!found)
        return -1;
    my_ulonglong n = mysql_num_rows(found);
    long id = 0;
    if (n > 0) {
        MYSQL_ROW r = mysql_fetch_row(found);
        id = atol(r[0]);
    }
    mysql_free_result(found);
    if (n > 0)
        return id;

    snprintf(q, sizeof q, "INSERT INTO customers (email, name) VALUES ('%s', '%s')", e_email, e_name);
    if (mysql_query(conn, q)) // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO customers (email, name) VALUES ('%s', '%s')}}
        return -1;
    return (long)mysql_insert_id(conn);
}

/* Positive: mysql_real_query + mysql_use_result; no first row means "insert it". */
int tag_ensure(MYSQL *conn, const char *tag)
{
    char esc[128];
    char buf[256];
    int len;

    if (strlen(tag) >= sizeof esc / 2)
        return -1;
    mysql_real_escape_string(conn, esc, tag, (unsigned long)strlen(tag));

    len = snprintf(buf, sizeof buf, SQL_FIND_TAG, esc);
    if (mysql_real_query(conn, buf, (unsigned long)len) != 0) { // expected-note{{check of 'tags'}}
        LOG_MYSQL(conn, "find tag");
        return -1;
    }
    MYSQL_RES *rs = mysql_use_result(conn);
    MYSQL_ROW row = rs ? mysql_fetch_row(rs) : NULL;
    int have = row != NULL;
    if (rs)
        mysql_free_result(rs); /* drains the rest of the unbuffered result */
    if (have)
        return 0;

    len = snprintf(buf, sizeof buf, SQL_ADD_TAG, esc);
    if (mysql_real_query(conn, buf, (unsigned long)len) != 0) { // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO tags (name) VALUES ('%s')}}
        LOG_MYSQL(conn, "add tag");
        return -1;
    }
    return 1;
}

/* Positive: COALESCE(MAX(seq), 0) + 1 computed in SQL, read with atoi, formatted into the INSERT. */
int invoice_next_number(MYSQL *conn, int year, long customer_id)
{
    char sql[256];
    int seq;

    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(seq), 0) + 1 FROM invoices WHERE year = %d", year);
    if (mysql_real_query(conn, sql, (unsigned long)strlen(sql))) // expected-note{{MAX(seq) of 'invoices' read here}}
        goto err;
    MYSQL_RES *r = mysql_store_result(conn);
    if (!r)
        goto err;
    MYSQL_ROW v = mysql_fetch_row(r);
    seq = v ? atoi(v[0]) : 1;
    mysql_free_result(r);

    snprintf(sql, sizeof sql, "INSERT INTO invoices (year, seq, customer_id) VALUES (%d, %d, %ld)",
             year, seq, customer_id);
    if (mysql_real_query(conn, sql, (unsigned long)strlen(sql))) // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO invoices (year, seq, customer_id) VALUES (%d, %d, %ld)}}
        goto err;
    return seq;
err:
    LOG_MYSQL(conn, "invoice_next_number");
    return -1;
}

/* Positive: literal SQL on both sides, seeding a built-in role once. */
void seed_admin_role(MYSQL *conn)
{
    if (mysql_query(conn, "SELECT 1 FROM roles WHERE name = 'admin'") != 0) // expected-note{{check of 'roles'}}
        return;
    MYSQL_RES *res = mysql_store_result(conn);
    if (res == NULL)
        return;
    const int missing = mysql_num_rows(res) == 0;
    mysql_free_result(res);
    if (missing && mysql_query(conn, "INSERT INTO roles (name, builtin) VALUES ('admin', 1)") != 0) // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO roles (name, builtin) VALUES ('admin', 1)}}
        LOG_MYSQL(conn, "seed admin");
}

/* Positive: START TRANSACTION at the default REPEATABLE READ does not serialize the check. */
int coupon_claim_in_txn(MYSQL *conn, int coupon_id, int user_id)
{
    char sql[200];
    if (mysql_query(conn, "START TRANSACTION")) // expected-note{{runs at the default isolation level}}
        return -1;

    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM coupon_claims WHERE coupon_id = %d AND user_id = %d", coupon_id, user_id);
    if (mysql_query(conn, sql)) { // expected-note{{check of 'coupon_claims'}}
        mysql_query(conn, "ROLLBACK");
        return -1;
    }
    MYSQL_RES *res = mysql_store_result(conn);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    long claims = (row && row[0]) ? strtol(row[0], NULL, 10) : 0;
    if (res)
        mysql_free_result(res);

    if (claims == 0) {
        snprintf(sql, sizeof sql, "INSERT INTO coupon_claims (coupon_id, user_id) VALUES (%d, %d)", coupon_id, user_id);
        if (mysql_query(conn, sql)) { // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO coupon_claims (coupon_id, user_id) VALUES (%d, %d)}}
            mysql_query(conn, "ROLLBACK");
            return -1;
        }
    }
    mysql_query(conn, "COMMIT");
    return claims == 0;
}

/* Negative: INSERT IGNORE; mysql_affected_rows tells whether it was new. */
int customer_register_ignore(MYSQL *conn, const char *email, const char *name)
{
    char q[1024];
    char e_email[2 * EMAIL_MAX + 1], e_name[256];
    if (strlen(email) > EMAIL_MAX || 2 * strlen(name) + 1 > sizeof e_name)
        return -1;
    mysql_real_escape_string(conn, e_email, email, (unsigned long)strlen(email));
    mysql_real_escape_string(conn, e_name, name, (unsigned long)strlen(name));

    snprintf(q, sizeof q, "INSERT IGNORE INTO customers (email, name) VALUES ('%s', '%s')", e_email, e_name);
    if (mysql_query(conn, q) != 0)
        return -1;
    return mysql_affected_rows(conn) == 1 ? 1 : 0;
}

/* Negative: ON DUPLICATE KEY UPDATE increments in the same statement. */
int page_hit(MYSQL *conn, const char *page)
{
    char esc[512], sql[1200];
    if (strlen(page) >= sizeof esc / 2)
        return -1;
    mysql_real_escape_string(conn, esc, page, (unsigned long)strlen(page));
    snprintf(sql, sizeof sql,
             "INSERT INTO page_hits (page, hits) VALUES ('%s', 1) ON DUPLICATE KEY UPDATE hits = hits + 1", esc);
    return mysql_query(conn, sql) == 0 ? 0 : -1;
}

/* Negative: lookup-or-create in one statement; LAST_INSERT_ID(id) returns the existing id too. */
long tag_id_upsert(MYSQL *conn, const char *tag)
{
    char esc[128], buf[256];
    if (strlen(tag) >= sizeof esc / 2)
        return -1;
    mysql_real_escape_string(conn, esc, tag, (unsigned long)strlen(tag));
    int len = snprintf(buf, sizeof buf,
                       "INSERT INTO tags (name) VALUES ('%s') ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)", esc);
    if (mysql_real_query(conn, buf, (unsigned long)len) != 0)
        return -1;
    return (long)mysql_insert_id(conn);
}

/* Negative: a named lock (GET_LOCK) serializes the check and the insert; released after. */
long customer_register_locked(MYSQL *conn, const char *email)
{
    char q[700], e_email[2 * EMAIL_MAX + 1];
    long id = -1;

    if (strlen(email) > EMAIL_MAX)
        return -1;
    mysql_real_escape_string(conn, e_email, email, (unsigned long)strlen(email));

    if (mysql_query(conn, "SELECT GET_LOCK('customers.register', 10)") != 0)
        return -1;
    MYSQL_RES *lk = mysql_store_result(conn);
    MYSQL_ROW lr = lk ? mysql_fetch_row(lk) : NULL;
    int got = lr && lr[0] && strcmp(lr[0], "1") == 0;
    if (lk)
        mysql_free_result(lk);
    if (!got)
        return -1; /* timed out */

    snprintf(q, sizeof q, "SELECT id FROM customers WHERE email = '%s'", e_email);
    if (mysql_query(conn, q) == 0) {
        MYSQL_RES *found = mysql_store_result(conn);
        if (found && mysql_num_rows(found) > 0) {
            id = atol(mysql_fetch_row(found)[0]);
        } else {
            snprintf(q, sizeof q, "INSERT INTO customers (email) VALUES ('%s')", e_email);
            if (mysql_query(conn, q) == 0)
                id = (long)mysql_insert_id(conn);
        }
        if (found)
            mysql_free_result(found);
    }

    if (mysql_query(conn, "SELECT RELEASE_LOCK('customers.register')") == 0)
        mysql_free_result(mysql_store_result(conn));
    return id;
}

/* Negative: LOCK TABLES ... WRITE before reading MAX; UNLOCK TABLES after the insert. */
int add_order_line_locked(MYSQL *conn, int order_id, int qty)
{
    char sql[256];
    long next = 1;

    if (mysql_query(conn, "LOCK TABLES order_lines WRITE") != 0)
        return -1;

    snprintf(sql, sizeof sql, "SELECT MAX(line_no) FROM order_lines WHERE order_id = %d", order_id);
    if (mysql_query(conn, sql) == 0) {
        MYSQL_RES *res = mysql_store_result(conn);
        MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
        if (row && row[0])
            next = strtol(row[0], NULL, 10) + 1;
        if (res)
            mysql_free_result(res);

        snprintf(sql, sizeof sql, "INSERT INTO order_lines (order_id, line_no, qty) VALUES (%d, %ld, %d)",
                 order_id, next, qty);
        if (mysql_query(conn, sql) != 0)
            next = -1;
    } else {
        next = -1;
    }

    mysql_query(conn, "UNLOCK TABLES");
    return (int)next;
}

/* Negative: SERIALIZABLE turns the SELECT into a locking read; a conflicting
 * session deadlocks and is rolled back instead of inserting a duplicate. */
int coupon_claim_serializable(MYSQL *conn, int coupon_id, int user_id)
{
    char sql[200];
    if (mysql_query(conn, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE") || mysql_query(conn, "START TRANSACTION"))
        return -1;

    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM coupon_claims WHERE coupon_id = %d AND user_id = %d", coupon_id, user_id);
    if (mysql_query(conn, sql)) {
        mysql_query(conn, "ROLLBACK");
        return -1;
    }
    MYSQL_RES *res = mysql_store_result(conn);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    long claims = (row && row[0]) ? strtol(row[0], NULL, 10) : 0;
    if (res)
        mysql_free_result(res);

    if (claims == 0) {
        snprintf(sql, sizeof sql, "INSERT INTO coupon_claims (coupon_id, user_id) VALUES (%d, %d)", coupon_id, user_id);
        if (mysql_query(conn, sql)) { // expected-remark{{no retry of that failure is visible here}}
            mysql_query(conn, "ROLLBACK");
            return -1; /* deadlock victim: caller retries */
        }
    }
    return mysql_query(conn, "COMMIT") == 0 ? claims == 0 : -1;
}

/* Negative: the check reads customers, the insert writes a different table. */
int customer_note(MYSQL *conn, long customer_id, const char *text)
{
    char sql[1200], esc[1024];
    snprintf(sql, sizeof sql, "SELECT id FROM customers WHERE id = %ld", customer_id);
    if (mysql_query(conn, sql))
        return -1;
    MYSQL_RES *r = mysql_store_result(conn);
    int known = r && mysql_num_rows(r) == 1;
    if (r)
        mysql_free_result(r);
    if (!known || strlen(text) >= sizeof esc / 2)
        return 0;

    mysql_real_escape_string(conn, esc, text, (unsigned long)strlen(text));
    snprintf(sql, sizeof sql, "INSERT INTO customer_notes (customer_id, body) VALUES (%ld, '%s')", customer_id, esc);
    return mysql_query(conn, sql) == 0 ? 1 : -1;
}

/* Positive (read-modify-write): the progress row is found by user and quest,
 * and written back by the id the SELECT returned: the same row. */
int quest_progress_step(MYSQL *conn, const char *user_id, int quest_id)
{
    char sql[512];
    MYSQL_RES *res;
    MYSQL_ROW row;
    int step;

    snprintf(sql, sizeof sql, "SELECT step, progress_id FROM quest_progress WHERE user_id = '%s' AND quest_id = %d", user_id, quest_id);
    if (mysql_real_query(conn, sql, strlen(sql))) // expected-note{{step of 'quest_progress' read here}} expected-note{{SELECT step, progress_id FROM quest_progress WHERE user_id = '%s' AND quest_id = %d FOR UPDATE}}
        return -1;
    res = mysql_store_result(conn);
    if (!res)
        return -1;
    row = mysql_fetch_row(res);
    if (!row) {
        mysql_free_result(res);
        return 0;
    }
    step = atoi(row[0]) + 1;
    snprintf(sql, sizeof sql, "UPDATE quest_progress SET step = %d WHERE progress_id = %s", step, row[1]);
    mysql_free_result(res);
    return mysql_real_query(conn, sql, strlen(sql)) ? -1 : step; // expected-warning{{UPDATE of 'quest_progress' writes step computed from step read earlier without a lock; an update made by another session in between is lost [sqlrace-read-modify-write]}}
}

/* Negative: the row found by the id the SELECT returned is written with an id
 * of the caller's, and the value does not come from the read. */
int quest_progress_reset(MYSQL *conn, const char *user_id, long progress_id)
{
    char sql[512];
    MYSQL_RES *res;

    snprintf(sql, sizeof sql, "SELECT step, progress_id FROM quest_progress WHERE user_id = '%s'", user_id);
    if (mysql_real_query(conn, sql, strlen(sql)))
        return -1;
    res = mysql_store_result(conn);
    if (!res)
        return -1;
    mysql_free_result(res);
    snprintf(sql, sizeof sql, "UPDATE quest_progress SET step = 0 WHERE progress_id = %ld", progress_id);
    return mysql_real_query(conn, sql, strlen(sql)) ? -1 : 0;
}

/* Positive: MySQL's INSERT ... SET form, after a lookup of the same host
 * (index hint included); the rewrite is the INSERT in its VALUES form. */
int host_define(MYSQL *conn, const char *name, unsigned port)
{
    char sql[512];
    MYSQL_RES *res;
    int found;

    snprintf(sql, sizeof sql, "SELECT id FROM hosts USE INDEX (hosts_name) WHERE name = '%s'", name);
    if (mysql_query(conn, sql)) // expected-note{{check of 'hosts' by (name) here}}
        return -1;
    res = mysql_store_result(conn);
    if (!res)
        return -1;
    found = mysql_num_rows(res) > 0;
    mysql_free_result(res);
    if (found)
        return 0;
    snprintf(sql, sizeof sql, "INSERT INTO hosts SET name = '%s', port = %u", name, port);
    return mysql_query(conn, sql) ? -1 : 1; // expected-warning{{INSERT into 'hosts' depends on an earlier check of 'hosts' by (name) without a lock}} expected-note{{INSERT IGNORE INTO hosts (name, port) VALUES ('%s', %u)}}
}
