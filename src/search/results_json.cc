#include "search/results_json.h"

#include "core/json_text.h"
#include "core/time.h"

namespace lodestar::search {

using nlohmann::json;

namespace {

// Encoded as [{kind, values: [{value, count}]}] when the search asked for facets.
void PutFacets(const SearchResults& results, json& out) {
  if (results.facets.empty()) return;
  json fs = json::array();
  for (const auto& f : results.facets) {
    json values = json::array();
    for (const auto& v : f.values) values.push_back({{"value", v.value}, {"count", v.count}});
    fs.push_back({{"kind", f.kind}, {"values", std::move(values)}});
  }
  out["facets"] = std::move(fs);
}

}  // namespace

void AppendHitJson(std::string& out, const Hit& h) {
  // `"name":`, after a comma unless it opens its object.
  auto key = [&](const char* name, bool opens = false) {
    if (!opens) out += ',';
    out += '"';
    out += name;
    out += "\":";
  };
  auto string_or_null = [&](const std::string& v) {
    if (v.empty()) out += "null";
    else core::AppendJsonString(out, v);
  };
  out += '{';
  key("city", true);
  core::AppendJsonString(out, h.city);
  key("evidence");
  out += '[';
  for (size_t i = 0; i < h.evidence.size(); ++i) {
    const auto& e = h.evidence[i];
    out += i ? ",{" : "{";
    key("kind", true);
    core::AppendJsonString(out, e.kind);
    if (!e.span.empty()) {
      key("span");
      core::AppendJsonString(out, e.span);
    }
    key("value");
    core::AppendJsonString(out, e.value);
    out += '}';
  }
  out += ']';
  key("id");
  core::AppendJsonString(out, h.id);
  key("network");
  string_or_null(h.network);
  key("posted");
  string_or_null(h.posted ? core::FormatDate(h.posted) : std::string());
  key("score");
  out += json(h.score).dump();  // nlohmann's number format, as before
  key("site");
  core::AppendJsonString(out, h.site);
  key("state");
  core::AppendJsonString(out, h.state);
  key("template");
  string_or_null(h.cluster);
  out += '}';
}

json HitJson(const Hit& h) {
  std::string s;
  AppendHitJson(s, h);
  return json::parse(s);
}

void AppendSearchResultsJson(std::string& out, const SearchResults& r, const std::string& query, const Paging* paging,
                             size_t first, size_t count) {
  out += '{';
  if (!r.facets.empty()) {
    json facets;
    PutFacets(r, facets);
    out += "\"facets\":";
    out += facets["facets"].dump(-1, ' ', false, json::error_handler_t::replace);
    out += ',';
  }
  out += "\"hits\":[";
  for (size_t i = first; i < r.hits.size() && i - first < count; ++i) {
    if (i > first) out += ',';
    AppendHitJson(out, r.hits[i]);
  }
  out += ']';
  if (paging) out += ",\"limit\":" + std::to_string(paging->limit) + ",\"offset\":" + std::to_string(paging->offset);
  out += ",\"query\":";
  core::AppendJsonString(out, query);
  out += ",\"total\":" + std::to_string(r.total) + "}";
}

json SearchResultsJson(const SearchResults& r, const std::string& query, size_t first, size_t count) {
  std::string s;
  AppendSearchResultsJson(s, r, query, nullptr, first, count);
  return json::parse(s);
}

json TipResultJson(const TipResult& r) {
  json ids = json::array(), nets = json::array(), ads = json::array();
  for (const auto& i : r.identifiers) {
    ids.push_back({{"kind", i.kind}, {"value", i.value}, {"raw", i.raw}, {"ads", i.ads}});
  }
  for (const auto& n : r.networks) {
    nets.push_back({{"network", n.id.empty() ? json(nullptr) : json(n.id)},
                    {"matched_ads", n.matched_ads},
                    {"score", n.score},
                    {"identifiers", n.identifiers},
                    {"cities", n.cities}});
  }
  for (const auto& a : r.ads) {
    json j = HitJson(a.hit);
    j["identifiers"] = a.identifiers;
    ads.push_back(std::move(j));
  }
  return {{"identifiers", ids}, {"networks", nets}, {"total_ads", r.total_ads}, {"ads", ads}};
}

}  // namespace lodestar::search
