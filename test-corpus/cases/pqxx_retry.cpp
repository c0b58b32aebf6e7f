// RUN: $(pkg-config --cflags libpqxx)
// Theme: insert-and-retry with libpqxx exceptions. Catching
// pqxx::unique_violation and looking again is a fix; swallowing it is not.
#include <pqxx/pqxx>

#include <iostream>
#include <string>

// Negative: on unique_violation the loop goes round and the lookup finds the winner.
long categoryId(pqxx::connection &c, const std::string &slug)
{
  for (int attempt = 0; attempt < 3; ++attempt) {
    pqxx::work tx(c);
    pqxx::result r = tx.exec_params("SELECT id FROM categories WHERE slug = $1", slug);
    if (!r.empty())
      return r[0][0].as<long>();
    try {
      pqxx::result ins = tx.exec_params("INSERT INTO categories (slug) VALUES ($1) RETURNING id", slug);
      tx.commit();
      return ins[0][0].as<long>();
    } catch (const pqxx::unique_violation &) {
      continue;
    }
  }
  return -1;
}

// Positive: the violation is caught and printed, nothing else.
bool addCategory(pqxx::connection &c, const std::string &slug)
{
  pqxx::work tx(c);
  pqxx::result r = tx.exec_params("SELECT 1 FROM categories WHERE slug = $1", slug); // expected-note{{check of 'categories' by (slug) here}}
  if (!r.empty())
    return false;
  try {
    tx.exec_params("INSERT INTO categories (slug) VALUES ($1)", slug); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO categories (slug) VALUES ($1) ON CONFLICT (slug) DO NOTHING}}
    tx.commit();
  } catch (const pqxx::unique_violation &e) {
    std::cerr << "duplicate category: " << e.what() << "\n";
    return false;
  }
  return true;
}
