#include "analytics/analytics.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include <absl/container/flat_hash_map.h>

#include "analytics/stats.h"
#include "core/time.h"
#include "link/linker.h"

namespace lodestar::analytics {

using core::Status;
using core::StatusCode;
using nlohmann::json;

namespace {

std::string DayDate(int64_t day) { return core::FormatDate(day * 86400); }

int64_t WeekStart(int64_t day) { return day - ((day + 3) % 7 + 7) % 7; }  // 1970-01-01 was a Thursday

// Distinct fact values per ordinal. (An out-parameter rather than a Result: GCC 12
// reports a false -Wfree-nonheap-object on destroying a Result<unordered_map>.)
core::Status FactsByOrdinal(const search::Index& index, const std::string& kind,
                            std::unordered_map<uint64_t, std::vector<std::string>>& out) {
  return index.ForEachFact(kind, [&](uint64_t o, const std::string& v, double, const std::string&) {
    auto& list = out[o];
    if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
  });
}

core::Result<std::vector<uint64_t>> Slice(const search::Index& index, const std::string& text, const char* name) {
  auto q = search::ParseQuery(text);
  if (!q.ok()) return Status::Error(StatusCode::kInvalidInput, fmt::format("--{}: {}", name, q.status().message()));
  return index.Select(*q);
}

std::string Region(const search::AdRow& r, const std::string& by) {
  if (by == "state") return r.state;
  if (r.city.empty()) return "";
  return r.state.empty() ? r.city : r.city + ", " + r.state;
}

}  // namespace

void Tokenize(const std::string& text, std::vector<std::string>& out) {
  std::string cur;
  auto flush = [&] {
    if (cur.size() >= 2) out.push_back(cur);
    cur.clear();
  };
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || c >= 0x80 || c == '\'') cur += static_cast<char>(c);
    else if (c >= 'A' && c <= 'Z') cur += static_cast<char>(c - 'A' + 'a');
    else flush();
  }
  flush();
}

core::Result<json> TimeSeries(const search::Index& index, const std::string& by, const std::string& interval,
                              size_t top) {
  if (by != "city" && by != "state" && by != "site" && by != "indicator" && by != "network") {
    return Status::Error(StatusCode::kInvalidInput, fmt::format("--by {}: use city, state, site, indicator or network", by));
  }
  if (interval != "day" && interval != "week") {
    return Status::Error(StatusCode::kInvalidInput, fmt::format("--interval {}: use day or week", interval));
  }
  if (by == "network" && !index.linked()) {
    return Status::Error(StatusCode::kNotFound, fmt::format("{}: --by network needs linked ads; run `lodestar link --db {}`",
                                                            index.db_dir(), index.db_dir()));
  }
  auto ads = index.Ads();
  if (!ads.ok()) return ads.status();
  std::unordered_map<uint64_t, std::vector<std::string>> cats;
  if (by == "indicator") {
    if (auto st = FactsByOrdinal(index, "category", cats); !st.ok()) return st;
  }
  std::map<std::string, std::map<int64_t, uint64_t>> series;
  uint64_t undated = 0;
  for (const auto& r : *ads) {
    if (!r.posted) {
      ++undated;
      continue;
    }
    int64_t bucket = interval == "week" ? WeekStart(r.day) : r.day;
    std::vector<std::string> keys;
    if (by == "city") keys.push_back(Region(r, "city"));
    else if (by == "state") keys.push_back(r.state);
    else if (by == "site") keys.push_back(r.site);
    else if (by == "network") keys.push_back(link::NetworkId(index.NetworkOf(r.ordinal)));
    else if (auto it = cats.find(r.ordinal); it != cats.end()) keys = it->second;
    for (const auto& k : keys) {
      if (!k.empty()) series[k][bucket]++;
    }
  }
  std::vector<std::pair<uint64_t, std::string>> order;
  for (const auto& [k, pts] : series) {
    uint64_t total = 0;
    for (const auto& [b, n] : pts) total += n;
    if (by == "network" && total < 2) continue;  // a lone ad is not a network
    order.push_back({total, k});
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  json out = {{"by", by}, {"interval", interval}, {"series_total", order.size()}, {"undated_ads", undated}};
  json list = json::array();
  for (size_t i = 0; i < order.size() && i < top; ++i) {
    json pts = json::array();
    for (const auto& [b, n] : series[order[i].second]) pts.push_back({{"date", DayDate(b)}, {"count", n}});
    list.push_back({{"key", order[i].second}, {"total", order[i].first}, {"points", pts}});
  }
  out["series"] = list;
  return out;
}

core::Result<json> Spikes(const search::Index& index, const SpikeOptions& opt) {
  if (opt.by != "city" && opt.by != "state") {
    return Status::Error(StatusCode::kInvalidInput, fmt::format("--by {}: use city or state", opt.by));
  }
  if (opt.current_days < 1 || opt.reference_days < 1 || opt.current_days > 3660 || opt.reference_days > 3660) {
    return Status::Error(StatusCode::kInvalidInput, "--current and --reference must be between 1 and 3660 days");
  }
  if (!(opt.alpha > 0 && opt.alpha < 1)) return Status::Error(StatusCode::kInvalidInput, "--alpha must be in (0, 1)");
  auto ads = index.Ads();
  if (!ads.ok()) return ads.status();
  // Each ad's region as a small integer (UINT32_MAX: undated or no region), computed once.
  int64_t first = INT64_MAX, last = INT64_MIN;
  std::unordered_map<std::string, uint32_t> region_id;
  std::vector<std::string> regions;
  std::vector<uint32_t> region_of(ads->size(), UINT32_MAX);
  for (size_t i = 0; i < ads->size(); ++i) {
    const auto& r = (*ads)[i];
    if (!r.posted) continue;
    std::string reg = Region(r, opt.by);
    if (reg.empty()) continue;
    auto [it, fresh] = region_id.try_emplace(std::move(reg), static_cast<uint32_t>(regions.size()));
    if (fresh) regions.push_back(it->first);
    region_of[i] = it->second;
    first = std::min(first, r.day);
    last = std::max(last, r.day);
  }
  json out = {{"by", opt.by}, {"current_days", opt.current_days}, {"reference_days", opt.reference_days},
              {"alpha", opt.alpha}, {"method", "exact one-sided binomial test of current vs reference window; "
                                               "Benjamini-Hochberg over all region-days tested"}};
  if (first > last) {
    out["tests"] = 0;
    out["spikes"] = json::array();
    return out;
  }
  const int64_t days = last - first + 1;
  if (opt.count != "advertisers" && opt.count != "ads") {
    return Status::Error(StatusCode::kInvalidInput, fmt::format("--count {}: use advertisers or ads", opt.count));
  }
  const bool arrivals = opt.count == "advertisers" && index.linked();
  out["count"] = arrivals ? "advertisers" : "ads";
  std::vector<std::vector<uint32_t>> counts(regions.size(), std::vector<uint32_t>(static_cast<size_t>(days), 0));
  std::vector<std::vector<uint64_t>> members(regions.size());  // [region] -> ordinals (for driving networks)
  // Arrivals need the ads in day order (a counting sort: days are few); only the
  // last day each (network, region) was seen matters, so order within a day does not.
  std::vector<uint32_t> day_start(static_cast<size_t>(days) + 1, 0), by_day;
  for (size_t i = 0; i < ads->size(); ++i) {
    if (region_of[i] != UINT32_MAX) day_start[static_cast<size_t>((*ads)[i].day - first) + 1]++;
  }
  for (size_t d = 0; d < static_cast<size_t>(days); ++d) day_start[d + 1] += day_start[d];
  by_day.resize(day_start.back());
  {
    std::vector<uint32_t> fill(day_start.begin(), day_start.end() - 1);
    for (size_t i = 0; i < ads->size(); ++i) {
      if (region_of[i] != UINT32_MAX) by_day[fill[static_cast<size_t>((*ads)[i].day - first)]++] = static_cast<uint32_t>(i);
    }
  }
  absl::flat_hash_map<uint64_t, int64_t> last_seen;  // network << 32 | region -> last day seen
  for (uint32_t i : by_day) {
    const auto& r = (*ads)[i];
    const uint32_t g = region_of[i];
    members[g].push_back(r.ordinal);
    if (arrivals) {
      const uint64_t key = uint64_t{index.NetworkOf(r.ordinal)} << 32 | g;
      auto [ls, first_time] = last_seen.try_emplace(key, r.day);
      bool recent = !first_time && r.day - ls->second < opt.current_days;
      ls->second = r.day;
      if (recent) continue;
    }
    counts[g][static_cast<size_t>(r.day - first)]++;
  }
  struct Test {
    uint32_t region;
    int64_t day;  // last day of the current window (offset from first)
    uint64_t c, r;
    int ref_days;
    double p;
  };
  std::vector<Test> tests;
  const int cur = opt.current_days;
  // Exact tails are the cost of a scan (hundreds of thousands of region-days), and
  // small counts repeat, so each (current, total, reference days) is computed once.
  // A count at or below the expected one has p >= 0.5 (it is at most the
  // binomial's median); with alpha < 0.5 Benjamini-Hochberg can flag neither it
  // nor, through it, any other test, so its tail is not computed (reported as 1).
  absl::flat_hash_map<uint64_t, double> tail_memo;
  auto upper_tail = [&](uint64_t c, uint64_t n, int ref) {
    const double p0 = static_cast<double>(cur) / (cur + ref);
    if (opt.alpha < 0.5 && static_cast<double>(c) <= std::floor(static_cast<double>(n) * p0)) return 1.0;
    if (c >= (1u << 24) || n >= (1u << 24)) return BinomialUpperTail(c, n, p0);
    const uint64_t key = c | n << 24 | static_cast<uint64_t>(ref) << 48;
    auto [it, fresh] = tail_memo.try_emplace(key, 0.0);
    if (fresh) it->second = BinomialUpperTail(c, n, p0);
    return it->second;
  };
  for (uint32_t g = 0; g < regions.size(); ++g) {
    const auto& cnt = counts[g];
    std::vector<uint64_t> prefix(cnt.size() + 1, 0);
    for (size_t i = 0; i < cnt.size(); ++i) prefix[i + 1] = prefix[i] + cnt[i];
    for (int64_t d = cur - 1 + opt.min_reference_days; d < days; ++d) {
      int ref = static_cast<int>(std::min<int64_t>(opt.reference_days, d - cur + 1));
      uint64_t c = prefix[d + 1] - prefix[d + 1 - cur];
      uint64_t r = prefix[d + 1 - cur] - prefix[d + 1 - cur - ref];
      if (c + r == 0) continue;
      tests.push_back({g, d, c, r, ref, upper_tail(c, c + r, ref)});
    }
  }
  std::vector<double> ps(tests.size());
  for (size_t i = 0; i < tests.size(); ++i) ps[i] = tests[i].p;
  auto qs = BenjaminiHochberg(ps);
  out["tests"] = tests.size();
  out["regions_tested"] = regions.size();
  out["first_day"] = DayDate(first);
  out["last_day"] = DayDate(last);
  // Group consecutive significant days per region into spikes; report each spike's peak.
  json spikes = json::array();
  std::vector<json> found;
  for (size_t i = 0; i < tests.size();) {
    if (qs[i] >= opt.alpha) {
      ++i;
      continue;
    }
    size_t best = i, j = i;
    int64_t start = tests[i].day, end = tests[i].day;
    while (j < tests.size() && tests[j].region == tests[i].region && tests[j].day <= end + 1 &&
           (qs[j] < opt.alpha || j == i)) {
      end = tests[j].day;
      if (qs[j] < qs[best]) best = j;
      ++j;
    }
    const Test& t = tests[best];
    double ratio_scale = static_cast<double>(t.ref_days) / cur;
    auto ci = ClopperPearson(t.c, t.c + t.r);
    auto rr = [&](double p) -> json {
      if (p >= 1) return nullptr;  // infinite: no reference ads
      return p / (1 - p) * ratio_scale;
    };
    double expected = static_cast<double>(t.c + t.r) * cur / (cur + t.ref_days);
    // Networks driving the spike: most ads in this region within the peak window.
    std::map<std::string, uint64_t> nets;
    int64_t wlo = first + t.day - cur + 1, whi = first + t.day;
    for (uint64_t o : members[t.region]) {
      const auto& r = (*ads)[o];
      if (r.day < wlo || r.day > whi) continue;
      uint32_t n = index.NetworkOf(o);
      nets[n == UINT32_MAX ? std::string("(unlinked)") : link::NetworkId(n)]++;
    }
    std::vector<std::pair<uint64_t, std::string>> top;
    for (auto& [k, n] : nets) top.push_back({n, k});
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    json drivers = json::array();
    for (size_t k = 0; k < top.size() && k < opt.top_networks; ++k) {
      drivers.push_back({{"network", top[k].second}, {"ads", top[k].first},
                         {"share", static_cast<double>(top[k].first) / static_cast<double>(t.c)}});
    }
    found.push_back({{"region", regions[t.region]},
                     {"start", DayDate(first + start - cur + 1)},
                     {"end", DayDate(first + end)},
                     {"peak_window", {DayDate(wlo), DayDate(whi)}},
                     {"current", t.c},
                     {"reference", t.r},
                     {"reference_days_used", t.ref_days},
                     {"expected", expected},
                     {"p", t.p},
                     {"q", qs[best]},
                     {"rate_ratio", t.r ? json(static_cast<double>(t.c) / t.r * ratio_scale) : json(nullptr)},
                     {"rate_ratio_ci95", {rr(ci.lo), rr(ci.hi)}},
                     {"networks", drivers}});
    i = j;
  }
  std::sort(found.begin(), found.end(), [](const json& a, const json& b) {
    const double qa = a["q"].get<double>(), qb = b["q"].get<double>();
    if (qa != qb) return qa < qb;
    return std::tie(a["region"], a["start"]) < std::tie(b["region"], b["start"]);
  });
  for (auto& f : found) spikes.push_back(std::move(f));
  out["spikes"] = spikes;
  out["caveats"] = json::array(
      {"A spike is more ads than this region's own recent rate predicts; it is not evidence of trafficking, and event "
       "spikes are often re-posting or advertisers relocating (domain.md: the event-spike story is largely a myth).",
       "Overlapping windows make the tests positively dependent; BH remains valid under that (PRDS) dependence."});
  return out;
}

core::Result<json> Terms(const search::Index& index, const std::string& a, const std::string& b, const TermsOptions& opt) {
  auto sa = Slice(index, a, "a");
  if (!sa.ok()) return sa.status();
  auto sb = Slice(index, b, "b");
  if (!sb.ok()) return sb.status();
  if (sa->empty() || sb->empty()) {
    return Status::Error(StatusCode::kInvalidInput,
                         fmt::format("slice {} matches no ads; widen its filters", sa->empty() ? "--a" : "--b"));
  }
  std::unordered_map<std::string, std::pair<double, double>> counts;
  double na = 0, nb = 0;
  std::vector<std::string> toks;
  auto count = [&](const std::vector<uint64_t>& ords, bool is_a) {
    return index.ForEachText(ords, [&](uint64_t, const std::string& title, const std::string& body) {
      toks.clear();
      Tokenize(title, toks);
      Tokenize(body, toks);
      for (const auto& t : toks) {
        auto& c = counts[t];
        (is_a ? c.first : c.second) += 1;
      }
      (is_a ? na : nb) += static_cast<double>(toks.size());
    });
  };
  if (auto s = count(*sa, true); !s.ok()) return s;
  if (auto s = count(*sb, false); !s.ok()) return s;
  struct Row {
    std::string term;
    double ya, yb;
    LogOdds lo;
  };
  std::vector<Row> rows;
  double n_all = na + nb;
  for (const auto& [t, c] : counts) {
    if (c.first + c.second < static_cast<double>(opt.min_count)) continue;
    double alpha_w = opt.prior_size * (c.first + c.second) / n_all;
    rows.push_back({t, c.first, c.second, LogOddsDirichlet(c.first, na, c.second, nb, alpha_w, opt.prior_size)});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.lo.z != y.lo.z ? x.lo.z > y.lo.z : x.term < y.term; });
  auto row_json = [](const Row& r) {
    return json{{"term", r.term}, {"z", r.lo.z}, {"log_odds", r.lo.delta}, {"count_a", r.ya}, {"count_b", r.yb}};
  };
  json ta = json::array(), tb = json::array();
  for (size_t i = 0; i < rows.size() && i < opt.top && rows[i].lo.z > 0; ++i) ta.push_back(row_json(rows[i]));
  for (size_t i = 0; i < rows.size() && i < opt.top && rows[rows.size() - 1 - i].lo.z < 0; ++i) {
    tb.push_back(row_json(rows[rows.size() - 1 - i]));
  }
  return json{{"a", a}, {"b", b}, {"ads_a", sa->size()}, {"ads_b", sb->size()}, {"tokens_a", na}, {"tokens_b", nb},
              {"prior", fmt::format("informative Dirichlet, alpha0={} spread over the pooled a+b word shares", opt.prior_size)},
              {"method", "log-odds ratio with informative Dirichlet prior (Monroe, Colaresi & Quinn 2008); |z| > 1.96 ~ 5%"},
              {"terms_a", ta}, {"terms_b", tb}};
}

core::Result<json> Ages(const search::Index& index, const std::string& a, const std::string& b) {
  auto sa = Slice(index, a, "a");
  if (!sa.ok()) return sa.status();
  auto sb = Slice(index, b, "b");
  if (!sb.ok()) return sb.status();
  std::unordered_map<uint64_t, double> age;  // first stated age per ad
  auto s = index.ForEachFact("age", [&](uint64_t o, const std::string&, double v, const std::string&) { age.emplace(o, v); });
  if (!s.ok()) return s;
  auto collect = [&](const std::vector<uint64_t>& ords) {
    std::vector<double> v;
    for (uint64_t o : ords) {
      if (auto it = age.find(o); it != age.end()) v.push_back(it->second);
    }
    return v;
  };
  auto va = collect(*sa), vb = collect(*sb);
  auto describe = [](std::vector<double> v, uint64_t ads) {
    json j = {{"ads", ads}, {"with_age", v.size()}};
    if (v.empty()) return j;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    const std::pair<const char*, std::pair<double, double>> bands[] = {
        {"under_18", {0, 17}}, {"18-20", {18, 20}}, {"21-24", {21, 24}}, {"25-29", {25, 29}}, {"30-39", {30, 39}}, {"40+", {40, 1e9}}};
    json hist = json::object();
    for (const auto& [name, range] : bands) {
      hist[name] = std::count_if(v.begin(), v.end(), [&](double x) { return x >= range.first && x <= range.second; });
    }
    size_t m = v.size();
    j["median"] = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    j["mean"] = sum / static_cast<double>(m);
    j["share_under_21"] = static_cast<double>(std::count_if(v.begin(), v.end(), [](double x) { return x < 21; })) / static_cast<double>(m);
    j["histogram"] = hist;
    return j;
  };
  auto mw = MannWhitneyU(va, vb);
  auto ks = KsTest(va, vb);
  json out = {{"a", a}, {"b", b}, {"slice_a", describe(va, sa->size())}, {"slice_b", describe(vb, sb->size())}};
  if (va.empty() || vb.empty()) {
    out["test"] = nullptr;
    out["note"] = "a slice has no stated ages; no test";
    return out;
  }
  out["test"] = {{"mann_whitney", {{"u", mw.u}, {"z", mw.z}, {"p", mw.p}, {"p_a_greater", mw.effect}}},
                 {"kolmogorov_smirnov", {{"d", ks.d}, {"p", ks.p}}}};
  out["caveats"] = json::array({"Ages are self-reported in advertising and often false in both directions; a shift is a "
                                "lead for review, not a measurement of who is advertised."});
  return out;
}

core::Result<json> Movement(const search::Index& index, const MovementOptions& opt) {
  if (!index.linked()) {
    return Status::Error(StatusCode::kNotFound, fmt::format("{}: movement needs networks; run `lodestar link --db {}` first",
                                                            index.db_dir(), index.db_dir()));
  }
  if (opt.min_cities < 2 || opt.window_days < 1) {
    return Status::Error(StatusCode::kInvalidInput, "--min-cities must be >= 2 and --window >= 1 day");
  }
  auto ads = index.Ads();
  if (!ads.ok()) return ads.status();
  std::unordered_map<uint32_t, std::vector<const search::AdRow*>> by_net;
  for (const auto& r : *ads) {
    uint32_t n = index.NetworkOf(r.ordinal);
    if (n != UINT32_MAX && r.posted && !r.city.empty()) by_net[n].push_back(&r);
  }
  std::map<std::pair<std::string, std::string>, std::pair<uint64_t, std::set<uint32_t>>> flows;
  json moving = json::array();
  std::vector<std::pair<size_t, json>> found;
  for (auto& [net, list] : by_net) {
    if (list.size() < 2) continue;
    std::stable_sort(list.begin(), list.end(), [](const auto* x, const auto* y) { return x->posted < y->posted; });
    // Sliding window: the most distinct cities (and states) seen within window_days.
    std::unordered_map<std::string, int> city_n, state_n;
    size_t lo = 0, best = 0, best_states = 0, best_lo = 0, best_hi = 0;
    for (size_t hi = 0; hi < list.size(); ++hi) {
      city_n[Region(*list[hi], "city")]++;
      if (!list[hi]->state.empty()) state_n[list[hi]->state]++;
      while (list[hi]->day - list[lo]->day >= opt.window_days) {
        if (--city_n[Region(*list[lo], "city")] == 0) city_n.erase(Region(*list[lo], "city"));
        if (!list[lo]->state.empty() && --state_n[list[lo]->state] == 0) state_n.erase(list[lo]->state);
        ++lo;
      }
      if (city_n.size() > best) best = city_n.size(), best_lo = lo, best_hi = hi;
      best_states = std::max(best_states, state_n.size());
    }
    // Flows: consecutive ads (by time) whose state differs.
    std::vector<json> path;
    for (size_t i = 1; i < list.size(); ++i) {
      const auto& from = list[i - 1]->state;
      const auto& to = list[i]->state;
      if (from.empty() || to.empty() || from == to) continue;
      auto& f = flows[{from, to}];
      f.first++;
      f.second.insert(net);
    }
    if (best < opt.min_cities) continue;
    std::vector<std::string> cities;
    for (size_t i = best_lo; i <= best_hi; ++i) {
      std::string c = Region(*list[i], "city");
      if (std::find(cities.begin(), cities.end(), c) == cities.end()) cities.push_back(c);
    }
    found.push_back({best, {{"network", link::NetworkId(net)},
                            {"ads", list.size()},
                            {"max_cities_in_window", best},
                            {"max_states_in_window", best_states},
                            {"window", {core::FormatDate(list[best_lo]->posted), core::FormatDate(list[best_hi]->posted)}},
                            {"cities_in_order", cities}}});
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second["network"] < y.second["network"];
  });
  for (auto& f : found) moving.push_back(std::move(f.second));
  std::vector<std::pair<uint64_t, json>> fl;
  for (const auto& [k, v] : flows) {
    fl.push_back({v.first, {{"from", k.first}, {"to", k.second}, {"moves", v.first}, {"networks", v.second.size()}}});
  }
  std::sort(fl.begin(), fl.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second.dump() < y.second.dump();
  });
  json flows_json = json::array();
  for (size_t i = 0; i < fl.size() && i < opt.top_flows; ++i) flows_json.push_back(fl[i].second);
  return json{{"min_cities", opt.min_cities}, {"window_days", opt.window_days}, {"networks", moving},
              {"flows", flows_json},
              {"caveats", json::array({"Movement is inferred from the locations ads state; advertisers post in many "
                                       "cities without travelling, and travel is common in legal work."})}};
}

}  // namespace lodestar::analytics
