// Decision disparity audit: positive-decision rates by group, their differences,
// exact tests and a plain-language summary.
//
// The boundary for Lodestar's own case decisions is AuditDecisions(): it takes
// plain (group, outcome) records, so any source — an imported CSV or the case
// store — can feed it. Nothing here knows where the records came from; the caller
// supplies the Provenance.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "stats/intervals.h"
#include "stats/provenance.h"

namespace lodestar::stats {

struct DecisionRecord {
  std::string group;
  bool positive = false;
};

struct GroupRate {
  std::string group;
  int64_t n = 0, positives = 0;
  double rate = 0;  // positives / n
  Interval ci;      // Wilson
};

struct GroupDifference {
  std::string a, b;     // rate(a) - rate(b), with a listed before b in `groups`
  double difference = 0;
  Interval ci;          // Newcombe hybrid score
  double p_fisher = 1;  // two-sided Fisher exact
  double p_holm = 1;    // Holm-adjusted over all pairs (family-wise error)
};

struct DisparityReport {
  double level = 0.95;
  std::vector<GroupRate> groups;  // sorted by rate, highest first; ties by name
  std::vector<GroupDifference> pairs;
  std::string summary;            // plain language, several sentences
  Provenance provenance;

  Table RatesTable() const;
  Table PairsTable() const;
  nlohmann::json ToJson() const;
};

struct AuditOptions {
  double level = 0.95;
  int64_t min_group_size = 1;  // groups smaller than this are reported but not compared
};

// Computes rates, intervals, pairwise tests and the summary. Groups with an empty
// name are kept under "(missing)". Fails only if there are no records.
core::Result<DisparityReport> AuditDecisions(const std::vector<DecisionRecord>& records, const AuditOptions& options,
                                            Provenance provenance);

// Reads records from a CSV. An outcome counts as positive when it equals
// `positive_value` (case-insensitive, trimmed); when `positive_value` is empty the
// accepted spellings are 1/true/yes/positive/accepted/granted. Rows with an empty
// outcome are skipped and counted in `skipped`.
core::Result<std::vector<DecisionRecord>> LoadDecisionsCsv(const std::string& path, const std::string& group_column,
                                                           const std::string& outcome_column,
                                                           const std::string& positive_value, size_t* skipped,
                                                           Provenance* provenance);

}  // namespace lodestar::stats
