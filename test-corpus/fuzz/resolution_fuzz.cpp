// libFuzzer target for SQL text resolution and the analysis behind it: the
// input's bytes become string literals, a format string and concatenated
// pieces of a small C++ program, which is parsed by Clang and analyzed.
#include "sqlrace/Analyzer.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/Tooling.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

// bytes -> a C string literal that says exactly those bytes
std::string literal(const std::string &s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    char buf[8];
    snprintf(buf, sizeof buf, "\\%03o", c);
    out += buf;
  }
  return out + "\"";
}

class Visit : public clang::RecursiveASTVisitor<Visit> {
public:
  explicit Visit(clang::ASTContext &c) : Ctx(c) {}
  bool VisitFunctionDecl(clang::FunctionDecl *fd) {
    if (fd->doesThisDeclarationHaveABody()) sqlrace::analyzeFunction(*fd, Ctx);
    return true;
  }
  clang::ASTContext &Ctx;
};

class Consumer : public clang::ASTConsumer {
public:
  void HandleTranslationUnit(clang::ASTContext &ctx) override {
    sqlrace::resetAnalysisCache();
    Visit(ctx).TraverseDecl(ctx.getTranslationUnitDecl());
  }
};

class Action : public clang::ASTFrontendAction {
public:
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &, llvm::StringRef) override {
    return std::make_unique<Consumer>();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char *>(data), size);
  size_t cut = text.find('\n');
  std::string a = text.substr(0, cut), b = cut == std::string::npos ? "" : text.substr(cut + 1);
  std::string code =
      "extern \"C\" {\n"
      "typedef struct pg_conn PGconn; typedef struct pg_result PGresult;\n"
      "PGresult *PQexec(PGconn *, const char *);\n"
      "PGresult *PQexecParams(PGconn *, const char *, int, const unsigned *, const char *const *, const int *,"
      " const int *, int);\n"
      "int PQntuples(const PGresult *); char *PQgetvalue(const PGresult *, int, int); void PQclear(PGresult *);\n"
      "int snprintf(char *, unsigned long, const char *, ...);\n"
      "}\n"
      "int f(PGconn *c, const char *const *p, long n) {\n"
      "  PGresult *r = PQexecParams(c, " + literal(a) + ", 1, 0, p, 0, 0, 0);\n"
      "  int found = PQntuples(r) > 0; PQclear(r);\n"
      "  char buf[256]; snprintf(buf, sizeof buf, " + literal(b) + ", n, n, n, n);\n"
      "  if (!found) PQclear(PQexec(c, buf));\n"
      "  const char *s = found ? " + literal(a) + " : " + literal(b) + ";\n"
      "  PQclear(PQexec(c, s));\n"
      "  return found;\n"
      "}\n";
  clang::tooling::runToolOnCodeWithArgs(std::make_unique<Action>(), code,
                                        {"-std=c++17", "-fsyntax-only", "-w", "-resource-dir=" SQLRACE_CLANG_RESOURCE_DIR},
                                        "fuzz.cpp");
  return 0;
}

#ifdef SQLRACE_FUZZ_STANDALONE
#include "replay_main.h"
#endif
