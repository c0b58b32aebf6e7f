// The JSON route to libpg_query's tree (sqlparse/JsonTree.cpp) must give exactly
// the messages the protobuf route gives: every statement below, and every
// statement of the corpus's .sql files and fuzz seeds, is parsed both ways and
// the two trees are packed and compared byte for byte. The packer itself must write
// protobuf-c's bytes for each of them.
#include "PgTree.h"
#include "sqlrace/sqlparse.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace sqlrace::sql;

namespace {

// 1: the JSON route decoded it and agrees; 0: it declined (the fallback runs); -1: they differ.
int compare(const std::string &sql, std::string *why = nullptr) {
  tree::ParseTree viaProtobuf = tree::parseViaProtobuf(sql);
  PgQueryParseResult r = pg_query_parse(sql.c_str());
  int result = 0;
  if (!viaProtobuf) {
    result = r.error ? 1 : -1;  // both must reject it
  } else if (tree::pack(viaProtobuf.root) != tree::packWithProtobufC(viaProtobuf.root)) {
    result = -1;  // the packer must write protobuf-c's bytes
    if (why) *why = "tree::pack differs from protobuf-c's pack";
  } else if (!r.error) {
    PgQuery__ParseResult *root = tree::decodeJsonTree(r.parse_tree, sql);
    tree::Arena arena;
    PgQuery__ParseResult *inArena = tree::decodeJsonTree(r.parse_tree, sql, &arena);
    if (!root != !inArena) result = -1;
    if (root && inArena) {
      std::string expected = tree::pack(viaProtobuf.root);
      result = tree::pack(root) == expected && tree::pack(inArena) == expected ? 1 : -1;
      if (result < 0 && why) *why = r.parse_tree;
      pg_query__parse_result__free_unpacked(root, nullptr);
    }
  } else {
    result = -1;
  }
  pg_query_free_parse_result(r);
  return result;
}

// Statements of the corpus compared one by one: none may differ, and the JSON route must
// take at least nine in ten of them.
struct Tally {
  int seen = 0, viaJson = 0;
  void check(const std::string &sql, const std::string &where) {
    std::string why;
    int r = compare(sql, &why);
    EXPECT_GE(r, 0) << where << ": " << sql << "\n" << why;
    ++seen;
    if (r == 1) ++viaJson;
  }
  void expectMostViaJson(int atLeast) const {
    EXPECT_GE(seen, atLeast);
    EXPECT_GE(viaJson, seen * 9 / 10);
  }
};

const char *const kStatements[] = {
    "SELECT 1",
    "SELECT -3, 0, 7, -2147483648, 2147483647, 9999999999, - 12, -(4), 1.5, -2.5e3, .5",
    "SELECT COALESCE(MAX(line_no), 0) + 1 FROM lines WHERE order_id = $1",
    "SELECT id FROM items WHERE code = $1 LIMIT 1 OFFSET -0",
    "SELECT x FROM t LIMIT 0",
    "SELECT 'it''s', E'tab\\there\\nnew', 'quote\"d', 'back\\\\slash', U&'\\0041', 'é ü 中文 😀'",
    "SELECT E'\\x01\\x1f ctl', 'a\tb', '\r\n'",
    "SELECT $$dollar 'quoted' text$$, $tag$x$tag$",
    "SELECT B'1010', X'ff', TRUE, false, NULL, CURRENT_TIMESTAMP, now()",
    "SELECT a::int, CAST(b AS varchar(20)), c::numeric(10,-2), d::interval day to second(3)",
    "SELECT interval '1 day', interval '-5' minute, '1'::interval(0)",
    "SELECT * FROM a JOIN b USING (id) LEFT JOIN c ON c.x = b.y CROSS JOIN d NATURAL FULL JOIN e",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT sum(n) FROM r",
    "SELECT rank() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM t",
    "SELECT count(*) FILTER (WHERE x > -1), array_agg(DISTINCT y ORDER BY y) FROM t GROUP BY ROLLUP (a, b) HAVING count(*) > 2",
    "SELECT CASE WHEN a < -1 THEN 'neg' WHEN a = 0 THEN 'zero' ELSE 'pos' END FROM t",
    "SELECT ARRAY[1, -2, 3], '{1,2}'::int[], a[1:2], (row(1, 'x')).f1 FROM t",
    "SELECT * FROM t WHERE a IN (1, -2) AND b NOT IN (SELECT c FROM u) AND EXISTS (SELECT 1 FROM v WHERE v.k = t.k)",
    "SELECT * FROM t WHERE name ILIKE '%x%' ESCAPE '!' AND d BETWEEN SYMMETRIC 1 AND -1 AND e IS DISTINCT FROM f",
    "SELECT id FROM jobs WHERE state = 'ready' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1",
    "SELECT * FROM t FOR NO KEY UPDATE OF t NOWAIT",
    "SELECT pg_advisory_xact_lock(hashtext($1)), pg_try_advisory_lock(-42)",
    "SELECT x FROM generate_series(-5, 5) AS g(x), LATERAL (SELECT x * 2) AS l(y)",
    "SELECT j->>'a', j #> '{b,c}', j @> '{\"k\": -1}' FROM t",
    "INSERT INTO t (a, b) VALUES ($1, $2), (-1, DEFAULT) RETURNING id",
    "INSERT INTO t (code, qty) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET qty = t.qty + EXCLUDED.qty WHERE t.qty > -100",
    "INSERT INTO t VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO NOTHING",
    "INSERT INTO t (a) SELECT a FROM u WHERE NOT EXISTS (SELECT 1 FROM t WHERE t.a = u.a)",
    "INSERT INTO t DEFAULT VALUES",
    "UPDATE accounts SET balance = balance - $1 WHERE id = $2 AND balance >= $1 RETURNING balance",
    "UPDATE t SET (a, b) = (SELECT x, y FROM u WHERE u.id = t.id), c = -1 FROM v WHERE v.id = t.id",
    "DELETE FROM t USING u WHERE t.id = u.id AND u.flag RETURNING *",
    "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.v)",
    "BEGIN ISOLATION LEVEL SERIALIZABLE",
    "START TRANSACTION READ WRITE, ISOLATION LEVEL REPEATABLE READ",
    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "COMMIT; ROLLBACK; SAVEPOINT s1; RELEASE SAVEPOINT s1; ROLLBACK TO SAVEPOINT s1",
    "LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE",
    "SET LOCAL lock_timeout = '5s'; SET search_path TO app, public; RESET ALL",
    "CREATE TABLE t (id bigserial PRIMARY KEY, code text NOT NULL UNIQUE, qty int DEFAULT -1 CHECK (qty >= -1), "
    "ts timestamptz DEFAULT now(), parent int REFERENCES p(id) ON DELETE CASCADE, EXCLUDE USING gist (r WITH &&))",
    "CREATE TABLE IF NOT EXISTS u (a int GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5), b int, UNIQUE (a, b))",
    "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON t (lower(code)) WHERE deleted_at IS NULL",
    "CREATE INDEX i2 ON t USING btree (a DESC NULLS FIRST, b) INCLUDE (c)",
    "CREATE SEQUENCE s START 1 INCREMENT 1 MINVALUE 1 NO MAXVALUE CACHE 20",
    "CREATE SEQUENCE s2 INCREMENT BY -1",
    "ALTER TABLE t ADD COLUMN v bigint DEFAULT nextval('s'), ALTER COLUMN v SET NOT NULL, DROP CONSTRAINT c",
    "ALTER TABLE t ADD CONSTRAINT t_code_key UNIQUE (code), RENAME TO t2",
    "ALTER TABLE t RENAME COLUMN a TO b",
    "DROP TABLE IF EXISTS t, u CASCADE",
    "CREATE VIEW v AS SELECT id, -amount AS neg FROM t",
    "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $$ SELECT a + 1 $$",
    "CREATE TYPE mood AS ENUM ('sad', 'ok')",
    "COPY t (a, b) FROM STDIN WITH (FORMAT csv, HEADER true)",
    "EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM t",
    "PREPARE p (int) AS SELECT $1; EXECUTE p(-1); DEALLOCATE p",
    "NOTIFY ch, 'payload'; LISTEN ch",
    "VACUUM ANALYZE t",
    "TRUNCATE t RESTART IDENTITY",
    "GRANT SELECT ON t TO r",
    "SELECT \"Quoted Ident\", \"with\"\"quote\" FROM \"Schema\".\"Table\"",
    "select lower(x) from t where a = $1 or b = $10",
};

}  // namespace

TEST(JsonTree, AgreesWithTheProtobufRouteOnEveryStatementKind) {
  int viaJson = 0, declined = 0;
  for (const char *sql : kStatements) {
    std::string why;
    int r = compare(sql, &why);
    EXPECT_GE(r, 0) << sql << "\n" << why;
    (r == 1 ? viaJson : declined) += 1;
  }
  // the fast route must really be the one taken: only an Integer node outside a constant
  // (INCREMENT BY -1, the -1 of an array type's int[]) and a 0 constant the grammar places
  // on a keyword (READ WRITE) send a statement to the fallback
  EXPECT_LE(declined, 3);
  EXPECT_GE(viaJson, (int)(sizeof kStatements / sizeof *kStatements) - 3);
}

TEST(JsonTree, NegativeConstantsReadBackFromTheText) {
  // libpg_query 15 writes the Integer of -3 as {} in JSON; the decoder must not turn it into 0
  for (const char *sql : {"SELECT -3", "SELECT x FROM t WHERE y > - 42", "UPDATE t SET a = -2147483648"}) {
    tree::ParseTree t = tree::parse(sql);
    ASSERT_TRUE(t) << sql;
    std::string out, err;
    ASSERT_TRUE(tree::deparse(t.root, out, err)) << err;
    EXPECT_EQ(compare(sql), 1) << sql;
    EXPECT_NE(out.find('-'), std::string::npos) << out;
  }
}

TEST(JsonTree, ErrorsAreTheSameAsBefore) {
  tree::ParseTree a = tree::parse("SELECT FROM WHERE (");
  tree::ParseTree b = tree::parseViaProtobuf("SELECT FROM WHERE (");
  EXPECT_FALSE(a);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.errorCursor, b.errorCursor);
}

TEST(JsonTree, MalformedJsonIsDeclinedNotGuessed) {
  const char *sql = "SELECT 1";
  for (const char *json : {"", "{", "{\"version\":150001,\"stmts\":[{\"stmt\":{\"NoSuchNode\":{}}}]}",
                           "{\"version\":\"x\"}", "{\"stmts\":[{\"stmt\":{\"SelectStmt\":{\"limitOption\":\"NOPE\"}}}]}",
                           "{\"stmts\":[{\"stmt\":{\"SelectStmt\":{},\"InsertStmt\":{}}}]}", "{\"version\":1} trailing",
                           "{\"stmts\":[{\"stmt\":{\"A_Const\":{\"ival\":{},\"location\":99}}}]}"})
    EXPECT_EQ(tree::decodeJsonTree(json, sql), nullptr) << json;
}

TEST(JsonTree, AgreesOnTheCorpusSqlFiles) {
  namespace fs = std::filesystem;
  int files = 0;
  Tally tally;
  for (const char *dir : {"test-corpus/fuzz/seeds/sql", "test-corpus/schema", "test-corpus/schema-sqlite",
                          "test-corpus/schema-mysql", "examples"}) {
    fs::path root = fs::path(SQLRACE_SOURCE_DIR) / dir;
    ASSERT_TRUE(fs::exists(root)) << root;
    for (const auto &e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file() || e.path().extension() != ".sql") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      ++files;
      for (const std::string &stmt : splitStatements(ss.str())) tally.check(stmt, e.path().string());
    }
  }
  EXPECT_GE(files, 20);
  tally.expectMostViaJson(1);
}

TEST(JsonTree, AgreesOnTheSqlLiteralsOfTheCorpusCode) {
  // every one-line string literal of the corpus's C and C++ files that starts like SQL
  namespace fs = std::filesystem;
  Tally tally;
  for (const char *dir : {"test-corpus", "examples"}) {
    for (const auto &e : fs::recursive_directory_iterator(fs::path(SQLRACE_SOURCE_DIR) / dir)) {
      std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".c" && ext != ".cpp" && ext != ".cc")) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string line;
      while (std::getline(in, line)) {
        for (size_t q = line.find('"'); q != std::string::npos; q = line.find('"', q + 1)) {
          size_t end = q + 1;
          while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
          if (end >= line.size()) break;
          std::string lit = line.substr(q + 1, end - q - 1);
          q = end;
          static const char *const starts[] = {"SELECT ", "INSERT ", "UPDATE ", "DELETE ", "WITH ", "CREATE ",
                                               "ALTER ", "LOCK ", "BEGIN", "MERGE "};
          bool sql = false;
          for (const char *s : starts) sql = sql || lit.rfind(s, 0) == 0;
          if (!sql || lit.find('\\') != std::string::npos) continue;
          tally.check(normalize(lit).text, e.path().string());
        }
      }
    }
  }
  tally.expectMostViaJson(300);
}
