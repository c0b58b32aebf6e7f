/* Theme: COUNT checks. Compared with zero, a COUNT is an existence check
 * (ON CONFLICT fixes it); compared with a limit, it is a capacity check that no
 * unique key can express: the parent row must be locked. */
#include <libpq-fe.h>
#include <stdlib.h>

/* Positive: seat reservation guarded by COUNT(*) < capacity. */
int reserve_seat(PGconn *conn, const char *const *p, long capacity)
{
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM reservations WHERE flight_id = $1", 1, NULL, p, NULL, NULL, 0); // expected-note{{check of 'reservations' by (flight_id) here}} expected-note{{a capacity check}}
    long taken = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (taken >= capacity)
        return -1;
    PQclear(PQexecParams(conn, "INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{suggested rewrite: BEGIN; SELECT id FROM flights WHERE id = $1 FOR UPDATE; SELECT count(*)}}
    return 0;
}

/* Negative: the parent flight row is locked before counting. */
int reserve_seat_locked(PGconn *conn, const char *const *p, long capacity)
{
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT id FROM flights WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM reservations WHERE flight_id = $1", 1, NULL, p, NULL, NULL, 0);
    long taken = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (taken < capacity)
        PQclear(PQexecParams(conn, "INSERT INTO reservations (flight_id, passenger) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0));
    PQclear(PQexec(conn, "COMMIT"));
    return taken < capacity ? 0 : -1;
}

/* Negative: the limit is checked by the INSERT itself, in one statement, under a lock on the flight. */
int reserve_seat_one_statement(PGconn *conn, const char *const *p)
{
    PQclear(PQexec(conn, "BEGIN"));
    PQclear(PQexecParams(conn, "SELECT id FROM flights WHERE id = $1 FOR UPDATE", 1, NULL, p, NULL, NULL, 0));
    PGresult *r = PQexecParams(conn,
        "INSERT INTO reservations (flight_id, passenger) SELECT $1, $2 FROM flights f "
        "WHERE f.id = $1 AND (SELECT count(*) FROM reservations WHERE flight_id = $1) < f.capacity",
        2, NULL, p, NULL, NULL, 0);
    int ok = atoi(PQcmdTuples(r)) == 1;
    PQclear(r);
    PQclear(PQexec(conn, "COMMIT"));
    return ok ? 0 : -1;
}

/* Positive: compared with zero, COUNT is an existence check; ON CONFLICT fixes it. */
int follow(PGconn *conn, const char *const *p)
{
    PGresult *r = PQexecParams(conn, "SELECT count(*) FROM follows WHERE follower = $1 AND followee = $2", 2, NULL, p, NULL, NULL, 0); // expected-note{{check of 'follows' by (follower, followee) here}}
    long n = atol(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (n > 0)
        return 0;
    PQclear(PQexecParams(conn, "INSERT INTO follows (follower, followee) VALUES ($1, $2)", 2, NULL, p, NULL, NULL, 0)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO follows (follower, followee) VALUES ($1, $2) ON CONFLICT (follower, followee) DO NOTHING}}
    return 1;
}
