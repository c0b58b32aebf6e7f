// Unit tests for sqlparse: normalization, facts, rewrites, errors as values.
#include "sqlrace/sqlparse.h"

#include <gtest/gtest.h>

using namespace sqlrace::sql;

namespace {
const Facts &only(const std::shared_ptr<const ParsedSql> &p) {
  EXPECT_TRUE(p->ok) << p->error;
  EXPECT_EQ(p->statements.size(), 1u);
  return p->statements.at(0);
}
}  // namespace

TEST(Normalize, QuestionMarksAreNumberedInOrder) {
  Normalized n = normalize("SELECT id FROM t WHERE a = ? AND b = ?");
  EXPECT_EQ(n.text, "SELECT id FROM t WHERE a = $1 AND b = $2");
  EXPECT_EQ(n.paramCount, 2);
}

TEST(Normalize, NumberedAndNamedFollowSqliteRules) {
  // ?NNN keeps its number, a later ? continues after the largest, names reuse their index.
  Normalized n = normalize("INSERT INTO t (a,b,c,d) VALUES (?3, ?, :name, :name)");
  EXPECT_EQ(n.text, "INSERT INTO t (a,b,c,d) VALUES ($3, $4, $5, $5)");
  EXPECT_EQ(n.namedParams.at(":name"), 5);
  Normalized m = normalize("SELECT 1 FROM t WHERE a = @a AND b = $b AND c = :c");
  EXPECT_EQ(m.text, "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $3");
}

TEST(Normalize, LeavesStringsCommentsCastsAndDollarQuotesAlone) {
  std::string in = "SELECT '?', \"a?\", x::int, $f$ :nope $f$ -- what?\n FROM t /* :x */ WHERE a = ?";
  Normalized n = normalize(in);
  EXPECT_EQ(n.text, "SELECT '?', \"a?\", x::int, $f$ :nope $f$ -- what?\n FROM t /* :x */ WHERE a = $1");
  EXPECT_EQ(n.paramCount, 1);
}

TEST(Normalize, OffsetsMapBackToTheOriginal) {
  std::string in = "SELECT * FROM t WHERE a = :alpha AND b = oops";
  Normalized n = normalize(in);
  size_t pos = n.text.find("oops");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_EQ(in.substr(n.toOriginal[pos], 4), "oops");
}

TEST(Normalize, SqliteAndMysqlPrefixes) {
  Normalized n = normalize("INSERT OR IGNORE INTO `genre` (name) VALUES (?)");
  EXPECT_EQ(n.text, "INSERT INTO \"genre\" (name) VALUES ($1)");
  ASSERT_EQ(n.marks.size(), 1u);
  EXPECT_EQ(n.marks[0].conflict, Conflict::Ignore);
  Normalized b = normalize("BEGIN IMMEDIATE TRANSACTION; SELECT 1");
  EXPECT_EQ(b.text, "BEGIN TRANSACTION; SELECT 1");
  EXPECT_EQ(b.marks.at(0).begin, SqliteBegin::Immediate);
}

TEST(Normalize, MysqlInsertSet) {
  EXPECT_EQ(normalize("INSERT INTO hosts SET name = ?, ip = ?").text, "INSERT INTO hosts (name, ip) VALUES ( $1, $2)");
  EXPECT_EQ(normalize("insert ignore hosts set name = 'a', n = n_of(1, 2) on duplicate key update n = n + 1").text,
            "insert INTO hosts (name, n) VALUES ( 'a', n_of(1, 2)) on CONFLICT DO UPDATE SET n = n + 1");
  NormalizeOptions printf;
  printf.printfHoles = true;
  const Facts &f = only(analyzeSql("insert into pr_def set server = '%u', description = '%s'", printf));
  EXPECT_EQ(f.kind, StmtKind::Insert);
  EXPECT_EQ(f.targetTable, "pr_def");
  ASSERT_EQ(f.insertColumns.size(), 2u);
  EXPECT_EQ(f.insertColumns[1], "description");
  EXPECT_EQ(f.insertParams[1], 2);
  // not an assignment list: left to the parser, which says what is wrong
  EXPECT_FALSE(analyzeSql("INSERT INTO t SET (a) = 1")->ok);
  // index hints are dropped
  EXPECT_EQ(normalize("SELECT a FROM t USE INDEX (i1) WHERE b = ?").text, "SELECT a FROM t WHERE b = $1");
  EXPECT_EQ(normalize("SELECT a FROM t FORCE KEY FOR ORDER BY (i1, i2) ORDER BY a").text, "SELECT a FROM t ORDER BY a");
  // an UPDATE's SET is not touched
  EXPECT_EQ(normalize("UPDATE t SET a = 1").text, "UPDATE t SET a = 1");
}

TEST(Facts, SqliteAndMysqlDdlParses) {
  // the schema reads these in PostgreSQL's form; the statement analysis does too, so the
  // file's own DDL is not called unparseable
  for (const char *ddl : {"CREATE TABLE IF NOT EXISTS interface (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                          "name TEXT UNIQUE NOT NULL)",
                          "CREATE TABLE `hosts` (`id` int(11) NOT NULL AUTO_INCREMENT, `name` varchar(64), "
                          "PRIMARY KEY (`id`), UNIQUE KEY `name` (`name`)) ENGINE=InnoDB"}) {
    auto p = analyzeSql(ddl);
    EXPECT_TRUE(p->ok) << ddl << ": " << p->error;
    EXPECT_FALSE(p->fallback) << ddl;
  }
  EXPECT_FALSE(analyzeSql("CREATE TABLE t (id int AUTOINCREMENT_NOT_A_WORD)")->ok);
}

TEST(Facts, MaxPlusOneScopedByKey) {
  const Facts &f = only(analyzeSql("SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE tenant = $1"));
  EXPECT_EQ(f.kind, StmtKind::Select);
  EXPECT_TRUE(f.reads("events"));
  const Aggregate *a = f.findAggregate("max");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->column, "version");
  EXPECT_TRUE(a->plusOne);
  ASSERT_EQ(f.keyColumns.size(), 1u);
  EXPECT_EQ(f.keyColumns[0], "tenant");
  EXPECT_EQ(f.keyParams[0], 1);
}

TEST(Facts, MaxWithoutPlusOne) {
  const Facts &f = only(analyzeSql("SELECT MAX(item_number) FROM items WHERE order_id = ?"));
  ASSERT_TRUE(f.hasAggregate("max"));
  EXPECT_FALSE(f.findAggregate("max")->plusOne);
  EXPECT_EQ(f.keyColumns.at(0), "order_id");
}

TEST(Facts, LikeComparesAsAKey) {
  const Facts &f = only(analyzeSql("SELECT idGenre FROM genre WHERE strGenre LIKE $1"));
  EXPECT_EQ(f.keyColumns, (std::vector<std::string>{"strgenre"}));
  EXPECT_TRUE(only(analyzeSql("SELECT 1 FROM t WHERE a NOT LIKE $1")).keyColumns.empty());
}

TEST(Facts, InsertColumnsAndParams) {
  const Facts &f = only(analyzeSql("INSERT INTO events (tenant, version, payload) VALUES ($1, $2::int, 'x')"));
  EXPECT_EQ(f.kind, StmtKind::Insert);
  EXPECT_EQ(f.targetTable, "events");
  EXPECT_EQ(f.insertColumns, (std::vector<std::string>{"tenant", "version", "payload"}));
  EXPECT_EQ(f.insertParams, (std::vector<int>{1, 2, 0}));
  EXPECT_FALSE(f.reads("events"));
}

TEST(Facts, InsertSelectMaxReadsItsOwnTable) {
  const Facts &f =
      only(analyzeSql("INSERT INTO invoices (num, customer) SELECT COALESCE(MAX(num),0)+1, $1 FROM invoices"));
  EXPECT_TRUE(f.insertFromSelect);
  EXPECT_TRUE(f.reads("invoices"));
  ASSERT_TRUE(f.hasAggregate("max"));
  EXPECT_TRUE(f.findAggregate("max")->plusOne);
  EXPECT_EQ(f.insertParams, (std::vector<int>{0, 1}));
}

TEST(Facts, InsertWhereNotExists) {
  const Facts &f =
      only(analyzeSql("INSERT INTO tags (name) SELECT $1 WHERE NOT EXISTS (SELECT 1 FROM tags WHERE name = $1)"));
  EXPECT_TRUE(f.notExists);
  EXPECT_TRUE(f.reads("tags"));
}

TEST(Facts, ExistsSelectTakesKeysFromTheSubquery) {
  const Facts &f = only(analyzeSql("SELECT EXISTS (SELECT 1 FROM users WHERE email = $1)"));
  EXPECT_TRUE(f.exists);
  EXPECT_TRUE(f.reads("users"));
  EXPECT_EQ(f.keyColumns.at(0), "email");
}

TEST(Facts, ConflictHandling) {
  EXPECT_EQ(only(analyzeSql("INSERT INTO p (sku) VALUES ($1) ON CONFLICT (sku) DO NOTHING")).conflict,
            Conflict::DoNothing);
  const Facts &u = only(analyzeSql(
      "INSERT INTO p (sku, name) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name RETURNING id"));
  EXPECT_EQ(u.conflict, Conflict::DoUpdate);
  EXPECT_EQ(u.conflictColumns.at(0), "sku");
  EXPECT_TRUE(u.returning);
  EXPECT_EQ(only(analyzeSql("INSERT OR IGNORE INTO genre (name) VALUES (?)")).conflict, Conflict::Ignore);
  EXPECT_EQ(only(analyzeSql("INSERT OR REPLACE INTO genre (name) VALUES (?)")).conflict, Conflict::Replace);
  EXPECT_EQ(only(analyzeSql("REPLACE INTO genre (name) VALUES (?)")).conflict, Conflict::Replace);
}

TEST(Facts, RowLocks) {
  EXPECT_EQ(only(analyzeSql("SELECT id FROM orders WHERE id = $1 FOR UPDATE")).rowLock, RowLock::Update);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE")).rowLock, RowLock::NoKeyUpdate);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM orders WHERE id = $1 FOR SHARE")).rowLock, RowLock::Share);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM orders WHERE id = $1 FOR KEY SHARE")).rowLock, RowLock::KeyShare);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM orders WHERE id = $1")).rowLock, RowLock::None);
}

TEST(Facts, LockTableAndAdvisoryLocks) {
  const Facts &l = only(analyzeSql("LOCK TABLE tags IN SHARE ROW EXCLUSIVE MODE"));
  EXPECT_EQ(l.kind, StmtKind::Lock);
  EXPECT_EQ(l.lockTables.at(0), "tags");
  EXPECT_EQ(l.lockMode, ShareRowExclusive);
  EXPECT_EQ(only(analyzeSql("LOCK tags")).lockMode, AccessExclusive);
  EXPECT_EQ(only(analyzeSql("SELECT pg_advisory_xact_lock($1)")).advisory, Advisory::Xact);
  EXPECT_EQ(only(analyzeSql("SELECT pg_advisory_lock(42)")).advisory, Advisory::Session);
  EXPECT_EQ(only(analyzeSql("SELECT pg_try_advisory_xact_lock(42)")).advisory, Advisory::TryXact);
  EXPECT_EQ(only(analyzeSql("SELECT pg_advisory_unlock(42)")).advisory, Advisory::None);
}

TEST(Facts, TransactionsAndIsolation) {
  const Facts &b = only(analyzeSql("BEGIN ISOLATION LEVEL SERIALIZABLE"));
  EXPECT_EQ(b.kind, StmtKind::Transaction);
  EXPECT_EQ(b.txn, TxnKind::Begin);
  EXPECT_EQ(b.isolation, Isolation::Serializable);
  EXPECT_EQ(only(analyzeSql("START TRANSACTION ISOLATION LEVEL REPEATABLE READ")).isolation,
            Isolation::RepeatableRead);
  EXPECT_EQ(only(analyzeSql("BEGIN")).isolation, Isolation::Default);
  const Facts &s = only(analyzeSql("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
  EXPECT_EQ(s.kind, StmtKind::Set);
  EXPECT_EQ(s.isolation, Isolation::Serializable);
  EXPECT_FALSE(s.sessionIsolation);
  const Facts &sc = only(analyzeSql("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
  EXPECT_EQ(sc.isolation, Isolation::Serializable);
  EXPECT_TRUE(sc.sessionIsolation);
  EXPECT_EQ(only(analyzeSql("COMMIT")).txn, TxnKind::Commit);
  EXPECT_EQ(only(analyzeSql("BEGIN IMMEDIATE")).sqliteBegin, SqliteBegin::Immediate);
  EXPECT_EQ(only(analyzeSql("BEGIN EXCLUSIVE TRANSACTION")).sqliteBegin, SqliteBegin::Exclusive);
}

TEST(Facts, UpdateSetsAndKeys) {
  const Facts &f = only(analyzeSql(
      "UPDATE orders SET last_item_number = last_item_number + 1, note = $2 WHERE id = $1 RETURNING last_item_number"));
  EXPECT_EQ(f.kind, StmtKind::Update);
  EXPECT_EQ(f.targetTable, "orders");
  EXPECT_EQ(f.setColumns, (std::vector<std::string>{"last_item_number", "note"}));
  EXPECT_EQ(f.setSelfRelative, (std::vector<bool>{true, false}));
  EXPECT_EQ(f.keyColumns.at(0), "id");
  EXPECT_TRUE(f.returning);
}

TEST(Facts, MultipleStatements) {
  auto p = analyzeSql("BEGIN; LOCK TABLE tags IN EXCLUSIVE MODE; SELECT 1");
  ASSERT_TRUE(p->ok);
  ASSERT_EQ(p->statements.size(), 3u);
  EXPECT_EQ(p->statements[0].kind, StmtKind::Transaction);
  EXPECT_EQ(p->statements[1].lockMode, Exclusive);
  EXPECT_EQ(p->statements[2].kind, StmtKind::Select);
}

TEST(Errors, ParseFailureIsAValueWithAnOriginalOffset) {
  std::string sql = "SELECT id FROM t WHERE name = :n AND AND x";
  auto p = analyzeSql(sql);
  EXPECT_FALSE(p->ok);
  EXPECT_NE(p->error.find("syntax error"), std::string::npos) << p->error;
  ASSERT_GE(p->errorOffset, 0);
  EXPECT_EQ(sql.substr(p->errorOffset, 3), "AND");
}

TEST(Errors, HostileTextDoesNotCrash) {
  EXPECT_FALSE(analyzeSql("SELECT 'unterminated")->ok);
  EXPECT_FALSE(analyzeSql("SELECT 1 /* unterminated")->ok);
  EXPECT_FALSE(analyzeSql(std::string("SELECT \xff\xfe\x01 FROM"))->ok);
  EXPECT_TRUE(analyzeSql("")->statements.empty());
}

TEST(Memo, SameTextSameObject) {
  auto a = analyzeSql("SELECT 1 FROM memo_t");
  auto b = analyzeSql("SELECT 1 FROM memo_t");
  EXPECT_EQ(a.get(), b.get());
}

TEST(Rewrite, OnConflictDoNothing) {
  Rewrite r = insertOnConflict("INSERT INTO genre (name) VALUES (?)", {"name"}, {});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.sql, "INSERT INTO genre (name) VALUES ($1) ON CONFLICT (name) DO NOTHING");
}

TEST(Rewrite, OnConflictDoUpdate) {
  Rewrite r = insertOnConflict("INSERT INTO products (sku, name, price) VALUES ($1, $2, $3)", {"sku"},
                               "UPDATE products SET name = $2, price = $3 WHERE sku = $1");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.sql,
            "INSERT INTO products (sku, name, price) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET "
            "name = excluded.name, price = excluded.price");
  // and the result parses again, with the facts saying so
  auto p = analyzeSql(r.sql);
  ASSERT_TRUE(p->ok);
  EXPECT_EQ(p->statements[0].conflict, Conflict::DoUpdate);
}

TEST(Rewrite, OnConflictKeepsTheUpdatesArithmetic) {
  // `on_hand = on_hand + $3` must stay an increment, not become a plain overwrite.
  Rewrite r = insertOnConflict("INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3)", {"sku"},
                               "UPDATE products SET name = $2, on_hand = on_hand + $3, sku = $1 WHERE sku = $1");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.sql,
            "INSERT INTO products (sku, name, on_hand) VALUES ($1, $2, $3) ON CONFLICT (sku) DO UPDATE SET "
            "name = excluded.name, on_hand = products.on_hand + excluded.on_hand");
  // a placeholder the INSERT does not write falls back to the inserted value of that column
  Rewrite f = insertOnConflict("INSERT INTO t (k, v) VALUES ($1, $2)", {"k"}, "UPDATE t SET v = $9 WHERE k = $1");
  ASSERT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.sql, "INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v");
}

TEST(Rewrite, OmitColumn) {
  Rewrite r = insertWithoutColumn("INSERT INTO events (tenant, version, payload) VALUES ($1, $2, $3)", "version");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.sql, "INSERT INTO events (tenant, payload) VALUES ($1, $2)");
  EXPECT_EQ(r.note, "parameters renumbered: $3 is now $2");
  EXPECT_FALSE(insertWithoutColumn("INSERT INTO events (a) VALUES (1)", "version").ok);
  // INSERT ... SELECT MAX(..)+1 FROM t: without the aggregate the SELECT must not read t
  // (it would insert one row per existing row), so the rest becomes VALUES.
  Rewrite s = insertWithoutColumn(
      "INSERT INTO invoices (num, customer) SELECT COALESCE(MAX(num),0)+1, $1 FROM invoices WHERE y = 2 RETURNING num",
      "num");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_EQ(s.sql, "INSERT INTO invoices (customer) VALUES ($1) RETURNING num");
  EXPECT_TRUE(s.note.empty());
  // the only column gone: DEFAULT VALUES, not the invalid VALUES ()
  Rewrite d = insertWithoutColumn("INSERT INTO batches (batch_no) VALUES ($1) RETURNING batch_no", "batch_no");
  ASSERT_TRUE(d.ok) << d.error;
  EXPECT_EQ(d.sql, "INSERT INTO batches DEFAULT VALUES RETURNING batch_no");
  // a SELECT that still reads columns keeps its FROM
  Rewrite k = insertWithoutColumn("INSERT INTO t (n, name) SELECT MAX(n)+1, u.name FROM t, u GROUP BY u.name", "n");
  ASSERT_TRUE(k.ok) << k.error;
  EXPECT_EQ(k.sql, "INSERT INTO t (name) SELECT u.name FROM t, u GROUP BY u.name");
}

TEST(Rewrite, AuxiliaryStatementsParse) {
  Rewrite u = uniqueIndex("products", {"sku"});
  ASSERT_TRUE(u.ok) << u.error;
  EXPECT_EQ(u.sql, "CREATE UNIQUE INDEX products_sku_key ON products (sku)");
  EXPECT_EQ(uniqueIndex("follows", {"follower", "followee"}).sql,
            "CREATE UNIQUE INDEX follows_follower_followee_key ON follows (follower, followee)");
  Rewrite c = parentCounter("orders", "last_item_number");
  ASSERT_TRUE(c.ok) << c.error;
  EXPECT_EQ(c.sql, "UPDATE orders SET last_item_number = last_item_number + 1 WHERE id = $1 RETURNING last_item_number");
  Rewrite s = sequenceDefault("events", "version");
  ASSERT_TRUE(s.ok) << s.error;
  EXPECT_NE(s.sql.find("CREATE SEQUENCE events_version_seq OWNED BY events.version"), std::string::npos) << s.sql;
  EXPECT_NE(s.sql.find("SET DEFAULT nextval('events_version_seq')"), std::string::npos) << s.sql;
  Rewrite a = advisoryXactLock("seats", {1, 2});
  ASSERT_TRUE(a.ok) << a.error;
  EXPECT_NE(a.sql.find("pg_advisory_xact_lock(hashtext("), std::string::npos) << a.sql;
  EXPECT_EQ(quoteIdent("Order"), "\"Order\"");
  EXPECT_EQ(quoteIdent("user"), "\"user\"");
}

// ---- dialect forms ------------------------------------------------------------
TEST(Dialect, MysqlOnDuplicateKeyUpdateIsAnAtomicUpsert) {
  auto p = analyzeSql("INSERT INTO `users` (email, n) VALUES (?, ?) ON DUPLICATE KEY UPDATE n = VALUES(n) + 1");
  const Facts &f = only(p);
  EXPECT_EQ(f.kind, StmtKind::Insert);
  EXPECT_EQ(f.targetTable, "users");
  EXPECT_EQ(f.conflict, Conflict::DoUpdate);
  EXPECT_NE(p->normalized.find("ON CONFLICT DO UPDATE SET n = excluded.n + 1"), std::string::npos) << p->normalized;
}

TEST(Dialect, MysqlInsertIgnoreReplaceAndNamedLocks) {
  EXPECT_EQ(only(analyzeSql("INSERT IGNORE INTO tags (name) VALUES (?)")).conflict, Conflict::Ignore);
  EXPECT_EQ(only(analyzeSql("REPLACE INTO tags (name) VALUES (?)")).conflict, Conflict::Replace);
  EXPECT_EQ(only(analyzeSql("SELECT GET_LOCK('orders:42', 10)")).advisory, Advisory::Session);
  EXPECT_EQ(only(analyzeSql("SELECT RELEASE_LOCK('orders:42')")).advisory, Advisory::None);
}

TEST(Dialect, MysqlLockTables) {
  const Facts &w = only(analyzeSql("LOCK TABLES items WRITE, orders READ"));
  EXPECT_EQ(w.kind, StmtKind::Lock);
  EXPECT_EQ(w.lockTables, (std::vector<std::string>{"items", "orders"}));
  EXPECT_EQ(w.lockMode, Exclusive);
  EXPECT_EQ(only(analyzeSql("LOCK TABLES items READ")).lockMode, Share);
  // UNLOCK TABLES releases the locks (and commits): a COMMIT as far as protection goes
  EXPECT_EQ(only(analyzeSql("UNLOCK TABLES")).txn, TxnKind::Commit);
  EXPECT_EQ(only(analyzeSql("LOCK TABLE items IN SHARE ROW EXCLUSIVE MODE")).lockMode, ShareRowExclusive);
}

TEST(Dialect, MysqlLockInShareMode) {
  EXPECT_EQ(only(analyzeSql("SELECT id FROM t WHERE k = ? LOCK IN SHARE MODE")).rowLock, RowLock::Share);
}

TEST(Dialect, OracleReturningIntoAndForUpdateWait) {
  const Facts &r = only(analyzeSql("INSERT INTO jobs (name) VALUES (:name) RETURNING id INTO :id"));
  EXPECT_TRUE(r.returning);
  EXPECT_EQ(r.targetTable, "jobs");
  EXPECT_EQ(only(analyzeSql("SELECT id FROM jobs WHERE id = :id FOR UPDATE WAIT 5")).rowLock, RowLock::Update);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM jobs WHERE id = :id FOR UPDATE NOWAIT")).rowLock, RowLock::Update);
  EXPECT_EQ(only(analyzeSql("SELECT id FROM jobs WHERE id = :id FOR UPDATE SKIP LOCKED")).rowLock, RowLock::Update);
}

TEST(Dialect, MergeIsNotAnInsert) {
  const Facts &m = only(analyzeSql(
      "MERGE INTO stock s USING (SELECT $1 AS sku) v ON s.sku = v.sku WHEN MATCHED THEN UPDATE SET qty = s.qty + 1 "
      "WHEN NOT MATCHED THEN INSERT (sku, qty) VALUES (v.sku, 1)"));
  EXPECT_EQ(m.kind, StmtKind::Other);
}

TEST(Dialect, SqlServerTableHintsAndOutput) {
  const Facts &s = only(analyzeSql("SELECT id FROM tags WITH (UPDLOCK, HOLDLOCK) WHERE name = @name"));
  EXPECT_EQ(s.kind, StmtKind::Select);
  EXPECT_TRUE(s.reads("tags"));
  EXPECT_EQ(s.rowLock, RowLock::Update);
  EXPECT_TRUE(s.rangeLock);
  EXPECT_EQ(s.keyColumns.at(0), "name");
  const Facts &o = only(analyzeSql("INSERT INTO tags (name) OUTPUT inserted.id VALUES (@name)"));
  EXPECT_TRUE(o.returning);
  EXPECT_EQ(o.insertColumns.at(0), "name");
}

TEST(Dialect, PrintfHolesInsideAndOutsideQuotes) {
  NormalizeOptions o;
  o.printfHoles = true;
  auto p = analyzeSql("INSERT INTO t (a, b, c, d) VALUES (%d, '%s', %Q, %lld) -- 100%% sure", o);
  const Facts &f = only(p);
  EXPECT_EQ(f.insertParams, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(p->holeParams.at("p1"), 1);
  EXPECT_EQ(p->holeParams.at("p4"), 4);
  // a %s where a table name goes becomes an identifier, not a parameter
  auto q = analyzeSql("SELECT count(*) FROM %s WHERE name = '%q'", o);
  ASSERT_TRUE(q->ok) << q->error;
  EXPECT_TRUE(q->statements[0].reads("sqlrace_hole_p1"));
  // without the option, % is an operator
  EXPECT_TRUE(only(analyzeSql("SELECT id % 2 FROM t")).reads("t"));
}

TEST(Dialect, ResolutionHolesAreNumberedAfterRealPlaceholders) {
  // the program computed one value into the text and binds `?` for the other
  std::string text = "INSERT INTO t (a, b) VALUES (" + holeMarker(7) + ", ?)";
  auto p = analyzeSql(text);
  const Facts &f = only(p);
  EXPECT_EQ(f.insertParams, (std::vector<int>{2, 1}));
  EXPECT_EQ(p->holeParams.at("7"), 2);
  // a hole inside quotes makes the whole literal a value
  auto q = analyzeSql("SELECT 1 FROM t WHERE k = 'x" + holeMarker(1) + "y'");
  EXPECT_EQ(only(q).keyParams.at(0), 1);
}

TEST(Fallback, TokenClassificationWhenTheParserGivesUp) {
  // not PostgreSQL, but the kind, tables and markers are still there
  auto p = analyzeSql("INSERT INTO hits (page) VALUES (?) ON DUPLICATE KEY UPDATE n = n + 1, PARTITION p0");
  EXPECT_FALSE(p->ok);
  ASSERT_TRUE(p->fallback);
  EXPECT_EQ(p->statements.at(0).kind, StmtKind::Insert);
  EXPECT_EQ(p->statements.at(0).targetTable, "hits");
  EXPECT_EQ(p->statements.at(0).conflict, Conflict::DoUpdate);
  auto s = analyzeSql("SELECT MAX(seq) FROM journal STRAIGHT_JOIN books WHERE x");
  ASSERT_TRUE(s->fallback) << s->error;
  EXPECT_TRUE(s->statements.at(0).reads("journal"));
  EXPECT_EQ(s->statements.at(0).findAggregate("max")->column, "seq");
  // nonsense stays an error with no facts
  auto n = analyzeSql("SELEC id FROM t");
  EXPECT_FALSE(n->ok);
  EXPECT_FALSE(n->fallback);
  EXPECT_TRUE(n->statements.empty());
  EXPECT_FALSE(analyzeSql("INSERT INTO t VALUES ('unterminated")->fallback);
}

TEST(Rewrite, RestoreCaseAndRespell) {
  std::string original = "INSERT INTO Genre (idGenre, strGenre) VALUES (NULL, :name)";
  Rewrite r = insertOnConflict(original, {"strgenre"});
  ASSERT_TRUE(r.ok);
  auto p = analyzeSql(original);
  EXPECT_EQ(restoreCase(respell(r.sql, p->spelling), original),
            "INSERT INTO Genre (idGenre, strGenre) VALUES (NULL, :name) ON CONFLICT (strGenre) DO NOTHING");
  // keywords the deparser prints stay as printed; quoted text is untouched
  EXPECT_EQ(restoreCase("SELECT max(n) FROM t WHERE s = 'Abc'", "select MAX(N) from T where S = 'abc'"),
            "SELECT MAX(N) FROM T WHERE S = 'Abc'");
}

// Rewrites and respellings are remembered per distinct input: inputs that differ only where
// a separator could hide (a comma inside a quoted column name, a \x1f byte in a text) are
// different inputs and get their own answers, whichever comes first.
TEST(Rewrite, MemoKeepsNearInputsApart) {
  const char *insert = "INSERT INTO t (\"a,b\", a, b) VALUES ($1, $2, $3)";
  Rewrite one = insertOnConflict(insert, {"a,b"});
  Rewrite two = insertOnConflict(insert, {"a", "b"});
  ASSERT_TRUE(one.ok) << one.error;
  ASSERT_TRUE(two.ok) << two.error;
  EXPECT_EQ(one.sql, "INSERT INTO t (\"a,b\", a, b) VALUES ($1, $2, $3) ON CONFLICT (\"a,b\") DO NOTHING");
  EXPECT_EQ(two.sql, "INSERT INTO t (\"a,b\", a, b) VALUES ($1, $2, $3) ON CONFLICT (a, b) DO NOTHING");
  // a key column named `1,` against a placeholder pairing 2 -> 1 (each once spelled "2:1,")
  const char *upsert = "INSERT INTO t (\"1,\", v) VALUES ($1, $2)";
  const char *update = "UPDATE t SET v = $1 WHERE \"1,\" = $2";
  std::map<int, int> none, pairing{{2, 1}};
  Rewrite byKey = insertOnConflict(upsert, {"1,"}, update, &none);
  Rewrite byPairing = insertOnConflict(upsert, {}, update, &pairing);
  EXPECT_TRUE(byKey.ok) << byKey.error;
  EXPECT_NE(byKey.ok ? byKey.sql : byKey.error, byPairing.ok ? byPairing.sql : byPairing.error);

  std::string original = "INSERT INTO Genre (idGenre, strGenre) VALUES (NULL, :name)";
  Rewrite r = insertOnConflict(original, {"strgenre"});
  ASSERT_TRUE(r.ok);
  auto p = analyzeSql(original);
  std::string expected = restoreCase(respell(r.sql, p->spelling), original);
  EXPECT_EQ(respellLike(r.sql, p->spelling, original), expected);
  EXPECT_EQ(respellLike(r.sql, p->spelling, original), expected);  // remembered: the same
  std::map<int, std::string> other = p->spelling;
  for (auto &[n, sp] : other) sp = "?";
  EXPECT_EQ(respellLike(r.sql, other, original),
            "INSERT INTO Genre (idGenre, strGenre) VALUES (NULL, ?) ON CONFLICT (strGenre) DO NOTHING");
  // joined with a \x1f separator these two inputs would be one key
  EXPECT_EQ(respellLike("select x\x1fy", {}, "Z"), "select x\x1fy");
  EXPECT_EQ(respellLike("select x", {}, "y\x1fZ"), "select x");
}

TEST(Rewrite, MysqlUpsertForms) {
  Rewrite ignore = mysqlUpsert("INSERT INTO tags (name) VALUES (?)", {"name"});
  ASSERT_TRUE(ignore.ok) << ignore.error;
  EXPECT_EQ(ignore.sql, "INSERT IGNORE INTO tags (name) VALUES ($1)");
  std::map<int, int> none;
  Rewrite dup = mysqlUpsert("INSERT INTO stock (sku, qty) VALUES (?, ?)", {"sku"},
                            "UPDATE stock SET qty = qty + ? WHERE sku = ?", &none);
  ASSERT_TRUE(dup.ok) << dup.error;
  // when the UPDATE's ? cannot be matched to the INSERT's, the inserted value is used
  EXPECT_EQ(dup.sql, "INSERT INTO stock (sku, qty) VALUES ($1, $2) ON DUPLICATE KEY UPDATE qty = VALUES(qty)");
  std::map<int, int> same{{1, 2}};
  Rewrite inc = mysqlUpsert("INSERT INTO stock (sku, qty) VALUES (?, ?)", {"sku"},
                            "UPDATE stock SET qty = qty + ? WHERE sku = ?", &same);
  ASSERT_TRUE(inc.ok) << inc.error;
  EXPECT_EQ(inc.sql,
            "INSERT INTO stock (sku, qty) VALUES ($1, $2) ON DUPLICATE KEY UPDATE qty = stock.qty + VALUES(qty)");
}

TEST(Rewrite, SelectForUpdate) {
  EXPECT_EQ(selectForUpdate("SELECT balance FROM accounts WHERE id = $1").sql,
            "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE");
  // a weaker lock becomes FOR UPDATE rather than staying as it was
  EXPECT_EQ(selectForUpdate("SELECT qty FROM stock WHERE sku = ? FOR SHARE").sql,
            "SELECT qty FROM stock WHERE sku = $1 FOR UPDATE");
  EXPECT_FALSE(selectForUpdate("UPDATE t SET a = 1").ok);
}
