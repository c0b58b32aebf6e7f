-- a room cannot be booked twice for overlapping times
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE TABLE room_bookings (
    id     bigserial PRIMARY KEY,
    room   integer NOT NULL,
    during tstzrange NOT NULL,
    guest  text NOT NULL,
    EXCLUDE USING gist (room WITH =, during WITH &&)
);
