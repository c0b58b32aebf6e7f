// RUN:
/* Theme: SOCI 4. `sql << "...", soci::into(x), soci::use(y);` runs at the end
 * of the full expression; `sql.prepare << ...` builds a soci::statement (or a
 * soci::rowset) that runs on execute() / iteration. A soci::transaction is a
 * plain BEGIN at READ COMMITTED. Fixed forms: ON CONFLICT, LOCK TABLE in
 * EXCLUSIVE mode inside the transaction before the check. */
#include <soci/soci.h>

#include <string>

/* Positive: COUNT guard, then INSERT when zero. */
void register_user(soci::session &sql, const std::string &email)
{
    int n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE email = :e", soci::into(n), soci::use(email); // expected-note{{check of 'users'}}
    if (n == 0)
        sql << "INSERT INTO users (email) VALUES (:e)", soci::use(email); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO users (email) VALUES (:e) ON CONFLICT (email) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
}

/* Positive: MAX read with an indicator, next number in a local. */
int add_step(soci::session &sql, int recipe_id, const std::string &text)
{
    int max_no = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(step_no) FROM recipe_steps WHERE recipe_id = :r", // expected-note{{MAX(step_no) of 'recipe_steps' read here}}
        soci::into(max_no, ind), soci::use(recipe_id);
    int next = (ind == soci::i_ok) ? max_no + 1 : 1;
    sql << "INSERT INTO recipe_steps (recipe_id, step_no, body) VALUES (:r, :n, :b)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE recipes SET last_step_no = last_step_no + 1 WHERE id = :r RETURNING last_step_no}} expected-note{{the rewrite is PostgreSQL's}}
        soci::use(recipe_id), soci::use(next), soci::use(text);
    return next;
}

/* Positive: MAX + 1 bound directly as an expression, inside a soci::transaction
 * (a plain BEGIN, which does not serialize the two statements). */
void append_audit(soci::session &sql, long stream_id, const std::string &payload)
{
    soci::transaction tr(sql);
    long max_seq = 0;
    sql << "SELECT COALESCE(MAX(seq), 0) FROM audit_log WHERE stream_id = :s", soci::into(max_seq), soci::use(stream_id); // expected-note{{MAX(seq) of 'audit_log' read here}}
    sql << "INSERT INTO audit_log (stream_id, seq, payload) VALUES (:s, :q, :p)", soci::use(stream_id, "s"), // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE streams SET last_seq = last_seq + 1 WHERE id = :s RETURNING last_seq}} expected-note{{the rewrite is PostgreSQL's}}
        soci::use(max_seq + 1, "q"), soci::use(payload, "p");
    tr.commit();
}

/* Positive: prepared statements; the lookup's execute(true) result decides. */
class LabelRepo {
public:
    explicit LabelRepo(soci::session &sql) : sql_(sql) {}

    long ensure(const std::string &name)
    {
        long id = 0;
        soci::statement find = (sql_.prepare << "SELECT id FROM labels WHERE name = :n", soci::into(id), soci::use(name)); // expected-note{{check of 'labels'}}
        bool found = find.execute(true);
        if (found)
            return id;

        soci::statement add = (sql_.prepare << "INSERT INTO labels (name) VALUES (:n)", soci::use(name)); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO labels (name) VALUES (:n) ON CONFLICT (name) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
        add.execute(true);
        sql_ << "SELECT id FROM labels WHERE name = :n", soci::into(id), soci::use(name);
        return id;
    }

private:
    soci::session &sql_;
};

/* Positive: got_data() after a one-row SELECT, hand-written upsert. */
void set_preference(soci::session &sql, int user_id, const std::string &key, const std::string &value)
{
    std::string current;
    sql << "SELECT value FROM preferences WHERE user_id = :u AND pkey = :k", // expected-note{{check of 'preferences'}}
        soci::into(current), soci::use(user_id, "u"), soci::use(key, "k");
    if (sql.got_data()) {
        if (current != value)
            sql << "UPDATE preferences SET value = :v WHERE user_id = :u AND pkey = :k",
                soci::use(value, "v"), soci::use(user_id, "u"), soci::use(key, "k");
    } else {
        sql << "INSERT INTO preferences (user_id, pkey, value) VALUES (:u, :k, :v)", // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO preferences (user_id, pkey, value) VALUES (:u, :k, :v) ON CONFLICT (user_id, pkey) DO UPDATE SET value = excluded.value}} expected-note{{the rewrite is PostgreSQL's}}
            soci::use(user_id, "u"), soci::use(key, "k"), soci::use(value, "v");
    }
}

/* Negative: the insert arbitrates itself with ON CONFLICT. */
void register_user_on_conflict(soci::session &sql, const std::string &email)
{
    int n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE email = :e", soci::into(n), soci::use(email);
    if (n == 0)
        sql << "INSERT INTO users (email) VALUES (:e) ON CONFLICT (email) DO NOTHING", soci::use(email);
}

/* Negative: LOCK TABLE in EXCLUSIVE mode inside the transaction, before the check. */
void register_user_locked(soci::session &sql, const std::string &email)
{
    soci::transaction tr(sql);
    sql << "LOCK TABLE users IN EXCLUSIVE MODE";
    int n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE email = :e", soci::into(n), soci::use(email);
    if (n == 0)
        sql << "INSERT INTO users (email) VALUES (:e)", soci::use(email);
    tr.commit();
}

/* Negative: the check reads one table, the insert writes another. */
bool request_invite(soci::session &sql, const std::string &email)
{
    int n = 0;
    sql << "SELECT COUNT(*) FROM users WHERE email = :e", soci::into(n), soci::use(email);
    if (n != 0)
        return false;
    sql << "INSERT INTO invite_requests (email) VALUES (:e)", soci::use(email);
    return true;
}

/* Negative: a rowset loop copying the rows of one table into another. */
int checkout(soci::session &sql, long cart_id, long order_id)
{
    int copied = 0;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT product_id, qty FROM cart_items WHERE cart_id = :c",
                                  soci::use(cart_id));
    for (const soci::row &r : rs) {
        long product_id = r.get<long long>(0);
        int qty = r.get<int>(1);
        sql << "INSERT INTO order_items (order_id, product_id, qty) VALUES (:o, :p, :q)",
            soci::use(order_id), soci::use(product_id), soci::use(qty);
        ++copied;
    }
    return copied;
}
