// The rules: each reads a function's events and returns findings.
#pragma once

#include "sqlrace/Events.h"

#include <vector>

namespace sqlrace {

struct RuleInfo {
  const char *id;
  const char *summary;
};
const std::vector<RuleInfo> &allRules();

std::vector<Finding> runRules(const FunctionEvents &ev);

namespace rules {
void maxPlusOne(const FunctionEvents &ev, std::vector<Finding> &out);
void checkThenInsert(const FunctionEvents &ev, std::vector<Finding> &out);
void unparsedSql(const FunctionEvents &ev, std::vector<Finding> &out);

// Shared by the rules (matchers/Protection.cpp).
// Is there a lock or serialization on the same connection that runs before an
// execution of `check` on every path and is still held at `write`? Returns its
// description (for messages) or null.
const char *protection(const FunctionEvents &ev, int check, const Execution &write);
std::string joinColumns(const std::vector<std::string> &cols);
}  // namespace rules

}  // namespace sqlrace
