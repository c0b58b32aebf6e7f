// max-plus-one: MAX(col) read, then the next value written as a new row's col.
#include "sqlrace/Rules.h"

#include <algorithm>

namespace sqlrace::rules {
using namespace sql;

namespace {

// The INSERT without `column`, its remaining parameters spelled as the code does.
bool omitColumn(const Statement &ins, const std::string &column, Suggestion &s) {
  Rewrite omit = insertWithoutColumn(ins.text, column);
  if (!omit.ok) return false;
  std::map<int, std::string> spelling;
  bool positional = false, numbered = true;
  for (const auto &[now, before] : omit.renumbered) {
    auto it = ins.spelling.find(before);
    if (it == ins.spelling.end()) continue;
    const std::string &sp = it->second;
    bool isNumbered = sp.size() > 1 && (sp[0] == '$' || sp[0] == '?') && std::isdigit((unsigned char)sp[1]);
    numbered = numbered && isNumbered;
    positional = positional || sp == "?" || sp.find('%') != std::string::npos;
    spelling[now] = isNumbered ? sp.substr(0, 1) + std::to_string(now) : sp;
  }
  std::string note;
  if (!omit.note.empty() && numbered) note = omit.note;
  else if (!omit.note.empty() && positional) note = "and stop passing the " + column + " value";
  if (!note.empty()) s.note += (s.note.empty() ? "" : "; ") + note;
  append(s.statements, sql::respell(omit.sql, spelling));
  return true;
}

Suggestion suggestion(const FunctionEvents &ev, const Statement &chk, const Facts &check, const Statement &ins,
                      const Facts &insert, const std::string &column, const SchemaColumn *numbered) {
  Suggestion s;
  if (numbered) {
    // the database numbers the column already: the MAX read is dead code
    s.note = "the database numbers " + ins.name(column) + " itself";
    return omitColumn(ins, column, s) ? s : Suggestion{};
  }
  std::string parent, parentKey;
  int parentParam = 0;
  bool guessed = false;
  for (size_t i = 0; i < check.keyColumns.size() && parent.empty(); ++i) {
    // the parent a foreign key names, else the one the column's name suggests (order_id -> orders)
    parent = parentOf(ev, insert.targetTable, check.keyColumns[i], guessed);
    // a schema that knows the child but not the guessed parent: no counter there to add
    if (ev.schema && ev.schema->table(insert.targetTable) && !ev.schema->table(parent)) parent.clear();
    parentKey = check.keyColumns[i];
    parentParam = i < check.keyParams.size() ? check.keyParams[i] : 0;
  }
  if (ins.dialect == Dialect::SQLite)  // no sequences; BEGIN IMMEDIATE takes the write lock before the read
    return serialized(chk, ins);
  if (ins.dialect == Dialect::MySQL) {  // InnoDB: lock the parent row first; without a parent, lock the table
    if (!parent.empty() && parentParam > 0) {
      s = serialized(chk, ins, "SELECT id FROM " + quoteIdent(parent) + " WHERE id = " +
                                   chk.respell("$" + std::to_string(parentParam)) + " FOR UPDATE");
      if (guessed) noteGuessedParent(s, ev, chk, parent, parentKey);
      return s;
    }
    return serialized(chk, ins, "", "LOCK TABLES " + quoteIdent(insert.targetTable) + " WRITE", "UNLOCK TABLES");
  }
  Rewrite i = canonical(ins.text);
  if (!parent.empty()) {
    // a counter on the parent row, taken and incremented in one statement
    std::string counter = "last_" + column;
    Rewrite r = parentCounter(parent, counter, parentParam > 0 ? parentParam : 1);
    if (r.ok && i.ok) {
      std::string p = quoteIdent(parent), k = quoteIdent(counter), t = quoteIdent(insert.targetTable);
      const SchemaTable *pt = ev.schema ? ev.schema->table(parent) : nullptr;
      if (!pt || !pt->column(counter)) {  // the counter column and its backfill, unless it exists
        const SchemaTable *ct = ev.schema ? ev.schema->table(insert.targetTable) : nullptr;
        const SchemaColumn *cc = ct ? ct->column(column) : nullptr;
        std::string type = cc && !cc->type.empty() ? cc->type : "integer";
        s.schema = {"ALTER TABLE " + p + " ADD COLUMN " + k + " " + type + " NOT NULL DEFAULT 0",
                    "UPDATE " + p + " SET " + k + " = COALESCE((SELECT max(" + quoteIdent(column) + ") FROM " + t +
                        " WHERE " + t + "." + quoteIdent(parentKey) + " = " + p + ".id), 0)"};
      }
      // in one transaction: a failed INSERT rolls the counter back, so numbers have no gaps
      s.statements.push_back(beginFor(ins.dialect));
      append(s.statements, chk.respell(r.sql));
      append(s.statements, ins.respell(i.sql));
      s.statements.push_back("COMMIT");
      s.note = "INSERT the value the UPDATE returns as " + ins.name(column);
      if (guessed) noteGuessedParent(s, ev, chk, parent, parentKey);
      return s;
    }
  }
  Rewrite seq = sequenceDefault(insert.targetTable, column);
  if (seq.ok) append(s.schema, ins.respell(seq.sql));
  if (seq.ok && omitColumn(ins, column, s)) return s;
  if (seq.ok) s.note = "then omit " + column + " from the INSERT";
  return s;
}

void report(const FunctionEvents &ev, const Statement &chk, const Facts &check, const Statement &ins,
            const Facts &insert, const std::string &column, const Execution &write, std::vector<Finding> &out) {
  Finding f;
  f.loc = reportedAt(ins);
  std::string table = ins.name(insert.targetTable), col = ins.name(column);
  describe(f, ev, chk.id, write, "max-plus-one",
           chk.id == ins.id
               ? "INSERT into '" + table + "' computes " + col + " from MAX(" + col +
                     ") of the same table in one statement, which is not atomic for this without a lock; "
                     "concurrent sessions read the same MAX and get the same value"
               : "INSERT into '" + table + "' writes " + col + " computed from MAX(" + col +
                     ") read earlier without a lock; concurrent sessions get the same value");
  if (chk.id != ins.id) addPathNotes(f, chk, "MAX(" + col + ") of '" + table + "' read");
  else f.notes.push_back({chk.sqlLoc, "MAX(" + col + ") of '" + table + "' read here"});
  if (!ins.via.empty()) addPathNotes(f, ins, "INSERT into '" + table + "'");
  // the schema: does the database number the column already, and does a unique key catch duplicates?
  const SchemaTable *known = ev.schema ? ev.schema->table(insert.targetTable) : nullptr;
  const SchemaColumn *sc = known ? known->column(column) : nullptr;
  const SchemaColumn *numbered =
      sc && (!sc->autoNumbered.empty() || (sc->rowidAlias && ins.dialect == Dialect::SQLite)) ? sc : nullptr;
  std::vector<std::string> keyCols = check.keyColumns;
  keyCols.push_back(column);
  const UniqueKey *uk = known ? ev.schema->uniqueWithin(insert.targetTable, keyCols) : nullptr;
  std::string how = numbered ? (numbered->autoNumbered.empty() ? "INTEGER PRIMARY KEY (the rowid)" : numbered->autoNumbered)
                             : "";
  if (numbered)
    f.notes.push_back({ins.sqlLoc, col + " already has " + how + " in the schema (" + known->origin +
                                       "): the MAX read is dead code; leave " + col + " out of the INSERT"});
  if (known && uk && !uk->exclusion)
    grade(f, "constraint", constraintReason(*uk));
  else if (known)
    grade(f, "silent", "no unique key on (" + ins.name(joinColumns(keyCols)) + ") in the schema (table '" + table +
                           "', " + known->origin + "), so duplicate numbers go in silently");
  suggest(f,
          namedAtRunTime(insert.targetTable) ? runTimeNameAdvice(ins.name(insert.targetTable))
                                             : suggestion(ev, chk, check, ins, insert, column, numbered),
          ins);
  out.push_back(std::move(f));
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
        if (!ins.via.empty()) continue;  // reported where the statement is
        const Aggregate *mx = insert.findAggregate("max");
        // The statement is its own check: protection must come before it.
        if (mx && !mx->column.empty() && mx->column != "*" && !protection(ev, ins.id, w)) {
          report(ev, ins, insert, ins, insert, mx->column, w, out);
          reported.insert(ins.id);
        }
        continue;
      }
      for (const auto &[param, deps] : w.paramDeps) {
        for (int c : deps) {
          const Statement &chk = ev.statements[c];
          const Facts *check = chk.first(StmtKind::Select);
          if (!check || !check->reads(insert.targetTable)) continue;
          // MAX(col), or `SELECT col ... ORDER BY col DESC LIMIT 1`, which reads the same number
          const Aggregate *mx = check->findAggregate("max");
          std::string column = mx ? mx->column : std::string();
          if (!mx && !check->latestBy.empty() &&
              std::find(check->selectColumns.begin(), check->selectColumns.end(), check->latestBy) !=
                  check->selectColumns.end())
            column = check->latestBy;
          if (column.empty() || column == "*") continue;
          // The value must land in the MAX column (when the INSERT names its columns).
          bool lands = insert.insertColumns.empty();
          for (size_t i = 0; i < insert.insertColumns.size(); ++i)
            if ((param == 0 || insert.insertParams[i] == param) && insert.insertColumns[i] == column) lands = true;
          if (lands && !reported.count(ins.id) && !sameCall(chk, ins) && !ev.retriesOnUniqueViolation(w.id) &&
              protection(ev, c, w)) {
            protectionRemarks(ev, c, w, "max-plus-one", ins, out);
            reported.insert(ins.id);
            continue;
          }
          if (!lands || reported.count(ins.id) || sameCall(chk, ins) || protection(ev, c, w) ||
            ev.retriesOnUniqueViolation(w.id))  // insert-and-retry handles the race
          continue;
          report(ev, chk, *check, ins, insert, column, w, out);
          reported.insert(ins.id);
        }
      }
    }
  }
}

}  // namespace sqlrace::rules
