// lodestar link / clusters / networks / network / explain / link-eval
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "link/eval.h"
#include "link/explain.h"
#include "link/linker.h"

namespace lodestar::cli {
using nlohmann::json;

namespace {

// Reads DIR/derived/link/NAME.jsonl, keeping objects whose "size" >= min_size.
bool ReadGroups(const std::string& db, const std::string& name, uint64_t min_size, std::vector<json>& out,
                int& exit_code) {
  std::ifstream in(link::LinkDir(db) + "/" + name + ".jsonl");
  if (!in) {
    Fail(exit_code, fmt::format("{}: not linked yet; run `lodestar link --db {}` first", db, db));
    return false;
  }
  std::string line;
  while (std::getline(in, line)) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("size", uint64_t(0)) >= min_size) out.push_back(std::move(j));
  }
  std::stable_sort(out.begin(), out.end(), [](const json& a, const json& b) { return a["size"] > b["size"]; });
  return true;
}

std::string Dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace

void RegisterLink(CLI::App& app, int& exit_code) {
  {
    auto* cmd = app.add_subcommand("link", "Link ads into template clusters and networks (incremental)");
    auto opt = std::make_shared<link::LinkOptions>();
    auto quiet = std::make_shared<bool>(false);
    cmd->add_option("--db", opt->db_dir, "Store directory")->required();
    cmd->add_option("--jaccard", opt->jaccard_threshold, "Template edge threshold (estimated Jaccard, default 0.5)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--centre-jaccard", opt->centre_jaccard,
                    "Template cluster members' least estimated Jaccard to their centre (default 0.35; docs/linking.md)")
        ->check(CLI::Range(0.0, 1.0));
    cmd->add_option("--hub-min-ads", opt->hub_min_ads, "Identifiers on fewer ads are never hubs (default 20)");
    cmd->add_option("--hub-min-templates", opt->hub_min_templates,
                    "A hub spans at least this many template clusters (default 6)");
    cmd->add_option("--hub-min-phones", opt->hub_min_phones,
                    "A hub appears beside at least this many different phones (default 10)");
    cmd->add_option("--hub-min-phone-groups", opt->hub_min_phone_groups,
                    "A handle/e-mail/payment id joining this many groups of ads that share no phone is a hub (default 12)");
    cmd->add_flag("--join-templates", opt->join_templates, "Also join networks through template clusters");
    cmd->add_flag("--quiet", *quiet, "No progress output");
    cmd->callback([opt, quiet, &exit_code]() {
      opt->progress = !*quiet;
      auto r = link::RunLink(*opt);
      if (!r.ok()) return Fail(exit_code, r.status());
      const auto& s = *r;
      fmt::print("linked {} ads ({} new) in {:.2f}s: {} template clusters covering {} ads ({} template edges); "
                 "{} networks covering {} ads (largest {}); {} hub identifiers excluded; {} merges, {} splits "
                 "since the last run\n",
                 s.ads, s.new_ads, s.seconds, s.clusters, s.clustered_ads, s.template_edges, s.networks,
                 s.networked_ads, s.largest_network, s.hubs, s.merges, s.splits);
    });
  }
  for (const char* kind : {"clusters", "networks"}) {
    bool is_clusters = std::string(kind) == "clusters";
    auto* cmd = app.add_subcommand(kind, is_clusters ? "List template clusters (largest first)"
                                                     : "List networks of linked ads (largest first)");
    struct Flags {
      std::string db;
      uint64_t min_size = 2, limit = 20;
      bool json = false, hubs = false;
    };
    auto flags = std::make_shared<Flags>();
    cmd->add_option("--db", flags->db, "Store directory")->required();
    cmd->add_option("--min-size", flags->min_size, "Only groups with at least N ads (default 2)");
    cmd->add_option("--limit", flags->limit, "Rows in text output (default 20; JSON lists all)");
    cmd->add_flag("--json", flags->json, "JSON output");
    if (!is_clusters) cmd->add_flag("--hubs", flags->hubs, "List the hub identifiers excluded from linking, with reasons");
    cmd->callback([flags, is_clusters, &exit_code]() {
      std::vector<json> groups;
      if (flags->hubs) {
        if (!ReadGroups(flags->db, "hubs", 0, groups, exit_code)) return;
        if (flags->json) {
          fmt::print("{}\n", Dump(groups));
          return;
        }
        for (const auto& h : groups) fmt::print("{}  {}\n", h["identifier"].get<std::string>(), h["reason"].get<std::string>());
        return;
      }
      if (!ReadGroups(flags->db, is_clusters ? "clusters" : "networks", flags->min_size, groups, exit_code)) return;
      if (flags->json) {
        fmt::print("{}\n", Dump(groups));
        return;
      }
      fmt::print("{} {} with >= {} ads\n", groups.size(), is_clusters ? "template clusters" : "networks",
                 flags->min_size);
      for (size_t i = 0; i < groups.size() && i < flags->limit; ++i) {
        const auto& g = groups[i];
        if (is_clusters) {
          std::string t = g["template"].get<std::string>();
          if (t.size() > 100) t = t.substr(0, 100) + "...";
          fmt::print("{}  {:>6} ads  J~{:.2f}  rep {}  {}\n", g["id"].get<std::string>(), g["size"].get<uint64_t>(),
                     g["mean_jaccard_to_representative"].get<double>(), g["representative"].get<std::string>(), t);
        } else {
          const auto& mv = g["movement"];
          fmt::print("{}  {:>6} ads  {:>3} identifiers  {:>2} cities  {:>6.0f} km  {} .. {}\n",
                     g["id"].get<std::string>(), g["size"].get<uint64_t>(), g["identifiers"].size(),
                     mv["cities"].get<uint64_t>(), mv["total_km"].get<double>(),
                     g["first_seen"].is_null() ? "?" : g["first_seen"].get<std::string>().substr(0, 10),
                     g["last_seen"].is_null() ? "?" : g["last_seen"].get<std::string>().substr(0, 10));
        }
      }
    });
  }
  {
    auto* cmd = app.add_subcommand("network", "Show one network: ads, identifiers, templates, movement");
    auto id = std::make_shared<std::string>();
    auto db = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    cmd->add_option("id", *id, "Network id (N...)")->required();
    cmd->add_option("--db", *db, "Store directory")->required();
    cmd->add_flag("--json", *as_json, "JSON output");
    cmd->callback([id, db, as_json, &exit_code]() {
      std::vector<json> groups;
      if (!ReadGroups(*db, "networks", 0, groups, exit_code)) return;
      for (const auto& g : groups) {
        if (g["id"] != *id) continue;
        if (*as_json) {
          fmt::print("{}\n", Dump(g));
          return;
        }
        fmt::print("network {}: {} ads, first seen {}, last seen {}\n", *id, g["size"].get<uint64_t>(),
                   g["first_seen"].dump(), g["last_seen"].dump());
        fmt::print("identifiers: {}\ntemplates: {}\nsites: {}\nages: {}\nprice per hour: {}\n", g["identifiers"].dump(),
                   g["templates"].dump(), g["sites"].dump(), g["ages"].dump(), g["price_per_hour"].dump());
        fmt::print("movement ({} visits to {} cities, {} km, {} inter-state moves):\n", g["movement"]["visits"].size(),
                   g["movement"]["cities"].get<uint64_t>(),
                   g["movement"]["total_km"].get<double>(), g["movement"]["interstate_moves"].get<int>());
        for (const auto& v : g["movement"]["visits"])
          fmt::print("  {} .. {}  {}, {} {}  ({} ads){}\n", v["first"].get<std::string>(), v["last"].get<std::string>(),
                     v["city"].get<std::string>(), v["admin1"].get<std::string>(), v["country"].get<std::string>(),
                     v["ads"].get<int>(),
                     v.contains("km_from_previous") && !v["km_from_previous"].is_null()
                         ? fmt::format(", {} km from previous{}", v["km_from_previous"].get<double>(),
                                       v.value("interstate", false) ? ", inter-state" : "")
                         : "");
        fmt::print("ads: {}\n", g["ads"].dump());
        return;
      }
      Fail(exit_code, fmt::format("no network '{}' in {} (see `lodestar networks --db {}`)", *id, *db, *db));
    });
  }
  {
    auto* cmd = app.add_subcommand("explain", "Show the shortest evidence path between two ads");
    auto a = std::make_shared<std::string>(), b = std::make_shared<std::string>(), db = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    cmd->add_option("id1", *a, "First ad id")->required();
    cmd->add_option("id2", *b, "Second ad id")->required();
    cmd->add_option("--db", *db, "Store directory")->required();
    cmd->add_flag("--json", *as_json, "JSON output");
    cmd->callback([a, b, db, as_json, &exit_code]() {
      auto path = link::ExplainLink(*db, *a, *b);
      if (!path.ok()) return Fail(exit_code, path.status());
      if (*as_json) {
        json steps = json::array();
        for (const auto& s : *path) steps.push_back({{"ad", s.ad}, {"via", s.via}});
        fmt::print("{}\n", Dump({{"from", *a}, {"to", *b}, {"connected", !path->empty()}, {"path", steps}}));
        return;
      }
      if (path->empty()) {
        fmt::print("{} and {} are not linked (no shared identifier or template path)\n", *a, *b);
        return;
      }
      std::string line = (*path)[0].ad;
      for (size_t i = 1; i < path->size(); ++i) line += fmt::format(" --{}-- {}", (*path)[i].via, (*path)[i].ad);
      fmt::print("{}\n", line);
    });
  }
  {
    auto* cmd = app.add_subcommand("link-eval", "Score the last link against `lodestar synth` truth");
    auto db = std::make_shared<std::string>(), truth = std::make_shared<std::string>();
    cmd->add_option("--db", *db, "Store directory")->required();
    cmd->add_option("--truth", *truth, "Truth file written by lodestar synth")->required();
    cmd->callback([db, truth, &exit_code]() {
      auto r = link::EvaluateLinking(*db, *truth);
      if (!r.ok()) return Fail(exit_code, r.status());
      fmt::print("{}\n", Dump(*r));
    });
  }
}

}  // namespace lodestar::cli
