// The text as the hand-written scanners (price_scan.h, age_scan.h, measure_scan.h, handle_scan.h) read it: the
// few questions their patterns ask of it (literal here? white space? a word ending?), answered as RE2 would (ASCII
// \b, \s, \d). Internal to those scanners.
#pragma once

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/ascii.h"
#include "extract/price_scan.h"  // GroupMatch
#include "extract/windows.h"

namespace lodestar::extract::scan {

inline constexpr size_t kNone = static_cast<size_t>(-1);
inline constexpr int kMaxMatches = 4096;  // as the RE2 loops the scanners replace

// The scanned text with the few questions the patterns ask of it. Positions may be kNone ("no match so far"):
// every step passes kNone on, so a pattern reads as one chain of steps, e.g. WordEnd(Lit(Spaces(i), "hour")).
class Text {
 public:
  explicit Text(std::string_view s) : s_(s), u_(reinterpret_cast<const unsigned char*>(s.data())), n_(s.size()) {}

  size_t size() const { return n_; }
  // The byte at i; 0 (which is in no class) past the end.
  unsigned char At(size_t i) const { return i < n_ ? u_[i] : 0; }
  // i + w.size() when the text at i starts with w.
  size_t Lit(size_t i, std::string_view w) const {
    return i <= n_ && n_ - i >= w.size() && std::memcmp(u_ + i, w.data(), w.size()) == 0 ? i + w.size() : kNone;
  }
  // The same for a literal: a compare of known length, which the compiler inlines (a std::string_view's length is
  // not known at compile time even when it comes from a literal, and memcmp is then a call).
  template <size_t N>
  size_t Lit(size_t i, const char (&w)[N]) const {
    constexpr size_t kLen = N - 1;
    return i <= n_ && n_ - i >= kLen && std::memcmp(u_ + i, w, kLen) == 0 ? i + kLen : kNone;
  }
  // \s*: past the white space at i.
  size_t Spaces(size_t i) const {
    if (i == kNone) return kNone;
    while (i < n_ && IsRe2Space(u_[i])) ++i;
    return i;
  }
  // \s+.
  size_t Spaces1(size_t i) const {
    const size_t j = Spaces(i);
    return j != kNone && j > i ? j : kNone;
  }
  // \b after a word byte: i itself when no word byte follows.
  size_t WordEnd(size_t i) const { return i != kNone && !IsWordByte(At(i)) ? i : kNone; }
  // \b before the word byte at i.
  bool WordStartsAt(size_t i) const { return i == 0 || !IsWordByte(u_[i - 1]); }
  // The number of digits from i, counting no further than cap + 1.
  size_t Digits(size_t i, size_t cap) const {
    size_t k = 0;
    while (k <= cap && IsAsciiDigit(At(i + k))) ++k;
    return k;
  }
  // The word (maximal run of word bytes) at i, when it has at most `cap` bytes; else empty.
  std::string_view Word(size_t i, size_t cap) const {
    size_t k = 0;
    while (k <= cap && IsWordByte(At(i + k))) ++k;
    return k <= cap ? s_.substr(i, k) : std::string_view();
  }
  re2::StringPiece Piece(size_t b, size_t e) const { return re2::StringPiece(s_.data() + b, e - b); }

 private:
  std::string_view s_;
  const unsigned char* u_;
  size_t n_;
};

// Whether try_end(e) returns true for some literal w that the text at i starts with (e = i + its length), trying
// them in the order given and stopping at the first true: a pattern's alternation of literals, each compare of
// known length (inlined, unlike a loop over std::string_views).
template <typename TryEnd, size_t... N>
bool AnyLit(const Text& t, size_t i, TryEnd try_end, const char (&... words)[N]) {
  const auto try_word = [&](size_t e) { return e != kNone && try_end(e); };
  return (try_word(t.Lit(i, words)) || ...);
}

// Whether w is one of the literals: a length test, which most words fail, then a compare of known length (inlined,
// where OneOf below calls memcmp).
template <size_t... N>
bool IsOneOf(std::string_view w, const char (&... set)[N]) {
  return ((w.size() == N - 1 && std::memcmp(w.data(), set, N - 1) == 0) || ...);
}

inline bool OneOf(std::string_view w, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (w == x) return true;
  }
  return false;
}

// Helpers for reading a pattern's prefix right to left from a position (the start of a run of digits), for scanners
// that list the few places a match can start before it instead of trying every one.

// The start of the white space that ends at i, no further left than `floor`.
inline size_t SpacesBack(const unsigned char* u, size_t floor, size_t i) {
  while (i > floor && IsRe2Space(u[i - 1])) --i;
  return i;
}

// Whether the bytes [floor, e) end with the literal w.
template <size_t N>
bool EndsWith(const unsigned char* u, size_t floor, size_t e, const char (&w)[N]) {
  constexpr size_t kLen = N - 1;
  return e - floor >= kLen && std::memcmp(u + e - kLen, w, kLen) == 0;  // a compare of known length: inlined
}

// Appends the start of w to `starts` when the bytes [floor, e) end with it.
template <size_t N>
void AddStartIfEndsWith(const unsigned char* u, size_t floor, size_t e, const char (&w)[N], size_t* starts, int& k) {
  if (EndsWith(u, floor, e, w)) starts[k++] = e - (N - 1);
}

// Sorts the k (a handful) listed starts.
inline void SortStarts(size_t* starts, int k) {
  for (int i = 1; i < k; ++i) {
    for (int j = i; j > 0 && starts[j] < starts[j - 1]; --j) std::swap(starts[j], starts[j - 1]);
  }
}

// A negated class such as [^0-9] at i, as RE2 reads it in UTF-8 mode: an ASCII byte that `excluded` rejects not,
// or one multi-byte character. RE2 accepts [\xC2-\xDF] + 1, [\xE0-\xEF] + 2 and [\xF0-\xF4] + 3 continuation
// bytes (overlong and surrogate forms included), and nothing else. The end of the character, or kNone.
template <typename Excluded>
inline size_t OneCharExcept(const Text& t, size_t i, Excluded excluded) {
  if (i >= t.size()) return kNone;
  const unsigned char c = t.At(i);
  if (c < 0x80) return excluded(c) ? kNone : i + 1;
  const size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (len == 0 || i + len > t.size()) return kNone;
  for (size_t k = 1; k < len; ++k) {
    if ((t.At(i + k) & 0xC0) != 0x80) return kNone;
  }
  return i + len;
}

// (?:[^0-9]|$) at i: the end of the text (nothing consumed) or one character that is no digit.
inline size_t NonDigitOrEnd(const Text& t, size_t i) {
  return i >= t.size() ? i : OneCharExcept(t, i, [](unsigned char c) { return IsAsciiDigit(c); });
}

// (?:[^a-z0-9]|$) at i.
inline size_t NonAlnumOrEnd(const Text& t, size_t i) {
  return i >= t.size() ? i : OneCharExcept(t, i, [](unsigned char c) { return IsAsciiLower(c) || IsAsciiDigit(c); });
}

}  // namespace lodestar::extract::scan
