#include "link/template_clusters.h"

#include <algorithm>
#include <tuple>

#include <tbb/parallel_for.h>

#include "link/union_find.h"

namespace lodestar::link {

namespace {
constexpr uint32_t kNone = 0xFFFFFFFFu;

// Function objects rather than function pointers, so that sorting ten million
// edges inlines the comparison.
struct ByEnds {
  bool operator()(const TemplateEdge& x, const TemplateEdge& y) const {
    return std::tie(x.a, x.b) < std::tie(y.a, y.b);
  }
};
struct SameEnds {
  bool operator()(const TemplateEdge& x, const TemplateEdge& y) const { return x.a == y.a && x.b == y.b; }
};

void SortDistinct(std::vector<TemplateEdge>& edges) {
  std::sort(edges.begin(), edges.end(), ByEnds());
  edges.erase(std::unique(edges.begin(), edges.end(), SameEnds()), edges.end());
}

// Verified edges as adjacency lists (compressed rows).
struct Graph {
  std::vector<uint32_t> offset, next;
  Graph(uint32_t n, const std::vector<TemplateEdge>& edges) : offset(n + 1, 0), next(edges.size() * 2) {
    for (const auto& e : edges) ++offset[e.a + 1], ++offset[e.b + 1];
    for (uint32_t i = 0; i < n; ++i) offset[i + 1] += offset[i];
    std::vector<uint32_t> at(offset.begin(), offset.end() - 1);
    for (const auto& e : edges) next[at[e.a]++] = e.b, next[at[e.b]++] = e.a;
  }
};

// Splits one connected component. Components are disjoint, so calls for
// different components may run in parallel: each writes only its own members'
// entries of cluster_of, centre_of and seen.
class ComponentSplitter {
 public:
  ComponentSplitter(const std::vector<AdFeatures>& f, const Graph& g, double threshold,
                    std::vector<uint32_t>& cluster_of, std::vector<uint32_t>& centre_of, std::vector<uint32_t>& seen)
      : f_(f), g_(g), threshold_(threshold), cluster_of_(cluster_of), centre_of_(centre_of), seen_(seen) {}

  // Returns the number of clusters the component became.
  uint64_t Split(std::vector<uint32_t> members) {
    uint64_t clusters = 0;
    std::vector<std::vector<uint32_t>> todo;
    todo.push_back(std::move(members));
    while (!todo.empty()) {
      std::vector<uint32_t> group = std::move(todo.back());
      todo.pop_back();
      clusters += Round(group);
      // Members no centre took: their components over the edges among them.
      // `group` is a whole component of the not-yet-clustered ads, so the
      // search never leaves it.
      ++token_;
      for (uint32_t start : group) {
        if (centre_of_[start] != kNone || seen_[start] == token_) continue;
        std::vector<uint32_t> part{start};
        seen_[start] = token_;
        for (size_t q = 0; q < part.size(); ++q)
          for (uint32_t k = g_.offset[part[q]]; k < g_.offset[part[q] + 1]; ++k) {
            uint32_t y = g_.next[k];
            if (centre_of_[y] == kNone && seen_[y] != token_) {
              seen_[y] = token_;
              part.push_back(y);
            }
          }
        std::sort(part.begin(), part.end());
        todo.push_back(std::move(part));
      }
    }
    return clusters;
  }

 private:
  double J(uint32_t a, uint32_t b) const { return a == b ? 1.0 : EstimatedJaccard(f_[a].signature, f_[b].signature); }

  // One round over `group` (sorted ordinals): choose centres from a sample and
  // give each member to the first centre, in the order chosen, it resembles.
  // First rather than most similar: a template's main centre keeps all its
  // copies even when a later centre (an outlier's) happens to be closer to some.
  uint64_t Round(const std::vector<uint32_t>& group) {
    const size_t step = (group.size() + kCentreSample - 1) / kCentreSample;
    std::vector<uint32_t> sample;
    for (size_t k = 0; k < group.size(); k += step) sample.push_back(group[k]);
    const size_t s = sample.size();
    std::vector<double> sim(s * s);
    for (size_t x = 0; x < s; ++x)
      for (size_t y = x; y < s; ++y) sim[x * s + y] = sim[y * s + x] = J(sample[x], sample[y]);
    std::vector<uint32_t> centres;
    std::vector<char> covered(s, 0);
    for (size_t left = s; left > 0;) {
      // The uncovered sampled member that covers the most uncovered sampled
      // members; ties go to the larger total similarity, then the older ad.
      size_t best = s, best_count = 0;
      double best_sum = -1;
      for (size_t x = 0; x < s; ++x) {
        if (covered[x]) continue;
        size_t count = 0;
        double sum = 0;
        for (size_t y = 0; y < s; ++y)
          if (!covered[y]) {
            count += sim[x * s + y] >= threshold_;
            sum += sim[x * s + y];
          }
        if (count > best_count || (count == best_count && sum > best_sum)) best = x, best_count = count, best_sum = sum;
      }
      centres.push_back(sample[best]);
      for (size_t y = 0; y < s; ++y)
        if (!covered[y] && (y == best || sim[best * s + y] >= threshold_)) covered[y] = 1, --left;
    }
    // A cluster is named after its oldest member; `group` is in ordinal order,
    // so that is the first member each centre takes.
    std::vector<uint32_t> name(centres.size(), kNone);
    for (uint32_t m : group) {
      for (size_t c = 0; c < centres.size(); ++c) {
        if (J(m, centres[c]) < threshold_) continue;
        if (name[c] == kNone) name[c] = m;
        centre_of_[m] = centres[c];
        cluster_of_[m] = name[c];
        break;
      }
    }
    return centres.size();
  }

  const std::vector<AdFeatures>& f_;
  const Graph& g_;
  const double threshold_;
  std::vector<uint32_t>& cluster_of_;
  std::vector<uint32_t>& centre_of_;
  std::vector<uint32_t>& seen_;
  uint32_t token_ = 0;
};

}  // namespace

std::vector<TemplateEdge> TemplateEdges(const std::vector<AdFeatures>& f, double threshold) {
  // Earlier members of a bucket an ad is compared with: a template copied
  // 10,000 times costs 10,000 comparisons per band, not 50 million.
  constexpr size_t kReps = 4;
  std::vector<std::vector<TemplateEdge>> per_band(kBands);
  tbb::parallel_for(0, kBands, [&](int band) {
    std::vector<std::pair<uint64_t, uint32_t>> keys;
    keys.reserve(f.size());
    for (uint32_t i = 0; i < f.size(); ++i)
      if (!IsEmptySignature(f[i].signature)) keys.emplace_back(BandKey(f[i].signature, band), i);
    std::sort(keys.begin(), keys.end());
    auto& edges = per_band[band];
    for (size_t start = 0; start < keys.size();) {
      size_t end = start;
      while (end < keys.size() && keys[end].first == keys[start].first) ++end;
      std::vector<uint32_t> reps;
      for (size_t k = start; k < end; ++k) {
        uint32_t ad = keys[k].second;
        bool joined = false;
        for (uint32_t rep : reps) {
          double j = EstimatedJaccard(f[rep].signature, f[ad].signature);
          if (j >= threshold) {
            edges.push_back({rep, ad, static_cast<float>(j)});  // rep < ad: keys sort by ordinal within a bucket
            joined = true;
            break;
          }
        }
        if (!joined && reps.size() < kReps) reps.push_back(ad);
      }
      start = end;
    }
  });
  std::vector<TemplateEdge> all;
  for (auto& e : per_band) all.insert(all.end(), e.begin(), e.end());
  SortDistinct(all);
  return all;
}

TemplateClusters ClusterTemplates(const std::vector<AdFeatures>& f, const std::vector<TemplateEdge>& edges,
                                  double centre_threshold) {
  const uint32_t n = static_cast<uint32_t>(f.size());
  TemplateClusters out;
  out.cluster_of.resize(n);
  out.centre_of.assign(n, kNone);
  UnionFind components(n);
  for (const auto& e : edges) components.Union(e.a, e.b);
  // Members of each component of >= 2 ads, in ordinal order.
  std::vector<uint32_t> root(n), slot(n, kNone);
  std::vector<std::vector<uint32_t>> groups;
  for (uint32_t i = 0; i < n; ++i) {
    root[i] = components.Find(i);
    if (components.SetSize(i) < 2) {
      out.cluster_of[i] = out.centre_of[i] = i;
      continue;
    }
    if (slot[root[i]] == kNone) {
      slot[root[i]] = static_cast<uint32_t>(groups.size());
      groups.emplace_back();
    }
    groups[slot[root[i]]].push_back(i);
  }
  const Graph graph(n, edges);
  std::vector<uint32_t> seen(n, 0);
  std::vector<uint64_t> pieces(groups.size(), 0);
  // Largest first, so one big component does not start last on a core.
  std::vector<uint32_t> order(groups.size());
  for (uint32_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t x, uint32_t y) { return groups[x].size() > groups[y].size(); });
  tbb::parallel_for(size_t{0}, order.size(), [&](size_t k) {
    ComponentSplitter splitter(f, graph, centre_threshold, out.cluster_of, out.centre_of, seen);
    pieces[order[k]] = splitter.Split(std::move(groups[order[k]]));
  });
  for (uint64_t p : pieces) out.components_split += p > 1;

  // `edges` is sorted, so only the star edges need sorting before the merge.
  std::vector<TemplateEdge> star;
  star.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t c = out.centre_of[i];
    if (c == i) continue;
    float j = static_cast<float>(EstimatedJaccard(f[i].signature, f[c].signature));
    star.push_back({std::min(i, c), std::max(i, c), j});
  }
  SortDistinct(star);
  out.edges.reserve(edges.size() + star.size());
  size_t k = 0;
  for (const auto& e : edges) {
    if (out.cluster_of[e.a] != out.cluster_of[e.b]) continue;
    for (; k < star.size() && ByEnds()(star[k], e); ++k) out.edges.push_back(star[k]);
    if (k < star.size() && SameEnds()(star[k], e)) ++k;  // the same pair, the same similarity
    out.edges.push_back(e);
  }
  out.edges.insert(out.edges.end(), star.begin() + static_cast<std::ptrdiff_t>(k), star.end());
  return out;
}

}  // namespace lodestar::link
