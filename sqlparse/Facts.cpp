// Statement facts from libpg_query's parse tree.
#include "PgTree.h"
#include "sqlrace/sqlparse.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace sqlrace::sql {
using namespace tree;

bool Facts::hasAggregate(std::string_view fn) const { return findAggregate(fn) != nullptr; }
const Aggregate *Facts::findAggregate(std::string_view fn) const {
  for (const Aggregate &a : aggregates)
    if (a.function == fn) return &a;
  return nullptr;
}
bool Facts::reads(std::string_view table) const {
  return std::find(tablesRead.begin(), tablesRead.end(), table) != tablesRead.end();
}

const char *toString(StmtKind k) {
  switch (k) {
  case StmtKind::Select: return "select";
  case StmtKind::Insert: return "insert";
  case StmtKind::Update: return "update";
  case StmtKind::Delete: return "delete";
  case StmtKind::Lock: return "lock";
  case StmtKind::Transaction: return "transaction";
  case StmtKind::Set: return "set";
  case StmtKind::Other: return "other";
  }
  return "other";
}

namespace {

void addUnique(std::vector<std::string> &v, const std::string &s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

bool isAggregateName(const std::string &n) {
  return n == "max" || n == "min" || n == "count" || n == "sum";
}

bool containsAggregate(const PgQuery__Node *n) {
  bool found = false;
  walk(n, [&](const ProtobufCMessage *m) {
    if (auto *f = as<PgQuery__FuncCall>(m, pg_query__func_call__descriptor))
      if (isAggregateName(funcName(f))) found = true;
  });
  return found;
}

bool isIntConst(const PgQuery__Node *n) {
  return n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const &&
         n->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL;
}

std::string opName(const PgQuery__AExpr *e) {
  return e->n_name ? str(e->name[e->n_name - 1]) : std::string();
}

// Reads the whole statement once for the facts that can appear anywhere.
void scanCommon(const PgQuery__Node *stmt, Facts &f, const PgQuery__RangeVar *skipTarget) {
  walk(stmt, [&](const ProtobufCMessage *m) {
    if (auto *rv = as<PgQuery__RangeVar>(m, pg_query__range_var__descriptor)) {
      if (rv != skipTarget && rv->relname) addUnique(f.tablesRead, rv->relname);
    } else if (auto *fc = as<PgQuery__FuncCall>(m, pg_query__func_call__descriptor)) {
      std::string n = funcName(fc);
      if (isAggregateName(n)) {
        Aggregate a;
        a.function = n;
        if (fc->agg_star) a.column = "*";
        else if (fc->n_args == 1 && fc->args[0]->node_case == PG_QUERY__NODE__NODE_COLUMN_REF)
          a.column = lastField(fc->args[0]->column_ref);
        f.aggregates.push_back(a);
      } else if (n == "pg_advisory_unlock" || n == "pg_advisory_unlock_all" || n == "pg_advisory_unlock_shared" ||
                 n == "release_lock" || n == "release_all_locks") {
        f.advisoryUnlock = true;
      } else if (n == "get_lock") {  // MySQL named lock, held by the session
        f.advisory = Advisory::Session;
      } else if (n.rfind("pg_", 0) == 0 && n.find("advisory") != std::string::npos &&
                 n.find("unlock") == std::string::npos) {
        bool xact = n.find("xact") != std::string::npos;
        bool shared = n.find("shared") != std::string::npos;
        bool tryLock = n.find("try") != std::string::npos;
        f.advisory = tryLock ? (xact ? Advisory::TryXact : Advisory::TrySession)
                     : shared ? (xact ? Advisory::XactShared : Advisory::SessionShared)
                              : (xact ? Advisory::Xact : Advisory::Session);
      }
    } else if (auto *ae = as<PgQuery__AExpr>(m, pg_query__a__expr__descriptor)) {
      if (ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && opName(ae) == "+") {
        bool l = containsAggregate(ae->lexpr), r = containsAggregate(ae->rexpr);
        if ((l && isIntConst(ae->rexpr)) || (r && isIntConst(ae->lexpr))) f.plusOneSeen = true;
      }
      // count(*) < $2, count(*) >= capacity: compared with a limit, not with zero (one)
      std::string op = ae->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP ? opName(ae) : "";
      if (op == "<" || op == "<=" || op == ">" || op == ">=") {
        auto counts = [](const PgQuery__Node *n) {
          bool c = false;
          walk(n, [&](const ProtobufCMessage *x) {
            if (auto *fc = as<PgQuery__FuncCall>(x, pg_query__func_call__descriptor))
              if (funcName(fc) == "count") c = true;
          });
          return c;
        };
        auto zeroOrOne = [](const PgQuery__Node *n) {
          return isIntConst(n) && (n->a_const->ival->ival == 0 || n->a_const->ival->ival == 1);
        };
        if ((counts(ae->lexpr) && ae->rexpr && !zeroOrOne(ae->rexpr)) ||
            (counts(ae->rexpr) && ae->lexpr && !zeroOrOne(ae->lexpr)))
          f.countLimit = true;
      }
    } else if (auto *sl = as<PgQuery__SubLink>(m, pg_query__sub_link__descriptor)) {
      if (sl->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) f.exists = true;
    } else if (auto *be = as<PgQuery__BoolExpr>(m, pg_query__bool_expr__descriptor)) {
      if (be->boolop == PG_QUERY__BOOL_EXPR_TYPE__NOT_EXPR && be->n_args == 1 &&
          be->args[0]->node_case == PG_QUERY__NODE__NODE_SUB_LINK &&
          be->args[0]->sub_link->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK)
        f.notExists = true;
    } else if (auto *lc = as<PgQuery__LockingClause>(m, pg_query__locking_clause__descriptor)) {
      RowLock r = RowLock::None;
      switch (lc->strength) {
      case PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORKEYSHARE: r = RowLock::KeyShare; break;
      case PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORSHARE: r = RowLock::Share; break;
      case PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORNOKEYUPDATE: r = RowLock::NoKeyUpdate; break;
      case PG_QUERY__LOCK_CLAUSE_STRENGTH__LCS_FORUPDATE: r = RowLock::Update; break;
      default: break;
      }
      if (r > f.rowLock) f.rowLock = r;
    }
  });
  if (f.plusOneSeen)
    for (Aggregate &a : f.aggregates) a.plusOne = true;
}

int paramNumber(const PgQuery__Node *n) {
  while (n && n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast) n = n->type_cast->arg;
  if (n && n->node_case == PG_QUERY__NODE__NODE_PARAM_REF) return n->param_ref->number;
  return 0;
}

// Equality comparisons at the top level of a WHERE clause (through AND).
void collectKeys(const PgQuery__Node *w, Facts &f) {
  if (!w) return;
  if (w->node_case == PG_QUERY__NODE__NODE_BOOL_EXPR &&
      w->bool_expr->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
    for (size_t i = 0; i < w->bool_expr->n_args; ++i) collectKeys(w->bool_expr->args[i], f);
    return;
  }
  if (w->node_case == PG_QUERY__NODE__NODE_NULL_TEST) {
    const PgQuery__NullTest *t = w->null_test;
    if (t->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL && t->arg &&
        t->arg->node_case == PG_QUERY__NODE__NODE_COLUMN_REF)
      addUnique(f.notNullColumns, lastField(t->arg->column_ref));
    return;
  }
  if (w->node_case != PG_QUERY__NODE__NODE_A_EXPR) return;
  const PgQuery__AExpr *e = w->a_expr;
  if (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP) {  // col > v, v < col: a cursor
    std::string op = opName(e);
    const PgQuery__Node *l = e->lexpr, *r = e->rexpr;
    if ((op == ">" || op == ">=") && l && l->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        !(r && r->node_case == PG_QUERY__NODE__NODE_COLUMN_REF))
      addUnique(f.rangeColumns, lastField(l->column_ref));
    if ((op == "<" || op == "<=") && r && r->node_case == PG_QUERY__NODE__NODE_COLUMN_REF &&
        !(l && l->node_case == PG_QUERY__NODE__NODE_COLUMN_REF))
      addUnique(f.rangeColumns, lastField(r->column_ref));
  }
  // `col = v`, and `col LIKE v` as code uses it for case-insensitive equality
  bool equality = e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP && opName(e) == "=";
  bool like = (e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_LIKE || e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE) &&
              (opName(e) == "~~" || opName(e) == "~~*");
  if (!equality && !like) return;
  const PgQuery__Node *col = e->lexpr, *other = e->rexpr;
  if (!col || col->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) std::swap(col, other);
  if (!col || col->node_case != PG_QUERY__NODE__NODE_COLUMN_REF) return;
  if (other && other->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) return;  // join condition
  std::string c = lastField(col->column_ref);
  if (c.empty() || std::find(f.keyColumns.begin(), f.keyColumns.end(), c) != f.keyColumns.end()) return;
  f.keyColumns.push_back(c);
  f.keyParams.push_back(paramNumber(other));
}

// Keys of a SELECT: its own WHERE, or the WHERE of an EXISTS subquery when it has none.
void selectKeys(const PgQuery__SelectStmt *s, Facts &f) {
  if (!s) return;
  if (s->larg) selectKeys(s->larg, f);
  collectKeys(s->where_clause, f);
  if (!f.keyColumns.empty()) return;
  auto fromSubLinks = [&](const PgQuery__Node *n) {
    walk(n, [&](const ProtobufCMessage *m) {
      if (auto *sl = as<PgQuery__SubLink>(m, pg_query__sub_link__descriptor))
        if (f.keyColumns.empty() && sl->subselect &&
            sl->subselect->node_case == PG_QUERY__NODE__NODE_SELECT_STMT)
          collectKeys(sl->subselect->select_stmt->where_clause, f);
    });
  };
  for (size_t i = 0; i < s->n_target_list; ++i) fromSubLinks(s->target_list[i]);
  fromSubLinks(s->where_clause);
}

Isolation isolationFrom(const std::string &level) {
  std::string l = lower(level);
  if (l == "serializable") return Isolation::Serializable;
  if (l == "repeatable read") return Isolation::RepeatableRead;
  if (l == "read committed") return Isolation::ReadCommitted;
  if (l == "read uncommitted") return Isolation::ReadUncommitted;
  return Isolation::Default;
}

std::string constString(const PgQuery__Node *n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_A_CONST && n->a_const->val_case == PG_QUERY__A__CONST__VAL_SVAL)
    return n->a_const->sval->sval;
  return {};
}

Isolation isolationFromOptions(PgQuery__Node **opts, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (opts[i]->node_case != PG_QUERY__NODE__NODE_DEF_ELEM) continue;
    const PgQuery__DefElem *d = opts[i]->def_elem;
    if (d->defname && std::string(d->defname) == "transaction_isolation")
      return isolationFrom(constString(d->arg));
  }
  return Isolation::Default;
}

Facts factsFor(const PgQuery__Node *stmt) {
  Facts f;
  switch (stmt->node_case) {
  case PG_QUERY__NODE__NODE_SELECT_STMT: {
    f.kind = StmtKind::Select;
    scanCommon(stmt, f, nullptr);
    const PgQuery__SelectStmt *sel = stmt->select_stmt;
    selectKeys(sel, f);
    for (size_t i = 0; i < sel->n_target_list; ++i) {
      if (sel->target_list[i]->node_case != PG_QUERY__NODE__NODE_RES_TARGET) continue;
      const PgQuery__Node *v = sel->target_list[i]->res_target->val;
      if (v && v->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) f.selectColumns.push_back(lastField(v->column_ref));
    }
    // ORDER BY col DESC LIMIT 1: the latest row, and for a number the same as MAX(col)
    if (sel->n_sort_clause == 1 && sel->limit_count && sel->limit_count->node_case == PG_QUERY__NODE__NODE_A_CONST &&
        sel->limit_count->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL &&
        sel->limit_count->a_const->ival->ival == 1 && sel->sort_clause[0]->node_case == PG_QUERY__NODE__NODE_SORT_BY) {
      const PgQuery__SortBy *sb = sel->sort_clause[0]->sort_by;
      if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC && sb->node &&
          sb->node->node_case == PG_QUERY__NODE__NODE_COLUMN_REF)
        f.latestBy = lastField(sb->node->column_ref);
    }
    break;
  }
  case PG_QUERY__NODE__NODE_INSERT_STMT: {
    const PgQuery__InsertStmt *s = stmt->insert_stmt;
    f.kind = StmtKind::Insert;
    if (s->relation && s->relation->relname) f.targetTable = s->relation->relname;
    scanCommon(stmt, f, s->relation);
    for (size_t i = 0; i < s->n_cols; ++i)
      if (s->cols[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
        f.insertColumns.push_back(s->cols[i]->res_target->name ? s->cols[i]->res_target->name : "");
    f.insertParams.assign(f.insertColumns.size(), 0);
    if (s->select_stmt && s->select_stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
      const PgQuery__SelectStmt *sel = s->select_stmt->select_stmt;
      if (sel->n_values_lists == 1 && sel->values_lists[0]->node_case == PG_QUERY__NODE__NODE_LIST) {
        const PgQuery__List *row = sel->values_lists[0]->list;
        for (size_t i = 0; i < row->n_items && i < f.insertParams.size(); ++i)
          f.insertParams[i] = paramNumber(row->items[i]);
      } else if (sel->n_values_lists == 0) {
        f.insertFromSelect = true;
        for (size_t i = 0; i < sel->n_target_list && i < f.insertParams.size(); ++i)
          if (sel->target_list[i]->node_case == PG_QUERY__NODE__NODE_RES_TARGET)
            f.insertParams[i] = paramNumber(sel->target_list[i]->res_target->val);
        selectKeys(sel, f);
      }
    }
    if (const PgQuery__OnConflictClause *oc = s->on_conflict_clause) {
      f.conflict = oc->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE ? Conflict::DoUpdate
                                                                                : Conflict::DoNothing;
      if (oc->infer)
        for (size_t i = 0; i < oc->infer->n_index_elems; ++i)
          if (oc->infer->index_elems[i]->node_case == PG_QUERY__NODE__NODE_INDEX_ELEM &&
              oc->infer->index_elems[i]->index_elem->name)
            f.conflictColumns.push_back(oc->infer->index_elems[i]->index_elem->name);
    }
    f.returning = s->n_returning_list > 0;
    break;
  }
  case PG_QUERY__NODE__NODE_UPDATE_STMT: {
    const PgQuery__UpdateStmt *s = stmt->update_stmt;
    f.kind = StmtKind::Update;
    if (s->relation && s->relation->relname) f.targetTable = s->relation->relname;
    scanCommon(stmt, f, s->relation);
    for (size_t i = 0; i < s->n_target_list; ++i) {
      if (s->target_list[i]->node_case != PG_QUERY__NODE__NODE_RES_TARGET) continue;
      const PgQuery__ResTarget *rt = s->target_list[i]->res_target;
      std::string col = rt->name ? rt->name : "";
      bool self = false;
      walk(rt->val, [&](const ProtobufCMessage *m) {
        if (auto *c = as<PgQuery__ColumnRef>(m, pg_query__column_ref__descriptor))
          if (lastField(c) == col) self = true;
      });
      std::vector<int> params;
      walk(rt->val, [&](const ProtobufCMessage *m) {
        if (auto *pr = as<PgQuery__ParamRef>(m, pg_query__param_ref__descriptor)) params.push_back(pr->number);
      });
      f.setColumns.push_back(col);
      f.setSelfRelative.push_back(self);
      f.setParams.push_back(params);
    }
    collectKeys(s->where_clause, f);
    f.returning = s->n_returning_list > 0;
    break;
  }
  case PG_QUERY__NODE__NODE_DELETE_STMT: {
    const PgQuery__DeleteStmt *s = stmt->delete_stmt;
    f.kind = StmtKind::Delete;
    if (s->relation && s->relation->relname) f.targetTable = s->relation->relname;
    scanCommon(stmt, f, s->relation);
    collectKeys(s->where_clause, f);
    f.returning = s->n_returning_list > 0;
    break;
  }
  case PG_QUERY__NODE__NODE_LOCK_STMT: {
    const PgQuery__LockStmt *s = stmt->lock_stmt;
    f.kind = StmtKind::Lock;
    for (size_t i = 0; i < s->n_relations; ++i)
      if (s->relations[i]->node_case == PG_QUERY__NODE__NODE_RANGE_VAR && s->relations[i]->range_var->relname)
        f.lockTables.push_back(s->relations[i]->range_var->relname);
    f.lockMode = s->mode;
    break;
  }
  case PG_QUERY__NODE__NODE_TRANSACTION_STMT: {
    const PgQuery__TransactionStmt *s = stmt->transaction_stmt;
    f.kind = StmtKind::Transaction;
    switch (s->kind) {
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_BEGIN:
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_START: f.txn = TxnKind::Begin; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_COMMIT: f.txn = TxnKind::Commit; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK: f.txn = TxnKind::Rollback; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_SAVEPOINT: f.txn = TxnKind::Savepoint; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_RELEASE: f.txn = TxnKind::Release; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_ROLLBACK_TO: f.txn = TxnKind::RollbackTo; break;
    case PG_QUERY__TRANSACTION_STMT_KIND__TRANS_STMT_PREPARE: f.txn = TxnKind::Prepare; break;
    default: f.txn = TxnKind::Other; break;
    }
    f.isolation = isolationFromOptions(s->options, s->n_options);
    break;
  }
  case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT: {
    const PgQuery__VariableSetStmt *s = stmt->variable_set_stmt;
    f.kind = StmtKind::Set;
    f.setName = s->name ? lower(s->name) : "";
    if (f.setName == "transaction" || f.setName == "session characteristics") {
      f.isolation = isolationFromOptions(s->args, s->n_args);
      f.sessionIsolation = f.setName != "transaction";
    } else if (f.setName == "transaction_isolation" || f.setName == "default_transaction_isolation") {
      if (s->n_args == 1) f.isolation = isolationFrom(constString(s->args[0]));
      f.sessionIsolation = f.setName == "default_transaction_isolation";
    }
    break;
  }
  default:
    f.kind = StmtKind::Other;
    scanCommon(stmt, f, nullptr);
    break;
  }
  return f;
}

// Token-level classification for text the parser rejects (pg_query_scan).
std::vector<Facts> fallbackFacts(const std::string &text) {
  std::vector<Facts> out;
  PgQueryScanResult r = pg_query_scan(text.c_str());
  if (r.error) {
    pg_query_free_scan_result(r);
    return out;
  }
  PgQuery__ScanResult *sr =
      pg_query__scan_result__unpack(nullptr, r.pbuf.len, reinterpret_cast<const uint8_t *>(r.pbuf.data));
  pg_query_free_scan_result(r);
  if (!sr) return out;
  std::vector<std::string> words;  // lower-case token texts, ";" separates statements
  for (size_t i = 0; i < sr->n_tokens; ++i) {
    const PgQuery__ScanToken *tk = sr->tokens[i];
    std::string w = text.substr(tk->start, tk->end - tk->start);
    if (tk->token != PG_QUERY__TOKEN__SCONST) w = lower(w);
    if (w.size() >= 2 && w.front() == '"' && w.back() == '"') w = w.substr(1, w.size() - 2);
    words.push_back(w);
  }
  pg_query__scan_result__free_unpacked(sr, nullptr);
  words.push_back(";");
  Facts f;
  bool any = false;
  auto next = [&](size_t i) { return i + 1 < words.size() ? words[i + 1] : std::string(); };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string &w = words[i];
    if (w == ";") {
      if (any) out.push_back(f);
      f = Facts();
      any = false;
      continue;
    }
    if (!any) {
      any = true;
      f.kind = w == "select" || w == "with" ? StmtKind::Select
               : w == "insert" || w == "replace" ? StmtKind::Insert
               : w == "update" ? StmtKind::Update
               : w == "delete" ? StmtKind::Delete
               : w == "lock" ? StmtKind::Lock
               : w == "begin" || w == "start" || w == "commit" || w == "rollback" || w == "end" ? StmtKind::Transaction
               : w == "set" ? StmtKind::Set : StmtKind::Other;
      if (f.kind == StmtKind::Transaction)
        f.txn = w == "commit" || w == "end" ? TxnKind::Commit : w == "rollback" ? TxnKind::Rollback : TxnKind::Begin;
      if (w == "replace") f.conflict = Conflict::Replace;
      if (f.kind == StmtKind::Other) {
        // nothing this classifier understands: no facts rather than wrong ones
        out.clear();
        return out;
      }
      if (f.kind == StmtKind::Update) f.targetTable = next(i);
      continue;
    }
    if (w == "into" && f.kind == StmtKind::Insert && f.targetTable.empty()) f.targetTable = next(i);
    else if ((w == "from" || w == "join") && f.kind != StmtKind::Delete) addUnique(f.tablesRead, next(i));
    else if (w == "from" && f.kind == StmtKind::Delete) f.targetTable = next(i);
    else if (w == "ignore" && f.kind == StmtKind::Insert) f.conflict = Conflict::Ignore;
    else if (w == "conflict" || w == "duplicate") f.conflict = Conflict::DoUpdate;
    else if (w == "returning") f.returning = true;
    else if (w == "exists") f.exists = true;
    else if (w == "for" && (next(i) == "update" || next(i) == "no")) f.rowLock = RowLock::Update;
    else if ((w == "max" || w == "count") && next(i) == "(") {
      Aggregate a;
      a.function = w;
      if (i + 3 < words.size() && words[i + 3] == ")") a.column = words[i + 2];
      f.aggregates.push_back(a);
    } else if (f.kind == StmtKind::Lock && w != "table" && w != "tables" && f.lockTables.empty()) {
      f.lockTables.push_back(w);
    }
  }
  return out;
}

std::shared_ptr<const ParsedSql> analyzeUncached(std::string_view sql, const NormalizeOptions &opt) {
  auto out = std::make_shared<ParsedSql>();
  Normalized norm = normalize(sql, opt);
  ParseTree t = parse(norm.text);
  if (!t && !norm.holeParams.empty() && !opt.holesAsIdentifiers) {
    // A hole where an identifier goes (a table name formatted in): try it as one.
    NormalizeOptions idOpt = opt;
    idOpt.holesAsIdentifiers = true;
    Normalized asIds = normalize(sql, idOpt);
    ParseTree t2 = parse(asIds.text);
    if (t2) {
      norm = std::move(asIds);
      t = std::move(t2);
    }
  }
  if (!t && norm.text.size() <= 16384) {
    // MySQL or SQLite DDL (AUTOINCREMENT, AUTO_INCREMENT, UNIQUE KEY): the schema reads it
    // in PostgreSQL's form, and so does this (std::regex: statements of ordinary size only)
    size_t at = norm.text.find_first_not_of(" \t\r\n(");
    std::string head = at == std::string::npos ? "" : norm.text.substr(at, 6);
    for (char &c : head) c = (char)std::tolower((unsigned char)c);
    if (head == "create" || head.compare(0, 5, "alter") == 0)
      if (ParseTree t2 = parse(ddlToPostgres(norm.text))) t = std::move(t2);
  }
  out->normalized = norm.text;
  out->paramCount = norm.paramCount;
  out->namedParams = norm.namedParams;
  out->holeParams = norm.holeParams;
  out->spelling = norm.spelling;
  if (!t) {
    out->ok = false;
    out->error = t.error;
    if (t.errorCursor >= 0 && (size_t)t.errorCursor < norm.toOriginal.size())
      out->errorOffset = (int)norm.toOriginal[t.errorCursor];
    out->statements = fallbackFacts(norm.text);
    out->fallback = !out->statements.empty();
    return out;
  }
  out->ok = true;
  for (size_t i = 0; i < t.root->n_stmts; ++i) {
    const PgQuery__RawStmt *raw = t.root->stmts[i];
    if (!raw->stmt) continue;
    Facts f = factsFor(raw->stmt);
    if (i < norm.marks.size()) {
      const StatementMarks &m = norm.marks[i];
      if (f.kind == StmtKind::Insert && m.conflict != Conflict::None &&
          (f.conflict == Conflict::None || m.conflict == Conflict::DoUpdate))
        f.conflict = m.conflict;
      if (f.kind == StmtKind::Transaction) f.sqliteBegin = m.begin;
      if (m.updLock && f.rowLock < RowLock::Update) f.rowLock = RowLock::Update;
      if (m.rangeLock) f.rangeLock = true;
      if (m.returning) f.returning = true;
    }
    out->statements.push_back(std::move(f));
  }
  return out;
}

}  // namespace

std::shared_ptr<const ParsedSql> analyzeSql(std::string_view sql, const NormalizeOptions &opt) {
  // one memo per combination of options, keyed by the text itself (the keys' bytes are
  // kept in `texts`, whose strings never move): a lookup builds no key
  static std::mutex mu;
  static std::deque<std::string> texts;
  static std::unordered_map<std::string_view, std::shared_ptr<const ParsedSql>> memo[4];
  auto &m = memo[(opt.printfHoles ? 1 : 0) + (opt.holesAsIdentifiers ? 2 : 0)];
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = m.find(sql);
    if (it != m.end()) return it->second;
  }
  auto r = analyzeUncached(sql, opt);
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = m.find(sql); it != m.end()) return it->second;  // another thread was first
  texts.emplace_back(sql);
  m.emplace(std::string_view(texts.back()), r);
  return r;
}

}  // namespace sqlrace::sql
