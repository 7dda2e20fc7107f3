#include "core/utf8.h"

#include <simdjson.h>

namespace lodestar::core {

bool IsValidUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

namespace {
// Length of the valid UTF-8 sequence starting at p (0 if invalid), following
// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
size_t ValidSequenceLength(const unsigned char* p, size_t avail) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  auto cont = [&](size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;
    if (c == 0xED && p[1] > 0x9F) return 0;
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;
    if (c == 0xF4 && p[1] > 0x8F) return 0;
    return 4;
  }
  return 0;
}
}  // namespace

std::string RepairUtf8(std::string_view s, size_t* repairs) {
  std::string out;
  out.reserve(s.size() + 8);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t len = ValidSequenceLength(p + i, n - i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";
      if (repairs) ++*repairs;
      ++i;
      // Skip stray continuation bytes that belonged to the broken sequence.
      while (i < n && (p[i] & 0xC0) == 0x80) ++i;
    } else {
      out.append(s.data() + i, len);
      i += len;
    }
  }
  return out;
}

size_t EnsureUtf8(std::string& s) {
  if (IsValidUtf8(s)) return 0;
  size_t repairs = 0;
  s = RepairUtf8(s, &repairs);
  return repairs;
}

}  // namespace lodestar::core
