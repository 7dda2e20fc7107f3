// The search index of a store, kept in DIR/derived/search/index.sqlite:
//   fts    FTS5 over title and body (rowid = store ordinal), BM25-ranked
//   ads    one row per ad: ordinal, display id, site, primary city/state, posted, day
//   facts  (ordinal, kind, value, num, span): phone (E.164), email, handle, payment,
//          city, state, age, price, indicator (id), category (indicator category)
//   meta   next ordinal to index (incremental: Update() indexes only ads beyond it)
// Network and template filters read DIR/derived/link/{networks,clusters}.u32 at
// open time, so they always reflect the latest `lodestar link` run.
// Thread-safety: one Index per thread; any number of readers may share a file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "search/query.h"

struct sqlite3;

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

struct SearchResults {
  uint64_t total = 0;  // all matching ads (limit applies only to `hits`)
  std::vector<Hit> hits;
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
  sqlite3* handle() const { return db_; }

 private:
  Index() = default;
  core::Status Fill(Hit& h, const Query& q) const;
  sqlite3* db_ = nullptr;
  std::string db_dir_;
  std::vector<uint32_t> networks_, clusters_;
};

}  // namespace lodestar::search
