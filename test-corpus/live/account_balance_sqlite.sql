-- Schema for account_balance_sqlite.c (SQLite, WAL mode set by live.py).
CREATE TABLE accounts (
    id      INTEGER PRIMARY KEY,
    owner   TEXT NOT NULL,
    balance INTEGER NOT NULL
);
INSERT INTO accounts (id, owner, balance) VALUES (1, 'ann', 1000000);
