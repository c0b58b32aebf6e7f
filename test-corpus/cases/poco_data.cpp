// RUN:
/* Theme: Poco::Data 1.11. `session << "...", into(x), use(y), now;` runs at
 * once; a Poco::Data::Statement filled with `<<` runs on execute(). use()
 * binds an lvalue (so the values sit in locals). Session::begin() is a plain
 * deferred BEGIN on SQLite. Fixed forms: INSERT OR IGNORE, ON CONFLICT,
 * BEGIN IMMEDIATE before the check. */
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <string>

using namespace Poco::Data::Keywords;

/* Positive: COUNT guard, INSERT when zero. */
class DeviceRegistry {
public:
    explicit DeviceRegistry(Poco::Data::Session &session) : _session(session) {}

    bool enroll(const std::string &serialNo, const std::string &modelName)
    {
        std::string serial = serialNo;
        std::string model = modelName;
        int count = 0;
        _session << "SELECT COUNT(*) FROM devices WHERE serial = ?", into(count), use(serial), now; // expected-note{{check of 'devices'}}
        if (count > 0)
            return false;
        _session << "INSERT INTO devices (serial, model) VALUES (?, ?)", use(serial), use(model), now; // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO devices (serial, model) VALUES (?, ?) ON CONFLICT (serial) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
        return true;
    }

    /* Negative: SQLite's INSERT OR IGNORE does the check itself. */
    void enrollOrIgnore(const std::string &serialNo, const std::string &modelName)
    {
        std::string serial = serialNo;
        std::string model = modelName;
        _session << "INSERT OR IGNORE INTO devices (serial, model) VALUES (?, ?)", use(serial), use(model), now;
    }

    /* Negative: the same COUNT guard, but the insert has ON CONFLICT. */
    void enrollOnConflict(const std::string &serialNo, const std::string &modelName)
    {
        std::string serial = serialNo;
        std::string model = modelName;
        int count = 0;
        _session << "SELECT COUNT(*) FROM devices WHERE serial = ?", into(count), use(serial), now;
        if (count == 0)
            _session << "INSERT INTO devices (serial, model) VALUES (?, ?) ON CONFLICT (serial) DO NOTHING",
                use(serial), use(model), now;
    }

private:
    Poco::Data::Session &_session;
};

/* Positive: MAX + 1 in C++, bound through a local with use(next). */
int addMeasurement(Poco::Data::Session &session, int sensorId, double value)
{
    int sensor = sensorId;
    double reading = value;
    Poco::Nullable<int> last;
    session << "SELECT MAX(sample_no) FROM measurements WHERE sensor_id = ?", into(last), use(sensor), now; // expected-note{{MAX(sample_no) of 'measurements' read here}}
    int next = last.isNull() ? 1 : last.value() + 1;
    session << "INSERT INTO measurements (sensor_id, sample_no, value) VALUES (?, ?, ?)", // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE sensors SET last_sample_no = last_sample_no + 1 WHERE id = ? RETURNING last_sample_no}} expected-note{{the rewrite is PostgreSQL's}}
        use(sensor), use(next), use(reading), now;
    return next;
}

/* Positive: Statement objects filled with << and run with execute(); a
 * session.begin() (plain BEGIN) around them does not help. */
Poco::Int64 ensureUser(Poco::Data::Session &session, const std::string &login)
{
    std::string name = login;
    Poco::Int64 id = 0;
    session.begin();

    Poco::Data::Statement select(session);
    select << "SELECT id FROM users WHERE login = ?", into(id), use(name); // expected-note{{check of 'users'}}
    std::size_t rows = select.execute();
    if (rows == 0) {
        Poco::Data::Statement insert(session);
        insert << "INSERT INTO users (login) VALUES (?)", use(name); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO users (login) VALUES (?) ON CONFLICT (login) DO NOTHING}} expected-note{{the rewrite is PostgreSQL's}}
        insert.execute();
        session << "SELECT last_insert_rowid()", into(id), now;
    }
    session.commit();
    return id;
}

/* Positive: MAX read through a prepared Statement, the INSERT text built in a
 * std::string and handed to session <<. */
int addPage(Poco::Data::Session &session, int bookId, const std::string &text)
{
    int book = bookId;
    std::string body = text;
    int maxPage = 0;
    Poco::Data::Statement last(session);
    last << "SELECT COALESCE(MAX(page_no), 0) FROM pages WHERE book_id = ?", into(maxPage), use(book); // expected-note{{MAX(page_no) of 'pages' read here}}
    last.execute();

    int pageNo = maxPage + 1;
    const std::string insertSql = "INSERT INTO pages (book_id, page_no, body) VALUES (?, ?, ?)";
    session << insertSql, use(book), use(pageNo), use(body), now; // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{UPDATE books SET last_page_no = last_page_no + 1 WHERE id = ? RETURNING last_page_no}} expected-note{{the rewrite is PostgreSQL's}}
    return pageNo;
}

/* Negative: BEGIN IMMEDIATE takes SQLite's write lock before the check. */
bool enrollImmediate(Poco::Data::Session &session, const std::string &serialNo)
{
    std::string serial = serialNo;
    int count = 0;
    session << "BEGIN IMMEDIATE", now;
    session << "SELECT COUNT(*) FROM devices WHERE serial = ?", into(count), use(serial), now;
    if (count == 0)
        session << "INSERT INTO devices (serial) VALUES (?)", use(serial), now;
    session << "COMMIT", now;
    return count == 0;
}

/* Negative: the check reads one table, the insert writes another. */
void reportUnknownDevice(Poco::Data::Session &session, const std::string &serialNo)
{
    std::string serial = serialNo;
    int count = 0;
    session << "SELECT COUNT(*) FROM devices WHERE serial = ?", into(count), use(serial), now;
    if (count == 0)
        session << "INSERT INTO unknown_device_reports (serial, seen_at) VALUES (?, CURRENT_TIMESTAMP)",
            use(serial), now;
}

/* Negative: MAX read from one table, the number written into another. */
void snapshotHighWater(Poco::Data::Session &session, int sensorId)
{
    int sensor = sensorId;
    int high = 0;
    session << "SELECT COALESCE(MAX(sample_no), 0) FROM measurements WHERE sensor_id = ?",
        into(high), use(sensor), now;
    int mark = high + 1;
    session << "INSERT INTO sensor_checkpoints (sensor_id, resume_from) VALUES (?, ?)",
        use(sensor), use(mark), now;
}
