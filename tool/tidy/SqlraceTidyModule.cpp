// The clang-tidy plugin: checks sqlrace-<rule> for every rule, all backed by the
// same analysis core as the CLI. Load it with
//   clang-tidy --load=sqlrace-tidy.so --checks='-*,sqlrace-*' file.c -- <flags>
#include "sqlrace/Analyzer.h"
#include "sqlrace/Config.h"
#include "sqlrace/Rules.h"
#include "sqlrace/Suppress.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include <map>
#include <mutex>
#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace sqlrace::tidy {
namespace {

// Several checks look at the same function; the analysis runs once per
// function and translation unit.
struct Cache {
  const ASTContext *ctx = nullptr;
  std::map<const FunctionDecl *, std::vector<Finding>> findings;

  const std::vector<Finding> &get(const FunctionDecl &fd, ASTContext &c) {
    if (ctx != &c) {
      findings.clear();
      ctx = &c;
    }
    auto it = findings.find(&fd);
    if (it == findings.end()) it = findings.emplace(&fd, analyzeFunction(fd, c)).first;
    return it->second;
  }
};
Cache &cache() {
  static Cache c;
  return c;
}

class RuleCheck : public clang::tidy::ClangTidyCheck {
public:
  RuleCheck(llvm::StringRef name, clang::tidy::ClangTidyContext *ctx, std::string rule)
      : ClangTidyCheck(name, ctx), Rule(std::move(rule)),
        ConfigFile(Options.getLocalOrGlobal("SqlraceConfig", "")),
        Execute(Options.getLocalOrGlobal("SqlraceExecute", "")), Read(Options.getLocalOrGlobal("SqlraceRead", "")),
        Format(Options.getLocalOrGlobal("SqlraceFormat", "")), Dialect(Options.getLocalOrGlobal("SqlraceDialect", "")),
        RequireReason(Options.getLocalOrGlobal("SqlraceRequireNolintReason", "false") == "true"),
        SchemaPaths(Options.getLocalOrGlobal("SqlraceSchema", "")),
        ErrorsAsWarnings(Options.getLocalOrGlobal("SqlraceErrorLevel", "error") == "warning") {}

  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &opts) override {
    Options.store(opts, "SqlraceConfig", ConfigFile);
    Options.store(opts, "SqlraceExecute", Execute);
    Options.store(opts, "SqlraceRead", Read);
    Options.store(opts, "SqlraceFormat", Format);
    Options.store(opts, "SqlraceDialect", Dialect);
    Options.store(opts, "SqlraceRequireNolintReason", RequireReason ? "true" : "false");
    Options.store(opts, "SqlraceSchema", SchemaPaths);
    Options.store(opts, "SqlraceErrorLevel", ErrorsAsWarnings ? "warning" : "error");
  }

  void registerMatchers(MatchFinder *finder) override {
    finder->addMatcher(functionDecl(isDefinition()).bind("fn"), this);
  }

  void onStartOfTranslationUnit() override {
    cache() = Cache();
    resetAnalysisCache();  // a new AST: nothing from the last one may be reused
  }

  void check(const MatchFinder::MatchResult &result) override {
    const auto *fd = result.Nodes.getNodeAs<FunctionDecl>("fn");
    if (!fd || !fd->doesThisDeclarationHaveABody()) return;
    if (!Configured) {
      Configured = true;
      configure(*result.SourceManager);
    }
    if (Rule == "nolint-reason") {  // a NOLINT(sqlrace-...) with no reason after it
      if (!RequireReason) return;
      for (const Finding &f : cache().get(*fd, *result.Context)) {
        llvm::StringRef line, prev;
        sourceLines(*result.SourceManager, SourceLocation::getFromRawEncoding(f.loc.raw), line, prev);
        bool reason = false;
        if (!suppressed(line, prev, f.rule, reason) || reason) continue;
        // at the comment: a NOLINTNEXTLINE's own line is not covered by it (a same-line
        // NOLINT(sqlrace-*) covers this check too, and clang-tidy will hide it)
        SourceLocation at = SourceLocation::getFromRawEncoding(f.loc.raw);
        const SourceManager &sm = *result.SourceManager;
        size_t col = prev.find("NOLINTNEXTLINE");
        if (col != llvm::StringRef::npos && line.find("NOLINT") == llvm::StringRef::npos) {
          SourceLocation fileLoc = sm.getExpansionLoc(at);
          unsigned ln = sm.getExpansionLineNumber(fileLoc);
          if (ln > 1) at = sm.translateLineCol(sm.getFileID(fileLoc), ln - 1, (unsigned)col + 1);
        }
        diag(at, "suppression of sqlrace-%0 without a reason: say why the race cannot happen") << f.rule;
      }
      return;
    }
    for (const Finding &f : cache().get(*fd, *result.Context)) {
      if (f.rule != Rule) continue;
      // An error stops a CMAKE_<LANG>_CLANG_TIDY build; SqlraceErrorLevel=warning keeps it going.
      auto level = f.severity == Severity::Remark                        ? DiagnosticIDs::Remark
                   : f.severity == Severity::Error && !ErrorsAsWarnings ? DiagnosticIDs::Error
                                                                         : DiagnosticIDs::Warning;
      diag(SourceLocation::getFromRawEncoding(f.loc.raw), "%0", level) << f.message;
      for (const Note &n : f.notes) {
        DiagnosticBuilder d = diag(SourceLocation::getFromRawEncoding(n.loc.raw), "%0", DiagnosticIDs::Note);
        d << n.message;
        // The INSERT's literal rewritten in place, on the note with the rewrite: clang-tidy
        // applies it only with --fix-notes, since the statement needs its unique index first.
        if (f.fixBegin.valid() && f.fixBegin.ext < 0 && n.message.rfind("suggested rewrite:", 0) == 0)
          d << FixItHint::CreateReplacement(CharSourceRange::getTokenRange(SourceLocation::getFromRawEncoding(f.fixBegin.raw),
                                                                           SourceLocation::getFromRawEncoding(f.fixEnd.raw)),
                                            f.fixText);
      }
    }
  }

private:
  static void sourceLines(const SourceManager &sm, SourceLocation loc, llvm::StringRef &line, llvm::StringRef &prev) {
    bool invalid = false;
    llvm::StringRef buf = sm.getBufferData(sm.getFileID(loc), &invalid);
    if (invalid) return;
    unsigned off = sm.getFileOffset(loc);
    sqlrace::linesAt(buf, off, line, prev);
  }

  // The same configuration as the CLI: CheckOptions, the file they name, or the
  // .sqlrace.yml nearest to the main file.
  void configure(const SourceManager &sm) {
    std::string error;
    Config options;
    if (!parseOptions(Execute, Read, Format, Dialect, options, error)) {
      configurationDiag("sqlrace: %0") << error;
      return;
    }
    static std::mutex mu;
    static std::set<std::string> appliedOptions;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (appliedOptions.insert(Execute + "|" + Read + "|" + Format + "|" + Dialect).second) applyConfig(options);
    }
    std::optional<std::string> file;
    if (!ConfigFile.empty()) {
      file = ConfigFile;
    } else {
      llvm::StringRef main = sm.getFilename(sm.getLocForStartOfFile(sm.getMainFileID()));
      if (!main.empty()) file = findConfigFile(main.str());
    }
    if (file && !loadConfigFile(*file, error)) configurationDiag("sqlrace: %0") << error;
    // The schema: SqlraceSchema paths (relative to the repository root), the configuration's,
    // or the usual places under the root (the configuration file's folder, else the git root).
    llvm::StringRef main = sm.getFilename(sm.getLocForStartOfFile(sm.getMainFileID()));
    std::string root = file ? llvm::sys::path::parent_path(*file).str() : repositoryRoot(main.str());
    llvm::StringRef rest = SchemaPaths;
    while (!rest.empty()) {
      auto [item, tail] = rest.split(';');
      rest = tail;
      item = item.trim();
      if (item.empty()) continue;
      llvm::SmallString<256> p(item);
      if (!llvm::sys::path::is_absolute(p) && !root.empty()) {
        p = root;
        llvm::sys::path::append(p, item);
      }
      addSchemaPath(std::string(p.str()), item.str());
    }
    if (!root.empty()) setSchemaRoot(root);
    // bad schema input, said once per run (it is not in this file)
    static std::once_flag said;
    std::shared_ptr<const sql::Schema> schema = projectSchema();
    std::call_once(said, [&] {
      for (const sql::SchemaDiagnostic &d : schema->diagnostics)
        configurationDiag("sqlrace: %0:%1:%2: %3 [sqlrace-schema]")
            << d.file << d.line << d.column << d.message;
    });
  }

  std::string Rule;
  std::string ConfigFile, Execute, Read, Format, Dialect;
  bool RequireReason = false;
  std::string SchemaPaths;
  bool ErrorsAsWarnings = false;
  bool Configured = false;
};

class Module : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &factories) override {
    std::vector<std::string> ids;
    for (const RuleInfo &r : allRules()) ids.push_back(r.id);
    ids.push_back("nolint-reason");  // reports NOLINT(sqlrace-...) without a reason, with SqlraceRequireNolintReason
    for (const std::string &rule : ids) {
      factories.registerCheckFactory("sqlrace-" + rule,
                                     [rule](llvm::StringRef name, clang::tidy::ClangTidyContext *ctx) {
                                       return std::make_unique<RuleCheck>(name, ctx, rule);
                                     });
    }
  }
};

}  // namespace
}  // namespace sqlrace::tidy

static clang::tidy::ClangTidyModuleRegistry::Add<sqlrace::tidy::Module>
    X("sqlrace-module", "Check-then-act races in database code.");
