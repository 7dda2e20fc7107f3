#include <libpq-fe.h>

#include <algorithm>
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
    auto name = Prepared(sql);
    if (!name.ok()) return name.status();
    std::vector<const char*> values;
    std::vector<int> lengths;
    Bind(params, values, lengths);
    PGresult* res = PQexecPrepared(conn_, (*name)->c_str(), static_cast<int>(params.size()), values.data(),
                                   lengths.data(), nullptr, 0);
    auto status = PQresultStatus(res);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      auto st = Error(res, sql);
      PQclear(res);
      return st;
    }
    SqlRows rows = Rows(res);
    PQclear(res);
    return rows;
  }

  core::Result<std::vector<SqlRows>> Pipeline(const std::vector<SqlStatement>& statements) override {
    std::vector<const std::string*> names;
    names.reserve(statements.size());
    for (const auto& s : statements) {
      auto name = Prepared(s.sql);
      if (!name.ok()) return name.status();
      names.push_back(*name);
    }
    std::vector<SqlRows> out;
    out.reserve(statements.size());
    // Chunks bound what is in flight: with a blocking socket, a pipeline whose
    // replies fill the socket buffers while we are still sending would stall.
    constexpr size_t kChunk = 200;
    for (size_t begin = 0; begin < statements.size(); begin += kChunk) {
      size_t end = std::min(statements.size(), begin + kChunk);
      if (PQenterPipelineMode(conn_) != 1) return Error(nullptr, "(pipeline)");
      size_t sent = 0;
      bool send_ok = true;
      for (size_t i = begin; i < end; ++i) {
        std::vector<const char*> values;
        std::vector<int> lengths;
        Bind(statements[i].params, values, lengths);
        if (PQsendQueryPrepared(conn_, names[i]->c_str(), static_cast<int>(values.size()),
                                values.data(), lengths.data(), nullptr, 0) != 1) {
          send_ok = false;
          break;
        }
        ++sent;
      }
      if (PQpipelineSync(conn_) != 1) send_ok = false;
      core::Status first = core::Status::Ok();
      for (size_t k = 0; k < sent; ++k) {
        PGresult* res = PQgetResult(conn_);
        if (!res) {
          if (first.ok()) first = Error(nullptr, statements[begin + k].sql);
          break;
        }
        auto status = PQresultStatus(res);
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
          out.push_back(Rows(res));
        } else if (first.ok()) {
          first = Error(res, statements[begin + k].sql);
        }
        PQclear(res);
        // Each statement's results end with a null result.
        while ((res = PQgetResult(conn_)) != nullptr) PQclear(res);
      }
      // Drain up to and including the sync marker, then leave pipeline mode.
      for (int guard = 0; guard < 1000; ++guard) {
        PGresult* res = PQgetResult(conn_);
        if (!res) {
          if (PQstatus(conn_) == CONNECTION_BAD) break;
          continue;
        }
        bool sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;
        PQclear(res);
        if (sync) break;
      }
      PQexitPipelineMode(conn_);
      if (!first.ok()) return first;
      if (!send_ok) return Error(nullptr, statements[begin + sent < end ? begin + sent : begin].sql);
    }
    return out;
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
  // The name of `sql` prepared on this connection. Statements are prepared once
  // per connection and reused: the case database runs a small fixed set of
  // statements at a high rate.
  core::Result<const std::string*> Prepared(std::string_view sql) {
    std::string key(sql);
    auto it = prepared_.find(key);
    if (it != prepared_.end()) return &it->second;
    std::string name = std::to_string(prepared_.size());
    name.insert(name.begin(), 's');
    std::string text = NumberPlaceholders(sql);
    PGresult* res = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      auto st = Error(res, sql);
      PQclear(res);
      return st;
    }
    PQclear(res);
    return &prepared_.emplace(key, name).first->second;
  }

  static void Bind(const std::vector<SqlValue>& params, std::vector<const char*>& values, std::vector<int>& lengths) {
    values.resize(params.size());
    lengths.resize(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      values[i] = params[i].null ? nullptr : params[i].text.c_str();
      lengths[i] = static_cast<int>(params[i].text.size());
    }
  }

  static SqlRows Rows(PGresult* res) {
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
    return rows;
  }

  core::Status Error(PGresult* res, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    // Class 23 = integrity constraint violation: the caller's input, not the server.
    bool constraint = state && state[0] == '2' && state[1] == '3';
    // In pipeline mode the connection's message may belong to another statement.
    const char* rmsg = res ? PQresultErrorMessage(res) : nullptr;
    std::string msg = rmsg && *rmsg ? rmsg : PQerrorMessage(conn_);
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
