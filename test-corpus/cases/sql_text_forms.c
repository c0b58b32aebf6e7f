/* Theme: the same races with the SQL spelled in different source forms:
 * #define macros, static const char arrays, const char * locals, a const
 * pointer at file scope, and adjacent string literals split over lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#define SQL_FIND_ACCOUNT "SELECT id FROM accounts WHERE email = $1"
#define SQL_ADD_ACCOUNT  "INSERT INTO accounts (email, display_name) " \
                         "VALUES ($1, $2)"

static const char SQL_LAST_SEQ[] = "SELECT MAX(seq) FROM ledger WHERE account_id = $1";
static const char SQL_ADD_LEDGER[] = "INSERT INTO ledger (account_id, seq, amount) VALUES ($1, $2, $3)";

static const char *const kFindSlug = "SELECT 1 FROM pages WHERE slug = ?";

/* Positive: both statements from #define macros. */
int account_create(PGconn *conn, const char *email, const char *display)
{
    const char *vals[2] = { email, display };
    PGresult *r = PQexecParams(conn, SQL_FIND_ACCOUNT, 1, NULL, vals, NULL, NULL, 0); // expected-note{{check of 'accounts'}}
    if (PQresultStatus(r) != PGRES_TUPLES_OK) { PQclear(r); return -1; }
    if (PQntuples(r) != 0) { PQclear(r); return 0; }
    PQclear(r);

    r = PQexecParams(conn, SQL_ADD_ACCOUNT, 2, NULL, vals, NULL, NULL, 0); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO accounts (email, display_name) VALUES ($1, $2) ON CONFLICT (email) DO NOTHING}}
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? 1 : -1;
}

/* Positive: static const char arrays, MAX + 1 in C. */
int ledger_append(PGconn *conn, int account_id, const char *amount)
{
    char acct[12], seqbuf[12];
    snprintf(acct, sizeof acct, "%d", account_id);
    const char *vals[3] = { acct, seqbuf, amount };

    PGresult *r = PQexecParams(conn, SQL_LAST_SEQ, 1, NULL, vals, NULL, NULL, 0); // expected-note{{MAX(seq) of 'ledger' read here}}
    int seq = (PQresultStatus(r) == PGRES_TUPLES_OK && !PQgetisnull(r, 0, 0)) ? atoi(PQgetvalue(r, 0, 0)) : 0;
    PQclear(r);
    seq += 1;
    snprintf(seqbuf, sizeof seqbuf, "%d", seq);

    r = PQexecParams(conn,
                     SQL_ADD_LEDGER, // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE accounts SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq}}
                     3, NULL, vals, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    return ok ? seq : -1;
}

/* Positive: const char * locals declared far from the calls. */
int alias_claim(PGconn *conn, const char *alias, const char *owner)
{
    const char *check_sql = "SELECT owner FROM aliases WHERE alias = $1";
    const char *insert_sql = "INSERT INTO aliases (alias, owner) VALUES ($1, $2)";
    const char *pv[2];
    PGresult *res;

    pv[0] = alias;
    pv[1] = owner;
    res = PQexecParams(conn, check_sql, 1, NULL, pv, NULL, NULL, 0); // expected-note{{check of 'aliases'}}
    if (PQresultStatus(res) != PGRES_TUPLES_OK)
        goto fail;
    if (PQntuples(res) == 1) {
        int mine = strcmp(PQgetvalue(res, 0, 0), owner) == 0;
        PQclear(res);
        return mine ? 0 : -2;
    }
    PQclear(res);

    res = PQexecParams(conn, insert_sql, 2, NULL, pv, NULL, NULL, 0); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO aliases (alias, owner) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING}}
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        goto fail;
    PQclear(res);
    return 1;
fail:
    fprintf(stderr, "alias_claim: %s", PQerrorMessage(conn));
    PQclear(res);
    return -1;
}

/* Positive: adjacent literals split over several lines inside the call. */
int coupon_issue(PGconn *conn, const char *code, const char *campaign)
{
    const char *p[2] = { code, campaign };
    PGresult *res = PQexecParams(conn,
                                 "SELECT id "
                                 "FROM coupons "
                                 "WHERE code = $1", // expected-note@-2{{check of 'coupons'}}
                                 1, NULL, p, NULL, NULL, 0);
    int taken = PQntuples(res) > 0;
    PQclear(res);
    if (taken)
        return 0;

    // expected-warning@+2{{[sqlrace-check-then-insert]}} expected-note@+2{{INSERT INTO coupons (code, campaign) VALUES ($1, $2) ON CONFLICT (code) DO NOTHING}}
    res = PQexecParams(conn,
                       "INSERT INTO coupons (code, campaign) "
                       "VALUES ($1, $2)",
                       2, NULL, p, NULL, NULL, 0);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    return ok ? 1 : -1;
}

/* Positive (SQLite): a file-scope const pointer for the check, literal for the insert. */
int page_create(sqlite3 *db, const char *slug)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, kFindSlug, -1, &st, NULL) != SQLITE_OK) // expected-note{{check of 'pages'}}
        return -1;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return 0;
    if (rc != SQLITE_DONE)
        return -1;

    if (sqlite3_prepare_v2(db,
                           "INSERT INTO pages (slug, created) " // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO pages (slug, created) VALUES (?, datetime('now')) ON CONFLICT (slug) DO NOTHING}}
                           "VALUES (?, datetime('now'))",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, slug, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 1 : -1;
}
