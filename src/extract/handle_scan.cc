#include "extract/handle_scan.h"

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

}  // namespace lodestar::extract
