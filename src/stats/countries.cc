#include "stats/countries.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>

#include "stats/csv.h"
#include "stats/country_names.h"

namespace lodestar::stats {
namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

nlohmann::json Opt(const std::optional<int>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }
nlohmann::json OptD(const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

core::Status RowError(const CsvTable& t, size_t r, const std::string& what) {
  return core::Status::Error(core::StatusCode::kInvalidInput,
                             fmt::format("{}:{}: {}", t.path, t.line_numbers[r], what));
}

}  // namespace

std::optional<int> PolicyRecord::P3Index() const {
  if (!prosecution || !protection || !prevention) return std::nullopt;
  return *prosecution + *protection + *prevention;
}

std::string TipTierLabel(std::optional<double> tier) {
  if (!tier) return "";
  double t = *tier;
  if (t == 1) return "Tier 1";
  if (t == 2) return "Tier 2";
  if (t == 2.5) return "Tier 2 Watch List";
  if (t == 3) return "Tier 3";
  if (t == 555) return "not ranked";
  if (t == 666) return "special case";
  return fmt::format("code {}", FormatNumber(t));
}

core::Result<PolicyData> LoadPolicyCsv(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  auto csv = ParseCsv(text.value(), path);
  if (!csv.ok()) return csv.status();
  PolicyData data;
  data.provenance = ProvenanceForContent(path, text.value());
  if (BaseName(path).find("3p-index") != std::string::npos) {
    data.provenance.source =
        "3P Anti-trafficking Policy Index (Cho, Dreher & Neumayer) with US TIP tiers, as redistributed in "
        "andrewheiss/scorecard-diplomacy";
  } else {
    data.provenance.source = "user-supplied 3P index table";
  }
  size_t cols[6];
  const char* names[6] = {"country", "year", "tip_tier", "prosecution", "protection", "prevention"};
  for (int i = 0; i < 6; ++i) {
    auto c = csv->RequireColumn(names[i]);
    if (!c.ok()) return c.status();
    cols[i] = c.value();
  }
  int cow = csv->Column("cow_code"), p3 = csv->Column("p3_index");
  data.records.reserve(csv->rows.size());
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    const auto& row = csv->rows[r];
    PolicyRecord rec;
    rec.country = row[cols[0]];
    if (rec.country.empty()) return RowError(*csv, r, "empty country name");
    long long y = 0;
    if (!ParseCount(row[cols[1]], y) || y < 1800 || y > 2200) return RowError(*csv, r, "year must be a 4-digit year");
    rec.year = static_cast<int>(y);
    if (cow >= 0) rec.cow_code = row[cow];
    double v = 0;
    if (ParseNumber(row[cols[2]], v)) rec.tip_tier = v;
    else if (!row[cols[2]].empty()) return RowError(*csv, r, fmt::format("tip_tier '{}' is not a number", row[cols[2]]));
    std::optional<int>* subs[3] = {&rec.prosecution, &rec.protection, &rec.prevention};
    for (int i = 0; i < 3; ++i) {
      const std::string& f = row[cols[3 + i]];
      if (f.empty()) continue;
      if (!ParseNumber(f, v) || v != std::floor(v) || v < 1 || v > 5) {
        return RowError(*csv, r, fmt::format("{} must be an integer score 1-5, got '{}'", names[3 + i], f));
      }
      *subs[i] = static_cast<int>(v);
    }
    if (p3 >= 0 && ParseNumber(row[p3], v)) rec.p3_index_published = v;
    auto ours = rec.P3Index();
    if (rec.p3_index_published.has_value() != ours.has_value() ||
        (ours && std::fabs(*rec.p3_index_published - *ours) > 1e-9)) {
      ++data.index_mismatches;
      if (data.mismatch_examples.size() < 5) {
        data.mismatch_examples.push_back(
            ours ? fmt::format("{} {}: published {}, sum {}", rec.country, rec.year,
                               rec.p3_index_published ? FormatNumber(*rec.p3_index_published) : "none", *ours)
                 : fmt::format("{} {}: published {} but a sub-score is missing", rec.country, rec.year,
                               FormatNumber(*rec.p3_index_published)));
      }
    }
    data.records.push_back(std::move(rec));
  }
  return data;
}

std::vector<RankRow> RankYear(const PolicyData& data, int year) {
  std::vector<RankRow> rows;
  for (auto& r : data.records) {
    if (r.year != year) continue;
    RankRow row;
    row.country = r.country;
    row.p3_index = r.P3Index();
    row.prosecution = r.prosecution;
    row.protection = r.protection;
    row.prevention = r.prevention;
    row.tip_tier = r.tip_tier;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const RankRow& a, const RankRow& b) {
    if (a.p3_index.has_value() != b.p3_index.has_value()) return a.p3_index.has_value();
    if (a.p3_index && *a.p3_index != *b.p3_index) return *a.p3_index > *b.p3_index;
    return a.country < b.country;
  });
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].p3_index) break;
    if (i > 0 && rows[i - 1].p3_index == rows[i].p3_index) {
      rows[i].rank = rows[i - 1].rank;
      rows[i].tied = rows[i - 1].tied = true;
    } else {
      rows[i].rank = static_cast<int>(i) + 1;
    }
  }
  return rows;
}

Table RankTable(const PolicyData& data, int year) {
  Table t;
  t.columns = {"rank", "country", "p3_index", "prosecution", "protection", "prevention", "tip_tier", "tip_tier_label",
               "tied"};
  auto rows = RankYear(data, year);
  size_t missing = 0;
  for (auto& r : rows) {
    if (!r.rank) ++missing;
    t.rows.push_back({Opt(r.rank), r.country, Opt(r.p3_index), Opt(r.prosecution), Opt(r.protection),
                      Opt(r.prevention), OptD(r.tip_tier), TipTierLabel(r.tip_tier), r.tied});
  }
  t.provenance = data.provenance;
  t.provenance.query = "rank countries by 3P index";
  t.provenance.filters = fmt::format("year={}", year);
  t.provenance.method =
      "p3_index = prosecution + protection + prevention (unweighted sum, 3-15), recomputed from the sub-scores; "
      "competition ranking (ties share the best rank, next rank skips); missing sub-scores = no index, no rank";
  if (rows.empty()) t.notes.push_back(fmt::format("no records for year {}", year));
  t.notes.push_back(fmt::format("{} countries ranked, {} with missing sub-scores (listed last, rank empty)",
                                rows.size() - missing, missing));
  if (data.index_mismatches > 0) {
    std::string examples;
    for (auto& e : data.mismatch_examples) { if (!examples.empty()) examples += "; "; examples += e; }
    t.notes.push_back(fmt::format("{} rows in the file have a published p3_index that is not the sum of three "
                                  "sub-scores ({}); we use the sum and leave incomplete rows unranked",
                                  data.index_mismatches, examples));
  }
  return t;
}

core::Result<std::string> ResolveCountry(const PolicyData& data, const std::string& name) {
  std::set<std::string> all;
  for (auto& r : data.records) all.insert(r.country);
  std::string want = Lower(name);
  for (auto& c : all)
    if (Lower(c) == want) return c;
  // Another spelling of the same country ("United Kingdom" for the file's "UK").
  const std::string key = CountryKey(name);
  for (auto& c : all)
    if (!key.empty() && CountryKey(c) == key) return c;
  std::vector<std::string> hits;
  for (auto& c : all)
    if (Lower(c).find(want) != std::string::npos) hits.push_back(c);
  if (hits.size() == 1) return hits[0];
  std::string list;
  for (size_t i = 0; i < hits.size() && i < 8; ++i) { if (i) list += ", "; list += hits[i]; }
  return core::Status::Error(
      core::StatusCode::kNotFound,
      hits.empty() ? fmt::format("{}: no country named '{}'; check the spelling used in the file", data.provenance.dataset,
                                 name)
                   : fmt::format("{}: '{}' matches several countries ({}); give the full name", data.provenance.dataset,
                                 name, list));
}

std::vector<ChangeRow> CountryChanges(const PolicyData& data, const std::string& country) {
  std::vector<const PolicyRecord*> recs;
  for (auto& r : data.records)
    if (r.country == country) recs.push_back(&r);
  std::sort(recs.begin(), recs.end(), [](auto* a, auto* b) { return a->year < b->year; });
  std::vector<ChangeRow> out;
  std::optional<int> last_index;
  std::optional<double> last_tier;
  for (auto* r : recs) {
    ChangeRow c;
    c.year = r->year;
    c.p3_index = r->P3Index();
    c.prosecution = r->prosecution;
    c.protection = r->protection;
    c.prevention = r->prevention;
    c.tip_tier = r->tip_tier;
    if (c.p3_index && last_index) c.change = *c.p3_index - *last_index;
    if (c.p3_index) last_index = c.p3_index;
    c.tier_changed = c.tip_tier && last_tier && *c.tip_tier != *last_tier;
    if (c.tip_tier) last_tier = c.tip_tier;
    out.push_back(c);
  }
  return out;
}

Table ChangesTable(const PolicyData& data, const std::string& country) {
  Table t;
  t.columns = {"year", "p3_index", "change", "prosecution", "protection", "prevention", "tip_tier", "tip_tier_label",
               "tier_changed"};
  for (auto& c : CountryChanges(data, country)) {
    t.rows.push_back({c.year, Opt(c.p3_index), Opt(c.change), Opt(c.prosecution), Opt(c.protection),
                      Opt(c.prevention), OptD(c.tip_tier), TipTierLabel(c.tip_tier), c.tier_changed});
  }
  t.provenance = data.provenance;
  t.provenance.query = "3P index and TIP tier over time";
  t.provenance.filters = "country=" + country;
  t.provenance.method = "p3_index = unweighted sum of sub-scores; change = difference from the previous year with an "
                        "index (years with missing sub-scores are skipped, not treated as zero)";
  return t;
}

core::Result<UnodcData> LoadUnodcCsv(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  auto csv = ParseCsv(text.value(), path);
  if (!csv.ok()) return csv.status();
  UnodcData data;
  data.provenance = ProvenanceForContent(path, text.value());
  data.provenance.source = BaseName(path).find("unodc") != std::string::npos
                               ? "UNODC Global Report on Trafficking in Persons data (GLOTIP), May 2023 release"
                               : "user-supplied UNODC-format table";
  const char* names[11] = {"Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension",
                           "Category",  "Sex",     "Age",    "Year",      "txtVALUE"};
  size_t cols[11];
  for (int i = 0; i < 11; ++i) {
    auto c = csv->RequireColumn(names[i]);
    if (!c.ok()) return c.status();
    cols[i] = c.value();
  }
  data.records.reserve(csv->rows.size());
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    const auto& row = csv->rows[r];
    UnodcRecord rec;
    rec.iso3 = row[cols[0]];
    rec.country = row[cols[1]];
    rec.region = row[cols[2]];
    rec.subregion = row[cols[3]];
    rec.indicator = row[cols[4]];
    rec.dimension = row[cols[5]];
    rec.category = row[cols[6]];
    rec.sex = row[cols[7]];
    rec.age = row[cols[8]];
    long long y = 0;
    if (!ParseCount(row[cols[9]], y)) return RowError(*csv, r, fmt::format("Year '{}' is not a year", row[cols[9]]));
    rec.year = static_cast<int>(y);
    const std::string& v = row[cols[10]];
    long long n = 0;
    if (v == "<5") {
      rec.value = {0, 4};
    } else if (ParseCount(v, n)) {
      rec.value = {n, n};
    } else {
      return RowError(*csv, r, fmt::format("txtVALUE '{}' is neither a count nor '<5'", v));
    }
    data.records.push_back(std::move(rec));
  }
  return data;
}

std::vector<FlowRow> DetectedVictimFlows(const UnodcData& data, int year) {
  std::set<std::string> countries;
  for (auto& r : data.records) countries.insert(r.country);
  std::map<std::pair<std::string, std::string>, FlowRow> flows;
  for (auto& r : data.records) {
    if (r.indicator != "Detected trafficking victims" || r.dimension != "by citizenship" || r.sex != "Total" ||
        r.age != "Total" || (year != 0 && r.year != year)) {
      continue;
    }
    bool domestic = r.category == "Nationals" || r.category == r.country;
    bool blank = r.category.empty();
    std::string origin = domestic ? r.country : (blank ? "(not stated)" : r.category);
    auto& f = flows[{origin, r.country}];
    if (f.cells == 0) {
      f.origin = origin;
      f.destination = r.country;
      f.destination_iso3 = r.iso3;
      f.origin_kind = domestic ? "domestic" : (!blank && countries.count(r.category) ? "foreign" : "unspecified");
      f.first_year = f.last_year = r.year;
    }
    f.victims.lo += r.value.lo;
    f.victims.hi += r.value.hi;
    ++f.cells;
    if (r.value.suppressed()) ++f.suppressed_cells;
    f.first_year = std::min(f.first_year, r.year);
    f.last_year = std::max(f.last_year, r.year);
  }
  std::vector<FlowRow> out;
  out.reserve(flows.size());
  for (auto& [k, f] : flows) out.push_back(std::move(f));
  std::sort(out.begin(), out.end(), [](const FlowRow& a, const FlowRow& b) {
    if (a.victims.hi != b.victims.hi) return a.victims.hi > b.victims.hi;
    if (a.victims.lo != b.victims.lo) return a.victims.lo > b.victims.lo;
    return std::tie(a.destination, a.origin) < std::tie(b.destination, b.origin);
  });
  return out;
}

Table FlowsTable(const UnodcData& data, int year, size_t limit) {
  Table t;
  t.columns = {"origin", "destination", "destination_iso3", "origin_kind", "victims_lo", "victims_hi", "years",
               "suppressed_cells"};
  auto flows = DetectedVictimFlows(data, year);
  size_t n = limit == 0 ? flows.size() : std::min(limit, flows.size());
  for (size_t i = 0; i < n; ++i) {
    auto& f = flows[i];
    t.rows.push_back({f.origin, f.destination, f.destination_iso3, f.origin_kind, f.victims.lo, f.victims.hi,
                      f.first_year == f.last_year ? std::to_string(f.first_year)
                                                  : fmt::format("{}-{}", f.first_year, f.last_year),
                      f.suppressed_cells});
  }
  t.provenance = data.provenance;
  t.provenance.query = "detected trafficking victims, origin (citizenship) -> destination (detecting country)";
  t.provenance.filters = fmt::format("Indicator=Detected trafficking victims; Dimension=by citizenship; Sex=Total; "
                                     "Age=Total; {}",
                                     year ? fmt::format("Year={}", year) : std::string("all years summed"));
  t.provenance.method = "sum of published counts; '<5' kept as the interval [0,4] (the file never publishes 0-4 "
                        "explicitly), so each flow is a range victims_lo..victims_hi";
  t.notes.push_back(fmt::format("{} flows{}; origin labels are as published (mixed languages and spellings; "
                                "'unspecified' = not a country name in the file)",
                                flows.size(), n < flows.size() ? fmt::format(", showing the largest {}", n) : ""));
  return t;
}

}  // namespace lodestar::stats
