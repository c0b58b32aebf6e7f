// libFuzzer target for sqlparse: normalization (both modes), parsing, facts,
// the token fallback, every rewrite, and respelling, on arbitrary bytes.
// Built with -fsanitize=fuzzer by scripts/fuzz.sh; built without it (a main
// that runs files) as the fuzz-regressions test, over seeds and past crashes.
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
    if (f.kind == StmtKind::Select) selectForUpdate(text);
  }
  canonical(text);
  return 0;
}

#ifdef SQLRACE_FUZZ_STANDALONE
#include <dirent.h>
#include <fstream>
#include <iostream>
#include <sstream>
// Runs every file of the given directories through the target.
int main(int argc, char **argv) {
  int n = 0;
  for (int i = 1; i < argc; ++i) {
    DIR *d = opendir(argv[i]);
    if (!d) continue;
    while (dirent *e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::ifstream in(std::string(argv[i]) + "/" + e->d_name, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(s.data()), s.size());
      ++n;
    }
    closedir(d);
  }
  std::cout << "ran " << n << " inputs\n";
  return n > 0 ? 0 : 1;
}
#endif
