#include "extract/lexicon.h"

#include <sys/stat.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "extract/ascii.h"
#include "extract/byte_masks.h"

namespace lodestar::extract {
namespace {

// Expands a pattern written as literal bytes, \s+ and \s* (kept as the markers '+' and '*'), groups, '|' and
// optional ('?') single bytes or groups into the list of its alternatives: the byte strings it matches, up to
// white space runs. Returns false for any other construct, or when there would be more than kMaxAlternatives.
class AlternativeParser {
 public:
  static constexpr size_t kMaxAlternatives = 256;
  explicit AlternativeParser(std::string_view p) : p_(p) {}

  bool Parse(std::vector<std::string>& out) { return Alternation(out) && i_ == p_.size(); }

 private:
  static bool Literal(char c) {
    return IsAsciiLower(c) || IsAsciiDigit(c) || c == '-' || c == '\'' || c == '&' || c == '/';
  }

  bool Alternation(std::vector<std::string>& out) {
    while (true) {
      std::vector<std::string> seq;
      if (!Sequence(seq)) return false;
      out.insert(out.end(), seq.begin(), seq.end());
      if (out.size() > kMaxAlternatives) return false;
      if (i_ == p_.size() || p_[i_] != '|') return true;
      ++i_;
    }
  }

  bool Sequence(std::vector<std::string>& out) {
    out = {""};
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      std::vector<std::string> item;
      if (!Item(item)) return false;
      if (i_ < p_.size() && p_[i_] == '?') {
        // Optional: "s?" or "(ship)?"; a '?' after a white space repeat would make it lazy, which is not handled.
        if (item.size() == 1 && (item[0] == "+" || item[0] == "*")) return false;
        item.emplace_back();
        ++i_;
      }
      std::vector<std::string> joined;
      for (const std::string& head : out) {
        for (const std::string& tail : item) joined.push_back(head + tail);
      }
      if (joined.size() > kMaxAlternatives) return false;
      out = std::move(joined);
    }
    return true;
  }

  bool Item(std::vector<std::string>& out) {
    const char c = p_[i_];
    if (c == '(') {
      i_ += p_.substr(i_, 3) == "(?:" ? 3 : 1;
      if (!Alternation(out) || i_ == p_.size() || p_[i_] != ')') return false;
      ++i_;
      return true;
    }
    if (c == '\\') {
      if (p_.substr(i_, 3) != "\\s+" && p_.substr(i_, 3) != "\\s*") return false;
      out = {std::string(1, p_[i_ + 2])};
      i_ += 3;
      return true;
    }
    if (!Literal(c)) return false;
    out = {std::string(1, c)};
    ++i_;
    return true;
  }

  std::string_view p_;
  size_t i_ = 0;
};

// The alternatives of a pattern "\b(...)\b" (see AlternativeParser) when each starts and ends with an ASCII
// lower-case letter or digit, with adjacent white space markers merged into one; empty for any other pattern.
std::vector<std::string> WordAlternatives(std::string_view p) {
  if (p.size() < 5 || p.substr(0, 2) != "\\b" || p.substr(p.size() - 2) != "\\b") return {};
  std::vector<std::string> alts;
  if (!AlternativeParser(p.substr(2, p.size() - 4)).Parse(alts)) return {};
  std::vector<std::string> words;
  for (const std::string& a : alts) {
    std::string w;
    for (const char c : a) {
      const bool ws = c == '+' || c == '*';
      if (ws && !w.empty() && (w.back() == '+' || w.back() == '*')) {
        if (c == '+') w.back() = '+';  // \s*\s+ and \s+\s* are \s+, \s*\s* is \s*
        continue;
      }
      w += c;
    }
    const auto edge = [](char c) { return IsAsciiLower(c) || IsAsciiDigit(c); };
    if (w.empty() || !edge(w.front()) || !edge(w.back())) return {};
    if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(std::move(w));
  }
  return words;
}

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
    e.words = WordAlternatives(e.pattern);
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

// Compiles (or loads from the cache) one block-mode database. On failure returns null and sets *bad (the index
// of the failing pattern, or -1) and *error (Hyperscan's reason).
hs_database_t* CompileCached(const std::vector<const char*>& patterns, const std::vector<unsigned int>& flags,
                             const std::vector<unsigned int>& ids, int* bad, std::string* error) {
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
  hs_database_t* db = cache_path.empty() ? nullptr : LoadCachedDb(cache_path);
  if (db) return db;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(patterns.data(), flags.data(), ids.data(), static_cast<unsigned int>(patterns.size()),
                       HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
    *bad = err ? err->expression : -1;
    *error = err ? err->message : "unknown error";
    if (err) hs_free_compile_error(err);
    return nullptr;
  }
  if (!cache_path.empty()) StoreCachedDb(cache_dir, cache_path, db);
  return db;
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
  for (hs_database_t* db : {db_, spaces_db_, single_db_}) {
    if (db) hs_free_database(db);
  }
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
  // The narrowed databases hold the same entries under the same ids: only white space constructs differ.
  std::vector<std::string> narrowed[2];
  std::vector<const char*> narrowed_ptrs[2];
  const std::pair<SpaceForm, hs_database_t**> narrow_dbs[2] = {{SpaceForm::kSpaces, &lex->spaces_db_},
                                                               {SpaceForm::kSingle, &lex->single_db_}};
  for (int k = 0; k < 2; ++k) {
    for (const auto& e : lex->entries_) narrowed[k].push_back(NarrowPattern(e.pattern, narrow_dbs[k].first));
    for (const auto& p : narrowed[k]) narrowed_ptrs[k].push_back(p.c_str());
  }
  for (const auto& [pats, out] : {std::pair{&patterns, &lex->db_}, std::pair{&narrowed_ptrs[0], narrow_dbs[0].second},
                                  std::pair{&narrowed_ptrs[1], narrow_dbs[1].second}}) {
    int bad = -1;
    std::string err;
    *out = CompileCached(*pats, flags, ids, &bad, &err);
    if (!*out) {
      std::string msg = dir + "/lexicon: pattern ";
      if (bad >= 0 && static_cast<size_t>(bad) < lex->entries_.size()) msg += lex->entries_[bad].id;
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 msg + " does not compile: " + err + "; fix the lexicon entry");
    }
  }
  return lex;
}

hs_scratch_t* Lexicon::AllocScratch() const {
  // One scratch, grown to fit all three databases.
  hs_scratch_t* scratch = nullptr;
  for (const hs_database_t* db : {db_, spaces_db_, single_db_}) {
    if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
      if (scratch) hs_free_scratch(scratch);
      return nullptr;
    }
  }
  return scratch;
}

Lexicon::SpaceForm Lexicon::SpaceFormOf(std::string_view t) {
  // Hyperscan's \s without UCP: [\t\n\v\f\r ].
  const auto ws = [](unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  bool other = false;
  size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: masks of white space and of the non-space white space bytes; a run of white space is a
  // bit set in the mask and in the mask shifted by one (carrying the previous block's last bit).
  const __m128i space = _mm_set1_epi8(' '), lo = _mm_set1_epi8('\t' - 1), hi = _mm_set1_epi8('\r' + 1);
  uint32_t carry = 0;
  for (; i + 16 <= t.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
    const __m128i ctl = _mm_and_si128(_mm_cmpgt_epi8(v, lo), _mm_cmplt_epi8(v, hi));
    const uint32_t c = static_cast<uint32_t>(_mm_movemask_epi8(ctl));
    const uint32_t m = static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, space), ctl)));
    if (m & ((m << 1) | carry)) return SpaceForm::kAny;
    other |= c != 0;
    carry = m >> 15;
  }
  bool prev = carry != 0;
#else
  bool prev = false;
#endif
  for (; i < t.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(t[i]);
    const bool w = ws(c);
    if (w && prev) return SpaceForm::kAny;
    other |= w && c != ' ';
    prev = w;
  }
  return other ? SpaceForm::kSingle : SpaceForm::kSpaces;
}

std::string Lexicon::NarrowPattern(const std::string& p, SpaceForm form) {
  if (form == SpaceForm::kAny) return p;
  // Every \s becomes ' ' (kSpaces) or stays \s (kSingle); outside a class, \s+ becomes one and \s* an optional
  // one. Exact because the texts of `form` and all their substrings have no longer white space run for \s+ or \s*
  // to match. Anything else is copied, escapes as pairs; lazy, possessive or counted \s repeats keep the pattern.
  const std::string ws = form == SpaceForm::kSpaces ? " " : "\\s";
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      if (p[i + 1] != 's') {
        out.append(p, i, 2);
        i += 2;
        continue;
      }
      const char q = i + 2 < p.size() ? p[i + 2] : '\0';
      if (in_class || (q != '+' && q != '*')) {
        if (!in_class && q == '{') return p;
        out += ws;
        i += 2;
        continue;
      }
      if (i + 3 < p.size() && (p[i + 3] == '?' || p[i + 3] == '+')) return p;
      out += ws;
      if (q == '*') out += '?';
      i += 3;
      continue;
    }
    out += c;
    ++i;
    if (!in_class && c == '[') {
      in_class = true;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i < p.size() && p[i] == '^') out += p[i++];
      if (i < p.size() && p[i] == ']') out += p[i++];
    } else if (in_class && c == ']') {
      in_class = false;
    }
  }
  return out;
}

const hs_database_t* Lexicon::DatabaseFor(std::string_view text) const {
  switch (SpaceFormOf(text)) {
    case SpaceForm::kSpaces: return spaces_db_;
    case SpaceForm::kSingle: return single_db_;
    case SpaceForm::kAny: break;
  }
  return db_;
}

namespace {

// Where alternative `w` of WordAlternatives, matched backwards from `to`, starts in `text` at or after `window`
// with a word boundary before it, or npos. Sets *non_ascii (and returns npos) where a letter of `w` meets a
// non-ASCII byte: RE2 folds a few non-ASCII characters (U+212A KELVIN SIGN, U+017F LONG S) to ASCII letters.
// White space runs are taken whole: the bytes next to them in `w` are not white space, so no shorter run fits.
size_t StartOfAlternative(std::string_view w, std::string_view text, size_t to, size_t window, bool* non_ascii) {
  size_t pos = to;
  for (size_t k = w.size(); k-- > 0;) {
    const char c = w[k];
    if (c == '+' || c == '*') {
      const size_t end = pos;
      while (pos > window && IsRe2Space(static_cast<unsigned char>(text[pos - 1]))) --pos;
      if (c == '+' && pos == end) return std::string_view::npos;
      continue;
    }
    if (pos <= window) return std::string_view::npos;
    const unsigned char b = static_cast<unsigned char>(text[pos - 1]);
    if (b & 0x80) {
      *non_ascii = true;
      return std::string_view::npos;
    }
    if ((IsAsciiLower(b | 0x20) ? b | 0x20 : b) != static_cast<unsigned char>(c)) return std::string_view::npos;
    --pos;
  }
  // w starts with a word byte: \b needs a non-word byte (or the text's start) before it.
  if (pos > 0 && IsWordByte(static_cast<unsigned char>(text[pos - 1]))) return std::string_view::npos;
  return pos;
}

}  // namespace

size_t Lexicon::HitStart(const LexEntry& e, std::string_view text, size_t to) {
  constexpr size_t kWindow = 200;
  const size_t window = to > kWindow ? to - kWindow : 0;
  if (!e.words.empty()) {
    // All matches end at `to` (where the closing \b holds, as the alternatives end in a word byte and the tail
    // pattern looks at text[0, to)), so the leftmost is the alternative that reaches furthest back. RE2 matches
    // case-insensitively; where a non-ASCII byte stands in for a letter, RE2 answers.
    size_t best = std::string_view::npos;
    bool non_ascii = false;
    for (const std::string& w : e.words) best = std::min(best, StartOfAlternative(w, text, to, window, &non_ascii));
    if (!non_ascii) return best;
  }
  re2::StringPiece m;
  // The text is cut at the hit's end so "\\z" anchors there; bytes before the window stay as context for \\b.
  const re2::StringPiece upto(text.data(), to);
  if (!e.tail->Match(upto, window, to, RE2::UNANCHORED, &m, 1)) return std::string_view::npos;
  return static_cast<size_t>(m.data() - text.data());
}

uint32_t Lexicon::Scan(std::string_view text, hs_scratch_t* scratch, std::vector<LexHit>& hits) const {
  const size_t first = hits.size();
  if (!scratch || text.empty()) return 0;
  thread_local std::vector<uint64_t> seen;
  seen.assign((entries_.size() + 63) / 64, 0);
  ScanContext ctx{&hits, &seen};
  hs_scan(DatabaseFor(text), text.data(), static_cast<unsigned int>(std::min<size_t>(text.size(), UINT32_MAX)), 0,
          scratch, OnMatch, &ctx);
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
    const size_t from = HitStart(e, text, h.to);
    if (from == std::string_view::npos) continue;
    h.from = static_cast<uint32_t>(from);
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

namespace {

// The triggers word t[i, j) fires: by its ending, and (age only) as a whole word or "i" followed by "'m", " am"
// or " m". `trig` is what fired so far.
inline uint32_t WordFires(std::string_view t, size_t i, size_t j, uint32_t trig) {
  const std::string_view w = t.substr(i, j - i);
  uint32_t out = WordEndingTriggers(w);
  if ((trig & kTrigAge) || w.size() > 5) return out;
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
  return age ? out | kTrigAge : out;
}

// The triggers WordFires may answer for a word, by its last two bytes, each taken & 0x1F: row 0 holds the one-byte
// words (a word byte & 0x1F is never 0), row c the words whose second-to-last byte is c. Upper-case letters and
// digits share rows and columns with lower-case letters and '_' with nothing, so an entry is a superset of what the
// words it stands for can fire: a filter that only ever lets too many words through, never too few.
constexpr auto kLastPairTriggers = [] {
  std::array<uint8_t, 32 * 32> t{};
  const std::pair<std::string_view, uint32_t> words[] = {
      {"usd", kTrigMoney}, {"dollar", kTrigMoney}, {"dollars", kTrigMoney}, {"eur", kTrigMoney},
      {"euro", kTrigMoney}, {"euros", kTrigMoney}, {"hr", kTrigMoney}, {"hrs", kTrigMoney}, {"hour", kTrigMoney},
      {"hourly", kTrigMoney}, {"hrly", kTrigMoney}, {"rs", kTrigMoney}, {"rose", kTrigMoney}, {"roses", kTrigMoney},
      {"bucks", kTrigMoney}, {"donation", kTrigMoney}, {"donations", kTrigMoney}, {"rate", kTrigMoney},
      {"rates", kTrigMoney}, {"gbp", kTrigMoney}, {"gift", kTrigMoney}, {"hh", kTrigMoney}, {"qv", kTrigMoney},
      {"half", kTrigMoney}, {"yr", kTrigAge}, {"yrs", kTrigAge}, {"year", kTrigAge}, {"years", kTrigAge},
      {"yo", kTrigAge}, {"ano", kTrigAge}, {"anos", kTrigAge}, {"ft", kTrigHeight}, {"feet", kTrigHeight},
      {"foot", kTrigHeight}, {"cm", kTrigHeight}, {"lb", kTrigWeight}, {"lbs", kTrigWeight},
      {"pounds", kTrigWeight}, {"kg", kTrigWeight}, {"age", kTrigAge}, {"aged", kTrigAge}, {"edad", kTrigAge},
      {"tengo", kTrigAge}, {"im", kTrigAge}, {"i", kTrigAge}, {"o", kTrigAge}};
  for (const auto& [w, trigger] : words) {
    const unsigned prev = w.size() > 1 ? static_cast<unsigned char>(w[w.size() - 2]) & 0x1F : 0;
    t[prev * 32 + (static_cast<unsigned char>(w.back()) & 0x1F)] |= static_cast<uint8_t>(trigger);
  }
  return t;
}();
static_assert((kTrigAge | kTrigMoney | kTrigHeight | kTrigWeight) <= 0xFF, "kLastPairTriggers holds them in a byte");

constexpr uint32_t kAllWordTriggers = kTrigAge | kTrigMoney | kTrigHeight | kTrigWeight;

#if defined(__SSE2__)
// The word triggers, walking the word ends of t from the start, 64 bytes at a time: a word byte before a non-word
// one (the next block's first bit is needed for the last byte). Only a word whose last two bytes may fire a trigger
// that has not fired yet is looked at (fired triggers stay set, so skipping words that could only fire them again
// changes nothing). Word starts likewise: a word byte after a non-word one (the previous block's last bit carried
// in); a word that began in an earlier block has no start bit below its end and is walked back byte by byte.
// Stops after the block where no more than height and weight are left to fire, with *next_block at the next one.
uint32_t WalkWordEnds(std::string_view t, uint32_t trig, size_t* next_block) {
  uint64_t cur = t.empty() ? 0 : ByteMask64(t, 0, WordBytes16);
  uint64_t carry = 0;
  size_t base = 0;
  for (; base < t.size() && (kAllWordTriggers & ~trig & ~(kTrigHeight | kTrigWeight)); base += 64) {
    const uint64_t next = base + 64 < t.size() ? ByteMask64(t, base + 64, WordBytes16) : 0;
    const uint64_t starts = cur & ~((cur << 1) | carry);
    for (uint64_t ends = cur & ~((cur >> 1) | (next << 63)); ends; ends &= ends - 1) {
      const unsigned bit = static_cast<unsigned>(__builtin_ctzll(ends));
      const size_t last = base + bit;
      // A word that starts where it ends is one byte long (row 0); otherwise t[last - 1] is in the word.
      const unsigned prev = (starts >> bit) & 1 ? 0 : static_cast<unsigned char>(t[last - 1]) & 0x1F;
      if (!(kLastPairTriggers[prev * 32 + (static_cast<unsigned char>(t[last]) & 0x1F)] & ~trig)) continue;
      const uint64_t before = starts & ((uint64_t{2} << bit) - 1);  // starts at or below the end (all for bit 63)
      size_t start = base;
      if (before) {
        start = base + 63 - static_cast<size_t>(__builtin_clzll(before));
      } else {
        while (start > 0 && IsWordByte(t[start - 1])) --start;
      }
      trig |= WordFires(t, start, last + 1, trig);
    }
    carry = cur >> 63;
    cur = next;
  }
  *next_block = base;
  return trig;
}

// Bit k set where t[pos + k - 1], t[pos + k] are the last two bytes of a height ending (ft, feet, foot, cm: "ft",
// "et", "ot", "cm"), when `height`, or of a weight ending (lb, lbs, pounds, kg: "lb", "bs", "ds", "kg"), when
// `weight`; for the sixteen positions from pos. Bytes outside t read as '\0', which is in no pair.
inline uint32_t HeightWeightPairs16(std::string_view t, size_t pos, bool height, bool weight) {
  __m128i x, p;  // the bytes at pos + k and at pos + k - 1
  if (pos > 0 && pos + 16 <= t.size()) {
    x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + pos));
    p = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + pos - 1));
  } else {
    char buf[17] = {};
    if (pos > 0) buf[0] = t[pos - 1];
    std::memcpy(buf + 1, t.data() + pos, std::min<size_t>(16, t.size() - pos));
    p = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf));
    x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf + 1));
  }
  const auto is = [](__m128i v, char c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(c)); };
  __m128i pairs = _mm_setzero_si128();
  if (height) {
    const __m128i t_after = _mm_or_si128(_mm_or_si128(is(p, 'f'), is(p, 'e')), is(p, 'o'));
    pairs = _mm_or_si128(_mm_and_si128(is(x, 't'), t_after), _mm_and_si128(is(x, 'm'), is(p, 'c')));
  }
  if (weight) {
    const __m128i s_after = _mm_or_si128(is(p, 'b'), is(p, 'd'));
    pairs = _mm_or_si128(pairs, _mm_or_si128(_mm_and_si128(is(x, 'b'), is(p, 'l')),
                                             _mm_or_si128(_mm_and_si128(is(x, 's'), s_after),
                                                          _mm_and_si128(is(x, 'g'), is(p, 'k')))));
  }
  return static_cast<uint32_t>(_mm_movemask_epi8(pairs));
}

// The rest of WalkWordEnds once no more than height and weight are left to fire (from the block at `from` on):
// most text then has none of their eight last pairs, so the pairs are looked for first, and a word end only where
// one stands; a block without them is passed over without its word mask.
uint32_t FindHeightWeightEnds(std::string_view t, size_t from, uint32_t trig) {
  for (size_t base = from; base < t.size() && trig != kAllWordTriggers; base += 64) {
    const bool height = !(trig & kTrigHeight), weight = !(trig & kTrigWeight);
    uint64_t pairs = 0;
    for (size_t k = 0; k < 64 && base + k < t.size(); k += 16) {
      pairs |= uint64_t{HeightWeightPairs16(t, base + k, height, weight)} << k;
    }
    for (; pairs; pairs &= pairs - 1) {
      const size_t last = base + static_cast<size_t>(__builtin_ctzll(pairs));
      if (last + 1 < t.size() && IsWordByte(t[last + 1])) continue;  // not where a word ends
      size_t start = last;
      while (start > 0 && IsWordByte(t[start - 1])) --start;
      trig |= WordFires(t, start, last + 1, trig);
    }
  }
  return trig;
}
#endif

}  // namespace

uint32_t WordTriggers(std::string_view t) {
  constexpr auto npos = std::string_view::npos;
  uint32_t trig = 0;
  if (t.find('$') != npos || t.find("\xC2\xA3") != npos || t.find("\xE2\x82\xAC") != npos) trig |= kTrigMoney;
  if (t.find('\'') != npos) trig |= kTrigHeight;
  if (t.find('#') != npos) trig |= kTrigWeight;
  // A pattern "(x|y)\b" matches where a word (maximal run of word bytes) ends in x or y; "\b(x)\b" where a word is x.
#if defined(__SSE2__)
  size_t next_block = 0;
  trig = WalkWordEnds(t, trig, &next_block);
  return trig == kAllWordTriggers ? trig : FindHeightWeightEnds(t, next_block, trig);
#else
  for (size_t i = 0; i < t.size() && trig != kAllWordTriggers;) {
    if (!IsWordByte(t[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < t.size() && IsWordByte(t[j])) ++j;
    trig |= WordFires(t, i, j, trig);
    i = j;
  }
  return trig;
#endif
}

}  // namespace lodestar::extract
