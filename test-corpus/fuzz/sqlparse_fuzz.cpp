// libFuzzer target for sqlparse: normalization (both modes), parsing, facts,
// the token fallback, every rewrite, respelling, the statement splitter and the
// schema model (the bytes as a migration file), on arbitrary bytes.
// Built with -fsanitize=fuzzer by scripts/fuzz.sh; built without it (a main
// that runs files) as the fuzz-regressions test, over seeds and past crashes.
#include "sqlrace/Schema.h"
#include "sqlrace/sqlparse.h"

#include <cstddef>
#include <cstdint>
#include <string>

using namespace sqlrace::sql;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  Normalized n = normalize(text);
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
