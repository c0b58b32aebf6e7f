-- Schema for product_sync.c: no unique index on sku (sqlrace's rewrite adds it).
CREATE TABLE products (
    id    bigserial PRIMARY KEY,
    sku   text NOT NULL,
    name  text NOT NULL,
    price numeric(10, 2) NOT NULL
);
