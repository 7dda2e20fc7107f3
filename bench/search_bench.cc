// Search benchmark (issue 5): Lodestar's search index beside Xapian and SQLite
// FTS5 on the same ads, with the same query workload, in one process.
//
//   search_bench --corpus ADS.jsonl --db STORE [--work DIR] [--repeat N] [--per-class K] [--seed S] [--out FILE]
//
// STORE must have been built from ADS.jsonl (`lodestar ingest ADS.jsonl --db STORE`).
// Steps: (a) rebuild Lodestar's index from scratch and time it; (b) build a
// Xapian database and an FTS5 database from the corpus texts, timing each, with
// the phones/cities/ages Lodestar extracted as filter terms, so every engine
// filters on the same facts and only indexing and lookup are compared; (c) draw
// a fixed-seed query workload from the corpus; (d) time every query on every
// engine (top 10, BM25) and compare full result sets. Prints Markdown to stdout
// (and --out); mismatch details go to stderr.
//
// Only Lodestar's public search API is used (search/index.h, search/query.h), so
// the harness measures whichever index implementation is in the tree.
#include <fmt/format.h>
#include <simdjson.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "search/index.h"
#include "search/query.h"

namespace fs = std::filesystem;
using lodestar::search::Index;

namespace {

[[noreturn]] void Die(const std::string& msg) {
  fmt::print(stderr, "search_bench: error: {}\n", msg);
  std::exit(2);
}

// ---------------------------------------------------------------- corpus

struct Doc {
  std::string id, title, body;
  bool in_store = false;  // the store holds it (peers index only these, so all engines see the same ads)
  std::vector<std::string> phones, cities;
  std::vector<double> ages;
};

std::vector<Doc> LoadCorpus(const std::string& path, std::unordered_map<std::string, uint32_t>& by_id) {
  std::ifstream in(path);
  if (!in) Die(fmt::format("{}: cannot open the corpus; pass a JSON Lines file from `lodestar synth --out`", path));
  std::vector<Doc> docs;
  simdjson::ondemand::parser parser;
  std::string line;
  uint64_t lineno = 0, bad = 0, dup = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    simdjson::padded_string padded(line);
    Doc d;
    bool ok = true;
    auto doc = parser.iterate(padded);
    auto get = [&](const char* key, std::string& out) {
      std::string_view v;
      if (doc[key].get_string().get(v) == simdjson::SUCCESS)
        out.assign(v);
      else
        ok = false;
      doc.rewind();
    };
    get("id", d.id);
    get("title", d.title);
    get("body", d.body);
    if (!ok || d.id.empty()) {
      ++bad;
      continue;
    }
    if (by_id.count(d.id)) {
      ++dup;
      continue;
    }
    by_id.emplace(d.id, static_cast<uint32_t>(docs.size()));
    docs.push_back(std::move(d));
  }
  if (docs.empty())
    Die(fmt::format("{}: no ads with id, title and body read ({} lines); is it a synth corpus?", path, lineno));
  if (bad || dup) fmt::print(stderr, "corpus: skipped {} lines without id/title/body and {} repeated ids\n", bad, dup);
  return docs;
}

// ---------------------------------------------------------------- timing

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }
double Cpu() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct Build {
  std::string engine, note;
  double wall = 0, cpu = 0;
  uint64_t bytes = 0;
};

uint64_t DirBytes(const fs::path& p) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return fs::file_size(p, ec);
  uint64_t n = 0;
  for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec)) n += it->file_size(ec);
  }
  return n;
}

// ---------------------------------------------------------------- workload

enum Class { kCommon, kRare, kAnd, kPhrase, kPrefix, kPhone, kFilter, kClasses };
const char* kClassName[kClasses] = {"common word", "rare word",    "2-3 word AND",          "exact phrase",
                                    "prefix",      "phone lookup", "text + city/age filter"};

struct BenchQuery {
  Class cls;
  std::string lodestar;            // Lodestar query language
  std::vector<std::string> words;  // lower-case ASCII words (common, rare, AND, filter)
  std::string phrase;              // raw corpus text (phrase)
  std::string prefix;              // lower-case ASCII (prefix)
  std::string phone, city;         // E.164; lower-case city name
  double age_below = 0;
};

bool AsciiAlpha(std::string_view w) {
  return !w.empty() &&
         std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

std::string LowerAscii(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Whitespace-separated pieces of a text.
std::vector<std::string_view> Pieces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Lower-case words of letters a-z only, 3+ letters: unambiguous across all three tokenisers.
std::vector<std::string> PlainWords(const Doc& d) {
  std::vector<std::string> out;
  for (const std::string* t : {&d.title, &d.body}) {
    size_t i = 0;
    const std::string& s = *t;
    while (i < s.size()) {
      size_t j = i;
      while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
      if (j == i) {
        ++i;
        continue;
      }
      // A letter run glued to digits, apostrophes or non-ASCII is tokenised differently by the engines: skip it.
      bool clean_left = i == 0 || (s[i - 1] != '\'' && !(s[i - 1] & 0x80));
      bool clean_right = j == s.size() || (s[j] != '\'' && !(s[j] & 0x80));
      std::string_view w(s.data() + i, j - i);
      if (w.size() >= 3 && AsciiAlpha(w) && clean_left && clean_right) out.push_back(LowerAscii(std::string(w)));
      i = j;
    }
  }
  return out;
}

std::vector<BenchQuery> MakeWorkload(const std::vector<Doc>& docs, int per_class, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> live;
  for (uint32_t i = 0; i < docs.size(); ++i) {
    if (docs[i].in_store) live.push_back(i);
  }
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto random_doc = [&]() -> const Doc& { return docs[live[pick(live.size())]]; };
  // Document frequencies over a sample, for common and rare words.
  std::unordered_map<std::string, uint32_t> df;
  size_t sample = std::min<size_t>(live.size(), 20000);
  for (size_t k = 0; k < sample; ++k) {
    auto w = PlainWords(random_doc());
    std::sort(w.begin(), w.end());
    w.erase(std::unique(w.begin(), w.end()), w.end());
    for (auto& x : w) ++df[x];
  }
  std::vector<std::pair<uint32_t, std::string>> by_df;
  for (auto& [w, n] : df) by_df.emplace_back(n, w);
  std::sort(by_df.begin(), by_df.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  std::vector<std::string> common, rare;
  for (size_t i = 0; i < by_df.size() && common.size() < 100; ++i) common.push_back(by_df[i].second);
  for (auto& [n, w] : by_df) {
    if (n >= 2 && n <= 5) rare.push_back(w);
  }
  if (rare.empty()) {
    for (auto& [n, w] : by_df) {
      if (n == 1) rare.push_back(w);
    }
  }
  std::vector<BenchQuery> out;
  auto add = [&](BenchQuery q) { out.push_back(std::move(q)); };
  for (int k = 0; k < per_class; ++k) {
    BenchQuery q{kCommon, "", {common[pick(common.size())]}, "", "", "", "", 0};
    q.lodestar = q.words[0];
    add(q);
  }
  for (int k = 0; k < per_class && !rare.empty(); ++k) {
    BenchQuery q{kRare, "", {rare[pick(rare.size())]}, "", "", "", "", 0};
    q.lodestar = q.words[0];
    add(q);
  }
  for (int k = 0, tries = 0; k < per_class && tries < 100000; ++tries) {
    auto w = PlainWords(random_doc());
    if (w.size() < 3) continue;
    size_t n = 2 + pick(2);
    BenchQuery q{kAnd, "", {}, "", "", "", "", 0};
    for (size_t t = 0; t < 20 && q.words.size() < n; ++t) {
      const auto& x = w[pick(w.size())];
      if (std::find(q.words.begin(), q.words.end(), x) == q.words.end()) q.words.push_back(x);
    }
    if (q.words.size() < 2) continue;
    for (auto& x : q.words) q.lodestar += (q.lodestar.empty() ? "" : " ") + x;
    add(q);
    ++k;
  }
  // Phrases: 2-3 consecutive pieces of real corpus text, punctuation and all, so
  // that tokenisation differences show up instead of being sampled away.
  for (int k = 0, tries = 0; k < per_class && tries < 100000; ++tries) {
    const Doc& d = random_doc();
    auto p = Pieces(pick(4) == 0 ? d.title : d.body);
    size_t n = 2 + pick(2);
    if (p.size() < n) continue;
    size_t at = pick(p.size() - n + 1);
    std::string phrase;
    bool ok = true;
    int alnum_pieces = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (p[i].find('"') != std::string_view::npos) ok = false;
      if (std::any_of(p[i].begin(), p[i].end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
        ++alnum_pieces;
      phrase += (phrase.empty() ? "" : " ") + std::string(p[i]);
    }
    if (!ok || alnum_pieces < 2) continue;
    BenchQuery q{kPhrase, "\"" + phrase + "\"", {}, phrase, "", "", "", 0};
    add(q);
    ++k;
  }
  for (int k = 0, tries = 0; k < per_class && tries < 100000; ++tries) {
    auto w = PlainWords(random_doc());
    if (w.empty()) continue;
    const auto& x = w[pick(w.size())];
    if (x.size() < 5) continue;
    BenchQuery q{kPrefix, "", {}, "", x.substr(0, 3 + pick(2)), "", "", 0};
    q.lodestar = q.prefix + "*";
    add(q);
    ++k;
  }
  for (int k = 0, tries = 0; k < per_class && tries < 100000; ++tries) {
    const Doc& d = random_doc();
    if (d.phones.empty()) continue;
    BenchQuery q{kPhone, "", {}, "", "", d.phones[pick(d.phones.size())], "", 0};
    q.lodestar = "phone:" + q.phone;
    add(q);
    ++k;
  }
  for (int k = 0, tries = 0; k < per_class && tries < 100000; ++tries) {
    const Doc& d = random_doc();
    if (d.cities.empty() || d.ages.empty()) continue;
    auto w = PlainWords(d);
    if (w.empty()) continue;
    const std::string& city = d.cities[pick(d.cities.size())];
    if (city.find('"') != std::string::npos) continue;
    BenchQuery q{kFilter, "", {w[pick(w.size())]}, "", "", "", city, 0};
    q.age_below = *std::min_element(d.ages.begin(), d.ages.end()) + 1 + static_cast<double>(pick(5));
    q.lodestar = fmt::format("{} city:\"{}\" age:<{}", q.words[0], city, q.age_below);
    add(q);
    ++k;
  }
  return out;
}

// ---------------------------------------------------------------- engines

class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string name() const = 0;
  // Top 10 by the engine's BM25; returns the number of hits (to keep the work observable).
  virtual size_t Top10(const BenchQuery& q) = 0;
  // Every matching ad, as corpus indexes, sorted.
  virtual std::vector<uint32_t> All(const BenchQuery& q) = 0;
};

class LodestarEngine : public Engine {
 public:
  LodestarEngine(std::unique_ptr<Index> idx, std::vector<uint32_t> ord2doc)
      : idx_(std::move(idx)), ord2doc_(std::move(ord2doc)) {}
  std::string name() const override { return "lodestar"; }
  size_t Top10(const BenchQuery& q) override {
    auto r = idx_->Search(q.lodestar, 10);
    if (!r.ok()) Die(fmt::format("lodestar query '{}': {}", q.lodestar, r.status().message()));
    return r->hits.size();
  }
  std::vector<uint32_t> All(const BenchQuery& q) override {
    auto parsed = lodestar::search::ParseQuery(q.lodestar);
    if (!parsed.ok()) Die(fmt::format("lodestar query '{}': {}", q.lodestar, parsed.status().message()));
    auto r = idx_->Select(*parsed);
    if (!r.ok()) Die(fmt::format("lodestar query '{}': {}", q.lodestar, r.status().message()));
    std::vector<uint32_t> out;
    for (uint64_t o : *r) {
      if (o < ord2doc_.size() && ord2doc_[o] != UINT32_MAX) out.push_back(ord2doc_[o]);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::unique_ptr<Index> idx_;
  std::vector<uint32_t> ord2doc_;
};

// Xapian: TermGenerator over title (wdf x3) and body, no stemmer; phones, cities
// and ages as boolean terms XP+1..., XCcity, XAage.
class XapianEngine : public Engine {
 public:
  XapianEngine(const std::string& path, std::vector<uint32_t> docid2doc, std::vector<double> ages)
      : db_(path), docid2doc_(std::move(docid2doc)), ages_(std::move(ages)) {}
  std::string name() const override { return "xapian"; }

  Xapian::Query MakeQuery(const BenchQuery& q) {
    switch (q.cls) {
      case kCommon:
      case kRare:
      case kAnd: {
        std::vector<Xapian::Query> t;
        for (auto& w : q.words) t.emplace_back(w);
        return Xapian::Query(Xapian::Query::OP_AND, t.begin(), t.end());
      }
      case kPhrase:
        // Xapian's own tokeniser on the raw phrase, as a user typing it in quotes would get.
        return qp_.parse_query("\"" + q.phrase + "\"", Xapian::QueryParser::FLAG_PHRASE);
      case kPrefix:
        return Xapian::Query(Xapian::Query::OP_WILDCARD, q.prefix);
      case kPhone:
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query("XP" + q.phone), 0.0);
      case kFilter: {
        std::vector<Xapian::Query> ages;
        for (double a : ages_) {
          if (a < q.age_below) ages.emplace_back("XA" + fmt::format("{}", a));
        }
        Xapian::Query filter(Xapian::Query::OP_AND, Xapian::Query("XC" + q.city),
                             Xapian::Query(Xapian::Query::OP_OR, ages.begin(), ages.end()));
        return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(q.words[0]), filter);
      }
      default:
        return Xapian::Query();
    }
  }
  size_t Top10(const BenchQuery& q) override {
    Xapian::Enquire e(db_);  // default weighting: BM25Weight
    e.set_query(MakeQuery(q));
    return e.get_mset(0, 10).size();
  }
  std::vector<uint32_t> All(const BenchQuery& q) override {
    Xapian::Enquire e(db_);
    e.set_weighting_scheme(Xapian::BoolWeight());
    e.set_query(MakeQuery(q));
    auto m = e.get_mset(0, db_.get_doccount());
    std::vector<uint32_t> out;
    for (auto it = m.begin(); it != m.end(); ++it) out.push_back(docid2doc_[*it]);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  Xapian::Database db_;
  Xapian::QueryParser qp_;
  std::vector<uint32_t> docid2doc_;
  std::vector<double> ages_;
};

std::string FtsString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s_, nullptr) != SQLITE_OK)
      Die(fmt::format("sqlite: {}: {}", sql, sqlite3_errmsg(db)));
  }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  sqlite3_stmt* get() { return s_; }
  void Text(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

// SQLite FTS5 (title, body; unicode61 remove_diacritics 2; bm25 weights 3,1), with
// phones, cities and ages in plain indexed tables joined by rowid.
class Fts5Engine : public Engine {
 public:
  explicit Fts5Engine(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
      Die(path + ": cannot open FTS5 database");
    const std::string filter =
        " AND +rowid IN (SELECT doc FROM city WHERE value = ?2) AND +rowid IN (SELECT doc FROM age WHERE num < ?3)";
    top_text_ =
        std::make_unique<Stmt>(db_, "SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10");
    all_text_ = std::make_unique<Stmt>(db_, "SELECT rowid FROM fts WHERE fts MATCH ?1");
    top_phone_ = std::make_unique<Stmt>(db_, "SELECT doc FROM phone WHERE value = ?1 LIMIT 10");
    all_phone_ = std::make_unique<Stmt>(db_, "SELECT doc FROM phone WHERE value = ?1");
    top_filter_ = std::make_unique<Stmt>(
        db_, "SELECT rowid FROM fts WHERE fts MATCH ?1" + filter + " ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10");
    all_filter_ = std::make_unique<Stmt>(db_, "SELECT rowid FROM fts WHERE fts MATCH ?1" + filter);
  }
  ~Fts5Engine() override {
    top_text_.reset();
    all_text_.reset();
    top_phone_.reset();
    all_phone_.reset();
    top_filter_.reset();
    all_filter_.reset();
    sqlite3_close(db_);
  }
  std::string name() const override { return "fts5"; }

  static std::string Match(const BenchQuery& q) {
    switch (q.cls) {
      case kPhrase:
        return FtsString(q.phrase);
      case kPrefix:
        return FtsString(q.prefix) + "*";
      default: {
        std::string m;
        for (auto& w : q.words) m += (m.empty() ? "" : " AND ") + FtsString(w);
        return m;
      }
    }
  }
  std::vector<uint32_t> Run(const BenchQuery& q, bool top) {
    Stmt* s = q.cls == kPhone    ? (top ? top_phone_ : all_phone_).get()
              : q.cls == kFilter ? (top ? top_filter_ : all_filter_).get()
                                 : (top ? top_text_ : all_text_).get();
    if (q.cls == kPhone) {
      s->Text(1, q.phone);
    } else {
      s->Text(1, Match(q));
      if (q.cls == kFilter) {
        s->Text(2, q.city);
        sqlite3_bind_double(s->get(), 3, q.age_below);
      }
    }
    std::vector<uint32_t> out;
    int rc;
    while ((rc = sqlite3_step(s->get())) == SQLITE_ROW)
      out.push_back(static_cast<uint32_t>(sqlite3_column_int64(s->get(), 0)));
    if (rc != SQLITE_DONE) Die(fmt::format("fts5 query '{}': {}", q.lodestar, sqlite3_errmsg(db_)));
    sqlite3_reset(s->get());
    sqlite3_clear_bindings(s->get());
    return out;
  }
  size_t Top10(const BenchQuery& q) override { return Run(q, true).size(); }
  std::vector<uint32_t> All(const BenchQuery& q) override {
    auto v = Run(q, false);
    std::sort(v.begin(), v.end());
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<Stmt> top_text_, all_text_, top_phone_, all_phone_, top_filter_, all_filter_;
};

// ---------------------------------------------------------------- builds

Build BuildLodestar(const std::string& db) {
  std::error_code ec;
  fs::remove_all(lodestar::search::SearchDir(db), ec);
  Build b{"lodestar", "", 0, 0, 0};
  double w0 = Now(), c0 = Cpu();
  auto idx = Index::Open(db, /*update=*/false);
  if (!idx.ok()) Die(idx.status().message());
  auto r = (*idx)->Update(/*progress=*/false);
  if (!r.ok()) Die(r.status().message());
  b.wall = Now() - w0;
  b.cpu = Cpu() - c0;
  idx->reset();  // close it, so its files are complete on disk
  b.bytes = DirBytes(lodestar::search::SearchDir(db));
  std::string files;
  for (auto& e : fs::directory_iterator(lodestar::search::SearchDir(db), ec)) {
    files += (files.empty() ? "" : ", ") + e.path().filename().string();
  }
  b.note = "files: " + files;
  return b;
}

Build BuildXapian(const std::string& path, const std::vector<Doc>& docs, std::vector<uint32_t>& docid2doc) {
  std::error_code ec;
  fs::remove_all(path, ec);
  // Xapian's default flush threshold (10,000 documents) is kept unless XAPIAN_FLUSH_THRESHOLD is set: at 10^5
  // ads, 100,000 made the build twice as slow (199 s against 100 s), so "bigger batches" is no tuning here.
  const char* flush = std::getenv("XAPIAN_FLUSH_THRESHOLD");
  Build b{"xapian",
          fmt::format("1.4 glass, DB_NO_SYNC, flush threshold {}, 1 thread", flush ? flush : "10000 (default)"), 0, 0,
          0};
  docid2doc.assign(1, UINT32_MAX);  // docids start at 1
  double w0 = Now(), c0 = Cpu();
  try {
    Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    Xapian::TermGenerator tg;
    for (uint32_t i = 0; i < docs.size(); ++i) {
      const Doc& d = docs[i];
      if (!d.in_store) continue;
      Xapian::Document doc;
      tg.set_document(doc);
      tg.index_text(d.title, 3);
      tg.increase_termpos();  // no phrase across the title/body boundary
      tg.index_text(d.body);
      for (auto& p : d.phones) doc.add_boolean_term("XP" + p);
      for (auto& c : d.cities) doc.add_boolean_term("XC" + c);
      for (double a : d.ages) doc.add_boolean_term("XA" + fmt::format("{}", a));
      db.add_document(doc);
      docid2doc.push_back(i);
    }
    db.commit();
  } catch (const Xapian::Error& e) {
    Die(fmt::format("{}: xapian: {}", path, e.get_description()));
  }
  b.wall = Now() - w0;
  b.cpu = Cpu() - c0;
  b.bytes = DirBytes(path);
  return b;
}

Build BuildFts5(const std::string& path, const std::vector<Doc>& docs) {
  std::error_code ec;
  fs::remove(path, ec);
  Build b{"fts5",
          fmt::format("SQLite {}, journal off, synchronous off, one transaction, 1 thread", sqlite3_libversion()), 0, 0,
          0};
  double w0 = Now(), c0 = Cpu();
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die(path + ": cannot create the FTS5 database");
  auto exec = [&](const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      Die(fmt::format("{}: {}: {}", path, sql, sqlite3_errmsg(db)));
  };
  exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN;");
  exec(
      "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2');"
      "CREATE TABLE phone(doc INTEGER, value TEXT); CREATE TABLE city(doc INTEGER, value TEXT);"
      "CREATE TABLE age(doc INTEGER, num REAL);");
  {
    Stmt ins(db, "INSERT INTO fts(rowid, title, body) VALUES(?1, ?2, ?3)");
    Stmt ph(db, "INSERT INTO phone VALUES(?1, ?2)"), ci(db, "INSERT INTO city VALUES(?1, ?2)"),
        ag(db, "INSERT INTO age VALUES(?1, ?2)");
    auto step = [&](Stmt& s) {
      if (sqlite3_step(s.get()) != SQLITE_DONE) Die(fmt::format("{}: insert: {}", path, sqlite3_errmsg(db)));
      sqlite3_reset(s.get());
    };
    for (uint32_t i = 0; i < docs.size(); ++i) {
      const Doc& d = docs[i];
      if (!d.in_store) continue;
      sqlite3_bind_int64(ins.get(), 1, i);
      sqlite3_bind_text(ins.get(), 2, d.title.data(), static_cast<int>(d.title.size()), SQLITE_STATIC);
      sqlite3_bind_text(ins.get(), 3, d.body.data(), static_cast<int>(d.body.size()), SQLITE_STATIC);
      step(ins);
      for (auto& p : d.phones) {
        sqlite3_bind_int64(ph.get(), 1, i);
        ph.Text(2, p);
        step(ph);
      }
      for (auto& c : d.cities) {
        sqlite3_bind_int64(ci.get(), 1, i);
        ci.Text(2, c);
        step(ci);
      }
      for (double a : d.ages) {
        sqlite3_bind_int64(ag.get(), 1, i);
        sqlite3_bind_double(ag.get(), 2, a);
        step(ag);
      }
    }
  }
  exec(
      "CREATE INDEX phone_v ON phone(value); CREATE INDEX city_v ON city(value); CREATE INDEX age_n ON age(num); "
      "COMMIT;");
  sqlite3_close(db);
  b.wall = Now() - w0;
  b.cpu = Cpu() - c0;
  b.bytes = DirBytes(path);
  return b;
}

// ---------------------------------------------------------------- report helpers

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, k ? k - 1 : 0)];
}
double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

std::string Shell(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string LoadAvg() {
  double l[3] = {0, 0, 0};
  if (getloadavg(l, 3) != 3) return "unknown";
  return fmt::format("{:.2f} {:.2f} {:.2f}", l[0], l[1], l[2]);
}

std::string Commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

struct Args {
  std::string corpus, db, work, out;
  int repeat = 5, per_class = 40;
  uint32_t seed = 11;
  // --peers none: Lodestar alone; --peers fts5: beside FTS5 only (Xapian takes ~11 min to build 10^6 ads).
  bool xapian = true, fts5 = true;
};

Args ParseArgs(int argc, char** argv) {
  Args a;
  auto usage = [] {
    fmt::print(stderr,
               "usage: search_bench --corpus ADS.jsonl --db STORE [--work DIR] [--repeat N] [--per-class K] [--seed S] "
               "[--out FILE.md] [--peers all|fts5|none]\n");
  };
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "-h" || k == "--help") {
      usage();
      std::exit(0);
    }
    if (i + 1 >= argc) {
      usage();
      Die(fmt::format("option {} needs a value", k));
    }
    std::string v = argv[++i];
    auto num = [&](int lo) {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (!end || *end || n < lo || n > 1000000)
        Die(fmt::format("option {} needs a whole number >= {}, got '{}'", k, lo, v));
      return static_cast<int>(n);
    };
    if (k == "--corpus")
      a.corpus = v;
    else if (k == "--db")
      a.db = v;
    else if (k == "--work")
      a.work = v;
    else if (k == "--out")
      a.out = v;
    else if (k == "--repeat")
      a.repeat = num(1);
    else if (k == "--per-class")
      a.per_class = num(1);
    else if (k == "--seed")
      a.seed = static_cast<uint32_t>(num(0));
    else if (k == "--peers" && (v == "all" || v == "fts5" || v == "none")) {
      a.xapian = v == "all";
      a.fts5 = v != "none";
    }
    else {
      usage();
      Die(fmt::format("unknown option {}", k));
    }
  }
  if (a.corpus.empty() || a.db.empty()) {
    usage();
    Die("--corpus and --db are required");
  }
  if (a.work.empty()) a.work = a.db + "-searchbench";
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  Args args = ParseArgs(argc, argv);
  std::error_code ec;
  fs::create_directories(args.work, ec);
  if (ec) Die(fmt::format("{}: cannot create the work directory: {}", args.work, ec.message()));
  const std::string load_before = LoadAvg();

  fmt::print(stderr, "reading {}...\n", args.corpus);
  std::unordered_map<std::string, uint32_t> by_id;
  std::vector<Doc> docs = LoadCorpus(args.corpus, by_id);

  // (a) Lodestar, from scratch.
  fmt::print(stderr, "building the lodestar index ({} ads)...\n", docs.size());
  std::vector<Build> builds;
  builds.push_back(BuildLodestar(args.db));

  auto opened = Index::Open(args.db, /*update=*/false);
  if (!opened.ok()) Die(opened.status().message());
  std::unique_ptr<Index> idx = std::move(opened.value());
  // Map store ordinals to corpus lines by display id, and attach the facts Lodestar extracted.
  std::vector<uint32_t> ord2doc;
  uint64_t not_in_corpus = 0;
  {
    auto ads = idx->Ads();
    if (!ads.ok()) Die(ads.status().message());
    for (const auto& a : *ads) {
      if (a.ordinal >= ord2doc.size()) ord2doc.resize(a.ordinal + 1, UINT32_MAX);
      auto it = by_id.find(a.id);
      if (it == by_id.end()) {
        ++not_in_corpus;
        continue;
      }
      ord2doc[a.ordinal] = it->second;
      docs[it->second].in_store = true;
    }
  }
  if (not_in_corpus * 100 > docs.size()) {
    Die(fmt::format("{}: {} stored ads are not in {}; ingest that corpus into a fresh store", args.db, not_in_corpus,
                    args.corpus));
  }
  std::set<double> age_values;
  auto facts = [&](const char* kind, auto&& add) {
    auto st = idx->ForEachFact(kind, [&](uint64_t o, const std::string& v, double num, const std::string&) {
      if (o < ord2doc.size() && ord2doc[o] != UINT32_MAX) add(docs[ord2doc[o]], v, num);
    });
    if (!st.ok()) Die(st.message());
  };
  auto add_unique = [](std::vector<std::string>& to, const std::string& v) {
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
  };
  facts("phone", [&](Doc& d, const std::string& v, double) { add_unique(d.phones, v); });
  facts("city", [&](Doc& d, const std::string& v, double) { add_unique(d.cities, v); });
  facts("age", [&](Doc& d, const std::string&, double n) {
    if (std::find(d.ages.begin(), d.ages.end(), n) == d.ages.end()) d.ages.push_back(n);
    age_values.insert(n);
  });
  uint64_t live = std::count_if(docs.begin(), docs.end(), [](const Doc& d) { return d.in_store; });

  // (b) Peers, from the same texts in memory.
  std::vector<uint32_t> docid2doc;
  if (args.xapian) {
    fmt::print(stderr, "building xapian...\n");
    builds.push_back(BuildXapian(args.work + "/xapian", docs, docid2doc));
  }
  if (args.fts5) {
    fmt::print(stderr, "building fts5...\n");
    builds.push_back(BuildFts5(args.work + "/fts5.sqlite", docs));
  }

  // (c) Workload.
  std::vector<BenchQuery> queries = MakeWorkload(docs, args.per_class, args.seed);
  std::vector<std::unique_ptr<Engine>> engines;
  engines.push_back(std::make_unique<LodestarEngine>(std::move(idx), ord2doc));
  if (args.xapian) {
    try {
      engines.push_back(std::make_unique<XapianEngine>(args.work + "/xapian", docid2doc,
                                                       std::vector<double>(age_values.begin(), age_values.end())));
    } catch (const Xapian::Error& e) {
      Die(fmt::format("{}/xapian: {}", args.work, e.get_description()));
    }
  }
  if (args.fts5) engines.push_back(std::make_unique<Fts5Engine>(args.work + "/fts5.sqlite"));

  // (d) Latency: one untimed warm-up pass, then `repeat` passes; within a pass
  // the engines take turns on each query so load drift hits them alike.
  const size_t ne = engines.size();
  std::vector<std::vector<std::vector<double>>> lat(ne, std::vector<std::vector<double>>(kClasses));
  std::vector<uint32_t> order(queries.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(args.seed + 1);
  fmt::print(stderr, "running {} queries x {} engines x {} runs (+1 warm-up)...\n", queries.size(), ne, args.repeat);
  try {
    for (int pass = 0; pass <= args.repeat; ++pass) {
      std::shuffle(order.begin(), order.end(), rng);
      for (uint32_t qi : order) {
        const auto& q = queries[qi];
        for (size_t k = 0; k < ne; ++k) {
          size_t e = (k + qi + static_cast<size_t>(pass)) % ne;
          double t0 = Now();
          engines[e]->Top10(q);
          double dt = Now() - t0;
          if (pass > 0) lat[e][q.cls].push_back(dt);
        }
      }
    }
  } catch (const Xapian::Error& e) {
    Die(fmt::format("xapian query: {}", e.get_description()));
  }

  // Result sets: every query on every engine, full sets (not timed).
  fmt::print(stderr, "comparing result sets...\n");
  struct Cmp {
    int queries = 0, differ[3] = {0, 0, 0};
    uint64_t only[3][2] = {{0, 0}, {0, 0}, {0, 0}};  // docs only in the first / only in the second engine of each pair
    std::vector<double> sizes;
  };
  std::vector<std::pair<int, int>> pairs;  // every two engines run
  for (int a = 0; a < static_cast<int>(ne); ++a) {
    for (int b = a + 1; b < static_cast<int>(ne); ++b) pairs.emplace_back(a, b);
  }
  std::vector<Cmp> cmp(kClasses);
  int shown = 0;
  try {
    for (const auto& q : queries) {
      std::vector<std::vector<uint32_t>> sets;
      for (auto& e : engines) sets.push_back(e->All(q));
      Cmp& c = cmp[q.cls];
      ++c.queries;
      c.sizes.push_back(static_cast<double>(sets[0].size()));
      for (size_t p = 0; p < pairs.size(); ++p) {
        const auto& a = sets[pairs[p].first];
        const auto& b = sets[pairs[p].second];
        if (a == b) continue;
        ++c.differ[p];
        std::vector<uint32_t> da, db;
        std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(da));
        std::set_difference(b.begin(), b.end(), a.begin(), a.end(), std::back_inserter(db));
        c.only[p][0] += da.size();
        c.only[p][1] += db.size();
        if (shown < 40) {
          ++shown;
          fmt::print(stderr, "mismatch [{}] {} vs {}: query {}  sizes {} / {}; only in {}: {}; only in {}: {}\n",
                     kClassName[q.cls], engines[pairs[p].first]->name(), engines[pairs[p].second]->name(), q.lodestar,
                     a.size(), b.size(), engines[pairs[p].first]->name(), da.empty() ? "-" : docs[da[0]].id,
                     engines[pairs[p].second]->name(), db.empty() ? "-" : docs[db[0]].id);
        }
      }
    }
  } catch (const Xapian::Error& e) {
    Die(fmt::format("xapian query: {}", e.get_description()));
  }

  // Report.
  std::string md;
  auto out = [&md](const std::string& s) { md += s; };
  std::string commit = Shell("git -C " LODESTAR_SOURCE_DIR " rev-parse --short HEAD 2>/dev/null");
  std::string dirty = Shell("git -C " LODESTAR_SOURCE_DIR " status --porcelain src/search 2>/dev/null | wc -l");
  // The index may be uncommitted work: a digest of its sources tells runs of different versions apart.
  std::string digest = Shell("cat " LODESTAR_SOURCE_DIR "/src/search/*.h " LODESTAR_SOURCE_DIR
                             "/src/search/*.cc 2>/dev/null | sha256sum | cut -c1-12");
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  std::string cpu = Shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'");
  out(fmt::format(
      "Machine: {}, nproc {}. Load average before {}, after {}. Date: {}. Commit: {}{} (src/search sources at run "
      "time: sha256 {}).\n",
      cpu, sysconf(_SC_NPROCESSORS_ONLN), load_before, LoadAvg(), date, commit.empty() ? "unknown" : commit,
      dirty != "0" && !dirty.empty() ? fmt::format(" + {} uncommitted file(s) in src/search", dirty) : "", digest));
  out(fmt::format("Corpus: {} ({} ads, {} in the store and indexed by every engine). Lodestar index {}.\n\n",
                  fs::path(args.corpus).filename().string(), docs.size(), live, builds[0].note));
  out("Index build (same ads; phones, cities and ages as Lodestar extracted them):\n\n");
  out("| engine | wall s | CPU s | ads/s (wall) | size on disk | wall vs lodestar | setup "
      "|\n|---|---|---|---|---|---|---|\n");
  for (const auto& b : builds) {
    out(fmt::format(
        "| {} | {:.2f} | {:.2f} | {} | {:.0f} MB | {:.2f}x | {} |\n", b.engine, b.wall, b.cpu,
        Commas(static_cast<uint64_t>(static_cast<double>(live) / b.wall)), static_cast<double>(b.bytes) / 1e6,
        b.wall / builds[0].wall,
        b.engine == "lodestar" ? "Index::Open(db, false) + Update(), derived/search deleted first" : b.note));
  }
  out(
      fmt::format("\nQuery latency in ms (top 10 by BM25; {} queries, {} timed runs each after one warm-up run; "
                  "p50 / p90 / p99 / mean):\n\n",
                  queries.size(), args.repeat));
  out("| class | queries | median matches |");
  for (auto& e : engines) out(fmt::format(" {} |", e->name()));
  out("\n|---|---|---|");
  for (size_t e = 0; e < ne; ++e) out("---|");
  out("\n");
  for (int c = 0; c <= kClasses; ++c) {
    bool all = c == kClasses;
    std::vector<double> sizes;
    int nq = 0;
    for (int k = 0; k < kClasses; ++k) {
      if (all || k == c) {
        sizes.insert(sizes.end(), cmp[k].sizes.begin(), cmp[k].sizes.end());
        nq += cmp[k].queries;
      }
    }
    if (nq == 0) continue;
    out(fmt::format("| {} | {} | {:.0f} |", all ? "**all**" : kClassName[c], nq, Percentile(sizes, 50)));
    for (size_t e = 0; e < ne; ++e) {
      std::vector<double> v;
      for (int k = 0; k < kClasses; ++k) {
        if (all || k == c) v.insert(v.end(), lat[e][k].begin(), lat[e][k].end());
      }
      auto ms = [&](double p) { return fmt::format("{:.2f}", Percentile(v, p) * 1e3); };
      std::string cell = fmt::format(" {} / {} / {} / {:.2f}", ms(50), ms(90), ms(99), Mean(v) * 1e3);
      out(all ? fmt::format(" **{}** |", cell.substr(1)) : cell + " |");
    }
    out("\n");
  }
  if (pairs.empty()) {
    out("\nPeers not run (--peers none): no result-set comparison.\n");
  } else {
    out("\nResult sets (every match, not only the top 10): queries whose sets differ, and documents only in the "
        "first / only in the second engine of the pair:\n\n| class | queries |");
    for (const auto& [a, b] : pairs) out(fmt::format(" {} vs {} |", engines[a]->name(), engines[b]->name()));
    out("\n|---|---|");
    for (size_t p = 0; p < pairs.size(); ++p) out("---|");
    out("\n");
  }
  for (int c = 0; c < kClasses && !pairs.empty(); ++c) {
    const Cmp& m = cmp[c];
    if (!m.queries) continue;
    out(fmt::format("| {} | {} |", kClassName[c], m.queries));
    for (size_t p = 0; p < pairs.size(); ++p) out(fmt::format(" {} ({} / {}) |", m.differ[p], m.only[p][0], m.only[p][1]));
    out("\n");
  }
  fmt::print("{}", md);
  if (!args.out.empty()) {
    std::ofstream f(args.out);
    f << md;
    if (!f) Die(fmt::format("{}: cannot write the report", args.out));
  }
  return 0;
}
