#include "Expectations.h"

#include <regex>
#include <sstream>
#include <tuple>

namespace sqlrace::test {

bool Diag::operator<(const Diag &o) const {
  return std::tie(line, col, kind, text) < std::tie(o.line, o.col, o.kind, o.text);
}
bool Diag::operator==(const Diag &o) const {
  return std::tie(line, col, kind, text) == std::tie(o.line, o.col, o.kind, o.text);
}

std::vector<Expectation> parseExpectations(const std::string &source) {
  static const std::regex re(R"(expected-(warning|note|remark|error)(@([+-]\d+))?\{\{(.*?)\}\})");
  std::vector<Expectation> out;
  std::istringstream in(source);
  std::string line;
  unsigned n = 0;
  while (std::getline(in, line)) {
    ++n;
    for (std::sregex_iterator it(line.begin(), line.end(), re), end; it != end; ++it) {
      Expectation e;
      e.kind = (*it)[1];
      e.line = n + ((*it)[3].matched ? std::stoi((*it)[3]) : 0);
      e.substring = (*it)[4];
      out.push_back(e);
    }
  }
  return out;
}

static std::string baseName(const std::string &p) {
  size_t s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

std::vector<Diag> parseDiagnostics(const std::string &output, const std::string &file) {
  static const std::regex re(R"(^(.*):(\d+):(\d+): (warning|note|remark|error): (.*)$)");
  std::vector<Diag> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, re) || baseName(m[1]) != baseName(file)) continue;
    Diag d;
    d.line = (unsigned)std::stoul(m[2]);
    d.col = (unsigned)std::stoul(m[3]);
    d.kind = m[4];
    d.text = m[5];
    out.push_back(d);
  }
  return out;
}

std::vector<std::string> compare(const std::vector<Expectation> &want, const std::vector<Diag> &got) {
  std::vector<std::string> problems;
  std::vector<bool> used(got.size(), false);
  for (const Expectation &e : want) {
    bool found = false;
    for (size_t i = 0; i < got.size() && !found; ++i)
      if (!used[i] && got[i].line == e.line && got[i].kind == e.kind &&
          got[i].text.find(e.substring) != std::string::npos)
        used[i] = found = true;
    if (!found)
      problems.push_back("missing " + e.kind + " on line " + std::to_string(e.line) + ": {{" + e.substring + "}}");
  }
  for (size_t i = 0; i < got.size(); ++i)
    if (!used[i])
      problems.push_back("unexpected " + got[i].kind + " on line " + std::to_string(got[i].line) + ":" +
                         std::to_string(got[i].col) + ": " + got[i].text);
  return problems;
}

}  // namespace sqlrace::test
