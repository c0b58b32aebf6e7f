/* Live scenario: an event log with a per-tenant version number, MAX + 1.
 *
 * Racy (default): read COALESCE(MAX(version), 0) + 1 for the tenant, then
 * INSERT the event with that version. Two writers read the same maximum and
 * store the same version twice (the table has no unique index on it).
 * Fixed (-DFIXED): runs the statements of sqlrace's own rewrite, read from its
 * JSON output into the generated rewrite.h by live.py (a sequence default).
 *
 * Damage: events sharing a (tenant, version) pair. */
#include <libpq-fe.h>
#include "live.h"

#ifndef FIXED
/* Appends an event and returns its version, or -1. */
static long append_event(PGconn *conn, const char *tenant, const char *payload, struct live_counts *c)
{
    const char *sel[1] = { tenant };
    PGresult *r = PQexecParams(conn, "SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE tenant = $1",
                               1, NULL, sel, NULL, NULL, 0);
    if (!live_pq_ok(r, PGRES_TUPLES_OK, c))
        return -1;
    long version = atol(PQgetvalue(r, 0, 0));
    PQclear(r);

    live_delay();

    char vbuf[24];
    snprintf(vbuf, sizeof vbuf, "%ld", version);
    const char *ins[3] = { tenant, vbuf, payload };
    r = PQexecParams(conn, "INSERT INTO events (tenant, version, payload) VALUES ($1, $2, $3)",
                     3, NULL, ins, NULL, NULL, 0);
    if (!live_pq_ok(r, PGRES_COMMAND_OK, c))
        return -1;
    PQclear(r);
    return version;
}
#else
#include "rewrite.h"
/* sqlrace's rewrite: the database assigns the version (a sequence default,
 * set up by the rewrite's schema statements); the INSERT leaves the column out,
 * and its parameters are (tenant, payload). */
#if defined(REWRITE_BEGIN) || defined(REWRITE_COMMIT)
#error "the rewrite now has transaction statements: run them here"
#endif
_Static_assert(REWRITE_NSTATEMENTS == 1, "event_version: the rewrite is one INSERT");
static long append_event(PGconn *conn, const char *tenant, const char *payload, struct live_counts *c)
{
    live_delay();
    const char *ins[2] = { tenant, payload };
    PGresult *r = PQexecParams(conn, REWRITE_SQL_1, 2, NULL, ins, NULL, NULL, 0);
    if (!live_pq_ok(r, PGRES_COMMAND_OK, c))
        return -1;
    PQclear(r);
    return 0;
}
#endif

int main(void)
{
    struct live_counts c = { 0 };
    PGconn *conn = live_pq_connect();
    live_init();
    static const char *const tenants[2] = { "acme", "globex" };
    for (long i = 0; live_running(); i++) {
        char payload[64];
        snprintf(payload, sizeof payload, "worker %ld event %ld", live_worker, i);
        if (append_event(conn, tenants[i % 2], payload, &c) >= 0)
            c.ops++;
    }
    live_report(&c);
    PQfinish(conn);
    return 0;
}
