// ASCII byte classes as the regex engines read them, for the hand-written passes that must agree with a pattern
// byte for byte (windows, word triggers, scanners). Bytes >= 0x80 belong to no class: RE2's and Hyperscan's \b,
// \w, \s and \d are ASCII-only as Lodestar compiles them.
#pragma once

#include <array>

namespace lodestar::extract {

constexpr bool IsAsciiDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
// \w, and so the two sides of \b: [0-9A-Za-z_]. A table: asked of every byte by the scanners' inner loops.
inline constexpr std::array<bool, 256> kWordBytes = [] {
  std::array<bool, 256> set{};
  for (int c = 0; c < 256; ++c) {
    set[c] = IsAsciiDigit(c) || IsAsciiLower(static_cast<unsigned char>(c | 0x20)) || c == '_';
  }
  return set;
}();
constexpr bool IsWordByte(unsigned char c) { return kWordBytes[c]; }
// RE2's \s: [\t\n\f\r ] (no vertical tab, unlike PCRE's and Hyperscan's).
constexpr bool IsRe2Space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

}  // namespace lodestar::extract
