// unparsed-sql: SQL that libpg_query rejects is reported, not silently skipped.
#include "sqlrace/Rules.h"

namespace sqlrace::rules {

void unparsedSql(const FunctionEvents &ev, std::vector<Finding> &out) {
  for (const Statement &s : ev.statements) {
    // text that only the token-level fallback understood is analyzed, with less detail
    if (s.parsed->ok || s.parsed->fallback) continue;
    Finding f;
    f.rule = "unparsed-sql";
    f.severity = Severity::Remark;
    f.loc = s.sqlLoc;
    f.key = s.text;
    f.message = "cannot parse this SQL (" + s.parsed->error + ")";
    if (s.text.find('\0') != std::string::npos)
      f.message += "; the text contains a NUL byte, and the database receives only what comes before it";
    f.message += "; it is not analyzed for races";
    out.push_back(std::move(f));
  }
}

}  // namespace sqlrace::rules
