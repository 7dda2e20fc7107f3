// lodestar extract [FILE|-] [--field NAME] [--json]
// lodestar extract-eval [--shared DIR] [--write FILE]
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "extract/eval.h"
#include "extract/extractor.h"
#include "ingest/reader.h"

namespace lodestar::cli {
namespace {

std::string Summary(const extract::Facts& f) {
  std::string s;
  auto add = [&](const std::string& label, const std::string& v) {
    if (v.empty()) return;
    if (!s.empty()) s += "  ";
    s += label + "=" + v;
  };
  std::string v;
  for (const auto& p : f.phones) v += (v.empty() ? "" : ",") + p.e164 + (p.obfuscated ? "*" : "");
  add("phones", v);
  v.clear();
  for (const auto& e : f.emails) v += (v.empty() ? "" : ",") + e.value;
  add("emails", v);
  v.clear();
  for (const auto& h : f.handles) v += (v.empty() ? "" : ",") + h.platform + ":" + h.handle;
  add("handles", v);
  v.clear();
  for (const auto& p : f.payments) v += (v.empty() ? "" : ",") + p.kind + ":" + p.value;
  add("payments", v);
  v.clear();
  for (const auto& a : f.ages) v += (v.empty() ? "" : ",") + std::to_string(a.value);
  add("ages", v);
  v.clear();
  for (const auto& p : f.prices) {
    v += (v.empty() ? "" : ",") + fmt::format("{:g} {}", p.value, p.currency);
    if (p.minutes) v += fmt::format("/{}min", p.minutes);
  }
  add("prices", v);
  v.clear();
  for (const auto& l : f.locations) v += (v.empty() ? "" : ",") + l.name + (l.admin1.empty() ? "" : " " + l.admin1) + " " + l.country;
  add("locations", v);
  v.clear();
  for (const auto& i : f.indicators) v += (v.empty() ? "" : ",") + i.id;
  add("indicators", v);
  return s.empty() ? "(nothing found)" : s;
}

}  // namespace

void RegisterExtract(CLI::App& app, int& exit_code) {
  struct Flags {
    std::string input = "-", field;
    bool json = false, verbose = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* cmd = app.add_subcommand("extract", "Extract phones, e-mails, handles, ages, prices, places and indicators "
                                            "from JSON Lines ads (no store needed)");
  cmd->add_option("input", flags->input, "JSON Lines file (.gz/.zst ok) or - for stdin")->capture_default_str();
  cmd->add_option("--field", flags->field, "Read the text from this input field only (default: title + body fields)");
  cmd->add_flag("--json", flags->json, "One JSON object per input line (the format ingest stores)");
  cmd->add_flag("--verbose", flags->verbose, "Print what lexicon and gazetteer were loaded (stderr)");
  cmd->callback([flags, &exit_code]() {
    auto res = extract::LoadResources();
    if (!res.ok()) return Fail(exit_code, res.status());
    if (flags->verbose) fmt::print(stderr, "{}\n", extract::DescribeResources(**res));
    ingest::FieldMap map;
    if (!flags->field.empty()) map["body"] = flags->field;
    auto reader = ingest::OpenReader(flags->input, ingest::Format::kJsonLines, map);
    if (!reader.ok()) return Fail(exit_code, reader.status());
    extract::FactExtractor extractor(*res);
    std::unique_ptr<ingest::RecordDecoder> decoder;
    ingest::RawRecord record;
    ingest::DecodeStats stats;
    core::Ad ad;
    extract::Facts facts;
    uint64_t bad = 0;
    while (true) {
      auto more = (*reader)->Next(record);
      if (!more.ok()) {
        Fail(exit_code, more.status());
        break;
      }
      if (!*more) break;
      if (!decoder) decoder = (*reader)->NewDecoder();
      ad = core::Ad();
      auto st = decoder->Decode(record, ad, stats);
      if (!st.ok()) {
        // Keep line numbering aligned with the input: one output line per input line.
        ++bad;
        if (bad <= 5) fmt::print(stderr, "warning: {} line {}: {}\n", flags->input, record.line, st.message());
        if (flags->json) fmt::print("{{\"line\":{},\"error\":\"unreadable record\"}}\n", record.line);
        continue;
      }
      if (!flags->field.empty()) ad.title.clear();
      extractor.Extract(ad, facts);
      const std::string id = ad.source_id.empty() ? fmt::format("line:{}", record.line) : ad.source_id;
      if (flags->json) {
        std::string json = extract::FactsToJson(facts);
        std::string escaped;
        for (char c : id) {
          if (c == '"' || c == '\\') escaped += '\\';
          if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
        }
        fmt::print("{{\"id\":\"{}\",{}\n", escaped, std::string_view(json).substr(1));
      } else {
        fmt::print("{}\t{}\n", id, Summary(facts));
      }
    }
    if (bad > 0) fmt::print(stderr, "{}: {} unreadable record(s) skipped\n", flags->input, bad);
  });

  struct EvalFlags {
    std::string shared, write;
    uint64_t synthetic = 2000;
  };
  auto eflags = std::make_shared<EvalFlags>();
  auto* eval = app.add_subcommand("extract-eval", "Score extraction against the gold/silver data and write the "
                                                  "\"## Extraction\" section of docs/quality.md");
  eval->add_option("--shared", eflags->shared, "Shared data directory (gold/, ads/); default $LODESTAR_SHARED_DATA or ../shared/data");
  eval->add_option("--write", eflags->write, "Markdown file whose \"## Extraction\" section is replaced (e.g. docs/quality.md)");
  eval->add_option("--synthetic", eflags->synthetic, "Generated obfuscated-phone ads to score")->capture_default_str();
  eval->callback([eflags, &exit_code]() {
    extract::EvalOptions opt;
    opt.shared_data = eflags->shared;
    opt.quality_md = eflags->write;
    opt.synthetic = eflags->synthetic;
    auto report = extract::RunExtractionEval(opt);
    if (!report.ok()) return Fail(exit_code, report.status());
    fmt::print("{}", *report);
  });
}

}  // namespace lodestar::cli
