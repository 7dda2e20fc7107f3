// RFC 4180 CSV reading for the measurement layer's imported tables.
//
// Contract: fields may be quoted with '"'; inside quotes, commas, CR/LF and doubled
// quotes ("") are literal. Lines starting with '#' before the header are skipped
// (our own exports put provenance there). Rows shorter than the header are padded
// with empty fields; longer rows are an error naming the file and line, because a
// stray comma usually means the columns are misaligned.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lodestar::stats {

struct CsvTable {
  std::string path;  // where it came from (for messages)
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> line_numbers;  // 1-based physical line where each row starts

  // Index of `name` in the header (exact match after trimming), or -1.
  int Column(std::string_view name) const;
  // Same, but a missing column is an error that names the file and lists the header.
  core::Result<size_t> RequireColumn(std::string_view name) const;
};

// Parses CSV text. `path` is only used in error messages.
core::Result<CsvTable> ParseCsv(std::string_view text, const std::string& path);
// Reads the whole file (gzip/zstd transparently, "-" = stdin) and parses it.
core::Result<CsvTable> ReadCsvFile(const std::string& path);
// Reads a whole file into memory (same decompression rules).
core::Result<std::string> ReadWholeFile(const std::string& path);

// Quotes a field for CSV output when it needs it (comma, quote, CR/LF, leading '#').
std::string CsvEscape(std::string_view field);

// Parses an integer count such as "1,757" or " 42 " (thousands separators allowed).
// Returns false for anything else, including "<5", negatives and decimals.
bool ParseCount(std::string_view text, long long& out);
// Parses a decimal number ("3.0", "2.5"); false if empty or malformed.
bool ParseNumber(std::string_view text, double& out);

}  // namespace lodestar::stats
