#include "Report.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <iterator>

#include <optional>

namespace sqlrace::report {
namespace {

const char *InfoUri = "https://github.com/sqlrace/sqlrace";

std::string str(const llvm::json::Value &v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::formatv("{0:2}", v);
  return os.str();
}

llvm::json::Object place(const Place &p) {
  return llvm::json::Object{{"file", p.file}, {"line", (int64_t)p.line}, {"column", (int64_t)p.col}};
}

llvm::json::Object physical(const Place &p) {
  return llvm::json::Object{
      {"physicalLocation",
       llvm::json::Object{{"artifactLocation", llvm::json::Object{{"uri", p.file}, {"uriBaseId", "%SRCROOT%"}}},
                          {"region", llvm::json::Object{{"startLine", (int64_t)p.line},
                                                        {"startColumn", (int64_t)p.col}}}}}};
}

llvm::json::Array strings(const std::vector<std::string> &v) {
  llvm::json::Array a;
  for (const std::string &s : v) a.push_back(s);
  return a;
}

std::vector<std::string> strings(const llvm::json::Array *a) {
  std::vector<std::string> v;
  if (a)
    for (const llvm::json::Value &x : *a)
      if (auto s = x.getAsString()) v.push_back(s->str());
  return v;
}

llvm::json::Object rewrite(const Item &i) {
  return llvm::json::Object{{"schema", strings(i.schema)}, {"statements", strings(i.statements)}, {"note", i.rewriteNote}};
}

llvm::json::Object withMessage(llvm::json::Object loc, const std::string &text) {
  loc["message"] = llvm::json::Object{{"text", text}};
  return loc;
}

}  // namespace

namespace {
llvm::json::Object itemJson(const Item &i) {
  llvm::json::Array notes;
  for (size_t k = 0; k < i.notes.size(); ++k) {
    llvm::json::Object n = place(i.notes[k].first);
    n["message"] = i.notes[k].second;
    if (k < i.noteLines.size() && !i.noteLines[k].empty()) n["source"] = i.noteLines[k];
    notes.push_back(std::move(n));
  }
  llvm::json::Object o{{"rule", i.rule},
                       {"level", i.level},
                       {"message", i.message},
                       {"location", place(i.at)},
                       {"function", i.function},
                       {"notes", std::move(notes)},
                       {"fingerprint", i.fingerprint}};
  if (!i.grade.empty()) {
    o["grade"] = i.grade;
    o["gradeReason"] = i.gradeReason;
  }
  if (!i.sql.empty()) o["suggestedSql"] = i.sql;
  if (!i.schema.empty() || !i.statements.empty()) o["rewrite"] = rewrite(i);
  if (i.check.valid()) o["check"] = place(i.check);
  if (!i.sourceLine.empty()) o["source"] = i.sourceLine;
  if (i.fixBegin.valid())
    o["fix"] = llvm::json::Object{{"from", place(i.fixBegin)}, {"to", place(i.fixEnd)}, {"text", i.fixText}};
  return o;
}

// The report as llvm::json prints it (findings, then tool, indented by two), written a
// finding at a time: printing one array of many findings, and parsing it back with
// llvm::json::parse, copy the array at every growth (llvm::json::Value's move is not
// noexcept). fromJson reads this layout a finding at a time too.
const char kJsonHead[] = "{\n  \"findings\": [\n";
const char kJsonTail[] = "  ],\n  \"tool\": \"sqlrace\"\n}";
}  // namespace

std::string toJson(const std::vector<Item> &items) {
  if (items.empty()) return "{\n  \"findings\": [],\n  \"tool\": \"sqlrace\"\n}\n";
  std::string out = kJsonHead;
  for (size_t k = 0; k < items.size(); ++k) {
    std::string text = str(itemJson(items[k]));
    llvm::StringRef rest = text;
    while (!rest.empty()) {  // each line indented to the depth of a finding in the array
      auto [line, next] = rest.split('\n');
      out += "    ";
      out += line;
      rest = next;
      if (!rest.empty()) out += "\n";
    }
    out += k + 1 < items.size() ? ",\n" : "\n";
  }
  out += kJsonTail;
  out += "\n";
  return out;
}

static Place placeFrom(const llvm::json::Object *o) {
  Place p;
  if (!o) return p;
  if (auto f = o->getString("file")) p.file = f->str();
  if (auto l = o->getInteger("line")) p.line = (unsigned)*l;
  if (auto c = o->getInteger("column")) p.col = (unsigned)*c;
  return p;
}

static Item itemFrom(const llvm::json::Object *fo) {
  Item i;
  auto get = [&](const char *k) { auto s = fo->getString(k); return s ? s->str() : std::string(); };
  i.rule = get("rule");
  i.level = get("level");
  i.message = get("message");
  i.function = get("function");
  i.fingerprint = get("fingerprint");
  i.sql = get("suggestedSql");
  i.grade = get("grade");
  i.gradeReason = get("gradeReason");
  if (const llvm::json::Object *rw = fo->getObject("rewrite")) {
    i.schema = strings(rw->getArray("schema"));
    i.statements = strings(rw->getArray("statements"));
    if (auto n = rw->getString("note")) i.rewriteNote = n->str();
  }
  i.sourceLine = get("source");
  i.at = placeFrom(fo->getObject("location"));
  i.check = placeFrom(fo->getObject("check"));
  if (const llvm::json::Object *fix = fo->getObject("fix")) {
    i.fixBegin = placeFrom(fix->getObject("from"));
    i.fixEnd = placeFrom(fix->getObject("to"));
    if (auto t = fix->getString("text")) i.fixText = t->str();
  }
  if (const llvm::json::Array *ns = fo->getArray("notes"))
    for (const llvm::json::Value &n : *ns)
      if (const llvm::json::Object *no = n.getAsObject()) {
        auto m = no->getString("message");
        i.notes.push_back({placeFrom(no), m ? m->str() : ""});
        auto src = no->getString("source");
        i.noteLines.push_back(src ? src->str() : "");
      }
  return i;
}

bool fromJson(const std::string &text, std::vector<Item> &out) {
  llvm::StringRef rest(text);
  if (rest.consume_front(kJsonHead)) {  // our own layout: a finding at a time
    std::vector<Item> items;
    std::string chunk;
    bool ours = false;
    while (!rest.empty()) {
      auto [line, next] = rest.split('\n');
      rest = next;
      if (chunk.empty() && line.substr(0, 3) == "  ]") {
        ours = (line.str() + "\n" + rest.rtrim().str()) == kJsonTail;
        break;
      }
      bool last = line == "    }" || line == "    },";
      if (last) line = "    }";
      chunk += line;
      chunk += '\n';
      if (!last) continue;
      llvm::Expected<llvm::json::Value> v = llvm::json::parse(chunk);
      chunk.clear();
      if (!v || !v->getAsObject()) {
        if (!v) llvm::consumeError(v.takeError());
        break;
      }
      items.push_back(itemFrom(v->getAsObject()));
    }
    if (ours) {
      out.insert(out.end(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
      return true;
    }
    // not our layout after all: the general reader below decides
  }
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    llvm::consumeError(v.takeError());
    return false;
  }
  const llvm::json::Object *o = v->getAsObject();
  const llvm::json::Array *fs = o ? o->getArray("findings") : nullptr;
  if (!fs) return false;
  for (const llvm::json::Value &f : *fs)
    if (const llvm::json::Object *fo = f.getAsObject()) out.push_back(itemFrom(fo));
  return true;
}

std::string toSarif(const std::vector<Item> &items, const std::vector<RuleDoc> &rules, const std::string &version,
                    const std::string &rootUri) {
  llvm::json::Array ruleArr;
  for (const RuleDoc &r : rules) {
    std::string name;
    bool up = true;
    for (char c : r.id) {  // check-then-insert -> CheckThenInsert
      if (c == '-') {
        up = true;
        continue;
      }
      name += up ? (char)std::toupper((unsigned char)c) : c;
      up = false;
    }
    ruleArr.push_back(llvm::json::Object{
        {"id", r.id},
        {"name", name},
        {"shortDescription", llvm::json::Object{{"text", r.summary}}},
        {"fullDescription", llvm::json::Object{{"text", r.summary}}},
        {"help", llvm::json::Object{{"text", r.summary}, {"markdown", r.markdown}}},
        {"helpUri", std::string(InfoUri) + "/blob/main/docs/rules/" + r.id + ".md"},
        {"defaultConfiguration", llvm::json::Object{{"level", r.id == "unparsed-sql" || r.id == "invalid-schema" || r.id == "unresolved-sql" ? "note" : "warning"}}}});
  }
  llvm::json::Array results;
  results.reserve(items.size());  // llvm::json::Value's move is not noexcept: growing copies
  for (const Item &i : items) {
    int index = 0;
    for (size_t k = 0; k < rules.size(); ++k)
      if (rules[k].id == i.rule) index = (int)k;
    llvm::json::Array related;
    int id = 1;
    for (const auto &[p, m] : i.notes) {
      if (!p.valid()) continue;
      llvm::json::Object r = withMessage(physical(p), m);
      r["id"] = id++;
      related.push_back(std::move(r));
    }
    llvm::json::Object res{{"ruleId", i.rule},
                           {"ruleIndex", index},
                           {"level", i.level == "remark" ? "note" : i.level == "error" ? "error" : "warning"},
                           {"message", llvm::json::Object{{"text", i.message}}},
                           {"locations", llvm::json::Array{physical(i.at)}},
                           {"relatedLocations", std::move(related)},
                           {"partialFingerprints", llvm::json::Object{{"sqlraceFingerprint/v1", i.fingerprint}}}};
    if (i.check.valid() && i.level != "remark") {
      // two sessions: T1 checks, T2 checks, T1 writes, T2 writes
      auto step = [&](const Place &p, const std::string &text, int order) {
        return llvm::json::Object{{"location", withMessage(physical(p), text)}, {"executionOrder", order}};
      };
      llvm::json::Array t1{step(i.check, "session 1 runs the check", 1), step(i.at, "session 1 writes", 3)};
      llvm::json::Array t2{step(i.check, "session 2 runs the same check before session 1 has written", 2),
                           step(i.at, "session 2 writes too: the race", 4)};
      res["codeFlows"] = llvm::json::Array{llvm::json::Object{
          {"message", llvm::json::Object{{"text", "two sessions interleaved"}}},
          {"threadFlows", llvm::json::Array{llvm::json::Object{{"id", "session-1"}, {"locations", std::move(t1)}},
                                            llvm::json::Object{{"id", "session-2"}, {"locations", std::move(t2)}}}}}};
    }
    llvm::json::Object props;
    if (!i.grade.empty()) {
      props["grade"] = i.grade;
      props["gradeReason"] = i.gradeReason;
    }
    if (!i.sql.empty()) {
      props["suggestedSql"] = i.sql;
      props["rewrite"] = rewrite(i);
    }
    if (!props.empty()) res["properties"] = std::move(props);
    if (i.fixBegin.valid())  // the INSERT's literal, replaced by the atomic statement
      res["fixes"] = llvm::json::Array{llvm::json::Object{
          {"description", llvm::json::Object{{"text", "use the atomic INSERT: the unique key it arbitrates on exists "
                                                      "in the schema"}}},
          {"artifactChanges",
           llvm::json::Array{llvm::json::Object{
               {"artifactLocation", llvm::json::Object{{"uri", i.fixBegin.file}, {"uriBaseId", "%SRCROOT%"}}},
               {"replacements",
                llvm::json::Array{llvm::json::Object{
                    {"deletedRegion", llvm::json::Object{{"startLine", (int64_t)i.fixBegin.line},
                                                         {"startColumn", (int64_t)i.fixBegin.col},
                                                         {"endLine", (int64_t)i.fixEnd.line},
                                                         {"endColumn", (int64_t)i.fixEnd.col}}},
                    {"insertedContent", llvm::json::Object{{"text", i.fixText}}}}}}}}}}};
    results.push_back(std::move(res));
  }
  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "sqlrace"},
                                                                {"version", version},
                                                                {"semanticVersion", version},
                                                                {"informationUri", InfoUri},
                                                                {"rules", std::move(ruleArr)}}}}},
      {"originalUriBaseIds", llvm::json::Object{{"%SRCROOT%", llvm::json::Object{{"uri", rootUri}}}}},
      {"results", std::move(results)}};
  return str(llvm::json::Object{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                                {"version", "2.1.0"},
                                {"runs", llvm::json::Array{std::move(run)}}}) +
         "\n";
}

std::string interleaving(const Item &i) {
  if (!i.check.valid()) return {};
  auto at = [](const Place &p) { return p.file + ":" + std::to_string(p.line); };
  return "  session 1: check (" + at(i.check) + ")\n  session 2: check (" + at(i.check) +
         "), before session 1 writes\n  session 1: write (" + at(i.at) + ")\n  session 2: write (" + at(i.at) +
         "): the race\n";
}

bool readFingerprints(const std::string &text, std::vector<std::string> &out, std::string &error) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(text);
  if (!v) {
    error = llvm::toString(v.takeError());
    return false;
  }
  const llvm::json::Object *o = v->getAsObject();
  if (!o) {
    error = "not a sqlrace report or baseline";
    return false;
  }
  if (const llvm::json::Array *fps = o->getArray("fingerprints")) {  // baseline
    for (const llvm::json::Value &f : *fps)
      if (auto s = f.getAsString()) out.push_back(s->str());
    return true;
  }
  if (const llvm::json::Array *fs = o->getArray("findings")) {  // JSON report
    for (const llvm::json::Value &f : *fs)
      if (const llvm::json::Object *fo = f.getAsObject())
        if (auto s = fo->getString("fingerprint")) out.push_back(s->str());
    return true;
  }
  if (const llvm::json::Array *runs = o->getArray("runs")) {  // SARIF
    for (const llvm::json::Value &r : *runs)
      if (const llvm::json::Object *ro = r.getAsObject())
        if (const llvm::json::Array *res = ro->getArray("results"))
          for (const llvm::json::Value &x : *res)
            if (const llvm::json::Object *xo = x.getAsObject())
              if (const llvm::json::Object *pf = xo->getObject("partialFingerprints"))
                if (auto s = pf->getString("sqlraceFingerprint/v1")) out.push_back(s->str());
    return true;
  }
  error = "not a sqlrace report or baseline";
  return false;
}

std::string baselineJson(const std::vector<Item> &items) {
  llvm::json::Array fps;
  for (const Item &i : items) fps.push_back(i.fingerprint);
  return str(llvm::json::Object{{"tool", "sqlrace"}, {"fingerprints", std::move(fps)}}) + "\n";
}

bool merge(const std::vector<std::string> &texts, std::string &out, std::string &error) {
  std::optional<llvm::json::Value> first;
  llvm::json::Array findings, results;
  for (const std::string &t : texts) {
    llvm::Expected<llvm::json::Value> v = llvm::json::parse(t);
    if (!v) {
      error = llvm::toString(v.takeError());
      return false;
    }
    llvm::json::Object *o = v->getAsObject();
    if (!o) {
      error = "not a sqlrace report";
      return false;
    }
    if (llvm::json::Array *fs = o->getArray("findings")) {
      for (llvm::json::Value &f : *fs) findings.push_back(std::move(f));
    } else if (llvm::json::Array *runs = o->getArray("runs")) {
      for (llvm::json::Value &r : *runs)
        if (llvm::json::Object *ro = r.getAsObject())
          if (llvm::json::Array *res = ro->getArray("results"))
            for (llvm::json::Value &x : *res) results.push_back(std::move(x));
    } else {
      error = "not a sqlrace report";
      return false;
    }
    if (!first) first = std::move(*v);
  }
  if (!first) {
    error = "nothing to merge";
    return false;
  }
  llvm::json::Object *o = first->getAsObject();
  if (o->getArray("findings")) {
    (*o)["findings"] = std::move(findings);
  } else if (llvm::json::Array *runs = o->getArray("runs"); runs && !runs->empty()) {
    llvm::json::Value run = std::move((*runs)[0]);  // one run, with every shard's results
    (*run.getAsObject())["results"] = std::move(results);
    (*o)["runs"] = llvm::json::Array{std::move(run)};
  }
  out = str(std::move(*first)) + "\n";
  return true;
}

}  // namespace sqlrace::report
