// Country index routes (docs/api.md, "Country indices"): the 3P index ranking,
// a country's changes over time, and UNODC detected-victim flows, as
// `lodestar countries rank|changes|flows` print them, provenance included.
//
// The data files are read from the directory the operator gave `lodestar serve`
// (--countries-data DIR, else $LODESTAR_COUNTRIES_DATA, else DB_DIR/countries),
// never from a path a client names. Each file is loaded once, on first use.
#include <memory>
#include <mutex>
#include <optional>
#include <variant>

#include "server/analysis_routes.h"
#include "stats/countries.h"

namespace lodestar::server {
namespace {

using route::Dump;
using route::IntParam;

constexpr const char* kPolicyFile = "3p-index-and-tip-tiers.csv";
constexpr const char* kUnodcFile = "unodc-glotip-2023.csv";

class CountryData {
 public:
  explicit CountryData(std::string dir) : dir_(std::move(dir)) {}

  // The loaded file, or the reply explaining why it is not there.
  template <class Data, class Loader>
  std::variant<const Data*, Reply> Get(std::optional<core::Result<Data>>& slot, const char* file, Loader load) {
    std::lock_guard lock(mu_);
    if (!slot) slot.emplace(load(dir_ + "/" + file));
    if (!slot->ok()) {
      const auto& st = slot->status();
      if (st.code() == core::StatusCode::kNotFound || st.code() == core::StatusCode::kIoError) {
        return ErrorReply(404, "", std::string(file) + " is not available to this server; start `lodestar serve` with "
                                   "--countries-data DIR (a directory holding " + file + ")");
      }
      return StatusReply(st);
    }
    return &slot->value();
  }
  std::variant<const stats::PolicyData*, Reply> Policy() { return Get(policy_, kPolicyFile, stats::LoadPolicyCsv); }
  std::variant<const stats::UnodcData*, Reply> Unodc() { return Get(unodc_, kUnodcFile, stats::LoadUnodcCsv); }

 private:
  std::string dir_;
  std::mutex mu_;
  std::optional<core::Result<stats::PolicyData>> policy_;
  std::optional<core::Result<stats::UnodcData>> unodc_;
};

}  // namespace

void RegisterCountryRoutes(ApiServer& server, ServerContext& ctx, const std::string& countries_dir) {
  auto data = std::make_shared<CountryData>(countries_dir.empty() ? ctx.db_dir + "/countries" : countries_dir);
  // Published country-level figures: every authenticated role.
  server.Route("GET", "/api/countries/rank", std::nullopt, [data](const httplib::Request& req, const cases::Actor&) {
    int64_t year = 0;
    if (!req.has_param("year")) return ErrorReply(400, "year", "required, e.g. ?year=2009");
    if (auto e = IntParam(req, "year", 1900, 2100, year)) return *e;
    auto p = data->Policy();
    if (auto* r = std::get_if<Reply>(&p)) return *r;
    return Reply{200, Dump(stats::RankTable(*std::get<const stats::PolicyData*>(p), static_cast<int>(year)).ToJson())};
  });
  server.Route("GET", "/api/countries/changes", std::nullopt, [data](const httplib::Request& req, const cases::Actor&) {
    const std::string name = req.get_param_value("country");
    if (name.empty() || name.size() > 200) return ErrorReply(400, "country", "required (1-200 bytes), e.g. ?country=Germany");
    auto p = data->Policy();
    if (auto* r = std::get_if<Reply>(&p)) return *r;
    const auto& policy = *std::get<const stats::PolicyData*>(p);
    auto country = stats::ResolveCountry(policy, name);
    if (!country.ok()) return ErrorReply(404, "country", country.status().message());
    return Reply{200, Dump(stats::ChangesTable(policy, *country).ToJson())};
  });
  server.Route("GET", "/api/countries/flows", std::nullopt, [data](const httplib::Request& req, const cases::Actor&) {
    int64_t year = 0, limit = 50;
    if (auto e = IntParam(req, "year", 0, 2100, year)) return *e;
    if (auto e = IntParam(req, "limit", 1, 10000, limit)) return *e;
    auto u = data->Unodc();
    if (auto* r = std::get_if<Reply>(&u)) return *r;
    return Reply{200, Dump(stats::FlowsTable(*std::get<const stats::UnodcData*>(u), static_cast<int>(year),
                                             static_cast<size_t>(limit))
                               .ToJson())};
  });
}

}  // namespace lodestar::server
