#include "cases/missing.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "cases/identifiers.h"
#include "core/time.h"

namespace lodestar::cases {

namespace {

// RFC 4180-style rows: quoted fields may hold commas, quotes ("") and newlines.
std::vector<std::vector<std::string>> SplitCsv(std::string_view text, std::vector<size_t>& lines) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  size_t line = 1, row_line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
        lines.push_back(row_line);
      }
      row.clear();
      field.clear();
      any = false;
      ++line;
      row_line = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
    lines.push_back(row_line);
  }
  return rows;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t b = 0;
  while (b < s.size() && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  return s.substr(b);
}

std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

double Jaro(const std::string& a, const std::string& b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  int window = std::max<int>(0, static_cast<int>(std::max(a.size(), b.size())) / 2 - 1);
  std::vector<bool> ma(a.size()), mb(b.size());
  int matches = 0;
  for (int i = 0; i < static_cast<int>(a.size()); ++i) {
    int lo = std::max(0, i - window), hi = std::min<int>(static_cast<int>(b.size()) - 1, i + window);
    for (int j = lo; j <= hi; ++j) {
      if (!mb[j] && a[i] == b[j]) {
        ma[i] = mb[j] = true;
        ++matches;
        break;
      }
    }
  }
  if (!matches) return 0.0;
  int t = 0;
  for (size_t i = 0, j = 0; i < a.size(); ++i) {
    if (!ma[i]) continue;
    while (!mb[j]) ++j;
    if (a[i] != b[j]) ++t;
    ++j;
  }
  double m = matches;
  return (m / a.size() + m / b.size() + (m - t / 2.0) / m) / 3.0;
}

double JaroWinkler(const std::string& a, const std::string& b) {
  double j = Jaro(a, b);
  size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  return j + prefix * 0.1 * (1.0 - j);
}

std::vector<std::string> Tokens(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

}  // namespace

core::Result<MissingCsv> ParseMissingCsv(std::string_view text, const std::string& file) {
  std::vector<size_t> lines;
  auto rows = SplitCsv(text, lines);
  if (rows.empty()) {
    return core::Status::Error(core::StatusCode::kInvalidInput, file + ": empty; expected a header row with at least "
                                                                       "a `name` column");
  }
  std::map<std::string, int> col;
  const std::map<std::string, std::string> aliases = {
      {"id", "id"}, {"report_id", "id"}, {"case_number", "id"}, {"name", "name"}, {"full_name", "name"},
      {"age", "age"}, {"gender", "gender"}, {"sex", "gender"}, {"last_seen_place", "place"}, {"place", "place"},
      {"location", "place"}, {"last_seen_date", "date"}, {"missing_since", "date"}, {"date", "date"},
      {"source", "source"}};
  for (size_t i = 0; i < rows[0].size(); ++i) {
    auto key = LowerAscii(Trim(rows[0][i]));
    if (!key.empty() && static_cast<unsigned char>(key[0]) == 0xEF) key.erase(0, 3);  // UTF-8 BOM
    auto it = aliases.find(key);
    if (it != aliases.end() && !col.count(it->second)) col[it->second] = static_cast<int>(i);
  }
  if (!col.count("name")) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               file + ":1: no `name` column in the header; expected columns id,name,age,gender,"
                                      "last_seen_place,last_seen_date,source");
  }
  MissingCsv out;
  auto get = [&](const std::vector<std::string>& row, const char* k) -> std::string {
    auto it = col.find(k);
    if (it == col.end() || it->second >= static_cast<int>(row.size())) return {};
    return Trim(row[it->second]);
  };
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    std::string where = file + ":" + std::to_string(lines[r]);
    MissingReport m;
    m.external_id = get(row, "id");
    m.name = get(row, "name");
    if (NormalizeName(m.name).empty()) {
      out.errors.push_back(where + ": empty name, row skipped");
      continue;
    }
    if (m.name.size() > 200) {
      out.errors.push_back(where + ": name longer than 200 bytes, row skipped");
      continue;
    }
    auto age = get(row, "age");
    if (!age.empty()) {
      char* end = nullptr;
      long v = std::strtol(age.c_str(), &end, 10);
      if (*end || v < 0 || v > 120) {
        out.errors.push_back(where + ": age '" + age.substr(0, 10) + "' is not 0-120, age left unknown");
      } else {
        m.age = static_cast<int>(v);
      }
    }
    auto g = LowerAscii(get(row, "gender"));
    if (g == "f") g = "female";
    if (g == "m") g = "male";
    m.gender = OneOf(g, kGenders) ? g : "unknown";
    m.last_seen_place = get(row, "place").substr(0, 200);
    auto d = get(row, "date");
    if (!d.empty()) {
      m.last_seen = core::ParseTimestamp(d);
      if (!m.last_seen) out.errors.push_back(where + ": last_seen_date not understood, left unknown");
    }
    m.source = get(row, "source").substr(0, 64);
    out.reports.push_back(std::move(m));
  }
  return out;
}

double NameSimilarity(std::string_view a, std::string_view b) {
  auto na = NormalizeName(a), nb = NormalizeName(b);
  if (na.empty() || nb.empty()) return 0;
  double whole = JaroWinkler(na, nb);
  // Token-level best matches cope with a missing middle name or swapped order.
  auto ta = Tokens(na), tb = Tokens(nb);
  if (ta.size() > tb.size()) std::swap(ta, tb);
  double sum = 0;
  for (const auto& x : ta) {
    double best = 0;
    for (const auto& y : tb) best = std::max(best, JaroWinkler(x, y));
    sum += best;
  }
  double tokens = ta.empty() ? 0 : sum / ta.size();
  // Penalise a one-token name matched against a longer one (a first name alone is weak).
  if (ta.size() == 1 && tb.size() > 1) tokens *= 0.85;
  return std::max(whole, tokens);
}

MatchScore ScoreMatch(const MissingReport& m, const MatchCandidate& c) {
  MatchScore s;
  s.name = NameSimilarity(m.name, c.name);
  if (s.name < 0.75) return s;
  double years = 0;
  if (m.last_seen && c.seen_at) years = std::max<double>(0, (c.seen_at - *m.last_seen) / (365.25 * 86400));
  if (m.age && c.age) {
    double expected = *m.age + years;
    double d = std::fabs(*c.age - expected);
    s.age = std::max(0.0, 1.0 - d / 5.0);
  } else {
    s.age = 0.5;
  }
  auto place_a = NormalizeName(m.last_seen_place), place_b = NormalizeName(c.place);
  if (place_a.empty() || place_b.empty()) {
    s.place = 0.5;
  } else {
    auto ta = Tokens(place_a), tb = Tokens(place_b);
    int common = 0;
    for (const auto& x : ta)
      if (std::find(tb.begin(), tb.end(), x) != tb.end()) ++common;
    s.place = ta.empty() ? 0 : static_cast<double>(common) / ta.size();
  }
  if (!m.last_seen || !c.seen_at) {
    s.date = 0.5;
  } else if (c.seen_at + 86400 < *m.last_seen) {
    s.date = 0.2;  // recorded in a case before going missing: possible but unlikely the same episode
  } else {
    s.date = std::max(0.0, 1.0 - std::max(0.0, years - 1) / 9.0);
  }
  bool gender_conflict = m.gender != "unknown" && !c.gender.empty() && c.gender != "unknown" && m.gender != c.gender;
  s.total = 0.55 * s.name + 0.20 * s.age + 0.15 * s.place + 0.10 * s.date;
  if (gender_conflict) s.total *= 0.6;
  return s;
}

}  // namespace lodestar::cases
