// The C++ half of the inventory service (libpqxx).
#ifndef INVENTORY_HPP
#define INVENTORY_HPP

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace inventory {

struct Product {
    std::string sku;
    std::string name;
    double price = 0;
    int on_hand = 0;
};

// catalog.cpp
std::vector<Product> search_products(pqxx::connection &db, const std::string &text, int limit);
long category_id(pqxx::connection &db, const std::string &name);
void reprice(pqxx::connection &db, const std::string &sku, double factor);
std::vector<Product> low_stock(pqxx::connection &db, int threshold);

// orders.cpp
long place_order(pqxx::connection &db, const std::string &customer);
int add_order_line(pqxx::connection &db, long order_id, const std::string &sku, int qty);
bool reserve_stock(pqxx::connection &db, const std::string &sku, int qty);

// suppliers.cpp
long register_supplier(pqxx::connection &db, const std::string &code, const std::string &name);
bool transfer_stock(pqxx::connection &db, const std::string &sku, long from_wh, long to_wh, int qty);

// audit.cpp
void audit(pqxx::connection &db, const std::string &actor, const std::string &action, const std::string &detail);
long purge_audit(pqxx::connection &db, int keep_days);
std::vector<std::string> recent_actions(pqxx::connection &db, const std::string &actor, int limit);

}  // namespace inventory

#endif
