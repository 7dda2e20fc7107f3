#include "extract/measure_scan.h"

#include <algorithm>

#include "extract/ascii.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::kNone;
using scan::NonAlnumOrEnd;
using scan::NonDigitOrEnd;
using scan::Text;

// The feet alternative at p (a lone digit 4-6 at \b), trying every way in RE2's order of preference:
// \b([4-6])\s*(?:'|ft|feet|foot)\s*(?:(\d{1,2})(?:\.\d)?\s*(?:"|''|in|inch|inches)?)?(?:[^0-9]|$)
bool HeightInFeet(const Text& t, size_t p, GroupMatch& m) {
  const size_t s = t.Spaces(p + 1);
  if (t.At(s) != '\'' && t.At(s) != 'f') return false;
  size_t u = kNone;
  for (std::string_view unit : {"'", "ft", "feet", "foot"}) {  // no two start alike: at most one fits
    if ((u = t.Lit(s, unit)) != kNone) break;
  }
  if (u == kNone) return false;
  auto take = [&](size_t e, size_t inches_begin, size_t inches_end) {
    m.g[0] = t.Piece(p, e);
    m.g[1] = t.Piece(p, p + 1);
    if (inches_begin != kNone) m.g[2] = t.Piece(inches_begin, inches_end);
    return true;
  };
  // \s* is greedy: the most white space first, then less (each shorter choice leaves a space for [^0-9]).
  for (size_t q = t.Spaces(u);; --q) {
    const size_t digits = t.Digits(q, 2);
    for (const size_t d : {size_t{2}, size_t{1}}) {  // \d{1,2}, greedy
      if (digits < d) continue;
      const size_t de = q + d;
      const size_t decimal = t.At(de) == '.' && IsAsciiDigit(t.At(de + 1)) ? de + 2 : kNone;
      for (const size_t x : {decimal, de}) {  // (?:\.\d)?, greedy
        if (x == kNone) continue;
        for (size_t y = t.Spaces(x);; --y) {
          for (std::string_view mark : {"\"", "''", "in", "inch", "inches", ""}) {  // in order, then none
            const size_t e = NonDigitOrEnd(t, t.Lit(y, mark));
            if (e != kNone) return take(e, q, de);
          }
          if (y == x) break;
        }
      }
    }
    if (const size_t e = NonDigitOrEnd(t, q); e != kNone) return take(e, kNone, kNone);  // no inches
    if (q == u) break;
  }
  return false;
}

// The match of kHeightPattern starting at p. Both alternatives start at \b with a digit.
bool HeightAt(const Text& t, size_t p, GroupMatch& m) {
  if (!t.WordStartsAt(p)) return false;
  const unsigned char c = t.At(p);
  if (c >= '4' && c <= '6') return HeightInFeet(t, p, m);
  // \b(1[4-9]\d)\s*cm\b
  if (c != '1' || t.At(p + 1) < '4' || t.At(p + 1) > '9' || !IsAsciiDigit(t.At(p + 2))) return false;
  const size_t c_at = t.Spaces(p + 3);
  if (t.At(c_at) != 'c') return false;
  const size_t e = t.WordEnd(t.Lit(c_at, "cm"));
  if (e == kNone) return false;
  m.g[0] = t.Piece(p, e);
  m.g[3] = t.Piece(p, p + 3);
  return true;
}

// The match of kWeightPattern starting at p, after \b. \d{2,3} can only take all the digits there (fewer leave a
// digit where white space or a unit must follow), so the unit's first byte decides at once most of the time.
bool WeightAt(const Text& t, size_t p, GroupMatch& m) {
  if (!t.WordStartsAt(p)) return false;
  const size_t d = t.Digits(p, 3);
  if (d < 2 || d > 3) return false;
  const size_t s = t.Spaces(p + d);
  switch (t.At(s)) {
    case 'l':
    case 'p':
    case '#':
      for (std::string_view unit : {"lbs", "lb", "pounds", "#"}) {  // (?:lbs?|pounds|#)(?:[^a-z0-9]|$)
        const size_t e = NonAlnumOrEnd(t, t.Lit(s, unit));
        if (e == kNone) continue;
        m.g[0] = t.Piece(p, e);
        m.g[1] = t.Piece(p, p + d);
        return true;
      }
      return false;
    case 'k':
      if (const size_t e = t.WordEnd(t.Lit(s, "kg")); e != kNone) {  // kg\b
        m.g[0] = t.Piece(p, e);
        m.g[2] = t.Piece(p, p + d);
        return true;
      }
      return false;
    default: return false;
  }
}

// \s-\s(\d{2})(?:\s|,|$) at c: the match end, or kNone.
size_t TitleAgeTail(const Text& t, size_t c) {
  if (c >= t.size() || !IsRe2Space(t.At(c)) || t.At(c + 1) != '-' || !IsRe2Space(t.At(c + 2)) ||
      !IsAsciiDigit(t.At(c + 3)) || !IsAsciiDigit(t.At(c + 4))) {
    return kNone;
  }
  const size_t e = c + 5;
  if (e == t.size()) return e;
  return IsRe2Space(t.At(e)) || t.At(e) == ',' ? e + 1 : kNone;
}

// The match of kTitleAgePattern starting at p: ^ (at the text start) first, then one character not [0-9$.].
bool TitleAgeAt(const Text& t, size_t p, GroupMatch& m) {
  const auto excluded = [](unsigned char b) { return IsAsciiDigit(b) || b == '$' || b == '.'; };
  for (const size_t c : {p == 0 ? size_t{0} : kNone, OneCharExcept(t, p, excluded)}) {
    if (c == kNone) continue;
    const size_t e = TitleAgeTail(t, c);
    if (e == kNone) continue;
    m.g[0] = t.Piece(p, e);
    m.g[1] = t.Piece(c + 3, c + 5);
    return true;
  }
  return false;
}

// Successive leftmost matches (at most scan::kMaxMatches) of a pattern each of whose matches starts at the begin of
// a digit run whose length `wanted_run` accepts: only those begins are tried, in order.
template <typename RunFilter, typename At>
void ScanAtDigitRuns(std::string_view text, const std::vector<Window>& digit_runs, RunFilter wanted_run, At at,
                     std::vector<GroupMatch>& out) {
  const Text t(text);
  size_t pos = 0;  // where the next search starts
  int found = 0;
  GroupMatch m;
  for (const Window& run : digit_runs) {
    if (run.begin < pos || !wanted_run(run.end - run.begin) || !at(t, run.begin, m)) continue;
    out.push_back(m);
    pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
    m = GroupMatch();
    if (++found == scan::kMaxMatches) return;
  }
}

}  // namespace

void ScanHeights(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match starts at \b with its first digit run: one digit before a unit, or three before "cm".
  ScanAtDigitRuns(text, digit_runs, [](size_t length) { return length == 1 || length == 3; }, HeightAt, out);
}

void ScanHeights(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanHeights(text, runs, out);
}

void ScanWeights(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match starts at \b with a run of two or three digits (a longer run leaves a digit before the unit).
  ScanAtDigitRuns(text, digit_runs, [](size_t length) { return length == 2 || length == 3; }, WeightAt, out);
}

void ScanWeights(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanWeights(text, runs, out);
}

void ScanTitleAges(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds one run of digits, of exactly two, right after "\s-\s" (one byte each), with one character
  // (of at most 4 bytes) or the text start before that: it starts in [run.begin - 7, run.begin - 3].
  const Text t(text);
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;  // where the next search starts
  int found = 0;
  GroupMatch m;
  for (const Window& run : digit_runs) {
    const size_t d = run.begin;
    if (run.end - d != 2 || d < pos + 3 || u[d - 2] != '-' || !IsRe2Space(u[d - 1]) || !IsRe2Space(u[d - 3])) continue;
    bool hit = false;
    for (size_t p = std::max(pos, d >= 7 ? d - 7 : 0); p <= d - 3 && !hit; ++p) hit = TitleAgeAt(t, p, m);
    if (!hit) continue;
    out.push_back(m);
    pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
    m = GroupMatch();
    if (++found == scan::kMaxMatches) return;
  }
}

void ScanTitleAges(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanTitleAges(text, runs, out);
}

}  // namespace lodestar::extract
