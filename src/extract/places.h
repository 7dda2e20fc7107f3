// Place names in normalised ad text, resolved against the gazetteer.
//
// A name is looked up only where it could be accepted (after a cue word such as "in" or "visiting", before a
// region name, named in the ad's location field, or the first word of a major city), longest first (three words,
// two, one). It is accepted with an explicit region after it ("Portland, OR"), when the location field names it,
// or, unless the name is also a common word, when it is a major city or follows a cue word. Among same-named
// places the one in the explicit region, then in a context region (the location field's and the area codes'
// states), then a major city, then a US place wins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/extractor.h"
#include "extract/gazetteer.h"
#include "extract/normalize.h"

namespace lodestar::extract {

class PlaceFinder {
 public:
  // Throws std::length_error if the gazetteer has more than MaxClassedWords() classed words; LoadResources
  // refuses such a gazetteer with an error first, so a FactExtractor never meets it.
  explicit PlaceFinder(const Gazetteer* gazetteer);
  // The most classed words (Gazetteer::ClassedWords) the class table takes. The shipped gazetteer has ~400.
  static size_t MaxClassedWords();
  // Appends the places named in `norm` (the normalised form of `orig`, the original text of `field`) to `out`
  // (no two with the same name, region and country; at most 32 in `out`). `location_key` is the ad's location
  // field as a gazetteer key and `location_words` its words; `context_regions` are region codes that make a
  // same-named place in them likelier. Does nothing without a gazetteer. Uses the object's buffers, its cache of
  // the place index's answers (kept between calls) and, for the call, its word table: one PlaceFinder per thread.
  void Find(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
            const std::vector<std::string_view>& location_words, const std::vector<std::string>& context_regions,
            std::vector<LocationFact>& out);
  // Find written the plain way, without its fast paths (word bitmap, class table, word cache, gate bitmaps, packed
  // region compares): every word split off and classified with Gazetteer::WordClass, every lookup asked of the
  // gazetteer. The same output, slower; kept so tests can hold Find to it.
  void FindReference(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
                     const std::vector<std::string_view>& location_words,
                     const std::vector<std::string>& context_regions, std::vector<LocationFact>& out) const;

 private:
  struct Tok {
    uint32_t b, e;
  };
  // The class table's slot holding `prefix`, else the empty slot where it would go.
  size_t ClassSlot(uint64_t prefix) const;
  // Fills toks_ from word_bits_ (of the padded text `pad`, `nblocks` blocks) and lists in hit_toks_ the tokens
  // that may have flags (their home slot in the class table is taken, or with kUseMask the location mask lets them
  // be a location word); returns the number of tokens and sets `nhits`.
  template <bool kUseMask>
  size_t TokenizeAndClassify(const char* pad, size_t nblocks, uint64_t location_mask, size_t& nhits);
  // The place index's answer for the word w[0, len) (w[len, len + 8) may be read): empty where the Bloom filter
  // rules the word out. The reference is valid until the next call.
  const Gazetteer::KeyInfo& LookupWord(const char* w, size_t len);
  // LookupWord's work where the cache does not answer.
  Gazetteer::KeyInfo LookupUncached(const char* w, size_t len) const;
  // Fills packed_regions_ from `context_regions`.
  void PackRegions(const std::vector<std::string>& context_regions);
  // Location words join the class table for one call when there are at most this many (of 3+ bytes).
  static constexpr size_t kMaxTableLocationWords = 64;
  // The class table has 2^kClassBits slots, indexed by the top bits of prefix * kFilterMul (a constant shift in
  // the hot loop), and holds at most an eighth of that.
  static constexpr int kClassBits = 13;

  const Gazetteer* gazetteer_;
  // The words that have a gazetteer word class or are cue words, by their first eight bytes (which are the whole
  // word for a word of up to eight bytes): open addressing with linear probing, 0 marks an empty slot. A slot is
  // taken exactly when its flags are not zero, so the hot loop reads only the flags byte at a token's home slot:
  // most tokens find it empty (the table is at most an eighth full) and are no such word; the rest are confirmed
  // by probing the keys. Longer words whose prefix is in the table are asked of the gazetteer.
  std::vector<uint64_t> class_keys_;
  std::vector<uint8_t> class_flags_;
  // LookupWord's answers for words of up to eight bytes, by their first eight bytes (all of the word; 0 marks an
  // empty slot), direct mapped: the words at gates recur from ad to ad ("the", "my", "call"), and each lookup in
  // the place index costs a hash, the Bloom filter and, more often than not, a cache miss in the large index.
  struct CachedWord {
    uint64_t prefix = 0;
    Gazetteer::KeyInfo info;
  };
  static constexpr int kWordCacheBits = 9;
  std::vector<CachedWord> word_cache_;
  Gazetteer::KeyInfo long_word_info_;  // LookupWord's answer for a word of more than eight bytes
  // Per-field buffers, reused between calls.
  std::vector<Tok> toks_;
  std::vector<uint32_t> hit_toks_;   // tokens whose home slot in the class table is taken
  std::string key_, key3_;           // two- and three-word keys not found contiguous in the text
  std::string region_buf_;
  std::vector<char> padded_;         // the text followed by zero bytes
  std::vector<uint64_t> word_bits_;  // which bytes of the text are word bytes
  // Per-token bitmaps: tokens looked up in the place index, tokens right after a cue word, region-ish tokens.
  std::vector<uint64_t> gate_bits_, after_cue_bits_, regionish_bits_;
  // The context regions as their bytes and a terminating zero, zero padded to eight bytes, with the mask of those
  // bytes: a place's zero-padded admin1 field equals a region exactly when its first bytes under the mask do.
  struct PackedRegion {
    uint64_t bytes, mask;
  };
  std::vector<PackedRegion> packed_regions_;
  struct SavedSlot {
    size_t slot;
    uint64_t key;
    uint8_t flags;
  };
  std::vector<SavedSlot> saved_slots_;  // class table slots as they were before the location words joined
};

}  // namespace lodestar::extract
