// nullable-cursor: an incremental poll (WHERE version > $1) on a column whose
// sequence default was added to a table that already had rows: those rows hold
// NULL there, and the poll never returns them.
#include "sqlrace/Rules.h"

#include <algorithm>

namespace sqlrace::rules {
using namespace sql;

void nullableCursor(const FunctionEvents &ev, std::vector<Finding> &out) {
  if (!ev.schema) return;
  std::set<int> reported;
  for (const Execution &x : ev.executions) {
    const Statement &s = ev.statements[x.statement];
    if (!s.via.empty() || reported.count(s.id)) continue;  // reported in the function that runs it
    const Facts *sel = s.first(StmtKind::Select);
    if (!sel) continue;
    for (const std::string &col : sel->rangeColumns) {
      if (std::find(sel->notNullColumns.begin(), sel->notNullColumns.end(), col) != sel->notNullColumns.end())
        continue;
      for (const std::string &t : sel->tablesRead) {
        const SchemaTable *table = ev.schema->table(t);
        const SchemaColumn *c = table ? table->column(col) : nullptr;
        if (!c || !c->nullBeforeDefault) continue;
        Finding f;
        f.rule = "nullable-cursor";
        f.loc = s.sqlLoc;
        f.key = s.text + "\x1f" + col;
        std::string name = s.name(col), tname = s.name(t);
        f.message = "poll of '" + tname + "' by " + name + " > ... never returns rows whose " + name +
                    " is NULL: the sequence default was set on an existing column (" + c->defaultSetAt +
                    "), so rows from before that migration hold NULL";
        f.notes.push_back({s.sqlLoc, "backfill them and make the column NOT NULL, or say in the query that they are "
                                     "skipped (" + name + " IS NOT NULL)"});
        Suggestion fix;
        std::string q = quoteIdent(t), qc = quoteIdent(col);
        if (!c->sequence.empty())
          fix.schema.push_back("UPDATE " + q + " SET " + qc + " = nextval('" + c->sequence + "') WHERE " + qc +
                               " IS NULL");
        fix.schema.push_back("ALTER TABLE " + q + " ALTER COLUMN " + qc + " SET NOT NULL");
        Rewrite guarded = selectWhereNotNull(s.text, col);
        if (guarded.ok) append(fix.statements, s.respell(guarded.sql));
        suggest(f, std::move(fix), s);
        out.push_back(std::move(f));
        reported.insert(s.id);
        break;
      }
      if (reported.count(s.id)) break;
    }
  }
}

}  // namespace sqlrace::rules
