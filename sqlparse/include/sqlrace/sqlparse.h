// sqlparse: SQL text in, statement facts out. No Clang in here.
//
// Every SQL string the analysis meets goes through analyzeSql(): placeholders
// and SQLite/MySQL-specific syntax are normalized so libpg_query can parse the
// text, each statement is reduced to a small Facts value, and failures are
// values (ParsedSql::ok == false with a message), never aborts.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqlrace::sql {

enum class StmtKind { Select, Insert, Update, Delete, Lock, Transaction, Set, Other };
enum class RowLock { None, KeyShare, Share, NoKeyUpdate, Update };
enum class Conflict { None, DoNothing, DoUpdate, Ignore, Replace };
enum class TxnKind { None, Begin, Commit, Rollback, Savepoint, Release, RollbackTo, Prepare, Other };
enum class Isolation { Default, ReadUncommitted, ReadCommitted, RepeatableRead, Serializable };
enum class SqliteBegin { None, Deferred, Immediate, Exclusive };
enum class Advisory { None, Session, Xact, SessionShared, XactShared, TrySession, TryXact };

// PostgreSQL table lock modes, numbered as in lockdefs.h (1..8).
enum LockMode : int {
  AccessShare = 1, RowShare, RowExclusive, ShareUpdateExclusive, Share,
  ShareRowExclusive, Exclusive, AccessExclusive
};

struct Aggregate {
  std::string function;  // "max", "count", "min", "sum" (lower case)
  std::string column;    // argument column, "*" for count(*), empty if an expression
  bool plusOne = false;  // the aggregate takes part in `+ 1` (possibly inside COALESCE)
};

struct Facts {
  StmtKind kind = StmtKind::Other;
  std::string targetTable;              // INSERT/UPDATE/DELETE target
  std::vector<std::string> tablesRead;  // every table read (FROM, subqueries, INSERT ... SELECT)
  // Columns compared by equality at the top level of WHERE (AND-ed), in order,
  // with the $n placeholder they are compared with (0 if not a placeholder).
  std::vector<std::string> keyColumns;
  std::vector<int> keyParams;
  // Columns compared with `>`/`>=` (a cursor: WHERE version > $1), and columns tested
  // IS NOT NULL, at the top level of WHERE.
  std::vector<std::string> rangeColumns;
  std::vector<std::string> notNullColumns;
  std::vector<Aggregate> aggregates;
  bool exists = false;      // EXISTS (...) appears
  bool notExists = false;   // NOT EXISTS (...) appears
  RowLock rowLock = RowLock::None;  // strongest FOR ... clause
  Conflict conflict = Conflict::None;
  std::vector<std::string> conflictColumns;
  bool returning = false;
  // INSERT: listed columns and, per column, the $n written into it (0 = not a plain placeholder).
  std::vector<std::string> insertColumns;
  std::vector<int> insertParams;
  bool insertFromSelect = false;  // INSERT ... SELECT (not VALUES)
  // UPDATE: columns set; selfRelative[i] is true when column i is set relative to itself (n = n + 1).
  std::vector<std::string> setColumns;
  std::vector<bool> setSelfRelative;
  std::vector<std::vector<int>> setParams;  // the $n used in each SET value
  // SELECT: the columns it returns ("*" for a star), and `ORDER BY col DESC LIMIT 1` (the latest row / a MAX)
  std::vector<std::string> selectColumns;
  std::string latestBy;
  // LOCK TABLE
  std::vector<std::string> lockTables;
  int lockMode = 0;
  Advisory advisory = Advisory::None;
  bool advisoryUnlock = false;  // pg_advisory_unlock(_all), RELEASE_LOCK
  TxnKind txn = TxnKind::None;
  Isolation isolation = Isolation::Default;  // BEGIN/START/SET TRANSACTION/SET SESSION CHARACTERISTICS
  bool sessionIsolation = false;             // isolation set for the session, not one transaction
  SqliteBegin sqliteBegin = SqliteBegin::None;
  std::string setName;  // SET <name> = ...
  bool plusOneSeen = false;  // `aggregate + 1` somewhere in the statement
  bool countLimit = false;   // count(...) compared with a limit in the SQL (count(*) < $2), not with 0 or 1
  bool rangeLock = false;    // key-range lock on what it reads (SQL Server HOLDLOCK)

  bool hasAggregate(std::string_view fn) const;
  const Aggregate *findAggregate(std::string_view fn) const;
  bool reads(std::string_view table) const;
};

struct ParsedSql {
  bool ok = false;
  std::string error;           // parse error message when !ok
  int errorOffset = -1;        // offset into the ORIGINAL text, -1 if unknown
  std::string normalized;      // text handed to libpg_query
  int paramCount = 0;          // highest $n after normalization
  std::map<std::string, int> namedParams;  // :name/@name/$name -> n
  std::map<std::string, int> holeParams;   // hole key -> $n (see Normalized)
  std::map<int, std::string> spelling;     // $n -> how the original wrote it (?, ?3, :name, '%s', a hole marker)
  std::vector<Facts> statements;
  bool fallback = false;       // facts come from the token-level classifier
};

// Dialect syntax removed or rewritten by normalization, per statement.
struct StatementMarks {
  Conflict conflict = Conflict::None;      // INSERT OR IGNORE/REPLACE, INSERT IGNORE, REPLACE INTO, ON DUPLICATE KEY
  SqliteBegin begin = SqliteBegin::None;   // BEGIN DEFERRED/IMMEDIATE/EXCLUSIVE
  bool updLock = false;                    // SQL Server WITH (UPDLOCK)
  bool rangeLock = false;                  // SQL Server WITH (HOLDLOCK/SERIALIZABLE): key-range lock
  bool returning = false;                  // SQL Server OUTPUT inserted.x
};

struct NormalizeOptions {
  bool printfHoles = false;         // the text is a printf format: %d, '%s', %Q ... are holes
  bool holesAsIdentifiers = false;  // holes become identifiers (for a hole in a table-name position)
};

struct Normalized {
  std::string text;
  std::vector<uint32_t> toOriginal;  // offset in text -> offset in original (size text+1)
  int paramCount = 0;                // highest $n, holes included
  std::map<std::string, int> namedParams;
  // Holes: "\x01<n>\x01" markers left by SQL text resolution (key "<n>") and printf
  // conversions (key "p<k>"), each a parameter numbered after the real ones (0 when
  // it became an identifier).
  std::map<std::string, int> holeParams;
  std::map<int, std::string> spelling;  // $n -> its text in the original (first occurrence)
  std::vector<StatementMarks> marks;  // one per statement, in order
};

// Placeholder and dialect normalization (`?`, `?NNN`, `:name`, `@name`, `$name` -> `$n`,
// backticks -> double quotes, SQLite/MySQL/Oracle/SQL Server forms). Never fails.
Normalized normalize(std::string_view sql, const NormalizeOptions &opt = {});

// Marker for a hole in resolved SQL text (a value the program computes).
inline std::string holeMarker(int n) { return "\x01" + std::to_string(n) + "\x01"; }

// Parse + facts. Memoized by text and options; thread safe. When the text does
// not parse even after normalization, a token-level classification
// (pg_query_scan) still gives kind, tables and lock/atomic markers
// (ParsedSql::fallback, with ok == false and the parser's error kept).
std::shared_ptr<const ParsedSql> analyzeSql(std::string_view sql, const NormalizeOptions &opt = {});

// Rewrites built on the real parse tree and deparsed by libpg_query.
struct Rewrite {
  bool ok = false;
  std::string sql;    // one or more statements separated by "; "
  std::string note;   // what the caller must change along with it (e.g. renumbered parameters)
  std::map<int, int> renumbered;  // new $n -> the $n it was before (insertWithoutColumn)
  std::string error;
};
// The INSERT (first statement of insertSql) with ON CONFLICT (keys) DO NOTHING, or,
// when updateSql is the UPDATE the code runs when the row exists, DO UPDATE with
// that UPDATE's assignments: its placeholders become EXCLUDED.<column the INSERT
// writes them to> and its columns <table>.<column>, so `n = n + $3` stays an
// increment. Key columns are not reassigned.
// updateParams maps the UPDATE's $n to the INSERT's $m when both are bound to the
// same value (same name, or the same array); without it $n is taken to be $n.
Rewrite insertOnConflict(std::string_view insertSql, const std::vector<std::string> &keys,
                         std::string_view updateSql = {}, const std::map<int, int> *updateParams = nullptr);

// The same for MySQL: INSERT IGNORE, or ON DUPLICATE KEY UPDATE c = VALUES(c).
Rewrite mysqlUpsert(std::string_view insertSql, const std::vector<std::string> &keys,
                    std::string_view updateSql = {}, const std::map<int, int> *updateParams = nullptr);

// Identifiers and function names of a deparsed statement written back with the
// letter case of the original text (the deparser folds them to lower case).
std::string restoreCase(std::string_view deparsed, std::string_view original);

// $n placeholders written back the way the original spelled them ($n -> spelling[n]).
std::string respell(std::string_view sql, const std::map<int, std::string> &spelling);
// Both: restoreCase(respell(sql, spelling), original), remembered per distinct input (a
// rewrite is written this way once per finding, and findings repeat their statements).
std::string respellLike(std::string_view sql, const std::map<int, std::string> &spelling, std::string_view original);
// The INSERT without `column` (and the value written into it); the remaining
// placeholders are renumbered densely, with Rewrite::note saying how.
Rewrite insertWithoutColumn(std::string_view insertSql, std::string_view column);
// The SELECT with FOR UPDATE added (the read of a read-modify-write, locked).
Rewrite selectForUpdate(std::string_view selectSql);
// The SELECT with `AND column IS NOT NULL` added to its WHERE.
Rewrite selectWhereNotNull(std::string_view selectSql, std::string_view column);
// CREATE UNIQUE INDEX ON table (cols).
Rewrite uniqueIndex(std::string_view table, const std::vector<std::string> &cols);
// Sequence default for table.column, started past the current maximum.
Rewrite sequenceDefault(std::string_view table, std::string_view column);
// UPDATE parent SET counter = counter + 1 WHERE id = $<param> RETURNING counter
Rewrite parentCounter(std::string_view parentTable, std::string_view counterColumn, int param = 1);
// SELECT pg_advisory_xact_lock(hashtext(<table> || $k)) keyed on the given placeholders.
Rewrite advisoryXactLock(std::string_view table, const std::vector<int> &keyParams);

// Statements of a script, each without its ';' (quotes, comments and dollar quotes
// respected; an unbalanced parenthesis does not swallow the statements after it).
std::vector<std::string> splitStatements(std::string_view sql);
// The same as (offset, length) ranges of the text, blanks and comments included.
std::vector<std::pair<size_t, size_t>> statementRanges(std::string_view sql);

// $n placeholders written in another style: '?' gives ?n (SQLite numbered parameters).
std::string withPlaceholders(std::string_view sql, char style);

// Round trip: parse and deparse (canonical form); error if it does not parse.
Rewrite canonical(std::string_view sql);

const char *toString(StmtKind k);
std::string quoteIdent(std::string_view ident);

}  // namespace sqlrace::sql
