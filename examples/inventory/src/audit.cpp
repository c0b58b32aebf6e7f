// An append-only audit trail: inserts never depend on what is already there.
#include "inventory.hpp"

namespace inventory {

void audit(pqxx::connection &db, const std::string &actor, const std::string &action, const std::string &detail)
{
    pqxx::nontransaction q(db);
    q.exec_params0("INSERT INTO audit_log (actor, action, detail, at) VALUES ($1, $2, $3, now())", actor, action,
                   detail);
}

long purge_audit(pqxx::connection &db, int keep_days)
{
    pqxx::work txn(db);
    pqxx::result r = txn.exec_params("DELETE FROM audit_log WHERE at < now() - make_interval(days => $1)", keep_days);
    txn.commit();
    return static_cast<long>(r.affected_rows());
}

std::vector<std::string> recent_actions(pqxx::connection &db, const std::string &actor, int limit)
{
    pqxx::read_transaction txn(db);
    std::vector<std::string> out;
    for (const auto &row : txn.exec_params("SELECT action FROM audit_log WHERE actor = $1 ORDER BY at DESC LIMIT $2",
                                           actor, limit))
        out.push_back(row[0].as<std::string>());
    return out;
}

}  // namespace inventory
