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
  explicit PlaceFinder(const Gazetteer* gazetteer) : gazetteer_(gazetteer) {}
  // Appends the places named in `norm` (the normalised form of `orig`, the original text of `field`) to `out`
  // (no two with the same name, region and country; at most 32 in `out`). `location_key` is the ad's location
  // field as a gazetteer key and `location_words` its words; `context_regions` are region codes that make a
  // same-named place in them likelier. Does nothing without a gazetteer.
  void Find(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
            const std::vector<std::string_view>& location_words, const std::vector<std::string>& context_regions,
            std::vector<LocationFact>& out);

 private:
  struct Tok {
    uint32_t b, e;
  };
  const Gazetteer* gazetteer_;
  // Per-field buffers, reused between calls.
  std::vector<Tok> toks_;
  std::vector<uint8_t> tok_flags_;  // word classes and cue/location-word bits of each token
  std::vector<uint64_t> tok_hash_;  // Gazetteer::Hash of each token
  std::string key_, region_buf_;
};

}  // namespace lodestar::extract
