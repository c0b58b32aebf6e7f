// Findings as the CLI reports them: resolved to file/line/column, with a
// fingerprint that survives unrelated edits, written as clang-style text,
// JSON or SARIF 2.1.0. No Clang in here.
#pragma once

#include <string>
#include <vector>

namespace sqlrace::report {

struct Place {
  std::string file;  // relative to the root when under it
  unsigned line = 0, col = 0;
  bool valid() const { return line > 0; }
};

struct Item {
  std::string rule, level;  // level: error, warning or remark
  std::string grade, gradeReason;  // how the schema says the race shows ("silent", "constraint"), and why
  Place at;
  std::string message;
  std::vector<std::pair<Place, std::string>> notes;
  std::string sql;          // suggested rewrite, one line
  // the same as data: DDL to run once, the statements the code runs instead, the rest in words
  std::vector<std::string> schema, statements;
  std::string rewriteNote;
  std::string fingerprint;  // stable across unrelated edits
  std::string function;
  Place check;              // where the check runs (for the two-session interleaving)
  std::string sourceLine;   // for text output
  std::vector<std::string> noteLines;  // the source line of each note (text output)
  Place fixBegin, fixEnd;   // a mechanical edit: replace [fixBegin, fixEnd) by fixText
  std::string fixText;
};

struct RuleDoc {
  std::string id, summary, markdown;
};

std::string toJson(const std::vector<Item> &items);
// Reads the items of a JSON report back (a parallel run's children).
bool fromJson(const std::string &text, std::vector<Item> &out);
std::string toSarif(const std::vector<Item> &items, const std::vector<RuleDoc> &rules, const std::string &version,
                    const std::string &rootUri);
// The interleaving that breaks a finding, for the text report.
std::string interleaving(const Item &item);

// Fingerprints of a JSON or SARIF report, or of a baseline file written by --baseline-write.
bool readFingerprints(const std::string &text, std::vector<std::string> &out, std::string &error);
std::string baselineJson(const std::vector<Item> &items);
// Merges SARIF or JSON reports (from --shard runs) into one of the same kind.
bool merge(const std::vector<std::string> &texts, std::string &out, std::string &error);

}  // namespace sqlrace::report
