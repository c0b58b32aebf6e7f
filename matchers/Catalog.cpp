#include "sqlrace/Catalog.h"

#include <mutex>
#include <atomic>
#include <unordered_map>

namespace sqlrace {
namespace {

ApiEntry E(std::string_view n, Role r, Dialect d) {
  ApiEntry e;
  e.name = std::string(n);
  e.role = r;
  e.dialect = d;
  return e;
}

// Functions whose only interesting argument is a result or statement handle.
void addHandleFunctions(std::vector<ApiEntry> &c, std::initializer_list<const char *> names, Role role, Dialect d,
                        int handle = 0) {
  for (const char *n : names) {
    auto e = E(n, role, d);
    e.handle = handle;
    c.push_back(e);
  }
}

void libpq(std::vector<ApiEntry> &c) {
  const Dialect PG = Dialect::PostgreSQL;
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
  sendQuery.conn = 0; sendQuery.sql = 1;
  c.push_back(sendQuery);
  auto sendQueryParams = E("PQsendQueryParams", Role::Execute, PG);
  sendQueryParams.conn = 0; sendQueryParams.sql = 1; sendQueryParams.params = 4;
  c.push_back(sendQueryParams);
  auto sendQueryPrepared = E("PQsendQueryPrepared", Role::ExecPrepared, PG);
  sendQueryPrepared.conn = 0; sendQueryPrepared.stmtName = 1; sendQueryPrepared.params = 3;
  c.push_back(sendQueryPrepared);
  auto getResult = E("PQgetResult", Role::FetchResult, PG);
  getResult.conn = 0; getResult.returnsHandle = true;
  c.push_back(getResult);
  addHandleFunctions(c, {"PQgetvalue", "PQntuples", "PQgetisnull", "PQcmdTuples", "PQgetlength", "PQoidValue"},
                     Role::ReadValue, PG);
  addHandleFunctions(c, {"PQresultStatus", "PQclear", "PQresultErrorMessage", "PQresultErrorField", "PQnfields",
                         "PQfname", "PQfnumber", "PQresStatus"},
                     Role::Other, PG);
}

void sqlite(std::vector<ApiEntry> &c) {
  const Dialect LITE = Dialect::SQLite;
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
  auto changes = E("sqlite3_changes", Role::ReadValue, LITE);
  changes.conn = 0;
  c.push_back(changes);
}

void mysql(std::vector<ApiEntry> &c) {
  const Dialect MY = Dialect::MySQL;
  for (const char *n : {"mysql_query", "mysql_real_query", "mysql_send_query"}) {
    auto q = E(n, Role::Execute, MY);
    q.conn = 0; q.sql = 1;
    c.push_back(q);
  }
  for (const char *n : {"mysql_store_result", "mysql_use_result"}) {
    auto r = E(n, Role::FetchResult, MY);
    r.conn = 0; r.returnsHandle = true;
    c.push_back(r);
  }
  addHandleFunctions(c, {"mysql_num_rows", "mysql_fetch_row", "mysql_fetch_lengths", "mysql_fetch_field",
                         "mysql_num_fields"},
                     Role::ReadValue, MY);
  for (const char *n : {"mysql_affected_rows", "mysql_insert_id", "mysql_field_count"}) {
    auto r = E(n, Role::ReadValue, MY);
    r.conn = 0;  // the latest execution on the connection
    c.push_back(r);
  }
  addHandleFunctions(c, {"mysql_free_result", "mysql_stmt_close", "mysql_stmt_reset", "mysql_stmt_free_result",
                         "mysql_stmt_error", "mysql_stmt_errno"},
                     Role::Other, MY);
  auto prep = E("mysql_stmt_prepare", Role::Prepare, MY);
  prep.handleOut = 0; prep.sql = 1;
  c.push_back(prep);
  auto bindParam = E("mysql_stmt_bind_param", Role::BindArray, MY);
  bindParam.handle = 0; bindParam.params = 1;
  c.push_back(bindParam);
  auto bindResult = E("mysql_stmt_bind_result", Role::BindResult, MY);
  bindResult.handle = 0; bindResult.valueOut = 1;
  c.push_back(bindResult);
  auto exec = E("mysql_stmt_execute", Role::Step, MY);
  exec.handle = 0; exec.statusOnly = true;
  c.push_back(exec);
  addHandleFunctions(c, {"mysql_stmt_fetch", "mysql_stmt_store_result", "mysql_stmt_num_rows",
                         "mysql_stmt_affected_rows", "mysql_stmt_insert_id", "mysql_stmt_fetch_column"},
                     Role::ReadValue, MY);
}

void odbc(std::vector<ApiEntry> &c) {
  const Dialect G = Dialect::Generic;
  for (const char *n : {"SQLExecDirect", "SQLExecDirectW", "SQLExecDirectA"}) {
    auto e = E(n, Role::Execute, G);
    e.handleOut = 0; e.sql = 1;
    c.push_back(e);
  }
  for (const char *n : {"SQLPrepare", "SQLPrepareW", "SQLPrepareA"}) {
    auto p = E(n, Role::Prepare, G);
    p.handleOut = 0; p.sql = 1;
    c.push_back(p);
  }
  auto exec = E("SQLExecute", Role::Step, G);
  exec.handle = 0;
  c.push_back(exec);
  addHandleFunctions(c, {"SQLFetch", "SQLFetchScroll", "SQLExtendedFetch", "SQLMoreResults"}, Role::ReadValue, G);
  auto getData = E("SQLGetData", Role::ReadValue, G);
  getData.handle = 0; getData.valueOut = 3;
  c.push_back(getData);
  auto rowCount = E("SQLRowCount", Role::ReadValue, G);
  rowCount.handle = 0; rowCount.valueOut = 1;
  c.push_back(rowCount);
  auto bindCol = E("SQLBindCol", Role::BindResult, G);
  bindCol.handle = 0; bindCol.valueOut = 3;
  c.push_back(bindCol);
  auto bindParam = E("SQLBindParameter", Role::Bind, G);
  bindParam.handle = 0; bindParam.bindIndex = 1; bindParam.bindValue = 7;
  c.push_back(bindParam);
  addHandleFunctions(c, {"SQLCloseCursor", "SQLFreeStmt", "SQLNumResultCols"}, Role::Other, G);
}

void libpqxx(std::vector<ApiEntry> &c) {
  const Dialect PG = Dialect::PostgreSQL;
  const std::string T = "pqxx::transaction_base::";
  for (const char *n : {"exec", "exec0", "exec1"}) {
    auto e = E(T + n, Role::Execute, PG);
    e.conn = This; e.sql = 0; e.returnsHandle = true;
    c.push_back(e);
  }
  auto execN = E(T + "exec_n", Role::Execute, PG);
  execN.conn = This; execN.sql = 1; execN.returnsHandle = true;
  c.push_back(execN);
  for (const char *n : {"exec_params", "exec_params0", "exec_params1"}) {
    auto e = E(T + n, Role::Execute, PG);
    e.conn = This; e.sql = 0; e.params = 1; e.variadicParams = true; e.returnsHandle = true;
    c.push_back(e);
  }
  auto execParamsN = E(T + "exec_params_n", Role::Execute, PG);
  execParamsN.conn = This; execParamsN.sql = 1; execParamsN.params = 2; execParamsN.variadicParams = true;
  execParamsN.returnsHandle = true;
  c.push_back(execParamsN);
  for (const char *n : {"query_value", "query", "query01", "query1", "query_n"}) {  // libpqxx 7
    auto e = E(T + n, Role::Execute, PG);
    e.conn = This; e.sql = 0; e.params = 1; e.variadicParams = true; e.returnsValue = true;
    c.push_back(e);
  }
  for (const char *n : {"exec_prepared", "exec_prepared0", "exec_prepared1"}) {
    auto e = E(T + n, Role::ExecPrepared, PG);
    e.conn = This; e.stmtName = 0; e.params = 1; e.variadicParams = true; e.returnsHandle = true;
    c.push_back(e);
  }
  // prepared statements belong to the connection, executed through any transaction on it
  for (const char *n : {"pqxx::connection_base::prepare", "pqxx::connection::prepare"}) {
    auto p = E(n, Role::Prepare, PG);
    p.arity = 2; p.stmtName = 0; p.sql = 1;
    c.push_back(p);
  }
  for (const char *cls : {"pqxx::result::", "pqxx::row::"})
    for (const char *m : {"empty", "size", "operator[]", "at", "begin", "cbegin", "front", "back", "affected_rows",
                          "one_row", "one_field", "one_field", "inserted_oid"})
      addHandleFunctions(c, {(std::string(cls) + m).c_str()}, Role::ReadValue, PG, This);
}

void qt(std::vector<ApiEntry> &c) {
  const Dialect G = Dialect::Generic;
  auto ctor = E("QSqlQuery::QSqlQuery", Role::Execute, G);  // QSqlQuery(sql, db) runs sql at once
  ctor.sql = 0; ctor.returnsHandle = true;
  c.push_back(ctor);
  auto execSql = E("QSqlQuery::exec", Role::Execute, G);
  execSql.arity = 1; execSql.sql = 0; execSql.handleOut = This;
  c.push_back(execSql);
  auto prepare = E("QSqlQuery::prepare", Role::Prepare, G);
  prepare.sql = 0; prepare.handleOut = This;
  c.push_back(prepare);
  auto exec = E("QSqlQuery::exec", Role::Step, G);
  exec.arity = 0; exec.handle = This; exec.statusOnly = true;
  c.push_back(exec);
  auto execBatch = E("QSqlQuery::execBatch", Role::Step, G);
  execBatch.handle = This; execBatch.statusOnly = true;
  c.push_back(execBatch);
  auto bindValue = E("QSqlQuery::bindValue", Role::Bind, G);
  bindValue.handle = This; bindValue.bindIndex = 0; bindValue.bindValue = 1;
  c.push_back(bindValue);
  auto addBindValue = E("QSqlQuery::addBindValue", Role::Bind, G);
  addBindValue.handle = This; addBindValue.bindValue = 0;
  c.push_back(addBindValue);
  for (const char *m : {"next", "first", "last", "previous", "seek", "value", "size", "isValid", "numRowsAffected",
                        "record", "isNull", "lastInsertId", "at"})
    addHandleFunctions(c, {(std::string("QSqlQuery::") + m).c_str()}, Role::ReadValue, G, This);
}

void soci(std::vector<ApiEntry> &c) {
  const Dialect G = Dialect::Generic;
  for (const char *n : {"soci::session::operator<<", "soci::details::once_type::operator<<"}) {
    auto e = E(n, Role::Execute, G);
    e.conn = This; e.sql = 0; e.chain = true;
    c.push_back(e);
  }
  auto prepare = E("soci::details::prepare_type::operator<<", Role::Prepare, G);
  prepare.sql = 0; prepare.chain = true; prepare.returnsHandle = true;
  c.push_back(prepare);
  auto execute = E("soci::statement::execute", Role::Step, G);
  execute.handle = This;
  c.push_back(execute);
  addHandleFunctions(c, {"soci::statement::fetch", "soci::statement::got_data", "soci::statement::get_affected_rows",
                         "soci::rowset::begin"},
                     Role::ReadValue, G, This);
  auto gotData = E("soci::session::got_data", Role::ReadValue, G);
  gotData.conn = This;
  c.push_back(gotData);
  auto into = E("soci::into", Role::Into, G);
  into.valueOut = 0;
  c.push_back(into);
  auto use = E("soci::use", Role::Use, G);
  use.bindValue = 0;
  c.push_back(use);
}

void poco(std::vector<ApiEntry> &c) {
  const Dialect G = Dialect::Generic;
  auto once = E("Poco::Data::Session::operator<<", Role::Execute, G);
  once.conn = This; once.sql = 0; once.chain = true;
  c.push_back(once);
  auto stmt = E("Poco::Data::Statement::operator<<", Role::Prepare, G);
  stmt.sql = 0; stmt.chain = true; stmt.handleOut = This;
  c.push_back(stmt);
  auto execute = E("Poco::Data::Statement::execute", Role::Step, G);
  execute.handle = This;
  c.push_back(execute);
  addHandleFunctions(c, {"Poco::Data::Statement::done", "Poco::Data::Statement::rowsExtracted",
                         "Poco::Data::Statement::subTotalRowCount", "Poco::Data::RecordSet::rowCount",
                         "Poco::Data::RecordSet::moveFirst", "Poco::Data::RecordSet::value",
                         "Poco::Data::RecordSet::operator[]"},
                     Role::ReadValue, G, This);
  auto into = E("Poco::Data::Keywords::into", Role::Into, G);
  into.valueOut = 0;
  c.push_back(into);
  for (const char *n : {"Poco::Data::Keywords::use", "Poco::Data::Keywords::useRef", "Poco::Data::Keywords::bind"}) {
    auto use = E(n, Role::Use, G);
    use.bindValue = 0;
    c.push_back(use);
  }
}

struct Registry {
  std::mutex mu;
  std::vector<ApiEntry> rows;
  std::unordered_multimap<std::string, size_t> index;
  std::vector<FormatEntry> formats;
  std::unordered_map<std::string, size_t> formatIndex;
  std::atomic<unsigned> generation{0};  // bumped when rows are added

  Registry() {
    libpq(rows);
    sqlite(rows);
    mysql(rows);
    odbc(rows);
    libpqxx(rows);
    qt(rows);
    soci(rows);
    poco(rows);
    reindex();
    for (FormatEntry f : std::initializer_list<FormatEntry>{
             {"snprintf", 0, 2, 3, false},          {"sprintf", 0, 1, 2, false},
             {"asprintf", 0, 1, 2, false},          {"__builtin___snprintf_chk", 0, 4, 5, false},
             {"__builtin___sprintf_chk", 0, 3, 4, false}, {"sqlite3_mprintf", -1, 0, 1, false},
             {"sqlite3_snprintf", 1, 2, 3, false},  {"fmt::format", -1, 0, 1, true},
             {"fmt::v9::format", -1, 0, 1, true},   {"fmt::v10::format", -1, 0, 1, true},
             {"fmt::v8::format", -1, 0, 1, true},   {"std::format", -1, 0, 1, true},
             {"absl::StrFormat", -1, 0, 1, false},  {"QString::asprintf", -1, 0, 1, false}})
      formats.push_back(f);
    for (size_t i = 0; i < formats.size(); ++i) formatIndex[formats[i].name] = i;
  }
  void reindex() {
    index.clear();
    for (size_t i = 0; i < rows.size(); ++i) index.emplace(rows[i].name, i);
  }
};

Registry &registry() {
  static Registry r;
  return r;
}

}  // namespace

const ApiEntry *lookupApi(std::string_view name, int numArgs) {
  Registry &r = registry();
  auto range = r.index.equal_range(std::string(name));
  long best = -1;
  for (auto it = range.first; it != range.second; ++it) {
    const ApiEntry &e = r.rows[it->second];
    if (e.arity >= 0 && numArgs >= 0 && e.arity != numArgs) continue;
    if (best < 0) {
      best = (long)it->second;
      continue;
    }
    const ApiEntry &b = r.rows[best];
    // an exact arity beats "any"; among equals the later row (configuration) wins
    bool exact = e.arity >= 0, bestExact = b.arity >= 0;
    if ((exact && !bestExact) || (exact == bestExact && (long)it->second > best)) best = (long)it->second;
  }
  return best < 0 ? nullptr : &r.rows[best];
}

unsigned apiGeneration() { return registry().generation.load(); }

void addApiEntries(const std::vector<ApiEntry> &rows) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (const ApiEntry &e : rows) r.rows.push_back(e);
  r.reindex();
  r.generation++;
}

const FormatEntry *lookupFormat(std::string_view name) {
  Registry &r = registry();
  auto it = r.formatIndex.find(std::string(name));
  return it == r.formatIndex.end() ? nullptr : &r.formats[it->second];
}

void addFormatEntries(const std::vector<FormatEntry> &rows) {
  Registry &r = registry();
  std::lock_guard<std::mutex> lock(r.mu);
  for (const FormatEntry &f : rows) {
    r.formats.push_back(f);
    r.formatIndex[f.name] = r.formats.size() - 1;
  }
}

}  // namespace sqlrace
