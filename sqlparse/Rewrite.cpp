// Suggested rewrites. The user's own statement is changed on its parse tree
// (ON CONFLICT added, a column dropped) and deparsed by libpg_query; the
// auxiliary statements (index, sequence, counter, lock) are assembled from
// quoted identifiers and then parsed and deparsed, so that what is printed is
// always SQL that PostgreSQL's grammar accepts.
#include "PgTree.h"
#include "sqlrace/sqlparse.h"

#include <cstdlib>
#include <cstring>

namespace sqlrace::sql {
using namespace tree;

std::string quoteIdent(std::string_view ident) {
  bool plain = !ident.empty() && (std::islower((unsigned char)ident[0]) || ident[0] == '_');
  for (char c : ident)
    if (!(std::islower((unsigned char)c) || std::isdigit((unsigned char)c) || c == '_')) plain = false;
  static const char *reserved[] = {"user", "order", "group", "table", "select", "from", "where", "to",
                                   "end", "limit", "offset", "check", "default", "primary", "references"};
  for (const char *r : reserved)
    if (ident == r) plain = false;
  if (plain) return std::string(ident);
  std::string q = "\"";
  for (char c : ident) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

namespace {

Rewrite fail(std::string msg) {
  Rewrite r;
  r.error = std::move(msg);
  return r;
}

// Parses normalized text and returns its first INSERT, or null.
PgQuery__InsertStmt *firstInsert(ParseTree &t) {
  if (!t || t.root->n_stmts == 0 || !t.root->stmts[0]->stmt) return nullptr;
  PgQuery__Node *n = t.root->stmts[0]->stmt;
  return n->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ? n->insert_stmt : nullptr;
}

Rewrite finish(ParseTree &t) {
  Rewrite r;
  std::string err;
  if (!deparse(t.root, r.sql, err)) return fail(err);
  r.ok = true;
  return r;
}

std::string join(const std::vector<std::string> &cols) {
  std::string s;
  for (size_t i = 0; i < cols.size(); ++i) s += (i ? ", " : "") + quoteIdent(cols[i]);
  return s;
}

std::string sqlString(std::string_view s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += '\'';
    q += c;
  }
  return q + "'";
}

}  // namespace

Rewrite canonical(std::string_view sql) {
  ParseTree t = parse(normalize(sql).text);
  if (!t) return fail(t.error);
  std::string out, err;
  Rewrite r;
  for (size_t i = 0; i < t.root->n_stmts; ++i) {
    // deparse one statement at a time so that they come out separated by "; "
    PgQuery__ParseResult one = *t.root;
    one.n_stmts = 1;
    one.stmts = &t.root->stmts[i];
    std::string piece;
    if (!deparse(&one, piece, err)) return fail(err);
    out += (i ? "; " : "") + piece;
  }
  r.ok = true;
  r.sql = out;
  return r;
}

Rewrite insertOnConflict(std::string_view insertSql, const std::vector<std::string> &keys,
                         const std::vector<std::string> &updateColumns) {
  ParseTree t = parse(normalize(insertSql).text);
  PgQuery__InsertStmt *ins = firstInsert(t);
  if (!ins) return fail(t ? "not an INSERT statement" : t.error);
  if (keys.empty()) return fail("no key columns to arbitrate on");
  if (ins->on_conflict_clause) pg_query__on_conflict_clause__free_unpacked(ins->on_conflict_clause, nullptr);

  PgQuery__OnConflictClause oc = PG_QUERY__ON_CONFLICT_CLAUSE__INIT;
  PgQuery__InferClause ic = PG_QUERY__INFER_CLAUSE__INIT;
  auto *clause = static_cast<PgQuery__OnConflictClause *>(std::malloc(sizeof oc));
  *clause = oc;
  auto *infer = static_cast<PgQuery__InferClause *>(std::malloc(sizeof ic));
  *infer = ic;
  infer->n_index_elems = keys.size();
  infer->index_elems = makeArray(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) infer->index_elems[i] = makeIndexElem(keys[i]);
  infer->location = -1;
  clause->infer = infer;
  clause->location = -1;
  if (updateColumns.empty()) {
    clause->action = PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_NOTHING;
  } else {
    clause->action = PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE;
    clause->n_target_list = updateColumns.size();
    clause->target_list = makeArray(updateColumns.size());
    for (size_t i = 0; i < updateColumns.size(); ++i)
      clause->target_list[i] =
          makeResTarget(updateColumns[i], makeColumnRef({"excluded", updateColumns[i]}));
  }
  ins->on_conflict_clause = clause;
  return finish(t);
}

Rewrite insertWithoutColumn(std::string_view insertSql, std::string_view column) {
  ParseTree t = parse(normalize(insertSql).text);
  PgQuery__InsertStmt *ins = firstInsert(t);
  if (!ins) return fail(t ? "not an INSERT statement" : t.error);
  size_t idx = ins->n_cols;
  for (size_t i = 0; i < ins->n_cols; ++i)
    if (ins->cols[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET && ins->cols[i]->res_target->name &&
        column == ins->cols[i]->res_target->name)
      idx = i;
  if (idx == ins->n_cols) return fail("the INSERT does not name column " + std::string(column));
  auto removeAt = [](PgQuery__Node **arr, size_t &n, size_t i) {
    pg_query__node__free_unpacked(arr[i], nullptr);
    std::memmove(arr + i, arr + i + 1, (n - i - 1) * sizeof(*arr));
    --n;
  };
  if (ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
    PgQuery__SelectStmt *sel = ins->select_stmt->select_stmt;
    if (sel->n_values_lists > 0) {
      for (size_t r = 0; r < sel->n_values_lists; ++r) {
        PgQuery__Node *row = sel->values_lists[r];
        if (row->node_case == PG_QUERY__NODE__NODE_LIST && idx < row->list->n_items)
          removeAt(row->list->items, row->list->n_items, idx);
      }
    } else if (idx < sel->n_target_list) {
      removeAt(sel->target_list, sel->n_target_list, idx);
    }
  }
  removeAt(ins->cols, ins->n_cols, idx);
  return finish(t);
}

Rewrite uniqueIndex(std::string_view table, const std::vector<std::string> &cols) {
  if (cols.empty()) return fail("no columns");
  return canonical("CREATE UNIQUE INDEX ON " + quoteIdent(table) + " (" + join(cols) + ")");
}

Rewrite sequenceDefault(std::string_view table, std::string_view column) {
  std::string seq = std::string(table) + "_" + std::string(column) + "_seq";
  std::string t = quoteIdent(table), c = quoteIdent(column), s = quoteIdent(seq);
  return canonical("CREATE SEQUENCE " + s + " OWNED BY " + t + "." + c + "; SELECT setval(" +
                   sqlString(s) + ", COALESCE((SELECT max(" + c + ") FROM " + t + "), 0) + 1, false); " +
                   "ALTER TABLE " + t + " ALTER COLUMN " + c + " SET DEFAULT nextval(" + sqlString(s) +
                   ")");
}

Rewrite parentCounter(std::string_view parentTable, std::string_view counterColumn) {
  std::string c = quoteIdent(counterColumn);
  return canonical("UPDATE " + quoteIdent(parentTable) + " SET " + c + " = " + c +
                   " + 1 WHERE id = $1 RETURNING " + c);
}

Rewrite advisoryXactLock(std::string_view table, const std::vector<int> &keyParams) {
  std::string key = sqlString(std::string(table));
  for (int p : keyParams)
    if (p > 0) key += " || ':' || $" + std::to_string(p);
  return canonical("SELECT pg_advisory_xact_lock(hashtext(" + key + "))");
}

std::string withPlaceholders(std::string_view sql, char style) {
  std::string out;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$' && i + 1 < sql.size() && std::isdigit((unsigned char)sql[i + 1]) &&
               (i == 0 || !(std::isalnum((unsigned char)sql[i - 1]) || sql[i - 1] == '_'))) {
      out += style;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace sqlrace::sql
