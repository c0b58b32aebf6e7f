// The schema model: DDL applied in order to tables, columns and unique keys.
#include "PgTree.h"
#include "sqlrace/Schema.h"
#include "sqlrace/sqlparse.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace sqlrace::sql {
using namespace tree;
namespace fs = std::filesystem;

std::string UniqueKey::describe() const {
  std::string kind = primary ? "primary key" : exclusion ? "exclusion constraint" : "unique key";
  std::string s = kind + " " + name + " (";
  for (size_t i = 0; i < columns.size(); ++i) s += (i ? ", " : "") + columns[i];
  s += ")";
  if (!predicate.empty()) s += " WHERE " + predicate;
  return s;
}

const SchemaColumn *SchemaTable::column(std::string_view n) const {
  for (const SchemaColumn &c : columns)
    if (c.name == n) return &c;
  return nullptr;
}
SchemaColumn *SchemaTable::column(std::string_view n) {
  for (SchemaColumn &c : columns)
    if (c.name == n) return &c;
  return nullptr;
}

namespace {

std::string join(const std::vector<std::string> &v, const char *sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

// A relation's name without its schema (public.products -> products), as the facts name tables.
std::string relName(const PgQuery__RangeVar *rv) { return rv && rv->relname ? std::string(rv->relname) : ""; }

// The last name of a qualified list (pg_catalog.int4 -> int4; schema.idx -> idx).
std::string lastName(PgQuery__Node **names, size_t n) { return n ? str(names[n - 1]) : std::string(); }

// The type as people write it (the parser says pg_catalog.int4 for integer).
std::string typeName(const PgQuery__TypeName *t) {
  std::string n = t ? lower(lastName(t->names, t->n_names)) : "";
  static const std::map<std::string, std::string> common = {
      {"int4", "integer"}, {"int8", "bigint"}, {"int2", "smallint"}, {"float8", "double precision"},
      {"float4", "real"}, {"bool", "boolean"}, {"bpchar", "char"}};
  auto it = common.find(n);
  return it == common.end() ? n : it->second;
}

bool isNextval(const PgQuery__Node *e) {
  bool found = false;
  walk(e, [&](const ProtobufCMessage *m) {
    if (auto *f = as<PgQuery__FuncCall>(m, pg_query__func_call__descriptor))
      if (funcName(f) == "nextval") found = true;
  });
  return found;
}

// The marker MySQL/SQLite auto-numbering is rewritten to before parsing.
const char *AutoMarker = "sqlrace_auto_";

std::string nextvalArgument(const PgQuery__Node *e) {
  std::string arg;
  walk(e, [&](const ProtobufCMessage *m) {
    if (auto *c = as<PgQuery__AConst>(m, pg_query__a__const__descriptor))
      if (c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval) arg = c->sval->sval;
  });
  return arg;
}

std::vector<std::string> stringList(PgQuery__Node **items, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(str(items[i]));
  return out;
}

// MySQL and SQLite DDL rewritten into forms libpg_query parses, keeping what
// matters: auto-numbering becomes a marker default, UNIQUE KEY a constraint.
std::string toPostgres(std::string s) {
  static const std::vector<std::pair<std::regex, std::string>> rules = [] {
    auto icase = std::regex::icase | std::regex::ECMAScript;
    std::vector<std::pair<std::regex, std::string>> r;
    r.push_back({std::regex(R"(\bAUTO_INCREMENT\s*=\s*\d+)", icase), ""});  // table option
    r.push_back({std::regex(R"(\bAUTO_INCREMENT\b)", icase), std::string("DEFAULT nextval('") + AutoMarker + "AUTO_INCREMENT')"});
    r.push_back({std::regex(R"(\bAUTOINCREMENT\b)", icase), std::string("DEFAULT nextval('") + AutoMarker + "AUTOINCREMENT')"});
    r.push_back({std::regex(R"(\bUNIQUE\s+(?:KEY|INDEX)\s+("[^"]+"|\w+)\s*\()", icase), "CONSTRAINT $1 UNIQUE ("});
    r.push_back({std::regex(R"(\bUNIQUE\s+(?:KEY|INDEX)\s*\()", icase), "UNIQUE ("});
    // non-unique inline indexes: dropped (with the comma before them)
    r.push_back({std::regex(R"(,\s*(?:FULLTEXT\s+|SPATIAL\s+)?(?:KEY|INDEX)\s+(?:"[^"]+"|\w+)?\s*\([^)]*\))", icase), ""});
    r.push_back({std::regex(R"(\b(tinyint|smallint|mediumint|int|integer|bigint)\s*\(\s*\d+\s*\))", icase), "$1"});
    r.push_back({std::regex(R"(\bmediumint\b)", icase), "integer"});
    r.push_back({std::regex(R"(\btinyint\b)", icase), "smallint"});
    r.push_back({std::regex(R"(\bunsigned\b)", icase), ""});
    r.push_back({std::regex(R"(\bdouble\b(?!\s+precision))", icase), "float8"});
    r.push_back({std::regex(R"(\b(?:enum|set)\s*\([^)]*\))", icase), "text"});
    r.push_back({std::regex(R"(\b(?:CHARACTER\s+SET|CHARSET)\s*=?\s*\w+)", icase), ""});
    r.push_back({std::regex(R"(\bCOLLATE\s*=?\s*\w+)", icase), ""});
    r.push_back({std::regex(R"(\bON\s+UPDATE\s+CURRENT_TIMESTAMP(?:\s*\(\s*\d*\s*\))?)", icase), ""});
    r.push_back({std::regex(R"(\b(CURRENT_TIMESTAMP|LOCALTIMESTAMP|CURRENT_DATE|CURRENT_TIME|LOCALTIME)\s*\(\s*\))", icase), "$1"});
    r.push_back({std::regex(R"(\bCOMMENT\s*=?\s*'(?:[^']|'')*')", icase), ""});
    r.push_back({std::regex(R"(\bON\s+CONFLICT\s+(?:ROLLBACK|ABORT|FAIL|IGNORE|REPLACE)\b)", icase), ""});
    // table options after the closing parenthesis: ENGINE=..., DEFAULT CHARSET, WITHOUT ROWID, STRICT
    r.push_back({std::regex(R"(\)\s*((?:ENGINE|DEFAULT|ROW_FORMAT|WITHOUT\s+ROWID|STRICT)\b[^;()]*)$)", icase), ")"});
    return r;
  }();
  for (const auto &[re, with] : rules) s = std::regex_replace(s, re, with);
  return s;
}

}  // namespace

std::string tree::ddlToPostgres(std::string ddl) { return toPostgres(std::move(ddl)); }

namespace {

// Backticks (MySQL identifiers) as double quotes, outside string literals.
std::string unbacktick(std::string_view in) {
  std::string s(in);
  char quote = 0;
  for (char &c : s) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '`') {
      c = '"';
    }
  }
  return s;
}

int lineOf(std::string_view text, size_t offset) {
  return 1 + (int)std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n');
}

std::string origin(const std::string &file, int line) { return file + ":" + std::to_string(line); }

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Natural order: digit runs compare as numbers (V2__a < V10__a).
bool naturalLess(const std::string &a, const std::string &b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit((unsigned char)a[i]) && std::isdigit((unsigned char)b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && std::isdigit((unsigned char)a[i2])) ++i2;
      while (j2 < b.size() && std::isdigit((unsigned char)b[j2])) ++j2;
      std::string na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i2;
      j = j2;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

bool isDownMigration(const fs::path &p) {
  std::string name = lower(p.filename().string());
  auto ends = [&](const std::string &s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
  return ends(".down.sql") || name == "down.sql" || ends("_down.sql") || ends("-down.sql") ||
         (name.rfind("u", 0) == 0 && name.size() > 1 && std::isdigit((unsigned char)name[1])) ||  // Flyway undo: U2__x.sql
         ends(".rollback.sql") || ends("_rollback.sql");
}

}  // namespace

std::vector<std::string> schemaFiles(const std::string &path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return fs::exists(path, ec) ? std::vector<std::string>{path} : std::vector<std::string>{};
  std::vector<std::string> out;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec) || lower(it->path().extension().string()) != ".sql" || isDownMigration(it->path()))
      continue;
    out.push_back(it->path().string());
  }
  // by the path below the folder: a migration tool's order (folders per version sort with their names)
  std::sort(out.begin(), out.end(), [&](const std::string &a, const std::string &b) {
    return naturalLess(a.substr(path.size()), b.substr(path.size()));
  });
  return out;
}

std::vector<std::string> defaultSchemaPaths(const std::string &root) {
  std::vector<std::string> out;
  std::error_code ec;
  auto existing = [&](std::initializer_list<const char *> names) {
    for (const char *p : names) {
      fs::path full = fs::path(root) / p;
      if (!fs::exists(full, ec)) continue;
      bool covered = false;  // a folder already listed covers what is below it
      for (const std::string &o : out)
        if (full.string().rfind(o + "/", 0) == 0) covered = true;
      if (!covered) out.push_back(full.string());
    }
  };
  // The history when there is one (a dump beside it, like dbmate's db/schema.sql, says the
  // same tables again); else the schema file or folder.
  existing({"migrations", "db/migrations", "database/migrations", "sql/migrations"});
  if (out.empty()) existing({"schema.sql", "db/schema.sql", "db/structure.sql", "db", "sql"});
  return out;
}

bool Schema::applyPath(const std::string &path, const std::string &shown) {
  std::string display = shown.empty() ? path : shown;
  std::vector<std::string> list = schemaFiles(path);
  if (list.empty()) {
    diag(display, 0, 0, "schema path has no .sql files or cannot be read");
    return false;
  }
  for (const std::string &f : list) {
    // the file as the user would name it: the path they gave, and the rest below it
    std::string name = f == path ? display : (fs::path(display) / fs::path(f).lexically_relative(path)).string();
    currentPath_ = f;
    std::string text;
    if (!readFile(f, text)) {
      diag(name, 0, 0, "cannot read the schema file");
      continue;
    }
    if (text.find('\0') != std::string::npos) {
      diag(name, 1, 1, "not a text file (it has NUL bytes); skipped");
      continue;
    }
    files.push_back(f);
    // dbmate, goose and sql-migrate keep the down migration in the same file, after a marker
    // line (-- migrate:down, -- +goose Down, -- +migrate Down)
    for (size_t at = 0; at < text.size();) {
      size_t end = text.find('\n', at);
      std::string line = lower(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
      size_t b = line.find_first_not_of(" \t");
      if (b != std::string::npos && line.compare(b, 2, "--") == 0) {
        std::string rest = line.substr(b + 2);
        rest.erase(0, std::min(rest.find_first_not_of(" \t"), rest.size()));
        if (rest.rfind("migrate:down", 0) == 0 || rest.rfind("+goose down", 0) == 0 ||
            rest.rfind("+migrate down", 0) == 0) {
          text.resize(at);
          break;
        }
      }
      if (end == std::string::npos) break;
      at = end + 1;
    }
    apply(text, name);
  }
  currentPath_.clear();
  return true;
}

void Schema::diag(const std::string &file, int line, int col, std::string message) {
  diagnostics.push_back({file, currentPath_, line, col, std::move(message)});
}

const SchemaTable *Schema::table(std::string_view name) const {
  auto it = tables_.find(lower(std::string(name)));
  return it == tables_.end() ? nullptr : &it->second;
}

const UniqueKey *Schema::uniqueWithin(std::string_view table, const std::vector<std::string> &cols) const {
  const SchemaTable *t = this->table(table);
  if (!t) return nullptr;
  const UniqueKey *best = nullptr;
  int bestScore = -1;
  for (const UniqueKey &k : t->keys) {
    if (k.expression || k.columns.empty()) continue;
    bool within = std::all_of(k.columns.begin(), k.columns.end(),
                              [&](const std::string &c) { return std::find(cols.begin(), cols.end(), c) != cols.end(); });
    if (!within) continue;
    int score = (k.columns.size() == cols.size() ? 4 : 0) + (k.predicate.empty() ? 2 : 0) + (k.exclusion ? 0 : 1);
    if (score > bestScore) best = &k, bestScore = score;
  }
  return best;
}

std::string Schema::referencedBy(std::string_view table, std::string_view column) const {
  const SchemaTable *t = this->table(table);
  const SchemaColumn *c = t ? t->column(column) : nullptr;
  return c ? c->references : std::string();
}

void Schema::apply(std::string_view sql, const std::string &file, int firstLine) {
  std::string text = unbacktick(sql);
  for (const auto &[at, len] : statementRanges(text)) {
    std::string stmt = text.substr(at, len);
    // the statement starts after the blanks and comments before it
    size_t lead = 0;
    for (;;) {
      lead = stmt.find_first_not_of(" \t\r\n", lead);
      if (lead == std::string::npos) break;
      if (stmt.compare(lead, 2, "--") == 0) {
        lead = stmt.find('\n', lead);
      } else if (stmt.compare(lead, 2, "/*") == 0) {
        lead = stmt.find("*/", lead);
        if (lead != std::string::npos) lead += 2;
      } else {
        break;
      }
      if (lead == std::string::npos) break;
    }
    if (lead == std::string::npos) continue;
    applyStatement(stmt.substr(lead), file, firstLine + lineOf(text, at + lead) - 1);
  }
}

namespace {

struct Applier {
  std::map<std::string, SchemaTable> &tables;
  std::map<std::string, std::string> &indexes;
  std::set<std::string> &sequences;
  std::string file;
  int line;
  std::function<void(std::string)> diag;
  PgQuery__ParseResult *root;  // the statement's parse tree

  std::string where() const { return origin(file, line); }

  SchemaTable *find(const PgQuery__RangeVar *rv, bool missingOk, const char *what) {
    std::string n = lower(relName(rv));
    auto it = tables.find(n);
    if (it != tables.end()) return &it->second;
    if (!missingOk) diag(std::string(what) + " of unknown table '" + n + "'");
    return nullptr;
  }

  void addKey(SchemaTable &t, UniqueKey k) {
    if (k.name.empty())
      k.name = k.primary ? t.name + "_pkey" : t.name + "_" + join(k.columns, "_") + (k.exclusion ? "_excl" : "_key");
    k.origin = where();
    indexes[lower(k.name)] = t.name;
    t.keys.push_back(std::move(k));
  }

  void column(SchemaTable &t, const PgQuery__ColumnDef *cd, bool added) {
    SchemaColumn c;
    c.definedIn = file;
    c.name = lower(cd->colname ? cd->colname : "");
    c.type = typeName(cd->type_name);
    c.notNull = cd->is_not_null;
    if (c.type == "serial" || c.type == "bigserial" || c.type == "smallserial" || c.type == "serial4" ||
        c.type == "serial8" || c.type == "serial2")
      c.autoNumbered = "serial";
    if (cd->identity && *cd->identity) c.autoNumbered = "an identity";
    if (cd->raw_default) defaultFrom(c, cd->raw_default);
    for (size_t i = 0; i < cd->n_constraints; ++i) {
      const PgQuery__Constraint *k = cd->constraints[i]->node_case == PG_QUERY__NODE__NODE_CONSTRAINT
                                         ? cd->constraints[i]->constraint
                                         : nullptr;
      if (!k) continue;
      switch (k->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL: c.notNull = true; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY: c.autoNumbered = "an identity"; break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT: defaultFrom(c, k->raw_expr); break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY: {
        c.notNull = true;
        if (c.type == "integer") c.rowidAlias = true;
        UniqueKey u;
        u.name = k->conname ? k->conname : "";
        u.primary = true;
        u.columns = {c.name};
        addKey(t, std::move(u));
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE: {
        UniqueKey u;
        u.name = k->conname ? k->conname : "";
        u.columns = {c.name};
        addKey(t, std::move(u));
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: c.references = lower(relName(k->pktable)); break;
      default: break;
      }
    }
    // ADD COLUMN with a sequence default: PostgreSQL evaluates it for every existing row
    (void)added;
    if (t.column(c.name)) {
      diag("column '" + c.name + "' of '" + t.name + "' already exists");
      return;
    }
    t.columns.push_back(std::move(c));
  }

  void defaultFrom(SchemaColumn &c, const PgQuery__Node *e) {
    if (!isNextval(e)) return;
    std::string arg = nextvalArgument(e);
    c.sequence = arg;
    c.autoNumbered = arg.rfind(AutoMarker, 0) == 0 ? arg.substr(std::string(AutoMarker).size()) : "a sequence default";
  }

  void constraint(SchemaTable &t, const PgQuery__Constraint *k) {
    UniqueKey u;
    u.name = k->conname ? k->conname : "";
    switch (k->contype) {
    case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
    case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
      u.primary = k->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
      if (k->indexname && *k->indexname) {  // ADD CONSTRAINT ... UNIQUE USING INDEX idx
        for (const UniqueKey &x : t.keys)
          if (lower(x.name) == lower(k->indexname)) u.columns = x.columns;
      } else {
        for (const std::string &s : stringList(k->keys, k->n_keys)) u.columns.push_back(lower(s));
      }
      if (u.primary)
        for (const std::string &col : u.columns)
          if (SchemaColumn *c = t.column(col)) c->notNull = true;
      addKey(t, std::move(u));
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
      // EXCLUDE USING gist (room WITH =, during WITH &&): rows equal on `room` may still coexist
      // unless every part is `=`; the = columns say which rows can collide at all
      u.exclusion = true;
      {
        std::vector<std::string> all;  // PostgreSQL names it after every element: bookings_room_during_excl
        for (size_t i = 0; i < k->n_exclusions; ++i) {
          const PgQuery__Node *pair = k->exclusions[i];
          if (pair->node_case != PG_QUERY__NODE__NODE_LIST || pair->list->n_items < 2) continue;
          const PgQuery__Node *elem = pair->list->items[0], *ops = pair->list->items[1];
          std::string op =
              ops->node_case == PG_QUERY__NODE__NODE_LIST ? lastName(ops->list->items, ops->list->n_items) : "";
          if (elem->node_case != PG_QUERY__NODE__NODE_INDEX_ELEM || !elem->index_elem->name) continue;
          all.push_back(lower(elem->index_elem->name));
          if (op == "=") u.columns.push_back(lower(elem->index_elem->name));
        }
        if (u.name.empty()) u.name = t.name + "_" + join(all, "_") + "_excl";
      }
      addKey(t, std::move(u));
      break;
    case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
      std::vector<std::string> cols = stringList(k->fk_attrs, k->n_fk_attrs);
      if (cols.size() == 1)
        if (SchemaColumn *c = t.column(lower(cols[0]))) c->references = lower(relName(k->pktable));
      break;
    }
    default: break;
    }
  }

  void create(const PgQuery__CreateStmt *cs) {
    std::string name = lower(relName(cs->relation));
    if (tables.count(name)) {
      if (cs->if_not_exists) return;
      diag("table '" + name + "' is created again; the later definition is used");
    }
    SchemaTable t;
    t.name = name;
    t.origin = where();
    t.file = file;
    tables[name] = t;
    SchemaTable &tt = tables[name];
    for (size_t i = 0; i < cs->n_table_elts; ++i) {
      const PgQuery__Node *e = cs->table_elts[i];
      if (e->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) column(tt, e->column_def, false);
    }
    for (size_t i = 0; i < cs->n_table_elts; ++i) {
      const PgQuery__Node *e = cs->table_elts[i];
      if (e->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) constraint(tt, e->constraint);
    }
  }

  void index(const PgQuery__IndexStmt *ix) {
    SchemaTable *t = find(ix->relation, false, "CREATE INDEX");
    std::string name = lower(ix->idxname ? ix->idxname : "");
    if (!t) return;
    if (!ix->unique) {
      if (!name.empty()) indexes[name] = t->name;
      return;
    }
    UniqueKey u;
    u.name = name;
    for (size_t i = 0; i < ix->n_index_params; ++i) {
      const PgQuery__Node *p = ix->index_params[i];
      if (p->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM && p->index_elem->name && *p->index_elem->name)
        u.columns.push_back(lower(p->index_elem->name));
      else
        u.expression = true;
    }
    if (ix->where_clause) {
      // the predicate as PostgreSQL prints it, for ON CONFLICT (...) WHERE <predicate>
      std::string out, err;
      if (deparse(root, out, err)) {
        size_t w = out.rfind(" WHERE ");
        u.predicate = w == std::string::npos ? "true" : out.substr(w + 7);
      } else {
        u.predicate = "true";
      }
    }
    if (u.name.empty()) u.name = t->name + "_" + join(u.columns, "_") + "_idx";
    if (ix->if_not_exists)
      for (const UniqueKey &k : t->keys)
        if (lower(k.name) == u.name) return;
    addKey(*t, std::move(u));
  }

  void dropKeyNamed(const std::string &name, bool missingOk) {
    auto it = indexes.find(lower(name));
    if (it == indexes.end()) {
      if (!missingOk) diag("DROP of unknown index or constraint '" + name + "'");
      return;
    }
    auto t = tables.find(it->second);
    if (t != tables.end()) {
      auto &keys = t->second.keys;
      keys.erase(std::remove_if(keys.begin(), keys.end(), [&](const UniqueKey &k) { return lower(k.name) == lower(name); }),
                 keys.end());
    }
    indexes.erase(it);
  }

  void alter(const PgQuery__AlterTableStmt *at) {
    if (at->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) return;
    // pg_dump writes ALTER TABLE ... OWNER TO for sequences too; ownership changes nothing here
    bool ownerOnly = at->n_cmds > 0;
    for (size_t i = 0; i < at->n_cmds; ++i)
      if (at->cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD ||
          at->cmds[i]->alter_table_cmd->subtype != PG_QUERY__ALTER_TABLE_TYPE__AT_ChangeOwner)
        ownerOnly = false;
    if (ownerOnly || sequences.count(lower(relName(at->relation)))) return;
    SchemaTable *t = find(at->relation, at->missing_ok, "ALTER TABLE");
    if (!t) return;
    for (size_t i = 0; i < at->n_cmds; ++i) {
      if (at->cmds[i]->node_case != PG_QUERY__NODE__NODE_ALTER_TABLE_CMD) continue;
      const PgQuery__AlterTableCmd *c = at->cmds[i]->alter_table_cmd;
      std::string col = lower(c->name ? c->name : "");
      SchemaColumn *sc = col.empty() ? nullptr : t->column(col);
      auto needColumn = [&]() {
        if (!sc && !c->missing_ok) diag("ALTER TABLE '" + t->name + "' names unknown column '" + col + "'");
        return sc != nullptr;
      };
      switch (c->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
        if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
          if (c->missing_ok && t->column(lower(c->def->column_def->colname))) break;  // ADD COLUMN IF NOT EXISTS
          column(*t, c->def->column_def, true);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
        if (!needColumn()) break;
        if (!c->def) {  // DROP DEFAULT
          if (sc->autoNumbered == "a sequence default") sc->autoNumbered.clear();
          break;
        }
        if (isNextval(c->def)) {
          // Existing rows keep what they had: for a column added without a value, NULL. Rows
          // can exist when the column came to a table created earlier, or the default comes
          // later than the column; not when all three are one file (a schema dump).
          bool rowsBefore = sc->definedIn != t->file || file != sc->definedIn;
          if (sc->autoNumbered.empty() && !sc->notNull && rowsBefore) {
            sc->nullBeforeDefault = true;
            sc->defaultSetAt = where();
          }
          defaultFrom(*sc, c->def);
        }
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
        if (needColumn()) sc->notNull = true, sc->nullBeforeDefault = false;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
        if (needColumn()) sc->notNull = false;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
        if (needColumn()) sc->autoNumbered = "an identity";
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
        if (needColumn()) sc->autoNumbered.clear();
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
        if (needColumn() && c->def && c->def->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF)
          sc->type = typeName(c->def->column_def->type_name);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse: {
        if (!needColumn()) break;
        auto &cols = t->columns;
        cols.erase(std::remove_if(cols.begin(), cols.end(), [&](const SchemaColumn &x) { return x.name == col; }),
                   cols.end());
        auto &keys = t->keys;
        keys.erase(std::remove_if(keys.begin(), keys.end(),
                                  [&](const UniqueKey &k) {
                                    return std::find(k.columns.begin(), k.columns.end(), col) != k.columns.end();
                                  }),
                   keys.end());
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
        if (c->def && c->def->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) constraint(*t, c->def->constraint);
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
        dropKeyNamed(c->name ? c->name : "", c->missing_ok);
        break;
      default: break;
      }
    }
  }

  void drop(const PgQuery__DropStmt *d) {
    for (size_t i = 0; i < d->n_objects; ++i) {
      const PgQuery__Node *o = d->objects[i];
      std::string name = o->node_case == PG_QUERY__NODE__NODE_LIST ? lower(lastName(o->list->items, o->list->n_items))
                                                                   : lower(str(o));
      if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
        if (!tables.erase(name) && !d->missing_ok) diag("DROP TABLE of unknown table '" + name + "'");
        for (auto it = indexes.begin(); it != indexes.end();)
          it = it->second == name ? indexes.erase(it) : std::next(it);
      } else if (d->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
        dropKeyNamed(name, d->missing_ok);
      }
    }
  }

  void rename(const PgQuery__RenameStmt *r) {
    std::string newName = lower(r->newname ? r->newname : "");
    switch (r->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
      SchemaTable *t = find(r->relation, r->missing_ok, "ALTER TABLE ... RENAME");
      if (!t) return;
      SchemaTable moved = std::move(*t);
      tables.erase(moved.name);
      for (auto &[idx, table] : indexes)
        if (table == moved.name) table = newName;
      moved.name = newName;
      tables[newName] = std::move(moved);
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      SchemaTable *t = find(r->relation, r->missing_ok, "RENAME COLUMN");
      if (!t) return;
      std::string old = lower(r->subname ? r->subname : "");
      SchemaColumn *c = t->column(old);
      if (!c) {
        diag("RENAME of unknown column '" + old + "' of '" + t->name + "'");
        return;
      }
      c->name = newName;
      for (UniqueKey &k : t->keys)
        for (std::string &kc : k.columns)
          if (kc == old) kc = newName;
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX:
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      std::string old = r->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX ? lower(relName(r->relation))
                                                                              : lower(r->subname ? r->subname : "");
      auto it = indexes.find(old);
      if (it == indexes.end()) {
        if (!r->missing_ok) diag("RENAME of unknown index or constraint '" + old + "'");
        return;
      }
      std::string table = it->second;
      indexes.erase(it);
      indexes[newName] = table;
      auto t = tables.find(table);
      if (t != tables.end())
        for (UniqueKey &k : t->second.keys)
          if (lower(k.name) == old) k.name = newName;
      break;
    }
    default: break;
    }
  }

  // UPDATE t SET col = ... (everywhere, or WHERE col IS NULL): a backfill of col.
  void update(const PgQuery__UpdateStmt *u) {
    auto it = tables.find(lower(relName(u->relation)));
    if (it == tables.end()) return;
    for (size_t i = 0; i < u->n_target_list; ++i) {
      const PgQuery__Node *n = u->target_list[i];
      if (n->node_case != PG_QUERY__NODE__NODE_RES_TARGET || !n->res_target->name) continue;
      if (SchemaColumn *c = it->second.column(lower(n->res_target->name))) c->nullBeforeDefault = false;
    }
  }
};

}  // namespace

void Schema::applyStatement(const std::string &stmt, const std::string &file, int line) {
  // only DDL (and backfilling UPDATEs) change the model; skip the rest before parsing
  std::string head = lower(stmt.substr(0, 40));
  bool relevant = false;
  for (const char *k : {"create", "alter", "drop", "update"})
    if (head.rfind(k, 0) == 0) relevant = true;
  if (!relevant) return;
  ParseTree tree = parse(stmt);
  if (!tree) {
    // MySQL/SQLite forms rewritten (std::regex recurses per character: only for statements
    // of ordinary size; a longer one keeps PostgreSQL's parse error)
    ParseTree second;
    if (stmt.size() <= 16384) second = parse(toPostgres(stmt));
    if (!second) {
      int at = tree.errorCursor >= 0 ? tree.errorCursor : 0;
      int errLine = line + lineOf(stmt, (size_t)at) - 1;
      size_t nl = stmt.rfind('\n', (size_t)std::max(0, at - 1));
      int col = at - (nl == std::string::npos ? -1 : (int)nl);
      diag(file, errLine, col, "schema statement does not parse: " + tree.error);
      return;
    }
    tree = std::move(second);
  }
  Applier a{tables_, indexes_, sequences_, file, line, [&](std::string m) { diag(file, line, 1, std::move(m)); },
            tree.root};
  for (size_t i = 0; i < tree.root->n_stmts; ++i) {
    const PgQuery__Node *n = tree.root->stmts[i]->stmt;
    if (!n) continue;
    switch (n->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT: a.create(n->create_stmt); break;
    case PG_QUERY__NODE__NODE_INDEX_STMT: a.index(n->index_stmt); break;
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT: a.alter(n->alter_table_stmt); break;
    case PG_QUERY__NODE__NODE_DROP_STMT: a.drop(n->drop_stmt); break;
    case PG_QUERY__NODE__NODE_RENAME_STMT: a.rename(n->rename_stmt); break;
    case PG_QUERY__NODE__NODE_UPDATE_STMT: a.update(n->update_stmt); break;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      if (n->create_seq_stmt->sequence) sequences_.insert(lower(relName(n->create_seq_stmt->sequence)));
      break;
    default: break;
    }
  }
}

}  // namespace sqlrace::sql
