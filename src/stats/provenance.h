// Provenance: where a figure comes from and how it was made.
//
// Every table Lodestar's measurement layer emits carries one Provenance. CSV
// exports start with a block of `# provenance: key=value` comment lines (readers
// that skip '#' lines, including ours, still parse the table); JSON exports have a
// "provenance" object beside "rows". The file hash lets a reader check that the
// figure was computed from exactly the file they have.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace lodestar::stats {

struct Provenance {
  std::string dataset;       // a name or path ("us-hotline-calls-cases-by-state-2012-2016.csv")
  std::string version;       // the publisher's version/date if known, else the file's modification date
  std::string content_hash;  // "xxh3-128:<32 hex>" of the file bytes as read (after decompression), or ""
  std::string source;        // who published it ("Polaris via RossThorn/human-trafficking-viz")
  std::string query;         // what was asked ("counts by state")
  std::string filters;       // "year=2016" etc.; "" = none
  std::string method;        // "sum of counts; cells < 5 shown as <5"; "Wilson 95% interval" ...
  std::string generated_at;  // UTC ISO 8601; honours SOURCE_DATE_EPOCH for reproducible output
  std::string tool = "lodestar 0.1.0";

  nlohmann::json ToJson() const;
  // `# provenance: key=value` lines, one per non-empty field, each ending in '\n'.
  std::string ToCsvComment() const;
};

// Fills dataset, version (file mtime as YYYY-MM-DD), content_hash and generated_at
// for a file. An unreadable file is an error naming it.
core::Result<Provenance> ProvenanceForFile(const std::string& path);
// Same, for bytes already in memory (hash of `content`; version from the file's mtime).
Provenance ProvenanceForContent(const std::string& path, std::string_view content);

// "xxh3-128:<hex>".
std::string ContentHash(std::string_view bytes);
// Now in UTC, or SOURCE_DATE_EPOCH if set.
std::string GeneratedAt();

// A table of results with its provenance. Cells are JSON values (string, number
// or null = missing); CSV renders null as an empty field.
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<nlohmann::json>> rows;
  Provenance provenance;
  std::vector<std::string> notes;  // caveats printed under the table (and in JSON "notes")

  std::string ToCsv() const;
  nlohmann::json ToJson() const;
  // Fixed-width text for terminals, with the provenance and notes underneath.
  std::string ToText() const;
};

// Formats a number for tables: integers without decimals, others with `digits` significant figures.
std::string FormatNumber(double v, int digits = 4);

}  // namespace lodestar::stats
