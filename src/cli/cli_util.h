// How subcommands report failure: one line `error: MESSAGE` on stderr and an
// exit code (1: the command failed; 2: bad flags or input the user can fix;
// the case commands add 3: permission denied).
#pragma once

#include <string_view>

#include "core/status.h"

namespace lodestar::cli {

// Prints `error: MESSAGE` on stderr.
void PrintError(std::string_view message);

// Prints the error and sets `exit_code` to `code`. Returns void, so that a
// callback can stop with `return Fail(exit_code, ...);`.
void Fail(int& exit_code, std::string_view message, int code = 1);
void Fail(int& exit_code, const core::Status& status, int code = 1);

// 2 for kInvalidInput (a query or option the user can correct), else 1.
int ExitCodeFor(const core::Status& status);

}  // namespace lodestar::cli
