// Inline expectations in corpus files (clang -verify style) and the comparison
// of a frontend's diagnostics against them.
#pragma once

#include <string>
#include <vector>

namespace sqlrace::test {

struct Diag {
  unsigned line = 0, col = 0;
  std::string kind;  // warning, note, remark, error
  std::string text;
  bool operator<(const Diag &o) const;
  bool operator==(const Diag &o) const;
};

struct Expectation {
  unsigned line = 0;
  std::string kind;
  std::string substring;
};

// `// expected-warning{{text}}`, `expected-note@+2{{text}}`, `expected-remark@-1{{...}}`
std::vector<Expectation> parseExpectations(const std::string &source);
// `file:line:col: kind: text` lines about `file` (matched by base name).
std::vector<Diag> parseDiagnostics(const std::string &output, const std::string &file);
// Empty when every expectation is met by exactly one diagnostic and nothing else was reported.
std::vector<std::string> compare(const std::vector<Expectation> &want, const std::vector<Diag> &got);

}  // namespace sqlrace::test
