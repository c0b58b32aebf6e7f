// RUN: $(pkg-config --cflags libpqxx)
/* Theme: libpqxx 6. pqxx::work / pqxx::nontransaction, exec / exec0 / exec1 /
 * exec_params, connection::prepare + exec_prepared, results read through
 * empty(), size(), r[0][0].as<T>(), is_null(), to(), range-for over rows.
 * A pqxx::work is a plain BEGIN at READ COMMITTED: it does not serialize the
 * check and the insert. Fixed forms: ON CONFLICT, SERIALIZABLE with a retry,
 * pg_advisory_xact_lock, a counter row bumped with UPDATE ... RETURNING. */
#include <pqxx/pqxx>

#include <string>
#include <vector>

/* Positive: MAX + 1 in C++, bound with exec_params. */
long add_invoice_line(pqxx::connection &conn, long invoice_id, const std::string &sku, int qty)
{
    pqxx::work txn(conn);
    pqxx::result r = txn.exec_params("SELECT MAX(line_no) FROM invoice_lines WHERE invoice_id = $1", invoice_id); // expected-note{{MAX(line_no) of 'invoice_lines' read here}}
    long next = r[0][0].is_null() ? 1 : r[0][0].as<long>() + 1;
    txn.exec_params("INSERT INTO invoice_lines (invoice_id, line_no, sku, qty) VALUES ($1, $2, $3, $4)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE invoices SET last_line_no = last_line_no + 1 WHERE id = $1 RETURNING last_line_no}}
                    invoice_id, next, sku, qty);
    txn.commit();
    return next;
}

/* Positive: lookup-or-create, branch on r.empty(). */
long tag_id(pqxx::work &txn, const std::string &name)
{
    pqxx::result r = txn.exec_params("SELECT id FROM tags WHERE name = $1", name); // expected-note{{check of 'tags'}}
    if (!r.empty())
        return r[0][0].as<long>();

    pqxx::result ins = txn.exec_params("INSERT INTO tags (name) VALUES ($1) RETURNING id", name); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id}}
    return ins[0][0].as<long>();
}

/* Positive: hand-written upsert with prepared statements; the INSERT's text is
 * on connection::prepare, the decision on the size() of the prepared lookup. */
class CustomerSync {
public:
    explicit CustomerSync(pqxx::connection &conn) : conn_(conn) {}

    bool sync(const std::string &email, const std::string &name)
    {
        conn_.prepare("find_customer", "SELECT id FROM customers WHERE email = $1"); // expected-note{{check of 'customers'}}
        conn_.prepare("update_customer", "UPDATE customers SET name = $2 WHERE id = $1");
        conn_.prepare("insert_customer", "INSERT INTO customers (email, name) VALUES ($1, $2)"); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO customers (email, name) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET name = excluded.name}}

        pqxx::work txn(conn_);
        pqxx::result found = txn.exec_prepared("find_customer", email);
        bool created = false;
        if (found.size() == 1) {
            long id = 0;
            found[0][0].to(id);
            txn.exec_prepared("update_customer", id, name);
        } else {
            txn.exec_prepared("insert_customer", email, name);
            created = true;
        }
        txn.commit();
        return created;
    }

private:
    pqxx::connection &conn_;
};

/* Positive: autocommit nontransaction, existence check with exec1 / COUNT,
 * insert with exec0. */
void ensure_default_settings(pqxx::connection &conn, int user_id)
{
    pqxx::nontransaction ntx(conn);
    pqxx::row row = ntx.exec1("SELECT COUNT(*) FROM user_settings WHERE user_id = " + ntx.quote(user_id)); // expected-note{{check of 'user_settings'}}
    if (row[0].as<int>() > 0)
        return;
    ntx.exec0("INSERT INTO user_settings (user_id, theme) VALUES (" + ntx.quote(user_id) + ", 'light')"); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO user_settings (user_id, theme) VALUES (" + ntx.quote(user_id) + ", 'light') ON CONFLICT (user_id) DO NOTHING}}
}

/* Positive: the MAX-derived number is concatenated into the INSERT's text,
 * which is built in a std::string with +, += and std::to_string. */
int add_revision(pqxx::connection &conn, int doc_id, const std::string &body)
{
    pqxx::work txn(conn);
    pqxx::row last = txn.exec1("SELECT COALESCE(MAX(rev), 0) FROM revisions WHERE doc_id = " + std::to_string(doc_id)); // expected-note{{MAX(rev) of 'revisions' read here}}
    int rev = last[0].as<int>() + 1;

    std::string sql = "INSERT INTO revisions (doc_id, rev, body) VALUES (";
    sql += std::to_string(doc_id) + ", " + std::to_string(rev) + ", ";
    sql += txn.quote(body);
    sql += ")";
    txn.exec0(sql); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE docs SET last_rev = last_rev + 1 WHERE id = " + std::to_string(doc_id) + " RETURNING last_rev}}
    txn.commit();
    return rev;
}

/* Negative: the same lookup, but the insert arbitrates itself with ON CONFLICT. */
long tag_id_on_conflict(pqxx::work &txn, const std::string &name)
{
    pqxx::result r = txn.exec_params("SELECT id FROM tags WHERE name = $1", name);
    if (!r.empty())
        return r[0][0].as<long>();

    txn.exec_params("INSERT INTO tags (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", name);
    pqxx::row again = txn.exec_params("SELECT id FROM tags WHERE name = $1", name)[0];
    return again[0].as<long>();
}

/* Negative: check and insert in a SERIALIZABLE transaction, retried on
 * serialization failure. */
bool claim_username(pqxx::connection &conn, const std::string &username, long account_id)
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        try {
            pqxx::transaction<pqxx::serializable> txn(conn);
            pqxx::result taken = txn.exec_params("SELECT 1 FROM usernames WHERE username = $1", username);
            if (!taken.empty())
                return false;
            txn.exec_params("INSERT INTO usernames (username, account_id) VALUES ($1, $2)", username, account_id);
            txn.commit();
            return true;
        } catch (const pqxx::serialization_failure &) {
            continue;
        }
    }
    return false;
}

/* Negative: transaction-scoped advisory lock keyed on the parent, taken first. */
long add_invoice_line_locked(pqxx::connection &conn, long invoice_id, const std::string &sku)
{
    pqxx::work txn(conn);
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", invoice_id);
    pqxx::result r = txn.exec_params("SELECT MAX(line_no) FROM invoice_lines WHERE invoice_id = $1", invoice_id);
    long next = 1;
    if (!r[0][0].is_null())
        next = r[0][0].as<long>() + 1;
    txn.exec_params("INSERT INTO invoice_lines (invoice_id, line_no, sku, qty) VALUES ($1, $2, $3, 1)",
                    invoice_id, next, sku);
    txn.commit();
    return next;
}

/* Negative: the parent row holds the counter, bumped atomically with RETURNING. */
long add_invoice_line_counter(pqxx::connection &conn, long invoice_id, const std::string &sku)
{
    pqxx::work txn(conn);
    pqxx::result r = txn.exec_params(
        "UPDATE invoices SET last_line_no = last_line_no + 1 WHERE id = $1 RETURNING last_line_no", invoice_id);
    if (r.size() != 1)
        return -1;
    long line_no = r[0][0].as<long>();
    txn.exec_params("INSERT INTO invoice_lines (invoice_id, line_no, sku, qty) VALUES ($1, $2, $3, 1)",
                    invoice_id, line_no, sku);
    txn.commit();
    return line_no;
}

/* Negative: a loop over the rows of one table copying them into another. */
int checkout_cart(pqxx::connection &conn, long cart_id, long order_id)
{
    pqxx::work txn(conn);
    pqxx::result items = txn.exec_params("SELECT product_id, qty FROM cart_items WHERE cart_id = $1", cart_id);
    int copied = 0;
    for (const auto &row : items) {
        long product_id = row[0].as<long>();
        int qty = row["qty"].as<int>();
        txn.exec_params("INSERT INTO order_items (order_id, product_id, qty) VALUES ($1, $2, $3)",
                        order_id, product_id, qty);
        ++copied;
    }
    txn.exec_params("DELETE FROM cart_items WHERE cart_id = $1", cart_id);
    txn.commit();
    return copied;
}

/* Negative: cloning the template rows of a project into a new project in the
 * same table is iteration over rows, not a check deciding an insert. */
int clone_checklist(pqxx::connection &conn, long from_project, long to_project)
{
    pqxx::work txn(conn);
    pqxx::result rows = txn.exec_params(
        "SELECT position, title FROM checklist_items WHERE project_id = $1 ORDER BY position", from_project);
    std::vector<std::string> titles;
    for (pqxx::result::const_iterator it = rows.begin(); it != rows.end(); ++it) {
        txn.exec_params("INSERT INTO checklist_items (project_id, position, title) VALUES ($1, $2, $3)",
                        to_project, it[0].as<int>(), it[1].as<std::string>());
        titles.push_back(it[1].as<std::string>());
    }
    txn.commit();
    return static_cast<int>(titles.size());
}
