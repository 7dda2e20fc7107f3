// The one JSON encoding of search and tip results, shared by the CLI
// (`lodestar search --json`, `lodestar tip --json`) and the HTTP API
// (GET /api/search, /api/tip), so the two can never drift apart.
// Field names and null conventions are documented in docs/search.md and docs/api.md:
// a missing date, network or template is null, an empty span is omitted.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "search/index.h"
#include "search/tip.h"

namespace lodestar::search {

// {id, score, posted (YYYY-MM-DD|null), site, city, state, network|null, template|null, evidence:[{kind, value, span?}]}
nlohmann::json HitJson(const Hit& hit);

// The same encodings written straight into a string (compact, keys in sorted
// order as nlohmann::json writes them; invalid UTF-8 becomes U+FFFD): the HTTP
// API's hot path, where building a json tree per hit cost ~7% of a search.
// `paging` adds "offset" and "limit" (the API's reply).
struct Paging {
  int64_t offset = 0, limit = 0;
};
void AppendHitJson(std::string& out, const Hit& hit);
void AppendSearchResultsJson(std::string& out, const SearchResults& results, const std::string& query,
                             const Paging* paging = nullptr, size_t first = 0, size_t count = static_cast<size_t>(-1));

// {query, total, hits:[HitJson...], facets?:[{kind, values:[{value, count}]}]}. `first` and `count` select a window of
// `results.hits` (for paging: the caller searched with limit = offset + count);
// the defaults take all hits. `facets` is present only when the index filled it.
nlohmann::json SearchResultsJson(const SearchResults& results, const std::string& query, size_t first = 0,
                                 size_t count = static_cast<size_t>(-1));

// {identifiers:[{kind, value, raw, ads}], networks:[{network|null, matched_ads, score, identifiers, cities}],
//  total_ads, ads:[HitJson + identifiers]}.
nlohmann::json TipResultJson(const TipResult& result);

}  // namespace lodestar::search
