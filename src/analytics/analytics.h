// Analytics over the search index (docs/search.md, "Analytics"): volume time
// series, spike detection, salient terms, self-reported ages, movement, risk.
// Every function reads the index (and link groups) of one store and returns a
// JSON document; the CLI prints it or a text rendering of it. Slices (`--a`,
// `--b`) are search queries, so any filter of the query language can define one.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "search/index.h"

namespace lodestar::analytics {

// by: city, state, site, indicator (category), network. interval: day, week (Monday start).
core::Result<nlohmann::json> TimeSeries(const search::Index& index, const std::string& by, const std::string& interval,
                                        size_t top);

struct SpikeOptions {
  std::string by = "city";  // city or state
  int current_days = 7;
  int reference_days = 91;
  int min_reference_days = 28;  // days with a reference window shorter than this are not tested
  double alpha = 0.05;          // BH false discovery rate
  size_t top_networks = 5;
  // "advertisers" (default when linked): an ad counts only if its network has no
  // other ad in the region in the `current_days` before it, so one network
  // re-posting does not look like a surge of new advertisers. "ads": every ad.
  std::string count = "advertisers";
};
// For every region and day: current-window count c vs the preceding reference
// window r. Under "no change", c | c+r ~ Binomial(c+r, w_c / (w_c + w_r)); the
// one-sided exact p-value is P(X >= c). All (region, day) tests with c+r > 0 are
// BH-adjusted together; consecutive significant days form one spike.
core::Result<nlohmann::json> Spikes(const search::Index& index, const SpikeOptions& opt);

struct TermsOptions {
  double prior_size = 500;  // α0: total pseudo-counts of the informative prior
  size_t top = 25;
  uint64_t min_count = 3;  // terms seen fewer times in a+b are skipped
};
core::Result<nlohmann::json> Terms(const search::Index& index, const std::string& a, const std::string& b,
                                   const TermsOptions& opt);

// One age per ad (its first stated age), Mann-Whitney U (normal approximation) and KS.
core::Result<nlohmann::json> Ages(const search::Index& index, const std::string& a, const std::string& b);

struct MovementOptions {
  size_t min_cities = 3;
  int window_days = 30;
  size_t top_flows = 30;
};
core::Result<nlohmann::json> Movement(const search::Index& index, const MovementOptions& opt);

// Risk of an ad (by source id) or a network (N0000012): see risk.cc and docs/search.md.
core::Result<nlohmann::json> Risk(const search::Index& index, const std::string& id);

// Tokens for term statistics: lower-cased words of letters (ASCII or any non-ASCII
// byte) of at least two bytes; digits and punctuation split words and are dropped.
void Tokenize(const std::string& text, std::vector<std::string>& out);

}  // namespace lodestar::analytics
