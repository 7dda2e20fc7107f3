#include "stats/csv.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <memory>

#include "io/input_stream.h"

namespace lodestar::stats {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (Trim(header[i]) == Trim(name)) return static_cast<int>(i);
  }
  return -1;
}

core::Result<size_t> CsvTable::RequireColumn(std::string_view name) const {
  int c = Column(name);
  if (c >= 0) return static_cast<size_t>(c);
  std::string cols;
  for (size_t i = 0; i < header.size(); ++i) { if (i) cols += ", "; cols += header[i]; }
  return core::Status::Error(core::StatusCode::kInvalidInput,
                             fmt::format("{}: no column '{}' (columns are: {}); pass one of these", path, name, cols));
}

core::Result<CsvTable> ParseCsv(std::string_view text, const std::string& path) {
  CsvTable table;
  table.path = path;
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF && static_cast<unsigned char>(text[1]) == 0xBB &&
      static_cast<unsigned char>(text[2]) == 0xBF) {
    text.remove_prefix(3);  // UTF-8 byte-order mark written by spreadsheet programs
  }
  size_t i = 0, line = 1;
  bool have_header = false;
  while (i < text.size()) {
    // Skip comment lines (only before the header) and blank lines.
    if ((!have_header && text[i] == '#') || text[i] == '\n' || text[i] == '\r') {
      while (i < text.size() && text[i] != '\n') ++i;
      if (i < text.size()) ++i;
      ++line;
      continue;
    }
    size_t row_line = line;
    std::vector<std::string> fields;
    std::string field;
    bool in_quotes = false, was_quoted = false, row_done = false;
    while (i < text.size() && !row_done) {
      char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          in_quotes = false;
          ++i;
          continue;
        }
        if (c == '\n') ++line;
        field.push_back(c);
        ++i;
        continue;
      }
      if (c == '"') {
        if (!field.empty() && !Trim(field).empty()) {
          return core::Status::Error(core::StatusCode::kInvalidInput,
                                     fmt::format("{}:{}: a quote inside an unquoted field; quote the whole field "
                                                 "and double inner quotes (RFC 4180)",
                                                 path, line));
        }
        field.clear();
        in_quotes = true;
        was_quoted = true;
        ++i;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
        ++i;
      } else if (c == '\r') {
        ++i;
      } else if (c == '\n') {
        ++i;
        ++line;
        row_done = true;
      } else if (was_quoted) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
          return core::Status::Error(core::StatusCode::kInvalidInput,
                                     fmt::format("{}:{}: text after a closing quote; check the quoting", path, line));
        }
        ++i;
      } else {
        // Fast path: copy the run of ordinary bytes up to the next delimiter at once.
        size_t j = i;
        while (j < text.size() && text[j] != ',' && text[j] != '\n' && text[j] != '\r' && text[j] != '"') ++j;
        field.append(text.data() + i, j - i);
        i = j;
      }
    }
    if (in_quotes) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("{}:{}: a quoted field is never closed; check the quoting", path, row_line));
    }
    fields.push_back(std::move(field));
    if (!have_header) {
      table.header = std::move(fields);
      for (auto& h : table.header) h = std::string(Trim(h));
      have_header = true;
      continue;
    }
    if (fields.size() > table.header.size()) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 fmt::format("{}:{}: {} fields but the header has {}; quote fields that contain commas",
                                             path, row_line, fields.size(), table.header.size()));
    }
    fields.resize(table.header.size());
    table.rows.push_back(std::move(fields));
    table.line_numbers.push_back(row_line);
  }
  if (!have_header) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("{}: empty file; expected a CSV header line", path));
  }
  return table;
}

core::Result<std::string> ReadWholeFile(const std::string& path) {
  auto in = io::OpenInput(path);
  if (!in.ok()) return in.status();
  std::string out;
  std::unique_ptr<io::InputStream> stream = std::move(in.value());
  char buf[1 << 16];
  for (;;) {
    auto n = stream->Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (n.value() == 0) break;
    out.append(buf, n.value());
  }
  return out;
}

core::Result<CsvTable> ReadCsvFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ParseCsv(text.value(), path);
}

std::string CsvEscape(std::string_view field) {
  bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos || (!field.empty() && field[0] == '#');
  if (!needs) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

bool ParseCount(std::string_view text, long long& out) {
  text = Trim(text);
  if (text.empty() || text.size() > 24) return false;
  // Digits, optionally grouped by thousands separators: "1757" or "1,757", never "1,75".
  std::string digits;
  size_t group = 0;
  bool grouped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
      ++group;
    } else if (c == ',' && group > 0 && (grouped ? group == 3 : group <= 3)) {
      grouped = true;
      group = 0;
    } else {
      return false;
    }
  }
  if (digits.empty() || digits.size() > 18 || (grouped && group != 3)) return false;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  return ec == std::errc() && p == digits.data() + digits.size();
}

bool ParseNumber(std::string_view text, double& out) {
  text = Trim(text);
  if (text.empty()) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace lodestar::stats
