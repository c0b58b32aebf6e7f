-- Schema for tag_lookup.c (SQLite, WAL mode set by live.py): no unique index on name.
CREATE TABLE tag (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL
);
-- Existing tags (one row per name, so the rewrite's unique index can be built).
INSERT INTO tag (name) VALUES ('seed-a'), ('seed-b');
