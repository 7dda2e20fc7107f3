// Byte classes sixteen bytes at a time (SSE2), gathered into 64-bit masks: the scans that look at every byte of a
// field (digit runs, word triggers) read a mask's set bits instead. The classes are those of ascii.h.
#pragma once

#include <emmintrin.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace lodestar::extract {

// 0xFF in each byte that is an ASCII digit. Signed compares: bytes >= 0x80 are negative, so never digits.
inline __m128i DigitBytes16(__m128i v) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
}

// 0xFF in each word byte ([0-9A-Za-z_], IsWordByte). OR 0x20 folds A-Z onto a-z and moves no other byte into a-z;
// bytes >= 0x80 compare negative (never word bytes).
inline __m128i WordBytes16(__m128i v) {
  const __m128i l = _mm_or_si128(v, _mm_set1_epi8(0x20));
  const __m128i letter =
      _mm_and_si128(_mm_cmpgt_epi8(l, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(l, _mm_set1_epi8('z' + 1)));
  return _mm_or_si128(_mm_or_si128(letter, DigitBytes16(v)), _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
}

// Bit k set where `bytes16` marks t[at + k], for the 64 bytes from `at`. Bytes past the end of t read as '\0', which
// neither class above marks, so their bits are clear.
template <typename Bytes16>
inline uint64_t ByteMask64(std::string_view t, size_t at, Bytes16 bytes16) {
  uint64_t m = 0;
  for (size_t k = 0; k < 4; ++k) {
    const size_t pos = at + 16 * k;
    if (pos >= t.size()) break;
    __m128i v;
    if (pos + 16 <= t.size()) {
      v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + pos));
    } else {
      alignas(16) char buf[16] = {};
      std::memcpy(buf, t.data() + pos, t.size() - pos);
      v = _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
    }
    m |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(bytes16(v)))) << (16 * k);
  }
  return m;
}

}  // namespace lodestar::extract
