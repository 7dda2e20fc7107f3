// The ad (posting): Lodestar's unit of collected evidence.
//
// An Ad is what every reader produces and what the store keeps. Text fields are
// always valid UTF-8 (readers repair invalid bytes and count the repairs). The
// raw record is kept byte-for-byte (after repair) so later stages and reviewers
// can always go back to what the source said.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace lodestar::core {

// 128-bit content hash (XXH3-128) used for deduplication and as the ad's
// content id. Two postings are "identical" when their hashes are equal.
struct ContentHash {
  uint64_t low = 0;
  uint64_t high = 0;
  friend bool operator==(const ContentHash&, const ContentHash&) = default;
  std::string hex() const;  // 32 lowercase hex digits, high then low
};

// Where an ad came from, for provenance and for quarantine reports.
struct Provenance {
  uint32_t run_id = 0;       // ingest run (see store/runs.jsonl)
  uint32_t file_index = 0;   // index into that run's file list
  uint64_t line = 0;         // 1-based line (text formats) or record number (WARC, HTML); 0 if none
  uint64_t byte_offset = 0;  // offset of the record in the decompressed input stream
};

struct Ad {
  std::string source_id;  // the source's own id; empty if the source had none
  std::string source;     // source or site name, e.g. "backpage"
  std::string url;
  std::string title;
  std::string body;
  std::string location;   // stated location, as written
  int64_t posted = 0;     // Unix seconds UTC; 0 = unknown
  int64_t crawled = 0;    // Unix seconds UTC; 0 = unknown
  std::string raw;        // the record as read (JSON line, CSV row as JSON, WARC record headers + HTML)
  Provenance provenance;
  ContentHash content_hash;  // filled by ComputeContentHash()

  // The stable id users see: the source id when present, else "h:" + first 16 hex digits of the hash.
  std::string display_id() const;

  // Makes this Ad equal to a default-constructed one while keeping its strings' capacity: the ingest pipeline
  // reuses Ads from batch to batch so that decoding allocates nothing. A new member must be reset here too.
  void clear();
};

// Hash of the fields that make a posting what it is (source id, source, url,
// title, body, location, posted). Crawl time and provenance are excluded, so
// re-crawls and re-ingests of the same posting collapse to one ad.
ContentHash ComputeContentHash(const Ad& ad);

}  // namespace lodestar::core
