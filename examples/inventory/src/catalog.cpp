// Product catalog: searches, categories and prices. Every write here is a single
// atomic statement, so concurrent requests cannot interleave badly.
#include "inventory.hpp"

namespace inventory {

std::vector<Product> search_products(pqxx::connection &db, const std::string &text, int limit)
{
    pqxx::read_transaction txn(db);
    pqxx::result r = txn.exec_params(
        "SELECT sku, name, price, on_hand FROM products "
        "WHERE name ILIKE '%' || $1 || '%' OR sku = $1 ORDER BY name LIMIT $2",
        text, limit);
    std::vector<Product> out;
    for (const auto &row : r)
        out.push_back(Product{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<double>(0.0),
                              row[3].as<int>(0)});
    return out;
}

// Insert-or-get in two statements that are both safe: the unique index on
// categories.name decides, and the SELECT reads whichever row won.
long category_id(pqxx::connection &db, const std::string &name)
{
    pqxx::work txn(db);
    txn.exec_params("INSERT INTO categories (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name);
    long id = txn.exec_params1("SELECT id FROM categories WHERE name = $1", name)[0].as<long>();
    txn.commit();
    return id;
}

// The arithmetic happens in the UPDATE itself: no value is read and written back.
void reprice(pqxx::connection &db, const std::string &sku, double factor)
{
    pqxx::work txn(db);
    txn.exec_params0("UPDATE products SET price = round(price * $2, 2) WHERE sku = $1", sku, factor);
    txn.commit();
}

std::vector<Product> low_stock(pqxx::connection &db, int threshold)
{
    pqxx::nontransaction q(db);
    std::vector<Product> out;
    for (const auto &row : q.exec_params("SELECT sku, name, price, on_hand FROM products WHERE on_hand < $1 "
                                         "ORDER BY on_hand, sku",
                                         threshold))
        out.push_back(Product{row["sku"].c_str(), row["name"].c_str(), row["price"].as<double>(0.0),
                              row["on_hand"].as<int>()});
    return out;
}

}  // namespace inventory
