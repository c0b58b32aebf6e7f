// The SQLite forms of the suggested rewrites run on a real SQLite and do what
// the finding claims: the unique index plus ON CONFLICT keeps one row per key,
// and the rewritten statements are accepted as printed (with ?N placeholders).
#include "sqlrace/sqlparse.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

using namespace sqlrace::sql;

namespace {

struct Db {
  sqlite3 *db = nullptr;
  Db() { sqlite3_open(":memory:", &db); }
  ~Db() { sqlite3_close(db); }
  int exec(const std::string &sql) { return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr); }
  std::string error() const { return sqlite3_errmsg(db); }
  long long scalar(const std::string &sql) {
    sqlite3_stmt *st = nullptr;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }
  // runs one statement with text parameters bound to ?1..?n
  int run(const std::string &sql, const std::vector<std::string> &params) {
    sqlite3_stmt *st = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr);
    if (rc != SQLITE_OK) return rc;
    for (size_t i = 0; i < params.size(); ++i)
      sqlite3_bind_text(st, (int)i + 1, params[i].c_str(), -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
  }
};

std::vector<std::string> split(const std::string &sql) {
  std::vector<std::string> out;
  size_t start = 0, pos;
  while ((pos = sql.find("; ", start)) != std::string::npos) {
    out.push_back(sql.substr(start, pos - start));
    start = pos + 2;
  }
  out.push_back(sql.substr(start));
  return out;
}

TEST(SqliteRewrite, UniqueIndexAndOnConflictKeepOneRowPerKey) {
  Db d;
  ASSERT_EQ(d.exec("CREATE TABLE genre (id INTEGER PRIMARY KEY, name TEXT)"), SQLITE_OK);
  Rewrite idx = uniqueIndex("genre", {"name"});
  Rewrite ins = insertOnConflict("INSERT INTO genre (name) VALUES (?)", {"name"});
  ASSERT_TRUE(idx.ok && ins.ok);
  ASSERT_EQ(d.exec(idx.sql), SQLITE_OK) << idx.sql << ": " << d.error();
  std::string stmt = withPlaceholders(ins.sql, '?');
  for (int i = 0; i < 3; ++i) ASSERT_EQ(d.run(stmt, {"rock"}), SQLITE_DONE) << stmt << ": " << d.error();
  ASSERT_EQ(d.run(stmt, {"jazz"}), SQLITE_DONE);
  EXPECT_EQ(d.scalar("SELECT count(*) FROM genre"), 2);
  // without the rewrite the same inserts duplicate
  ASSERT_EQ(d.exec("CREATE TABLE plain (name TEXT)"), SQLITE_OK);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(d.run("INSERT INTO plain (name) VALUES (?1)", {"rock"}), SQLITE_DONE);
  EXPECT_EQ(d.scalar("SELECT count(*) FROM plain"), 3);
}

TEST(SqliteRewrite, DoUpdateKeepsTheIncrement) {
  Db d;
  ASSERT_EQ(d.exec("CREATE TABLE products (sku TEXT, name TEXT, on_hand INTEGER)"), SQLITE_OK);
  ASSERT_EQ(d.exec(uniqueIndex("products", {"sku"}).sql), SQLITE_OK) << d.error();
  Rewrite up = insertOnConflict("INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3)", {"sku"},
                                "UPDATE products SET name = $2, on_hand = on_hand + $3 WHERE sku = $1");
  ASSERT_TRUE(up.ok) << up.error;
  std::string stmt = withPlaceholders(up.sql, '?');
  ASSERT_EQ(d.run(stmt, {"A-1", "bolt", "5"}), SQLITE_DONE) << stmt << ": " << d.error();
  ASSERT_EQ(d.run(stmt, {"A-1", "bolt M4", "7"}), SQLITE_DONE) << d.error();
  EXPECT_EQ(d.scalar("SELECT count(*) FROM products"), 1);
  EXPECT_EQ(d.scalar("SELECT on_hand FROM products WHERE sku = 'A-1'"), 12);
}

TEST(SqliteRewrite, InsertWithoutTheColumnRunsWithRenumberedParameters) {
  Db d;
  ASSERT_EQ(d.exec("CREATE TABLE events (tenant TEXT, version INTEGER PRIMARY KEY, payload TEXT)"), SQLITE_OK);
  Rewrite r = insertWithoutColumn("INSERT INTO events (tenant, version, payload) VALUES (?, ?, ?)", "version");
  ASSERT_TRUE(r.ok) << r.error;
  std::string stmt = withPlaceholders(r.sql, '?');
  // two parameters now, bound densely
  ASSERT_EQ(d.run(stmt, {"t1", "a"}), SQLITE_DONE) << stmt << ": " << d.error();
  ASSERT_EQ(d.run(stmt, {"t1", "b"}), SQLITE_DONE);
  EXPECT_EQ(d.scalar("SELECT count(DISTINCT version) FROM events"), 2);
}

TEST(SqliteRewrite, EveryPrintedStatementPrepares) {
  Db d;
  ASSERT_EQ(d.exec("CREATE TABLE journal (book TEXT, seq INTEGER, entry TEXT); CREATE TABLE tags (name TEXT)"),
            SQLITE_OK);
  for (const std::string &sql :
       {canonical("SELECT COALESCE(MAX(seq), 0) + 1 FROM journal WHERE book = ?").sql,
        canonical("INSERT INTO journal (book, seq, entry) VALUES (?, ?, ?)").sql,
        uniqueIndex("tags", {"name"}).sql,
        insertOnConflict("INSERT INTO tags (name) SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM tags WHERE name = ?1)",
                         {"name"}).sql}) {
    for (const std::string &one : split(withPlaceholders(sql, '?'))) {
      sqlite3_stmt *st = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(d.db, one.c_str(), -1, &st, nullptr), SQLITE_OK) << one << ": " << d.error();
      if (st && sqlite3_stmt_readonly(st) == 0) sqlite3_step(st);
      sqlite3_finalize(st);
    }
  }
}

}  // namespace
