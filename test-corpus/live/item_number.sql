-- Schema for item_number.c: items are keyed by (order_id, item_number).
CREATE TABLE orders (
    id       integer PRIMARY KEY,
    customer text NOT NULL
);
CREATE TABLE items (
    order_id    integer NOT NULL REFERENCES orders (id),
    item_number integer NOT NULL,
    sku         text NOT NULL,
    qty         integer NOT NULL,
    PRIMARY KEY (order_id, item_number)
);
INSERT INTO orders (id, customer) VALUES (1, 'ann'), (2, 'bob');
-- Existing items, so that the rewrite's schema (a counter column filled from the
-- current maximum) is tested on data: a number handed out again is a unique violation.
INSERT INTO items (order_id, item_number, sku, qty) VALUES
    (1, 1, 'SEED-A', 1), (1, 2, 'SEED-B', 1), (1, 3, 'SEED-C', 2), (2, 1, 'SEED-D', 1);
