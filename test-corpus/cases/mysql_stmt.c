// RUN: -I/usr/include/mariadb
/* Theme: MySQL/MariaDB prepared statements (mysql_stmt_*). The check is a
 * prepared SELECT whose mysql_stmt_num_rows / mysql_stmt_fetch result decides
 * an INSERT run through another prepared statement; MAX is read through
 * mysql_stmt_bind_result into a local and max + 1 is bound into the INSERT.
 * Negatives: INSERT IGNORE, ON DUPLICATE KEY UPDATE, GET_LOCK first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

static const char SQL_FIND_CUSTOMER[] = "SELECT id FROM customers WHERE email = ?";

static void stmt_fail(MYSQL_STMT *st, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, mysql_stmt_error(st));
}

/* Positive: mysql_stmt_num_rows == 0 decides the INSERT (second statement handle). */
long long customer_find_or_create(MYSQL *conn, const char *email, const char *name)
{
    MYSQL_STMT *find = mysql_stmt_init(conn);
    MYSQL_STMT *add = NULL;
    MYSQL_BIND param[2];
    unsigned long email_len = (unsigned long)strlen(email);
    unsigned long name_len = (unsigned long)strlen(name);
    long long id = -1;

    if (find == NULL)
        return -1;
    if (mysql_stmt_prepare(find, SQL_FIND_CUSTOMER, sizeof SQL_FIND_CUSTOMER - 1) != 0) { // expected-note{{check of 'customers'}}
        stmt_fail(find, "prepare find");
        goto out;
    }
    memset(param, 0, sizeof param);
    param[0].buffer_type = MYSQL_TYPE_STRING;
    param[0].buffer = (void *)email;
    param[0].buffer_length = email_len;
    param[0].length = &email_len;
    if (mysql_stmt_bind_param(find, param) || mysql_stmt_execute(find) || mysql_stmt_store_result(find)) {
        stmt_fail(find, "find customer");
        goto out;
    }
    if (mysql_stmt_num_rows(find) > 0) {
        MYSQL_BIND res[1];
        memset(res, 0, sizeof res);
        res[0].buffer_type = MYSQL_TYPE_LONGLONG;
        res[0].buffer = &id;
        mysql_stmt_bind_result(find, res);
        mysql_stmt_fetch(find);
        goto out;
    }

    const char *ins_sql = "INSERT INTO customers (email, name) VALUES (?, ?)";
    add = mysql_stmt_init(conn);
    if (add == NULL || mysql_stmt_prepare(add, ins_sql, (unsigned long)strlen(ins_sql)) != 0) // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO customers (email, name) VALUES (?, ?)}}
        goto out;
    param[1].buffer_type = MYSQL_TYPE_STRING;
    param[1].buffer = (void *)name;
    param[1].buffer_length = name_len;
    param[1].length = &name_len;
    if (mysql_stmt_bind_param(add, param) == 0 && mysql_stmt_execute(add) == 0)
        id = (long long)mysql_stmt_insert_id(add);
    else
        stmt_fail(add, "insert customer");

out:
    if (add)
        mysql_stmt_close(add);
    mysql_stmt_close(find);
    return id;
}

/* Positive: mysql_stmt_fetch returning MYSQL_NO_DATA decides the INSERT; the
 * same statement handle is re-prepared for it. */
int device_register(MYSQL *db, const char *serial, int owner_id)
{
    MYSQL_STMT *st = mysql_stmt_init(db);
    MYSQL_BIND in[2], out[1];
    unsigned long serial_len = (unsigned long)strlen(serial);
    int device_id = 0;
    int rc;

    if (!st)
        return -1;
    rc = mysql_stmt_prepare(st, "SELECT id FROM devices WHERE serial = ? LIMIT 1", (unsigned long)-1); // expected-note{{check of 'devices'}}
    if (rc)
        goto fail;

    memset(in, 0, sizeof in);
    in[0].buffer_type = MYSQL_TYPE_VAR_STRING;
    in[0].buffer = (char *)serial;
    in[0].buffer_length = serial_len;
    in[0].length = &serial_len;
    memset(out, 0, sizeof out);
    out[0].buffer_type = MYSQL_TYPE_LONG;
    out[0].buffer = &device_id;

    if (mysql_stmt_bind_param(st, in) || mysql_stmt_execute(st) || mysql_stmt_bind_result(st, out))
        goto fail;
    rc = mysql_stmt_fetch(st);
    mysql_stmt_free_result(st);
    if (rc == 0)
        goto done; /* already registered */
    if (rc != MYSQL_NO_DATA)
        goto fail;

    rc = mysql_stmt_prepare(st, "INSERT INTO devices (serial, owner_id) VALUES (?, ?)", (unsigned long)-1); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT IGNORE INTO devices (serial, owner_id) VALUES (?, ?)}}
    if (rc)
        goto fail;
    in[1].buffer_type = MYSQL_TYPE_LONG;
    in[1].buffer = &owner_id;
    if (mysql_stmt_bind_param(st, in) || mysql_stmt_execute(st))
        goto fail;
    device_id = (int)mysql_stmt_insert_id(st);

done:
    mysql_stmt_close(st);
    return device_id;
fail:
    stmt_fail(st, "device_register");
    mysql_stmt_close(st);
    return -1;
}

/* Positive: MAX(version_no) via mysql_stmt_bind_result into `long max_no`, max_no + 1 bound into the INSERT. */
long doc_add_version(MYSQL *conn, long doc_id, const char *body)
{
    MYSQL_STMT *q = mysql_stmt_init(conn);
    MYSQL_STMT *ins = mysql_stmt_init(conn);
    MYSQL_BIND key[1], col[1], row[3];
    long max_no = 0;
    my_bool max_null = 1;
    long next = -1;
    unsigned long body_len = (unsigned long)strlen(body);

    if (!q || !ins)
        goto out;

    static const char max_sql[] = "SELECT MAX(version_no) FROM doc_versions WHERE doc_id = ?";
    if (mysql_stmt_prepare(q, max_sql, sizeof(max_sql) - 1)) // expected-note{{MAX(version_no) of 'doc_versions' read here}}
        goto out;
    memset(key, 0, sizeof key);
    key[0].buffer_type = MYSQL_TYPE_LONGLONG;
    key[0].buffer = &doc_id;
    memset(col, 0, sizeof col);
    col[0].buffer_type = MYSQL_TYPE_LONGLONG;
    col[0].buffer = &max_no;
    col[0].is_null = &max_null;
    if (mysql_stmt_bind_param(q, key) || mysql_stmt_execute(q) || mysql_stmt_bind_result(q, col))
        goto out;
    if (mysql_stmt_fetch(q) != 0)
        goto out;
    mysql_stmt_free_result(q);

    next = max_null ? 1 : max_no + 1;

    static const char ins_sql[] = "INSERT INTO doc_versions (doc_id, version_no, body) VALUES (?, ?, ?)";
    if (mysql_stmt_prepare(ins, ins_sql, sizeof(ins_sql) - 1)) { // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO doc_versions (doc_id, version_no, body) VALUES (?, ?, ?)}}
        next = -1;
        goto out;
    }
    memset(row, 0, sizeof row);
    row[0].buffer_type = MYSQL_TYPE_LONGLONG;
    row[0].buffer = &doc_id;
    row[1].buffer_type = MYSQL_TYPE_LONGLONG;
    row[1].buffer = &next;
    row[2].buffer_type = MYSQL_TYPE_BLOB;
    row[2].buffer = (void *)body;
    row[2].buffer_length = body_len;
    row[2].length = &body_len;
    if (mysql_stmt_bind_param(ins, row) || mysql_stmt_execute(ins)) {
        stmt_fail(ins, "insert version");
        next = -1;
    }

out:
    if (q)
        mysql_stmt_close(q);
    if (ins)
        mysql_stmt_close(ins);
    return next;
}

/* Negative: INSERT IGNORE first, then read the id back (the read decides nothing). */
long long customer_find_or_create_ignore(MYSQL *conn, const char *email)
{
    MYSQL_STMT *st = mysql_stmt_init(conn);
    MYSQL_BIND p[1], r[1];
    unsigned long len = (unsigned long)strlen(email);
    long long id = -1;

    if (st == NULL)
        return -1;
    memset(p, 0, sizeof p);
    p[0].buffer_type = MYSQL_TYPE_STRING;
    p[0].buffer = (void *)email;
    p[0].buffer_length = len;
    p[0].length = &len;

    if (mysql_stmt_prepare(st, "INSERT IGNORE INTO customers (email) VALUES (?)", (unsigned long)-1) ||
        mysql_stmt_bind_param(st, p) || mysql_stmt_execute(st)) {
        stmt_fail(st, "insert ignore");
        mysql_stmt_close(st);
        return -1;
    }
    if (mysql_stmt_affected_rows(st) == 1) {
        id = (long long)mysql_stmt_insert_id(st);
        mysql_stmt_close(st);
        return id;
    }

    if (mysql_stmt_prepare(st, SQL_FIND_CUSTOMER, sizeof SQL_FIND_CUSTOMER - 1) == 0 &&
        mysql_stmt_bind_param(st, p) == 0 && mysql_stmt_execute(st) == 0) {
        memset(r, 0, sizeof r);
        r[0].buffer_type = MYSQL_TYPE_LONGLONG;
        r[0].buffer = &id;
        if (mysql_stmt_bind_result(st, r) || mysql_stmt_fetch(st))
            id = -1;
    }
    mysql_stmt_close(st);
    return id;
}

/* Negative: per-day counter kept with ON DUPLICATE KEY UPDATE. */
int daily_count_bump(MYSQL *conn, int device_id)
{
    MYSQL_STMT *st = mysql_stmt_init(conn);
    MYSQL_BIND b[1];
    int ok;

    if (!st)
        return -1;
    memset(b, 0, sizeof b);
    b[0].buffer_type = MYSQL_TYPE_LONG;
    b[0].buffer = &device_id;
    ok = mysql_stmt_prepare(st,
                            "INSERT INTO daily_counts (device_id, day, n) VALUES (?, CURDATE(), 1) "
                            "ON DUPLICATE KEY UPDATE n = n + 1",
                            (unsigned long)-1) == 0 &&
         mysql_stmt_bind_param(st, b) == 0 && mysql_stmt_execute(st) == 0;
    mysql_stmt_close(st);
    return ok ? 0 : -1;
}

/* Negative: GET_LOCK (plain mysql_query on the same connection) before the prepared check. */
int device_register_locked(MYSQL *db, const char *serial, int owner_id)
{
    MYSQL_STMT *st;
    MYSQL_BIND in[2];
    unsigned long serial_len = (unsigned long)strlen(serial);
    int inserted = 0;

    if (mysql_query(db, "SELECT GET_LOCK('devices.register', 5)"))
        return -1;
    MYSQL_RES *lk = mysql_store_result(db);
    MYSQL_ROW lr = lk ? mysql_fetch_row(lk) : NULL;
    int locked = lr && lr[0] && atoi(lr[0]) == 1;
    if (lk)
        mysql_free_result(lk);
    if (!locked)
        return -1;

    st = mysql_stmt_init(db);
    memset(in, 0, sizeof in);
    in[0].buffer_type = MYSQL_TYPE_STRING;
    in[0].buffer = (char *)serial;
    in[0].buffer_length = serial_len;
    in[0].length = &serial_len;
    in[1].buffer_type = MYSQL_TYPE_LONG;
    in[1].buffer = &owner_id;

    if (st && mysql_stmt_prepare(st, "SELECT id FROM devices WHERE serial = ?", (unsigned long)-1) == 0 &&
        mysql_stmt_bind_param(st, in) == 0 && mysql_stmt_execute(st) == 0 && mysql_stmt_store_result(st) == 0) {
        if (mysql_stmt_num_rows(st) == 0) {
            mysql_stmt_free_result(st);
            if (mysql_stmt_prepare(st, "INSERT INTO devices (serial, owner_id) VALUES (?, ?)", (unsigned long)-1) == 0 &&
                mysql_stmt_bind_param(st, in) == 0 && mysql_stmt_execute(st) == 0)
                inserted = 1;
        }
    }
    if (st)
        mysql_stmt_close(st);

    if (mysql_query(db, "SELECT RELEASE_LOCK('devices.register')") == 0)
        mysql_free_result(mysql_store_result(db));
    return inserted;
}
