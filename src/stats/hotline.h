// Hotline statistics: counts of calls and cases by US state and year, from the
// published National Human Trafficking Hotline table (or any CSV with the same
// columns), with small-count suppression and optional differential privacy.
//
// Disclosure control, in the order applied:
//  1. optional Laplace noise (epsilon-differential privacy). The stated epsilon is
//     the total budget: calls and cases are two queries over the same people, so
//     each gets epsilon/2 (sequential composition). Sensitivity is 1 (one person adds
//     at most one to one cell of each column), so the noise scale is 2/epsilon.
//     Noisy counts are rounded and clamped at 0 (post-processing keeps the guarantee).
//  2. suppression: a released count below the threshold is shown as "<T". With
//     noise on, the decision uses the noisy count, because deciding on the true
//     count would leak it. A k-anonymity threshold k on a count table is the same
//     rule (every released cell describes at least k people), so --k raises T.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "stats/provenance.h"

namespace lodestar::stats {

struct HotlineRecord {
  int year = 0;
  std::string state;   // as in the file ("new-hampshire")
  std::string postal;  // "NH"
  int64_t calls = 0, cases = 0;
};

struct HotlineData {
  std::vector<HotlineRecord> records;
  Provenance provenance;
};

// Columns: Year_Date, Calls, Cases_Reported, State, postal.
core::Result<HotlineData> LoadHotlineCsv(const std::string& path);

enum class HotlineGroupBy { kState, kYear };

struct HotlineOptions {
  HotlineGroupBy by = HotlineGroupBy::kState;
  int year = 0;               // 0 = all years (summed)
  int64_t suppress_below = 5; // 0 = no suppression
  int64_t k_anonymity = 0;    // 0 = off; otherwise raises the threshold to k
  double epsilon = 0;         // 0 = no noise
  uint64_t seed = 1;
};

struct HotlineCell {
  std::string key;       // state name or year
  std::string postal;    // for states
  int64_t calls = 0, cases = 0;        // released values (noisy if epsilon > 0)
  bool calls_suppressed = false, cases_suppressed = false;
};

struct HotlineResult {
  std::vector<HotlineCell> cells;
  int64_t threshold = 0;
  Table table;  // rendered with "<T" in suppressed cells, and provenance
};

core::Result<HotlineResult> HotlineCounts(const HotlineData& data, const HotlineOptions& options);

// One Laplace(0, scale) draw from a 64-bit generator state; portable (no
// implementation-defined std:: distributions), so a seed gives the same noise everywhere.
double LaplaceNoise(uint64_t& state, double scale);

}  // namespace lodestar::stats
