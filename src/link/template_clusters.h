// Template clusters: which ads were written from one template (see docs/linking.md).
//
// Two stages. Candidate pairs from banded LSH over the MinHash signatures are
// verified by estimated Jaccard (TemplateEdges), and the verified edges give
// connected components. Components are not clusters: ads written freely from a
// shared phrase pool each resemble a few others, and single link chains such
// resemblances into groups of thousands of unrelated ads whose two ends share
// nothing. So each component is split into stars (ClusterTemplates): a cluster
// is a centre ad and the members at least `centre_threshold` similar to it.
// A real template's copies all resemble a typical copy; a chain's members do not.
#pragma once

#include <cstdint>
#include <vector>

#include "link/ad_features.h"

namespace lodestar::link {

// A verified candidate pair, a < b (store ordinals).
struct TemplateEdge {
  uint32_t a, b;
  float jaccard;
};

// LSH over the signatures: per band, sort (key, ad) and verify each bucket
// member against up to a few earlier members of that bucket. Linear in the
// number of ads per band, even for buckets with thousands of copies. Edges are
// sorted by (a, b) and distinct. Ads with an empty text never get an edge.
std::vector<TemplateEdge> TemplateEdges(const std::vector<AdFeatures>& features, double threshold);

// Members of a component read to choose its centres: enough to find the
// typical copies of a template, few enough that the all-pairs comparison of
// the sample stays cheap (64^2 signature comparisons per round).
inline constexpr size_t kCentreSample = 64;

struct TemplateClusters {
  // Per ad: the smallest ordinal of its cluster (the cluster's stable id), and
  // the cluster's centre. A single ad is its own cluster and centre.
  std::vector<uint32_t> cluster_of, centre_of;
  // The edges that justify the clusters, for `lodestar explain` and
  // --join-templates: the verified edges inside one cluster plus one edge from
  // every member to its centre. Sorted by (a, b), distinct; none cross clusters.
  std::vector<TemplateEdge> edges;
  uint64_t components_split = 0;  // components that became more than one cluster
};

// Splits the connected components of `edges` (over features.size() ads) into
// star clusters. Per component, repeated until every member has a cluster:
// sample up to kCentreSample members (evenly in ordinal order); pick centres
// greedily from the sample, each time the one within `centre_threshold` of the
// most still-uncovered sampled members, until the sample is covered; give every
// member to its most similar centre if that similarity is >= centre_threshold;
// members left over form new components (over the verified edges among them).
// A component whose members all resemble one typical member stays whole.
// Deterministic: the result depends only on the signatures and edges.
// `centre_threshold` must be in (0, 1].
TemplateClusters ClusterTemplates(const std::vector<AdFeatures>& features, const std::vector<TemplateEdge>& edges,
                                  double centre_threshold);

}  // namespace lodestar::link
