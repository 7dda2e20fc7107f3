#include "stats/mse.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "stats/csv.h"

namespace lodestar::stats {
namespace {

constexpr double kMaxAbsBeta = 25;  // e^25 ~ 7e10: beyond this a parameter is running off to infinity
constexpr int kMaxIterations = 60;

bool Has(unsigned s, int i) { return (s >> i) & 1u; }

// Cholesky solve of the symmetric positive definite p x p system H x = g (H row-major,
// overwritten). Returns false when H is singular to working precision, which for a
// log-linear design means a non-identifiable model or a boundary fit.
bool CholeskySolve(std::vector<double>& h, std::vector<double>& g, int p) {
  std::vector<double> diag(p);
  for (int j = 0; j < p; ++j) diag[j] = h[j * p + j];
  for (int j = 0; j < p; ++j) {
    double d = h[j * p + j];
    for (int m = 0; m < j; ++m) d -= h[j * p + m] * h[j * p + m];
    if (!(d > 1e-11 * diag[j]) || !(diag[j] > 1e-300)) return false;
    double l = std::sqrt(d);
    h[j * p + j] = l;
    for (int i = j + 1; i < p; ++i) {
      double s = h[i * p + j];
      for (int m = 0; m < j; ++m) s -= h[i * p + m] * h[j * p + m];
      h[i * p + j] = s / l;
    }
  }
  for (int i = 0; i < p; ++i) {  // L z = g
    double s = g[i];
    for (int m = 0; m < i; ++m) s -= h[i * p + m] * g[m];
    g[i] = s / h[i * p + i];
  }
  for (int i = p - 1; i >= 0; --i) {  // L^T x = z
    double s = g[i];
    for (int m = i + 1; m < p; ++m) s -= h[m * p + i] * g[m];
    g[i] = s / h[i * p + i];
  }
  return true;
}

double Deviance(const std::vector<double>& y, const std::vector<double>& mu) {
  double d = 0;
  for (size_t c = 0; c < y.size(); ++c) {
    d += y[c] > 0 ? y[c] * std::log(y[c] / mu[c]) - (y[c] - mu[c]) : mu[c];
  }
  return 2 * d;
}

int64_t Overlap(const ListTable& t, int i, int j) {
  int64_t s = 0;
  for (unsigned p = 1; p < t.counts.size(); ++p) {
    if (Has(p, i) && Has(p, j)) s += t.counts[p];
  }
  return s;
}

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

int64_t ListTable::Observed() const {
  int64_t s = 0;
  for (size_t p = 1; p < counts.size(); ++p) s += counts[p];
  return s;
}

core::Result<ListTable> ParseListTableCsv(std::string_view text, const std::string& path) {
  auto csv = ParseCsv(text, path);
  if (!csv.ok()) return csv.status();
  const auto& h = csv->header;
  if (h.size() < 3 || h.back() != "count") {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("{}: expected a header with one column per list (at least 2) and a final "
                                           "'count' column, e.g. 'police,ngo,health,count'",
                                           path));
  }
  int k = static_cast<int>(h.size()) - 1;
  if (k > 12) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("{}: {} lists; at most 12 are supported (merge small lists)", path, k));
  }
  ListTable t;
  t.list_names.assign(h.begin(), h.end() - 1);
  std::set<std::string> seen;
  for (auto& n : t.list_names) {
    if (n.empty() || !seen.insert(n).second) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("{}: list names must be non-empty and distinct ('{}')", path, n));
    }
  }
  t.counts.assign(size_t{1} << k, 0);
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    const auto& row = csv->rows[r];
    size_t line = csv->line_numbers[r];
    unsigned pattern = 0;
    for (int i = 0; i < k; ++i) {
      std::string_view v = row[i];
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      if (v == "1") {
        pattern |= 1u << i;
      } else if (v != "0") {
        return core::Status::Error(core::StatusCode::kInvalidInput,
                                   fmt::format("{}:{}: column '{}' must be 0 or 1, got '{}'", path, line, h[i], row[i]));
      }
    }
    long long c = 0;
    if (!ParseCount(row[k], c)) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("{}:{}: count must be a non-negative integer, got '{}'", path, line, row[k]));
    }
    if (pattern == 0) {
      if (c != 0) {
        return core::Status::Error(core::StatusCode::kInvalidInput,
                                   fmt::format("{}:{}: the all-zero pattern is the unknown we estimate; remove that row",
                                               path, line));
      }
      continue;
    }
    t.counts[pattern] += c;
  }
  if (t.Observed() == 0) {
    return core::Status::Error(core::StatusCode::kInvalidInput, fmt::format("{}: all counts are zero", path));
  }
  return t;
}

core::Result<ListTable> LoadListTableCsv(const std::string& path, Provenance* provenance) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  if (provenance) *provenance = ProvenanceForContent(path, text.value());
  return ParseListTableCsv(text.value(), path);
}

core::Result<ListTable> ListTableFromMemberships(const std::vector<std::vector<std::string>>& recorded_by) {
  std::set<std::string> orgs;
  for (auto& p : recorded_by) orgs.insert(p.begin(), p.end());
  orgs.erase("");
  if (orgs.size() < 2 || orgs.size() > 12) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("MSE needs 2 to 12 recording organisations, found {}", orgs.size()));
  }
  ListTable t;
  t.list_names.assign(orgs.begin(), orgs.end());
  std::map<std::string, int> index;
  for (size_t i = 0; i < t.list_names.size(); ++i) index[t.list_names[i]] = static_cast<int>(i);
  t.counts.assign(size_t{1} << t.list_names.size(), 0);
  for (auto& p : recorded_by) {
    unsigned pattern = 0;
    for (auto& o : p) {
      if (!o.empty()) pattern |= 1u << index[o];
    }
    if (pattern) ++t.counts[pattern];
  }
  return t;
}

std::string ListTableToCsv(const ListTable& t) {
  std::string out;
  for (auto& n : t.list_names) out += CsvEscape(n) + ",";
  out += "count\n";
  for (unsigned p = 1; p < t.counts.size(); ++p) {
    if (t.counts[p] == 0) continue;
    for (int i = 0; i < t.num_lists(); ++i) out += Has(p, i) ? "1," : "0,";
    out += std::to_string(t.counts[p]) + "\n";
  }
  return out;
}

std::string ModelFit::Describe(const std::vector<std::string>& names) const {
  std::string s = "main effects";
  auto name = [&](int i) { return i < static_cast<int>(names.size()) ? names[i] : fmt::format("list{}", i + 1); };
  for (auto& [i, j] : interactions) {
    bool fixed = std::find(fixed_minus_inf.begin(), fixed_minus_inf.end(), std::make_pair(i, j)) != fixed_minus_inf.end();
    s += fmt::format(" + {}:{}{}", name(i), name(j), fixed ? " (at -inf: no overlap)" : "");
  }
  return s;
}

ModelFit FitLogLinear(const ListTable& table, const std::vector<std::pair<int, int>>& interactions,
                      const std::vector<double>* start, bool fix_empty_terms_at_minus_inf) {
  ModelFit fit;
  fit.interactions = interactions;
  const int k = table.num_lists();
  const unsigned num_patterns = 1u << k;
  // Terms with no overlap: the MLE is at -inf.
  std::vector<std::pair<int, int>> active;
  std::vector<int> active_pos;  // position of each active term in `interactions`
  for (size_t t = 0; t < interactions.size(); ++t) {
    auto [i, j] = interactions[t];
    if (Overlap(table, i, j) == 0) {
      if (!fix_empty_terms_at_minus_inf) {
        fit.problem = fmt::format("lists {} and {} share nobody: their interaction is at -inf", i + 1, j + 1);
        return fit;
      }
      fit.fixed_minus_inf.push_back({i, j});
    } else {
      active.push_back({i, j});
      active_pos.push_back(static_cast<int>(t));
    }
  }
  for (int i = 0; i < k; ++i) {
    int64_t on = 0;
    for (unsigned p = 1; p < num_patterns; ++p) on += Has(p, i) ? table.counts[p] : 0;
    if (on == 0) {
      fit.problem = fmt::format("list {} is empty: its main effect is at -inf", i + 1);
      return fit;
    }
  }
  // Cells used: observed patterns that are not structural zeros.
  std::vector<unsigned> cells;
  for (unsigned p = 1; p < num_patterns; ++p) {
    bool structural = false;
    for (auto [i, j] : fit.fixed_minus_inf) structural |= Has(p, i) && Has(p, j);
    if (!structural) cells.push_back(p);
  }
  const int n = static_cast<int>(cells.size());
  const int p = 1 + k + static_cast<int>(active.size());
  fit.num_params = p;
  fit.num_cells = n;
  if (p > n) {
    fit.problem = fmt::format("{} parameters but only {} cells: not identifiable", p, n);
    return fit;
  }
  std::vector<double> x(static_cast<size_t>(n) * p), y(n), mu(n), eta(n);
  double total = 0;
  for (int c = 0; c < n; ++c) {
    unsigned s = cells[c];
    double* row = &x[static_cast<size_t>(c) * p];
    row[0] = 1;
    for (int i = 0; i < k; ++i) row[1 + i] = Has(s, i);
    for (size_t t = 0; t < active.size(); ++t) row[1 + k + t] = Has(s, active[t].first) && Has(s, active[t].second);
    y[c] = static_cast<double>(table.counts[s]);
    total += y[c];
  }
  std::vector<double> h(static_cast<size_t>(p) * p), g(p), beta(p, 0.0);
  auto accumulate = [&](const std::vector<double>& w, const std::vector<double>& r) {
    std::fill(h.begin(), h.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    for (int c = 0; c < n; ++c) {
      const double* row = &x[static_cast<size_t>(c) * p];
      double wc = w[c];
      for (int a = 0; a < p; ++a) {
        if (row[a] == 0) continue;
        g[a] += row[a] * r[c];
        double wa = wc * row[a];
        for (int b = 0; b <= a; ++b) h[a * p + b] += wa * row[b];
      }
    }
    for (int a = 0; a < p; ++a)
      for (int b = 0; b < a; ++b) h[b * p + a] = h[a * p + b];
  };
  bool warm = start && start->size() == 1 + k + interactions.size();
  if (warm) {
    for (int m = 0; m <= k; ++m) beta[m] = (*start)[m];
    for (size_t t = 0; t < active.size(); ++t) {
      double v = (*start)[1 + k + active_pos[t]];
      beta[1 + k + t] = std::isfinite(v) ? v : 0.0;
    }
  } else {
    // Weighted least squares on log(y + 0.5), as glm() starts: robust to zero cells.
    std::vector<double> w(n), z(n);
    for (int c = 0; c < n; ++c) {
      w[c] = y[c] + 0.5;
      z[c] = std::log(y[c] + 0.5);
    }
    accumulate(w, std::vector<double>(n, 0.0));
    std::fill(g.begin(), g.end(), 0.0);
    for (int c = 0; c < n; ++c)
      for (int a = 0; a < p; ++a) g[a] += x[static_cast<size_t>(c) * p + a] * w[c] * z[c];
    if (!CholeskySolve(h, g, p)) {
      fit.problem = "design is rank-deficient: the model is not identifiable from the observed patterns";
      return fit;
    }
    beta = g;
  }
  auto compute_mu = [&](const std::vector<double>& b) {
    for (int c = 0; c < n; ++c) {
      const double* row = &x[static_cast<size_t>(c) * p];
      double e = 0;
      for (int a = 0; a < p; ++a) e += row[a] * b[a];
      eta[c] = std::min(e, 700.0);
      mu[c] = std::exp(eta[c]);
    }
  };
  compute_mu(beta);
  double dev = Deviance(y, mu);
  bool converged = false;
  std::vector<double> resid(n), trial(p);
  int it = 0;
  for (; it < kMaxIterations; ++it) {
    for (int c = 0; c < n; ++c) resid[c] = y[c] - mu[c];
    accumulate(mu, resid);
    if (!CholeskySolve(h, g, p)) {
      fit.problem = "information matrix is singular: the model is not identifiable or a parameter is at the boundary";
      return fit;
    }
    double step = 1, new_dev = 0, max_change = 0;
    for (int half = 0; half < 40; ++half) {
      for (int a = 0; a < p; ++a) trial[a] = beta[a] + step * g[a];
      compute_mu(trial);
      new_dev = Deviance(y, mu);
      if (std::isfinite(new_dev) && new_dev <= dev + 1e-10 * (1 + std::fabs(dev))) break;
      step *= 0.5;
    }
    for (int a = 0; a < p; ++a) max_change = std::max(max_change, std::fabs(trial[a] - beta[a]));
    beta = trial;
    double change = std::fabs(dev - new_dev);
    dev = new_dev;
    if (max_change < 1e-8 || (change < 1e-11 * (1 + dev) && max_change < 1e-5)) {
      converged = true;
      ++it;
      break;
    }
  }
  fit.iterations = it;
  for (int a = 0; a < p; ++a) {
    if (!std::isfinite(beta[a]) || std::fabs(beta[a]) > kMaxAbsBeta) {
      fit.problem = "a parameter runs off to infinity (the maximum likelihood estimate does not exist for this table)";
      return fit;
    }
  }
  if (!converged) {
    fit.problem = fmt::format("no convergence in {} iterations (parameters drifting: boundary estimate)", kMaxIterations);
    return fit;
  }
  compute_mu(beta);
  double ll = 0;
  for (int c = 0; c < n; ++c) ll += y[c] * eta[c] - mu[c] - std::lgamma(y[c] + 1);
  fit.loglik = ll;
  fit.deviance = dev;
  fit.aic = -2 * ll + 2 * p;
  fit.bic = -2 * ll + p * std::log(std::max(total, 2.0));
  fit.unseen = std::exp(beta[0]);
  fit.beta.assign(1 + k + interactions.size(), -INFINITY);
  for (int m = 0; m <= k; ++m) fit.beta[m] = beta[m];
  for (size_t t = 0; t < active.size(); ++t) fit.beta[1 + k + active_pos[t]] = beta[1 + k + t];
  fit.ok = true;
  return fit;
}

namespace {

// Score (Rao) statistics for adding each candidate interaction to a fitted model:
// U^2 / Var(U) with U = z'(y - mu), computed from the current fit alone. Used to
// pick which few candidates deserve a full fit; the choice among those is by the
// real criterion. Returns -1 for a candidate whose statistic cannot be computed.
std::vector<double> ScoreStatistics(const ListTable& table, const ModelFit& fit,
                                    const std::vector<std::pair<int, int>>& candidates) {
  const int k = table.num_lists();
  const unsigned num_patterns = 1u << k;
  const int p = 1 + k + static_cast<int>(fit.interactions.size());
  std::vector<double> out(candidates.size(), -1.0);
  std::vector<double> mu(num_patterns, 0.0);
  std::vector<double> h(static_cast<size_t>(p) * p, 0.0), row(p);
  auto fill_row = [&](unsigned s) {
    row[0] = 1;
    for (int i = 0; i < k; ++i) row[1 + i] = Has(s, i);
    for (size_t t = 0; t < fit.interactions.size(); ++t)
      row[1 + k + t] = Has(s, fit.interactions[t].first) && Has(s, fit.interactions[t].second);
  };
  for (unsigned s = 1; s < num_patterns; ++s) {
    fill_row(s);
    double e = 0;
    for (int a = 0; a < p; ++a) e += row[a] * fit.beta[a];
    mu[s] = std::exp(e);
    for (int a = 0; a < p; ++a) {
      if (row[a] == 0) continue;
      for (int b = 0; b <= a; ++b) h[a * p + b] += mu[s] * row[b];
    }
  }
  for (int a = 0; a < p; ++a)
    for (int b = 0; b < a; ++b) h[b * p + a] = h[a * p + b];
  // Factor once (CholeskySolve factors in place; keep a pristine copy per solve).
  for (size_t c = 0; c < candidates.size(); ++c) {
    auto [i, j] = candidates[c];
    double u = 0, zwz = 0;
    std::vector<double> cvec(p, 0.0);
    for (unsigned s = 1; s < num_patterns; ++s) {
      if (!(Has(s, i) && Has(s, j))) continue;
      fill_row(s);
      u += static_cast<double>(table.counts[s]) - mu[s];
      zwz += mu[s];
      for (int a = 0; a < p; ++a) cvec[a] += row[a] * mu[s];
    }
    std::vector<double> hh = h, v = cvec;
    if (!CholeskySolve(hh, v, p)) continue;
    double var = zwz;
    for (int a = 0; a < p; ++a) var -= cvec[a] * v[a];
    if (var > 1e-12 * (1 + zwz)) out[c] = u * u / var;
  }
  return out;
}

}  // namespace

ModelFit SelectModel(const ListTable& table, Criterion criterion, std::vector<SelectionStep>* path, int screen) {
  const int k = table.num_lists();
  auto name = [&](std::pair<int, int> t) {
    return fmt::format("{}:{}", table.list_names[t.first], table.list_names[t.second]);
  };
  ModelFit current = FitLogLinear(table, {});
  if (!current.ok) return current;
  if (path) path->push_back({"start: main effects", current.Score(criterion), current.unseen});
  std::vector<std::pair<int, int>> eligible;
  for (int i = 0; i < k; ++i)
    for (int j = i + 1; j < k; ++j)
      if (Overlap(table, i, j) > 0) eligible.push_back({i, j});
  const int max_params = (1 << k) - 1;
  for (int step = 0; step < 200; ++step) {
    ModelFit best = current;
    std::string action;
    std::vector<std::pair<int, int>> candidates;
    if (current.num_params + 1 <= max_params) {
      for (auto term : eligible)
        if (std::find(current.interactions.begin(), current.interactions.end(), term) == current.interactions.end())
          candidates.push_back(term);
    }
    if (screen > 0 && static_cast<int>(candidates.size()) > screen) {
      std::vector<double> stat = ScoreStatistics(table, current, candidates);
      std::vector<size_t> order(candidates.size());
      for (size_t c = 0; c < order.size(); ++c) order[c] = c;
      std::partial_sort(order.begin(), order.begin() + screen, order.end(),
                        [&](size_t a, size_t b) { return stat[a] > stat[b]; });
      std::vector<std::pair<int, int>> kept;
      for (int c = 0; c < screen; ++c) kept.push_back(candidates[order[c]]);
      candidates = std::move(kept);
    }
    for (auto term : candidates) {
      auto terms = current.interactions;
      terms.push_back(term);
      auto start = current.beta;
      start.push_back(0.0);
      ModelFit cand = FitLogLinear(table, terms, &start);
      if (cand.ok && cand.Score(criterion) < best.Score(criterion) - 1e-9) {
        best = std::move(cand);
        action = "add " + name(term);
      }
    }
    for (size_t t = 0; t < current.interactions.size(); ++t) {
      auto terms = current.interactions;
      terms.erase(terms.begin() + static_cast<long>(t));
      auto start = current.beta;
      start.erase(start.begin() + 1 + k + static_cast<long>(t));
      ModelFit cand = FitLogLinear(table, terms, &start);
      if (cand.ok && cand.Score(criterion) < best.Score(criterion) - 1e-9) {
        best = std::move(cand);
        action = "drop " + name(current.interactions[t]);
      }
    }
    if (action.empty()) break;
    current = std::move(best);
    if (path) path->push_back({action, current.Score(criterion), current.unseen});
  }
  return current;
}

core::Result<MseResult> EstimatePopulation(const ListTable& table, const MseOptions& options, Provenance provenance) {
  const int k = table.num_lists();
  if (k < 2) {
    return core::Status::Error(core::StatusCode::kInvalidInput, "MSE needs at least 2 lists");
  }
  // A list that shares nobody: the data say nothing about how many it misses.
  for (int i = 0; i < k; ++i) {
    int64_t shared = 0;
    for (unsigned p = 1; p < table.counts.size(); ++p)
      if (Has(p, i) && (p & ~(1u << i))) shared += table.counts[p];
    if (shared == 0) {
      return core::Status::Error(
          core::StatusCode::kInvalidInput,
          fmt::format("list '{}' shares nobody with the other lists, so the number it misses is unbounded; MSE needs "
                      "overlaps between lists (merge or drop that list)",
                      table.list_names[i]));
    }
  }
  MseResult res;
  res.options = options;
  res.list_names = table.list_names;
  res.observed = table.Observed();
  res.model = SelectModel(table, options.criterion, &res.path, options.screen);
  if (!res.model.ok) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("the main-effects model cannot be fitted: {}", res.model.problem));
  }
  res.unseen = res.model.unseen;
  res.estimate = static_cast<double>(res.observed) + res.unseen;
  for (int i = 0; i < k; ++i)
    for (int j = i + 1; j < k; ++j)
      if (Overlap(table, i, j) == 0)
        res.warnings.push_back(fmt::format("lists '{}' and '{}' share nobody; their interaction was not considered",
                                           table.list_names[i], table.list_names[j]));

  // Fitted means of all 2^k cells under the chosen model, including the unseen one.
  const unsigned num_patterns = 1u << k;
  std::vector<double> mu(num_patterns, 0.0);
  for (unsigned s = 0; s < num_patterns; ++s) {
    double e = res.model.beta[0];
    for (int i = 0; i < k; ++i) e += Has(s, i) ? res.model.beta[1 + i] : 0.0;
    for (size_t t = 0; t < res.model.interactions.size(); ++t) {
      auto [i, j] = res.model.interactions[t];
      if (Has(s, i) && Has(s, j)) e += res.model.beta[1 + k + t];
    }
    mu[s] = std::exp(e);
  }
  int reps = std::max(0, options.bootstrap);
  std::vector<double> totals(reps), unseens(reps);
  std::atomic<int> next{0}, failed{0};
  auto worker = [&]() {
    for (;;) {
      int r = next.fetch_add(1);
      if (r >= reps) break;
      std::mt19937_64 rng(SplitMix(options.seed * 0x100000001b3ULL + static_cast<uint64_t>(r)));
      ListTable t;
      t.list_names = table.list_names;
      t.counts.assign(num_patterns, 0);
      int64_t obs = 0;
      for (unsigned s = 0; s < num_patterns; ++s) {
        if (mu[s] <= 0) continue;
        std::poisson_distribution<int64_t> pois(mu[s]);
        int64_t c = pois(rng);
        if (s > 0) {
          t.counts[s] = c;
          obs += c;
        }
      }
      ModelFit f = options.reselect ? SelectModel(t, options.criterion, nullptr, options.screen)
                                    : FitLogLinear(t, res.model.interactions, &res.model.beta, true);
      if (!f.ok || obs == 0) {
        failed.fetch_add(1);
        totals[r] = unseens[r] = INFINITY;
      } else {
        totals[r] = static_cast<double>(obs) + f.unseen;
        unseens[r] = f.unseen;
      }
    }
  };
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::min(threads, std::max(1, reps));
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
  res.replicates = reps;
  res.failed_replicates = failed.load();
  auto quantile = [](std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    double pos = q * static_cast<double>(v.size() - 1);
    size_t lo = static_cast<size_t>(std::floor(pos));
    size_t hi = std::min(v.size() - 1, lo + 1);
    if (!std::isfinite(v[hi]) || !std::isfinite(v[lo])) return std::isfinite(v[lo]) && pos == lo ? v[lo] : INFINITY;
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  double alpha = 1 - options.level;
  if (reps >= 2) {
    res.ci_lo = quantile(totals, alpha / 2);
    res.ci_hi = quantile(totals, 1 - alpha / 2);
    res.unseen_lo = quantile(unseens, alpha / 2);
    res.unseen_hi = quantile(unseens, 1 - alpha / 2);
  } else {
    res.ci_lo = res.unseen_lo = 0;
    res.ci_hi = res.unseen_hi = INFINITY;
    res.warnings.push_back("no bootstrap replicates requested: no interval");
  }
  if (res.failed_replicates > 0) {
    res.warnings.push_back(fmt::format(
        "{} of {} bootstrap replicates had no finite estimate (sparse table); they count as infinite, which widens "
        "the upper bound",
        res.failed_replicates, reps));
  }
  if (reps >= 2 && !std::isfinite(res.ci_hi)) res.warnings.push_back("the upper bound is unbounded: the data cannot rule out a very "
                                                        "large hidden population");
  if (res.observed < 50) res.warnings.push_back("fewer than 50 people observed: the estimate is fragile");
  provenance.method = fmt::format(
      "Poisson log-linear MSE: main effects + pairwise interactions chosen by bidirectional stepwise {}; unseen = "
      "exp(intercept){}; {}% interval = percentiles of {} parametric bootstrap totals{} (seed {})",
      options.criterion == Criterion::kAic ? "AIC" : "BIC",
      options.screen > 0 ? fmt::format(" (each step fits the {} additions with the largest score statistic, and all "
                                       "removals)", options.screen)
                         : std::string(" (exhaustive at each step)"),
      static_cast<int>(std::lround(options.level * 100)), reps,
      options.reselect ? " with model reselection" : " with the model fixed", options.seed);
  if (provenance.query.empty()) provenance.query = "estimate the total population from list overlaps";
  res.provenance = std::move(provenance);
  return res;
}

nlohmann::json MseResult::ToJson() const {
  auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(std::round(v * 100) / 100) : nlohmann::json(); };
  nlohmann::json j;
  j["observed"] = observed;
  j["estimate"] = num(estimate);
  j["ci95"] = {num(ci_lo), num(ci_hi)};
  j["unseen"] = num(unseen);
  j["unseen_ci95"] = {num(unseen_lo), num(unseen_hi)};
  j["level"] = options.level;
  nlohmann::json m;
  m["description"] = model.Describe(list_names);
  nlohmann::json terms = nlohmann::json::array();
  for (auto [a, b] : model.interactions) terms.push_back(list_names[a] + ":" + list_names[b]);
  m["interactions"] = terms;
  nlohmann::json coef = nlohmann::json::object();
  auto raw = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };  // -inf -> null
  coef["(intercept)"] = raw(model.beta[0]);
  for (size_t i = 0; i < list_names.size(); ++i) coef[list_names[i]] = raw(model.beta[1 + i]);
  for (size_t t = 0; t < model.interactions.size(); ++t)
    coef[terms[t].get<std::string>()] = raw(model.beta[1 + list_names.size() + t]);
  m["coefficients"] = coef;
  m["criterion"] = options.criterion == Criterion::kAic ? "aic" : "bic";
  m["aic"] = model.aic;
  m["bic"] = model.bic;
  m["deviance"] = model.deviance;
  m["parameters"] = model.num_params;
  m["cells"] = model.num_cells;
  m["residual_df"] = model.num_cells - model.num_params;
  j["model"] = m;
  nlohmann::json p = nlohmann::json::array();
  for (auto& s : path) p.push_back({{"step", s.action}, {"score", s.score}, {"unseen", s.unseen}});
  j["selection_path"] = p;
  j["search"] = options.screen > 0 ? nlohmann::json({{"screened_additions_per_step", options.screen}})
                                    : nlohmann::json({{"screened_additions_per_step", nullptr}});
  j["bootstrap"] = {{"replicates", replicates},
                    {"failed", failed_replicates},
                    {"seed", options.seed},
                    {"reselect_model", options.reselect}};
  j["lists"] = list_names;
  j["warnings"] = warnings;
  j["provenance"] = provenance.ToJson();
  return j;
}

ListTable SimulateListTable(const SimulationSpec& spec, std::mt19937_64& rng) {
  const int k = static_cast<int>(spec.capture_prob.size());
  const unsigned num_patterns = 1u << k;
  std::vector<double> w(num_patterns);
  double sum = 0;
  for (unsigned s = 0; s < num_patterns; ++s) {
    double e = 0;
    for (int i = 0; i < k; ++i) {
      double p = spec.capture_prob[i];
      e += Has(s, i) ? std::log(p) : std::log1p(-p);
    }
    for (auto& [ij, lor] : spec.interactions)
      if (Has(s, ij.first) && Has(s, ij.second)) e += lor;
    w[s] = std::exp(e);
    sum += w[s];
  }
  ListTable t;
  for (int i = 0; i < k; ++i) t.list_names.push_back(fmt::format("list{}", i + 1));
  t.counts.assign(num_patterns, 0);
  int64_t left = spec.population;
  double mass = 1.0;
  for (unsigned s = 0; s < num_patterns && left > 0; ++s) {
    double p = w[s] / sum;
    double q = s + 1 == num_patterns ? 1.0 : std::min(1.0, std::max(0.0, p / mass));
    std::binomial_distribution<int64_t> bin(left, q);
    int64_t c = bin(rng);
    if (s > 0) t.counts[s] = c;
    left -= c;
    mass -= p;
  }
  return t;
}

}  // namespace lodestar::stats
