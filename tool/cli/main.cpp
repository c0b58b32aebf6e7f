// sqlrace: the command-line frontend. LibTooling over a compile database (-p)
// or files followed by `-- <flags>`; clang-style diagnostics on stdout.
// Exit codes: 0 clean, 1 findings, 2 usage or tool error (including code that
// does not compile).
#include "sqlrace/Analyzer.h"
#include "sqlrace/Config.h"
#include "sqlrace/Rules.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>

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
llvm::cl::opt<bool> DumpEvents("dump-events", llvm::cl::cat(Category),
                                llvm::cl::desc("Print the statements, executions and dependences of each function"));
llvm::cl::opt<std::string> ResourceDir("resource-dir", llvm::cl::cat(Category),
                                       llvm::cl::desc("Clang resource directory (builtin headers)"),
                                       llvm::cl::init(SQLRACE_CLANG_RESOURCE_DIR));

struct RunState {
  unsigned warnings = 0;
  unsigned filesWithErrors = 0;
};

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

class Visitor : public RecursiveASTVisitor<Visitor> {
public:
  Visitor(ASTContext &ctx, RunState &st) : Ctx(ctx), St(st) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBodies() const { return true; }

  bool VisitFunctionDecl(FunctionDecl *fd) {
    if (!fd->doesThisDeclarationHaveABody()) return true;
    const SourceManager &SM = Ctx.getSourceManager();
    if (!SM.isInMainFile(SM.getExpansionLoc(fd->getLocation()))) return true;
    if (DumpEvents) {
      std::string d = sqlrace::dumpEvents(*fd, Ctx);
      if (d.find("statement") != std::string::npos) llvm::outs() << d;
    }
    for (const sqlrace::Finding &f : sqlrace::analyzeFunction(*fd, Ctx)) {
      if (f.rule == "unresolved-sql" && !Verbose) continue;
      bool remark = f.severity == sqlrace::Severity::Remark;
      printDiag(SM, f.loc, remark ? "remark" : "warning", f.message, f.rule.c_str());
      for (const sqlrace::Note &n : f.notes) printDiag(SM, n.loc, "note", n.message, nullptr);
      if (!remark) St.warnings++;
    }
    return true;
  }

private:
  ASTContext &Ctx;
  RunState &St;
};

class Consumer : public ASTConsumer {
public:
  Consumer(RunState &st, std::string file) : St(st), File(std::move(file)) {}
  void HandleTranslationUnit(ASTContext &ctx) override {
    sqlrace::resetAnalysisCache();  // a new AST: nothing from the last one may be reused
    Visitor(ctx, St).TraverseDecl(ctx.getTranslationUnitDecl());
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
      llvm::StringRef name = it->getFirst()->getName();
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
    return std::make_unique<SummaryConsumer>(P, file.str(), ci);
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
bool summarizeAll(const CompilationDatabase &db, const std::vector<std::string> &files,
                  const std::vector<ArgumentsAdjuster> &adjusters, const std::string &cacheDir) {
  std::vector<std::string> todo;
  std::map<std::string, std::string> keys;
  for (const std::string &f : files) {
    if (!cacheDir.empty()) {
      keys[f] = cacheKey(db, f);
      auto summaries = llvm::MemoryBuffer::getFile(cacheDir + "/" + keys[f] + ".json");
      auto deps = llvm::MemoryBuffer::getFile(cacheDir + "/" + keys[f] + ".deps");
      if (summaries && deps && depsUnchanged((*deps)->getBuffer().str())) {
        std::string error;
        if (sqlrace::importSummaries((*summaries)->getBuffer().str(), error)) continue;
      }
    }
    todo.push_back(f);
  }
  if (todo.empty()) return true;
  ClangTool tool(db, todo);
  for (const ArgumentsAdjuster &a : adjusters) tool.appendArgumentsAdjuster(a);
  IgnoringDiagConsumer quiet;  // the second pass reports what does not compile
  tool.setDiagnosticConsumer(&quiet);
  SummaryPass pass;
  SummaryFactory factory(pass);
  tool.run(&factory);
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

  ClangTool tool(*db, files);
  // Builtin headers (stddef.h, ...) live in clang's resource directory, which a
  // tool installed outside LLVM's tree cannot find on its own.
  std::vector<ArgumentsAdjuster> adjusters = {
      getInsertArgumentAdjuster(("-resource-dir=" + ResourceDir).c_str(), ArgumentInsertPosition::BEGIN),
      // Compiler warnings are not ours to report; errors still are.
      getInsertArgumentAdjuster("-w", ArgumentInsertPosition::END)};
  for (const ArgumentsAdjuster &a : adjusters) tool.appendArgumentsAdjuster(a);

  // Across files: a first pass summarizes every file's functions, so that a
  // helper in one file and its caller in another are joined in the second.
  if (files.size() > 1 && !NoCrossFile) {
    std::string cacheDir = CacheDir;
    if (cacheDir.empty() && !BuildPath.empty()) cacheDir = BuildPath + "/.sqlrace-cache";
    if (!summarizeAll(*db, files, adjusters, cacheDir)) return 2;
  }

  RunState st;
  Factory factory(st);
  int rc = tool.run(&factory);
  if (rc != 0 && st.filesWithErrors == 0) {
    llvm::errs() << "sqlrace: error: some files could not be analyzed (see the messages above)\n";
    return 2;
  }
  if (st.filesWithErrors) return 2;
  return st.warnings ? 1 : 0;
}
