-- Schema for account_balance.c: one account with enough money for every withdrawal.
CREATE TABLE accounts (
    id      integer PRIMARY KEY,
    owner   text NOT NULL,
    balance bigint NOT NULL
);
INSERT INTO accounts (id, owner, balance) VALUES (1, 'ann', 1000000);
