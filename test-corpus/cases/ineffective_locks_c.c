// RUN: -I/usr/include/mariadb
/* Theme: FOR UPDATE as an existence check, by dialect, and a pthread mutex.
 * In PostgreSQL (and SQLite) FOR UPDATE locks only rows that exist, so it does
 * not stop a concurrent INSERT of the missing row; InnoDB's default REPEATABLE
 * READ takes gap locks on the range searched, which do. */
#include <libpq-fe.h>
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Positive (ineffective-lock): FOR UPDATE on the row that is missing. */
int claim_username(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN"));
    PGresult *r = PQexecParams(conn, "SELECT id FROM usernames WHERE name = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'usernames' by (name) here}} expected-note{{SELECT ... FOR UPDATE here}}
    int taken = PQntuples(r) > 0;
    PQclear(r);
    if (!taken)
        PQclear(PQexecParams(conn, "INSERT INTO usernames (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0)); // expected-warning{{protected only by SELECT ... FOR UPDATE, which does not protect it: it locks only rows that exist}} expected-note{{INSERT INTO usernames (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
    PQclear(PQexec(conn, "COMMIT"));
    return !taken;
}

/* Negative: the same in MySQL/InnoDB, where FOR UPDATE takes a gap lock. */
int claim_username_mysql(MYSQL *db, const char *name)
{
    char sql[256];
    mysql_query(db, "START TRANSACTION");
    snprintf(sql, sizeof sql, "SELECT id FROM usernames WHERE name = '%s' FOR UPDATE", name);
    mysql_query(db, sql);
    MYSQL_RES *res = mysql_store_result(db);
    int taken = res && mysql_num_rows(res) > 0;
    mysql_free_result(res);
    if (!taken) {
        snprintf(sql, sizeof sql, "INSERT INTO usernames (name) VALUES ('%s')", name);
        mysql_query(db, sql);
    }
    mysql_query(db, "COMMIT");
    return !taken;
}

/* Positive (ineffective-lock): a pthread mutex around a lookup-or-insert. */
long intern_host(PGconn *conn, const char *const *p)
{
    pthread_mutex_lock(&cache_lock); // expected-note{{pthread_mutex_lock here}}
    PGresult *r = PQexecParams(conn, "SELECT id FROM hosts WHERE name = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'hosts' by (name) here}}
    long id = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (id == 0) {
        r = PQexecParams(conn, "INSERT INTO hosts (name) VALUES ($1) RETURNING id", 1, NULL, p, NULL, NULL, 0); // expected-warning{{[sqlrace-ineffective-lock]}} expected-note{{INSERT INTO hosts (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id}}
        id = atol(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    pthread_mutex_unlock(&cache_lock);
    return id;
}

/* Negative: the mutex plus a database lock that does protect. */
long intern_host_locked(PGconn *conn, const char *const *p)
{
    pthread_mutex_lock(&cache_lock);
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexec(conn, "LOCK TABLE hosts IN SHARE ROW EXCLUSIVE MODE"));
    PGresult *r = PQexecParams(conn, "SELECT id FROM hosts WHERE name = $1", 1, NULL, p, NULL, NULL, 0);
    long id = PQntuples(r) ? atol(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    if (id == 0)
        PQclear(PQexecParams(conn, "INSERT INTO hosts (name) VALUES ($1)", 1, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    pthread_mutex_unlock(&cache_lock);
    return id;
}
