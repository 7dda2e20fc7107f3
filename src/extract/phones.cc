#include "extract/phones.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <emmintrin.h>
#include <unicode/uchar.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "extract/gazetteer.h"
#include "extract/normalize.h"

namespace lodestar::extract {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr int kMaxValidationsPerField = 4096;
constexpr size_t kMaxLetterRun = 48;

struct NumberWord {
  const char* word;
  const char* digits;
};
// English and Spanish number words, plus "o"/"oh" for zero. "threight" is "three" + "eight" after the
// normaliser has folded the run of three e's into one.
constexpr std::array<NumberWord, 25> kNumberWords = {{
    {"zero", "0"}, {"oh", "0"},    {"o", "0"},      {"one", "1"},    {"two", "2"},   {"three", "3"},
    {"four", "4"}, {"five", "5"},  {"six", "6"},    {"seven", "7"},  {"eight", "8"}, {"nine", "9"},
    {"ten", "10"}, {"cero", "0"},  {"uno", "1"},    {"dos", "2"},    {"tres", "3"},  {"cuatro", "4"},
    {"cinco", "5"}, {"seis", "6"}, {"siete", "7"},  {"ocho", "8"},   {"nueve", "9"}, {"diez", "10"},
    {"threight", "38"},
}};

constexpr size_t WordLen(const char* w) {
  size_t n = 0;
  while (w[n]) ++n;
  return n;
}
constexpr auto kNumberWordLen = [] {
  std::array<uint8_t, kNumberWords.size()> len{};
  for (size_t w = 0; w < kNumberWords.size(); ++w) len[w] = static_cast<uint8_t>(WordLen(kNumberWords[w].word));
  return len;
}();

// Bit 1: some number word starts with the letter; bit 2: some number word ends with it.
constexpr auto kEdges = [] {
  std::array<uint8_t, 256> t{};
  for (const auto& w : kNumberWords) {
    t[static_cast<unsigned char>(w.word[0])] |= 1;
    t[static_cast<unsigned char>(w.word[WordLen(w.word) - 1])] |= 2;
  }
  return t;
}();
// Bit b of kPairs[a] is set when the letters a, b can stand side by side in a split: inside one number word, or
// the last letter of one before the first letter of the next.
constexpr auto kPairs = [] {
  std::array<uint32_t, 256> t{};
  auto bit = [](char c) { return c >= 'a' && c <= 'z' ? uint32_t{1} << (c - 'a') : 0u; };
  for (const auto& w : kNumberWords) {
    const size_t len = WordLen(w.word);
    for (size_t k = 0; k + 1 < len; ++k) t[static_cast<unsigned char>(w.word[k])] |= bit(w.word[k + 1]);
    for (const auto& v : kNumberWords) t[static_cast<unsigned char>(w.word[len - 1])] |= bit(v.word[0]);
  }
  return t;
}();

// Bit c of kTriples[0][a * 26 + b] is set when the letters a, b, c can stand in a row in a split; in kTriples[1]
// when a split can start with them, in kTriples[2] when one can end with them. Three letters in a row lie inside
// two adjacent number words, or three where the middle one is one letter ("o"); the first (last) three letters of
// a split are those of its first (last) two words unless these are two "o"s.
struct Joined {
  char s[3 * 8 + 1] = {};
  size_t len = 0;
};
constexpr Joined Join(const char* a, const char* b, const char* c = "") {
  Joined j;
  for (const char* word : {a, b, c}) {
    for (size_t k = 0; word[k]; ++k) j.s[j.len++] = word[k];
  }
  return j;
}
constexpr auto kTriples = [] {
  std::array<std::array<uint32_t, 26 * 26>, 3> t{};
  const auto mark = [&t](size_t table, const char* s) {
    t[table][(s[0] - 'a') * 26 + (s[1] - 'a')] |= uint32_t{1} << (s[2] - 'a');
  };
  for (const auto& u : kNumberWords) {
    for (const auto& v : kNumberWords) {
      const Joined uv = Join(u.word, v.word);
      for (size_t k = 0; k + 2 < uv.len; ++k) mark(0, uv.s + k);
      if (uv.len >= 3) {
        mark(1, uv.s);
        mark(2, uv.s + uv.len - 3);
        if (v.word[1] != '\0') continue;
      }
      // v is "o": triples across it; u+v is "oo": the first and last three letters with a third word.
      for (const auto& w : kNumberWords) {
        const Joined uvw = Join(u.word, v.word, w.word), wuv = Join(w.word, u.word, v.word);
        for (size_t k = 0; k + 2 < uvw.len; ++k) mark(0, uvw.s + k);
        if (uv.len < 3) {
          mark(1, uvw.s);
          mark(2, wuv.s + wuv.len - 3);
        }
      }
    }
  }
  return t;
}();
inline bool TripleIn(size_t table, const char* s) {
  return (kTriples[table][(s[0] - 'a') * 26 + (s[1] - 'a')] >> (s[2] - 'a')) & 1;
}

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsSep(char c) {
  switch (c) {
    case ' ': case '.': case '-': case '_': case '(': case ')': case '/': case ',': case '*': case '|':
    case '~': case '[': case ']': case '\'': case '"': case '=': case '#':
      return true;
    default:
      return false;
  }
}

// What the finder does with a byte, as one table lookup. kOther: anything else (newline, '$', '@', non-ASCII...)
// ends the run.
enum ByteKind : uint8_t { kOther, kDigitKind, kLetterKind, kSepKind, kPlusKind, kQuoteKind, kColonKind };
constexpr auto kByteKind = [] {
  std::array<ByteKind, 256> t{};
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    t[b] = IsDigit(c) ? kDigitKind : IsLetter(c) ? kLetterKind : c == '+' ? kPlusKind : c == '\'' ? kQuoteKind
         : c == ':' ? kColonKind : IsSep(c) ? kSepKind : kOther;
  }
  return t;
}();
inline ByteKind KindOf(char c) { return kByteKind[static_cast<unsigned char>(c)]; }

// Bytes an idle finder (no groups, no pending '+' or currency sign) cannot pass over without a look: digits,
// letters, '+', '$' and non-ASCII bytes (which may be a currency sign).
constexpr auto kIdleStop = [] {
  std::array<bool, 256> t{};
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    t[b] = IsDigit(c) || IsLetter(c) || c == '+' || c == '$' || b >= 0x80;
  }
  return t;
}();

// The end of the run of letters starting at i: eight bytes at a time on little-endian hosts (0x80 marks a letter
// byte; no borrow crosses a byte, see the bound on each subtraction).
inline size_t LetterRunEnd(std::string_view t, size_t i) {
  const size_t n = t.size();
  if constexpr (std::endian::native == std::endian::little) {
    constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
    while (i + 8 <= n) {
      uint64_t x;
      std::memcpy(&x, t.data() + i, 8);
      const uint64_t v = (x & ~kHighs) | kHighs;  // each byte's low seven bits, high bit set: >= 0x80
      const uint64_t letters = (v - kOnes * 'a') & ~(v - kOnes * ('z' + 1)) & ~x & kHighs;
      const uint64_t others = ~letters & kHighs;
      if (others) return i + static_cast<size_t>(std::countr_zero(others)) / 8;
      i += 8;
    }
  }
  while (i < n && IsLetter(t[i])) ++i;
  return i;
}

// MaySplitIntoNumberWords past its first three letters: the last three, then every pair and triple. All bytes are
// checked to be letters before a triple is indexed by them (p[0], p[1] and p[2] are known to be).
bool MaySplitPastFirstTriple(const char* p, size_t n) {
  for (size_t i = 3; i < n; ++i) {
    if (!IsLetter(p[i])) return false;
  }
  if (!TripleIn(2, p + n - 3)) return false;
  for (size_t i = 0; i + 1 < n; ++i) {
    if (!((kPairs[static_cast<unsigned char>(p[i])] >> (p[i + 1] - 'a')) & 1)) return false;
    if (i + 2 < n && !TripleIn(0, p + i)) return false;
  }
  return true;
}

// Quick rejects for a run of letters that cannot split into number words (most words): a full split starts with
// a number word's first letter, ends with one's last, and has only adjacent letter pairs kPairs allows and
// letter triples kTriples allows, starting and ending with triples a split can start and end with ("the", "too"
// and "then" fail here, before any split is tried). The splits of one or two letters are "o", "oh" and "oo".
// The tests run in the order that rejects most words soonest, the first three letters first (most words fail
// there); this part is inline, as it is asked of most words and answers them in a few instructions.
inline bool MaySplitIntoNumberWords(std::string_view s) {
  const size_t n = s.size();
  if (n <= 2) return n > 0 && s[0] == 'o' && (n == 1 || s[1] == 'h' || s[1] == 'o');
  if (n > kMaxLetterRun) return false;
  const char* p = s.data();
  // kEdges marks letters only, so p[0] is a letter after this.
  if (!(kEdges[static_cast<unsigned char>(p[0])] & 1) || !(kEdges[static_cast<unsigned char>(p[n - 1])] & 2)) {
    return false;
  }
  if (!IsLetter(p[1]) || !IsLetter(p[2]) || !TripleIn(1, p)) return false;
  return MaySplitPastFirstTriple(p, n);
}

// MaySplitIntoNumberWords for the n letters at p (all letters, the first starting a number word and the last ending
// one, as kEdges says), without the tests that would only repeat these.
inline bool MaySplitCheckedLetters(const char* p, size_t n) {
  if (n <= 2) return p[0] == 'o' && (n == 1 || p[1] == 'h' || p[1] == 'o');
  return n <= kMaxLetterRun && TripleIn(1, p) && MaySplitPastFirstTriple(p, n);
}

// Whether the idle finder must look at the letter run t[i, j): it touches a digit or may split into number words.
inline bool WordNeedsLook(std::string_view t, size_t i, size_t j) {
  // One branch for the common case, a word that neither touches a digit nor has a number word's first and last
  // letters (the bytes either side of the run are never letters, so testing them for digits reads no letter).
  const unsigned digit_beside = (j < t.size() && IsDigit(t[j])) || (i > 0 && IsDigit(t[i - 1]));
  const unsigned edges = kEdges[static_cast<unsigned char>(t[i])] & (kEdges[static_cast<unsigned char>(t[j - 1])] >> 1);
  return (digit_beside | edges) && (digit_beside || MaySplitIntoNumberWords(t.substr(i, j - i)));
}

// Bit k of `letters` / `stops` is set when byte k of the 16 at p is a lower-case ASCII letter / a byte an idle finder
// always stops at (a digit, '+', '$' or a non-ASCII byte): kIdleStop, 16 bytes at a time.
struct Chunk16 {
  uint32_t letters, stops;
};
inline Chunk16 Classify16(const char* p) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  // Unsigned range tests with signed compares: adding (128 - lo) moves [lo, lo + k) to [-128, -128 + k).
  const auto in_range = [&x](char lo, int k) {
    return _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - lo))),
                          _mm_set1_epi8(static_cast<char>(-128 + k)));
  };
  const __m128i signs = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('+')), _mm_cmpeq_epi8(x, _mm_set1_epi8('$')));
  // movemask reads each byte's high bit: set in the compares' matches and in x's own non-ASCII bytes.
  const __m128i stops = _mm_or_si128(_mm_or_si128(in_range('0', 10), signs), x);
  return {static_cast<uint32_t>(_mm_movemask_epi8(in_range('a', 26))), static_cast<uint32_t>(_mm_movemask_epi8(stops))};
}

// Bits k of a block of W (16 or 64) bytes, as Chunk16 for each 16 of them.
struct BlockMasks {
  uint64_t letters = 0, stops = 0;
};
template <size_t W>
inline BlockMasks ClassifyBlock(const char* p) {
  BlockMasks m;
  for (size_t b = 0; b < W; b += 16) {
    const Chunk16 c = Classify16(p + b);
    m.letters |= uint64_t{c.letters} << b;
    m.stops |= uint64_t{c.stops} << b;
  }
  return m;
}

// The last 64-byte block SkipIdle classified in the current text (`at` = its first byte): the finder comes back
// to idle inside it after each digit group or non-ASCII character, and reads the rest of it from these masks.
struct IdleBlock {
  size_t at = SIZE_MAX;
  BlockMasks m;
};

// SkipIdle over whole blocks of W bytes from *i: true with *i at the place to look, or false with *i at the first
// byte no whole block covers. *i is never inside a letter run. With `cache`, a block classified by an earlier call
// is not classified again.
template <size_t W>
bool SkipIdleBlocks(std::string_view t, size_t* pos, IdleBlock* cache) {
  const char* p = t.data();
  size_t i = *pos;
  while (true) {
    size_t base = i;  // the block's first byte
    BlockMasks m;
    if (cache && i >= cache->at && i < cache->at + W) {
      base = cache->at;
      m = cache->m;
    } else if (i + W <= t.size()) {
      m = ClassifyBlock<W>(p + i);
      if (cache) *cache = {i, m};
    } else {
      break;
    }
    // Word starts and stops from i on (the byte before i is never a letter when t[i] is one). The word reaching the
    // block's end (`tail`) may go on past it.
    const uint64_t starts = m.letters & ~(m.letters << 1);
    const uint64_t tail = (m.letters >> (W - 1)) & 1 ? uint64_t{1} << (63 - std::countl_zero(starts)) : 0;
    const unsigned from = static_cast<unsigned>(i - base);
    const uint64_t from_on = ~uint64_t{0} << from;
    const uint64_t stop = m.stops & from_on & (~(m.stops & from_on) + 1);  // the first stop from i on, or 0
    // The words before that stop (all when there is none: stop - 1 is then all ones), in text order; the tail word
    // last, as it is the block's last word.
    uint64_t words = starts & from_on & (stop - 1);
    for (uint64_t rest = words & ~tail; rest; rest &= rest - 1) {
      // WordNeedsLook inside the block, most words failing at their first letter; a digit right after the word is
      // a stop, which comes back to the word.
      const unsigned k = static_cast<unsigned>(std::countr_zero(rest));
      if (!(kEdges[static_cast<unsigned char>(p[base + k])] & 1)) continue;
      const unsigned e = k + static_cast<unsigned>(std::countr_zero(~m.letters >> k));
      if ((kEdges[static_cast<unsigned char>(p[base + e - 1])] & 2) && MaySplitCheckedLetters(p + base + k, e - k)) {
        *pos = base + k;
        return true;
      }
    }
    if (stop) {
      const unsigned k = static_cast<unsigned>(std::countr_zero(stop));
      *pos = base + k;
      // A digit right after a word read from here on: look from the word (a look-alike such as "l494").
      if (k > from && ((m.letters >> (k - 1)) & 1) && IsDigit(p[base + k])) {
        *pos = base + static_cast<unsigned>(63 - std::countl_zero(starts & (stop - 1)));
      }
      return true;
    }
    size_t next = base + W;
    if (words & tail) {
      const size_t k = base + static_cast<size_t>(std::countr_zero(tail));
      next = LetterRunEnd(t, base + W);
      if (WordNeedsLook(t, k, next)) {
        *pos = k;
        return true;
      }
    }
    i = next;
  }
  *pos = i;
  return false;
}

// Where an idle finder must look next, from i: every byte and letter run before it would leave the finder idle and
// find nothing. A run of letters needs a look only when it may split into number words or touches a digit (a
// look-alike such as "l494"); a non-ASCII byte, '+', '$' and digits always do.
size_t SkipIdle(std::string_view t, size_t i, IdleBlock* cache) {
  const size_t n = t.size();
  // i is never inside a letter run (callers stop at run ends), so a letter at the start of a block starts a word. A
  // digit can stand right before the first word only (before a later one it would have stopped the scan).
  if (i > 0 && i < n && IsDigit(t[i - 1])) return i;
  if (SkipIdleBlocks<64>(t, &i, cache) || SkipIdleBlocks<16>(t, &i, nullptr)) return i;
  while (true) {
    while (i < n && !kIdleStop[static_cast<unsigned char>(t[i])]) ++i;
    if (i >= n || !IsLetter(t[i])) return i;
    const size_t j = LetterRunEnd(t, i);
    if (WordNeedsLook(t, i, j)) return i;
    i = j;
  }
}

// Splits letters s[0..n) into number words; writes (word end offset, digits)
// pairs. DP over positions; returns false when no full split exists.
bool DecomposeNumberWords(std::string_view s, std::vector<std::pair<uint32_t, const char*>>& parts) {
  if (!MaySplitIntoNumberWords(s)) return false;
  const size_t n = s.size();
  // The words by first letter, so each position tries only the words that can start there.
  static const auto kByFirst = [] {
    std::array<std::array<int8_t, kNumberWords.size() + 1>, 26> t;  // in word order, -1 terminated
    for (auto& row : t) row.fill(-1);
    for (size_t w = 0; w < kNumberWords.size(); ++w) {
      auto& row = t[kNumberWords[w].word[0] - 'a'];
      size_t k = 0;
      while (row[k] >= 0) ++k;
      row[k] = static_cast<int8_t>(w);
    }
    return t;
  }();
  // reach[i] = index into kNumberWords of the word ending at i on a valid path, -1 = unreachable.
  std::array<int, kMaxLetterRun + 1> reach;
  reach.fill(-1);
  reach[0] = 100;
  for (size_t i = 0; i < n; ++i) {
    if (reach[i] < 0 || s[i] < 'a' || s[i] > 'z') continue;
    for (const int8_t wi : kByFirst[s[i] - 'a']) {
      if (wi < 0) break;
      const size_t w = static_cast<size_t>(wi);
      const size_t len = kNumberWordLen[w];
      if (i + len <= n && reach[i + len] < 0 && s.compare(i, len, kNumberWords[w].word) == 0) {
        reach[i + len] = static_cast<int>(w);
      }
    }
  }
  if (reach[n] < 0) return false;
  // Walk back.
  std::array<std::pair<uint32_t, const char*>, kMaxLetterRun> tmp;
  size_t count = 0;
  for (size_t i = n; i > 0;) {
    const auto& w = kNumberWords[reach[i]];
    tmp[count++] = {static_cast<uint32_t>(i), w.digits};
    i -= kNumberWordLen[reach[i]];
  }
  parts.clear();
  for (size_t k = count; k > 0; --k) parts.push_back(tmp[k - 1]);
  return true;
}

// A short run of o, l and i with at least one l or i: digits written with look-alike letters ("lO", "ll").
// Runs of o alone are number words already.
bool IsDigitLookAlikes(std::string_view s) {
  if (s.size() > 4) return false;
  bool one = false;
  for (char c : s) {
    if (c != 'o' && c != 'l' && c != 'i') return false;
    one |= c != 'o';
  }
  return one;
}

// From a digit at i with the finder idle: the end of a run that cannot hold a phone, or i. The digits and separators
// from i (no letter, no byte of kind kOther) hold fewer than seven digits, and what follows ends the run: the end of
// the text, a kOther byte, or a letter run that is neither look-alike digits touching a digit nor possibly number
// words. Read group by group, such text leaves the finder idle at the returned position having found nothing: each
// of its runs holds fewer than seven digits (separators, '+', a clock colon or a height only split or shorten runs),
// so ProcessRun never runs, and the pending '+' is dropped by what ends the run (a kOther byte is left for the
// finder to read, with the same state as before: no groups, no pending sign).
size_t ShortDigitRunEnd(std::string_view t, size_t i) {
  const size_t n = t.size();
  size_t e = i;
  for (int digits = 0; e < n; ++e) {
    const ByteKind kind = KindOf(t[e]);
    if (kind == kDigitKind) {
      if (++digits >= 7) return i;
    } else if (kind == kLetterKind || kind == kOther) {
      break;
    }
  }
  if (e >= n || KindOf(t[e]) == kOther) return e;
  const size_t j = LetterRunEnd(t, e);
  const std::string_view word(t.data() + e, j - e);
  const bool digit_beside = IsDigit(t[e - 1]) || (j < n && IsDigit(t[j]));  // e > i: t[i] is a digit
  if ((digit_beside && IsDigitLookAlikes(word)) || MaySplitIntoNumberWords(word)) return i;
  return j;
}

// Fast path for a letter run outside any digit context: only an exact number word counts.
bool SingleNumberWord(std::string_view s, std::vector<std::pair<uint32_t, const char*>>& parts) {
  if (s.size() > 6) return false;
  for (const auto& w : kNumberWords) {
    if (s == w.word) {
      parts.clear();
      parts.push_back({static_cast<uint32_t>(s.size()), w.digits});
      return true;
    }
  }
  return false;
}

bool IsNanpRegion(const std::string& region) { return region == "US" || region == "CA"; }

// The ten national digits of NANP-shaped digits (NXX-NXX-XXXX, optional leading 1), else null.
const char* NanpNational(std::string_view d) {
  if (d.size() == 10 && d[0] >= '2' && d[3] >= '2') return d.data();
  if (d.size() == 11 && d[0] == '1' && d[1] >= '2' && d[4] >= '2') return d.data() + 1;
  return nullptr;
}

bool IsNanpShaped(std::string_view d) { return NanpNational(d) != nullptr; }

// The validations PhoneFinder::Validate spends on `d` (given budget left), or -1 when that depends on its answer
// or on a cache (NANP-shaped digits: the table's kAsk, or without a table the exchange cache). Mirrors Validate's
// branches: a '+' number is one parse; in a NANP region other digits go straight to the international try; else
// the region's parse comes first and the international try only when the region rejects.
int FixedValidationCost(std::string_view d, bool plus, bool nanp_region, bool one_group) {
  if (plus) return 1;
  if (IsNanpShaped(d)) return -1;
  const int intl = one_group && d.size() >= 11 && d[0] != '0' && d[0] != '1';
  if (nanp_region || d.size() > 13) return intl;
  return intl ? -1 : 1;
}

}  // namespace

PhoneFinder::PhoneFinder() : util_(PhoneNumberUtil::GetInstance()) {}

bool PhoneFinder::NanpValid(const char* national) {
  uint32_t key = 0;
  for (int k = 0; k < 6; ++k) key = key * 10 + static_cast<uint32_t>(national[k] - '0');
  // The build's table answers for almost every exchange without asking the library (extract/nanp.h).
  static const NanpTable* const table = NanpTable::Get();
  NanpTable::Answer answer = table ? table->Lookup(key) : NanpTable::Answer::kAsk;
  if (answer != NanpTable::Answer::kAsk) return answer == NanpTable::Answer::kValid;
  // Without a table, or where validity depends on more than the exchange: ask libphonenumber, caching by the
  // six digits when there is no table (two bit sets: known, valid).
  uint64_t nn = 0;
  for (int k = 0; k < 10; ++k) nn = nn * 10 + static_cast<uint64_t>(national[k] - '0');
  if (table) {
    if (validations_left_ <= 0) return false;
    --validations_left_;
    return IsValidNanpNumber(nn);
  }
  if (nanp_known_.empty()) {
    nanp_known_.assign(kNanpKeys / 64, 0);
    nanp_valid_.assign(kNanpKeys / 64, 0);
  }
  const uint64_t bit = uint64_t{1} << (key & 63);
  if (nanp_known_[key >> 6] & bit) return (nanp_valid_[key >> 6] & bit) != 0;
  if (nanp_cached_ > 200000) {  // bounded like a map of this many entries would be: start over
    std::fill(nanp_known_.begin(), nanp_known_.end(), 0);
    std::fill(nanp_valid_.begin(), nanp_valid_.end(), 0);
    nanp_cached_ = 0;
  }
  if (validations_left_ <= 0) return false;  // not cached: the budget ran out, the answer is unknown
  --validations_left_;
  // Parse("NXXNXXXXXX", "US") yields exactly {country 1, national NXXNXXXXXX} (nothing to strip: the number
  // starts with 2-9), so the number is built directly; its text parsing is half the library's cost here.
  const bool ok = IsValidNanpNumber(nn);
  nanp_known_[key >> 6] |= bit;
  if (ok) nanp_valid_[key >> 6] |= bit;
  ++nanp_cached_;
  return ok;
}

bool PhoneFinder::Validate(std::string_view digits, bool plus, const std::string& region, std::string* e164,
                           bool* international, bool one_group) {
  const size_t n = digits.size();
  *international = false;
  if (n < 7 || n > 15) return false;
  const PhoneNumberUtil* util = util_;
  auto try_parse = [&](const std::string& text, const std::string& reg) {
    if (validations_left_ <= 0) return false;
    --validations_left_;  // spent on a cached answer too, so that the budget runs out where it did without a cache
    parse_key_.assign(reg);
    parse_key_ += '\0';
    parse_key_ += text;
    if (const auto it = parse_cache_.find(parse_key_); it != parse_cache_.end()) {
      if (it->second.empty()) return false;
      e164->assign(it->second);
      return true;
    }
    if (parse_cache_.size() >= kParseCacheSize) parse_cache_.clear();
    std::string& answer = parse_cache_[parse_key_];
    PhoneNumber number;
    if (util->Parse(text, reg, &number) != PhoneNumberUtil::NO_PARSING_ERROR) return false;
    if (!util->IsValidNumber(number)) return false;
    util->Format(number, PhoneNumberUtil::E164, &answer);
    e164->assign(answer);
    return true;
  };
  if (plus) {
    scratch_.assign("+");
    scratch_ += digits;
    *international = true;
    return try_parse(scratch_, "ZZ");
  }
  const char* national = NanpNational(digits);
  if (IsNanpRegion(region)) {
    if (national) {
      if (!NanpValid(national)) return false;
      e164->assign("+1");
      e164->append(national, 10);
      return true;
    }
  } else if (n <= 13 && try_parse(scratch_.assign(digits), region)) {
    return true;
  } else if (national && NanpValid(national)) {
    // A place name can set a foreign region for a North American ad (a Dublin in California, Manchester Blvd in
    // Inglewood); a NANP-shaped number that region rejects is read as North American rather than lost.
    e164->assign("+1");
    e164->append(national, 10);
    return true;
  }
  // Digits that only parse with a country code written without '+' ("..._917756805125" in a URL slug). Only
  // one unbroken digit string qualifies: joined groups are usually lists of prices or times.
  if (one_group && n >= 11 && digits[0] != '0' && digits[0] != '1') {
    scratch_.assign("+");
    scratch_ += digits;
    if (try_parse(scratch_, "ZZ")) {
      *international = true;
      return true;
    }
  }
  return false;
}

size_t PhoneFinder::LongestValid(size_t i, size_t j_end, const std::string& region, std::string* e164,
                                 bool* international) {
  const auto digits = [&](size_t j) {
    return std::string_view(digits_.data() + groups_[i].db, groups_[j].db + groups_[j].dn - groups_[i].db);
  };
  size_t best = SIZE_MAX;
  for (size_t j = j_end; j-- > i;) {
    if (digits(j).size() >= 7 && Validate(digits(j), groups_[i].plus, region, e164, international, j == i)) {
      best = j;
      break;
    }
  }
  if (best == SIZE_MAX) return best;
  // The shorter candidates, which a shortest-first search would have asked too: spend what they would have spent
  // (most cost one validation whatever the answer; the others are asked, their answers unused).
  const bool nanp_region = IsNanpRegion(region);
  std::string unused;
  bool unused_intl = false;
  for (size_t j = i; j < best; ++j) {
    const std::string_view d = digits(j);
    if (d.size() < 7) continue;
    const int cost = FixedValidationCost(d, groups_[i].plus, nanp_region, j == i);
    if (cost >= 0) {
      validations_left_ -= cost;
    } else {
      Validate(d, groups_[i].plus, region, &unused, &unused_intl, j == i);
    }
  }
  return best;
}

void PhoneFinder::ProcessRun(const NormText& norm, std::string_view orig, const char* field,
                             const std::string& region, std::vector<PhoneFact>& out) {
  size_t total = 0;
  for (const auto& g : groups_) total += g.dn;
  if (total < 7) return;
  std::string e164, best;
  for (size_t i = 0; i < groups_.size();) {
    if (groups_[i].dollar || out.size() >= kMaxFactsPerKind) {
      ++i;
      continue;
    }
    // The candidates: groups i..j for j < j_end (no sign inside, at most 15 digits), `asks` of them with 7+ digits.
    size_t j_end = i, asks = 0;
    for (; j_end < groups_.size(); ++j_end) {
      if (j_end > i && (groups_[j_end].plus || groups_[j_end].dollar)) break;
      const size_t len = groups_[j_end].db + groups_[j_end].dn - groups_[i].db;
      if (len > 15) break;
      asks += len >= 7;
    }
    size_t best_j = SIZE_MAX;
    bool best_intl = false;
    if (asks > 0 && static_cast<size_t>(validations_left_) >= 3 * asks && NanpTable::Get()) {
      // Validate spends at most three validations: none of these asks can meet an empty budget, whatever the
      // order, so every answer is the library's and the longest valid candidate is the one to keep. With the
      // build's NANP table, what a NANP-shaped ask spends does not depend on the order either (no exchange cache).
      best_j = LongestValid(i, j_end, region, &best, &best_intl);
    } else {
      for (size_t j = i; j < j_end; ++j) {
        // Groups i..j, read together: their digits stand in a row in digits_.
        const std::string_view acc(digits_.data() + groups_[i].db, groups_[j].db + groups_[j].dn - groups_[i].db);
        bool intl = false;
        if (acc.size() >= 7 && Validate(acc, groups_[i].plus, region, &e164, &intl, j == i)) {
          best_j = j;
          best = e164;
          best_intl = intl;
        }
      }
    }
    if (best_j == SIZE_MAX) {
      ++i;
      continue;
    }
    bool obfuscated = false;
    for (size_t k = i; k <= best_j; ++k) obfuscated |= groups_[k].obfuscated;
    uint32_t nb = groups_[i].nb;
    const uint32_t ne = groups_[best_j].ne;
    if (nb > 0 && (norm.text[nb - 1] == '(' || norm.text[nb - 1] == '+')) --nb;
    PhoneFact fact;
    fact.e164 = best;
    fact.span.field = field;
    fact.span.begin = norm.OrigBegin(nb);
    fact.span.end = norm.OrigEnd(ne);
    fact.raw.assign(orig.substr(fact.span.begin, fact.span.end - fact.span.begin));
    fact.obfuscated = obfuscated;
    fact.confidence = obfuscated ? 0.75f : 0.9f;
    if (best_intl && !groups_[i].plus) fact.confidence = 0.6f;
    const bool dup = std::any_of(out.begin(), out.end(), [&](const PhoneFact& p) { return p.e164 == fact.e164; });
    if (!dup) out.push_back(std::move(fact));
    i = best_j + 1;
  }
}

void PhoneFinder::Find(const NormText& norm, std::string_view orig, const char* field, const std::string& region,
                       std::vector<PhoneFact>& out) {
  const std::string& t = norm.text;
  const size_t n = t.size();
  validations_left_ = kMaxValidationsPerField;
  groups_.clear();
  digits_.clear();
  auto& parts = parts_;
  size_t seps = 0;  // separator bytes since the last group
  bool plus_pending = false, dollar_pending = false;
  IdleBlock idle_block;
  auto end_run = [&]() {
    // The groups' digits are a subset of digits_: fewer than seven there, and the run holds no phone.
    if (digits_.size() >= 7) ProcessRun(norm, orig, field, region, out);
    groups_.clear();
    digits_.clear();
    seps = 0;
  };
  for (size_t i = 0; i < n;) {
    // Most ad text is read while idle: skip straight to what could start a group or set a pending sign.
    if (skip_idle_ && groups_.empty() && !plus_pending && !dollar_pending) {
      i = SkipIdle(t, i, &idle_block);
      if (i >= n) break;
      if (IsDigit(t[i])) {
        // Most digits in ads are short numbers (prices, sizes, times): passed over without building groups.
        const size_t end = ShortDigitRunEnd(t, i);
        if (end != i) {
          i = end;
          continue;
        }
      }
    }
    const char c = t[i];
    switch (KindOf(c)) {
      case kDigitKind: {
        size_t j = i;
        while (j < n && IsDigit(t[j])) ++j;
        if (seps > 4) end_run();
        Group g;
        g.db = static_cast<uint32_t>(digits_.size());
        g.dn = static_cast<uint32_t>(std::min<size_t>(j - i, 32));
        digits_.append(t, i, g.dn);
        g.nb = static_cast<uint32_t>(i);
        g.ne = static_cast<uint32_t>(j);
        for (size_t k = i; k < j && !g.obfuscated; ++k) g.obfuscated = norm.src_end[k] - norm.src_begin[k] != 1;
        g.plus = plus_pending;
        g.dollar = dollar_pending;
        if (!g.plus && groups_.empty() && g.dn >= 3 && t[i] == '0' && t[i + 1] == '0' && t[i + 2] != '0') {
          // "0044 7700 900123": international prefix written as 00 (the first group: dropping its first two
          // digits leaves the groups' digits in a row).
          g.db += 2;
          g.dn -= 2;
          g.plus = true;
        }
        groups_.push_back(std::move(g));
        plus_pending = dollar_pending = false;
        seps = 0;
        i = j;
        continue;
      }
      case kLetterKind: {
        const size_t j = LetterRunEnd(t, i);
        const std::string_view word(t.data() + i, j - i);
        const bool prev_digit = i > 0 && IsDigit(t[i - 1]);
        const bool next_digit = j < n && IsDigit(t[j]);
        if ((prev_digit || next_digit) && IsDigitLookAlikes(word)) {
          // "2lO", "85l", "l494": l and i for 1, o for 0, written against a digit.
          if (seps > 4) end_run();
          Group g;
          g.db = static_cast<uint32_t>(digits_.size());
          g.dn = static_cast<uint32_t>(word.size());
          for (char ch : word) digits_ += ch == 'o' ? '0' : '1';
          g.nb = static_cast<uint32_t>(i);
          g.ne = static_cast<uint32_t>(j);
          g.obfuscated = true;
          g.plus = plus_pending;
          plus_pending = false;
          groups_.push_back(std::move(g));
          seps = 0;
        } else if (MaySplitIntoNumberWords(word) &&  // inline: most words fail here, before the call's set-up
                   DecomposeNumberWords(word, parts) &&
                   (!groups_.empty() || prev_digit || next_digit || parts.size() >= 2 ||
                    SingleNumberWord(word, parts))) {
          if (seps > 4) end_run();
          uint32_t start = static_cast<uint32_t>(i);
          for (const auto& [end_off, digits] : parts) {
            Group g;
            g.db = static_cast<uint32_t>(digits_.size());
            g.dn = static_cast<uint32_t>(std::strlen(digits));
            digits_ += digits;
            g.nb = start;
            g.ne = static_cast<uint32_t>(i + end_off);
            g.obfuscated = true;
            g.plus = plus_pending;
            plus_pending = false;
            start = g.ne;
            groups_.push_back(std::move(g));
          }
          seps = 0;
        } else {
          end_run();
          plus_pending = dollar_pending = false;
        }
        i = j;
        continue;
      }
      case kPlusKind:
        if (seps > 3 || !groups_.empty()) end_run();
        plus_pending = true;
        dollar_pending = false;
        ++i;
        continue;
      case kQuoteKind:
        // A height (5'4, 4'11") is not part of a number: without this, measurement
        // lists such as "25-37, 4'11", 140" read as a 10-digit phone and, at scale,
        // the same false number links unrelated posters. Digit-by-digit obfuscation
        // with apostrophes ("5'0'3'...") is kept: there the inches are one digit
        // followed by another apostrophe.
        if (!groups_.empty() && groups_.back().ne == i && groups_.back().dn == 1 &&
            digits_[groups_.back().db] >= '4' && digits_[groups_.back().db] <= '7') {
          size_t j = i + 1;
          while (j < n && IsDigit(t[j]) && j - i <= 2) ++j;
          const size_t inches = j - i - 1;
          const bool height = inches >= 1 && inches <= 2 && (j >= n || !IsDigit(t[j])) &&
                              (j >= n || t[j] != '\'') && (inches == 2 ? (t[i + 1] == '1' && t[i + 2] <= '1') : true);
          if (height) {
            digits_.resize(groups_.back().db);
            groups_.pop_back();
            end_run();
            plus_pending = dollar_pending = false;
            i = j < n && t[j] == '"' ? j + 1 : j;
            continue;
          }
        }
        ++seps;  // otherwise a separator
        ++i;
        continue;
      case kColonKind:
        // ':' separates digit groups ("760:796:2950") except in clock times ("10:30 pm").
        if (!(i + 2 < n && IsDigit(t[i + 1]) && IsDigit(t[i + 2]) && (i + 3 >= n || !IsDigit(t[i + 3])))) {
          ++seps;
          ++i;
          continue;
        }
        break;  // a clock time's colon ends the run
      case kSepKind:
        ++seps;
        ++i;
        continue;
      case kOther:
        break;
    }
    // Anything else (newline, '$', '@', non-ASCII letters, ...) ends the run. Only a currency sign makes the
    // next number a price: look-alike letters written before a number ("ᗰᏋ: 503...") say nothing about it,
    // and a sign written after digits ("280$. 503-...") belongs to the price before it.
    end_run();
    plus_pending = false;
    size_t len = 1;
    const char32_t cp = DecodeUtf8(t, i, &len);
    const bool currency = c == '$' || (cp >= 0x80 && u_charType(static_cast<UChar32>(cp)) == U_CURRENCY_SYMBOL);
    dollar_pending = currency && !(i > 0 && IsDigit(t[i - 1]));
    i += len;
  }
  end_run();
}

bool IsNumberWords(std::string_view letters) {
  std::vector<std::pair<uint32_t, const char*>> parts;
  return DecomposeNumberWords(letters, parts);
}

namespace {

struct RegionHint {
  const char* word;
  const char* region;
};
constexpr RegionHint kRegionHints[] = {
    {" uk ", "GB"},        {" united kingdom ", "GB"}, {" england ", "GB"},   {" london ", "GB"},
    {" scotland ", "GB"},  {" manchester ", "GB"},     {" glasgow ", "GB"},   {" canada ", "CA"},
    {" toronto ", "CA"},   {" vancouver ", "CA"},      {" montreal ", "CA"},  {" ontario ", "CA"},
    {" mexico ", "MX"},    {" cdmx ", "MX"},           {" guadalajara ", "MX"}, {" tijuana ", "MX"},
    {" cancun ", "MX"},    {" india ", "IN"},          {" mumbai ", "IN"},    {" delhi ", "IN"},
    {" bangalore ", "IN"}, {" australia ", "AU"},      {" sydney ", "AU"},    {" melbourne ", "AU"},
    {" germany ", "DE"},   {" berlin ", "DE"},         {" france ", "FR"},    {" paris ", "FR"},
    {" spain ", "ES"},     {" madrid ", "ES"},         {" barcelona ", "ES"}, {" philippines ", "PH"},
    {" manila ", "PH"},    {" thailand ", "TH"},       {" bangkok ", "TH"},   {" dubai ", "AE"},
    {" ireland ", "IE"},   {" dublin ", "IE"},         {" netherlands ", "NL"}, {" amsterdam ", "NL"},
};

bool IsRegionHint(std::string_view padded) {
  for (const auto& h : kRegionHints) {
    if (padded == h.word) return true;
  }
  return false;
}

bool IsNorthAmerican(const char country[2]) {
  return (country[0] == 'U' && country[1] == 'S') || (country[0] == 'C' && country[1] == 'A');
}

// North American context in a location that also names a foreign city (`hinted`, its ISO code). `loc` is the
// location lower-cased with every non-letter turned into a space, padded with spaces.
bool NorthAmericanContext(std::string_view location, const std::string& loc, const Gazetteer& gz,
                          std::string_view hinted) {
  // State and province codes count only when written in capitals ("Dublin, CA"; "or" and "me" are words) and
  // not when they are the hinted country's own code ("New Delhi, IN", "Amsterdam, NL").
  for (size_t i = 0; i + 1 < location.size(); ++i) {
    const auto up = [](char c) { return c >= 'A' && c <= 'Z'; };
    const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
    if (!up(location[i]) || !up(location[i + 1]) || (i > 0 && alpha(location[i - 1])) ||
        (i + 2 < location.size() && alpha(location[i + 2]))) {
      continue;
    }
    const char code[2] = {location[i], location[i + 1]};
    if (hinted == std::string_view(code, 2)) continue;
    const char key[2] = {static_cast<char>(code[0] + 32), static_cast<char>(code[1] + 32)};
    const GzRegion* r = gz.FindRegion(std::string_view(key, 2));
    if (r && r->is_abbrev && IsNorthAmerican(r->country)) return true;
  }
  // Full state or province names and North American places, by word n-grams.
  std::vector<std::pair<size_t, size_t>> words;  // [begin, end) in loc
  for (size_t i = 0; i < loc.size();) {
    if (loc[i] == ' ') {
      ++i;
      continue;
    }
    const size_t j = loc.find(' ', i);
    words.emplace_back(i, j);
    i = j;
  }
  for (size_t a = 0; a < words.size(); ++a) {
    for (size_t b = a; b < words.size() && b < a + 3; ++b) {
      const std::string_view gram(loc.data() + words[a].first, words[b].second - words[a].first);
      const std::string_view padded(loc.data() + words[a].first - 1, gram.size() + 2);
      if (IsRegionHint(padded)) continue;
      if (const GzRegion* r = gz.FindRegion(gram); r && !r->is_abbrev && IsNorthAmerican(r->country)) return true;
      if (!gz.MaybeKnown(gram)) continue;
      for (const GzPlace& p : gz.Find(gram)) {
        if (IsNorthAmerican(p.country) && !(p.flags & kPlaceCommonWord)) return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string RegionFromLocation(std::string_view location, const Gazetteer* gazetteer) {
  std::string loc;
  loc.reserve(location.size() + 2);
  loc += ' ';
  for (char c : location) loc += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : (IsLetter(c) ? c : ' ');
  loc += ' ';
  // US context wins over a foreign city name ("Paris, TX", "London, KY").
  static constexpr const char* kUsMarks[] = {" usa ", " united states ", " tx ", " ky ", " texas ", " kentucky ",
                                             " ca ",  " california "};
  for (const char* m : kUsMarks) {
    if (loc.find(m) != std::string::npos) return "US";
  }
  for (const auto& h : kRegionHints) {
    if (loc.find(h.word) == std::string::npos) continue;
    // Canada shares the North American plan: nothing to check.
    if (gazetteer && std::strcmp(h.region, "CA") != 0 && NorthAmericanContext(location, loc, *gazetteer, h.region)) {
      return "US";
    }
    return h.region;
  }
  return "US";
}

}  // namespace lodestar::extract
