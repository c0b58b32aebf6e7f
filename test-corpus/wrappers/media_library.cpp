// RUN: -std=c++17
// Theme: a project's own database wrappers, described in .sqlrace.yml next to
// this file (and, in the clang-tidy test, by CheckOptions instead): a Dataset
// class with query/exec/num_rows/fv and a printf-style PrepareSQL helper, in
// the style of media-library code.
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <string>

namespace dbiplus {
class field_value {
public:
  int get_asInt() const;
  std::string get_asString() const;
};

class Dataset {
public:
  virtual ~Dataset();
  int query(const std::string &sql);
  int exec(const std::string &sql);
  int num_rows();
  bool eof();
  void next();
  void close();
  const field_value &fv(const char *field);
  int lastinsertid();
};
}  // namespace dbiplus

class CDatabase {
public:
  virtual ~CDatabase();

protected:
  std::string PrepareSQL(std::string strStmt, ...) const;
  std::unique_ptr<dbiplus::Dataset> m_pDS;
};

class CMusicDatabase : public CDatabase {
public:
  int AddGenre(std::string &strGenre);
  int AddPath(const std::string &strPath);
  int AddSongRating(int idSong, int userId);
  int AddAlbumArtist(int idAlbum, int idArtist);
  int NextPlaylistPosition(int idPlaylist, int idSong);
  int AddSource(const std::string &name);
  int CountGenres();
};

// Positive: lookup by name, INSERT when no row.
int CMusicDatabase::AddGenre(std::string &strGenre)
{
  std::string strSQL;
  try
  {
    if (nullptr == m_pDS)
      return -1;
    strSQL = PrepareSQL("SELECT idGenre FROM genre WHERE strGenre LIKE '%s'", strGenre.c_str());
    m_pDS->query(strSQL); // expected-note{{check of 'genre' by (strGenre) here}}
    if (m_pDS->num_rows() == 0)
    {
      m_pDS->close();
      strSQL = PrepareSQL("INSERT INTO genre (idGenre, strGenre) VALUES (NULL, '%s')", strGenre.c_str());
      m_pDS->exec(strSQL); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO genre (idGenre, strGenre) VALUES (NULL, '%s') ON CONFLICT (strGenre) DO NOTHING}}
      return m_pDS->lastinsertid();
    }
    int idGenre = m_pDS->fv("idGenre").get_asInt();
    m_pDS->close();
    return idGenre;
  }
  catch (...)
  {
  }
  return -1;
}

// Positive: the same with the SQL built in one expression and an early return.
int CMusicDatabase::AddPath(const std::string &strPath)
{
  if (nullptr == m_pDS)
    return -1;
  m_pDS->query(PrepareSQL("SELECT idPath FROM path WHERE strPath = '%s'", strPath.c_str())); // expected-note{{check of 'path' by (strPath) here}}
  if (!m_pDS->eof())
  {
    int idPath = m_pDS->fv("idPath").get_asInt();
    m_pDS->close();
    return idPath;
  }
  m_pDS->close();
  m_pDS->exec(PrepareSQL("INSERT INTO path (idPath, strPath) VALUES (NULL, '%s')", strPath.c_str())); // expected-warning{{[sqlrace-check-then-insert]}} expected-note{{INSERT INTO path (idPath, strPath) VALUES (NULL, '%s') ON CONFLICT (strPath) DO NOTHING}}
  return m_pDS->lastinsertid();
}

// Positive: MAX + 1 through fv(), formatted into the INSERT with %i.
int CMusicDatabase::NextPlaylistPosition(int idPlaylist, int idSong)
{
  std::string sql = PrepareSQL("SELECT MAX(position) FROM playlistsong WHERE idPlaylist = %i", idPlaylist);
  m_pDS->query(sql); // expected-note{{MAX(position) of 'playlistsong' read here}}
  int position = m_pDS->fv(0 ? "" : "MAX(position)").get_asInt() + 1;
  m_pDS->close();
  sql = PrepareSQL("INSERT INTO playlistsong (idPlaylist, idSong, position) VALUES (%i, %i, %i)", idPlaylist, idSong,
                   position);
  m_pDS->exec(sql); // expected-warning{{[sqlrace-max-plus-one]}} expected-note{{BEGIN IMMEDIATE; SELECT MAX("position") FROM playlistsong WHERE idPlaylist = %i; INSERT INTO playlistsong (idPlaylist, idSong, "position") VALUES (%i, %i, %i); COMMIT}}
  return position;
}

// Negative: the wrapper runs an atomic form.
int CMusicDatabase::AddAlbumArtist(int idAlbum, int idArtist)
{
  std::string sql =
      PrepareSQL("INSERT OR IGNORE INTO album_artist (idAlbum, idArtist) VALUES (%i, %i)", idAlbum, idArtist);
  return m_pDS->exec(sql);
}

// Negative: BEGIN IMMEDIATE through the wrapper first.
int CMusicDatabase::AddSource(const std::string &name)
{
  m_pDS->exec("BEGIN IMMEDIATE");
  m_pDS->query(PrepareSQL("SELECT idSource FROM source WHERE strName = '%s'", name.c_str()));
  if (m_pDS->num_rows() == 0)
    m_pDS->exec(PrepareSQL("INSERT INTO source (strName) VALUES ('%s')", name.c_str()));
  m_pDS->exec("COMMIT");
  return 0;
}

// Negative: the row count only decides what is returned; nothing is inserted.
int CMusicDatabase::CountGenres()
{
  m_pDS->query("SELECT COUNT(*) FROM genre");
  int n = m_pDS->num_rows() > 0 ? m_pDS->fv(0 ? "" : "COUNT(*)").get_asInt() : 0;
  m_pDS->close();
  return n;
}

// Negative: the check is on one table, the insert on another.
int CMusicDatabase::AddSongRating(int idSong, int userId)
{
  m_pDS->query(PrepareSQL("SELECT idSong FROM song WHERE idSong = %i", idSong));
  if (m_pDS->num_rows() == 0)
    return -1;
  m_pDS->close();
  return m_pDS->exec(PrepareSQL("INSERT INTO rating (idSong, idUser) VALUES (%i, %i)", idSong, userId));
}
