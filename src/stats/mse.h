// Multiple systems estimation (MSE): estimating how many people no list recorded.
//
// Input is a table of list-membership patterns: for k lists, the count of people
// seen on exactly each non-empty combination of lists. We fit Poisson log-linear
// models with the intercept, a main effect per list and a chosen set of pairwise
// interactions (never higher orders: with the unseen cell missing, the k-way term
// is not identifiable and higher orders rarely are in practice). The unseen count
// is exp(intercept), the fitted value of the all-zero pattern.
//
// Sparse tables (the usual case in trafficking data) break naive fitting:
//  * a list that shares nobody with any other list makes the estimate unbounded
//    (rejected with an error naming the list);
//  * a pair of lists that share nobody has its interaction MLE at -inf: such terms
//    are never added during selection; if a bootstrap replicate loses the overlap
//    of a term in a fixed model, the term is fixed at -inf (its cells become
//    structural zeros) rather than letting the fit drift;
//  * any other fit whose parameters run off to +-inf (detected as |beta| > 25 or no
//    convergence) or whose design is rank-deficient among the observed cells is
//    rejected; in the search that candidate is skipped, in the bootstrap the
//    replicate counts as an infinite estimate (so the interval widens honestly
//    instead of silently ignoring it).
//
// The 95% interval is a parametric bootstrap (Buckland & Garthwaite 1991): draw
// all 2^k cells, including the unseen one, as Poisson with the fitted means, refit
// (repeating the model search by default, so model uncertainty is included) and
// take percentiles of the estimated totals. Deterministic for a given seed,
// whatever the thread count.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "stats/provenance.h"

namespace lodestar::stats {

struct ListTable {
  std::vector<std::string> list_names;  // k names; bit i of a pattern index = on list i
  std::vector<int64_t> counts;          // size 2^k; counts[0] (nobody's pattern) is unknown and kept 0
  int num_lists() const { return static_cast<int>(list_names.size()); }
  int64_t Observed() const;
};

// Reads the CSV format of `lodestar mse --lists`: one 0/1 column per list, then a
// final `count` column; one row per observed pattern (missing patterns = 0,
// repeated patterns are added). Errors name the file and line.
core::Result<ListTable> LoadListTableCsv(const std::string& path, Provenance* provenance);
core::Result<ListTable> ParseListTableCsv(std::string_view text, const std::string& path);
// Builds the table from who recorded each person: `recorded_by[p]` are the
// organisations that recorded person p (duplicates ignored; people with none are skipped).
core::Result<ListTable> ListTableFromMemberships(const std::vector<std::vector<std::string>>& recorded_by);
// Writes the table in the CSV format above.
std::string ListTableToCsv(const ListTable& table);

enum class Criterion { kAic, kBic };

struct ModelFit {
  std::vector<std::pair<int, int>> interactions;      // i < j
  std::vector<std::pair<int, int>> fixed_minus_inf;   // terms at -inf (their cells are structural zeros)
  std::vector<double> beta;                           // intercept, k mains, interactions (same order)
  double loglik = 0, deviance = 0, aic = 0, bic = 0;
  int num_params = 0, num_cells = 0;                  // cells used in the fit (observed, non-structural)
  double unseen = 0;                                  // exp(intercept)
  int iterations = 0;
  bool ok = false;
  std::string problem;                                // why !ok

  double Score(Criterion c) const { return c == Criterion::kAic ? aic : bic; }
  std::string Describe(const std::vector<std::string>& names) const;
};

// Fits one model by Newton–Raphson (= IRLS for the canonical log link) with step
// halving. `start` (optional, same layout as beta) warm-starts the iterations.
ModelFit FitLogLinear(const ListTable& table, const std::vector<std::pair<int, int>>& interactions,
                      const std::vector<double>* start = nullptr, bool fix_empty_terms_at_minus_inf = false);

struct SelectionStep {
  std::string action;  // "start", "add A:B", "drop A:B"
  double score = 0;
  double unseen = 0;
};

// Bidirectional stepwise search from the main-effects model: at each step take the
// single addition or removal of a pairwise term that lowers the criterion most;
// stop when none does. Terms whose two lists share nobody are never added, nor any
// that would leave more parameters than cells. With `screen` > 0, each step fully
// fits only the `screen` candidate additions with the largest score statistic
// (all removals are always fitted): with 8 lists that is 3 fits instead of up to
// 28 per step, which is what makes 1000 bootstrap reselections fit in seconds.
// The score statistic ranks additions almost exactly as their likelihood gain
// does; screen = 0 is the exhaustive search.
ModelFit SelectModel(const ListTable& table, Criterion criterion, std::vector<SelectionStep>* path = nullptr,
                     int screen = 0);

struct MseOptions {
  Criterion criterion = Criterion::kAic;
  int bootstrap = 1000;
  uint64_t seed = 1;
  double level = 0.95;
  bool reselect = true;  // repeat the model search in every replicate
  int screen = 4;        // see SelectModel; 0 = exhaustive
  int threads = 0;       // 0 = hardware concurrency
};

struct MseResult {
  int64_t observed = 0;
  double unseen = 0, estimate = 0;  // estimate = observed + unseen
  double ci_lo = 0, ci_hi = 0;      // total; ci_hi may be +inf (then JSON null + warning)
  double unseen_lo = 0, unseen_hi = 0;
  ModelFit model;
  std::vector<SelectionStep> path;
  int replicates = 0, failed_replicates = 0;
  MseOptions options;
  std::vector<std::string> list_names;
  std::vector<std::string> warnings;
  Provenance provenance;

  nlohmann::json ToJson() const;
};

core::Result<MseResult> EstimatePopulation(const ListTable& table, const MseOptions& options,
                                           Provenance provenance = {});

// Simulation with known truth, for tests and the coverage evaluation: N people,
// each cell probability proportional to exp(sum main[i] x_i + sum inter x_i x_j)
// (a log-linear population), drawn as a multinomial; the unseen cell is dropped.
struct SimulationSpec {
  int64_t population = 1000;
  std::vector<double> capture_prob;                           // per list, before interactions (0..1)
  std::vector<std::pair<std::pair<int, int>, double>> interactions;  // ((i, j), log odds ratio)
};
ListTable SimulateListTable(const SimulationSpec& spec, std::mt19937_64& rng);

}  // namespace lodestar::stats
