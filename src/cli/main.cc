// lodestar: the command-line entry point. See README.md and docs/ for the commands.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"Lodestar: counter-trafficking analysis (ingest, extract, link, search, cases, measurement)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "lodestar 0.1.0");
  int exit_code = 0;
  lodestar::cli::RegisterIngest(app, exit_code);
  lodestar::cli::RegisterStats(app, exit_code);
  lodestar::cli::RegisterShow(app, exit_code);
  lodestar::cli::RegisterSynth(app, exit_code);
  lodestar::cli::RegisterExtract(app, exit_code);
  lodestar::cli::RegisterLink(app, exit_code);
#ifdef LODESTAR_HAS_SEARCH
  lodestar::cli::RegisterSearch(app, exit_code);
#endif
#ifdef LODESTAR_HAS_ANALYTICS
  lodestar::cli::RegisterAnalytics(app, exit_code);
#endif
#ifdef LODESTAR_HAS_STATS
  lodestar::cli::RegisterAudit(app, exit_code);
  lodestar::cli::RegisterMse(app, exit_code);
  lodestar::cli::RegisterCountries(app, exit_code);
#endif
#ifdef LODESTAR_HAS_CASES
  lodestar::cli::RegisterUsers(app, exit_code);
  lodestar::cli::RegisterTips(app, exit_code);
  lodestar::cli::RegisterCases(app, exit_code);
  lodestar::cli::RegisterServe(app, exit_code);
#endif
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
