// lodestar timeseries / spikes / terms / ages / movement / risk (issue 5)
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <functional>

#include "analytics/analytics.h"
#include "cli/cli_util.h"
#include "cli/commands.h"
#include "search/index.h"

namespace lodestar::cli {
using nlohmann::json;

namespace {

std::string Dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

std::string Num(const json& j) {
  if (j.is_null()) return "inf";
  if (j.is_number_float()) return fmt::format("{:.3g}", j.get<double>());
  return j.dump();
}

// Opens the index (updating it), runs `fn`, prints JSON or the text rendering.
void Run(const std::string& db, bool as_json, int& exit_code,
         const std::function<core::Result<json>(const search::Index&)>& fn,
         const std::function<void(const json&)>& text) {
  auto idx = search::Index::Open(db, /*update=*/true);
  if (!idx.ok()) return Fail(exit_code, idx.status());
  auto r = fn(**idx);
  if (!r.ok()) return Fail(exit_code, r.status(), ExitCodeFor(r.status()));
  if (as_json) fmt::print("{}\n", Dump(*r));
  else text(*r);
}

}  // namespace

void RegisterAnalytics(CLI::App& app, int& exit_code) {
  {
    auto* cmd = app.add_subcommand("timeseries", "Ad volume per day or week by city, state, site, indicator or network");
    struct F {
      std::string db, by = "city", interval = "day";
      size_t top = 20;
      bool json = false;
    };
    auto f = std::make_shared<F>();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--by", f->by, "city|state|site|indicator|network (default city)");
    cmd->add_option("--interval", f->interval, "day|week (default day)");
    cmd->add_option("--top", f->top, "Series with the most ads (default 20)");
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      Run(f->db, f->json, exit_code, [&](const search::Index& i) { return analytics::TimeSeries(i, f->by, f->interval, f->top); },
          [](const json& j) {
            fmt::print("{} series by {} per {} (top {} shown)\n", j["series_total"].get<size_t>(), j["by"].get<std::string>(),
                       j["interval"].get<std::string>(), j["series"].size());
            for (const auto& s : j["series"]) {
              fmt::print("{:<32} total {:>7}  ", s["key"].get<std::string>(), s["total"].get<uint64_t>());
              size_t shown = 0;
              for (const auto& p : s["points"]) {
                if (shown++ == 6) {
                  fmt::print("...");
                  break;
                }
                fmt::print("{}:{} ", p["date"].get<std::string>(), p["count"].get<uint64_t>());
              }
              fmt::print("\n");
            }
          });
    });
  }
  {
    auto* cmd = app.add_subcommand("spikes", "Regions and days with more ads than their reference window predicts "
                                             "(exact binomial test, Benjamini-Hochberg)");
    auto opt = std::make_shared<analytics::SpikeOptions>();
    auto db = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    cmd->add_option("--db", *db, "Store directory")->required();
    cmd->add_option("--by", opt->by, "city|state (default city)");
    cmd->add_option("--current", opt->current_days, "Current window in days (default 7)");
    cmd->add_option("--reference", opt->reference_days, "Reference window in days before it (default 91)");
    cmd->add_option("--min-reference", opt->min_reference_days, "Shortest usable reference window (default 28)");
    cmd->add_option("--alpha", opt->alpha, "False discovery rate (default 0.05)");
    cmd->add_option("--count", opt->count, "advertisers (arrivals of a network in a region, default) or ads");
    cmd->add_flag("--json", *as_json, "JSON output");
    cmd->callback([opt, db, as_json, &exit_code]() {
      Run(*db, *as_json, exit_code, [&](const search::Index& i) { return analytics::Spikes(i, *opt); },
          [](const json& j) {
            fmt::print("{} spikes among {} region-day tests (BH q < {})\n", j["spikes"].size(), j["tests"].get<uint64_t>(),
                       j["alpha"].get<double>());
            for (const auto& s : j["spikes"]) {
              std::string nets;
              for (const auto& n : s["networks"]) nets += fmt::format("{}({}) ", n["network"].get<std::string>(), n["ads"].get<uint64_t>());
              fmt::print("{:<28} {}..{}  {} {} vs {:.1f} expected  RR {} [{}, {}]  q={:.2g}  networks: {}\n",
                         s["region"].get<std::string>(), s["start"].get<std::string>(), s["end"].get<std::string>(),
                         s["current"].get<uint64_t>(), j.value("count", std::string("ads")), s["expected"].get<double>(), Num(s["rate_ratio"]),
                         Num(s["rate_ratio_ci95"][0]), Num(s["rate_ratio_ci95"][1]), s["q"].get<double>(), nets);
            }
          });
    });
  }
  {
    auto* cmd = app.add_subcommand("terms", "Salient terms of slice A vs slice B (log-odds, informative Dirichlet prior)");
    struct F {
      std::string db, a, b;
      analytics::TermsOptions opt;
      bool json = false;
    };
    auto f = std::make_shared<F>();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--a", f->a, "Slice A as a search query, e.g. 'city:portland after:2017-02-01'")->required();
    cmd->add_option("--b", f->b, "Slice B as a search query (\"\" = all ads)")->required();
    cmd->add_option("--top", f->opt.top, "Terms per side (default 25)");
    cmd->add_option("--prior", f->opt.prior_size, "Prior size alpha0 (default 500)");
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      Run(f->db, f->json, exit_code, [&](const search::Index& i) { return analytics::Terms(i, f->a, f->b, f->opt); },
          [](const json& j) {
            fmt::print("{} ads in A, {} in B\nmore in A:\n", j["ads_a"].get<uint64_t>(), j["ads_b"].get<uint64_t>());
            for (const auto& t : j["terms_a"]) fmt::print("  {:<24} z={:6.2f}  {} vs {}\n", t["term"].get<std::string>(), t["z"].get<double>(), t["count_a"].get<double>(), t["count_b"].get<double>());
            fmt::print("more in B:\n");
            for (const auto& t : j["terms_b"]) fmt::print("  {:<24} z={:6.2f}  {} vs {}\n", t["term"].get<std::string>(), t["z"].get<double>(), t["count_a"].get<double>(), t["count_b"].get<double>());
          });
    });
  }
  {
    auto* cmd = app.add_subcommand("ages", "Self-reported ages in slice A vs slice B, with a test for a shift");
    struct F {
      std::string db, a, b;
      bool json = false;
    };
    auto f = std::make_shared<F>();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--a", f->a, "Slice A as a search query")->required();
    cmd->add_option("--b", f->b, "Slice B as a search query (\"\" = all ads)")->required();
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      Run(f->db, f->json, exit_code, [&](const search::Index& i) { return analytics::Ages(i, f->a, f->b); },
          [](const json& j) {
            for (const char* k : {"slice_a", "slice_b"}) {
              const auto& s = j[k];
              fmt::print("{}: {} ads, {} with an age", k, s["ads"].get<uint64_t>(), s["with_age"].get<uint64_t>());
              if (s.contains("median")) fmt::print(", median {}, under 21: {:.1f}%", Num(s["median"]), 100 * s["share_under_21"].get<double>());
              fmt::print("\n");
            }
            if (j["test"].is_null()) {
              fmt::print("no test: {}\n", j["note"].get<std::string>());
              return;
            }
            const auto& mw = j["test"]["mann_whitney"];
            fmt::print("Mann-Whitney U={} z={:.2f} p={:.3g}; KS D={:.3f} p={:.3g}\n", Num(mw["u"]), mw["z"].get<double>(),
                       mw["p"].get<double>(), j["test"]["kolmogorov_smirnov"]["d"].get<double>(),
                       j["test"]["kolmogorov_smirnov"]["p"].get<double>());
          });
    });
  }
  {
    auto* cmd = app.add_subcommand("movement", "Networks seen in many cities within a window, and state-to-state flows");
    struct F {
      std::string db;
      analytics::MovementOptions opt;
      bool json = false;
    };
    auto f = std::make_shared<F>();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_option("--min-cities", f->opt.min_cities, "Distinct cities within the window (default 3)");
    cmd->add_option("--window", f->opt.window_days, "Window in days (default 30)");
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      Run(f->db, f->json, exit_code, [&](const search::Index& i) { return analytics::Movement(i, f->opt); },
          [](const json& j) {
            fmt::print("{} networks in >= {} cities within {} days\n", j["networks"].size(), j["min_cities"].get<size_t>(),
                       j["window_days"].get<int>());
            for (const auto& n : j["networks"]) {
              fmt::print("  {} {} ads, {} cities / {} states in a window: {}\n", n["network"].get<std::string>(),
                         n["ads"].get<uint64_t>(), n["max_cities_in_window"].get<size_t>(),
                         n["max_states_in_window"].get<size_t>(), fmt::join(n["cities_in_order"].get<std::vector<std::string>>(), " -> "));
            }
            fmt::print("state flows:\n");
            for (const auto& fl : j["flows"]) {
              fmt::print("  {} -> {}: {} moves by {} networks\n", fl["from"].get<std::string>(), fl["to"].get<std::string>(),
                         fl["moves"].get<uint64_t>(), fl["networks"].get<size_t>());
            }
          });
    });
  }
  {
    auto* cmd = app.add_subcommand("risk", "Transparent, uncalibrated risk score of an ad or network, with its reasons");
    struct F {
      std::string db, id;
      bool json = false;
    };
    auto f = std::make_shared<F>();
    cmd->add_option("id", f->id, "Ad source id or network id (N0000012)")->required();
    cmd->add_option("--db", f->db, "Store directory")->required();
    cmd->add_flag("--json", f->json, "JSON output");
    cmd->callback([f, &exit_code]() {
      Run(f->db, f->json, exit_code, [&](const search::Index& i) { return analytics::Risk(i, f->id); },
          [](const json& j) {
            fmt::print("{} {} ({} ads): score {} [{}, {}] ({}), UNCALIBRATED\n", j["type"].get<std::string>(),
                       j["id"].get<std::string>(), j["ads"].get<uint64_t>(), Num(j["score"]), Num(j["interval"][0]),
                       Num(j["interval"][1]), j["band"].get<std::string>());
            for (const auto& r : j["reasons"]) {
              fmt::print("  +{:.2f} {} {}\n", r["contribution"].get<double>(), r["kind"].get<std::string>(),
                         r.contains("category") ? r["category"].get<std::string>() + ": " + r["meaning"].get<std::string>() : "");
            }
            fmt::print("  commercial-sex wording (not scored): {}\n", j["commercial_sex_signals"]["count"].get<uint64_t>());
            for (const auto& c : j["caveats"]) fmt::print("  caveat: {}\n", c.get<std::string>());
          });
    });
  }
}

}  // namespace lodestar::cli
