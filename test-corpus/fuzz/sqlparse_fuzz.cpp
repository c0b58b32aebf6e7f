// libFuzzer target for sqlparse: normalization (both modes), parsing, facts,
// the token fallback, every rewrite, respelling, the statement splitter and the
// schema model (the bytes as a migration file), on arbitrary bytes; and checks
// that the JSON route to libpg_query's tree gives the protobuf route's tree
// (aborts when the two differ).
// Built with -fsanitize=fuzzer by scripts/fuzz.sh; built without it (a main
// that runs files) as the fuzz-regressions test, over seeds and past crashes.
#include "PgTree.h"
#include "sqlrace/Schema.h"
#include "sqlrace/sqlparse.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace sqlrace::sql;

namespace {
void sameTreeBothRoutes(const std::string &sql) {
  if (sql.find('\0') != std::string::npos) return;
  tree::ParseTree viaProtobuf = tree::parseViaProtobuf(sql);
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  if (!r.error && viaProtobuf) {
    if (PgQuery__ParseResult *root = tree::decodeJsonTree(r.parse_tree, sql)) {
      if (tree::pack(root) != tree::pack(viaProtobuf.root)) std::abort();
      pg_query__parse_result__free_unpacked(root, nullptr);
    }
  } else if (!r.error != (bool)viaProtobuf) {
    std::abort();
  }
  pg_query_free_parse_result(r);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  Normalized n = normalize(text);
  sameTreeBothRoutes(n.text);
  NormalizeOptions printf;
  printf.printfHoles = true;
  normalize(text, printf);
  auto p = analyzeSql(text);
  analyzeSql(text, printf);
  (void)n;
  restoreCase(text, text);
  respell(text, p->spelling);
  withPlaceholders(text, '?');
  for (const Facts &f : p->statements) {
    if (f.kind == StmtKind::Insert) {
      insertOnConflict(text, f.insertColumns.empty() ? std::vector<std::string>{"k"} : f.insertColumns, text);
      mysqlUpsert(text, {"k"});
      if (!f.insertColumns.empty()) insertWithoutColumn(text, f.insertColumns[0]);
      if (!f.targetTable.empty()) {
        uniqueIndex(f.targetTable, {"k"});
        sequenceDefault(f.targetTable, "n");
        advisoryXactLock(f.targetTable, f.keyParams);
      }
    }
    if (f.kind == StmtKind::Insert) insertOnConflict(text, {});
    if (f.kind == StmtKind::Select) {
      selectForUpdate(text);
      selectWhereNotNull(text, f.rangeColumns.empty() ? "v" : f.rangeColumns[0]);
    }
  }
  canonical(text);
  splitStatements(text);
  Schema schema;
  schema.apply(text, "fuzz.sql");
  for (const Facts &f : p->statements)
    if (!f.targetTable.empty()) {
      schema.uniqueWithin(f.targetTable, f.keyColumns);
      schema.referencedBy(f.targetTable, f.keyColumns.empty() ? "k" : f.keyColumns[0]);
    }
  return 0;
}

#ifdef SQLRACE_FUZZ_STANDALONE
#include "replay_main.h"
#endif
