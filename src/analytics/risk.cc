// Transparent, uncalibrated risk scoring (docs/search.md, "Risk").
//
// Score = 100 * (1 - exp(-S)), S = sum over trafficking-indicator categories
// present of the category weight (plus a small increment per extra distinct
// indicator in the category, capped), plus link evidence (movement of the
// network across cities). The interval recomputes S with every weight halved
// and doubled: the weights are expert guesses, not fitted to labelled data, so
// a factor-of-two uncertainty is stated rather than hidden. Commercial-sex
// vocabulary (services, venues) is counted and shown but never scored.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "analytics/analytics.h"
#include "core/time.h"
#include "link/linker.h"

namespace lodestar::analytics {

using core::Status;
using core::StatusCode;
using nlohmann::json;

namespace {

struct Category {
  const char* name;
  double weight;
  const char* meaning;
};

// Weights: strong signals in the trafficking-indicator literature get 0.6, weak
// ones 0.1-0.3. Availability and payment wording is weak: common in all sex work.
constexpr Category kCategories[] = {
    {"youth", 0.6, "minors/youth: wording that suggests a minor or a very young person"},
    {"third_party", 0.6, "third-party control: someone else advertises, manages or drives"},
    {"restricted", 0.6, "restricted freedom, debt or coercion (incl. RESTRICT-DEBT)"},
    {"movement", 0.3, "movement: new in town, touring, short stays"},
    {"recruitment", 0.3, "recruitment wording: hiring, easy money, housing offered"},
    {"ethnic_packaging", 0.2, "ethnic packaging / recently arrived foreign nationals"},
    {"shared_number", 0.1, "phone wording: new number, text only"},
    {"availability", 0.1, "round-the-clock availability (weak: common in independent work)"},
    {"payment", 0.1, "anonymous payment (weak)"},
};
constexpr double kPerExtraIndicator = 0.1;  // per extra distinct indicator in a category, up to 2
constexpr double kStatedMinor = 1.5;        // a stated age under 18
constexpr double kMovementLink = 0.4;       // the network posts in >= 3 cities within 30 days
constexpr double kCrossState = 0.2;         // ... and in >= 2 states

double ToScore(double s) { return 100 * (1 - std::exp(-s)); }

const Category* FindCategory(const std::string& name) {
  for (const auto& c : kCategories) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

const char* Band(double score) {
  if (score < 10) return "none/very low";
  if (score < 35) return "low";
  if (score < 65) return "elevated";
  return "high";
}

json Caveats() {
  return json::array({
      "UNCALIBRATED: no labelled data exists for these weights; the score orders ads for human review and is not a "
      "probability of trafficking.",
      "Commercial-sex advertising is not, by itself, evidence of trafficking; services, venues and prices are shown "
      "under commercial_sex_signals and contribute nothing to the score.",
      "Indicators are wording matches, not findings: they can be false (copy-pasted templates, sarcasm) and their "
      "absence proves nothing.",
      "The interval recomputes the score with every weight halved and doubled; it expresses weight uncertainty, "
      "not sampling error.",
  });
}

}  // namespace

core::Result<json> Risk(const search::Index& index, const std::string& id) {
  std::vector<uint64_t> members;
  bool is_network = false;
  std::string network_id;
  auto ads = index.Ads();
  if (!ads.ok()) return ads.status();
  if (id.size() == 8 && (id[0] == 'N' || id[0] == 'n') &&
      std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (!index.linked()) {
      return Status::Error(StatusCode::kNotFound, fmt::format("{}: network ids need linked ads; run `lodestar link --db {}`",
                                                              index.db_dir(), index.db_dir()));
    }
    is_network = true;
    auto target = static_cast<uint32_t>(std::stoul(id.substr(1)));
    for (const auto& r : *ads) {
      if (index.NetworkOf(r.ordinal) == target) members.push_back(r.ordinal);
    }
    network_id = link::NetworkId(target);
  } else {
    for (const auto& r : *ads) {
      if (r.id == id) {
        members.push_back(r.ordinal);
        break;
      }
    }
  }
  if (members.empty()) {
    return Status::Error(StatusCode::kNotFound,
                         fmt::format("no ad or network '{}' in {}; use an ad's source id or a network id like N0000012",
                                     id, index.db_dir()));
  }
  std::set<uint64_t> mset(members.begin(), members.end());
  const auto& rows = *ads;
  // Indicators per category, with spans.
  struct Hit {
    uint64_t ordinal;
    std::string indicator, span;
  };
  std::map<std::string, std::vector<Hit>> by_cat;
  std::map<uint64_t, std::vector<std::pair<std::string, std::string>>> ind_of;  // ordinal -> (id, span)
  auto s = index.ForEachFact("indicator", [&](uint64_t o, const std::string& v, double, const std::string& span) {
    if (mset.count(o)) ind_of[o].push_back({v, span});
  });
  if (!s.ok()) return s;
  // An indicator and its category are stored as two facts with the same span.
  std::map<std::pair<uint64_t, std::string>, std::string> cat_of;
  s = index.ForEachFact("category", [&](uint64_t o, const std::string& v, double, const std::string& span) {
    if (mset.count(o)) cat_of[{o, span}] = v;
  });
  if (!s.ok()) return s;
  for (const auto& [o, list] : ind_of) {
    for (const auto& [ind, span] : list) {
      auto it = cat_of.find({o, span});
      if (it != cat_of.end()) by_cat[it->second].push_back({o, ind, span});
    }
  }
  std::vector<std::pair<uint64_t, double>> minors;
  s = index.ForEachFact("age", [&](uint64_t o, const std::string&, double v, const std::string&) {
    if (mset.count(o) && v < 18) minors.push_back({o, v});
  });
  if (!s.ok()) return s;
  uint64_t commercial = 0;
  std::map<std::string, uint64_t> commercial_kinds;
  s = index.ForEachFact("commercial", [&](uint64_t o, const std::string& v, double, const std::string&) {
    if (mset.count(o)) {
      ++commercial;
      commercial_kinds[v]++;
    }
  });
  if (!s.ok()) return s;

  json reasons = json::array();
  double total = 0;  // S with the stated weights; bounds scale it by 0.5 and 2
  double n = static_cast<double>(members.size());
  for (const auto& [cat, hits] : by_cat) {
    const Category* c = FindCategory(cat);
    if (!c) continue;
    std::set<std::string> distinct;
    std::set<uint64_t> ads_with;
    for (const auto& h : hits) distinct.insert(h.indicator), ads_with.insert(h.ordinal);
    double share = static_cast<double>(ads_with.size()) / n;
    // A network's category counts in proportion to how many of its ads carry it (at least half weight).
    double w = c->weight + kPerExtraIndicator * std::min<double>(2, static_cast<double>(distinct.size()) - 1);
    if (is_network) w *= std::max(0.5, share);
    total += w;
    json ev = json::array();
    for (size_t i = 0; i < hits.size() && i < 5; ++i) {
      ev.push_back({{"ad", rows[hits[i].ordinal].id}, {"indicator", hits[i].indicator}, {"span", hits[i].span}});
    }
    reasons.push_back({{"kind", "indicator"}, {"category", cat}, {"meaning", c->meaning}, {"contribution", w},
                       {"indicators", std::vector<std::string>(distinct.begin(), distinct.end())},
                       {"ads_with_category", ads_with.size()}, {"evidence", ev}});
  }
  if (!minors.empty()) {
    total += kStatedMinor;
    json ev = json::array();
    for (size_t i = 0; i < minors.size() && i < 5; ++i) ev.push_back({{"ad", rows[minors[i].first].id}, {"age", minors[i].second}});
    reasons.push_back({{"kind", "stated_age_under_18"}, {"contribution", kStatedMinor}, {"evidence", ev}});
  }
  // Link evidence: the network (of the ad) and its movement across cities.
  uint32_t net = index.NetworkOf(members.front());
  json links = nullptr;
  if (net != UINT32_MAX) {
    std::vector<const search::AdRow*> net_ads;
    for (const auto& r : rows) {
      if (index.NetworkOf(r.ordinal) == net) net_ads.push_back(&r);
    }
    std::sort(net_ads.begin(), net_ads.end(), [](auto* a, auto* b) { return a->posted < b->posted; });
    size_t best_cities = 0, best_states = 0, lo = 0;
    std::map<std::string, int> cities, states;
    for (size_t hi = 0; hi < net_ads.size(); ++hi) {
      if (!net_ads[hi]->posted) continue;
      cities[net_ads[hi]->city]++;
      states[net_ads[hi]->state]++;
      while (net_ads[hi]->day - net_ads[lo]->day >= 30) {
        if (--cities[net_ads[lo]->city] == 0) cities.erase(net_ads[lo]->city);
        if (--states[net_ads[lo]->state] == 0) states.erase(net_ads[lo]->state);
        ++lo;
      }
      best_cities = std::max(best_cities, cities.size());
      best_states = std::max(best_states, states.size());
    }
    links = {{"network", link::NetworkId(net)}, {"network_ads", net_ads.size()},
             {"max_cities_in_30_days", best_cities}, {"max_states_in_30_days", best_states}};
    if (best_cities >= 3) {
      double w = kMovementLink + (best_states >= 2 ? kCrossState : 0);
      total += w;
      reasons.push_back({{"kind", "link_movement"}, {"contribution", w},
                         {"meaning", "the linked network posts in several cities within 30 days"},
                         {"evidence", links}});
    }
  }
  double score = ToScore(total);
  json out = {{"id", is_network ? network_id : id},
              {"type", is_network ? "network" : "ad"},
              {"ads", members.size()},
              {"score", std::round(score * 10) / 10},
              {"interval", {std::round(ToScore(total * 0.5) * 10) / 10, std::round(ToScore(total * 2) * 10) / 10}},
              {"band", Band(score)},
              {"calibrated", false},
              {"model", "100*(1-exp(-S)), S = sum of documented category weights; see docs/search.md"},
              {"reasons", reasons},
              {"links", links},
              {"commercial_sex_signals", {{"count", commercial}, {"scored", false}, {"kinds", commercial_kinds}}},
              {"caveats", Caveats()}};
  if (reasons.empty()) out["note"] = "no trafficking indicator, stated minor age or movement link found: score 0";
  return out;
}

}  // namespace lodestar::analytics
