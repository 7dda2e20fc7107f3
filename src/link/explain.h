// Why two ads are linked: the shortest evidence path between them.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace lodestar::link {

struct EvidenceStep {
  std::string ad;   // source id of the ad reached
  std::string via;  // how it was reached from the previous ad: "phone:+1503…", "template T0000012 (Jaccard 0.91)"
};

// Breadth-first search over shared (non-hub) identifiers and template edges,
// as of the last `lodestar link`. The first step is `from` with an empty `via`.
// Returns an empty vector when the ads are not connected; kNotFound for an
// unknown id or a store that was never linked.
core::Result<std::vector<EvidenceStep>> ExplainLink(const std::string& db_dir, const std::string& from,
                                                     const std::string& to);

}  // namespace lodestar::link
