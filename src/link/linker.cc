#include "link/linker.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>

#include "core/progress.h"
#include "core/time.h"
#include "core/url.h"
#include "extract/extractor.h"
#include "extract/facts_codec.h"
#include "link/ad_features.h"
#include "link/minhash.h"
#include "link/network_profile.h"
#include "link/template_clusters.h"
#include "link/union_find.h"
#include "store/store.h"

namespace lodestar::link {
using core::Result;
using core::Status;
using core::StatusCode;
using nlohmann::json;

std::string LinkDir(const std::string& db_dir) { return db_dir + "/derived/link"; }

namespace {

AdFeatures FeaturesOf(const store::StoredAd& s, const extract::Facts& facts) {
  AdFeatures f;
  const auto& ad = s.ad;
  f.id = ad.display_id();
  std::vector<uint64_t> shingles;
  ShingleHashes(ad.title + "\n" + ad.body, shingles);
  f.signature = MinHash(shingles);
  f.posted = ad.posted;
  f.site = core::UrlHost(ad.url);
  if (f.site.empty()) f.site = ad.source;
  for (const auto& loc : facts.locations) {
    if (loc.lat == 0 && loc.lon == 0) continue;
    f.city = loc.name;
    f.admin1 = loc.admin1;
    f.country = loc.country;
    f.lat = loc.lat;
    f.lon = loc.lon;
    break;
  }
  if (f.city.empty()) {
    f.city = ad.location.substr(0, ad.location.find(','));
    while (!f.city.empty() && f.city.back() == ' ') f.city.pop_back();
  }
  for (const auto& a : facts.ages) f.ages.push_back(a.value);
  for (const auto& p : facts.prices)
    if (p.per_hour > 0) f.prices_per_hour.push_back(p.per_hour);
  for (const auto& p : facts.phones) f.identifiers.push_back("phone:" + p.e164);
  for (const auto& e : facts.emails) f.identifiers.push_back("email:" + e.value);
  for (const auto& h : facts.handles) f.identifiers.push_back("handle:" + h.platform + ":" + h.handle);
  for (const auto& p : facts.payments) f.identifiers.push_back("payment:" + p.kind + ":" + p.value);
  std::sort(f.identifiers.begin(), f.identifiers.end());
  f.identifiers.erase(std::unique(f.identifiers.begin(), f.identifiers.end()), f.identifiers.end());
  return f;
}

// Computes features for ads beyond those already in the feature file.
Result<uint64_t> UpdateFeatures(const LinkOptions& opt, std::vector<AdFeatures>& features) {
  auto db = store::Store::Open(opt.db_dir, store::Store::Mode::kRead);
  if (!db.ok()) return db.status();
  const uint64_t have = features.size();
  const uint64_t total = (*db)->ad_count();
  if (total < have)
    return Status::Error(StatusCode::kCorrupt,
                         fmt::format("{}: link features cover {} ads but the store holds {}; delete {} and relink",
                                     opt.db_dir, have, total, LinkDir(opt.db_dir)));
  if (total == have) return uint64_t{0};
  std::shared_ptr<const extract::ExtractorResources> resources;
  tbb::enumerable_thread_specific<std::unique_ptr<extract::FactExtractor>> extractors;
  core::ProgressReporter progress("link: features", total - have, "ads", opt.progress);
  std::vector<store::StoredAd> batch;
  std::vector<AdFeatures> fresh;
  Status failure;
  auto flush = [&]() {
    size_t base = fresh.size();
    fresh.resize(base + batch.size());
    bool need_extract = std::any_of(batch.begin(), batch.end(), [](const auto& s) { return s.facts.empty(); });
    if (need_extract && !resources) {
      auto loaded = extract::LoadResources();
      if (!loaded.ok()) {
        failure = loaded.status();
        return;
      }
      resources = *loaded;
    }
    tbb::parallel_for(size_t{0}, batch.size(), [&](size_t i) {
      extract::Facts facts;
      const auto& s = batch[i];
      auto parsed = extract::DecodeStoredFacts(s.facts);
      if (s.facts.empty() || !parsed.ok()) {
        auto& ex = extractors.local();
        if (!ex) ex = std::make_unique<extract::FactExtractor>(resources);
        ex->Extract(s.ad, facts);
      } else {
        facts = std::move(parsed).value();
      }
      fresh[base + i] = FeaturesOf(s, facts);
    });
    progress.Add(batch.size());
    batch.clear();
  };
  auto st = (*db)->ForEachAd([&](const store::StoredAd& s) {
    if (s.ordinal < have) return true;
    batch.push_back(s);
    if (batch.size() == 4096) flush();
    return failure.ok();
  });
  if (!st.ok()) return st;
  if (failure.ok() && !batch.empty()) flush();
  if (!failure.ok()) return failure;
  progress.Finish();
  if (auto s = FeatureFile(LinkDir(opt.db_dir)).Append(fresh, have); !s.ok()) return s;
  for (auto& f : fresh) features.push_back(std::move(f));
  return static_cast<uint64_t>(total - have);
}

Status WriteAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot write; check disk space", tmp));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    return Status::Error(StatusCode::kIoError, fmt::format("{}: rename failed", path));
  return Status::Ok();
}

std::vector<uint32_t> ReadU32File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint32_t> v;
  if (!in) return v;
  in.seekg(0, std::ios::end);
  v.resize(static_cast<size_t>(in.tellg()) / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
  return v;
}

std::string U32Bytes(const std::vector<uint32_t>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4);
}

}  // namespace

std::string ClusterId(uint32_t ordinal) { return fmt::format("T{:07d}", ordinal); }
std::string NetworkId(uint32_t ordinal) { return fmt::format("N{:07d}", ordinal); }

Result<LinkSummary> RunLink(const LinkOptions& opt) {
  auto t0 = std::chrono::steady_clock::now();
  auto in_unit = [](double x) { return x > 0 && x <= 1; };
  if (!in_unit(opt.jaccard_threshold) || !in_unit(opt.centre_jaccard))
    return Status::Error(StatusCode::kInvalidInput,
                         fmt::format("link: Jaccard thresholds must be in (0, 1] (got --jaccard {} and centre {}); "
                                     "the defaults are 0.5 and 0.35",
                                     opt.jaccard_threshold, opt.centre_jaccard));
  LinkSummary sum;
  const std::string dir = LinkDir(opt.db_dir);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto loaded = FeatureFile(dir).Load();
  if (!loaded.ok()) return loaded.status();
  std::vector<AdFeatures> f = std::move(loaded).value();
  auto added = UpdateFeatures(opt, f);
  if (!added.ok()) return added.status();
  sum.new_ads = *added;
  sum.ads = f.size();
  const uint32_t n = static_cast<uint32_t>(f.size());

  // 1. Template clusters: verified LSH pairs, then stars around centres
  //    within their connected components (single link alone chains free text).
  auto grouped = ClusterTemplates(f, TemplateEdges(f, opt.jaccard_threshold), opt.centre_jaccard);
  const std::vector<TemplateEdge>& edges = grouped.edges;
  const std::vector<uint32_t>& cluster_of = grouped.cluster_of;
  sum.template_edges = edges.size();

  // 2. Identifiers and hubs.
  std::unordered_map<std::string, std::vector<uint32_t>> ads_of;
  for (uint32_t i = 0; i < n; ++i)
    for (const auto& id : f[i].identifiers) ads_of[id].push_back(i);
  json hubs = json::array();
  std::unordered_set<std::string> hub_set;
  for (const auto& [ident, ads] : ads_of) {
    if (ads.size() < opt.hub_min_ads) continue;
    std::unordered_set<uint32_t> clusters;
    std::unordered_set<std::string> city_names, phones;
    for (uint32_t a : ads) {
      clusters.insert(cluster_of[a]);
      city_names.insert(f[a].city);
      for (const auto& other : f[a].identifiers)
        if (other != ident && other.rfind("phone:", 0) == 0) phones.insert(other);
    }
    // One poster writes few different ads and uses few phones. An identifier on
    // many ads from many templates, or beside many different phones, is shared
    // by unrelated posters (an agency line, a placeholder, a misread word).
    bool many_templates =
        clusters.size() >= opt.hub_min_templates && clusters.size() >= opt.hub_template_ratio * ads.size();
    bool many_phones = phones.size() >= opt.hub_min_phones && phones.size() >= opt.hub_template_ratio * ads.size();
    if (!many_templates && !many_phones) continue;
    hub_set.insert(ident);
    std::string why = many_templates
                          ? fmt::format("{} different templates", clusters.size())
                          : fmt::format("{} different phone numbers", phones.size());
    hubs.push_back({{"identifier", ident},
                    {"ads", ads.size()},
                    {"template_clusters", clusters.size()},
                    {"other_phones", phones.size()},
                    {"cities", city_names.size()},
                    {"reason", fmt::format("used by {} ads in {} cities with {}; one poster does not write that "
                                           "many different ads or use that many numbers, so this looks like an "
                                           "agency line, a placeholder, a public number or a misread word "
                                           "(thresholds: >= {} ads and >= {} templates or >= {} phones, each >= {:.0f}% "
                                           "of the ads)",
                                           ads.size(), city_names.size(), why, opt.hub_min_ads, opt.hub_min_templates,
                                           opt.hub_min_phones, opt.hub_template_ratio * 100)}});
  }
  // Second pass: identifiers other than phones that join many phone groups. Groups
  // are ads joined by shared non-hub phones; at scale the template and per-ad
  // ratios above stop separating a misread common word from a real poster.
  {
    UnionFind phone_groups(n);
    for (const auto& [ident, ads] : ads_of) {
      if (ident.rfind("phone:", 0) != 0 || hub_set.count(ident)) continue;
      for (size_t k = 1; k < ads.size(); ++k) phone_groups.Union(ads[0], ads[k]);
    }
    std::vector<bool> has_phone(n, false);
    for (uint32_t i = 0; i < n; ++i) {
      for (const auto& id : f[i].identifiers) {
        if (id.rfind("phone:", 0) == 0 && !hub_set.count(id)) has_phone[i] = true;
      }
    }
    for (const auto& [ident, ads] : ads_of) {
      // No hub_min_ads here: a name read as a handle on 15 ads of 15 posters welds them all.
      if (ads.size() < opt.hub_min_phone_groups || ident.rfind("phone:", 0) == 0 || hub_set.count(ident)) continue;
      std::unordered_set<uint32_t> groups;
      for (uint32_t a : ads) {
        if (has_phone[a]) groups.insert(phone_groups.Smallest(a));
      }
      if (groups.size() < opt.hub_min_phone_groups) continue;
      hub_set.insert(ident);
      hubs.push_back({{"identifier", ident},
                      {"ads", ads.size()},
                      {"phone_groups", groups.size()},
                      {"reason", fmt::format("used by {} ads that fall into {} groups sharing no phone number; one "
                                             "poster rotates through a few numbers, so this looks like a common word "
                                             "or name read as an identifier, or a shared service (threshold: >= {} "
                                             "phone groups)",
                                             ads.size(), groups.size(), opt.hub_min_phone_groups)}});
    }
  }
  std::sort(hubs.begin(), hubs.end(), [](const json& a, const json& b) { return a["ads"] > b["ads"]; });
  sum.hubs = hub_set.size();

  // 3. Networks.
  UnionFind networks(n);
  for (const auto& [ident, ads] : ads_of) {
    if (hub_set.count(ident)) continue;
    for (size_t k = 1; k < ads.size(); ++k) networks.Union(ads[0], ads[k]);
  }
  if (opt.join_templates)
    for (const auto& e : edges) networks.Union(e.a, e.b);
  std::vector<uint32_t> network_of(n);
  for (uint32_t i = 0; i < n; ++i) network_of[i] = networks.Smallest(i);

  // 4. Merges and splits since the previous run (old ads only).
  auto old_networks = ReadU32File(dir + "/networks.u32");
  json events = json::array();
  {
    std::map<uint32_t, std::set<uint32_t>> old_in_new, new_of_old;
    std::map<uint32_t, uint32_t> old_size;
    for (uint32_t i = 0; i < old_networks.size() && i < n; ++i) ++old_size[old_networks[i]];
    for (uint32_t i = 0; i < old_networks.size() && i < n; ++i) {
      if (old_size[old_networks[i]] < 2) continue;
      old_in_new[network_of[i]].insert(old_networks[i]);
      new_of_old[old_networks[i]].insert(network_of[i]);
    }
    std::string now = core::FormatDateTime(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    for (const auto& [nw, olds] : old_in_new) {
      if (olds.size() < 2) continue;
      // Evidence: an identifier whose ads sit in two of the old networks.
      std::string evidence;
      for (const auto& [ident, ads] : ads_of) {
        if (hub_set.count(ident) || network_of[ads[0]] != nw) continue;
        std::set<uint32_t> seen;
        for (uint32_t a : ads)
          if (a < old_networks.size() && olds.count(old_networks[a])) seen.insert(old_networks[a]);
        if (seen.size() >= 2) {
          evidence = ident;
          break;
        }
      }
      json from = json::array();
      for (uint32_t o : olds) from.push_back(NetworkId(o));
      events.push_back({{"event", "merge"}, {"at", now}, {"into", NetworkId(nw)}, {"from", from},
                        {"evidence", evidence.empty() ? "template cluster" : "shared identifier " + evidence}});
      ++sum.merges;
    }
    for (const auto& [old, news] : new_of_old) {
      if (news.size() < 2) continue;
      json into = json::array();
      for (uint32_t x : news) into.push_back(NetworkId(x));
      events.push_back({{"event", "split"}, {"at", now}, {"from", NetworkId(old)}, {"into", into},
                        {"evidence", "identifiers that joined them are now treated as hubs (see hubs.jsonl)"}});
      ++sum.splits;
    }
  }

  // 5. Outputs.
  std::unordered_map<uint32_t, std::vector<uint32_t>> members_of_cluster, members_of_network;
  for (uint32_t i = 0; i < n; ++i) {
    members_of_cluster[cluster_of[i]].push_back(i);
    members_of_network[network_of[i]].push_back(i);
  }
  std::string hubs_text, events_text;
  for (const auto& h : hubs) hubs_text += h.dump() + "\n";
  if (auto s = WriteAtomically(dir + "/hubs.jsonl", hubs_text); !s.ok()) return s;

  std::vector<uint32_t> network_ids;
  for (const auto& [rep, members] : members_of_network)
    if (members.size() >= 2) network_ids.push_back(rep);
  std::sort(network_ids.begin(), network_ids.end());
  std::string networks_text;
  for (uint32_t rep : network_ids) {
    const auto& members = members_of_network[rep];
    json p = BuildNetworkProfile(NetworkId(rep), members, f, cluster_of, hub_set);
    networks_text += p.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    ++sum.networks;
    sum.networked_ads += members.size();
    sum.largest_network = std::max<uint64_t>(sum.largest_network, members.size());
  }
  if (auto s = WriteAtomically(dir + "/networks.jsonl", networks_text); !s.ok()) return s;

  // Template summaries need the member texts: one more pass over the store for a sample.
  std::vector<uint32_t> cluster_ids;
  for (const auto& [rep, members] : members_of_cluster)
    if (members.size() >= 2) cluster_ids.push_back(rep);
  std::sort(cluster_ids.begin(), cluster_ids.end());
  std::unordered_map<uint32_t, std::string> texts;
  {
    std::unordered_set<uint32_t> wanted;
    for (uint32_t rep : cluster_ids) {
      const auto& m = members_of_cluster[rep];
      for (size_t k = 0; k < m.size() && k < kTemplateSample; ++k) wanted.insert(m[k]);
    }
    auto db = store::Store::Open(opt.db_dir, store::Store::Mode::kRead);
    if (!db.ok()) return db.status();
    auto st = (*db)->ForEachAd([&](const store::StoredAd& s) {
      if (wanted.count(static_cast<uint32_t>(s.ordinal))) texts[static_cast<uint32_t>(s.ordinal)] = s.ad.title + "\n" + s.ad.body;
      return true;
    });
    if (!st.ok()) return st;
  }
  std::string clusters_text;
  for (uint32_t rep : cluster_ids) {
    const auto& members = members_of_cluster[rep];
    json c = BuildTemplateSummary(ClusterId(rep), members, f, texts, network_of);
    clusters_text += c.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    ++sum.clusters;
    sum.clustered_ads += members.size();
  }
  if (auto s = WriteAtomically(dir + "/clusters.jsonl", clusters_text); !s.ok()) return s;

  std::string edge_bytes;
  for (const auto& e : edges) {
    edge_bytes.append(reinterpret_cast<const char*>(&e.a), 4);
    edge_bytes.append(reinterpret_cast<const char*>(&e.b), 4);
    edge_bytes.append(reinterpret_cast<const char*>(&e.jaccard), 4);
  }
  if (auto s = WriteAtomically(dir + "/template_edges.bin", edge_bytes); !s.ok()) return s;
  if (auto s = WriteAtomically(dir + "/clusters.u32", U32Bytes(cluster_of)); !s.ok()) return s;
  if (auto s = WriteAtomically(dir + "/networks.u32", U32Bytes(network_of)); !s.ok()) return s;
  if (!events.empty()) {
    std::ofstream out(dir + "/events.jsonl", std::ios::app);
    for (const auto& e : events) out << e.dump() << "\n";
  }
  json state = {{"ads", n},
                {"jaccard_threshold", opt.jaccard_threshold},
                {"centre_jaccard", opt.centre_jaccard},
                {"hub_min_ads", opt.hub_min_ads},
                {"hub_min_templates", opt.hub_min_templates},
                {"hub_template_ratio", opt.hub_template_ratio},
                {"hub_min_phones", opt.hub_min_phones},
                {"hub_min_phone_groups", opt.hub_min_phone_groups},
                {"join_templates", opt.join_templates},
                {"minhash", {{"hashes", kHashes}, {"bands", kBands}, {"rows", kRowsPerBand}, {"shingle_words", kShingleWords}}}};
  if (auto s = WriteAtomically(dir + "/state.json", state.dump(2) + "\n"); !s.ok()) return s;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace lodestar::link
