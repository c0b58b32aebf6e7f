// Placeholder and dialect normalization: rewrites what libpg_query cannot parse
// into PostgreSQL syntax, keeping a map back to the original offsets.
#include "sqlrace/sqlparse.h"

#include <cctype>

namespace sqlrace::sql {
namespace {

bool isIdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool isIdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

enum class Tok { Space, Comment, Word, Quoted, String, Placeholder, Semicolon, Other };

struct Token {
  Tok kind;
  size_t begin, end;  // in the original text
  std::string text;   // replacement text (for Placeholder / Quoted), else empty
};

class Scanner {
public:
  explicit Scanner(std::string_view s) : S(s) {}

  std::vector<Token> run(Normalized &out) {
    std::vector<Token> toks;
    int nextAnon = 0;  // SQLite: `?` takes the highest index so far + 1
    while (P < S.size()) {
      size_t b = P;
      unsigned char c = S[P];
      if (std::isspace(c)) {
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
        toks.push_back({Tok::String, b, P, {}});
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
      } else if (c == '?' && std::isdigit((unsigned char)peek(1))) {
        P++;
        int n = digits();
        if (n > nextAnon) nextAnon = n;
        if (n > out.paramCount) out.paramCount = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
      } else if (c == '?' && !isOperatorContext(toks)) {
        P++;
        int n = ++nextAnon;
        if (n > out.paramCount) out.paramCount = n;
        toks.push_back({Tok::Placeholder, b, P, "$" + std::to_string(n)});
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
  size_t P = 0;
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

Normalized normalize(std::string_view sql) {
  Normalized out;
  Scanner sc(sql);
  std::vector<Token> toks = sc.run(out);

  // Indices of significant (non-space, non-comment) tokens.
  std::vector<size_t> sig;
  for (size_t i = 0; i < toks.size(); ++i)
    if (toks[i].kind != Tok::Space && toks[i].kind != Tok::Comment) sig.push_back(i);

  std::vector<bool> drop(toks.size(), false);
  std::vector<std::string> replace(toks.size());
  bool atStart = true;
  for (size_t k = 0; k < sig.size(); ++k) {
    const Token &t = toks[sig[k]];
    if (t.kind == Tok::Semicolon) { atStart = true; continue; }
    if (!atStart) continue;
    atStart = false;
    auto w = [&](size_t off, const char *word) {
      return k + off < sig.size() && wordIs(sql, toks[sig[k + off]], word);
    };
    Conflict c = Conflict::None;
    SqliteBegin b = SqliteBegin::None;
    if (w(0, "insert") && w(1, "or")) {
      if (w(2, "ignore")) c = Conflict::Ignore;
      else if (w(2, "replace")) c = Conflict::Replace;
      else if (w(2, "abort") || w(2, "fail") || w(2, "rollback")) c = Conflict::None;
      if (w(2, "ignore") || w(2, "replace") || w(2, "abort") || w(2, "fail") || w(2, "rollback")) {
        // drop "OR <action>" and the whitespace before it
        for (size_t i = sig[k] + 1; i <= sig[k + 2]; ++i) drop[i] = true;
      }
    } else if (w(0, "insert") && w(1, "ignore")) {  // MySQL
      c = Conflict::Ignore;
      for (size_t i = sig[k] + 1; i <= sig[k + 1]; ++i) drop[i] = true;
    } else if (w(0, "replace") && w(1, "into")) {  // SQLite / MySQL
      c = Conflict::Replace;
      replace[sig[k]] = "INSERT";
    } else if (w(0, "begin") &&
               (w(1, "deferred") || w(1, "immediate") || w(1, "exclusive"))) {
      b = w(1, "deferred") ? SqliteBegin::Deferred
          : w(1, "immediate") ? SqliteBegin::Immediate : SqliteBegin::Exclusive;
      for (size_t i = sig[k] + 1; i <= sig[k + 1]; ++i) drop[i] = true;
    }
    out.insertOr.push_back(c);
    out.begins.push_back(b);
  }

  for (size_t i = 0; i < toks.size(); ++i) {
    const Token &t = toks[i];
    if (drop[i]) continue;
    std::string_view piece = !replace[i].empty() ? std::string_view(replace[i])
                             : !t.text.empty()   ? std::string_view(t.text)
                                                 : sql.substr(t.begin, t.end - t.begin);
    for (size_t j = 0; j < piece.size(); ++j) {
      out.text += piece[j];
      out.toOriginal.push_back((uint32_t)std::min(t.begin + j, t.end));
    }
  }
  out.toOriginal.push_back((uint32_t)sql.size());
  return out;
}

}  // namespace sqlrace::sql
