#include "sqlrace/Catalog.h"

#include <unordered_map>
#include <vector>

namespace sqlrace {
namespace {

ApiEntry E(std::string_view n, Role r, Dialect d) {
  ApiEntry e;
  e.name = n;
  e.role = r;
  e.dialect = d;
  return e;
}

// Functions whose only interesting argument is a result or statement handle.
void addHandleFunctions(std::vector<ApiEntry> &c, std::initializer_list<const char *> names, Role role, Dialect d) {
  for (const char *n : names) {
    auto e = E(n, role, d);
    e.handle = 0;
    c.push_back(e);
  }
}

std::vector<ApiEntry> buildCatalog() {
  std::vector<ApiEntry> c;
  const Dialect PG = Dialect::PostgreSQL, LITE = Dialect::SQLite;

  // ---- libpq --------------------------------------------------------------
  auto exec = E("PQexec", Role::Execute, PG);
  exec.conn = 0; exec.sql = 1; exec.returnsHandle = true;
  c.push_back(exec);
  auto execParams = E("PQexecParams", Role::Execute, PG);
  execParams.conn = 0; execParams.sql = 1; execParams.params = 4; execParams.returnsHandle = true;
  c.push_back(execParams);
  auto prepare = E("PQprepare", Role::Prepare, PG);
  prepare.conn = 0; prepare.stmtName = 1; prepare.sql = 2; prepare.returnsHandle = true;
  c.push_back(prepare);
  auto sendPrepare = prepare; sendPrepare.name = "PQsendPrepare"; sendPrepare.returnsHandle = false;
  c.push_back(sendPrepare);
  auto execPrepared = E("PQexecPrepared", Role::ExecPrepared, PG);
  execPrepared.conn = 0; execPrepared.stmtName = 1; execPrepared.params = 3; execPrepared.returnsHandle = true;
  c.push_back(execPrepared);
  auto sendQuery = E("PQsendQuery", Role::Execute, PG);
  sendQuery.conn = 0; sendQuery.sql = 1; sendQuery.async = true;
  c.push_back(sendQuery);
  auto sendQueryParams = E("PQsendQueryParams", Role::Execute, PG);
  sendQueryParams.conn = 0; sendQueryParams.sql = 1; sendQueryParams.params = 4; sendQueryParams.async = true;
  c.push_back(sendQueryParams);
  auto sendQueryPrepared = E("PQsendQueryPrepared", Role::ExecPrepared, PG);
  sendQueryPrepared.conn = 0; sendQueryPrepared.stmtName = 1; sendQueryPrepared.params = 3;
  sendQueryPrepared.async = true;
  c.push_back(sendQueryPrepared);
  auto getResult = E("PQgetResult", Role::FetchResult, PG);
  getResult.conn = 0; getResult.returnsHandle = true;
  c.push_back(getResult);
  addHandleFunctions(c, {"PQgetvalue", "PQntuples", "PQgetisnull", "PQcmdTuples", "PQgetlength", "PQoidValue"},
                     Role::ReadValue, PG);
  addHandleFunctions(c, {"PQresultStatus", "PQclear", "PQresultErrorMessage", "PQresultErrorField", "PQnfields",
                         "PQfname", "PQfnumber", "PQresStatus"},
                     Role::Other, PG);

  // ---- SQLite -------------------------------------------------------------
  auto liteExec = E("sqlite3_exec", Role::Execute, LITE);
  liteExec.conn = 0; liteExec.sql = 1; liteExec.valueOut = 3;
  c.push_back(liteExec);
  for (const char *n : {"sqlite3_prepare", "sqlite3_prepare_v2", "sqlite3_prepare16", "sqlite3_prepare16_v2"}) {
    auto p = E(n, Role::Prepare, LITE);
    p.conn = 0; p.sql = 1; p.handleOut = 3;
    c.push_back(p);
  }
  for (const char *n : {"sqlite3_prepare_v3", "sqlite3_prepare16_v3"}) {
    auto p = E(n, Role::Prepare, LITE);
    p.conn = 0; p.sql = 1; p.handleOut = 4;
    c.push_back(p);
  }
  auto step = E("sqlite3_step", Role::Step, LITE);
  step.handle = 0;
  c.push_back(step);
  for (const char *n : {"sqlite3_bind_int", "sqlite3_bind_int64", "sqlite3_bind_double", "sqlite3_bind_text",
                        "sqlite3_bind_text16", "sqlite3_bind_text64", "sqlite3_bind_blob", "sqlite3_bind_blob64",
                        "sqlite3_bind_value", "sqlite3_bind_pointer", "sqlite3_bind_zeroblob",
                        "sqlite3_bind_zeroblob64"}) {
    auto b = E(n, Role::Bind, LITE);
    b.handle = 0; b.bindIndex = 1; b.bindValue = 2;
    c.push_back(b);
  }
  addHandleFunctions(c, {"sqlite3_column_int", "sqlite3_column_int64", "sqlite3_column_double", "sqlite3_column_text",
                         "sqlite3_column_text16", "sqlite3_column_blob", "sqlite3_column_bytes",
                         "sqlite3_column_bytes16", "sqlite3_column_type", "sqlite3_column_value",
                         "sqlite3_data_count"},
                     Role::ReadValue, LITE);
  addHandleFunctions(c, {"sqlite3_reset", "sqlite3_finalize", "sqlite3_clear_bindings", "sqlite3_bind_null",
                         "sqlite3_column_count", "sqlite3_column_name", "sqlite3_sql", "sqlite3_expanded_sql"},
                     Role::Other, LITE);
  return c;
}

}  // namespace

const ApiEntry *lookupApi(std::string_view name) {
  static const std::vector<ApiEntry> catalog = buildCatalog();
  static const std::unordered_map<std::string_view, const ApiEntry *> index = [] {
    std::unordered_map<std::string_view, const ApiEntry *> m;
    for (const ApiEntry &e : catalog) m.emplace(e.name, &e);
    return m;
  }();
  auto it = index.find(name);
  return it == index.end() ? nullptr : it->second;
}

}  // namespace sqlrace
