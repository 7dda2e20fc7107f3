#include "extract/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <mutex>

namespace lodestar::extract {
namespace {

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

// Cyrillic and Greek letters (already case-folded) that ads use in place of
// Latin ones. Only letters whose usual glyph is indistinguishable or nearly so.
char32_t Homoglyph(char32_t c) {
  switch (c) {
    // Cyrillic
    case 0x0430: return 'a';
    case 0x0432: return 'b';
    case 0x0435: return 'e';
    case 0x0451: return 'e';
    case 0x043A: return 'k';
    case 0x043C: return 'm';
    case 0x043D: return 'h';
    case 0x043E: return 'o';
    case 0x0440: return 'p';
    case 0x0441: return 'c';
    case 0x0442: return 't';
    case 0x0443: return 'y';
    case 0x0445: return 'x';
    case 0x0456: return 'i';
    case 0x0457: return 'i';
    case 0x0458: return 'j';
    case 0x0455: return 's';
    case 0x0501: return 'd';
    case 0x04CF: return 'l';
    case 0x0433: return 'r';  // г: lower-case glyph resembles r in many fonts
    case 0x043F: return 'n';  // п
    case 0x0437: return '3';  // з
    case 0x0431: return '6';  // б
    // Greek
    case 0x03B1: return 'a';
    case 0x03B2: return 'b';
    case 0x03B5: return 'e';
    case 0x03B7: return 'n';
    case 0x03B9: return 'i';
    case 0x03BA: return 'k';
    case 0x03BD: return 'v';
    case 0x03BF: return 'o';
    case 0x03C1: return 'p';
    case 0x03C4: return 't';
    case 0x03C5: return 'u';
    case 0x03C7: return 'x';
    case 0x03C9: return 'w';
    case 0x03B3: return 'y';
    case 0x03BC: return 'u';
    case 0x03C2: return 's';
    case 0x03C3: return 'o';
    // Latin look-alikes outside ASCII that NFKC keeps
    case 0x0131: return 'i';  // dotless i
    case 0x0261: return 'g';
    case 0x0251: return 'a';
    case 0x0269: return 'i';
    case 0x1D00: return 'a';
    case 0x0299: return 'b';
    case 0x1D04: return 'c';
    case 0x1D05: return 'd';
    case 0x1D07: return 'e';
    case 0x0262: return 'g';
    case 0x029C: return 'h';
    case 0x026A: return 'i';
    case 0x1D0A: return 'j';
    case 0x1D0B: return 'k';
    case 0x029F: return 'l';
    case 0x1D0D: return 'm';
    case 0x0274: return 'n';
    case 0x1D0F: return 'o';
    case 0x1D18: return 'p';
    case 0x0280: return 'r';
    case 0xA731: return 's';
    case 0x1D1B: return 't';
    case 0x1D1C: return 'u';
    case 0x1D20: return 'v';
    case 0x1D21: return 'w';
    case 0x028F: return 'y';
    case 0x1D22: return 'z';
    case 0x00F8: return 'o';  // ø
    default: return c;
  }
}

// Upper-case Greek and Cyrillic letters that look like Latin capitals; mapped
// before case folding, which would turn them into lower-case forms that look
// different (Greek N -> nu, which looks like v).
char32_t UpperHomoglyph(char32_t c) {
  switch (c) {
    case 0x0391: return 'a'; case 0x0392: return 'b'; case 0x0395: return 'e'; case 0x0396: return 'z';
    case 0x0397: return 'h'; case 0x0399: return 'i'; case 0x039A: return 'k'; case 0x039C: return 'm';
    case 0x039D: return 'n'; case 0x039F: return 'o'; case 0x03A1: return 'p'; case 0x03A4: return 't';
    case 0x03A5: return 'y'; case 0x03A7: return 'x';
    case 0x0410: return 'a'; case 0x0412: return 'b'; case 0x0415: return 'e'; case 0x041A: return 'k';
    case 0x041C: return 'm'; case 0x041D: return 'h'; case 0x041E: return 'o'; case 0x0420: return 'p';
    case 0x0421: return 'c'; case 0x0422: return 't'; case 0x0425: return 'x'; case 0x0423: return 'y';
    case 0x0406: return 'i'; case 0x0408: return 'j'; case 0x0405: return 's';
    default: return 0;
  }
}

// Code points whose fold is decided before ICU: enclosed digits NFKC leaves
// alone, keycaps, quotes/primes and dashes.
// Assigns by pushing bytes: GCC 12 reports a false -Wrestrict on short literal assignments here.
void Set(std::string& out, std::string_view s) {
  out.clear();
  for (char c : s) out.push_back(c);
}
void Set(std::string& out, char c) {
  out.clear();
  out.push_back(c);
}
void SetNum(std::string& out, unsigned v) {
  out.clear();
  if (v >= 10) out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

bool SpecialFold(char32_t c, std::string& out) {
  if (c >= 0x2776 && c <= 0x277E) { Set(out, static_cast<char>('1' + (c - 0x2776))); return true; }
  if (c >= 0x2780 && c <= 0x2788) { Set(out, static_cast<char>('1' + (c - 0x2780))); return true; }
  if (c >= 0x278A && c <= 0x2792) { Set(out, static_cast<char>('1' + (c - 0x278A))); return true; }
  if (c == 0x277F || c == 0x2789 || c == 0x2793 || c == 0x1F51F) { Set(out, "10"); return true; }
  if (c >= 0x24EB && c <= 0x24F4) { SetNum(out, static_cast<unsigned>(11 + (c - 0x24EB))); return true; }
  if (c >= 0x24F5 && c <= 0x24FD) { Set(out, static_cast<char>('1' + (c - 0x24F5))); return true; }
  if (c == 0x24FE) { Set(out, "10"); return true; }
  if (c == 0x24FF || c == 0x24EA || c == 0x1F10B || c == 0x1F10C || c == 0x1F100) { Set(out, "0"); return true; }
  switch (c) {
    case 0x20E3: case 0xFE0F: case 0xFE0E: case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
    case 0x00AD:
      Set(out, "");
      return true;
    case 0x2018: case 0x2019: case 0x201A: case 0x201B: case 0x2032: case 0x00B4: case 0x02BC: case 0x0060:
      Set(out, "'");
      return true;
    case 0x201C: case 0x201D: case 0x201E: case 0x2033: case 0x02BA:
      Set(out, "\"");
      return true;
    case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2212: case 0xFE58:
    case 0xFE63: case 0xFF0D:
      Set(out, "-");
      return true;
    case 0x00B0: case 0x2022: case 0x00B7: case 0x2219: case 0x22C5: case 0x2027:
      Set(out, " ");
      return true;
    case 0x20AC: Set(out, "\xE2\x82\xAC"); return true;  // € kept (currency)
    case 0x00A3: Set(out, "\xC2\xA3"); return true;      // £ kept
    default:
      return false;
  }
}

class FoldTables {
 public:
  FoldTables() {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    status = U_ZERO_ERROR;
    nfd_ = icu::Normalizer2::getNFDInstance(status);
    bmp_.fill(0);
    for (char32_t c = 0x80; c < 0x10000; ++c) bmp_[c] = Store(Fold(c));
    for (char32_t c = 0x1D400; c < 0x1D800; ++c) math_[c - 0x1D400] = Store(Fold(c));
    for (char32_t c = 0x1F100; c < 0x1F200; ++c) encl_[c - 0x1F100] = Store(Fold(c));
  }

  // Appends the fold of non-ASCII `c` to out.
  std::string_view Lookup(char32_t c, std::string& tmp) const {
    uint32_t e;
    if (c < 0x10000) {
      e = bmp_[c];
    } else if (c >= 0x1D400 && c < 0x1D800) {
      e = math_[c - 0x1D400];
    } else if (c >= 0x1F100 && c < 0x1F200) {
      e = encl_[c - 0x1F100];
    } else {
      // Rare planes: emoji and other symbols become a space; letters go through ICU.
      const int8_t type = u_charType(static_cast<UChar32>(c));
      if (c == 0x1F51F) return "10";
      if (type == U_OTHER_SYMBOL || type == U_MATH_SYMBOL || type == U_MODIFIER_SYMBOL ||
          type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR) {
        return " ";
      }
      if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return "";
      tmp = Fold(c);
      return tmp;
    }
    return std::string_view(pool_.data() + (e >> 8), e & 0xFF);
  }

 private:
  uint32_t Store(const std::string& s) {
    const uint32_t off = static_cast<uint32_t>(pool_.size());
    pool_ += s.substr(0, 255);
    return (off << 8) | static_cast<uint32_t>(std::min<size_t>(s.size(), 255));
  }

  std::string Fold(char32_t c) const {
    std::string out;
    if (SpecialFold(c, out)) return out;
    if (const char32_t up = UpperHomoglyph(c)) {
      Set(out, static_cast<char>(up));
      return out;
    }
    const int8_t type = u_charType(static_cast<UChar32>(c));
    if (type == U_CONTROL_CHAR) return c == 0x85 ? "\n" : " ";
    if (type == U_FORMAT_CHAR || type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) return "";
    if (type == U_SURROGATE || type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR) return " ";
    if (type == U_SPACE_SEPARATOR || type == U_LINE_SEPARATOR || type == U_PARAGRAPH_SEPARATOR) return " ";
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString in(static_cast<UChar32>(c));
    icu::UnicodeString folded = nfkc_cf_ ? nfkc_cf_->normalize(in, status) : in;
    if (U_FAILURE(status)) folded = in;
    status = U_ZERO_ERROR;
    icu::UnicodeString decomposed = nfd_ ? nfd_->normalize(folded, status) : folded;
    if (U_FAILURE(status)) decomposed = folded;
    for (int32_t i = 0; i < decomposed.length();) {
      UChar32 ch = decomposed.char32At(i);
      i += U16_LENGTH(ch);
      const int8_t t = u_charType(ch);
      if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR) continue;
      std::string special;
      if (SpecialFold(static_cast<char32_t>(ch), special)) {
        out += special;
        continue;
      }
      ch = static_cast<UChar32>(Homoglyph(static_cast<char32_t>(ch)));
      if (ch < 0x80) {
        out += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
      } else if (t == U_DECIMAL_DIGIT_NUMBER) {
        out += static_cast<char>('0' + u_charDigitValue(ch));
      } else if (u_isalpha(ch)) {
        AppendUtf8(out, static_cast<char32_t>(ch));
      } else if (t == U_CURRENCY_SYMBOL) {
        AppendUtf8(out, static_cast<char32_t>(ch));
      } else {
        out += ' ';
      }
    }
    return out;
  }

  const icu::Normalizer2* nfkc_cf_ = nullptr;
  const icu::Normalizer2* nfd_ = nullptr;
  std::string pool_;
  std::array<uint32_t, 0x10000> bmp_;
  std::array<uint32_t, 0x400> math_{};
  std::array<uint32_t, 0x100> encl_{};
};

const FoldTables& Tables() {
  static const auto* tables = new FoldTables();  // never destroyed: used until exit
  return *tables;
}

// The fold of each ASCII byte: lower case, control characters other than '\n' and DEL to a space, '`' to '\''.
constexpr auto kAsciiFold = [] {
  std::array<char, 128> t{};
  for (int b = 0; b < 128; ++b) {
    char ch = static_cast<char>(b);
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    else if (b < 0x20 && ch != '\n') ch = ' ';
    else if (b == 0x7F) ch = ' ';
    else if (ch == '`') ch = '\'';
    t[b] = ch;
  }
  return t;
}();

constexpr bool IsAsciiLetter(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsWordByte(char c) {
  return IsAsciiLetter(c) || IsAsciiDigit(c) || (static_cast<unsigned char>(c) >= 0x80);
}
inline bool IsSpacingSep(char c) {
  return c == ' ' || c == '.' || c == '-' || c == '*' || c == '_' || c == '~' || c == '|' || c == '+';
}

// Both passes below only ever drop bytes, so they run in place: every store goes below the write index w, and
// w never passes the read index i. So every byte a pass reads (t[i - 1] and on) still holds its original value:
// index i - 1 is only ever stored to while nothing has been dropped (w == i), when stores copy a byte onto itself.
// Kept stretches move as blocks; nothing moves at all until the first drop.
inline void MoveBlock(NormText& io, size_t w, size_t from, size_t to) {
  if (w == from || to == from) return;
  const size_t len = to - from;
  std::memmove(io.text.data() + w, io.text.data() + from, len);
  std::memmove(io.src_begin.data() + w, io.src_begin.data() + from, len * sizeof(uint32_t));
  std::memmove(io.src_end.data() + w, io.src_end.data() + from, len * sizeof(uint32_t));
}
inline void Keep(NormText& io, size_t w, size_t i) {
  io.text[w] = io.text[i];
  io.src_begin[w] = io.src_begin[i];
  io.src_end[w] = io.src_end[i];
}
inline void Shrink(NormText& io, size_t w) {
  io.text.resize(w);
  io.src_begin.resize(w);
  io.src_end.resize(w);
}

// Byte-parallel tests on eight bytes loaded little-endian: 0x80 in each byte that passes, 0 elsewhere.
constexpr uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
// Zero bytes, exactly (no borrow from one byte into the next, so every flag is true, not just the lowest).
inline uint64_t ZeroBytes(uint64_t x) { return ~(((x & ~kHighs) + ~kHighs) | x) & kHighs; }

// Where CollapsePass may drop bytes: a doubled space, or a byte repeated three times (the pass decides).
inline bool MayCollapseAt(std::string_view t, size_t p) {
  return t[p] == t[p + 1] && (t[p] == ' ' || (p + 2 < t.size() && t[p + 2] == t[p]));
}

// The first position at or after p where MayCollapseAt holds, or one where p + 1 >= t.size(). Sixteen positions at a
// time with SSE2, then eight at a time where the host is little-endian: runs of 3+ equal bytes and doubled spaces
// are rare in ad text.
size_t NextMayCollapse(std::string_view t, size_t p) {
  const size_t n = t.size();
#if defined(__SSE2__)
  const __m128i spaces = _mm_set1_epi8(' ');
  while (p + 18 <= n) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p + 1));
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p + 2));
    const __m128i tripled_or_space = _mm_or_si128(_mm_cmpeq_epi8(a, c), _mm_cmpeq_epi8(a, spaces));
    const auto may = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, b), tripled_or_space)));
    if (may) return p + static_cast<size_t>(std::countr_zero(may));
    p += 16;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    while (p + 10 <= n) {  // eight positions at a time
      uint64_t a, b, c;
      std::memcpy(&a, t.data() + p, 8);
      std::memcpy(&b, t.data() + p + 1, 8);
      std::memcpy(&c, t.data() + p + 2, 8);
      const uint64_t may = ZeroBytes(a ^ b) & (ZeroBytes(a ^ c) | ZeroBytes(a ^ (kOnes * ' ')));
      if (may) return p + static_cast<size_t>(std::countr_zero(may)) / 8;
      p += 8;
    }
  }
  while (p + 1 < n && !MayCollapseAt(t, p)) ++p;
  return p;
}

// Pass 2: collapse runs of spaces; shorten a letter repeated 3+ times to one
// ("sooo" -> "so") unless next to a digit (it may be a zero look-alike) or 'w'.
// Each position is read as a fresh start: a run left alone because a digit touches its first byte is
// re-read from its second byte, where it may still collapse ("5oooo" -> "5oo").
void CollapsePass(NormText& io) {
  const std::string& t = io.text;
  const size_t n = t.size();
  // Where reading starts anything but a one-byte keep: only where a byte equals the next can that happen.
  // Returns the run end j (> i + 1) to collapse [i, j) into one byte, or 0.
  auto collapse_end = [&](size_t i) -> size_t {
    const char c = t[i];
    if (c == ' ') {
      size_t j = i + 1;
      while (j < n && t[j] == ' ') ++j;
      return j;
    }
    if (!IsAsciiLetter(c) || c == 'w' || i + 2 >= n || t[i + 2] != c) return 0;
    size_t j = i + 3;
    while (j < n && t[j] == c) ++j;
    if ((i > 0 && IsAsciiDigit(t[i - 1])) || (j < n && IsAsciiDigit(t[j]))) return 0;
    return j;
  };
  size_t w = 0, i = 0;
  while (i + 1 < n) {
    // Find the next position that may collapse (a doubled space, or a byte equal to the next two), then see
    // whether it does. Doubled letters ("ll", "ee") are common in text and passed over here.
    const size_t p = NextMayCollapse(t, i);
    if (p + 1 >= n) break;
    const size_t j = collapse_end(p);
    if (j == 0) {
      // A one-byte keep at p; the run continues from p + 1.
      MoveBlock(io, w, i, p + 1);
      w += p + 1 - i;
      i = p + 1;
      continue;
    }
    MoveBlock(io, w, i, p);
    w += p - i;
    const uint32_t end = io.src_end[j - 1];
    Keep(io, w, p);
    io.src_end[w] = end;
    ++w;
    i = j;
  }
  if (w == i) return;  // nothing dropped
  MoveBlock(io, w, i, n);
  Shrink(io, w + (n - i));
}

// A letter standing alone: no word byte on either side.
inline bool SingleLetterAt(std::string_view t, size_t i) {
  const size_t n = t.size();
  return i < n && IsAsciiLetter(t[i]) && (i == 0 || !IsWordByte(t[i - 1])) && (i + 1 >= n || !IsWordByte(t[i + 1]));
}

// From the single letter at p, follows single letters separated by 1-3 spacing characters ("y o u n g", "h.o.t").
// Returns the position of the last letter reached; *count is how many letters (1 when none follows).
inline size_t SpacedLettersEnd(std::string_view t, size_t p, size_t* count) {
  const size_t n = t.size();
  size_t last = p;
  *count = 1;
  while (true) {
    size_t s = last + 1, seps = 0;
    while (s < n && IsSpacingSep(t[s]) && seps < 4) ++s, ++seps;
    if (seps == 0 || seps > 3 || !SingleLetterAt(t, s)) break;
    last = s;
    ++*count;
  }
  return last;
}

// Bit k set where t[at + k] is a lower-case ASCII letter (*letters), or a word byte (IsWordByte: letter, digit or
// byte >= 0x80; *words), for the 64 bytes from `at`. Bytes past the end of t read as '\0', which is neither.
inline void LetterAndWordMasks64(std::string_view t, size_t at, uint64_t* letters, uint64_t* words) {
#if defined(__SSE2__)
  uint64_t l = 0, w = 0;
  for (size_t k = 0; k < 64; k += 16) {
    __m128i x;
    if (at + k + 16 <= t.size()) {
      x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + at + k));
    } else if (at + k < t.size()) {
      alignas(16) char buf[16] = {};
      std::memcpy(buf, t.data() + at + k, t.size() - at - k);
      x = _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
    } else {
      break;
    }
    // Unsigned range tests with signed compares: adding 128 - lo moves [lo, lo + n) to [-128, -128 + n), and
    // everything else above it.
    const auto in_range = [&x](char lo, int n) {
      return _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - lo))),
                            _mm_set1_epi8(static_cast<char>(-128 + n)));
    };
    const auto letter = static_cast<uint32_t>(_mm_movemask_epi8(in_range('a', 26)));
    const auto digit = static_cast<uint32_t>(_mm_movemask_epi8(in_range('0', 10)));
    const auto high = static_cast<uint32_t>(_mm_movemask_epi8(x));  // the sign bits: bytes >= 0x80
    l |= uint64_t{letter} << k;
    w |= uint64_t{letter | digit | high} << k;
  }
  *letters = l;
  *words = w;
#else
  *letters = *words = 0;
  for (size_t k = 0; k < 64 && at + k < t.size(); ++k) {
    *letters |= uint64_t{IsAsciiLetter(t[at + k])} << k;
    *words |= uint64_t{IsWordByte(t[at + k])} << k;
  }
#endif
}

// Sixty-four positions whose single letters NextSingleLetter has found; asked again for a position inside them, it
// answers from the mask instead of reading the block again.
struct SingleLetterBlock {
  size_t start = SIZE_MAX - 64;  // none yet
  uint64_t mask = 0;             // bit k: position start + k holds a single letter
};

// The first position at or after p holding a single letter (SingleLetterAt), or t.size(). Sixty-four positions at
// a time, from masks of the letters and word bytes shifted one bit either way for the neighbours: most ad text has
// no single letter for dozens of bytes. `block` carries what one call learnt to the next: bytes from p - 1 on must
// be as it read them.
size_t NextSingleLetter(std::string_view t, size_t p, SingleLetterBlock& block) {
  const size_t n = t.size();
  if (p >= block.start && p < block.start + 64) {
    if (const uint64_t rest = block.mask & (~uint64_t{0} << (p - block.start))) {
      return block.start + static_cast<size_t>(std::countr_zero(rest));
    }
    p = block.start + 64;
  }
  // Word flag of the byte before the block (none before the text), carried from block to block.
  uint64_t prev_word = p > 0 && p <= n && IsWordByte(t[p - 1]) ? 1 : 0;
  for (; p < n; p += 64) {
    uint64_t letter, word;
    LetterAndWordMasks64(t, p, &letter, &word);
    const uint64_t next_word = p + 64 < n && IsWordByte(t[p + 64]) ? 1 : 0;  // none after the text
    const uint64_t before = (word << 1) | prev_word;      // bit k: is byte k - 1 a word byte
    const uint64_t after = (word >> 1) | (next_word << 63);  // bit k: is byte k + 1 a word byte
    if (const uint64_t single = letter & ~before & ~after) {
      block = {p, single};
      return p + static_cast<size_t>(std::countr_zero(single));
    }
    prev_word = word >> 63;
  }
  return n;
}

// Pass 3: joins letter-spaced words: 3+ single letters separated by 1-3
// spacing characters ("y o u n g", "h.o.t") become one word.
void JoinSpacedPass(NormText& io) {
  const std::string& t = io.text;
  const size_t n = t.size();
  size_t w = 0, i = 0;  // bytes [i, n) are unread; [w, i) is free
  size_t p = 0;         // scan position: no join starts in [i, p)
  SingleLetterBlock block;
  while ((p = NextSingleLetter(t, p, block)) < n) {
    size_t count;
    const size_t last = SpacedLettersEnd(t, p, &count);
    if (count < 3) {
      ++p;
      continue;
    }
    MoveBlock(io, w, i, p);
    w += p - i;
    for (size_t r = p; r <= last; ++r) {
      if (IsAsciiLetter(t[r])) Keep(io, w++, r);
    }
    i = p = last + 1;
  }
  if (w == i) return;
  MoveBlock(io, w, i, n);
  Shrink(io, w + (n - i));
}

// kAsciiFold on sixteen ASCII bytes at once (GCC vector extensions: SSE2 on x86-64, plain code elsewhere).
inline void FoldAscii16(const unsigned char* src, char* dst) {
  using Bytes = unsigned char __attribute__((vector_size(16)));
  Bytes x;
  std::memcpy(&x, src, 16);
  const Bytes upper = (x >= 'A') & (x <= 'Z');  // comparisons give 0xFF where true
  x += upper & 0x20;
  const Bytes to_space = ((x < 0x20) & (x != '\n')) | (x == 0x7F);
  const Bytes quote = x == '`';
  x = (x & ~(to_space | quote)) | (to_space & ' ') | (quote & '\'');
  std::memcpy(dst, &x, 16);
}

#if defined(__SSE2__)
// kAsciiFold on sixteen bytes none of which is a control byte other than '\n', DEL or '`' (A-Z to a-z, the rest
// unchanged); bytes >= 0x80 come out as garbage. Adding 128 - 'A' moves A-Z to the 26 lowest signed values.
inline __m128i FoldCaseBlock(__m128i x) {
  const __m128i upper = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8(static_cast<char>(128 - 'A'))),
                                       _mm_set1_epi8(static_cast<char>(-128 + 26)));
  return _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
}

// kAsciiFold on sixteen bytes; bytes >= 0x80 come out as garbage (comparisons are signed, so they read as negative).
inline __m128i FoldAsciiBlock(__m128i x) {
  const __m128i upper =
      _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('A' - 1)), _mm_cmplt_epi8(x, _mm_set1_epi8('Z' + 1)));
  x = _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
  const __m128i newline = _mm_cmpeq_epi8(x, _mm_set1_epi8('\n'));
  const __m128i control = _mm_andnot_si128(newline, _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
  const __m128i to_space = _mm_or_si128(control, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)));
  const __m128i to_quote = _mm_cmpeq_epi8(x, _mm_set1_epi8('`'));
  const __m128i replaced =
      _mm_or_si128(_mm_and_si128(to_space, _mm_set1_epi8(' ')), _mm_and_si128(to_quote, _mm_set1_epi8('\'')));
  return _mm_or_si128(_mm_andnot_si128(_mm_or_si128(to_space, to_quote), x), replaced);
}

// Folds the ASCII bytes of s from i on into tp, with their offsets into bp and ep, sixteen at a time: one pass that
// finds the run's end, folds and fills the offset map. Stops at the first non-ASCII byte and returns how many bytes
// it folded. Stores whole blocks, so the caller must have room for n - i bytes at tp, bp and ep; what lies past the
// returned count is overwritten later or cut off.
inline size_t FoldAsciiBlocks(const unsigned char* s, size_t i, size_t n, char* tp, uint32_t* bp, uint32_t* ep) {
  // Offsets of the block's sixteen bytes, four to a register, kept in registers and stepped by sixteen per block.
  __m128i begin[4], end[4];
  for (int q = 0; q < 4; ++q) {
    begin[q] = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(i + 4 * q)), _mm_setr_epi32(0, 1, 2, 3));
    end[q] = _mm_add_epi32(begin[q], _mm_set1_epi32(1));
  }
  const __m128i sixteen = _mm_set1_epi32(16);
  size_t k = 0;
  while (i + k + 16 <= n) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + k));
    for (int q = 0; q < 4; ++q) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(bp + k + 4 * q), begin[q]);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(ep + k + 4 * q), end[q]);
      begin[q] = _mm_add_epi32(begin[q], sixteen);
      end[q] = _mm_add_epi32(end[q], sixteen);
    }
    // Most blocks are letters, digits, punctuation, spaces and newlines, which fold by case alone. A signed
    // compare with 0x20 marks the control bytes and every byte >= 0x80 at once.
    const __m128i rare = _mm_or_si128(
        _mm_andnot_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), _mm_cmplt_epi8(x, _mm_set1_epi8(0x20))),
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)), _mm_cmpeq_epi8(x, _mm_set1_epi8('`'))));
    if (_mm_movemask_epi8(rare) == 0) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(tp + k), FoldCaseBlock(x));
      k += 16;
      continue;
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tp + k), FoldAsciiBlock(x));
    const auto high = static_cast<unsigned>(_mm_movemask_epi8(x));
    if (high != 0) return k + static_cast<size_t>(std::countr_zero(high));
    k += 16;
  }
  // Fewer than sixteen bytes left (the end of every text): when the run is longer than that and its last sixteen
  // bytes are all ASCII, fold them as one block that starts before i + k. The bytes it reads again were folded above,
  // one to one, so it rewrites their places with the same values.
  if (i + k == n || i + 16 > n) return k;
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + n - 16));
  if (_mm_movemask_epi8(x) != 0) return k;
  const size_t at = n - 16 - i;  // where the block goes, relative to tp
  _mm_storeu_si128(reinterpret_cast<__m128i*>(tp + at), FoldAsciiBlock(x));
  for (int q = 0; q < 4; ++q) {
    const __m128i first = _mm_add_epi32(_mm_set1_epi32(static_cast<int>(n - 16 + 4 * q)), _mm_setr_epi32(0, 1, 2, 3));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(bp + at + 4 * q), first);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(ep + at + 4 * q), _mm_add_epi32(first, _mm_set1_epi32(1)));
  }
  return n - i;
}
#endif

// The first byte at or after `i` that is not ASCII, or `n`; eight bytes at a time.
inline size_t AsciiRunEnd(const char* s, size_t i, size_t n) {
  while (i + 8 <= n) {
    uint64_t v;
    std::memcpy(&v, s + i, 8);
    if (v & 0x8080808080808080ull) break;
    i += 8;
  }
  while (i < n && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// The straightforward per-byte forms of passes 2 and 3, kept as the reference the block-moving passes above are
// tested against (NormalizeReference).
// Pass 2: collapse runs of spaces; shorten a letter repeated 3+ times to one
// ("sooo" -> "so") unless next to a digit (it may be a zero look-alike) or 'w'.
void CollapsePassReference(NormText& io) {
  const std::string& t = io.text;
  const size_t n = t.size();
  // Fast path: bytes before the first double space or tripled letter are unchanged.
  auto changes_at = [&](size_t i) {
    return t[i] == t[i + 1] &&
           (t[i] == ' ' || (i + 2 < n && t[i] == t[i + 2] && IsAsciiLetter(t[i]) && t[i] != 'w'));
  };
  size_t start = 0;
  while (start + 1 < n && !changes_at(start)) ++start;
  if (start + 1 >= n) return;
  size_t w = start;
  for (size_t i = start; i < n;) {
    const char c = t[i];
    size_t j = i + 1;
    if (c == ' ') {
      while (j < n && t[j] == ' ') ++j;
    } else if (IsAsciiLetter(c) && c != 'w') {
      while (j < n && t[j] == c) ++j;
      if (j - i < 3 || (i > 0 && IsAsciiDigit(t[i - 1])) || (j < n && IsAsciiDigit(t[j]))) j = i + 1;
    }
    if (w != i || j != i + 1) {
      const uint32_t end = io.src_end[j - 1];
      Keep(io, w, i);
      io.src_end[w] = end;
    }
    ++w;
    i = j;
  }
  Shrink(io, w);
}

// Pass 3: joins letter-spaced words: 3+ single letters separated by 1-3
// spacing characters ("y o u n g", "h.o.t") become one word.
void JoinSpacedPassReference(NormText& io) {
  const std::string& t = io.text;
  const size_t n = t.size();
  size_t w = 0;
  for (size_t i = 0; i < n;) {
    if (SingleLetterAt(t, i)) {
      size_t count;
      const size_t last = SpacedLettersEnd(t, i, &count);
      if (count >= 3) {
        for (size_t p = i; p <= last; ++p) {
          if (IsAsciiLetter(t[p])) Keep(io, w++, p);
        }
        i = last + 1;
        continue;
      }
    }
    if (w != i) Keep(io, w, i);
    ++w;
    ++i;
  }
  Shrink(io, w);
}

}  // namespace

// Decodes one code point at s[i]; invalid or truncated sequences read as U+FFFD
// and consume one byte, so every byte is consumed exactly once.
char32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *len = 1;
    return b0;
  }
  auto cont = [&](size_t k) -> int {
    if (i + k >= s.size()) return -1;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return (b & 0xC0) == 0x80 ? (b & 0x3F) : -1;
  };
  *len = 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    int c1 = cont(1);
    if (c1 < 0) return 0xFFFD;
    *len = 2;
    return ((b0 & 0x1F) << 6) | c1;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 < 0 || c2 < 0) return 0xFFFD;
    char32_t cp = ((b0 & 0x0F) << 12) | (c1 << 6) | c2;
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
    *len = 3;
    return cp;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 < 0 || c2 < 0 || c3 < 0) return 0xFFFD;
    char32_t cp = ((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
    if (cp < 0x10000 || cp > 0x10FFFF) return 0xFFFD;
    *len = 4;
    return cp;
  }
  return 0xFFFD;
}

void InitNormalizer() { (void)Tables(); }

namespace {

// Pass 1: folds each code point; `fast` selects the block-at-a-time ASCII path (with SSE2: run end, fold and offset
// map in one pass over sixteen-byte blocks; elsewhere word-at-a-time run detection and a vectorised copy).
void FoldPass(std::string_view in, NormText& out, bool fast) {
  const FoldTables& tables = Tables();
  NormText& a = out;  // pass 1 writes here; passes 2 and 3 work in place
  // Folded text is at most a few bytes per input byte for ASCII-heavy ads; grow on demand.
  size_t cap = in.size() + 64;
  a.text.resize(cap);
  a.src_begin.resize(cap);
  a.src_end.resize(cap);
  size_t w = 0;
  std::string tmp;
  auto ensure = [&](size_t extra) {
    if (w + extra > cap) {
      cap = (w + extra) * 2;
      a.text.resize(cap);
      a.src_begin.resize(cap);
      a.src_end.resize(cap);
    }
  };
  for (size_t i = 0; i < in.size();) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    if (b0 < 0x80) {
      // A run of ASCII bytes (most of an ad) folds byte for byte: one capacity check for the run, then a tight
      // loop over raw pointers.
      if (!fast) {
        size_t j = i + 1;
        while (j < in.size() && static_cast<unsigned char>(in[j]) < 0x80) ++j;
        ensure(j - i);
        for (size_t k = i; k < j; ++k) {
          a.text[w] = kAsciiFold[static_cast<unsigned char>(in[k])];
          a.src_begin[w] = static_cast<uint32_t>(k);
          a.src_end[w] = static_cast<uint32_t>(k + 1);
          ++w;
        }
        i = j;
        continue;
      }
#if defined(__SSE2__)
      // Room for the rest of the input as one ASCII run, so whole blocks can be stored. What the blocks leave (a
      // text shorter than sixteen bytes, or a short tail after a non-ASCII byte) goes the word-at-a-time way below.
      ensure(in.size() - i);
      const size_t done = FoldAsciiBlocks(reinterpret_cast<const unsigned char*>(in.data()), i, in.size(),
                                          a.text.data() + w, a.src_begin.data() + w, a.src_end.data() + w);
      w += done;
      i += done;
      if (i == in.size() || static_cast<unsigned char>(in[i]) >= 0x80) continue;
#endif
      const size_t j = AsciiRunEnd(in.data(), i + 1, in.size());
      const size_t len = j - i;
      ensure(len);
      // Three separate loops: each vectorises (one store stream of one type per loop).
      char* __restrict tp = a.text.data() + w;
      const unsigned char* __restrict src = reinterpret_cast<const unsigned char*>(in.data()) + i;
      size_t k = 0;
      for (; k + 16 <= len; k += 16) FoldAscii16(src + k, tp + k);
      for (; k < len; ++k) tp[k] = kAsciiFold[src[k]];
      uint32_t* __restrict bp = a.src_begin.data() + w;
      for (size_t k = 0; k < len; ++k) bp[k] = static_cast<uint32_t>(i + k);
      uint32_t* __restrict ep = a.src_end.data() + w;
      for (size_t k = 0; k < len; ++k) ep[k] = static_cast<uint32_t>(i + k + 1);
      w += len;
      i = j;
      continue;
    }
    size_t len;
    const char32_t c = DecodeUtf8(in, i, &len);
    const std::string_view f = tables.Lookup(c, tmp);
    ensure(f.size());
    for (char fc : f) {
      a.text[w] = fc;
      a.src_begin[w] = static_cast<uint32_t>(i);
      a.src_end[w] = static_cast<uint32_t>(i + len);
      ++w;
    }
    i += len;
  }
  a.text.resize(w);
  a.src_begin.resize(w);
  a.src_end.resize(w);
}

}  // namespace

void Normalize(std::string_view in, NormText& out) {
  FoldPass(in, out, true);
  CollapsePass(out);
  JoinSpacedPass(out);
}

void NormalizeReference(std::string_view in, NormText& out) {
  FoldPass(in, out, false);
  CollapsePassReference(out);
  JoinSpacedPassReference(out);
}

}  // namespace lodestar::extract
