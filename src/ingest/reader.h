// Readers: turning the files investigators hold into Ads.
//
// Reading is split in two so ingest can use every core:
//   RecordReader  (serial, one per file) cuts the decompressed byte stream into
//                 raw records and remembers where each came from;
//   RecordDecoder (one per worker thread) turns one raw record into an Ad.
// A decoder failure quarantines that record only; a reader failure (I/O,
// corrupt compression) ends that file but keeps every record already read.
//
// Memory: readers hold one buffer plus the current record, whatever the file size.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/ad.h"
#include "core/status.h"
#include "io/input_stream.h"

namespace lodestar::ingest {

enum class Format { kAuto, kJsonLines, kCsv, kWarc, kHtml };

// "jsonl", "csv", "warc", "html" (and "cdr", an alias of jsonl: CDR documents are
// recognised inside JSON Lines by their raw_content field).
core::Result<Format> ParseFormat(const std::string& name);
const char* FormatName(Format f);

// Guesses the format from the name (after stripping .gz/.zst) and, when the name
// says nothing, from the first bytes of the decompressed stream.
Format DetectFormat(const std::string& path, std::string_view first_bytes);

struct RawRecord {
  std::string bytes;         // the record as it appears in the decompressed input
  uint64_t line = 0;         // 1-based line (JSONL, CSV) or record number (WARC, HTML)
  uint64_t byte_offset = 0;  // offset in the decompressed stream
};

// User overrides of which input field fills which Ad field: --map body=description.
// Keys are Ad field names: id, source, url, title, body, location, posted, crawled.
using FieldMap = std::map<std::string, std::string>;

struct DecodeStats {
  uint64_t utf8_repairs = 0;  // invalid byte sequences replaced by U+FFFD
};

class RecordDecoder {
 public:
  virtual ~RecordDecoder() = default;
  // Fills `ad` (text fields, timestamps, raw) from one record. A non-OK status
  // (kInvalidInput) means the record is quarantined with that reason.
  // `ad.provenance` is set by the caller.
  virtual core::Status Decode(const RawRecord& record, core::Ad& ad, DecodeStats& stats) = 0;
};

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads the next record. Returns false at end of input. A non-OK status is
  // fatal for this file (the caller reports it and moves to the next file).
  virtual core::Result<bool> Next(RawRecord& record) = 0;
  // Creates a decoder for one worker thread. Call only after the first Next()
  // (CSV decoders need the header row).
  virtual std::unique_ptr<RecordDecoder> NewDecoder() const = 0;
  virtual Format format() const = 0;
  // Bytes consumed from the file (compressed bytes for .gz/.zst), for progress.
  virtual uint64_t file_bytes_read() const = 0;
};

// Opens `path` with the given format (kAuto = detect). Errors name the file.
core::Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path, Format format,
                                                       const FieldMap& field_map);

// Per-format factories (used by OpenReader and by tests/fuzzers).
std::unique_ptr<RecordReader> NewJsonLinesReader(std::unique_ptr<io::InputStream> in, const FieldMap& map);
std::unique_ptr<RecordReader> NewCsvReader(std::unique_ptr<io::InputStream> in, const FieldMap& map);
std::unique_ptr<RecordReader> NewWarcReader(std::unique_ptr<io::InputStream> in, const FieldMap& map);
std::unique_ptr<RecordReader> NewHtmlReader(std::unique_ptr<io::InputStream> in, const FieldMap& map);

// Decoder for one JSON object (a JSON Lines record or a Memex CDR document).
// Exposed because the CSV reader turns rows into the same field lookup.
std::unique_ptr<RecordDecoder> NewJsonDecoder(const FieldMap& map);

}  // namespace lodestar::ingest
