// The ingest job: files -> readers -> decode (+extract) -> dedup -> compressed
// blocks -> the store, on all cores (a oneTBB pipeline).
//
// Contract:
//  - Input files are checked before anything is written; a missing or
//    unreadable file fails the job with a message naming it.
//  - A malformed record is quarantined (file, line, offset, reason, bytes) and
//    never stops the run, unless more than `max_errors` are seen in this run.
//  - Every `commit_interval_seconds` (and at the end) the store is fsynced and
//    `on_commit` is called with the number of ads now durable in the store.
//  - Re-ingesting the same input adds nothing (content-hash deduplication) and
//    quarantines nothing twice.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/reader.h"

namespace lodestar::pipeline {

struct IngestOptions {
  std::vector<std::string> files;
  std::string db_dir;
  ingest::Format format = ingest::Format::kAuto;
  ingest::FieldMap field_map;
  uint64_t max_errors = UINT64_MAX;  // quarantined records tolerated before failing
  int zstd_level = 1;
  size_t block_bytes = 1 << 20;      // input bytes per block (about 1000 ads of 1 KB)
  double commit_interval_seconds = 1.0;
  bool progress = true;
  unsigned threads = 0;              // 0 = all cores
  bool extract = true;               // run fact extraction and store the facts with each ad
  std::function<void(uint64_t store_ads_durable)> on_commit;
};

struct FileError {
  std::string file;
  std::string message;
};

struct IngestSummary {
  uint32_t run_id = 0;
  uint64_t records = 0;       // records read (ads + quarantined)
  uint64_t ads_new = 0;       // ads stored by this run
  uint64_t duplicates = 0;    // ads already in the store (or repeated in the input)
  uint64_t quarantined = 0;   // records rejected in this run (new quarantine entries)
  uint64_t utf8_repairs = 0;  // invalid UTF-8 sequences replaced
  uint64_t input_bytes = 0;   // decompressed bytes of records read
  uint64_t store_ads = 0;     // ads in the store after the run
  double seconds = 0;
  std::vector<FileError> file_errors;           // files that ended early (I/O, corrupt compression)
  std::vector<std::pair<std::string, uint64_t>> quarantine_reasons;  // reason -> count, most common first
};

// Runs the job. Returns a non-OK status (after committing everything accepted)
// when the store cannot be opened or written, or `max_errors` is exceeded.
core::Result<IngestSummary> RunIngest(const IngestOptions& options);

}  // namespace lodestar::pipeline
