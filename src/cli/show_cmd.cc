// lodestar show ID --db DIR [--json]
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "core/time.h"
#include "extract/facts_codec.h"
#include "store/store.h"

namespace lodestar::cli {

void RegisterShow(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("show", "Print one stored ad with its provenance and extracted facts");
  struct Flags {
    std::string id, db;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("id", flags->id, "Ad id (the source's id, or h:HASHPREFIX)")->required();
  cmd->add_option("--db", flags->db, "Store directory")->required();
  cmd->add_flag("--json", flags->json, "JSON output");
  cmd->callback([flags, &exit_code]() {
    auto db = store::Store::Open(flags->db, store::Store::Mode::kRead);
    if (!db.ok()) return Fail(exit_code, db.status());
    auto found = (*db)->FindById(flags->id);
    if (!found.ok()) return Fail(exit_code, found.status());
    if (!*found) {
      return Fail(exit_code, fmt::format("no ad with id '{}' in {}; "
                                         "ids are the source's own ids (see `lodestar stats`)",
                                         flags->id, flags->db));
    }
    const auto& s = **found;
    const auto& ad = s.ad;
    std::string file = (*db)->RunFilePath(ad.provenance.run_id, ad.provenance.file_index);
    nlohmann::json j;
    j["id"] = ad.display_id();
    j["source_id"] = ad.source_id;
    j["content_hash"] = ad.content_hash.hex();
    j["ordinal"] = s.ordinal;
    j["source"] = ad.source;
    j["url"] = ad.url;
    j["title"] = ad.title;
    j["body"] = ad.body;
    j["location"] = ad.location;
    j["posted"] = ad.posted ? nlohmann::json(core::FormatDateTime(ad.posted)) : nlohmann::json(nullptr);
    j["crawled"] = ad.crawled ? nlohmann::json(core::FormatDateTime(ad.crawled)) : nlohmann::json(nullptr);
    j["provenance"] = {{"run", ad.provenance.run_id},
                       {"file", file},
                       {"line", ad.provenance.line},
                       {"byte_offset", ad.provenance.byte_offset}};
    // Facts are shown as `lodestar extract --json` prints them, whichever encoding the store keeps.
    auto decoded = extract::DecodeStoredFacts(s.facts);
    auto facts = decoded.ok() ? nlohmann::json::parse(extract::FactsToJson(*decoded), nullptr, false)
                              : nlohmann::json(nullptr);
    j["facts"] = s.facts.empty() || facts.is_discarded() ? nlohmann::json(nullptr) : facts;
    j["raw"] = ad.raw;
    if (flags->json) {
      fmt::print("{}\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
      return;
    }
    fmt::print("id:        {}\nhash:      {}\nsource:    {}\nurl:       {}\nlocation:  {}\nposted:    {}\n"
               "crawled:   {}\nfrom:      {} line {} (byte {}), run {}\ntitle:     {}\n\n{}\n",
               j["id"].get<std::string>(), ad.content_hash.hex(), ad.source, ad.url, ad.location,
               ad.posted ? core::FormatDateTime(ad.posted) : "unknown",
               ad.crawled ? core::FormatDateTime(ad.crawled) : "unknown", file, ad.provenance.line,
               ad.provenance.byte_offset, ad.provenance.run_id, ad.title, ad.body);
    if (!j["facts"].is_null()) fmt::print("\nfacts:\n{}\n", j["facts"].dump(2));
  });
}

}  // namespace lodestar::cli
