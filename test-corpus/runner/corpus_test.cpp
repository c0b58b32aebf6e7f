// Runs both frontends (the sqlrace CLI and the real clang-tidy loading the
// plugin) on every corpus file and checks their diagnostics against the
// expectations written in the file, and against each other.
#include "Expectations.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

using namespace sqlrace::test;

namespace {

struct RunResult {
  int status = -1;
  std::string out;
};

RunResult run(const std::string &cmd) {
  RunResult r;
  FILE *p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A `// RUN: <flags>` line near the top adds compiler flags (the shell expands
// them, so `$(pkg-config --cflags Qt5Sql)` works).
std::string runFlags(const std::string &file) {
  std::ifstream in(file);
  std::string line;
  for (int i = 0; i < 5 && std::getline(in, line); ++i) {
    size_t p = line.find("// RUN:");
    if (p != std::string::npos) return " " + line.substr(p + 7);
  }
  return "";
}

std::string flagsFor(const std::string &file) {
  std::string f = runFlags(file) + " -I" SQLRACE_PG_INCLUDE;
  if (file.size() > 2 && file.substr(file.size() - 2) == ".c") f += " -std=c11";
  else f += " -std=c++17";
  return f;
}

std::string cliCommand(const std::string &file) {
  return std::string(SQLRACE_CLI) + " " + file + " --" + flagsFor(file);
}

// A sanitizer build has no plugin (an instrumented module cannot be loaded into clang-tidy).
#define SKIP_WITHOUT_PLUGIN() \
  if (std::string(SQLRACE_TIDY_PLUGIN).empty()) GTEST_SKIP() << "no clang-tidy plugin in this build"

std::string tidyCommand(const std::string &file) {
  return std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN " --checks='-*,sqlrace-*' " + file +
         " --" + flagsFor(file);
}

// Corpus files, relative to test-corpus/: cases/*.c|cpp, wrappers/*.c|cpp and
// schema*/*.c|cpp (the latter configured by the .sqlrace.yml beside them).
std::vector<std::string> listCases() {
  std::vector<std::string> out;
  for (const char *sub : {"cases", "wrappers", "schema", "schema-sqlite", "schema-mysql"}) {
    if (DIR *d = opendir((std::string(SQLRACE_CORPUS_DIR) + "/" + sub).c_str())) {
      while (dirent *e = readdir(d)) {
        std::string n = e->d_name;
        if ((n.size() > 2 && n.substr(n.size() - 2) == ".c") || (n.size() > 4 && n.substr(n.size() - 4) == ".cpp"))
          out.push_back(std::string(sub) + "/" + n);
      }
      closedir(d);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string report(const std::vector<std::string> &problems, const std::string &output) {
  std::string s;
  for (const std::string &p : problems) s += "  " + p + "\n";
  return s + "--- output ---\n" + output;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, CliMatchesExpectations) {
  std::string file = std::string(SQLRACE_CORPUS_DIR) + "/" + GetParam();
  std::vector<Expectation> want = parseExpectations(readFile(file));
  RunResult r = run(cliCommand(file));
  std::vector<Diag> got = parseDiagnostics(r.out, file);
  std::vector<std::string> problems = compare(want, got);
  EXPECT_TRUE(problems.empty()) << report(problems, r.out);
  bool anyWarning = std::any_of(want.begin(), want.end(),
                                [](const Expectation &e) { return e.kind == "warning" || e.kind == "error"; });
  EXPECT_EQ(r.status, anyWarning ? 1 : 0) << "exit status\n" << r.out;
}

TEST_P(Corpus, ClangTidyPluginMatchesExpectationsAndCli) {
  SKIP_WITHOUT_PLUGIN();
  std::string file = std::string(SQLRACE_CORPUS_DIR) + "/" + GetParam();
  std::vector<Expectation> want = parseExpectations(readFile(file));
  RunResult t = run(tidyCommand(file));
  // clang-tidy exits 1 when a check reports an error (a race the schema says is silent)
  bool anyError = std::any_of(want.begin(), want.end(), [](const Expectation &e) { return e.kind == "error"; });
  ASSERT_EQ(t.status, anyError ? 1 : 0) << t.out;
  std::vector<Diag> tidy = parseDiagnostics(t.out, file);
  std::vector<std::string> problems = compare(want, tidy);
  EXPECT_TRUE(problems.empty()) << report(problems, t.out);
  // Same findings, same places, same words as the CLI.
  RunResult c = run(cliCommand(file));
  std::vector<Diag> cli = parseDiagnostics(c.out, file);
  std::sort(tidy.begin(), tidy.end());
  std::sort(cli.begin(), cli.end());
  EXPECT_EQ(tidy, cli) << "clang-tidy:\n" << t.out << "\nsqlrace:\n" << c.out;
  // Byte for byte: what tools that read clang-tidy's output see is the same. (--root=/
  // keeps the path as given, as clang-tidy prints it; clang-tidy's counts go to stderr.)
  RunResult tOut = run("(" + tidyCommand(file) + " 2>/dev/null)");
  RunResult cOut = run("(" + std::string(SQLRACE_CLI) + " --root=/ " + file + " --" + flagsFor(file) + " 2>/dev/null)");
  EXPECT_EQ(tOut.out, cOut.out);
}

// The first look settles functions without the full analysis only where no rule can
// apply: every report, remarks and unresolved SQL included, is the same byte for byte.
TEST_P(Corpus, FirstLookSettlesNothingTheAnalysisWouldReport) {
  std::string file = std::string(SQLRACE_CORPUS_DIR) + "/" + GetParam();
  std::string cmd = std::string(SQLRACE_CLI) + " --verbose " + file + " --" + flagsFor(file);
  RunResult quick = run(cmd);
  RunResult full = run(std::string(SQLRACE_CLI) + " --full-analysis --verbose " + file + " --" + flagsFor(file));
  EXPECT_EQ(quick.status, full.status);
  EXPECT_EQ(quick.out, full.out);
}

INSTANTIATE_TEST_SUITE_P(Cases, Corpus, ::testing::ValuesIn(listCases()),
                         [](const ::testing::TestParamInfo<std::string> &i) {
                           std::string n = i.param;
                           for (char &ch : n)
                             if (!isalnum((unsigned char)ch)) ch = '_';
                           return n;
                         });

TEST(CorpusSanity, EveryRuleHasPositivesAndTheCorpusHasNegatives) {
  int maxPlusOne = 0, checkThenInsert = 0, quietFiles = 0;
  for (const std::string &c : listCases()) {
    std::vector<Expectation> want = parseExpectations(readFile(std::string(SQLRACE_CORPUS_DIR) + "/" + c));
    int warnings = 0;
    for (const Expectation &e : want) {
      if (e.kind != "warning") continue;
      ++warnings;
      if (e.substring.find("max-plus-one") != std::string::npos) ++maxPlusOne;
      if (e.substring.find("check-then-insert") != std::string::npos) ++checkThenInsert;
    }
    if (warnings == 0) ++quietFiles;
  }
  EXPECT_GE(maxPlusOne, 3);
  EXPECT_GE(checkThenInsert, 3);
  EXPECT_GE(quietFiles, 2);
}

// ---- the comparison itself must be able to fail ----------------------------
TEST(Expectations, MissingAndUnexpectedAreReported) {
  std::string src = "int a; // expected-warning{{[sqlrace-x]}}\n// expected-note@+1{{check of 't'}}\nint b;\n";
  std::vector<Expectation> want = parseExpectations(src);
  ASSERT_EQ(want.size(), 2u);
  EXPECT_EQ(want[0].line, 1u);
  EXPECT_EQ(want[1].line, 3u);
  std::vector<Diag> got = parseDiagnostics(
      "/x/f.c:1:5: warning: bad thing [sqlrace-x]\n/x/f.c:4:1: note: check of 't' here\nother.c:1:1: warning: y\n",
      "f.c");
  ASSERT_EQ(got.size(), 2u);
  std::vector<std::string> p = compare(want, got);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].find("missing note on line 3"), std::string::npos);
  EXPECT_NE(p[1].find("unexpected note on line 4"), std::string::npos);
  got[1].line = 3;
  EXPECT_TRUE(compare(want, got).empty());
}

// ---- bad input: clear messages, no crash, exit codes -------------------------
TEST(BadInput, UnparseableSqlIsARemarkNotACrash) {
  std::string file = SQLRACE_BAD_DIR "/unparseable_sql.c";
  std::vector<Expectation> want = parseExpectations(readFile(file));
  RunResult r = run(cliCommand(file));
  EXPECT_EQ(r.status, 0) << r.out;  // remarks do not fail the run
  std::vector<std::string> problems = compare(want, parseDiagnostics(r.out, file));
  EXPECT_TRUE(problems.empty()) << report(problems, r.out);
  if (std::string(SQLRACE_TIDY_PLUGIN).empty()) return;  // sanitizer build
  RunResult t = run(tidyCommand(file));
  EXPECT_EQ(t.status, 0) << t.out;
  problems = compare(want, parseDiagnostics(t.out, file));
  EXPECT_TRUE(problems.empty()) << report(problems, t.out);
}

TEST(BadInput, CodeThatDoesNotCompileExitsTwoWithAMessage) {
  RunResult r = run(cliCommand(SQLRACE_BAD_DIR "/does_not_compile.c"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("error: use of undeclared identifier"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("does not compile"), std::string::npos) << r.out;
}

TEST(BadInput, MissingCompileDatabaseExitsTwo) {
  RunResult r = run(std::string(SQLRACE_CLI) + " -p /nonexistent/build");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("compilation database"), std::string::npos) << r.out;
}

TEST(BadInput, MissingFileExitsTwo) {
  RunResult r = run(std::string(SQLRACE_CLI) + " /nonexistent/file.c --");
  EXPECT_EQ(r.status, 2) << r.out;
}

TEST(BadInput, UnknownOptionExitsTwo) {
  RunResult r = run(std::string(SQLRACE_CLI) + " --no-such-option x.c --");
  EXPECT_NE(r.status, 0) << r.out;
  EXPECT_NE(r.status, 1) << r.out;
}

TEST(Cli, VersionAndBuiltinHeaders) {
  RunResult v = run(std::string(SQLRACE_CLI) + " --version");
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("sqlrace"), std::string::npos) << v.out;
  // stddef.h comes from clang's resource directory, found without help.
  RunResult r = run(cliCommand(SQLRACE_BAD_DIR "/builtin_headers.c"));
  EXPECT_EQ(r.status, 0) << r.out;
}

}  // namespace

// ---- the bundled example project, through its compile database ---------------
namespace {
TEST(ExampleProject, FindsTheRacesThroughTheCompileDatabase) {
  RunResult r = run(std::string(SQLRACE_CLI) + " -p " SQLRACE_EXAMPLE_BUILD);
  EXPECT_EQ(r.status, 1) << r.out;
  struct Want { const char *file; const char *rule; };
  const Want wants[] = {{"stock.c", "[sqlrace-check-then-insert]"},
                        {"invoices.c", "[sqlrace-max-plus-one]"},
                        {"tags.c", "[sqlrace-check-then-insert]"}};
  size_t warnings = 0;
  for (const char *f : {"stock.c", "invoices.c", "tags.c"})
    for (const Diag &d : parseDiagnostics(r.out, f))
      if (d.kind == "warning") ++warnings;
  // four races: one per racy function; the fixed twins stay quiet
  EXPECT_EQ(warnings, 4u) << r.out;
  for (const Want &w : wants) {
    bool found = false;
    for (const Diag &d : parseDiagnostics(r.out, w.file))
      if (d.kind == "warning" && d.text.find(w.rule) != std::string::npos) found = true;
    EXPECT_TRUE(found) << w.file << " " << w.rule << "\n" << r.out;
  }
  // the DO UPDATE keeps the code's own increment
  EXPECT_NE(r.out.find("on_hand = products.on_hand + excluded.on_hand"), std::string::npos) << r.out;
}
}  // namespace

// ctest runs one corpus file per test through --gtest_filter; a filter that
// selects nothing must fail rather than pass vacuously.
int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  int rc = RUN_ALL_TESTS();
  if (::testing::UnitTest::GetInstance()->test_to_run_count() == 0) {
    fprintf(stderr, "corpus_test: the filter selected no tests\n");
    return 1;
  }
  return rc;
}

// ---- configuration ------------------------------------------------------------
namespace {
std::string tempDir() {
  char tmpl[] = "/tmp/sqlrace-test-XXXXXX";
  return mkdtemp(tmpl);
}

// The same wrapper file, with the settings given as clang-tidy CheckOptions
// instead of a .sqlrace.yml: the same findings.
TEST(Configuration, ClangTidyCheckOptionsGiveTheSameFindings) {
  SKIP_WITHOUT_PLUGIN();
  std::string dir = tempDir(), file = dir + "/media_library.cpp";
  std::string src = readFile(SQLRACE_CORPUS_DIR "/wrappers/media_library.cpp");
  std::ofstream(file) << src;
  std::vector<Expectation> want = parseExpectations(src);
  std::string config =
      "{CheckOptions: [{key: SqlraceExecute, value: 'dbiplus::Dataset::query;dbiplus::Dataset::exec'}, "
      "{key: SqlraceRead, value: 'dbiplus::Dataset::num_rows;dbiplus::Dataset::fv;dbiplus::Dataset::eof'}, "
      "{key: SqlraceFormat, value: 'CDatabase::PrepareSQL:0'}, {key: SqlraceDialect, value: sqlite}]}";
  RunResult t = run(std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                    " --checks='-*,sqlrace-*' --config=\"" + config + "\" " + file + " -- -std=c++17");
  std::vector<std::string> problems = compare(want, parseDiagnostics(t.out, file));
  EXPECT_TRUE(problems.empty()) << report(problems, t.out);
  // and without any configuration the wrappers are unknown: nothing is found
  RunResult bare = run(std::string(SQLRACE_CLI) + " " + file + " -- -std=c++17");
  EXPECT_EQ(bare.status, 0) << bare.out;
}

TEST(Configuration, ExplicitConfigFlag) {
  std::string dir = tempDir(), file = dir + "/media_library.cpp";
  std::string src = readFile(SQLRACE_CORPUS_DIR "/wrappers/media_library.cpp");
  std::ofstream(file) << src;
  RunResult r = run(std::string(SQLRACE_CLI) + " --config=" SQLRACE_CORPUS_DIR "/wrappers/.sqlrace.yml " + file +
                    " -- -std=c++17");
  EXPECT_EQ(r.status, 1) << r.out;
  std::vector<std::string> problems = compare(parseExpectations(src), parseDiagnostics(r.out, file));
  EXPECT_TRUE(problems.empty()) << report(problems, r.out);
}

TEST(Configuration, ErrorsAreReportedWithTheirPlace) {
  std::string dir = tempDir();
  std::ofstream(dir + "/.sqlrace.yml") << "functions:\n  - name: Db::run\n    role: executes\n";
  std::ofstream(dir + "/a.c") << "int f(void) { return 0; }\n";
  RunResult r = run(std::string(SQLRACE_CLI) + " " + dir + "/a.c --");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(".sqlrace.yml: function 'Db::run': role must be"), std::string::npos) << r.out;
  std::ofstream(dir + "/.sqlrace.yml") << "functions: [ {name: x\n";
  r = run(std::string(SQLRACE_CLI) + " " + dir + "/a.c --");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find(".sqlrace.yml:"), std::string::npos) << r.out;
  if (std::string(SQLRACE_TIDY_PLUGIN).empty()) return;  // sanitizer build
  RunResult t = run(std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                    " --checks='-*,sqlrace-*' " + dir + "/a.c --");
  EXPECT_NE(t.out.find("sqlrace: " + dir + "/.sqlrace.yml"), std::string::npos) << t.out;
}
}  // namespace

namespace {
TEST(BadInput, UnresolvedSqlIsSaidInVerboseOutputOnly) {
  std::string file = SQLRACE_BAD_DIR "/unresolved_sql.c";
  RunResult quiet = run(cliCommand(file));
  EXPECT_EQ(quiet.status, 0) << quiet.out;
  EXPECT_TRUE(parseDiagnostics(quiet.out, file).empty()) << quiet.out;
  RunResult verbose = run(std::string(SQLRACE_CLI) + " --verbose " + file + " --" + flagsFor(file));
  EXPECT_EQ(verbose.status, 0) << verbose.out;
  std::vector<std::string> problems = compare(parseExpectations(readFile(file)), parseDiagnostics(verbose.out, file));
  EXPECT_TRUE(problems.empty()) << report(problems, verbose.out);
  // the first look leaves every text it cannot read as a literal to the analysis, which says why
  RunResult full = run(std::string(SQLRACE_CLI) + " --verbose --full-analysis " + file + " --" + flagsFor(file));
  EXPECT_EQ(verbose.out, full.out);
}
}  // namespace

// ---- across files (the CLI's two passes) ----------------------------------------
namespace {
TEST(MultiFile, JoinsHelperAndCallerAcrossFiles) {
  std::string db = SQLRACE_CORPUS_DIR "/multifile/db.c", orders = SQLRACE_CORPUS_DIR "/multifile/orders.c";
  RunResult r = run(std::string(SQLRACE_CLI) + " " + db + " " + orders + " --" + flagsFor(db));
  EXPECT_EQ(r.status, 1) << r.out;
  for (const std::string &f : {db, orders}) {
    std::vector<std::string> problems = compare(parseExpectations(readFile(f)), parseDiagnostics(r.out, f));
    EXPECT_TRUE(problems.empty()) << f << "\n" << report(problems, r.out);
  }
  // one file alone knows nothing of the other: no finding, no guess
  RunResult alone = run(std::string(SQLRACE_CLI) + " " + orders + " --" + flagsFor(orders));
  EXPECT_EQ(alone.status, 0) << alone.out;
}

// A temporary copy of test-corpus/multifile (db.h, db.c, orders.c); returns its directory.
std::string copyOfMultifile() {
  std::string dir = tempDir();
  for (const char *name : {"db.h", "db.c", "orders.c"})
    std::ofstream(dir + "/" + name) << readFile(std::string(SQLRACE_CORPUS_DIR "/multifile/") + name);
  return dir;
}

// copyOfMultifile() with a compile_commands.json that names the files relative to their directory.
std::string multifileProject() {
  std::string dir = copyOfMultifile();
  std::ofstream(dir + "/compile_commands.json")
      << "[{\"directory\": \"" << dir << "\", \"file\": \"db.c\", \"arguments\": [\"cc\", \"-I" SQLRACE_PG_INCLUDE
      << "\", \"-c\", \"db.c\"]},\n {\"directory\": \"" << dir << "\", \"file\": \"orders.c\", \"arguments\": [\"cc\", \"-I"
      << SQLRACE_PG_INCLUDE << "\", \"-c\", \"orders.c\"]}]\n";
  return dir;
}

// The summary cache entries (.json files) in dir, as paths.
std::vector<std::string> cacheFiles(const std::string &dir) {
  std::vector<std::string> out;
  if (DIR *d = opendir(dir.c_str())) {
    while (dirent *e = readdir(d))
      if (std::string(e->d_name).find(".json") != std::string::npos) out.push_back(dir + "/" + e->d_name);
    closedir(d);
  }
  return out;
}
int cacheEntries(const std::string &dir) { return (int)cacheFiles(dir).size(); }

// The CLI on the multifile project's two files, with its summary cache in dir/cache.
std::string cachedMultifileRun(const std::string &dir) {
  return std::string(SQLRACE_CLI) + " --cache-dir=" + dir + "/cache " + dir + "/db.c " + dir +
         "/orders.c -- -I" SQLRACE_PG_INCLUDE;
}

TEST(MultiFile, SummariesAreCachedPerFileContent) {
  std::string dir = copyOfMultifile();
  std::string cmd = cachedMultifileRun(dir);
  RunResult first = run(cmd);
  EXPECT_EQ(first.status, 1) << first.out;
  EXPECT_EQ(cacheEntries(dir + "/cache"), 2);
  RunResult second = run(cmd);  // from the cache: the same findings
  for (const char *f : {"/db.c", "/orders.c"})
    EXPECT_EQ(parseDiagnostics(second.out, dir + f), parseDiagnostics(first.out, dir + f));
  // a change to a file makes a new entry; the findings follow the new text
  std::string changed = readFile(dir + "/db.c");
  changed.replace(changed.find("SELECT 1 FROM products"), 22, "SELECT 1 FROM catalog ");
  std::ofstream(dir + "/db.c") << changed;
  RunResult third = run(cmd);
  EXPECT_EQ(cacheEntries(dir + "/cache"), 3);
  EXPECT_EQ(third.out.find("check of 'products'"), std::string::npos) << third.out;
}

TEST(MultiFile, DamagedOrOlderCacheEntriesAreSummarizedAgain) {
  std::string dir = copyOfMultifile();
  std::string cmd = cachedMultifileRun(dir);
  RunResult first = run(cmd);
  ASSERT_EQ(first.status, 1) << first.out;
  // every entry replaced: one by the older format (a JSON array), one truncated mid-line
  std::vector<std::string> entries = cacheFiles(dir + "/cache");
  ASSERT_EQ(entries.size(), 2u);
  std::string kept = readFile(entries[1]);
  std::ofstream(entries[0]) << "[{\"usr\": \"c:@F@x\", \"stmts\": []}]";
  std::ofstream(entries[1]) << kept.substr(0, kept.size() / 2);
  RunResult second = run(cmd);
  EXPECT_EQ(second.status, 1) << second.out;
  for (const char *f : {"/db.c", "/orders.c"})
    EXPECT_EQ(parseDiagnostics(second.out, dir + f), parseDiagnostics(first.out, dir + f));
  // and rewritten in the current form
  for (const std::string &e : entries) EXPECT_NE(readFile(e).find("\t{"), std::string::npos) << e;
}

TEST(MultiFile, CacheWorksWhenTheCompileDatabaseNamesFilesRelatively) {
  std::string dir = multifileProject();
  std::string cmd = std::string(SQLRACE_CLI) + " -p " + dir + " -j 1 --cache-dir=" + dir + "/cache";
  RunResult first = run(cmd);
  EXPECT_EQ(first.status, 1) << first.out;
  EXPECT_EQ(cacheEntries(dir + "/cache"), 2);
  RunResult second = run(cmd);
  EXPECT_EQ(second.out, first.out);
}
}  // namespace

// ---- hostile input: a clear message or a correct result, never a crash or a hang ------
namespace {
// Runs the CLI on generated text with a time limit; a crash is a signal, a hang a timeout.
RunResult runHostile(const std::string &name, const std::string &source, const std::string &flags = "") {
  std::string dir = tempDir(), file = dir + "/" + name;
  std::ofstream(file, std::ios::binary) << source;
  return run("timeout 120 " + std::string(SQLRACE_CLI) + " " + file + " -- -I" SQLRACE_PG_INCLUDE " " + flags);
}

void expectNoCrash(const RunResult &r) {
  EXPECT_TRUE(r.status == 0 || r.status == 1 || r.status == 2) << "status " << r.status << "\n"
                                                                << r.out.substr(0, 2000);
}

TEST(Hostile, LiteralOfSeveralMegabytes) {
  std::string src = "#include <libpq-fe.h>\nvoid f(PGconn *c) { PQclear(PQexec(c, \"SELECT 1 FROM t WHERE a IN (";
  for (int i = 0; i < 400000; ++i) src += (i ? ", " : "") + std::to_string(i);  // ~3 MiB of SQL
  src += ")\")); }\n";
  RunResult r = runHostile("big.c", src);
  expectNoCrash(r);
  EXPECT_EQ(r.status, 0) << r.out.substr(0, 2000);
}

TEST(Hostile, DeeplyNestedConcatenationAndMacros) {
  std::string src = "#include <libpq-fe.h>\n#include <string>\n#define M0 \"SELECT 1 FROM t\"\n";
  for (int i = 1; i <= 200; ++i) src += "#define M" + std::to_string(i) + " M" + std::to_string(i - 1) + "\n";
  src += "void f(PGconn *c, const std::string &v) { std::string s = std::string(M200)";
  for (int i = 0; i < 1500; ++i) src += " + \" \"";
  src += " + v; PQclear(PQexec(c, s.c_str())); PQclear(PQexec(c, M200)); }\n";
  RunResult r = runHostile("nested.cpp", src, "-std=c++17");
  expectNoCrash(r);
  EXPECT_EQ(r.status, 0) << r.out.substr(0, 2000);
}

TEST(Hostile, TenThousandParameters) {
  std::string sql = "INSERT INTO wide VALUES (", init;
  for (int i = 1; i <= 10000; ++i) {
    sql += (i > 1 ? ", $" : "$") + std::to_string(i);
    init += (i > 1 ? ", \"v\"" : "\"v\"");
  }
  sql += ")";
  std::string src = "#include <libpq-fe.h>\nvoid f(PGconn *c) { const char *p[] = {" + init +
                    "}; PQclear(PQexecParams(c, \"" + sql + "\", 10000, 0, p, 0, 0, 0)); }\n";
  RunResult r = runHostile("wide.c", src);
  expectNoCrash(r);
  EXPECT_EQ(r.status, 0) << r.out.substr(0, 2000);
}

TEST(Hostile, TemplatesInstantiatedManyTimes) {
  std::string src = "#include <libpq-fe.h>\n#include <stdlib.h>\n"
                    "template <int N> int f(PGconn *c, const char *const *p) {\n"
                    "  PGresult *r = PQexecParams(c, \"SELECT 1 FROM tags WHERE name = $1\", 1, 0, p, 0, 0, 0);\n"
                    "  int found = PQntuples(r) > 0; PQclear(r);\n"
                    "  if (!found) PQclear(PQexecParams(c, \"INSERT INTO tags (name) VALUES ($1)\", 1, 0, p, 0, 0, 0));\n"
                    "  return found + N; }\n";
  src += "int all(PGconn *c, const char *const *p) { return 0";
  for (int i = 0; i < 300; ++i) src += " + f<" + std::to_string(i) + ">(c, p)";
  src += "; }\n";
  RunResult r = runHostile("templates.cpp", src, "-std=c++17");
  expectNoCrash(r);
  // the race is reported once per instantiation's place, and the run finishes
  EXPECT_EQ(r.status, 1) << r.out.substr(0, 2000);
}

TEST(Hostile, SqlWithUnterminatedQuotesAndComments) {
  std::string src = "#include <sqlite3.h>\nvoid f(sqlite3 *db) {\n"
                    "  sqlite3_exec(db, \"SELECT 'open FROM t\", 0, 0, 0);\n"
                    "  sqlite3_exec(db, \"SELECT 1 /* never closed\", 0, 0, 0);\n"
                    "  sqlite3_exec(db, \"SELECT \\\"open FROM t\", 0, 0, 0);\n"
                    "  sqlite3_exec(db, \"$$ dollar\", 0, 0, 0);\n"
                    "  sqlite3_exec(db, \"\", 0, 0, 0);\n}\n";
  RunResult r = runHostile("quotes.c", src);
  expectNoCrash(r);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("cannot parse this SQL"), std::string::npos) << r.out;
}

TEST(Hostile, EmptyAndMalformedCompileDatabases) {
  std::string dir = tempDir();
  std::ofstream(dir + "/compile_commands.json") << "[]";
  RunResult empty = run(std::string(SQLRACE_CLI) + " -p " + dir);
  EXPECT_EQ(empty.status, 2) << empty.out;
  EXPECT_NE(empty.out.find("lists none"), std::string::npos) << empty.out;
  std::ofstream(dir + "/compile_commands.json") << "[{\"directory\": ";
  RunResult bad = run(std::string(SQLRACE_CLI) + " -p " + dir);
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_NE(bad.out.find("compilation database"), std::string::npos) << bad.out;
}
}  // namespace

// ---- the gate: reports, fingerprints, baselines, suppressions, shards ------------
namespace {
void readFingerprintsFromJson(const std::string &json, std::vector<std::string> &out) {
  const std::string key = "\"fingerprint\": \"";
  for (size_t p = json.find(key); p != std::string::npos; p = json.find(key, p + 1)) {
    size_t b = p + key.size();
    out.push_back(json.substr(b, json.find('"', b) - b));
  }
}

std::string racyFile(const std::string &dir, const std::string &prefix = "") {
  std::string file = dir + "/racy.c";
  std::ofstream(file) << prefix << readFile(SQLRACE_CORPUS_DIR "/cases/pq_product_sync.c");
  return file;
}

TEST(Gate, JsonAndSarifReports) {
  std::string dir = tempDir(), file = racyFile(dir);
  RunResult j = run("cd " + dir + " && " + SQLRACE_CLI + " --format=json racy.c -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_EQ(j.status, 1) << j.out;
  EXPECT_NE(j.out.find("\"rule\": \"check-then-insert\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"fingerprint\""), std::string::npos);
  EXPECT_NE(j.out.find("\"suggestedSql\""), std::string::npos);
  // the rewrite as data: the unique index to create first, then the statement the code runs
  EXPECT_NE(j.out.find("\"schema\": [\n          \"CREATE UNIQUE INDEX products_sku_key ON products (sku)\""),
            std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"statements\": [\n          \"INSERT INTO products"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"file\": \"racy.c\""), std::string::npos) << "paths relative to the root";
  RunResult s = run("cd " + dir + " && " + SQLRACE_CLI + " --format=sarif racy.c -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_EQ(s.status, 1);
  for (const char *part : {"\"version\": \"2.1.0\"", "\"informationUri\"", "\"helpUri\"", "\"shortDescription\"",
                           "\"ruleId\": \"check-then-insert\"", "\"relatedLocations\"", "\"partialFingerprints\"",
                           "\"threadFlows\"", "\"session-2\"", "\"uri\": \"racy.c\""})
    EXPECT_NE(s.out.find(part), std::string::npos) << part;
}

TEST(Gate, FingerprintsSurviveLinesAddedAbove) {
  std::string a = tempDir(), b = tempDir();
  racyFile(a);
  racyFile(b, "/* a comment\n   of three lines\n   added above */\n");
  auto fps = [](const std::string &dir) {
    RunResult r = run("cd " + dir + " && " + SQLRACE_CLI + " --format=json racy.c -- -I" SQLRACE_PG_INCLUDE);
    std::vector<std::string> out;
    std::string error;
    readFingerprintsFromJson(r.out, out);
    return out;
  };
  std::vector<std::string> fa = fps(a), fb = fps(b);
  ASSERT_FALSE(fa.empty());
  EXPECT_EQ(fa, fb);
}

TEST(Gate, BaselineFailsOnlyOnNewFindings) {
  std::string dir = tempDir(), file = racyFile(dir);
  std::string base = std::string(SQLRACE_CLI) + " " + file + " -- -I" SQLRACE_PG_INCLUDE;
  RunResult w = run(std::string(SQLRACE_CLI) + " --baseline-write=" + dir + "/baseline.json " + file + " -- -I" +
                    SQLRACE_PG_INCLUDE);
  EXPECT_EQ(w.status, 1);
  RunResult again = run(std::string(SQLRACE_CLI) + " --baseline=" + dir + "/baseline.json " + file + " -- -I" +
                        SQLRACE_PG_INCLUDE);
  EXPECT_EQ(again.status, 0) << again.out;  // nothing new
  // a new race in the file is reported despite the baseline
  std::ofstream(file, std::ios::app) << readFile(SQLRACE_CORPUS_DIR "/cases/pq_count_guard.c").substr(
      readFile(SQLRACE_CORPUS_DIR "/cases/pq_count_guard.c").find("int "));
  RunResult more = run(std::string(SQLRACE_CLI) + " --baseline=" + dir + "/baseline.json " + file + " -- -I" +
                       SQLRACE_PG_INCLUDE);
  EXPECT_EQ(more.status, 1) << more.out;
  EXPECT_EQ(more.out.find("'products'"), std::string::npos) << "baselined findings stay quiet\n" << more.out;
  RunResult zero = run(std::string(SQLRACE_CLI) + " --exit-zero " + file + " -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_EQ(zero.status, 0);
  EXPECT_NE(zero.out.find("[sqlrace-check-then-insert]"), std::string::npos);
}

TEST(Gate, NolintInBothFrontends) {
  std::string dir = tempDir(), file = dir + "/quiet.c";
  std::string src = readFile(SQLRACE_CORPUS_DIR "/cases/sqlite_tags.c");
  // suppress the first finding on its line, with a reason, and the second on the line before, without one
  size_t first = src.find("rc = sqlite3_prepare_v2(db, \"INSERT INTO genre");
  src.insert(src.find('\n', first), " // NOLINT(sqlrace-check-then-insert): genre names are created by one job");
  size_t second = src.find("    int rc = sqlite3_prepare_v2(db, q_add");
  src.insert(second, "    // NOLINTNEXTLINE(sqlrace-*)\n");
  std::ofstream(file) << src;
  RunResult r = run(std::string(SQLRACE_CLI) + " " + file + " --");
  EXPECT_EQ(r.status, 0) << r.out;
  RunResult strict = run(std::string(SQLRACE_CLI) + " --require-nolint-reason " + file + " --");
  EXPECT_EQ(strict.status, 1) << strict.out;
  EXPECT_NE(strict.out.find("without a reason"), std::string::npos) << strict.out;
  EXPECT_EQ(strict.out.find("one job"), std::string::npos);
  if (std::string(SQLRACE_TIDY_PLUGIN).empty()) return;
  RunResult t = run(std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                    " --checks='-*,sqlrace-*' " + file + " --");
  EXPECT_EQ(t.out.find("warning:"), std::string::npos) << t.out;
  RunResult ts = run(std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                     " --checks='-*,sqlrace-*' --config=\"{CheckOptions: [{key: SqlraceRequireNolintReason, value: "
                     "true}]}\" " + file + " --");
  EXPECT_NE(ts.out.find("say why the race cannot happen [sqlrace-nolint-reason]"), std::string::npos) << ts.out;
  size_t warnings = 0;
  for (size_t p = ts.out.find("warning:"); p != std::string::npos; p = ts.out.find("warning:", p + 1)) ++warnings;
  EXPECT_EQ(warnings, 1u) << "only the NOLINT without a reason\n" << ts.out;
}

TEST(Gate, ShardsMergeIntoTheWholeReport) {
  std::string c = SQLRACE_CORPUS_DIR "/cases/";
  std::string files = c + "pq_product_sync.c " + c + "sqlite_tags.c " + c + "pq_item_number.c";
  std::string flags = " -- -I" SQLRACE_PG_INCLUDE;
  RunResult whole = run(std::string(SQLRACE_CLI) + " --no-cross-file --format=sarif " + files + flags);
  std::string dir = tempDir();
  for (int k = 1; k <= 2; ++k)
    run(std::string(SQLRACE_CLI) + " --no-cross-file --format=sarif --shard=" + std::to_string(k) + "/2 -o " + dir +
        "/s" + std::to_string(k) + ".sarif " + files + flags);
  RunResult merged = run(std::string(SQLRACE_CLI) + " --merge " + dir + "/s1.sarif " + dir + "/s2.sarif");
  EXPECT_EQ(merged.status, 0) << merged.out;
  auto count = [](const std::string &s) {
    size_t n = 0;
    for (size_t p = s.find("\"ruleId\""); p != std::string::npos; p = s.find("\"ruleId\"", p + 1)) ++n;
    return n;
  };
  EXPECT_GT(count(whole.out), 0u);
  EXPECT_EQ(count(merged.out), count(whole.out));
  RunResult bad = run(std::string(SQLRACE_CLI) + " --shard=3/2 " + files + flags);
  EXPECT_EQ(bad.status, 2);
}

TEST(Gate, JsonReportsMergeInOurLayoutAndInAnyOther) {
  // sqlrace reads its own JSON a finding at a time; the same report laid out by another
  // tool (compact, keys in another order) goes through the general reader, same result
  std::string c = SQLRACE_CORPUS_DIR "/cases/";
  std::string files = c + "pq_product_sync.c " + c + "pq_item_number.c";
  std::string dir = tempDir();
  RunResult json = run(std::string(SQLRACE_CLI) + " --no-cross-file --format=json -o " + dir + "/r.json " + files +
                       " -- -I" SQLRACE_PG_INCLUDE);
  ASSERT_EQ(json.status, 1) << json.out;
  std::string report = readFile(dir + "/r.json"), compact;
  RunResult ours = run(std::string(SQLRACE_CLI) + " --merge " + dir + "/r.json");
  EXPECT_EQ(ours.out, report);  // merged JSON is written again as JSON
  bool inString = false;
  for (size_t k = 0; k < report.size(); ++k) {  // whitespace outside strings dropped
    char ch = report[k];
    if (ch == '"' && (k == 0 || report[k - 1] != '\\')) inString = !inString;
    if (inString || (ch != ' ' && ch != '\n')) compact += ch;
  }
  ASSERT_NE(compact, report);
  std::ofstream(dir + "/compact.json") << compact;
  RunResult other = run(std::string(SQLRACE_CLI) + " --merge " + dir + "/compact.json");
  EXPECT_EQ(other.out, report);
  std::ofstream(dir + "/cut.json") << report.substr(0, report.size() / 2);
  RunResult cut = run(std::string(SQLRACE_CLI) + " --merge " + dir + "/cut.json 2>&1");
  EXPECT_EQ(cut.status, 2) << cut.out;
}

TEST(Gate, ListRulesAndExplain) {
  RunResult l = run(std::string(SQLRACE_CLI) + " --list-rules");
  EXPECT_EQ(l.status, 0);
  for (const char *id : {"max-plus-one", "check-then-insert", "read-modify-write", "ineffective-lock"})
    EXPECT_NE(l.out.find(id), std::string::npos) << id;
  RunResult e = run(std::string(SQLRACE_CLI) + " --explain sqlrace-check-then-insert");
  EXPECT_EQ(e.status, 0);
  EXPECT_NE(e.out.find("# check-then-insert"), std::string::npos) << e.out.substr(0, 200);
  EXPECT_EQ(run(std::string(SQLRACE_CLI) + " --explain no-such-rule").status, 2);
}
}  // namespace

// ---- scale: parallel runs, and a header standing for the files that include it ------
namespace {
std::vector<std::string> sortedFingerprints(const std::string &json) {
  std::vector<std::string> f;
  readFingerprintsFromJson(json, f);
  std::sort(f.begin(), f.end());
  return f;
}

TEST(Scale, ParallelRunGivesTheSameFindings) {
  std::string cmd = std::string(SQLRACE_CLI) + " -p " SQLRACE_EXAMPLE_BUILD " --format=json";
  RunResult one = run(cmd + " -j 1"), two = run(cmd + " -j 2"), three = run(cmd + " -j 3");
  EXPECT_EQ(one.status, 1) << one.out;
  EXPECT_EQ(two.status, 1) << two.out;
  EXPECT_FALSE(sortedFingerprints(one.out).empty());
  EXPECT_EQ(sortedFingerprints(one.out), sortedFingerprints(two.out));
  EXPECT_EQ(sortedFingerprints(one.out), sortedFingerprints(three.out));
}

// A function nothing in its own file calls is settled by the first look without a summary;
// a helper in a header that calls it asks for the summary anyway, and gets the real one.
TEST(Scale, FirstLookLeavesNoCallerWithoutASummary) {
  std::string dir = tempDir();
  std::ofstream(dir + "/tags.h") << "#include <libpq-fe.h>\n"
                                    "void add_tag(PGconn *conn, const char *name);\n"
                                    "static inline void tag_once(PGconn *conn, const char *name) { add_tag(conn, name); }\n";
  std::ofstream(dir + "/tags.c")
      << "#include \"tags.h\"\n"
         "void add_tag(PGconn *conn, const char *name) {\n"
         "  const char *p[1] = { name };\n"
         "  PQclear(PQexecParams(conn, \"INSERT INTO tags (name) VALUES ($1)\", 1, NULL, p, NULL, NULL, 0));\n"
         "}\n"
         "void ensure_tag(PGconn *conn, const char *name) {\n"
         "  const char *p[1] = { name };\n"
         "  PGresult *r = PQexecParams(conn, \"SELECT id FROM tags WHERE name = $1\", 1, NULL, p, NULL, NULL, 0);\n"
         "  int found = PQntuples(r) > 0;\n"
         "  PQclear(r);\n"
         "  if (!found) tag_once(conn, name);\n"
         "}\n";
  std::string args = dir + "/tags.c -- -I" SQLRACE_PG_INCLUDE;
  RunResult quick = run(std::string(SQLRACE_CLI) + " " + args);
  RunResult full = run(std::string(SQLRACE_CLI) + " --full-analysis " + args);
  EXPECT_EQ(quick.status, 1) << quick.out;
  EXPECT_NE(quick.out.find("tags.c:11:15: warning: INSERT into 'tags' depends on an earlier check"), std::string::npos)
      << quick.out;
  EXPECT_EQ(quick.out, full.out);
}

TEST(Scale, FirstLookChangesNothingAcrossFiles) {
  // summaries across files, wrappers and helpers in other files: the same report either way
  std::string cmd = std::string(SQLRACE_CLI) + " -p " SQLRACE_EXAMPLE_BUILD " --verbose";
  RunResult quick = run(cmd), full = run(cmd + " --full-analysis");
  EXPECT_EQ(quick.status, 1) << quick.out;
  EXPECT_EQ(quick.out, full.out);
  std::string dir = multifileProject();
  RunResult q2 = run(std::string(SQLRACE_CLI) + " -p " + dir + " --verbose");
  RunResult f2 = run(std::string(SQLRACE_CLI) + " -p " + dir + " --verbose --full-analysis");
  EXPECT_EQ(q2.status, 1) << q2.out;
  EXPECT_EQ(q2.out, f2.out);
}

TEST(Scale, ParallelTextReportIsTheSameBytes) {
  // same order, same source lines and carets under every note, whatever -j
  std::string cmd = std::string(SQLRACE_CLI) + " -p " SQLRACE_EXAMPLE_BUILD;
  RunResult one = run(cmd + " -j 1"), two = run(cmd + " -j 2");
  EXPECT_EQ(one.status, 1) << one.out;
  EXPECT_NE(one.out.find("note: check of"), std::string::npos) << one.out;
  EXPECT_EQ(one.out, two.out);
}

TEST(Scale, AHeaderIsAnalyzedThroughTheFilesThatIncludeIt) {
  std::string dir = multifileProject();
  RunResult r = run(std::string(SQLRACE_CLI) + " -p " + dir + " " + dir + "/db.h");
  EXPECT_EQ(r.status, 1) << r.out;  // db.c and orders.c both include db.h: the cross-file races are found
  EXPECT_NE(r.out.find("orders.c"), std::string::npos) << r.out;
}
}  // namespace

namespace {
// The mechanical fix: clang-tidy --fix puts the atomic INSERT in place, after
// which the file has no race left to report; SARIF carries the same fix.
TEST(Gate, FixItsMakeTheFileClean) {
  std::string dir = tempDir(), file = dir + "/fixme.c", schema = dir + "/schema.sql";
  std::ofstream(file) << readFile(SQLRACE_CORPUS_DIR "/cases/sqlite_tags.c");
  // no fix-it while the unique key the atomic INSERT needs is not known to exist
  RunResult unknown = run(std::string(SQLRACE_CLI) + " --format=sarif " + file + " --");
  EXPECT_EQ(unknown.out.find("\"fixes\""), std::string::npos);
  std::ofstream(schema) << "CREATE TABLE genre (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n";
  RunResult sarif = run(std::string(SQLRACE_CLI) + " --format=sarif --schema=" + schema + " " + file + " --");
  EXPECT_NE(sarif.out.find("\"fixes\""), std::string::npos) << sarif.out.substr(0, 3000);
  EXPECT_NE(sarif.out.find("\"insertedContent\""), std::string::npos);
  SKIP_WITHOUT_PLUGIN();
  std::string tidy = std::string(SQLRACE_CLANG_TIDY) + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                     " --checks='-*,sqlrace-check-then-insert' --config='{CheckOptions: [{key: SqlraceSchema, value: " +
                     schema + "}]}' ";
  // on the note: --fix alone leaves the file as it is, --fix-notes applies it
  run(tidy + "--fix " + file + " --");
  const std::string applied = "\"INSERT INTO genre (name) VALUES (?) ON CONFLICT (name) DO NOTHING\", -1";
  EXPECT_EQ(readFile(file).find(applied), std::string::npos);
  RunResult fix = run(tidy + "--fix-notes " + file + " --");
  std::string fixed = readFile(file);
  EXPECT_NE(fixed.find(applied), std::string::npos) << fix.out;
  RunResult after = run(std::string(SQLRACE_CLI) + " --schema=" + schema + " " + file + " --");
  EXPECT_EQ(after.out.find("genre'"), std::string::npos) << after.out;
}
}  // namespace

namespace {
// ---- the schema (test-corpus/schema: shop.c read with its migrations) ----------

// A copy of test-corpus/schema without some migration files.
std::string copyOfShop(const std::vector<std::string> &leaveOut = {}) {
  std::string dir = tempDir();
  mkdir((dir + "/migrations").c_str(), 0755);
  for (const char *name : {"shop.c", ".sqlrace.yml"})
    std::ofstream(dir + "/" + name) << readFile(std::string(SQLRACE_CORPUS_DIR "/schema/") + name);
  if (DIR *d = opendir(SQLRACE_CORPUS_DIR "/schema/migrations")) {
    while (dirent *e = readdir(d)) {
      std::string n = e->d_name;
      if (n[0] == '.' || std::find(leaveOut.begin(), leaveOut.end(), n) != leaveOut.end()) continue;
      std::ofstream(dir + "/migrations/" + n) << readFile(std::string(SQLRACE_CORPUS_DIR "/schema/migrations/") + n);
    }
    closedir(d);
  }
  return dir;
}

std::string shopCommand(const std::string &dir, const std::string &flags = "") {
  return "cd " + dir + " && " + SQLRACE_CLI + " " + flags + " shop.c -- -I" SQLRACE_PG_INCLUDE;
}

// The finding at shop.c:<line>, as the text report prints its first line.
std::string findingAt(const std::string &out, int line) {
  std::string key = "shop.c:" + std::to_string(line) + ":";
  size_t p = out.find(key);
  return p == std::string::npos ? "" : out.substr(p, out.find('\n', p) - p);
}

TEST(Schema, TheSameCodeIsGradedByTheUniqueIndex) {
  // with migration 000002 the products.sku index exists: a warning, ON CONFLICT (sku) alone
  std::string with = copyOfShop();
  RunResult a = run(shopCommand(with));
  EXPECT_NE(findingAt(a.out, 20).find("warning: "), std::string::npos) << a.out;
  EXPECT_NE(findingAt(a.out, 20).find("unique-violation errors"), std::string::npos) << a.out;
  // without it: the same code is an error, and the rewrite creates the index first
  std::string without = copyOfShop({"000002_unique_codes.up.sql"});
  RunResult b = run(shopCommand(without));
  EXPECT_NE(findingAt(b.out, 20).find("error: "), std::string::npos) << b.out;
  EXPECT_NE(findingAt(b.out, 20).find("no unique key on (sku) in the schema"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("CREATE UNIQUE INDEX products_sku_key ON products (sku); INSERT INTO products"),
            std::string::npos) << b.out;
  // and the later DROP INDEX (000005) is what makes suppliers an error: without it, a warning
  std::string noDrop = copyOfShop({"000005_supplier_codes_not_unique.up.sql"});
  RunResult c = run(shopCommand(noDrop));
  EXPECT_NE(findingAt(c.out, 36).find("warning: "), std::string::npos) << c.out;
  EXPECT_NE(findingAt(a.out, 36).find("error: "), std::string::npos) << a.out;
}

TEST(Schema, GradeIsInJsonAndSarif) {
  std::string dir = copyOfShop();
  RunResult j = run(shopCommand(dir, "--format=json"));
  EXPECT_EQ(j.status, 1);
  EXPECT_NE(j.out.find("\"grade\": \"silent\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"grade\": \"constraint\""), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"gradeReason\": \"no unique key on (code) in the schema"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"level\": \"error\""), std::string::npos);
  RunResult s = run(shopCommand(dir, "--format=sarif"));
  EXPECT_NE(s.out.find("\"level\": \"error\""), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("\"gradeReason\""), std::string::npos);
  EXPECT_NE(s.out.find("\"ruleId\": \"nullable-cursor\""), std::string::npos);
}

TEST(Schema, BadMigrationsAreReportedAndTheRestStillApplies) {
  std::string dir = copyOfShop();
  std::ofstream(dir + "/migrations/000006_broken.up.sql")
      << "ALTER TABLE products ADD COLUMN weight numeric;\n\nCREATE TABLE (oops;\nALTER TABLE ghosts ADD COLUMN x int;\n";
  RunResult r = run(shopCommand(dir));
  EXPECT_EQ(r.status, 1) << r.out;  // the findings are still there
  EXPECT_NE(r.out.find("migrations/000006_broken.up.sql:3:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("remark: schema statement does not parse"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("migrations/000006_broken.up.sql:4:1: remark: ALTER TABLE of unknown table 'ghosts' "
                       "[sqlrace-invalid-schema]"),
            std::string::npos) << r.out;
  EXPECT_NE(findingAt(r.out, 36).find("error: "), std::string::npos) << r.out;
  // a schema path that does not exist is said too
  RunResult m = run(shopCommand(dir, "--schema=no/such/dir"));
  EXPECT_NE(m.out.find("no/such/dir:1:1: remark: schema path has no .sql files or cannot be read"), std::string::npos)
      << m.out;
  SKIP_WITHOUT_PLUGIN();
  RunResult t = run(std::string("cd ") + dir + " && " + SQLRACE_CLANG_TIDY + " --quiet --load=" SQLRACE_TIDY_PLUGIN
                    " --checks='-*,sqlrace-*' shop.c -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_NE(t.out.find("migrations/000006_broken.up.sql:4:1: ALTER TABLE of unknown table 'ghosts'"),
            std::string::npos) << t.out;
}

TEST(Schema, DefaultLayoutsAreFoundFromTheRoot) {
  std::string dir = tempDir();
  mkdir((dir + "/db").c_str(), 0755);
  std::ofstream(dir + "/db/schema.sql") << "CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL);\n";
  std::ofstream(dir + "/sync.c") << readFile(std::string(SQLRACE_CORPUS_DIR "/schema/shop.c"));
  RunResult r = run("cd " + dir + " && " + SQLRACE_CLI + " sync.c -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_NE(r.out.find("no unique key on (sku) in the schema (table 'products', db/schema.sql:1)"), std::string::npos)
      << r.out;
  // dbmate's layout: db/migrations is the history and db/schema.sql a dump of it; the history is read
  mkdir((dir + "/db/migrations").c_str(), 0755);
  std::ofstream(dir + "/db/migrations/20240101000000_products.sql")
      << "-- migrate:up\nCREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL UNIQUE);\n"
         "-- migrate:down\nDROP TABLE products;\n";
  RunResult m = run("cd " + dir + " && " + SQLRACE_CLI + " sync.c -- -I" SQLRACE_PG_INCLUDE);
  EXPECT_NE(m.out.find("the unique key products_sku_key (sku) (db/migrations/20240101000000_products.sql:2)"),
            std::string::npos) << m.out;
  EXPECT_EQ(m.out.find("created again"), std::string::npos) << m.out;
}
}  // namespace

namespace {
// Progress: [k/N] file on a terminal (script(1) gives the run one), one count for the
// whole run also under -j; nothing when the output is not a terminal.
TEST(Scale, ProgressOnATerminalOnly) {
  if (run("command -v script").status != 0) GTEST_SKIP() << "no script(1)";
  for (const char *jobs : {"1", "2"}) {
    std::string cmd = std::string(SQLRACE_CLI) + " -j " + jobs + " --no-cross-file -p " SQLRACE_EXAMPLE_BUILD
                      " --format=json -o /dev/null";
    RunResult tty = run("script -qec '" + cmd + "' /dev/null");
    int lines = 0;
    for (size_t p = tty.out.find("/8] "); p != std::string::npos; p = tty.out.find("/8] ", p + 1)) ++lines;
    EXPECT_EQ(lines, 8) << "-j " << jobs << "\n" << tty.out;
    EXPECT_NE(tty.out.find("[8/8] "), std::string::npos) << tty.out;
    EXPECT_EQ(tty.out.find("/4] "), std::string::npos) << "a child's own count\n" << tty.out;
    RunResult pipe = run(cmd);
    EXPECT_EQ(pipe.out.find("/8] "), std::string::npos) << pipe.out;
  }
}
}  // namespace

namespace {
// Schema input that is not SQL at all: binary bytes with NULs, a megabyte-long
// statement, thousands of nested parentheses, an unterminated dollar quote. The
// analysis goes on, each problem is a remark, nothing crashes or hangs.
TEST(Hostile, SchemaFilesOfJunk) {
  std::string dir = copyOfShop();
  {
    std::ofstream bin(dir + "/migrations/000007_binary.up.sql", std::ios::binary);
    for (int i = 0; i < 4096; ++i) bin.put(static_cast<char>((i * 131) % 256));
  }
  std::ofstream(dir + "/migrations/000008_long.up.sql")
      << "CREATE TABLE wide (" << std::string(1 << 20, 'x') << " int);\n";
  std::ofstream(dir + "/migrations/000009_nested.up.sql")
      << "ALTER TABLE products ADD CONSTRAINT c CHECK (" << std::string(5000, '(') << "1" << std::string(5000, ')')
      << ");\nCREATE FUNCTION f() RETURNS int AS $x$ SELECT 1;\n";
  RunResult r = run(shopCommand(dir));
  EXPECT_EQ(r.status, 1) << r.out.substr(0, 2000);  // the findings are still there
  EXPECT_NE(findingAt(r.out, 36).find("error: "), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("000007_binary.up.sql"), std::string::npos) << r.out.substr(0, 2000);
  EXPECT_NE(r.out.find("[sqlrace-invalid-schema]"), std::string::npos);
}
}  // namespace
