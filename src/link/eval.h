// Scoring linking against the truth written by `lodestar synth`.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace lodestar::link {

struct PairScores {
  double precision = 0, recall = 0, f1 = 0, ari = 0;
  uint64_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
};

// Pairwise precision/recall/F1 and adjusted Rand index of two labelings of the
// same items (labels are arbitrary integers; each item has one label).
PairScores ScorePartition(const std::vector<uint64_t>& predicted, const std::vector<uint64_t>& truth);

// Scores the last `lodestar link` of DB against TRUTH (JSON Lines with "id",
// "network" (null = not in a network) and "template"). Ads missing from the
// truth are ignored; the JSON reports how many were matched.
core::Result<nlohmann::json> EvaluateLinking(const std::string& db_dir, const std::string& truth_path);

}  // namespace lodestar::link
