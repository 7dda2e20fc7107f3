// Measurement commands (issue 7): `stats hotline`, `audit decisions`, `mse`,
// `mse-eval`, `mse-simulate`, `countries rank|flows|changes`. Thin wrappers over
// lodestar_stats; every table printed carries its provenance.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "stats/countries.h"
#include "stats/disparity.h"
#include "stats/hotline.h"
#include "stats/maps.h"
#include "stats/mse.h"
#include "stats/mse_eval.h"
#ifdef LODESTAR_HAS_CASES
#include "cases/case_db.h"
#endif

namespace lodestar::cli {
namespace {

enum class Format { kText, kCsv, kJson };

Format PickFormat(bool csv, bool json) { return json ? Format::kJson : (csv ? Format::kCsv : Format::kText); }

void PrintTable(const stats::Table& t, Format f) {
  switch (f) {
    case Format::kCsv: fmt::print("{}", t.ToCsv()); break;
    case Format::kJson: fmt::print("{}\n", t.ToJson().dump(2, ' ', false, nlohmann::json::error_handler_t::replace)); break;
    case Format::kText: fmt::print("{}", t.ToText()); break;
  }
}

}  // namespace

void RegisterMeasurementStats(CLI::App& stats_command, int& exit_code) {
  struct Flags {
    std::string data, by = "state", map;
    int year = 0;
    int64_t suppress = 5, k = 0;
    double epsilon = 0;
    uint64_t seed = 1;
    bool csv = false, json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = stats_command.add_subcommand("hotline", "Hotline calls and cases by state or year, with suppression");
  cmd->add_option("--data", f->data, "Hotline CSV (Year_Date,Calls,Cases_Reported,State,postal)")->required();
  cmd->add_option("--by", f->by, "Group by state or year")->check(CLI::IsMember({"state", "year"}));
  cmd->add_option("--year", f->year, "Only this year (default: all years summed)");
  cmd->add_option("--suppress-below", f->suppress, "Show counts below this as <T (0 = off; default 5)");
  cmd->add_option("--k", f->k, "k-anonymity threshold: every released cell describes at least k people");
  cmd->add_option("--epsilon", f->epsilon, "Add Laplace noise with this total privacy budget (epsilon-DP)");
  cmd->add_option("--seed", f->seed, "Seed for the noise (same seed, same output)");
  cmd->add_flag("--csv", f->csv, "CSV with a # provenance header");
  cmd->add_flag("--json", f->json, "JSON with a provenance object");
  cmd->add_option("--map", f->map, "Also draw a US choropleth of calls (OUT.svg or OUT.png)");
  cmd->callback([f, &exit_code] {
    if (f->epsilon < 0 || f->suppress < 0 || f->k < 0) return Fail(exit_code, "--epsilon, --suppress-below and --k must not be negative", 2);
    auto data = stats::LoadHotlineCsv(f->data);
    if (!data.ok()) return Fail(exit_code, data.status());
    stats::HotlineOptions o;
    o.by = f->by == "year" ? stats::HotlineGroupBy::kYear : stats::HotlineGroupBy::kState;
    o.year = f->year;
    o.suppress_below = f->suppress;
    o.k_anonymity = f->k;
    o.epsilon = f->epsilon;
    o.seed = f->seed;
    auto res = stats::HotlineCounts(data.value(), o);
    if (!res.ok()) return Fail(exit_code, res.status());
    PrintTable(res->table, PickFormat(f->csv, f->json));
    if (!f->map.empty()) {
      if (o.by != stats::HotlineGroupBy::kState) return Fail(exit_code, "--map needs --by state", 2);
      stats::ChoroplethSpec spec;
      spec.title = fmt::format("National Human Trafficking Hotline calls by state, {}",
                               f->year ? std::to_string(f->year) : "2012-2016 (summed)");
      spec.value_label = f->epsilon > 0 ? "calls (noisy)" : "calls";
      for (auto& c : res->cells) {
        if (c.calls_suppressed) spec.suppressed.insert(c.postal);
        else spec.values[c.postal] = static_cast<double>(c.calls);
      }
      spec.provenance = res->table.provenance;
      auto m = stats::RenderUsStatesSvg(spec);
      if (!m.ok()) return Fail(exit_code, m.status());
      auto st = stats::WriteMap(m->svg, f->map);
      if (!st.ok()) return Fail(exit_code, st);
      fmt::print(stderr, "map: {} states drawn, {} keys without a shape -> {}\n", m->matched, m->unmatched.size(), f->map);
    }
    exit_code = 0;
  });
}

void RegisterAudit(CLI::App& app, int& exit_code) {
  auto* audit = app.add_subcommand("audit", "Audit decisions for disparities between groups");
  audit->require_subcommand(1);
  struct Flags {
    std::string csv, group, outcome, positive;
    double level = 0.95;
    bool json = false;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = audit->add_subcommand("decisions", "Positive-decision rate per group, differences, exact tests, summary");
  cmd->add_option("--csv", f->csv, "Decisions CSV, one row per decision")->required();
  cmd->add_option("--group", f->group, "Column naming the group (e.g. nationality_group)")->required();
  cmd->add_option("--outcome", f->outcome, "Column holding the decision")->required();
  cmd->add_option("--positive", f->positive,
                  "Outcome value that counts as positive (default: 1/true/yes/positive/accepted/granted)");
  cmd->add_option("--level", f->level, "Confidence level (default 0.95)")->check(CLI::Range(0.5, 0.9999));
  cmd->add_flag("--json", f->json, "JSON output");
  cmd->callback([f, &exit_code] {
    size_t skipped = 0;
    stats::Provenance prov;
    auto recs = stats::LoadDecisionsCsv(f->csv, f->group, f->outcome, f->positive, &skipped, &prov);
    if (!recs.ok()) return Fail(exit_code, recs.status());
    prov.query = fmt::format("positive rate of '{}' by '{}'", f->outcome, f->group);
    prov.filters = f->positive.empty() ? "positive = 1/true/yes/positive/accepted/granted"
                                       : fmt::format("positive = '{}'", f->positive);
    if (skipped) prov.filters += fmt::format("; {} rows with an empty outcome skipped", skipped);
    stats::AuditOptions o;
    o.level = f->level;
    auto rep = stats::AuditDecisions(recs.value(), o, prov);
    if (!rep.ok()) return Fail(exit_code, fmt::format("{}: {}", f->csv, rep.status().message()));
    if (f->json) {
      fmt::print("{}\n", rep->ToJson().dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
      fmt::print("Rates by group\n{}\nDifferences between groups\n{}\n{}\n", rep->RatesTable().ToText(),
                 rep->PairsTable().ToText(), rep->summary);
    }
    exit_code = 0;
  });
}

void RegisterMse(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string lists, criterion = "aic";
    int bootstrap = 1000, threads = 0, screen = 4;
    uint64_t seed = 1;
    bool json = false, fixed = false;
    bool from_cases = false;
    std::string db, cases_url;
  };
  auto f = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("mse", "Multiple systems estimate of a hidden population from list overlaps");
  auto* lists_opt = cmd->add_option("--lists", f->lists, "CSV: one 0/1 column per list, then 'count'");
#ifdef LODESTAR_HAS_CASES
  auto* from_cases = cmd->add_flag("--from-cases", f->from_cases,
                                   "Build the lists from the case database: which organisations recorded each "
                                   "potential victim (needs --db)");
  from_cases->excludes(lists_opt);
  cmd->add_option("--db", f->db, "With --from-cases: Lodestar directory (holds cases.sqlite and cases.key)");
  cmd->add_option("--cases", f->cases_url, "With --from-cases: sqlite:PATH or postgresql://... "
                                           "(default sqlite:DB/cases.sqlite)");
#endif
  cmd->add_option("--criterion", f->criterion, "Model selection criterion")->check(CLI::IsMember({"aic", "bic"}));
  cmd->add_option("--bootstrap", f->bootstrap, "Bootstrap replicates for the 95% interval (default 1000)")
      ->check(CLI::Range(0, 100000));
  cmd->add_option("--seed", f->seed, "Bootstrap seed (same seed, same interval)");
  cmd->add_option("--threads", f->threads, "Threads (default: all cores)");
  cmd->add_option("--screen", f->screen, "Additions fully fitted per search step, ranked by score test (0 = all)");
  cmd->add_flag("--fixed-model", f->fixed, "Bootstrap with the selected model fixed (faster, ignores model uncertainty)");
  cmd->add_flag("--json", f->json, "JSON: observed, estimate, ci95, model, provenance");
  cmd->callback([f, &exit_code] {
    stats::Provenance prov;
    core::Result<stats::ListTable> table = core::Status::Error(core::StatusCode::kInvalidInput, "");
    if (f->from_cases) {
#ifdef LODESTAR_HAS_CASES
      if (f->db.empty()) return Fail(exit_code, "mse --from-cases needs --db DIR (the directory holding cases.key)", 2);
      cases::OpenOptions open;
      open.url = f->cases_url.empty() ? cases::DefaultCasesUrl(f->db) : f->cases_url;
      open.key_dir = f->db;
      open.connections = 1;
      auto db = cases::CaseDatabase::Open(open);
      if (!db.ok()) return Fail(exit_code, db.status());
      auto actor = cases::Actor::LocalAdmin();
      auto members = (*db)->MseMemberships(actor);
      if (!members.ok()) return Fail(exit_code, members.status());
      table = stats::ListTableFromMemberships(*members);
      if (!table.ok())
        return Fail(exit_code, "cases database: " + table.status().message() +
                                   " (lists are the organisations whose cases recorded potential victims)");
      prov.dataset = std::string("cases database (") + (*db)->backend() + ")";
      prov.source = "lodestar case records";
      prov.query = "potential victims by recording organisation; people matched across cases by name blind index";
#endif
    } else {
      if (f->lists.empty()) return Fail(exit_code, "mse needs --lists FILE.csv or --from-cases --db DIR", 2);
      table = stats::LoadListTableCsv(f->lists, &prov);
    }
    if (!table.ok()) return Fail(exit_code, table.status());
    stats::MseOptions o;
    o.criterion = f->criterion == "bic" ? stats::Criterion::kBic : stats::Criterion::kAic;
    o.bootstrap = f->bootstrap;
    o.seed = f->seed;
    o.threads = f->threads;
    o.reselect = !f->fixed;
    o.screen = f->screen;
    auto res = stats::EstimatePopulation(table.value(), o, prov);
    if (!res.ok())
      return Fail(exit_code, fmt::format("{}: {}", f->from_cases ? std::string("--from-cases") : f->lists,
                                         res.status().message()));
    if (f->json) {
      fmt::print("{}\n", res->ToJson().dump(2));
    } else {
      auto bound = [](double v) { return std::isfinite(v) ? fmt::format("{:.0f}", v) : std::string("unbounded"); };
      fmt::print("observed {} people on {} lists\nestimated total {:.0f} (95% interval {} to {}); unseen {:.0f} "
                 "(95% interval {} to {})\nmodel: {}\n",
                 res->observed, res->list_names.size(), res->estimate, bound(res->ci_lo), bound(res->ci_hi),
                 res->unseen, bound(res->unseen_lo), bound(res->unseen_hi), res->model.Describe(res->list_names));
      for (auto& w : res->warnings) fmt::print("warning: {}\n", w);
      stats::Table empty;
      empty.provenance = res->provenance;
      std::string text = empty.ToText();
      fmt::print("{}", text.substr(text.find('\n') + 1));  // provenance lines only
    }
    exit_code = 0;
  });

  // Evaluation: interval coverage over simulated populations.
  struct EvalFlags {
    int sims = 200, sims_large = 0, bootstrap = 1000, threads = 0;
    uint64_t seed = 1;
    std::string quality, only;
    bool timing = true;
  };
  auto e = std::make_shared<EvalFlags>();
  auto* ev = app.add_subcommand("mse-eval", "Measure MSE 95% interval coverage on simulated populations");
  ev->add_option("--sims", e->sims, "Simulations per scenario (default 200)")->check(CLI::Range(1, 100000));
  ev->add_option("--sims-large", e->sims_large, "Simulations for scenarios with 8+ lists (default: --sims)");
  ev->add_option("--bootstrap", e->bootstrap, "Bootstrap replicates per estimate (default 1000)");
  ev->add_option("--seed", e->seed, "Seed");
  ev->add_option("--threads", e->threads, "Threads per estimate (default: all cores)");
  ev->add_option("--only", e->only, "Run only this scenario (e.g. indep-3)");
  ev->add_option("--quality", e->quality, "Write the results into this Markdown file's MSE section (docs/quality.md)");
  ev->callback([e, &exit_code] {
    stats::EvalOptions o;
    o.sims = e->sims;
    o.sims_large = e->sims_large;
    o.bootstrap = e->bootstrap;
    o.seed = e->seed;
    o.threads = e->threads;
    auto scenarios = stats::StandardScenarios();
    if (!e->only.empty()) {
      std::erase_if(scenarios, [&](const stats::EvalScenario& s) { return s.name != e->only; });
      if (scenarios.empty()) return Fail(exit_code, fmt::format("no scenario named '{}'", e->only), 2);
    }
    auto rows = stats::EvaluateCoverage(scenarios, o);
    // Timing of the headline case: 8 lists, full search, 1000 replicates.
    double t8 = 0, cpu8 = 0;
    {
      auto cpu = [] {
        timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
      };
      double c0 = cpu();
      std::mt19937_64 rng(e->seed);
      auto table = stats::SimulateListTable(stats::StandardScenarios()[4].classes[0], rng);
      stats::MseOptions mo;
      mo.bootstrap = 1000;
      mo.threads = e->threads;
      auto t0 = std::chrono::steady_clock::now();
      auto r = stats::EstimatePopulation(table, mo);
      t8 = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      cpu8 = cpu() - c0;
      if (!r.ok()) t8 = -1;
    }
    std::string md = stats::CoverageMarkdown(rows, o, t8, cpu8);
    fmt::print("{}", md);
    if (!e->quality.empty()) {
      auto st = stats::ReplaceMarkdownSection(e->quality, "## Multiple systems estimation", md);
      if (!st.ok()) return Fail(exit_code, st);
      fmt::print(stderr, "wrote the MSE section of {}\n", e->quality);
    }
    exit_code = 0;
  });

  // A simulated list table with known total, for demos and trying the estimator.
  struct SimFlags {
    int64_t population = 2000;
    int lists = 4;
    uint64_t seed = 1;
  };
  auto s = std::make_shared<SimFlags>();
  auto* sim = app.add_subcommand("mse-simulate", "Write a simulated list-overlap table (known population) as CSV");
  sim->add_option("--population", s->population, "True population size")->check(CLI::Range(int64_t{10}, int64_t{100000000}));
  sim->add_option("--lists", s->lists, "Number of lists (2-12)")->check(CLI::Range(2, 12));
  sim->add_option("--seed", s->seed, "Seed");
  sim->callback([s, &exit_code] {
    stats::SimulationSpec spec;
    spec.population = s->population;
    for (int i = 0; i < s->lists; ++i) spec.capture_prob.push_back(0.25 - 0.15 * i / std::max(1, s->lists - 1));
    if (s->lists >= 3) spec.interactions.push_back({{0, 1}, 0.8});
    std::mt19937_64 rng(s->seed);
    auto t = stats::SimulateListTable(spec, rng);
    fmt::print("# simulated by lodestar mse-simulate: true population {}, seed {}, capture probabilities 0.25 to 0.10, "
               "lists 1 and 2 positively dependent (log odds ratio 0.8)\n{}",
               s->population, s->seed, stats::ListTableToCsv(t));
    exit_code = 0;
  });
}

void RegisterCountries(CLI::App& app, int& exit_code) {
  auto* countries = app.add_subcommand("countries", "Country indices: 3P policy index, TIP tiers, UNODC flows");
  countries->require_subcommand(1);
  struct Flags {
    std::string data, country, map;
    int year = 0;
    size_t limit = 50;
    bool csv = false, json = false;
  };
  auto f = std::make_shared<Flags>();

  auto* rank = countries->add_subcommand("rank", "Rank countries by 3P index for a year (ties and missing explicit)");
  rank->add_option("--data", f->data, "3P index CSV (3p-index-and-tip-tiers.csv)")->required();
  rank->add_option("--year", f->year, "Year")->required();
  rank->add_flag("--csv", f->csv, "CSV with a # provenance header");
  rank->add_flag("--json", f->json, "JSON rows with a provenance object");
  rank->add_option("--map", f->map, "Also draw a world choropleth of the index (OUT.svg or OUT.png)");
  rank->callback([f, &exit_code] {
    auto data = stats::LoadPolicyCsv(f->data);
    if (!data.ok()) return Fail(exit_code, data.status());
    auto table = stats::RankTable(data.value(), f->year);
    PrintTable(table, PickFormat(f->csv, f->json));
    if (!f->map.empty()) {
      stats::ChoroplethSpec spec;
      spec.title = fmt::format("3P Anti-trafficking Policy Index, {} (3 = worst, 15 = best)", f->year);
      spec.value_label = "p3_index";
      for (auto& r : stats::RankYear(data.value(), f->year))
        if (r.p3_index) spec.values[r.country] = *r.p3_index;
      spec.provenance = table.provenance;
      auto m = stats::RenderWorldSvg(spec);
      if (!m.ok()) return Fail(exit_code, m.status());
      auto st = stats::WriteMap(m->svg, f->map);
      if (!st.ok()) return Fail(exit_code, st);
      fmt::print(stderr, "map: {} countries drawn; {} names not matched to a shape (too small for the 1:110m map, "
                 "or a spelling to add to data/countries/aliases.tsv) -> {}\n",
                 m->matched, m->unmatched.size(), f->map);
    }
    exit_code = 0;
  });

  auto* flows = countries->add_subcommand("flows", "UNODC detected victims: origin (citizenship) -> destination");
  flows->add_option("--data", f->data, "UNODC GLOTIP CSV")->required();
  flows->add_option("--year", f->year, "Year (default: all years summed)");
  flows->add_option("--limit", f->limit, "Largest N flows (0 = all; default 50)");
  flows->add_flag("--csv", f->csv, "CSV with a # provenance header");
  flows->add_flag("--json", f->json, "JSON rows with a provenance object");
  flows->callback([f, &exit_code] {
    auto data = stats::LoadUnodcCsv(f->data);
    if (!data.ok()) return Fail(exit_code, data.status());
    PrintTable(stats::FlowsTable(data.value(), f->year, f->limit), PickFormat(f->csv, f->json));
    exit_code = 0;
  });

  auto* changes = countries->add_subcommand("changes", "A country's 3P index and TIP tier over time");
  changes->add_option("--data", f->data, "3P index CSV")->required();
  changes->add_option("--country", f->country, "Country name (case-insensitive; unique substring accepted)")->required();
  changes->add_flag("--csv", f->csv, "CSV with a # provenance header");
  changes->add_flag("--json", f->json, "JSON rows with a provenance object");
  changes->callback([f, &exit_code] {
    auto data = stats::LoadPolicyCsv(f->data);
    if (!data.ok()) return Fail(exit_code, data.status());
    auto name = stats::ResolveCountry(data.value(), f->country);
    if (!name.ok()) return Fail(exit_code, name.status());
    PrintTable(stats::ChangesTable(data.value(), name.value()), PickFormat(f->csv, f->json));
    exit_code = 0;
  });
}

}  // namespace lodestar::cli
