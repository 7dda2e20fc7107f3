// The normaliser: a folded view of ad text plus a map back to the original bytes.
//
// Extractors match on the folded view and report spans in the original, so the
// map is the contract: for every byte i of `text`, [src_begin[i], src_end[i])
// is the original code point (or cluster) that produced it. Original offsets
// are non-decreasing along `text`.
//
// Folding, per code point: NFKC + case folding (ICU; full-width, mathematical,
// circled and superscript forms become ASCII), diacritics dropped, Cyrillic and
// Greek look-alikes mapped to Latin, keycap/negative-circled/dingbat digits to
// digits, typographic quotes and primes to ' and ", dashes to '-', every other
// symbol or emoji to one space, control and zero-width characters removed.
// Then, on the folded text: runs of spaces collapse to one, letter-spaced words
// ("y o u n g", "h.o.t") are joined, and a letter repeated 3+ times becomes one.
// Number words are NOT replaced here (that would corrupt ordinary words); the
// phone extractor reads them from this view.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lodestar::extract {

// A std::allocator whose resize() leaves new elements uninitialised: the normaliser sizes its offset arrays for
// the worst case, then writes every element it keeps, so zeroing them first (a memset of 8 bytes per input byte,
// ~8% of normalising) is wasted.
template <typename T>
struct UninitialisedAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitialisedAllocator<U>;
  };
  UninitialisedAllocator() = default;
  template <typename U>
  UninitialisedAllocator(const UninitialisedAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using OffsetVector = std::vector<uint32_t, UninitialisedAllocator<uint32_t>>;

struct NormText {
  std::string text;
  OffsetVector src_begin;
  OffsetVector src_end;

  void clear() {
    text.clear();
    src_begin.clear();
    src_end.clear();
  }
  // Original byte range covering normalised bytes [b, e). Requires b < e <= size.
  uint32_t OrigBegin(size_t b) const { return src_begin[b]; }
  uint32_t OrigEnd(size_t e) const { return src_end[e - 1]; }
};

// Normalises `in` (any bytes; invalid UTF-8 reads as U+FFFD) into `out`,
// reusing out's capacity. Linear in the input size.
void Normalize(std::string_view in, NormText& out);

// Normalize written the plain per-byte way, without its fast paths (ASCII folded and offsets filled sixteen bytes
// at a time, block-at-a-time scans for collapse points and single letters, block moves in the in-place passes):
// the same output, slower. Kept so tests can hold Normalize to it.
void NormalizeReference(std::string_view in, NormText& out);

// Decodes one code point at s[i] (i < s.size()); invalid or truncated sequences read as U+FFFD
// and consume one byte (*len = 1), so every byte is consumed exactly once.
char32_t DecodeUtf8(std::string_view s, size_t i, size_t* len);

// Forces the one-time construction of the folding tables (about 10 ms); called
// by LoadResources so the first ad is not slow. Thread-safe.
void InitNormalizer();

}  // namespace lodestar::extract
