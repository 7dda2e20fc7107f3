// What linking needs from each ad, computed once and kept in
// DIR/derived/link/features.bin so later `lodestar link` runs only compute it
// for ads added since (incremental linking).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "link/minhash.h"

namespace lodestar::link {

struct AdFeatures {
  std::string id;          // display id (the source's id)
  Signature signature{};   // MinHash of title + body
  int64_t posted = 0;      // Unix seconds, 0 = unknown
  std::string site;        // URL host, else source name
  std::string city;        // resolved place name, else the stated location's first part
  std::string admin1;      // state/region code when resolved
  std::string country;
  double lat = 0, lon = 0;  // 0,0 = unknown
  std::vector<int> ages;
  std::vector<double> prices_per_hour;
  // Typed identifiers: "phone:+15035550123", "email:a@b.c", "handle:instagram:name",
  // "payment:cashapp:$tag". Distinct, sorted.
  std::vector<std::string> identifiers;
};

// Append-only feature file with a separately committed record count, so a
// crash mid-append is invisible (the count file is replaced atomically).
class FeatureFile {
 public:
  explicit FeatureFile(std::string dir) : dir_(std::move(dir)) {}
  // Loads all committed records.
  core::Result<std::vector<AdFeatures>> Load() const;
  // Appends `records` after the first `committed` ones and commits the new count.
  core::Status Append(const std::vector<AdFeatures>& records, uint64_t committed) const;

 private:
  std::string dir_;
};

}  // namespace lodestar::link
