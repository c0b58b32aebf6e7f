// NOLINT(sqlrace-<rule>) on a finding's line, or NOLINTNEXTLINE(...) on the line
// before, as clang-tidy reads them; `reason` tells whether words follow the list.
// Shared by the CLI (which applies it) and the clang-tidy plugin (where
// clang-tidy applies it, and the plugin checks for the reason).
#pragma once

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace sqlrace {

// StringRef::startswith became starts_with in LLVM 16 and the old name went away.
inline bool startsWith(llvm::StringRef s, llvm::StringRef prefix) { return s.substr(0, prefix.size()) == prefix; }
inline bool endsWith(llvm::StringRef s, llvm::StringRef suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The line holding byte `off` of `buf`, and the line before it (empty on the first).
inline void linesAt(llvm::StringRef buf, size_t off, llvm::StringRef &line, llvm::StringRef &prev) {
  size_t begin = off == 0 ? 0 : buf.rfind('\n', off - 1);
  begin = begin == llvm::StringRef::npos || off == 0 ? 0 : begin + 1;
  size_t end = buf.find('\n', off);
  line = buf.slice(begin, end == llvm::StringRef::npos ? buf.size() : end);
  if (begin > 0) {
    size_t pb = begin >= 2 ? buf.rfind('\n', begin - 2) : llvm::StringRef::npos;
    prev = buf.slice(pb == llvm::StringRef::npos ? 0 : pb + 1, begin - 1);
  }
}

inline bool suppressed(llvm::StringRef line, llvm::StringRef prev, const std::string &rule, bool &reason) {
  auto check = [&](llvm::StringRef text, llvm::StringRef marker) {
    size_t at = text.find(marker);
    if (at == llvm::StringRef::npos) return false;
    llvm::StringRef rest = text.substr(at + marker.size());
    if (marker == "NOLINT" && (startsWith(rest, "NEXTLINE") || startsWith(rest, "BEGIN") || startsWith(rest, "END")))
      return false;
    bool match = true;
    if (startsWith(rest, "(")) {
      size_t close = rest.find(')');
      llvm::StringRef list = rest.substr(1, close == llvm::StringRef::npos ? llvm::StringRef::npos : close - 1);
      match = false;
      llvm::SmallVector<llvm::StringRef, 4> items;
      list.split(items, ',');
      for (llvm::StringRef item : items) {
        item = item.trim();
        if (item == "*" || item == "sqlrace-*" || item == "sqlrace-" + rule) match = true;
      }
      rest = close == llvm::StringRef::npos ? llvm::StringRef() : rest.substr(close + 1);
    }
    reason = !rest.ltrim(" \t:-").trim().empty();
    return match;
  };
  return check(line, "NOLINT") || check(prev, "NOLINTNEXTLINE");
}

}  // namespace sqlrace
