// Country indices: the 3P Anti-trafficking Policy Index with TIP tiers, and UNODC
// detected-victim counts with origin -> destination flows.
//
// 3P (Cho, Dreher & Neumayer): prosecution, protection and prevention are scored
// 1-5 each; the overall index is their unweighted sum (3-15). We recompute the sum
// and never invent a sub-score: a country-year with any sub-score missing has no
// index and no rank, and is listed as missing rather than dropped.
//
// UNODC suppresses counts below 5 as "<5". We keep such a value as the interval
// [0, 4]: the 2023 file has no explicit 0 (nor 1-4) anywhere, so a published "<5"
// cannot be told apart from a zero, and 0 must stay inside the interval.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "stats/provenance.h"

namespace lodestar::stats {

struct PolicyRecord {
  std::string country;
  int year = 0;
  std::string cow_code;
  std::optional<double> tip_tier;  // 1, 2, 2.5, 3, 555, 666
  std::optional<int> prosecution, protection, prevention;
  std::optional<double> p3_index_published;  // the CSV's own p3_index column
  // Unweighted sum of the three sub-scores, when all three are present.
  std::optional<int> P3Index() const;
};

// "Tier 1", "Tier 2", "Tier 2 Watch List" (2.5), "Tier 3", "not ranked" (555),
// "special case" (666), "" when missing, "code N" otherwise.
std::string TipTierLabel(std::optional<double> tier);

struct PolicyData {
  std::vector<PolicyRecord> records;
  Provenance provenance;
  size_t index_mismatches = 0;  // rows whose published p3_index differs from our sum (or exists without it)
  std::vector<std::string> mismatch_examples;  // "Haiti 2009: published 4, sub-scores incomplete" (first 5)
};

// Reads the 3P CSV (columns country, year, tip_tier, prosecution, protection,
// prevention; cow_code and p3_index optional). Sub-scores outside 1-5 are an error.
core::Result<PolicyData> LoadPolicyCsv(const std::string& path);

struct RankRow {
  std::string country;
  std::optional<int> p3_index, prosecution, protection, prevention;
  std::optional<double> tip_tier;
  std::optional<int> rank;  // competition ranking ("1, 2, 2, 4"); nullopt = missing data
  bool tied = false;
};

// Ranks all countries with a record for `year` by p3_index, highest first.
// Ties share the best rank; the next rank skips (1, 2, 2, 4). Countries with
// missing sub-scores come last with no rank. Ties are ordered by country name.
std::vector<RankRow> RankYear(const PolicyData& data, int year);
Table RankTable(const PolicyData& data, int year);

struct ChangeRow {
  int year = 0;
  std::optional<int> p3_index, prosecution, protection, prevention;
  std::optional<int> change;  // vs. the previous year that had an index
  std::optional<double> tip_tier;
  bool tier_changed = false;
};
// Finds the country case-insensitively (exact name first, then a unique substring).
core::Result<std::string> ResolveCountry(const PolicyData& data, const std::string& name);
std::vector<ChangeRow> CountryChanges(const PolicyData& data, const std::string& country);
Table ChangesTable(const PolicyData& data, const std::string& country);

// ---- UNODC ----
struct CountRange {
  long long lo = 0, hi = 0;  // exact counts have lo == hi
  bool suppressed() const { return lo != hi; }
};

struct UnodcRecord {
  std::string iso3, country, region, subregion, indicator, dimension, category, sex, age;
  int year = 0;
  CountRange value;
};

struct UnodcData {
  std::vector<UnodcRecord> records;
  Provenance provenance;
};

core::Result<UnodcData> LoadUnodcCsv(const std::string& path);

struct FlowRow {
  std::string origin;       // citizenship; "Nationals" becomes the destination country itself
  std::string destination;  // the detecting country
  std::string destination_iso3;
  std::string origin_kind;  // "foreign", "domestic" or "unspecified" (Unknown, Others, regions...)
  CountRange victims;       // summed over the selected years; suppressed cells add [0, 4]
  int cells = 0, suppressed_cells = 0;
  int first_year = 0, last_year = 0;
};

// Detected trafficking victims by citizenship (sex and age totals only), one row
// per origin -> destination pair, sorted by upper bound then lower bound, largest
// first. `year` = 0 sums over all years.
std::vector<FlowRow> DetectedVictimFlows(const UnodcData& data, int year);
Table FlowsTable(const UnodcData& data, int year, size_t limit);

}  // namespace lodestar::stats
