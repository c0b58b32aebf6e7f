// The project's schema, read offline from its DDL: migration files, schema
// dumps, and DDL strings the analyzed code runs. Built with libpg_query; the
// MySQL and SQLite forms that matter (AUTO_INCREMENT, AUTOINCREMENT, UNIQUE KEY,
// table options) are rewritten to PostgreSQL's before parsing. No Clang in here.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sqlrace::sql {

struct SchemaColumn {
  std::string name;
  std::string type;          // as written, lower case ("integer", "bigint", "text")
  bool notNull = false;
  // The database numbers new rows itself: how ("an identity", "serial", "a sequence
  // default", "AUTO_INCREMENT", "AUTOINCREMENT"); empty when it does not.
  std::string autoNumbered;
  bool rowidAlias = false;   // INTEGER PRIMARY KEY: SQLite numbers it (the rowid)
  // Added to a table that already had rows, its sequence default set afterwards,
  // with no backfill or NOT NULL since: rows from before the migration hold NULL.
  bool nullBeforeDefault = false;
  std::string defaultSetAt;  // "file:line" of the SET DEFAULT that left the NULLs
  std::string sequence;      // the sequence of a nextval() default
  std::string references;    // the table a foreign key on this column points to
  std::string definedIn;     // the file that created the column (CREATE TABLE or ADD COLUMN)
};

// A PRIMARY KEY, UNIQUE constraint, unique index or exclusion constraint.
struct UniqueKey {
  std::string name;
  std::vector<std::string> columns;  // for an exclusion constraint: the columns compared with =
  bool primary = false;
  bool exclusion = false;
  bool expression = false;           // some key part is an expression (lower(email))
  std::string predicate;             // a partial index's WHERE, deparsed; empty when total
  std::string origin;                // "file:line"
  std::string describe() const;      // "unique index products_sku_key (sku)"
};

struct SchemaTable {
  std::string name;
  std::string origin;  // "file:line" of its CREATE TABLE
  std::string file;    // that file
  std::vector<SchemaColumn> columns;
  std::vector<UniqueKey> keys;
  const SchemaColumn *column(std::string_view name) const;
  SchemaColumn *column(std::string_view name);
};

struct SchemaDiagnostic {
  std::string file;  // as the user names it (messages)
  std::string path;  // where it is on disk, when it came from a file ("" for the code's own DDL)
  int line = 0, column = 0;
  std::string message;
};

class Schema {
public:
  // Applies the DDL in `sql` (a file's text, or one statement the code runs) in order;
  // everything that is not DDL is ignored. `file` and `firstLine` place diagnostics.
  void apply(std::string_view sql, const std::string &file, int firstLine = 1);
  // Reads one file, or a folder's .sql files in migration order. False when nothing can be read.
  // Messages and origins name the files by `shown` (the path as the user wrote it) when given.
  bool applyPath(const std::string &path, const std::string &shown = {});

  bool empty() const { return tables_.empty(); }
  const SchemaTable *table(std::string_view name) const;
  // The unique key that makes rows with equal `cols` collide: its columns are all among
  // `cols` (an exact match preferred, a total key preferred over a partial one). Null if none.
  const UniqueKey *uniqueWithin(std::string_view table, const std::vector<std::string> &cols) const;
  // The table a foreign key on table.column references, or "".
  std::string referencedBy(std::string_view table, std::string_view column) const;

  std::vector<SchemaDiagnostic> diagnostics;
  std::vector<std::string> files;  // what was read, in order

private:
  std::map<std::string, SchemaTable> tables_;
  std::map<std::string, std::string> indexes_;  // index or constraint name -> table
  std::set<std::string> sequences_;
  std::string currentPath_;  // the file being read by applyPath
  void applyStatement(const std::string &stmt, const std::string &file, int line);
  void diag(const std::string &file, int line, int col, std::string message);
};

// The .sql files of a path in the order a migration tool applies them: the file
// itself, or a folder's files sorted by name with numbers compared as numbers
// (V2__x before V10__x), down/rollback migrations left out.
std::vector<std::string> schemaFiles(const std::string &path);

// Where projects keep their schema, relative to the repository root: schema.sql,
// db/, migrations/, sql/ ... (the ones that exist).
std::vector<std::string> defaultSchemaPaths(const std::string &root);

}  // namespace sqlrace::sql
