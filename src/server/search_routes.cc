// Search, tip and analytics routes (docs/api.md, "Search and analytics").
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stop_token>
#include <thread>
#include <vector>

#include "analytics/analytics.h"
#include "cases/request_json.h"
#include "link/linker.h"
#include "search/index.h"
#include "search/query.h"
#include "search/results_json.h"
#include "search/tip.h"
#include "server/analysis_routes.h"
#include "server/fifo_gate.h"

namespace lodestar::server {

using json = nlohmann::json;

namespace route {

std::string Dump(const json& j) {
  return cases::EscapeJsonForHtml(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::optional<Reply> IntParam(const httplib::Request& req, const char* name, int64_t lo, int64_t hi, int64_t& out) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno == ERANGE || n < lo || n > hi) {
    return ErrorReply(400, name, "must be an integer " + std::to_string(lo) + "-" + std::to_string(hi));
  }
  out = n;
  return std::nullopt;
}

std::optional<Reply> NumParam(const httplib::Request& req, const char* name, double lo, double hi, double& out) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string v = req.get_param_value(name);
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (v.empty() || *end || !(d >= lo && d <= hi)) {
    return ErrorReply(400, name, "must be a number from " + json(lo).dump() + " to " + json(hi).dump());
  }
  out = d;
  return std::nullopt;
}

std::optional<Reply> EnumParam(const httplib::Request& req, const char* name, std::initializer_list<const char*> allowed,
                               std::string& out) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string v = req.get_param_value(name);
  std::string list;
  for (const char* a : allowed) {
    if (v == a) {
      out = v;
      return std::nullopt;
    }
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return ErrorReply(400, name, "must be one of: " + list);
}

}  // namespace route

namespace {

using route::Dump;
using route::EnumParam;
using route::IntParam;
using route::NumParam;

// The ad index. Its const methods may run on any number of threads at once
// (index.h), so every worker shares one instance; Refresh() swaps in a newer
// one when ads were ingested or linked since, and requests already running
// keep the instance they started with.
class SharedIndex {
 public:
  SharedIndex(std::string db_dir, size_t match_cache_bytes)
      : db_dir_(std::move(db_dir)), match_cache_bytes_(match_cache_bytes) {}

  struct Snapshot {
    std::shared_ptr<const search::Index> index;  // null when unavailable
    std::string unavailable;                     // why there is nothing to search
    uint64_t generation = 0;                     // changes with every swap
  };
  Snapshot Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }

  // Opens the index, indexing ads added to the store since the last update;
  // swaps it in if anything changed. True if it swapped. Returns at once when
  // no file that ingest, link or index write has changed since the last call
  // (re-opening reads the link files, ~8 MB at 10^6 ads).
  bool Refresh() {
    std::string fingerprint = Fingerprint();
    if (!fingerprint.empty() && fingerprint == fingerprint_) return false;
    fingerprint_ = std::move(fingerprint);
    Snapshot next;
    auto idx = search::Index::Open(db_dir_, /*update=*/true);
    if (!idx.ok()) {
      if (idx.status().code() == core::StatusCode::kNotFound) {
        next.unavailable = "no ad store in " + db_dir_ + ": run `lodestar ingest FILE --db " + db_dir_ +
                           "` and `lodestar link --db " + db_dir_ + "`; the server picks the ads up by itself";
      } else {
        std::fprintf(stderr, "lodestar serve: search index unavailable: %s\n", idx.status().message().c_str());
        next.unavailable = "the search index of " + db_dir_ + " cannot be opened; the server log has details";
      }
    } else if ((*idx)->size() == 0) {
      next.unavailable = "the ad store in " + db_dir_ + " has no ads: run `lodestar ingest FILE --db " + db_dir_ +
                         "`; the server picks the ads up by itself";
    } else {
      (*idx)->EnableMatchCache(match_cache_bytes_);  // a new index: what was kept for the old one goes with it
      next.index = std::move(idx.value());
    }
    const auto link_time = LinkTime();
    std::lock_guard lock(mu_);
    const bool same = next.unavailable == current_.unavailable && link_time == link_time_ &&
                      (next.index == nullptr) == (current_.index == nullptr) &&
                      (!next.index || next.index->size() == current_.index->size());
    if (same && current_.generation != 0) return false;
    next.generation = current_.generation + 1;
    current_ = std::move(next);
    link_time_ = link_time;
    return true;
  }

 private:
  // When `lodestar link` last replaced networks.u32 (written to a temporary file and renamed).
  std::filesystem::file_time_type LinkTime() const {
    std::error_code ec;
    auto t = std::filesystem::last_write_time(link::LinkDir(db_dir_) + "/networks.u32", ec);
    return ec ? std::filesystem::file_time_type{} : t;
  }

  // Name, size and modification time of the files whose change can change the
  // index: the store's segments and marker, the link output, the index manifest.
  // Empty when a directory cannot be read (then Refresh always re-opens).
  std::string Fingerprint() const {
    std::string out;
    std::error_code ec;
    for (const std::string& dir : {db_dir_ + "/segments", link::LinkDir(db_dir_), db_dir_ + "/derived/search"}) {
      std::filesystem::directory_iterator it(dir, ec), end;
      if (ec) {
        if (ec == std::errc::no_such_file_or_directory) continue;
        return "";
      }
      std::vector<std::string> entries;
      for (; it != end; it.increment(ec)) {
        if (ec) return "";
        const auto& e = *it;
        std::error_code e1, e2;
        const auto size = e.is_regular_file(e1) ? e.file_size(e1) : 0;
        const auto time = e.last_write_time(e2).time_since_epoch().count();
        entries.push_back(e.path().filename().string() + " " + std::to_string(size) + " " + std::to_string(time));
      }
      std::sort(entries.begin(), entries.end());
      out += dir + "\n";
      for (const auto& line : entries) out += line + "\n";
    }
    std::error_code e3;
    out += "STORE " + std::to_string(std::filesystem::last_write_time(db_dir_ + "/STORE", e3).time_since_epoch().count());
    return out;
  }

  std::string db_dir_;
  size_t match_cache_bytes_ = 0;
  std::string fingerprint_;  // of the last Refresh; only the refresh thread (or start-up) touches it
  mutable std::mutex mu_;
  Snapshot current_;
  std::filesystem::file_time_type link_time_{};
};

// The analytics read a fixed index snapshot, so a reply is reusable for the same
// route, parameters and snapshot generation. Bounded; cleared when full.
class ReplyCache {
 public:
  std::optional<std::string> Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const std::string& key, const std::string& body) {
    std::lock_guard lock(mu_);
    if (map_.size() >= 256) map_.clear();
    map_[key] = body;
  }
  void Clear() {
    std::lock_guard lock(mu_);
    map_.clear();
  }

 private:
  std::mutex mu_;
  std::map<std::string, std::string> map_;
};

bool MaySearchAds(cases::Role r) {
  return r == cases::Role::kAdmin || r == cases::Role::kAnalyst || r == cases::Role::kInvestigator;
}

// A query-language error as 400 {"error", "field", "position"}: the parser's
// message starts "query position N: ".
Reply QueryError(const std::string& field, const core::Status& st) {
  json out = {{"error", st.message()}, {"field", field}};
  const std::string& m = st.message();
  size_t p = m.find("position ");
  if (p != std::string::npos) {
    long pos = std::strtol(m.c_str() + p + 9, nullptr, 10);
    out["position"] = pos;
  }
  return Reply{400, Dump(out)};
}

struct SearchState {
  ServerContext* ctx = nullptr;
  SharedIndex index;
  ReplyCache cache;
  FifoGate search_gate;  // searches and tip searches; analytics replies are cached and not gated
  // Checks for new ads and link state every `seconds`; stops with the server. Last member: it uses the others.
  std::jthread refresher;

  explicit SearchState(ServerContext& c)
      : ctx(&c), index(c.db_dir, c.match_cache_mb << 20), search_gate(c.search_slots ? c.search_slots : std::thread::hardware_concurrency() + 1) {}
  void StartRefresh(int seconds) {
    if (seconds <= 0) return;
    refresher = std::jthread([this, seconds](std::stop_token stop) {
      std::mutex m;
      std::condition_variable_any cv;
      while (true) {
        std::unique_lock lock(m);
        if (cv.wait_for(lock, stop, std::chrono::seconds(seconds), [] { return false; }) || stop.stop_requested()) return;
        if (index.Refresh()) cache.Clear();
      }
    });
  }
};

// Runs `fn` on the index, after the role check and the "no ads" check.
template <typename Fn>
Reply WithIndex(SearchState& s, const httplib::Request& req, const cases::Actor& actor, Fn&& fn) {
  if (!MaySearchAds(actor.role)) {
    (void)s.ctx->cases.RecordDenied(actor, "GET " + req.path.substr(0, 200), "denied",
                                    std::string("role ") + cases::RoleName(actor.role) + " lacks ad.search");
    return ErrorReply(403, "", std::string("role '") + cases::RoleName(actor.role) +
                                   "' may not search ads (admins, analysts and investigators may)");
  }
  const SharedIndex::Snapshot snap = s.index.Get();
  if (!snap.index) return ErrorReply(404, "", snap.unavailable);
  return fn(*snap.index, snap.generation);
}

// Maps an analytics failure: invalid input -> 400 naming `field`, unknown id -> 404.
Reply AnalyticsError(const core::Status& st, const std::string& field) {
  if (st.code() == core::StatusCode::kInvalidInput) {
    if (st.message().find("position ") != std::string::npos) return QueryError(field, st);
    return ErrorReply(400, field, st.message());
  }
  if (st.code() == core::StatusCode::kNotFound) return ErrorReply(404, field, st.message());
  return StatusReply(st);
}

// Cache key: path and the parameters in a fixed (sorted) order.
std::string CacheKey(const httplib::Request& req) {
  std::string key = req.path;
  std::multimap<std::string, std::string> sorted(req.params.begin(), req.params.end());
  for (const auto& [k, v] : sorted) key += "\n" + k + "=" + v;
  return key;
}

template <typename Fn>
Reply Cached(SearchState& s, const httplib::Request& req, const cases::Actor& actor, const std::string& field, Fn&& fn) {
  return WithIndex(s, req, actor, [&](const search::Index& idx, uint64_t generation) {
    std::string key = std::to_string(generation) + "\n" + CacheKey(req);
    if (auto hit = s.cache.Get(key)) return Reply{200, *hit};
    core::Result<json> r = fn(idx);
    if (!r.ok()) return AnalyticsError(r.status(), field);
    std::string body = Dump(*r);
    s.cache.Put(key, body);
    return Reply{200, body};
  });
}

// A slice parameter of terms/ages: a search query; "" = all ads.
std::optional<Reply> SliceParam(const httplib::Request& req, const char* name, bool required, std::string& out) {
  if (!req.has_param(name)) {
    if (required) return ErrorReply(400, name, "required: a search query defining the slice (\"\" = all ads)");
    return std::nullopt;
  }
  out = req.get_param_value(name);
  auto q = search::ParseQuery(out);
  if (!q.ok()) return QueryError(name, q.status());
  return std::nullopt;
}

}  // namespace

void RegisterSearchRoutes(ApiServer& server, ServerContext& ctx) {
  auto s = std::make_shared<SearchState>(ctx);
  s->index.Refresh();
  if (auto snap = s->index.Get(); !snap.index) {
    std::fprintf(stderr, "lodestar serve: search routes answer 404: %s\n", snap.unavailable.c_str());
  }
  s->StartRefresh(ctx.search_refresh_seconds);

  server.Route("GET", "/api/search", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    if (!req.has_param("q")) return ErrorReply(400, "q", "required: the search query, e.g. q=phone:5035550123 (docs/search.md)");
    const std::string text = req.get_param_value("q");
    int64_t limit = 20, offset = 0, facets = 0, facet_values = 10;
    if (auto e = IntParam(req, "limit", 1, 1000, limit)) return *e;
    if (auto e = IntParam(req, "offset", 0, 10000, offset)) return *e;
    if (auto e = IntParam(req, "facets", 0, 1, facets)) return *e;
    if (auto e = IntParam(req, "facet_values", 1, 100, facet_values)) return *e;
    return WithIndex(*s, req, a, [&](const search::Index& idx, uint64_t) {
      // Parsed after the role check, so a refused caller learns nothing about the query language.
      auto q = search::ParseQuery(text);
      if (!q.ok()) return QueryError("q", q.status());
      search::SearchOptions o;
      o.limit = static_cast<size_t>(limit);
      o.offset = static_cast<size_t>(offset);
      o.facets = facets != 0;
      o.facet_values = static_cast<size_t>(facet_values);
      auto r = [&] {
        FifoGate::Pass pass(s->search_gate);
        return idx.Search(*q, o);
      }();
      if (!r.ok()) return AnalyticsError(r.status(), "q");
      std::string body;
      const search::Paging paging{offset, limit};
      search::AppendSearchResultsJson(body, *r, text, &paging);
      return Reply{200, cases::EscapeJsonForHtml(std::move(body))};
    });
  });

  auto tip = [s](const httplib::Request& req, const cases::Actor& a, const std::string& text, int64_t limit) {
    if (text.empty()) return ErrorReply(400, "text", "required: the free text of the tip");
    if (text.size() > 16384) return ErrorReply(400, "text", "longer than 16384 bytes");
    return WithIndex(*s, req, a, [&](const search::Index& idx, uint64_t) {
      auto r = [&] {
        FifoGate::Pass pass(s->search_gate);
        return search::SearchTip(idx, text, static_cast<size_t>(limit));
      }();
      if (!r.ok()) return AnalyticsError(r.status(), "text");
      return Reply{200, Dump(search::TipResultJson(*r))};
    });
  };
  server.Route("GET", "/api/tip", std::nullopt, [tip](const httplib::Request& req, const cases::Actor& a) {
    int64_t limit = 50;
    if (auto e = IntParam(req, "limit", 1, 1000, limit)) return *e;
    return tip(req, a, req.get_param_value("text"), limit);
  });
  server.Route("POST", "/api/tip", std::nullopt, [tip](const httplib::Request& req, const cases::Actor& a) {
    auto j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return ErrorReply(400, "body", "must be a JSON object {\"text\": ..., \"limit\"?: n}");
    for (const auto& [k, v] : j.items()) {
      if (k != "text" && k != "limit") return ErrorReply(400, k, "unknown field (known: text, limit)");
    }
    if (!j.contains("text") || !j["text"].is_string()) return ErrorReply(400, "text", "required string");
    int64_t limit = 50;
    if (j.contains("limit")) {
      if (!j["limit"].is_number_integer() || j["limit"].get<int64_t>() < 1 || j["limit"].get<int64_t>() > 1000)
        return ErrorReply(400, "limit", "must be an integer 1-1000");
      limit = j["limit"].get<int64_t>();
    }
    return tip(req, a, j["text"].get<std::string>(), limit);
  });

  server.Route("GET", "/api/timeseries", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    std::string by = "city", interval = "day";
    int64_t top = 20;
    if (auto e = EnumParam(req, "by", {"city", "state", "site", "indicator", "network"}, by)) return *e;
    if (auto e = EnumParam(req, "interval", {"day", "week"}, interval)) return *e;
    if (auto e = IntParam(req, "top", 1, 1000, top)) return *e;
    return Cached(*s, req, a, "by", [&](const search::Index& idx) {
      return analytics::TimeSeries(idx, by, interval, static_cast<size_t>(top));
    });
  });

  server.Route("GET", "/api/spikes", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    analytics::SpikeOptions o;
    int64_t current = o.current_days, reference = o.reference_days, min_reference = o.min_reference_days;
    int64_t top_networks = static_cast<int64_t>(o.top_networks);
    if (auto e = EnumParam(req, "by", {"city", "state"}, o.by)) return *e;
    if (auto e = EnumParam(req, "count", {"advertisers", "ads"}, o.count)) return *e;
    if (auto e = IntParam(req, "current", 1, 365, current)) return *e;
    if (auto e = IntParam(req, "reference", 1, 3650, reference)) return *e;
    if (auto e = IntParam(req, "min_reference", 1, 3650, min_reference)) return *e;
    if (auto e = IntParam(req, "top_networks", 0, 100, top_networks)) return *e;
    if (auto e = NumParam(req, "alpha", 1e-9, 0.5, o.alpha)) return *e;
    o.current_days = static_cast<int>(current);
    o.reference_days = static_cast<int>(reference);
    o.min_reference_days = static_cast<int>(min_reference);
    o.top_networks = static_cast<size_t>(top_networks);
    return Cached(*s, req, a, "", [&](const search::Index& idx) { return analytics::Spikes(idx, o); });
  });

  server.Route("GET", "/api/terms", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    std::string sa, sb;
    analytics::TermsOptions o;
    int64_t top = static_cast<int64_t>(o.top), min_count = static_cast<int64_t>(o.min_count);
    if (auto e = SliceParam(req, "a", true, sa)) return *e;
    if (auto e = SliceParam(req, "b", false, sb)) return *e;
    if (auto e = IntParam(req, "top", 1, 1000, top)) return *e;
    if (auto e = IntParam(req, "min_count", 1, 1000000, min_count)) return *e;
    if (auto e = NumParam(req, "prior", 1, 1e9, o.prior_size)) return *e;
    o.top = static_cast<size_t>(top);
    o.min_count = static_cast<uint64_t>(min_count);
    return Cached(*s, req, a, "a", [&](const search::Index& idx) { return analytics::Terms(idx, sa, sb, o); });
  });

  server.Route("GET", "/api/ages", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    std::string sa, sb;
    if (auto e = SliceParam(req, "a", true, sa)) return *e;
    if (auto e = SliceParam(req, "b", false, sb)) return *e;
    return Cached(*s, req, a, "a", [&](const search::Index& idx) { return analytics::Ages(idx, sa, sb); });
  });

  server.Route("GET", "/api/movement", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    analytics::MovementOptions o;
    int64_t min_cities = static_cast<int64_t>(o.min_cities), window = o.window_days;
    int64_t top_flows = static_cast<int64_t>(o.top_flows);
    if (auto e = IntParam(req, "min_cities", 2, 1000, min_cities)) return *e;
    if (auto e = IntParam(req, "window", 1, 3650, window)) return *e;
    if (auto e = IntParam(req, "top_flows", 0, 10000, top_flows)) return *e;
    o.min_cities = static_cast<size_t>(min_cities);
    o.window_days = static_cast<int>(window);
    o.top_flows = static_cast<size_t>(top_flows);
    return Cached(*s, req, a, "", [&](const search::Index& idx) { return analytics::Movement(idx, o); });
  });

  server.Route("GET", R"(/api/risk/([^/]{1,200}))", std::nullopt, [s](const httplib::Request& req, const cases::Actor& a) {
    const std::string id = req.matches.size() > 1 ? std::string(req.matches[1]) : std::string();
    return Cached(*s, req, a, "id", [&](const search::Index& idx) { return analytics::Risk(idx, id); });
  });
}

void RegisterAnalysisRoutes(ApiServer& server, ServerContext& context, const std::string& cases_url) {
  RegisterSearchRoutes(server, context);
  RegisterMeasureRoutes(server, context, cases_url);
  RegisterCountryRoutes(server, context, context.countries_dir);
}

}  // namespace lodestar::server
