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
