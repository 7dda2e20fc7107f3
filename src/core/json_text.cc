#include "core/json_text.h"

#include <algorithm>
#include <cstring>

namespace lodestar::core {
namespace {

// Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0 if
// invalid: no overlongs, no surrogates, nothing above U+10FFFF.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  const size_t n = (b0 >= 0xC2 && b0 <= 0xDF) ? 2 : (b0 >= 0xE0 && b0 <= 0xEF) ? 3 : (b0 >= 0xF0 && b0 <= 0xF4) ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (n == 3 && ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 >= 0xA0))) return 0;
  if (n == 4 && ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 >= 0x90))) return 0;
  return n;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the four hex digits at s[i], or -1.
long Hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return -1;
  long v = 0;
  for (size_t k = 0; k < 4; ++k) {
    const int h = HexValue(s[i + k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

size_t PutUtf8(unsigned long cp, char* out) {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

// Decodes the escape whose backslash is at s[i] into `out` (room for 4 bytes). Returns the bytes of `s` it spans
// and sets *produced, or returns 0 if it is malformed. The one decoder behind both AppendJsonUnescaped and
// MatchJsonUnescaped, so that what the matcher accepts the reader reproduces.
size_t DecodeEscape(std::string_view s, size_t i, char* out, size_t* produced) {
  if (i + 1 >= s.size()) return 0;
  char simple = 0;
  switch (s[i + 1]) {
    case '"': simple = '"'; break;
    case '\\': simple = '\\'; break;
    case '/': simple = '/'; break;
    case 'b': simple = '\b'; break;
    case 'f': simple = '\f'; break;
    case 'n': simple = '\n'; break;
    case 'r': simple = '\r'; break;
    case 't': simple = '\t'; break;
    case 'u': break;
    default: return 0;
  }
  if (simple) {
    out[0] = simple;
    *produced = 1;
    return 2;
  }
  const long unit = Hex4(s, i + 2);
  if (unit < 0 || (unit >= 0xDC00 && unit <= 0xDFFF)) return 0;
  if (unit < 0xD800 || unit > 0xDBFF) {
    *produced = PutUtf8(static_cast<unsigned long>(unit), out);
    return 6;
  }
  // A high surrogate must be followed by an escaped low one.
  if (i + 12 > s.size() || s[i + 6] != '\\' || s[i + 7] != 'u') return 0;
  const long low = Hex4(s, i + 8);
  if (low < 0xDC00 || low > 0xDFFF) return 0;
  *produced = PutUtf8(0x10000 + ((static_cast<unsigned long>(unit) - 0xD800) << 10) + (low - 0xDC00), out);
  return 12;
}

}  // namespace

bool AppendJsonUnescaped(std::string& out, std::string_view escaped) {
  size_t i = 0;
  while (i < escaped.size()) {
    const void* hit = std::memchr(escaped.data() + i, '\\', escaped.size() - i);
    const size_t run_end = hit ? static_cast<const char*>(hit) - escaped.data() : escaped.size();
    out.append(escaped.data() + i, run_end - i);
    i = run_end;
    if (i == escaped.size()) break;
    char buf[4];
    size_t produced = 0;
    const size_t used = DecodeEscape(escaped, i, buf, &produced);
    if (used == 0) return false;
    out.append(buf, produced);
    i += used;
  }
  return true;
}

size_t MatchJsonUnescaped(std::string_view text, size_t start, std::string_view value) {
  size_t i = start, j = 0;
  while (j < value.size()) {
    if (i >= text.size()) return std::string_view::npos;
    // The next run without escapes: at most as long as what is left of `value`.
    const size_t room = std::min(text.size() - i, value.size() - j);
    const void* hit = std::memchr(text.data() + i, '\\', room);
    const size_t run = hit ? static_cast<const char*>(hit) - (text.data() + i) : room;
    if (std::memcmp(text.data() + i, value.data() + j, run) != 0) return std::string_view::npos;
    i += run;
    j += run;
    if (!hit) continue;
    char buf[4];
    size_t produced = 0;
    const size_t used = DecodeEscape(text, i, buf, &produced);
    if (used == 0 || produced > value.size() - j || std::memcmp(buf, value.data() + j, produced) != 0)
      return std::string_view::npos;
    i += used;
    j += produced;
  }
  return i;
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  // Runs of bytes that need nothing are appended in one piece.
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (const size_t n = Utf8SequenceLength(s, i)) {
        i += n;
        continue;
      }
    }
    out.append(s.data() + start, i - start);
    ++i;
    start = i;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c >= 0x80) {
          out += "\xEF\xBF\xBD";
        } else {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
    }
  }
  out.append(s.data() + start, s.size() - start);
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  AppendJsonEscaped(out, s);
  out += '"';
}

}  // namespace lodestar::core
