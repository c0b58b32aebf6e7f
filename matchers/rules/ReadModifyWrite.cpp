// read-modify-write: a value read from a row, changed in the program, and
// written back by an UPDATE of the same row (a lost update).
#include "sqlrace/Rules.h"

#include <algorithm>

namespace sqlrace::rules {
using namespace sql;

namespace {

bool sameRow(const Facts &read, const Facts &update) {
  for (const std::string &k : read.keyColumns)
    if (contains(update.keyColumns, k)) return true;
  return false;
}

// The UPDATE finds its row by a key the read returned (SELECT n, id ... ; UPDATE ... WHERE id =
// <the id read>): the row read.
bool keyedByRead(const Facts &read, int readStmt, const Facts &update, const Execution &write) {
  for (size_t j = 0; j < update.keyColumns.size() && j < update.keyParams.size(); ++j) {
    auto it = write.paramDeps.find(update.keyParams[j]);
    if (update.keyParams[j] > 0 && it != write.paramDeps.end() && it->second.count(readStmt) &&
        (contains(read.selectColumns, update.keyColumns[j]) || contains(read.selectColumns, "*")))
      return true;
  }
  return false;
}

// The UPDATE only applies when the row still holds what was read (WHERE col = $old,
// or a version column): optimistic concurrency.
bool optimistic(const Facts &update, const std::string &column) {
  for (const std::string &k : update.keyColumns)
    if (k == column || k.find("version") != std::string::npos || k == "updated_at" || k == "modified")
      return true;
  return false;
}

// The read locks its row (FOR UPDATE), or an earlier FOR UPDATE of the same row does.
bool rowLocked(const FunctionEvents &ev, int read, const Facts &readFacts, const Execution &write) {
  if (readFacts.rowLock >= RowLock::NoKeyUpdate) {
    // in autocommit mode the row lock ends with the SELECT itself
    return !autocommitLock(ev, read, write);
  }
  for (const Execution &l : ev.executions) {
    if (!runsBefore(ev, l, read) || !FunctionEvents::sameConnection(l.conn, write.conn)) continue;
    for (const Facts &f : ev.statements[l.statement].parsed->statements)
      if (f.kind == StmtKind::Select && f.rowLock >= RowLock::NoKeyUpdate && sameRow(f, readFacts)) return true;
  }
  return false;
}

}  // namespace

void readModifyWrite(const FunctionEvents &ev, std::vector<Finding> &out) {
  std::set<std::pair<int, std::string>> reported;  // (statement, column)
  for (const Execution &w : ev.executions) {
    const Statement &upd = ev.statements[w.statement];
    for (const Facts &u : upd.parsed->statements) {
      if (u.kind != StmtKind::Update) continue;
      for (size_t i = 0; i < u.setColumns.size(); ++i) {
        const std::string &col = u.setColumns[i];
        if (u.setSelfRelative[i] || reported.count({upd.id, col})) continue;
        std::set<int> deps;
        for (int p : u.setParams[i]) {
          auto it = w.paramDeps.find(p);
          if (it != w.paramDeps.end()) deps.insert(it->second.begin(), it->second.end());
        }
        for (int c : deps) {
          const Statement &rd = ev.statements[c];
          const Facts *r = rd.first(StmtKind::Select);
          if (!r || !r->reads(u.targetTable) || !(sameRow(*r, u) || keyedByRead(*r, c, u, w))) continue;
          if (!contains(r->selectColumns, col) && !contains(r->selectColumns, "*")) continue;
          if (sameCall(rd, upd) || rowLocked(ev, c, *r, w)) continue;
          if (protection(ev, c, w)) {  // protected; a word when it fails instead of retrying
            protectionRemarks(ev, c, w, "read-modify-write", upd, out);
            reported.insert({upd.id, col});
            break;
          }
          // PostgreSQL REPEATABLE READ: the second UPDATE of a row changed since the snapshot fails (40001)
          if (const Execution *b = defaultIsolationTransaction(ev, c, w); b && upd.dialect == Dialect::PostgreSQL) {
            bool repeatable = false;
            for (const Facts &t : ev.statements[b->statement].parsed->statements)
              if (t.isolation == Isolation::RepeatableRead) repeatable = true;
            if (repeatable) continue;
          }
          bool versioned = optimistic(u, col);
          if (versioned && ev.decidedBy.count(upd.id)) continue;  // optimistic, and a lost race is noticed
          Finding f;
          f.loc = reportedAt(upd);
          std::string table = upd.name(u.targetTable), column = upd.name(col);
          describe(f, ev, c, w, "read-modify-write",
                   "UPDATE of '" + table + "' writes " + column + " computed from " + column +
                       " read earlier without a lock; an update made by another session in between is lost");
          addPathNotes(f, rd, column + " of '" + table + "' read");
          if (!upd.via.empty()) addPathNotes(f, upd, "UPDATE of '" + table + "'");
          if (const SchemaTable *known = ev.schema ? ev.schema->table(u.targetTable) : nullptr)
            grade(f, "silent", "no constraint in the schema (table '" + table + "', " + known->origin +
                                   ") can notice a lost update, so it goes in silently");
          if (versioned)
            f.notes.push_back({upd.sqlLoc, "the UPDATE is conditional, but its affected-row count is never "
                                           "checked, so a lost race goes unnoticed"});
          // the read locks the row, in one transaction with the UPDATE (SQLite: the write lock first)
          Rewrite read = rd.dialect == Dialect::SQLite ? canonical(rd.text) : selectForUpdate(rd.text);
          Rewrite write = canonical(upd.text);
          if (namedAtRunTime(u.targetTable)) {
            suggest(f, runTimeNameAdvice(table), rd);
          } else if (read.ok && write.ok) {
            Suggestion s;
            s.statements.push_back(beginFor(upd.dialect));
            append(s.statements, rd.respell(read.sql));
            append(s.statements, upd.respell(write.sql));
            s.statements.push_back("COMMIT");
            if (rd.dialect != Dialect::SQLite)
              s.note = "or let the UPDATE do the arithmetic: SET " + column + " = " + column + " + <change>";
            suggest(f, std::move(s), rd);
          }
          out.push_back(std::move(f));
          reported.insert({upd.id, col});
          break;
        }
      }
    }
  }
}

}  // namespace sqlrace::rules
