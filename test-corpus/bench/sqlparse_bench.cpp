// Google Benchmark for sqlparse: statements per second for parse + facts, with
// and without the memo, the two routes to libpg_query's tree, and a rewrite.
// A program, not a test.
#include "PgTree.h"
#include "sqlrace/sqlparse.h"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

using namespace sqlrace::sql;

namespace {

std::vector<std::string> statements(int distinct) {
  std::vector<std::string> out;
  for (int i = 0; i < distinct; ++i) {
    std::string t = "t" + std::to_string(i);
    switch (i % 4) {
    case 0: out.push_back("SELECT COALESCE(MAX(version), 0) + 1 FROM " + t + " WHERE tenant = $1"); break;
    case 1: out.push_back("INSERT INTO " + t + " (sku, name, price) VALUES (?, ?, ?)"); break;
    case 2: out.push_back("UPDATE " + t + " SET qty = qty + :d WHERE sku = :s RETURNING qty"); break;
    default: out.push_back("SELECT id FROM " + t + " WHERE name = @n FOR UPDATE"); break;
    }
  }
  return out;
}

// Every statement is new text: the cost of normalize + parse + facts.
void BM_AnalyzeDistinct(benchmark::State &state) {
  int k = 0;
  for (auto _ : state) {
    std::string sql = "SELECT id FROM items_" + std::to_string(k++) + " WHERE code = $1 AND owner = ?";
    benchmark::DoNotOptimize(analyzeSql(sql));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyzeDistinct);

// The tree alone, by the route sqlparse takes (libpg_query's JSON decoded into the
// protobuf-c messages) and by the protobuf route it replaced (pack + unpack).
void BM_Tree(benchmark::State &state, tree::ParseTree (*parse)(const std::string &)) {
  std::vector<std::string> sqls = statements(64);
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(parse(normalize(sqls[i++ % sqls.size()]).text));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK_CAPTURE(BM_Tree, ViaJson, &tree::parse);
BENCHMARK_CAPTURE(BM_Tree, ViaProtobuf, &tree::parseViaProtobuf);

// Code repeats its SQL: the same few texts again and again hit the memo.
void BM_AnalyzeRepeated(benchmark::State &state) {
  std::vector<std::string> sqls = statements((int)state.range(0));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(analyzeSql(sqls[i++ % sqls.size()]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AnalyzeRepeated)->Arg(16)->Arg(256);

// Normalization alone (placeholders and dialect forms).
void BM_Normalize(benchmark::State &state) {
  std::string sql = "INSERT OR IGNORE INTO `genre` (name, n) VALUES (:name, ?) ON DUPLICATE KEY UPDATE n = VALUES(n)";
  for (auto _ : state) benchmark::DoNotOptimize(normalize(sql));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Normalize);

// A rewrite on the parse tree (memoized after the first).
void BM_RewriteOnConflict(benchmark::State &state) {
  for (auto _ : state)
    benchmark::DoNotOptimize(insertOnConflict("INSERT INTO products (sku, name, qty) VALUES ($1, $2, $3)", {"sku"},
                                              "UPDATE products SET name = $2, qty = qty + $3 WHERE sku = $1"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RewriteOnConflict);

}  // namespace

BENCHMARK_MAIN();
