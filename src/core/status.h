// Status and Result<T>: how errors cross module boundaries in Lodestar.
//
// Contract: functions that can fail for reasons outside the program (bad input,
// I/O, a full disk, an incompatible store) return Status or Result<T> instead of
// throwing. Every message names the input (file, line, field) and says what the
// user can do about it, because the CLI prints it verbatim.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace lodestar::core {

enum class StatusCode {
  kOk = 0,
  kInvalidInput,   // a malformed record, flag or file
  kNotFound,       // a file, id or store that does not exist
  kIoError,        // read/write/fsync failed (includes a full disk)
  kIncompatible,   // a store written by another format version
  kCorrupt,        // checksums do not match
  kTooManyErrors,  // --max-errors exceeded
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(StatusCode code, std::string message) { return Status(code, std::move(message)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {}           // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace lodestar::core
