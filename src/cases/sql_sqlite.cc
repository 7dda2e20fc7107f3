#include <sqlite3.h>

#include <cstdlib>
#include <unordered_map>

#include "cases/sql.h"

namespace lodestar::cases {

int64_t SqlRow::i64(size_t i) const {
  if (null(i)) return 0;
  return std::strtoll(str(i).c_str(), nullptr, 10);
}
std::optional<int64_t> SqlRow::opt_i64(size_t i) const {
  if (null(i)) return std::nullopt;
  return i64(i);
}
double SqlRow::f64(size_t i) const { return null(i) ? 0.0 : std::strtod(str(i).c_str(), nullptr); }

core::Status SqlConnection::Commit() {
  auto r = Query("COMMIT");
  return r.ok() ? core::Status::Ok() : r.status();
}
core::Result<std::vector<SqlRows>> SqlConnection::Pipeline(const std::vector<SqlStatement>& statements) {
  // In-process backends have no round trip to save: run them one by one.
  std::vector<SqlRows> out;
  out.reserve(statements.size());
  for (const auto& s : statements) {
    auto r = Query(s.sql, s.params);
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return out;
}

core::Status SqlConnection::Rollback() {
  auto r = Query("ROLLBACK");
  return r.ok() ? core::Status::Ok() : r.status();
}

namespace {

std::string FirstWords(std::string_view sql) {
  std::string s(sql.substr(0, 60));
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  Dialect dialect() const override { return Dialect::kSqlite; }

  core::Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    sqlite3_stmt* stmt = nullptr;
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                                  nullptr);
      if (rc != SQLITE_OK) return Error("prepare", sql);
      cache_.emplace(key, stmt);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      int rc = params[i].null ? sqlite3_bind_null(stmt, static_cast<int>(i + 1))
                              : sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].text.data(),
                                                  static_cast<int>(params[i].text.size()), SQLITE_TRANSIENT);
      if (rc != SQLITE_OK) return Error("bind", sql);
    }
    SqlRows rows;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        auto st = Error("run", sql);
        sqlite3_reset(stmt);
        return st;
      }
      int n = sqlite3_column_count(stmt);
      std::vector<SqlValue> cols;
      cols.reserve(n);
      for (int c = 0; c < n; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          cols.emplace_back();
        } else {
          const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          cols.emplace_back(std::string(p, sqlite3_column_bytes(stmt, c)));
        }
      }
      rows.emplace_back(std::move(cols));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  core::Status ExecScript(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return core::Status::Error(core::StatusCode::kIoError, "cases database " + path_ + ": " + msg);
    }
    return core::Status::Ok();
  }

  core::Status Begin() override {
    auto r = Query("BEGIN IMMEDIATE", {});
    return r.ok() ? core::Status::Ok() : r.status();
  }

 private:
  core::Status Error(const char* what, std::string_view sql) {
    int code = sqlite3_errcode(db_);
    auto sc = (code == SQLITE_CONSTRAINT) ? core::StatusCode::kInvalidInput : core::StatusCode::kIoError;
    return core::Status::Error(sc, "cases database " + path_ + ": " + what + " '" + FirstWords(sql) +
                                       "': " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

core::Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return core::Status::Error(core::StatusCode::kIoError,
                               "cannot open cases database sqlite:" + path + ": " + msg +
                                   " (check that the directory exists and is writable)");
  }
  sqlite3_busy_timeout(db, 30000);
  auto conn = std::make_unique<SqliteConnection>(db, path);
  // FULL: in WAL mode a commit is fsynced before it returns, which is what
  // "durable before acknowledged" needs (NORMAL could lose the last commits on power loss).
  auto st = conn->ExecScript(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
  if (!st.ok()) return st;
  return std::unique_ptr<SqlConnection>(std::move(conn));
}

std::string NumberPlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace lodestar::cases
