#include "link/minhash.h"

#include <xxhash.h>

#include <algorithm>
#include <string>

namespace lodestar::link {

namespace {
// Odd multipliers and offsets for the kHashes permutations, fixed so that
// signatures written by one run compare with those of the next.
struct Permutations {
  std::array<uint64_t, kHashes> mul, add;
  Permutations() {
    uint64_t x = 0x9E3779B97F4A7C15ull;
    auto next = [&x]() {  // splitmix64
      uint64_t z = (x += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    for (int i = 0; i < kHashes; ++i) {
      mul[i] = next() | 1;
      add[i] = next();
    }
  }
};
const Permutations& Perms() {
  static const Permutations p;
  return p;
}

bool IsWordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || c == '#' || c == '$' || c >= 0x80; }
}  // namespace

void ShingleHashes(std::string_view text, std::vector<uint64_t>& out) {
  out.clear();
  // Words as [start, end) into a normalised copy.
  std::string norm(text.size(), ' ');
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
    if (c >= '0' && c <= '9') c = '#';
    norm[i] = IsWordByte(c) ? static_cast<char>(c) : ' ';
  }
  std::vector<std::pair<uint32_t, uint32_t>> words;
  for (size_t i = 0; i < norm.size();) {
    while (i < norm.size() && norm[i] == ' ') ++i;
    size_t start = i;
    while (i < norm.size() && norm[i] != ' ') ++i;
    if (i > start) words.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(i));
  }
  if (words.empty()) return;
  size_t n = words.size() >= kShingleWords ? words.size() - kShingleWords + 1 : 1;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    size_t last = std::min(words.size() - 1, i + kShingleWords - 1);
    // Hash the words with single spaces between them (already in `norm`, but
    // runs of separators differ between ads, so hash word by word).
    XXH64_hash_t h = 0;
    for (size_t w = i; w <= last; ++w)
      h = XXH3_64bits_withSeed(norm.data() + words[w].first, words[w].second - words[w].first, h);
    out.push_back(h);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

Signature MinHash(const std::vector<uint64_t>& shingles) {
  Signature sig;
  sig.fill(0xFFFFFFFFu);
  const auto& p = Perms();
  for (uint64_t h : shingles)
    for (int i = 0; i < kHashes; ++i) {
      uint32_t v = static_cast<uint32_t>((h * p.mul[i] + p.add[i]) >> 32);
      sig[i] = std::min(sig[i], v);
    }
  return sig;
}

double EstimatedJaccard(const Signature& a, const Signature& b) {
  int equal = 0;
  for (int i = 0; i < kHashes; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / kHashes;
}

uint64_t BandKey(const Signature& s, int band) {
  return XXH3_64bits_withSeed(s.data() + band * kRowsPerBand, kRowsPerBand * sizeof(uint32_t),
                              static_cast<uint64_t>(band));
}

bool IsEmptySignature(const Signature& s) {
  return std::all_of(s.begin(), s.end(), [](uint32_t v) { return v == 0xFFFFFFFFu; });
}

}  // namespace lodestar::link
