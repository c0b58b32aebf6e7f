// From a Clang function body to FunctionEvents: finds the catalog's calls,
// resolves their SQL text, and computes data and control dependence from
// results to later executions over Clang's CFG (demand-driven reaching
// definitions, dominators, control dependence), then runs the rules.
#include "sqlrace/Analyzer.h"
#include "sqlrace/Rules.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"

#include <map>
#include <optional>

using namespace clang;

namespace sqlrace {
namespace {

constexpr int MaxDepth = 48;

struct Pos {
  const CFGBlock *block = nullptr;
  unsigned index = 0;  // element index; block->size() means "at the end"
  bool operator<(const Pos &o) const {
    return block != o.block ? block->getBlockID() < o.block->getBlockID() : index < o.index;
  }
};

// A definition of a local variable reaching a use.
struct Def {
  enum Kind { Entry, Init, Assign, SelfUpdate, OutCall, Element } kind = Entry;
  const Stmt *stmt = nullptr;  // the defining element
  const Expr *rhs = nullptr;   // assigned value (Init, Assign, Element)
  Pos pos;
  int element = -1;  // Element: constant index, or -1 when unknown
  int argIndex = -1; // OutCall: which argument is the variable
};

const Expr *strip(const Expr *e) { return e ? e->IgnoreParenCasts() : nullptr; }

const Expr *arg(const CallExpr *c, int i) {
  return i >= 0 && (unsigned)i < c->getNumArgs() ? c->getArg(i) : nullptr;
}

const ApiEntry *apiOf(const CallExpr *call) {
  const FunctionDecl *fd = call->getDirectCallee();
  if (!fd || isa<CXXMethodDecl>(fd) || !fd->getIdentifier()) return nullptr;
  llvm::StringRef n = fd->getName();
  return lookupApi(std::string_view(n.data(), n.size()));
}

const VarDecl *varOf(const Expr *e) {
  if (auto *d = dyn_cast_or_null<DeclRefExpr>(strip(e))) return dyn_cast<VarDecl>(d->getDecl());
  return nullptr;
}

bool isBufferWriter(const CallExpr *c) {
  const FunctionDecl *fd = c->getDirectCallee();
  if (!fd || !fd->getIdentifier()) return false;
  llvm::StringRef n = fd->getName();
  return n == "snprintf" || n == "sprintf" || n == "strcpy" || n == "strncpy" || n == "memcpy" ||
         n == "vsnprintf" || n == "vsprintf" || n == "memmove" || n == "__builtin___snprintf_chk" ||
         n == "__builtin___sprintf_chk" || n == "__builtin___strcpy_chk" || n == "__builtin___memcpy_chk";
}

bool mentionsApi(const Stmt *s) {
  if (!s) return false;
  if (auto *c = dyn_cast<CallExpr>(s))
    if (apiOf(c)) return true;
  for (const Stmt *child : s->children())
    if (mentionsApi(child)) return true;
  return false;
}

class FunctionAnalysis {
public:
  FunctionAnalysis(const FunctionDecl &fd, ASTContext &ctx) : FD(fd), Ctx(ctx), SM(ctx.getSourceManager()) {}

  std::vector<Finding> run() {
    if (!FD.hasBody() || !mentionsApi(FD.getBody())) return {};
    CFG::BuildOptions opts;
    opts.setAllAlwaysAdd();
    Cfg = CFG::buildCFG(&FD, FD.getBody(), &Ctx, opts);
    if (!Cfg) return {};
    Dom = std::make_unique<CFGDomTree>(Cfg.get());
    Cdc = std::make_unique<ControlDependencyCalculator>(Cfg.get());
    indexPositions();
    collectStatements();
    collectExecutions();
    computeControlDeps();
    Ev.dominates = [this](int a, int b) { return dominates(ExecPos[a], ExecPos[b]); };
    return runRules(Ev);
  }

private:
  // ---- positions --------------------------------------------------------
  void indexPositions() {
    for (const CFGBlock *b : *Cfg) {
      unsigned i = 0;
      for (const CFGElement &el : *b) {
        if (auto cs = el.getAs<CFGStmt>()) {
          const Stmt *s = cs->getStmt();
          PosOf.try_emplace(s, Pos{b, i});
          if (auto *call = dyn_cast<CallExpr>(s))
            if (const ApiEntry *api = apiOf(call)) Calls.push_back({call, api, Pos{b, i}});
        }
        ++i;
      }
    }
    // CFG block order is not source order; executions are numbered in source order.
    std::sort(Calls.begin(), Calls.end(), [this](const ApiCall &a, const ApiCall &b) {
      return SM.isBeforeInTranslationUnit(a.call->getBeginLoc(), b.call->getBeginLoc());
    });
  }

  bool dominates(const Pos &a, const Pos &b) const {
    if (a.block == b.block) return a.index < b.index;
    return Dom->dominates(a.block, b.block);
  }

  Loc loc(SourceLocation l) const { return Loc{SM.getExpansionLoc(l).getRawEncoding()}; }

  // ---- reaching definitions -------------------------------------------
  // Classifies one CFG element as a definition of v.
  bool classify(const Stmt *s, const VarDecl *v, Pos p, Def &d, bool &kills) const {
    kills = true;
    d = Def();
    d.stmt = s;
    d.pos = p;
    if (auto *ds = dyn_cast<DeclStmt>(s)) {
      if (!ds->isSingleDecl() || ds->getSingleDecl() != v) return false;
      d.kind = v->getInit() ? Def::Init : Def::Entry;
      d.rhs = v->getInit();
      return true;
    }
    if (auto *bo = dyn_cast<BinaryOperator>(s)) {
      if (!bo->isAssignmentOp()) return false;
      const Expr *lhs = strip(bo->getLHS());
      if (varOf(lhs) == v) {
        d.kind = bo->getOpcode() == BO_Assign ? Def::Assign : Def::SelfUpdate;
        d.rhs = bo->getOpcode() == BO_Assign ? bo->getRHS() : nullptr;
        return true;
      }
      const Expr *base = nullptr;
      if (auto *as = dyn_cast<ArraySubscriptExpr>(lhs)) {
        base = as->getBase();
        Expr::EvalResult r;
        if (as->getIdx()->EvaluateAsInt(r, Ctx)) d.element = (int)r.Val.getInt().getExtValue();
      } else if (auto *me = dyn_cast<MemberExpr>(lhs)) {
        base = me->getBase();
      }
      if (base && varOf(base) == v) {
        d.kind = Def::Element;
        d.rhs = bo->getRHS();
        kills = false;
        return true;
      }
      return false;
    }
    if (auto *uo = dyn_cast<UnaryOperator>(s)) {
      if (uo->isIncrementDecrementOp() && varOf(uo->getSubExpr()) == v) {
        d.kind = Def::SelfUpdate;
        return true;
      }
      return false;
    }
    if (auto *call = dyn_cast<CallExpr>(s)) {
      for (unsigned i = 0; i < call->getNumArgs(); ++i) {
        const Expr *a = strip(call->getArg(i));
        if (auto *uo = dyn_cast<UnaryOperator>(a)) {
          if (uo->getOpcode() == UO_AddrOf && varOf(uo->getSubExpr()) == v) {
            d.kind = Def::OutCall;
            d.argIndex = (int)i;
            return true;
          }
        } else if (varOf(a) == v && v->getType()->isArrayType()) {
          d.kind = Def::OutCall;
          d.argIndex = (int)i;
          kills = isBufferWriter(call);
          return true;
        }
      }
    }
    return false;
  }

  const std::vector<Def> &reachingDefs(const VarDecl *v, Pos at) {
    auto key = std::make_tuple(v, at.block, at.index);
    auto it = DefCache.find(key);
    if (it != DefCache.end()) return it->second;
    std::vector<Def> out;
    std::vector<std::pair<const CFGBlock *, unsigned>> work{{at.block, at.index}};
    llvm::DenseSet<const CFGBlock *> seen;
    while (!work.empty()) {
      auto [b, end] = work.back();
      work.pop_back();
      bool killed = false;
      for (unsigned i = std::min<unsigned>(end, b->size()); i-- > 0;) {
        auto cs = (*b)[i].getAs<CFGStmt>();
        if (!cs) continue;
        Def d;
        bool kills;
        if (classify(cs->getStmt(), v, Pos{b, i}, d, kills)) {
          out.push_back(d);
          if (kills) {
            killed = true;
            break;
          }
        }
      }
      if (killed) continue;
      if (b->pred_empty()) {
        out.push_back(Def());  // parameter, global, or uninitialized at entry
        continue;
      }
      for (const CFGBlock::AdjacentBlock &pred : b->preds())
        if (const CFGBlock *pb = pred.getReachableBlock())
          if (seen.insert(pb).second) work.push_back({pb, pb->size()});
    }
    return DefCache.emplace(key, std::move(out)).first->second;
  }

  // ---- value dependence -----------------------------------------------
  using Deps = std::set<int>;

  Deps valueDeps(const Expr *e, Pos at, int depth) {
    Deps out;
    addValueDeps(e, at, depth, out);
    return out;
  }

  void addValueDeps(const Expr *e, Pos at, int depth, Deps &out) {
    e = strip(e);
    if (!e || depth > MaxDepth) return;
    if (auto *call = dyn_cast<CallExpr>(e)) {
      if (const ApiEntry *api = apiOf(call)) {
        if (api->role == Role::ReadValue || api->role == Role::Step)
          addHandleStatements(arg(call, api->handle), at, depth + 1, out);
        return;  // executing, preparing, status: not data from a result
      }
      for (const Expr *a : call->arguments()) addValueDeps(a, at, depth + 1, out);
      return;
    }
    if (auto *dre = dyn_cast<DeclRefExpr>(e)) {
      const VarDecl *v = dyn_cast<VarDecl>(dre->getDecl());
      if (!v || !v->hasLocalStorage()) return;
      for (const Def &d : reachingDefs(v, at)) addDefDeps(v, d, depth + 1, out);
      return;
    }
    if (isa<UnaryExprOrTypeTraitExpr>(e)) return;  // sizeof
    for (const Stmt *child : e->children())
      if (auto *ce = dyn_cast_or_null<Expr>(child)) addValueDeps(ce, at, depth + 1, out);
  }

  void addDefDeps(const VarDecl *v, const Def &d, int depth, Deps &out) {
    if (d.kind == Def::Entry) return;
    auto key = std::make_pair(d.stmt, v);
    auto it = DefDepsCache.find(key);
    if (it != DefDepsCache.end()) {
      out.insert(it->second.begin(), it->second.end());
      return;
    }
    if (!InProgress.insert(key).second) return;  // a cycle through a loop
    Deps r;
    switch (d.kind) {
    case Def::Init:
    case Def::Assign:
    case Def::Element:
      addValueDeps(d.rhs, d.pos, depth, r);
      break;
    case Def::SelfUpdate:
      for (const Stmt *child : d.stmt->children())
        if (auto *ce = dyn_cast_or_null<Expr>(child)) addValueDeps(ce, d.pos, depth, r);
      break;
    case Def::OutCall: {
      auto *call = cast<CallExpr>(d.stmt);
      if (const ApiEntry *api = apiOf(call)) {
        if (api->valueOut == d.argIndex) {  // sqlite3_exec's callback argument
          auto s = StmtOfCall.find(call);
          if (s != StmtOfCall.end()) r.insert(s->second);
        }
        break;  // a handle out-parameter is not data
      }
      for (unsigned i = 0; i < call->getNumArgs(); ++i)
        if ((int)i != d.argIndex) addValueDeps(call->getArg(i), d.pos, depth, r);
      break;
    }
    case Def::Entry:
      break;
    }
    // Implicit flow: `found = 1` inside `if (step == SQLITE_ROW)` or a row loop
    // carries the check's outcome even though it assigns a constant.
    addBlockControlDeps(d.pos.block, depth, r);
    InProgress.erase(key);
    DefDepsCache.emplace(key, r);
    out.insert(r.begin(), r.end());
  }

  // Which statements a result/statement handle expression comes from.
  void addHandleStatements(const Expr *h, Pos at, int depth, Deps &out) {
    h = strip(h);
    if (!h || depth > MaxDepth) return;
    if (auto *call = dyn_cast<CallExpr>(h)) {
      const ApiEntry *api = apiOf(call);
      if (!api) return;
      if (api->role == Role::FetchResult) {
        for (int s : asyncBefore(call, at)) out.insert(s);
        return;
      }
      auto it = StmtOfCall.find(call);
      if (it != StmtOfCall.end() && api->returnsHandle) out.insert(it->second);
      return;
    }
    const VarDecl *v = varOf(h);
    if (!v || !v->hasLocalStorage()) return;
    for (const Def &d : reachingDefs(v, at)) {
      if (d.kind == Def::Init || d.kind == Def::Assign) {
        addHandleStatements(d.rhs, d.pos, depth + 1, out);
      } else if (d.kind == Def::OutCall) {
        auto *call = cast<CallExpr>(d.stmt);
        const ApiEntry *api = apiOf(call);
        auto it = StmtOfCall.find(call);
        if (api && api->handleOut == d.argIndex && it != StmtOfCall.end()) out.insert(it->second);
      }
    }
  }

  // PQgetResult(conn): the latest asynchronous execution on that connection before it.
  std::vector<int> asyncBefore(const CallExpr *fetch, Pos at) {
    const ApiEntry *api = apiOf(fetch);
    const void *conn = connOf(arg(fetch, api->conn));
    int best = -1;
    for (const ApiCall &c : Calls) {
      if (!c.api->async || !dominates(c.pos, at)) continue;
      if (!FunctionEvents::sameConnection(conn, connOf(arg(c.call, c.api->conn)))) continue;
      auto it = StmtOfCall.find(c.call);
      if (it == StmtOfCall.end()) continue;
      if (best < 0 || dominates(CallPos[best], c.pos)) best = (int)(&c - Calls.data());
    }
    if (best < 0) return {};
    return {StmtOfCall[Calls[best].call]};
  }

  // ---- SQL text --------------------------------------------------------
  std::optional<std::string> resolveSql(const Expr *e, Pos at, int depth) {
    e = strip(e);
    if (!e || depth > MaxDepth) return std::nullopt;
    if (auto *sl = dyn_cast<StringLiteral>(e)) {
      if (sl->getCharByteWidth() != 1) return std::nullopt;
      return sl->getString().str();
    }
    if (auto *dre = dyn_cast<DeclRefExpr>(e)) {
      const VarDecl *v = dyn_cast<VarDecl>(dre->getDecl());
      if (!v) return std::nullopt;
      if (!v->hasLocalStorage()) {
        const Expr *init = v->getAnyInitializer();
        return init ? resolveSql(init, at, depth + 1) : std::nullopt;
      }
      const std::vector<Def> &defs = reachingDefs(v, at);
      if (defs.size() == 1 && (defs[0].kind == Def::Init || defs[0].kind == Def::Assign))
        return resolveSql(defs[0].rhs, defs[0].pos, depth + 1);
    }
    return std::nullopt;
  }

  const void *connOf(const Expr *e) const {
    e = strip(e);
    if (!e) return nullptr;
    if (auto *dre = dyn_cast<DeclRefExpr>(e)) return dre->getDecl()->getCanonicalDecl();
    if (auto *me = dyn_cast<MemberExpr>(e)) return me->getMemberDecl()->getCanonicalDecl();
    return nullptr;
  }

  // ---- events ----------------------------------------------------------
  int addStatement(const CallExpr *call, const ApiEntry *api, Pos p) {
    const Expr *sqlArg = arg(call, api->sql);
    if (!sqlArg) return -1;
    std::optional<std::string> text = resolveSql(sqlArg, p, 0);
    if (!text) return -1;
    Statement s;
    s.id = (int)Ev.statements.size();
    s.text = *text;
    s.parsed = sql::analyzeSql(*text);
    s.sqlLoc = loc(sqlArg->getBeginLoc());
    s.conn = connOf(arg(call, api->conn));
    s.dialect = api->dialect;
    Ev.statements.push_back(std::move(s));
    StmtOfCall[call] = Ev.statements.back().id;
    return Ev.statements.back().id;
  }

  void collectStatements() {
    for (const ApiCall &c : Calls) {
      CallPos.push_back(c.pos);
      if (c.api->role != Role::Execute && c.api->role != Role::Prepare) continue;
      int id = addStatement(c.call, c.api, c.pos);
      if (id >= 0 && c.api->role == Role::Prepare && c.api->stmtName >= 0)
        if (auto name = resolveSql(arg(c.call, c.api->stmtName), c.pos, 0)) PreparedByName[*name].push_back(id);
    }
    // PQexecPrepared(conn, "name", ...) runs what PQprepare(conn, "name", sql) compiled.
    for (const ApiCall &c : Calls) {
      if (c.api->role != Role::ExecPrepared) continue;
      auto name = resolveSql(arg(c.call, c.api->stmtName), c.pos, 0);
      if (!name) continue;
      auto it = PreparedByName.find(*name);
      if (it == PreparedByName.end()) continue;
      const void *conn = connOf(arg(c.call, c.api->conn));
      for (int id : it->second)
        if (FunctionEvents::sameConnection(conn, Ev.statements[id].conn)) StmtOfCall[c.call] = id;
    }
  }

  int addExecution(const CallExpr *call, int stmt, Pos p, const void *conn) {
    Execution x;
    x.id = (int)Ev.executions.size();
    x.statement = stmt;
    x.loc = loc(call->getBeginLoc());
    x.conn = conn;
    Ev.executions.push_back(std::move(x));
    ExecPos.push_back(p);
    return Ev.executions.back().id;
  }

  void collectExecutions() {
    for (const ApiCall &c : Calls) {
      Role r = c.api->role;
      if (r == Role::Execute || r == Role::ExecPrepared) {
        auto it = StmtOfCall.find(c.call);
        if (it == StmtOfCall.end()) continue;
        int x = addExecution(c.call, it->second, c.pos, connOf(arg(c.call, c.api->conn)));
        if (c.api->params >= 0) addParamArrayDeps(arg(c.call, c.api->params), c.pos, Ev.executions[x]);
      } else if (r == Role::Step) {
        Deps stmts;
        addHandleStatements(arg(c.call, c.api->handle), c.pos, 0, stmts);
        for (int s : stmts) {
          int x = addExecution(c.call, s, c.pos, Ev.statements[s].conn);
          addBindDeps(s, Ev.executions[x]);
        }
      }
    }
  }

  // libpq: const char *params[] = {a, b}; params[1] = buf; (const char *[]){a, b}
  void addParamArrayDeps(const Expr *a, Pos at, Execution &x) {
    a = strip(a);
    if (!a) return;
    if (auto *cl = dyn_cast<CompoundLiteralExpr>(a)) a = strip(cl->getInitializer());
    if (auto *il = dyn_cast<InitListExpr>(a)) {
      for (unsigned i = 0; i < il->getNumInits(); ++i) addParam(x, (int)i + 1, valueDeps(il->getInit(i), at, 0));
      return;
    }
    const VarDecl *v = varOf(a);
    if (!v || !v->hasLocalStorage()) return;
    for (const Def &d : reachingDefs(v, at)) {
      const Expr *rhs = strip(d.rhs);
      if (d.kind == Def::Init && rhs && isa<InitListExpr>(rhs)) {
        auto *il = cast<InitListExpr>(rhs);
        for (unsigned i = 0; i < il->getNumInits(); ++i) {
          // An element that points at a buffer sends the buffer's contents at
          // the time of the execution, not at the time the array was filled.
          const VarDecl *buf = varOf(il->getInit(i));
          bool isBuffer = buf && buf->getType()->isArrayType();
          addParam(x, (int)i + 1, valueDeps(il->getInit(i), isBuffer ? at : d.pos, 0));
        }
      } else if (d.kind == Def::Element) {
        addParam(x, d.element >= 0 ? d.element + 1 : 0, valueDeps(d.rhs, d.pos, 0));
      } else if (d.kind != Def::Entry) {
        Deps all;
        addDefDeps(v, d, 0, all);
        addParam(x, 0, all);
      }
    }
  }

  // SQLite: sqlite3_bind_*(stmt, i, value) on a handle of the same statement.
  void addBindDeps(int stmt, Execution &x) {
    for (const ApiCall &c : Calls) {
      if (c.api->role != Role::Bind) continue;
      Deps hs;
      addHandleStatements(arg(c.call, c.api->handle), c.pos, 0, hs);
      if (!hs.count(stmt)) continue;
      int index = 0;  // unknown
      const Expr *ix = arg(c.call, c.api->bindIndex);
      Expr::EvalResult r;
      if (ix && !ix->isValueDependent() && ix->EvaluateAsInt(r, Ctx)) {
        index = (int)r.Val.getInt().getExtValue();
      } else if (auto *pc = dyn_cast_or_null<CallExpr>(strip(ix))) {
        // sqlite3_bind_parameter_index(stmt, ":name")
        const FunctionDecl *fd = pc->getDirectCallee();
        if (fd && fd->getIdentifier() && fd->getName() == "sqlite3_bind_parameter_index")
          if (auto name = resolveSql(arg(pc, 1), c.pos, 0)) {
            auto &named = Ev.statements[stmt].parsed->namedParams;
            auto it = named.find(*name);
            if (it != named.end()) index = it->second;
          }
      }
      addParam(x, index, valueDeps(arg(c.call, c.api->bindValue), c.pos, 0));
    }
  }

  static void addParam(Execution &x, int n, const Deps &d) {
    if (!d.empty()) x.paramDeps[n].insert(d.begin(), d.end());
  }

  // ---- control dependence ----------------------------------------------
  // The branch blocks that decide whether block b runs, transitively.
  std::vector<const CFGBlock *> controllingBlocks(const CFGBlock *b) {
    std::vector<const CFGBlock *> out;
    std::vector<CFGBlock *> work{const_cast<CFGBlock *>(b)};
    llvm::DenseSet<const CFGBlock *> seen;
    while (!work.empty()) {
      CFGBlock *cur = work.back();
      work.pop_back();
      for (CFGBlock *d : Cdc->getControlDependencies(cur)) {
        if (!seen.insert(d).second) continue;
        work.push_back(d);
        out.push_back(d);
      }
    }
    return out;
  }

  Deps conditionDeps(const CFGBlock *d, int depth) {
    Deps deps;
    if (const Expr *cond = dyn_cast_or_null<Expr>(d->getTerminatorCondition()))
      addValueDeps(cond, Pos{d, (unsigned)d->size()}, depth, deps);
    return deps;
  }

  void addBlockControlDeps(const CFGBlock *b, int depth, Deps &out) {
    auto it = BlockDepsCache.find(b);
    if (it == BlockDepsCache.end()) {
      if (!BlocksInProgress.insert(b).second) return;
      Deps r;
      for (const CFGBlock *d : controllingBlocks(b)) {
        Deps c = conditionDeps(d, depth + 1);
        r.insert(c.begin(), c.end());
      }
      BlocksInProgress.erase(b);
      it = BlockDepsCache.emplace(b, std::move(r)).first;
    }
    out.insert(it->second.begin(), it->second.end());
  }

  // A loop header is the target of a back edge: one of its predecessors is dominated by it.
  bool isLoopHeader(const CFGBlock *d) const {
    for (const CFGBlock::AdjacentBlock &p : d->preds())
      if (const CFGBlock *pb = p.getReachableBlock())
        if (Dom->dominates(d, pb)) return true;
    return false;
  }

  void computeControlDeps() {
    for (Execution &x : Ev.executions) {
      for (const CFGBlock *d : controllingBlocks(ExecPos[x.id].block)) {
        Deps deps = conditionDeps(d, 0);
        (isLoopHeader(d) ? x.loopControlDeps : x.controlDeps).insert(deps.begin(), deps.end());
      }
    }
  }

  struct ApiCall {
    const CallExpr *call;
    const ApiEntry *api;
    Pos pos;
  };

  const FunctionDecl &FD;
  ASTContext &Ctx;
  const SourceManager &SM;
  std::unique_ptr<CFG> Cfg;
  std::unique_ptr<CFGDomTree> Dom;
  llvm::DenseMap<const Stmt *, Pos> PosOf;
  std::vector<ApiCall> Calls;
  std::vector<Pos> CallPos;
  std::vector<Pos> ExecPos;
  std::map<const CallExpr *, int> StmtOfCall;
  std::map<std::string, std::vector<int>> PreparedByName;
  std::map<std::tuple<const VarDecl *, const CFGBlock *, unsigned>, std::vector<Def>> DefCache;
  std::map<std::pair<const Stmt *, const VarDecl *>, Deps> DefDepsCache;
  std::set<std::pair<const Stmt *, const VarDecl *>> InProgress;
  std::unique_ptr<ControlDependencyCalculator> Cdc;
  std::map<const CFGBlock *, Deps> BlockDepsCache;
  std::set<const CFGBlock *> BlocksInProgress;
  FunctionEvents Ev;
};

}  // namespace

std::vector<Finding> analyzeFunction(const FunctionDecl &fd, ASTContext &ctx) {
  if (fd.isDependentContext() || fd.isInvalidDecl()) return {};
  return FunctionAnalysis(fd, ctx).run();
}

}  // namespace sqlrace
