// The user's configuration: their own wrapper functions as catalog rows, and
// the dialect of APIs that do not tell it. Read from a .sqlrace.yml found from
// the analyzed file's directory upward (or named by --config / the clang-tidy
// option SqlraceConfig), or given inline as clang-tidy CheckOptions.
#pragma once

#include "sqlrace/Catalog.h"
#include "sqlrace/Schema.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sqlrace {

struct Config {
  std::vector<ApiEntry> apis;
  std::vector<FormatEntry> formats;
  std::optional<Dialect> dialect;
  // schema files and folders: where they are, and how the configuration names them (for messages)
  std::vector<std::pair<std::string, std::string>> schema;
};

// Parses the YAML text of a configuration file. On error returns false with a
// message of the form "<file>:<line>:<col>: <what>".
bool parseConfig(const std::string &text, const std::string &fileName, Config &out, std::string &error);

// The same settings as clang-tidy CheckOptions values:
//   SqlraceExecute: "Dataset::query;Dataset::exec:1"   (name[:sql argument])
//   SqlraceRead:    "Dataset::num_rows;Dataset::fv"
//   SqlraceFormat:  "CDatabase::PrepareSQL[:format argument]"
//   SqlraceDialect: "postgresql" | "sqlite" | "mysql"
bool parseOptions(const std::string &execute, const std::string &read, const std::string &format,
                  const std::string &dialect, Config &out, std::string &error);

// .sqlrace.yml (or .sqlrace.yaml) in the directory of `sourceFile` or the nearest parent that has one.
std::optional<std::string> findConfigFile(const std::string &sourceFile);

// Reads and applies a configuration file once per path (later calls with the
// same path do nothing). False with a message when it cannot be read or parsed.
bool loadConfigFile(const std::string &path, std::string &error);

// Adds the configuration's rows to the catalog and sets the default dialect.
void applyConfig(const Config &c);

// The project's schema: the files and folders given (--schema, the configuration's
// `schema:` list, the SqlraceSchema option), or when none is given the usual places
// under the root (schema.sql, db/, migrations/, sql/). Read once, on first use;
// its diagnostics are the frontends' to report.
void addSchemaPath(const std::string &path, const std::string &shown = {});
void setSchemaRoot(const std::string &root);  // the first call wins
// The nearest folder above `file` that holds .git, or "" when there is none.
std::string repositoryRoot(const std::string &file);
std::shared_ptr<const sql::Schema> projectSchema();

// The dialect for APIs that work with any database (ODBC, Qt, SOCI, Poco, wrappers).
Dialect defaultDialect();
// A configuration file set `dialect:` (else defaultDialect() is PostgreSQL by default).
bool dialectConfigured();

}  // namespace sqlrace
