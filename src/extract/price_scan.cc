#include "extract/price_scan.h"

#include <algorithm>
#include <cstdint>

#include "extract/ascii.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::kMaxMatches;
using scan::kNone;
using scan::OneOf;
using scan::Text;

// \$|£|€ at i: its length, or 0.
size_t CurrencySymbol(const Text& t, size_t i) {
  if (t.At(i) == '$') return 1;
  if (t.Lit(i, "\xC2\xA3") != kNone) return 2;
  if (t.Lit(i, "\xE2\x82\xAC") != kNone) return 3;
  return 0;
}

// (?:\.\d\d)? after an amount ending at e.
size_t Cents(const Text& t, size_t e) {
  return t.At(e) == '.' && IsAsciiDigit(t.At(e + 1)) && IsAsciiDigit(t.At(e + 2)) ? e + 3 : e;
}

// (?:hr|hrs|hour|hourly|hrly|hh|qv|half\s*hour)\b at i: the end, or kNone. Every alternative ends at \b, so the
// word at i must be one of them ("half" may be followed by white space and "hour").
size_t PerHourUnitEnd(const Text& t, size_t i) {
  if (t.At(i) != 'h' && t.At(i) != 'q') return kNone;
  const std::string_view w = t.Word(i, 8);
  if (OneOf(w, {"hr", "hrs", "hour", "hourly", "hrly", "hh", "qv", "halfhour"})) return i + w.size();
  if (w != "half") return kNone;
  const size_t j = t.Spaces(i + 4);
  return t.Word(j, 4) == "hour" ? j + 4 : kNone;
}

// (\$|usd\s|£|€)\s*(\d{2,5}(?:\.\d\d)?)  — groups 1, 2
bool MoneyAfterCurrency(const Text& t, size_t p, GroupMatch& m) {
  size_t cur = CurrencySymbol(t, p);
  if (cur == 0 && t.Lit(p, "usd") != kNone && IsRe2Space(t.At(p + 3))) cur = 4;
  if (cur == 0) return false;
  const size_t a = t.Spaces(p + cur);
  const size_t digits = t.Digits(a, 5);
  if (digits < 2) return false;
  // More than five digits: the amount is the first five (nothing after it is required).
  const size_t e = digits <= 5 ? Cents(t, a + digits) : a + 5;
  m.g[0] = t.Piece(p, e);
  m.g[1] = t.Piece(p, p + cur);
  m.g[2] = t.Piece(a, e);
  return true;
}

// \b(\d{2,5}(?:\.\d\d)?)\s*(?:(\$|£|€)|(usd|dollars?|roses?|rs|bucks|eur|euros?|gbp|donations?)\b)  — groups 3-5.
// The amount must be a whole run of digits: after fewer, a digit follows, which neither currency form accepts.
bool MoneyBeforeCurrency(const Text& t, size_t p, size_t run, GroupMatch& m) {
  if (run < 2 || run > 5) return false;
  // With the cents first; without them the amount is followed by '.', which no currency form accepts.
  const size_t e = Cents(t, p + run);
  const size_t q = t.Spaces(e);
  if (const size_t sym = CurrencySymbol(t, q)) {
    m.g[0] = t.Piece(p, q + sym);
    m.g[3] = t.Piece(p, e);
    m.g[4] = t.Piece(q, q + sym);
    return true;
  }
  const unsigned char c = t.At(q);  // what the currency words start with
  if (c != 'u' && c != 'd' && c != 'r' && c != 'b' && c != 'e' && c != 'g') return false;
  const std::string_view w = t.Word(q, 9);
  if (!OneOf(w, {"usd", "dollar", "dollars", "rose", "roses", "rs", "bucks", "eur", "euro", "euros", "gbp", "donation",
                 "donations"})) {
    return false;
  }
  m.g[0] = t.Piece(p, q + w.size());
  m.g[3] = t.Piece(p, e);
  m.g[5] = t.Piece(q, q + w.size());
  return true;
}

// \b(?:donations?|roses?|rate|rates|gift)\s*(?:is|are|:|-|=|of)?\s*\$?(\d{2,5})\b  — group 6
bool MoneyAfterPriceWord(const Text& t, size_t p, GroupMatch& m) {
  // Every word starts with one of these four (checked first: most words starting with d, r or g are none of them).
  if (t.Lit(p, "donation") == kNone && t.Lit(p, "rose") == kNone && t.Lit(p, "rate") == kNone &&
      t.Lit(p, "gift") == kNone) {
    return false;
  }
  for (std::string_view word : {"donations", "donation", "roses", "rose", "rate", "rates", "gift"}) {
    const size_t a = t.Spaces(t.Lit(p, word));
    if (a == kNone) continue;
    for (std::string_view link : {"is", "are", ":", "-", "=", "of", ""}) {  // the optional link, greedy
      const size_t q = t.Spaces(t.Lit(a, link));
      if (q == kNone) continue;
      for (const size_t d : {t.Lit(q, "$"), q}) {
        if (d == kNone) continue;
        const size_t run = t.Digits(d, 5);
        if (run < 2 || run > 5 || t.WordEnd(d + run) == kNone) continue;
        m.g[0] = t.Piece(p, d + run);
        m.g[6] = t.Piece(d, d + run);
        return true;
      }
    }
  }
  return false;
}

// \b(\d{2,4})\s*(?:/|per|an?)?\s*(?:hr|hrs|hour|hourly|hrly|hh|qv|half\s*hour)\b  — group 7
bool MoneyPerHour(const Text& t, size_t p, size_t run, GroupMatch& m) {
  if (run < 2 || run > 4) return false;
  const size_t a = t.Spaces(p + run);
  const unsigned char c = t.At(a);  // what the links and units start with
  if (c != '/' && c != 'p' && c != 'a' && c != 'h' && c != 'q') return false;
  for (std::string_view link : {"/", "per", "an", "a", ""}) {
    const size_t q = t.Spaces(t.Lit(a, link));
    if (q == kNone) continue;
    const size_t e = PerHourUnitEnd(t, q);
    if (e == kNone) continue;
    m.g[0] = t.Piece(p, e);
    m.g[7] = t.Piece(p, p + run);
    return true;
  }
  return false;
}

// The match of kMoneyPattern starting at p, alternatives in the pattern's order.
bool MoneyAt(const Text& t, size_t p, GroupMatch& m) {
  const unsigned char c = t.At(p);
  if (IsAsciiDigit(c)) {
    if (!t.WordStartsAt(p)) return false;
    const size_t run = t.Digits(p, 5);
    return MoneyBeforeCurrency(t, p, run, m) || MoneyPerHour(t, p, run, m);
  }
  if (c == 'd' || c == 'r' || c == 'g') return t.WordStartsAt(p) && MoneyAfterPriceWord(t, p, m);
  return MoneyAfterCurrency(t, p, m);
}

// (minutes|minute|mins|min|mn|hours|hour|hrs|hr|h)\b at i: the end, or kNone.
size_t DurationUnitEnd(const Text& t, size_t i) {
  if (t.At(i) != 'm' && t.At(i) != 'h') return kNone;
  const std::string_view w = t.Word(i, 7);
  return OneOf(w, {"minutes", "minute", "mins", "min", "mn", "hours", "hour", "hrs", "hr", "h"}) ? i + w.size() : kNone;
}

// (\d{1,2}(?:\.\d)?)(\s+1/2)?\s*(unit)\b  — groups 1-3. No \b before: "100 min" matches from its second digit.
bool DurationCount(const Text& t, size_t p, GroupMatch& m) {
  for (const size_t count_end : {IsAsciiDigit(t.At(p + 1)) ? p + 2 : kNone, p + 1}) {  // \d{1,2}, greedy
    if (count_end == kNone) continue;
    // What may follow the count: tenths, white space (before " 1/2" or the unit) or the unit.
    const unsigned char next = t.At(count_end);
    if (next != '.' && next != 'm' && next != 'h' && !IsRe2Space(next)) continue;
    const bool tenths = t.At(count_end) == '.' && IsAsciiDigit(t.At(count_end + 1));
    for (const size_t number_end : {tenths ? count_end + 2 : kNone, count_end}) {
      if (number_end == kNone) continue;
      for (const size_t half_end : {t.Lit(t.Spaces1(number_end), "1/2"), kNone}) {
        const size_t q = t.Spaces(half_end != kNone ? half_end : number_end);
        const size_t e = DurationUnitEnd(t, q);
        if (e == kNone) continue;
        m.g[0] = t.Piece(p, e);
        m.g[1] = t.Piece(p, number_end);
        if (half_end != kNone) m.g[2] = t.Piece(number_end, half_end);
        m.g[3] = t.Piece(q, e);
        return true;
      }
    }
  }
  return false;
}

// \b(quick\s*visit|quickie|qv|half\s*(?:an\s+)?(?:hour|hr)|hh|hour\s+and\s+(?:a\s+)?half|full\s*hour|fh|hourly|
// hrly|hour|hr|overnight|over\s*night|(?:one|1|all|full|a)\s+night|night)\b at p, where `w` is the word at p (the
// maximal run of word bytes): the end, or kNone. Only the alternatives whose first word can be `w` are tried, in
// the pattern's order; `w` itself is followed by \b.
size_t DurationWordEnd(const Text& t, size_t p, std::string_view w) {
  auto word = [&](size_t i, std::string_view x) { return t.WordEnd(t.Lit(i, x)); };
  const size_t after = p + w.size();
  // Words that are a whole alternative (or one whose \s* took no white space) end the match where they end.
  switch (w.size()) {  // compares of known length: inlined, unlike a loop over a list
    case 1:
      return w == "a" || w == "1" ? word(t.Spaces1(after), "night") : kNone;
    case 2:
      return w == "qv" || w == "hh" || w == "fh" || w == "hr" ? after : kNone;
    case 3:
      return w == "one" || w == "all" ? word(t.Spaces1(after), "night") : kNone;
    case 4:
      if (w == "hrly") return after;
      if (w == "hour") {
        const size_t and_end = t.Spaces1(t.Lit(t.Spaces1(after), "and"));
        for (const size_t h : {t.Spaces1(t.Lit(and_end, "a")), and_end}) {  // (?:a\s+)?, greedy
          if (const size_t e = word(h, "half"); e != kNone) return e;
        }
        return after;
      }
      if (w == "half") {
        const size_t unit = t.Spaces(after);
        for (const size_t u : {t.Spaces1(t.Lit(unit, "an")), unit}) {  // (?:an\s+)?, greedy
          size_t e;
          if ((e = word(u, "hour")) != kNone || (e = word(u, "hr")) != kNone) return e;
        }
        return kNone;
      }
      if (w == "full") {
        const size_t e = word(t.Spaces(after), "hour");
        return e != kNone ? e : word(t.Spaces1(after), "night");
      }
      return w == "over" ? word(t.Spaces(after), "night") : kNone;
    case 5:
      if (w == "night") return after;
      return w == "quick" ? word(t.Spaces(after), "visit") : kNone;
    case 6: {
      if (w == "halfhr" || w == "hourly") return after;
      if (w != "halfan") return kNone;
      const size_t u = t.Spaces1(after);  // "half" and "an" with no white space between
      size_t e;
      return (e = word(u, "hour")) != kNone ? e : word(u, "hr");
    }
    case 7:
      return w == "quickie" ? after : kNone;
    case 8:
      return w == "halfhour" || w == "fullhour" ? after : kNone;
    case 9:
      return w == "overnight" ? after : kNone;
    case 10:
      return w == "quickvisit" ? after : kNone;
    default:
      return kNone;
  }
}

// The match of kDurationPattern's first alternative (a count and its unit) starting at the digit at p.
bool DurationCountAt(const Text& t, size_t p, GroupMatch& m) {
  // Two digits follow: a count of one or two digits ending here is followed by a digit, which nothing accepts.
  return !(IsAsciiDigit(t.At(p + 1)) && IsAsciiDigit(t.At(p + 2))) && DurationCount(t, p, m);
}

// The match of kDurationPattern's second alternative starting at the word [p, word_end).
bool DurationWordAt(const Text& t, size_t p, size_t word_end, std::string_view text, GroupMatch& m) {
  if (word_end - p > 10) return false;  // longer than "quickvisit"
  const size_t e = DurationWordEnd(t, p, text.substr(p, word_end - p));
  if (e == kNone) return false;
  m.g[0] = t.Piece(p, e);
  m.g[4] = t.Piece(p, e);
  return true;
}

// Bytes at which a match can start: these and the digits.
constexpr std::array<bool, 256> StartBytes(std::string_view bytes) {
  std::array<bool, 256> set{};
  for (unsigned char c : bytes) set[c] = true;
  for (int c = '0'; c <= '9'; ++c) set[c] = true;
  return set;
}
constexpr auto kMoneyStarts = StartBytes("$\xC2\xE2udrg");
constexpr auto kDurationStarts = StartBytes("qhfoan");

}  // namespace

void ScanMoney(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds the start of a run of 2+ digits (its amount), with at most 13 bytes other than white space
  // before it ("donations are $").
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  scan::ScanNearDigitRuns(
      text, digit_runs, [](size_t length) { return length >= 2; }, 13,
      [u](const Text& t, size_t p, GroupMatch& m) { return kMoneyStarts[u[p]] && MoneyAt(t, p, m); }, out);
}

void ScanMoney(std::string_view text, std::vector<GroupMatch>& out) {
  std::vector<Window> runs;
  DigitRuns(text, runs);
  ScanMoney(text, runs, out);
}

namespace {

// The leftmost match of kDurationPattern starting in [from, last_start]: fills m and returns true. Else false,
// with *resume where a later search may start (no match starts in [from, *resume)). `from` is never inside a word
// (0, a match's end, a word's start or just past a byte no match holds).
//
// Word by word: a duration word starts a word (\b), and a count ends where a run of digits ends (what may follow
// it, '.', white space, 'm' or 'h', is no digit), so its first digit is one of the run's last two. Every match
// ends at \b, at the end of a word. At each position the count is tried first, as in the pattern.
bool NextDuration(const Text& t, std::string_view text, size_t from, size_t last_start, GroupMatch& m,
                  size_t* resume) {
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t b = from;;) {
    while (b < n && !IsWordByte(u[b])) ++b;
    if (b >= n || b > last_start) {
      *resume = b;
      return false;
    }
    size_t e = b;
    bool digits = false;
    do {
      digits |= IsAsciiDigit(u[e]);
      ++e;
    } while (e < n && IsWordByte(u[e]));
    if (kDurationStarts[u[b]]) {
      if (IsAsciiDigit(u[b]) && DurationCountAt(t, b, m)) return true;
      if ((!IsAsciiDigit(u[b]) || u[b] == '1') && DurationWordAt(t, b, e, text, m)) return true;
    }
    for (size_t i = b; digits && i < e;) {  // counts ending where a run of digits ends
      if (!IsAsciiDigit(u[i])) {
        ++i;
        continue;
      }
      size_t j = i;
      while (j < e && IsAsciiDigit(u[j])) ++j;
      for (size_t p = j - std::min<size_t>(j - i, 2); p < j; ++p) {
        if (p == b) continue;  // tried above
        if (p > last_start) {
          *resume = b;
          return false;
        }
        if (DurationCountAt(t, p, m)) return true;
      }
      i = j;
    }
    b = e;
  }
}

// A byte that no match holds (matches are made of [0-9a-z], '.', '/' and white space), so that the matches after
// it are those of a search started just past it.
bool IsDurationBarrier(unsigned char c) { return !IsWordByte(c) && !IsRe2Space(c) && c != '.' && c != '/'; }

size_t EndOf(const GroupMatch& m, std::string_view text) {
  return static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
}

}  // namespace

void ScanDurations(std::string_view text, std::vector<GroupMatch>& out) {
  const Text t(text);
  GroupMatch m;  // written only by a match
  size_t pos = 0, resume = 0;
  for (int found = 0; found < kMaxMatches && NextDuration(t, text, pos, text.size(), m, &resume); ++found) {
    out.push_back(m);
    pos = EndOf(m, text);
    m = GroupMatch();
  }
}

void ScanDurationsAround(std::string_view text, const std::vector<std::pair<size_t, size_t>>& ranges,
                         std::vector<GroupMatch>& out) {
  auto wanted = [&](size_t b, size_t e, const std::pair<size_t, size_t>& r) { return e >= r.first && b <= r.second; };
  if (text.size() >= 2 * kMaxMatches) {
    // Long enough for the search to stop at its cap (every match has 2+ bytes): only the whole search knows
    // which matches it reports.
    std::vector<GroupMatch> all;
    ScanDurations(text, all);
    for (const GroupMatch& m : all) {
      const size_t b = static_cast<size_t>(m.g[0].data() - text.data()), e = b + m.g[0].size();
      for (const auto& r : ranges) {
        if (wanted(b, e, r)) {
          out.push_back(m);
          break;
        }
      }
    }
    return;
  }
  const Text t(text);
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  GroupMatch m;
  size_t pos = 0;  // the search is exact from here: 0, a match's end, a resume point or just past a barrier
  for (const auto& r : ranges) {
    for (size_t x = std::min(r.first, text.size()); x > pos; --x) {  // matches ending at r.first or later
      if (IsDurationBarrier(u[x - 1])) {                              // start past the last barrier before it
        pos = x;
        break;
      }
    }
    for (size_t resume = 0;;) {
      if (!NextDuration(t, text, pos, r.second, m, &resume)) {
        pos = resume;
        break;
      }
      const size_t end = EndOf(m, text);
      if (wanted(end - m.g[0].size(), end, r)) out.push_back(m);
      pos = end;
      m = GroupMatch();
    }
  }
}

}  // namespace lodestar::extract
