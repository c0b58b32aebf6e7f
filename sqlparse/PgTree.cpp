#include "PgTree.h"

#include <cstdlib>
#include <cstring>

namespace sqlrace::sql::tree {

namespace {

// Calls f on the fields of m worth a look, in descriptor order, until f returns false
// (then false). A Node is a oneof of some 250 node types: only the member it holds is
// given (protobuf-c's generic pack, size and free scan them all, per Node).
template <typename F> bool eachField(const ProtobufCMessage *m, F f) {
  const ProtobufCMessageDescriptor *d = m->descriptor;
  if (d == &pg_query__node__descriptor) {
    uint32_t which = reinterpret_cast<const PgQuery__Node *>(m)->node_case;
    const ProtobufCFieldDescriptor *fd = which ? protobuf_c_message_descriptor_get_field(d, which) : nullptr;
    return !fd || f(*fd);
  }
  for (unsigned i = 0; i < d->n_fields; ++i)
    if (!f(d->fields[i])) return false;
  return true;
}

// What protobuf_c_message_free_unpacked frees (with the default allocator), without its
// scan of all of a Node's some 250 oneof members for the one it holds.
void freeMessage(ProtobufCMessage *m) {
  if (!m) return;
  char *base = reinterpret_cast<char *>(m);
  auto freeValue = [](const ProtobufCFieldDescriptor &fd, void *at) {
    switch (fd.type) {
      case PROTOBUF_C_TYPE_STRING: {
        char *str = *static_cast<char **>(at);
        if (str && str != fd.default_value) std::free(str);
        break;
      }
      case PROTOBUF_C_TYPE_BYTES: {
        auto *b = static_cast<ProtobufCBinaryData *>(at);
        if (b->data && (!fd.default_value || b->data != static_cast<const ProtobufCBinaryData *>(fd.default_value)->data))
          std::free(b->data);
        break;
      }
      case PROTOBUF_C_TYPE_MESSAGE: freeMessage(*static_cast<ProtobufCMessage **>(at)); break;
      default: break;
    }
  };
  auto freeField = [&](const ProtobufCFieldDescriptor &fd) {
    void *at = base + fd.offset;
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<size_t *>(base + fd.quantifier_offset);
      char *arr = *static_cast<char **>(at);
      size_t step = fd.type == PROTOBUF_C_TYPE_BYTES ? sizeof(ProtobufCBinaryData) : sizeof(void *);
      if (fd.type == PROTOBUF_C_TYPE_STRING || fd.type == PROTOBUF_C_TYPE_BYTES || fd.type == PROTOBUF_C_TYPE_MESSAGE)
        for (size_t i = 0; i < n; ++i) freeValue(fd, arr + i * step);
      std::free(arr);
      return;
    }
    if ((fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
        *reinterpret_cast<uint32_t *>(base + fd.quantifier_offset) != fd.id)
      return;  // another member of the oneof is set
    freeValue(fd, at);
  };
  eachField(m, [&](const ProtobufCFieldDescriptor &fd) {
    freeField(fd);
    return true;
  });
  for (unsigned i = 0; i < m->n_unknown_fields; ++i) std::free(m->unknown_fields[i].data);
  std::free(m->unknown_fields);
  std::free(m);
}

}  // namespace

ParseTree::~ParseTree() {
  if (root && !arena) freeMessage(&root->base);
}

static ParseTree parseViaJson(const std::string &text, bool inArena) {
  PgQueryParseResult r = pg_query_parse(text.c_str());
  ParseTree t;
  if (r.error) {
    t.error = r.error->message ? r.error->message : "syntax error";
    t.errorCursor = r.error->cursorpos > 0 ? r.error->cursorpos - 1 : -1;
  } else {
    if (inArena) t.arena = std::make_unique<Arena>();
    t.root = decodeJsonTree(r.parse_tree ? std::string_view(r.parse_tree) : std::string_view(), text, t.arena.get());
    if (!t.root) t.arena.reset();
  }
  pg_query_free_parse_result(r);
  if (t.root || !t.error.empty()) return t;
  return parseViaProtobuf(text);
}

ParseTree parse(const std::string &text) { return parseViaJson(text, true); }

ParseTree parseForEdit(const std::string &text) { return parseViaJson(text, false); }

ParseTree parseViaProtobuf(const std::string &text) {
  ParseTree t;
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
  if (r.error) {
    t.error = r.error->message ? r.error->message : "syntax error";
    t.errorCursor = r.error->cursorpos > 0 ? r.error->cursorpos - 1 : -1;
  } else {
    t.root = pg_query__parse_result__unpack(nullptr, r.parse_tree.len,
                                            reinterpret_cast<const uint8_t *>(r.parse_tree.data));
    if (!t.root) t.error = "could not read the parse tree";
  }
  pg_query_free_protobuf_parse_result(r);
  return t;
}

std::string packWithProtobufC(const PgQuery__ParseResult *root) {
  std::string buf(pg_query__parse_result__get_packed_size(root), '\0');
  pg_query__parse_result__pack(root, reinterpret_cast<uint8_t *>(buf.data()));
  return buf;
}

namespace {

// The protobuf wire form of a protobuf-c message, byte for byte what protobuf-c's pack
// writes (fields in descriptor order, proto3 zero values left out). protobuf-c's own
// pack scans every field of a message for each message written, some 250 for each
// Node's oneof, and works out each nested message's size again at every level above
// it; here a Node goes straight to the member it holds and each message is written once.
class Packer {
public:
  bool message(const ProtobufCMessage *m, std::string &out) {
    const char *base = reinterpret_cast<const char *>(m);
    return eachField(m, [&](const ProtobufCFieldDescriptor &fd) { return field(fd, base, out); });
  }

private:
  static void varint(uint64_t v, std::string &out) {
    while (v >= 0x80) {
      out.push_back((char)(v | 0x80));
      v >>= 7;
    }
    out.push_back((char)v);
  }
  static void tag(uint32_t id, int wire, std::string &out) { varint(((uint64_t)id << 3) | (uint64_t)wire, out); }
  static void fixed(uint64_t v, int bytes, std::string &out) {
    for (int i = 0; i < bytes; ++i) out.push_back((char)(v >> (8 * i)));
  }
  static int wireType(ProtobufCType t) {
    switch (t) {
      case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE: return 1;
      case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_FLOAT: return 5;
      case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_BYTES: case PROTOBUF_C_TYPE_MESSAGE: return 2;
      default: return 0;
    }
  }
  static size_t elementSize(ProtobufCType t) {
    switch (t) {
      case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
      case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_UINT64: return 8;
      case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
      case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
      case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
      default: return 4;
    }
  }
  // A value of a proto3 field that protobuf-c leaves out (zero, empty, null).
  static bool zero(const ProtobufCFieldDescriptor &fd, const void *at) {
    switch (fd.type) {
      case PROTOBUF_C_TYPE_STRING: {
        const char *s = *static_cast<const char *const *>(at);
        return !s || !*s;
      }
      case PROTOBUF_C_TYPE_MESSAGE: return *static_cast<const void *const *>(at) == nullptr;
      case PROTOBUF_C_TYPE_FLOAT: return *static_cast<const float *>(at) == 0;
      case PROTOBUF_C_TYPE_DOUBLE: return *static_cast<const double *>(at) == 0;
      case PROTOBUF_C_TYPE_BYTES: return static_cast<const ProtobufCBinaryData *>(at)->len == 0;
      default: {
        const unsigned char *b = static_cast<const unsigned char *>(at);
        for (size_t i = 0; i < elementSize(fd.type); ++i)
          if (b[i]) return false;
        return true;
      }
    }
  }
  // One value's payload (after its tag); false for what this packer does not write.
  bool value(const ProtobufCFieldDescriptor &fd, const void *at, std::string &out) {
    switch (fd.type) {
      case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_ENUM:
        varint((uint64_t)(int64_t)*static_cast<const int32_t *>(at), out);
        return true;
      case PROTOBUF_C_TYPE_UINT32: varint(*static_cast<const uint32_t *>(at), out); return true;
      case PROTOBUF_C_TYPE_SINT32: {
        int32_t v = *static_cast<const int32_t *>(at);
        varint((uint32_t)((uint32_t)v << 1) ^ (uint32_t)(v >> 31), out);
        return true;
      }
      case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_UINT64:
        varint(*static_cast<const uint64_t *>(at), out);
        return true;
      case PROTOBUF_C_TYPE_SINT64: {
        int64_t v = *static_cast<const int64_t *>(at);
        varint(((uint64_t)v << 1) ^ (uint64_t)(v >> 63), out);
        return true;
      }
      case PROTOBUF_C_TYPE_BOOL: out.push_back(*static_cast<const protobuf_c_boolean *>(at) ? 1 : 0); return true;
      case PROTOBUF_C_TYPE_FIXED32: case PROTOBUF_C_TYPE_SFIXED32: case PROTOBUF_C_TYPE_FLOAT: {
        uint32_t v;
        std::memcpy(&v, at, 4);
        fixed(v, 4, out);
        return true;
      }
      case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_SFIXED64: case PROTOBUF_C_TYPE_DOUBLE: {
        uint64_t v;
        std::memcpy(&v, at, 8);
        fixed(v, 8, out);
        return true;
      }
      case PROTOBUF_C_TYPE_STRING: {
        const char *s = *static_cast<const char *const *>(at);
        size_t n = s ? std::strlen(s) : 0;
        varint(n, out);
        out.append(s ? s : "", n);
        return true;
      }
      case PROTOBUF_C_TYPE_BYTES: {
        const auto *b = static_cast<const ProtobufCBinaryData *>(at);
        varint(b->len, out);
        out.append(reinterpret_cast<const char *>(b->data), b->len);
        return true;
      }
      case PROTOBUF_C_TYPE_MESSAGE: {
        const auto *m = *static_cast<const ProtobufCMessage *const *>(at);
        std::string inner;
        if (m && !message(m, inner)) return false;
        varint(inner.size(), out);
        out += inner;
        return true;
      }
    }
    return false;
  }
  bool field(const ProtobufCFieldDescriptor &fd, const char *base, std::string &out) {
    const void *at = base + fd.offset;
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t *>(base + fd.quantifier_offset);
      const char *arr = *reinterpret_cast<const char *const *>(at);
      size_t step = elementSize(fd.type);
      if (n == 0) return true;
      if (fd.flags & PROTOBUF_C_FIELD_FLAG_PACKED) {
        std::string payload;
        for (size_t i = 0; i < n; ++i)
          if (!value(fd, arr + i * step, payload)) return false;
        tag(fd.id, 2, out);
        varint(payload.size(), out);
        out += payload;
        return true;
      }
      for (size_t i = 0; i < n; ++i) {
        tag(fd.id, wireType(fd.type), out);
        if (!value(fd, arr + i * step, out)) return false;
      }
      return true;
    }
    if (fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
      if (*reinterpret_cast<const uint32_t *>(base + fd.quantifier_offset) != fd.id) return true;
      if (fd.type == PROTOBUF_C_TYPE_MESSAGE || fd.type == PROTOBUF_C_TYPE_STRING) {
        const void *p = *static_cast<const void *const *>(at);
        if (!p || p == fd.default_value) return true;
      }
    } else if (fd.label == PROTOBUF_C_LABEL_NONE) {
      if (zero(fd, at)) return true;
    } else if (fd.label == PROTOBUF_C_LABEL_OPTIONAL) {
      if (fd.type == PROTOBUF_C_TYPE_MESSAGE || fd.type == PROTOBUF_C_TYPE_STRING) {
        const void *p = *static_cast<const void *const *>(at);
        if (!p || p == fd.default_value) return true;
      } else if (!*reinterpret_cast<const protobuf_c_boolean *>(base + fd.quantifier_offset)) {
        return true;
      }
    }
    tag(fd.id, wireType(fd.type), out);
    return value(fd, at, out);
  }
};

}  // namespace

std::string pack(const PgQuery__Node *node) {
  std::string out;
  if (!Packer().message(&node->base, out)) {
    out.assign(pg_query__node__get_packed_size(node), '\0');
    pg_query__node__pack(node, reinterpret_cast<uint8_t *>(out.data()));
  }
  return out;
}

std::string pack(const PgQuery__ParseResult *root) {
  std::string out;
  out.reserve(256);
  if (!Packer().message(&root->base, out)) return packWithProtobufC(root);  // a type it does not write
  return out;
}

bool deparse(PgQuery__ParseResult *root, std::string &out, std::string &err) {
  std::string buf = pack(root);
  PgQueryProtobuf pb{buf.size(), buf.data()};
  PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
  bool ok = !d.error;
  if (ok) out = d.query;
  else err = d.error->message ? d.error->message : "deparse failed";
  pg_query_free_deparse_result(d);
  return ok;
}

void walk(const ProtobufCMessage *m, const std::function<void(const ProtobufCMessage *)> &f) {
  if (!m) return;
  f(m);
  const char *base = reinterpret_cast<const char *>(m);
  eachField(m, [&](const ProtobufCFieldDescriptor &fd) {
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) return true;
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      size_t n = *reinterpret_cast<const size_t *>(base + fd.quantifier_offset);
      auto arr = *reinterpret_cast<ProtobufCMessage *const *const *>(base + fd.offset);
      for (size_t j = 0; j < n; ++j) walk(arr[j], f);
    } else if (!(fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
               *reinterpret_cast<const uint32_t *>(base + fd.quantifier_offset) == fd.id) {
      walk(*reinterpret_cast<ProtobufCMessage *const *>(base + fd.offset), f);
    }
    return true;
  });
}

std::string str(const PgQuery__Node *n) {
  if (n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string && n->string->sval)
    return n->string->sval;
  return {};
}

std::string lastField(const PgQuery__ColumnRef *c) {
  if (!c || c->n_fields == 0) return {};
  const PgQuery__Node *last = c->fields[c->n_fields - 1];
  if (last->node_case == PG_QUERY__NODE__NODE_A_STAR) return "*";
  return str(last);
}

std::string funcName(const PgQuery__FuncCall *f) {
  if (!f || f->n_funcname == 0) return {};
  std::string s = str(f->funcname[f->n_funcname - 1]);
  for (char &c : s) c = (char)std::tolower((unsigned char)c);
  return s;
}

static char *dup(std::string_view s) {
  char *p = static_cast<char *>(std::malloc(s.size() + 1));
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

PgQuery__Node *makeNode() {
  PgQuery__Node init = PG_QUERY__NODE__INIT;
  return alloc(init);
}

PgQuery__Node **makeArray(size_t n) {
  return static_cast<PgQuery__Node **>(std::calloc(n ? n : 1, sizeof(PgQuery__Node *)));
}

PgQuery__Node *makeString(std::string_view s) {
  PgQuery__String init = PG_QUERY__STRING__INIT;
  PgQuery__Node *n = makeNode();
  n->node_case = PG_QUERY__NODE__NODE_STRING;
  n->string = alloc(init);
  n->string->sval = dup(s);
  return n;
}

PgQuery__Node *makeColumnRef(std::initializer_list<std::string_view> fields) {
  PgQuery__ColumnRef init = PG_QUERY__COLUMN_REF__INIT;
  PgQuery__Node *n = makeNode();
  n->node_case = PG_QUERY__NODE__NODE_COLUMN_REF;
  n->column_ref = alloc(init);
  n->column_ref->n_fields = fields.size();
  n->column_ref->fields = makeArray(fields.size());
  size_t i = 0;
  for (std::string_view f : fields) n->column_ref->fields[i++] = makeString(f);
  n->column_ref->location = -1;
  return n;
}

PgQuery__Node *makeIndexElem(std::string_view column) {
  PgQuery__IndexElem init = PG_QUERY__INDEX_ELEM__INIT;
  PgQuery__Node *n = makeNode();
  n->node_case = PG_QUERY__NODE__NODE_INDEX_ELEM;
  n->index_elem = alloc(init);
  n->index_elem->name = dup(column);
  n->index_elem->ordering = PG_QUERY__SORT_BY_DIR__SORTBY_DEFAULT;
  n->index_elem->nulls_ordering = PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT;
  return n;
}

PgQuery__Node *makeResTarget(std::string_view name, PgQuery__Node *val) {
  PgQuery__ResTarget init = PG_QUERY__RES_TARGET__INIT;
  PgQuery__Node *n = makeNode();
  n->node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  n->res_target = alloc(init);
  n->res_target->name = dup(name);
  n->res_target->val = val;
  n->res_target->location = -1;
  return n;
}

}  // namespace sqlrace::sql::tree
