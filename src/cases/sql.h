// A minimal SQL connection used by the case database, with one implementation
// for SQLite and one for PostgreSQL (libpq). Queries are written once in a
// portable subset of SQL with `?` placeholders; the PostgreSQL connection
// rewrites them to $1, $2, ... Every value travels as text (or NULL) and the
// server infers its type from the column, so no dialect-specific binding code
// leaks into the case logic.
//
// Thread-safety: a Connection is used by one thread at a time (the caller locks).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lodestar::cases {

// One bound value: text or NULL.
struct SqlValue {
  SqlValue() : null(true) {}
  SqlValue(std::nullopt_t) : null(true) {}                        // NOLINT: implicit by design
  SqlValue(std::string v) : null(false), text(std::move(v)) {}    // NOLINT
  SqlValue(const char* v) : null(false), text(v) {}               // NOLINT
  SqlValue(std::string_view v) : null(false), text(v) {}          // NOLINT
  SqlValue(int64_t v) : null(false), text(std::to_string(v)) {}   // NOLINT
  SqlValue(int v) : null(false), text(std::to_string(v)) {}       // NOLINT
  SqlValue(bool v) : null(false), text(v ? "1" : "0") {}          // NOLINT
  SqlValue(const std::optional<std::string>& v) : null(!v), text(v.value_or("")) {}  // NOLINT
  SqlValue(const std::optional<int64_t>& v) : null(!v), text(v ? std::to_string(*v) : "") {}  // NOLINT
  bool null;
  std::string text;
};

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool null(size_t i) const { return cols_.at(i).null; }
  const std::string& str(size_t i) const { return cols_.at(i).text; }
  std::optional<std::string> opt(size_t i) const {
    return cols_.at(i).null ? std::nullopt : std::optional<std::string>(cols_.at(i).text);
  }
  int64_t i64(size_t i) const;                   // 0 when NULL or not a number
  std::optional<int64_t> opt_i64(size_t i) const;
  double f64(size_t i) const;

 private:
  std::vector<SqlValue> cols_;
};

using SqlRows = std::vector<SqlRow>;

// One statement of a pipeline; `sql` must outlive the call (string literals do).
struct SqlStatement {
  std::string_view sql;
  std::vector<SqlValue> params;
};

class SqlConnection {
 public:
  enum class Dialect { kSqlite, kPostgres };
  virtual ~SqlConnection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with `?` placeholders and returns its rows (if any).
  // Errors name the statement's first words and the server's message.
  virtual core::Result<SqlRows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs a script of statements without parameters (migrations).
  virtual core::Status ExecScript(std::string_view sql) = 0;
  // Starts a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue
  // on the lock instead of failing later with SQLITE_BUSY).
  virtual core::Status Begin() = 0;
  // Runs the statements in order and returns each one's rows. On PostgreSQL
  // they travel in libpq pipeline mode, so a whole batch costs one network
  // round trip per few hundred statements instead of one per statement. The
  // first failure is returned; statements after it are not applied (the
  // caller rolls back the transaction they were part of).
  virtual core::Result<std::vector<SqlRows>> Pipeline(const std::vector<SqlStatement>& statements);
  core::Status Commit();
  core::Status Rollback();
};

// "sqlite:PATH" (PATH is created with WAL journaling, foreign keys on,
// synchronous=FULL so a commit is on disk before it returns).
core::Result<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& path);
// A libpq connection string or URL ("postgresql://user@host:port/db").
core::Result<std::unique_ptr<SqlConnection>> OpenPostgres(const std::string& url);

// Rewrites `?` placeholders (outside quotes) to $1, $2, ... for PostgreSQL.
std::string NumberPlaceholders(std::string_view sql);

}  // namespace lodestar::cases
