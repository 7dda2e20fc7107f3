#include "stats/hotline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "stats/csv.h"

namespace lodestar::stats {
namespace {

uint64_t NextU64(uint64_t& s) {  // splitmix64
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

double LaplaceNoise(uint64_t& state, double scale) {
  // u uniform in (-0.5, 0.5), never exactly +-0.5 (log(0) would be -inf).
  double u = (static_cast<double>(NextU64(state) >> 11) + 0.5) / 9007199254740992.0 - 0.5;
  return -scale * (u < 0 ? -1.0 : 1.0) * std::log1p(-2 * std::fabs(u));
}

core::Result<HotlineData> LoadHotlineCsv(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  auto csv = ParseCsv(text.value(), path);
  if (!csv.ok()) return csv.status();
  HotlineData data;
  data.provenance = ProvenanceForContent(path, text.value());
  data.provenance.source = path.find("us-hotline") != std::string::npos
                               ? "National Human Trafficking Hotline (Polaris) published statistics 2012-2016, as "
                                 "collected in RossThorn/human-trafficking-viz"
                               : "user-supplied hotline table";
  const char* names[5] = {"Year_Date", "Calls", "Cases_Reported", "State", "postal"};
  size_t cols[5];
  for (int i = 0; i < 5; ++i) {
    auto c = csv->RequireColumn(names[i]);
    if (!c.ok()) return c.status();
    cols[i] = c.value();
  }
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    const auto& row = csv->rows[r];
    HotlineRecord rec;
    long long y = 0, calls = 0, cases = 0;
    if (!ParseCount(row[cols[0]], y) || !ParseCount(row[cols[1]], calls) || !ParseCount(row[cols[2]], cases)) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("{}:{}: Year_Date, Calls and Cases_Reported must be non-negative integers",
                                             path, csv->line_numbers[r]));
    }
    rec.year = static_cast<int>(y);
    rec.calls = calls;
    rec.cases = cases;
    rec.state = row[cols[3]];
    rec.postal = row[cols[4]];
    data.records.push_back(std::move(rec));
  }
  return data;
}

core::Result<HotlineResult> HotlineCounts(const HotlineData& data, const HotlineOptions& options) {
  if (options.epsilon < 0 || !std::isfinite(options.epsilon)) {
    return core::Status::Error(core::StatusCode::kInvalidInput, "--epsilon must be a positive number (e.g. 1.0)");
  }
  std::map<std::string, HotlineCell> groups;
  for (auto& r : data.records) {
    if (options.year != 0 && r.year != options.year) continue;
    std::string key = options.by == HotlineGroupBy::kState ? r.state : std::to_string(r.year);
    auto& c = groups[key];
    c.key = key;
    if (options.by == HotlineGroupBy::kState) c.postal = r.postal;
    c.calls += r.calls;
    c.cases += r.cases;
  }
  if (groups.empty()) {
    return core::Status::Error(core::StatusCode::kNotFound,
                               fmt::format("{}: no rows for year {}; the file covers other years",
                                           data.provenance.dataset, options.year));
  }
  HotlineResult res;
  res.threshold = std::max(options.suppress_below, options.k_anonymity);
  uint64_t state = options.seed ^ 0x6c6f6465737461ULL;  // "lodesta": separates this stream from other seeded uses
  double scale = options.epsilon > 0 ? 2.0 / options.epsilon : 0;
  for (auto& [k, c] : groups) {
    if (scale > 0) {
      c.calls = std::max<int64_t>(0, std::llround(static_cast<double>(c.calls) + LaplaceNoise(state, scale)));
      c.cases = std::max<int64_t>(0, std::llround(static_cast<double>(c.cases) + LaplaceNoise(state, scale)));
    }
    c.calls_suppressed = res.threshold > 0 && c.calls < res.threshold;
    c.cases_suppressed = res.threshold > 0 && c.cases < res.threshold;
    res.cells.push_back(c);
  }
  Table& t = res.table;
  t.columns = options.by == HotlineGroupBy::kState ? std::vector<std::string>{"state", "postal", "calls", "cases"}
                                                   : std::vector<std::string>{"year", "calls", "cases"};
  std::string hidden = fmt::format("<{}", res.threshold);
  int64_t total_calls = 0, total_cases = 0;
  size_t suppressed = 0;
  for (auto& c : res.cells) {
    nlohmann::json calls = c.calls_suppressed ? nlohmann::json(hidden) : nlohmann::json(c.calls);
    nlohmann::json cases = c.cases_suppressed ? nlohmann::json(hidden) : nlohmann::json(c.cases);
    suppressed += c.calls_suppressed + c.cases_suppressed;
    total_calls += c.calls;
    total_cases += c.cases;
    if (options.by == HotlineGroupBy::kState) t.rows.push_back({c.key, c.postal, calls, cases});
    else t.rows.push_back({std::stoi(c.key), calls, cases});
  }
  t.provenance = data.provenance;
  t.provenance.query = options.by == HotlineGroupBy::kState ? "hotline calls and cases by state"
                                                            : "hotline calls and cases by year";
  t.provenance.filters = options.year ? fmt::format("year={}", options.year) : "all years summed";
  std::string method = "sum of published counts";
  if (options.epsilon > 0) {
    method += fmt::format("; Laplace noise, total epsilon={} (epsilon/2 per column, scale {}), seed {}, rounded and "
                          "clamped at 0",
                          options.epsilon, FormatNumber(scale), options.seed);
  }
  if (res.threshold > 0) method += fmt::format("; counts below {} shown as {}", res.threshold, hidden);
  t.provenance.method = method;
  if (suppressed > 0) t.notes.push_back(fmt::format("{} cells suppressed", suppressed));
  if (options.epsilon > 0) {
    t.notes.push_back(fmt::format("counts are noisy: each is within +-{} of the true count with 95% probability",
                                  FormatNumber(std::ceil(scale * std::log(20.0)))));
  }
  return res;
}

}  // namespace lodestar::stats
