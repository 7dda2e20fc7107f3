// Which input field names fill which Ad field, without a mapping.
//
// Investigators' files name the same thing many ways; these lists are tried in
// order and the first non-empty value wins. A --map override replaces the list
// for that Ad field entirely.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/ad.h"
#include "ingest/reader.h"

namespace lodestar::ingest {

enum class AdField { kId, kSource, kUrl, kTitle, kBody, kLocation, kPosted, kCrawled, kCount };

const char* AdFieldName(AdField f);

// Candidate input field names for `f`, honouring `map` (keys are AdFieldName()).
std::vector<std::string> CandidateNames(AdField f, const FieldMap& map);

// One value per AdField: a view of the input (empty where the record lacks the field).
using FieldValues = std::array<std::string_view, static_cast<size_t>(AdField::kCount)>;

// Assigns the six text fields of `ad` (id, source, url, title, body, location) from `value`, reusing the
// strings' capacity. The times are each decoder's own (they differ in how they trim).
void AssignTextFields(const FieldValues& value, core::Ad& ad);

// Validates --map keys; the error names the unknown key and lists the valid ones.
core::Status ValidateFieldMap(const FieldMap& map);

}  // namespace lodestar::ingest
