// Orders: ids from a sequence, line numbers from a per-order counter bumped
// atomically, stock reserved with a conditional UPDATE.
#include "inventory.hpp"

namespace inventory {

long place_order(pqxx::connection &db, const std::string &customer)
{
    pqxx::work txn(db);
    long id = txn.exec_params1("INSERT INTO orders (customer, line_count) VALUES ($1, 0) RETURNING id", customer)[0]
                  .as<long>();
    txn.commit();
    return id;
}

int add_order_line(pqxx::connection &db, long order_id, const std::string &sku, int qty)
{
    pqxx::work txn(db);
    // the counter row is bumped and read in one statement: no two lines get one number
    pqxx::row c = txn.exec_params1("UPDATE orders SET line_count = line_count + 1 WHERE id = $1 RETURNING line_count",
                                   order_id);
    int line_no = c[0].as<int>();
    txn.exec_params0("INSERT INTO order_lines (order_id, line_no, sku, qty) VALUES ($1, $2, $3, $4)", order_id,
                     line_no, sku, qty);
    txn.commit();
    return line_no;
}

// Only succeeds when enough stock is there, decided by the row itself.
bool reserve_stock(pqxx::connection &db, const std::string &sku, int qty)
{
    pqxx::work txn(db);
    pqxx::result r = txn.exec_params(
        "UPDATE products SET on_hand = on_hand - $2 WHERE sku = $1 AND on_hand >= $2 RETURNING on_hand", sku, qty);
    if (r.affected_rows() == 0)
        return false;
    txn.exec_params0("INSERT INTO reservations (sku, qty) VALUES ($1, $2)", sku, qty);
    txn.commit();
    return true;
}

}  // namespace inventory
