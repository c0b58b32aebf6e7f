// RUN: -fPIC $(pkg-config --cflags Qt6Sql)
/* Theme: Qt 6 SQL (the same code as qt_sql.cpp, compiled against Qt 6, whose QStringLiteral expands differently). QSqlQuery::prepare + bindValue / addBindValue + exec(),
 * exec(sql), the QSqlQuery(sql, db) constructor that executes at once, one
 * QSqlQuery object reused for the lookup and the insert, QStringLiteral and
 * QString::arg SQL, results through next(), first(), isValid(), size(),
 * value(i). QSqlDatabase::transaction() is a plain (deferred) BEGIN and does
 * not serialize anything; INSERT OR IGNORE and BEGIN IMMEDIATE do. */
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

/* Positive: lookup-or-create with named placeholders, the same QSqlQuery
 * object prepared again for the INSERT. */
class TagStore {
public:
    explicit TagStore(const QSqlDatabase &db) : m_db(db) {}

    qint64 idFor(const QString &name)
    {
        QSqlQuery q(m_db);
        q.prepare("SELECT id FROM tags WHERE name = :name"); // expected-note{{check of 'tags'}}
        q.bindValue(":name", name);
        if (!q.exec())
            return -1;
        if (q.next())
            return q.value(0).toLongLong();

        q.prepare("INSERT INTO tags (name) VALUES (:name)"); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO tags (name) VALUES (:name) ON CONFLICT (name) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
        q.bindValue(":name", name);
        if (!q.exec())
            return -1;
        return q.lastInsertId().toLongLong();
    }

    /* Negative: INSERT OR IGNORE, then read the id back. */
    qint64 idForFixed(const QString &name)
    {
        QSqlQuery q(m_db);
        q.prepare("INSERT OR IGNORE INTO tags (name) VALUES (?)");
        q.addBindValue(name);
        if (!q.exec())
            return -1;
        q.prepare("SELECT id FROM tags WHERE name = ?");
        q.addBindValue(name);
        if (!q.exec() || !q.first())
            return -1;
        return q.value(0).toLongLong();
    }

private:
    QSqlDatabase m_db;
};

/* Positive: the constructor runs the MAX query; the next position is
 * formatted into the INSERT's text with QString::arg. */
int appendToFavourites(QSqlDatabase db, int trackId)
{
    QSqlQuery last("SELECT MAX(pos) FROM playlist_items WHERE playlist = 3", db); // expected-note{{MAX(pos) of 'playlist_items' read here}}
    int pos = 1;
    if (last.next() && !last.isNull(0))
        pos = last.value(0).toInt() + 1;

    QSqlQuery ins(db);
    if (!ins.exec(QString("INSERT INTO playlist_items (playlist, pos, track) VALUES (3, %1, %2)").arg(pos).arg(trackId))) // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{INSERT INTO playlist_items (playlist, track) VALUES (3, %2)}} expected-note{{the rewrite is PostgreSQL's}}
        return -1;
    return pos;
}

/* Positive: SQLite-style ? placeholders, MAX + 1 in C++, bound positionally. */
bool addChapter(QSqlDatabase &db, qint64 bookId, const QString &title)
{
    QSqlQuery q(db);
    q.prepare("SELECT MAX(number) FROM chapters WHERE book_id = ?"); // expected-note{{MAX(number) of 'chapters' read here}}
    q.addBindValue(bookId);
    if (!q.exec() || !q.first())
        return false;
    const int number = q.value(0).isNull() ? 1 : q.value(0).toInt() + 1;

    q.prepare("INSERT INTO chapters (book_id, number, title) VALUES (?, ?, ?)"); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE books SET last_number = last_number + 1 WHERE id = ? RETURNING last_number}} expected-note{{the rewrite is PostgreSQL's}}
    q.addBindValue(bookId);
    q.addBindValue(number);
    q.addBindValue(title);
    return q.exec() && q.numRowsAffected() == 1;
}

/* Positive: MAX + 1 bound by name into a second query object. */
int nextTicket(QSqlDatabase db, int queueId)
{
    QSqlQuery sel(db);
    sel.prepare(QStringLiteral("SELECT MAX(ticket_no) FROM tickets WHERE queue_id = :q")); // expected-note{{MAX(ticket_no) of 'tickets' read here}}
    sel.bindValue(QStringLiteral(":q"), queueId);
    if (!sel.exec())
        return -1;
    sel.first();
    const int ticketNo = sel.isValid() ? sel.value(0).toInt() + 1 : 1;

    QSqlQuery ins(db);
    ins.prepare(QStringLiteral("INSERT INTO tickets (queue_id, ticket_no) VALUES (:q, :n)")); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE queues SET last_ticket_no = last_ticket_no + 1 WHERE id = :q RETURNING last_ticket_no}} expected-note{{the rewrite is PostgreSQL's}}
    ins.bindValue(QStringLiteral(":q"), queueId);
    ins.bindValue(QStringLiteral(":n"), ticketNo);
    return ins.exec() ? ticketNo : -1;
}

/* Positive: COUNT guard (PostgreSQL driver), QStringLiteral SQL. */
bool subscribe(QSqlDatabase db, qint64 userId, qint64 feedId)
{
    QSqlQuery q(db);
    q.prepare(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = :u AND feed_id = :f")); // expected-note{{check of 'subscriptions'}}
    q.bindValue(":u", userId);
    q.bindValue(":f", feedId);
    if (!q.exec() || !q.next())
        return false;
    if (q.value(0).toInt() != 0)
        return true;

    QSqlQuery ins(db);
    ins.prepare(QStringLiteral("INSERT INTO subscriptions (user_id, feed_id) VALUES (:u, :f)")); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO subscriptions (user_id, feed_id) VALUES (:u, :f) ON CONFLICT (user_id, feed_id) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
    ins.bindValue(":u", userId);
    ins.bindValue(":f", feedId);
    return ins.exec();
}

/* Positive: exec(sql) directly, existence from size() (PostgreSQL driver);
 * transaction() is a plain BEGIN at READ COMMITTED and protects nothing. */
bool ensureDefaultTheme(QSqlDatabase db)
{
    db.transaction();
    QSqlQuery q(db);
    q.exec("SELECT value FROM settings WHERE key = 'theme'"); // expected-note{{check of 'settings'}}
    if (q.size() == 0)
        q.exec("INSERT INTO settings (key, value) VALUES ('theme', 'dark')"); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO settings (key, value) VALUES ('theme', 'dark') ON CONFLICT (key) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
    return db.commit();
}

/* Negative: BEGIN IMMEDIATE takes SQLite's write lock before the lookup. */
qint64 artistIdImmediate(QSqlDatabase db, const QString &name)
{
    QSqlQuery q(db);
    if (!q.exec("BEGIN IMMEDIATE"))
        return -1;
    q.prepare("SELECT id FROM artists WHERE name = ?");
    q.addBindValue(name);
    q.exec();
    qint64 id = -1;
    if (q.next()) {
        id = q.value(0).toLongLong();
    } else {
        q.prepare("INSERT INTO artists (name) VALUES (?)");
        q.addBindValue(name);
        if (q.exec())
            id = q.lastInsertId().toLongLong();
    }
    q.exec(id >= 0 ? "COMMIT" : "ROLLBACK");
    return id;
}

/* Negative: the check reads one table, the insert writes another. */
bool recordLogin(QSqlDatabase db, const QString &user)
{
    QSqlQuery q(db);
    q.prepare("SELECT id FROM users WHERE login = :login");
    q.bindValue(":login", user);
    if (!q.exec() || !q.next())
        return false;
    const qint64 userId = q.value(0).toLongLong();

    QSqlQuery log(db);
    log.prepare("INSERT INTO login_events (user_id, at) VALUES (:id, CURRENT_TIMESTAMP)");
    log.bindValue(":id", userId);
    return log.exec();
}

/* Negative: the existence check only picks the log message; the insert into
 * the same table runs either way (INSERT OR IGNORE). */
void rememberHost(QSqlDatabase db, const QString &host)
{
    QSqlQuery q(db);
    q.prepare("SELECT 1 FROM known_hosts WHERE host = ?");
    q.addBindValue(host);
    q.exec();
    if (!q.first())
        qWarning("new host %s", qPrintable(host));
    q.prepare("INSERT OR IGNORE INTO known_hosts (host) VALUES (?)");
    q.addBindValue(host);
    if (!q.exec())
        qWarning("%s", qPrintable(q.lastError().text()));
}
