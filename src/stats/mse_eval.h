// Coverage evaluation of the MSE interval on simulated populations with known size.
// Used by `lodestar mse-eval`, which writes the "## Multiple systems estimation"
// section of docs/quality.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/mse.h"

namespace lodestar::stats {

struct EvalScenario {
  std::string name;
  std::string description;
  // One or more latent classes (a mixture models heterogeneous catchability, which
  // log-linear models with pairwise terms only approximate).
  std::vector<SimulationSpec> classes;
  int64_t Population() const;
};

// The standard scenarios: well specified (independent, dependent, sparse, 6 and 8
// lists) and one deliberately misspecified (heterogeneity).
std::vector<EvalScenario> StandardScenarios();

struct EvalRow {
  std::string scenario, description;
  int lists = 0;
  int64_t population = 0;
  int sims = 0, covered = 0, failed = 0, unbounded = 0;
  double coverage = 0;         // covered / sims (failed count as not covered)
  double mean_observed = 0;
  double median_rel_error = 0; // median of (estimate - N) / N
  double median_rel_width = 0; // median of (hi - lo) / N over bounded intervals
  double seconds_per_estimate = 0;
};

struct EvalOptions {
  int sims = 200;
  int sims_large = 0;  // if > 0: simulations for scenarios with 8 or more lists (they are the slow ones)
  int bootstrap = 1000;
  uint64_t seed = 1;
  Criterion criterion = Criterion::kAic;
  bool reselect = true;
  int threads = 0;
};

std::vector<EvalRow> EvaluateCoverage(const std::vector<EvalScenario>& scenarios, const EvalOptions& options);

// Markdown section (starting with "## Multiple systems estimation").
// `timing_8_lists` = wall seconds, `cpu_8_lists` = process CPU seconds of one 8-list estimate (0 = not measured).
std::string CoverageMarkdown(const std::vector<EvalRow>& rows, const EvalOptions& options, double timing_8_lists,
                             double cpu_8_lists = 0);

// Replaces the section `heading` (up to the next "## " heading) in the Markdown file
// at `path`, or appends it; creates the file if absent. Other sections are untouched.
core::Status ReplaceMarkdownSection(const std::string& path, const std::string& heading, const std::string& section);

}  // namespace lodestar::stats
