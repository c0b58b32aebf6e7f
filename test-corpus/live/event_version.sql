-- Schema for event_version.c: no unique index on (tenant, version).
CREATE TABLE events (
    id      bigserial PRIMARY KEY,
    tenant  text NOT NULL,
    version bigint NOT NULL,
    payload text NOT NULL
);
-- Existing events, so that the rewrite's schema (a sequence started past the
-- current maximum) is tested on data: a version handed out twice counts as damage.
INSERT INTO events (tenant, version, payload) VALUES
    ('acme', 1, 'seed'), ('acme', 2, 'seed'), ('acme', 3, 'seed'), ('globex', 1, 'seed');
