// The analysis core shared by every frontend: one function body in, findings out.
#pragma once

#include "sqlrace/Events.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace sqlrace {

// Runs the whole pipeline (events, dependence, rules) on one function definition.
// Functions it calls in the same translation unit are summarized first (and
// cached per translation unit), so a check or an INSERT in a helper counts.
std::vector<Finding> analyzeFunction(const clang::FunctionDecl &fd, clang::ASTContext &ctx);

// The main file's function definitions (template instantiations and lambdas included,
// dependent templates not), in the order a RecursiveASTVisitor meets them; all of them
// analyzed. Frontends walk this list instead of the translation unit again.
const std::vector<const clang::FunctionDecl *> &mainFileFunctions(clang::ASTContext &ctx);

// The statements, executions and dependences found in one function, as text
// (the CLI's --dump-events; empty when the function does no database work).
// Across files (the CLI's first pass): the summaries of this translation unit's
// functions with external linkage, as JSON text; and summaries read back from
// such text, used for calls to functions defined in other files.
std::string exportSummaries(clang::ASTContext &ctx);
bool importSummaries(const std::string &json, std::string &error);

// A first look at each function, before its CFG is built, settles the functions where
// no rule can apply: every SQL text it runs is a plain literal, no table is both checked
// and written there, and nothing else in the file calls it. Off: every function gets
// the whole analysis (the CLI's --full-analysis; tests compare the two).
void setFirstLook(bool on);

// Forgets the per-translation-unit cache (for a new run over the same AST).
void resetAnalysisCache();

std::string dumpEvents(const clang::FunctionDecl &fd, clang::ASTContext &ctx);

}  // namespace sqlrace
