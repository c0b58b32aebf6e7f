// Unit tests for the schema model: DDL in PostgreSQL, MySQL and SQLite forms,
// applied in order, with drops, renames and diagnostics for bad input.
#include "sqlrace/Schema.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace sqlrace::sql;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> cols(const UniqueKey *k) { return k ? k->columns : std::vector<std::string>{"<none>"}; }
}  // namespace

TEST(Schema, PostgresTablesKeysAndNumbering) {
  Schema s;
  s.apply(R"(
    CREATE TABLE public.products (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      sku text NOT NULL UNIQUE,
      name text
    );
    CREATE TABLE orders (id serial PRIMARY KEY, customer int);
    CREATE TABLE items (
      order_id int NOT NULL REFERENCES orders(id),
      item_no int NOT NULL,
      CONSTRAINT items_order_item UNIQUE (order_id, item_no)
    );
    CREATE UNIQUE INDEX users_email_live ON users_missing (email);
  )", "schema.sql");
  ASSERT_NE(s.table("products"), nullptr);
  EXPECT_EQ(s.table("products")->column("id")->autoNumbered, "an identity");
  EXPECT_EQ(s.table("orders")->column("id")->autoNumbered, "serial");
  EXPECT_EQ(s.table("items")->column("item_no")->autoNumbered, "");
  EXPECT_EQ(cols(s.uniqueWithin("products", {"sku"})), std::vector<std::string>{"sku"});
  EXPECT_EQ(s.uniqueWithin("products", {"sku"})->name, "products_sku_key");
  EXPECT_EQ(cols(s.uniqueWithin("items", {"order_id", "item_no"})), (std::vector<std::string>{"order_id", "item_no"}));
  EXPECT_EQ(s.uniqueWithin("items", {"order_id"}), nullptr) << "a key on more columns does not make these unique";
  EXPECT_EQ(s.referencedBy("items", "order_id"), "orders");
  ASSERT_EQ(s.diagnostics.size(), 1u);  // the index on a table nobody created
  EXPECT_EQ(s.diagnostics[0].line, 13);
  EXPECT_NE(s.diagnostics[0].message.find("unknown table 'users_missing'"), std::string::npos);
}

TEST(Schema, MigrationsInOrderWithDropsAndRenames) {
  Schema s;
  s.apply("CREATE TABLE tags (id serial PRIMARY KEY, label text);", "V1__tags.sql");
  s.apply("CREATE UNIQUE INDEX tags_label_uq ON tags (label) WHERE label <> '';", "V2__uq.sql");
  const UniqueKey *k = s.uniqueWithin("tags", {"label"});
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->predicate, "label <> ''");
  s.apply("ALTER TABLE tags RENAME COLUMN label TO name; ALTER TABLE tags RENAME TO labels;", "V3__rename.sql");
  EXPECT_EQ(s.table("tags"), nullptr);
  EXPECT_EQ(cols(s.uniqueWithin("labels", {"name"})), std::vector<std::string>{"name"});
  s.apply("DROP INDEX tags_label_uq;", "V4__drop.sql");
  EXPECT_EQ(s.uniqueWithin("labels", {"name"}), nullptr);
  s.apply("ALTER TABLE labels ADD CONSTRAINT labels_name_key UNIQUE (name);\n"
          "ALTER TABLE labels DROP CONSTRAINT labels_name_key;",
          "V5__c.sql");
  EXPECT_EQ(s.uniqueWithin("labels", {"name"}), nullptr);
  EXPECT_TRUE(s.diagnostics.empty()) << s.diagnostics[0].message;
}

TEST(Schema, MysqlAndSqliteForms) {
  Schema s;
  s.apply("CREATE TABLE `events` (\n"
          "  `id` int(11) unsigned NOT NULL AUTO_INCREMENT,\n"
          "  `tenant` varchar(64) NOT NULL,\n"
          "  `version` int NOT NULL COMMENT 'per tenant',\n"
          "  `kind` enum('a','b') DEFAULT 'a',\n"
          "  PRIMARY KEY (`id`),\n"
          "  UNIQUE KEY `uq_tenant_version` (`tenant`,`version`),\n"
          "  KEY `ix_kind` (`kind`)\n"
          ") ENGINE=InnoDB AUTO_INCREMENT=7 DEFAULT CHARSET=utf8mb4;",
          "mysql.sql");
  ASSERT_TRUE(s.diagnostics.empty()) << s.diagnostics[0].message;
  EXPECT_EQ(s.table("events")->column("id")->autoNumbered, "AUTO_INCREMENT");
  EXPECT_EQ(s.uniqueWithin("events", {"tenant", "version"})->name, "uq_tenant_version");
  s.apply("CREATE TABLE tag (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE) STRICT;\n"
          "CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT);",
          "sqlite.sql");
  ASSERT_TRUE(s.diagnostics.empty()) << s.diagnostics[0].message;
  EXPECT_EQ(s.table("tag")->column("id")->autoNumbered, "AUTOINCREMENT");
  EXPECT_TRUE(s.table("note")->column("id")->rowidAlias);
  EXPECT_EQ(s.table("note")->column("id")->autoNumbered, "");
}

TEST(Schema, SequenceDefaultAddedLaterLeavesOldRowsNull) {
  Schema s;
  s.apply("CREATE TABLE events (id bigserial PRIMARY KEY, payload text);", "V1__events.sql");
  s.apply("CREATE SEQUENCE events_version_seq;\n"
          "ALTER TABLE events ADD COLUMN version bigint;\n"
          "ALTER TABLE events ALTER COLUMN version SET DEFAULT nextval('events_version_seq');\n",
          "V7__version.sql");
  const SchemaColumn *v = s.table("events")->column("version");
  EXPECT_TRUE(v->nullBeforeDefault);
  EXPECT_EQ(v->defaultSetAt, "V7__version.sql:3");
  EXPECT_EQ(v->autoNumbered, "a sequence default");
  // one statement: PostgreSQL evaluates the default for every existing row
  s.apply("ALTER TABLE events ADD COLUMN seq2 bigint DEFAULT nextval('events_version_seq');", "V8.sql");
  EXPECT_FALSE(s.table("events")->column("seq2")->nullBeforeDefault);
  s.apply("UPDATE events SET version = nextval('events_version_seq') WHERE version IS NULL;", "V9__backfill.sql");
  EXPECT_FALSE(s.table("events")->column("version")->nullBeforeDefault);
}

TEST(Schema, BadInputIsReportedWithFileAndLine) {
  Schema s;
  s.apply("CREATE TABLE a (id int);\n\nCREATE TABLE b (id int,, x);\nALTER TABLE nope ADD COLUMN x int;\n"
          "ALTER TABLE a ALTER COLUMN ghost SET NOT NULL;\nCREATE TABLE c (id int);",
          "m.sql");
  ASSERT_EQ(s.diagnostics.size(), 3u);
  EXPECT_EQ(s.diagnostics[0].line, 3);
  EXPECT_NE(s.diagnostics[0].message.find("does not parse"), std::string::npos);
  EXPECT_EQ(s.diagnostics[1].line, 4);
  EXPECT_NE(s.diagnostics[1].message.find("unknown table 'nope'"), std::string::npos);
  EXPECT_EQ(s.diagnostics[2].line, 5);
  EXPECT_NE(s.table("c"), nullptr) << "the analysis goes on after bad statements";
}

TEST(Schema, FilesInMigrationOrderWithoutDownMigrations) {
  fs::path dir = fs::temp_directory_path() / ("sqlrace-schema-" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  for (const char *f : {"V10__c.sql", "V2__b.sql", "V1__a.sql", "V2__b.down.sql", "README.md", "sub/V3__x.sql"})
    std::ofstream(dir / f) << "SELECT 1;";
  std::vector<std::string> got = schemaFiles(dir.string());
  std::vector<std::string> names;
  for (const std::string &g : got) names.push_back(g.substr(dir.string().size() + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"V1__a.sql", "V2__b.sql", "V10__c.sql", "sub/V3__x.sql"}));
  fs::remove_all(dir);
}

TEST(Schema, StatementsAfterAnUnbalancedParenthesisAreStillRead) {
  Schema s;
  s.apply("CREATE TABLE (oops;\nCREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n"
          "/* a comment; with a semicolon */ CREATE TABLE after (id int PRIMARY KEY, note text DEFAULT 'a;b');",
          "m.sql");
  ASSERT_EQ(s.diagnostics.size(), 1u);
  EXPECT_EQ(s.diagnostics[0].line, 1);
  ASSERT_NE(s.table("after"), nullptr);
  EXPECT_EQ(s.table("after")->origin, "m.sql:3");
}

TEST(Schema, ASchemaDumpIsNotAHistory) {
  // pg_dump: the table, its sequence and the default in one file; owners set on sequences too
  Schema s;
  s.apply("CREATE TABLE public.jobs (id integer NOT NULL, seq bigint, name text);\n"
          "ALTER TABLE public.jobs OWNER TO app;\n"
          "CREATE SEQUENCE public.jobs_seq_seq START WITH 1;\n"
          "ALTER TABLE public.jobs_seq_seq OWNER TO app;\n"
          "ALTER SEQUENCE public.jobs_seq_seq OWNED BY public.jobs.seq;\n"
          "ALTER TABLE ONLY public.jobs ALTER COLUMN seq SET DEFAULT nextval('public.jobs_seq_seq'::regclass);\n",
          "dump.sql");
  EXPECT_TRUE(s.diagnostics.empty()) << s.diagnostics[0].message;
  EXPECT_FALSE(s.table("jobs")->column("seq")->nullBeforeDefault);
  EXPECT_EQ(s.table("jobs")->column("seq")->autoNumbered, "a sequence default");
}

TEST(Schema, DownSectionsAndExclusionConstraints) {
  Schema s;
  s.apply("CREATE TABLE rooms (id int PRIMARY KEY);", "V0.sql");
  fs::path dir = fs::temp_directory_path() / ("sqlrace-updown-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "20240101_bookings.sql")
      << "-- +goose Up\nCREATE TABLE bookings (room int, during tstzrange,\n"
         "  EXCLUDE USING gist (room WITH =, during WITH &&));\n-- +goose Down\nDROP TABLE bookings;\n";
  ASSERT_TRUE(s.applyPath(dir.string()));
  ASSERT_NE(s.table("bookings"), nullptr) << "the down section is not applied";
  const UniqueKey *k = s.uniqueWithin("bookings", {"room"});
  ASSERT_NE(k, nullptr);
  EXPECT_TRUE(k->exclusion);
  EXPECT_EQ(k->name, "bookings_room_during_excl");  // as PostgreSQL names it
  fs::remove_all(dir);
}

TEST(Schema, StatementsOfAMegabyteDoNotCrash) {
  // std::regex recurses per character; the MySQL/SQLite rewriting must not see such a statement
  Schema s;
  s.apply("CREATE TABLE t (a int,, b int) ENGINE=" + std::string(1 << 20, 'x') + ";\n"
          "CREATE TABLE u (a int) COMMENT '" + std::string(1 << 20, 'y') + "';\nCREATE TABLE v (id int);",
          "big.sql");
  ASSERT_EQ(s.diagnostics.size(), 2u);
  EXPECT_NE(s.table("v"), nullptr);
}
