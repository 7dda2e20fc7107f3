// lodestar stats --db DIR [--json]: what a store holds (ads by source, site,
// city, day; quarantined records). Measurement subcommands (e.g. `stats hotline`)
// hang off the same command; see measure_cmd.cc.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/time.h"
#include "core/url.h"
#include "store/store.h"

namespace lodestar::cli {

namespace {

// The stated city: the first comma-separated part of the location, trimmed.
std::string City(const std::string& location) {
  std::string city = location.substr(0, location.find(','));
  auto b = city.find_first_not_of(" \t");
  auto e = city.find_last_not_of(" \t");
  return b == std::string::npos ? "" : city.substr(b, e - b + 1);
}

using Counts = std::map<std::string, uint64_t>;

void PrintTop(const char* title, const Counts& counts, size_t limit) {
  std::vector<std::pair<std::string, uint64_t>> rows(counts.begin(), counts.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  fmt::print("\n{} ({} distinct)\n", title, rows.size());
  for (size_t i = 0; i < rows.size() && i < limit; ++i)
    fmt::print("  {:>10}  {}\n", rows[i].second, rows[i].first.empty() ? "(none)" : rows[i].first);
  if (rows.size() > limit) fmt::print("  ... {} more (use --json for all)\n", rows.size() - limit);
}

}  // namespace

void RegisterStats(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("stats", "Summarise a store (or, with a subcommand, compute statistics)");
  struct Flags {
    std::string db;
    bool json = false;
    size_t top = 10;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--db", flags->db, "Store directory");
  cmd->add_flag("--json", flags->json, "JSON output (top-level 'ads' and 'quarantined' counts)");
  cmd->add_option("--top", flags->top, "Rows per table in text output (default 10)");
#ifdef LODESTAR_HAS_STATS
  RegisterMeasurementStats(*cmd, exit_code);
#endif
  cmd->callback([cmd, flags, &exit_code]() {
    if (!cmd->get_subcommands().empty()) return;  // a measurement subcommand ran instead
    if (flags->db.empty()) return Fail(exit_code, "stats needs --db DIR (a store made by `lodestar ingest`)", 2);
    auto db = store::Store::Open(flags->db, store::Store::Mode::kRead);
    if (!db.ok()) return Fail(exit_code, db.status());
    Counts by_source, by_site, by_city, by_day, reasons;
    uint64_t ads = 0;
    auto st = (*db)->ForEachAd([&](const store::StoredAd& s) {
      ++ads;
      ++by_source[s.ad.source];
      ++by_site[core::UrlHost(s.ad.url)];
      ++by_city[City(s.ad.location)];
      ++by_day[s.ad.posted ? core::FormatDate(s.ad.posted) : "unknown"];
      return true;
    });
    if (!st.ok()) return Fail(exit_code, st);
    uint64_t quarantined = 0;
    (void)(*db)->ForEachQuarantined([&](const store::QuarantineEntry& q) {
      ++quarantined;
      ++reasons[q.reason];
      return true;
    });
    if (flags->json) {
      nlohmann::json j = {{"ads", ads},
                          {"quarantined", quarantined},
                          {"runs", (*db)->run_count()},
                          {"store_bytes", (*db)->segment_bytes()},
                          {"by_source", by_source},
                          {"by_site", by_site},
                          {"by_city", by_city},
                          {"by_day", by_day},
                          {"quarantine_reasons", reasons}};
      fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    fmt::print("store {}: {} ads, {} quarantined records, {} ingest runs, {:.1f} MB of segments\n", flags->db, ads,
               quarantined, (*db)->run_count(), (*db)->segment_bytes() / 1e6);
    PrintTop("by source", by_source, flags->top);
    PrintTop("by site", by_site, flags->top);
    PrintTop("by city", by_city, flags->top);
    PrintTop("by day", by_day, flags->top);
    if (!reasons.empty()) PrintTop("quarantine reasons", reasons, flags->top);
  });
}

}  // namespace lodestar::cli
