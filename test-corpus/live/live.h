/* The load driver shared by the live scenarios (the .c files in test-corpus/live): timing,
 * the check-to-act delay, damage counters and the report line. No SQL here;
 * each scenario's application code is in its own file.
 *
 * Environment (set by test-corpus/live/live.py):
 *   SQLRACE_LIVE_DELAY_MS   pause between a check and the write that depends on it
 *                           (the fixed programs pause at the same point of their
 *                           rewrite), default 0
 *   SQLRACE_LIVE_START_MS   wall-clock time (ms since the epoch) at which every
 *                           worker process starts hammering, default now
 *   SQLRACE_LIVE_SECONDS    how long to hammer, default 2
 *   SQLRACE_LIVE_WORKER     this process's index, for messages
 * libpq reads PGHOST/PGPORT/PGUSER/PGDATABASE; SQLite programs take the
 * database file as argv[1].
 *
 * At the end each worker prints one JSON line on stdout:
 *   {"worker":0,"ops":12,"refused":3,"unique_violations":0,"errors":0,"amount":12}
 */
#ifndef SQLRACE_LIVE_H
#define SQLRACE_LIVE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct live_counts {
    long ops;               /* operations that completed */
    long refused;           /* operations the application logic declined (full, insufficient funds) */
    long unique_violations; /* writes rejected by a unique index (SQLSTATE 23505, SQLITE_CONSTRAINT_UNIQUE) */
    long errors;            /* any other failed statement */
    long amount;            /* scenario-specific total, e.g. money withdrawn */
};

static long live_delay_ms, live_start_ms, live_end_ms, live_worker;

static inline long live_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void live_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

static inline long live_env(const char *name, long fallback)
{
    const char *v = getenv(name);
    return v && *v ? atol(v) : fallback;
}

/* Reads the environment and waits for the common start time. */
static inline void live_init(void)
{
    live_delay_ms = live_env("SQLRACE_LIVE_DELAY_MS", 0);
    live_worker = live_env("SQLRACE_LIVE_WORKER", 0);
    long seconds = live_env("SQLRACE_LIVE_SECONDS", 2);
    live_start_ms = live_env("SQLRACE_LIVE_START_MS", live_now_ms());
    live_end_ms = live_start_ms + seconds * 1000;
    live_sleep_ms(live_start_ms - live_now_ms());
}

static inline int live_running(void)
{
    return live_now_ms() < live_end_ms;
}

/* The window between a check and the write that acts on it. */
static inline void live_delay(void)
{
    live_sleep_ms(live_delay_ms);
}

/* The index of the current time slot of `ms` milliseconds since the start: all
 * workers use the same new key during one slot. */
static inline long live_slot(long ms)
{
    return (live_now_ms() - live_start_ms) / (ms > 0 ? ms : 1);
}

static inline void live_error(struct live_counts *c, const char *what, const char *msg)
{
    if (c->errors++ < 3)
        fprintf(stderr, "worker %ld: %s: %s%s", live_worker, what, msg,
                msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

static inline void live_report(const struct live_counts *c)
{
    printf("{\"worker\":%ld,\"ops\":%ld,\"refused\":%ld,\"unique_violations\":%ld,\"errors\":%ld,\"amount\":%ld}\n",
           live_worker, c->ops, c->refused, c->unique_violations, c->errors, c->amount);
    fflush(stdout);
}

#ifdef LIBPQ_FE_H
/* Connects with the PG* environment variables; exits on failure. */
static inline PGconn *live_pq_connect(void)
{
    PGconn *conn = PQconnectdb("");
    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "worker %ld: connect: %s", live_worker, PQerrorMessage(conn));
        exit(2);
    }
    return conn;
}

/* 1 when `r` has status `want`. Otherwise counts the failure (a unique
 * violation or another error), clears `r` and returns 0. */
static inline int live_pq_ok(PGresult *r, ExecStatusType want, struct live_counts *c)
{
    if (PQresultStatus(r) == want)
        return 1;
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && strcmp(state, "23505") == 0)
        c->unique_violations++;
    else
        live_error(c, "statement failed", PQresultErrorMessage(r));
    PQclear(r);
    return 0;
}
#endif

#endif
