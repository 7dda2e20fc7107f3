#include "extract/price_scan.h"

#include <emmintrin.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "extract/ascii.h"
#include "extract/byte_masks.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::kMaxMatches;
using scan::AddStartIfEndsWith;
using scan::EndsWith;
using scan::kNone;
using scan::IsOneOf;
using scan::SpacesBack;
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
  if (IsOneOf(w, "hr", "hrs", "hour", "hourly", "hrly", "hh", "qv", "halfhour")) return i + w.size();
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
  if (!IsOneOf(w, "usd", "dollar", "dollars", "rose", "roses", "rs", "bucks", "eur", "euro", "euros", "gbp", "donation",
               "donations")) {
    return false;
  }
  m.g[0] = t.Piece(p, q + w.size());
  m.g[3] = t.Piece(p, e);
  m.g[5] = t.Piece(q, q + w.size());
  return true;
}

// \b(?:donations?|roses?|rate|rates|gift)\s*(?:is|are|:|-|=|of)?\s*\$?(\d{2,5})\b  — group 6
bool MoneyAfterPriceWord(const Text& t, size_t p, GroupMatch& m) {
  const auto amount = [&](size_t q) {  // \$?(\d{2,5})\b at q
    for (const size_t d : {t.Lit(q, "$"), q}) {
      if (d == kNone) continue;
      const size_t run = t.Digits(d, 5);
      if (run < 2 || run > 5 || t.WordEnd(d + run) == kNone) continue;
      m.g[0] = t.Piece(p, d + run);
      m.g[6] = t.Piece(d, d + run);
      return true;
    }
    return false;
  };
  const auto after_link = [&](size_t link_end) { return amount(t.Spaces(link_end)); };
  const auto after_word = [&](size_t word_end) {  // the optional link, greedy
    return scan::AnyLit(t, t.Spaces(word_end), after_link, "is", "are", ":", "-", "=", "of", "");
  };
  return scan::AnyLit(t, p, after_word, "donations", "donation", "roses", "rose", "rate", "rates", "gift");
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

// Whether the amount of `run` digits at p may be followed by a currency or a per-hour unit (groups 3-5 and 7): a
// test of the first two bytes (after the cents and white space) that most runs of digits fail, before the full ones.
[[gnu::always_inline]] inline bool MayFollowAmount(const Text& t, size_t p, size_t run) {
  if (run < 2 || run > 5) return false;
  // The per-hour form has no cents: with them, it reads '.' where it needs a link or unit, and fails.
  const size_t q = t.Spaces(Cents(t, p + run));
  const unsigned char next = t.At(q + 1);
  // A per-hour unit (each starts with 'h' or 'q') after the white space from i.
  const auto unit_after = [&](size_t i) { const unsigned char c = t.At(t.Spaces(i)); return c == 'h' || c == 'q'; };
  switch (t.At(q)) {
    case '$':
    case 0xC2:  // '£'
    case 0xE2:  // '€'
    case 'h':   // the per-hour units
    case 'q': return true;
    // The currency words, by their first two bytes.
    case 'u': return next == 's';                    // usd
    case 'd': return next == 'o';                    // dollars?, donations?
    case 'r': return next == 'o' || next == 's';     // roses?, rs
    case 'b':                                        // bucks
    case 'e': return next == 'u';                    // eur, euros?
    case 'g': return next == 'b';                    // gbp
    // The per-hour links, each followed by white space and a unit (or, "an" and "per", more to check).
    case 'p': return next == 'e';                    // per
    case 'a': return next == 'n' || unit_after(q + 1);  // an, a
    case '/': return unit_after(q + 1);
    default: return false;
  }
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
  return IsOneOf(w, "minutes", "minute", "mins", "min", "mn", "hours", "hour", "hrs", "hr", "h") ? i + w.size() : kNone;
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

// The first words of kDurationPattern's second alternative (the words DurationWordEnd reads), as a bit set of
// their lengths per first byte: a word whose first byte and length match none is none of them, and no match of that
// alternative starts there.
constexpr std::array<uint16_t, 256> kFirstWordLengths = [] {
  std::array<uint16_t, 256> set{};
  for (std::string_view w : {"a", "1", "qv", "hh", "fh", "hr", "one", "all", "hrly", "hour", "half", "full", "over",
                             "night", "quick", "halfhr", "hourly", "halfan", "quickie", "halfhour", "fullhour",
                             "overnight", "quickvisit"}) {
    set[static_cast<unsigned char>(w[0])] |= static_cast<uint16_t>(1u << w.size());
  }
  return set;
}();

// DurationStarts16 marks word starts only at these bytes (and digits).
static_assert([] {
  for (int c = 0; c < 256; ++c) {
    if (kFirstWordLengths[c] != 0 && !IsAsciiDigit(static_cast<unsigned char>(c)) &&
        std::string_view("qhfoan").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}());

// Whether the word [b, e) may start a match of the second alternative (DurationWordAt decides).
bool MayBeFirstWord(const unsigned char* u, size_t b, size_t e) {
  return e - b <= 10 && (kFirstWordLengths[u[b]] >> (e - b) & 1) != 0;
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

// Whether the bytes [floor, q) may end with a price word (donations?|roses?|rate|rates|gift), a link (is|are|:|-|=|of)
// or "usd": a test of the last two bytes that most words fail, before PriceWordsBefore's full one.
bool MayEndWordBeforeAmount(const unsigned char* u, size_t floor, size_t q) {
  const unsigned char last = u[q - 1];
  if (last == ':' || last == '-' || last == '=') {  // a link: a price word (ending in s, n, e or t) must come before it
    const size_t w = SpacesBack(u, floor, q - 1);
    if (w <= floor) return false;
    const unsigned char c = u[w - 1];
    return c == 's' || c == 'n' || c == 'e' || c == 't';
  }
  if (q - floor < 2) return false;  // the words are two bytes or more
  const unsigned char prev = u[q - 2];
  switch (last) {
    case 's': return prev == 'n' || prev == 'e' || prev == 'i';  // donations, roses, rates, is
    case 'n': return prev == 'o';                                // donation
    case 'e': return prev == 's' || prev == 't' || prev == 'r';  // rose, rate, are
    case 't': return prev == 'f';                                // gift
    case 'f': return prev == 'o';                                // of
    case 'd': return prev == 's';                                // usd
    default: return false;
  }
}

// Every position in [floor, d) where a match of kMoneyPattern whose amount starts at the digit at d can start, and
// maybe others (MoneyAt decides), in no order; their number (at most 8). [floor, d) holds no digit, so such a match
// is "currency \s* amount" (groups 1-2) or "price word \s* link? \s* $? amount" (group 6), read here right to left.
int MoneyStartsBefore(const unsigned char* u, size_t floor, size_t d, size_t* starts) {
  const size_t q = SpacesBack(u, floor, d);  // where a currency or a price word (or its link) ends
  if (q <= floor) return 0;
  int k = 0;
  switch (u[q - 1]) {
    case '$':  // the currency '$', or (right before the amount) the '$' of group 6: nothing else ends with it
      starts[k++] = q - 1;
      if (q == d) PriceWordsBefore(u, floor, SpacesBack(u, floor, d - 1), starts, k);
      return k;
    case 0xA3:
      if (EndsWith(u, floor, q, "\xC2\xA3")) starts[k++] = q - 2;
      return k;
    case 0xAC:
      if (EndsWith(u, floor, q, "\xE2\x82\xAC")) starts[k++] = q - 3;
      return k;
    default:
      if (!MayEndWordBeforeAmount(u, floor, q)) return 0;  // most runs of digits
      if (q < d) AddStartIfEndsWith(u, floor, q, "usd", starts, k);  // "usd\s"
      PriceWordsBefore(u, floor, q, starts, k);
      return k;
  }
}

}  // namespace

void ScanMoney(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out) {
  // Every match holds the start of a run of 2+ digits (its amount) and no digit before it: it starts at that run or
  // in the digit-free bytes before it, where MoneyStartsBefore lists the few places a currency or price word allows.
  const Text t(text);
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  size_t pos = 0;  // where the next search starts
  int found = 0;
  GroupMatch m;
  const Window* const runs = digit_runs.data();  // read once: out.push_back could alias the vector for the compiler
  const Window* const runs_end = runs + digit_runs.size();
  for (const Window* run_at = runs; run_at != runs_end; ++run_at) {
    const Window& run = *run_at;
    if (run.end - run.begin < 2) continue;
    const size_t floor = std::max(pos, run_at != runs ? run_at[-1].end : 0);  // no digit in [floor, run.begin)
    if (run.begin < floor) continue;
    if (found >= kMaxMatches) break;
    size_t starts[8];
    const int k = MoneyStartsBefore(u, floor, run.begin, starts);
    scan::SortStarts(starts, k);  // k is at most 8, mostly 0
    bool hit = false;
    for (int i = 0; i < k && !hit; ++i) hit = MoneyAt(t, starts[i], m);
    // MoneyAt at the run itself, without the call (most runs of digits fail the first tests).
    const size_t run_digits = std::min<size_t>(run.end - run.begin, 6);  // as t.Digits(run.begin, 5) counts
    if (!hit && t.WordStartsAt(run.begin) && MayFollowAmount(t, run.begin, run_digits)) {
      hit = MoneyBeforeCurrency(t, run.begin, run_digits, m) || MoneyPerHour(t, run.begin, run_digits, m);
    }
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

// Bit k set where the byte at i + k (k < 16, i < n) may start a match of kDurationPattern: a digit not followed by
// two more (a count is one or two digits followed by no digit; in the block's last two bytes, any digit), or a word
// start holding the first byte of a duration word. Bytes past n read as '\0', which is neither.
uint32_t DurationStarts16(const unsigned char* u, size_t i, size_t n) {
  __m128i v;
  if (n - i >= 16) {
    v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(u + i));
  } else {
    alignas(16) unsigned char tail[16] = {};
    std::memcpy(tail, u + i, n - i);
    v = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
  }
  const auto mask = [](__m128i bytes) { return static_cast<uint32_t>(_mm_movemask_epi8(bytes)); };
  const auto is = [&](char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  const uint32_t word = mask(WordBytes16(v)), digit = mask(DigitBytes16(v));
  const __m128i qhfo = _mm_or_si128(_mm_or_si128(is('q'), is('h')), _mm_or_si128(is('f'), is('o')));
  const uint32_t first_bytes = mask(_mm_or_si128(qhfo, _mm_or_si128(is('a'), is('n'))));
  const uint32_t word_before = i > 0 && IsWordByte(u[i - 1]) ? 1 : 0;
  const uint32_t word_starts = word & ~((word << 1) | word_before);
  return (digit & ~(digit >> 1 & digit >> 2)) | (first_bytes & word_starts);
}

// The leftmost match of kDurationPattern starting in [from, last_start]: fills m and returns true. Else false,
// with *resume where a later search may start (no match starts in [from, *resume), and *resume is not inside a
// word). `from` is never inside a word (0, a match's end, a word's start or just past a byte no match holds).
//
// Only the positions DurationStarts16 marks are tried, in order: a count may start at any digit (no \b before it)
// and a duration word at a word start (\b). At each position the count is tried first, as in the pattern.
bool NextDuration(const Text& t, std::string_view text, size_t from, size_t last_start, GroupMatch& m,
                  size_t* resume) {
  const auto* u = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  const size_t end = last_start < n ? last_start + 1 : n;  // the positions tried: [from, end)
  for (size_t block = from; block < end; block += 16) {
    for (uint32_t bits = DurationStarts16(u, block, n); bits != 0; bits &= bits - 1) {
      const size_t p = block + static_cast<size_t>(__builtin_ctz(bits));
      if (p >= end) break;
      if (IsAsciiDigit(u[p]) && DurationCountAt(t, p, m)) return true;
      if (kFirstWordLengths[u[p]] == 0 || !t.WordStartsAt(p)) continue;  // a digit other than '1', or mid-word
      size_t e = p + 1;
      while (e < n && IsWordByte(u[e])) ++e;
      if (MayBeFirstWord(u, p, e) && DurationWordAt(t, p, e, text, m)) return true;
    }
  }
  // Every position before `end` was tried; back to the start of the word that `end` is inside, if any.
  size_t r = end;
  if (r <= from) {  // nothing tried: from is past last_start
    *resume = from;
    return false;
  }
  if (r < n && IsWordByte(u[r])) {
    while (r > from && IsWordByte(u[r - 1])) --r;
  }
  *resume = r;
  return false;
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
