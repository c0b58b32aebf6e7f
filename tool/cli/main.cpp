// sqlrace: the command-line frontend. LibTooling over a compile database (-p)
// or files followed by `-- <flags>`; clang-style diagnostics on stdout.
// Exit codes: 0 clean, 1 findings, 2 usage or tool error (including code that
// does not compile).
#include "sqlrace/Analyzer.h"
#include "sqlrace/Config.h"
#include "sqlrace/Rules.h"
#include "sqlrace/Suppress.h"
#include "Report.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <tuple>
#include <type_traits>
#include <set>
#include <unordered_map>

using namespace clang;
using namespace clang::tooling;

namespace {

llvm::cl::OptionCategory Category("sqlrace options");
const char *Overview =
    "sqlrace finds check-then-act races in database code.\n\n"
    "  sqlrace -p <build dir> [<file> ...]     files from compile_commands.json (all when none given)\n"
    "  sqlrace <file> ... -- <compiler flags>  files compiled with the given flags\n\n"
    "Exit status: 0 no findings, 1 findings, 2 usage or tool error (including code that does not compile).\n";
llvm::cl::opt<std::string> BuildPath("p", llvm::cl::cat(Category), llvm::cl::Optional,
                                     llvm::cl::desc("Build directory containing compile_commands.json"));
llvm::cl::list<std::string> SourcePaths(llvm::cl::Positional, llvm::cl::ZeroOrMore, llvm::cl::cat(Category),
                                        llvm::cl::desc("[<file> ...]"));
llvm::cl::opt<std::string> ConfigPath("config", llvm::cl::cat(Category),
                                     llvm::cl::desc("Configuration file (default: .sqlrace.yml found from each "
                                                    "file's directory upward)"));
llvm::cl::opt<bool> Verbose("verbose", llvm::cl::cat(Category),
                             llvm::cl::desc("Also say which database calls were skipped because their SQL text "
                                            "could not be resolved"));
llvm::cl::opt<std::string> CacheDir("cache-dir", llvm::cl::cat(Category),
                                   llvm::cl::desc("Where to keep per-file summaries between runs (default: "
                                                  "<build dir>/.sqlrace-cache with -p)"));
llvm::cl::opt<bool> NoCrossFile("no-cross-file", llvm::cl::cat(Category),
                                llvm::cl::desc("Do not join functions across files (skips the first pass)"));
llvm::cl::opt<std::string> Format("format", llvm::cl::cat(Category), llvm::cl::init("text"),
                                 llvm::cl::desc("Output: text (clang style, the default), json or sarif"));
llvm::cl::opt<std::string> OutputFile("output", llvm::cl::cat(Category),
                                     llvm::cl::desc("Write the report to this file instead of standard output"));
llvm::cl::alias OutputShort("o", llvm::cl::aliasopt(OutputFile), llvm::cl::desc("Alias for --output"));
llvm::cl::opt<bool> ExitZero("exit-zero", llvm::cl::cat(Category),
                             llvm::cl::desc("Exit 0 even when there are findings (errors still exit 2)"));
llvm::cl::opt<std::string> Baseline("baseline", llvm::cl::cat(Category),
                                    llvm::cl::desc("Report only findings whose fingerprint is not in this baseline"));
llvm::cl::opt<std::string> BaselineWrite("baseline-write", llvm::cl::cat(Category),
                                         llvm::cl::desc("Write the fingerprints of this run's findings to a baseline"));
llvm::cl::opt<std::string> Root("root", llvm::cl::cat(Category),
                                llvm::cl::desc("Paths in reports are relative to this directory (default: the "
                                               "current one)"));
llvm::cl::opt<bool> ShowInterleaving("show-interleaving", llvm::cl::cat(Category),
                                     llvm::cl::desc("Text output: print the two-session interleaving of each race"));
llvm::cl::opt<bool> RequireNolintReason("require-nolint-reason", llvm::cl::cat(Category),
                                        llvm::cl::desc("A NOLINT(sqlrace-...) without a reason after it is "
                                                       "itself reported"));
llvm::cl::list<std::string> SchemaPaths("schema", llvm::cl::cat(Category),
                                         llvm::cl::desc("A schema file or a folder of migrations (repeatable; default: "
                                                        "schema.sql, db/, migrations/, sql/ under --root, unless the "
                                                        "configuration names some)"));
llvm::cl::opt<bool> ListRules("list-rules", llvm::cl::cat(Category), llvm::cl::desc("List the rules and exit"));
llvm::cl::opt<std::string> Explain("explain", llvm::cl::cat(Category),
                                   llvm::cl::desc("Print the documentation of a rule and exit"));
llvm::cl::opt<bool> Merge("merge", llvm::cl::cat(Category),
                          llvm::cl::desc("Merge the JSON or SARIF reports given as files (from --shard runs)"));
llvm::cl::opt<std::string> Shard("shard", llvm::cl::cat(Category),
                                 llvm::cl::desc("K/N: analyze only the K-th of N shares of the files (1 <= K <= N)"));
llvm::cl::opt<unsigned> Jobs("j", llvm::cl::cat(Category), llvm::cl::init(0), llvm::cl::Prefix,
                             llvm::cl::desc("Files analyzed in parallel (default: the number of cores)"));
llvm::cl::opt<bool> SummarizeOnly("summarize-only", llvm::cl::Hidden, llvm::cl::cat(Category),
                                  llvm::cl::desc("(for -j) only write this shard's files' summaries to the cache"));
llvm::cl::opt<std::string> ProgressFile("progress-file", llvm::cl::Hidden, llvm::cl::cat(Category),
                                       llvm::cl::desc("(for -j) append each analyzed file's name here, for the "
                                                      "parent to show as progress"));
llvm::cl::opt<bool> DumpEvents("dump-events", llvm::cl::cat(Category),
                                llvm::cl::desc("Print the statements, executions and dependences of each function"));
llvm::cl::opt<bool> FullAnalysis("full-analysis", llvm::cl::Hidden, llvm::cl::cat(Category),
                                  llvm::cl::desc("Analyze every function in full, also those the first look "
                                                 "settles (no rule can apply); the findings are the same"));
llvm::cl::opt<std::string> ResourceDir("resource-dir", llvm::cl::cat(Category),
                                       llvm::cl::desc("Clang resource directory (builtin headers)"),
                                       llvm::cl::init(SQLRACE_CLANG_RESOURCE_DIR));

struct RunState {
  unsigned warnings = 0;
  unsigned filesWithErrors = 0;
  std::vector<sqlrace::report::Item> items;
};

const std::pair<const char *, const char *> RuleDocs[] = {
#include "RuleDocs.inc"
};

std::string docOf(const std::string &id) {
  for (const auto &[k, v] : RuleDocs)
    if (id == k) return v;
  return {};
}

using sqlrace::suppressed;

std::string RootDir();

// A path as reports show it: relative to --root when under it.
std::string relativeToRoot(std::string path) {
  // an absolute path means the same whatever the working directory: worked out once
  static std::unordered_map<std::string, std::string> absolute;
  bool isAbsolute = llvm::sys::path::is_absolute(path);
  if (isAbsolute) {
    auto it = absolute.find(path);
    if (it != absolute.end()) return it->second;
  }
  llvm::SmallString<256> abs(path);
  llvm::sys::fs::make_absolute(abs);
  llvm::sys::path::remove_dots(abs, true);
  std::string root = RootDir();
  std::string out = !root.empty() && sqlrace::startsWith(abs, root + "/") ? std::string(abs.substr(root.size() + 1))
                                                                          : std::string(abs.str());
  if (isAbsolute) absolute.emplace(path, out);
  return out;
}

void printDiag(const SourceManager &SM, sqlrace::Loc l, const char *level, const std::string &msg, const char *rule) {
  if (l.ext >= 0) {  // a place in another file (through a cross-file summary)
    const sqlrace::ExternalLoc &e = sqlrace::externalLocs()[l.ext];
    llvm::outs() << e.file << ":" << e.line << ":" << e.col << ": " << level << ": " << msg;
    if (rule) llvm::outs() << " [sqlrace-" << rule << "]";
    llvm::outs() << "\n";
    return;
  }
  SourceLocation loc = SourceLocation::getFromRawEncoding(l.raw);
  PresumedLoc p = SM.getPresumedLoc(loc);
  llvm::raw_ostream &os = llvm::outs();
  if (p.isValid()) os << p.getFilename() << ":" << p.getLine() << ":" << p.getColumn() << ": ";
  os << level << ": " << msg;
  if (rule) os << " [sqlrace-" << rule << "]";
  os << "\n";
  if (!p.isValid()) return;
  // the source line and a caret, as clang prints them
  bool invalid = false;
  FileID fid = SM.getFileID(loc);
  llvm::StringRef buf = SM.getBufferData(fid, &invalid);
  if (invalid) return;
  unsigned off = SM.getFileOffset(loc);
  size_t begin = buf.rfind('\n', off == 0 ? 0 : off - 1);
  begin = begin == llvm::StringRef::npos || off == 0 ? 0 : begin + 1;
  size_t end = buf.find('\n', off);
  llvm::StringRef line = buf.slice(begin, end == llvm::StringRef::npos ? buf.size() : end);
  os << line << "\n";
  for (unsigned i = 0; i + 1 < p.getColumn(); ++i) os << (i < line.size() && line[i] == '\t' ? '\t' : ' ');
  os << "^\n";
}

// Decided once at startup: LibTooling changes into each compile command's
// directory while it runs, so "the current directory" must be read before.
std::string TheRoot;
std::string RootDir() {
  if (TheRoot.empty()) {
    llvm::SmallString<256> r(Root.empty() ? "." : Root.getValue());
    llvm::sys::fs::make_absolute(r);
    llvm::sys::path::remove_dots(r, true);
    TheRoot = std::string(r.str());
  }
  return TheRoot;
}

// Turns one function's findings into report items (suppressions, fingerprints, places).
class Reporter {
public:
  Reporter(ASTContext &ctx, RunState &st) : Ctx(ctx), St(st) {}

  bool report(const FunctionDecl *fd) {
    if (!fd->doesThisDeclarationHaveABody()) return true;
    const SourceManager &SM = Ctx.getSourceManager();
    if (!SM.isInMainFile(SM.getExpansionLoc(fd->getLocation()))) return true;
    if (DumpEvents) {
      std::string d = sqlrace::dumpEvents(*fd, Ctx);
      if (d.find("statement") != std::string::npos) llvm::outs() << d;
    }
    std::vector<sqlrace::Finding> findings = sqlrace::analyzeFunction(*fd, Ctx);  // ours: texts moved out below
    for (sqlrace::Finding &f : findings) {
      if (f.rule == "unresolved-sql" && !Verbose) continue;
      sqlrace::report::Item item;
      item.rule = f.rule;
      item.level = f.severity == sqlrace::Severity::Remark  ? "remark"
                   : f.severity == sqlrace::Severity::Error ? "error"
                                                            : "warning";
      item.grade = f.grade;
      item.gradeReason = f.gradeReason;
      item.at = place(f.loc);
      item.message = std::move(f.message);
      item.sql = std::move(f.rewrite);
      item.schema = std::move(f.suggestion.schema);
      item.statements = std::move(f.suggestion.statements);
      item.rewriteNote = std::move(f.suggestion.note);
      item.function = fd->getQualifiedNameAsString();
      if (f.check.valid()) item.check = place(f.check);
      if (f.fixBegin.valid()) {
        item.fixBegin = place(f.fixBegin);
        // fixEnd is the literal's last token: the edit goes through the end of it
        sqlrace::Loc end = f.fixEnd;
        if (end.ext < 0)
          end.raw = Lexer::getLocForEndOfToken(SourceLocation::getFromRawEncoding(end.raw), 0, Ctx.getSourceManager(),
                                               Ctx.getLangOpts())
                        .getRawEncoding();
        item.fixEnd = place(end);
        item.fixText = std::move(f.fixText);
      }
      item.notes.reserve(f.notes.size());
      item.noteLines.reserve(f.notes.size());
      for (sqlrace::Note &n : f.notes) {
        item.notes.push_back({place(n.loc), std::move(n.message)});
        llvm::StringRef nl, np;
        sourceLines(n.loc, nl, np);
        item.noteLines.push_back(nl.str());
      }
      // fingerprint: rule, file, function and the SQL involved -- not line numbers
      std::string basis = f.rule + "\x1f" + item.at.file + "\x1f" + item.function + "\x1f" + f.key;
      char hex[17];
      snprintf(hex, sizeof hex, "%016llx", (unsigned long long)llvm::xxHash64(basis));
      item.fingerprint = hex;
      // NOLINT(sqlrace-<rule>) on the line, NOLINTNEXTLINE on the line before
      llvm::StringRef line, prev;
      sourceLines(f.loc, line, prev);
      item.sourceLine = line.str();
      bool reason = false;
      if (suppressed(line, prev, f.rule, reason)) {
        if (RequireNolintReason && !reason) {
          sqlrace::report::Item why = item;
          why.rule = "nolint-reason";
          why.message = "suppression of sqlrace-" + f.rule + " without a reason: say why the race cannot happen";
          why.notes.clear();
          why.sql.clear();
          why.check = {};
          St.items.push_back(why);
          St.warnings++;
        }
        continue;
      }
      St.items.push_back(std::move(item));
    }
    return true;
  }

private:
  std::string relative(std::string path) const { return relativeToRoot(std::move(path)); }

  sqlrace::report::Place place(sqlrace::Loc l) const {
    sqlrace::report::Place p;
    if (l.ext >= 0) {
      const sqlrace::ExternalLoc &e = sqlrace::externalLocs()[l.ext];
      return {relative(e.file), e.line, e.col};
    }
    PresumedLoc pl = Ctx.getSourceManager().getPresumedLoc(SourceLocation::getFromRawEncoding(l.raw));
    if (pl.isValid()) p = {relative(pl.getFilename()), pl.getLine(), pl.getColumn()};
    return p;
  }

  void sourceLines(sqlrace::Loc l, llvm::StringRef &line, llvm::StringRef &prev) const {
    if (l.ext >= 0) return;
    const SourceManager &SM = Ctx.getSourceManager();
    SourceLocation loc = SourceLocation::getFromRawEncoding(l.raw);
    bool invalid = false;
    llvm::StringRef buf = SM.getBufferData(SM.getFileID(loc), &invalid);
    if (invalid) return;
    unsigned off = SM.getFileOffset(loc);
    sqlrace::linesAt(buf, off, line, prev);
  }

public:

private:
  ASTContext &Ctx;
  RunState &St;
};

struct {
  size_t done = 0, total = 0;
  bool show = false;
} Progress;

class Consumer : public ASTConsumer {
public:
  Consumer(RunState &st, std::string file) : St(st), File(std::move(file)) {}
  void HandleTranslationUnit(ASTContext &ctx) override {
    if (Progress.show) llvm::errs() << "[" << ++Progress.done << "/" << Progress.total << "] " << File << "\n";
    if (!ProgressFile.empty()) {  // a -j child: the parent shows one [k/N] count for all children
      std::error_code ec;
      llvm::raw_fd_ostream p(ProgressFile, ec, llvm::sys::fs::OF_Append);
      if (!ec) p << File << "\n";
    }
    sqlrace::resetAnalysisCache();  // a new AST: nothing from the last one may be reused
    Reporter r(ctx, St);
    for (const FunctionDecl *fd : sqlrace::mainFileFunctions(ctx)) r.report(fd);
    if (ctx.getDiagnostics().hasErrorOccurred()) {
      St.filesWithErrors++;
      llvm::errs() << "sqlrace: error: " << File
                   << " does not compile; functions clang could not analyze were skipped\n";
    }
  }

private:
  RunState &St;
  std::string File;
};

class Action : public ASTFrontendAction {
public:
  explicit Action(RunState &st) : St(st) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &, llvm::StringRef file) override {
    return std::make_unique<Consumer>(St, file.str());
  }

private:
  RunState &St;
};

class Factory : public FrontendActionFactory {
public:
  explicit Factory(RunState &st) : St(st) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<Action>(St); }

private:
  RunState &St;
};

// The SourceManager's file table is keyed by FileEntry* before LLVM 18 and by FileEntryRef after.
template <typename T> llvm::StringRef entryName(const T &f) {
  if constexpr (std::is_pointer_v<T>) return f->getName();
  else return f.getName();
}

// ---- first pass: summaries of every file's functions, for calls across files ----
struct SummaryPass {
  std::vector<std::pair<std::string, std::string>> json;  // file -> summaries
};

class SummaryConsumer : public ASTConsumer {
public:
  SummaryConsumer(SummaryPass &p, std::string file, CompilerInstance &ci) : P(p), File(std::move(file)), CI(ci) {}
  void HandleTranslationUnit(ASTContext &ctx) override {
    sqlrace::resetAnalysisCache();
    if (ctx.getDiagnostics().hasErrorOccurred()) return;
    P.json.push_back({File, sqlrace::exportSummaries(ctx)});
    // the files this one depends on, for the cache's validity check
    std::string deps;
    const SourceManager &sm = ctx.getSourceManager();
    for (auto it = sm.fileinfo_begin(); it != sm.fileinfo_end(); ++it) {
      llvm::StringRef name = entryName(it->getFirst());
      llvm::sys::fs::file_status st;
      if (!llvm::sys::fs::status(name, st))
        deps += name.str() + "\t" + std::to_string(st.getSize()) + "\t" +
                std::to_string(st.getLastModificationTime().time_since_epoch().count()) + "\n";
    }
    Deps[File] = deps;
  }
  static std::map<std::string, std::string> Deps;

private:
  SummaryPass &P;
  std::string File;
  CompilerInstance &CI;
};
std::map<std::string, std::string> SummaryConsumer::Deps;

class SummaryAction : public ASTFrontendAction {
public:
  explicit SummaryAction(SummaryPass &p) : P(p) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &ci, llvm::StringRef file) override {
    // by its real path: the compile command may name it relative to its directory
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(file, real)) real = file;
    return std::make_unique<SummaryConsumer>(P, std::string(real.str()), ci);
  }

private:
  SummaryPass &P;
};

class SummaryFactory : public FrontendActionFactory {
public:
  explicit SummaryFactory(SummaryPass &p) : P(p) {}
  std::unique_ptr<FrontendAction> create() override { return std::make_unique<SummaryAction>(P); }

private:
  SummaryPass &P;
};

// The cache: one entry per file, named by a hash of its path, compile command
// and content, holding the summaries and the files they were made from (path,
// size, time), all of which must be unchanged for the entry to be used.
std::string cacheKey(const CompilationDatabase &db, const std::string &file) {
  std::string key = file;
  for (const CompileCommand &c : db.getCompileCommands(file))
    for (const std::string &a : c.CommandLine) key += "\x1f" + a;
  auto buf = llvm::MemoryBuffer::getFile(file);
  if (buf) key += (*buf)->getBuffer().str();
  char hex[17];
  snprintf(hex, sizeof hex, "%016llx", (unsigned long long)llvm::xxHash64(key));
  return hex;
}

bool depsUnchanged(const std::string &deps) {
  llvm::StringRef rest(deps);
  while (!rest.empty()) {
    auto [line, next] = rest.split('\n');
    rest = next;
    llvm::SmallVector<llvm::StringRef, 3> parts;
    line.split(parts, '\t');
    if (parts.size() != 3) continue;
    llvm::sys::fs::file_status st;
    if (llvm::sys::fs::status(parts[0], st) || std::to_string(st.getSize()) != parts[1] ||
        std::to_string(st.getLastModificationTime().time_since_epoch().count()) != parts[2])
      return false;
  }
  return true;
}

// Runs the first pass (from the cache where it can); false when a summary cannot be read.
// Runs the action on each file with a tool of its own: from LLVM 15 on, a tool
// given several files prints "[k/N] Processing file" to stderr, which would mix
// with the report (ours prints progress only on a terminal). 0 = success,
// 1 = an error, 2 = a file without a compile command, as ClangTool::run.
int runEach(const CompilationDatabase &db, const std::vector<std::string> &files,
            const std::vector<ArgumentsAdjuster> &adjusters, FrontendActionFactory &factory,
            DiagnosticConsumer *diags = nullptr) {
  int rc = 0;
  for (const std::string &f : files) {
    ClangTool tool(db, {f});
    for (const ArgumentsAdjuster &a : adjusters) tool.appendArgumentsAdjuster(a);
    if (diags) tool.setDiagnosticConsumer(diags);
    int r = tool.run(&factory);
    if (r == 1 || (r == 2 && rc == 0)) rc = r;
  }
  return rc;
}

bool summarizeAll(const CompilationDatabase &db, const std::vector<std::string> &files,
                  const std::vector<ArgumentsAdjuster> &adjusters, const std::string &cacheDir) {
  std::vector<std::string> todo;
  std::map<std::string, std::string> keys;  // real path -> cache entry
  for (const std::string &f : files) {
    if (!cacheDir.empty()) {
      llvm::SmallString<256> real;
      if (llvm::sys::fs::real_path(f, real)) real = f;
      std::string &key = keys[std::string(real.str())];
      key = cacheKey(db, f);
      auto summaries = llvm::MemoryBuffer::getFile(cacheDir + "/" + key + ".json");
      auto deps = llvm::MemoryBuffer::getFile(cacheDir + "/" + key + ".deps");
      if (summaries && deps && depsUnchanged((*deps)->getBuffer().str())) {
        std::string error;
        if (sqlrace::importSummaries((*summaries)->getBuffer().str(), error)) continue;
      }
    }
    todo.push_back(f);
  }
  if (todo.empty()) return true;
  IgnoringDiagConsumer quiet;  // the second pass reports what does not compile
  SummaryPass pass;
  SummaryFactory factory(pass);
  runEach(db, todo, adjusters, factory, &quiet);
  if (!cacheDir.empty()) llvm::sys::fs::create_directories(cacheDir);
  for (const auto &[file, json] : pass.json) {
    std::string error;
    if (!sqlrace::importSummaries(json, error)) {
      llvm::errs() << "sqlrace: error: summaries of " << file << ": " << error << "\n";
      return false;
    }
    if (cacheDir.empty() || !keys.count(file)) continue;
    std::error_code ec;
    llvm::raw_fd_ostream(cacheDir + "/" + keys[file] + ".json", ec) << json;
    llvm::raw_fd_ostream(cacheDir + "/" + keys[file] + ".deps", ec) << SummaryConsumer::Deps[file];
  }
  return true;
}

// Baselines, the report in the chosen format, and the exit status.
// Bad schema input, as remarks at the schema file (one process of a parallel or sharded run says it).
bool SchemaSaid = false;
void addSchemaDiagnostics(RunState &st) {
  if (SchemaSaid) return;
  SchemaSaid = true;
  for (const sqlrace::sql::SchemaDiagnostic &d : sqlrace::projectSchema()->diagnostics) {
    sqlrace::report::Item item;
    item.rule = "invalid-schema";
    item.level = "remark";
    item.at = {relativeToRoot(d.path.empty() ? d.file : d.path), (unsigned)std::max(1, d.line), (unsigned)std::max(1, d.column)};
    item.message = d.message;
    item.function = "";
    char hex[17];
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)llvm::xxHash64(item.at.file + "\x1f" + d.message));
    item.fingerprint = hex;
    st.items.push_back(std::move(item));
  }
}

int finish(RunState &st, int rc) {
  if (Shard.empty() || sqlrace::startsWith(Shard.getValue(), "1/")) addSchemaDiagnostics(st);
  // Baselines: write this run's fingerprints, or keep only findings not in the given one.
  if (!Baseline.empty()) {
    auto buf = llvm::MemoryBuffer::getFile(Baseline);
    std::vector<std::string> known;
    std::string error;
    if (!buf || !sqlrace::report::readFingerprints((*buf)->getBuffer().str(), known, error)) {
      llvm::errs() << "sqlrace: error: baseline " << Baseline << ": " << (buf ? error : buf.getError().message())
                   << "\n";
      return 2;
    }
    std::set<std::string> seen(known.begin(), known.end());
    std::vector<sqlrace::report::Item> fresh;
    for (auto &i : st.items)
      if (!seen.count(i.fingerprint)) fresh.push_back(std::move(i));
    st.items = std::move(fresh);
  }
  if (!BaselineWrite.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream out(BaselineWrite, ec);
    if (ec) {
      llvm::errs() << "sqlrace: error: " << BaselineWrite << ": " << ec.message() << "\n";
      return 2;
    }
    out << sqlrace::report::baselineJson(st.items);
  }
  // one order whatever the parallelism, and clang-tidy's: by file, position, check name, message
  std::stable_sort(st.items.begin(), st.items.end(), [](const sqlrace::report::Item &a, const sqlrace::report::Item &b) {
    return std::tie(a.at.file, a.at.line, a.at.col, a.rule, a.message) <
           std::tie(b.at.file, b.at.line, b.at.col, b.rule, b.message);
  });
  unsigned warnings = 0;
  for (const auto &i : st.items) warnings += i.level == "warning" || i.level == "error";

  std::string text;
  if (Format == "json") {
    text = sqlrace::report::toJson(st.items);
  } else if (Format == "sarif") {
    std::vector<sqlrace::report::RuleDoc> rules;
    for (const sqlrace::RuleInfo &r : sqlrace::allRules()) rules.push_back({r.id, r.summary, docOf(r.id)});
    rules.push_back({"nolint-reason", "a NOLINT suppression without a reason (--require-nolint-reason)",
                     docOf("nolint-reason")});
    rules.push_back({"unresolved-sql", "a database call whose SQL text could not be resolved (--verbose)",
                     docOf("unresolved-sql")});
    rules.push_back({"invalid-schema", "a schema file statement that could not be read or applied",
                     docOf("invalid-schema")});
    text = sqlrace::report::toSarif(st.items, rules, SQLRACE_VERSION, "file://" + RootDir() + "/");
  } else {
    llvm::raw_string_ostream os(text);
    os.SetBuffered();  // written a few characters at a time; flushed below
    auto line = [&](const sqlrace::report::Place &p, const char *level, const std::string &msg, const std::string &rule) {
      if (p.valid()) os << p.file << ":" << p.line << ":" << p.col << ": ";
      os << level << ": " << msg;
      if (!rule.empty()) os << " [sqlrace-" << rule << "]";
      os << "\n";
    };
    // The source line and caret, as clang prints them: not again for a diagnostic at the
    // place of the one before (unless a note follows something else there).
    sqlrace::report::Place lastPlace;
    std::string lastLevel;
    // A fix-it on the line (clang-tidy's note with the replacement) is shown as clang does:
    // the replaced range underlined with ~, and the new text on the line below.
    auto snippet = [&](const sqlrace::report::Place &p, const std::string &level, const std::string &src,
                       const sqlrace::report::Item *fix = nullptr) {
      bool hint = fix && fix->fixBegin.valid() && fix->fixBegin.file == p.file && fix->fixBegin.line == p.line &&
                  fix->fixEnd.line == p.line && fix->fixEnd.col > fix->fixBegin.col;
      bool repeat = !hint && p.valid() && p.file == lastPlace.file && p.line == lastPlace.line &&
                    p.col == lastPlace.col && (lastLevel != "note" || level == lastLevel);
      lastPlace = p;
      lastLevel = level;
      if (src.empty() || repeat) return;
      // clang 17 and later put the line number in a gutter: "   15 | code", "      | ^"; its
      // width is that of line + 16 (the snippet line limit), at least 4
      unsigned gutter = 0;
#if SQLRACE_LLVM_MAJOR >= 17
      gutter = std::max<unsigned>(4, std::to_string(p.line + 16).size());
#endif
      auto pad = [&](unsigned col) {
        if (gutter) os << std::string(gutter + 2, ' ') << "| ";
        for (unsigned c = 1; c < col; ++c) os << (c - 1 < src.size() && src[c - 1] == '\t' ? '\t' : ' ');
      };
      if (gutter) os << std::string(gutter - std::to_string(p.line).size() + 1, ' ') << p.line << " | ";
      os << src << "\n";
      if (!hint) {
        pad(p.col);
        os << "^\n";
        return;
      }
      unsigned from = std::min(p.col, fix->fixBegin.col), to = fix->fixEnd.col;
      pad(from);
      for (unsigned c = from; c < to; ++c) os << (c == p.col ? '^' : '~');
      if (p.col >= to) os << '^';
      os << "\n";
      pad(fix->fixBegin.col);
      os << fix->fixText << "\n";
    };
    for (const auto &i : st.items) {
      line(i.at, i.level.c_str(), i.message, i.rule);
      snippet(i.at, i.level, i.sourceLine);
      for (size_t k = 0; k < i.notes.size(); ++k) {
        line(i.notes[k].first, "note", i.notes[k].second, "");
        bool rewriteNote = sqlrace::startsWith(i.notes[k].second, "suggested rewrite:");
        snippet(i.notes[k].first, "note", k < i.noteLines.size() ? i.noteLines[k] : std::string(),
                rewriteNote ? &i : nullptr);
      }
      if (ShowInterleaving && i.level != "remark") os << sqlrace::report::interleaving(i);
    }
    os.flush();
  }
  if (!OutputFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream out(OutputFile, ec);
    if (ec) {
      llvm::errs() << "sqlrace: error: " << OutputFile << ": " << ec.message() << "\n";
      return 2;
    }
    out << text;
  } else {
    llvm::outs() << text;
  }

  if (rc != 0 && st.filesWithErrors == 0) {
    llvm::errs() << "sqlrace: error: some files could not be analyzed (see the messages above)\n";
    return 2;
  }
  if (st.filesWithErrors) return 2;
  return warnings && !ExitZero ? 1 : 0;
}

}  // namespace

int main(int argc, const char **argv) {
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << "sqlrace " SQLRACE_VERSION "\n"; });
  // Everything after `--` is compiler flags for a fixed compile database.
  int nargs = argc;
  std::string err;
  std::unique_ptr<CompilationDatabase> db = FixedCompilationDatabase::loadFromCommandLine(nargs, argv, err);
  if (!err.empty()) {
    llvm::errs() << "sqlrace: error: " << err << "\n";
    return 2;
  }
  llvm::cl::HideUnrelatedOptions(Category);
  if (!llvm::cl::ParseCommandLineOptions(nargs, argv, Overview, &llvm::errs())) return 2;
  RootDir();  // now, before any chdir
  sqlrace::setFirstLook(!FullAnalysis);
  if (ListRules) {
    for (const sqlrace::RuleInfo &r : sqlrace::allRules()) llvm::outs() << r.id << "\t" << r.summary << "\n";
    return 0;
  }
  if (!Explain.empty()) {
    std::string id = llvm::StringRef(Explain).consume_front("sqlrace-") ? Explain.substr(8) : Explain.getValue();
    std::string doc = docOf(id);
    if (doc.empty()) {
      llvm::errs() << "sqlrace: error: no rule '" << Explain << "' (see --list-rules)\n";
      return 2;
    }
    llvm::outs() << doc;
    return 0;
  }
  if (Format != "text" && Format != "json" && Format != "sarif") {
    llvm::errs() << "sqlrace: error: --format must be text, json or sarif\n";
    return 2;
  }
  if (Merge) {
    std::vector<std::string> texts;
    for (const std::string &f : SourcePaths) {
      auto buf = llvm::MemoryBuffer::getFile(f);
      if (!buf) {
        llvm::errs() << "sqlrace: error: " << f << ": " << buf.getError().message() << "\n";
        return 2;
      }
      texts.push_back((*buf)->getBuffer().str());
    }
    std::string out, error;
    if (!sqlrace::report::merge(texts, out, error)) {
      llvm::errs() << "sqlrace: error: cannot merge: " << error << "\n";
      return 2;
    }
    if (OutputFile.empty()) {
      llvm::outs() << out;
    } else {
      std::error_code ec;
      llvm::raw_fd_ostream f(OutputFile, ec);
      if (ec) {
        llvm::errs() << "sqlrace: error: " << OutputFile << ": " << ec.message() << "\n";
        return 2;
      }
      f << out;
    }
    return 0;
  }
  if (!db) {
    if (!BuildPath.empty())
      db = CompilationDatabase::autoDetectFromDirectory(BuildPath, err);
    else if (!SourcePaths.empty())
      db = CompilationDatabase::autoDetectFromSource(SourcePaths[0], err);
    else
      err = "no input: give -p <build dir>, or files followed by -- <compiler flags>";
    if (!db) {
      llvm::errs() << "sqlrace: error: cannot load a compilation database: " << err << "\n";
      return 2;
    }
  }
  std::vector<std::string> files(SourcePaths.begin(), SourcePaths.end());
  if (files.empty()) files = db->getAllFiles();
  if (files.empty()) {
    llvm::errs() << "sqlrace: error: no input files (the compilation database lists none)\n";
    return 2;
  }
  // A header (what pre-commit passes) is analyzed through the files of the
  // compile database that include it.
  {
    std::vector<std::string> mapped;
    std::vector<std::string> all = db->getAllFiles();
    for (const std::string &f : files) {
      llvm::StringRef ext = llvm::sys::path::extension(f);
      bool header = ext == ".h" || ext == ".hh" || ext == ".hpp" || ext == ".hxx" || ext == ".inc";
      if (!header || all.empty()) {
        mapped.push_back(f);
        continue;
      }
      std::string name = llvm::sys::path::filename(f).str();
      for (const std::string &tu : all) {
        auto buf = llvm::MemoryBuffer::getFile(tu);
        if (!buf) continue;
        llvm::StringRef text = (*buf)->getBuffer();
        for (size_t at = text.find(name); at != llvm::StringRef::npos; at = text.find(name, at + 1)) {
          size_t lineStart = text.rfind('\n', at);
          llvm::StringRef line = text.slice(lineStart == llvm::StringRef::npos ? 0 : lineStart + 1, at);
          if (line.contains("#include") || line.contains("# include")) {
            mapped.push_back(tu);
            break;
          }
        }
      }
    }
    std::sort(mapped.begin(), mapped.end());
    mapped.erase(std::unique(mapped.begin(), mapped.end()), mapped.end());
    files = mapped;
    if (files.empty()) return 0;  // only headers no file includes: nothing to analyze
  }
  std::vector<std::string> allFiles = files;  // the cross-file pass sees every file, a shard analyzes its own
  if (!Shard.empty()) {  // K/N: every N-th file, starting with the K-th, in a stable order
    unsigned k = 0, n = 0;
    if (sscanf(Shard.c_str(), "%u/%u", &k, &n) != 2 || n == 0 || k == 0 || k > n) {
      llvm::errs() << "sqlrace: error: --shard must be K/N with 1 <= K <= N\n";
      return 2;
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> mine;
    for (size_t i = 0; i < files.size(); ++i)
      if (i % n == k - 1) mine.push_back(files[i]);
    files = mine;
  }

  // The user's wrappers and dialect: one file for the run, or the nearest to each file.
  std::string configError;
  if (!ConfigPath.empty()) {
    if (!sqlrace::loadConfigFile(ConfigPath, configError)) {
      llvm::errs() << "sqlrace: error: " << configError << "\n";
      return 2;
    }
  } else {
    for (const std::string &f : files)
      if (auto found = sqlrace::findConfigFile(f))
        if (!sqlrace::loadConfigFile(*found, configError)) {
          llvm::errs() << "sqlrace: error: " << configError << "\n";
          return 2;
        }
  }

  // The schema: --schema paths, the configuration's, or the usual places under the root.
  for (const std::string &p : SchemaPaths) {
    llvm::SmallString<256> abs(p);
    llvm::sys::fs::make_absolute(abs);
    sqlrace::addSchemaPath(std::string(abs.str()), p);
  }
  sqlrace::setSchemaRoot(RootDir());

  // Builtin headers (stddef.h, ...) live in clang's resource directory, which a
  // tool installed outside LLVM's tree cannot find on its own.
  std::vector<ArgumentsAdjuster> adjusters = {
      getInsertArgumentAdjuster(("-resource-dir=" + ResourceDir).c_str(), ArgumentInsertPosition::BEGIN),
      // Compiler warnings are not ours to report; errors still are.
      getInsertArgumentAdjuster("-w", ArgumentInsertPosition::END)};

  // Across files: a first pass summarizes every file's functions, so that a
  // helper in one file and its caller in another are joined in the second.
  std::string cacheDir = CacheDir;
  if (cacheDir.empty() && !BuildPath.empty()) cacheDir = BuildPath + "/.sqlrace-cache";
  if (SummarizeOnly)  // phase one of a parallel run: this shard's summaries into the shared cache
    return summarizeAll(*db, files, adjusters, cacheDir) ? 0 : 2;

  unsigned jobs = Jobs ? Jobs : std::max(1u, std::thread::hardware_concurrency());
  bool parallel = jobs > 1 && files.size() > 1 && Shard.empty();
  // In a parallel run the children summarize (phase one), so the parent does not.
  if (!parallel && allFiles.size() > 1 && !NoCrossFile && !summarizeAll(*db, allFiles, adjusters, cacheDir)) return 2;

  // In parallel: this process runs one child per share of the files, twice --
  // first to cache that share's summaries, then (all summaries cached) to
  // analyze it as a --shard run writing JSON -- and merges the JSON.
  if (parallel) {
    jobs = std::min<unsigned>(jobs, files.size());
    std::string self = llvm::sys::fs::getMainExecutable(argv[0], (void *)&Overview);
    llvm::SmallString<128> tmp;
    llvm::sys::fs::createUniqueDirectory("sqlrace-jobs", tmp);
    std::string shared = cacheDir.empty() ? std::string(tmp.str()) + "/cache" : cacheDir;
    auto outputOf = [&](unsigned k) { return std::string(tmp.str()) + "/" + std::to_string(k) + ".json"; };
    // the arguments every child shares: settings, and every file (the shard picks its own)
    auto commonChildArgs = [&](std::vector<std::string> &args) {
      if (NoCrossFile) args.push_back("--no-cross-file");
      if (FullAnalysis) args.push_back("--full-analysis");
      if (Verbose) args.push_back("--verbose");
      if (RequireNolintReason) args.push_back("--require-nolint-reason");
      if (!ConfigPath.empty()) args.push_back("--config=" + ConfigPath.getValue());
      for (const std::string &p : SchemaPaths) args.push_back("--schema=" + p);
      args.push_back("--root=" + RootDir());
      if (!BuildPath.empty()) args.push_back("-p=" + BuildPath.getValue());
      for (const std::string &f : allFiles) args.push_back(f);
      if (BuildPath.empty()) {  // a fixed database: the flags after --
        args.push_back("--");
        for (const CompileCommand &c : db->getCompileCommands(allFiles[0]))
          for (size_t i = 1; i + 1 < c.CommandLine.size(); ++i) args.push_back(c.CommandLine[i]);
      }
    };
    auto progressOf = [&](unsigned k) { return std::string(tmp.str()) + "/" + std::to_string(k) + ".progress"; };
    auto runPhase = [&](bool summarize) {
      bool showProgress = !summarize && llvm::sys::Process::StandardErrIsDisplayed();
      std::vector<llvm::sys::ProcessInfo> children;
      for (unsigned k = 1; k <= jobs; ++k) {
        std::vector<std::string> args{self, "--shard=" + std::to_string(k) + "/" + std::to_string(jobs),
                                      "--cache-dir=" + shared, "--resource-dir=" + ResourceDir.getValue(), "-j", "1"};
        if (summarize) {
          args.push_back("--summarize-only");
        } else {
          args.push_back("--format=json");
          args.push_back("--output=" + outputOf(k));
        }
        commonChildArgs(args);
        if (showProgress) args.push_back("--progress-file=" + progressOf(k));
        std::vector<llvm::StringRef> refs(args.begin(), args.end());
        std::string error;
        children.push_back(llvm::sys::ExecuteNoWait(self, refs, {}, {}, 0, &error));
      }
      // On a terminal, one [k/N] file count for all children, from the names they append to their files.
      std::atomic<bool> finished{false};
      std::thread progress;
      if (showProgress)
        progress = std::thread([&] {
          std::vector<size_t> seen(jobs + 1, 0);
          size_t done = 0;
          for (bool last = false; !last;) {
            last = finished.load();
            for (unsigned k = 1; k <= jobs; ++k) {
              auto buf = llvm::MemoryBuffer::getFile(progressOf(k));
              if (!buf) continue;
              llvm::SmallVector<llvm::StringRef, 16> names;
              (*buf)->getBuffer().split(names, '\n', -1, false);
              for (; seen[k] < names.size(); ++seen[k])
                llvm::errs() << "[" << ++done << "/" << files.size() << "] " << names[seen[k]] << "\n";
            }
            if (!last) std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        });
      int worst = 0;
      for (llvm::sys::ProcessInfo &c : children) {
#if SQLRACE_LLVM_MAJOR >= 16
        llvm::sys::ProcessInfo done = llvm::sys::Wait(c, {});  // until it ends
#else
        llvm::sys::ProcessInfo done = llvm::sys::Wait(c, 0, true);
#endif
        worst = std::max(worst, done.ReturnCode == 1 ? 0 : done.ReturnCode);
      }
      finished = true;
      if (progress.joinable()) progress.join();
      return worst;
    };
    if (allFiles.size() > 1 && !NoCrossFile) runPhase(true);  // phase one: summaries, in parallel
    int worst = runPhase(false);                                // phase two: the analysis
    RunState st;
    for (unsigned k = 1; k <= jobs; ++k) {
      auto buf = llvm::MemoryBuffer::getFile(outputOf(k));
      if (buf) sqlrace::report::fromJson((*buf)->getBuffer().str(), st.items);
    }
    llvm::sys::fs::remove_directories(tmp);
    if (worst != 0) st.filesWithErrors = 1;
    SchemaSaid = true;  // the first child said it
    return finish(st, 0);
  }

  // Progress on a terminal: [k/N] file
  Progress.total = files.size();
  Progress.show = llvm::sys::Process::StandardErrIsDisplayed() && files.size() > 1 && ProgressFile.empty();

  RunState st;
  Factory factory(st);
  int rc = runEach(*db, files, adjusters, factory);
  return finish(st, rc);
}

