#include "search/results_json.h"

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

json HitJson(const Hit& h) {
  json ev = json::array();
  for (const auto& e : h.evidence) {
    json x = {{"kind", e.kind}, {"value", e.value}};
    if (!e.span.empty()) x["span"] = e.span;
    ev.push_back(std::move(x));
  }
  return {{"id", h.id},
          {"score", h.score},
          {"posted", h.posted ? json(core::FormatDate(h.posted)) : json(nullptr)},
          {"site", h.site},
          {"city", h.city},
          {"state", h.state},
          {"network", h.network.empty() ? json(nullptr) : json(h.network)},
          {"template", h.cluster.empty() ? json(nullptr) : json(h.cluster)},
          {"evidence", ev}};
}

json SearchResultsJson(const SearchResults& r, const std::string& query, size_t first, size_t count) {
  json hits = json::array();
  for (size_t i = first; i < r.hits.size() && i - first < count; ++i) hits.push_back(HitJson(r.hits[i]));
  json out = {{"query", query}, {"total", r.total}, {"hits", std::move(hits)}};
  PutFacets(r, out);
  return out;
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
