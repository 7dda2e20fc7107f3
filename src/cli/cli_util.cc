#include "cli/cli_util.h"

#include <fmt/format.h>

namespace lodestar::cli {

void PrintError(std::string_view message) { fmt::print(stderr, "error: {}\n", message); }

void Fail(int& exit_code, std::string_view message, int code) {
  PrintError(message);
  exit_code = code;
}

void Fail(int& exit_code, const core::Status& status, int code) { Fail(exit_code, status.message(), code); }

int ExitCodeFor(const core::Status& status) { return status.code() == core::StatusCode::kInvalidInput ? 2 : 1; }

}  // namespace lodestar::cli
