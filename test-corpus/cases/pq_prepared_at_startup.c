// RUN: -I/usr/include/postgresql
/* Theme: the layout of many libpq services: every statement is prepared once
 * at start-up (PQprepare in one function) and run by name elsewhere
 * (PQexecPrepared), and small helpers answer with return codes (FOUND,
 * NOT_FOUND, an error code) rather than with the row itself. The check and
 * the INSERT are found through both; an error-status return is not a check.
 * (A name prepared nowhere in the file: bad/unresolved_sql.c.) */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#define DB_OK 0
#define DB_ERROR (-1)
#define DB_NOT_FOUND (-2)

static PGconn *db;

static const char SQL_SESSION_ADD[] = "INSERT INTO sessions (token, user_id) VALUES ($1, $2)"; // expected-note{{INSERT into 'sessions' here, in db_prepare_all()}} expected-note{{ON CONFLICT (token) DO NOTHING}}

int db_prepare_all(void)
{
    PQclear(PQprepare(db, "user_get", "SELECT id, quota FROM users WHERE email = $1", 1, NULL)); // expected-note{{check of 'users' by (email) here, in db_prepare_all()}}
    PQclear(PQprepare(db, "user_add", "INSERT INTO users (email, quota) VALUES ($1, $2)", 2, NULL)); // expected-note{{INSERT into 'users' here, in db_prepare_all()}} expected-note{{INSERT INTO users (email, quota) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING}}
    PQclear(PQprepare(db, "user_add_once", "INSERT INTO users (email, quota) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING", 2, NULL));
    PQclear(PQprepare(db, "session_get", "SELECT user_id FROM sessions WHERE token = $1", 1, NULL)); // expected-note{{check of 'sessions' by (token) here, in db_prepare_all()}}
    PQclear(PQprepare(db, "session_add", SQL_SESSION_ADD, 2, NULL));
    PQclear(PQprepare(db, "audit_add", "INSERT INTO audit (email, what) VALUES ($1, $2)", 2, NULL));
    return PQstatus(db) == CONNECTION_OK ? DB_OK : DB_ERROR;
}

/* Positive: the check and the INSERT are both statements prepared at start-up. */
int user_register(const char *email, const char *quota)
{
    const char *p[2] = { email, quota };
    PGresult *r = PQexecPrepared(db, "user_get", 1, p, NULL, NULL, 0); // expected-note{{through this call}}
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return DB_OK;
    PQclear(PQexecPrepared(db, "user_add", 2, p, NULL, NULL, 0)); // expected-warning{{INSERT into 'users' depends on an earlier check of 'users' by (email) without a lock; concurrent sessions can both pass the check and insert twice [sqlrace-check-then-insert]}}
    return DB_OK;
}

/* Negative: the statement prepared for this is the atomic form. */
int user_register_once(const char *email, const char *quota)
{
    const char *p[2] = { email, quota };
    PGresult *r = PQexecPrepared(db, "user_get", 1, p, NULL, NULL, 0);
    int found = PQntuples(r) > 0;
    PQclear(r);
    if (found)
        return DB_OK;
    PQclear(PQexecPrepared(db, "user_add_once", 2, p, NULL, NULL, 0));
    return DB_OK;
}

/* A helper that answers with a return code chosen by what the check found
 * (through goto, as much C code does). */
static int session_lookup(const char *token)
{
    const char *p[1] = { token };
    PGresult *r = PQexecPrepared(db, "session_get", 1, p, NULL, NULL, 0); // expected-note{{through this call}}
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        goto fail;
    if (PQntuples(r) == 0)
        goto not_found;
    PQclear(r);
    return DB_OK;
fail:
    PQclear(r);
    return DB_ERROR;
not_found:
    PQclear(r);
    return DB_NOT_FOUND;
}

/* Positive: the INSERT runs when the helper says the row was not there. */
int session_open(const char *token, const char *user_id)
{
    const char *p[2] = { token, user_id };
    int rc = session_lookup(token); // expected-note{{through this call}}
    if (rc == DB_NOT_FOUND)
        PQclear(PQexecPrepared(db, "session_add", 2, p, NULL, NULL, 0)); // expected-warning{{INSERT into 'sessions' depends on an earlier check of 'sessions' by (token) without a lock; concurrent sessions can both pass the check and insert twice [sqlrace-check-then-insert]}}
    return rc;
}

/* A helper whose return code says only whether the query ran. */
static int audit_ping(const char *email)
{
    const char *p[1] = { email };
    PGresult *r = PQexecParams(db, "SELECT 1 FROM audit WHERE email = $1", 1, NULL, p, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        return DB_ERROR;
    }
    PQclear(r);
    return DB_OK;
}

/* Negative: the INSERT depends on the query having run, not on what it found. */
int audit_write(const char *email, const char *what)
{
    const char *p[2] = { email, what };
    if (audit_ping(email) == DB_ERROR)
        return DB_ERROR;
    PQclear(PQexecPrepared(db, "audit_add", 2, p, NULL, NULL, 0));
    return DB_OK;
}
