// An InputStream over bytes already in memory, for tests and fuzzers.
#pragma once

#include <memory>
#include <string>

#include "io/input_stream.h"

namespace lodestar::io {

// Serves `bytes` as is (no decompression); `name` is what error messages call it.
std::unique_ptr<InputStream> NewMemoryStream(std::string bytes, std::string name);

}  // namespace lodestar::io
