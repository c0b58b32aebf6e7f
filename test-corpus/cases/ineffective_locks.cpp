// RUN: -std=c++17
// Theme: protection that does not protect. A mutex serializes the threads of
// one process; a second process (another worker, another host) runs the same
// check at the same time. Reported as ineffective-lock, with the mutex noted.
#include <libpq-fe.h>

#include <mutex>
#include <shared_mutex>
#include <string>

class TagStore {
public:
  explicit TagStore(PGconn *c) : conn_(c) {}
  int ensure(const std::string &name);
  int ensureUnique(const std::string &name);
  long nextRevision(const std::string &doc);
  int ensureAtomic(const std::string &name);

private:
  PGconn *conn_;
  std::mutex mu_;
  std::shared_mutex rw_;
};

// Positive (ineffective-lock): the lookup and the insert are under a lock_guard.
int TagStore::ensure(const std::string &name)
{
  std::lock_guard<std::mutex> guard(mu_); // expected-note{{std::lock_guard here}}
  const char *p[1] = {name.c_str()};
  PGresult *r = PQexecParams(conn_, "SELECT id FROM tags WHERE name = $1", 1, nullptr, p, nullptr, nullptr, 0); // expected-note{{check of 'tags' by (name) here}}
  bool found = PQntuples(r) > 0;
  PQclear(r);
  if (found)
    return 0;
  PQclear(PQexecParams(conn_, "INSERT INTO tags (name) VALUES ($1)", 1, nullptr, p, nullptr, nullptr, 0)); // expected-warning{{INSERT into 'tags' depends on an earlier check of 'tags' by (name), protected only by std::lock_guard, which does not protect it: it serializes the threads of one process only}} expected-note{{INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
  return 1;
}

// Positive (ineffective-lock): an exclusive unique_lock on a shared_mutex is still one process.
int TagStore::ensureUnique(const std::string &name)
{
  std::unique_lock<std::shared_mutex> lock(rw_); // expected-note{{std::unique_lock here}}
  const char *p[1] = {name.c_str()};
  PGresult *r = PQexecParams(conn_, "SELECT count(*) FROM tags WHERE name = $1", 1, nullptr, p, nullptr, nullptr, 0); // expected-note{{check of 'tags' by (name) here}}
  long n = std::stol(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (n == 0)
    PQclear(PQexecParams(conn_, "INSERT INTO tags (name) VALUES ($1)", 1, nullptr, p, nullptr, nullptr, 0)); // expected-warning{{[sqlrace-ineffective-lock]}} expected-note{{INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING}}
  return n == 0;
}

// Positive (ineffective-lock): mu_.lock() around a MAX + 1.
long TagStore::nextRevision(const std::string &doc)
{
  mu_.lock(); // expected-note{{std::mutex::lock here}}
  const char *p[2] = {doc.c_str(), nullptr};
  PGresult *r = PQexecParams(conn_, "SELECT COALESCE(MAX(rev), 0) + 1 FROM revisions WHERE doc = $1", 1, nullptr, p, nullptr, nullptr, 0); // expected-note{{MAX(rev) of 'revisions' read here}}
  std::string next = PQgetvalue(r, 0, 0);
  PQclear(r);
  p[1] = next.c_str();
  PQclear(PQexecParams(conn_, "INSERT INTO revisions (doc, rev) VALUES ($1, $2)", 2, nullptr, p, nullptr, nullptr, 0)); // expected-warning{{[sqlrace-ineffective-lock]}} expected-note{{suggested rewrite: CREATE SEQUENCE revisions_rev_seq}}
  mu_.unlock();
  return std::stol(next);
}

// Negative: the mutex is there, but the statement is atomic anyway.
int TagStore::ensureAtomic(const std::string &name)
{
  std::lock_guard<std::mutex> guard(mu_);
  const char *p[1] = {name.c_str()};
  PQclear(PQexecParams(conn_, "INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", 1, nullptr, p, nullptr, nullptr, 0));
  return 0;
}
