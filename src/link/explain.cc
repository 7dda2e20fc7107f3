#include "link/explain.h"

#include <deque>
#include <fstream>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "link/ad_features.h"
#include "link/linker.h"

namespace lodestar::link {
using core::Result;
using core::Status;
using core::StatusCode;

Result<std::vector<EvidenceStep>> ExplainLink(const std::string& db_dir, const std::string& from,
                                               const std::string& to) {
  const std::string dir = LinkDir(db_dir);
  auto loaded = FeatureFile(dir).Load();
  if (!loaded.ok()) return loaded.status();
  const auto& f = *loaded;
  if (f.empty())
    return Status::Error(StatusCode::kNotFound,
                         fmt::format("{}: not linked yet; run `lodestar link --db {}` first", db_dir, db_dir));
  std::unordered_map<std::string, uint32_t> ordinal;
  for (uint32_t i = 0; i < f.size(); ++i) ordinal.emplace(f[i].id, i);
  for (const auto& id : {from, to})
    if (!ordinal.count(id))
      return Status::Error(StatusCode::kNotFound,
                           fmt::format("no ad with id '{}' among the {} linked ads (run `lodestar link` after ingest)",
                                       id, f.size()));
  std::unordered_set<std::string> hubs;
  {
    std::ifstream in(dir + "/hubs.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) hubs.insert(j.value("identifier", ""));
    }
  }
  std::unordered_map<std::string, std::vector<uint32_t>> ads_of;
  for (uint32_t i = 0; i < f.size(); ++i)
    for (const auto& id : f[i].identifiers)
      if (!hubs.count(id)) ads_of[id].push_back(i);
  std::vector<std::vector<std::pair<uint32_t, float>>> template_adj(f.size());
  std::vector<uint32_t> cluster_of(f.size());
  {
    std::ifstream in(dir + "/template_edges.bin", std::ios::binary);
    uint32_t ab[2];
    float j;
    while (in.read(reinterpret_cast<char*>(ab), 8) && in.read(reinterpret_cast<char*>(&j), 4)) {
      if (ab[0] >= f.size() || ab[1] >= f.size()) continue;
      template_adj[ab[0]].push_back({ab[1], j});
      template_adj[ab[1]].push_back({ab[0], j});
    }
    std::ifstream cin(dir + "/clusters.u32", std::ios::binary);
    cin.read(reinterpret_cast<char*>(cluster_of.data()), static_cast<std::streamsize>(cluster_of.size() * 4));
  }
  const uint32_t src = ordinal[from], dst = ordinal[to];
  std::vector<int64_t> parent(f.size(), -1);
  std::vector<std::string> via(f.size());
  std::deque<uint32_t> queue{src};
  parent[src] = src;
  std::unordered_set<std::string> used_idents;
  while (!queue.empty() && parent[dst] < 0) {
    uint32_t a = queue.front();
    queue.pop_front();
    for (const auto& id : f[a].identifiers) {
      if (hubs.count(id) || !used_idents.insert(id).second) continue;  // each identifier expands once
      for (uint32_t b : ads_of[id])
        if (parent[b] < 0) {
          parent[b] = a;
          via[b] = id;
          queue.push_back(b);
        }
    }
    for (auto [b, j] : template_adj[a])
      if (parent[b] < 0) {
        parent[b] = a;
        via[b] = fmt::format("template {} (Jaccard {:.2f})", ClusterId(cluster_of[a]), j);
        queue.push_back(b);
      }
  }
  std::vector<EvidenceStep> path;
  if (parent[dst] < 0) return path;
  for (uint32_t x = dst;; x = static_cast<uint32_t>(parent[x])) {
    path.push_back({f[x].id, x == src ? "" : via[x]});
    if (x == src) break;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace lodestar::link
