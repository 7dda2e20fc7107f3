#include "search/tip.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "extract/extractor.h"
#include "link/linker.h"

namespace lodestar::search {

namespace {
std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string Raw(const std::string& text, const extract::Span& s) {
  return s.end <= text.size() && s.begin <= s.end ? text.substr(s.begin, s.end - s.begin) : std::string();
}
}  // namespace

core::Result<TipResult> SearchTip(const Index& index, const std::string& tip_text, size_t limit) {
  if (tip_text.size() > 100000) {
    return core::Status::Error(core::StatusCode::kInvalidInput, "tip text too long (at most 100000 bytes); shorten it");
  }
  auto res = extract::LoadResources();
  if (!res.ok()) return res.status();
  extract::FactExtractor extractor(*res);
  core::Ad ad;
  ad.body = tip_text;
  extract::Facts facts = extractor.Extract(ad);

  TipResult out;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const std::string& kind, const std::string& value, const std::string& raw) {
    if (!value.empty() && seen.insert({kind, value}).second) out.identifiers.push_back({kind, value, raw, 0});
  };
  for (const auto& p : facts.phones) add("phone", p.e164, Raw(tip_text, p.span));
  for (const auto& e : facts.emails) add("email", e.value, Raw(tip_text, e.span));
  for (const auto& h : facts.handles) add("handle", h.handle, Raw(tip_text, h.span));
  for (const auto& p : facts.payments) add("payment", Lower(p.value), Raw(tip_text, p.span));
  for (const auto& l : facts.locations) add("city", Lower(l.name), Raw(tip_text, l.span));

  // ordinal -> (score, matched identifiers)
  std::unordered_map<uint64_t, std::pair<double, std::vector<std::string>>> matched;
  std::set<std::string> tip_cities;
  for (auto& id : out.identifiers) {
    if (id.kind == "city") {
      tip_cities.insert(id.value);
      continue;
    }
    Query q;
    Filter f;
    f.key = id.kind == "payment" ? "payment" : id.kind;
    f.value = id.value;
    // Payments have no query-language filter; the facts table has them under kind "payment".
    q.filters.push_back(f);
    auto r = index.Select(q);
    if (!r.ok()) return r.status();
    id.ads = r->size();
    for (uint64_t o : *r) {
      auto& m = matched[o];
      m.first += 1.0;
      m.second.push_back(id.kind + ":" + id.value);
    }
  }
  std::vector<TipAd> ads;
  ads.reserve(matched.size());
  for (auto& [o, m] : matched) {
    TipAd a;
    a.hit.ordinal = o;
    a.hit.score = m.first;
    a.identifiers = m.second;
    ads.push_back(std::move(a));
  }
  std::map<std::string, TipNetwork> nets;
  // Details are read through a query on ordinals: reuse Search with the identifiers as filters.
  std::unordered_map<uint64_t, Hit> details;
  for (const auto& id : out.identifiers) {
    if (id.kind == "city") continue;
    Query q;
    Filter f;
    f.key = id.kind;
    f.value = id.value;
    q.filters.push_back(f);
    auto r = index.Search(q, 100000);
    if (!r.ok()) return r.status();
    for (auto& h : r->hits) {
      auto it = details.find(h.ordinal);
      if (it == details.end()) details.emplace(h.ordinal, std::move(h));
      else for (auto& e : h.evidence) it->second.evidence.push_back(std::move(e));
    }
  }
  for (auto& a : ads) {
    auto it = details.find(a.hit.ordinal);
    if (it == details.end()) continue;
    double score = a.hit.score;
    a.hit = it->second;
    a.hit.score = score;
    if (tip_cities.count(a.hit.city)) {
      a.hit.score += 0.25;
      a.hit.evidence.push_back({"city", a.hit.city, ""});
    }
    auto& n = nets[a.hit.network];
    n.id = a.hit.network;
    n.matched_ads++;
    n.score += a.hit.score;
    for (const auto& ident : a.identifiers) {
      if (std::find(n.identifiers.begin(), n.identifiers.end(), ident) == n.identifiers.end()) n.identifiers.push_back(ident);
    }
    if (!a.hit.city.empty() && std::find(n.cities.begin(), n.cities.end(), a.hit.city) == n.cities.end()) {
      n.cities.push_back(a.hit.city);
    }
  }
  std::sort(ads.begin(), ads.end(), [](const TipAd& x, const TipAd& y) {
    if (x.hit.score != y.hit.score) return x.hit.score > y.hit.score;
    if (x.hit.posted != y.hit.posted) return x.hit.posted > y.hit.posted;
    return x.hit.ordinal < y.hit.ordinal;
  });
  out.total_ads = ads.size();
  if (ads.size() > limit) ads.resize(limit);
  out.ads = std::move(ads);
  for (auto& [id, n] : nets) out.networks.push_back(std::move(n));
  std::sort(out.networks.begin(), out.networks.end(), [](const TipNetwork& x, const TipNetwork& y) {
    if (x.identifiers.size() != y.identifiers.size()) return x.identifiers.size() > y.identifiers.size();
    if (x.score != y.score) return x.score > y.score;
    return x.id < y.id;
  });
  return out;
}

}  // namespace lodestar::search
