// Plain data passed from the Clang side (Analyzer) to the rules: the database
// work of one function body as statements and executions with their
// dependences. Nothing here includes Clang.
#pragma once

#include "sqlrace/Catalog.h"
#include "sqlrace/Schema.h"
#include "sqlrace/sqlparse.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace sqlrace {

// An opaque source location (a clang::SourceLocation's raw encoding); only
// frontends turn it back into file:line:col.
struct Loc {
  unsigned raw = 0;
  int ext = -1;  // a place in another translation unit (cross-file summaries): index into externalLocs()
  bool valid() const { return raw != 0 || ext >= 0; }
  bool operator==(const Loc &o) const { return raw == o.raw && ext == o.ext; }
};

// Places in other files, known by path and position only.
struct ExternalLoc {
  std::string file;
  unsigned line = 0, col = 0;
};
std::vector<ExternalLoc> &externalLocs();
inline Loc externalLoc(ExternalLoc l) {
  externalLocs().push_back(std::move(l));
  return Loc{0, (int)externalLocs().size() - 1};
}

// One piece of SQL text handed to the database: an Execute call's SQL or a
// Prepare call's SQL.
struct Statement {
  int id = 0;
  std::string text;
  std::shared_ptr<const sql::ParsedSql> parsed;  // never null
  Loc sqlLoc;          // the SQL argument at the call
  const void *conn = nullptr;  // connection identity (a declaration), null if unknown
  Dialect dialect = Dialect::Generic;
  // $n -> how the code spells it: ?, :name, or for a value computed into the
  // text its format conversion ('%s', %ld, %1) or `" + expr + "`
  std::map<int, std::string> spelling;
  // $n -> the variable whose value the code computes into the text there (holes only)
  std::map<int, const void *> holeVar;
  // Calls through which this statement is reached from the analyzed function,
  // innermost first (empty: the function runs it itself). When the statement
  // ran in a helper, via.back() is the call in the analyzed function.
  std::vector<Loc> via;
  std::string function;  // the function whose code holds the SQL
  // When the SQL is one plain string literal in the source: where it starts and where
  // its (last) token starts (a fix-it can replace the range through that token's end,
  // which frontends work out only for the fixes they show); else invalid.
  Loc literalBegin, literalEnd;
  // The API does not say which database it talks to and nothing else did (no `dialect:`
  // in the configuration, no Qt driver name in the file): PostgreSQL was assumed.
  bool dialectAssumed = false;
  const sql::Facts *first(sql::StmtKind k) const;  // first statement of that kind, or null
  // A rewrite written the way this statement's code writes SQL: its placeholders
  // and the letter case of its identifiers.
  std::string respell(const std::string &pgSql) const { return sql::respellLike(pgSql, spelling, text); }
  // An identifier from the facts (folded to lower case) as the code wrote it.
  std::string name(const std::string &ident) const { return sql::restoreCase(ident, text); }
};

// One point where a statement runs (the execute call, or sqlite3_step).
struct Execution {
  int id = 0;
  int statement = 0;
  Loc loc;
  const void *conn = nullptr;
  // $n -> statements whose results the value bound to $n depends on ($0: some
  // parameter, which one could not be told)
  std::map<int, std::set<int>> paramDeps;
  // statements whose results decide (by a branch) whether this execution runs
  std::set<int> controlDeps;
  // statements whose rows a loop around this execution iterates over: the
  // execution runs once per row, which is iteration, not a check
  std::set<int> loopControlDeps;
  // runs in a transaction object that is SERIALIZABLE by type (pqxx::transaction<pqxx::serializable>)
  bool serializable = false;
  // runs through an API whose connection is in autocommit mode until the code sends BEGIN
  // (libpq, SQLite, pqxx::nontransaction): a lock it takes ends with the statement unless
  // a transaction is open
  bool autocommit = false;
  // in-process locks (mutexes) held on every path to here: indices into FunctionEvents::processLocks
  std::vector<int> processLocks;
  // checks whose value decides this execution by comparison with a limit
  // (COUNT(*) < capacity), not with zero: a capacity check
  std::set<int> capacityChecks;
};

// A lock of the program's own process: std::mutex, std::lock_guard, pthread_mutex_lock, QMutexLocker.
struct ProcessLock {
  Loc loc;
  std::string name;
};

// Error: the schema shows the race corrupts data silently (no constraint stops it).
// Warning: a race (with a constraint in the schema it surfaces as errors; or the schema is not known).
enum class Severity { Warning, Remark, Error };

struct Note {
  Loc loc;
  std::string message;
};

// A rewrite as data, for people and for tools: DDL to run once against the
// database, then what the code runs instead of its check and write, in order
// and in the code's dialect (BEGIN/COMMIT included when it needs a transaction).
struct Suggestion {
  std::vector<std::string> schema;
  std::vector<std::string> statements;
  std::string note;  // what else changes, in words
  bool empty() const { return schema.empty() && statements.empty(); }
  // One line: the DDL and the statements separated by "; ", then " -- note".
  std::string text() const;
};

struct Finding {
  std::string rule;  // stable id, e.g. "check-then-insert"
  Severity severity = Severity::Warning;
  Loc loc;
  std::string message;
  std::vector<Note> notes;
  // How the race shows, by the schema: "silent" (duplicates or lost updates go in),
  // "constraint" (a unique key turns it into unique-violation errors); empty when
  // the schema does not know the table. gradeReason says why, in words.
  std::string grade, gradeReason;
  // the finding rests on the function running in autocommit mode (a lock without BEGIN):
  // dropped when a caller in the same file calls the function inside a transaction
  bool assumesAutocommit = false;
  std::string rewrite;  // suggested SQL on one line (suggestion.text()), empty if none
  Suggestion suggestion;
  // What identifies the finding across edits elsewhere in the file (the SQL of
  // the check and of the write), for fingerprints; frontends add file and function.
  std::string key;
  Loc check;  // where the check runs (for the interleaving), if the rule has one
  // A mechanical edit: replace fixBegin through the end of the token at fixEnd with fixText
  // (a C string literal).
  Loc fixBegin, fixEnd;
  std::string fixText;
};

struct FunctionEvents {
  std::vector<Statement> statements;  // index == id
  std::vector<Execution> executions;  // index == id
  std::vector<ProcessLock> processLocks;
  // statements whose results some branch depends on (e.g. an UPDATE's affected-row count is checked)
  std::set<int> decidedBy;
  // true when execution a runs on every path before execution b (a dominates b)
  std::function<bool(int a, int b)> dominates;
  // true when execution a runs on every path after execution b (a post-dominates b)
  std::function<bool(int a, int b)> postDominates;
  // a unique-violation failure of execution x is detected and leads back to the check or
  // to a re-read (insert-and-retry): the race is handled. Asked only for an INSERT a rule
  // is about to report (the answer walks the function and its helpers).
  std::function<bool(int x)> retriesOnUniqueViolation;
  // the function tests for a serialization failure (SQLSTATE 40001) somewhere: it retries
  bool handlesSerializationFailure = false;
  // the function calls a function of the project whose body is not visible, passing it a
  // connection or an object: it may open a transaction there (no autocommit assumed)
  bool opaqueCalls = false;
  // the project's schema with the DDL this translation unit runs applied; null if none
  const sql::Schema *schema = nullptr;

  static bool sameConnection(const void *a, const void *b) { return !a || !b || a == b; }
};

}  // namespace sqlrace
