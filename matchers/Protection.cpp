// What counts as protection between a check and the write that depends on it.
#include "sqlrace/Rules.h"

#include <algorithm>

namespace sqlrace {

std::vector<ExternalLoc> &externalLocs() {
  static std::vector<ExternalLoc> locs;
  return locs;
}

const sql::Facts *Statement::first(sql::StmtKind k) const {
  for (const sql::Facts &f : parsed->statements)
    if (f.kind == k) return &f;
  return nullptr;
}

const std::vector<RuleInfo> &allRules() {
  static const std::vector<RuleInfo> rules = {
      {"max-plus-one", "MAX(col) read, then written back as a new row's col: concurrent sessions get the same number"},
      {"check-then-insert", "a check of a table decides an INSERT into it: concurrent sessions both pass the check"},
      {"read-modify-write", "a value read from a row, changed in the program and written back with UPDATE: a "
                            "concurrent update between the read and the write is lost"},
      {"ineffective-lock", "a check-then-act protected only by something that does not protect it: an in-process "
                           "lock, or FOR UPDATE on a row that may not exist"},
      {"nullable-cursor", "an incremental poll (WHERE version > $1) on a column whose sequence default was added "
                          "to existing rows, which hold NULL there: the poll never returns them"},
      {"unparsed-sql", "SQL that sqlrace could not parse, so it was not analyzed"},
  };
  return rules;
}

std::vector<Finding> runRules(const FunctionEvents &ev) {
  std::vector<Finding> out;
  rules::maxPlusOne(ev, out);
  rules::checkThenInsert(ev, out);
  rules::readModifyWrite(ev, out);
  rules::nullableCursor(ev, out);
  rules::unparsedSql(ev, out);
  return out;
}

std::string Suggestion::text() const {
  std::string s;
  for (const std::string &d : schema) s += (s.empty() ? "" : "; ") + d;
  for (const std::string &q : statements) s += (s.empty() ? "" : "; ") + q;
  if (!note.empty()) s += (s.empty() ? "" : " -- ") + note;
  return s;
}

namespace rules {
using namespace sql;

void grade(Finding &f, const std::string &how, const std::string &reason) {
  f.grade = how;
  f.gradeReason = reason;
  if (how == "silent") f.severity = Severity::Error;
  f.message += "; " + reason;
}

void suggest(Finding &f, Suggestion s, const Statement &st) {
  Loc at = st.sqlLoc;
  if (s.empty()) {  // nothing to run instead, but something to say
    if (!s.note.empty()) f.notes.push_back({at, s.note});
    return;
  }
  f.suggestion = std::move(s);
  f.rewrite = f.suggestion.text();
  f.notes.push_back({at, "suggested rewrite: " + f.rewrite});
  if (st.dialectAssumed)
    f.notes.push_back({at, "the rewrite is PostgreSQL's: nothing here says which database this API talks to; "
                           "set dialect: in .sqlrace.yml for SQLite or MySQL"});
}

void noteGuessedParent(Suggestion &s, const FunctionEvents &ev, const Statement &st, const std::string &parent,
                       const std::string &keyColumn) {
  if (ev.schema && ev.schema->table(parent)) return;
  std::string note = "the parent table '" + parent + "' (key id) is guessed from " + st.name(keyColumn);
  s.note = s.note.empty() ? note : s.note + "; " + note;
}

bool namedAtRunTime(const std::string &table) { return table.find('{') != std::string::npos; }

Suggestion runTimeNameAdvice(const std::string &table) {
  Suggestion s;
  s.note = "the table's name is computed at run time ('" + table +
           "'), so no rewrite is given here: use the atomic form or a lock on each such table";
  return s;
}

const char *beginFor(Dialect d) {
  switch (d) {
  case Dialect::SQLite: return "BEGIN IMMEDIATE";  // the write lock first: a second writer waits
  case Dialect::MySQL: return "START TRANSACTION";
  default: return "BEGIN";
  }
}

void append(std::vector<std::string> &to, const std::string &script) {
  for (std::string &s : splitStatements(script)) to.push_back(std::move(s));
}

bool runsBefore(const FunctionEvents &ev, const Execution &x, int statement) {
  for (const Execution &c : ev.executions)
    if (c.statement == statement && c.id != x.id && ev.dominates(x.id, c.id)) return true;
  return false;
}

bool transactionScopedLock(const Facts &f) {
  return (f.kind == StmtKind::Select && f.rowLock >= RowLock::NoKeyUpdate) ||
         (f.kind == StmtKind::Lock && f.lockMode >= ShareRowExclusive) || f.advisory == Advisory::Xact ||
         f.advisory == Advisory::TryXact;
}

std::string constraintReason(const UniqueKey &key) {
  return "the " + key.describe() + " (" + key.origin + ") turns the race into " +
         (key.exclusion ? "exclusion-violation errors (SQLSTATE 23P01)" : "unique-violation errors") +
         ": handle the violation or use the atomic form";
}

Suggestion serialized(const Statement &chk, const Statement &write, const std::string &lock, const std::string &open,
                      const std::string &close) {
  Rewrite c = canonical(chk.text), w = canonical(write.text);
  if (!c.ok || !w.ok) return {};
  Suggestion s;
  s.statements.push_back(open.empty() ? beginFor(write.dialect) : open);
  if (!lock.empty()) s.statements.push_back(lock);
  if (chk.id != write.id) append(s.statements, chk.respell(c.sql));
  append(s.statements, write.respell(w.sql));
  s.statements.push_back(close);
  return s;
}

std::string parentOf(const FunctionEvents &ev, const std::string &table, const std::string &keyColumn, bool &guessed) {
  std::string fk = ev.schema ? ev.schema->referencedBy(table, keyColumn) : "";
  guessed = fk.empty();
  return guessed ? parentTable(keyColumn) : fk;
}

std::string parentTable(const std::string &keyColumn) {
  const std::string suffix = "_id";
  if (keyColumn.size() <= suffix.size() || keyColumn.compare(keyColumn.size() - 3, 3, suffix) != 0) return {};
  std::string base = keyColumn.substr(0, keyColumn.size() - 3);
  char last = base.back();
  if (last == 'y' && base.size() > 1 && std::string("aeiou").find(base[base.size() - 2]) == std::string::npos)
    return base.substr(0, base.size() - 1) + "ies";
  std::string tail2 = base.size() > 2 ? base.substr(base.size() - 2) : "";
  if (last == 's' || last == 'x' || last == 'z' || tail2 == "ch" || tail2 == "sh") return base + "es";
  return base + "s";
}

std::string joinColumns(const std::vector<std::string> &cols) {
  std::string s;
  for (size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + cols[i];
  return s;
}

bool serializesAnything(const Statement &s) {
  for (const Facts &f : s.parsed->statements) {
    if (f.kind == StmtKind::Lock && f.lockMode >= ShareRowExclusive) return true;
    if (f.advisory == Advisory::Session || f.advisory == Advisory::Xact || f.advisory == Advisory::TrySession ||
        f.advisory == Advisory::TryXact)
      return true;
    if ((f.kind == StmtKind::Transaction || f.kind == StmtKind::Set) && f.isolation == Isolation::Serializable)
      return true;
    if (f.kind == StmtKind::Transaction &&
        (f.sqliteBegin == SqliteBegin::Immediate || f.sqliteBegin == SqliteBegin::Exclusive))
      return true;
    if (f.kind == StmtKind::Select && f.rowLock >= RowLock::NoKeyUpdate) return true;
  }
  return false;
}

Loc reportedAt(const Statement &write) { return write.via.empty() ? write.sqlLoc : write.via.back(); }

void addPathNotes(Finding &f, const Statement &s, const std::string &what) {
  if (s.via.empty()) {
    f.notes.push_back({s.sqlLoc, what + " here"});
    return;
  }
  f.notes.push_back({s.sqlLoc, what + " here, in " + s.function + "()"});
  for (size_t i = 0; i < s.via.size(); ++i)
    if (!(s.via[i] == f.loc)) f.notes.push_back({s.via[i], "through this call"});
}

bool sameCall(const Statement &a, const Statement &b) {
  return !a.via.empty() && !b.via.empty() && a.via.back() == b.via.back();
}

namespace {

enum class Scope { Transaction, Session };

// Does this statement serialize concurrent runs of the code after it?
// `table` is the table the write goes to.
const char *serializes(const Facts &f, const std::string &table, Dialect dialect, Scope &scope) {
  scope = Scope::Transaction;
  switch (f.kind) {
  case StmtKind::Lock:
    // Only a mode that conflicts with itself makes a second session wait.
    if (f.lockMode >= ShareRowExclusive) return "LOCK TABLE";
    return nullptr;
  case StmtKind::Transaction:
    if (f.txn == TxnKind::Begin && f.isolation == Isolation::Serializable) return "SERIALIZABLE isolation";
    if (f.txn == TxnKind::Begin &&
        (f.sqliteBegin == SqliteBegin::Immediate || f.sqliteBegin == SqliteBegin::Exclusive))
      return "BEGIN IMMEDIATE";
    return nullptr;
  case StmtKind::Set:
    if (f.isolation == Isolation::Serializable) {
      if (f.sessionIsolation) scope = Scope::Session;
      return "SERIALIZABLE isolation";
    }
    return nullptr;
  case StmtKind::Select:
    if (f.advisory == Advisory::Xact || f.advisory == Advisory::TryXact) return "advisory lock";
    if (f.advisory == Advisory::Session || f.advisory == Advisory::TrySession) {
      scope = Scope::Session;
      return "advisory lock";
    }
    // FOR UPDATE of an existing parent row: every session locking the same
    // parent waits. On the checked table itself it locks nothing when the row
    // is absent, so it does not count -- except in MySQL/InnoDB, whose default
    // REPEATABLE READ takes next-key (gap) locks on the range searched.
    if ((f.rowLock == RowLock::Update || f.rowLock == RowLock::NoKeyUpdate) && !f.reads(table))
      return "SELECT ... FOR UPDATE of the parent row";
    if (dialect == Dialect::MySQL && f.rowLock >= RowLock::Share && f.reads(table) && !f.keyColumns.empty())
      return "SELECT ... FOR UPDATE (InnoDB gap lock)";
    // SQL Server WITH (UPDLOCK, HOLDLOCK): a key-range lock covers the missing row too
    if (f.rangeLock && f.rowLock >= RowLock::Update && f.reads(table)) return "key-range lock (UPDLOCK, HOLDLOCK)";
    return nullptr;
  default:
    return nullptr;
  }
}

bool controlsTransactions(const Statement &s) {
  for (const Facts &f : s.parsed->statements)
    if (f.kind == StmtKind::Transaction) return true;
  return false;
}

bool endsTransaction(const Statement &s) {
  for (const Facts &f : s.parsed->statements)
    if (f.kind == StmtKind::Transaction && (f.txn == TxnKind::Commit || f.txn == TxnKind::Rollback))
      return true;
  return false;
}

}  // namespace

// The lock runs in autocommit mode: nothing in the function opens (or ends) a
// transaction on its connection, so the lock ends with its own statement.
// (A BEGIN, COMMIT or ROLLBACK anywhere in the function, or a caller's
// transaction seen only through a COMMIT here, keeps it counted.)
bool outsideTransaction(const FunctionEvents &ev, const Execution &lock) {
  if (!lock.autocommit || ev.opaqueCalls) return false;
  for (const Execution &x : ev.executions)
    if (FunctionEvents::sameConnection(x.conn, lock.conn) && controlsTransactions(ev.statements[x.statement]))
      return false;
  return true;
}

const char *protection(const FunctionEvents &ev, int check, const Execution &write) {
  const Statement &w = ev.statements[write.statement];
  std::string table;
  for (const Facts &f : w.parsed->statements)
    if (!f.targetTable.empty()) table = f.targetTable;
  if (write.serializable)
    for (const Execution &c : ev.executions)
      if (c.statement == check && c.serializable && FunctionEvents::sameConnection(c.conn, write.conn))
        return "SERIALIZABLE isolation";
  // MySQL: the check's own FOR UPDATE takes gap locks that stop the other INSERT
  if (check >= 0 && check != write.statement && ev.statements[check].dialect == Dialect::MySQL)
    for (const Facts &f : ev.statements[check].parsed->statements) {
      Scope scope;
      if (f.kind == StmtKind::Select && f.rowLock >= RowLock::Update && f.reads(table) &&
          serializes(f, table, Dialect::MySQL, scope))
        return "SELECT ... FOR UPDATE (InnoDB gap lock)";
    }
  for (const Execution &l : ev.executions) {
    if (l.statement == check || !FunctionEvents::sameConnection(l.conn, write.conn)) continue;
    if (!runsBefore(ev, l, check)) continue;
    const Statement &ls = ev.statements[l.statement];
    for (const Facts &f : ls.parsed->statements) {
      Scope scope;
      const char *what = serializes(f, table, ls.dialect, scope);
      if (!what) continue;
      if (scope == Scope::Session) return what;
      if (outsideTransaction(ev, l)) continue;  // released when its statement ended
      // A COMMIT/ROLLBACK after the lock and before the write releases it.
      bool released = false;
      for (const Execution &x : ev.executions)
        if (x.id != l.id && x.id != write.id && FunctionEvents::sameConnection(x.conn, write.conn) &&
            endsTransaction(ev.statements[x.statement]) && ev.dominates(l.id, x.id) &&
            ev.dominates(x.id, write.id))
          released = true;
      if (!released) return what;
    }
  }
  return nullptr;
}

std::optional<Ineffective> autocommitLock(const FunctionEvents &ev, int check, const Execution &write) {
  // a transaction-scoped lock (FOR UPDATE, LOCK TABLE, pg_advisory_xact_lock) taken in autocommit mode
  for (const Execution &l : ev.executions) {
    if (!outsideTransaction(ev, l) || !FunctionEvents::sameConnection(l.conn, write.conn)) continue;
    if (l.statement != check && !runsBefore(ev, l, check)) continue;
    const Statement &ls = ev.statements[l.statement];
    for (const Facts &f : ls.parsed->statements) {
      if (!transactionScopedLock(f)) continue;
      std::string what = f.kind == StmtKind::Lock ? "LOCK TABLE"
                         : f.kind == StmtKind::Select && f.rowLock >= RowLock::NoKeyUpdate ? "SELECT ... FOR UPDATE"
                                                                                            : "pg_advisory_xact_lock";
      if (f.kind == StmtKind::Lock)
        return Ineffective{what, "it runs outside a transaction (autocommit, no BEGIN on this connection), where "
                                 "PostgreSQL rejects LOCK TABLE (it can only be used in transaction blocks)",
                           ls.sqlLoc};
      return Ineffective{what, "it runs outside a transaction (autocommit, no BEGIN on this connection), so the lock "
                               "is released as soon as that statement ends, before the write",
                         ls.sqlLoc};
    }
  }
  return std::nullopt;
}

std::optional<Ineffective> ineffectiveProtection(const FunctionEvents &ev, int check, const Execution &write) {
  const Statement &chk = ev.statements[check];
  const Statement &w = ev.statements[write.statement];
  std::string table;
  for (const Facts &f : w.parsed->statements)
    if (!f.targetTable.empty()) table = f.targetTable;
  // a mutex held on every path to the check and to the write
  for (int k : write.processLocks)
    for (const Execution &c : ev.executions)
      if (c.statement == check &&
          std::find(c.processLocks.begin(), c.processLocks.end(), k) != c.processLocks.end()) {
        const ProcessLock &l = ev.processLocks[k];
        return Ineffective{l.name, "it serializes the threads of one process only; another process or host runs "
                                   "the same check at the same time",
                           l.loc};
      }
  if (auto in = autocommitLock(ev, check, write)) return in;
  // FOR UPDATE on the checked rows (PostgreSQL, SQLite, generic): nothing to lock when the row is absent
  if (chk.dialect != Dialect::MySQL)
    for (const Facts &f : chk.parsed->statements)
      if (f.kind == StmtKind::Select && f.rowLock >= RowLock::NoKeyUpdate && f.reads(table)) {
        bool aggregate = f.hasAggregate("max") || f.hasAggregate("count") || f.hasAggregate("min") ||
                         f.hasAggregate("sum");
        return Ineffective{"SELECT ... FOR UPDATE",
                           aggregate ? "FOR UPDATE cannot lock the result of an aggregate: PostgreSQL rejects it, and "
                                       "rows inserted later are not locked anyway"
                                     : "it locks only rows that exist; when the row is absent it locks nothing, and "
                                       "both sessions go on to insert",
                           chk.sqlLoc};
      }
  return std::nullopt;
}

const Execution *defaultIsolationTransaction(const FunctionEvents &ev, int check, const Execution &write) {
  for (const Execution &b : ev.executions) {
    if (!FunctionEvents::sameConnection(b.conn, write.conn) || !runsBefore(ev, b, check)) continue;
    for (const Facts &f : ev.statements[b.statement].parsed->statements)
      if (f.kind == StmtKind::Transaction && f.txn == TxnKind::Begin &&
          (f.isolation == Isolation::Default || f.isolation == Isolation::ReadCommitted ||
           f.isolation == Isolation::RepeatableRead) &&
          f.sqliteBegin != SqliteBegin::Immediate && f.sqliteBegin != SqliteBegin::Exclusive)
        return &b;
  }
  return nullptr;
}

void protectionRemarks(const FunctionEvents &ev, int check, const Execution &write, const std::string &rule,
                       const Statement &reportAt, std::vector<Finding> &out) {
  const char *what = protection(ev, check, write);
  if (!what) return;
  std::string w = what;
  Finding f;
  f.rule = rule;
  f.severity = Severity::Remark;
  f.loc = reportedAt(reportAt);
  f.key = "remark\x1f" + ev.statements[check].text + "\x1f" + reportAt.text;
  if (w == "SERIALIZABLE isolation" && !ev.handlesSerializationFailure) {
    f.message = "protected by SERIALIZABLE isolation: one of two concurrent sessions fails with SQLSTATE 40001 "
                "(serialization failure), and no retry of that failure is visible here, so the code fails "
                "instead of retrying";
    out.push_back(std::move(f));
    return;
  }
  if (w != "advisory lock") return;
  // the session-level lock that protects, and whether an unlock follows it on every path
  for (const Execution &l : ev.executions) {
    bool session = false;
    for (const Facts &fa : ev.statements[l.statement].parsed->statements)
      if (fa.advisory == Advisory::Session || fa.advisory == Advisory::TrySession) session = true;
    if (!session || !ev.dominates(l.id, write.id)) continue;
    bool released = false;
    for (const Execution &u : ev.executions)
      for (const Facts &fa : ev.statements[u.statement].parsed->statements)
        if (fa.advisoryUnlock && FunctionEvents::sameConnection(u.conn, l.conn) && ev.postDominates(u.id, write.id))
          released = true;  // on every path on from the write (a path where the lock was not got may skip it)
    if (released) continue;
    f.message = "protected by a session-level advisory lock that is not released on every path: on a pooled "
                "connection it outlives this code and blocks the next user; pg_advisory_xact_lock is released "
                "with the transaction";
    f.notes.push_back({ev.statements[l.statement].sqlLoc, "session-level advisory lock taken here"});
    out.push_back(std::move(f));
    return;
  }
}

void describe(Finding &f, const FunctionEvents &ev, int check, const Execution &write, const std::string &rule,
              const std::string &message) {
  f.rule = rule;
  f.message = message;
  f.key = ev.statements[check].text + "\x1f" + ev.statements[write.statement].text;
  f.check = ev.statements[check].sqlLoc;
  if (auto in = ineffectiveProtection(ev, check, write)) {
    f.assumesAutocommit = autocommitLock(ev, check, write).has_value();
    f.rule = "ineffective-lock";
    f.message = message.substr(0, message.find(" without a lock")) + ", protected only by " + in->what +
                ", which does not protect it: " + in->why;
    f.notes.push_back({in->loc, in->what + " here"});
  } else if (const Execution *b = defaultIsolationTransaction(ev, check, write)) {
    bool repeatable = false;
    for (const Facts &t : ev.statements[b->statement].parsed->statements)
      if (t.isolation == Isolation::RepeatableRead) repeatable = true;
    f.notes.push_back({ev.statements[b->statement].sqlLoc,
                       repeatable ? "REPEATABLE READ does not stop it either: each session's snapshot lacks the "
                                    "other's new row"
                                  : "this transaction runs at the default isolation level, which does not stop it: "
                                    "each session's read sees the table as it was before the other's write"});
  }
}

}  // namespace rules
}  // namespace sqlrace
