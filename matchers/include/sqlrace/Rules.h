// The rules: each reads a function's events and returns findings.
#pragma once

#include "sqlrace/Events.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace sqlrace {

struct RuleInfo {
  const char *id;
  const char *summary;
};
const std::vector<RuleInfo> &allRules();

std::vector<Finding> runRules(const FunctionEvents &ev);

namespace rules {
void maxPlusOne(const FunctionEvents &ev, std::vector<Finding> &out);
void checkThenInsert(const FunctionEvents &ev, std::vector<Finding> &out);
void unparsedSql(const FunctionEvents &ev, std::vector<Finding> &out);
void readModifyWrite(const FunctionEvents &ev, std::vector<Finding> &out);
void nullableCursor(const FunctionEvents &ev, std::vector<Finding> &out);

// What looks like protection of an unprotected check-then-act but is not: an
// in-process lock, or FOR UPDATE on a row that may not exist (ineffective-lock).
struct Ineffective {
  std::string what;  // "std::lock_guard", "SELECT ... FOR UPDATE"
  std::string why;
  Loc loc;
};
std::optional<Ineffective> ineffectiveProtection(const FunctionEvents &ev, int check, const Execution &write);
// Execution `x` runs on every path before some execution of `statement` (it dominates one).
bool runsBefore(const FunctionEvents &ev, const Execution &x, int statement);
// The statement takes a lock that lasts until the end of its transaction: SELECT ... FOR
// (NO KEY) UPDATE, LOCK TABLE in SHARE ROW EXCLUSIVE mode or stronger, pg_advisory_xact_lock.
bool transactionScopedLock(const sql::Facts &f);
// Why the race surfaces as errors when this key exists ("the unique key k (c) (file:line) turns
// the race into unique-violation errors: ..."), for the "constraint" grade.
std::string constraintReason(const sql::UniqueKey &key);
// A transaction-scoped lock (FOR UPDATE, LOCK TABLE, pg_advisory_xact_lock) before the
// check, taken in autocommit mode: released when its own statement ends.
std::optional<Ineffective> autocommitLock(const FunctionEvents &ev, int check, const Execution &write);
// A plain BEGIN (default isolation) on the connection before the check, for a note.
const Execution *defaultIsolationTransaction(const FunctionEvents &ev, int check, const Execution &write);
// Protection that holds but deserves a word (a remark finding): SERIALIZABLE with
// no retry of SQLSTATE 40001 in sight, or a session-level advisory lock that is
// not released on every path (it outlives the code on a pooled connection).
void protectionRemarks(const FunctionEvents &ev, int check, const Execution &write, const std::string &rule,
                       const Statement &reportAt, std::vector<Finding> &out);

// Sets rule id, message and notes shared by the check-then-act rules.
void describe(Finding &f, const FunctionEvents &ev, int check, const Execution &write, const std::string &rule,
              const std::string &message);

// Shared by the rules (matchers/Protection.cpp).
// Is there a lock or serialization on the same connection that runs before an
// execution of `check` on every path and is still held at `write`? Returns its
// description (for messages) or null.
const char *protection(const FunctionEvents &ev, int check, const Execution &write);
std::string joinColumns(const std::vector<std::string> &cols);
inline bool contains(const std::vector<std::string> &v, const std::string &s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
// Grades the finding: "silent" makes it an error, "constraint" keeps it a warning;
// the reason is added to the message.
void grade(Finding &f, const std::string &how, const std::string &reason);
// Attaches the rewrite to the finding (structured and as a note at `at`); nothing when empty.
// The rewrite for the statement `at` (the notes go to its SQL).
void suggest(Finding &f, Suggestion s, const Statement &at);
// A table named at run time (a value formatted into its name, spelled pr_{kind}): no
// rewrite can name it, so the suggestion says what to do instead.
bool namedAtRunTime(const std::string &table);
// A parent table taken from a key column's name (order_id -> orders) and not known to the
// schema is a guess, and the rewrite says so.
void noteGuessedParent(Suggestion &s, const FunctionEvents &ev, const Statement &st, const std::string &parent,
                       const std::string &keyColumn);
Suggestion runTimeNameAdvice(const std::string &table);
// How the dialect opens a transaction that serializes what follows.
const char *beginFor(Dialect d);
// The statements of a "; "-separated script appended to `to`.
void append(std::vector<std::string> &to, const std::string &script);
// The check and the write serialized: `open` (default: the dialect's BEGIN), `lock` if any,
// the check (unless it is the write itself), the write, then `close`; each written the way
// the code writes its SQL. Empty when either statement does not parse.
Suggestion serialized(const Statement &chk, const Statement &write, const std::string &lock = {},
                      const std::string &open = {}, const std::string &close = "COMMIT");
// The table a foreign key column most likely points to: order_id -> orders,
// category_id -> categories, box_id -> boxes; "" when it is not named <x>_id.
std::string parentTable(const std::string &keyColumn);
// The parent of the rows keyed by `keyColumn` in `table`: the table a foreign key in the schema
// names, else parentTable()'s guess (then `guessed`).
std::string parentOf(const FunctionEvents &ev, const std::string &table, const std::string &keyColumn, bool &guessed);

// The statement takes a lock or isolation that serializes what follows, whatever
// the table (for a caller protecting the functions it calls).
bool serializesAnything(const Statement &s);

// Findings that cross functions: the warning goes to the call in the analyzed
// function through which the INSERT runs, with notes along the way.
Loc reportedAt(const Statement &write);
void addPathNotes(Finding &f, const Statement &s, const std::string &what);
// Both statements come from one call: the callee reported this pair itself.
bool sameCall(const Statement &a, const Statement &b);
}  // namespace rules

}  // namespace sqlrace
