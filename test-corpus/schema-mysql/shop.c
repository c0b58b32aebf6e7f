// RUN: -I/usr/include/mariadb
/* Theme: MariaDB C API code read with a mysqldump (db/schema.sql, named by
 * .sqlrace.yml): backticks, int(11), AUTO_INCREMENT, UNIQUE KEY, KEY, enum,
 * ENGINE=... all read; the grade and the rewrite follow the dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mysql.h>

/* customers.email has UNIQUE KEY uq_customers_email: the loser gets ER_DUP_ENTRY. */
long customer_id(MYSQL *conn, const char *email)
{
    char esc[2 * 254 + 1], sql[700];
    mysql_real_escape_string(conn, esc, email, (unsigned long)strlen(email));
    snprintf(sql, sizeof sql, "SELECT id FROM customers WHERE email = '%s'", esc);
    if (mysql_query(conn, sql) != 0) // expected-note{{check of 'customers' by (email) here}}
        return -1;
    MYSQL_RES *res = mysql_store_result(conn);
    long id = -1;
    if (res && mysql_num_rows(res) > 0)
        id = atol(mysql_fetch_row(res)[0]);
    mysql_free_result(res);
    if (id >= 0)
        return id;
    snprintf(sql, sizeof sql, "INSERT INTO customers (email) VALUES ('%s')", esc);
    if (mysql_query(conn, sql) != 0) // expected-warning{{the unique key uq_customers_email (email) (db/schema.sql:6) turns the race into unique-violation errors}} expected-note{{suggested rewrite: INSERT IGNORE INTO customers (email) VALUES ('%s')}}
        return -1;
    return (long)mysql_insert_id(conn);
}

/* invoices.id is AUTO_INCREMENT: computing the next id is dead code. */
long new_invoice(MYSQL *conn, long customer)
{
    if (mysql_query(conn, "SELECT MAX(id) + 1 FROM invoices") != 0) // expected-note{{MAX(id) of 'invoices' read here}}
        return -1;
    MYSQL_RES *res = mysql_store_result(conn);
    MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
    long next = row && row[0] ? atol(row[0]) : 1;
    mysql_free_result(res);
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO invoices (id, customer_id) VALUES (%ld, %ld)", next, customer);
    return mysql_query(conn, sql) == 0 ? next : -1; // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{id already has AUTO_INCREMENT in the schema (db/schema.sql:17)}} expected-note{{suggested rewrite: INSERT INTO invoices (customer_id) VALUES (%ld) -- the database numbers id itself; and stop passing the id value}}
}

/* visits has no unique key: one visit a day per customer is not enforced. */
int record_visit(MYSQL *conn, long customer)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT 1 FROM visits WHERE customer_id = %ld AND day = CURDATE()", customer);
    if (mysql_query(conn, sql) != 0) // expected-note{{check of 'visits' by (customer_id, day) here}}
        return -1;
    MYSQL_RES *res = mysql_store_result(conn);
    int seen = res && mysql_num_rows(res) > 0;
    mysql_free_result(res);
    if (seen)
        return 0;
    snprintf(sql, sizeof sql, "INSERT INTO visits (customer_id, day) VALUES (%ld, CURDATE())", customer);
    return mysql_query(conn, sql) == 0 ? 1 : -1; // expected-error{{no unique key on (customer_id, day) in the schema (table 'visits', db/schema.sql:26)}} expected-note{{suggested rewrite: CREATE UNIQUE INDEX visits_customer_id_day_key ON visits (customer_id, day); INSERT IGNORE INTO visits}}
}
