// The search query language (docs/search.md):
//   free words              new town         all words must occur (title or body), ranked by BM25
//   "quoted phrase"         "new in town"    the words in this order
//   prefix*                 sweet*           any word starting with "sweet"
//   either of               incall OR outcall    an ad matches if it has any of the alternatives
//   exclusion               -agency  -"call 911"  NOT agency
//   key:value filters       phone:, email:, handle:, payment:, city:, state:, site:, indicator:, network:, template:
//   numeric filters         age:<21 age:18-20 age:>=30 price:<100
//   date filters            after:2017-01-01 (inclusive) before:2017-02-01 (exclusive)
// Everything else is ANDed. Values with spaces are quoted: city:"new york".
// Words are matched as the index tokenises them (search/tokenizer.h): "five-0"
// is the phrase "five 0", case and script are folded the same way as the ads.
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

// One word, phrase or prefix, as index tokens.
struct TextTerm {
  std::vector<std::string> tokens;  // one token = a word; several = a phrase (in this order)
  bool prefix = false;              // the last token is a prefix ("sweet*")
  friend bool operator==(const TextTerm&, const TextTerm&) = default;
};

// An ad satisfies a clause if it has any of the alternatives; a negated clause
// if it has none of them.
struct Clause {
  std::vector<TextTerm> any;
  bool negated = false;
};

struct Query {
  std::vector<Clause> clauses;
  std::vector<Filter> filters;
  bool empty() const { return clauses.empty() && filters.empty(); }
  // True if some clause must match text (and so ranks the results by BM25).
  bool has_text() const {
    for (const auto& c : clauses) {
      if (!c.negated) return true;
    }
    return false;
  }
};

// Parses `text`. Errors (kInvalidInput) give the byte position and the fix:
// "query position 12: unknown filter 'phonee' (known: phone, email, ...)".
core::Result<Query> ParseQuery(std::string_view text);

// "+15035550123" from any written form of a phone number (digits kept; ten
// digits are read as a North American number). Empty if fewer than 7 digits.
std::string NormalizePhone(std::string_view text);

}  // namespace lodestar::search
