#include "sqlrace/Config.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLTraits.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

namespace {

constexpr int Unset = -1000;  // LLVM 14's YAML I/O has no std::optional

struct Opt {
  int v = Unset;
  bool has() const { return v != Unset; }
  int value_or(int d) const { return has() ? v : d; }
  int operator*() const { return v; }
  explicit operator bool() const { return has(); }
  Opt &operator=(std::optional<int> o) {
    v = o ? *o : Unset;
    return *this;
  }
};

struct RawFunction {
  std::string name, role, result;
  Opt sql, format, conn, handle, params, stmtName, index, value, firstValue, buffer;
  bool variadic = false;
};

struct RawConfig {
  std::string dialect;
  std::vector<std::string> schema;
  std::vector<RawFunction> functions;
};

}  // namespace

LLVM_YAML_IS_SEQUENCE_VECTOR(RawFunction)

namespace llvm::yaml {
template <> struct MappingTraits<RawFunction> {
  static void mapping(IO &io, RawFunction &f) {
    io.mapRequired("name", f.name);
    io.mapRequired("role", f.role);
    io.mapOptional("result", f.result);
    io.mapOptional("sql", f.sql.v, Unset);
    io.mapOptional("format", f.format.v, Unset);
    io.mapOptional("first-value", f.firstValue.v, Unset);
    io.mapOptional("buffer", f.buffer.v, Unset);
    io.mapOptional("connection", f.conn.v, Unset);
    io.mapOptional("handle", f.handle.v, Unset);
    io.mapOptional("params", f.params.v, Unset);
    io.mapOptional("variadic-params", f.variadic);
    io.mapOptional("statement-name", f.stmtName.v, Unset);
    io.mapOptional("index", f.index.v, Unset);
    io.mapOptional("value", f.value.v, Unset);
  }
};
template <> struct MappingTraits<RawConfig> {
  static void mapping(IO &io, RawConfig &c) {
    io.mapOptional("dialect", c.dialect);
    io.mapOptional("schema", c.schema);
    io.mapOptional("functions", c.functions);
  }
};
}  // namespace llvm::yaml

namespace sqlrace {
namespace {

std::atomic<int> DefaultDialect{(int)Dialect::PostgreSQL};
std::atomic<bool> DialectConfigured{false};

bool dialectFrom(const std::string &s, Dialect &d) {
  std::string l;
  for (char c : s) l += (char)std::tolower((unsigned char)c);
  if (l == "postgresql" || l == "postgres" || l == "pg") d = Dialect::PostgreSQL;
  else if (l == "sqlite" || l == "sqlite3") d = Dialect::SQLite;
  else if (l == "mysql" || l == "mariadb") d = Dialect::MySQL;
  else return false;
  return true;
}

// A method (name with ::) holds its result in its object; a function returns it.
bool isMethod(const std::string &name) { return name.find("::") != std::string::npos; }

bool toEntry(const RawFunction &f, Config &out, std::string &why) {
  ApiEntry e;
  e.name = f.name;
  e.dialect = Dialect::Generic;
  bool method = isMethod(f.name);
  auto result = [&] {
    std::string r = f.result.empty() ? (method ? "this" : "return") : f.result;
    if (r == "this") e.handleOut = This;
    else if (r == "return") e.returnsHandle = true;
    else if (!r.empty() && std::isdigit((unsigned char)r[0])) e.handleOut = std::atoi(r.c_str());
    else return false;
    return true;
  };
  if (f.role == "format") {
    FormatEntry fe;
    fe.name = f.name;
    fe.format = f.format.value_or(0);
    fe.firstValue = f.firstValue.value_or(fe.format + 1);
    fe.buffer = f.buffer.value_or(-1);
    out.formats.push_back(fe);
    return true;
  }
  if (f.role == "execute" || f.role == "prepare") {
    e.role = f.role == "execute" ? Role::Execute : Role::Prepare;
    if (f.format) e.format = *f.format;
    else e.sql = f.sql.value_or(0);
    e.conn = f.conn.value_or(method ? This : -1);
    e.params = f.params.value_or(-1);
    e.variadicParams = f.variadic;
    e.stmtName = f.stmtName.value_or(-1);
    if (!result()) {
      why = "result must be this, return or an argument number";
      return false;
    }
  } else if (f.role == "exec-prepared") {
    e.role = Role::ExecPrepared;
    e.stmtName = f.stmtName.value_or(0);
    e.conn = f.conn.value_or(method ? This : -1);
    e.params = f.params.value_or(-1);
    e.variadicParams = f.variadic;
    e.returnsHandle = true;
  } else if (f.role == "step") {
    e.role = Role::Step;
    e.handle = f.handle.value_or(method ? This : 0);
  } else if (f.role == "read") {
    e.role = Role::ReadValue;
    e.handle = f.handle.value_or(method ? This : 0);
  } else if (f.role == "bind") {
    e.role = Role::Bind;
    e.handle = f.handle.value_or(method ? This : 0);
    e.bindIndex = f.index.value_or(-1);
    e.bindValue = f.value.value_or(method ? 1 : 2);
  } else {
    why = "role must be execute, prepare, exec-prepared, step, read, bind or format";
    return false;
  }
  out.apis.push_back(e);
  return true;
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace((unsigned char)s.back())) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace((unsigned char)s[b])) ++b;
  return s.substr(b);
}

}  // namespace

bool parseConfig(const std::string &text, const std::string &fileName, Config &out, std::string &error) {
  RawConfig raw;
  std::string diag;
  llvm::yaml::Input in(text, nullptr, [](const llvm::SMDiagnostic &d, void *ctx) {
    auto *msg = static_cast<std::string *>(ctx);
    if (msg->empty())
      *msg = std::to_string(d.getLineNo()) + ":" + std::to_string(d.getColumnNo() + 1) + ": " + d.getMessage().str();
  }, &diag);
  in >> raw;
  if (in.error() || !diag.empty()) {
    error = fileName + ":" + (diag.empty() ? "1:1: invalid configuration" : diag);
    return false;
  }
  if (!raw.dialect.empty()) {
    Dialect d;
    if (!dialectFrom(raw.dialect, d)) {
      error = fileName + ": dialect '" + raw.dialect + "' is not one of postgresql, sqlite, mysql";
      return false;
    }
    out.dialect = d;
  }
  // schema paths are relative to the configuration file
  for (const std::string &p : raw.schema) {
    llvm::SmallString<256> full(p);
    if (!llvm::sys::path::is_absolute(full)) {
      full = llvm::sys::path::parent_path(fileName);
      llvm::sys::path::append(full, p);
    }
    out.schema.push_back({std::string(full.str()), p});
  }
  for (const RawFunction &f : raw.functions) {
    std::string why;
    if (!toEntry(f, out, why)) {
      error = fileName + ": function '" + f.name + "': " + why;
      return false;
    }
  }
  return true;
}

bool parseOptions(const std::string &execute, const std::string &read, const std::string &format,
                  const std::string &dialect, Config &out, std::string &error) {
  auto each = [](const std::string &list, auto fn) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(';', start);
      std::string item = trim(list.substr(start, end == std::string::npos ? std::string::npos : end - start));
      if (!item.empty()) {
        size_t colon = item.rfind(':');
        std::optional<int> arg;
        if (colon != std::string::npos && colon + 1 < item.size() && std::isdigit((unsigned char)item[colon + 1]) &&
            (colon == 0 || item[colon - 1] != ':')) {
          arg = std::atoi(item.c_str() + colon + 1);
          item = item.substr(0, colon);
        }
        fn(item, arg);
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  };
  std::string why;
  bool ok = true;
  each(execute, [&](const std::string &n, std::optional<int> a) {
    RawFunction f;
    f.name = n;
    f.role = "execute";
    f.sql = a;
    ok = ok && toEntry(f, out, why);
  });
  each(read, [&](const std::string &n, std::optional<int>) {
    RawFunction f;
    f.name = n;
    f.role = "read";
    ok = ok && toEntry(f, out, why);
  });
  each(format, [&](const std::string &n, std::optional<int> a) {
    RawFunction f;
    f.name = n;
    f.role = "format";
    f.format = a;
    ok = ok && toEntry(f, out, why);
  });
  if (!ok) {
    error = why;
    return false;
  }
  if (!trim(dialect).empty()) {
    Dialect d;
    if (!dialectFrom(trim(dialect), d)) {
      error = "SqlraceDialect '" + dialect + "' is not one of postgresql, sqlite, mysql";
      return false;
    }
    out.dialect = d;
  }
  return true;
}

std::optional<std::string> findConfigFile(const std::string &sourceFile) {
  llvm::SmallString<256> dir(sourceFile);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  while (!dir.empty()) {
    for (const char *name : {".sqlrace.yml", ".sqlrace.yaml"}) {
      llvm::SmallString<256> p(dir);
      llvm::sys::path::append(p, name);
      if (llvm::sys::fs::exists(p)) return std::string(p.str());
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir) break;
    dir = parent;
  }
  return std::nullopt;
}

bool loadConfigFile(const std::string &path, std::string &error) {
  static std::mutex mu;
  static std::set<std::string> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (loaded.count(path)) return true;
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf) {
    error = path + ": cannot read: " + buf.getError().message();
    return false;
  }
  Config c;
  if (!parseConfig((*buf)->getBuffer().str(), path, c, error)) return false;
  applyConfig(c);
  loaded.insert(path);
  return true;
}

namespace {
struct SchemaState {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> paths;  // where, and how it is named
  std::string root;
  std::shared_ptr<const sql::Schema> built;
};
SchemaState &schemaState() {
  static SchemaState s;
  return s;
}
}  // namespace

void addSchemaPath(const std::string &path, const std::string &shown) {
  SchemaState &s = schemaState();
  std::lock_guard<std::mutex> lock(s.mu);
  for (const auto &p : s.paths)
    if (p.first == path) return;
  s.paths.push_back({path, shown.empty() ? path : shown});
  s.built.reset();
}

void setSchemaRoot(const std::string &root) {
  SchemaState &s = schemaState();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.root.empty()) return;
  s.root = root;
  s.built.reset();
}

std::string repositoryRoot(const std::string &file) {
  llvm::SmallString<256> dir(file);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  while (!dir.empty()) {
    llvm::SmallString<256> git(dir);
    llvm::sys::path::append(git, ".git");
    if (llvm::sys::fs::exists(git)) return std::string(dir.str());
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir) break;
    dir = parent;
  }
  return {};
}

std::shared_ptr<const sql::Schema> projectSchema() {
  SchemaState &s = schemaState();
  std::lock_guard<std::mutex> lock(s.mu);
  if (s.built) return s.built;
  auto schema = std::make_shared<sql::Schema>();
  std::vector<std::pair<std::string, std::string>> paths = s.paths;
  if (paths.empty() && !s.root.empty())
    for (const std::string &p : sql::defaultSchemaPaths(s.root))  // named relative to the root
      paths.push_back({p, p.size() > s.root.size() + 1 ? p.substr(s.root.size() + 1) : p});
  for (const auto &[path, shown] : paths) schema->applyPath(path, shown);
  s.built = schema;
  return s.built;
}

void applyConfig(const Config &c) {
  for (const auto &[path, shown] : c.schema) addSchemaPath(path, shown);
  addApiEntries(c.apis);
  addFormatEntries(c.formats);
  if (c.dialect) {
    DefaultDialect = (int)*c.dialect;
    DialectConfigured = true;
  }
}

Dialect defaultDialect() { return (Dialect)DefaultDialect.load(); }
bool dialectConfigured() { return DialectConfigured.load(); }

}  // namespace sqlrace
