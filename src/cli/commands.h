// One Register* function per subcommand. Each adds its CLI11 subcommand to `app`
// and, when that subcommand runs, stores its process exit code in `exit_code`.
// Subcommands are thin: parse flags, call a library module, print.
#pragma once

namespace CLI {
class App;
}

namespace lodestar::cli {

void RegisterIngest(CLI::App& app, int& exit_code);
void RegisterStats(CLI::App& app, int& exit_code);
void RegisterShow(CLI::App& app, int& exit_code);
void RegisterSynth(CLI::App& app, int& exit_code);
void RegisterExtract(CLI::App& app, int& exit_code);  // extract, extract-eval (issue 3)

// Measurement (issue 7). RegisterMeasurementStats adds sub-subcommands such as
// `lodestar stats hotline` under the `stats` command created by RegisterStats.
void RegisterMeasurementStats(CLI::App& stats_command, int& exit_code);
void RegisterAudit(CLI::App& app, int& exit_code);
void RegisterMse(CLI::App& app, int& exit_code);
void RegisterCountries(CLI::App& app, int& exit_code);

// Case side (issue 6): users, tips, cases (+ missing persons), serve.
void RegisterUsers(CLI::App& app, int& exit_code);
void RegisterTips(CLI::App& app, int& exit_code);
void RegisterCases(CLI::App& app, int& exit_code);
void RegisterServe(CLI::App& app, int& exit_code);

// Linking (issue 4): link, clusters, networks, network, explain, link-eval.
void RegisterLink(CLI::App& app, int& exit_code);

// Search and analytics (issue 5): index, search, tip / timeseries, spikes, terms, ages, movement, risk.
void RegisterSearch(CLI::App& app, int& exit_code);
void RegisterAnalytics(CLI::App& app, int& exit_code);

}  // namespace lodestar::cli
