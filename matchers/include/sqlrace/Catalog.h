// The API catalog: which library functions execute, prepare, bind, step and
// read results, and where their arguments are. Adding an API is adding rows to
// Catalog.cpp, not code paths.
#pragma once

#include <string_view>

namespace sqlrace {

enum class Dialect { PostgreSQL, SQLite, MySQL, Generic };

enum class Role {
  Execute,       // runs SQL text now (PQexec, sqlite3_exec)
  Prepare,       // compiles SQL text into a named or handle-held statement
  ExecPrepared,  // runs a statement prepared under a name (PQexecPrepared)
  Step,          // runs / advances a prepared statement handle (sqlite3_step); returns row/done
  Bind,          // binds one parameter of a prepared statement handle
  FetchResult,   // returns the result of the latest asynchronous execution on a connection
  ReadValue,     // reads data from a result or statement handle
  Other,         // known, neither executes nor reads data (status, clear, finalize)
};

struct ApiEntry {
  std::string_view name;
  Role role;
  Dialect dialect;
  int conn = -1;       // connection argument
  int sql = -1;        // SQL text argument
  int stmtName = -1;   // prepared statement name argument
  int params = -1;     // array of parameter values, $1 = element 0
  int handleOut = -1;  // out-parameter that receives a statement handle
  int handle = -1;     // result or statement handle argument
  int bindIndex = -1;  // parameter number argument (1-based in the API)
  int bindValue = -1;  // bound value argument
  int valueOut = -1;   // out-parameter that receives data from the result (callback argument)
  bool async = false;  // result comes later through FetchResult
  bool returnsHandle = false;
};

// Looks a function up by name (C functions: their plain name). Null if unknown.
const ApiEntry *lookupApi(std::string_view name);

}  // namespace sqlrace
