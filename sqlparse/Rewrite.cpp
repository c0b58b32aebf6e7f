// Suggested rewrites. The user's own statement is changed on its parse tree
// (ON CONFLICT added, a column dropped) and deparsed by libpg_query; the
// auxiliary statements (index, sequence, counter, lock) are assembled from
// quoted identifiers and then parsed and deparsed, so that what is printed is
// always SQL that PostgreSQL's grammar accepts.
#include "PgTree.h"
#include "sqlrace/sqlparse.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <algorithm>
#include <mutex>
#include <unordered_map>

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

static Rewrite canonicalImpl(std::string_view sql) {
  ParseTree t = parseForEdit(normalize(sql).text);
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

namespace {

int paramOf(const PgQuery__Node *n) {
  while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast) n = n->type_cast->arg;
  return n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF ? n->param_ref->number : 0;
}

PgQuery__Node *copyNode(const PgQuery__Node *n) {
  std::string buf = tree::pack(n);
  return pg_query__node__unpack(nullptr, buf.size(), reinterpret_cast<const uint8_t *>(buf.data()));
}

// The UPDATE's assignment value, rewritten for DO UPDATE; null if a placeholder
// has no INSERT column to come from.
PgQuery__Node *conflictValue(const PgQuery__Node *val, const std::string &table,
                             const std::map<int, std::string> &paramColumn) {
  PgQuery__Node *v = copyNode(val);
  bool ok = v != nullptr;
  std::vector<PgQuery__Node *> nodes;
  if (v)
    walk(v, [&](const ProtobufCMessage *m) {
      if (m->descriptor == &pg_query__node__descriptor) nodes.push_back(const_cast<PgQuery__Node *>(
                                                            reinterpret_cast<const PgQuery__Node *>(m)));
    });
  for (PgQuery__Node *n : nodes) {
    if (n->node_case == PG_QUERY__NODE__NODE_PARAM_REF) {
      auto it = paramColumn.find(n->param_ref->number);
      if (it == paramColumn.end()) { ok = false; break; }
      PgQuery__Node *ref = makeColumnRef({"excluded", it->second});
      pg_query__param_ref__free_unpacked(n->param_ref, nullptr);
      n->node_case = PG_QUERY__NODE__NODE_COLUMN_REF;
      n->column_ref = ref->column_ref;
      std::free(ref);
    } else if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF && n->column_ref->n_fields == 1 &&
               n->column_ref->fields[0]->node_case == PG_QUERY__NODE__NODE_STRING) {
      // unqualified column: in DO UPDATE it must name the existing row
      PgQuery__ColumnRef *c = n->column_ref;
      PgQuery__Node **fields = makeArray(2);
      fields[0] = makeString(table);
      fields[1] = c->fields[0];
      std::free(c->fields);
      c->fields = fields;
      c->n_fields = 2;
    }
  }
  if (!ok && v) {
    pg_query__node__free_unpacked(v, nullptr);
    v = nullptr;
  }
  return v;
}

}  // namespace

static Rewrite insertOnConflictImpl(std::string_view insertSql, const std::vector<std::string> &keys,
                                    std::string_view updateSql, const std::map<int, int> *updateParams) {
  ParseTree t = parseForEdit(normalize(insertSql).text);
  PgQuery__InsertStmt *ins = firstInsert(t);
  if (!ins) return fail(t ? "not an INSERT statement" : t.error);
  // no keys: ON CONFLICT DO NOTHING with no target (any constraint, an exclusion constraint too)
  if (keys.empty() && !updateSql.empty()) return fail("DO UPDATE needs key columns to arbitrate on");
  if (ins->on_conflict_clause) pg_query__on_conflict_clause__free_unpacked(ins->on_conflict_clause, nullptr);

  // $n -> the INSERT column it is written to
  std::string table = ins->relation && ins->relation->relname ? ins->relation->relname : "";
  std::map<int, std::string> paramColumn;
  std::vector<std::string> insertCols;
  for (size_t i = 0; i < ins->n_cols; ++i)
    insertCols.push_back(ins->cols[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET && ins->cols[i]->res_target->name
                             ? ins->cols[i]->res_target->name : "");
  if (ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
    const PgQuery__SelectStmt *sel = ins->select_stmt->select_stmt;
    if (sel->n_values_lists == 1 && sel->values_lists[0]->node_case == PG_QUERY__NODE__NODE_LIST) {
      const PgQuery__List *row = sel->values_lists[0]->list;
      for (size_t i = 0; i < row->n_items && i < insertCols.size(); ++i)
        if (int p = paramOf(row->items[i])) paramColumn.emplace(p, insertCols[i]);
    }
  }
  auto isKey = [&](const std::string &c) { return std::find(keys.begin(), keys.end(), c) != keys.end(); };
  auto inserted = [&](const std::string &c) {
    return std::find(insertCols.begin(), insertCols.end(), c) != insertCols.end();
  };

  std::vector<PgQuery__Node *> assignments;
  if (!updateSql.empty()) {
    ParseTree u = parseForEdit(normalize(updateSql).text);
    if (u && u.root->n_stmts > 0 && u.root->stmts[0]->stmt &&
        u.root->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT) {
      const PgQuery__UpdateStmt *up = u.root->stmts[0]->stmt->update_stmt;
      for (size_t i = 0; i < up->n_target_list; ++i) {
        if (up->target_list[i]->node_case != PG_QUERY__NODE__NODE_RES_TARGET) continue;
        const PgQuery__ResTarget *rt = up->target_list[i]->res_target;
        std::string col = rt->name ? rt->name : "";
        if (col.empty() || isKey(col)) continue;
        // the UPDATE's placeholders, in the INSERT's numbering
        std::map<int, std::string> updateColumn;
        for (const auto &[p, c] : paramColumn) updateColumn.emplace(p, c);
        if (updateParams) {
          updateColumn.clear();
          for (const auto &[u, i] : *updateParams) {
            auto it = paramColumn.find(i);
            if (it != paramColumn.end()) updateColumn.emplace(u, it->second);
          }
        }
        PgQuery__Node *val = conflictValue(rt->val, table, updateColumn);
        if (!val && inserted(col)) val = makeColumnRef({"excluded", col});
        if (val) assignments.push_back(makeResTarget(col, val));
      }
    }
  }

  PgQuery__OnConflictClause oc = PG_QUERY__ON_CONFLICT_CLAUSE__INIT;
  PgQuery__InferClause ic = PG_QUERY__INFER_CLAUSE__INIT;
  auto *clause = alloc(oc);
  if (!keys.empty()) {
    auto *infer = alloc(ic);
    infer->n_index_elems = keys.size();
    infer->index_elems = makeArray(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) infer->index_elems[i] = makeIndexElem(keys[i]);
    infer->location = -1;
    clause->infer = infer;
  }
  clause->location = -1;
  if (assignments.empty() && ins->n_returning_list > 0 && !keys.empty()) {
    // DO NOTHING returns no row on a conflict; a no-op update returns the existing one
    assignments.push_back(makeResTarget(keys[0], makeColumnRef({"excluded", keys[0]})));
  }
  if (assignments.empty()) {
    clause->action = PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_NOTHING;
  } else {
    clause->action = PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE;
    clause->n_target_list = assignments.size();
    clause->target_list = makeArray(assignments.size());
    for (size_t i = 0; i < assignments.size(); ++i) clause->target_list[i] = assignments[i];
  }
  ins->on_conflict_clause = clause;
  return finish(t);
}

// INSERT ... SELECT <no columns read> FROM t WHERE ...: once the aggregate is
// gone, reading t would insert one row per row of t; the values go in VALUES.
static void valuesIfConstant(PgQuery__SelectStmt *sel) {
  if (sel->n_from_clause == 0 || sel->n_group_clause || sel->having_clause || sel->larg) return;
  bool readsColumns = false;
  for (size_t i = 0; i < sel->n_target_list; ++i)
    walk(sel->target_list[i], [&](const ProtobufCMessage *m) {
      if (m->descriptor == &pg_query__column_ref__descriptor || m->descriptor == &pg_query__sub_link__descriptor ||
          m->descriptor == &pg_query__func_call__descriptor)
        readsColumns = true;
    });
  if (readsColumns) return;
  PgQuery__List init = PG_QUERY__LIST__INIT;
  auto *row = alloc(init);
  row->n_items = sel->n_target_list;
  row->items = makeArray(sel->n_target_list);
  for (size_t i = 0; i < sel->n_target_list; ++i) {
    PgQuery__Node *t = sel->target_list[i];
    if (t->node_case == PG_QUERY__NODE__NODE_RES_TARGET) {
      row->items[i] = t->res_target->val;
      t->res_target->val = nullptr;
    }
    pg_query__node__free_unpacked(t, nullptr);
  }
  std::free(sel->target_list);
  sel->target_list = nullptr;
  sel->n_target_list = 0;
  for (size_t i = 0; i < sel->n_from_clause; ++i) pg_query__node__free_unpacked(sel->from_clause[i], nullptr);
  std::free(sel->from_clause);
  sel->from_clause = nullptr;
  sel->n_from_clause = 0;
  if (sel->where_clause) pg_query__node__free_unpacked(sel->where_clause, nullptr);
  sel->where_clause = nullptr;
  PgQuery__Node *n = makeNode();
  n->node_case = PG_QUERY__NODE__NODE_LIST;
  n->list = row;
  sel->values_lists = makeArray(1);
  sel->values_lists[0] = n;
  sel->n_values_lists = 1;
}

static Rewrite insertWithoutColumnImpl(std::string_view insertSql, std::string_view column) {
  ParseTree t = parseForEdit(normalize(insertSql).text);
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
      valuesIfConstant(sel);
    }
  }
  removeAt(ins->cols, ins->n_cols, idx);
  // Placeholders left after the removal are renumbered densely: PostgreSQL
  // rejects a statement whose $2 is sent but never used ("could not determine
  // data type of parameter $2").
  std::map<int, int> renumber;
  walk(&t.root->base, [&](const ProtobufCMessage *m) {
    if (m->descriptor == &pg_query__param_ref__descriptor)
      renumber.emplace(reinterpret_cast<const PgQuery__ParamRef *>(m)->number, 0);
  });
  int next = 0;
  std::string moved;
  std::map<int, int> oldOf;
  for (auto &[from, to] : renumber) {
    to = ++next;
    oldOf[to] = from;
    if (from != to) moved += std::string(moved.empty() ? "" : ", ") + "$" + std::to_string(from) + " is now $" + std::to_string(to);
  }
  walk(&t.root->base, [&](const ProtobufCMessage *m) {
    if (m->descriptor == &pg_query__param_ref__descriptor) {
      auto *p = const_cast<PgQuery__ParamRef *>(reinterpret_cast<const PgQuery__ParamRef *>(m));
      p->number = renumber[p->number];
    }
  });
  if (ins->n_cols == 0 && ins->select_stmt && ins->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
      ins->select_stmt->select_stmt->n_values_lists > 0) {
    // nothing left to write: every column takes its default
    pg_query__node__free_unpacked(ins->select_stmt, nullptr);
    ins->select_stmt = nullptr;
  }
  Rewrite r = finish(t);
  r.renumbered = oldOf;
  if (!moved.empty()) r.note = "parameters renumbered: " + moved;
  return r;
}

static Rewrite selectForUpdateImpl(std::string_view selectSql) {
  ParseTree t = parseForEdit(normalize(selectSql).text);
  if (!t || t.root->n_stmts == 0 || t.root->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return fail(t ? "not a SELECT" : t.error);
  PgQuery__SelectStmt *sel = t.root->stmts[0]->stmt->select_stmt;
  for (size_t i = 0; i < sel->n_locking_clause; ++i)  // FOR SHARE / KEY SHARE -> FOR UPDATE
    if (sel->locking_clause[i]->node_case == PG_QUERY__NODE__NODE_LOCKING_CLAUSE)
      sel->locking_clause[i]->locking_clause->strength = PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORUPDATE;
  if (sel->n_locking_clause == 0) {
    PgQuery__LockingClause init = PG_QUERY__LOCKING_CLAUSE__INIT;
    auto *lc = alloc(init);
    lc->strength = PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORUPDATE;
    lc->wait_policy = PG_QUERY__LOCK_WAIT_POLICY__LockWaitBlock;
    PgQuery__Node *n = makeNode();
    n->node_case = PG_QUERY__NODE__NODE_LOCKING_CLAUSE;
    n->locking_clause = lc;
    sel->locking_clause = makeArray(1);
    sel->locking_clause[0] = n;
    sel->n_locking_clause = 1;
  }
  return finish(t);
}

static Rewrite selectWhereNotNullImpl(std::string_view selectSql, std::string_view column) {
  ParseTree t = parseForEdit(normalize(selectSql).text);
  if (!t || t.root->n_stmts == 0 || t.root->stmts[0]->stmt->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
    return fail(t ? "not a SELECT" : t.error);
  PgQuery__SelectStmt *sel = t.root->stmts[0]->stmt->select_stmt;
  if (!sel->where_clause) return fail("no WHERE");
  PgQuery__NullTest nt = PG_QUERY__NULL_TEST__INIT;
  auto *test = alloc(nt);
  test->arg = makeColumnRef({column});
  test->nulltesttype = PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
  test->location = -1;
  PgQuery__Node *testNode = makeNode();
  testNode->node_case = PG_QUERY__NODE__NODE_NULL_TEST;
  testNode->null_test = test;
  PgQuery__Node *w = sel->where_clause;
  if (w->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR && w->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    PgQuery__BoolExpr *b = w->bool_expr;
    PgQuery__Node **args = makeArray(b->n_args + 1);
    for (size_t i = 0; i < b->n_args; ++i) args[i] = b->args[i];
    args[b->n_args] = testNode;
    std::free(b->args);
    b->args = args;
    b->n_args++;
  } else {
    PgQuery__BoolExpr be = PG_QUERY__BOOL_EXPR__INIT;
    auto *b = alloc(be);
    b->boolop = PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR;
    b->args = makeArray(2);
    b->args[0] = w;
    b->args[1] = testNode;
    b->n_args = 2;
    b->location = -1;
    PgQuery__Node *n = makeNode();
    n->node_case = PG_QUERY__NODE__NODE_BOOL_EXPR;
    n->bool_expr = b;
    sel->where_clause = n;
  }
  return finish(t);
}

Rewrite uniqueIndex(std::string_view table, const std::vector<std::string> &cols) {
  if (cols.empty()) return fail("no columns");
  // Named, because SQLite requires a name (PostgreSQL would make one up). Written
  // directly as the deparser prints it (btree, the default, left out): a parse and
  // deparse per finding cost more than the rest of its rewrite.
  std::string name(table);
  for (const std::string &c : cols) name += "_" + c;
  name += "_key";
  Rewrite r;
  r.ok = true;
  r.sql = "CREATE UNIQUE INDEX " + quoteIdent(name) + " ON " + quoteIdent(table) + " (" + join(cols) + ")";
  return r;
}

Rewrite sequenceDefault(std::string_view table, std::string_view column) {
  std::string seq = std::string(table) + "_" + std::string(column) + "_seq";
  std::string t = quoteIdent(table), c = quoteIdent(column), s = quoteIdent(seq);
  return canonical("CREATE SEQUENCE " + s + " OWNED BY " + t + "." + c + "; SELECT setval(" +
                   sqlString(s) + ", COALESCE((SELECT max(" + c + ") FROM " + t + "), 0) + 1, false); " +
                   "ALTER TABLE " + t + " ALTER COLUMN " + c + " SET DEFAULT nextval(" + sqlString(s) +
                   ")");
}

Rewrite parentCounter(std::string_view parentTable, std::string_view counterColumn, int param) {
  std::string c = quoteIdent(counterColumn);
  return canonical("UPDATE " + quoteIdent(parentTable) + " SET " + c + " = " + c + " + 1 WHERE id = $" +
                   std::to_string(param) + " RETURNING " + c);
}

Rewrite mysqlUpsert(std::string_view insertSql, const std::vector<std::string> &keys, std::string_view updateSql,
                    const std::map<int, int> *updateParams) {
  Rewrite pg = insertOnConflict(insertSql, keys, updateSql, updateParams);
  if (!pg.ok) return pg;
  // The deparsed ON CONFLICT clause is rewritten into MySQL's forms.
  size_t on = pg.sql.find(" ON CONFLICT ");
  if (on == std::string::npos) return fail("no conflict clause");
  std::string head = pg.sql.substr(0, on), tail = pg.sql.substr(on);
  size_t returning = tail.find(" RETURNING ");
  if (returning != std::string::npos) tail = tail.substr(0, returning);  // MySQL has no RETURNING
  Rewrite r;
  r.ok = true;
  size_t set = tail.find(" DO UPDATE SET ");
  if (set == std::string::npos || updateSql.empty()) {
    r.sql = "INSERT IGNORE " + head.substr(std::string("INSERT ").size());
    return r;
  }
  std::string assignments = tail.substr(set + std::string(" DO UPDATE SET ").size()), out;
  for (size_t i = 0; i < assignments.size();) {
    if (assignments.compare(i, 9, "excluded.") == 0) {
      size_t j = i + 9;
      while (j < assignments.size() && (std::isalnum((unsigned char)assignments[j]) || assignments[j] == '_' ||
                                        assignments[j] == '"'))
        ++j;
      out += "VALUES(" + assignments.substr(i + 9, j - i - 9) + ")";
      i = j;
    } else {
      out += assignments[i++];
    }
  }
  r.sql = head + " ON DUPLICATE KEY UPDATE " + out;
  return r;
}

// Copies `sql`, offering each $N outside quotes to `spell(n, digits, out)`: when
// it returns true it has written that parameter, else "$N" is copied unchanged.
template <class Spell>
static std::string mapParameters(std::string_view sql, Spell spell) {
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
      size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && std::isdigit((unsigned char)sql[j])) n = n * 10 + (sql[j++] - '0');
      if (spell(n, sql.substr(i + 1, j - i - 1), out)) {
        i = j - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::string respell(std::string_view sql, const std::map<int, std::string> &spelling) {
  return mapParameters(sql, [&](int n, std::string_view, std::string &out) {
    auto it = spelling.find(n);
    if (it == spelling.end()) return false;
    out += it->second;
    return true;
  });
}

Rewrite advisoryXactLock(std::string_view table, const std::vector<int> &keyParams) {
  std::string key = sqlString(std::string(table));
  for (int p : keyParams)
    if (p > 0) key += " || ':' || $" + std::to_string(p);
  return canonical("SELECT pg_advisory_xact_lock(hashtext(" + key + "))");
}

std::vector<std::pair<size_t, size_t>> statementRanges(std::string_view sql) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t start = 0, i = 0, n = sql.size();
  auto flush = [&](size_t end) {
    if (end > start) out.push_back({start, end - start});
    start = end + 1;
  };
  while (i < n) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {  // quoted: '' and "" stay inside; E'\'' escapes
      bool backslash = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
      for (++i; i < n; ++i) {
        if (backslash && sql[i] == '\\') {
          ++i;
          continue;
        }
        if (sql[i] == c) {
          if (i + 1 < n && sql[i + 1] == c) {
            ++i;
            continue;
          }
          break;
        }
      }
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      int depth = 0;  // PostgreSQL comments nest
      for (; i + 1 < n; ++i) {
        if (sql[i] == '/' && sql[i + 1] == '*') depth++, ++i;
        else if (sql[i] == '*' && sql[i + 1] == '/' && --depth == 0) break;
      }
      i += 2;
    } else if (c == '$' && (i == 0 || !(std::isalnum((unsigned char)sql[i - 1]) || sql[i - 1] == '_'))) {
      size_t j = i + 1;  // $tag$ ... $tag$ (not $1)
      while (j < n && (std::isalpha((unsigned char)sql[j]) || sql[j] == '_')) ++j;
      if (j < n && sql[j] == '$') {
        std::string_view tag = sql.substr(i, j - i + 1);
        size_t close = sql.find(tag, j + 1);
        i = close == std::string_view::npos ? n : close + tag.size();
      } else {
        ++i;
      }
    } else if (c == ';') {
      flush(i);
      ++i;
    } else {
      ++i;
    }
  }
  if (start < n) out.push_back({start, n - start});
  return out;
}

std::vector<std::string> splitStatements(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto &[at, len] : statementRanges(sql)) {
    std::string_view s = sql.substr(at, len);
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    if (b != std::string_view::npos) out.emplace_back(s.substr(b, e - b + 1));
  }
  return out;
}

std::string withPlaceholders(std::string_view sql, char style) {
  // $N -> <style>N (the digits stay: ?1 in SQLite's numbered form)
  return mapParameters(sql, [&](int, std::string_view digits, std::string &out) {
    out += style;
    out += digits;
    return true;
  });
}

}  // namespace sqlrace::sql

namespace sqlrace::sql {

std::string restoreCase(std::string_view deparsed, std::string_view original) {
  // ASCII classes by hand: the C library's are calls per character here
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; };
  auto isStart = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto isWord = [&](char c) { return isStart(c) || (c >= '0' && c <= '9'); };
  // the original's words that are not all lower case, in order (outside quotes only):
  // a lower-case word of the output takes the first of them that folds to it
  std::string_view few[16];
  std::vector<std::string_view> more;
  size_t count = 0;
  char quote = 0;
  for (size_t i = 0; i < original.size(); ++i) {
    char c = original[i];
    if (quote) {
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      continue;
    }
    if (isStart(c) && (i == 0 || !isWord(original[i - 1]))) {
      size_t j = i;
      bool upper = false;
      for (; j < original.size() && isWord(original[j]); ++j) upper = upper || (original[j] >= 'A' && original[j] <= 'Z');
      if (upper) {
        std::string_view w = original.substr(i, j - i);
        if (count < 16) few[count] = w;
        else more.push_back(w);
        ++count;
      }
      i = j - 1;
    }
  }
  auto spelling = [&](std::string_view w) -> std::string_view {
    for (char ch : w)
      if (ch >= 'A' && ch <= 'Z') return w;  // only words the deparser left in lower case
    for (size_t n = 0; n < count; ++n) {
      std::string_view s = n < 16 ? few[n] : more[n - 16];
      if (s.size() != w.size()) continue;
      size_t k = 0;
      while (k < w.size() && lower(s[k]) == w[k]) ++k;
      if (k == w.size()) return s;
    }
    return w;
  };
  std::string out;
  out.reserve(deparsed.size());
  quote = 0;
  for (size_t i = 0; i < deparsed.size(); ++i) {
    char c = deparsed[i];
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      out += c;
      continue;
    }
    if (isStart(c) && (i == 0 || !(isWord(deparsed[i - 1]) || deparsed[i - 1] == '$'))) {
      size_t j = i;
      while (j < deparsed.size() && isWord(deparsed[j])) ++j;
      out += spelling(deparsed.substr(i, j - i));
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace sqlrace::sql

namespace sqlrace::sql {
namespace {

// Rewrites are pure functions of their inputs, and code repeats its SQL: each
// is computed once per distinct input (a cache per call site: per type of compute).
template <typename F> auto memo(const std::string &key, F compute) -> decltype(compute()) {
  static std::mutex mu;
  static std::unordered_map<std::string, decltype(compute())> cache;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  auto r = compute();
  std::lock_guard<std::mutex> lock(mu);
  cache.emplace(key, r);
  return r;
}

// Each part with its length first: no byte of the texts (a \x1f in a literal) can make
// two different inputs one key.
std::string keyOf(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (std::string_view p : parts) {
    k += std::to_string(p.size());
    k += ':';
    k += p;
  }
  return k;
}

}  // namespace

std::string respellLike(std::string_view sql, const std::map<int, std::string> &spelling, std::string_view original) {
  std::string key = keyOf({sql, original});
  for (const auto &[n, sp] : spelling) key += keyOf({std::to_string(n), sp});
  return memo(key, [&] { return restoreCase(respell(sql, spelling), original); });
}

Rewrite canonical(std::string_view sql) {
  return memo(keyOf({"canonical", sql}), [&] { return canonicalImpl(sql); });
}

Rewrite insertOnConflict(std::string_view insertSql, const std::vector<std::string> &keys, std::string_view updateSql,
                         const std::map<int, int> *updateParams) {
  std::string k = keyOf({"conflict", insertSql, updateSql, updateParams ? "map" : "nomap"});
  k += keyOf({std::to_string(keys.size())});  // then each key: a quoted column name may hold a comma
  for (const std::string &key : keys) k += keyOf({key});
  if (updateParams)
    for (const auto &[a, b] : *updateParams) k += std::to_string(a) + ":" + std::to_string(b) + ",";
  return memo(k, [&] { return insertOnConflictImpl(insertSql, keys, updateSql, updateParams); });
}

Rewrite insertWithoutColumn(std::string_view insertSql, std::string_view column) {
  return memo(keyOf({"omit", insertSql, column}), [&] { return insertWithoutColumnImpl(insertSql, column); });
}

Rewrite selectForUpdate(std::string_view selectSql) {
  return memo(keyOf({"forupdate", selectSql}), [&] { return selectForUpdateImpl(selectSql); });
}

Rewrite selectWhereNotNull(std::string_view selectSql, std::string_view column) {
  return memo(keyOf({"notnull", selectSql, column}), [&] { return selectWhereNotNullImpl(selectSql, column); });
}

}  // namespace sqlrace::sql
