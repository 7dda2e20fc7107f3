// Evaluates a parsed query over the segments of the index.
//
// Text clauses are matched on postings (phrases on positions) and scored with
// BM25 (k1 1.2, b 0.75; a title occurrence weighs three body ones; document
// frequencies and average length over all segments, so the score of an ad does
// not depend on how the index was split). Filters on facts are postings of fact
// terms; dates, networks and templates are checked per ad.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "search/query.h"
#include "search/segment.h"

namespace lodestar::search {

struct Match {
  uint64_t ordinal = 0;
  double score = 0;  // BM25; 0 when the query has no text clause
};

// The matches of costly text terms (phrases and prefixes with many matches), per
// segment, kept across queries up to a memory budget and dropped least recently
// used first. Segments never change, so a kept list stays exact: a segment is
// named by its first ordinal and ad count, which fix its content. Thread-safe.
class MatchCache {
 public:
  explicit MatchCache(size_t max_bytes);
  ~MatchCache();
  MatchCache(const MatchCache&) = delete;
  MatchCache& operator=(const MatchCache&) = delete;
  struct Stats {
    uint64_t hits = 0, misses = 0, entries = 0, bytes = 0;
  };
  Stats stats() const;
  // Used by the matcher: the kept value for `key` (null if none), and keeping one.
  std::shared_ptr<const void> Find(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const void> value, size_t bytes);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct MatchContext {
  std::vector<const Segment*> segments;  // ascending, disjoint ordinal ranges
  // Link group of an ordinal (UINT32_MAX = none), for network:/template: filters.
  std::function<uint32_t(uint64_t)> network_of, cluster_of;
  MatchCache* cache = nullptr;  // optional
};

// Every ad matching `q`, in ordinal order. An empty query matches every ad.
core::Result<std::vector<Match>> Evaluate(const MatchContext& ctx, const Query& q);

enum class MatchOrder {
  kScore,   // highest BM25 first
  kPosted,  // newest first
};
struct TopMatches {
  std::vector<Match> best;  // best first; ties go to the lower ordinal
  uint64_t total = 0;       // every match, counted exactly
};
// The `k` best matches of `q` in `order` and the number of all matches, without
// materialising them (what a results page needs when no facets are asked for).
core::Result<TopMatches> EvaluateTop(const MatchContext& ctx, const Query& q, size_t k, MatchOrder order);

// The tokens of a query worth marking in a snippet (negated clauses excluded);
// `second` is true for a prefix (marks every token starting with it).
std::vector<std::pair<std::string, bool>> HighlightTokens(const Query& q);

}  // namespace lodestar::search
