// UTF-8 validation and repair.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace lodestar::core {

// True when `s` is valid UTF-8 (fast path, SIMD via simdjson).
bool IsValidUtf8(std::string_view s);

// Returns `s` with every invalid byte sequence replaced by U+FFFD.
// `*repairs` (if given) is incremented once per replaced sequence.
std::string RepairUtf8(std::string_view s, size_t* repairs = nullptr);

// Repairs in place only when needed; returns the number of repairs made.
size_t EnsureUtf8(std::string& s);

}  // namespace lodestar::core
