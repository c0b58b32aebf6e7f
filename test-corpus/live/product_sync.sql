-- Schema for product_sync.c: no unique index on sku (sqlrace's rewrite adds it).
CREATE TABLE products (
    id    bigserial PRIMARY KEY,
    sku   text NOT NULL,
    name  text NOT NULL,
    price numeric(10, 2) NOT NULL
);
-- Existing products (one row per sku, so the rewrite's unique index can be built).
INSERT INTO products (sku, name, price) VALUES ('SEED-1', 'seed one', 1.00), ('SEED-2', 'seed two', 2.00);
