// Placeholder and dialect normalization: rewrites what libpg_query cannot parse
// into PostgreSQL syntax, keeping a map back to the original offsets.
#include "sqlrace/sqlparse.h"

#include <cctype>
#include <cstring>

namespace sqlrace::sql {
namespace {

bool isIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool isIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

enum class Tok { Space, Comment, Word, Quoted, String, Placeholder, Hole, Semicolon, Other };

struct Token {
  Tok kind;
  size_t begin, end;  // in the original text
  std::string text;   // replacement text (for Placeholder / Quoted), else empty
};

// A printf conversion at P ("%d", "%lld", "%5.2f", "%q", "%Q", "%w"); its length, or 0.
size_t printfConversion(std::string_view s, size_t p) {
  if (p >= s.size() || s[p] != '%') return 0;
  size_t q = p + 1;
  while (q < s.size() && std::strchr("-+ #0", s[q])) ++q;
  while (q < s.size() && std::isdigit((unsigned char)s[q])) ++q;
  if (q < s.size() && s[q] == '.') {
    ++q;
    while (q < s.size() && std::isdigit((unsigned char)s[q])) ++q;
  }
  while (q < s.size() && std::strchr("hlLqjzt", s[q]) && !(s[q] == 'q' && (q + 1 >= s.size() || !std::isalpha((unsigned char)s[q + 1]))))
    ++q;
  if (q < s.size() && std::strchr("diouxXfFeEgGcsqQwp", s[q])) return q + 1 - p;
  return 0;
}

class Scanner {
public:
  Scanner(std::string_view s, const NormalizeOptions &o) : S(s), Opt(o) {}

  std::vector<Token> run(Normalized &out) {
    std::vector<Token> toks;
    toks.reserve(S.size() / 3 + 4);  // about a token per three characters (words, spaces, punctuation)
    int nextAnon = 0;  // SQLite: `?` takes the highest index so far + 1
    while (P < S.size()) {
      size_t b = P;
      unsigned char c = S[P];
      if (c == '\x01') {  // a hole left by SQL text resolution: \x01<n>\x01
        ++P;
        int n = digits();
        if (P < S.size() && S[P] == '\x01') ++P;
        toks.push_back({Tok::Hole, b, P, std::to_string(n)});
      } else if (Opt.printfHoles && c == '%' && peek(1) == '%') {
        P += 2;
        toks.push_back({Tok::Other, b, P, "%"});
      } else if (Opt.printfHoles && printfConversion(S, P)) {
        P += printfConversion(S, P);
        toks.push_back({Tok::Hole, b, P, "p" + std::to_string(++printfCount)});
      } else if (std::isspace(c)) {
        while (P < S.size() && std::isspace((unsigned char)S[P])) ++P;
        toks.push_back({Tok::Space, b, P, {}});
      } else if (c == '-' && peek(1) == '-') {
        while (P < S.size() && S[P] != '\n') ++P;
        toks.push_back({Tok::Comment, b, P, {}});
      } else if (c == '/' && peek(1) == '*') {
        P += 2;
        int depth = 1;  // PostgreSQL block comments nest
        while (P < S.size() && depth > 0) {
          if (S[P] == '/' && peek(1) == '*') { depth++; P += 2; }
          else if (S[P] == '*' && peek(1) == '/') { depth--; P += 2; }
          else ++P;
        }
        toks.push_back({Tok::Comment, b, P, {}});
      } else if (c == '\'') {
        quoted('\'');
        std::string_view lit = S.substr(b, P - b);
        size_t hole = lit.find('\x01');
        bool printfInside = false;
        if (Opt.printfHoles) {
          for (size_t i = 0; i < lit.size(); ++i) {
            if (lit[i] == '%' && i + 1 < lit.size() && lit[i + 1] == '%') ++i;
            else if (printfConversion(lit, i)) printfInside = true;
          }
        }
        if (hole != std::string_view::npos) {
          size_t e = lit.find('\x01', hole + 1);
          toks.push_back({Tok::Hole, b, P, std::string(lit.substr(hole + 1, e == std::string_view::npos ? 0 : e - hole - 1))});
        } else if (printfInside) {
          toks.push_back({Tok::Hole, b, P, "p" + std::to_string(++printfCount)});
        } else {
          toks.push_back({Tok::String, b, P, {}});
        }
      } else if (c == '"') {
        quoted('"');
        toks.push_back({Tok::Quoted, b, P, {}});
      } else if (c == '`') {  // MySQL/SQLite identifier quote
        quoted('`');
        std::string t = "\"";
        for (size_t i = b + 1; i + 1 < P || (i < P && S[P - 1] != '`'); ++i) {
          if (S[i] == '"') t += "\"\"";
          else if (S[i] == '`' && i + 1 < P && S[i + 1] == '`') { t += '`'; ++i; }
          else t += S[i];
        }
        t += '"';
        toks.push_back({Tok::Quoted, b, P, t});
      } else if (c == '$' && dollarQuote()) {
        toks.push_back({Tok::String, b, P, {}});
      } else if (c == '$' && std::isdigit((unsigned char)peek(1))) {
        P++;
        int n = digits();
        if (n > out.paramCount) out.paramCount = n;
        if (n > nextAnon) nextAnon = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
        out.spelling.emplace(n, std::string(S.substr(b, P - b)));
      } else if (c == '?' && std::isdigit((unsigned char)peek(1))) {
        P++;
        int n = digits();
        if (n > nextAnon) nextAnon = n;
        if (n > out.paramCount) out.paramCount = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
        out.spelling.emplace(n, std::string(S.substr(b, P - b)));
      } else if (c == '?' && !isOperatorContext(toks)) {
        P++;
        int n = ++nextAnon;
        if (n > out.paramCount) out.paramCount = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
        out.spelling.emplace(n, std::string(S.substr(b, P - b)));
      } else if ((c == ':' || c == '@' || c == '$') && isIdentStart((unsigned char)peek(1)) &&
                 !(c == ':' && b > 0 && S[b - 1] == ':') && peek(1) != ':') {
        P++;
        size_t nb = P;
        while (P < S.size() && isIdentChar((unsigned char)S[P]) && S[P] != '$') ++P;
        std::string name(S.substr(b, P - b));
        (void)nb;
        auto it = out.namedParams.find(name);
        int n;
        if (it != out.namedParams.end()) {
          n = it->second;
        } else {
          n = ++nextAnon;
          out.namedParams.emplace(name, n);
        }
        if (n > out.paramCount) out.paramCount = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
        out.spelling.emplace(n, std::string(S.substr(b, P - b)));
      } else if (isIdentStart(c)) {
        while (P < S.size() && isIdentChar((unsigned char)S[P])) ++P;
        toks.push_back({Tok::Word, b, P, {}});
      } else if (c == ';') {
        ++P;
        toks.push_back({Tok::Semicolon, b, P, {}});
      } else if (c == ':' && peek(1) == ':') {
        P += 2;
        toks.push_back({Tok::Other, b, P, {}});
      } else {
        ++P;
        toks.push_back({Tok::Other, b, P, {}});
      }
    }
    return toks;
  }

private:
  char peek(size_t k) const { return P + k < S.size() ? S[P + k] : '\0'; }

  int digits() {
    long long n = 0;
    while (P < S.size() && std::isdigit((unsigned char)S[P])) {
      if (n < 1000000) n = n * 10 + (S[P] - '0');
      ++P;
    }
    return (int)n;
  }

  void quoted(char q) {
    ++P;
    while (P < S.size()) {
      if (S[P] == q) {
        if (peek(1) == q) { P += 2; continue; }
        ++P;
        return;
      }
      if (q == '\'' && S[P] == '\\' && P + 1 < S.size()) { P += 2; continue; }  // E'..' / MySQL
      ++P;
    }
  }

  // $tag$ ... $tag$ (PostgreSQL dollar quoting); P at '$'.
  bool dollarQuote() {
    size_t q = P + 1;
    while (q < S.size() && (std::isalnum((unsigned char)S[q]) || S[q] == '_')) ++q;
    if (q >= S.size() || S[q] != '$') return false;
    if (q > P + 1 && std::isdigit((unsigned char)S[P + 1])) return false;
    std::string_view tag = S.substr(P, q - P + 1);
    size_t end = S.find(tag, q + 1);
    P = end == std::string_view::npos ? S.size() : end + tag.size();
    return true;
  }

  // `?` as a PostgreSQL jsonb operator (`?|`, `?&`, `col ? 'key'`) is rare in
  // application SQL; treat `?|` and `?&` as operators, everything else as a placeholder.
  bool isOperatorContext(const std::vector<Token> &) const {
    return peek(1) == '|' || peek(1) == '&';
  }

  std::string_view S;
  const NormalizeOptions &Opt;
  size_t P = 0;
  int printfCount = 0;
};

bool wordIs(std::string_view s, const Token &t, const char *w) {
  if (t.kind != Tok::Word) return false;
  std::string_view v = s.substr(t.begin, t.end - t.begin);
  size_t n = std::char_traits<char>::length(w);
  if (v.size() != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower((unsigned char)v[i]) != w[i]) return false;
  return true;
}

}  // namespace

Normalized normalize(std::string_view sql, const NormalizeOptions &opt) {
  Normalized out;
  Scanner sc(sql, opt);
  std::vector<Token> toks = sc.run(out);

  // Indices of significant (non-space, non-comment) tokens.
  std::vector<size_t> sig;
  sig.reserve(toks.size());
  for (size_t i = 0; i < toks.size(); ++i)
    if (toks[i].kind != Tok::Space && toks[i].kind != Tok::Comment) sig.push_back(i);

  std::vector<bool> drop(toks.size(), false);
  std::vector<std::string> replace(toks.size());
  std::vector<std::string> after(toks.size());  // text written after a token (kept or not)
  auto dropRange = [&](size_t fromSig, size_t toSig) {  // sig indices, inclusive; with the space before
    size_t from = fromSig > 0 ? sig[fromSig - 1] + 1 : sig[fromSig];
    for (size_t i = from; i <= sig[toSig]; ++i) drop[i] = true;
  };
  auto w = [&](size_t k, const char *word) { return k < sig.size() && wordIs(sql, toks[sig[k]], word); };
  auto kindAt = [&](size_t k) { return k < sig.size() ? toks[sig[k]].kind : Tok::Semicolon; };
  auto isOther = [&](size_t k, char ch) {
    return k < sig.size() && toks[sig[k]].kind == Tok::Other && toks[sig[k]].end == toks[sig[k]].begin + 1 &&
           sql[toks[sig[k]].begin] == ch;
  };

  // MySQL: INSERT [IGNORE] [INTO] t SET a = x, b = y  ->  INSERT INTO t (a, b) VALUES (x, y)
  // (the column names become the SET's replacement, each "a =" is dropped, and the last
  // value gets the closing parenthesis); anything else after SET is left as it is.
  auto insertSet = [&](size_t k) {
    size_t j = k + 1;
    while (w(j, "ignore") || w(j, "low_priority") || w(j, "delayed") || w(j, "high_priority")) ++j;
    bool into = w(j, "into");
    if (into) ++j;
    size_t tableAt = j;
    auto namePart = [&](size_t x) { return kindAt(x) == Tok::Word || kindAt(x) == Tok::Quoted || kindAt(x) == Tok::Hole; };
    if (!namePart(j)) return;
    for (;;) {  // schema.table, and a name with a value formatted into it (pr_%s_def)
      if (namePart(j + 1) && toks[sig[j]].end == toks[sig[j + 1]].begin) ++j;
      else if (isOther(j + 1, '.') && namePart(j + 2)) j += 2;
      else break;
    }
    if (!w(j + 1, "set")) return;
    size_t set = j + 1;
    std::string columns;
    std::vector<size_t> names;  // sig index of each column name
    size_t last = 0;            // sig index of the last value token
    int depth = 0;
    size_t q = set + 1;
    for (;;) {
      if (kindAt(q) != Tok::Word && kindAt(q) != Tok::Quoted) return;
      if (!isOther(q + 1, '=')) return;
      names.push_back(q);
      const Token &c = toks[sig[q]];
      if (!columns.empty()) columns += ", ";
      columns += !c.text.empty() ? c.text : std::string(sql.substr(c.begin, c.end - c.begin));
      q += 2;
      size_t start = q;
      while (q < sig.size() && kindAt(q) != Tok::Semicolon) {
        if (isOther(q, '(')) ++depth;
        else if (isOther(q, ')')) --depth;
        else if (depth == 0 && (isOther(q, ',') || (w(q, "on") && w(q + 1, "duplicate")))) break;
        ++q;
      }
      if (q == start || depth != 0) return;
      last = q - 1;
      if (!isOther(q, ',')) break;
      ++q;
    }
    replace[sig[set]] = "(" + columns + ") VALUES (";
    for (size_t n : names) dropRange(n, n + 1);
    after[sig[last]] += ")";
    if (!into) after[sig[tableAt - 1]] += " INTO";
  };

  StatementMarks m;
  bool atStart = true, inDuplicateKey = false;
  for (size_t k = 0; k < sig.size(); ++k) {
    const Token &t = toks[sig[k]];
    if (t.kind == Tok::Semicolon) {
      if (!atStart) out.marks.push_back(m);
      m = StatementMarks();
      atStart = true;
      inDuplicateKey = false;
      continue;
    }
    if (atStart) {
      atStart = false;
      if (w(k, "insert") || (w(k, "replace") && w(k + 1, "into"))) insertSet(k);
      if (w(k, "insert") && w(k + 1, "or") &&
          (w(k + 2, "ignore") || w(k + 2, "replace") || w(k + 2, "abort") || w(k + 2, "fail") ||
           w(k + 2, "rollback"))) {
        m.conflict = w(k + 2, "ignore") ? Conflict::Ignore : w(k + 2, "replace") ? Conflict::Replace : Conflict::None;
        dropRange(k + 1, k + 2);  // "OR <action>"
      } else if (w(k, "insert") && w(k + 1, "ignore")) {  // MySQL
        m.conflict = Conflict::Ignore;
        dropRange(k + 1, k + 1);
      } else if (w(k, "replace") && w(k + 1, "into")) {  // SQLite / MySQL
        m.conflict = Conflict::Replace;
        replace[sig[k]] = "INSERT";
      } else if (w(k, "begin") && (w(k + 1, "deferred") || w(k + 1, "immediate") || w(k + 1, "exclusive"))) {
        m.begin = w(k + 1, "deferred") ? SqliteBegin::Deferred
                  : w(k + 1, "immediate") ? SqliteBegin::Immediate : SqliteBegin::Exclusive;
        dropRange(k + 1, k + 1);
      } else if (w(k, "unlock") && w(k + 1, "tables")) {
        // MySQL: releases LOCK TABLES and commits, as far as protection goes a COMMIT
        replace[sig[k]] = "COMMIT";
        dropRange(k + 1, k + 1);
      } else if (w(k, "lock") && (w(k + 1, "tables") || w(k + 1, "table")) && !w(k + 2, "only")) {
        // MySQL: LOCK TABLES a WRITE, b READ  ->  LOCK TABLE a, b IN <strongest> MODE
        size_t j = k + 2;
        bool mysql = false, write = false;
        while (j < sig.size() && kindAt(j) != Tok::Semicolon) {
          if (w(j, "write") || w(j, "read")) {
            mysql = true;
            write = write || w(j, "write");
            size_t end = j;
            if (w(j, "read") && w(j + 1, "local")) end = j + 1;
            if (w(j - 1, "low_priority")) dropRange(j - 1, end); else dropRange(j, end);
            j = end;
          }
          ++j;
        }
        if (mysql) {
          replace[sig[k + 1]] = "TABLE";
          if (j > 0) replace[sig[j - 1]] += write ? " IN EXCLUSIVE MODE" : " IN SHARE MODE";
          // the replacement above may land on a dropped token; put it on the first kept one instead
          size_t last = j - 1;
          while (last > k + 1 && drop[sig[last]]) --last;
          if (last != j - 1) {
            replace[sig[last]] = std::string(sql.substr(toks[sig[last]].begin, toks[sig[last]].end - toks[sig[last]].begin)) +
                                 (write ? " IN EXCLUSIVE MODE" : " IN SHARE MODE");
            replace[sig[j - 1]].clear();
          }
        }
      }
    }
    // MySQL: ON DUPLICATE KEY UPDATE a = VALUES(a)  ->  ON CONFLICT DO UPDATE SET a = excluded.a
    if (w(k, "on") && w(k + 1, "duplicate") && w(k + 2, "key") && w(k + 3, "update")) {
      replace[sig[k + 1]] = "CONFLICT";
      replace[sig[k + 2]] = "DO";
      replace[sig[k + 3]] = "UPDATE SET";
      m.conflict = Conflict::DoUpdate;
      inDuplicateKey = true;
      k += 3;
      continue;
    }
    if (inDuplicateKey && w(k, "values") && isOther(k + 1, '(') && kindAt(k + 2) == Tok::Word && isOther(k + 3, ')')) {
      replace[sig[k]] = "excluded.";
      drop[sig[k + 1]] = true;
      drop[sig[k + 3]] = true;
      for (size_t i = sig[k] + 1; i < sig[k + 2]; ++i) drop[i] = true;
      k += 3;
      continue;
    }
    // MySQL index hints: FROM t USE INDEX (a), t2 FORCE KEY FOR ORDER BY (b)  ->  dropped
    if ((w(k, "use") || w(k, "force") || w(k, "ignore")) && (w(k + 1, "index") || w(k + 1, "key")) && k >= 1 &&
        (kindAt(k - 1) == Tok::Word || kindAt(k - 1) == Tok::Quoted || kindAt(k - 1) == Tok::Hole)) {
      size_t j = k + 2;
      if (w(j, "for")) {
        if (w(j + 1, "join")) j += 2;
        else if ((w(j + 1, "order") || w(j + 1, "group")) && w(j + 2, "by")) j += 3;
      }
      if (isOther(j, '(')) {
        while (j < sig.size() && !isOther(j, ')') && kindAt(j) != Tok::Semicolon) ++j;
        if (isOther(j, ')')) {
          dropRange(k, j);
          k = j;
          continue;
        }
      }
    }
    // MySQL: LOCK IN SHARE MODE  ->  FOR SHARE
    if (w(k, "lock") && w(k + 1, "in") && w(k + 2, "share") && w(k + 3, "mode")) {
      replace[sig[k]] = "FOR SHARE";
      dropRange(k + 1, k + 3);
      k += 3;
      continue;
    }
    // Oracle: FOR UPDATE WAIT n
    if (w(k, "wait") && kindAt(k + 1) == Tok::Other && k >= 1 && (w(k - 1, "update") || w(k - 1, "share"))) {
      dropRange(k, k + 1);
      k += 1;
      continue;
    }
    // Oracle: RETURNING a, b INTO :x, :y  ->  RETURNING a, b
    if (w(k, "returning")) {
      size_t j = k + 1;
      while (j < sig.size() && kindAt(j) != Tok::Semicolon && !w(j, "into")) ++j;
      if (w(j, "into")) {
        size_t end = j;
        while (end + 1 < sig.size() && kindAt(end + 1) != Tok::Semicolon) ++end;
        dropRange(j, end);
        k = end;
      }
      continue;
    }
    // SQL Server: FROM t WITH (UPDLOCK, HOLDLOCK)  ->  FROM t, with the lock remembered
    if (w(k, "with") && isOther(k + 1, '(') && k >= 1 && kindAt(k - 1) != Tok::Other) {
      size_t j = k + 2;
      bool hint = false, hold = false, upd = false;
      while (j < sig.size() && !isOther(j, ')')) {
        if (w(j, "updlock") || w(j, "xlock")) upd = hint = true;
        else if (w(j, "holdlock") || w(j, "serializable")) hold = hint = true;
        else if (w(j, "rowlock") || w(j, "nolock") || w(j, "readpast") || w(j, "tablock") || w(j, "tablockx") ||
                 w(j, "paglock") || w(j, "readcommitted") || w(j, "repeatableread"))
          hint = true;
        else if (!isOther(j, ',')) { hint = false; break; }
        ++j;
      }
      if (hint && j < sig.size()) {
        if (upd) m.updLock = true;
        if (hold) m.rangeLock = true;
        dropRange(k, j);
        k = j;
        continue;
      }
    }
    // SQL Server: INSERT ... OUTPUT inserted.id VALUES/SELECT  ->  INSERT ... VALUES/SELECT
    if (w(k, "output") && (k + 1 < sig.size()) && (w(k + 1, "inserted") || w(k + 1, "deleted"))) {
      size_t j = k + 1;
      while (j < sig.size() && !w(j, "values") && !w(j, "select") && !w(j, "where") && kindAt(j) != Tok::Semicolon) ++j;
      dropRange(k, j - 1);
      m.returning = true;
      k = j - 1;
      continue;
    }
  }
  if (!atStart) out.marks.push_back(m);

  // Holes are numbered after the statement's own placeholders so that they
  // never shift the numbering of `?` (which counts only real parameters).
  int holeBase = out.paramCount;
  for (size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != Tok::Hole || drop[i]) continue;
    if (opt.holesAsIdentifiers) {
      replace[i] = "sqlrace_hole_" + toks[i].text;
      out.holeParams.emplace(toks[i].text, 0);
    } else {
      int n = ++holeBase;
      replace[i] = "$" + std::to_string(n);
      out.holeParams.emplace(toks[i].text, n);
      out.spelling.emplace(n, std::string(sql.substr(toks[i].begin, toks[i].end - toks[i].begin)));
      out.paramCount = n;
    }
  }

  out.text.reserve(sql.size() + 16);
  out.toOriginal.reserve(sql.size() + 17);
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token &t = toks[i];
    if (drop[i]) {
      out.text += after[i];
      out.toOriginal.insert(out.toOriginal.end(), after[i].size(), (uint32_t)t.end);
      continue;
    }
    std::string_view piece = !replace[i].empty() ? std::string_view(replace[i])
                             : !t.text.empty() && t.kind != Tok::Hole ? std::string_view(t.text)
                                                 : sql.substr(t.begin, t.end - t.begin);
    out.text.append(piece.data(), piece.size());
    for (size_t j = 0; j < piece.size(); ++j) out.toOriginal.push_back((uint32_t)std::min(t.begin + j, t.end));
    out.text += after[i];
    out.toOriginal.insert(out.toOriginal.end(), after[i].size(), (uint32_t)t.end);
  }
  out.toOriginal.push_back((uint32_t)sql.size());
  return out;
}

}  // namespace sqlrace::sql
