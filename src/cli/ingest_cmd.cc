// lodestar ingest FILE... --db DIR
#include <unistd.h>

#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "pipeline/ingest_job.h"

namespace lodestar::cli {

void RegisterIngest(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("ingest", "Read ad files (JSON Lines, CDR, CSV, WARC, HTML; .gz/.zst) into a store");
  struct Flags {
    std::vector<std::string> files;
    std::string db, format = "auto";
    std::vector<std::string> maps;
    int64_t max_errors = -1;
    int level = 1;
    bool quiet = false;
    unsigned threads = 0;
    double commit_interval = 1.0;
    bool no_extract = false;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("files", flags->files, "Input files ('-' = standard input)")->required();
  cmd->add_option("--db", flags->db, "Store directory (created if missing)")->required();
  cmd->add_option("--format", flags->format, "auto, jsonl, cdr, csv, warc or html (default: detect)");
  cmd->add_option("--map", flags->maps, "Field override FIELD=NAME, e.g. --map body=description (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--max-errors", flags->max_errors, "Fail once more than N records are quarantined");
  cmd->add_option("--zstd-level", flags->level, "zstd compression level (default 1)");
  cmd->add_option("--threads", flags->threads, "Worker threads (default: all cores)");
  cmd->add_option("--commit-interval", flags->commit_interval,
                  "Seconds between durable commits (default 1; each prints 'committed N ads')");
  cmd->add_flag("--no-extract", flags->no_extract, "Store ads without extracting facts (faster; `lodestar link` extracts later)");
  cmd->add_flag("--quiet", flags->quiet, "No progress output");
  cmd->callback([flags, &exit_code]() {
    pipeline::IngestOptions opt;
    opt.files = flags->files;
    opt.db_dir = flags->db;
    auto format = ingest::ParseFormat(flags->format);
    if (!format.ok()) return Fail(exit_code, format.status(), 2);
    opt.format = *format;
    for (const auto& m : flags->maps) {
      auto eq = m.find('=');
      if (eq == std::string::npos || eq == 0)
        return Fail(exit_code, fmt::format("--map {}: expected FIELD=NAME, e.g. --map body=description", m), 2);
      opt.field_map[m.substr(0, eq)] = m.substr(eq + 1);
    }
    if (flags->max_errors >= 0) opt.max_errors = static_cast<uint64_t>(flags->max_errors);
    opt.zstd_level = flags->level;
    opt.threads = flags->threads;
    opt.progress = !flags->quiet;
    opt.commit_interval_seconds = flags->commit_interval;
    opt.extract = !flags->no_extract;
    // One line per durable commit, so a supervisor (or the crash test) knows
    // exactly which ads are safe even if this process is killed.
    opt.on_commit = [](uint64_t durable) {
      std::fprintf(stdout, "committed %llu ads\n", static_cast<unsigned long long>(durable));
      std::fflush(stdout);
    };
    auto result = pipeline::RunIngest(opt);
    if (!result.ok()) return Fail(exit_code, result.status());
    const auto& s = *result;
    fmt::print(stderr,
               "ingest run {}: {} records, {} new ads, {} duplicates, {} quarantined, {} UTF-8 repairs in {:.2f}s "
               "({:.0f} records/s); store now holds {} ads\n",
               s.run_id, s.records, s.ads_new, s.duplicates, s.quarantined, s.utf8_repairs, s.seconds,
               s.records / std::max(s.seconds, 1e-9), s.store_ads);
    for (const auto& [reason, count] : s.quarantine_reasons) fmt::print(stderr, "  quarantined {}x: {}\n", count, reason);
    for (const auto& e : s.file_errors) PrintError(e.message);
    if (!s.file_errors.empty()) exit_code = 1;
  });
}

}  // namespace lodestar::cli
