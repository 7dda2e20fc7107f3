// MinHash signatures of ad text, for near-duplicate (template) detection.
//
// Text is normalised for templates, not for reading: lower-cased ASCII, every
// digit turned into '#', so ads written from one template with different
// phones, prices and ages still share their shingles. Shingles are runs of
// kShingleWords words; each shingle is hashed once (XXH3-64) and the kHashes
// MinHash values come from cheap multiply-add permutations of that hash.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lodestar::link {

inline constexpr int kShingleWords = 3;
inline constexpr int kBands = 21;
inline constexpr int kRowsPerBand = 3;
inline constexpr int kHashes = kBands * kRowsPerBand;  // 63

using Signature = std::array<uint32_t, kHashes>;

// Hashes of the distinct word shingles of `text` (appended to `out`, cleared first).
void ShingleHashes(std::string_view text, std::vector<uint64_t>& out);

// MinHash signature of a shingle-hash set. An empty set gives all-0xFFFFFFFF.
Signature MinHash(const std::vector<uint64_t>& shingles);

// Estimated Jaccard similarity: the share of equal signature positions.
double EstimatedJaccard(const Signature& a, const Signature& b);

// Key of band `band` (rows band*r .. band*r+r-1), for LSH bucketing.
uint64_t BandKey(const Signature& s, int band);

// True for a signature of an empty text (such ads never join a template).
bool IsEmptySignature(const Signature& s);

}  // namespace lodestar::link
