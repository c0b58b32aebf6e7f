// libpg_query's parse tree read from its JSON output into the same protobuf-c
// messages pg_query_parse_protobuf + unpack would give.
//
// Why: libpg_query builds its protobuf output by packing a tree of protobuf-c
// messages whose packed sizes are recomputed at every level of nesting; for the
// short statements applications send, that costs about 9x the parse itself
// (19 us against 2 us per statement here), while its JSON output costs 6 us.
// Decoding the JSON straight into the messages (malloc'd like protobuf-c's
// unpack, so the usual free_unpacked frees them) keeps every user of the tree
// unchanged. The field names of the JSON are the .proto's json names
// (targetList for target_list, SelectStmt for select_stmt), enums are their
// value names.
//
// One known loss in libpg_query 15's JSON: an Integer node with a negative
// value is written as {} (as 0 is). For the ival of an A_Const the value is read
// back from the SQL text at the constant's location; anywhere else an empty
// Integer makes the decoder give up, and parse() falls back to the protobuf
// route. Anything else unexpected (an unknown key, a type mismatch) does the
// same: the decoder never guesses.
#include "PgTree.h"

#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace sqlrace::sql::tree {
namespace {

// The normalized name of a field: lower case, no '_' (target_list and targetList
// are both "targetlist"; A_Const and a_const "aconst").
size_t normalizeKey(const char *s, size_t n, char *out, size_t cap) {
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[i];
    if (c == '_') continue;
    if (k == cap) return cap + 1;
    out[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  return k;
}

struct FieldIndex {
  std::vector<std::unique_ptr<std::string>> keys;  // the storage byKey's views point into
  std::unordered_map<std::string_view, const ProtobufCFieldDescriptor *> byKey;
};

// Field lookup tables for every message type reachable from ParseResult, built
// once (a function-local static: safe to build from several threads).
class Fields {
 public:
  static const Fields &get() {
    static const Fields f;
    return f;
  }
  const FieldIndex *of(const ProtobufCMessageDescriptor *d) const {
    auto it = index_.find(d);
    return it == index_.end() ? nullptr : &it->second;
  }
  // nullptr: no such field, or two fields with the same normalized name.
  static const ProtobufCFieldDescriptor *find(const FieldIndex &ix, std::string_view normalized) {
    auto f = ix.byKey.find(normalized);
    return f == ix.byKey.end() ? nullptr : f->second;
  }

 private:
  Fields() { add(&pg_query__parse_result__descriptor); }
  void add(const ProtobufCMessageDescriptor *d) {
    if (index_.count(d)) return;
    FieldIndex &ix = index_[d];
    std::vector<const ProtobufCMessageDescriptor *> next;
    for (unsigned i = 0; i < d->n_fields; ++i) {
      const ProtobufCFieldDescriptor *fd = &d->fields[i];
      char buf[96];
      size_t k = normalizeKey(fd->name, std::strlen(fd->name), buf, sizeof buf);
      if (k > sizeof buf) continue;
      ix.keys.push_back(std::make_unique<std::string>(buf, k));
      auto [it, fresh] = ix.byKey.emplace(*ix.keys.back(), fd);
      if (!fresh) it->second = nullptr;  // ambiguous: never decoded, so the fallback runs
      if (fd->type == PROTOBUF_C_TYPE_MESSAGE)
        next.push_back(static_cast<const ProtobufCMessageDescriptor *>(fd->descriptor));
    }
    for (const ProtobufCMessageDescriptor *m : next) add(m);
  }
  std::unordered_map<const ProtobufCMessageDescriptor *, FieldIndex> index_;
};

class Decoder {
 public:
  Decoder(std::string_view json, std::string_view sql, Arena *arena)
      : p_(json.data()), end_(json.data() + json.size()), sql_(sql), arena_(arena) {}

  PgQuery__ParseResult *run() {
    auto *root = static_cast<ProtobufCMessage *>(newMessage(&pg_query__parse_result__descriptor));
    if (!object(root) || (skipWs(), p_ != end_)) {
      if (!arena_) protobuf_c_message_free_unpacked(root, nullptr);
      return nullptr;
    }
    return reinterpret_cast<PgQuery__ParseResult *>(root);
  }

 private:
  const char *p_, *end_;
  std::string_view sql_;
  Arena *arena_;

  void *allocate(size_t n) { return arena_ ? arena_->allocate(n) : std::malloc(n); }
  void *grow(void *old, size_t oldSize, size_t newSize) {
    if (!arena_) return std::realloc(old, newSize);
    void *p = arena_->allocate(newSize);
    std::memcpy(p, old, oldSize);
    return p;
  }

  void *newMessage(const ProtobufCMessageDescriptor *d) {
    void *m = allocate(d->sizeof_message);
    d->message_init(static_cast<ProtobufCMessage *>(m));
    return m;
  }

  void skipWs() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\t' || *p_ == '\r')) ++p_;
  }
  bool eat(char c) {
    skipWs();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  // A JSON string; raw points into the input when it has no escapes.
  bool string(std::string &out) {
    if (!eat('"')) return false;
    out.clear();
    const char *start = p_;
    while (p_ != end_ && *p_ != '"' && *p_ != '\\') ++p_;
    out.append(start, p_);
    while (p_ != end_ && *p_ != '"') {
      if (*p_ != '\\') {
        out.push_back(*p_++);
        continue;
      }
      if (++p_ == end_) return false;
      char e = *p_++;
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
            p_ += 2;
            if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          utf8(cp, out);
          break;
        }
        default: return false;
      }
    }
    if (p_ == end_) return false;
    ++p_;
    return true;
  }
  // A key (field names have no escapes), normalized into keyBuf_ without a copy.
  bool normalizedKey(std::string_view &out) {
    if (!eat('"')) return false;
    const char *start = p_;
    while (p_ != end_ && *p_ != '"' && *p_ != '\\') ++p_;
    if (p_ == end_ || *p_ != '"') return false;
    size_t k = normalizeKey(start, (size_t)(p_ - start), keyBuf_, sizeof keyBuf_);
    ++p_;
    if (k > sizeof keyBuf_) return false;
    out = std::string_view(keyBuf_, k);
    return true;
  }
  char keyBuf_[96];

  bool hex4(uint32_t &v) {
    if (end_ - p_ < 4) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= (uint32_t)(c - '0');
      else if (c >= 'a' && c <= 'f') v |= (uint32_t)(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= (uint32_t)(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void utf8(uint32_t cp, std::string &out) {
    if (cp < 0x80) {
      out.push_back((char)cp);
    } else if (cp < 0x800) {
      out.push_back((char)(0xC0 | (cp >> 6)));
      out.push_back((char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back((char)(0xE0 | (cp >> 12)));
      out.push_back((char)(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back((char)(0x80 | (cp & 0x3F)));
    } else {
      out.push_back((char)(0xF0 | (cp >> 18)));
      out.push_back((char)(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back((char)(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back((char)(0x80 | (cp & 0x3F)));
    }
  }

  // A JSON number as written by libpg_query (%d, %u, %ld, %f, %g forms).
  bool number(std::string &out) {
    skipWs();
    const char *start = p_;
    while (p_ != end_ && (std::isdigit((unsigned char)*p_) || *p_ == '-' || *p_ == '+' || *p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      ++p_;
    if (p_ == start) return false;
    out.assign(start, p_);
    return true;
  }

  // One scalar (or enum) value into the storage at `at`.
  bool scalar(const ProtobufCFieldDescriptor &fd, void *at) {
    std::string tok;
    switch (fd.type) {
      case PROTOBUF_C_TYPE_STRING: {
        if (!string(tok)) return false;
        char *s = static_cast<char *>(allocate(tok.size() + 1));
        std::memcpy(s, tok.data(), tok.size());
        s[tok.size()] = '\0';
        *static_cast<char **>(at) = s;
        return true;
      }
      case PROTOBUF_C_TYPE_ENUM: {
        if (!string(tok)) return false;
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(
            static_cast<const ProtobufCEnumDescriptor *>(fd.descriptor), tok.c_str());
        if (!v) return false;
        *static_cast<int *>(at) = v->value;
        return true;
      }
      case PROTOBUF_C_TYPE_BOOL: {
        skipWs();
        if (end_ - p_ >= 4 && std::memcmp(p_, "true", 4) == 0) {
          p_ += 4;
          *static_cast<protobuf_c_boolean *>(at) = 1;
          return true;
        }
        if (end_ - p_ >= 5 && std::memcmp(p_, "false", 5) == 0) {
          p_ += 5;
          *static_cast<protobuf_c_boolean *>(at) = 0;
          return true;
        }
        return false;
      }
      default: break;
    }
    if (fd.type == PROTOBUF_C_TYPE_INT32 || fd.type == PROTOBUF_C_TYPE_UINT32) {
      // the common case (locations, counts, enums as numbers): digits read in place
      skipWs();
      bool negative = p_ != end_ && *p_ == '-';
      const char *q = p_ + (negative ? 1 : 0);
      long long v = 0;
      const char *start = q;
      while (q != end_ && *q >= '0' && *q <= '9' && v <= 4294967296LL) v = v * 10 + (*q++ - '0');
      bool plain = q != start && (q == end_ || (*q != '.' && *q != 'e' && *q != 'E' && !(*q >= '0' && *q <= '9')));
      if (plain) {
        if (negative) v = -v;
        if (fd.type == PROTOBUF_C_TYPE_INT32 ? (v < INT32_MIN || v > INT32_MAX) : (v < 0 || v > (long long)UINT32_MAX))
          return false;
        p_ = q;
        if (fd.type == PROTOBUF_C_TYPE_INT32) *static_cast<int32_t *>(at) = (int32_t)v;
        else *static_cast<uint32_t *>(at) = (uint32_t)v;
        return true;
      }
    }
    if (!number(tok)) return false;
    char *e = nullptr;
    errno = 0;
    switch (fd.type) {
      case PROTOBUF_C_TYPE_INT32:
      case PROTOBUF_C_TYPE_SINT32:
      case PROTOBUF_C_TYPE_SFIXED32: {
        long long v = std::strtoll(tok.c_str(), &e, 10);
        if (*e || errno || v < INT32_MIN || v > INT32_MAX) return false;
        *static_cast<int32_t *>(at) = (int32_t)v;
        return true;
      }
      case PROTOBUF_C_TYPE_UINT32:
      case PROTOBUF_C_TYPE_FIXED32: {
        unsigned long long v = std::strtoull(tok.c_str(), &e, 10);
        if (*e || errno || tok[0] == '-' || v > UINT32_MAX) return false;
        *static_cast<uint32_t *>(at) = (uint32_t)v;
        return true;
      }
      case PROTOBUF_C_TYPE_INT64:
      case PROTOBUF_C_TYPE_SINT64:
      case PROTOBUF_C_TYPE_SFIXED64: {
        long long v = std::strtoll(tok.c_str(), &e, 10);
        if (*e || errno) return false;
        *static_cast<int64_t *>(at) = (int64_t)v;
        return true;
      }
      case PROTOBUF_C_TYPE_UINT64:
      case PROTOBUF_C_TYPE_FIXED64: {
        unsigned long long v = std::strtoull(tok.c_str(), &e, 10);
        if (*e || errno || tok[0] == '-') return false;
        *static_cast<uint64_t *>(at) = (uint64_t)v;
        return true;
      }
      case PROTOBUF_C_TYPE_DOUBLE: {
        double v = std::strtod(tok.c_str(), &e);
        if (*e) return false;
        *static_cast<double *>(at) = v;
        return true;
      }
      case PROTOBUF_C_TYPE_FLOAT: {
        float v = std::strtof(tok.c_str(), &e);
        if (*e) return false;
        *static_cast<float *>(at) = v;
        return true;
      }
      default: return false;  // bytes: libpg_query has none
    }
  }

  static size_t scalarSize(ProtobufCType t) {
    switch (t) {
      case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
      case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
        return 8;
      case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: case PROTOBUF_C_TYPE_BYTES:
        return sizeof(void *);
      default:
        return 4;
    }
  }

  // One value of field fd (not repeated) stored at `at`; a message is allocated.
  bool value(const ProtobufCFieldDescriptor &fd, void *at) {
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) return scalar(fd, at);
    auto *d = static_cast<const ProtobufCMessageDescriptor *>(fd.descriptor);
    auto *m = static_cast<ProtobufCMessage *>(newMessage(d));
    *static_cast<ProtobufCMessage **>(at) = m;  // owned by the parent from here on, even on failure
    return object(m);
  }

  bool object(ProtobufCMessage *m) {
    const ProtobufCMessageDescriptor *d = m->descriptor;
    char *base = reinterpret_cast<char *>(m);
    if (!eat('{')) return false;
    skipWs();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return finish(m);
    }
    const FieldIndex *ix = Fields::get().of(d);
    if (!ix) return false;
    for (;;) {
      std::string_view key;
      if (!normalizedKey(key) || !eat(':')) return false;
      const ProtobufCFieldDescriptor *fd = Fields::find(*ix, key);
      if (!fd) return false;
      if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
        if (!array(*fd, base)) return false;
      } else {
        void *at = base + fd->offset;
        if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
          uint32_t &which = *reinterpret_cast<uint32_t *>(base + fd->quantifier_offset);
          if (which != 0) return false;  // two members of one oneof
          which = fd->id;
        } else if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->quantifier_offset) {
          *reinterpret_cast<protobuf_c_boolean *>(base + fd->quantifier_offset) = 1;
        }
        // the key twice (a string still holds its default, a message field is still null)
        if (fd->type == PROTOBUF_C_TYPE_MESSAGE && *static_cast<void **>(at)) return false;
        if (fd->type == PROTOBUF_C_TYPE_STRING && *static_cast<void **>(at) != fd->default_value) return false;
        if (!value(*fd, at)) return false;
      }
      skipWs();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      if (!eat('}')) return false;
      return finish(m);
    }
  }

  bool array(const ProtobufCFieldDescriptor &fd, char *base) {
    size_t &n = *reinterpret_cast<size_t *>(base + fd.quantifier_offset);
    void *&arr = *reinterpret_cast<void **>(base + fd.offset);
    if (n || arr) return false;  // the key twice
    if (!eat('[')) return false;
    skipWs();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    size_t size = scalarSize(fd.type), cap = 4;
    arr = allocate(cap * size);
    std::memset(arr, 0, cap * size);
    for (;;) {
      if (n == cap) {
        void *grown = grow(arr, cap * size, cap * 2 * size);
        if (!grown) return false;
        std::memset(static_cast<char *>(grown) + cap * size, 0, cap * size);
        arr = grown;
        cap *= 2;
      }
      // counted before decoding so that free_unpacked frees a half-built element too
      void *at = static_cast<char *>(arr) + n * size;
      ++n;
      if (!value(fd, at)) return false;
      skipWs();
      if (p_ != end_ && *p_ == ',') {
        ++p_;
        continue;
      }
      return eat(']');
    }
  }

  // The one lossy spot of libpg_query 15's JSON (see the top of the file).
  bool finish(ProtobufCMessage *m) {
    if (m->descriptor != &pg_query__a__const__descriptor) return true;
    auto *c = reinterpret_cast<PgQuery__AConst *>(m);
    if (c->val_case != PG_QUERY__A__CONST__VAL_IVAL || !c->ival || c->ival->ival != 0) return true;
    if (c->location < 0 || (size_t)c->location >= sql_.size()) return false;
    size_t i = (size_t)c->location;
    bool negative = false;
    if (sql_[i] == '-') {
      negative = true;
      ++i;
      // the grammar folds -3, - 3 and -(3) into one constant located at the minus
      while (i < sql_.size() && (sql_[i] == ' ' || sql_[i] == '\t' || sql_[i] == '\n' || sql_[i] == '\r' || sql_[i] == '('))
        ++i;
    }
    size_t start = i;
    long long v = 0;
    while (i < sql_.size() && sql_[i] >= '0' && sql_[i] <= '9' && v <= INT32_MAX) v = v * 10 + (sql_[i++] - '0');
    if (i == start || v > (long long)INT32_MAX + 1) return false;
    if (i < sql_.size() && (std::isalnum((unsigned char)sql_[i]) || sql_[i] == '_' || sql_[i] == '.')) return false;
    if (negative) v = -v;
    if (v < INT32_MIN || v > INT32_MAX) return false;
    c->ival->ival = (int32_t)v;
    return true;
  }

 public:
  // An Integer node written as {} anywhere but an A_Const's ival is 0 or negative: unknown.
  static bool emptyIntegers(std::string_view json) {
    static const std::string_view key = "{\"Integer\":{}}";
    return json.find(key) != std::string_view::npos;
  }
};

}  // namespace

PgQuery__ParseResult *decodeJsonTree(std::string_view json, std::string_view sql, Arena *arena) {
  if (Decoder::emptyIntegers(json)) return nullptr;
  return Decoder(json, sql, arena).run();
}

}  // namespace sqlrace::sql::tree
