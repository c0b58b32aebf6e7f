// Suppliers and warehouse transfers.
#include "inventory.hpp"

namespace inventory {

long register_supplier(pqxx::connection &db, const std::string &code, const std::string &name)
{
    pqxx::work txn(db);
    pqxx::row r = txn.exec_params1(
        "INSERT INTO suppliers (code, name) VALUES ($1, $2) "
        "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id",
        code, name);
    txn.commit();
    return r[0].as<long>();
}

// Both stock rows are locked (in a fixed order) before they are read, so the
// computed quantities are still true when they are written.
bool transfer_stock(pqxx::connection &db, const std::string &sku, long from_wh, long to_wh, int qty)
{
    pqxx::work txn(db);
    pqxx::result rows = txn.exec_params(
        "SELECT warehouse_id, qty FROM stock WHERE sku = $1 AND warehouse_id IN ($2, $3) "
        "ORDER BY warehouse_id FOR UPDATE",
        sku, from_wh, to_wh);
    int available = 0;
    for (const auto &row : rows)
        if (row[0].as<long>() == from_wh)
            available = row[1].as<int>();
    if (available < qty)
        return false;
    txn.exec_params0("UPDATE stock SET qty = qty - $3 WHERE sku = $1 AND warehouse_id = $2", sku, from_wh, qty);
    txn.exec_params0("INSERT INTO stock (sku, warehouse_id, qty) VALUES ($1, $2, $3) "
                     "ON CONFLICT (sku, warehouse_id) DO UPDATE SET qty = stock.qty + EXCLUDED.qty",
                     sku, to_wh, qty);
    txn.commit();
    return true;
}

}  // namespace inventory
