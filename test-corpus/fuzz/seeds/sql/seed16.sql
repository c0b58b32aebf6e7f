-- consumers poll events by version; rows that existed before this keep NULL
CREATE SEQUENCE events_version_seq;
ALTER TABLE events ADD COLUMN version bigint;
ALTER TABLE events ALTER COLUMN version SET DEFAULT nextval('events_version_seq');
