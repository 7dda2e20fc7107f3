// The ad store: a directory of append-only, zstd-compressed, checksummed
// segment files plus small JSON Lines side files. See docs/store-format.md.
//
// Guarantees:
//  - Durability: after Commit() returns OK, every block and quarantine entry
//    appended before it survives a crash (kill -9, power loss with honest fsync).
//  - Torn writes are harmless: a block is valid only if its checksum matches;
//    opening for append truncates an invalid tail left by a crash.
//  - Deduplication: an ad whose content hash is already stored is not stored again
//    (so re-ingesting a file is idempotent).
//  - One writer at a time (an flock on DIR/LOCK); any number of readers.
// Thread-safety: a Store object is used from one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ad.h"
#include "core/status.h"
#include "store/ad_codec.h"

namespace lodestar::store {

struct StoredAd {
  core::Ad ad;
  std::string facts;       // extracted facts as the ingest encoded them (read with extract::DecodeStoredFacts);
                           // empty if extraction did not run
  uint64_t ordinal = 0;    // position in store order (0-based); stable, never reused
};

struct QuarantineEntry {
  uint32_t run_id = 0;
  std::string file;
  uint64_t line = 0;
  uint64_t byte_offset = 0;
  std::string reason;
  std::string raw;  // the rejected bytes (repaired to UTF-8), kept so nothing is lost
};

struct RunFile {
  std::string path;  // absolute
  uint64_t size = 0;
  int64_t mtime = 0;
};

class Store {
 public:
  enum class Mode { kRead, kAppend };

  // kRead: DIR must hold a store. kAppend: creates DIR and the store if missing,
  // takes the writer lock and repairs a torn tail from an earlier crash.
  // A new store is created in format kFormatVersion; an existing one keeps its own format (ad_codec.h), which
  // writers must encode in (BlockBuilder(format())).
  // Errors: kNotFound (no store), kIncompatible (a format this build does not know),
  // kIoError (permissions, lock held by another writer), each naming DIR.
  static core::Result<std::unique_ptr<Store>> Open(const std::string& dir, Mode mode);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // --- writing (kAppend) ---
  // Records a new ingest run and its input files; returns its run id (1, 2, ...).
  core::Result<uint32_t> BeginRun(const std::vector<RunFile>& files);
  // True (and remembers the hash) if no ad with this content hash is stored yet.
  bool InsertIfNew(const core::ContentHash& hash);
  // Appends a complete block built by BlockBuilder::Finish(). Not durable until Commit().
  core::Status AppendBlock(const std::string& block_bytes, uint32_t ad_count);
  // Appends a quarantine entry unless the same record (file, offset, bytes) is
  // already quarantined; returns whether it was new. Not durable until Commit().
  core::Result<bool> AppendQuarantine(const QuarantineEntry& entry);
  // Makes everything appended so far durable (fdatasync).
  core::Status Commit();
  // Commits, seals the current segment and records the run summary.
  core::Status EndRun(uint64_t ads_new, uint64_t duplicates, uint64_t quarantined, uint64_t utf8_repairs);

  // --- reading ---
  // The store's format version (1 .. kFormatVersion), fixed when it was created.
  uint32_t format() const { return format_; }
  uint64_t ad_count() const { return ad_count_; }
  uint64_t quarantined_count() const { return quarantine_count_; }
  const std::string& dir() const { return dir_; }
  // Calls `fn` for every ad in store order; stops early if `fn` returns false.
  core::Status ForEachAd(const std::function<bool(const StoredAd&)>& fn) const;
  // Finds an ad by display id (source id, or "h:" + hash prefix). nullopt if absent.
  core::Result<std::optional<StoredAd>> FindById(const std::string& id) const;
  core::Status ForEachQuarantined(const std::function<bool(const QuarantineEntry&)>& fn) const;
  // The input file recorded for (run, file index) in runs.jsonl; empty if unknown.
  std::string RunFilePath(uint32_t run_id, uint32_t file_index) const;
  // Number of ingest runs recorded.
  uint32_t run_count() const;
  // Total bytes of segment files (for size reports).
  uint64_t segment_bytes() const;

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::string dir_;
  uint32_t format_ = kFormatVersion;
  uint64_t ad_count_ = 0, quarantine_count_ = 0;
};

}  // namespace lodestar::store
