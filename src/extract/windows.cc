#include "extract/windows.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "extract/ascii.h"
#include "extract/byte_masks.h"

namespace lodestar::extract {
namespace {

inline bool IsSpace(char c) { return IsRe2Space(static_cast<unsigned char>(c)); }
inline bool IsDigit(char c) { return IsAsciiDigit(static_cast<unsigned char>(c)); }
inline bool IsLower(char c) { return IsAsciiLower(static_cast<unsigned char>(c)); }

size_t SkipSpaces(std::string_view t, size_t i) {
  while (i < t.size() && IsSpace(t[i])) ++i;
  return i;
}

// [a-z0-9.-]: what a domain (and a TLD, "co.uk") is made of.
inline bool IsDomainByte(char c) { return IsLower(c) || IsDigit(c) || c == '.' || c == '-'; }
inline bool IsLocalByte(char c) {
  return IsLower(c) || IsDigit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Matches of the e-mail pattern using the separator at [sb, se) (see EmailWindows).
void AddEmailWindow(std::string_view t, size_t sb, size_t se, std::vector<Window>& out) {
  // The local part ([a-z0-9][a-z0-9._%+-]{0,63}) ends where the white space before the separator begins.
  size_t e = sb;
  while (e > 0 && IsSpace(t[e - 1])) --e;
  size_t s = e;
  while (s > 0 && e - s < 64 && IsLocalByte(t[s - 1])) --s;
  // Every match through this separator has the same tail, so the leftmost one starts at the first byte that can
  // start a local part: the window begins there (see EmailWindows in windows.h).
  while (s < e && !(IsLower(t[s]) || IsDigit(t[s]))) ++s;
  if (s == e) return;
  // After it: white space, the domain, white space, the dot ('.', "(dot)", "[dot]", "dot"), white space, the
  // TLD. The domain run may already hold the dot and the TLD; the walk only ever goes further than the match.
  size_t q = SkipSpaces(t, se);
  if (q >= t.size() || !(IsLower(t[q]) || IsDigit(t[q]))) return;  // the domain starts [a-z0-9]
  const size_t domain = q;
  while (q < t.size() && IsDomainByte(t[q])) ++q;
  const bool dot_inside = t.substr(domain, q - domain).find('.') != std::string_view::npos;
  q = SkipSpaces(t, q);
  const std::string_view rest = t.substr(q);
  if (rest.substr(0, 5) == "(dot)" || rest.substr(0, 5) == "[dot]") q += 5;
  else if (rest.substr(0, 3) == "dot") q += 3;
  else if (!rest.empty() && rest[0] == '.') q += 1;
  else if (!dot_inside) return;  // no dot of any kind after the domain: no match
  q = SkipSpaces(t, q);
  while (q < t.size() && IsDomainByte(t[q])) ++q;
  out.push_back({s, q});
}

}  // namespace

void EmailWindows(std::string_view t, std::vector<Window>& out) {
  for (size_t p = t.find('@'); p != std::string_view::npos; p = t.find('@', p + 1)) AddEmailWindow(t, p, p + 1, out);
  AnyBytePair(t, 'a', 't', [&](size_t p) {
    if (p == 0 || p + 2 >= t.size()) return false;
    const char before = t[p - 1], after = t[p + 2];
    if ((before == '(' && after == ')') || (before == '[' && after == ']') || (before == '{' && after == '}')) {
      AddEmailWindow(t, p - 1, p + 3, out);
    } else if (IsSpace(before) && IsSpace(after)) {
      AddEmailWindow(t, p, p + 2, out);  // "\s+at\s+": the local part ends before the white space
    }
    return false;
  });
}

namespace {
// The first '.' or ':' at or after `from`, or t.size(); sixteen bytes at a time.
size_t NextDotOrColon(std::string_view t, size_t from) {
  const __m128i dot = _mm_set1_epi8('.'), colon = _mm_set1_epi8(':');
  size_t p = from;
  for (; p + 16 <= t.size(); p += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p));
    const unsigned m =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, colon))));
    if (m != 0) return p + static_cast<size_t>(__builtin_ctz(m));
  }
  while (p < t.size() && t[p] != '.' && t[p] != ':') ++p;
  return p;
}
}  // namespace

void UrlWindows(std::string_view t, std::vector<Window>& out) {
  static constexpr auto kStop = [] {
    std::array<bool, 256> s{};
    for (unsigned char c : std::string_view(" \t\n\f\r<>\"'()[]{}")) s[c] = true;
    return s;
  }();
  // Every match holds a ':' ("://") or a '.' ("www.", ".tld"), both rare in ads: runs are found from those bytes.
  const auto stop = [&](size_t k) { return kStop[static_cast<unsigned char>(t[k])]; };
  for (size_t c = NextDotOrColon(t, 0); c < t.size(); c = NextDotOrColon(t, c)) {
    size_t i = c, j = c + 1;
    while (i > 0 && !stop(i - 1)) --i;
    while (j < t.size() && !stop(j)) ++j;
    // "http", "www." or a dot and two letters (every TLD of the pattern has two or more).
    const std::string_view run = t.substr(i, j - i);
    bool may = run.find("http") != std::string_view::npos || run.find("www.") != std::string_view::npos;
    for (size_t d = run.find('.'); !may && d != std::string_view::npos; d = run.find('.', d + 1)) {
      may = d + 2 < run.size() && IsLower(run[d + 1]) && IsLower(run[d + 2]);
    }
    if (may) out.push_back({i, j});
    c = j;
  }
}


void DigitRuns(std::string_view t, std::vector<Window>& out) {
  // Runs from 64-bit digit masks: each run's start is the next set bit, its end the next clear one; a run may
  // continue into the next block (and a mask's bits past the end of t are clear, which ends the last run there).
  bool open = false;
  size_t run_start = 0;
  for (size_t base = 0; base < t.size(); base += 64) {
    const uint64_t digits = ByteMask64(t, base, DigitBytes16);
    unsigned k = 0;  // bits below k are done with
    while (k < 64) {
      const uint64_t from_k = ~uint64_t{0} << k;
      const uint64_t next = (open ? ~digits : digits) & from_k;
      if (next == 0) break;
      k = static_cast<unsigned>(__builtin_ctzll(next));
      if (open) out.push_back({run_start, base + k});
      else run_start = base + k;
      open = !open;
    }
  }
  if (open) out.push_back({run_start, t.size()});
}

void MentionWindows(std::string_view t, std::vector<Window>& out) {
  // (^|[^a-z0-9_.@$])@\s?([a-z0-9_][a-z0-9_]{1,29})\b
  for (size_t p = t.find('@'); p != std::string_view::npos; p = t.find('@', p + 1)) {
    out.push_back({p >= 4 ? p - 4 : 0, std::min(t.size(), p + 32)});
  }
}

}  // namespace lodestar::extract
