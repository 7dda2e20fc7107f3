#include "extract/lexicon.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

namespace lodestar::extract {
namespace {

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> cols;
  size_t start = 0;
  while (true) {
    const size_t tab = line.find('\t', start);
    cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return cols;
}

core::Status LoadFile(const std::string& path, LexKind kind, std::vector<LexEntry>& entries, int* version) {
  std::ifstream in(path);
  if (!in) {
    return core::Status::Error(core::StatusCode::kNotFound,
                               path + ": cannot open lexicon file; set LODESTAR_DATA_DIR to the repository's data/ directory");
  }
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '#') {
      const auto pos = line.find("version:");
      if (pos != std::string::npos && version) *version = std::max(*version, std::atoi(line.c_str() + pos + 8));
      continue;
    }
    const auto cols = SplitTabs(line);
    LexEntry e;
    e.kind = kind;
    auto bad = [&](const std::string& why) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 path + ":" + std::to_string(line_no) + ": " + why + "; fix the lexicon entry");
    };
    if (kind == LexKind::kIndicator) {
      if (cols.size() < 5) return bad("expected 5-6 tab-separated columns (id, category, pattern, exclude, source)");
      e.id = cols[0];
      e.category = cols[1];
      e.pattern = cols[2];
      if (!cols[3].empty()) {
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_case_sensitive(false);
        e.exclude = std::make_unique<RE2>(cols[3], opts);
        if (!e.exclude->ok()) return bad("bad exclude pattern: " + e.exclude->error());
      }
      e.source = cols[4];
      if (e.source.empty()) return bad("missing source citation");
    } else {
      if (cols.size() < 3) return bad("expected 3-4 tab-separated columns (kind, value, pattern)");
      e.category = cols[0];
      e.value = cols[1];
      e.pattern = cols[2];
      e.id = e.category + ":" + e.value;
      if (cols.size() > 3) e.source = cols[3];
    }
    if (e.id.empty() || e.pattern.empty()) return bad("empty id or pattern");
    {
      RE2::Options opts;
      opts.set_log_errors(false);
      opts.set_case_sensitive(false);
      opts.set_dot_nl(true);
      e.tail = std::make_unique<RE2>("(?:" + e.pattern + ")\\z", opts);
      if (!e.tail->ok()) return bad("pattern is not RE2-compatible: " + e.tail->error());
    }
    entries.push_back(std::move(e));
  }
  return core::Status::Ok();
}

// Compiling the lexicon takes about a second; the compiled database is cached on
// disk keyed by the exact patterns, flags and Hyperscan version. Any cache
// problem silently falls back to compiling.
std::string CacheDir() {
  if (const char* d = std::getenv("LODESTAR_CACHE_DIR"); d && *d) return d;
  if (const char* d = std::getenv("XDG_CACHE_HOME"); d && *d) return std::string(d) + "/lodestar";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/lodestar";
  return "";
}

hs_database_t* LoadCachedDb(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data(), bytes.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

void StoreCachedDb(const std::string& dir, const std::string& path, const hs_database_t* db) {
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return;
  // mkdir -p (two levels are enough for ~/.cache/lodestar).
  const auto slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0) ::mkdir(dir.substr(0, slash).c_str(), 0755);
  ::mkdir(dir.c_str(), 0755);
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out.write(bytes, static_cast<std::streamsize>(len));
    if (!out) {
      std::free(bytes);
      std::remove(tmp.c_str());
      return;
    }
  }
  std::free(bytes);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) std::remove(tmp.c_str());
}

struct ScanContext {
  std::vector<LexHit>* hits;
  std::vector<uint64_t>* seen;  // one bit per entry: reported already in this scan
};

// Keeps each entry's first match only (lowest end offset: Hyperscan reports in end-offset order), as
// HS_FLAG_SINGLEMATCH would; the database is compiled without that flag because the scan is faster so.
int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int /*flags*/, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  uint64_t& word = (*c->seen)[id >> 6];
  const uint64_t bit = uint64_t{1} << (id & 63);
  if (word & bit) return 0;
  word |= bit;
  if (c->hits->size() >= 65536) return 1;  // bounded memory on pathological input
  c->hits->push_back(LexHit{id, static_cast<uint32_t>(from), static_cast<uint32_t>(to)});
  return 0;
}

}  // namespace

Lexicon::~Lexicon() {
  if (db_) hs_free_database(db_);
}

size_t Lexicon::count(LexKind k) const {
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(), [k](const LexEntry& e) { return e.kind == k; }));
}

core::Result<std::unique_ptr<Lexicon>> Lexicon::Load(const std::string& dir) {
  auto lex = std::unique_ptr<Lexicon>(new Lexicon());
  int version = 0;
  for (const auto& [file, kind] : {std::pair{"indicators.tsv", LexKind::kIndicator},
                                   std::pair{"commercial.tsv", LexKind::kCommercial},
                                   std::pair{"attributes.tsv", LexKind::kAttribute}}) {
    auto st = LoadFile(dir + "/lexicon/" + file, kind, lex->entries_, kind == LexKind::kIndicator ? &version : nullptr);
    if (!st.ok()) return st;
  }
  lex->version_ = version;
  // Triggers cost scan time (short words between \b assertions most): only one set of plain literals is scanned. E-mail, handle and payment passes gate themselves;
  // the URL trigger is computed by UrlTriggerFires (prechecks.h), which answers exactly as its pattern would.
  // The age, money, height and weight triggers (short words ending at \b) are computed by WordTriggers instead.
  static constexpr std::pair<uint32_t, const char*> kTriggers[] = {
      // Literals only (cheap to scan): exactly the platform words whose presence lets the long handle pass run.
      {kTrigPlatformWord, R"(twitter|tweet|insta|snap|kik|telegram|whats|fans|skype|wechat)"},
  };
  for (const auto& [bit, pattern] : kTriggers) {
    LexEntry e;
    e.kind = LexKind::kTrigger;
    e.id = "trigger:" + std::to_string(bit);
    e.pattern = pattern;
    e.value = std::to_string(bit);
    e.trigger_bit = bit;
    lex->entries_.push_back(std::move(e));
  }
  std::vector<const char*> patterns;
  std::vector<unsigned int> flags, ids;
  for (size_t i = 0; i < lex->entries_.size(); ++i) {
    patterns.push_back(lex->entries_[i].pattern.c_str());
    // One report per pattern per field is all the extractor keeps (OnMatch drops the rest), and start-of-match
    // tracking would double the scan cost: the start is found by the RE2 second pass.
    // The normalised text has no upper-case ASCII, so CASELESS only matters for a pattern that spells
    // upper-case letters; elsewhere it is dropped, as caseless literal matching costs scan time.
    const std::string& pat = lex->entries_[i].pattern;
    const bool has_upper = std::any_of(pat.begin(), pat.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
    flags.push_back((has_upper ? HS_FLAG_CASELESS : 0u) | HS_FLAG_DOTALL);
    ids.push_back(static_cast<unsigned int>(i));
  }
  std::string fingerprint = hs_version();
  for (size_t i = 0; i < patterns.size(); ++i) {
    fingerprint += '\x1f';
    fingerprint += patterns[i];
    fingerprint += '\x1e' + std::to_string(flags[i]);
  }
  const std::string cache_dir = CacheDir();
  char name[64];
  std::snprintf(name, sizeof name, "/lexicon-%016zx-%zu.hsdb", std::hash<std::string>{}(fingerprint), patterns.size());
  const std::string cache_path = cache_dir.empty() ? "" : cache_dir + name;
  if (!cache_path.empty()) lex->db_ = LoadCachedDb(cache_path);
  if (lex->db_) return lex;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned int>(patterns.size()),
                       HS_MODE_BLOCK, nullptr, &lex->db_, &err) != HS_SUCCESS) {
    std::string msg = dir + "/lexicon: pattern ";
    if (err && err->expression >= 0 && static_cast<size_t>(err->expression) < lex->entries_.size()) {
      msg += lex->entries_[err->expression].id;
    }
    msg += " does not compile: ";
    msg += err ? err->message : "unknown error";
    if (err) hs_free_compile_error(err);
    return core::Status::Error(core::StatusCode::kInvalidInput, msg + "; fix the lexicon entry");
  }
  if (!cache_path.empty()) StoreCachedDb(cache_dir, cache_path, lex->db_);
  return lex;
}

hs_scratch_t* Lexicon::AllocScratch() const {
  hs_scratch_t* scratch = nullptr;
  if (hs_alloc_scratch(db_, &scratch) != HS_SUCCESS) return nullptr;
  return scratch;
}

uint32_t Lexicon::Scan(std::string_view text, hs_scratch_t* scratch, std::vector<LexHit>& hits) const {
  const size_t first = hits.size();
  if (!scratch || text.empty()) return 0;
  thread_local std::vector<uint64_t> seen;
  seen.assign((entries_.size() + 63) / 64, 0);
  ScanContext ctx{&hits, &seen};
  hs_scan(db_, text.data(), static_cast<unsigned int>(std::min<size_t>(text.size(), UINT32_MAX)), 0, scratch, OnMatch,
          &ctx);
  // Second pass (RE2): where each hit starts (leftmost start of a match ending at
  // the reported end), then the entry's exclude pattern on a window around it.
  size_t keep = first;
  uint32_t triggers = 0;
  for (size_t r = first; r < hits.size(); ++r) {
    LexHit h = hits[r];
    const LexEntry& e = entries_[h.entry];
    if (e.kind == LexKind::kTrigger) {
      triggers |= e.trigger_bit;
      continue;
    }
    const size_t window = h.to > 200 ? h.to - 200 : 0;
    re2::StringPiece m;
    // The text is cut at the hit's end so "\\z" anchors there; bytes before the window stay as context for \\b.
    const re2::StringPiece upto(text.data(), h.to);
    if (!e.tail->Match(upto, window, h.to, RE2::UNANCHORED, &m, 1)) continue;
    h.from = static_cast<uint32_t>(m.data() - text.data());
    if (e.exclude) {
      const size_t b = h.from > 40 ? h.from - 40 : 0;
      const size_t en = std::min<size_t>(text.size(), h.to + 40);
      if (RE2::PartialMatch(re2::StringPiece(text.data() + b, en - b), *e.exclude)) continue;
    }
    hits[keep++] = h;
  }
  hits.resize(keep);
  return triggers | WordTriggers(text);
}

namespace {

// Hyperscan's \w and \s without UCP (the database is compiled so): ASCII letters, digits, '_'; [\t\n\v\f\r ].
constexpr auto kWordBytes = [] {
  std::array<bool, 256> w{};
  for (int c = 0; c < 256; ++c) w[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  return w;
}();
inline bool IsWordByte(char c) { return kWordBytes[static_cast<unsigned char>(c)]; }
inline bool IsSpaceByte(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

inline bool EndsWith(std::string_view w, std::string_view e) {
  return w.size() >= e.size() && std::memcmp(w.data() + w.size() - e.size(), e.data(), e.size()) == 0;
}

// The triggers a word fires by how it ends (the "(x|y)\b" alternatives), chosen by its last byte: asked of every
// word of every field, so each word is compared with the few endings that share its last byte only.
uint32_t WordEndingTriggers(std::string_view w) {
  constexpr uint32_t kAge = kTrigAge, kMoney = kTrigMoney, kHeight = kTrigHeight, kWeight = kTrigWeight;
  switch (w.back()) {
    case 'd': return EndsWith(w, "usd") ? kMoney : 0;
    case 'r':
      return (EndsWith(w, "dollar") || EndsWith(w, "eur") || EndsWith(w, "hr") || EndsWith(w, "hour") ? kMoney
                                                                                                        : 0) |
             (EndsWith(w, "yr") || EndsWith(w, "year") ? kAge : 0);
    case 's':
      return (EndsWith(w, "rs") || EndsWith(w, "roses") || EndsWith(w, "bucks") || EndsWith(w, "euros") ||
                      EndsWith(w, "donations") || EndsWith(w, "rates")
                  ? kMoney
                  : 0) |
             (EndsWith(w, "yrs") || EndsWith(w, "years") || EndsWith(w, "anos") ? kAge : 0) |
             (EndsWith(w, "lbs") || EndsWith(w, "pounds") ? kWeight : 0);
    case 'e': return EndsWith(w, "rose") || EndsWith(w, "rate") ? kMoney : 0;
    case 'o': return (EndsWith(w, "euro") ? kMoney : 0) | (EndsWith(w, "yo") || EndsWith(w, "ano") ? kAge : 0);
    case 'p': return EndsWith(w, "gbp") ? kMoney : 0;
    case 'n': return EndsWith(w, "donation") ? kMoney : 0;
    case 't':
      return (EndsWith(w, "gift") ? kMoney : 0) |
             (EndsWith(w, "ft") || EndsWith(w, "feet") || EndsWith(w, "foot") ? kHeight : 0);
    case 'y': return EndsWith(w, "hourly") || EndsWith(w, "hrly") ? kMoney : 0;
    case 'h': return EndsWith(w, "hh") ? kMoney : 0;
    case 'v': return EndsWith(w, "qv") ? kMoney : 0;
    case 'f': return EndsWith(w, "half") ? kMoney : 0;
    case 'm': return EndsWith(w, "cm") ? kHeight : 0;
    case 'b': return EndsWith(w, "lb") ? kWeight : 0;
    case 'g': return EndsWith(w, "kg") ? kWeight : 0;
    default: return 0;
  }
}

}  // namespace

uint32_t WordTriggers(std::string_view t) {
  constexpr auto npos = std::string_view::npos;
  uint32_t trig = 0;
  if (t.find('$') != npos || t.find("\xC2\xA3") != npos || t.find("\xE2\x82\xAC") != npos) trig |= kTrigMoney;
  if (t.find('\'') != npos) trig |= kTrigHeight;
  if (t.find('#') != npos) trig |= kTrigWeight;
  constexpr uint32_t kAll = kTrigAge | kTrigMoney | kTrigHeight | kTrigWeight;
  // A pattern "(x|y)\b" matches where a word (maximal run of word bytes) ends in x or y; "\b(x)\b" where a word is x.
  for (size_t i = 0; i < t.size() && trig != kAll;) {
    if (!IsWordByte(t[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < t.size() && IsWordByte(t[j])) ++j;
    const std::string_view w = t.substr(i, j - i);
    trig |= WordEndingTriggers(w);
    if (!(trig & kTrigAge)) {
      bool age = w == "age" || w == "aged" || w == "edad" || w == "tengo" || w == "im" ||
                 (w == "o" && i >= 2 && (t[i - 1] == '/' || t[i - 1] == '.') && t[i - 2] == 'y');  // y/o, y.o
      if (!age && w == "i" && j < t.size()) {
        // i'm (the word "m" right after the apostrophe); i\s+am, i\s+m (only white space before the next word).
        const auto word_at = [&](size_t k, std::string_view x) {
          return t.substr(k, x.size()) == x && (k + x.size() == t.size() || !IsWordByte(t[k + x.size()]));
        };
        if (t[j] == '\'') {
          age = word_at(j + 1, "m");
        } else if (IsSpaceByte(t[j])) {
          size_t k = j;
          while (k < t.size() && IsSpaceByte(t[k])) ++k;
          age = word_at(k, "am") || word_at(k, "m");
        }
      }
      if (age) trig |= kTrigAge;
    }
    i = j;
  }
  return trig;
}

}  // namespace lodestar::extract
