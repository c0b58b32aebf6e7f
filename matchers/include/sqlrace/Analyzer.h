// The analysis core shared by every frontend: one function body in, findings out.
#pragma once

#include "sqlrace/Events.h"

#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
}  // namespace clang

namespace sqlrace {

// Runs the whole pipeline (events, dependence, rules) on one function definition.
std::vector<Finding> analyzeFunction(const clang::FunctionDecl &fd, clang::ASTContext &ctx);

}  // namespace sqlrace
