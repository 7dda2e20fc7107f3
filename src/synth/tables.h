// Embedded data for the synthetic corpus generator: cities, names, built-in
// templates and the sentence pool. Internal to lodestar_synth.
//
// Everything here is written for Lodestar (no real ad text). Templates use
// {slot} markers; see synth.cc for the slot list and how pieces are dropped when
// a slot has no value for an ad.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lodestar::synth::internal {

enum class Country : uint8_t { kUs, kCa, kMx, kGb };

struct City {
  const char* name;
  const char* region;    // state / province code (truth "state")
  const char* location;  // how ads write it, e.g. "Portland, OR"
  const char* slug;      // for URLs
  Country country;
  double lat, lon;
  int weight;                // relative ad volume
  const char* area_codes;    // comma-separated; for GB the mobile prefix is used instead
};

extern const City kCities[];
extern const size_t kNumCities;

extern const char* const kNames[];
extern const size_t kNumNames;

struct BuiltinTemplate {
  const char* title;
  const char* body;  // sentences separated by '\n'
  const char* joiner;  // how this template joins its sentences
};
extern const BuiltinTemplate kTemplates[];
extern const size_t kNumTemplates;

// Generic sentences: appended as fixed tails of built-in templates and mixed
// per ad for free-text background ads.
extern const char* const kSentences[];
extern const size_t kNumSentences;
extern const char* const kOpeners[];
extern const size_t kNumOpeners;

// Sites (ad "source") and contact vocabulary.
extern const char* const kSites[];
extern const size_t kNumSites;

}  // namespace lodestar::synth::internal
