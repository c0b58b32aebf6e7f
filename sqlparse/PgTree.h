// Internal: owning wrapper around libpg_query's protobuf parse tree, a generic
// walker over it, and builders for the few nodes rewrites add.
#pragma once

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sqlrace::sql::tree {

// Bump allocation for trees only read (released at once, no per-node free).
class Arena {
 public:
  void *allocate(size_t n) {
    n = (n + 15) & ~size_t(15);
    if (n > left_) {
      size_t size = std::max(n, next_);
      blocks_.emplace_back(new char[size]);
      cur_ = blocks_.back().get();
      left_ = size;
      if (next_ < 64 * 1024) next_ *= 2;
    }
    void *p = cur_;
    cur_ += n;
    left_ -= n;
    return p;
  }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char *cur_ = nullptr;
  size_t left_ = 0, next_ = 4096;
};

struct ParseTree {
  PgQuery__ParseResult *root = nullptr;
  std::unique_ptr<Arena> arena;  // set: the nodes live there (read only); else malloc'd
  std::string error;
  int errorCursor = -1;  // 0-based offset into the parsed text
  ParseTree() = default;
  ParseTree(const ParseTree &) = delete;
  ParseTree &operator=(const ParseTree &) = delete;
  ParseTree(ParseTree &&o) noexcept
      : root(o.root), arena(std::move(o.arena)), error(std::move(o.error)), errorCursor(o.errorCursor) {
    o.root = nullptr;
  }
  ParseTree &operator=(ParseTree &&o) noexcept {
    std::swap(root, o.root);
    std::swap(arena, o.arena);
    error = std::move(o.error);
    errorCursor = o.errorCursor;
    return *this;
  }
  ~ParseTree();
  explicit operator bool() const { return root != nullptr; }
};

// Parses PostgreSQL text (already normalized) into a tree to read (its nodes in an arena).
ParseTree parse(const std::string &text);
// MySQL and SQLite DDL (AUTO_INCREMENT, AUTOINCREMENT, UNIQUE KEY, table options) in forms
// libpg_query parses, keeping what the schema needs (Schema.cpp).
std::string ddlToPostgres(std::string ddl);
// The same, with every node malloc'd as protobuf-c's unpack does, for rewrites that
// replace and free nodes.
ParseTree parseForEdit(const std::string &text);
// libpg_query's JSON parse tree of `sql` decoded into protobuf-c messages (what the
// protobuf route gives, at a third of its cost); nullptr when the JSON holds
// anything the decoder cannot map exactly, and the caller takes the protobuf route.
// With an arena, the nodes are allocated there; without, malloc'd (free_unpacked frees them).
PgQuery__ParseResult *decodeJsonTree(std::string_view json, std::string_view sql, Arena *arena = nullptr);
// The protobuf route alone (what parse() falls back to; tests compare the two).
ParseTree parseViaProtobuf(const std::string &text);
// The tree in protobuf wire form (what libpg_query's deparser reads; tests compare trees by
// it): the bytes protobuf-c's pack writes, at a fraction of its cost.
std::string pack(const PgQuery__ParseResult *root);
std::string pack(const PgQuery__Node *node);
// protobuf-c's own pack (tests compare the two).
std::string packWithProtobufC(const PgQuery__ParseResult *root);
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
