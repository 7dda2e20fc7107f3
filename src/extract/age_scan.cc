#include "extract/age_scan.h"

#include <algorithm>

#include "extract/ascii.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::AddStartIfEndsWith;
using scan::EndsWith;
using scan::kNone;
using scan::NonAlnumOrEnd;
using scan::SpacesBack;
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

// The alternatives that start with the two digits at p (a run of exactly two, at \b), in the pattern's order: 2, 3
// and 5 (\s*(?:anos|ano)\b).
bool AgeBeforeUnit(const Text& t, size_t p, GroupMatch& m) {
  const size_t q = t.Spaces(p + 2);
  const unsigned char c = t.At(q);
  auto take = [&](int group, size_t e) {
    m.g[0] = t.Piece(p, e);
    m.g[group] = t.Piece(p, p + 2);
    return true;
  };
  if (c == 'a') {  // only 5 can match: every unit of 2 and 3 starts with 'y'
    size_t e;
    if ((e = t.WordEnd(t.Lit(q, "anos"))) != kNone || (e = t.WordEnd(t.Lit(q, "ano"))) != kNone) return take(5, e);
    return false;
  }
  if (c != 'y') return false;
  // 2: \s*(?:yrs?|years?|yr)\.?\s*(?:old|young|of\s+age)\b
  size_t e = kNone;
  const auto old_or_young = [&](size_t unit_end) {
    for (const size_t dot : {t.Lit(unit_end, "."), unit_end}) {  // \.?, greedy
      const size_t w = t.Spaces(dot);
      if ((e = t.WordEnd(t.Lit(w, "old"))) != kNone || (e = t.WordEnd(t.Lit(w, "young"))) != kNone ||
          (e = t.WordEnd(t.Lit(t.Spaces1(t.Lit(w, "of")), "age"))) != kNone) {
        return true;
      }
    }
    return false;
  };
  if (scan::AnyLit(t, q, old_or_young, "yrs", "yr", "years", "year", "yr")) return take(2, e);
  // 3: \s*(?:y/o|yo|y\.o\.?|yrs|years)(?:[^a-z0-9]|$)
  const auto unit_ends = [&](size_t unit_end) { return (e = NonAlnumOrEnd(t, unit_end)) != kNone; };
  if (scan::AnyLit(t, q, unit_ends, "y/o", "yo", "y.o.", "y.o", "yrs", "years")) return take(3, e);
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

// Where "age", "aged" or "edad" ends at x: appended to `starts`.
void AgeWordEndingAt(const unsigned char* u, size_t floor, size_t x, size_t* starts, int& k) {
  if (x <= floor) return;
  if (u[x - 1] == 'e') AddStartIfEndsWith(u, floor, x, "age", starts, k);
  if (u[x - 1] != 'd') return;
  AddStartIfEndsWith(u, floor, x, "aged", starts, k);
  AddStartIfEndsWith(u, floor, x, "edad", starts, k);
}

// Where (?:i\s+am|i'm|im|i\s+m) ending at x starts. All four end with 'm', and the byte before it tells them apart
// ('i', '\'', 'a', white space): at most one start.
void IAmEndingAt(const unsigned char* u, size_t floor, size_t x, size_t* starts, int& k) {
  if (x - floor < 2 || u[x - 1] != 'm') return;  // (x >= floor always) every form has two bytes or more
  // "i" and white space ending at y: the 'i'.
  const auto spaced_i = [&](size_t y) {
    const size_t s = SpacesBack(u, floor, y);
    if (s < y && s > floor && u[s - 1] == 'i') starts[k++] = s - 1;
  };
  switch (u[x - 2]) {
    case 'i': starts[k++] = x - 2; return;
    case '\'': AddStartIfEndsWith(u, floor, x, "i'm", starts, k); return;
    case 'a': spaced_i(x - 2); return;
    default: spaced_i(x - 1); return;
  }
}

// Every position in [floor, d) where a match of kAgePattern whose age is the run of two digits at d can start, and
// maybe others (AgeAt decides), in no order; their number (at most two). [floor, d) holds no digit, so such a match is
// alternative 1 ("age" \s* link? \s* age), 4 ("i am" \s+ filler? age) or 6 ("tengo" \s+ age), read here right to
// left from the white space before d.
int AgeStartsBefore(const unsigned char* u, size_t floor, size_t d, size_t* starts) {
  int k = 0;
  const size_t q = SpacesBack(u, floor, d);
  if (q <= floor) return 0;
  const bool spaced = q < d;  // 4 and 6 need white space before the age
  switch (u[q - 1]) {         // what ends at q: each of these bytes ends only the words listed with it
    case 'e':
    case 'd': AgeWordEndingAt(u, floor, q, starts, k); break;  // 1 without a link: age, aged, edad
    case ':':
    case '-':
    case '=': AgeWordEndingAt(u, floor, SpacesBack(u, floor, q - 1), starts, k); break;  // 1 with a link
    case 's':
      if (EndsWith(u, floor, q, "is")) AgeWordEndingAt(u, floor, SpacesBack(u, floor, q - 2), starts, k);
      break;
    case 'o':
      if (spaced) AddStartIfEndsWith(u, floor, q, "tengo", starts, k);
      break;
    case 'm':
      if (spaced) IAmEndingAt(u, floor, q, starts, k);  // 4 without a filler
      break;
    case 'a':
    case 'y':
    case 't': {  // 4 with a filler: (?:a|only|just) and white space
      if (!spaced) break;
      const size_t filler = EndsWith(u, floor, q, "a")                                   ? q - 1
                            : EndsWith(u, floor, q, "only") || EndsWith(u, floor, q, "just") ? q - 4
                                                                                           : kNone;
      if (filler == kNone) break;
      const size_t said = SpacesBack(u, floor, filler);
      if (said < filler) IAmEndingAt(u, floor, said, starts, k);
      break;
    }
    default: break;
  }
  return k;
}

}  // namespace

void ScanAges(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds a run of exactly two digits (the age) and no digit before it: it starts at that run (the
  // alternatives that start with the age) or in the digit-free bytes before it, where AgeStartsBefore lists the few
  // places the others allow. Runs are taken in order, so the first match found is the leftmost.
  const Text t(text);
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;  // where the next search starts
  int found = 0;
  GroupMatch m;
  const Window* const runs = digit_runs.data();  // read once: out.push_back could alias the vector for the compiler
  const Window* const runs_end = runs + digit_runs.size();
  for (const Window* run_at = runs; run_at != runs_end; ++run_at) {
    const Window& run = *run_at;
    if (run.end - run.begin != 2) continue;
    const size_t floor = std::max(pos, run_at != runs ? run_at[-1].end : 0);
    if (run.begin < floor) continue;
    if (found >= scan::kMaxMatches) break;
    size_t starts[8];
    const int k = AgeStartsBefore(u, floor, run.begin, starts);
    scan::SortStarts(starts, k);
    bool hit = false;
    for (int i = 0; i < k && !hit; ++i) hit = AgeAt(t, starts[i], m);
    // AgeAt's tests for a start at the run itself, without the call: what follows the two digits must be white
    // space or the first byte of a unit ('y' or 'a') for any to match.
    const unsigned char after = t.At(run.end);
    if (!hit && (after == 'y' || after == 'a' || IsRe2Space(after)) && t.WordStartsAt(run.begin)) {
      hit = AgeBeforeUnit(t, run.begin, m);
    }
    if (!hit) continue;
    out.push_back(m);
    ++found;
    pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();  // past run.begin: every match holds it
    m = GroupMatch();
  }
}

void ScanAges(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanAges(text, runs, out);
}

}  // namespace lodestar::extract
