// The text as the hand-written scanners (price_scan.h, age_scan.h, measure_scan.h, handle_scan.h) read it: the
// few questions their patterns ask of it (literal here? white space? a word ending?), answered as RE2 would (ASCII
// \b, \s, \d). Internal to those scanners.
#pragma once

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <string_view>
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

inline bool OneOf(std::string_view w, std::initializer_list<std::string_view> set) {
  for (std::string_view x : set) {
    if (w == x) return true;
  }
  return false;
}


// From i leftwards over white space and at most `budget` other bytes, stopping at `floor` (where the caller's
// search starts anyway: runs of digits close together would otherwise walk the same bytes again).
inline size_t ReachLeft(std::string_view t, size_t i, int budget, size_t floor = 0) {
  for (; i > floor; --i) {
    if (!IsRe2Space(static_cast<unsigned char>(t[i - 1])) && budget-- == 0) break;
  }
  return i;
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

// Successive leftmost matches (at most kMaxMatches) of a pattern each of whose matches holds the start of a run of
// digits that `wanted_run(length)` accepts, with at most `budget` bytes other than white space before that start:
// such a match starts in [ReachLeft(run begin, budget), run begin] of some run, and those ranges only move right
// from run to run, so only they are tried. `at(t, p, m)` fills m with the match starting at p, if any.
template <typename RunFilter, typename At>
void ScanNearDigitRuns(std::string_view text, const std::vector<Window>& digit_runs, RunFilter wanted_run,
                       int budget, At at, std::vector<GroupMatch>& out) {
  const Text t(text);
  size_t pos = 0;  // where the next search starts
  int found = 0;
  GroupMatch m;
  for (const Window& run : digit_runs) {
    if (!wanted_run(run.end - run.begin)) continue;
    for (size_t p = std::max(pos, ReachLeft(text, run.begin, budget, pos)); p <= run.begin && found < kMaxMatches;
         ++p) {
      if (!at(t, p, m)) continue;
      out.push_back(m);
      ++found;
      pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
      p = pos - 1;
      m = GroupMatch();
    }
    pos = std::max(pos, run.begin + 1);  // every start up to the run's was tried
  }
}

}  // namespace lodestar::extract::scan
