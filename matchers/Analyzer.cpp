// From a Clang function body to FunctionEvents: finds the catalog's calls,
// resolves their SQL text (with holes for values the program computes), and
// computes data and control dependence from results to later executions over
// Clang's CFG (demand-driven reaching definitions, dominators, control
// dependence), then runs the rules.
#include "sqlrace/Analyzer.h"
#include "sqlrace/Config.h"
#include "sqlrace/Rules.h"
#include "sqlrace/Suppress.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/Analyses/Dominators.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/JSON.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/Path.h"

#include <functional>
#include <unordered_map>
#include <map>
#include <optional>

using namespace clang;

namespace sqlrace {
namespace {

constexpr int MaxDepth = 48;

struct Pos {
  const CFGBlock *block = nullptr;
  unsigned index = 0;  // element index; block->size() means "at the end"
};

// A definition of a local variable reaching a use.
struct Def {
  enum Kind { Entry, Init, Assign, SelfUpdate, OutCall, Element } kind = Entry;
  const Stmt *stmt = nullptr;  // the defining element
  const Expr *rhs = nullptr;   // assigned value (Init, Assign, Element; SelfUpdate: the appended value)
  Pos pos;
  int element = -1;   // Element: constant index, or -1 when unknown
  int argIndex = -1;  // OutCall: which argument is the variable (ApiEntry::This for the object)
};

// SQL text with holes: "\x01<k>\x01" markers for values the program computes.
struct Resolved {
  std::string text;
  struct Hole {
    const Expr *host;
    Pos pos;
    std::string spelling;  // how the code writes it: %d, %1, " + expr + "
  };
  std::vector<Hole> holes;  // marker k is holes[k - 1]
  bool printf = false;      // the text is a format whose conversions were not filled
};

// ---- calls -------------------------------------------------------------------

const Expr *strip(const Expr *e) {
  // implicit casts and parentheses peeled here, and the common kinds IgnoreParenCasts does
  // not look through answered without calling it (this runs for nearly every expression)
  for (;;) {
    if (auto *ic = dyn_cast_or_null<ImplicitCastExpr>(e)) e = ic->getSubExpr();
    else if (auto *pe = dyn_cast_or_null<ParenExpr>(e)) e = pe->getSubExpr();
    else break;
  }
  if (isa_and_nonnull<DeclRefExpr, CallExpr, StringLiteral, IntegerLiteral, MemberExpr, BinaryOperator,
                      ArraySubscriptExpr, InitListExpr>(e))
    return e;
  while (e) {
    const Expr *prev = e;
    e = e->IgnoreParenCasts();
    if (auto *m = dyn_cast<MaterializeTemporaryExpr>(e)) e = m->getSubExpr();
    else if (auto *b = dyn_cast<CXXBindTemporaryExpr>(e)) e = b->getSubExpr();
    else if (auto *c = dyn_cast<ExprWithCleanups>(e)) e = c->getSubExpr();
    else if (auto *f = dyn_cast<CXXFunctionalCastExpr>(e)) e = f->getSubExpr();
    if (e == prev) break;
  }
  return e;
}

std::string qualifiedName(const FunctionDecl *fd) {
  std::string name = fd->getNameAsString();
  for (const DeclContext *ctx = fd->getDeclContext(); ctx; ctx = ctx->getParent()) {
    if (auto *ns = dyn_cast<NamespaceDecl>(ctx)) {
      if (ns->isInline() || ns->isAnonymousNamespace()) continue;
      name = ns->getNameAsString() + "::" + name;
    } else if (auto *rd = dyn_cast<RecordDecl>(ctx)) {
      if (!rd->getIdentifier()) continue;
      name = rd->getNameAsString() + "::" + name;
    }
  }
  return name;
}

// A call or constructor call, seen through one interface: explicit arguments
// and the object a method is called on.
struct CalleeInfo;
struct Call {
  const Expr *expr = nullptr;
  const FunctionDecl *callee = nullptr;
  const ApiEntry *api = nullptr;
  llvm::StringRef name;  // the callee's qualified name (kept by the callee cache)
  CalleeInfo *info = nullptr;

  unsigned numArgs() const {
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(expr))
      return isa<CXXMethodDecl>(callee) ? op->getNumArgs() - 1 : op->getNumArgs();
    if (auto *c = dyn_cast<CallExpr>(expr)) return c->getNumArgs();
    return cast<CXXConstructExpr>(expr)->getNumArgs();
  }
  const Expr *arg(int i) const {
    if (i == This) return object();
    if (i < 0 || (unsigned)i >= numArgs()) return nullptr;
    const Expr *a;
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(expr))
      a = op->getArg(isa<CXXMethodDecl>(callee) ? i + 1 : i);
    else if (auto *c = dyn_cast<CallExpr>(expr))
      a = c->getArg(i);
    else
      a = cast<CXXConstructExpr>(expr)->getArg(i);
    return isa<CXXDefaultArgExpr>(a) ? nullptr : a;
  }
  const Expr *object() const {
    if (auto *m = dyn_cast<CXXMemberCallExpr>(expr)) return m->getImplicitObjectArgument();
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(expr))
      if (isa<CXXMethodDecl>(callee)) return op->getArg(0);
    return nullptr;
  }
  std::vector<const Expr *> allArgs() const {  // object first, then the explicit arguments
    std::vector<const Expr *> out;
    if (const Expr *o = object()) out.push_back(o);
    for (unsigned i = 0; i < numArgs(); ++i)
      if (const Expr *a = arg((int)i)) out.push_back(a);
    return out;
  }
};

// Per translation unit: each callee's qualified name and catalog entry per argument
// count (building the name and looking it up cost more than the rest of a call's
// handling, and the same few functions are called everywhere).
struct CalleeInfo {
  std::string name;
  llvm::SmallVector<std::pair<unsigned, const ApiEntry *>, 2> api;
  signed char lock = -1;  // a process lock: -1 not yet known, 0 no, 1 yes, 2 a guard constructed with its mutex
};
struct CalleeCache {
  unsigned generation = 0;  // the catalog's (configuration adds rows)
  std::unordered_map<const FunctionDecl *, CalleeInfo> map;
};
CalleeCache &calleeCache() {
  static CalleeCache c;
  return c;
}

class Calls {
public:
  std::optional<Call> of(const Expr *e) {
    Call c;
    c.expr = e;
    if (auto *ce = dyn_cast_or_null<CallExpr>(e)) c.callee = ce->getDirectCallee();
    else if (auto *k = dyn_cast_or_null<CXXConstructExpr>(e)) c.callee = k->getConstructor();
    if (!c.callee) return std::nullopt;
    CalleeCache &cache = calleeCache();
    if (cache.generation != apiGeneration()) {
      cache.map.clear();
      cache.generation = apiGeneration();
    }
    auto it = cache.map.find(c.callee);
    if (it == cache.map.end()) it = cache.map.emplace(c.callee, CalleeInfo{qualifiedName(c.callee), {}}).first;
    CalleeInfo &info = it->second;
    c.name = info.name;
    c.info = &info;
    unsigned n = c.numArgs();
    for (const auto &[args, api] : info.api)
      if (args == n) {
        c.api = api;
        return c;
      }
    c.api = lookupApi(c.name, (int)n);
    info.api.push_back({n, c.api});
    return c;
  }
  const ApiEntry *api(const Expr *e) {
    auto c = of(e);
    return c ? c->api : nullptr;
  }
};

const VarDecl *varOf(const Expr *e) {
  if (auto *d = dyn_cast_or_null<DeclRefExpr>(strip(e))) return dyn_cast<VarDecl>(d->getDecl());
  return nullptr;
}

// The storage an object expression names: a variable, or a field (this->m_ds,
// ctx->conn), seen through smart-pointer access (p->, *p, p.get()).
const ValueDecl *locOf(const Expr *e) {
  for (int guard = 0; e && guard < 8; ++guard) {
    e = strip(e);
    if (auto *d = dyn_cast<DeclRefExpr>(e)) return dyn_cast<VarDecl>(d->getDecl());
    if (auto *m = dyn_cast<MemberExpr>(e)) return dyn_cast<FieldDecl>(m->getMemberDecl());
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(e)) {
      if ((op->getOperator() == OO_Arrow || op->getOperator() == OO_Star) && op->getNumArgs() == 1) {
        e = op->getArg(0);
        continue;
      }
      return nullptr;
    }
    if (auto *mc = dyn_cast<CXXMemberCallExpr>(e)) {
      const FunctionDecl *f = mc->getDirectCallee();
      if (f && f->getIdentifier() && f->getName() == "get" && mc->getNumArgs() == 0) {
        e = mc->getImplicitObjectArgument();
        continue;
      }
      return nullptr;
    }
    if (auto *uo = dyn_cast<UnaryOperator>(e); uo && uo->getOpcode() == UO_Deref) {
      e = uo->getSubExpr();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

bool isLocal(const ValueDecl *v) {
  if (auto *var = dyn_cast_or_null<VarDecl>(v)) return var->hasLocalStorage();
  return isa_and_nonnull<FieldDecl>(v);  // a field, tracked within this function
}

// The variable an lvalue is part of (a, a[2], a.f, a[1].buffer), and the first constant index.
const VarDecl *lvalueRoot(const Expr *e, const ASTContext &ctx, int &index) {
  index = -1;
  e = strip(e);
  while (e) {
    if (auto *as = dyn_cast<ArraySubscriptExpr>(e)) {
      Expr::EvalResult r;
      if (!as->getIdx()->isValueDependent() && as->getIdx()->EvaluateAsInt(r, ctx))
        index = (int)r.Val.getInt().getExtValue();
      e = strip(as->getBase());
    } else if (auto *me = dyn_cast<MemberExpr>(e)) {
      if (me->isArrow()) return nullptr;
      e = strip(me->getBase());
    } else {
      break;
    }
  }
  return varOf(e);
}

// &v or an array v (decayed): the value is what v holds when it is used.
const VarDecl *pointee(const Expr *e) {
  e = strip(e);
  if (auto *uo = dyn_cast_or_null<UnaryOperator>(e))
    if (uo->getOpcode() == UO_AddrOf) return varOf(uo->getSubExpr());
  const VarDecl *v = varOf(e);
  return v && v->getType()->isArrayType() ? v : nullptr;
}

bool isBufferWriter(llvm::StringRef n) {
  return n == "snprintf" || n == "sprintf" || n == "strcpy" || n == "strncpy" || n == "memcpy" || n == "memset" ||
         n == "vsnprintf" || n == "vsprintf" || n == "memmove" || n == "strcat" || n == "strncat" ||
         n == "sqlite3_snprintf" || n.substr(0, 12) == "__builtin___";
}

bool isStringMutator(llvm::StringRef n) {
  return n == "append" || n == "assign" || n == "operator+=" || n == "operator=" || n == "push_back" ||
         n == "insert" || n == "prepend";
}

// The literal's text in UTF-8. \x01 is the resolver's hole marker, so a raw
// \x01 byte in the program's text becomes a space.
std::string utf8(const StringLiteral *sl) {
  if (sl->getCharByteWidth() == 1) {
    std::string t = sl->getString().str();
    std::replace(t.begin(), t.end(), '\x01', ' ');
    return t;
  }
  std::string out;
  for (unsigned i = 0; i < sl->getLength(); ++i) {
    uint32_t cp = sl->getCodeUnit(i);
    if (cp == 1) cp = ' ';
    char buf[8];
    char *p = buf;
    if (cp < 0x110000 && llvm::ConvertCodePointToUTF8(cp, p)) out.append(buf, p);
  }
  return out;
}

// The literal's SQL analyzed; the memo is asked with the literal's own bytes when they
// need no change (one-byte characters, no \x01).
std::shared_ptr<const sql::ParsedSql> literalFacts(const StringLiteral *sl) {
  if (sl->getCharByteWidth() == 1) {
    llvm::StringRef b = sl->getString();
    if (b.find('\x01') == llvm::StringRef::npos) return sql::analyzeSql(std::string_view(b.data(), b.size()));
  }
  return sql::analyzeSql(utf8(sl));
}

// A constant that marks a unique violation in a test: SQLSTATE 23505 / 23000, SQLite's
// SQLITE_CONSTRAINT(_UNIQUE/_PRIMARYKEY), MySQL's ER_DUP_ENTRY (1062) and its kin. The
// macros are recognized by name, and only constants with those macros' values are asked
// for it (the lookup costs more than the rest): SQLITE_CONSTRAINT 19, its _UNIQUE and
// _PRIMARYKEY forms (19 | (8<<8)) and (19 | (6<<8)), ER_DUP_KEY 1022, ER_DUP_ENTRY 1062,
// ER_DUP_ENTRY_WITH_KEY_NAME 1586.
bool marksUniqueViolation(const Expr *e, const SourceManager &sm, const LangOptions &lang) {
  auto candidate = [](const Expr *x) {
    if (auto *il = dyn_cast<IntegerLiteral>(x)) {
      uint64_t v = il->getValue().getLimitedValue();
      return v == 19 || v == 1022 || v == 1062 || v == 1586;
    }
    auto *bo = dyn_cast<BinaryOperator>(x);
    return bo && bo->getOpcode() == BO_Or;
  };
  bool integral = isa<IntegerLiteral>(e) && candidate(e);
  if (auto *pe = dyn_cast<ParenExpr>(e)) integral = candidate(pe->getSubExpr()->IgnoreParens());
  SourceLocation l = integral ? e->getBeginLoc() : SourceLocation();
  if (integral && l.isMacroID()) {
    llvm::StringRef m = Lexer::getImmediateMacroName(l, sm, lang);
    if (m == "SQLITE_CONSTRAINT" || m == "SQLITE_CONSTRAINT_UNIQUE" || m == "SQLITE_CONSTRAINT_PRIMARYKEY" ||
        m == "ER_DUP_ENTRY" || m == "ER_DUP_KEY" || m == "ER_DUP_ENTRY_WITH_KEY_NAME")
      return true;
  }
  if (auto *sl = dyn_cast<StringLiteral>(e))
    if (sl->getCharByteWidth() == 1 && (sl->getString() == "23505" || sl->getString() == "23000")) return true;
  if (auto *il = dyn_cast<IntegerLiteral>(e))
    if (il->getValue() == 1062) return true;
  return false;
}

// What the first look needs of a function body, noted while the file is walked once
// (analyzeAll): its calls and constructions in source order, whether it holds a lambda
// or a block, and whether it mentions a unique-violation marker.
struct BodyNotes {
  std::vector<const Expr *> calls;
  bool lambdaOrBlock = false;
  bool violationMarker = false;

  void note(const Stmt *s, const SourceManager &sm, const LangOptions &lang) {
    switch (s->getStmtClass()) {
    case Stmt::LambdaExprClass:
    case Stmt::BlockExprClass:
      lambdaOrBlock = true;
      return;
    case Stmt::IntegerLiteralClass:
    case Stmt::ParenExprClass:
    case Stmt::StringLiteralClass:
      if (!violationMarker) violationMarker = marksUniqueViolation(cast<Expr>(s), sm, lang);
      return;
    default:
      if (isa<CallExpr>(s) || isa<CXXConstructExpr>(s)) calls.push_back(cast<Expr>(s));
    }
  }
};

// Visits root and what Stmt::children() reaches from it, in source order (parents first),
// with a work list rather than recursion (expressions can nest deeply). visit(s) returns
// whether to go on into s's children.
template <typename S, typename F> void walkInOrder(S *root, F visit) {
  llvm::SmallVector<S *, 64> work{root};
  while (!work.empty()) {
    S *s = work.pop_back_val();
    if (!s || !visit(s)) continue;
    size_t at = work.size();
    for (S *c : s->children()) work.push_back(c);
    std::reverse(work.begin() + at, work.end());
  }
}

// Deps hold statement ids, and for a function's own parameters the markers
// paramMarker(i) (negative), which callers replace by their argument's deps.
// handleMarker(i) stands for "the statements of the result handle passed as parameter i".
constexpr int paramMarker(int i) { return -1 - i; }
constexpr int handleMarker(int i) { return -1001 - i; }
constexpr bool isParamMarker(int d) { return d < 0; }
constexpr bool isHandleMarker(int d) { return d <= -1001; }
constexpr int markerParam(int d) { return isHandleMarker(d) ? -1001 - d : -1 - d; }

// What a function does with the database, as its callers see it.
struct Summary {
  struct Stmt {
    Statement s;
    int sqlParam = -1;   // the text is the function's parameter sqlParam (a wrapper)
    int connParam = -1;  // the connection is the function's parameter connParam
  };
  struct Exec {
    int stmt = 0;
    std::map<int, std::set<int>> paramDeps;  // summary statement indices and parameter markers
    std::set<int> controlDeps, loopControlDeps;
    bool serializable = false;
    int paramsArrayParam = -1;  // the parameter values are the function's parameter (an array)
  };
  std::vector<Stmt> stmts;
  std::vector<Exec> execs;
  std::vector<std::vector<char>> dom;      // dom[a][b]: exec a runs before exec b on every path
  std::set<int> returnValue, returnHandle;  // what the return value carries
  // nothing a caller could use: no statements, and no reading of a handle it passes in
  bool empty() const {
    if (!stmts.empty()) return false;
    for (int d : returnValue)
      if (isHandleMarker(d)) return false;
    return true;
  }
};

class FunctionAnalysis;

bool FirstLookOn = true;  // setFirstLook()

// Findings and summary per function, computed once per translation unit;
// a function's callees are summarized first, recursion gets an empty summary.
class Results {
public:
  struct Entry {
    std::vector<Finding> findings;
    Summary summary;
    bool done = false;
    bool summarized = false;  // false: settled by the first look, or no caller was expected
  };
  Entry &get(const FunctionDecl &fd, ASTContext &ctx);
  // The function's summary for a caller. A function analyzed without one (mayLookFirst: no
  // caller was seen in the file) is analyzed again for it when a caller turns up anyway (a
  // helper in a header calling it, the summaries for other files).
  const Summary &summaryFor(const FunctionDecl &fd, ASTContext &ctx);
  const BodyNotes *notesOf(const FunctionDecl &fd) const {
    auto it = Notes.find(&fd);
    return it == Notes.end() ? nullptr : &it->second;
  }
  // A call of `callee` seen while analyzing its caller, and whether the caller
  // serializes (a lock, SERIALIZABLE, BEGIN IMMEDIATE) before it on every path.
  void countCall(const FunctionDecl *callee, bool serialized) {
    auto &c = Calls[callee->getCanonicalDecl()];
    c.first++;
    if (serialized) c.second++;
  }
  // Analyzes every function of the translation unit once, so that the calls of
  // each function are all known before its findings are given out.
  void analyzeAll(ASTContext &ctx);
  const std::vector<const FunctionDecl *> &functions() const { return Functions; }
  // The function has internal linkage, is called in this translation unit, and
  // every caller serializes before calling it: its races are the callers' to protect.
  // Memo per function of the unit: does its body test for a unique violation?
  std::map<const FunctionDecl *, bool> ViolationTest;
  // Memo per function of the unit: declared in a library's header (bodyCallsOpaqueProjectFunction).
  llvm::DenseMap<const FunctionDecl *, bool> LibraryFunction;

  // The project's schema with the DDL of this translation unit's string literals applied.
  const sql::Schema *schema() const { return TuSchema && !TuSchema->empty() ? TuSchema.get() : nullptr; }
  void buildSchema(ASTContext &ctx, const std::vector<const StringLiteral *> &ddl);

  // A caller in this file calls the function after a BEGIN.
  void calledInTransaction(const FunctionDecl *callee) { InTransaction[callee->getCanonicalDecl()]++; }
  // The function has internal linkage and every call of it comes after a BEGIN: its locks
  // are held in its callers' transactions, not in autocommit.
  bool isCalledInTransaction(const FunctionDecl &fd) const {
    if (fd.isExternallyVisible()) return false;
    auto c = Calls.find(fd.getCanonicalDecl());
    auto t = InTransaction.find(fd.getCanonicalDecl());
    return c != Calls.end() && t != InTransaction.end() && c->second.first > 0 && t->second == c->second.first;
  }

  // No caller in this unit needs the function's summary, so the first look may settle it
  // without the full analysis: the whole unit was walked (analyzeAll), nothing in it refers
  // to the function (no call, no pointer to it escapes), and it is not called where the AST
  // shows no call (a destructor, an override reached through a virtual call). A caller that
  // turns up after all gets the summary from summaryFor(), which analyzes the function again.
  bool mayLookFirst(const FunctionDecl &fd) const {
    if (!AllDone || !FirstLookOn || Referenced.count(fd.getCanonicalDecl())) return false;
    if (isa<CXXDestructorDecl>(fd)) return false;
    if (auto *m = dyn_cast<CXXMethodDecl>(&fd); m && m->isVirtual()) return false;
    return true;
  }

  // The SQL a statement name is prepared with in the main file (PQprepare(conn, "name",
  // sql), pqxx's connection::prepare): for executions by name in other functions, the
  // usual layout (everything prepared once at start-up, run elsewhere). Null: the name is
  // not prepared with a constant text here; `ambiguous`: prepared with different texts.
  struct Prepared {
    const StringLiteral *sql = nullptr;
    const FunctionDecl *in = nullptr;  // the function that prepares it
    bool ambiguous = false;
  };
  const Prepared *preparedInUnit(llvm::StringRef name) {
    noteUnitCalls();
    auto it = PreparedInUnit.find(name);
    return it == PreparedInUnit.end() ? nullptr : &it->second;
  }

  // The database a Qt SQL connection of this file talks to, from the driver name its
  // QSqlDatabase::addDatabase calls give (QSQLITE, QMYSQL, QPSQL), when they agree.
  std::optional<Dialect> qtDriver() {
    noteUnitCalls();
    return QtDriversDisagree ? std::nullopt : QtDriver;
  }

  bool protectedByAllCallers(const FunctionDecl &fd) const {
    if (fd.isExternallyVisible()) return false;  // callers in other files are not seen
    auto it = Calls.find(fd.getCanonicalDecl());
    return it != Calls.end() && it->second.first > 0 && it->second.first == it->second.second;
  }

private:
  // A new translation unit: nothing of the last one is kept (its declarations are gone).
  void startUnit(ASTContext &ctx);

  const ASTContext *Ctx = nullptr;
  std::map<const FunctionDecl *, Entry> Map;
  std::set<const FunctionDecl *> InProgress;
  std::map<const FunctionDecl *, std::pair<int, int>> Calls;
  bool AllDone = false;
  std::map<const FunctionDecl *, int> InTransaction;
  std::unique_ptr<sql::Schema> TuSchema;
  std::vector<const FunctionDecl *> Functions;  // the main file's, as analyzeAll found them
  llvm::DenseSet<const Decl *> Referenced;  // functions the main file refers to (canonical)
  std::unordered_map<const FunctionDecl *, BodyNotes> Notes;  // the main file's bodies (analyzeAll)
  std::map<std::string, Prepared, std::less<>> PreparedInUnit;  // by statement name
  std::optional<Dialect> QtDriver;
  bool QtDriversDisagree = false;
  bool UnitCallsNoted = false;  // noteUnitCalls() ran for this unit
  bool Walked = false;         // analyzeAll's walk filled Notes
  void noteUnitCalls();
};

Results &results() {
  static Results r;
  return r;
}

// Summaries of functions defined in other files, by USR (the CLI's first pass).
std::map<std::string, Summary> &externalSummaries() {
  static std::map<std::string, Summary> m;
  return m;
}
// Imported but not yet decoded (decoding parses each statement's SQL): a file
// calls few of the functions a whole project defines, so each is decoded on
// its first lookup.
std::map<std::string, std::string> &pendingSummaries() {  // usr -> the summary's JSON text
  static std::map<std::string, std::string> m;
  return m;
}
const Summary *externalSummary(const std::string &usr);

std::string usrOf(const Decl *d) {
  llvm::SmallString<128> buf;
  if (index::generateUSRForDecl(d, buf)) return {};
  return std::string(buf.str());
}

class FunctionAnalysis {
  using Deps = std::set<int>;

public:
  // summaryOnly: the summary is all that is wanted (no first look, no rules, no counting
  // of calls: the function's findings were worked out before).
  FunctionAnalysis(const FunctionDecl &fd, ASTContext &ctx, bool summaryOnly = false)
      : FD(fd), Ctx(ctx), SM(ctx.getSourceManager()), SummaryOnly(summaryOnly) {}

  std::vector<Finding> run() {
    if (Ran) return {};
    Ran = true;
    if (!FD.hasBody()) return {};
    Look look = firstLook();
    Summarized = look == Look::Nothing;  // no database work: the empty summary is the summary
    if (look != Look::Analyze) return std::move(Unresolved);  // (SQL handed to functions it cannot see)
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
    collectProcessLocks();
    Ev.retriesOnUniqueViolation = [this](int x) {
      if (Retries.empty()) computeRetries();
      return Retries[x] != 0;
    };
    if (!SummaryOnly) countCalls();
    Ev.dominates = [this](int a, int b) { return execDominates(a, b); };
    Ev.postDominates = [this](int a, int b) {
      const Pos &pa = ExecPos[a], &pb = ExecPos[b];
      if (pa.block == pb.block) return pb.index < pa.index;
      return Cdc->getCFGPostDomTree().dominates(const_cast<CFGBlock *>(pa.block), const_cast<CFGBlock *>(pb.block));
    };
    // the walk is asked for only where SERIALIZABLE can protect (its remark needs it)
    bool serializable = false;
    for (const Execution &x : Ev.executions) serializable = serializable || x.serializable;
    for (const Statement &st : Ev.statements)
      for (const sql::Facts &f : st.parsed->statements) serializable = serializable || f.isolation == sql::Isolation::Serializable;
    Ev.handlesSerializationFailure = serializable && mentionsSerializationFailure(FD.getBody());
    // only asked when a transaction-scoped lock runs in autocommit mode here (rare): the walk costs
    bool autocommitLock = false;
    for (const Execution &x : Ev.executions)
      if (x.autocommit)
        for (const sql::Facts &f : Ev.statements[x.statement].parsed->statements)
          if (rules::transactionScopedLock(f)) autocommitLock = true;
    Ev.opaqueCalls = autocommitLock && bodyCallsOpaqueProjectFunction();
    Ev.schema = results().schema();
    if (SummaryOnly || !results().mayLookFirst(FD)) {  // else no caller is expected to ask
      extractSummary();
      Summarized = true;
    }
    if (SummaryOnly) return {};
    // parameter markers are for callers; the rules see statements only
    for (Execution &x : Ev.executions) {
      auto strip = [](std::set<int> &d) {
        for (auto it = d.begin(); it != d.end();) it = isParamMarker(*it) ? d.erase(it) : std::next(it);
      };
      for (auto &[n, d] : x.paramDeps) strip(d);
      strip(x.controlDeps);
      strip(x.loopControlDeps);
    }
    std::vector<Finding> out = runRules(Ev);
    out.insert(out.end(), Unresolved.begin(), Unresolved.end());
    return out;
  }

  Summary takeSummary() { return std::move(Sum); }
  bool summarized() const { return Summarized; }

  // ---- the first look ---------------------------------------------------
  // One walk of the body before any CFG. Nothing: no database call and no call of a
  // function that does database work. Settled: nothing else in the file needs this
  // function's summary (Results::mayLookFirst), every SQL text it runs is one plain
  // literal, and no rule can apply to them: every rule pairs a write of a table with a
  // check of the same table (or is about a single statement that does both, or that
  // does not parse, or a poll the schema knows). Analyze: the rest.
  enum class Look { Nothing, Settled, Analyze };
  Look firstLook() {
    bool settle = !Dumping && !SummaryOnly && results().mayLookFirst(FD);
    std::vector<std::shared_ptr<const sql::ParsedSql>> texts;
    bool any = false;
    // the body as the file's walk noted it; a body outside the main file is noted here
    Notes = results().notesOf(FD);
    if (!Notes) {
      walkInOrder(FD.getBody(), [&](const Stmt *s) {
        OwnNotes.note(s, SM, Ctx.getLangOpts());
        return !isa<BlockExpr>(s);
      });
      Notes = &OwnNotes;
    }
    if (Notes->lambdaOrBlock) settle = false;
    for (const Expr *e : Notes->calls) lookAtCall(e, settle, any, texts);
    if (!any) return Look::Nothing;
    return settle && noRuleApplies(texts, results().schema()) ? Look::Settled : Look::Analyze;
  }

  void lookAtCall(const Expr *s, bool &settle, bool &any, std::vector<std::shared_ptr<const sql::ParsedSql>> &texts) {
    if (std::optional<Call> c = CallsOf.of(s); c && c->api) {
      any = true;
      if (settle) settle = literalSql(*c, texts);
    } else if (const Summary *sum = summaryOf(s)) {
      any = true;
      if (settle && c) settle = wrappedLiteralSql(*c, *sum, texts);
    } else if (c && !c->callee->hasBody() && !isLibraryFunction(c->callee)) {
      noteUnknownSqlCall(*c);
    }
  }

  // A project function sqlrace cannot see into (defined in another file, not in the
  // catalog or the configuration) is handed SQL text: what it runs is not analyzed, and
  // --verbose says so, with what would let sqlrace see it.
  void noteUnknownSqlCall(const Call &c) {
    for (unsigned i = 0; i < c.numArgs(); ++i) {
      const StringLiteral *sl = plainLiteral(c.arg((int)i));
      if (!sl || sl->getCharByteWidth() != 1 || !looksLikeDml(sl->getString())) continue;
      // and parses, as it is or as a printf format (a log line about a statement does not)
      sql::NormalizeOptions printf;
      printf.printfHoles = true;
      std::string text = utf8(sl);
      if (!sql::analyzeSql(text)->ok && !sql::analyzeSql(text, printf)->ok) continue;
      std::string name = c.callee->getNameAsString();
      remarkUnresolved(sl->getBeginLoc(), "the SQL text passed to " + name + "() is not analyzed: sqlrace does not know " +
                                              name + " (its body is not in this file, and neither the catalog nor the "
                                              "configuration names it); describe it in .sqlrace.yml, or analyze it "
                                              "together with the file that defines it");
      return;
    }
  }

  // SELECT ... FROM, INSERT ... INTO, UPDATE ... SET, DELETE FROM, REPLACE INTO: text that
  // reads as a statement, not a log line that mentions one.
  static bool looksLikeDml(llvm::StringRef t) {
    t = t.ltrim();
    std::string head = t.take_front(160).lower();
    for (char &ch : head)
      if (ch == '\n' || ch == '\t' || ch == '\r') ch = ' ';
    auto starts = [&](const char *k) {
      size_t n = strlen(k);
      return head.compare(0, n, k) == 0 && (head.size() == n || !std::isalnum((unsigned char)head[n]));
    };
    if (starts("select")) return head.find(" from ") != std::string::npos;
    if (starts("insert") || starts("replace")) return head.find(" into ") != std::string::npos;
    if (starts("update")) return head.find(" set ") != std::string::npos;
    if (starts("delete")) return head.find("from ") != std::string::npos;
    return false;
  }

  // The SQL argument as one plain literal (possibly made a string object), or null.
  static const StringLiteral *plainLiteral(const Expr *e) {
    for (int guard = 0; guard < 4; ++guard) {
      e = strip(e);
      if (auto *sl = dyn_cast_or_null<StringLiteral>(e)) return sl;
      auto *k = dyn_cast_or_null<CXXConstructExpr>(e);
      if (!k || k->getNumArgs() < 1) return nullptr;
      for (unsigned i = 1; i < k->getNumArgs(); ++i)
        if (!isa<CXXDefaultArgExpr>(k->getArg(i))) return nullptr;  // std::string(p, n): not all of it
      e = k->getArg(0);
    }
    return nullptr;
  }

  // An API call: its SQL is a plain literal (kept), or it takes no SQL text. False: the
  // text is built, chosen or named (prepared elsewhere), which only the analysis follows.
  static bool literalSql(const Call &c, std::vector<std::shared_ptr<const sql::ParsedSql>> &texts) {
    const ApiEntry *api = c.api;
    if (api->role == Role::ExecPrepared) return false;
    if (api->role != Role::Execute && api->role != Role::Prepare) return true;
    if (api->format >= 0 || api->sql < 0) return false;
    const StringLiteral *sl = plainLiteral(c.arg(api->sql));
    if (!sl) return false;
    texts.push_back(literalFacts(sl));
    return true;
  }

  // A call of a function that runs SQL: only a wrapper running the SQL passed to it,
  // here a plain literal. A function with SQL of its own has its calls counted by the
  // analysis (whether callers serialize), so it is not settled here.
  static bool wrappedLiteralSql(const Call &c, const Summary &sum,
                                std::vector<std::shared_ptr<const sql::ParsedSql>> &texts) {
    for (const Summary::Stmt &ss : sum.stmts) {
      const StringLiteral *sl = ss.sqlParam >= 0 ? plainLiteral(c.arg(ss.sqlParam)) : nullptr;
      if (!sl) return false;
      texts.push_back(literalFacts(sl));
    }
    return true;
  }

  // No table is written by one statement and read or written by another (or read and
  // written by one), every text parses, and no poll meets a schema column.
  static bool noRuleApplies(const std::vector<std::shared_ptr<const sql::ParsedSql>> &texts,
                            const sql::Schema *schema) {
    struct Use {
      llvm::StringRef table;
      int statements = 0, writes = 0;  // statements touching the table, writing it
    };
    llvm::SmallVector<Use, 16> touched;
    for (const auto &p : texts) {
      if (!p->ok || p->fallback) return false;
      llvm::SmallVector<std::pair<llvm::StringRef, int>, 8> mine;  // table -> 1 read, 2 written
      auto mark = [&](llvm::StringRef t, int how) {
        for (auto &m : mine)
          if (m.first == t) {
            m.second |= how;
            return;
          }
        mine.push_back({t, how});
      };
      for (const sql::Facts &f : p->statements) {
        if (schema && f.kind == sql::StmtKind::Select && !f.rangeColumns.empty()) return false;
        for (const std::string &t : f.tablesRead) mark(t, 1);
        if (!f.targetTable.empty()) mark(f.targetTable, 2);
      }
      for (const auto &[t, how] : mine) {
        if (how == 3) return false;
        Use *u = nullptr;
        for (Use &x : touched)
          if (x.table == t) u = &x;
        if (!u) u = &touched.emplace_back(Use{t});
        ++u->statements;
        if (how & 2) ++u->writes;
        if (u->statements >= 2 && u->writes >= 1) return false;
      }
    }
    return true;
  }

  // SQL the analysis leaves out, said under --verbose (sqlrace-unresolved-sql).
  void remarkUnresolved(SourceLocation at, std::string message) {
    Finding f;
    f.rule = "unresolved-sql";
    f.severity = Severity::Remark;
    f.loc = loc(at);
    f.message = std::move(message);
    Unresolved.push_back(std::move(f));
  }

  // Why resolveSql gave up, in words.
  std::string describeUnresolved(const Expr *e) {
    e = strip(e);
    if (auto *dre = dyn_cast_or_null<DeclRefExpr>(e)) {
      if (isa<ParmVarDecl>(dre->getDecl())) return "it is the parameter '" + dre->getDecl()->getNameAsString() + "'";
      return "'" + dre->getDecl()->getNameAsString() + "' holds different text on different paths, or text built at run time";
    }
    if (isa_and_nonnull<ConditionalOperator>(e)) return "it chooses between texts at run time";
    if (isa_and_nonnull<CallExpr>(e) || isa_and_nonnull<CXXMemberCallExpr>(e)) return "it is returned by a call sqlrace does not know";
    return "it is computed at run time";
  }

  // The events as text, for --dump-events.
  std::string dump() {
    Dumping = true;
    run();
    std::string out = "function " + FD.getNameAsString() + "\n";
    for (const Statement &s : Ev.statements) {
      PresumedLoc p = SM.getPresumedLoc(SourceLocation::getFromRawEncoding(s.sqlLoc.raw));
      out += "  statement " + std::to_string(s.id) + " (line " + std::to_string(p.isValid() ? p.getLine() : 0) +
             "): " + s.parsed->normalized + (s.parsed->ok ? "" : "   [" + s.parsed->error + "]") + "\n";
    }
    for (const Execution &x : Ev.executions) {
      PresumedLoc p = SM.getPresumedLoc(SourceLocation::getFromRawEncoding(x.loc.raw));
      out += "  execution " + std::to_string(x.id) + " of statement " + std::to_string(x.statement) + " (line " +
             std::to_string(p.isValid() ? p.getLine() : 0) + ")";
      auto set = [](const std::set<int> &s) {
        std::string r;
        for (int i : s) r += (r.empty() ? "" : ",") + std::to_string(i);
        return "{" + r + "}";
      };
      for (const auto &[n, d] : x.paramDeps) out += " $" + std::to_string(n) + "<-" + set(d);
      if (!x.controlDeps.empty()) out += " control<-" + set(x.controlDeps);
      if (!x.loopControlDeps.empty()) out += " loop<-" + set(x.loopControlDeps);
      out += "\n";
    }
    return out;
  }

private:
  struct ApiCall {
    Call call;
    Pos pos;
  };

  // ---- positions --------------------------------------------------------
  void indexPositions() {
    for (const CFGBlock *b : *Cfg) {
      unsigned i = 0;
      for (const CFGElement &el : *b) {
        if (auto cs = el.getAs<CFGStmt>()) {
          auto *e = dyn_cast<Expr>(cs->getStmt());
          if (e && (isa<CallExpr>(e) || isa<CXXConstructExpr>(e))) {
            auto c = CallsOf.of(e);
            if (c && isProcessLock(*c)) ProcessLockPos.push_back({c->name.str(), Pos{b, i}, e});
            if (c && c->api) Api.push_back({*c, Pos{b, i}});
            else if (const Summary *sum = c ? summaryOf(e) : nullptr) UserCalls.push_back({*c, Pos{b, i}, sum, {}});
          }
        }
        ++i;
      }
    }
    // CFG block order is not source order; statements are numbered in source order.
    sortInSourceOrder(Api);
    for (size_t i = 0; i < Api.size(); ++i) ApiIndex[Api[i].call.expr] = i;
    sortInSourceOrder(UserCalls);
  }

  // Calls in the order of where they begin in the translation unit, ties in the order
  // given. When all begin in one file outside macros (the usual case), that is the order
  // of their offsets, read once per call instead of once per comparison.
  template <typename T> void sortInSourceOrder(std::vector<T> &calls) {
    std::vector<std::pair<unsigned, unsigned>> keys;  // (offset, index)
    keys.reserve(calls.size());
    FileID file;
    for (const T &c : calls) {
      SourceLocation l = c.call.expr->getBeginLoc();
      std::pair<FileID, unsigned> at = l.isFileID() ? SM.getDecomposedLoc(l) : std::pair<FileID, unsigned>();
      if (at.first.isInvalid() || (file.isValid() && at.first != file)) {
        std::stable_sort(calls.begin(), calls.end(), [this](const T &a, const T &b) {
          return SM.isBeforeInTranslationUnit(a.call.expr->getBeginLoc(), b.call.expr->getBeginLoc());
        });
        return;
      }
      file = at.first;
      keys.push_back({at.second, (unsigned)keys.size()});
    }
    if (std::is_sorted(keys.begin(), keys.end())) return;
    std::sort(keys.begin(), keys.end());
    std::vector<T> sorted;
    sorted.reserve(calls.size());
    for (const auto &k : keys) sorted.push_back(std::move(calls[k.second]));
    calls = std::move(sorted);
  }

  // ---- summaries and calls to the analyzed program's own functions ---------
  const FunctionDecl *userCallee(const Expr *e) const {
    auto *ce = dyn_cast_or_null<CallExpr>(e);
    if (!ce) return nullptr;
    const FunctionDecl *callee = ce->getDirectCallee(), *def = nullptr;
    if (!callee || !callee->hasBody(def) || !def || def == &FD || def->isDependentContext()) return nullptr;
    return def;
  }

  const Summary *summaryOf(const Expr *e) {
    const FunctionDecl *def = userCallee(e);
    if (!def) {  // defined in another file: its summary from the first pass, if any
      auto *ce = dyn_cast_or_null<CallExpr>(e);
      const FunctionDecl *callee = ce ? ce->getDirectCallee() : nullptr;
      if (!callee || callee->hasBody() || (externalSummaries().empty() && pendingSummaries().empty())) return nullptr;
      return externalSummary(usrOf(callee->getCanonicalDecl()));
    }
    const Summary &sum = results().summaryFor(*def, Ctx);
    return !sum.empty() ? &sum : nullptr;
  }

  int paramIndex(const void *decl) const {
    for (unsigned i = 0; i < FD.getNumParams(); ++i)
      if (FD.getParamDecl(i)->getCanonicalDecl() == decl) return (int)i;
    return -1;
  }

  // The parameter a SQL argument is (directly, or through .c_str() / a string copy).
  int sqlParamOf(const Expr *e) const {
    e = strip(e);
    if (auto *mc = dyn_cast_or_null<CXXMemberCallExpr>(e)) e = strip(mc->getImplicitObjectArgument());
    if (auto *k = dyn_cast_or_null<CXXConstructExpr>(e); k && k->getNumArgs() >= 1) e = strip(k->getArg(0));
    if (auto *d = dyn_cast_or_null<DeclRefExpr>(e))
      if (auto *pv = dyn_cast<ParmVarDecl>(d->getDecl())) return paramIndex(pv->getCanonicalDecl());
    return -1;
  }

  void extractSummary() {
    for (const Statement &st : Ev.statements) {
      Summary::Stmt ss;
      ss.s = st;
      auto it = ParamSql.find(st.id);
      if (it != ParamSql.end()) ss.sqlParam = it->second;
      ss.connParam = paramIndex(st.conn);
      if (st.function.empty()) ss.s.function = FD.getNameAsString();
      Sum.stmts.push_back(std::move(ss));
    }
    for (const Execution &x : Ev.executions) {
      Summary::Exec e;
      e.stmt = x.statement;
      e.paramDeps = x.paramDeps;
      e.controlDeps = x.controlDeps;
      e.loopControlDeps = x.loopControlDeps;
      e.serializable = x.serializable;
      auto pa = ParamsArrayParam.find(x.id);
      if (pa != ParamsArrayParam.end()) e.paramsArrayParam = pa->second;
      Sum.execs.push_back(std::move(e));
    }
    size_t n = Ev.executions.size();
    Sum.dom.assign(n, std::vector<char>(n, 0));
    for (size_t a = 0; a < n; ++a)
      for (size_t b = 0; b < n; ++b) Sum.dom[a][b] = a != b && execDominates((int)a, (int)b);
    int returns = 0;
    llvm::SmallVector<const CFGBlock *, 8> returnBlocks;
    for (const CFGBlock *b : *Cfg) {
      unsigned i = 0;
      for (const CFGElement &el : *b) {
        if (auto cs = el.getAs<CFGStmt>())
          if (auto *ret = dyn_cast<ReturnStmt>(cs->getStmt()); ret && ret->getRetValue()) {
            addValueDeps(ret->getRetValue(), Pos{b, i}, 0, Sum.returnValue);
            addHandleStatements(ret->getRetValue(), Pos{b, i}, 0, Sum.returnHandle);
            ++returns;
            if (returnBlocks.empty() || returnBlocks.back() != b) returnBlocks.push_back(b);
          }
        ++i;
      }
    }
    // With more than one return, which one runs is part of the value: `if (PQntuples(r) == 0)
    // return NOT_FOUND; return OK;` tells the caller what the check found as surely as
    // returning the count would.
    if (returns > 1)
      for (const CFGBlock *b : returnBlocks) addBlockControlDeps(b, 0, Sum.returnValue);
  }

  // The summary's deps in this function's terms, for a call at `pos`.
  void mapDeps(const std::set<int> &in, const Call &call, const std::vector<int> &imported, Pos pos, int depth,
               Deps &out) {
    for (int d : in) {
      if (isHandleMarker(d)) addHandleStatements(call.arg(markerParam(d)), pos, depth + 1, out);
      else if (isParamMarker(d)) addValueDeps(call.arg(markerParam(d)), pos, depth + 1, out);
      else if ((size_t)d < imported.size() && imported[d] >= 0) out.insert(imported[d]);
    }
  }

  // Statements of called functions become statements here, reached through the call.
  void importStatements() {
    for (UserCall &u : UserCalls) {
      const Summary &sum = *u.summary;
      for (const Summary::Stmt &ss : sum.stmts) {
        int id = -1;
        const void *conn = ss.connParam >= 0 ? connOf(u.call.arg(ss.connParam)) : ss.s.conn;
        if (ss.sqlParam >= 0) {  // a wrapper: the SQL is this function's argument
          const Expr *arg = u.call.arg(ss.sqlParam);
          Call c = u.call;
          ApiEntry pseudo;
          pseudo.role = Role::Execute;
          pseudo.sql = ss.sqlParam;
          pseudo.dialect = ss.s.dialect;
          c.api = &pseudo;
          c.name = u.call.name;
          id = arg ? addStatement(c, u.pos) : -1;
          if (id >= 0) Ev.statements[id].conn = conn;
        } else {
          Statement st = ss.s;
          st.id = (int)Ev.statements.size();
          st.conn = conn;
          st.via.push_back(loc(u.call.expr->getBeginLoc()));
          Ev.statements.push_back(std::move(st));
          Holes.emplace_back();
          id = Ev.statements.back().id;
        }
        u.imported.push_back(id);
      }
      // the call's value is a handle of what the callee returns
      for (int h : sum.returnHandle)
        if (!isParamMarker(h) && (size_t)h < u.imported.size() && u.imported[h] >= 0)
          StmtOfCall.emplace(u.call.expr, u.imported[h]);
    }
  }

  void importExecutions() {
    for (UserCall &u : UserCalls) {
      const Summary &sum = *u.summary;
      std::vector<int> local;
      for (size_t k = 0; k < sum.execs.size(); ++k) {
        const Summary::Exec &e = sum.execs[k];
        int stmt = (size_t)e.stmt < u.imported.size() ? u.imported[e.stmt] : -1;
        if (stmt < 0) {
          local.push_back(-1);
          continue;
        }
        int x = addExecution(u.call, stmt, u.pos, Ev.statements[stmt].conn, e.serializable);
        Execution &ex = Ev.executions[x];
        for (const auto &[n, d] : e.paramDeps) {
          Deps m;
          mapDeps(d, u.call, u.imported, u.pos, 0, m);
          addParam(ex, n, m);
        }
        if (e.paramsArrayParam >= 0) addParamArrayDeps(u.call.arg(e.paramsArrayParam), u.pos, ex);
        mapDeps(e.controlDeps, u.call, u.imported, u.pos, 0, ex.controlDeps);
        mapDeps(e.loopControlDeps, u.call, u.imported, u.pos, 0, ex.loopControlDeps);
        Group[x] = {u.call.expr, (int)k};
        GroupDom[u.call.expr] = &sum.dom;
      }
    }
  }

  // Executions from one call keep the order they have in the callee.
  bool execDominates(int a, int b) const {
    const Pos &pa = ExecPos[a], &pb = ExecPos[b];
    if (pa.block == pb.block && pa.index == pb.index) {
      auto ga = Group.find(a), gb = Group.find(b);
      if (ga == Group.end() || gb == Group.end() || ga->second.first != gb->second.first) return false;
      const auto &dom = *GroupDom.at(ga->second.first);
      return dom[ga->second.second][gb->second.second];
    }
    return dominates(pa, pb);
  }

  // std::mutex::lock, std::lock_guard<...>(m), pthread_mutex_lock(&m), QMutexLocker(&m), ...
  static bool isProcessLock(const Call &c) {
    signed char &kind = c.info->lock;  // the same answer for every call of a callee
    if (kind < 0) kind = processLockKind(c);
    return kind == 1 || (kind == 2 && isa<CXXConstructExpr>(c.expr) && c.numArgs() >= 1);
  }
  static signed char processLockKind(const Call &c) {
    llvm::StringRef n = c.name;
    if (n == "pthread_mutex_lock" || n == "pthread_rwlock_wrlock" || n == "mtx_lock" || n == "std::lock" ||
        n == "EnterCriticalSection" || n == "g_mutex_lock")
      return 1;
    if (endsWith(n, "::lock_guard::lock_guard") || endsWith(n, "::unique_lock::unique_lock") ||
        endsWith(n, "::scoped_lock::scoped_lock") || endsWith(n, "QMutexLocker::QMutexLocker") ||
        endsWith(n, "QWriteLocker::QWriteLocker") || endsWith(n, "MutexLock::MutexLock") ||
        endsWith(n, "WriterMutexLock::WriterMutexLock"))
      return 2;
    if (auto *m = dyn_cast<CXXMethodDecl>(c.callee)) {
      std::string cls = m->getParent()->getNameAsString(), meth = m->getNameAsString();
      for (char &ch : cls) ch = (char)std::tolower((unsigned char)ch);
      return (meth == "lock" || meth == "Lock" || meth == "WriterLock") && cls.find("mutex") != std::string::npos;
    }
    return 0;
  }

  void collectProcessLocks() {
    for (const ProcessLockAt &l : ProcessLockPos) {
      std::string name = l.name;  // std::lock_guard::lock_guard -> std::lock_guard
      size_t sep = name.rfind("::");
      if (sep != std::string::npos && sep >= 2) {
        size_t prev = name.rfind("::", sep - 1);
        std::string cls = name.substr(prev == std::string::npos ? 0 : prev + 2, sep - (prev == std::string::npos ? 0 : prev + 2));
        if (cls == name.substr(sep + 2)) name = name.substr(0, sep);
      }
      Ev.processLocks.push_back({loc(l.expr->getBeginLoc()), name});
      int k = (int)Ev.processLocks.size() - 1;
      for (Execution &x : Ev.executions)
        if (dominates(l.pos, ExecPos[x.id])) x.processLocks.push_back(k);
    }
  }

  // For each call of a function of this translation unit: does this function
  // serialize before it (its own statements or a helper's, on every path)?
  void countCalls() {
    for (const UserCall &u : UserCalls) {
      const FunctionDecl *callee = userCallee(u.call.expr);
      if (!callee) continue;
      bool serialized = false, inTransaction = false;
      for (const Execution &x : Ev.executions) {
        if (!dominates(ExecPos[x.id], u.pos)) continue;
        if (rules::serializesAnything(Ev.statements[x.statement])) serialized = true;
        for (const sql::Facts &f : Ev.statements[x.statement].parsed->statements)
          if (f.kind == sql::StmtKind::Transaction && f.txn == sql::TxnKind::Begin) inTransaction = true;
      }
      results().countCall(callee, serialized);
      if (inTransaction) results().calledInTransaction(callee);
    }
  }

  // ---- insert-and-retry ----------------------------------------------------
  // A condition that tests for a unique violation: SQLSTATE 23505 / 23000,
  // SQLITE_CONSTRAINT(_UNIQUE/_PRIMARYKEY), MySQL ER_DUP_ENTRY (1062).
  bool mentionsUniqueViolation(const Stmt *s) const {
    if (!s) return false;
    if (auto *e = dyn_cast<Expr>(s); e && marksUniqueViolation(e, SM, Ctx.getLangOpts())) return true;
    for (const Stmt *c : s->children())
      if (mentionsUniqueViolation(c)) return true;
    return false;
  }

  // A call of another function of the program whose body mentions a unique-violation
  // marker (remembered per function).
  bool callsHelperTestingViolation(const Expr *e) {
    auto *ce = dyn_cast<CallExpr>(e);
    const FunctionDecl *def = nullptr;
    if (!ce || !ce->getDirectCallee() || !ce->getDirectCallee()->hasBody(def) || !def || def == &FD) return false;
    auto &memo = results().ViolationTest;
    auto it = memo.find(def);
    if (it == memo.end()) it = memo.emplace(def, mentionsUniqueViolation(def->getBody())).first;
    return it->second;
  }

  // Cheap first look: the body, or a helper it calls, mentions a unique-violation marker at
  // all (read from the body's notes).
  bool mayTestViolation() {
    if (Notes->violationMarker) return true;
    for (const Expr *e : Notes->calls)
      if (callsHelperTestingViolation(e)) return true;
    return false;
  }

  // The condition tests for a unique violation itself, through a flag set from
  // such a test, or through a helper of the program whose body does.
  bool conditionTestsViolation(const Expr *cond, Pos at, int depth = 0) {
    if (!cond || depth > 3) return false;
    if (mentionsUniqueViolation(cond)) return true;
    bool found = false;
    std::function<void(const Stmt *)> visit = [&](const Stmt *s) {
      if (!s || found) return;
      if (auto *d = dyn_cast<DeclRefExpr>(s)) {
        if (auto *v = dyn_cast<VarDecl>(d->getDecl()); v && v->hasLocalStorage())
          for (const Def &def : reachingDefs(v, at))
            if (def.rhs && conditionTestsViolation(def.rhs, def.pos, depth + 1)) found = true;
      } else if (auto *e = dyn_cast<Expr>(s); e && callsHelperTestingViolation(e)) {
        found = true;
      }
      for (const Stmt *c : s->children()) visit(c);
    };
    visit(cond);
    return found;
  }

  // A call of the project's own function with no body here (declared in a header of the
  // project, not a library under /usr), given a pointer or reference to a record or an
  // opaque handle (a connection, a wrapper object): it may send BEGIN on that connection.
  bool bodyCallsOpaqueProjectFunction() const {
    for (const Expr *e : Notes->calls)  // the body's calls, from its notes
      if (auto *ce = dyn_cast<CallExpr>(e); ce && isOpaqueProjectCall(ce)) return true;
    return false;
  }
  bool isOpaqueProjectCall(const CallExpr *ce) const {
    const FunctionDecl *callee = ce->getDirectCallee();
    const FunctionDecl *def = nullptr;
    if (!callee || callee->hasBody(def)) return false;
    // (the library test first: it is cheaper than building the name for the catalog)
    if (isLibraryFunction(callee) || lookupApi(qualifiedName(callee), (int)ce->getNumArgs())) return false;
    for (const Expr *a : ce->arguments()) {
      QualType t = a->getType();
      if ((t->isPointerType() || t->isReferenceType()) && t->getPointeeType()->isRecordType()) return true;
      if (t->isRecordType()) return true;
    }
    return false;
  }

  // Declared in a system header or under /usr: a library's function, not the project's.
  bool isLibraryFunction(const FunctionDecl *callee) const {
    auto &memo = results().LibraryFunction;
    auto it = memo.find(callee);
    if (it != memo.end()) return it->second;
    SourceLocation at = SM.getExpansionLoc(callee->getLocation());
    llvm::StringRef file = SM.getFilename(at);
    bool library = SM.isInSystemHeader(at) || startsWith(file, "/usr/") || file.empty();
    memo.try_emplace(callee, library);
    return library;
  }

  // SQLSTATE 40001 (serialization_failure) or 40P01 (deadlock) tested, or caught
  // as pqxx::serialization_failure / transaction_rollback: a retry is there.
  bool mentionsSerializationFailure(const Stmt *s) const {
    if (!s) return false;
    if (auto *sl = dyn_cast<StringLiteral>(s))
      if (sl->getCharByteWidth() == 1 && (sl->getString() == "40001" || sl->getString() == "40P01")) return true;
    if (auto *c = dyn_cast<CXXCatchStmt>(s))
      if (!c->getCaughtType().isNull()) {
        std::string t = c->getCaughtType().getAsString();
        if (t.find("serialization_failure") != std::string::npos || t.find("transaction_rollback") != std::string::npos ||
            t.find("deadlock_detected") != std::string::npos)
          return true;
      }
    for (const Stmt *c : s->children())
      if (mentionsSerializationFailure(c)) return true;
    return false;
  }

  // Blocks reachable from `from` (itself included).
  llvm::DenseSet<const CFGBlock *> reachable(const CFGBlock *from) const {
    llvm::DenseSet<const CFGBlock *> seen;
    std::vector<const CFGBlock *> work{from};
    while (!work.empty()) {
      const CFGBlock *b = work.back();
      work.pop_back();
      if (!b || !seen.insert(b).second) continue;
      for (const CFGBlock::AdjacentBlock &s : b->succs())
        if (const CFGBlock *sb = s.getReachableBlock()) work.push_back(sb);
    }
    return seen;
  }

  // From here, does the code run the check again or read the table again?
  bool leadsBackTo(const llvm::DenseSet<const CFGBlock *> &blocks, int write, const std::string &table) const {
    for (const Execution &e : Ev.executions) {
      if (e.id == write || !blocks.count(ExecPos[e.id].block)) continue;
      for (const sql::Facts &f : Ev.statements[e.statement].parsed->statements)
        if (f.kind == sql::StmtKind::Select && f.reads(table)) return true;
    }
    return false;
  }

  void computeRetries() {
    Retries.assign(Ev.executions.size(), 0);
    // the branches that test for a unique violation, found once for the function
    std::vector<const CFGBlock *> tests;
    bool anyInsert = false;
    for (const Statement &st : Ev.statements)
      for (const sql::Facts &f : st.parsed->statements) anyInsert = anyInsert || f.kind == sql::StmtKind::Insert;
    if (!anyInsert) return;
    if (mayTestViolation())
      for (const CFGBlock *b : *Cfg) {
        auto *cond = dyn_cast_or_null<Expr>(b->getTerminatorCondition());
        if (cond && conditionTestsViolation(cond, Pos{b, (unsigned)b->size()})) tests.push_back(b);
      }
    bool hasTry = Ctx.getLangOpts().CPlusPlus && containsTry(FD.getBody());
    // nothing in this function or the helpers it calls tests for a violation: no retry to find
    if (tests.empty() && !hasTry) return;
    for (Execution &x : Ev.executions) {
      std::string table;
      for (const sql::Facts &f : Ev.statements[x.statement].parsed->statements)
        if (f.kind == sql::StmtKind::Insert) table = f.targetTable;
      if (table.empty()) continue;
      if (!tests.empty()) {
        llvm::DenseSet<const CFGBlock *> after = reachable(ExecPos[x.id].block);
        for (const CFGBlock *b : tests) {
          if (!after.count(b)) continue;
          for (const CFGBlock::AdjacentBlock &s : b->succs())
            if (const CFGBlock *sb = s.getReachableBlock())
              if (leadsBackTo(reachable(sb), x.id, table)) Retries[x.id] = 1;
        }
      }
      if (!Retries[x.id] && hasTry) Retries[x.id] = caughtAndRetried(x, table);
    }
  }

  static bool containsTry(const Stmt *s) {
    if (!s) return false;
    if (isa<CXXTryStmt>(s)) return true;
    for (const Stmt *c : s->children())
      if (containsTry(c)) return true;
    return false;
  }

  // C++: try { INSERT } catch (const pqxx::unique_violation &) { re-read, continue, or call again }
  bool caughtAndRetried(const Execution &x, const std::string &table) {
    const Expr *call = nullptr;  // the call at the execution's position
    const Pos &p = ExecPos[x.id];
    for (const ApiCall &c : Api)
      if (c.pos.block == p.block && c.pos.index == p.index) call = c.call.expr;
    for (const UserCall &u : UserCalls)
      if (u.pos.block == p.block && u.pos.index == p.index) call = u.call.expr;
    if (!call) return false;
    DynTypedNode node = DynTypedNode::create(*call);
    for (int guard = 0; guard < 64; ++guard) {
      DynTypedNodeList parents = Ctx.getParents(node);
      if (parents.empty()) return false;
      node = parents[0];
      const auto *tryStmt = node.get<CXXTryStmt>();
      if (!tryStmt) continue;
      for (unsigned h = 0; h < tryStmt->getNumHandlers(); ++h) {
        const CXXCatchStmt *handler = tryStmt->getHandler(h);
        std::string type = handler->getCaughtType().isNull() ? "" : handler->getCaughtType().getAsString();
        if (type.find("unique_violation") == std::string::npos && type.find("UniqueViolation") == std::string::npos &&
            type.find("integrity_constraint_violation") == std::string::npos)
          continue;
        if (retriesIn(handler->getHandlerBlock(), table)) return true;
      }
    }
    return false;
  }

  bool retriesIn(const Stmt *s, const std::string &table) {
    if (!s) return false;
    if (isa<ContinueStmt>(s) || isa<GotoStmt>(s)) return true;
    if (auto *ce = dyn_cast<CallExpr>(s)) {
      if (ce->getDirectCallee() && ce->getDirectCallee()->getCanonicalDecl() == FD.getCanonicalDecl()) return true;
      auto it = StmtOfCall.find(ce);
      if (it != StmtOfCall.end())
        for (const sql::Facts &f : Ev.statements[it->second].parsed->statements)
          if (f.kind == sql::StmtKind::Select && f.reads(table)) return true;
    }
    for (const Stmt *c : s->children())
      if (retriesIn(c, table)) return true;
    return false;
  }

  bool dominates(const Pos &a, const Pos &b) const {
    if (a.block == b.block) return a.index < b.index;
    return Dom->dominates(a.block, b.block);
  }

  Loc loc(SourceLocation l) const { return Loc{SM.getExpansionLoc(l).getRawEncoding()}; }

  // ---- reaching definitions -------------------------------------------
  // Classifies one CFG element as a definition of v.
  bool classify(const Stmt *s, const ValueDecl *v, Pos p, Def &d, bool &kills) {
    kills = true;
    d = Def();
    d.stmt = s;
    d.pos = p;
    if (auto *ds = dyn_cast<DeclStmt>(s)) {
      if (!ds->isSingleDecl() || ds->getSingleDecl() != v) return false;
      const Expr *init = cast<VarDecl>(v)->getInit();
      d.kind = init ? Def::Init : Def::Entry;
      d.rhs = init;
      return true;
    }
    if (auto *bo = dyn_cast<BinaryOperator>(s)) {
      if (!bo->isAssignmentOp()) return false;
      const Expr *lhs = strip(bo->getLHS());
      if (locOf(lhs) == v) {
        d.kind = bo->getOpcode() == BO_Assign ? Def::Assign : Def::SelfUpdate;
        d.rhs = bo->getRHS();
        return true;
      }
      int index;
      if (lvalueRoot(lhs, Ctx, index) == v) {
        d.kind = Def::Element;
        d.element = index;
        d.rhs = bo->getRHS();
        kills = false;
        return true;
      }
      return false;
    }
    if (auto *uo = dyn_cast<UnaryOperator>(s)) {
      if (uo->isIncrementDecrementOp() && locOf(uo->getSubExpr()) == v) {
        d.kind = Def::SelfUpdate;
        return true;
      }
      return false;
    }
    if (!isa<CallExpr>(s) && !isa<CXXConstructExpr>(s)) return false;
    auto call = CallsOf.of(cast<Expr>(s));
    if (!call) return false;
    const ApiEntry *api = call->api;
    // s = ..., s += ..., s.append(...) on a string object
    if (const Expr *obj = call->object(); obj && locOf(obj) == v) {
      llvm::StringRef n = call->callee->getName();
      if (api && api->handleOut == This) {
        d.kind = Def::OutCall;
        d.argIndex = This;
        return true;
      }
      if (isa<CXXOperatorCallExpr>(call->expr) || isStringMutator(call->callee->getNameAsString())) {
        bool assign = call->callee->getNameAsString() == "operator=" || n == "assign";
        d.kind = assign ? Def::Assign : Def::SelfUpdate;
        d.rhs = call->arg(0);
        return call->callee->getNameAsString().rfind("operator", 0) != 0 || assign ||
               call->callee->getNameAsString() == "operator+=";
      }
      return false;
    }
    for (unsigned i = 0; i < call->numArgs(); ++i) {
      const Expr *a = strip(call->arg((int)i));
      if (!a) continue;
      bool addressOf = false;
      if (auto *uo = dyn_cast<UnaryOperator>(a))
        addressOf = uo->getOpcode() == UO_AddrOf && locOf(uo->getSubExpr()) == v;
      bool named = locOf(a) == v;
      if (api) {
        // a catalog call defines only its out-arguments: the handle it fills or makes
        // hold a statement (&stmt, hstmt, q), the data it writes (&n, soci into(n));
        // SQLBindCol's target is filled by later fetches (see BoundResults)
        bool out = (api->handleOut == (int)i || api->valueOut == (int)i) && api->role != Role::BindResult;
        if (!out || (!addressOf && !named)) continue;
      } else if (!addressOf && !(named && v->getType()->isArrayType())) {
        continue;
      } else if (readOnlyParam(*call, i)) {
        continue;  // strlen(buf), printf("%s", buf): read, not written
      }
      d.kind = Def::OutCall;
      d.argIndex = (int)i;
      if (!api && v->getType()->isArrayType()) kills = isBufferWriter(call->callee->getName()) || lookupFormat(call->name);
      return true;
    }
    return false;
  }

  // The parameter takes a pointer to const, or is a variadic argument: the call reads what it points at.
  static bool readOnlyParam(const Call &call, unsigned i) {
    if (i >= call.callee->getNumParams()) return call.callee->isVariadic();
    QualType t = call.callee->getParamDecl(i)->getType();
    return t->isPointerType() && t->getPointeeType().isConstQualified();
  }

  // What each CFG element could define (a superset of what classify accepts), by block
  // and variable, built once: a query then looks only at the elements that name its
  // variable instead of classifying every element on the way back.
  void indexDefinitions() {
    DefsIndexed = true;
    auto add = [&](const CFGBlock *b, unsigned i, const ValueDecl *v) {
      if (!v) return;
      auto &at = DefSites[{b, v}];
      if (at.empty() || at.back() != i) at.push_back(i);
    };
    for (const CFGBlock *b : *Cfg) {
      for (unsigned i = 0; i < b->size(); ++i) {
        auto cs = (*b)[i].getAs<CFGStmt>();
        if (!cs) continue;
        const Stmt *s = cs->getStmt();
        if (auto *ds = dyn_cast<DeclStmt>(s)) {
          if (ds->isSingleDecl()) add(b, i, dyn_cast<ValueDecl>(ds->getSingleDecl()));
        } else if (auto *bo = dyn_cast<BinaryOperator>(s)) {
          if (!bo->isAssignmentOp()) continue;
          const Expr *lhs = strip(bo->getLHS());
          int index;
          add(b, i, locOf(lhs));
          add(b, i, lvalueRoot(lhs, Ctx, index));
        } else if (auto *uo = dyn_cast<UnaryOperator>(s)) {
          if (uo->isIncrementDecrementOp()) add(b, i, locOf(uo->getSubExpr()));
        } else if (isa<CallExpr>(s) || isa<CXXConstructExpr>(s)) {
          auto call = CallsOf.of(cast<Expr>(s));
          if (!call) continue;
          if (const Expr *obj = call->object()) add(b, i, locOf(obj));
          for (unsigned k = 0; k < call->numArgs(); ++k) {
            const Expr *a = strip(call->arg((int)k));
            if (!a) continue;
            if (auto *u = dyn_cast<UnaryOperator>(a); u && u->getOpcode() == UO_AddrOf) add(b, i, locOf(u->getSubExpr()));
            add(b, i, locOf(a));
          }
        }
      }
    }
  }

  const std::vector<Def> &reachingDefs(const ValueDecl *v, Pos at) {
    auto key = std::make_tuple(v, at.block, at.index);
    auto it = DefCache.find(key);
    if (it != DefCache.end()) return it->second;
    if (!DefsIndexed) indexDefinitions();
    std::vector<Def> out;
    out.reserve(4);
    llvm::SmallVector<std::pair<const CFGBlock *, unsigned>, 16> work{{at.block, at.index}};
    llvm::SmallPtrSet<const CFGBlock *, 32> seen;
    static const llvm::SmallVector<unsigned, 2> none;
    while (!work.empty()) {
      auto [b, end] = work.back();
      work.pop_back();
      bool killed = false;
      auto sites = DefSites.find({b, v});
      const llvm::SmallVector<unsigned, 2> &here = sites == DefSites.end() ? none : sites->second;
      for (auto si = here.rbegin(); si != here.rend(); ++si) {
        unsigned i = *si;
        if (i >= std::min<unsigned>(end, b->size())) continue;
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

  Deps valueDeps(const Expr *e, Pos at, int depth) {
    Deps out;
    addValueDeps(e, at, depth, out);
    return out;
  }

  void addValueDeps(const Expr *e, Pos at, int depth, Deps &out) {
    e = strip(e);
    if (!e || depth > MaxDepth) return;
    if (isa<CallExpr>(e) || isa<CXXConstructExpr>(e)) {
      auto call = CallsOf.of(e);
      if (call && call->api) {
        const ApiEntry *api = call->api;
        if (api->role == Role::ReadValue || (api->role == Role::Step && !api->statusOnly)) {
          if (api->handle != -1) addHandleStatements(call->arg(api->handle), at, depth + 1, out);
          else if (api->conn != -1) addLatestOn(call->arg(api->conn), at, out);
        } else if (api->returnsValue) {
          auto it = StmtOfCall.find(e);
          if (it != StmtOfCall.end()) out.insert(it->second);
        }
        return;  // executing, preparing, status: not data from a result
      }
      if (call) {
        if (const Summary *sum = summaryOf(e)) {  // what the callee returns, in our terms
          auto u = std::find_if(UserCalls.begin(), UserCalls.end(), [&](const UserCall &c) { return c.call.expr == e; });
          if (u != UserCalls.end()) {
            mapDeps(sum->returnValue, *call, u->imported, u->pos, depth, out);
            return;
          }
        }
        for (const Expr *a : call->allArgs()) addValueDeps(a, at, depth + 1, out);
      } else
        for (const Stmt *child : e->children())
          if (auto *ce = dyn_cast_or_null<Expr>(child)) addValueDeps(ce, at, depth + 1, out);
      return;
    }
    if (isa<DeclRefExpr>(e) || isa<MemberExpr>(e)) {
      const ValueDecl *v = locOf(e);
      if (!isLocal(v)) {
        if (auto *me = dyn_cast<MemberExpr>(e)) addValueDeps(me->getBase(), at, depth + 1, out);
        return;
      }
      for (const Def &d : reachingDefs(v, at)) addDefDeps(v, d, depth + 1, out);
      auto bound = BoundResults.find(dyn_cast<VarDecl>(v));  // filled by a fetch through SQLBindCol/mysql_stmt_bind_result
      if (bound != BoundResults.end()) out.insert(bound->second.begin(), bound->second.end());
      return;
    }
    if (isa<UnaryExprOrTypeTraitExpr>(e) || isa<LambdaExpr>(e)) return;
    for (const Stmt *child : e->children())
      if (auto *ce = dyn_cast_or_null<Expr>(child)) addValueDeps(ce, at, depth + 1, out);
  }

  void addDefDeps(const ValueDecl *v, const Def &d, int depth, Deps &out) {
    if (d.kind == Def::Entry) {
      if (auto *pv = dyn_cast<ParmVarDecl>(v)) {
        int i = paramIndex(pv->getCanonicalDecl());
        if (i >= 0) out.insert(paramMarker(i));
      }
      return;
    }
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
      if (d.rhs) {
        addValueDeps(d.rhs, d.pos, depth, r);
        for (const Def &prev : reachingDefs(v, d.pos)) addDefDeps(v, prev, depth + 1, r);
      } else {
        for (const Stmt *child : d.stmt->children())
          if (auto *ce = dyn_cast_or_null<Expr>(child)) addValueDeps(ce, d.pos, depth, r);
      }
      break;
    case Def::OutCall: {
      auto call = CallsOf.of(cast<Expr>(d.stmt));
      if (call && call->api) {
        const ApiEntry *api = call->api;
        if (api->valueOut == d.argIndex) {
          if (api->handle != -1) {
            addHandleStatements(call->arg(api->handle), d.pos, depth, r);  // SQLGetData(h, .., &x)
          } else {
            auto s = StmtOfCall.find(call->expr);  // sqlite3_exec's callback argument, soci into(x)
            if (s != StmtOfCall.end()) r.insert(s->second);
          }
        }
        break;  // a handle out-parameter is not data
      }
      if (call)
        for (unsigned i = 0; i < call->numArgs(); ++i)
          if ((int)i != d.argIndex) addValueDeps(call->arg((int)i), d.pos, depth, r);
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
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(h); op && op->getOperator() == OO_Comma) {
      addHandleStatements(op->getArg(0), at, depth + 1, out);  // (sql.prepare << "...", into(x))
      return;
    }
    if (isa<CallExpr>(h) || isa<CXXConstructExpr>(h)) {
      auto call = CallsOf.of(h);
      if (!call) return;
      if (call->api) {
        if (call->api->role == Role::FetchResult) {
          addLatestOn(call->arg(call->api->conn), at, out);
        } else if (call->api->role == Role::ReadValue && call->api->handle != -1) {
          addHandleStatements(call->arg(call->api->handle), at, depth + 1, out);  // r[0], rs.begin()
        } else {
          auto it = StmtOfCall.find(h);
          if (it != StmtOfCall.end() && (call->api->returnsHandle || call->api->chain)) out.insert(it->second);
        }
        return;
      }
      // a function of the program that returns a result handle (summarized)
      if (auto it = StmtOfCall.find(h); it != StmtOfCall.end()) {
        out.insert(it->second);
        return;
      }
      // copies and wrappers (RecordSet rs(select), a copy constructor): follow the arguments
      if (isa<CXXConstructExpr>(h) || call->object())
        for (const Expr *a : call->allArgs()) addHandleStatements(a, at, depth + 1, out);
      return;
    }
    const ValueDecl *v = locOf(h);
    if (!isLocal(v)) return;
    for (const Def &d : reachingDefs(v, at)) {
      if (d.kind == Def::Entry) {  // a handle this function was given: its caller knows
        if (auto *pv = dyn_cast<ParmVarDecl>(v)) {
          int i = paramIndex(pv->getCanonicalDecl());
          if (i >= 0) out.insert(handleMarker(i));
        }
      } else if (d.kind == Def::Init || d.kind == Def::Assign) {
        addHandleStatements(d.rhs, d.pos, depth + 1, out);
      } else if (d.kind == Def::OutCall) {
        auto call = CallsOf.of(cast<Expr>(d.stmt));
        auto it = StmtOfCall.find(call ? call->expr : nullptr);
        if (call && call->api && call->api->handleOut == d.argIndex && it != StmtOfCall.end())
          out.insert(it->second);
      }
    }
  }

  // PQgetResult(conn), mysql_store_result(conn), mysql_affected_rows(conn):
  // the latest execution on that connection before `at`.
  void addLatestOn(const Expr *connExpr, Pos at, Deps &out) {
    const void *conn = connOf(connExpr);
    const ApiCall *best = nullptr;
    int bestStmt = -1;
    for (const ApiCall &c : Api) {
      Role r = c.call.api->role;
      if ((r != Role::Execute && r != Role::ExecPrepared && r != Role::Step) || !dominates(c.pos, at)) continue;
      if (best && !dominates(best->pos, c.pos)) continue;
      if (r == Role::Step) {  // sqlite3_step(st): st's statement, prepared on this connection
        Deps hs;
        addHandleStatements(c.call.arg(c.call.api->handle), c.pos, 0, hs);
        for (int id : hs)
          if (id >= 0 && FunctionEvents::sameConnection(conn, Ev.statements[id].conn)) {
            best = &c;
            bestStmt = id;
          }
        continue;
      }
      if (!FunctionEvents::sameConnection(conn, connOf(c.call.arg(c.call.api->conn)))) continue;
      auto it = StmtOfCall.find(c.call.expr);
      if (it == StmtOfCall.end()) continue;
      best = &c;
      bestStmt = it->second;
    }
    if (best) out.insert(bestStmt);
  }

  // ---- SQL text --------------------------------------------------------
  int hole(Resolved &r, const Expr *host, Pos pos, std::string spelling) {
    r.holes.push_back({host, pos, std::move(spelling)});
    return (int)r.holes.size();
  }

  std::string sourceText(const Expr *e) const {
    if (!e) return "?";
    CharSourceRange range = CharSourceRange::getTokenRange(SM.getExpansionRange(e->getSourceRange()).getAsRange());
    return Lexer::getSourceText(range, SM, Ctx.getLangOpts()).str();
  }

  // A value concatenated into the text: spelled as the C++ that puts it there.
  void appendHole(Resolved &r, const Expr *host, Pos pos) {
    r.text += sql::holeMarker(hole(r, host, pos, "\" + " + sourceText(host) + " + \""));
  }

  // Appends `piece` to `r`, renumbering its holes after r's.
  static void append(Resolved &r, const Resolved &piece) {
    size_t base = r.holes.size();
    for (size_t i = 0; i < piece.text.size(); ++i) {
      size_t e = piece.text[i] == '\x01' ? piece.text.find('\x01', i + 1) : std::string::npos;
      if (e != std::string::npos) {
        int k = std::atoi(piece.text.substr(i + 1, e - i - 1).c_str());
        r.text += sql::holeMarker((int)base + k);
        i = e;
      } else {
        r.text += piece.text[i];
      }
    }
    r.holes.insert(r.holes.end(), piece.holes.begin(), piece.holes.end());
  }

  // A printf/{} format with its arguments: conversions become holes for their arguments.
  std::optional<Resolved> expandFormat(const Call &call, const FormatEntry &fe, Pos at, int depth) {
    auto fmt = resolveSql(call.arg(fe.format), at, depth + 1);
    if (!fmt) return std::nullopt;
    Resolved out;
    const std::string &f = fmt->text;
    int next = fe.firstValue;
    // A conversion whose argument is constant text (a table name in a const
    // variable) is filled in; anything else the program computes is a hole.
    auto argHole = [&](int index, char conv, const std::string &spec) {
      const Expr *a = call.arg(index);
      if (a && (conv == 's' || conv == 'w' || conv == 'q' || conv == 'Q' || conv == '}') &&
          !a->getType()->isIntegralOrEnumerationType()) {
        if (auto k = resolveSql(a, at, depth + 1); k && k->holes.empty()) {
          std::string t;
          char quote = conv == 'w' ? '"' : '\'';
          for (char ch : k->text) {
            if ((conv == 'q' || conv == 'Q' || conv == 'w') && ch == quote) t += ch;
            t += ch;
          }
          out.text += conv == 'Q' ? "'" + t + "'" : t;
          return;
        }
      }
      out.text += sql::holeMarker(hole(out, a, at, spec));
    };
    for (size_t i = 0; i < f.size(); ++i) {
      char c = f[i];
      if (!fe.braces && c == '%') {
        if (i + 1 < f.size() && f[i + 1] == '%') {
          out.text += '%';
          ++i;
          continue;
        }
        size_t q = i + 1;
        while (q < f.size() && std::strchr("-+ #0", f[q])) ++q;
        if (q < f.size() && f[q] == '*') { ++next; ++q; }
        while (q < f.size() && std::isdigit((unsigned char)f[q])) ++q;
        if (q < f.size() && f[q] == '.') {
          ++q;
          if (q < f.size() && f[q] == '*') { ++next; ++q; }
          while (q < f.size() && std::isdigit((unsigned char)f[q])) ++q;
        }
        while (q < f.size() && std::strchr("hlLjzt", f[q])) ++q;
        if (q < f.size() && std::strchr("diouxXfFeEgGcsqQwp", f[q])) {
          argHole(next++, f[q], f.substr(i, q + 1 - i));
          i = q;
          continue;
        }
        out.text += c;
      } else if (fe.braces && c == '{') {
        if (i + 1 < f.size() && f[i + 1] == '{') {
          out.text += '{';
          ++i;
          continue;
        }
        size_t e = f.find('}', i);
        if (e == std::string::npos) {
          out.text += c;
          continue;
        }
        std::string spec = f.substr(i + 1, e - i - 1);
        int index = !spec.empty() && std::isdigit((unsigned char)spec[0]) ? fe.firstValue + std::atoi(spec.c_str())
                                                                          : next++;
        argHole(index, '}', f.substr(i, e + 1 - i));
        i = e;
      } else if (fe.braces && c == '}' && i + 1 < f.size() && f[i + 1] == '}') {
        out.text += '}';
        ++i;
      } else {
        out.text += c;
      }
    }
    // holes of the format string itself (rare) are kept as unknown values
    for (const Resolved::Hole &h : fmt->holes) out.holes.push_back(h);
    return out;
  }

  // The text one definition of a variable gives it (e is the variable's use).
  std::optional<Resolved> resolveDef(const Expr *e, const Def &d, int depth) {
    if (d.kind == Def::Init || d.kind == Def::Assign) return resolveSql(d.rhs, d.pos, depth + 1);
    if (d.kind == Def::SelfUpdate && d.rhs) {  // sql += "..."; sql.append(...)
      auto before = resolveSql(e, d.pos, depth + 1);
      if (!before) return std::nullopt;
      Resolved r = *before;
      if (auto piece = resolveSql(d.rhs, d.pos, depth + 1)) append(r, *piece);
      else appendHole(r, d.rhs, d.pos);
      return r;
    }
    if (d.kind == Def::OutCall) {  // snprintf(buf, n, fmt, ...), asprintf(&p, fmt, ...)
      auto call = CallsOf.of(cast<Expr>(d.stmt));
      if (!call) return std::nullopt;
      if (const FormatEntry *fe = lookupFormat(call->name); fe && fe->buffer == d.argIndex)
        return expandFormat(*call, *fe, d.pos, depth);
      llvm::StringRef n = call->callee->getName();
      if ((n == "strcpy" || n == "strncpy") && d.argIndex == 0) return resolveSql(call->arg(1), d.pos, depth + 1);
    }
    return std::nullopt;
  }

  // A variable that holds one of several texts depending on the path (or a ?:
  // choosing between texts): each text, with what decides it.
  struct Alternative {
    Resolved text;
    const CFGBlock *choice = nullptr;  // the definition's block: its control dependences choose it
    const Expr *cond = nullptr;        // or a condition that chooses it
    const Expr *where = nullptr;       // where the text is written, when not at the call
  };
  std::vector<Alternative> alternatives(const Expr *arg, Pos at) {
    std::vector<Alternative> out;
    const Expr *e = strip(arg);
    if (auto *co = dyn_cast_or_null<ConditionalOperator>(e)) {
      auto a = resolveSql(co->getTrueExpr(), at, 1), b = resolveSql(co->getFalseExpr(), at, 1);
      if (a && b) {
        out.push_back({*a, nullptr, co->getCond(), co->getTrueExpr()});
        out.push_back({*b, nullptr, co->getCond(), co->getFalseExpr()});
      }
      return out;
    }
    const ValueDecl *v = locOf(e);
    if (!v || !isLocal(v) || !isa<VarDecl>(v)) return out;
    const std::vector<Def> &defs = reachingDefs(v, at);
    if (defs.size() < 2 || defs.size() > 8) return out;
    for (const Def &d : defs) {
      auto r = resolveDef(e, d, 0);
      if (!r) return {};
      out.push_back({*r, d.pos.block, nullptr});
    }
    return out;
  }

  std::optional<Resolved> resolveSql(const Expr *e, Pos at, int depth) {
    e = strip(e);
    if (!e || depth > MaxDepth) return std::nullopt;
    if (auto *sl = dyn_cast<StringLiteral>(e)) {
      Resolved r;
      r.text = utf8(sl);
      return r;
    }
    if (auto *dre = dyn_cast<DeclRefExpr>(e)) {
      const VarDecl *v = dyn_cast<VarDecl>(dre->getDecl());
      if (!v) return std::nullopt;
      if (!v->hasLocalStorage()) {
        const Expr *init = v->getAnyInitializer();
        return init ? resolveSql(init, at, depth + 1) : std::nullopt;
      }
      const std::vector<Def> &defs = reachingDefs(v, at);
      if (defs.size() != 1) return std::nullopt;
      return resolveDef(e, defs[0], depth);
    }
    if (auto *op = dyn_cast<CXXOperatorCallExpr>(e); op && op->getOperator() == OO_Plus && op->getNumArgs() == 2) {
      Resolved r;
      for (unsigned i = 0; i < 2; ++i) {
        if (auto piece = resolveSql(op->getArg(i), at, depth + 1)) append(r, *piece);
        else appendHole(r, op->getArg(i), at);
      }
      // a concatenation with no text at all is not SQL we know
      if (r.text.find_first_not_of("\x01" "0123456789") == std::string::npos) return std::nullopt;
      return r;
    }
    if (isa<CallExpr>(e) || isa<CXXConstructExpr>(e)) {
      auto call = CallsOf.of(e);
      if (!call) return std::nullopt;
      if (const FormatEntry *fe = lookupFormat(call->name); fe && fe->buffer < 0) return expandFormat(*call, *fe, at, depth);
      if (auto *ctor = dyn_cast<CXXConstructExpr>(e)) {  // std::string("..."), QString(...), QLatin1String(...)
        if (ctor->getNumArgs() >= 1 && !isa<CXXDefaultArgExpr>(ctor->getArg(0))) return resolveSql(ctor->getArg(0), at, depth + 1);
        return std::nullopt;
      }
      // QStringLiteral("...") in Qt 5: a lambda whose body holds the literal
      if (auto *m = dyn_cast<CXXMethodDecl>(call->callee); m && m->getParent()->isLambda() && m->hasBody())
        return literalIn(m->getBody());
      std::string n = call->callee->getNameAsString();
      // Qt 6: QStringLiteral(s) is QString(QtPrivate::qMakeStringPrivate(u"" s))
      if (n == "qMakeStringPrivate" || n == "QStringLiteral" || n == "QLatin1String" || n == "QStringView")
        if (call->numArgs() >= 1) return resolveSql(call->arg(0), at, depth + 1);
      if (const Expr *obj = call->object()) {
        if (n == "c_str" || n == "data" || n == "toStdString" || n == "toUtf8" || n == "toLatin1" ||
            n == "toLocal8Bit" || n == "constData" || n == "str" || n == "toString" || n == "trimmed" ||
            n == "simplified")
          return resolveSql(obj, at, depth + 1);
        if (n == "arg") return qtArg(*call, at, depth);
      }
      return std::nullopt;
    }
    return std::nullopt;
  }

  // QString("... %1 ... %2").arg(a).arg(b): each arg() fills the lowest %N left.
  std::optional<Resolved> qtArg(const Call &call, Pos at, int depth) {
    auto base = resolveSql(call.object(), at, depth + 1);
    if (!base) return std::nullopt;
    Resolved r = *base;
    // arg(a1, a2, ...) with string arguments fills %1, %2 ... in one go; arg(n, width, base) only one
    unsigned fill = 1;
    if (call.numArgs() > 1 && call.arg(1) && call.arg(1)->getType()->isRecordType()) fill = call.numArgs();
    for (unsigned k = 0; k < fill; ++k) {
      int lowest = 100;
      size_t at1 = std::string::npos, len = 0;
      for (size_t i = 0; i + 1 < r.text.size(); ++i)
        if (r.text[i] == '%' && std::isdigit((unsigned char)r.text[i + 1])) {
          size_t q = i + 1;
          int n = 0;
          while (q < r.text.size() && std::isdigit((unsigned char)r.text[q]) && q < i + 3) n = n * 10 + (r.text[q++] - '0');
          if (n >= 1 && n < lowest) {
            lowest = n;
            at1 = i;
            len = q - i;
          }
        }
      if (at1 == std::string::npos) break;
      std::string marker = sql::holeMarker(hole(r, call.arg((int)k), at, r.text.substr(at1, len)));
      std::string text = r.text;
      // replace every occurrence of the lowest %N
      std::string pat = text.substr(at1, len), out;
      for (size_t i = 0; i < text.size();) {
        if (text.compare(i, pat.size(), pat) == 0 && !(i + pat.size() < text.size() && std::isdigit((unsigned char)text[i + pat.size()]))) {
          out += marker;
          i += pat.size();
        } else {
          out += text[i++];
        }
      }
      r.text = out;
    }
    return r;
  }

  std::optional<Resolved> literalIn(const Stmt *s) {
    if (!s) return std::nullopt;
    if (auto *sl = dyn_cast<StringLiteral>(s)) {
      Resolved r;
      r.text = utf8(sl);
      return r;
    }
    for (const Stmt *c : s->children())
      if (auto r = literalIn(c)) return r;
    return std::nullopt;
  }

  const void *connOf(const Expr *e) const {
    e = strip(e);
    if (!e) return nullptr;
    if (const ValueDecl *v = locOf(e)) return v->getCanonicalDecl();
    if (auto *dre = dyn_cast<DeclRefExpr>(e)) return dre->getDecl()->getCanonicalDecl();
    if (auto *me = dyn_cast<MemberExpr>(e)) return me->getMemberDecl()->getCanonicalDecl();
    if (auto *t = dyn_cast<CXXThisExpr>(e)) return t->getType().getTypePtr();
    return nullptr;
  }

  // libpq and SQLite run each statement in its own transaction until BEGIN is sent;
  // so does pqxx::nontransaction (pqxx::work and the other transaction types do not).
  bool autocommitApi(const std::string &api, const Expr *conn) const {
    if (startsWith(api, "PQ") || startsWith(api, "sqlite3_")) return true;
    if (!startsWith(api, "pqxx::")) return false;
    conn = strip(conn);
    return conn && conn->getType().getCanonicalType().getAsString().find("nontransaction") != std::string::npos;
  }

  bool serializableObject(const Expr *e) const {
    e = strip(e);
    if (!e || !Ctx.getLangOpts().CPlusPlus) return false;  // a transaction type's template argument
    std::string t = e->getType().getCanonicalType().getAsString();
    return t.find("serializable") != std::string::npos;
  }

  // ---- events ----------------------------------------------------------
  // SQL arguments are text: char pointers and arrays, string classes. A
  // QSqlQuery(db) constructor or an overload taking something else is not SQL.
  static bool textType(QualType t) {
    t = t.getNonReferenceType();
    if (t->isPointerType() || t->isArrayType())  // char, SQLCHAR (unsigned char), SQLWCHAR, wchar_t
      return t->getPointeeOrArrayElementType()->isIntegerType();
    if (const CXXRecordDecl *rd = t->getAsCXXRecordDecl()) {
      std::string n = rd->getNameAsString();
      for (char &c : n) c = (char)std::tolower((unsigned char)c);
      return n.find("string") != std::string::npos || n == "zview" || n == "qbytearray" || n == "qlatin1string";
    }
    return false;
  }

  int addStatement(const Call &call, Pos p) {
    const ApiEntry *api = call.api;
    const Expr *sqlArg = call.arg(api->format >= 0 ? api->format : api->sql);
    if (!sqlArg || !textType(strip(sqlArg)->getType())) return -1;
    std::optional<Resolved> text;
    if (api->format >= 0) {
      FormatEntry fe;
      fe.format = api->format;
      fe.firstValue = api->format + 1;
      text = expandFormat(call, fe, p, 0);
    } else {
      text = resolveSql(sqlArg, p, 0);
    }
    if (!text && sqlParamOf(sqlArg) >= 0) {
      // This function passes its parameter on as SQL: a wrapper. Callers fill in the text.
      Statement s;
      s.id = (int)Ev.statements.size();
      s.parsed = sql::analyzeSql("");
      s.sqlLoc = loc(sqlArg->getBeginLoc());
      s.conn = connOf(call.arg(api->conn));
      setDialect(s, call);
      Ev.statements.push_back(std::move(s));
      StmtOfCall[call.expr] = Ev.statements.back().id;
      Holes.emplace_back();
      ParamSql[Ev.statements.back().id] = sqlParamOf(sqlArg);
      return Ev.statements.back().id;
    }
    if (!text && api->format < 0) {
      std::vector<Alternative> alts = alternatives(sqlArg, p);
      if (alts.size() >= 2) {
        int first = -1;
        for (const Alternative &alt : alts) {
          int id = makeStatement(call, alt.where ? alt.where : sqlArg, alt.text);
          AltChoice[id] = alt;
          if (first < 0) first = id;
          else AltStmts[call.expr].push_back(id);
        }
        StmtOfCall[call.expr] = first;
        return first;
      }
    }
    if (!text) {
      // Not guessed: the call is left out, and --verbose says so.
      remarkUnresolved(sqlArg->getBeginLoc(), "the SQL text of this " + call.name.str() +
                                                  " call could not be resolved (" + describeUnresolved(sqlArg) +
                                                  "); it is not analyzed");
      return -1;
    }
    int id = makeStatement(call, sqlArg, *text);
    StmtOfCall[call.expr] = id;
    return id;
  }

  int makeStatement(const Call &call, const Expr *sqlArg, const Resolved &resolved) {
    const ApiEntry *api = call.api;
    const Resolved *text = &resolved;
    Statement s;
    s.id = (int)Ev.statements.size();
    s.text = text->text;
    s.parsed = sql::analyzeSql(s.text);
    s.sqlLoc = loc(sqlArg->getBeginLoc());
    if (auto *sl = dyn_cast_or_null<StringLiteral>(strip(sqlArg));
        sl && sl->getNumConcatenated() == 1 && sl->getCharByteWidth() == 1 && !sl->getBeginLoc().isMacroID() && text->holes.empty()) {
      s.literalBegin = loc(sl->getBeginLoc());
      s.literalEnd = loc(sl->getEndLoc());
    }
    s.conn = connOf(call.arg(api->conn));
    setDialect(s, call);
    for (const auto &[n, raw] : s.parsed->spelling) {  // hole markers -> how the code writes the value
      std::string sp;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\x01') {
          sp += raw[i];
          continue;
        }
        size_t e = raw.find('\x01', i + 1);
        size_t k = (size_t)std::atoi(raw.substr(i + 1, e - i - 1).c_str());
        sp += k >= 1 && k <= text->holes.size() ? text->holes[k - 1].spelling : "?";
        i = e == std::string::npos ? raw.size() : e;
      }
      s.spelling.emplace(n, sp);
    }
    for (size_t k = 0; k < text->holes.size(); ++k) {  // the variable behind each hole
      auto it = s.parsed->holeParams.find(std::to_string(k + 1));
      const Expr *host = strip(text->holes[k].host);
      if (auto *mc = dyn_cast_or_null<CXXMemberCallExpr>(host)) host = strip(mc->getImplicitObjectArgument());
      if (it != s.parsed->holeParams.end() && it->second > 0)
        if (const ValueDecl *v = locOf(host)) s.holeVar[it->second] = v->getCanonicalDecl();
    }
    nameDynamicTables(s, text->holes);
    Ev.statements.push_back(std::move(s));
    Holes.push_back(text->holes);
    return Ev.statements.back().id;
  }

  // The database the statement is written for: the API's own (libpq, SQLite, MySQL), else
  // the configuration's `dialect:`, else for Qt SQL the driver this file opens, else
  // PostgreSQL, assumed (and the rewrites say so).
  void setDialect(Statement &s, const Call &call) {
    s.dialect = call.api->dialect;
    if (s.dialect != Dialect::Generic) return;
    s.dialect = defaultDialect();
    if (dialectConfigured()) return;
    std::optional<Dialect> qt = startsWith(call.api->name, "QSqlQuery") ? results().qtDriver() : std::nullopt;
    if (qt) s.dialect = *qt;
    else s.dialectAssumed = true;
  }

  // A table named partly by a value computed into the text (pr_%s, "log_" + day): which
  // table it is depends on that value, so two statements name the same table only when the
  // same variable fills in the name. Such a name is spelled with the variable (pr_{from});
  // a value sqlrace cannot name makes the table this statement's own.
  void nameDynamicTables(Statement &s, const std::vector<Resolved::Hole> &holes) {
    auto number = [](const std::string &t, size_t i, size_t &end) {
      end = i;
      while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
      return end > i ? std::atoi(t.substr(i, end - i).c_str()) : -1;
    };
    static const std::string marker = "sqlrace_hole_";
    auto dynamic = [&](const std::string &t) {
      size_t end;
      if (t.find(marker) != std::string::npos) return true;
      for (size_t i = t.find('$'); i != std::string::npos; i = t.find('$', i + 1))
        if (number(t, i + 1, end) >= 0) return true;
      return false;
    };
    bool any = false;
    for (const sql::Facts &f : s.parsed->statements) {
      any = any || dynamic(f.targetTable);
      for (const std::string &t : f.tablesRead) any = any || dynamic(t);
      for (const std::string &t : f.lockTables) any = any || dynamic(t);
    }
    if (!any) return;
    auto holeName = [&](int k) {  // hole k (1-based)
      const Expr *host = k >= 1 && (size_t)k <= holes.size() ? strip(holes[k - 1].host) : nullptr;
      if (auto *mc = dyn_cast_or_null<CXXMemberCallExpr>(host)) host = strip(mc->getImplicitObjectArgument());
      const ValueDecl *v = host ? locOf(host) : nullptr;
      return v ? "{" + v->getNameAsString() + "}" : "{?" + std::to_string(s.id) + "." + std::to_string(k) + "}";
    };
    auto rename = [&](std::string &t) {
      if (!dynamic(t)) return;
      std::string out;
      for (size_t i = 0; i < t.size();) {
        size_t end;
        int k;
        if (t.compare(i, marker.size(), marker) == 0 && (k = number(t, i + marker.size(), end)) >= 0) {
          out += holeName(k);
          i = end;
        } else if (t[i] == '$' && (k = number(t, i + 1, end)) >= 0) {
          int hole = -1;  // the hole behind $k
          for (const auto &[key, n] : s.parsed->holeParams)
            if (n == k) hole = std::atoi(key.c_str());
          out += hole > 0 ? holeName(hole) : "{?" + std::to_string(s.id) + "." + std::to_string(k) + "}";
          i = end;
        } else {
          out += t[i++];
        }
      }
      t = out;
    };
    auto copy = std::make_shared<sql::ParsedSql>(*s.parsed);
    for (sql::Facts &f : copy->statements) {
      rename(f.targetTable);
      for (std::string &t : f.tablesRead) rename(t);
      for (std::string &t : f.lockTables) rename(t);
    }
    s.parsed = std::move(copy);
  }

  // SOCI / Poco: `sql << "...", into(x), use(y)` -- the into/use calls around the `<<`.
  void linkChain(const Call &call, int stmt) {
    const Expr *cur = call.expr;
    int positional = 0;
    for (int guard = 0; guard < 64; ++guard) {
      DynTypedNodeList parents = Ctx.getParents(*cur);
      if (parents.size() != 1) break;
      const Expr *p = parents[0].get<Expr>();
      if (!p) break;
      auto *op = dyn_cast<CXXOperatorCallExpr>(p);
      if (!op || op->getOperator() != OO_Comma) {
        if (isa<MaterializeTemporaryExpr>(p) || isa<CXXBindTemporaryExpr>(p) || isa<ImplicitCastExpr>(p) ||
            isa<ParenExpr>(p) || isa<ExprWithCleanups>(p) || isa<CXXConstructExpr>(p)) {
          cur = p;
          continue;
        }
        break;
      }
      const Expr *rhs = strip(op->getArg(op->getNumArgs() - 1));
      if (auto c = CallsOf.of(rhs); c && c->api) {
        if (c->api->role == Role::Into) StmtOfCall[c->expr] = stmt;
        if (c->api->role == Role::Use) {
          ++positional;
          int index = positional;
          if (const Expr *nameArg = c->arg(1)) {
            if (auto name = resolveSql(nameArg, posOf(c->expr), 0)) {
              auto &named = Ev.statements[stmt].parsed->namedParams;
              auto it = named.find(":" + name->text);
              if (it != named.end()) index = it->second;
            }
          }
          ChainUses[stmt].push_back({index, c->arg(c->api->bindValue), posOf(c->expr)});
        }
      }
      cur = p;
    }
  }

  Pos posOf(const Expr *e) {
    auto it = ApiIndex.find(e);
    return it != ApiIndex.end() ? Api[it->second].pos : Pos{};
  }

  void collectStatements() {
    size_t imported = 0;  // room for all (the vectors' elements are large to move)
    for (const UserCall &u : UserCalls) imported += u.summary ? u.summary->stmts.size() + u.summary->execs.size() : 0;
    Ev.statements.reserve(Api.size() + imported);
    Ev.executions.reserve(Api.size() + imported);
    importStatements();
    for (const ApiCall &c : Api) {
      Role r = c.call.api->role;
      if (r != Role::Execute && r != Role::Prepare) continue;
      int id = addStatement(c.call, c.pos);
      if (id < 0) continue;
      if (c.call.api->chain) linkChain(c.call, id);
      if (r == Role::Prepare && c.call.api->stmtName >= 0)
        if (auto name = resolveSql(c.call.arg(c.call.api->stmtName), c.pos, 0)) PreparedByName[name->text].push_back(id);
    }
    // PQexecPrepared(conn, "name", ...) runs what PQprepare(conn, "name", sql) compiled.
    // Prepared in another function of the file (at start-up, say): the text it was prepared with.
    for (const ApiCall &c : Api) {
      if (c.call.api->role != Role::ExecPrepared) continue;
      const Expr *nameArg = c.call.arg(c.call.api->stmtName);
      auto name = resolveSql(nameArg, c.pos, 0);
      if (name) {
        auto it = PreparedByName.find(name->text);
        const void *conn = connOf(c.call.arg(c.call.api->conn));
        if (it != PreparedByName.end())
          for (int id : it->second)
            if (FunctionEvents::sameConnection(conn, Ev.statements[id].conn)) StmtOfCall[c.call.expr] = id;
        if (StmtOfCall.count(c.call.expr)) continue;
      }
      const Results::Prepared *pr = name ? results().preparedInUnit(name->text) : nullptr;
      bool ambiguous = pr && pr->ambiguous;
      if (pr && !ambiguous && !PreparedByName.count(name->text)) {
        int id = makeStatement(c.call, pr->sql, *resolveSql(pr->sql, c.pos, 0));
        Ev.statements[id].via.push_back(loc(c.call.expr->getBeginLoc()));  // reported at the execution
        Ev.statements[id].function = pr->in->getNameAsString();
        StmtOfCall[c.call.expr] = id;
        continue;
      }
      // Not guessed: the execution is left out, and --verbose says so.
      std::string why = !name ? "its name could not be resolved (" + describeUnresolved(nameArg) + ")"
                        : ambiguous ? "'" + name->text + "' is prepared with different texts in this file"
                        : PreparedByName.count(name->text) ? "'" + name->text + "' is prepared here on another connection"
                                                           : "'" + name->text + "' is not prepared with a constant text in this file";
      remarkUnresolved(nameArg ? nameArg->getBeginLoc() : c.call.expr->getBeginLoc(),
                       "the prepared statement this " + c.call.name.str() + " call runs is not known: " + why +
                           "; it is not analyzed");
    }
    // SQLBindCol(h, .., &x) / mysql_stmt_bind_result(h, binds): x is filled by fetches on h.
    for (const ApiCall &c : Api) {
      if (c.call.api->role != Role::BindResult) continue;
      Deps stmts;
      addHandleStatements(c.call.arg(c.call.api->handle), c.pos, 0, stmts);
      if (stmts.empty()) continue;
      const Expr *out = c.call.arg(c.call.api->valueOut);
      if (const VarDecl *v = pointee(out); v && !v->getType()->isArrayType()) {
        BoundResults[v].insert(stmts.begin(), stmts.end());
      } else if (const VarDecl *arr = varOf(out)) {  // an array of bind structures: bind[i].buffer = &x
        for (const Def &d : reachingDefs(arr, c.pos))
          if (d.kind == Def::Element)
            if (const VarDecl *x = pointee(d.rhs)) BoundResults[x].insert(stmts.begin(), stmts.end());
      }
    }
  }

  int addExecution(const Call &call, int stmt, Pos p, const void *conn, bool serializable) {
    Execution x;
    x.id = (int)Ev.executions.size();
    x.statement = stmt;
    x.loc = loc(call.expr->getBeginLoc());
    x.conn = conn;
    x.serializable = serializable;
    Ev.executions.push_back(std::move(x));
    ExecPos.push_back(p);
    Execution &e = Ev.executions.back();
    // values computed into the SQL text are parameters too
    const sql::ParsedSql &ps = *Ev.statements[stmt].parsed;
    const std::vector<Resolved::Hole> &holes = Holes[stmt];
    for (size_t k = 0; k < holes.size(); ++k) {
      auto it = ps.holeParams.find(std::to_string(k + 1));
      if (holes[k].host && it != ps.holeParams.end())
        addParam(e, it->second, valueDeps(holes[k].host, holes[k].pos, 0));
    }
    auto uses = ChainUses.find(stmt);
    if (uses != ChainUses.end())
      for (const ChainUse &u : uses->second) addParam(e, u.index, valueDeps(u.value, u.pos, 0));
    return e.id;
  }

  void collectExecutions() {
    importExecutions();
    for (const ApiCall &c : Api) {
      const ApiEntry *api = c.call.api;
      if (api->role == Role::Execute || api->role == Role::ExecPrepared) {
        auto it = StmtOfCall.find(c.call.expr);
        if (it == StmtOfCall.end()) continue;
        const Expr *connExpr = c.call.arg(api->conn);
        std::vector<int> stmts{it->second};
        auto alt = AltStmts.find(c.call.expr);
        if (alt != AltStmts.end()) stmts.insert(stmts.end(), alt->second.begin(), alt->second.end());
        for (int stmt : stmts) {
        int x = addExecution(c.call, stmt, c.pos, connOf(connExpr), serializableObject(connExpr));
        Ev.executions[x].autocommit = autocommitApi(api->name, connExpr);
        if (auto ch = AltChoice.find(stmt); ch != AltChoice.end()) {  // what chose this text decides it runs
          if (ch->second.choice) addBlockControlDeps(ch->second.choice, 0, Ev.executions[x].controlDeps);
          if (ch->second.cond) addValueDeps(ch->second.cond, c.pos, 0, Ev.executions[x].controlDeps);
        }
        if (api->params >= 0) {
          if (!api->variadicParams)
            if (auto *d = dyn_cast_or_null<DeclRefExpr>(strip(c.call.arg(api->params))))
              if (auto *pv = dyn_cast<ParmVarDecl>(d->getDecl()))
                ParamsArrayParam[x] = paramIndex(pv->getCanonicalDecl());  // a wrapper's caller supplies the array
          if (api->variadicParams)
            for (unsigned i = (unsigned)api->params; i < c.call.numArgs(); ++i)
              addParam(Ev.executions[x], (int)(i - api->params) + 1, valueDeps(c.call.arg((int)i), c.pos, 0));
          else
            addParamArrayDeps(c.call.arg(api->params), c.pos, Ev.executions[x]);
        }
        }
      } else if (api->role == Role::Step) {
        Deps stmts;
        addHandleStatements(c.call.arg(api->handle), c.pos, 0, stmts);
        for (int s : stmts) {
          if (isParamMarker(s)) continue;  // a handle from the caller: the caller's statement runs
          int x = addExecution(c.call, s, c.pos, Ev.statements[s].conn, false);
          addBindDeps(s, c.pos, Ev.executions[x]);
        }
      }
    }
  }

  // libpq: const char *params[] = {a, b}; params[1] = buf; (const char *[]){a, b}
  // MySQL: MYSQL_BIND b[2]; b[1].buffer = &x;
  void addParamArrayDeps(const Expr *a, Pos at, Execution &x) {
    a = strip(a);
    if (!a) return;
    if (auto *cl = dyn_cast<CompoundLiteralExpr>(a)) a = strip(cl->getInitializer());
    // An element that points at a buffer or variable sends what it holds at the
    // time of the execution, not at the time the array was filled.
    auto elementDeps = [&](const Expr *elem, Pos def) {
      if (const VarDecl *v = pointee(elem)) {
        Deps d;
        for (const Def &dd : reachingDefs(v, at)) addDefDeps(v, dd, 0, d);
        return d;
      }
      return valueDeps(elem, def, 0);
    };
    if (auto *il = dyn_cast<InitListExpr>(a)) {
      for (unsigned i = 0; i < il->getNumInits(); ++i) addParam(x, (int)i + 1, elementDeps(il->getInit(i), at));
      return;
    }
    const VarDecl *v = varOf(a);
    if (!v || !v->hasLocalStorage()) return;
    for (const Def &d : reachingDefs(v, at)) {
      const Expr *rhs = strip(d.rhs);
      if (d.kind == Def::Init && rhs && isa<InitListExpr>(rhs)) {
        auto *il = cast<InitListExpr>(rhs);
        for (unsigned i = 0; i < il->getNumInits(); ++i) addParam(x, (int)i + 1, elementDeps(il->getInit(i), d.pos));
      } else if (d.kind == Def::Element) {
        addParam(x, d.element >= 0 ? d.element + 1 : 0, elementDeps(d.rhs, d.pos));
      } else if (d.kind != Def::Entry && d.kind != Def::OutCall) {
        Deps all;
        addDefDeps(v, d, 0, all);
        addParam(x, 0, all);
      }
    }
  }

  // sqlite3_bind_*(stmt, i, v), QSqlQuery::bindValue, SQLBindParameter, mysql_stmt_bind_param
  // on a handle of the same statement.
  void addBindDeps(int stmt, Pos execPos, Execution &x) {
    std::map<const void *, int> positional;  // per handle declaration: addBindValue order
    for (const ApiCall &c : Api) {
      Role r = c.call.api->role;
      if (r != Role::Bind && r != Role::BindArray) continue;
      if (!dominates(c.pos, execPos) && !(c.pos.block == execPos.block && c.pos.index < execPos.index)) {
        // a bind after the execution belongs to a later run; but binds in other
        // branches before it still count when they reach it
        bool reaches = false;
        for (const CFGBlock::AdjacentBlock &s : c.pos.block->succs())
          if (s.getReachableBlock() && dominates(Pos{s.getReachableBlock(), 0}, execPos)) reaches = true;
        if (!reaches) continue;
      }
      Deps hs;
      addHandleStatements(c.call.arg(c.call.api->handle), c.pos, 0, hs);
      if (!hs.count(stmt)) continue;
      if (r == Role::BindArray) {
        addParamArrayDeps(c.call.arg(c.call.api->params), execPos, x);
        continue;
      }
      int index = 0;  // unknown
      const Expr *ix = c.call.arg(c.call.api->bindIndex);
      if (c.call.api->bindIndex < 0) {
        index = ++positional[connOf(c.call.arg(c.call.api->handle))];
      } else if (ix) {
        Expr::EvalResult er;
        if (!ix->isValueDependent() && ix->getType()->isIntegralOrEnumerationType() && ix->EvaluateAsInt(er, Ctx)) {
          index = (int)er.Val.getInt().getExtValue();
        } else if (auto name = resolveSql(ix, c.pos, 0)) {  // bindValue(":name", v)
          auto &named = Ev.statements[stmt].parsed->namedParams;
          auto it = named.find(name->text);
          if (it == named.end()) it = named.find(":" + name->text);
          if (it != named.end()) index = it->second;
        } else if (auto *pc = dyn_cast_or_null<CallExpr>(strip(ix))) {
          // sqlite3_bind_parameter_index(stmt, ":name")
          const FunctionDecl *fd = pc->getDirectCallee();
          if (fd && fd->getIdentifier() && fd->getName() == "sqlite3_bind_parameter_index" && pc->getNumArgs() > 1)
            if (auto name = resolveSql(pc->getArg(1), c.pos, 0)) {
              auto &named = Ev.statements[stmt].parsed->namedParams;
              auto it = named.find(name->text);
              if (it != named.end()) index = it->second;
            }
        }
      }
      const Expr *value = c.call.arg(c.call.api->bindValue);
      Deps d;
      if (const VarDecl *v = pointee(value); v && !v->getType()->isArrayType()) {
        for (const Def &dd : reachingDefs(v, execPos)) addDefDeps(v, dd, 0, d);  // SQLBindParameter(.., &x, ..)
      } else {
        d = valueDeps(value, c.pos, 0);
      }
      addParam(x, index, d);
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

  // `count < limit`, `n >= cap`: a value from a check compared with something
  // other than 0 or 1 (which would be an existence test).
  void addCapacityChecks(const Expr *cond, Pos at, Deps &out) {
    std::function<void(const Stmt *)> visit = [&](const Stmt *s) {
      if (!s) return;
      if (auto *bo = dyn_cast<BinaryOperator>(s); bo && bo->isComparisonOp()) {
        auto small = [&](const Expr *e) {
          Expr::EvalResult r;
          return !e->isValueDependent() && e->EvaluateAsInt(r, Ctx) && r.Val.getInt().getExtValue() >= -1 &&
                 r.Val.getInt().getExtValue() <= 1;
        };
        const Expr *l = bo->getLHS(), *r = bo->getRHS();
        if (!small(l) && !small(r)) {
          Deps dl = valueDeps(l, at, 0), dr = valueDeps(r, at, 0);
          for (const Deps *d : {&dl, &dr})
            for (int st : *d)
              if (!isParamMarker(st)) out.insert(st);
        }
      }
      for (const Stmt *c : s->children()) visit(c);
    };
    visit(cond);
  }

  // A loop header is the target of a back edge: one of its predecessors is dominated by it.
  bool isLoopHeader(const CFGBlock *d) const {
    for (const CFGBlock::AdjacentBlock &p : d->preds())
      if (const CFGBlock *pb = p.getReachableBlock())
        if (Dom->dominates(d, pb)) return true;
    return false;
  }

  void computeControlDeps() {
    for (const CFGBlock *b : *Cfg)
      if (b->getTerminatorCondition()) {
        Deps d = conditionDeps(b, 0);
        for (int s : d)
          if (!isParamMarker(s)) Ev.decidedBy.insert(s);
      }
    for (Execution &x : Ev.executions) {
      for (const CFGBlock *d : controllingBlocks(ExecPos[x.id].block)) {
        Deps deps = conditionDeps(d, 0);
        (isLoopHeader(d) ? x.loopControlDeps : x.controlDeps).insert(deps.begin(), deps.end());
        if (auto *cond = dyn_cast_or_null<Expr>(d->getTerminatorCondition()))
          addCapacityChecks(cond, Pos{d, (unsigned)d->size()}, x.capacityChecks);
      }
    }
  }

  struct ChainUse {
    int index;
    const Expr *value;
    Pos pos;
  };

  const FunctionDecl &FD;
  ASTContext &Ctx;
  const SourceManager &SM;
  Calls CallsOf;
  std::unique_ptr<CFG> Cfg;
  std::unique_ptr<CFGDomTree> Dom;
  std::unique_ptr<ControlDependencyCalculator> Cdc;
  std::vector<ApiCall> Api;
  llvm::DenseMap<const Expr *, size_t> ApiIndex;
  std::vector<Pos> ExecPos;
  std::map<const Expr *, int> StmtOfCall;
  std::vector<std::vector<Resolved::Hole>> Holes;  // per statement
  std::map<int, std::vector<ChainUse>> ChainUses;  // per statement
  std::map<const VarDecl *, Deps> BoundResults;
  std::map<std::string, std::vector<int>> PreparedByName;
  std::map<std::tuple<const ValueDecl *, const CFGBlock *, unsigned>, std::vector<Def>> DefCache;
  bool DefsIndexed = false;
  std::vector<char> Retries;  // per execution, computed on the first question
  llvm::DenseMap<std::pair<const CFGBlock *, const ValueDecl *>, llvm::SmallVector<unsigned, 2>> DefSites;
  std::map<std::pair<const Stmt *, const ValueDecl *>, Deps> DefDepsCache;
  std::set<std::pair<const Stmt *, const ValueDecl *>> InProgress;
  std::map<const CFGBlock *, Deps> BlockDepsCache;
  std::set<const CFGBlock *> BlocksInProgress;
  struct UserCall {
    Call call;
    Pos pos;
    const Summary *summary;
    std::vector<int> imported;  // summary statement index -> statement id here (-1: not imported)
  };
  std::vector<UserCall> UserCalls;
  struct ProcessLockAt {
    std::string name;
    Pos pos;
    const Expr *expr;
  };
  std::vector<ProcessLockAt> ProcessLockPos;
  std::map<int, std::pair<const Expr *, int>> Group;  // imported execution -> (call, index in the callee)
  std::map<const Expr *, const std::vector<std::vector<char>> *> GroupDom;
  std::map<int, int> ParamSql;  // statement id -> parameter whose text it is
  std::map<const Expr *, std::vector<int>> AltStmts;  // call -> its other possible statements
  std::map<int, Alternative> AltChoice;               // statement id -> what chooses its text
  std::map<int, int> ParamsArrayParam;  // execution id -> parameter that is its values array
  Summary Sum;
  FunctionEvents Ev;
  std::vector<Finding> Unresolved;
  bool Ran = false;
  bool Dumping = false;  // --dump-events: every function is analyzed, for its events
  bool SummaryOnly = false;
  bool Summarized = false;  // Sum is the function's summary
  // The body as the first look read it: the file walk's notes, or its own for a body
  // outside the main file.
  const BodyNotes *Notes = nullptr;
  BodyNotes OwnNotes;
};

}  // namespace

Results::Entry &Results::get(const FunctionDecl &fd, ASTContext &ctx) {
  if (Ctx != &ctx) startUnit(ctx);
  Entry &e = Map[&fd];
  if (e.done || InProgress.count(&fd)) return e;  // recursion: an empty summary
  InProgress.insert(&fd);
  if (!fd.isDependentContext() && !fd.isInvalidDecl()) {
    FunctionAnalysis a(fd, ctx);
    std::vector<Finding> f = a.run();
    Entry &again = Map[&fd];  // the map may have grown while callees were analyzed
    again.findings = std::move(f);
    again.summary = a.takeSummary();
    again.summarized = a.summarized();
  }
  InProgress.erase(&fd);
  Entry &done = Map[&fd];
  done.done = true;
  return done;
}

const Summary &Results::summaryFor(const FunctionDecl &fd, ASTContext &ctx) {
  Entry &e = get(fd, ctx);
  if (!e.done || e.summarized || InProgress.count(&fd) || fd.isDependentContext() || fd.isInvalidDecl())
    return e.summary;
  InProgress.insert(&fd);
  FunctionAnalysis a(fd, ctx, /*summaryOnly=*/true);
  a.run();
  InProgress.erase(&fd);
  Entry &again = Map[&fd];  // the map may have grown while callees were analyzed
  again.summary = a.takeSummary();
  again.summarized = true;
  return again.summary;
}

void Results::startUnit(ASTContext &ctx) {
  *this = Results();
  calleeCache().map.clear();
  Ctx = &ctx;
}

void setFirstLook(bool on) { FirstLookOn = on; }

void resetAnalysisCache() {
  results() = Results();
  calleeCache().map.clear();
}

namespace {
// One walk over the main file: its function definitions, and the string literals that
// hold DDL (CREATE TABLE ..., ALTER TABLE ...), the schema the code sets up itself.
class AllFunctions : public RecursiveASTVisitor<AllFunctions> {
public:
  std::vector<const FunctionDecl *> Found;
  std::vector<const StringLiteral *> Ddl;
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBodies() const { return true; }
  llvm::DenseSet<const Decl *> Referenced;
  std::unordered_map<const FunctionDecl *, BodyNotes> Notes;  // (stable: a body's notes are filled while others are added)

  AllFunctions(const SourceManager &sm, const LangOptions &lang) : SM(sm), Lang(lang) {}

  // A function's body is noted for the first look while it is walked (its body only: not
  // its parameters' default arguments or a constructor's initializers).
  bool TraverseDecl(Decl *d) {
    auto *fd = dyn_cast_or_null<FunctionDecl>(d);
    if (!fd || !fd->doesThisDeclarationHaveABody()) return RecursiveASTVisitor::TraverseDecl(d);
    Walking.push_back(fd);
    bool ok = RecursiveASTVisitor::TraverseDecl(d);
    Walking.pop_back();
    return ok;
  }

  // Statements are walked here by hand (walkInOrder: where Stmt::children() goes, as the
  // first look's own walk of a body outside the main file), which costs a fraction of the
  // visitor's generic walk per node, and each node is looked at once for everything: the
  // file's DDL, its references to functions, the first look's notes. What can declare
  // something (a declaration in a declaration statement, a block) goes back to the visitor,
  // so nested functions and local classes are found as before. A block's body is not its
  // function's (the analysis does not look inside blocks).
  bool TraverseStmt(Stmt *root, DataRecursionQueue * = nullptr) {
    BodyNotes *notes = root && !Walking.empty() && root == Walking.back()->getBody() ? &Notes[Walking.back()] : nullptr;
    walkInOrder(root, [&](Stmt *s) {
      if (notes) notes->note(s, SM, Lang);
      switch (s->getStmtClass()) {
      case Stmt::BlockExprClass:
        RecursiveASTVisitor::TraverseStmt(s);  // the block's own body: not this function's
        return false;
      case Stmt::DeclStmtClass:
        for (Decl *d : cast<DeclStmt>(s)->decls())
          if (!isa<VarDecl>(d)) TraverseDecl(d);  // a local class, a function declaration
        break;
      case Stmt::StringLiteralClass:
        VisitStringLiteral(cast<StringLiteral>(s));
        break;
      case Stmt::DeclRefExprClass:
        VisitDeclRefExpr(cast<DeclRefExpr>(s));
        break;
      case Stmt::MemberExprClass:
        VisitMemberExpr(cast<MemberExpr>(s));
        break;
      default:
        if (auto *k = dyn_cast<CXXConstructExpr>(s)) VisitCXXConstructExpr(k);
      }
      return true;
    });
    return true;
  }
  bool VisitFunctionDecl(FunctionDecl *fd) {
    if (fd->doesThisDeclarationHaveABody() && !fd->isDependentContext()) Found.push_back(fd);
    return true;
  }
  // every function the file names: called, or its address taken
  bool VisitDeclRefExpr(DeclRefExpr *e) {
    if (auto *f = dyn_cast<FunctionDecl>(e->getDecl())) Referenced.insert(f->getCanonicalDecl());
    return true;
  }
  bool VisitMemberExpr(MemberExpr *e) {
    if (auto *f = dyn_cast<FunctionDecl>(e->getMemberDecl())) Referenced.insert(f->getCanonicalDecl());
    return true;
  }
  bool VisitCXXConstructExpr(CXXConstructExpr *e) {
    Referenced.insert(e->getConstructor()->getCanonicalDecl());
    return true;
  }
  bool VisitStringLiteral(StringLiteral *sl) {
    if (sl->getCharByteWidth() != 1) return true;
    llvm::StringRef t = sl->getString().ltrim();
    if (t.size() < 10 || !(t[0] == 'c' || t[0] == 'C' || t[0] == 'a' || t[0] == 'A' || t[0] == 'd' || t[0] == 'D'))
      return true;
    for (const char *k : {"create table", "create unique index", "create index", "alter table", "drop index",
                          "drop table", "create sequence"})
      if (t.size() > strlen(k) && t.substr(0, strlen(k)).equals_insensitive(k)) {
        if (DdlSeen.insert(sl->getBeginLoc().getRawEncoding()).second) Ddl.push_back(sl);
        break;
      }
    return true;
  }

private:
  std::set<unsigned> DdlSeen;  // a template's literal once, not again per instantiation
  const SourceManager &SM;
  const LangOptions &Lang;
  llvm::SmallVector<const FunctionDecl *, 4> Walking;  // the functions whose declarations are walked
};
}  // namespace

void Results::buildSchema(ASTContext &ctx, const std::vector<const StringLiteral *> &ddl) {
  std::shared_ptr<const sql::Schema> project = projectSchema();
  TuSchema = std::make_unique<sql::Schema>(*project);
  const SourceManager &sm = ctx.getSourceManager();
  size_t before = TuSchema->diagnostics.size();
  for (const StringLiteral *sl : ddl) {
    PresumedLoc p = sm.getPresumedLoc(sm.getExpansionLoc(sl->getBeginLoc()));
    // named by the file's name alone: the same in every frontend, whatever path it was given by
    TuSchema->apply(utf8(sl), p.isValid() ? llvm::sys::path::filename(p.getFilename()).str() : "",
                    p.isValid() ? (int)p.getLine() : 1);
  }
  // The code's DDL may alter tables created elsewhere: that is not bad input.
  TuSchema->diagnostics.resize(before);
}

void Results::analyzeAll(ASTContext &ctx) {
  if (Ctx == &ctx && AllDone) return;
  if (Ctx != &ctx) startUnit(ctx);
  AllDone = true;  // first: the analyses below must not come back here
  // The main file's functions: callers of a function with internal linkage
  // are in its own file, and only the main file is reported on.
  const SourceManager &sm = ctx.getSourceManager();
  AllFunctions v(sm, ctx.getLangOpts());
  for (Decl *d : ctx.getTranslationUnitDecl()->decls())
    if (sm.isInMainFile(sm.getExpansionLoc(d->getLocation()))) v.TraverseDecl(d);
  buildSchema(ctx, v.Ddl);
  Functions = std::move(v.Found);
  Referenced = std::move(v.Referenced);
  Notes = std::move(v.Notes);
  Walked = true;
  for (const FunctionDecl *fd : Functions) get(*fd, ctx);
}

// Asked for on the first statement run by name or first Qt statement: most files have
// neither, and the walk over every call of the file is then not made.
void Results::noteUnitCalls() {
  if (!Walked || std::exchange(UnitCallsNoted, true)) return;  // (the file's walk gives the calls)
  // a constant text: a literal, or a global initialized with one
  auto constant = [](const Expr *e) -> const StringLiteral * {
    if (const StringLiteral *sl = FunctionAnalysis::plainLiteral(e)) return sl;
    const VarDecl *v = varOf(e);
    return v && !v->hasLocalStorage() && v->getAnyInitializer() ? FunctionAnalysis::plainLiteral(v->getAnyInitializer())
                                                                : nullptr;
  };
  class Calls calls;  // (Results::Calls is the call counts)
  for (const FunctionDecl *fd : Functions) {  // in source order: the first prepare of a name is kept
    auto notes = Notes.find(fd);
    if (notes == Notes.end()) continue;
    for (const Expr *e : notes->second.calls) {
      std::optional<Call> c = calls.of(e);
      if (c && c->name == "QSqlDatabase::addDatabase" && c->numArgs() >= 1) {
        const StringLiteral *driver = constant(c->arg(0));
        std::optional<Dialect> d;
        if (driver) {
          std::string n = driver->getString().upper();
          if (startsWith(n, "QSQLITE")) d = Dialect::SQLite;  // QSQLITE, QSQLITE3
          else if (n == "QMYSQL" || n == "QMYSQL3" || n == "QMARIADB") d = Dialect::MySQL;
          else if (n == "QPSQL" || n == "QPSQL7") d = Dialect::PostgreSQL;
        }
        if (!d || (QtDriver && *QtDriver != *d)) QtDriversDisagree = true;
        else QtDriver = d;
        continue;
      }
      if (!c || !c->api || c->api->role != Role::Prepare || c->api->stmtName < 0 || c->api->sql < 0) continue;
      const StringLiteral *name = constant(c->arg(c->api->stmtName)), *sql = constant(c->arg(c->api->sql));
      if (!name) continue;
      auto [it, fresh] = PreparedInUnit.emplace(utf8(name), Prepared{sql, fd, sql == nullptr});
      if (!fresh && (!sql || !it->second.sql || utf8(sql) != utf8(it->second.sql))) it->second.ambiguous = true;
    }
  }
}

const std::vector<const FunctionDecl *> &mainFileFunctions(ASTContext &ctx) {
  results().analyzeAll(ctx);
  return results().functions();
}

std::vector<Finding> analyzeFunction(const FunctionDecl &fd, ASTContext &ctx) {
  if (fd.isDependentContext() || fd.isInvalidDecl()) return {};
  const FunctionDecl *def = nullptr;
  if (!fd.hasBody(def) || def != &fd) return {};
  results().analyzeAll(ctx);
  Results::Entry &e = results().get(fd, ctx);
  if (results().isCalledInTransaction(fd)) {  // its locks are held in the caller's transaction
    std::vector<Finding> kept;
    for (const Finding &f : e.findings)
      if (!f.assumesAutocommit) kept.push_back(f);
    if (!results().protectedByAllCallers(fd)) return kept;
  }
  if (!results().protectedByAllCallers(fd)) return e.findings;
  std::vector<Finding> kept;  // remarks stay; races protected by every caller do not
  for (const Finding &f : e.findings)
    if (f.severity == Severity::Remark) kept.push_back(f);
  return kept;
}

namespace {

// llvm::Optional (LLVM 14-16) and std::optional (17+) alike
template <typename O, typename T> auto orElse(const O &o, T fallback) -> decltype(fallback) {
  if (o) return *o;
  return fallback;
}

llvm::json::Array intArray(const std::set<int> &s) {
  llvm::json::Array a;
  for (int i : s) a.push_back(i);
  return a;
}

std::set<int> intSet(const llvm::json::Array *a) {
  std::set<int> s;
  if (a)
    for (const llvm::json::Value &v : *a)
      if (auto i = v.getAsInteger()) s.insert((int)*i);
  return s;
}

llvm::json::Object locJson(const Loc &l, const SourceManager &sm) {
  llvm::json::Object o;
  if (l.ext >= 0) {
    const ExternalLoc &e = externalLocs()[l.ext];
    o["file"] = e.file;
    o["line"] = (int64_t)e.line;
    o["col"] = (int64_t)e.col;
    return o;
  }
  PresumedLoc p = sm.getPresumedLoc(SourceLocation::getFromRawEncoding(l.raw));
  if (p.isValid()) {
    o["file"] = p.getFilename();
    o["line"] = (int64_t)p.getLine();
    o["col"] = (int64_t)p.getColumn();
  }
  return o;
}

Loc locFrom(const llvm::json::Object *o) {
  if (!o || !o->getString("file")) return Loc{};
  return externalLoc({o->getString("file")->str(), (unsigned)orElse(o->getInteger("line"), 0),
                      (unsigned)orElse(o->getInteger("col"), 0)});
}

}  // namespace

// One line per function: its USR, a tab, its summary as a JSON object. (One JSON array of
// them all cost more than the analysis: llvm::json::Value's move is not noexcept, so
// every growth of a vector of them copied all the summaries before it, when writing and
// again when parsing; and a reader had to parse every summary to find the few it calls.)
std::string exportSummaries(ASTContext &ctx) {
  const SourceManager &sm = ctx.getSourceManager();
  std::string out;
  llvm::raw_string_ostream os(out);
  std::function<void(const DeclContext *)> visit = [&](const DeclContext *dc) {
    for (const Decl *d : dc->decls()) {
      if (auto *inner = dyn_cast<DeclContext>(d); inner && (isa<NamespaceDecl>(d) || isa<CXXRecordDecl>(d) ||
                                                           isa<LinkageSpecDecl>(d)))
        visit(inner);
      auto *fd = dyn_cast<FunctionDecl>(d);
      if (!fd || !fd->doesThisDeclarationHaveABody() || !fd->isExternallyVisible() || fd->isDependentContext() ||
          !sm.isInMainFile(sm.getExpansionLoc(fd->getLocation())))
        continue;
      const Summary &sum = results().summaryFor(*fd, ctx);
      if (sum.empty()) continue;
      llvm::json::Object f;
      std::string usr = usrOf(fd->getCanonicalDecl());
      if (usr.empty() || usr.find_first_of("\t\n") != std::string::npos) continue;
      f["name"] = fd->getNameAsString();
      llvm::json::Array stmts;
      for (const Summary::Stmt &ss : sum.stmts) {
        llvm::json::Object o;
        o["text"] = ss.s.text;
        o["sqlParam"] = ss.sqlParam;
        o["connParam"] = ss.connParam;
        o["dialect"] = (int64_t)ss.s.dialect;
        o["function"] = ss.s.function;
        o["loc"] = locJson(ss.s.sqlLoc, sm);
        llvm::json::Array via;
        for (const Loc &v : ss.s.via) via.push_back(locJson(v, sm));
        o["via"] = std::move(via);
        llvm::json::Object spelling;
        for (const auto &[n, sp] : ss.s.spelling) spelling[std::to_string(n)] = sp;
        o["spelling"] = std::move(spelling);
        stmts.push_back(std::move(o));
      }
      f["stmts"] = std::move(stmts);
      llvm::json::Array execs;
      for (const Summary::Exec &e : sum.execs) {
        llvm::json::Object o;
        o["stmt"] = e.stmt;
        llvm::json::Object params;
        for (const auto &[n, d] : e.paramDeps) params[std::to_string(n)] = intArray(d);
        o["params"] = std::move(params);
        o["control"] = intArray(e.controlDeps);
        o["loop"] = intArray(e.loopControlDeps);
        o["serializable"] = e.serializable;
        o["paramsArrayParam"] = e.paramsArrayParam;
        execs.push_back(std::move(o));
      }
      f["execs"] = std::move(execs);
      llvm::json::Array dom;
      for (const auto &row : sum.dom) {
        std::string bits;
        for (char c : row) bits += c ? '1' : '0';
        dom.push_back(bits);
      }
      f["dom"] = std::move(dom);
      f["returnValue"] = intArray(sum.returnValue);
      f["returnHandle"] = intArray(sum.returnHandle);
      os << usr << '\t' << llvm::json::Value(std::move(f)) << '\n';
    }
  };
  visit(ctx.getTranslationUnitDecl());
  return os.str();
}

// One function's summary from its JSON; empty (so unused) when it is corrupt,
// with a statement or execution index out of range.
static Summary decodeSummary(const llvm::json::Object *f) {
  Summary sum;
  if (const llvm::json::Array *stmts = f->getArray("stmts"))
    for (const llvm::json::Value &sv : *stmts) {
      const llvm::json::Object *o = sv.getAsObject();
      if (!o) continue;
      Summary::Stmt ss;
      ss.s.text = orElse(o->getString("text"), llvm::StringRef()).str();
      ss.s.parsed = sql::analyzeSql(ss.s.text);
      ss.sqlParam = (int)orElse(o->getInteger("sqlParam"), -1);
      ss.connParam = (int)orElse(o->getInteger("connParam"), -1);
      ss.s.dialect = (Dialect)orElse(o->getInteger("dialect"), 0);
      ss.s.function = orElse(o->getString("function"), llvm::StringRef()).str();
      ss.s.sqlLoc = locFrom(o->getObject("loc"));
      if (const llvm::json::Array *via = o->getArray("via"))
        for (const llvm::json::Value &l : *via) ss.s.via.push_back(locFrom(l.getAsObject()));
      if (const llvm::json::Object *sp = o->getObject("spelling"))
        for (const auto &kv : *sp)
          if (auto str = kv.second.getAsString()) ss.s.spelling[std::atoi(kv.first.str().c_str())] = str->str();
      sum.stmts.push_back(std::move(ss));
    }
  if (const llvm::json::Array *execs = f->getArray("execs"))
    for (const llvm::json::Value &ev : *execs) {
      const llvm::json::Object *o = ev.getAsObject();
      if (!o) continue;
      Summary::Exec e;
      e.stmt = (int)orElse(o->getInteger("stmt"), 0);
      if (const llvm::json::Object *params = o->getObject("params"))
        for (const auto &kv : *params) e.paramDeps[std::atoi(kv.first.str().c_str())] = intSet(kv.second.getAsArray());
      e.controlDeps = intSet(o->getArray("control"));
      e.loopControlDeps = intSet(o->getArray("loop"));
      e.serializable = orElse(o->getBoolean("serializable"), false);
      e.paramsArrayParam = (int)orElse(o->getInteger("paramsArrayParam"), -1);
      sum.execs.push_back(std::move(e));
    }
  if (const llvm::json::Array *dom = f->getArray("dom"))
    for (const llvm::json::Value &row : *dom) {
      std::vector<char> r;
      for (char c : orElse(row.getAsString(), llvm::StringRef()).str()) r.push_back(c == '1');
      sum.dom.push_back(std::move(r));
    }
  sum.returnValue = intSet(f->getArray("returnValue"));
  sum.returnHandle = intSet(f->getArray("returnHandle"));
  // a statement or execution index out of range would be a corrupt summary: drop it
  bool sane = sum.dom.size() == sum.execs.size();
  for (const Summary::Exec &e : sum.execs) sane = sane && e.stmt >= 0 && (size_t)e.stmt < sum.stmts.size();
  return sane ? sum : Summary();
}

namespace {
const Summary *externalSummary(const std::string &usr) {
  auto it = externalSummaries().find(usr);
  if (it == externalSummaries().end()) {
    auto p = pendingSummaries().find(usr);
    if (p == pendingSummaries().end()) return nullptr;
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(p->second);
    Summary sum;
    if (v && v->getAsObject()) {
      sum = decodeSummary(v->getAsObject());
    } else {
      if (!v) llvm::consumeError(v.takeError());
      llvm::errs() << "sqlrace: warning: the summary of " << usr
                   << " from the first pass is unreadable; its calls are analyzed without it\n";
    }
    it = externalSummaries().emplace(usr, std::move(sum)).first;
    pendingSummaries().erase(p);
  }
  return it->second.empty() ? nullptr : &it->second;
}
}  // namespace

// Lines of exportSummaries; each summary is parsed on its first lookup. Checked here only
// for its shape (a USR, a tab, one JSON object on the line), so that a damaged or older
// cache file is refused whole and its source summarized again.
bool importSummaries(const std::string &text, std::string &error) {
  std::vector<std::pair<std::string, std::string>> lines;
  llvm::StringRef rest(text);
  unsigned n = 0;
  while (!rest.empty()) {
    auto [line, next] = rest.split('\n');
    rest = next;
    ++n;
    if (line.empty()) continue;
    auto [usr, json] = line.split('\t');
    if (usr.empty() || json.size() < 2 || json.front() != '{' || json.back() != '}') {
      error = "line " + std::to_string(n) + " is not a function summary (USR, tab, JSON object)";
      return false;
    }
    lines.push_back({usr.str(), json.str()});
  }
  for (auto &[usr, json] : lines) {
    externalSummaries().erase(usr);  // a newer import replaces an older one
    pendingSummaries().insert_or_assign(usr, std::move(json));
  }
  return true;
}

std::string dumpEvents(const FunctionDecl &fd, ASTContext &ctx) {
  if (fd.isDependentContext() || fd.isInvalidDecl()) return {};
  return FunctionAnalysis(fd, ctx).dump();
}

}  // namespace sqlrace
