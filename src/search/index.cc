#include "search/index.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>

#include "core/time.h"
#include "extract/extractor.h"
#include "link/linker.h"
#include "store/store.h"

namespace lodestar::search {
namespace {

using core::Status;
using core::StatusCode;

constexpr int kSchemaVersion = 1;

Status SqlError(sqlite3* db, const std::string& what, const std::string& path) {
  return Status::Error(StatusCode::kIoError,
                       fmt::format("{}: search index {}: {}; delete {} to rebuild it", path, what,
                                   db ? sqlite3_errmsg(db) : "cannot open", path));
}

// A prepared statement, finalised on scope exit.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) { rc_ = sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return s_; }
  void Bind(int i, const std::string& v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Bind(int i, int64_t v) { sqlite3_bind_int64(s_, i, v); }
  void Bind(int i, double v) { sqlite3_bind_double(s_, i, v); }
  int Step() { return sqlite3_step(s_); }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string Text(int c) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, c))) : std::string();
  }
  int64_t Int(int c) const { return sqlite3_column_int64(s_, c); }
  double Real(int c) const { return sqlite3_column_double(s_, c); }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

bool Exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string SpanText(const extract::Span& s) { return fmt::format("{}:{}-{}", s.field, s.begin, s.end); }

std::vector<uint32_t> ReadU32(const std::string& path) {
  std::vector<uint32_t> v;
  std::ifstream in(path, std::ios::binary);
  if (!in) return v;
  in.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(in.tellg());
  in.seekg(0);
  v.resize(size / 4);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
  return v;
}

// The ad's primary place: the most confident extracted location, else the
// stated location up to its first comma.
void PrimaryPlace(const core::Ad& ad, const extract::Facts& f, std::string& city, std::string& state) {
  const extract::LocationFact* best = nullptr;
  for (const auto& l : f.locations) {
    if (!best || l.confidence > best->confidence) best = &l;
  }
  if (best) {
    city = Lower(best->name);
    state = Lower(best->admin1);
    return;
  }
  std::string loc = ad.location;
  size_t comma = loc.find(',');
  city = Lower(loc.substr(0, comma));
  while (!city.empty() && city.back() == ' ') city.pop_back();
  if (comma != std::string::npos) {
    state = Lower(loc.substr(comma + 1));
    while (!state.empty() && state.front() == ' ') state.erase(0, 1);
  }
}

}  // namespace

std::string SearchDir(const std::string& db_dir) { return db_dir + "/derived/search"; }

Index::~Index() { sqlite3_close(db_); }

core::Result<std::unique_ptr<Index>> Index::Open(const std::string& db_dir, bool update, bool progress) {
  // The store must exist; its errors name the directory.
  {
    auto st = store::Store::Open(db_dir, store::Store::Mode::kRead);
    if (!st.ok()) return st.status();
  }
  std::unique_ptr<Index> idx(new Index());
  idx->db_dir_ = db_dir;
  std::error_code ec;
  std::filesystem::create_directories(SearchDir(db_dir), ec);
  const std::string path = SearchDir(db_dir) + "/index.sqlite";
  if (sqlite3_open_v2(path.c_str(), &idx->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return SqlError(idx->db_, "cannot open", path);
  }
  sqlite3_busy_timeout(idx->db_, 10000);
  Exec(idx->db_, "PRAGMA journal_mode=WAL");
  Exec(idx->db_, "PRAGMA synchronous=NORMAL");
  const char* schema =
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER);"
      "CREATE TABLE IF NOT EXISTS ads(ordinal INTEGER PRIMARY KEY, id TEXT, site TEXT, city TEXT, state TEXT,"
      " posted INTEGER, day INTEGER);"
      "CREATE TABLE IF NOT EXISTS facts(ordinal INTEGER, kind TEXT, value TEXT, num REAL, span TEXT);"
      "CREATE INDEX IF NOT EXISTS facts_kv ON facts(kind, value);"
      "CREATE INDEX IF NOT EXISTS facts_kn ON facts(kind, num);"
      "CREATE INDEX IF NOT EXISTS facts_o ON facts(ordinal);"
      "CREATE INDEX IF NOT EXISTS ads_id ON ads(id);"
      "CREATE INDEX IF NOT EXISTS ads_posted ON ads(posted);"
      "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');";
  if (!Exec(idx->db_, schema)) return SqlError(idx->db_, "cannot create tables", path);
  {
    Stmt s(idx->db_, "SELECT value FROM meta WHERE key='schema'");
    if (s.ok() && s.Step() == SQLITE_ROW && s.Int(0) != kSchemaVersion) {
      return Status::Error(StatusCode::kIncompatible,
                           fmt::format("{}: search index written by another version; delete {} and run "
                                       "`lodestar index --db {}`",
                                       path, SearchDir(db_dir), db_dir));
    }
  }
  Exec(idx->db_, fmt::format("INSERT OR IGNORE INTO meta VALUES('schema', {})", kSchemaVersion).c_str());
  if (update) {
    auto r = idx->Update(progress);
    if (!r.ok()) return r.status();
  }
  idx->networks_ = ReadU32(link::LinkDir(db_dir) + "/networks.u32");
  idx->clusters_ = ReadU32(link::LinkDir(db_dir) + "/clusters.u32");
  return idx;
}

uint64_t Index::size() const {
  Stmt s(db_, "SELECT COALESCE(MAX(value),0) FROM meta WHERE key='next'");
  return s.ok() && s.Step() == SQLITE_ROW ? static_cast<uint64_t>(s.Int(0)) : 0;
}

core::Result<IndexSummary> Index::Update(bool progress) {
  auto start = std::chrono::steady_clock::now();
  const std::string path = SearchDir(db_dir_) + "/index.sqlite";
  auto st = store::Store::Open(db_dir_, store::Store::Mode::kRead);
  if (!st.ok()) return st.status();
  IndexSummary sum;
  uint64_t next = size();
  if ((*st)->ad_count() <= next) {
    sum.total = next;
    return sum;
  }
  if (!Exec(db_, "BEGIN IMMEDIATE")) return SqlError(db_, "cannot start a write (another indexer running?)", path);
  // Re-read under the write lock: another process may have indexed meanwhile.
  next = size();
  Stmt ins_ad(db_, "INSERT OR REPLACE INTO ads VALUES(?,?,?,?,?,?,?)");
  Stmt ins_fts(db_, "INSERT INTO fts(rowid, title, body) VALUES(?,?,?)");
  Stmt ins_fact(db_, "INSERT INTO facts VALUES(?,?,?,?,?)");
  if (!ins_ad.ok() || !ins_fts.ok() || !ins_fact.ok()) {
    Exec(db_, "ROLLBACK");
    return SqlError(db_, "cannot prepare statements", path);
  }
  std::shared_ptr<const extract::ExtractorResources> resources;
  std::unique_ptr<extract::FactExtractor> extractor;
  Status failure;
  uint64_t done = 0, total_new = (*st)->ad_count() - next;
  extract::Facts facts;
  auto fact = [&](uint64_t o, const char* kind, const std::string& value, double num, const std::string& span) {
    ins_fact.Bind(1, static_cast<int64_t>(o));
    ins_fact.Bind(2, std::string(kind));
    ins_fact.Bind(3, value);
    ins_fact.Bind(4, num);
    ins_fact.Bind(5, span);
    ins_fact.Step();
    ins_fact.Reset();
  };
  Status scan = (*st)->ForEachAd([&](const store::StoredAd& s) {
    if (s.ordinal < next) return true;
    facts.clear();
    if (!s.facts_json.empty()) {
      auto f = extract::FactsFromJson(s.facts_json);
      if (f.ok()) facts = std::move(f.value());
    } else {
      // Ingested without extraction: extract now so filters work anyway.
      if (!extractor) {
        auto res = extract::LoadResources();
        if (!res.ok()) {
          failure = res.status();
          return false;
        }
        resources = *res;
        extractor = std::make_unique<extract::FactExtractor>(resources);
      }
      extractor->Extract(s.ad, facts);
    }
    const auto o = static_cast<int64_t>(s.ordinal);
    std::string city, state;
    PrimaryPlace(s.ad, facts, city, state);
    ins_ad.Bind(1, o);
    ins_ad.Bind(2, s.ad.display_id());
    ins_ad.Bind(3, Lower(s.ad.source));
    ins_ad.Bind(4, city);
    ins_ad.Bind(5, state);
    ins_ad.Bind(6, s.ad.posted);
    ins_ad.Bind(7, s.ad.posted ? core::DaysFromCivil(1970, 1, 1) + s.ad.posted / 86400 : int64_t{0});
    ins_ad.Step();
    ins_ad.Reset();
    ins_fts.Bind(1, o);
    ins_fts.Bind(2, s.ad.title);
    ins_fts.Bind(3, s.ad.body);
    if (ins_fts.Step() != SQLITE_DONE) {
      failure = SqlError(db_, "cannot insert text", path);
      return false;
    }
    ins_fts.Reset();
    for (const auto& p : facts.phones) fact(s.ordinal, "phone", p.e164, 0, SpanText(p.span));
    for (const auto& e : facts.emails) fact(s.ordinal, "email", e.value, 0, SpanText(e.span));
    for (const auto& h : facts.handles) fact(s.ordinal, "handle", h.handle, 0, SpanText(h.span));
    for (const auto& p : facts.payments) fact(s.ordinal, "payment", Lower(p.value), 0, SpanText(p.span));
    for (const auto& a : facts.ages) fact(s.ordinal, "age", std::to_string(a.value), a.value, SpanText(a.span));
    for (const auto& p : facts.prices) {
      if (p.currency == "USD" || p.currency == "rose") fact(s.ordinal, "price", fmt::format("{:g}", p.value), p.value, SpanText(p.span));
    }
    for (const auto& l : facts.locations) {
      fact(s.ordinal, "city", Lower(l.name), 0, SpanText(l.span));
      if (!l.admin1.empty()) fact(s.ordinal, "state", Lower(l.admin1), 0, SpanText(l.span));
    }
    if (facts.locations.empty() && !city.empty()) {
      fact(s.ordinal, "city", city, 0, "location");
      if (!state.empty()) fact(s.ordinal, "state", state, 0, "location");
    }
    // Commercial-sex vocabulary is kept apart from indicators: risk reports it but never scores it.
    for (const auto& a : facts.attributes) {
      if (a.kind == "service" || a.kind == "venue") fact(s.ordinal, "commercial", a.kind + ":" + a.value, 0, SpanText(a.span));
    }
    for (const auto& i : facts.indicators) {
      fact(s.ordinal, "indicator", i.id, 0, SpanText(i.span));
      fact(s.ordinal, "category", i.category, 0, SpanText(i.span));
    }
    ++done;
    if (progress && done % 50000 == 0) fmt::print(stderr, "\rindexing: {}/{} ads", done, total_new);
    return true;
  });
  if (progress && done >= 50000) fmt::print(stderr, "\n");
  if (scan.ok() && !failure.ok()) scan = failure;
  if (!scan.ok()) {
    Exec(db_, "ROLLBACK");
    return scan;
  }
  uint64_t new_next = next + done;
  Exec(db_, fmt::format("INSERT OR REPLACE INTO meta VALUES('next', {})", new_next).c_str());
  if (!Exec(db_, "COMMIT")) {
    Exec(db_, "ROLLBACK");
    return SqlError(db_, "cannot commit", path);
  }
  sum.indexed = done;
  sum.total = new_next;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sum;
}

uint32_t Index::NetworkOf(uint64_t o) const { return o < networks_.size() ? networks_[o] : UINT32_MAX; }
uint32_t Index::ClusterOf(uint64_t o) const { return o < clusters_.size() ? clusters_[o] : UINT32_MAX; }

namespace {

// SQL restricting `col` (an ordinal column) to the filters; values are bound in order.
struct Where {
  std::string sql;
  struct Arg {
    bool is_text;
    std::string text;
    double num;
  };
  std::vector<Arg> args;
};

const char* OpSql(Filter::Op op) {
  switch (op) {
    case Filter::Op::kLt: return "<";
    case Filter::Op::kLe: return "<=";
    case Filter::Op::kGt: return ">";
    case Filter::Op::kGe: return ">=";
    default: return "=";
  }
}

// Builds " AND col IN (...)" clauses. For FTS queries col is "+rowid": a bare
// rowid constraint would make FTS5 evaluate MATCH once per candidate (100x slower). Network/template filters become ordinal lists.
core::Status BuildWhere(const Query& q, const std::string& col, const Index& idx, Where& w) {
  for (const auto& f : q.filters) {
    if (f.key == "network" || f.key == "template") {
      if (!idx.linked()) {
        return Status::Error(StatusCode::kNotFound,
                             fmt::format("{}: filter '{}:' needs linked ads; run `lodestar link --db {}` first",
                                         idx.db_dir(), f.key, idx.db_dir()));
      }
      // The group id is its smallest member's ordinal; members are scanned in memory.
      auto target = static_cast<uint32_t>(f.lo);
      std::string list;
      for (uint64_t o = target, n = idx.size(); o < n; ++o) {
        uint32_t g = f.key == "network" ? idx.NetworkOf(o) : idx.ClusterOf(o);
        if (g == target) list += (list.empty() ? "" : ",") + std::to_string(o);
      }
      w.sql += fmt::format(" AND {} IN ({})", col, list.empty() ? "-1" : list);
    } else if (f.key == "site") {
      w.sql += fmt::format(" AND {} IN (SELECT ordinal FROM ads WHERE site = ?)", col);
      w.args.push_back({true, f.value, 0});
    } else if (f.key == "after" || f.key == "before") {
      w.sql += fmt::format(" AND {} IN (SELECT ordinal FROM ads WHERE posted {} ? AND posted != 0)", col, OpSql(f.op));
      w.args.push_back({false, "", f.lo});
    } else if (f.key == "age" || f.key == "price") {
      if (f.op == Filter::Op::kRange) {
        w.sql += fmt::format(" AND {} IN (SELECT ordinal FROM facts WHERE kind = '{}' AND num BETWEEN ? AND ?)", col, f.key);
        w.args.push_back({false, "", f.lo});
        w.args.push_back({false, "", f.hi});
      } else {
        w.sql += fmt::format(" AND {} IN (SELECT ordinal FROM facts WHERE kind = '{}' AND num {} ?)", col, f.key, OpSql(f.op));
        w.args.push_back({false, "", f.lo});
      }
    } else {
      std::string kind = f.key;
      if (kind == "indicator" && f.value.find('-') == std::string::npos) kind = "category";
      w.sql += fmt::format(" AND {} IN (SELECT ordinal FROM facts WHERE kind = '{}' AND value = ?)", col, kind);
      w.args.push_back({true, f.value, 0});
    }
  }
  return Status::Ok();
}

void BindArgs(Stmt& s, const Where& w, int first) {
  int i = first;
  for (const auto& a : w.args) {
    if (a.is_text) s.Bind(i++, a.text);
    else s.Bind(i++, a.num);
  }
}

std::string MatchExpr(const Query& q) {
  std::string m;
  for (const auto& t : q.terms) m += (m.empty() ? "" : " AND ") + t;
  return m;
}

Status QueryError(sqlite3* db, const std::string& where) {
  return Status::Error(StatusCode::kInvalidInput, fmt::format("{}: query failed: {}", where, sqlite3_errmsg(db)));
}

}  // namespace

core::Result<SearchResults> Index::Search(const std::string& text, size_t limit) const {
  auto q = ParseQuery(text);
  if (!q.ok()) return q.status();
  return Search(*q, limit);
}

core::Result<SearchResults> Index::Search(const Query& q, size_t limit) const {
  SearchResults out;
  Where w;
  if (auto s = BuildWhere(q, q.terms.empty() ? "ordinal" : "+rowid", *this, w); !s.ok()) return s;
  std::string count_sql, sql;
  if (!q.terms.empty()) {
    count_sql = "SELECT COUNT(*) FROM fts WHERE fts MATCH ?" + w.sql;
    // Title matches weigh more than body matches; bm25() is lower-is-better, so negate.
    sql = "SELECT rowid, -bm25(fts, 3.0, 1.0), snippet(fts, -1, '[', ']', '...', 12) FROM fts WHERE fts MATCH ?" +
          w.sql + " ORDER BY bm25(fts, 3.0, 1.0) LIMIT ?";
  } else {
    count_sql = "SELECT COUNT(*) FROM ads WHERE 1" + w.sql;
    sql = "SELECT ordinal, 0.0, '' FROM ads WHERE 1" + w.sql + " ORDER BY posted DESC, ordinal LIMIT ?";
  }
  int first = q.terms.empty() ? 1 : 2;
  {
    Stmt c(db_, count_sql);
    if (!c.ok()) return QueryError(db_, db_dir_);
    if (!q.terms.empty()) c.Bind(1, MatchExpr(q));
    BindArgs(c, w, first);
    if (c.Step() == SQLITE_ROW) out.total = static_cast<uint64_t>(c.Int(0));
    else return QueryError(db_, db_dir_);
  }
  Stmt s(db_, sql);
  if (!s.ok()) return QueryError(db_, db_dir_);
  if (!q.terms.empty()) s.Bind(1, MatchExpr(q));
  BindArgs(s, w, first);
  s.Bind(first + static_cast<int>(w.args.size()), static_cast<int64_t>(limit));
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    Hit h;
    h.ordinal = static_cast<uint64_t>(s.Int(0));
    h.score = s.Real(1);
    std::string snip = s.Text(2);
    if (!snip.empty()) h.evidence.push_back({"text", snip, ""});
    out.hits.push_back(std::move(h));
  }
  if (rc != SQLITE_DONE) return QueryError(db_, db_dir_);
  for (auto& h : out.hits) {
    if (auto st = Fill(h, q); !st.ok()) return st;
  }
  return out;
}

core::Status Index::Fill(Hit& h, const Query& q) const {
  Stmt a(db_, "SELECT id, site, city, state, posted FROM ads WHERE ordinal = ?");
  a.Bind(1, static_cast<int64_t>(h.ordinal));
  if (a.Step() == SQLITE_ROW) {
    h.id = a.Text(0);
    h.site = a.Text(1);
    h.city = a.Text(2);
    h.state = a.Text(3);
    h.posted = a.Int(4);
  }
  if (uint32_t n = NetworkOf(h.ordinal); n != UINT32_MAX) h.network = link::NetworkId(n);
  if (uint32_t c = ClusterOf(h.ordinal); c != UINT32_MAX) h.cluster = link::ClusterId(c);
  Stmt f(db_, "SELECT value, num, span FROM facts WHERE ordinal = ? AND kind = ?");
  for (const auto& flt : q.filters) {
    if (flt.key == "network") {
      h.evidence.push_back({"network", h.network, ""});
      continue;
    }
    if (flt.key == "template") {
      h.evidence.push_back({"template", h.cluster, ""});
      continue;
    }
    if (flt.key == "site") {
      h.evidence.push_back({"site", h.site, ""});
      continue;
    }
    if (flt.key == "after" || flt.key == "before") {
      h.evidence.push_back({"posted", core::FormatDate(h.posted), ""});
      continue;
    }
    std::string kind = flt.key;
    if (kind == "indicator" && flt.value.find('-') == std::string::npos) kind = "category";
    f.Bind(1, static_cast<int64_t>(h.ordinal));
    f.Bind(2, kind);
    while (f.Step() == SQLITE_ROW) {
      std::string v = f.Text(0);
      double num = f.Real(1);
      bool match;
      switch (flt.op) {
        case Filter::Op::kLt: match = num < flt.lo; break;
        case Filter::Op::kLe: match = num <= flt.lo; break;
        case Filter::Op::kGt: match = num > flt.lo; break;
        case Filter::Op::kGe: match = num >= flt.lo; break;
        case Filter::Op::kRange: match = (kind == "age" || kind == "price") ? (num >= flt.lo && num <= flt.hi) : v == flt.value; break;
        default: match = v == flt.value;
      }
      if (match) h.evidence.push_back({kind, v, f.Text(2)});
    }
    f.Reset();
  }
  return Status::Ok();
}

core::Result<std::vector<uint64_t>> Index::Select(const Query& q) const {
  std::vector<uint64_t> out;
  Where w;
  if (auto s = BuildWhere(q, q.terms.empty() ? "ordinal" : "+rowid", *this, w); !s.ok()) return s;
  std::string sql = q.terms.empty() ? "SELECT ordinal FROM ads WHERE 1" + w.sql + " ORDER BY ordinal"
                                    : "SELECT rowid FROM fts WHERE fts MATCH ?" + w.sql + " ORDER BY rowid";
  Stmt s(db_, sql);
  if (!s.ok()) return QueryError(db_, db_dir_);
  if (!q.terms.empty()) s.Bind(1, MatchExpr(q));
  BindArgs(s, w, q.terms.empty() ? 1 : 2);
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) out.push_back(static_cast<uint64_t>(s.Int(0)));
  if (rc != SQLITE_DONE) return QueryError(db_, db_dir_);
  return out;
}

core::Result<std::vector<AdRow>> Index::Ads() const {
  std::vector<AdRow> out;
  Stmt s(db_, "SELECT ordinal, id, site, city, state, posted, day FROM ads ORDER BY ordinal");
  if (!s.ok()) return QueryError(db_, db_dir_);
  while (s.Step() == SQLITE_ROW) {
    AdRow r;
    r.ordinal = static_cast<uint64_t>(s.Int(0));
    r.id = s.Text(1);
    r.site = s.Text(2);
    r.city = s.Text(3);
    r.state = s.Text(4);
    r.posted = s.Int(5);
    r.day = s.Int(6);
    out.push_back(std::move(r));
  }
  return out;
}

core::Status Index::ForEachFact(
    const std::string& kind, const std::function<void(uint64_t, const std::string&, double, const std::string&)>& fn) const {
  Stmt s(db_, "SELECT ordinal, value, num, span FROM facts WHERE kind = ? ORDER BY ordinal");
  if (!s.ok()) return QueryError(db_, db_dir_);
  s.Bind(1, kind);
  while (s.Step() == SQLITE_ROW) fn(static_cast<uint64_t>(s.Int(0)), s.Text(1), s.Real(2), s.Text(3));
  return Status::Ok();
}

core::Status Index::ForEachText(const std::vector<uint64_t>& ordinals,
                                const std::function<void(uint64_t, const std::string&, const std::string&)>& fn) const {
  Stmt s(db_, "SELECT title, body FROM fts WHERE rowid = ?");
  if (!s.ok()) return QueryError(db_, db_dir_);
  for (uint64_t o : ordinals) {
    s.Bind(1, static_cast<int64_t>(o));
    if (s.Step() == SQLITE_ROW) fn(o, s.Text(0), s.Text(1));
    s.Reset();
  }
  return Status::Ok();
}

}  // namespace lodestar::search
