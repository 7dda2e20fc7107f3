// Synthetic ad corpora with known truth, for tests, demos and benchmarks.
//
// The generator writes JSON Lines ads that look like real escort/massage
// classifieds (own-written templates, or phrasing drawn from a real corpus) and
// a truth file saying which network, template, phones, age, city and spike each
// ad belongs to. Output is a pure function of the options (same seed, same bytes).
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace lodestar::synth {

struct SynthOptions {
  uint64_t ads = 1000;
  uint64_t seed = 1;
  std::string out_path;       // JSON Lines ads ("-" = stdout)
  std::string truth_path;     // JSON Lines truth, one object per ad (empty = none)
  std::string templates_path; // optional real corpus (JSON Lines with title/body) to draw phrasing from
  bool progress = true;
};

struct SynthSummary {
  uint64_t ads = 0, networks = 0, templates = 0, hub_numbers = 0, spike_ads = 0;
  uint64_t bytes = 0;
};

core::Result<SynthSummary> GenerateCorpus(const SynthOptions& options);

}  // namespace lodestar::synth
