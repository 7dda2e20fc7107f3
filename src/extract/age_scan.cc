#include "extract/age_scan.h"

#include "extract/ascii.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::kNone;
using scan::NonAlnumOrEnd;
using scan::Text;

// (\d{2})\b at i: exactly two digits, then no word byte. The end, or kNone.
size_t TwoDigitAge(const Text& t, size_t i) {
  if (i == kNone || t.Digits(i, 2) != 2) return kNone;
  return t.WordEnd(i + 2);
}

// \b(?:age|aged|edad)\s*(?:is|:|-|=)?\s*(\d{2})\b  — group 1
bool AgeAfterWord(const Text& t, size_t p, GroupMatch& m) {
  for (std::string_view word : {"age", "aged", "edad"}) {
    const size_t a = t.Spaces(t.Lit(p, word));
    if (a == kNone) continue;
    for (std::string_view link : {"is", ":", "-", "=", ""}) {  // the optional link, greedy
      const size_t q = t.Spaces(t.Lit(a, link));
      const size_t e = TwoDigitAge(t, q);
      if (e == kNone) continue;
      m.g[0] = t.Piece(p, e);
      m.g[1] = t.Piece(q, e);
      return true;
    }
  }
  return false;
}

// The alternatives that start with the two digits at p (a run of exactly two, at \b), in the pattern's order.
bool AgeBeforeUnit(const Text& t, size_t p, GroupMatch& m) {
  const size_t q = t.Spaces(p + 2);
  const unsigned char c = t.At(q);
  if (c != 'y' && c != 'a') return false;
  auto take = [&](int group, size_t e) {
    m.g[0] = t.Piece(p, e);
    m.g[group] = t.Piece(p, p + 2);
    return true;
  };
  // 2: \s*(?:yrs?|years?|yr)\.?\s*(?:old|young|of\s+age)\b
  for (std::string_view unit : {"yrs", "yr", "years", "year", "yr"}) {
    const size_t u = t.Lit(q, unit);
    if (u == kNone) continue;
    for (const size_t dot : {t.Lit(u, "."), u}) {  // \.?, greedy
      const size_t w = t.Spaces(dot);
      size_t e;
      if ((e = t.WordEnd(t.Lit(w, "old"))) != kNone || (e = t.WordEnd(t.Lit(w, "young"))) != kNone ||
          (e = t.WordEnd(t.Lit(t.Spaces1(t.Lit(w, "of")), "age"))) != kNone) {
        return take(2, e);
      }
    }
  }
  // 3: \s*(?:y/o|yo|y\.o\.?|yrs|years)(?:[^a-z0-9]|$)
  for (std::string_view unit : {"y/o", "yo", "y.o.", "y.o", "yrs", "years"}) {
    const size_t u = t.Lit(q, unit);
    if (u == kNone) continue;
    if (const size_t e = NonAlnumOrEnd(t, u); e != kNone) return take(3, e);
  }
  // 5: \s*(?:anos|ano)\b
  for (std::string_view unit : {"anos", "ano"}) {
    if (const size_t e = t.WordEnd(t.Lit(q, unit)); e != kNone) return take(5, e);
  }
  return false;
}

// \b(?:i\s+am|i'm|im|i\s+m)\s+(?:a\s+|only\s+|just\s+)?(\d{2})\b  — group 4
bool AgeAfterIAm(const Text& t, size_t p, GroupMatch& m) {
  const size_t i_space = t.Spaces1(t.Lit(p, "i"));
  for (const size_t said : {t.Lit(i_space, "am"), t.Lit(p, "i'm"), t.Lit(p, "im"), t.Lit(i_space, "m")}) {
    const size_t a = t.Spaces1(said);
    if (a == kNone) continue;
    for (std::string_view filler : {"a", "only", "just"}) {  // the optional filler, greedy, then none
      const size_t q = t.Spaces1(t.Lit(a, filler));
      if (const size_t e = TwoDigitAge(t, q); e != kNone) {
        m.g[0] = t.Piece(p, e);
        m.g[4] = t.Piece(q, e);
        return true;
      }
    }
    if (const size_t e = TwoDigitAge(t, a); e != kNone) {
      m.g[0] = t.Piece(p, e);
      m.g[4] = t.Piece(a, e);
      return true;
    }
  }
  return false;
}

// \btengo\s+(\d{2})\b  — group 6
bool AgeAfterTengo(const Text& t, size_t p, GroupMatch& m) {
  const size_t q = t.Spaces1(t.Lit(p, "tengo"));
  const size_t e = TwoDigitAge(t, q);
  if (e == kNone) return false;
  m.g[0] = t.Piece(p, e);
  m.g[6] = t.Piece(q, e);
  return true;
}

// The match of kAgePattern starting at p. Every alternative starts at \b; they start with different bytes.
bool AgeAt(const Text& t, size_t p, GroupMatch& m) {
  if (!t.WordStartsAt(p)) return false;
  switch (t.At(p)) {
    case 'a':
    case 'e': return AgeAfterWord(t, p, m);
    case 'i': return AgeAfterIAm(t, p, m);
    case 't': return AgeAfterTengo(t, p, m);
    default: return IsAsciiDigit(t.At(p)) && t.Digits(p, 2) == 2 && AgeBeforeUnit(t, p, m);
  }
}

}  // namespace

void ScanAges(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds a run of exactly two digits (the age), with at most 7 bytes other than white space before it
  // ("i am only"; 8 allowed).
  scan::ScanNearDigitRuns(text, digit_runs, [](size_t length) { return length == 2; }, 8, AgeAt, out);
}

void ScanAges(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanAges(text, runs, out);
}

}  // namespace lodestar::extract
