// lodestar index / search / tip (issue 5)
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/time.h"
#include "search/index.h"
#include "search/results_json.h"
#include "search/tip.h"

namespace lodestar::cli {
using nlohmann::json;

namespace {

std::string Dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

std::string EvidenceLine(const search::Hit& h) {
  std::string s;
  for (const auto& e : h.evidence) {
    if (!s.empty()) s += "; ";
    s += e.kind == "text" ? e.value : fmt::format("{}={}{}", e.kind, e.value, e.span.empty() ? "" : " @" + e.span);
  }
  return s;
}

std::unique_ptr<search::Index> OpenIndex(const std::string& db, int& exit_code) {
  auto idx = search::Index::Open(db, /*update=*/true, /*progress=*/false);
  if (!idx.ok()) {
    Fail(exit_code, idx.status());
    return nullptr;
  }
  return std::move(idx.value());
}

}  // namespace

void RegisterSearch(CLI::App& app, int& exit_code) {
  {
    auto* cmd = app.add_subcommand("index", "Build or update the search index (incremental; search does it lazily too)");
    auto db = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Store directory")->required();
    cmd->callback([db, &exit_code]() {
      auto idx = search::Index::Open(*db, /*update=*/false);
      if (!idx.ok() && idx.status().code() == core::StatusCode::kIncompatible) {
        // Opening with update rebuilds an index written in an older format.
        fmt::print(stderr, "the search index is in an older format; rebuilding it\n");
        idx = search::Index::Open(*db, /*update=*/true, /*progress=*/true);
        if (!idx.ok()) return Fail(exit_code, idx.status());
        fmt::print("rebuilt the index: {} ads searchable in {}\n", (*idx)->size(), search::SearchDir(*db));
        return;
      }
      if (!idx.ok()) return Fail(exit_code, idx.status());
      auto r = (*idx)->Update(/*progress=*/true);
      if (!r.ok()) return Fail(exit_code, r.status());
      fmt::print("indexed {} new ads in {:.2f}s; {} ads searchable in {}\n", r->indexed, r->seconds, r->total,
                 search::SearchDir(*db));
    });
  }
  {
    auto* cmd = app.add_subcommand("search", "Search ads: words, \"phrases\", prefix*, filters (docs/search.md)");
    struct Flags {
      std::string query, db;
      size_t limit = 20;
      bool json = false, time = false;
      size_t repeat = 1;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_flag("--time", f->time, "Print the query time (excluding start-up and index update) to stderr");
    cmd->add_option("--repeat", f->repeat, "With --time: run the query N times and print the first and the median time")
        ->check(CLI::Range(1, 100000));
    cmd->add_option("query", f->query, "Query, e.g. '\"new in town\" phone:503-555-0123 city:portland age:<21'")
        ->required();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--limit", f->limit, "Maximum results (default 20)");
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      auto q = search::ParseQuery(f->query);
      if (!q.ok()) return Fail(exit_code, q.status(), 2);
      auto idx = OpenIndex(f->db, exit_code);
      if (!idx) return;
      // The first run pays for mapping the index pages in; a server pays that once, so
      // --repeat reports the median of the later runs as well.
      std::vector<double> ms;
      auto timed_search = [&] {
        auto t0 = std::chrono::steady_clock::now();
        auto result = idx->Search(*q, f->limit);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        return result;
      };
      auto r = timed_search();
      for (size_t i = 1; f->time && i < f->repeat; ++i) timed_search();
      if (f->time) {
        std::string line = fmt::format("query time: {:.3f} ms", ms[0]);
        if (ms.size() > 1) {
          std::nth_element(ms.begin() + 1, ms.begin() + 1 + (ms.size() - 1) / 2, ms.end());
          line += fmt::format(" (first); median of the next {}: {:.3f} ms", ms.size() - 1, ms[1 + (ms.size() - 1) / 2]);
        }
        fmt::print(stderr, "{}\n", line);
      }
      if (!r.ok()) return Fail(exit_code, r.status());
      if (f->json) {
        fmt::print("{}\n", Dump(search::SearchResultsJson(*r, f->query)));
        return;
      }
      fmt::print("{} matching ads{}\n", r->total, r->total > r->hits.size() ? fmt::format(" (showing {})", r->hits.size()) : "");
      for (const auto& h : r->hits) {
        fmt::print("{:<24} {:8.3f} {} {} {} {}\n    {}\n", h.id, h.score, h.posted ? core::FormatDate(h.posted) : "-",
                   h.city.empty() ? "-" : h.city, h.network.empty() ? "-" : h.network, h.site, EvidenceLine(h));
      }
    });
  }
  {
    auto* cmd = app.add_subcommand("tip", "Find the ads and networks a tip's identifiers (phones, e-mails, handles) touch");
    struct Flags {
      std::string text, db;
      size_t limit = 50;
      bool json = false;
    };
    auto f = std::make_shared<Flags>();
    cmd->add_option("text", f->text, "Free text of the tip")->required();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--limit", f->limit, "Maximum ads listed (default 50)");
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      auto idx = OpenIndex(f->db, exit_code);
      if (!idx) return;
      auto r = search::SearchTip(*idx, f->text, f->limit);
      if (!r.ok()) return Fail(exit_code, r.status());
      if (f->json) {
        fmt::print("{}\n", Dump(search::TipResultJson(*r)));
        return;
      }
      if (r->identifiers.empty()) {
        fmt::print("no phone, e-mail, handle or payment id found in the tip; try `lodestar search` with its words\n");
        return;
      }
      fmt::print("identifiers in the tip:\n");
      for (const auto& i : r->identifiers) fmt::print("  {:<8} {:<28} {} ads\n", i.kind, i.value, i.ads);
      fmt::print("networks ({}):\n", r->networks.size());
      for (const auto& n : r->networks) {
        fmt::print("  {:<10} {} matched ads via {}; cities: {}\n", n.id.empty() ? "(unlinked)" : n.id, n.matched_ads,
                   fmt::join(n.identifiers, ", "), fmt::join(n.cities, ", "));
      }
      fmt::print("ads ({} total):\n", r->total_ads);
      for (const auto& a : r->ads) {
        fmt::print("  {:<24} {:5.2f} {} {}  {}\n", a.hit.id, a.hit.score, a.hit.network.empty() ? "-" : a.hit.network,
                   a.hit.city, EvidenceLine(a.hit));
      }
    });
  }
}

}  // namespace lodestar::cli
