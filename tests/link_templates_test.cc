// Template clusters on generated texts with known truth: copies of one template
// stay one cluster; free-written ads that chain (each resembles its neighbours,
// the two ends share nothing) are split into stars around centres.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "link/minhash.h"
#include "link/template_clusters.h"
#include "link/union_find.h"

namespace lodestar {
namespace {

// Distinct letter-only words (digits would be masked to '#').
std::string Word(int k) {
  std::string w = "w";
  do {
    w += static_cast<char>('a' + k % 26);
    k /= 26;
  } while (k > 0);
  return w + "z";
}
std::string Sentence(int s) {
  std::string out;
  for (int i = 0; i < 8; ++i) out += Word(s * 8 + i) + (i == 7 ? ". " : " ");
  return out;
}

constexpr int kCycle = 40;       // sentences in the free-text pool
constexpr int kFreeLength = 14;  // consecutive pool sentences per free ad
constexpr int kCopies = 60;

struct Corpus {
  std::vector<link::AdFeatures> ads;
  std::vector<int> offset;  // free ad: first pool sentence; template copy: -1
};

// kCopies copies of one template (fixed text, three of four optional
// sentences, a name and a city slot) and two free ads per pool offset, each a
// run of kFreeLength sentences around a cycle, shuffled into one ordinal order.
Corpus MakeCorpus() {
  std::mt19937 rng(7);
  std::vector<std::pair<std::string, int>> texts;
  for (int c = 0; c < kCopies; ++c) {
    std::string t = "hello gentlemen my name is " + Word(20000 + static_cast<int>(rng() % 500)) + " " + Sentence(1000) +
                    Sentence(1001) + "visiting " + Word(30000 + static_cast<int>(rng() % 80)) + " this week " +
                    Sentence(1002) + Sentence(1003);
    int skip = static_cast<int>(rng() % 4);
    for (int o = 0; o < 4; ++o)
      if (o != skip) t += Sentence(1100 + o);
    texts.emplace_back(t, -1);
  }
  for (int o = 0; o < kCycle; ++o)
    for (int copy = 0; copy < 2; ++copy) {
      std::string t = copy ? "new pics " : "";
      for (int k = 0; k < kFreeLength; ++k) t += Sentence((o + k) % kCycle);
      texts.emplace_back(t, o);
    }
  std::shuffle(texts.begin(), texts.end(), rng);
  Corpus c;
  for (const auto& [text, offset] : texts) {
    link::AdFeatures f;
    std::vector<uint64_t> shingles;
    link::ShingleHashes(text, shingles);
    f.signature = link::MinHash(shingles);
    c.ads.push_back(f);
    c.offset.push_back(offset);
  }
  return c;
}

int CycleDistance(int a, int b) { return std::min((a - b + kCycle) % kCycle, (b - a + kCycle) % kCycle); }

TEST(TemplateClusters, SingleLinkChainsFreeTextButStarsDoNot) {
  const Corpus c = MakeCorpus();
  const uint32_t n = static_cast<uint32_t>(c.ads.size());
  auto edges = link::TemplateEdges(c.ads, 0.5);

  // The fixture does chain: the verified edges join every free ad into one component.
  link::UnionFind components(n);
  for (const auto& e : edges) components.Union(e.a, e.b);
  std::set<uint32_t> free_components;
  for (uint32_t i = 0; i < n; ++i)
    if (c.offset[i] >= 0) free_components.insert(components.Find(i));
  ASSERT_EQ(free_components.size(), 1u);

  auto t = link::ClusterTemplates(c.ads, edges, 0.35);
  ASSERT_EQ(t.cluster_of.size(), n);
  std::map<uint32_t, std::vector<uint32_t>> members;
  for (uint32_t i = 0; i < n; ++i) members[t.cluster_of[i]].push_back(i);

  // Every copy of the template in one cluster, named after its oldest copy, with no free ad in it.
  std::set<uint32_t> template_clusters;
  uint32_t oldest_copy = n;
  for (uint32_t i = 0; i < n; ++i)
    if (c.offset[i] < 0) {
      template_clusters.insert(t.cluster_of[i]);
      oldest_copy = std::min(oldest_copy, i);
    }
  ASSERT_EQ(template_clusters.size(), 1u);
  EXPECT_EQ(*template_clusters.begin(), oldest_copy);
  EXPECT_EQ(members[oldest_copy].size(), static_cast<size_t>(kCopies));

  // The chain is cut into several clusters, none holding two ads from opposite
  // sides of the cycle (they share no sentence).
  std::set<uint32_t> free_clusters;
  for (const auto& [id, m] : members) {
    if (c.offset[m[0]] < 0) continue;
    free_clusters.insert(id);
    for (uint32_t a : m)
      for (uint32_t b : m) EXPECT_LT(CycleDistance(c.offset[a], c.offset[b]), kCycle / 2) << a << " " << b;
  }
  EXPECT_GE(free_clusters.size(), 3u);

  // Ids and centres: a cluster is named after its smallest member; every member
  // resembles its centre, which is in the same cluster.
  for (const auto& [id, m] : members) {
    EXPECT_EQ(id, m[0]);
    for (uint32_t a : m) {
      uint32_t centre = t.centre_of[a];
      EXPECT_EQ(t.cluster_of[centre], id);
      EXPECT_GE(link::EstimatedJaccard(c.ads[a].signature, c.ads[centre].signature), 0.35);
    }
  }

  // The kept edges never cross clusters and include each member's edge to its centre.
  std::set<std::pair<uint32_t, uint32_t>> kept;
  for (const auto& e : t.edges) {
    EXPECT_LT(e.a, e.b);
    EXPECT_EQ(t.cluster_of[e.a], t.cluster_of[e.b]);
    kept.insert({e.a, e.b});
  }
  EXPECT_TRUE(std::is_sorted(t.edges.begin(), t.edges.end(),
                             [](const auto& x, const auto& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); }));
  for (uint32_t i = 0; i < n; ++i) {
    if (t.centre_of[i] != i) {
      EXPECT_TRUE(kept.count({std::min(i, t.centre_of[i]), std::max(i, t.centre_of[i])})) << i;
    }
  }
  EXPECT_GE(t.components_split, 1u);
}

TEST(TemplateClusters, DeterministicAndTrivialCases) {
  const Corpus c = MakeCorpus();
  auto edges = link::TemplateEdges(c.ads, 0.5);
  auto a = link::ClusterTemplates(c.ads, edges, 0.35);
  auto b = link::ClusterTemplates(c.ads, edges, 0.35);
  EXPECT_EQ(a.cluster_of, b.cluster_of);
  EXPECT_EQ(a.centre_of, b.centre_of);

  // A threshold of 1 leaves only exact copies together; no edges at all leave singletons.
  auto exact = link::ClusterTemplates(c.ads, edges, 1.0);
  for (uint32_t i = 0; i < c.ads.size(); ++i)
    EXPECT_EQ(c.ads[i].signature, c.ads[exact.centre_of[i]].signature);
  auto none = link::ClusterTemplates(c.ads, {}, 0.35);
  for (uint32_t i = 0; i < c.ads.size(); ++i) EXPECT_EQ(none.cluster_of[i], i);
  EXPECT_TRUE(none.edges.empty());
  EXPECT_TRUE(link::ClusterTemplates({}, {}, 0.35).cluster_of.empty());
}

}  // namespace
}  // namespace lodestar
