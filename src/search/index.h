// The search index of a store, kept in DIR/derived/search/ (docs/search.md):
//   manifest           the segments, in ordinal order ("lodestar-search-index 2", then
//                      "FILE FIRST_ORDINAL COUNT" per line), replaced atomically
//   seg-*.lsi          immutable segments (search/segment.h): dictionary, postings with
//                      positions, fact terms for filters, per-ad data, compressed texts
// Update() indexes the ads added to the store since the last update as one new
// segment (a full rebuild into one segment once there are many). Network and
// template filters read DIR/derived/link/{networks,clusters}.u32 at open time,
// so they reflect the latest `lodestar link` run.
// Thread-safety: after Open, the const methods may be called from any number of
// threads at once; Update() must not run concurrently with them on the same
// object. Separate processes coordinate through a lock file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "search/matcher.h"
#include "search/query.h"
#include "search/segment.h"

namespace lodestar::search {

std::string SearchDir(const std::string& db_dir);

struct IndexSummary {
  uint64_t indexed = 0;  // ads added by this update
  uint64_t total = 0;    // ads in the index afterwards
  double seconds = 0;
};

struct Evidence {
  std::string kind;   // "text", or a filter/fact kind: phone, email, handle, city, age, indicator, network, ...
  std::string value;  // the matched fact value (normalised), or the snippet with [matches] marked
  std::string span;   // "body:120-134" where the fact came from, when known
};

struct Hit {
  std::string id;  // source id (display id)
  uint64_t ordinal = 0;
  double score = 0;  // higher is better (negated BM25 for text; 0 for filter-only queries)
  int64_t posted = 0;
  std::string site, city, state, network, cluster;
  std::vector<Evidence> evidence;
};

// Counts of ads per value of one fact kind among ALL matching ads (not just the page shown).
struct FacetValue {
  std::string value;
  uint64_t count = 0;
};
struct Facet {
  std::string kind;  // city, state, site, phone, indicator, network
  std::vector<FacetValue> values;  // most frequent first, at most `facet_values`
};

struct SearchResults {
  uint64_t total = 0;  // all matching ads (limit applies only to `hits`)
  std::vector<Hit> hits;
  std::vector<Facet> facets;  // filled when asked for
};

struct SearchOptions {
  size_t limit = 20;
  size_t offset = 0;  // hits skipped (paging)
  bool facets = false;
  size_t facet_values = 10;
};

// One ad as the analytics see it.
struct AdRow {
  uint64_t ordinal = 0;
  std::string id, site, city, state;
  int64_t posted = 0;
  int64_t day = 0;  // days since 1970-01-01 (UTC); meaningful only when posted != 0
};

class Index {
 public:
  // Opens (creating if needed) the index of the store at `db_dir`. With
  // `update`, first indexes ads added to the store since the last update.
  static core::Result<std::unique_ptr<Index>> Open(const std::string& db_dir, bool update, bool progress = false);
  ~Index();
  Index(const Index&) = delete;
  Index& operator=(const Index&) = delete;

  // Indexes store ordinals not yet indexed (all of them the first time).
  core::Result<IndexSummary> Update(bool progress);
  uint64_t size() const;

  // Text queries rank by BM25 (best first, ties by ordinal); filter-only
  // queries list the newest ads first.
  core::Result<SearchResults> Search(const Query& q, const SearchOptions& options) const;
  core::Result<SearchResults> Search(const Query& q, size_t limit) const;
  core::Result<SearchResults> Search(const std::string& text, size_t limit) const;
  // All ordinals matching `q`, ascending (for analytics slices). An empty query matches every ad.
  core::Result<std::vector<uint64_t>> Select(const Query& q) const;

  // Every indexed ad, in ordinal order.
  core::Result<std::vector<AdRow>> Ads() const;
  // fn(ordinal, value, num, span) for every fact of `kind`.
  core::Status ForEachFact(const std::string& kind,
                           const std::function<void(uint64_t, const std::string&, double, const std::string&)>& fn) const;
  // Title + body of an ad (for term statistics and snippets).
  core::Status ForEachText(const std::vector<uint64_t>& ordinals,
                           const std::function<void(uint64_t, const std::string&, const std::string&)>& fn) const;

  // Link groups: ordinal of the smallest member, or UINT32_MAX when not linked yet.
  uint32_t NetworkOf(uint64_t ordinal) const;
  uint32_t ClusterOf(uint64_t ordinal) const;
  bool linked() const { return !networks_.empty(); }
  const std::string& db_dir() const { return db_dir_; }

  // Keeps the matches of repeated costly phrases and prefixes, up to `max_bytes`
  // (0: none, the default), for a long-lived index answering many queries (serve).
  // Results are the same with or without it. Call before sharing the index.
  void EnableMatchCache(size_t max_bytes);
  MatchCache::Stats match_cache_stats() const;

 private:
  Index() = default;
  core::Status LoadSegments();
  core::Status Fill(Hit& h, const Query& q) const;
  // The segment holding `ordinal` and the ad's number in it; nullptr if not indexed.
  const Segment* Locate(uint64_t ordinal, uint32_t& local) const;
  std::vector<Facet> Facets(const std::vector<Match>& matches, size_t top) const;
  // The best `k` of `matches` in `order` (as EvaluateTop would choose them).
  TopMatches TopOf(std::vector<Match> matches, size_t k, MatchOrder order) const;
  std::string db_dir_;
  std::vector<std::unique_ptr<Segment>> segments_;
  std::vector<uint32_t> networks_, clusters_;
  std::unique_ptr<MatchCache> match_cache_;
};

}  // namespace lodestar::search
