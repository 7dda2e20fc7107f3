#include "link/network_profile.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "core/time.h"
#include "link/linker.h"

namespace lodestar::link {
using nlohmann::json;

double HaversineKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kEarthKm = 6371.0088, kRad = M_PI / 180;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(a)));
}

json BuildNetworkProfile(const std::string& id, const std::vector<uint32_t>& members,
                         const std::vector<AdFeatures>& f, const std::vector<uint32_t>& cluster_of,
                         const std::unordered_set<std::string>& hubs) {
  std::map<std::string, int> idents, sites, places;
  std::map<uint32_t, int> templates;
  std::set<int> ages;
  std::vector<double> prices;
  int64_t first = 0, last = 0;
  json ads = json::array();
  for (uint32_t m : members) {
    const auto& a = f[m];
    ads.push_back(a.id);
    for (const auto& i : a.identifiers)
      if (!hubs.count(i)) ++idents[i];
    ++sites[a.site];
    if (!a.city.empty()) ++places[a.admin1.empty() ? a.city : a.city + ", " + a.admin1];
    ++templates[cluster_of[m]];
    ages.insert(a.ages.begin(), a.ages.end());
    prices.insert(prices.end(), a.prices_per_hour.begin(), a.prices_per_hour.end());
    if (a.posted) {
      first = first ? std::min(first, a.posted) : a.posted;
      last = std::max(last, a.posted);
    }
  }
  json p;
  p["id"] = id;
  p["size"] = members.size();
  p["ads"] = ads;
  p["identifiers"] = idents;
  json tj = json::object();
  for (const auto& [c, k] : templates) tj[ClusterId(c)] = k;
  p["templates"] = tj;
  p["sites"] = sites;
  p["places"] = places;  // every stated place, dated or not
  p["first_seen"] = first ? json(core::FormatDateTime(first)) : json(nullptr);
  p["last_seen"] = last ? json(core::FormatDateTime(last)) : json(nullptr);
  p["ages"] = std::vector<int>(ages.begin(), ages.end());
  if (!prices.empty()) {
    std::sort(prices.begin(), prices.end());
    p["price_per_hour"] = {{"min", prices.front()}, {"median", prices[prices.size() / 2]}, {"max", prices.back()}};
  } else {
    p["price_per_hour"] = nullptr;
  }

  // Movement: ads in time order, consecutive ads in the same place form one visit.
  std::vector<uint32_t> timed;
  for (uint32_t m : members)
    if (f[m].posted && !f[m].city.empty()) timed.push_back(m);
  std::sort(timed.begin(), timed.end(), [&](uint32_t a, uint32_t b) { return f[a].posted < f[b].posted; });
  json visits = json::array();
  double total_km = 0;
  int interstate = 0;
  const AdFeatures* prev = nullptr;
  for (uint32_t m : timed) {
    const auto& a = f[m];
    bool same = prev && prev->city == a.city && prev->admin1 == a.admin1;
    if (same) {
      auto& v = visits.back();
      v["last"] = core::FormatDate(a.posted);
      v["ads"] = v["ads"].get<int>() + 1;
      continue;
    }
    json v = {{"city", a.city}, {"admin1", a.admin1}, {"country", a.country}, {"first", core::FormatDate(a.posted)},
              {"last", core::FormatDate(a.posted)}, {"ads", 1}};
    if (a.lat != 0 || a.lon != 0) {
      v["lat"] = a.lat;
      v["lon"] = a.lon;
    }
    if (prev) {
      bool located = (a.lat != 0 || a.lon != 0) && (prev->lat != 0 || prev->lon != 0);
      double km = located ? HaversineKm(prev->lat, prev->lon, a.lat, a.lon) : 0;
      v["km_from_previous"] = located ? json(std::round(km)) : json(nullptr);
      total_km += km;
      bool crosses = !a.admin1.empty() && !prev->admin1.empty() && (a.admin1 != prev->admin1 || a.country != prev->country);
      v["interstate"] = crosses;
      interstate += crosses;
    }
    visits.push_back(v);
    prev = &a;
  }
  std::set<std::string> distinct_cities;
  for (const auto& v : visits) distinct_cities.insert(v["city"].get<std::string>() + "|" + v["admin1"].get<std::string>());
  p["movement"] = {{"visits", visits}, {"total_km", std::round(total_km)}, {"interstate_moves", interstate},
                   {"cities", distinct_cities.size()}};
  return p;
}

namespace {
std::vector<std::string> Tokens(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t s = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > s) out.push_back(text.substr(s, i - s));
  }
  return out;
}
// Lower case, digits as '#': the form in which template words are compared.
std::string Shape(const std::string& token) {
  std::string s = token;
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= '0' && c <= '9') c = '#';
  }
  return s;
}
std::string SlotName(const std::string& token) {
  int digits = 0;
  for (char c : token) digits += c >= '0' && c <= '9';
  if (digits >= 7) return "[PHONE]";
  if (token.find('$') != std::string::npos) return "[PRICE]";
  if (token.find('@') != std::string::npos) return "[HANDLE]";
  if (digits > 0) return "[NUMBER]";
  return "[VARIES]";
}
}  // namespace

json BuildTemplateSummary(const std::string& id, const std::vector<uint32_t>& members,
                          const std::vector<AdFeatures>& f, const std::unordered_map<uint32_t, std::string>& texts,
                          const std::vector<uint32_t>& network_of) {
  std::vector<uint32_t> sample;
  for (size_t k = 0; k < members.size() && k < kTemplateSample; ++k) sample.push_back(members[k]);
  // Representative: the sampled member most similar to the other sampled members.
  uint32_t rep = sample[0];
  double best = -1;
  for (uint32_t a : sample) {
    double s = 0;
    for (uint32_t b : sample) s += a == b ? 0 : EstimatedJaccard(f[a].signature, f[b].signature);
    if (s > best) best = s, rep = a;
  }
  std::map<std::string, int> shape_count;
  int with_text = 0;
  for (uint32_t m : sample) {
    auto it = texts.find(m);
    if (it == texts.end()) continue;
    ++with_text;
    std::set<std::string> shapes;
    for (const auto& t : Tokens(it->second)) shapes.insert(Shape(t));
    for (const auto& s : shapes) ++shape_count[s];
  }
  std::string tmpl;
  auto rt = texts.find(rep);
  if (rt != texts.end()) {
    std::string last_slot;
    for (const auto& t : Tokens(rt->second)) {
      bool shared = with_text > 1 && shape_count[Shape(t)] * 10 >= with_text * 6;
      bool numeric = std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
      std::string piece = shared && !numeric ? t : SlotName(t);
      if (piece == last_slot) continue;  // collapse runs of the same slot
      last_slot = piece[0] == '[' ? piece : "";
      if (!tmpl.empty()) tmpl += ' ';
      tmpl += piece;
    }
  }
  std::map<std::string, int> networks;
  double jsum = 0;
  int jn = 0;
  for (uint32_t m : members) {
    ++networks[NetworkId(network_of[m])];
    if (m != rep && jn < 200) {
      jsum += EstimatedJaccard(f[rep].signature, f[m].signature);
      ++jn;
    }
  }
  json ads = json::array();
  for (uint32_t m : members) ads.push_back(f[m].id);
  json c = {{"id", id},
            {"size", members.size()},
            {"representative", f[rep].id},
            {"mean_jaccard_to_representative", jn ? std::round(jsum / jn * 100) / 100 : 1.0},
            {"template", tmpl},
            {"networks", networks.size()},
            {"ads", ads}};
  return c;
}

}  // namespace lodestar::link
