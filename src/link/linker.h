// Linking ads into template clusters and networks (see docs/linking.md).
//
//  - Template clusters: MinHash/LSH candidates over the text (digits masked),
//    verified by estimated Jaccard >= `jaccard_threshold`; each connected
//    component of those edges is split into stars, a centre ad and the members
//    at least `centre_jaccard` similar to it (link/template_clusters.h), so
//    free-written ads that each resemble a few others do not chain together.
//  - Networks: ads joined through shared identifiers (phones, e-mails, handles,
//    payment ids); identifiers used by implausibly many unrelated ads (hubs:
//    agency lines, placeholders, hotline numbers) are detected from the data,
//    excluded, and listed with the reason.
//  - Ids are stable: a cluster or network is named after its oldest ad
//    ("T" / "N" + store ordinal), so growth never renames an existing group;
//    merges and splits between runs are recorded with their evidence.
//  - Incremental: per-ad features (signatures, identifiers, places) are
//    computed once and kept in DIR/derived/link; a run computes them only for
//    ads added since, then regroups from the kept features (linear time).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace lodestar::link {

struct LinkOptions {
  std::string db_dir;
  double jaccard_threshold = 0.5;  // template edge: estimated Jaccard of digit-masked 3-word shingles
  // Template cluster member: estimated Jaccard to the cluster's centre. Below the
  // edge threshold because copies of a template with optional sentences differ
  // more from a typical copy than neighbouring copies differ from each other.
  double centre_jaccard = 0.35;
  uint32_t hub_min_ads = 20;       // an identifier on fewer ads is never a hub
  uint32_t hub_min_templates = 6;  // ... and a hub spans at least this many template clusters
  double hub_template_ratio = 0.2; // ... and at least this many clusters per ad
  uint32_t hub_min_phones = 10;    // or: seen beside at least this many different phone numbers (and 20% per ad)
  // or (handles, e-mails, payment ids): joins at least this many groups of ads that
  // share no phone with each other. A name misread as a handle ("snapchat: ruby")
  // bridges many unrelated posters; one poster rotates through a few numbers.
  uint32_t hub_min_phone_groups = 12;
  bool join_templates = false;     // also join networks through template clusters
  bool progress = true;
};

struct LinkSummary {
  uint64_t ads = 0, new_ads = 0;
  uint64_t template_edges = 0, clusters = 0, clustered_ads = 0;
  uint64_t networks = 0, networked_ads = 0, largest_network = 0;
  uint64_t hubs = 0, merges = 0, splits = 0;
  double seconds = 0;
};

core::Result<LinkSummary> RunLink(const LinkOptions& options);

// Where linking keeps its files for a store.
std::string LinkDir(const std::string& db_dir);

}  // namespace lodestar::link

namespace lodestar::link {
// Stable ids: named after the oldest member's store ordinal.
std::string ClusterId(uint32_t ordinal);
std::string NetworkId(uint32_t ordinal);
}  // namespace lodestar::link
