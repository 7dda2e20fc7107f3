// `lodestar synth`: writes a synthetic ad corpus and its truth file (see docs/synth.md).
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "synth/synth.h"

namespace lodestar::cli {

void RegisterSynth(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<synth::SynthOptions>();
  auto quiet = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("synth", "Generate a synthetic ad corpus with known truth (networks, hubs, spike)");
  cmd->add_option("--ads", options->ads, "Number of ads to write (1000 to 10000000 typical)")->required();
  cmd->add_option("--seed", options->seed, "Random seed; same seed, same bytes")->capture_default_str();
  cmd->add_option("--out", options->out_path, "Ads output, JSON Lines (- for stdout)")->required();
  cmd->add_option("--truth", options->truth_path, "Truth output, JSON Lines, one object per ad");
  cmd->add_option("--templates", options->templates_path,
                  "Real corpus (JSON Lines with title/body) to draw phrasing from, e.g. backpage-ca.jsonl");
  cmd->add_flag("--quiet", *quiet, "No progress or summary on stderr");
  cmd->callback([options, quiet, &exit_code] {
    options->progress = !*quiet;
    auto result = synth::GenerateCorpus(*options);
    if (!result.ok()) return Fail(exit_code, result.status());
    const synth::SynthSummary& s = *result;
    if (!*quiet) {
      fmt::print(stderr,
                 "synth: {} ads, {} networks, {} templates, {} hub numbers, {} spike ads, {:.1f} MB written to {}\n",
                 s.ads, s.networks, s.templates, s.hub_numbers, s.spike_ads, s.bytes / 1e6, options->out_path);
    }
    exit_code = 0;
  });
}

}  // namespace lodestar::cli
