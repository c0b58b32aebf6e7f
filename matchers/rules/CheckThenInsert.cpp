// check-then-insert: a check of a table decides whether (or what) to INSERT into it.
#include "sqlrace/Rules.h"

#include <algorithm>

namespace sqlrace::rules {
using namespace sql;

namespace {

// The UPDATE the code runs instead of the INSERT when the check finds the row
// (an UPDATE of the same table decided by the same check), or null.
const Statement *updateWhenFound(const FunctionEvents &ev, int check, const Facts &insert) {
  for (const Execution &u : ev.executions) {
    if (!u.controlDeps.count(check)) continue;
    const Statement &s = ev.statements[u.statement];
    for (const Facts &f : s.parsed->statements)
      if (f.kind == StmtKind::Update && f.targetTable == insert.targetTable) return &s;
  }
  return nullptr;
}

// The UPDATE's placeholders mapped to the INSERT's, where the code shows they
// carry the same value: the same name (:sku), or the same number in
// PostgreSQL style ($2), which libpq code binds from one array by convention.
std::map<int, int> sameParameters(const Statement &update, const Statement &insert) {
  std::map<int, int> out;
  auto numbered = [](const std::string &s) { return s.size() > 1 && s[0] == '$' && std::isdigit((unsigned char)s[1]); };
  auto named = [](const std::string &s) {
    return s.size() > 1 && (s[0] == ':' || s[0] == '@' || s[0] == '$') && !std::isdigit((unsigned char)s[1]);
  };
  for (const auto &[n, su] : update.spelling) {
    for (const auto &[m, si] : insert.spelling)
      if ((named(su) && su == si) || (numbered(su) && numbered(si) && n == m)) out.emplace(n, m);
  }
  // values formatted into both texts from the same variable (printf holes, concatenation)
  for (const auto &[n, vu] : update.holeVar)
    for (const auto &[m, vi] : insert.holeVar)
      if (vu == vi) out.emplace(n, m);
  return out;
}

Suggestion suggestion(const FunctionEvents &ev, int check, const Facts &checkFacts, const Statement &ins,
                      const Facts &insert, bool capacity, std::vector<std::string> keys, const UniqueKey *key) {
  const Statement &chk = ev.statements[check];
  // A lock on the object the rows belong to (the parent row), else an advisory lock on the key.
  auto objectLock = [&](bool parentFirst) {
    // SQLite: BEGIN IMMEDIATE takes the database's write lock before the check
    if (ins.dialect == Dialect::SQLite) return serialized(chk, ins, "");
    for (size_t i = 0; parentFirst && i < checkFacts.keyColumns.size(); ++i) {
      bool guessed = false;
      std::string parent = parentOf(ev, insert.targetTable, checkFacts.keyColumns[i], guessed);
      int param = i < checkFacts.keyParams.size() ? checkFacts.keyParams[i] : 0;
      if (!parent.empty() && param > 0) {
        Suggestion s = serialized(chk, ins, "SELECT id FROM " + quoteIdent(parent) + " WHERE id = " +
                                                chk.respell("$" + std::to_string(param)) + " FOR UPDATE");
        if (guessed) noteGuessedParent(s, ev, chk, parent, checkFacts.keyColumns[i]);
        return s;
      }
    }
    if (ins.dialect == Dialect::MySQL)
      return serialized(chk, ins, "", "LOCK TABLES " + quoteIdent(insert.targetTable) + " WRITE", "UNLOCK TABLES");
    Rewrite lock = advisoryXactLock(insert.targetTable, checkFacts.keyParams);
    return lock.ok ? serialized(chk, ins, chk.respell(lock.sql)) : Suggestion{};
  };
  // COUNT(*) < limit: no unique key expresses it; serialize on the parent
  if (capacity) return objectLock(true);
  // No key to arbitrate on -- or the check reads the latest of many rows per key
  // (a status history), where a unique key would forbid the history itself.
  if (keys.empty() || !checkFacts.latestBy.empty()) return objectLock(false);
  // when the check is itself an UPDATE (row count 0 -> INSERT), that UPDATE is the DO UPDATE
  const Statement *update = checkFacts.kind == StmtKind::Update ? &chk : updateWhenFound(ev, check, insert);
  std::map<int, int> params;
  if (update) params = sameParameters(*update, ins);
  std::string updateSql = update ? update->text : std::string();
  Suggestion s;
  // ON CONFLICT names the columns of the unique key the schema has (with a partial
  // index's predicate); without one, the unique index to create comes first.
  std::string predicate;
  if (key && !key->exclusion) {
    keys = key->columns;
    predicate = key->predicate;
  } else if (key) {
    // an exclusion constraint: ON CONFLICT DO NOTHING (no target) is all PostgreSQL offers
    if (update || ins.dialect != Dialect::PostgreSQL) {
      s.note = "the " + key->describe() + " rejects the second INSERT (SQLSTATE 23P01): handle that error";
      return s;
    }
    Rewrite up = insertOnConflict(ins.text, {});
    if (up.ok) append(s.statements, ins.respell(up.sql));
    s.note = "ON CONFLICT DO NOTHING with no target: the " + key->describe() + " decides";
    return s;
  } else {
    Rewrite idx = uniqueIndex(insert.targetTable, keys);
    if (!idx.ok) return {};
    append(s.schema, ins.respell(idx.sql));
  }
  Rewrite up = ins.dialect == Dialect::MySQL ? mysqlUpsert(ins.text, keys, updateSql, update ? &params : nullptr)
                                             : insertOnConflict(ins.text, keys, updateSql, update ? &params : nullptr);
  if (!up.ok) return {};
  std::string sql = up.sql;
  if (!predicate.empty() && ins.dialect != Dialect::MySQL) {
    // ON CONFLICT (cols) WHERE <predicate>: the partial index is the arbiter
    size_t on = sql.find(" ON CONFLICT (");
    size_t close = on == std::string::npos ? on : sql.find(')', on);
    if (close != std::string::npos) {
      Rewrite withPredicate = canonical(sql.substr(0, close + 1) + " WHERE " + predicate + sql.substr(close + 1));
      if (withPredicate.ok) sql = withPredicate.sql;
    }
  }
  append(s.statements, ins.respell(sql));
  return s;
}

// The INSERT's literal rewritten in place, when that is a mechanical edit: the
// SQL is one plain literal and the rewrite of that statement alone is known.
void addFix(Finding &f, const Statement &ins) {
  if (!ins.literalBegin.valid() || f.suggestion.statements.size() != 1) return;
  const std::string &sql = f.suggestion.statements[0];
  if (sql.rfind("INSERT", 0) != 0) return;
  std::string lit = "\"";
  for (char c : sql) {
    if (c == '"' || c == '\\') lit += '\\';
    lit += c;
  }
  f.fixBegin = ins.literalBegin;
  f.fixEnd = ins.literalEnd;
  f.fixText = lit + "\"";
}

// `more`: further INSERT executions into the table that the same check decides, each run
// after this one on the same path (the check guards a batch of rows, not one).
void report(const FunctionEvents &ev, const Statement &chk, const Facts &check, const Statement &ins,
            const Facts &insert, const Execution &write, const std::vector<const Execution *> &more,
            std::vector<Finding> &out) {
  Finding f;
  f.loc = reportedAt(ins);
  std::string key = check.keyColumns.empty() ? "" : " by (" + chk.name(joinColumns(check.keyColumns)) + ")";
  std::string table = ins.name(insert.targetTable);
  describe(f, ev, chk.id, write, "check-then-insert",
           chk.id == ins.id
               ? "INSERT into '" + table + "' checks '" + table + "'" + key +
                     " with NOT EXISTS in the same statement, which is not atomic for this without a lock; "
                     "concurrent sessions can both see no row and insert twice"
               : "INSERT into '" + table + "' depends on an earlier check of '" + table + "'" + key +
                     " without a lock; concurrent sessions can both pass the check and insert twice");
  addPathNotes(f, chk, "check of '" + table + "'" + key);
  if (!check.latestBy.empty())
    f.notes.push_back({chk.sqlLoc, "the check reads the latest row, and the INSERT adds the next one: only a "
                                   "unique constraint on (" + chk.name(joinColumns(check.keyColumns)) +
                                   ", a version column) or a lock on the object makes that conditional"});
  if (!ins.via.empty()) addPathNotes(f, ins, "INSERT into '" + table + "'");
  for (const Execution *m : more) f.notes.push_back({m->loc, "another INSERT into '" + table + "' after the same check"});
  if (!more.empty())
    f.notes.push_back({chk.sqlLoc, "the check guards several rows, so a unique key on " +
                                       (check.keyColumns.empty() ? std::string("its columns")
                                                                 : "(" + chk.name(joinColumns(check.keyColumns)) + ")") +
                                       " would reject rows the code means to insert: serialize instead"});
  bool batch = !more.empty();
  bool capacity = check.hasAggregate("count") && (write.capacityChecks.count(chk.id) || check.countLimit);
  if (capacity)
    f.notes.push_back({chk.sqlLoc, "a capacity check: the count is compared with a limit, which a unique key "
                                   "cannot express"});
  // the columns a unique key would have to cover, and the one the schema has
  std::vector<std::string> keys;
  for (const std::string &k : check.keyColumns)
    if (insert.insertColumns.empty() || contains(insert.insertColumns, k)) keys.push_back(k);
  const SchemaTable *known = ev.schema ? ev.schema->table(insert.targetTable) : nullptr;
  const UniqueKey *uk = known && !keys.empty() ? ev.schema->uniqueWithin(insert.targetTable, keys) : nullptr;
  std::string cols = "(" + chk.name(joinColumns(keys.empty() ? check.keyColumns : keys)) + ")";
  if (known && capacity)
    grade(f, "silent", "no constraint can express a limit on a count, so the extra rows go in silently");
  else if (known && !check.latestBy.empty() && !uk)
    grade(f, "silent", "no unique key on " + cols + " in the schema, so the second row goes in silently");
  else if (known && uk)
    grade(f, "constraint", constraintReason(*uk));
  else if (known)
    grade(f, "silent", "no unique key on " + cols + " in the schema (table '" + table + "', " + known->origin +
                           "), so concurrent sessions insert duplicate rows silently");
  Suggestion s = namedAtRunTime(insert.targetTable)
                     ? runTimeNameAdvice(ins.name(insert.targetTable))
                     : suggestion(ev, chk.id, check, ins, insert, capacity || batch, keys, capacity || batch ? nullptr : uk);
  // a batch: the other INSERTs go in the same serialized block, before its COMMIT / UNLOCK
  if (batch && s.statements.size() >= 2)
    for (const Execution *m : more) {
      const Statement &other = ev.statements[m->statement];
      Rewrite r = canonical(other.text);
      if (r.ok) s.statements.insert(s.statements.end() - 1, other.respell(r.sql));
    }
  suggest(f, std::move(s), ins);
  // the atomic INSERT in place of the literal: only when the unique key it needs exists
  if (!capacity && !batch && ins.via.empty() && chk.id != ins.id && uk && !uk->exclusion) addFix(f, ins);
  out.push_back(std::move(f));
}

}  // namespace

void checkThenInsert(const FunctionEvents &ev, std::vector<Finding> &out) {
  std::set<int> reported;
  struct Candidate {
    const Statement *chk, *ins;
    const Facts *check, *insert;
    const Execution *write;
    bool folded = false;  // a note of an earlier candidate's finding
  };
  std::vector<Candidate> found;
  for (const Execution &w : ev.executions) {
    const Statement &ins = ev.statements[w.statement];
    if (reported.count(ins.id)) continue;
    for (const Facts &insert : ins.parsed->statements) {
      if (insert.kind != StmtKind::Insert || insert.conflict != Conflict::None) continue;
      // INSERT ... SELECT ... WHERE NOT EXISTS (SELECT ... FROM <same table>)
      if (insert.insertFromSelect && insert.notExists && insert.reads(insert.targetTable)) {
        if (!ins.via.empty()) break;  // reported where the statement is
        if (!protection(ev, ins.id, w)) {
          found.push_back({&ins, &ins, &insert, &insert, &w});
          reported.insert(ins.id);
        }
        break;
      }
      for (int c : w.controlDeps) {
        const Statement &chk = ev.statements[c];
        // a SELECT of the table, or an UPDATE of it whose row count says whether the row exists
        const Facts *check = chk.first(StmtKind::Select);
        if (!check || !check->reads(insert.targetTable)) {
          check = chk.first(StmtKind::Update);
          if (!check || check->targetTable != insert.targetTable) continue;
        }
        // A MAX whose value becomes the new row's number is max-plus-one's finding.
        bool maxFeedsInsert = false;
        if (check->hasAggregate("max"))
          for (const auto &[param, deps] : w.paramDeps)
            if (deps.count(c)) maxFeedsInsert = true;
        if (!maxFeedsInsert && !sameCall(chk, ins) && !ev.retriesOnUniqueViolation(w.id) && protection(ev, c, w)) {
          protectionRemarks(ev, c, w, "check-then-insert", ins, out);
          reported.insert(ins.id);
          break;
        }
        if (maxFeedsInsert || sameCall(chk, ins) || protection(ev, c, w) ||
            ev.retriesOnUniqueViolation(w.id))  // insert-and-retry handles the race
          continue;
        found.push_back({&chk, &ins, check, &insert, &w});
        reported.insert(ins.id);
        break;
      }
      if (reported.count(ins.id)) break;
    }
  }
  // One finding per check and table: INSERTs that the same check decides, one after the
  // other on a path, are one race (a batch of rows), told at the first.
  for (size_t i = 0; i < found.size(); ++i) {
    Candidate &a = found[i];
    if (a.folded) continue;
    std::vector<const Execution *> more;
    for (size_t j = i + 1; j < found.size(); ++j) {
      Candidate &b = found[j];
      if (b.folded || b.chk != a.chk || a.chk == a.ins || b.chk == b.ins ||
          b.insert->targetTable != a.insert->targetTable || !ev.dominates(a.write->id, b.write->id))
        continue;
      b.folded = true;
      more.push_back(b.write);
    }
    report(ev, *a.chk, *a.check, *a.ins, *a.insert, *a.write, more, out);
  }
}

}  // namespace sqlrace::rules
