#include "extract/windows.h"

#include <array>
#include <cstdint>
#include <cstring>

#include "extract/ascii.h"
#include "extract/byte_masks.h"

namespace lodestar::extract {
namespace {

inline bool IsLower(char c) { return IsAsciiLower(static_cast<unsigned char>(c)); }

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


}  // namespace lodestar::extract
