#include "extract/handle_scan.h"

#include <algorithm>
#include <array>
#include <string>

#include "extract/ascii.h"
#include "extract/byte_masks.h"
#include "extract/scan_text.h"

namespace lodestar::extract {
namespace {

using scan::kMaxMatches;
using scan::kNone;
using scan::OneOf;
using scan::Text;

// The platform name starting at p and its \b: the end, or kNone. Alternatives that both match end alike
// ("whatsapp" as whats\s*app and as whatsapp), so their order does not matter here.
size_t PlatformNameEnd(const Text& t, size_t p) {
  auto word = [&](size_t i, std::string_view x) { return t.WordEnd(t.Lit(i, x)); };
  size_t e = kNone;
  switch (t.At(p)) {
    case 't':
      if ((e = word(p, "twitter")) == kNone && (e = word(t.Spaces1(t.Lit(p, "tweet")), "me")) == kNone) {
        e = word(p, "telegram");
      }
      return e;
    case 'i': return (e = word(p, "instagram")) != kNone ? e : word(p, "insta");
    case 's':
      if ((e = word(p, "snapchat")) == kNone && (e = word(p, "snap")) == kNone) e = word(p, "skype");
      return e;
    case 'k': return word(p, "kik");
    case 'w': return (e = word(t.Spaces(t.Lit(p, "whats")), "app")) != kNone ? e : word(p, "wechat");
    case 'o': return word(t.Spaces(t.Lit(p, "only")), "fans");  // "onlyfans" too
    case 'f': return word(p, "fansly");
    default: return kNone;
  }
}

// One repetition of (?:\s*(?:(?:me|handle|name|id|username|user|account|page|is|at|on)\b|[:=@>|-])) from i: its
// end, or kNone. A repetition starts after a word's end or a mark, so a filler word is the whole word there.
size_t FillerEnd(const Text& t, size_t i) {
  const size_t q = t.Spaces(i);
  const unsigned char c = t.At(q);
  if (c == ':' || c == '=' || c == '@' || c == '>' || c == '|' || c == '-') return q + 1;
  const std::string_view w = t.Word(q, 8);  // "username" is the longest
  return OneOf(w, {"me", "handle", "name", "id", "username", "user", "account", "page", "is", "at", "on"})
             ? q + w.size()
             : kNone;
}

constexpr bool IsHandleByte(unsigned char c) { return IsAsciiLower(c) || IsAsciiDigit(c) || c == '_' || c == '.'; }

// \s*@?\s*([a-z0-9_][a-z0-9_.]{1,29}) from i: fills the handle's [*begin, end) and returns true.
bool HandleAt(const Text& t, size_t i, size_t* begin, size_t* end) {
  size_t h = t.Spaces(i);
  if (t.At(h) == '@') h = t.Spaces(h + 1);  // without the '@' the handle would have to start with it
  if (!IsHandleByte(t.At(h)) || t.At(h) == '.') return false;
  size_t e = h + 1;
  while (e - h < 30 && IsHandleByte(t.At(e))) ++e;
  if (e - h < 2) return false;
  *begin = h;
  *end = e;
  return true;
}

// The platform names' first letters.
constexpr bool MayStartPlatformName(unsigned char c) {
  return c == 't' || c == 'i' || c == 's' || c == 'k' || c == 'w' || c == 'o' || c == 'f';
}

// The ends of the filler repetitions, kept between calls so that a scan allocates nothing once warm.
std::vector<size_t>& FillerStops() {
  thread_local std::vector<size_t> stops;
  return stops;
}

// The match of the pattern at p, a word start, if any.
bool PlatformHandleAt(const Text& t, size_t p, std::vector<size_t>& stops, GroupMatch& m) {
  const size_t name_end = PlatformNameEnd(t, p);
  if (name_end == kNone) return false;
  // The filler repetition is greedy: the handle is tried after all of them, then after one fewer, ... none.
  stops.clear();
  stops.push_back(name_end);
  for (size_t e; (e = FillerEnd(t, stops.back())) != kNone;) stops.push_back(e);
  for (auto it = stops.rbegin(); it != stops.rend(); ++it) {
    size_t b, e;
    if (!HandleAt(t, *it, &b, &e)) continue;
    m.g[0] = t.Piece(p, e);
    m.g[1] = t.Piece(p, name_end);
    m.g[2] = t.Piece(b, e);
    return true;
  }
  return false;
}

}  // namespace

void ScanPlatformHandles(std::string_view text, std::vector<GroupMatch>& out) {
  const Text t(text);
  std::vector<size_t>& stops = FillerStops();
  GroupMatch m;
  int found = 0;
  size_t from = 0;  // where the next search starts: the end of the last match
  // Every match starts a word (\b, then a platform name's letter), so only word starts are tried: found from
  // 64-byte masks of word bytes, a start being a word byte after a byte that is none (or the text's start).
  uint64_t word_before = 0;  // bit 0: whether the byte before the current block is a word byte
  for (size_t base = 0; base < text.size() && found < kMaxMatches; base += 64) {
    const uint64_t words = ByteMask64(text, base, WordBytes16);
    uint64_t starts = words & ~((words << 1) | word_before);
    word_before = words >> 63;
    for (; starts != 0 && found < kMaxMatches; starts &= starts - 1) {
      const size_t p = base + static_cast<size_t>(__builtin_ctzll(starts));
      if (p < from || !MayStartPlatformName(t.At(p)) || !PlatformHandleAt(t, p, stops, m)) continue;
      out.push_back(m);
      ++found;
      from = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();  // every match is non-empty
      m = GroupMatch();
    }
  }
}

namespace {

using U = unsigned char;

constexpr bool IsAlnum(U c) { return IsAsciiLower(c) || IsAsciiDigit(c); }
constexpr bool IsLabelByte(U c) { return IsAlnum(c) || c == '-'; }                 // [a-z0-9\-]
constexpr bool IsHostByte(U c) { return IsLabelByte(c) || c == '.' || c == '_' || c == '~' || c == '%'; }
constexpr bool IsLocalByte(U c) { return IsLabelByte(c) || c == '.' || c == '_' || c == '%' || c == '+'; }
constexpr bool IsMentionByte(U c) { return IsAlnum(c) || c == '_'; }               // [a-z0-9_]

// The end of the run of bytes in `cls` from i (i itself when there is none).
template <typename Class>
size_t RunEnd(const Text& t, size_t i, Class cls) {
  while (cls(t.At(i))) ++i;
  return i;
}

// The length of the non-ASCII character at i as RE2 reads a class that holds all of U+0080..U+10FFFF (every negated
// ASCII class here): a lead byte C2-DF, E0-EF or F0-F4 and then one, two or three continuation bytes 80-BF. RE2
// compiles that range so (compile.cc, Add_80_10ffff), accepting overlong E0/F0 forms, surrogates and F4 past
// U+10FFFF as well; anything else (a stray continuation byte, C0, C1, F5-FF) is no character and ends the run. 0 when
// there is none at i.
size_t NonAsciiCharLen(const Text& t, size_t i) {
  const U c = t.At(i);
  const size_t cont = c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2 : c >= 0xF0 && c <= 0xF4 ? 3 : 0;
  if (cont == 0) return 0;
  for (size_t k = 1; k <= cont; ++k) {
    if ((t.At(i + k) & 0xC0) != 0x80) return 0;
  }
  return cont + 1;
}

// [^\s<>"'()\[\]{}]*: the URL path's greedy run of characters from i.
size_t PathEnd(const Text& t, size_t i) {
  static constexpr auto kStop = [] {
    std::array<bool, 128> s{};
    s[0] = false;
    for (unsigned char c : std::string_view(" \t\n\f\r<>\"'()[]{}")) s[c] = true;
    return s;
  }();
  while (i < t.size()) {
    const U c = t.At(i);
    if (c < 0x80) {
      if (kStop[c]) break;
      ++i;
    } else {
      const size_t n = NonAsciiCharLen(t, i);
      if (n == 0) break;
      i += n;
    }
  }
  return i;
}

// The TLDs of kTldAlternation by first letter, each list in alternation order: the first that the text at i starts
// with and that ends at \b is the one RE2 takes. (Every TLD ends with a letter, so \b there means no word byte next.)
class Tlds {
 public:
  Tlds() {
    const std::string_view all = kTldAlternation;
    for (size_t b = 0; b < all.size();) {
      size_t e = all.find('|', b);
      if (e == std::string_view::npos) e = all.size();
      std::string tld(all.substr(b, e - b));
      for (size_t k; (k = tld.find('\\')) != std::string::npos;) tld.erase(k, 1);  // "co\.uk" is "co.uk"
      by_letter_[static_cast<U>(tld[0]) - 'a'].push_back(std::move(tld));
      b = e + 1;
    }
  }
  // The end of the TLD at i, or kNone.
  size_t EndAt(const Text& t, size_t i) const {
    const U c = t.At(i);
    if (!IsAsciiLower(c)) return kNone;
    for (const std::string& tld : by_letter_[c - 'a']) {
      const size_t e = t.WordEnd(t.Lit(i, tld));
      if (e != kNone) return e;
    }
    return kNone;
  }

 private:
  std::array<std::vector<std::string>, 26> by_letter_;
};

const Tlds& TheTlds() {
  static const Tlds tlds;
  return tlds;
}

// A domain's labels from i: [a-z0-9][a-z0-9\-]{0,62} and then up to three of \.`Label`{...}. Every label is
// followed in a match by a '.' or by white space, '(' or '[' (the dot separator) or by the TLD's dot, none of which
// a label can hold: so a label is a whole run of label bytes, and a run longer than the bound matches nowhere.
// ends[k] is the end of the domain with k extra labels; returns how many extra labels there can be (0-3), or -1
// when the first label does not match.
template <typename ExtraLabelStart>
int DomainEnds(const Text& t, size_t i, ExtraLabelStart extra_start, size_t ends[4]) {
  if (!IsAlnum(t.At(i))) return -1;
  ends[0] = RunEnd(t, i, IsLabelByte);
  if (ends[0] - i > 63) return -1;
  int k = 0;
  while (k < 3 && t.At(ends[k]) == '.' && extra_start(t.At(ends[k] + 1))) {
    const size_t e = RunEnd(t, ends[k] + 1, IsLabelByte);
    if (e - ends[k] - 1 > 63) break;
    ends[++k] = e;
  }
  return k;
}

// The e-mail pattern's separator (group 2) after the local part ending at e: its [*begin, end), or kNone. Only one
// alternative can start at the first byte after the white space (they begin with '@', '(', '[', '{' and, after at
// least one space, 'a'), and every split of the white space around a spaced "at" leaves the same tail: this is
// RE2's first choice, and no other choice leads anywhere else.
size_t EmailSeparatorEnd(const Text& t, size_t e, size_t* begin) {
  const size_t j = t.Spaces(e);
  *begin = j;
  switch (t.At(j)) {
    case '@': return j + 1;
    case '(': return t.Lit(j, "(at)");
    case '[': return t.Lit(j, "[at]");
    case '{': return t.Lit(j, "{at}");
    case 'a':
      if (j == e) return kNone;
      *begin = j - 1;  // \s* takes all but one space, \s+ that one
      return t.Spaces1(t.Lit(j, "at"));
    default: return kNone;
  }
}

// The dot separator (group 4) after the domain ending at d: as EmailSeparatorEnd. A '.' after white space is taken by
// the first alternative (\s* before it takes the space), so \s+\.\s* never leads to a different match.
size_t EmailDotEnd(const Text& t, size_t d, size_t* begin) {
  const size_t j = t.Spaces(d);
  *begin = j;
  switch (t.At(j)) {
    case '.': return j + 1;
    case '(': return t.Lit(j, "(dot)");
    case '[': return t.Lit(j, "[dot]");
    case 'd':
      if (j == d) return kNone;
      *begin = j - 1;
      return t.Spaces1(t.Lit(j, "dot"));
    default: return kNone;
  }
}

}  // namespace

bool EmailMatchAt(std::string_view text, size_t s, re2::StringPiece* g) {
  const Text t(text);
  // Group 1 ([a-z0-9][a-z0-9._%+\-]{0,63}) is followed by white space or a separator, which it cannot hold: it is the
  // whole run of local-part bytes, and a run longer than 64 bytes from s matches nothing.
  if (!IsAlnum(t.At(s))) return false;
  const size_t local_end = RunEnd(t, s, IsLocalByte);
  if (local_end - s > 64) return false;
  size_t sep_begin;
  const size_t sep_end = EmailSeparatorEnd(t, local_end, &sep_begin);
  if (sep_end == kNone) return false;
  const size_t domain = t.Spaces(sep_end);
  size_t ends[4];
  // Extra labels start [a-z0-9] here; RE2 prefers more of them and tries fewer only when the rest fails.
  for (int k = DomainEnds(t, domain, [](U c) { return IsAlnum(c); }, ends); k >= 0; --k) {
    size_t dot_begin;
    const size_t dot_end = EmailDotEnd(t, ends[k], &dot_begin);
    if (dot_end == kNone) continue;
    const size_t tld = t.Spaces(dot_end);
    const size_t end = TheTlds().EndAt(t, tld);
    if (end == kNone) continue;
    g[0] = t.Piece(s, end);
    g[1] = t.Piece(s, local_end);
    g[2] = t.Piece(sep_begin, sep_end);
    g[3] = t.Piece(domain, ends[k]);
    g[4] = t.Piece(dot_begin, dot_end);
    g[5] = t.Piece(tld, end);
    return true;
  }
  return false;
}

void ScanEmails(std::string_view text, std::vector<GroupMatch>& out) {
  const Text t(text);
  // Each separator (group 2) can end the local part just before it (and its white space): every match through it
  // starts in that run and continues alike, so the leftmost starts at the run's first [a-z0-9] byte at or after
  // where the search stands. Local parts hold no separator: runs, and so matches, come in the separators' order.
  // (Two separators can share a run only as "x at at y", where the second's run is the first's "at": still in order.)
  struct Local {
    size_t begin, end;
  };
  thread_local std::vector<Local> locals;
  locals.clear();
  const auto add = [&](size_t sep) {
    size_t e = sep;
    while (e > 0 && IsRe2Space(t.At(e - 1))) --e;
    size_t b = e;
    while (b > 0 && e - b < 64 && IsLocalByte(t.At(b - 1))) --b;
    if (b < e) locals.push_back({b, e});
  };
  // '@' and "at" found in one pass, sixteen positions at a time, so the runs come out in order.
  const auto separator_at = [&](size_t p) {
    if (t.At(p) == '@') {
      add(p);
      return;
    }
    if (p == 0) return;  // "at"
    const U before = t.At(p - 1), after = t.At(p + 2);
    if ((before == '(' && after == ')') || (before == '[' && after == ']') || (before == '{' && after == '}') ||
        (IsRe2Space(before) && IsRe2Space(after))) {
      add(p - 1);  // the local part ends before the '(' or the white space (of which this is the last byte)
    }
  };
  const size_t n = text.size();
  size_t p = 0;
  const __m128i at_sign = _mm_set1_epi8('@'), letter_a = _mm_set1_epi8('a'), letter_t = _mm_set1_epi8('t');
  for (; p + 17 <= n; p += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + p + 1));
    const __m128i hits = _mm_or_si128(_mm_cmpeq_epi8(here, at_sign),
                                      _mm_and_si128(_mm_cmpeq_epi8(here, letter_a), _mm_cmpeq_epi8(next, letter_t)));
    for (unsigned m = static_cast<unsigned>(_mm_movemask_epi8(hits)); m != 0; m &= m - 1) {
      separator_at(p + static_cast<size_t>(__builtin_ctz(m)));
    }
  }
  for (; p < n; ++p) {
    if (t.At(p) == '@' || (t.At(p) == 'a' && t.At(p + 1) == 't')) separator_at(p);
  }
  if (locals.empty()) return;
  size_t pos = 0;
  int found = 0;
  GroupMatch m;
  for (const Local& l : locals) {
    if (found >= kMaxMatches) break;
    size_t s = std::max(l.begin, pos);
    while (s < l.end && !IsAlnum(t.At(s))) ++s;
    if (s >= l.end || !EmailMatchAt(text, s, m.g.data())) continue;
    out.push_back(m);
    ++found;
    pos = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
    m = GroupMatch();
  }
}

bool UrlMatchAt(std::string_view text, size_t s, re2::StringPiece* g) {
  const Text t(text);
  // (?:https?://|www\.)[a-z0-9\-._~%]+(?:/path)?: nothing follows in the pattern, so the greedy runs are the match.
  size_t host = t.Lit(s, "https://");
  if (host == kNone) host = t.Lit(s, "http://");
  if (host == kNone) host = t.Lit(s, "www.");
  if (host != kNone) {
    size_t end = RunEnd(t, host, IsHostByte);
    if (end > host) {
      if (t.At(end) == '/') end = PathEnd(t, end + 1);
      g[0] = g[1] = t.Piece(s, end);
      g[2] = g[3] = re2::StringPiece();
      return true;
    }
  }
  // \b(domain\.tld)\b(/path)?, the domain's extra labels [a-z0-9\-]{1,63} (starting with '-' too).
  if (!t.WordStartsAt(s)) return false;
  size_t ends[4];
  for (int k = DomainEnds(t, s, [](U c) { return IsLabelByte(c); }, ends); k >= 0; --k) {
    if (t.At(ends[k]) != '.') continue;
    const size_t domain_end = TheTlds().EndAt(t, ends[k] + 1);
    if (domain_end == kNone) continue;
    size_t end = domain_end;
    g[1] = re2::StringPiece();
    g[2] = t.Piece(s, domain_end);
    if (t.At(end) == '/') {
      end = PathEnd(t, end + 1);
      g[3] = t.Piece(domain_end, end);
    } else {
      g[3] = re2::StringPiece();
    }
    g[0] = t.Piece(s, end);
    return true;
  }
  return false;
}

void ScanUrls(std::string_view text, const std::vector<Window>& url_windows, std::vector<GroupMatch>& out) {
  const Text t(text);
  size_t pos = 0;
  int found = 0;
  GroupMatch m;
  for (const Window& w : url_windows) {
    // A match starts with 'h' or 'w' (the first alternative) or [a-z0-9] at a word start (the second).
    for (size_t p = std::max(pos, w.begin); p < w.end && found < kMaxMatches; ++p) {
      const U c = t.At(p);
      if (!(c == 'h' || c == 'w' || (IsAlnum(c) && t.WordStartsAt(p)))) continue;
      if (!UrlMatchAt(text, p, m.g.data())) continue;
      out.push_back(m);
      ++found;
      pos = p = static_cast<size_t>(m.g[0].data() - text.data()) + m.g[0].size();
      --p;  // the loop's ++p steps back onto the match's end
      m = GroupMatch();
    }
  }
}

void ScanMentions(std::string_view text, std::vector<GroupMatch>& out) {
  const Text t(text);
  size_t pos = 0;
  int found = 0;
  GroupMatch m;
  for (size_t q = text.find('@'); q != std::string_view::npos && found < kMaxMatches; q = text.find('@', q + 1)) {
    // (?:^|[^a-z0-9_.@$]) just before the '@': the text's start, or one character (RE2 reads a negated class as a
    // whole UTF-8 character), which must lie at or after where the search stands.
    size_t b = q;
    if (q > 0) {
      const U c = t.At(q - 1);
      if (c < 0x80) {
        if (IsMentionByte(c) || c == '.' || c == '@' || c == '$') continue;
        b = q - 1;
      } else {
        b = kNone;
        for (size_t n = 2; n <= 4 && n <= q; ++n) {
          if (NonAsciiCharLen(t, q - n) == n) b = q - n;
        }
        if (b == kNone) continue;
      }
    }
    if (b < pos) continue;
    // \s?: taken when there; a handle cannot start at white space, so not taking it leads nowhere.
    const size_t h = IsRe2Space(t.At(q + 1)) ? q + 2 : q + 1;
    // [a-z0-9_]{2,30}\b: the handle is a whole run of those bytes (a shorter one would end before a word byte).
    const size_t e = RunEnd(t, h, IsMentionByte);
    if (e - h < 2 || e - h > 30 || t.WordEnd(e) == kNone) continue;
    m.g[0] = t.Piece(b, e);
    m.g[1] = t.Piece(h, e);
    out.push_back(m);
    ++found;
    pos = e;
    m = GroupMatch();
  }
}

namespace {
// 0xFF in each byte that is ':' or '@'.
inline __m128i ColonOrAtBytes16(__m128i v) {
  return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), _mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
}
}  // namespace

void ScanShortHandles(std::string_view text, std::vector<GroupMatch>& out) {
  const Text t(text);
  size_t pos = 0;
  int found = 0;
  GroupMatch m;
  // Every match has ':' or '@' after its abbreviation and white space; those bytes are found from 64-byte masks (':'
  // is common enough, in times and "call:", that a memchr call per byte cost more). Matches come in their order: an
  // abbreviation and its white space hold neither byte.
  for (size_t base = 0; base < text.size() && found < kMaxMatches; base += 64) {
    for (uint64_t bits = ByteMask64(text, base, ColonOrAtBytes16); bits != 0 && found < kMaxMatches;
         bits &= bits - 1) {
      const size_t c = base + static_cast<size_t>(__builtin_ctzll(bits));
      size_t k = c;
      while (k > 0 && IsRe2Space(t.At(k - 1))) --k;
      if (k < 2 || k - 2 < pos || !t.WordStartsAt(k - 2)) continue;
      const std::string_view abbr = text.substr(k - 2, 2);
      if (!OneOf(abbr, {"ig", "sc", "tw", "of", "tg", "wa"})) continue;
      // \s*@?\s* then [a-z0-9_][a-z0-9_.]{1,29}: each step greedy; a handle cannot start at white space or '@', so
      // the choices not taken lead nowhere.
      size_t h = t.Spaces(c + 1);
      if (t.At(h) == '@') h = t.Spaces(h + 1);
      if (!IsMentionByte(t.At(h))) continue;
      size_t e = h + 1;
      while (e - h < 30 && (IsMentionByte(t.At(e)) || t.At(e) == '.')) ++e;
      if (e - h < 2) continue;
      m.g[0] = t.Piece(k - 2, e);
      m.g[1] = t.Piece(k - 2, k);
      m.g[2] = t.Piece(h, e);
      out.push_back(m);
      ++found;
      pos = e;
      m = GroupMatch();
    }
  }
}

std::string EmailPattern() {
  std::string p = "([a-z0-9][a-z0-9._%+\\-]{0,63})\\s*(@|\\(at\\)|\\[at\\]|\\{at\\}|\\s+at\\s+)\\s*";
  p += "([a-z0-9][a-z0-9\\-]{0,62}(?:\\.[a-z0-9][a-z0-9\\-]{0,62}){0,3})";
  p += "\\s*(\\.|\\(dot\\)|\\[dot\\]|\\s+dot\\s+|\\s+\\.\\s*)\\s*(";
  p += kTldAlternation;
  p += ")\\b";
  return p;
}

std::string UrlPattern() {
  std::string p = "((?:https?://|www\\.)[a-z0-9\\-._~%]+(?:/[^\\s<>\"'()\\[\\]{}]*)?)";
  p += "|\\b([a-z0-9][a-z0-9\\-]{0,62}(?:\\.[a-z0-9\\-]{1,63}){0,3}\\.(?:";
  p += kTldAlternation;
  p += "))\\b(/[^\\s<>\"'()\\[\\]{}]*)?";
  return p;
}

}  // namespace lodestar::extract
