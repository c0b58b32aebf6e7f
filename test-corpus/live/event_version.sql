-- Schema for event_version.c: no unique index on (tenant, version).
CREATE TABLE events (
    id      bigserial PRIMARY KEY,
    tenant  text NOT NULL,
    version bigint NOT NULL,
    payload text NOT NULL
);
