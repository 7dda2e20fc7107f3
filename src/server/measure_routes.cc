// Measurement routes (docs/api.md, "Measurement"): statistics over the server's
// own case database and over tables sent in the request, never over server-side
// file paths named by the client.
//
// The case figures are read with their own SQL connection (SELECTs only) rather
// than through CaseDatabase, which has no per-record export of decisions by
// design: only non-personal columns (outcome, stage, citizenship, gender, age,
// form, channel, region, dates) are read, and every released cell obeys the
// small-count rule below.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cases/sql.h"
#include "core/time.h"
#include "server/analysis_routes.h"
#include "stats/disparity.h"
#include "stats/hotline.h"
#include "stats/mse.h"
#include "stats/provenance.h"

namespace lodestar::server {

using json = nlohmann::json;

namespace {

using route::Dump;
using route::EnumParam;
using route::IntParam;
using route::NumParam;

// Cells describing fewer people than this are never released; callers may
// raise the threshold (admins may also lower it, e.g. for a test database).
constexpr int64_t kMinCell = 5;

// One lazily opened connection to the case database, used under a lock (a
// SqlConnection is single-threaded). A failed query drops it, so the next
// request reconnects (a restarted PostgreSQL, say).
class CaseReader {
 public:
  explicit CaseReader(std::string url) : url_(std::move(url)) {}

  core::Result<cases::SqlRows> Query(std::string_view sql, const std::vector<cases::SqlValue>& params = {}) {
    std::lock_guard lock(mu_);
    if (!conn_) {
      core::Result<std::unique_ptr<cases::SqlConnection>> c =
          url_.rfind("sqlite:", 0) == 0 ? cases::OpenSqlite(url_.substr(7)) : cases::OpenPostgres(url_);
      if (!c.ok()) return c.status();
      conn_ = std::move(c.value());
    }
    auto r = conn_->Query(sql, params);
    if (!r.ok()) conn_.reset();
    return r;
  }

 private:
  std::string url_;
  std::mutex mu_;
  std::unique_ptr<cases::SqlConnection> conn_;
};

struct MeasureState {
  MeasureState(ServerContext& c, std::string url) : ctx(&c), reader(std::move(url)) {}
  ServerContext* ctx;
  CaseReader reader;
  std::timed_mutex mse_mu;  // one estimate at a time: a bootstrap uses every core it is given
};

stats::Provenance CaseProvenance(ServerContext& ctx, std::string_view canonical_records) {
  stats::Provenance p;
  p.dataset = std::string("this server's case database (") + ctx.cases.backend() + ")";
  p.version = "schema v" + std::to_string(ctx.cases.schema_version());
  p.content_hash = stats::ContentHash(canonical_records);
  p.source = "Lodestar cases recorded through this server (lodestar serve --db " + ctx.db_dir + ")";
  p.generated_at = stats::GeneratedAt();
  return p;
}

std::string AgeBand(const cases::SqlRow& row, size_t age_col, size_t minor_col) {
  if (auto age = row.opt_i64(age_col)) {
    int64_t a = *age;
    if (a < 18) return "under 18";
    if (a < 25) return "18-24";
    if (a < 35) return "25-34";
    if (a < 50) return "35-49";
    return "50+";
  }
  if (auto minor = row.opt_i64(minor_col)) return *minor ? "under 18" : "adult (age unknown)";
  return "unknown";
}

// Minimum cell size: kMinCell, or the caller's ?min_cell= (higher for anyone, lower only for admins).
std::optional<Reply> MinCell(const httplib::Request& req, const cases::Actor& a, int64_t& out) {
  out = kMinCell;
  if (auto e = IntParam(req, "min_cell", 0, 1000000, out)) return e;
  if (out < kMinCell && a.role != cases::Role::kAdmin)
    return ErrorReply(400, "min_cell", "must be at least " + std::to_string(kMinCell) + " (only admins may lower it)");
  return std::nullopt;
}

Reply DecisionsRoute(MeasureState& s, const httplib::Request& req, const cases::Actor& a) {
  std::string group = "nationality", stage = "conclusive_grounds";
  double level = 0.95;
  int64_t min_cell = kMinCell;
  if (auto e = EnumParam(req, "group", {"nationality", "sex", "age_band", "form"}, group)) return *e;
  if (auto e = EnumParam(req, "stage", {"reasonable_grounds", "conclusive_grounds"}, stage)) return *e;
  if (auto e = NumParam(req, "level", 0.5, 0.9999, level)) return *e;
  if (auto e = MinCell(req, a, min_cell)) return *e;

  auto rows = s.reader.Query(
      "SELECT d.outcome, p.citizenship, p.gender, p.age, p.minor, d.case_id FROM decisions d JOIN persons p ON "
      "p.id = d.person_id WHERE d.stage = ? AND d.outcome IN ('positive', 'negative') ORDER BY d.id",
      {stage});
  if (!rows.ok()) return StatusReply(rows.status());
  std::map<int64_t, std::set<std::string>> forms;
  if (group == "form") {
    auto f = s.reader.Query("SELECT case_id, form FROM exploitation");
    if (!f.ok()) return StatusReply(f.status());
    for (const auto& row : *f) forms[row.i64(0)].insert(row.str(1));
  }
  std::vector<stats::DecisionRecord> records;
  records.reserve(rows->size());
  for (const auto& row : *rows) {
    stats::DecisionRecord r;
    r.positive = row.str(0) == "positive";
    if (group == "nationality") r.group = row.str(1).empty() ? "unknown" : row.str(1);
    else if (group == "sex") r.group = row.str(2).empty() ? "unknown" : row.str(2);
    else if (group == "age_band") r.group = AgeBand(row, 3, 4);
    else {
      // A case with several forms would count in several groups and make the
      // groups overlap; it gets a group of its own instead.
      auto it = forms.find(row.i64(5));
      if (it == forms.end() || it->second.empty()) r.group = "unknown";
      else r.group = it->second.size() == 1 ? *it->second.begin() : "several forms";
    }
    records.push_back(std::move(r));
  }
  // Small groups would single people out: pool them, and drop the pool if it is small too.
  std::map<std::string, int64_t> sizes;
  for (const auto& r : records) ++sizes[r.group];
  const std::string pooled = "other (groups under " + std::to_string(min_cell) + ")";
  int64_t pooled_n = 0, pooled_groups = 0;
  for (const auto& [g, n] : sizes) {
    if (n < min_cell) pooled_n += n, ++pooled_groups;
  }
  std::vector<stats::DecisionRecord> kept;
  for (auto& r : records) {
    if (sizes[r.group] >= min_cell) kept.push_back(std::move(r));
    else if (pooled_n >= min_cell) kept.push_back({pooled, r.positive});
  }
  // The hash covers exactly the records analysed, in a canonical order.
  std::vector<std::string> canon;
  for (const auto& r : kept) canon.push_back(r.group + "\t" + (r.positive ? "1" : "0"));
  std::sort(canon.begin(), canon.end());
  std::string canonical;
  for (const auto& c : canon) canonical += c + "\n";
  stats::Provenance prov = CaseProvenance(*s.ctx, canonical);
  prov.query = "positive rate of " + stage + " decisions by " + group;
  prov.filters = "stage=" + stage + "; outcomes positive and negative (withdrawn excluded); groups under " +
                 std::to_string(min_cell) + " decisions pooled";
  if (pooled_n > 0 && pooled_n < min_cell) prov.filters += " (" + std::to_string(pooled_n) + " decisions left out)";
  if (kept.empty()) {
    json out = {{"group", group},
                {"stage", stage},
                {"decisions", 0},
                {"groups", json::array()},
                {"note", "no " + stage + " decisions with a positive or negative outcome" +
                             (records.empty() ? std::string() : " in groups large enough to release")},
                {"provenance", prov.ToJson()}};
    return Reply{200, Dump(out)};
  }
  stats::AuditOptions o;
  o.level = level;
  auto rep = stats::AuditDecisions(kept, o, prov);
  if (!rep.ok()) return StatusReply(rep.status());
  json out = rep->ToJson();
  out["group"] = group;
  out["stage"] = stage;
  out["decisions"] = kept.size();
  if (pooled_groups) out["pooled_groups"] = pooled_groups;
  return Reply{200, Dump(out)};
}

// Unix seconds of Jan 1 of `year`, UTC.
int64_t YearStart(int64_t year) { return core::DaysFromCivil(year, 1, 1) * 86400; }

int64_t YearOfDay(int64_t day) {
  std::string d = core::FormatDate(day * 86400);
  return std::strtoll(d.c_str(), nullptr, 10);
}

Reply HotlineRoute(MeasureState& s, const httplib::Request& req, const cases::Actor& a) {
  std::string by = "state";
  int64_t year = 0, min_cell = kMinCell, seed = 1;
  double epsilon = 0;
  if (auto e = EnumParam(req, "by", {"state", "year", "channel", "form"}, by)) return *e;
  if (auto e = IntParam(req, "year", 1970, 2200, year)) return *e;
  if (auto e = MinCell(req, a, min_cell)) return *e;
  if (auto e = NumParam(req, "epsilon", 0, 100, epsilon)) return *e;
  if (auto e = IntParam(req, "seed", 0, INT64_MAX, seed)) return *e;
  if (by == "year" && year) return ErrorReply(400, "year", "cannot be combined with by=year");

  std::vector<cases::SqlValue> params;
  std::string where = " WHERE 1 = 1";
  if (year) {
    where = " WHERE t.received_at >= ? AND t.received_at < ?";
    params = {YearStart(year), YearStart(year + 1)};
  }
  // key -> (tips, cases). "cases" = distinct cases with a tip in the cell; by
  // year, cases are counted in the year they were opened.
  std::map<std::string, std::pair<int64_t, int64_t>> cells;
  if (by == "state") {
    auto r = s.reader.Query("SELECT t.country, t.region, COUNT(*), COUNT(DISTINCT t.case_id) FROM tips t" + where +
                                " GROUP BY t.country, t.region",
                            params);
    if (!r.ok()) return StatusReply(r.status());
    for (const auto& row : *r) {
      std::string key = row.str(0).empty() && row.str(1).empty() ? "unknown"
                        : row.str(1).empty()                     ? row.str(0)
                        : row.str(0).empty()                     ? row.str(1)
                                                                 : row.str(0) + "-" + row.str(1);
      cells[key].first += row.i64(2);
      cells[key].second += row.i64(3);
    }
  } else if (by == "channel") {
    auto r = s.reader.Query("SELECT t.channel, COUNT(*), COUNT(DISTINCT t.case_id) FROM tips t" + where +
                                " GROUP BY t.channel",
                            params);
    if (!r.ok()) return StatusReply(r.status());
    for (const auto& row : *r) cells[row.str(0)] = {row.i64(1), row.i64(2)};
  } else if (by == "form") {
    auto r = s.reader.Query("SELECT e.form, COUNT(t.id), COUNT(DISTINCT e.case_id) FROM exploitation e JOIN tips t "
                            "ON t.case_id = e.case_id" +
                                where + " GROUP BY e.form",
                            params);
    if (!r.ok()) return StatusReply(r.status());
    for (const auto& row : *r) cells[row.str(0)] = {row.i64(1), row.i64(2)};
  } else {
    // Grouped by day in SQL (portable integer division), folded into years here.
    auto t = s.reader.Query("SELECT t.received_at / 86400, COUNT(*) FROM tips t GROUP BY t.received_at / 86400");
    if (!t.ok()) return StatusReply(t.status());
    for (const auto& row : *t) cells[std::to_string(YearOfDay(row.i64(0)))].first += row.i64(1);
    auto c = s.reader.Query("SELECT created_at / 86400, COUNT(*) FROM cases GROUP BY created_at / 86400");
    if (!c.ok()) return StatusReply(c.status());
    for (const auto& row : *c) cells[std::to_string(YearOfDay(row.i64(0)))].second += row.i64(1);
  }

  std::string canonical;
  for (const auto& [k, v] : cells) canonical += k + "\t" + std::to_string(v.first) + "\t" + std::to_string(v.second) + "\n";
  stats::Table table;
  table.columns = {by, "tips", "cases"};
  table.provenance = CaseProvenance(*s.ctx, canonical);
  table.provenance.query = "hotline tips and cases by " + by;
  table.provenance.filters = year ? "year=" + std::to_string(year) : "all years";
  std::string method = by == "form" ? "tips of cases recorded with each form of exploitation (a case with several "
                                      "forms counts in each); cases = distinct cases"
                       : by == "year" ? "tips by the year received; cases by the year opened"
                                      : "tips per cell; cases = distinct cases with a tip in the cell";
  uint64_t noise_state = static_cast<uint64_t>(seed);
  int64_t suppressed = 0;
  for (const auto& [k, v] : cells) {
    int64_t tips = v.first, cases_n = v.second;
    if (epsilon > 0) {
      // Two queries over the same people share the budget (see stats/hotline.h): scale 2/epsilon each.
      auto noisy = [&](int64_t x) {
        return std::max<int64_t>(0, std::llround(static_cast<double>(x) + stats::LaplaceNoise(noise_state, 2 / epsilon)));
      };
      tips = noisy(tips);
      cases_n = noisy(cases_n);
    }
    auto cell = [&](int64_t x) -> json {
      if (min_cell > 0 && x < min_cell) {
        ++suppressed;
        return "<" + std::to_string(min_cell);
      }
      return x;
    };
    table.rows.push_back({k, cell(tips), cell(cases_n)});
  }
  if (epsilon > 0) {
    method += "; Laplace noise, total epsilon " + json(epsilon).dump() + " split over tips and cases (seed " +
              std::to_string(seed) + ")";
  }
  if (min_cell > 0) method += "; counts under " + std::to_string(min_cell) + " shown as <" + std::to_string(min_cell);
  table.provenance.method = method;
  if (suppressed) table.notes.push_back(std::to_string(suppressed) + " cells suppressed (small counts could identify people)");
  if (cells.empty()) table.notes.push_back("no tips recorded yet");
  json out = table.ToJson();
  out["by"] = by;
  out["threshold"] = min_cell;
  return Reply{200, Dump(out)};
}

// Body: {"lists": [names], "rows": [{"pattern": [0,1,...], "count": n}], "criterion"?, "bootstrap"?, "seed"?}.
Reply MseRoute(MeasureState& s, const httplib::Request& req, const cases::Actor&) {
  auto ct = req.get_header_value("Content-Type");
  if (!ct.empty() && ct.rfind("application/json", 0) != 0) return ErrorReply(415, "Content-Type", "send application/json");
  auto j = json::parse(req.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return ErrorReply(400, "body", "must be a JSON object {\"lists\": [...], \"rows\": [{\"pattern\": [0,1], \"count\": n}]}");
  for (const auto& [k, v] : j.items()) {
    if (k != "lists" && k != "rows" && k != "criterion" && k != "bootstrap" && k != "seed")
      return ErrorReply(400, k, "unknown field (known: lists, rows, criterion, bootstrap, seed)");
  }
  if (!j.contains("lists") || !j["lists"].is_array()) return ErrorReply(400, "lists", "required array of list names");
  stats::ListTable table;
  std::set<std::string> seen;
  for (const auto& n : j["lists"]) {
    if (!n.is_string() || n.get<std::string>().empty() || n.get<std::string>().size() > 100)
      return ErrorReply(400, "lists", "every list name must be a non-empty string of at most 100 bytes");
    if (!seen.insert(n.get<std::string>()).second)
      return ErrorReply(400, "lists", "list name '" + n.get<std::string>() + "' appears twice");
    table.list_names.push_back(n.get<std::string>());
  }
  const int k = table.num_lists();
  if (k < 2 || k > 12) return ErrorReply(400, "lists", "must name 2 to 12 lists");
  table.counts.assign(size_t{1} << k, 0);
  if (!j.contains("rows") || !j["rows"].is_array() || j["rows"].empty())
    return ErrorReply(400, "rows", "required non-empty array of {\"pattern\": [0/1 per list], \"count\": n}");
  if (j["rows"].size() > 4096) return ErrorReply(400, "rows", "at most 4096 rows");
  for (size_t i = 0; i < j["rows"].size(); ++i) {
    const json& r = j["rows"][i];
    const std::string field = "rows[" + std::to_string(i) + "]";
    if (!r.is_object() || !r.contains("pattern") || !r["pattern"].is_array() || !r.contains("count"))
      return ErrorReply(400, field, "must be {\"pattern\": [0/1 per list], \"count\": n}");
    if (r["pattern"].size() != static_cast<size_t>(k))
      return ErrorReply(400, field + ".pattern", "must have one 0/1 entry per list (" + std::to_string(k) + ")");
    size_t index = 0;
    for (int b = 0; b < k; ++b) {
      const json& x = r["pattern"][static_cast<size_t>(b)];
      if (!x.is_number_integer() || (x.get<int64_t>() != 0 && x.get<int64_t>() != 1))
        return ErrorReply(400, field + ".pattern", "entries must be 0 or 1");
      if (x.get<int64_t>() == 1) index |= size_t{1} << b;
    }
    if (index == 0) return ErrorReply(400, field + ".pattern", "all zeros: nobody can be counted on no list");
    if (!r["count"].is_number_integer() || r["count"].get<int64_t>() < 0 || r["count"].get<int64_t>() > 1000000000)
      return ErrorReply(400, field + ".count", "must be an integer 0-1000000000");
    table.counts[index] += r["count"].get<int64_t>();
  }
  stats::MseOptions o;
  if (j.contains("criterion")) {
    if (j["criterion"] == "aic") o.criterion = stats::Criterion::kAic;
    else if (j["criterion"] == "bic") o.criterion = stats::Criterion::kBic;
    else return ErrorReply(400, "criterion", "must be \"aic\" or \"bic\"");
  }
  if (j.contains("bootstrap")) {
    if (!j["bootstrap"].is_number_integer() || j["bootstrap"].get<int64_t>() < 0 || j["bootstrap"].get<int64_t>() > 2000)
      return ErrorReply(400, "bootstrap", "must be an integer 0-2000");
    o.bootstrap = static_cast<int>(j["bootstrap"].get<int64_t>());
  }
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) return ErrorReply(400, "seed", "must be a non-negative integer");
    o.seed = j["seed"].get<uint64_t>();
  }
  // Leave a core for the other requests.
  o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
  std::unique_lock lock(s.mse_mu, std::defer_lock);
  if (!lock.try_lock_for(std::chrono::seconds(30)))
    return ErrorReply(503, "", "another estimate is running; retry in a minute");
  stats::Provenance prov;
  prov.dataset = "list-membership table in the request body";
  prov.content_hash = stats::ContentHash(stats::ListTableToCsv(table));
  prov.source = "submitted to POST /api/measure/mse";
  prov.generated_at = stats::GeneratedAt();
  auto res = stats::EstimatePopulation(table, o, prov);
  if (!res.ok()) {
    if (res.status().code() == core::StatusCode::kInvalidInput) return ErrorReply(400, "rows", res.status().message());
    return StatusReply(res.status());
  }
  return Reply{200, Dump(res->ToJson())};
}

}  // namespace

void RegisterMeasureRoutes(ApiServer& server, ServerContext& ctx, const std::string& cases_url) {
  auto s = std::make_shared<MeasureState>(ctx, cases_url);
  // nullopt: every authenticated role (counts only, small cells suppressed).
  server.Route("GET", "/api/measure/decisions", std::nullopt,
               [s](const httplib::Request& req, const cases::Actor& a) { return DecisionsRoute(*s, req, a); });
  server.Route("GET", "/api/measure/hotline", std::nullopt,
               [s](const httplib::Request& req, const cases::Actor& a) { return HotlineRoute(*s, req, a); });
  server.Route("POST", "/api/measure/mse", std::nullopt,
               [s](const httplib::Request& req, const cases::Actor& a) { return MseRoute(*s, req, a); });
}

}  // namespace lodestar::server
