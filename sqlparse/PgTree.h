// Internal: owning wrapper around libpg_query's protobuf parse tree, a generic
// walker over it, and builders for the few nodes rewrites add.
#pragma once

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace sqlrace::sql::tree {

struct ParseTree {
  PgQuery__ParseResult *root = nullptr;
  std::string error;
  int errorCursor = -1;  // 0-based offset into the parsed text
  ParseTree() = default;
  ParseTree(const ParseTree &) = delete;
  ParseTree &operator=(const ParseTree &) = delete;
  ParseTree(ParseTree &&o) noexcept : root(o.root), error(std::move(o.error)), errorCursor(o.errorCursor) { o.root = nullptr; }
  ParseTree &operator=(ParseTree &&o) noexcept {
    std::swap(root, o.root);
    error = std::move(o.error);
    errorCursor = o.errorCursor;
    return *this;
  }
  ~ParseTree();
  explicit operator bool() const { return root != nullptr; }
};

// Parses PostgreSQL text (already normalized) into an unpacked tree.
ParseTree parse(const std::string &text);
// Packs and deparses the tree; false with err on failure.
bool deparse(PgQuery__ParseResult *root, std::string &out, std::string &err);

// Calls f on every message below (and including) m, in pre-order.
void walk(const ProtobufCMessage *m, const std::function<void(const ProtobufCMessage *)> &f);
inline void walk(const PgQuery__Node *n, const std::function<void(const ProtobufCMessage *)> &f) {
  if (n) walk(&n->base, f);
}
template <typename T> const T *as(const ProtobufCMessage *m, const ProtobufCMessageDescriptor &d) {
  return m && m->descriptor == &d ? reinterpret_cast<const T *>(m) : nullptr;
}

// ASCII lower case (identifiers and keywords).
inline std::string lower(std::string s) {
  for (char &c : s) c = (char)std::tolower((unsigned char)c);
  return s;
}

std::string str(const PgQuery__Node *n);               // String node -> text, else ""
std::string lastField(const PgQuery__ColumnRef *c);     // a.b.col -> col
std::string funcName(const PgQuery__FuncCall *f);       // schema.fn -> fn (lower case)

// Builders (malloc-allocated, owned by the tree once attached).
// A malloc'd copy of `init` (a protobuf-c *__INIT value), as protobuf-c frees it.
template <typename T> T *alloc(const T &init) {
  T *p = static_cast<T *>(std::malloc(sizeof(T)));
  *p = init;
  return p;
}
PgQuery__Node *makeNode();  // an empty Node; set node_case and its payload
PgQuery__Node *makeString(std::string_view s);
PgQuery__Node *makeColumnRef(std::initializer_list<std::string_view> fields);
PgQuery__Node *makeIndexElem(std::string_view column);
PgQuery__Node *makeResTarget(std::string_view name, PgQuery__Node *val);
PgQuery__Node **makeArray(size_t n);

}  // namespace sqlrace::sql::tree
