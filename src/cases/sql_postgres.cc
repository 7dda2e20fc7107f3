#include <libpq-fe.h>

#include <unordered_map>

#include "cases/sql.h"

namespace lodestar::cases {
namespace {

class PostgresConnection : public SqlConnection {
 public:
  PostgresConnection(PGconn* conn, std::string where) : conn_(conn), where_(std::move(where)) {}
  ~PostgresConnection() override { PQfinish(conn_); }
  Dialect dialect() const override { return Dialect::kPostgres; }

  core::Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    // Statements are prepared once per connection and reused: the case
    // database runs a small fixed set of statements at a high rate.
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it == prepared_.end()) {
      std::string name = std::to_string(prepared_.size());
      name.insert(name.begin(), 's');
      std::string text = NumberPlaceholders(sql);
      PGresult* res = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
      bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
      if (!ok) {
        auto st = Error(res, sql);
        PQclear(res);
        return st;
      }
      PQclear(res);
      it = prepared_.emplace(key, name).first;
    }
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      values[i] = params[i].null ? nullptr : params[i].text.c_str();
      lengths[i] = static_cast<int>(params[i].text.size());
    }
    PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()), values.data(),
                                   lengths.data(), nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto st = Error(res, sql);
      PQclear(res);
      return st;
    }
    SqlRows rows;
    int nrows = PQntuples(res), ncols = PQnfields(res);
    rows.reserve(nrows);
    for (int r = 0; r < nrows; ++r) {
      std::vector<SqlValue> cols;
      cols.reserve(ncols);
      for (int c = 0; c < ncols; ++c) {
        if (PQgetisnull(res, r, c)) {
          cols.emplace_back();
        } else {
          cols.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
        }
      }
      rows.emplace_back(std::move(cols));
    }
    PQclear(res);
    return rows;
  }

  core::Status ExecScript(std::string_view sql) override {
    std::string s(sql);
    PGresult* res = PQexec(conn_, s.c_str());
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto st = Error(res, sql);
      PQclear(res);
      return st;
    }
    PQclear(res);
    return core::Status::Ok();
  }

  core::Status Begin() override {
    auto r = Query("BEGIN", {});
    return r.ok() ? core::Status::Ok() : r.status();
  }

 private:
  core::Status Error(PGresult* res, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    // Class 23 = integrity constraint violation: the caller's input, not the server.
    bool constraint = state && state[0] == '2' && state[1] == '3';
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    std::string first(sql.substr(0, 60));
    for (char& c : first)
      if (c == '\n') c = ' ';
    return core::Status::Error(constraint ? core::StatusCode::kInvalidInput : core::StatusCode::kIoError,
                               "cases database " + where_ + ": '" + first + "': " + msg);
  }
  PGconn* conn_;
  std::string where_;
  std::unordered_map<std::string, std::string> prepared_;
};

}  // namespace

core::Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& url) {
  PGconn* conn = PQconnectdb(url.c_str());
  // Never echo the URL itself: it may carry a password.
  std::string where = "postgresql";
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn);
    return core::Status::Error(core::StatusCode::kIoError,
                               "cannot connect to the PostgreSQL cases database: " + msg +
                                   " (check --cases; for tests start one with scripts/start-test-postgres.sh)");
  }
  // (Appended piecewise: GCC 12 warns falsely about operator+ chains here.)
  where.append(" ").append(PQhost(conn)).append(":").append(PQport(conn)).append("/").append(PQdb(conn));
  auto c = std::make_unique<PostgresConnection>(conn, where);
  auto st = c->ExecScript("SET client_min_messages = warning");
  if (!st.ok()) return st;
  return std::unique_ptr<SqlConnection>(std::move(c));
}

}  // namespace lodestar::cases
