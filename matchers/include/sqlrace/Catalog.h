// The API catalog: which library functions and methods execute, prepare,
// bind, step and read results, and where their arguments are. Adding an API is
// adding rows to Catalog.cpp (or to the user's configuration), not code paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sqlrace {

enum class Dialect { PostgreSQL, SQLite, MySQL, Generic };

enum class Role {
  Execute,       // runs SQL text now (PQexec, sqlite3_exec, txn.exec, QSqlQuery::exec(sql), session << sql)
  Prepare,       // compiles SQL text into a named or handle-held statement
  ExecPrepared,  // runs a statement prepared under a name (PQexecPrepared, exec_prepared)
  Step,          // runs / advances a prepared statement handle; its value is data (row/done, row count)
  Bind,          // binds one parameter of a prepared statement handle
  BindArray,     // binds all parameters from an array of bind structures (mysql_stmt_bind_param)
  BindResult,    // binds output variables that the fetch fills (SQLBindCol, mysql_stmt_bind_result)
  FetchResult,   // returns the result of the latest execution on a connection (PQgetResult, mysql_store_result)
  ReadValue,     // reads data from a result or statement handle (or, without one, the latest on a connection)
  Into,          // soci::into / Poco into: the variable receives data of the statement it is chained to
  Use,           // soci::use / Poco use: binds a value to the statement it is chained to
  Other,         // known, neither executes nor reads data (status, clear, finalize)
};

// Argument index meaning "the object the method is called on".
constexpr int This = -2;

struct ApiEntry {
  std::string name;    // qualified name: "PQexec", "pqxx::transaction_base::exec", "QSqlQuery::prepare"
  Role role = Role::Other;
  Dialect dialect = Dialect::Generic;
  int arity = -1;      // number of explicit arguments this row is for (-1: any)
  int conn = -1;       // connection argument (This allowed)
  int sql = -1;        // SQL text argument
  int format = -1;     // printf-style format argument (the SQL is formatted from it and the arguments after)
  int stmtName = -1;   // prepared statement name argument
  int params = -1;     // parameter values: an array ($1 = element 0), or with variadicParams the arguments from here on
  bool variadicParams = false;
  int handleOut = -1;  // argument (or This) that receives / becomes the statement or result handle
  int handle = -1;     // result or statement handle argument (This allowed)
  int bindIndex = -1;  // parameter number (1-based) or name argument of a bind call; -1 with Bind: next position
  int bindValue = -1;  // bound value argument
  int valueOut = -1;   // out-argument that receives data from the result
  bool returnsHandle = false;  // the call's value is a result or statement handle
  bool returnsValue = false;   // the call's value is data from its own statement (query_value)
  // a step whose value only says whether it ran (QSqlQuery::exec() -> bool, mysql_stmt_execute
  // -> 0), unlike sqlite3_step's SQLITE_ROW / SQLITE_DONE: not data from the statement
  bool statusOnly = false;
  bool chain = false;  // into/use are chained with operator, (SOCI, Poco)
};

// Looks a function up by qualified name and number of explicit arguments. Null if unknown.
const ApiEntry *lookupApi(std::string_view qualifiedName, int numArgs = -1);

// Adds rows (from the user's configuration); later rows win over earlier ones.
void addApiEntries(const std::vector<ApiEntry> &rows);
// Changes whenever addApiEntries adds rows (lookups cached before then are stale).
unsigned apiGeneration();

// printf-style SQL builders: the format argument, the first value argument,
// and the buffer written (-1: the SQL is the return value).
struct FormatEntry {
  std::string name;
  int buffer = -1;
  int format = 0;
  int firstValue = 1;
  bool braces = false;  // {} placeholders (fmt::format, std::format) instead of printf
};
const FormatEntry *lookupFormat(std::string_view qualifiedName);
void addFormatEntries(const std::vector<FormatEntry> &rows);

}  // namespace sqlrace
