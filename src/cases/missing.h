// Missing-person reports (Trackchild-style registries) and fuzzy matching
// against the people recorded in cases.
//
// CSV import: a header row is required; column names are matched case-
// insensitively with a few aliases (id/report_id, name/full_name, age,
// gender/sex, last_seen_place/place/location, last_seen_date/missing_since/date,
// source). Only `name` is mandatory.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/model.h"
#include "core/status.h"

namespace lodestar::cases {

struct MissingCsv {
  std::vector<MissingReport> reports;
  std::vector<std::string> errors;  // "FILE:LINE: reason", rows skipped
};
core::Result<MissingCsv> ParseMissingCsv(std::string_view text, const std::string& file_name);

// A person as the matcher sees one (decrypted in memory only).
struct MatchCandidate {
  int64_t person_id = 0, case_id = 0;
  std::string name;
  std::optional<int> age;
  std::string gender;
  std::string place;        // places / tip locations of the case, joined
  int64_t seen_at = 0;      // when the case first recorded the person (Unix seconds)
};

struct MatchScore {
  double total = 0, name = 0, age = 0, place = 0, date = 0;
};

// Jaro-Winkler similarity of two names after NormalizeName (order-insensitive).
double NameSimilarity(std::string_view a, std::string_view b);
// Weighted score: name 0.55, age 0.20, place 0.15, date 0.10. Unknown
// components score 0.5 (neither for nor against). A name below 0.75 scores 0.
MatchScore ScoreMatch(const MissingReport& m, const MatchCandidate& c);

}  // namespace lodestar::cases
