#include "stats/provenance.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>

#include "core/time.h"
#include "stats/csv.h"

namespace lodestar::stats {

std::string ContentHash(std::string_view bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return fmt::format("xxh3-128:{:016x}{:016x}", h.high64, h.low64);
}

std::string GeneratedAt() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    long long v = std::strtoll(epoch, &end, 10);
    if (end && *end == '\0' && v >= 0) return core::FormatDateTime(v);
  }
  return core::FormatDateTime(static_cast<int64_t>(std::time(nullptr)));
}

namespace {
std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
std::string FileDate(const std::string& path) {
  struct stat st;
  if (path == "-" || stat(path.c_str(), &st) != 0) return "";
  return "file modified " + core::FormatDate(static_cast<int64_t>(st.st_mtime));
}
}  // namespace

Provenance ProvenanceForContent(const std::string& path, std::string_view content) {
  Provenance p;
  p.dataset = path == "-" ? "stdin" : BaseName(path);
  p.version = FileDate(path);
  p.content_hash = ContentHash(content);
  p.generated_at = GeneratedAt();
  return p;
}

core::Result<Provenance> ProvenanceForFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  return ProvenanceForContent(path, text.value());
}

nlohmann::json Provenance::ToJson() const {
  nlohmann::json j = nlohmann::json::object();
  auto put = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  put("dataset", dataset);
  put("version", version);
  put("content_hash", content_hash);
  put("source", source);
  put("query", query);
  put("filters", filters);
  put("method", method);
  put("generated_at", generated_at);
  put("tool", tool);
  return j;
}

std::string Provenance::ToCsvComment() const {
  // Fixed order (JSON objects sort their keys): the dataset first, the tool last.
  const std::pair<const char*, const std::string*> fields[] = {
      {"dataset", &dataset}, {"version", &version}, {"content_hash", &content_hash},
      {"source", &source},   {"query", &query},     {"filters", &filters},
      {"method", &method},   {"generated_at", &generated_at}, {"tool", &tool}};
  std::string out;
  for (auto& [k, v] : fields) {
    if (v->empty()) continue;
    std::string s = *v;
    std::replace(s.begin(), s.end(), '\n', ' ');
    out += fmt::format("# provenance: {}={}\n", k, s);
  }
  return out;
}

std::string FormatNumber(double v, int digits) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  if (v == std::round(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.{}g}", v, digits);
}

namespace {
std::string CellText(const nlohmann::json& c) {
  if (c.is_null()) return "";
  if (c.is_string()) return c.get<std::string>();
  if (c.is_number_integer()) return std::to_string(c.get<long long>());
  if (c.is_number()) return FormatNumber(c.get<double>(), 6);
  if (c.is_boolean()) return c.get<bool>() ? "true" : "false";
  return c.dump();
}
}  // namespace

std::string Table::ToCsv() const {
  std::string out = provenance.ToCsvComment();
  for (auto& n : notes) out += "# note: " + n + "\n";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out += ',';
    out += CsvEscape(columns[i]);
  }
  out += "\n";
  for (auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += CsvEscape(CellText(row[i]));
    }
    out += "\n";
  }
  return out;
}

nlohmann::json Table::ToJson() const {
  nlohmann::json j;
  j["columns"] = columns;
  nlohmann::json rs = nlohmann::json::array();
  for (auto& row : rows) {
    nlohmann::json r = nlohmann::json::object();
    for (size_t i = 0; i < row.size() && i < columns.size(); ++i) r[columns[i]] = row[i];
    rs.push_back(std::move(r));
  }
  j["rows"] = std::move(rs);
  if (!notes.empty()) j["notes"] = notes;
  j["provenance"] = provenance.ToJson();
  return j;
}

std::string Table::ToText() const {
  std::vector<size_t> width(columns.size());
  std::vector<std::vector<std::string>> cells;
  for (size_t i = 0; i < columns.size(); ++i) width[i] = columns[i].size();
  for (auto& row : rows) {
    std::vector<std::string> r;
    for (size_t i = 0; i < columns.size(); ++i) {
      r.push_back(i < row.size() ? CellText(row[i]) : "");
      width[i] = std::max(width[i], r.back().size());
    }
    cells.push_back(std::move(r));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) out += fmt::format("{}{:<{}}", i ? "  " : "", r[i], width[i]);
    out += "\n";
  };
  line(columns);
  for (auto& r : cells) line(r);
  for (auto& n : notes) out += "note: " + n + "\n";
  std::string prov = provenance.ToCsvComment();
  for (size_t pos = 0; (pos = prov.find("# provenance: ", pos)) != std::string::npos;) prov.replace(pos, 14, "source: ");
  out += prov;
  return out;
}

}  // namespace lodestar::stats
