-- Schema for seat_reservation.c: 2000 flights of 3 seats (SEATS_PER_FLIGHT).
CREATE TABLE flights (
    id       integer PRIMARY KEY,
    capacity integer NOT NULL
);
CREATE TABLE reservations (
    id        bigserial PRIMARY KEY,
    flight_id integer NOT NULL REFERENCES flights (id),
    passenger text NOT NULL
);
INSERT INTO flights (id, capacity) SELECT g, 3 FROM generate_series(1, 2000) AS g;
-- The first flight already has two passengers.
INSERT INTO reservations (flight_id, passenger) VALUES (1, 'seed one'), (1, 'seed two');
