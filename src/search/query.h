// The search query language (docs/search.md):
//   free words              new town         all words must occur (title or body), ranked by BM25
//   "quoted phrase"         "new in town"    the words in this order
//   prefix*                 sweet*           any word starting with "sweet"
//   key:value filters       phone:, email:, handle:, city:, state:, site:, indicator:, network:, template:
//   numeric filters         age:<21 age:18-20 age:>=30 price:<100
//   date filters            after:2017-01-01 (inclusive) before:2017-02-01 (exclusive)
// Everything is ANDed. Values with spaces are quoted: city:"new york".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lodestar::search {

inline constexpr size_t kMaxQueryBytes = 4096;
inline constexpr size_t kMaxQueryParts = 64;

struct Filter {
  enum class Op { kEq, kLt, kLe, kGt, kGe, kRange };
  std::string key;    // phone, email, handle, city, state, site, age, price, after, before, indicator, network, template
  Op op = Op::kEq;
  std::string value;  // normalised (E.164 for phones, lower case for names)
  double lo = 0, hi = 0;  // numeric bounds (kRange: [lo, hi]; kLt etc.: lo); dates as Unix seconds
  size_t pos = 0;     // byte offset in the query, for messages
};

struct Query {
  std::vector<std::string> terms;  // FTS5 syntax, one per word/phrase/prefix ("w", "a b", "pre"*)
  std::vector<Filter> filters;
  bool empty() const { return terms.empty() && filters.empty(); }
};

// Parses `text`. Errors (kInvalidInput) give the byte position and the fix:
// "query position 12: unknown filter 'phonee' (known: phone, email, ...)".
core::Result<Query> ParseQuery(std::string_view text);

// "+15035550123" from any written form of a phone number (digits kept; ten
// digits are read as a North American number). Empty if fewer than 7 digits.
std::string NormalizePhone(std::string_view text);

}  // namespace lodestar::search
