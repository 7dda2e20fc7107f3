#include "extract/price_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

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
  const unsigned char c = t.At(i);
  if (c == '$') return 1;
  if (c == 0xC2) return t.At(i + 1) == 0xA3 ? 2 : 0;
  if (c == 0xE2) return t.At(i + 1) == 0x82 && t.At(i + 2) == 0xAC ? 3 : 0;
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
  // The links in the pattern's order, each a literal: compares of known length, inlined.
  for (const size_t link_end : {t.Lit(a, "/"), t.Lit(a, "per"), t.Lit(a, "an"), t.Lit(a, "a"), a}) {
    const size_t q = t.Spaces(link_end);
    if (q == kNone) continue;
    const size_t e = PerHourUnitEnd(t, q);
    if (e == kNone) continue;
    m.g[0] = t.Piece(p, e);
    m.g[7] = t.Piece(p, p + run);
    return true;
  }
  return false;
}

// Bytes that start what follows an amount in groups 3-5 and 7: a currency symbol or word, a per-hour link or unit.
constexpr std::array<bool, 256> kAfterAmount = [] {
  std::array<bool, 256> set{};
  for (unsigned char c : std::string_view("$\xC2\xE2udrbeg/pahq")) set[c] = true;
  return set;
}();

// Whether the amount of `run` digits at p may be followed by a currency or a per-hour unit (groups 3-5 and 7): a
// test of one byte (after the cents and white space) that most runs of digits fail, before the full ones.
bool MayFollowAmount(const Text& t, size_t p, size_t run) {
  // The per-hour form has no cents: with them, it reads '.' where it needs a link or unit, and fails.
  return run >= 2 && run <= 5 && kAfterAmount[t.At(t.Spaces(Cents(t, p + run)))];
}

// The match of kMoneyPattern starting at p, alternatives in the pattern's order.
bool MoneyAt(const Text& t, size_t p, GroupMatch& m) {
  const unsigned char c = t.At(p);
  if (IsAsciiDigit(c)) {
    if (!t.WordStartsAt(p)) return false;
    const size_t run = t.Digits(p, 5);
    return MayFollowAmount(t, p, run) && (MoneyBeforeCurrency(t, p, run, m) || MoneyPerHour(t, p, run, m));
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

// Whether a count can start at the digit at p: what follows its one or two digits (a count ending before the last
// digit of a run is followed by a digit, which nothing accepts) is tenths, a unit, or white space and then " 1/2" or
// a unit. Cheap, and false for most digits, before DurationCount's full test.
bool MayStartCount(const Text& t, size_t p) {
  const size_t end = IsAsciiDigit(t.At(p + 1)) ? p + 2 : p + 1;
  const unsigned char c = t.At(end);
  if (c == '.' || c == 'm' || c == 'h') return true;
  // After white space only " 1/2" or the unit ('m' or 'h') can follow.
  const unsigned char next = IsRe2Space(c) ? t.At(t.Spaces(end)) : 0;
  return next == 'm' || next == 'h' || next == '1';
}

// The match of kDurationPattern's first alternative (a count and its unit) starting at the digit at p.
bool DurationCountAt(const Text& t, size_t p, GroupMatch& m) { return MayStartCount(t, p) && DurationCount(t, p, m); }

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
constexpr auto kDurationStarts = StartBytes("qhfoan");

// The start of the white space that ends at i, no further left than `floor`.
size_t SpacesBack(const unsigned char* u, size_t floor, size_t i) {
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

// Where a price word (donations?|roses?|rate|rates|gift) ending at e, no further left than `floor`, starts: appended
// to `starts` (the word at such a start is checked again by MoneyAt).
void PriceWordsEndingAt(const unsigned char* u, size_t floor, size_t e, size_t* starts, int& k) {
  if (e <= floor) return;
  switch (u[e - 1]) {  // the last byte picks the few words that can end here
    case 's':
      AddStartIfEndsWith(u, floor, e, "donations", starts, k);
      AddStartIfEndsWith(u, floor, e, "roses", starts, k);
      AddStartIfEndsWith(u, floor, e, "rates", starts, k);
      return;
    case 'n':
      AddStartIfEndsWith(u, floor, e, "donation", starts, k);
      return;
    case 'e':
      AddStartIfEndsWith(u, floor, e, "rose", starts, k);
      AddStartIfEndsWith(u, floor, e, "rate", starts, k);
      return;
    case 't':
      AddStartIfEndsWith(u, floor, e, "gift", starts, k);
      return;
    default:
      return;
  }
}

// Price words followed by white space, an optional link (is|are|:|-|=|of) and white space, ending at a.
void PriceWordsBefore(const unsigned char* u, size_t floor, size_t a, size_t* starts, int& k) {
  if (a <= floor) return;
  PriceWordsEndingAt(u, floor, a, starts, k);
  size_t link = 0;
  switch (u[a - 1]) {
    case ':':
    case '-':
    case '=':
      link = 1;
      break;
    case 's':
      link = EndsWith(u, floor, a, "is") ? 2 : 0;
      break;
    case 'e':
      link = EndsWith(u, floor, a, "are") ? 3 : 0;
      break;
    case 'f':
      link = EndsWith(u, floor, a, "of") ? 2 : 0;
      break;
    default:
      break;
  }
  if (link != 0) PriceWordsEndingAt(u, floor, SpacesBack(u, floor, a - link), starts, k);
}

// Every position in [floor, d) where a match of kMoneyPattern whose amount starts at the digit at d can start, and
// maybe others (MoneyAt decides), in no order; their number (at most 8). [floor, d) holds no digit, so such a match
// is "currency \s* amount" (groups 1-2) or "price word \s* link? \s* $? amount" (group 6), read here right to left.
int MoneyStartsBefore(const unsigned char* u, size_t floor, size_t d, size_t* starts) {
  int k = 0;
  if (d > floor && u[d - 1] == '$') {  // the currency '$', or the '$' of group 6: nothing else ends with it
    starts[k++] = d - 1;
    PriceWordsBefore(u, floor, SpacesBack(u, floor, d - 1), starts, k);
    return k;
  }
  const size_t q = SpacesBack(u, floor, d);  // where a currency or a price word (or its link) ends
  if (q > floor && u[q - 1] == '$') starts[k++] = q - 1;
  if (q >= floor + 2 && u[q - 2] == 0xC2 && u[q - 1] == 0xA3) starts[k++] = q - 2;
  if (q >= floor + 3) {
    if (u[q - 3] == 0xE2 && u[q - 2] == 0x82 && u[q - 1] == 0xAC) starts[k++] = q - 3;
    if (q < d && u[q - 3] == 'u' && u[q - 2] == 's' && u[q - 1] == 'd') starts[k++] = q - 3;  // "usd\s"
  }
  PriceWordsBefore(u, floor, q, starts, k);
  return k;
}

}  // namespace

void ScanMoney(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds the start of a run of 2+ digits (its amount) and no digit before it: it starts at that run or
  // in the digit-free bytes before it, where MoneyStartsBefore lists the few places a currency or price word allows.
  const Text t(text);
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;       // where the next search starts
  size_t after_run = 0;  // the end of the previous run of digits
  int found = 0;
  GroupMatch m;
  for (const Window& run : digit_runs) {
    const size_t floor = std::max(pos, after_run);
    after_run = run.end;
    if (run.end - run.begin < 2 || run.begin < floor) continue;
    if (found >= kMaxMatches) break;
    size_t starts[8];
    const int k = MoneyStartsBefore(u, floor, run.begin, starts);
    for (int i = 1; i < k; ++i) {  // insertion sort: k is at most 8, mostly 0
      for (int j = i; j > 0 && starts[j] < starts[j - 1]; --j) std::swap(starts[j], starts[j - 1]);
    }
    bool hit = false;
    for (int i = 0; i < k && !hit; ++i) hit = MoneyAt(t, starts[i], m);
    // MoneyAt's first tests, here without a call: most runs of digits fail them.
    const size_t run_digits = std::min<size_t>(run.end - run.begin, 6);  // as t.Digits(run.begin, 5) counts
    if (!hit && t.WordStartsAt(run.begin) && MayFollowAmount(t, run.begin, run_digits)) hit = MoneyAt(t, run.begin, m);
    if (!hit) continue;
    out.push_back(m);
    ++found;
    pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();  // past run.begin: every match holds it
    m = GroupMatch();
  }
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

// Whether a match can go on past the word [b, e) (over the non-word bytes after it) into the next word: the word
// ends with a digit (a count, "1/2" or its tenths) or is a first or middle word of a duration phrase ("half an
// hour", "hour and a half", "one night", ...). Each such word starts the phrase or follows \s, so it is whole.
bool MatchCanCrossAfter(const unsigned char* u, size_t b, size_t e) {
  if (IsAsciiDigit(u[e - 1])) return true;
  const std::string_view w(reinterpret_cast<const char*>(u) + b, e - b);
  switch (w.size()) {
    case 1:
      return w[0] == 'a';
    case 2:
      return w == "an";
    case 3:
      return w == "and" || w == "one" || w == "all";
    case 4:
      return w == "half" || w == "hour" || w == "full" || w == "over";
    case 5:
      return w == "quick";
    case 6:
      return w == "halfan";
    default:
      return false;
  }
}

// A position in [floor, x] from which the search reports every match that ends after it exactly as a search from
// `floor` does (`floor` is such a position and is never inside a word): `floor`, or a word start that no match
// spans. A match holding the non-word bytes before a word start also holds the word before them (matches start and
// end with word bytes), which must then be one MatchCanCrossAfter accepts, and holds no barrier byte.
size_t ResyncPoint(const unsigned char* u, size_t floor, size_t x) {
  if (x <= floor) return floor;
  while (x > floor && IsWordByte(u[x - 1])) --x;  // the start of the word at x
  while (x > floor) {
    size_t g = x;  // back over the non-word bytes before the word at x
    while (g > floor && !IsWordByte(u[g - 1])) {
      if (IsDurationBarrier(u[g - 1])) return x;
      --g;
    }
    if (g == floor) return x;  // no word byte in [floor, x): nothing spans x
    size_t w = g;
    while (w > floor && IsWordByte(u[w - 1])) --w;
    if (!MatchCanCrossAfter(u, w, g)) return x;
    x = w;
  }
  return floor;
}

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
  size_t pos = 0;  // the search is exact from here: 0, a match's end, a resume point or a ResyncPoint
  for (const auto& r : ranges) {
    pos = ResyncPoint(u, pos, std::min(r.first, text.size()));  // matches ending at r.first or later
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
