// RUN: -fPIC $(pkg-config --cflags Qt5Sql)
/* Theme: a Qt desktop application on SQLite. Qt SQL does not say which
 * database it talks to, but this file opens its connection with the QSQLITE
 * driver, so the rewrites are SQLite's (BEGIN IMMEDIATE takes the write lock
 * before the check; INSERT ... ON CONFLICT needs a unique index), and no note
 * says PostgreSQL was assumed. exec() returning false is a failed query, not a
 * check of what the query found. */
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

bool openDatabase(const QString &path)
{
    QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE");
    db.setDatabaseName(path);
    return db.open();
}

/* Positive: the member is looked up, then inserted when missing. */
bool addMember(const QString &email, const QString &name)
{
    QSqlQuery q;
    q.prepare("SELECT 1 FROM members WHERE email = ?"); // expected-note{{check of 'members' by (email) here}}
    q.addBindValue(email);
    if (!q.exec())
        return false;
    if (q.next())
        return false;
    q.prepare("INSERT INTO members (email, name) VALUES (?, ?)"); // expected-warning{{INSERT into 'members' depends on an earlier check of 'members' by (email) without a lock}} expected-note{{suggested rewrite: CREATE UNIQUE INDEX members_email_key ON members (email); INSERT INTO members (email, name) VALUES (?, ?) ON CONFLICT (email) DO NOTHING}}
    q.addBindValue(email);
    q.addBindValue(name);
    return q.exec();
}

/* Positive: the next card number is the largest one plus one. */
bool issueCard(int memberId)
{
    QSqlQuery q;
    q.prepare("SELECT MAX(card_no) FROM cards WHERE member_id = ?"); // expected-note{{MAX(card_no) of 'cards' read here}}
    q.addBindValue(memberId);
    if (!q.exec() || !q.next())
        return false;
    int next = q.value(0).toInt() + 1;
    q.prepare("INSERT INTO cards (member_id, card_no) VALUES (?, ?)"); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{suggested rewrite: BEGIN IMMEDIATE;}}
    q.addBindValue(memberId);
    q.addBindValue(next);
    return q.exec();
}

/* Negative: exec() returning false only says the SELECT failed; the INSERT
 * does not depend on what it found (a visit is logged either way). */
bool logVisit(const QString &email)
{
    QSqlQuery q;
    q.prepare("SELECT 1 FROM members WHERE email = ?");
    q.addBindValue(email);
    if (!q.exec())
        return false;
    q.prepare("INSERT INTO members (email, name) VALUES (?, 'visitor')");
    q.addBindValue(email);
    return q.exec();
}
