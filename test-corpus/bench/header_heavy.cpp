// Benchmark input: a header-heavy C++ file (Qt SQL and libpqxx), where parsing
// the headers dominates and sqlrace's own work should be small.
#include <QtSql>
#include <pqxx/pqxx>

#include <string>

long nextTicket(QSqlDatabase db, int queue)
{
  QSqlQuery q(db);
  q.prepare("SELECT MAX(ticket_no) FROM tickets WHERE queue_id = :q");
  q.bindValue(":q", queue);
  q.exec();
  long next = q.next() ? q.value(0).toLongLong() + 1 : 1;
  q.prepare("INSERT INTO tickets (queue_id, ticket_no) VALUES (:q, :n)");
  q.bindValue(":q", queue);
  q.bindValue(":n", (qlonglong)next);
  q.exec();
  return next;
}

bool ensureTag(pqxx::connection &c, const std::string &name)
{
  pqxx::work tx(c);
  pqxx::result r = tx.exec_params("SELECT id FROM tags WHERE name = $1", name);
  if (!r.empty())
    return false;
  tx.exec_params("INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name);
  tx.commit();
  return true;
}
