#include "link/eval.h"

#include <fstream>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "link/ad_features.h"
#include "link/linker.h"

namespace lodestar::link {
using core::Result;
using core::Status;
using core::StatusCode;

namespace {
double Pairs(uint64_t n) { return n < 2 ? 0.0 : 0.5 * double(n) * double(n - 1); }
}  // namespace

PairScores ScorePartition(const std::vector<uint64_t>& pred, const std::vector<uint64_t>& truth) {
  std::unordered_map<uint64_t, uint64_t> a, b;
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> ab;
  for (size_t i = 0; i < pred.size(); ++i) {
    ++a[pred[i]];
    ++b[truth[i]];
    ++ab[{pred[i], truth[i]}];
  }
  double sa = 0, sb = 0, sab = 0;
  for (auto& [k, v] : a) sa += Pairs(v);
  for (auto& [k, v] : b) sb += Pairs(v);
  for (auto& [k, v] : ab) sab += Pairs(v);
  PairScores s;
  s.predicted_pairs = static_cast<uint64_t>(sa);
  s.true_pairs = static_cast<uint64_t>(sb);
  s.correct_pairs = static_cast<uint64_t>(sab);
  s.precision = sa > 0 ? sab / sa : 1;
  s.recall = sb > 0 ? sab / sb : 1;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  double expected = Pairs(pred.size()) > 0 ? sa * sb / Pairs(pred.size()) : 0;
  double max_index = 0.5 * (sa + sb);
  s.ari = max_index - expected != 0 ? (sab - expected) / (max_index - expected) : 1;
  return s;
}

Result<nlohmann::json> EvaluateLinking(const std::string& db_dir, const std::string& truth_path) {
  const std::string dir = LinkDir(db_dir);
  auto loaded = FeatureFile(dir).Load();
  if (!loaded.ok()) return loaded.status();
  const auto& f = *loaded;
  if (f.empty()) return Status::Error(StatusCode::kNotFound, fmt::format("{}: run `lodestar link` first", db_dir));
  auto read_u32 = [&](const std::string& name) {
    std::vector<uint32_t> v(f.size());
    std::ifstream in(dir + "/" + name, std::ios::binary);
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
    return v;
  };
  auto clusters = read_u32("clusters.u32");
  auto networks = read_u32("networks.u32");
  std::unordered_map<std::string, uint32_t> ordinal;
  for (uint32_t i = 0; i < f.size(); ++i) ordinal.emplace(f[i].id, i);
  std::ifstream in(truth_path);
  if (!in) return Status::Error(StatusCode::kNotFound, fmt::format("{}: cannot open the truth file", truth_path));
  std::vector<uint64_t> pt, tt, pn, tn;
  std::unordered_map<std::string, uint64_t> labels;
  auto label = [&](const std::string& s) { return labels.emplace(s, labels.size() + (1ull << 40)).first->second; };
  std::string line;
  uint64_t matched = 0, lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.contains("id")) continue;
    auto it = ordinal.find(j["id"].get<std::string>());
    if (it == ordinal.end()) continue;
    ++matched;
    uint32_t o = it->second;
    pt.push_back(clusters[o]);
    // "free" marks free-written ads that follow no template: each is its own group.
    bool templated = j.contains("template") && j["template"].is_string() && j["template"] != "free";
    tt.push_back(templated ? label("t:" + j["template"].get<std::string>()) : label("solo:" + std::to_string(o)));
    pn.push_back(networks[o]);
    tn.push_back(j.contains("network") && j["network"].is_string() ? label("n:" + j["network"].get<std::string>())
                                                                   : label("solo:" + std::to_string(o)));
  }
  auto to_json = [](const PairScores& s) {
    return nlohmann::json{{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"ari", s.ari},
                          {"true_pairs", s.true_pairs}, {"predicted_pairs", s.predicted_pairs},
                          {"correct_pairs", s.correct_pairs}};
  };
  return nlohmann::json{{"ads_scored", matched},
                        {"truth_lines", lines},
                        {"templates", to_json(ScorePartition(pt, tt))},
                        {"networks", to_json(ScorePartition(pn, tn))}};
}

}  // namespace lodestar::link
