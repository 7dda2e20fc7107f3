#include "stats/disparity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>

#include "stats/csv.h"

namespace lodestar::stats {
namespace {

std::string Lower(std::string_view s) {
  std::string out;
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  for (size_t i = b; i < e; ++i) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
  return out;
}

std::string Pct(double p) { return fmt::format("{:.1f}%", 100 * p); }
std::string PValue(double p) { return p < 0.0001 ? "p < 0.0001" : fmt::format("p = {:.2g}", p); }

}  // namespace

core::Result<DisparityReport> AuditDecisions(const std::vector<DecisionRecord>& records, const AuditOptions& options,
                                            Provenance provenance) {
  if (records.empty()) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               "no decisions to audit: the input has no rows with an outcome");
  }
  std::map<std::string, std::pair<int64_t, int64_t>> counts;  // group -> (n, positives)
  for (auto& r : records) {
    auto& c = counts[r.group.empty() ? "(missing)" : r.group];
    ++c.first;
    if (r.positive) ++c.second;
  }
  DisparityReport rep;
  rep.level = options.level;
  for (auto& [g, c] : counts) {
    GroupRate gr;
    gr.group = g;
    gr.n = c.first;
    gr.positives = c.second;
    gr.rate = static_cast<double>(c.second) / static_cast<double>(c.first);
    gr.ci = WilsonInterval(gr.positives, gr.n, options.level);
    rep.groups.push_back(gr);
  }
  std::sort(rep.groups.begin(), rep.groups.end(), [](const GroupRate& x, const GroupRate& y) {
    return x.rate != y.rate ? x.rate > y.rate : x.group < y.group;
  });
  for (size_t i = 0; i < rep.groups.size(); ++i) {
    for (size_t j = i + 1; j < rep.groups.size(); ++j) {
      const auto &a = rep.groups[i], &b = rep.groups[j];
      if (a.n < options.min_group_size || b.n < options.min_group_size) continue;
      GroupDifference d;
      d.a = a.group;
      d.b = b.group;
      d.difference = a.rate - b.rate;
      d.ci = NewcombeDifferenceInterval(a.positives, a.n, b.positives, b.n, options.level);
      d.p_fisher = FisherExactTwoSided(a.positives, a.n - a.positives, b.positives, b.n - b.positives);
      rep.pairs.push_back(d);
    }
  }
  // Holm step-down adjustment: with many groups, some pairs differ by chance alone.
  std::vector<size_t> order(rep.pairs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return rep.pairs[x].p_fisher < rep.pairs[y].p_fisher; });
  double running = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    double adj = std::min(1.0, rep.pairs[order[k]].p_fisher * static_cast<double>(order.size() - k));
    running = std::max(running, adj);
    rep.pairs[order[k]].p_holm = running;
  }

  // Plain-language summary.
  int pct_level = static_cast<int>(std::lround(100 * options.level));
  std::string s;
  int64_t total = static_cast<int64_t>(records.size());
  s += fmt::format("{} decisions in {} groups. ", total, rep.groups.size());
  for (auto& g : rep.groups) {
    s += fmt::format("{}: {} positive ({} of {}; {}% interval {} to {}). ", g.group, Pct(g.rate), g.positives, g.n,
                     pct_level, Pct(g.ci.lo), Pct(g.ci.hi));
  }
  for (auto& g : rep.groups) {
    if (g.n < 30) {
      s += fmt::format("The '{}' group has only {} decisions, so its rate is uncertain (see the width of its interval). ",
                       g.group, g.n);
    }
  }
  int clear = 0;
  for (auto& d : rep.pairs) {
    bool excludes_zero = d.ci.lo > 0 || d.ci.hi < 0;
    if (excludes_zero && d.p_holm < 1 - options.level) {
      ++clear;
      s += fmt::format(
          "'{}' is accepted more often than '{}' by {:.1f} percentage points ({}% interval {:.1f} to {:.1f} points). "
          "If both groups had the same underlying rate, a gap at least this large would occur by chance with {} "
          "(Fisher exact test{}), so we can be confident the gap is real and not a fluke of small numbers. ",
          d.a, d.b, 100 * d.difference, pct_level, 100 * d.ci.lo, 100 * d.ci.hi, PValue(d.p_fisher),
          rep.pairs.size() > 1 ? fmt::format("; {} after Holm adjustment for {} comparisons", PValue(d.p_holm),
                                             rep.pairs.size())
                               : "");
    }
  }
  if (clear == 0 && !rep.pairs.empty()) {
    const auto& top = *std::max_element(rep.pairs.begin(), rep.pairs.end(), [](auto& x, auto& y) {
      return std::fabs(x.difference) < std::fabs(y.difference);
    });
    s += fmt::format(
        "No difference between groups is clear at the {}% level: the largest gap, {:.1f} points between '{}' and "
        "'{}', has an interval of {:.1f} to {:.1f} points ({}), which is compatible with no difference. That is not "
        "proof that the groups are treated alike; more decisions would narrow the intervals. ",
        pct_level, 100 * top.difference, top.a, top.b, 100 * top.ci.lo, 100 * top.ci.hi, PValue(top.p_fisher));
  }
  s += "These figures show whether rates differ, not why: groups can differ in case mix (age, form of exploitation, "
       "evidence available), so a gap calls for review of the decisions, not an automatic conclusion of bias.";
  rep.summary = std::move(s);
  provenance.method = fmt::format(
      "positive rate per group with Wilson {0}% interval; pairwise difference with Newcombe hybrid score {0}% "
      "interval; two-sided Fisher exact test; Holm adjustment across pairs",
      pct_level);
  rep.provenance = std::move(provenance);
  return rep;
}

Table DisparityReport::RatesTable() const {
  Table t;
  t.columns = {"group", "n", "positive", "rate", "ci_lo", "ci_hi"};
  for (auto& g : groups) {
    t.rows.push_back({g.group, g.n, g.positives, std::round(g.rate * 1e6) / 1e6, std::round(g.ci.lo * 1e6) / 1e6,
                      std::round(g.ci.hi * 1e6) / 1e6});
  }
  t.provenance = provenance;
  return t;
}

Table DisparityReport::PairsTable() const {
  Table t;
  t.columns = {"group_a", "group_b", "difference", "ci_lo", "ci_hi", "p_fisher", "p_holm"};
  for (auto& d : pairs) {
    t.rows.push_back({d.a, d.b, std::round(d.difference * 1e6) / 1e6, std::round(d.ci.lo * 1e6) / 1e6,
                      std::round(d.ci.hi * 1e6) / 1e6, d.p_fisher, d.p_holm});
  }
  t.provenance = provenance;
  return t;
}

nlohmann::json DisparityReport::ToJson() const {
  nlohmann::json j;
  j["level"] = level;
  j["groups"] = RatesTable().ToJson()["rows"];
  j["pairs"] = PairsTable().ToJson()["rows"];
  j["summary"] = summary;
  j["provenance"] = provenance.ToJson();
  return j;
}

core::Result<std::vector<DecisionRecord>> LoadDecisionsCsv(const std::string& path, const std::string& group_column,
                                                           const std::string& outcome_column,
                                                           const std::string& positive_value, size_t* skipped,
                                                           Provenance* provenance) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  auto table = ParseCsv(text.value(), path);
  if (!table.ok()) return table.status();
  auto gc = table->RequireColumn(group_column);
  if (!gc.ok()) return gc.status();
  auto oc = table->RequireColumn(outcome_column);
  if (!oc.ok()) return oc.status();
  if (provenance) *provenance = ProvenanceForContent(path, text.value());
  std::string want = Lower(positive_value);
  std::vector<DecisionRecord> out;
  size_t skip = 0;
  for (auto& row : table->rows) {
    std::string v = Lower(row[oc.value()]);
    if (v.empty()) {
      ++skip;
      continue;
    }
    bool positive = want.empty() ? (v == "1" || v == "true" || v == "yes" || v == "positive" || v == "accepted" ||
                                    v == "granted")
                                 : v == want;
    std::string g = row[gc.value()];
    out.push_back({std::move(g), positive});
  }
  if (skipped) *skipped = skip;
  return out;
}

}  // namespace lodestar::stats
