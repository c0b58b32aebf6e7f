DROP TABLE room_bookings;
