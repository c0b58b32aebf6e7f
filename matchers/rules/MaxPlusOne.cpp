// max-plus-one: MAX(col) read, then the next value written as a new row's col.
#include "sqlrace/Rules.h"

namespace sqlrace::rules {
using namespace sql;

namespace {

// order_id -> orders, category_id -> categories, box_id -> boxes
std::string parentTableFor(const std::string &keyColumn) {
  const std::string suffix = "_id";
  if (keyColumn.size() <= suffix.size() || keyColumn.compare(keyColumn.size() - 3, 3, suffix) != 0) return {};
  std::string base = keyColumn.substr(0, keyColumn.size() - 3);
  char last = base.back();
  if (last == 'y' && base.size() > 1 && std::string("aeiou").find(base[base.size() - 2]) == std::string::npos)
    return base.substr(0, base.size() - 1) + "ies";
  std::string tail2 = base.size() > 2 ? base.substr(base.size() - 2) : "";
  if (last == 's' || last == 'x' || last == 'z' || tail2 == "ch" || tail2 == "sh")
    return base + "es";
  return base + "s";
}

std::string suggestion(const Statement &chk, const Facts &check, const Statement &ins, const Facts &insert,
                       const std::string &column) {
  const std::string &insertSql = ins.text;
  if (ins.dialect == Dialect::SQLite) {
    // SQLite has no sequences; BEGIN IMMEDIATE takes the write lock before the read,
    // so a second writer waits until this one commits.
    Rewrite c = canonical(chk.text), i = canonical(ins.text);
    if (!c.ok || !i.ok) return {};
    std::string body = chk.id == ins.id ? i.sql : c.sql + "; " + i.sql;
    return "BEGIN IMMEDIATE; " + withPlaceholders(body, '?') + "; COMMIT";
  }
  for (const std::string &k : check.keyColumns) {
    std::string parent = parentTableFor(k);
    if (parent.empty()) continue;
    Rewrite r = parentCounter(parent, "last_" + column);
    if (r.ok)
      return r.sql + " -- then INSERT the returned value as " + column +
             " (add the counter column " + parent + ".last_" + column + " first)";
  }
  Rewrite seq = sequenceDefault(insert.targetTable, column);
  Rewrite omit = insertWithoutColumn(insertSql, column);
  if (seq.ok && omit.ok) return seq.sql + "; " + omit.sql + (omit.note.empty() ? "" : " -- " + omit.note);
  if (seq.ok) return seq.sql + " -- then omit " + column + " from the INSERT";
  return {};
}

void report(const FunctionEvents &ev, const Statement &chk, const Facts &check, const Statement &ins,
            const Facts &insert, const std::string &column, std::vector<Finding> &out) {
  Finding f;
  f.rule = "max-plus-one";
  f.loc = ins.sqlLoc;
  f.message = "INSERT into '" + insert.targetTable + "' writes " + column + " computed from MAX(" + column +
              ") read earlier without a lock; concurrent sessions get the same value";
  f.notes.push_back({chk.sqlLoc, "MAX(" + column + ") of '" + insert.targetTable + "' read here"});
  f.rewrite = suggestion(chk, check, ins, insert, column);
  if (!f.rewrite.empty()) f.notes.push_back({ins.sqlLoc, "suggested rewrite: " + f.rewrite});
  out.push_back(std::move(f));
  (void)ev;
}

}  // namespace

void maxPlusOne(const FunctionEvents &ev, std::vector<Finding> &out) {
  std::set<int> reported;  // statements already reported
  for (const Execution &w : ev.executions) {
    const Statement &ins = ev.statements[w.statement];
    for (const Facts &insert : ins.parsed->statements) {
      if (insert.kind != StmtKind::Insert || reported.count(ins.id)) continue;
      // INSERT ... SELECT MAX(col) + 1 FROM <same table>: the race is inside one statement.
      if (insert.insertFromSelect && insert.reads(insert.targetTable)) {
        const Aggregate *mx = insert.findAggregate("max");
        // The statement is its own check: protection must come before it.
        if (mx && !mx->column.empty() && mx->column != "*" && !protection(ev, ins.id, w)) {
          report(ev, ins, insert, ins, insert, mx->column, out);
          reported.insert(ins.id);
        }
        continue;
      }
      for (const auto &[param, deps] : w.paramDeps) {
        for (int c : deps) {
          const Statement &chk = ev.statements[c];
          const Facts *check = chk.first(StmtKind::Select);
          if (!check || !check->reads(insert.targetTable)) continue;
          const Aggregate *mx = check->findAggregate("max");
          if (!mx || mx->column.empty() || mx->column == "*") continue;
          // The value must land in the MAX column (when the INSERT names its columns).
          std::string column = mx->column;
          bool lands = insert.insertColumns.empty();
          for (size_t i = 0; i < insert.insertColumns.size(); ++i)
            if ((param == 0 || insert.insertParams[i] == param) && insert.insertColumns[i] == column) lands = true;
          if (!lands || reported.count(ins.id) || protection(ev, c, w)) continue;
          report(ev, chk, *check, ins, insert, column, out);
          reported.insert(ins.id);
        }
      }
    }
  }
}

}  // namespace sqlrace::rules
