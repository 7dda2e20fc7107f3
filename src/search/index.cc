#include "search/index.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <tbb/concurrent_queue.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <charconv>
#include <chrono>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "core/time.h"
#include "extract/extractor.h"
#include "extract/facts_codec.h"
#include "link/linker.h"
#include "store/store.h"

namespace lodestar::search {
namespace {

using core::Status;
using core::StatusCode;

constexpr const char* kManifestHeader = "lodestar-search-index 6";  // 6: segment format 5
constexpr size_t kMaxSegments = 8;  // beyond this, Update() rebuilds one segment
constexpr size_t kBatchAds = 4096;

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

namespace {

// What the index keeps of one stored ad.
SegmentDoc ToSegmentDoc(const store::StoredAd& s, const extract::Facts& facts) {
  SegmentDoc d;
  d.id = s.ad.display_id();
  d.site = Lower(s.ad.source);
  d.posted = s.ad.posted;
  d.title = s.ad.title;
  d.body = s.ad.body;
  PrimaryPlace(s.ad, facts, d.city, d.state);
  auto fact = [&](const char* kind, std::string value, std::string span) {
    d.facts.push_back({kind, std::move(value), std::move(span)});
  };
  for (const auto& p : facts.phones) fact("phone", p.e164, SpanText(p.span));
  for (const auto& e : facts.emails) fact("email", e.value, SpanText(e.span));
  for (const auto& h : facts.handles) fact("handle", h.handle, SpanText(h.span));
  for (const auto& p : facts.payments) fact("payment", Lower(p.value), SpanText(p.span));
  for (const auto& a : facts.ages) fact("age", std::to_string(a.value), SpanText(a.span));
  for (const auto& p : facts.prices) {
    if (p.currency == "USD" || p.currency == "rose") fact("price", fmt::format("{:g}", p.value), SpanText(p.span));
  }
  for (const auto& l : facts.locations) {
    fact("city", Lower(l.name), SpanText(l.span));
    if (!l.admin1.empty()) fact("state", Lower(l.admin1), SpanText(l.span));
  }
  if (facts.locations.empty() && !d.city.empty()) {
    fact("city", d.city, "location");
    if (!d.state.empty()) fact("state", d.state, "location");
  }
  if (!d.site.empty()) fact("site", d.site, "source");
  // Commercial-sex vocabulary is kept apart from indicators: risk reports it but never scores it.
  for (const auto& a : facts.attributes) {
    if (a.kind == "service" || a.kind == "venue") fact("commercial", a.kind + ":" + a.value, SpanText(a.span));
  }
  for (const auto& i : facts.indicators) {
    fact("indicator", i.id, SpanText(i.span));
    fact("category", i.category, SpanText(i.span));
  }
  return d;
}

struct ManifestEntry {
  std::string file;
  uint64_t first = 0, count = 0;
};

std::string ManifestPath(const std::string& db_dir) { return SearchDir(db_dir) + "/manifest"; }

core::Result<std::vector<ManifestEntry>> ReadManifest(const std::string& db_dir) {
  std::vector<ManifestEntry> out;
  const std::string path = ManifestPath(db_dir);
  std::ifstream in(path);
  if (!in) return out;  // no index yet
  auto bad = [&](const std::string& why) {
    return Status::Error(StatusCode::kCorrupt, fmt::format("{}: {}; delete {} and run `lodestar index --db {}`", path, why,
                                                           SearchDir(db_dir), db_dir));
  };
  std::string line;
  if (!std::getline(in, line) || line != kManifestHeader) {
    return Status::Error(StatusCode::kIncompatible,
                         fmt::format("{}: search index written by another version; delete {} and run "
                                     "`lodestar index --db {}`",
                                     path, SearchDir(db_dir), db_dir));
  }
  uint64_t next = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    ManifestEntry e;
    if (!(fields >> e.file >> e.first >> e.count) || e.first != next || e.file.find('/') != std::string::npos) {
      return bad("unreadable line '" + line.substr(0, 80) + "'");
    }
    next = e.first + e.count;
    out.push_back(std::move(e));
  }
  return out;
}

Status WriteManifest(const std::string& db_dir, const std::vector<ManifestEntry>& entries) {
  const std::string path = ManifestPath(db_dir), tmp = path + ".tmp";
  std::string text = std::string(kManifestHeader) + "\n";
  for (const auto& e : entries) text += fmt::format("{} {} {}\n", e.file, e.first, e.count);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot write the index manifest: {}", path, std::strerror(errno)));
  }
  int dir = ::open(SearchDir(db_dir).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Status::Ok();
}

// Holds the index's writer lock for its lifetime (other processes wait).
class WriterLock {
 public:
  explicit WriterLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && ::flock(fd_, LOCK_EX) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

bool IsTokenOf(std::string_view token, const std::vector<std::pair<std::string, bool>>& marks) {
  for (const auto& [m, prefix] : marks) {
    if (prefix ? token.starts_with(m) : token == m) return true;
  }
  return false;
}

// "...words [match] words..." around the first matching token of the body (else the title).
std::string Snippet(const std::string& title, const std::string& body,
                    const std::vector<std::pair<std::string, bool>>& marks) {
  constexpr size_t kWindow = 12;
  for (const std::string* text : {&body, &title}) {
    Tokens tokens;
    Tokenize(*text, tokens);
    size_t first = tokens.size();
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (IsTokenOf(tokens[i], marks)) {
        first = i;
        break;
      }
    }
    if (first == tokens.size()) continue;
    size_t from = first > 3 ? first - 3 : 0;
    size_t to = std::min(tokens.size(), from + kWindow);
    std::string out = from > 0 ? "..." : "";
    for (size_t i = from; i < to; ++i) {
      if (i > from) {
        // Keep punctuation between words but fold line breaks and runs of spaces into one space.
        std::string_view gap(text->data() + tokens.source_ends[i - 1], tokens.begins[i] - tokens.source_ends[i - 1]);
        bool space = false;
        for (char c : gap) {
          if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = true;
          } else {
            if (space) out += ' ';
            space = false;
            out += c;
          }
        }
        if (space) out += ' ';
      }
      std::string_view word(text->data() + tokens.begins[i], tokens.source_ends[i] - tokens.begins[i]);
      if (IsTokenOf(tokens[i], marks)) out += "[" + std::string(word) + "]";
      else out += word;
    }
    if (to < tokens.size()) out += "...";
    return out;
  }
  return "";
}

// "\x01kind:value" -> (kind, value); false for a text term.
bool SplitFactTerm(std::string_view term, std::string_view& kind, std::string_view& value) {
  if (term.empty() || term[0] != kFactTermMark) return false;
  size_t colon = term.find(':');
  if (colon == std::string_view::npos) return false;
  kind = term.substr(1, colon - 1);
  value = term.substr(colon + 1);
  return true;
}

double NumberOf(std::string_view v) {
  double x = 0;
  std::from_chars(v.data(), v.data() + v.size(), x);
  return x;
}

bool FilterMatches(const Filter& flt, const std::string& kind, std::string_view value) {
  if (kind == "age" || kind == "price") {
    double num = NumberOf(value);
    switch (flt.op) {
      case Filter::Op::kLt: return num < flt.lo;
      case Filter::Op::kLe: return num <= flt.lo;
      case Filter::Op::kGt: return num > flt.lo;
      case Filter::Op::kGe: return num >= flt.lo;
      case Filter::Op::kRange: return num >= flt.lo && num <= flt.hi;
      default: return num == flt.lo;
    }
  }
  return value == flt.value;
}


// Batches are recycled (reader -> workers -> writer -> reader) so their strings and vectors keep
// their memory: freeing a batch of 4,096 ads cost the serial writer stage as much as compressing.
struct Batch {
  std::vector<store::StoredAd> ads;  // ads[0, prepared.size) are this batch's
  SegmentWriter::Batch prepared;
};

// Reads ads [first, end) of the store into `writer`. Three stages overlap: a
// reader thread decodes store blocks into batches, worker threads tokenise
// (and parse or extract facts), and this thread appends batches in order.
Status BuildSegment(const store::Store& store, uint64_t first, uint64_t end, bool progress, SegmentWriter& writer) {
  constexpr size_t kBatchesInFlight = 6;  // the pipeline's 4 tokens and the reader's queue
  tbb::concurrent_bounded_queue<Batch*> ready, spare;
  ready.set_capacity(4);
  std::vector<std::unique_ptr<Batch>> batches;
  for (size_t i = 0; i < kBatchesInFlight; ++i) {
    batches.push_back(std::make_unique<Batch>());
    spare.push(batches.back().get());
  }
  std::atomic<bool> cancel{false};
  Status scan;
  std::thread reader([&] {
    Batch* batch = nullptr;
    spare.pop(batch);
    size_t n = 0;
    scan = store.ForEachAd([&](const store::StoredAd& s) {
      if (cancel.load(std::memory_order_relaxed)) return false;
      if (s.ordinal < first) return true;
      if (s.ordinal >= end) return false;  // appended after we looked: the next update takes them
      if (n < batch->ads.size()) batch->ads[n] = s;
      else batch->ads.push_back(s);
      if (++n == kBatchAds) {
        batch->prepared.size = n;
        ready.push(batch);
        spare.pop(batch);
        n = 0;
      }
      return true;
    });
    if (n > 0) {
      batch->prepared.size = n;
      ready.push(batch);
    }
    ready.push(nullptr);  // end of input
  });
  std::shared_ptr<const extract::ExtractorResources> resources;
  std::mutex resources_mutex;
  Status failure;
  std::mutex failure_mutex;
  tbb::enumerable_thread_specific<std::unique_ptr<extract::FactExtractor>> extractors;
  uint64_t done = 0;
  const uint64_t total = end - first;
  bool finished = false;
  tbb::parallel_pipeline(
      4,
      tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> Batch* {
                                       Batch* b = nullptr;
                                       if (!finished) ready.pop(b);
                                       if (!b) {
                                         finished = true;
                                         fc.stop();
                                       }
                                       return b;
                                     }) &
          tbb::make_filter<Batch*, Batch*>(
              tbb::filter_mode::parallel,
              [&](Batch* b) {
                SegmentWriter::Batch& prepared = b->prepared;
                if (prepared.docs.size() < prepared.size) prepared.docs.resize(prepared.size);
                for (size_t i = 0; i < prepared.size; ++i) {
                  const auto& s = b->ads[i];
                  extract::Facts facts;
                  bool have = false;
                  if (!s.facts.empty()) {
                    auto f = extract::DecodeStoredFacts(s.facts);
                    if (f.ok()) {
                      facts = std::move(f.value());
                      have = true;
                    }
                  }
                  if (!have) {
                    // Ingested with --no-extract: extract now so filters work anyway.
                    auto& ex = extractors.local();
                    if (!ex) {
                      std::lock_guard<std::mutex> lock(resources_mutex);
                      if (!resources) {
                        auto res = extract::LoadResources();
                        if (!res.ok()) {
                          std::lock_guard<std::mutex> f(failure_mutex);
                          failure = res.status();
                          cancel = true;
                          return b;
                        }
                        resources = *res;
                      }
                      ex = std::make_unique<extract::FactExtractor>(resources);
                    }
                    ex->Extract(s.ad, facts);
                  }
                  SegmentWriter::Prepare(ToSegmentDoc(s, facts), prepared.docs[i]);
                }
                SegmentWriter::Seal(prepared);
                return b;
              }) &
          tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, [&](Batch* b) {
            const size_t n = b->prepared.size;
            if (!cancel) writer.Add(b->prepared);
            spare.push(b);
            if (cancel) return;
            done += n;
            if (progress && (done % 65536 < kBatchAds || done == total)) {
              fmt::print(stderr, "\rindexing: {}/{} ads", done, total);
            }
          }));
  // The input stage stops only at the reader's end mark (a cancelled reader stops at its next ad
  // and still sends it), and every batch goes back to `spare`, so the reader has ended here.
  reader.join();
  if (progress) fmt::print(stderr, "\n");
  if (!scan.ok()) return scan;
  return failure;
}

}  // namespace

std::string SearchDir(const std::string& db_dir) { return db_dir + "/derived/search"; }

Index::~Index() = default;

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
  // The first index format (SQLite FTS5) is replaced, not read.
  for (const char* old : {"/index.sqlite", "/index.sqlite-wal", "/index.sqlite-shm"}) {
    std::filesystem::remove(SearchDir(db_dir) + old, ec);
  }
  if (auto s = idx->LoadSegments(); !s.ok()) {
    // The index is derived from the store: an index in an older format is
    // rebuilt when the caller may update it, not left for the user to delete.
    if (s.code() != StatusCode::kIncompatible || !update) return s;
    for (const auto& entry : std::filesystem::directory_iterator(SearchDir(db_dir), ec)) {
      const std::string name = entry.path().filename().string();
      if (name == "manifest" || name.starts_with("seg-")) std::filesystem::remove(entry.path(), ec);
    }
    if (auto again = idx->LoadSegments(); !again.ok()) return again;
  }
  if (update) {
    auto r = idx->Update(progress);
    if (!r.ok()) return r.status();
  }
  idx->networks_ = ReadU32(link::LinkDir(db_dir) + "/networks.u32");
  idx->clusters_ = ReadU32(link::LinkDir(db_dir) + "/clusters.u32");
  return idx;
}

core::Status Index::LoadSegments() {
  auto manifest = ReadManifest(db_dir_);
  if (!manifest.ok()) return manifest.status();
  std::vector<std::unique_ptr<Segment>> segs;
  for (const auto& e : *manifest) {
    auto s = Segment::Open(SearchDir(db_dir_) + "/" + e.file);
    if (!s.ok()) return s.status();
    if ((*s)->first_ordinal() != e.first || (*s)->doc_count() != e.count) {
      return Status::Error(StatusCode::kCorrupt, fmt::format("{}/{}: segment does not match the manifest; delete {} and "
                                                             "run `lodestar index --db {}`",
                                                             SearchDir(db_dir_), e.file, SearchDir(db_dir_), db_dir_));
    }
    segs.push_back(std::move(s.value()));
  }
  segments_ = std::move(segs);
  return Status::Ok();
}

uint64_t Index::size() const {
  return segments_.empty() ? 0 : segments_.back()->first_ordinal() + segments_.back()->doc_count();
}

core::Result<IndexSummary> Index::Update(bool progress) {
  auto start = std::chrono::steady_clock::now();
  WriterLock lock(SearchDir(db_dir_) + "/lock");
  if (!lock.ok()) {
    return Status::Error(StatusCode::kIoError, fmt::format("{}/lock: cannot lock the search index: {}", SearchDir(db_dir_),
                                                           std::strerror(errno)));
  }
  // Another process may have indexed while we waited for the lock.
  if (auto s = LoadSegments(); !s.ok()) return s;
  auto st = store::Store::Open(db_dir_, store::Store::Mode::kRead);
  if (!st.ok()) return st.status();
  IndexSummary sum;
  const uint64_t ads = (*st)->ad_count();
  uint64_t indexed_before = size();
  if (ads <= indexed_before) {
    sum.total = indexed_before;
    return sum;
  }
  // Many small segments slow every query down; fold them into one.
  const bool rebuild = segments_.size() + 1 > kMaxSegments;
  const uint64_t first = rebuild ? 0 : indexed_before;

  SegmentWriter writer(first);
  if (auto s = BuildSegment(**st, first, ads, progress, writer); !s.ok()) return s;

  const std::string file = fmt::format("seg-{:010d}-{:010d}.lsi", first, writer.doc_count());
  if (auto s = writer.Write(SearchDir(db_dir_) + "/" + file); !s.ok()) return s;
  auto manifest = ReadManifest(db_dir_);
  if (!manifest.ok()) return manifest.status();
  std::vector<ManifestEntry> entries = rebuild ? std::vector<ManifestEntry>{} : *manifest;
  entries.push_back({file, first, writer.doc_count()});
  if (auto s = WriteManifest(db_dir_, entries); !s.ok()) return s;
  if (rebuild) {
    std::error_code ec;
    for (const auto& e : *manifest) {
      if (e.file != file) std::filesystem::remove(SearchDir(db_dir_) + "/" + e.file, ec);
    }
  }
  if (auto s = LoadSegments(); !s.ok()) return s;
  sum.indexed = first + writer.doc_count() - indexed_before;
  sum.total = size();
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sum;
}

void Index::EnableMatchCache(size_t max_bytes) {
  match_cache_ = max_bytes > 0 ? std::make_unique<MatchCache>(max_bytes) : nullptr;
}

MatchCache::Stats Index::match_cache_stats() const { return match_cache_ ? match_cache_->stats() : MatchCache::Stats{}; }

uint32_t Index::NetworkOf(uint64_t o) const { return o < networks_.size() ? networks_[o] : UINT32_MAX; }
uint32_t Index::ClusterOf(uint64_t o) const { return o < clusters_.size() ? clusters_[o] : UINT32_MAX; }

const Segment* Index::Locate(uint64_t ordinal, uint32_t& local) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), ordinal,
                             [](uint64_t o, const std::unique_ptr<Segment>& s) { return o < s->first_ordinal(); });
  if (it == segments_.begin()) return nullptr;
  const Segment* s = std::prev(it)->get();
  if (ordinal - s->first_ordinal() >= s->doc_count()) return nullptr;
  local = static_cast<uint32_t>(ordinal - s->first_ordinal());
  return s;
}

namespace {

core::Status CheckLinkFilters(const Index& idx, const Query& q) {
  for (const auto& f : q.filters) {
    if ((f.key == "network" || f.key == "template") && !idx.linked()) {
      return Status::Error(StatusCode::kNotFound,
                           fmt::format("{}: filter '{}:' needs linked ads; run `lodestar link --db {}` first",
                                       idx.db_dir(), f.key, idx.db_dir()));
    }
  }
  return Status::Ok();
}

MatchContext Context(const Index& idx, const std::vector<std::unique_ptr<Segment>>& segments, MatchCache* cache) {
  MatchContext ctx;
  for (const auto& s : segments) ctx.segments.push_back(s.get());
  ctx.network_of = [&idx](uint64_t o) { return idx.NetworkOf(o); };
  ctx.cluster_of = [&idx](uint64_t o) { return idx.ClusterOf(o); };
  ctx.cache = cache;
  return ctx;
}

}  // namespace

core::Result<SearchResults> Index::Search(const std::string& text, size_t limit) const {
  auto q = ParseQuery(text);
  if (!q.ok()) return q.status();
  return Search(*q, limit);
}

core::Result<SearchResults> Index::Search(const Query& q, size_t limit) const {
  SearchOptions o;
  o.limit = limit;
  return Search(q, o);
}

core::Result<SearchResults> Index::Search(const Query& q, const SearchOptions& options) const {
  if (auto st = CheckLinkFilters(*this, q); !st.ok()) return st;
  const MatchContext ctx = Context(*this, segments_, match_cache_.get());
  const MatchOrder order = q.has_text() ? MatchOrder::kScore : MatchOrder::kPosted;
  const size_t want = options.offset + options.limit;
  SearchResults out;
  std::vector<Match> best;
  if (options.facets) {
    // Facets count over every match, so every match is materialised.
    auto matches = Evaluate(ctx, q);
    if (!matches.ok()) return matches.status();
    out.facets = Facets(*matches, options.facet_values);
    auto top = TopOf(std::move(*matches), want, order);
    out.total = top.total;
    best = std::move(top.best);
  } else {
    auto top = EvaluateTop(ctx, q, want, order);
    if (!top.ok()) return top.status();
    out.total = top->total;
    best = std::move(top->best);
  }
  for (size_t i = options.offset; i < best.size(); ++i) {
    Hit h;
    h.ordinal = best[i].ordinal;
    h.score = best[i].score;
    if (auto st = Fill(h, q); !st.ok()) return st;
    out.hits.push_back(std::move(h));
  }
  return out;
}

TopMatches Index::TopOf(std::vector<Match> matches, size_t k, MatchOrder order) const {
  auto posted = [&](uint64_t o) {
    uint32_t local;
    const Segment* s = Locate(o, local);
    return s ? s->posted(local) : 0;
  };
  auto better = [&](const Match& a, const Match& b) {
    if (order == MatchOrder::kScore) {
      if (a.score != b.score) return a.score > b.score;
    } else if (int64_t pa = posted(a.ordinal), pb = posted(b.ordinal); pa != pb) {
      return pa > pb;
    }
    return a.ordinal < b.ordinal;
  };
  TopMatches out;
  out.total = matches.size();
  k = std::min(k, matches.size());
  std::partial_sort(matches.begin(), matches.begin() + static_cast<std::ptrdiff_t>(k), matches.end(), better);
  matches.resize(k);
  out.best = std::move(matches);
  return out;
}

std::vector<Facet> Index::Facets(const std::vector<Match>& matches, size_t top) const {
  static const char* kKinds[] = {"city", "state", "site", "phone", "indicator"};
  // value -> (ads, last ordinal counted): an ad counts once per value.
  std::vector<std::unordered_map<std::string_view, std::pair<uint64_t, uint64_t>>> counts(std::size(kKinds) + 1);
  std::vector<std::string> network_names;
  std::unordered_map<uint32_t, uint64_t> networks;
  for (const auto& m : matches) {
    uint32_t local;
    const Segment* s = Locate(m.ordinal, local);
    if (!s) continue;
    s->ForEachFact(local, [&](uint32_t term, std::string_view) {
      std::string_view kind, value;
      if (!SplitFactTerm(s->term(term), kind, value)) return;
      for (size_t k = 0; k < std::size(kKinds); ++k) {
        if (kind != kKinds[k]) continue;
        auto& c = counts[k][value];
        if (c.first == 0 || c.second != m.ordinal) {
          c.first++;
          c.second = m.ordinal;
        }
      }
    });
    if (uint32_t n = NetworkOf(m.ordinal); n != UINT32_MAX) networks[n]++;
  }
  std::vector<Facet> out;
  auto top_values = [top](std::vector<FacetValue> v) {
    std::sort(v.begin(), v.end(), [](const FacetValue& a, const FacetValue& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    if (v.size() > top) v.resize(top);
    return v;
  };
  for (size_t k = 0; k < std::size(kKinds); ++k) {
    std::vector<FacetValue> v;
    for (const auto& [value, c] : counts[k]) v.push_back({std::string(value), c.first});
    out.push_back({kKinds[k], top_values(std::move(v))});
  }
  if (linked()) {
    std::vector<FacetValue> v;
    for (const auto& [n, c] : networks) v.push_back({link::NetworkId(n), c});
    out.push_back({"network", top_values(std::move(v))});
  }
  return out;
}

core::Status Index::Fill(Hit& h, const Query& q) const {
  uint32_t local;
  const Segment* s = Locate(h.ordinal, local);
  if (!s) return Status::Error(StatusCode::kNotFound, fmt::format("{}: ad {} is not indexed", db_dir_, h.ordinal));
  h.id = std::string(s->id(local));
  h.site = std::string(s->site(local));
  h.city = std::string(s->city(local));
  h.state = std::string(s->state(local));
  h.posted = s->posted(local);
  if (uint32_t n = NetworkOf(h.ordinal); n != UINT32_MAX) h.network = link::NetworkId(n);
  if (uint32_t c = ClusterOf(h.ordinal); c != UINT32_MAX) h.cluster = link::ClusterId(c);
  if (q.has_text()) {
    std::string title, body;
    if (auto st = s->Text(local, title, body); !st.ok()) return st;
    std::string snip = Snippet(title, body, HighlightTokens(q));
    if (!snip.empty()) h.evidence.push_back({"text", std::move(snip), ""});
  }
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
    s->ForEachFact(local, [&](uint32_t term, std::string_view span) {
      std::string_view k, v;
      if (SplitFactTerm(s->term(term), k, v) && k == kind && FilterMatches(flt, kind, v)) {
        h.evidence.push_back({kind, std::string(v), std::string(span)});
      }
    });
  }
  return Status::Ok();
}

core::Result<std::vector<uint64_t>> Index::Select(const Query& q) const {
  if (auto st = CheckLinkFilters(*this, q); !st.ok()) return st;
  auto matches = Evaluate(Context(*this, segments_, match_cache_.get()), q);
  if (!matches.ok()) return matches.status();
  std::vector<uint64_t> out;
  out.reserve(matches->size());
  for (const auto& m : *matches) out.push_back(m.ordinal);
  return out;
}

core::Result<std::vector<AdRow>> Index::Ads() const {
  std::vector<AdRow> out;
  out.reserve(size());
  for (const auto& s : segments_) {
    for (uint32_t d = 0; d < s->doc_count(); ++d) {
      AdRow r;
      r.ordinal = s->first_ordinal() + d;
      r.id = std::string(s->id(d));
      r.site = std::string(s->site(d));
      r.city = std::string(s->city(d));
      r.state = std::string(s->state(d));
      r.posted = s->posted(d);
      r.day = r.posted ? core::DaysFromCivil(1970, 1, 1) + r.posted / 86400 : 0;
      out.push_back(std::move(r));
    }
  }
  return out;
}

core::Status Index::ForEachFact(
    const std::string& kind, const std::function<void(uint64_t, const std::string&, double, const std::string&)>& fn) const {
  const bool numeric = kind == "age" || kind == "price";
  std::string value, span;
  for (const auto& s : segments_) {
    for (uint32_t d = 0; d < s->doc_count(); ++d) {
      s->ForEachFact(d, [&](uint32_t term, std::string_view sp) {
        std::string_view k, v;
        if (!SplitFactTerm(s->term(term), k, v) || k != kind) return;
        value.assign(v);
        span.assign(sp);
        fn(s->first_ordinal() + d, value, numeric ? NumberOf(v) : 0.0, span);
      });
    }
  }
  return Status::Ok();
}

core::Status Index::ForEachText(const std::vector<uint64_t>& ordinals,
                                const std::function<void(uint64_t, const std::string&, const std::string&)>& fn) const {
  std::string title, body;
  for (uint64_t o : ordinals) {
    uint32_t local;
    const Segment* s = Locate(o, local);
    if (!s) continue;
    if (auto st = s->Text(local, title, body); !st.ok()) return st;
    fn(o, title, body);
  }
  return Status::Ok();
}

}  // namespace lodestar::search
