#include "extract/extractor.h"

#include <re2/re2.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <unordered_map>

#include "extract/age_scan.h"
#include "extract/ascii.h"
#include "extract/byte_masks.h"
#include "extract/gazetteer.h"
#include "extract/handle_scan.h"
#include "extract/lexicon.h"
#include "extract/measure_scan.h"
#include "extract/normalize.h"
#include "extract/payments.h"
#include "extract/phones.h"
#include "extract/places.h"
#include "extract/price_scan.h"
#include "extract/prechecks.h"
#include "extract/windows.h"

namespace lodestar::extract {

class ExtractorResources {
 public:
  std::string data_dir, gazetteer_path;
  std::unique_ptr<Lexicon> lexicon;
  std::unique_ptr<Gazetteer> gazetteer;
  // prices, durations, ages and platform handles: price_scan.h, age_scan.h, handle_scan.h;
  // heights, weights and title ages: measure_scan.h.
  // E-mails, URLs, mentions and short handles are found by handle_scan.h's scanners, not RE2.
  std::unique_ptr<RE2> cashapp_tag, cashapp_word, venmo;

  static RE2::Options Opts() {
    RE2::Options o;
    o.set_log_errors(false);
    o.set_max_mem(8 << 20);
    return o;
  }
};

namespace {

using re2::StringPiece;

bool IsMailProvider(std::string_view s) {
  static constexpr const char* kProviders[] = {"gmail", "yahoo", "hotmail", "outlook", "aol", "icloud", "live", "msn",
                                               "protonmail", "proton", "ymail", "mail", "gmx", "yandex", "comcast",
                                               "att", "sbcglobal", "verizon", "me", "mac", "rocketmail"};
  for (const char* p : kProviders) {
    if (s == p) return true;
  }
  return false;
}

bool IsStopHandle(std::string_view h) {
  static constexpr std::string_view kStop[] = {
      "and", "or", "me", "for", "too", "the", "my", "is", "at", "only", "also", "to", "com", "follow", "dm", "on",
      "add", "or", "please", "pls", "plz", "handle", "name", "account", "page", "id", "username", "user", "us",
      "here", "now", "it", "ok", "a", "an", "of", "in", "with", "available", "accepted", "accept", "app", "you",
      "snapchat", "instagram", "twitter", "kik", "telegram", "whatsapp", "onlyfans", "text", "call", "message",
      "just", "same", "as", "hr", "hour", "hh", "qv", "per", "each", "cash", "special", "specials", "donation",
      "roses", "incall", "outcall", "min", "usd", "hourly", "hrly", "up", "extra", "deposit", "half", "fh", "all",
      "no", "not", "first", "this", "that", "will", "can", "be", "via", "thru", "through", "by", "from", "if",
      // Words that follow a platform name in ads but are not handles ("WhatsApp disponible",
      // "Only fans"), and fragments left when a platform name is split ("on ly").
      "disponible", "solo", "ly", "fans", "lyfans", "anytime", "today", "tonight", "ready", "open"};
  // A domain ("onlyfans.com") is a URL, not a handle.
  for (std::string_view tld : {".com", ".net", ".org", ".co"})
    if (h.size() > tld.size() && h.substr(h.size() - tld.size()) == tld) return true;
  return std::find(std::begin(kStop), std::end(kStop), h) != std::end(kStop);
}

// A "handle" that is a phone number or a piece of one: digits, number words and separators only ("5037243016",
// "twozerotwo", "2sixseven"), with a lone l or i next to a digit read as 1 ("38l7"). Such text is the phone
// extractor's; as a handle, an area code written in words would link every poster who shares it. WhatsApp
// accounts are phone numbers, so there any digit at all marks a number ("2o2..476..o772", "503.724.3016").
// Names that merely contain number words ("simone", "honey", "tenisha") do not split into them and stay.
bool IsPhoneHandle(std::string_view h, bool whatsapp) {
  const auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (whatsapp && std::any_of(h.begin(), h.end(), digit)) return true;
  for (size_t i = 0; i < h.size();) {
    if (!letter(h[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < h.size() && letter(h[j])) ++j;
    const std::string_view w = h.substr(i, j - i);
    const bool by_digit = (i > 0 && digit(h[i - 1])) || (j < h.size() && digit(h[j]));
    if (!(by_digit && (w == "l" || w == "i")) && !IsNumberWords(w)) return false;
    i = j;
  }
  return true;
}

std::string PlatformFor(std::string_view word) {
  if (word.rfind("tw", 0) == 0) return "twitter";
  if (word.rfind("insta", 0) == 0 || word == "ig") return "instagram";
  if (word.rfind("snap", 0) == 0 || word == "sc") return "snapchat";
  if (word == "kik") return "kik";
  if (word.rfind("tele", 0) == 0 || word == "tg") return "telegram";
  if (word.rfind("whats", 0) == 0 || word == "wa") return "whatsapp";
  if (word.rfind("only", 0) == 0 || word == "of") return "onlyfans";
  if (word == "fansly") return "fansly";
  if (word == "skype") return "skype";
  if (word == "wechat") return "wechat";
  return "unknown";
}

// Iterates all non-overlapping matches of `re` in `text`, calling fn(groups).
template <typename Fn>
void ForEachMatch(const RE2& re, std::string_view text, Fn&& fn) {
  const int n = re.NumberOfCapturingGroups() + 1;
  StringPiece groups[16];
  if (n > 16) return;
  const StringPiece input(text.data(), text.size());
  size_t pos = 0;
  int guard = 0;
  while (pos <= text.size() && guard++ < 4096) {
    if (!re.Match(input, pos, text.size(), RE2::UNANCHORED, groups, n)) break;
    fn(groups);
    const size_t end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
    pos = end > pos ? end : pos + 1;
  }
}

inline size_t Off(std::string_view text, const StringPiece& g) { return static_cast<size_t>(g.data() - text.data()); }

// The decimal number at the start of g, as std::atof reads it. The groups read with it are digits with optional
// tenths or cents, which std::from_chars reads identically (both round correctly) without atof's copy into a
// terminated string; no number reads as 0, as with atof.
double LeadingDecimal(const StringPiece& g) {
  double v = 0;
  std::from_chars(g.data(), g.data() + g.size(), v);
  return v;
}

int ToInt(const StringPiece& g) {
  int v = 0;
  for (char c : g) {
    if (c < '0' || c > '9') break;
    v = v * 10 + (c - '0');
    if (v > 1000000) break;
  }
  return v;
}

// True if `gap` holds only separators and filler words (incall/outcall labels,
// "for", "per", "an"); *strong when it has '-', ':' or '=' (a rate-table binding).
bool GapIsSeparators(std::string_view gap, bool* strong) {
  *strong = false;
  if (gap.size() > 16) return false;
  for (size_t i = 0; i < gap.size();) {
    const char c = gap[i];
    if (c == '-' || c == ':' || c == '=') {
      *strong = true;
      ++i;
    } else if (c == ' ' || c == ',' || c == '/' || c == '(' || c == ')' || c == '.' || c == ';' || c == '@' || c == '\n') {
      ++i;
    } else if (c >= 'a' && c <= 'z') {
      size_t j = i;
      while (j < gap.size() && gap[j] >= 'a' && gap[j] <= 'z') ++j;
      const std::string_view w = gap.substr(i, j - i);
      if (w != "incall" && w != "outcall" && w != "for" && w != "per" && w != "an" && w != "a" && w != "each" &&
          w != "x" && w != "the") {
        return false;
      }
      i = j;
    } else {
      return false;
    }
  }
  return true;
}

// Cheap exact pre-checks: each is a necessary condition for its RE2 pattern to match somewhere in the
// normalised text (where \s can only be ' ' or '\n'), so a pass they rule out would have found nothing.
inline bool IsSpace(char c) { return c == ' ' || c == '\n'; }
inline bool IsDigitByte(char c) { return c >= '0' && c <= '9'; }

// The listing-convention age needs whitespace, '-', whitespace and two digits.
bool MayHaveTitleAge(std::string_view t) {
  for (size_t p = t.find('-'); p != std::string_view::npos; p = t.find('-', p + 1)) {
    if (p > 0 && p + 3 < t.size() && IsSpace(t[p - 1]) && IsSpace(t[p + 1]) && IsDigitByte(t[p + 2]) &&
        IsDigitByte(t[p + 3])) {
      return true;
    }
  }
  return false;
}

// before.rfind(w), comparing w only where its first byte is (std::string_view::rfind compares at every position).
size_t RFind(std::string_view before, std::string_view w) {
  if (w.empty() || w.size() > before.size()) return w.empty() ? before.size() : std::string_view::npos;
  for (size_t p = before.size() - w.size() + 1; p-- > 0;) {
    if (before[p] == w[0] && before.compare(p, w.size(), w) == 0) return p;
  }
  return std::string_view::npos;
}

// Whether " - " occurs: found from the dashes, which are rare, rather than from the spaces.
bool HasSpacedDash(std::string_view t) {
  for (size_t p = t.find('-'); p != std::string_view::npos; p = t.find('-', p + 1)) {
    if (p > 0 && p + 1 < t.size() && t[p - 1] == ' ' && t[p + 1] == ' ') return true;
  }
  return false;
}

// A cashapp $tag needs '$' followed by a letter.
bool MayHaveDollarTag(std::string_view t) {
  for (size_t p = t.find('$'); p != std::string_view::npos; p = t.find('$', p + 1)) {
    if (p + 1 < t.size() && t[p + 1] >= 'a' && t[p + 1] <= 'z') return true;
  }
  return false;
}

// 0xFF in each byte that is '.' or ':' (what every URL trigger holds), for ByteMask64.
inline __m128i DotOrColonBytes16(__m128i v) {
  return _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
}

// The cashapp-word pattern needs "cash", white space, then "app" ("cash only" is the common case without).
bool MayHaveCashApp(std::string_view t) {
  for (size_t p = t.find("cash"); p != std::string_view::npos; p = t.find("cash", p + 1)) {
    size_t k = p + 4;
    while (k < t.size() && IsSpace(t[k])) ++k;
    if (t.substr(k, 3) == "app") return true;
  }
  return false;
}

}  // namespace

bool UrlTriggerFires(std::string_view t) {
  // "http:" and "https:" end at a ':', "www." and every "x.tld" hold a '.': only those rare bytes are looked at (not
  // every 'h' or 'w'), both found in one pass of 64-byte masks rather than one memchr call per byte found.
  const auto lower = [](char c) { return c >= 'a' && c <= 'z'; };
  const auto word = [](char c) {  // \w as Hyperscan reads it without UCP: ASCII letters, digits, '_'
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  const auto fires_at = [&](size_t p) {
    const auto ends_at = [&](std::string_view w) { return p >= w.size() && t.compare(p - w.size(), w.size(), w) == 0; };
    if (t[p] == ':') return ends_at("http") || ends_at("https");
    if (ends_at("www")) return true;
    if (p == 0 || !(lower(t[p - 1]) || IsDigitByte(t[p - 1]))) return false;
    size_t q = p + 1;
    while (q < t.size() && lower(t[q])) ++q;
    // [a-z]{2,6}\b can only end where the run of letters ends: inside it, a letter follows.
    const size_t run = q - p - 1;
    return run >= 2 && run <= 6 && (q == t.size() || !word(t[q]));
  };
  for (size_t base = 0; base < t.size(); base += 64) {
    for (uint64_t m = ByteMask64(t, base, DotOrColonBytes16); m != 0; m &= m - 1) {
      if (fires_at(base + static_cast<size_t>(__builtin_ctzll(m)))) return true;
    }
  }
  return false;
}

void DollarTagWindows(std::string_view t, std::vector<Window>& out) {
  // (?:^|[^a-z0-9$])\$([a-z][a-z0-9_\-]{2,19})\b: one character before the '$' (a negated class takes one UTF-8
  // character, at most 4 bytes) and at most 20 bytes after it.
  for (size_t p = t.find('$'); p != std::string_view::npos; p = t.find('$', p + 1)) {
    if (p + 1 < t.size() && IsAsciiLower(static_cast<unsigned char>(t[p + 1]))) {
      out.push_back({p >= 4 ? p - 4 : 0, std::min(t.size(), p + 21)});
    }
  }
}

void CashAppWindows(std::string_view t, std::vector<Window>& out) {
  // \bcash\s*app\b(?:\s*(?:me|is|at|:|-|=|@|tag|name))*\s*\$?([a-z][a-z0-9_\-]{2,19})\b is made only of
  // [a-z0-9_:=@$-] and white space: a match from "cash" ends inside the run of those bytes that follows.
  const auto in_match = [](unsigned char c) {
    return IsAsciiLower(c) || IsAsciiDigit(c) || IsRe2Space(c) || c == '_' || c == '-' || c == ':' || c == '=' ||
           c == '@' || c == '$';
  };
  for (size_t p = t.find("cash"); p != std::string_view::npos; p = t.find("cash", p + 1)) {
    size_t k = p + 4;
    while (k < t.size() && IsRe2Space(static_cast<unsigned char>(t[k]))) ++k;
    if (t.substr(k, 3) != "app") continue;
    size_t e = k + 3;
    while (e < t.size() && in_match(static_cast<unsigned char>(t[e]))) ++e;
    out.push_back({p, e});
  }
}

Span NormalisedSpan(const NormText& norm, const char* field, size_t nb, size_t ne) {
  Span s;
  s.field = field;
  if (ne <= nb || ne > norm.text.size()) return s;
  s.begin = norm.OrigBegin(nb);
  s.end = norm.OrigEnd(ne);
  return s;
}

void Facts::clear() {
  phones.clear();
  emails.clear();
  urls.clear();
  domains.clear();
  handles.clear();
  payments.clear();
  ages.clear();
  prices.clear();
  locations.clear();
  attributes.clear();
  indicators.clear();
}


core::Result<std::shared_ptr<const ExtractorResources>> LoadResources(const std::string& data_dir,
                                                                      const std::string& gazetteer_path) {
  auto res = std::make_shared<ExtractorResources>();
  res->data_dir = data_dir;
  if (res->data_dir.empty()) {
    const char* env = std::getenv("LODESTAR_DATA_DIR");
    res->data_dir = (env && *env) ? env : LODESTAR_DATA_DIR;
  }
  InitNormalizer();
  auto lex = Lexicon::Load(res->data_dir);
  if (!lex.ok()) return lex.status();
  res->lexicon = std::move(lex.value());

  res->gazetteer_path = gazetteer_path;
  const bool explicit_gaz = !gazetteer_path.empty() || (std::getenv("LODESTAR_GAZETTEER") && *std::getenv("LODESTAR_GAZETTEER"));
  if (res->gazetteer_path.empty()) {
    const char* env = std::getenv("LODESTAR_GAZETTEER");
    res->gazetteer_path = (env && *env) ? env : LODESTAR_GAZETTEER;
  }
  auto gaz = Gazetteer::Load(res->gazetteer_path);
  if (gaz.ok()) {
    if (const size_t classed = (*gaz)->ClassedWords().size(); classed > PlaceFinder::MaxClassedWords()) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 res->gazetteer_path + ": " + std::to_string(classed) +
                                     " classed words, more than the place finder takes (" +
                                     std::to_string(PlaceFinder::MaxClassedWords()) +
                                     "); raise PlaceFinder::kClassBits in src/extract/places.h and rebuild");
    }
    res->gazetteer = std::move(gaz.value());
  } else if (explicit_gaz || gaz.status().code() != core::StatusCode::kNotFound) {
    return gaz.status();
  }

  const auto opts = ExtractorResources::Opts();
  auto compile = [&](std::unique_ptr<RE2>& slot, const std::string& pattern, const char* name) -> core::Status {
    slot = std::make_unique<RE2>(pattern, opts);
    if (!slot->ok()) {
      return core::Status::Error(core::StatusCode::kInvalidInput,
                                 std::string("internal pattern ") + name + " does not compile: " + slot->error());
    }
    return core::Status::Ok();
  };
  const std::pair<std::unique_ptr<RE2>*, std::pair<std::string, const char*>> patterns[] = {
      {&res->cashapp_tag, {"(?:^|[^a-z0-9$])\\$([a-z][a-z0-9_\\-]{2,19})\\b", "cashapp"}},
      {&res->cashapp_word,
       {"\\bcash\\s*app\\b(?:\\s*(?:me|is|at|:|-|=|@|tag|name))*\\s*\\$?([a-z][a-z0-9_\\-]{2,19})\\b", "cashapp_word"}},
      {&res->venmo, {"\\bvenmo\\b(?:\\s*(?:me|is|at|:|-|=|@|name))*\\s*@?([a-z0-9_][a-z0-9_\\-]{2,29})\\b", "venmo"}},
  };
  for (const auto& [slot, def] : patterns) {
    auto st = compile(*slot, def.first, def.second);
    if (!st.ok()) return st;
  }
  return std::shared_ptr<const ExtractorResources>(std::move(res));
}

std::string PrecheckViolation(const ExtractorResources& res, std::string_view normalised) {
  const re2::StringPiece t(normalised.data(), normalised.size());
  const std::pair<bool (*)(std::string_view), std::pair<const RE2*, const char*>> checks[] = {
      {MayHaveDollarTag, {res.cashapp_tag.get(), "cashapp_tag"}},
      {MayHaveCashApp, {res.cashapp_word.get(), "cashapp_word"}},
  };
  for (const auto& [check, re] : checks) {
    if (!check(normalised) && RE2::PartialMatch(t, *re.first)) return re.second;
  }
  if (!MayHaveTitleAge(normalised)) {  // the pattern's scanner (measure_scan.h) stands in for it
    std::vector<GroupMatch> title_ages;
    ScanTitleAges(normalised, title_ages);
    if (!title_ages.empty()) return "title_age";
  }
  return "";
}

std::string WindowViolation(const ExtractorResources& /*res*/, std::string_view normalised) {
  // The URL pattern is compiled here, for this test hook only: the extractor's URL pass is a scanner
  // (handle_scan.h) that reads the same windows.
  static const RE2 url(UrlPattern(), ExtractorResources::Opts());
  // Every group's offsets (or -1 for a group that did not take part) of every reported match.
  const auto record = [&](const RE2& re, std::vector<long>& out) {
    const int n = re.NumberOfCapturingGroups() + 1;
    return [&out, n, normalised](const StringPiece* g) {
      for (int k = 0; k < n; ++k) {
        out.push_back(g[k].data() ? g[k].data() - normalised.data() : -1);
        out.push_back(static_cast<long>(g[k].size()));
      }
    };
  };
  struct Pass {
    void (*build)(std::string_view, std::vector<Window>&);
    const RE2* re;
    const char* name;
  };
  const Pass passes[] = {
      {UrlWindows, &url, "url"},
  };
  for (const Pass& pass : passes) {
    std::vector<long> whole, windowed;
    ForEachMatch(*pass.re, normalised, record(*pass.re, whole));
    std::vector<Window> windows;
    pass.build(normalised, windows);
    ForEachMatchIn(*pass.re, normalised, windows, record(*pass.re, windowed));
    if (whole != windowed) return pass.name;
  }
  return "";
}

std::string DescribeResources(const ExtractorResources& res) {
  std::string s = "lexicon v" + std::to_string(res.lexicon->version()) + " (" + res.data_dir + "/lexicon): " +
                  std::to_string(res.lexicon->count(LexKind::kIndicator)) + " indicator patterns, " +
                  std::to_string(res.lexicon->count(LexKind::kCommercial)) + " commercial, " +
                  std::to_string(res.lexicon->count(LexKind::kAttribute)) + " attribute; gazetteer: ";
  s += res.gazetteer ? std::to_string(res.gazetteer->place_count()) + " places (" + res.gazetteer_path + ")"
                     : "not loaded (locations disabled)";
  return s;
}

struct FactExtractor::Impl {
  std::shared_ptr<const ExtractorResources> res;
  hs_scratch_t* scratch = nullptr;
  NormText norm;
  PhoneFinder phones;
  std::unique_ptr<PlaceFinder> places;  // set in the constructor, once the gazetteer is known
  std::vector<LexHit> hits;
  struct Dur {
    uint32_t b, e;
    int minutes;
  };
  std::vector<Dur> durs;
  std::vector<GroupMatch> scanned;  // ScanMoney / ScanDurationsAround / ScanAges output
  std::vector<GroupMatch> handle_matches;
  std::vector<std::pair<size_t, size_t>> duration_ranges;
  std::vector<std::string> context_regions;
  NormText saved[2];  // the two fields' normalised text, kept for the location pass
  std::vector<Window> windows;     // reused by the windowed RE2 passes
  std::vector<Window> digit_runs;  // of the current field, once computed (digit_runs_ready)
  bool digit_runs_ready = false;
  const std::vector<Window>& DigitRunsOfField() {
    if (!digit_runs_ready) {
      digit_runs.clear();
      DigitRuns(norm.text, digit_runs);
      digit_runs_ready = true;
    }
    return digit_runs;
  }
  std::vector<std::string_view> location_words;  // the words of last_location_key
  std::unordered_map<std::string, std::pair<std::string, std::string>> location_cache;  // -> region, gazetteer key
  std::string last_location, last_region, last_location_key;  // per-ad location parsing, cached  // US/CA region codes mentioned or implied (area codes, location field)

  // Current field.
  const char* field = "";
  std::string_view orig;

  Span MakeSpan(size_t nb, size_t ne) const { return NormalisedSpan(norm, field, nb, ne); }
  std::string OrigText(const Span& s) const { return std::string(orig.substr(s.begin, s.end - s.begin)); }

  void Emails(Facts& f);
  void Urls(Facts& f);
  void Handles(Facts& f, uint32_t triggers);
  void Payments(Facts& f);
  void Ages(Facts& f);
  void Prices(Facts& f);
  void TitleAge(Facts& f, bool is_title);
  void Measurements(Facts& f);
  uint32_t Lexicon(Facts& f);  // returns the Trigger mask
  // Sets last_region, last_location_key and location_words for the ad's location field (cached per location).
  void SetLocation(const std::string& location);
  void Field(const char* name, std::string_view text, const std::string& region, std::string_view location, Facts& f,
             bool phones_only);
};

void FactExtractor::Impl::Emails(Facts& f) {
  const std::string_view t = norm.text;
  // The scanner reports what the RE2 pattern would (handle_scan.h), finding the separators itself.
  handle_matches.clear();
  ScanEmails(t, handle_matches);
  const auto on_match = [&](const StringPiece* g) {
    if (f.emails.size() >= kMaxFactsPerKind) return;
    const std::string_view sep(g[2].data(), g[2].size());
    const std::string_view dot(g[4].data(), g[4].size());
    const std::string domain(g[3].data(), g[3].size());
    const bool at_sign = sep.find('@') != std::string_view::npos;
    const bool spelled = !at_sign;
    if (spelled) {
      // "name at gmail dot com": needs a known mail provider or a spelled "dot".
      const std::string first = domain.substr(0, domain.find('.'));
      if (dot.find("dot") == std::string_view::npos && !IsMailProvider(first)) return;
    }
    EmailFact e;
    e.value.assign(g[1].data(), g[1].size());
    e.value += '@';
    e.value += domain;
    e.value += '.';
    e.value.append(g[5].data(), g[5].size());
    e.obfuscated = spelled || dot.find("dot") != std::string_view::npos || dot.find(' ') != std::string_view::npos ||
                   sep.find(' ') != std::string_view::npos;
    e.span = MakeSpan(Off(t, g[0]), Off(t, g[0]) + g[0].size());
    for (const auto& x : f.emails) {
      if (x.value == e.value) return;
    }
    f.emails.push_back(std::move(e));
  };
  for (const GroupMatch& m : handle_matches) on_match(m.g.data());
}

void FactExtractor::Impl::Urls(Facts& f) {
  const std::string_view t = norm.text;
  if (t.find('.') == std::string_view::npos) return;
  windows.clear();
  UrlWindows(t, windows);
  handle_matches.clear();
  ScanUrls(t, windows, handle_matches);  // what the RE2 pattern would report (handle_scan.h)
  const auto on_match = [&](const StringPiece* g) {
    if (f.urls.size() >= kMaxFactsPerKind) return;
    const size_t b = Off(t, g[0]);
    if (b > 0 && (t[b - 1] == '@' || t[b - 1] == '.' || t[b - 1] == '-')) return;  // e-mail domain or fragment
    UrlFact u;
    u.value.assign(g[0].data(), g[0].size());
    while (!u.value.empty() && (u.value.back() == '.' || u.value.back() == ',')) u.value.pop_back();
    std::string host = g[1].size() ? std::string(g[1].data(), g[1].size()) : std::string(g[2].data(), g[2].size());
    if (auto p = host.find("://"); p != std::string::npos) host = host.substr(p + 3);
    host = host.substr(0, host.find('/'));
    if (host.rfind("www.", 0) == 0) host = host.substr(4);
    while (!host.empty() && host.back() == '.') host.pop_back();
    if (host.find('.') == std::string::npos) return;
    // Bare "word.word" without a known TLD only reached through www./http; bare domains need a letter label.
    u.domain = host;
    u.span = MakeSpan(b, b + u.value.size());
    for (const auto& x : f.urls) {
      if (x.value == u.value) return;
    }
    if (std::find(f.domains.begin(), f.domains.end(), host) == f.domains.end()) f.domains.push_back(host);
    f.urls.push_back(std::move(u));
  };
  for (const GroupMatch& m : handle_matches) on_match(m.g.data());
}

void FactExtractor::Impl::Handles(Facts& f, uint32_t triggers) {
  const std::string_view t = norm.text;
  auto add = [&](std::string platform, std::string_view handle, size_t b, size_t e) {
    if (f.handles.size() >= kMaxFactsPerKind) return;
    std::string h(handle);
    while (!h.empty() && h.back() == '.') h.pop_back();
    if (h.size() < 2 || IsStopHandle(h)) return;
    if (IsPhoneHandle(h, platform == "whatsapp")) return;
    for (const auto& x : f.handles) {
      if (x.handle == h && (x.platform == platform || platform == "unknown")) return;
    }
    HandleFact hf;
    hf.platform = std::move(platform);
    hf.handle = std::move(h);
    hf.span = MakeSpan(b, e);
    f.handles.push_back(std::move(hf));
  };
  // The scan's literal trigger: one of twitter, insta, snap, kik, telegram, whats, fans, skype, wechat, tweet occurs.
  if (triggers & kTrigPlatformWord) {
    handle_matches.clear();
    ScanPlatformHandles(t, handle_matches);
    for (const GroupMatch& m : handle_matches) {
      const StringPiece* g = m.g.data();
      add(PlatformFor(std::string_view(g[1].data(), g[1].size())), std::string_view(g[2].data(), g[2].size()),
          Off(t, g[0]), Off(t, g[0]) + g[0].size());
    }
  }
  // The short-handle and mention scanners report what their RE2 patterns would (handle_scan.h).
  handle_matches.clear();
  ScanShortHandles(t, handle_matches);
  for (const GroupMatch& m : handle_matches) {
    const StringPiece* g = m.g.data();
    add(PlatformFor(std::string_view(g[1].data(), g[1].size())), std::string_view(g[2].data(), g[2].size()),
        Off(t, g[0]), Off(t, g[0]) + g[0].size());
  }
  handle_matches.clear();
  ScanMentions(t, handle_matches);
  if (!handle_matches.empty()) {
    const auto on_mention = [&](const StringPiece* g) {
      const size_t b = Off(t, g[1]);
      const size_t e = b + g[1].size();
      if (e < t.size() && (t[e] == '.' && e + 1 < t.size() && t[e + 1] >= 'a' && t[e + 1] <= 'z')) return;  // e-mail
      // Platform: the nearest platform word in the 60 bytes before, else twitter if the ad mentions it.
      const size_t from = b > 60 ? b - 60 : 0;
      const std::string_view before = t.substr(from, b - from);
      std::string platform = "unknown";
      size_t best = std::string_view::npos;
      for (const std::string_view w : {"twitter", "tweet", "instagram", "insta", "ig", "snapchat", "snap", "kik",
                                       "telegram", "onlyfans", "fansly"}) {
        const size_t p = RFind(before, w);
        if (p != std::string_view::npos && (best == std::string_view::npos || p > best)) {
          best = p;
          platform = PlatformFor(w);
        }
      }
      if (platform == "unknown" && (t.find("twitter") != std::string_view::npos || t.find("tweet") != std::string_view::npos)) {
        platform = "twitter";
      }
      size_t mb = b;
      while (mb > 0 && t[mb - 1] != '@') --mb;
      add(platform, std::string_view(g[1].data(), g[1].size()), mb > 0 ? mb - 1 : b, e);
    };
    for (const GroupMatch& m : handle_matches) on_mention(m.g.data());
  }
}

void FactExtractor::Impl::Payments(Facts& f) {
  const std::string_view t = norm.text;
  auto add = [&](const char* kind, std::string value, size_t b, size_t e) {
    if (f.payments.size() >= kMaxFactsPerKind) return;
    for (const auto& x : f.payments) {
      if (x.kind == kind && x.value == value) return;
    }
    PaymentFact p;
    p.kind = kind;
    p.value = std::move(value);
    p.span = MakeSpan(b, e);
    f.payments.push_back(std::move(p));
  };
  // The two cashapp passes search only their windows (prechecks.h): a whole-text search runs the DFA over every byte.
  if (MayHaveDollarTag(t)) {
    windows.clear();
    DollarTagWindows(t, windows);
    ForEachMatchIn(*res->cashapp_tag, t, windows, [&](const StringPiece* g) {
      const std::string tag(g[1].data(), g[1].size());
      if (IsStopHandle(tag)) return;
      add("cashapp", "$" + tag, Off(t, g[1]) - 1, Off(t, g[1]) + g[1].size());
    });
  }
  windows.clear();
  if (MayHaveCashApp(t)) CashAppWindows(t, windows);
  if (!windows.empty()) {
    ForEachMatchIn(*res->cashapp_word, t, windows, [&](const StringPiece* g) {
      const std::string tag(g[1].data(), g[1].size());
      if (IsStopHandle(tag)) return;
      add("cashapp", "$" + tag, Off(t, g[0]), Off(t, g[0]) + g[0].size());
    });
  }
  if (t.find("venmo") != std::string_view::npos) {
    ForEachMatch(*res->venmo, t, [&](const StringPiece* g) {
      const std::string tag(g[1].data(), g[1].size());
      if (IsStopHandle(tag)) return;
      add("venmo", "@" + tag, Off(t, g[0]), Off(t, g[0]) + g[0].size());
    });
  }
  // Bitcoin addresses are case-sensitive: scan the original text.
  const std::string_view o = orig;
  static constexpr auto kAlnum = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return t;
  }();
  auto alnum = [](char c) { return kAlnum[static_cast<unsigned char>(c)]; };
  // An address is a run of 26-74 letters and digits, so it covers one of the bytes 25, 51, 77, ... (every 26th):
  // only runs through those bytes are looked at, in order, each once.
  constexpr size_t kMinAddress = 26;
  for (size_t probe = kMinAddress - 1; probe < o.size(); probe += kMinAddress) {
    if (!alnum(o[probe])) continue;
    size_t i = probe, j = probe + 1;
    while (i > 0 && alnum(o[i - 1])) --i;
    while (j < o.size() && alnum(o[j])) ++j;
    probe = j / kMinAddress * kMinAddress - 1;  // j > 25: the loop steps on to the first probe at or after j
    const std::string_view tok = o.substr(i, j - i);
    if (tok.size() >= 26 && tok.size() <= 74 && f.payments.size() < kMaxFactsPerKind) {
      if (IsValidBase58Address(tok) || IsValidBech32Address(tok)) {
        PaymentFact p;
        p.kind = "bitcoin";
        p.value.assign(tok);
        p.span.field = field;
        p.span.begin = static_cast<uint32_t>(i);
        p.span.end = static_cast<uint32_t>(j);
        f.payments.push_back(std::move(p));
      }
    }
  }
}

void FactExtractor::Impl::Ages(Facts& f) {
  const std::string_view t = norm.text;
  const auto read_age = [&](const StringPiece* g) {
    if (f.ages.size() >= kMaxFactsPerKind) return;
    int group = 0;
    for (int k = 1; k <= 6; ++k) {
      if (g[k].data() != nullptr) {
        group = k;
        break;
      }
    }
    if (!group) return;
    const int value = ToInt(g[group]);
    const size_t vb = Off(t, g[group]), ve = vb + g[group].size();
    // Measurements (34-24-36), heights (5'4), times (24/7), prices and weights right after the number.
    size_t k = ve;
    while (k < t.size() && t[k] == ' ') ++k;
    if (k < t.size()) {
      const char c = t[k];
      if (c == '-' || c == '/' || c == '\'' || c == '"' || c == '%' || c == '$' || c == ':' || c == '.' ||
          (c == ',' && k + 1 < t.size() && t[k + 1] >= '0' && t[k + 1] <= '9')) {
        if (!(c == '.' && group != 4)) {
          if (c != '.' || (k + 1 < t.size() && t[k + 1] >= '0' && t[k + 1] <= '9')) return;
        }
      }
      const std::string_view rest = t.substr(k, 8);
      for (const char* unit : {"lb", "kg", "min", "hr", "hour", "cm", "inch", "roses", "dollar", "usd", "pound"}) {
        if (rest.rfind(unit, 0) == 0) return;
      }
    }
    if (vb > 0 && (t[vb - 1] == '$' || t[vb - 1] == '#')) return;
    if (value < 14 || value > 79) return;
    // Client requirements ("men over 25 yrs", "age 35+", "25 yrs and up", "under 40 years of age") are not the
    // poster's age.
    {
      const size_t from = vb > 28 ? vb - 28 : 0;
      const std::string_view before = t.substr(from, vb - from);
      for (const char* w : {" over ", " under ", "older than", "younger than", "clients", "between", "at least",
                            "no one", "must be", "minimum", "min age", "men age", "men over"}) {
        const size_t p = before.find(w);
        // Only when nothing but the number's own phrase follows ("over 25 yrs", not "over. i'm 25").
        if (p != std::string_view::npos && before.find_first_of(".!?;\n", p) == std::string_view::npos) return;
      }
      size_t q = Off(t, g[0]) + g[0].size();
      while (q < t.size() && t[q] == ' ') ++q;
      const std::string_view after = t.substr(q, 12);
      if (after.rfind("+", 0) == 0 || after.rfind("and up", 0) == 0 || after.rfind("and older", 0) == 0 ||
          after.rfind("or older", 0) == 0 || after.rfind("to ", 0) == 0 || after.rfind("and over", 0) == 0 ||
          after.rfind("plus", 0) == 0 || after.rfind("of age", 0) == 0) {
        return;
      }
      // "I'm a 34 DDD": a cup size, not an age.
      if (group == 4) {
        size_t c = ve;
        while (c < t.size() && t[c] == ' ') ++c;
        size_t l = c;
        while (l < t.size() && t[l] >= 'a' && t[l] <= 'h') ++l;
        if (l > c && l - c <= 3 && (l >= t.size() || !std::isalpha(static_cast<unsigned char>(t[l])))) return;
      }
    }
    AgeFact a;
    a.value = value;
    a.span = MakeSpan(Off(t, g[0]), Off(t, g[0]) + g[0].size());
    // Trim a trailing separator captured by the "yo" alternative.
    while (a.span.end > a.span.begin && a.span.end <= orig.size() &&
           !std::isalnum(static_cast<unsigned char>(orig[a.span.end - 1])) && orig[a.span.end - 1] != '.') {
      --a.span.end;
    }
    a.confidence = group == 4 ? 0.8f : 0.95f;
    for (const auto& x : f.ages) {
      if (x.value == a.value) return;
    }
    f.ages.push_back(std::move(a));
  };
  scanned.clear();
  ScanAges(t, DigitRunsOfField(), scanned);
  for (const GroupMatch& m : scanned) read_age(m.g.data());
}

// Listing convention: the classified site appends the poster's age to the title
// ("Sizzling hot - 22"). Accepted at the end of the title, or in a body where the
// number is followed by a line break, the end, or a run of spaces (a pasted title).
void FactExtractor::Impl::TitleAge(Facts& f, bool is_title) {
  const std::string_view t = norm.text;
  const auto read_title_age = [&](const StringPiece* g) {
    if (f.ages.size() >= kMaxFactsPerKind) return;
    const int value = ToInt(g[1]);
    if (value < 16 || value > 65) return;
    const Span span = MakeSpan(Off(t, g[1]), Off(t, g[1]) + g[1].size());
    size_t k = span.end, spaces = 0;
    if (span.end < orig.size() && (orig[span.end] == '"' || orig[span.end] == '\'')) return;  // 24" is a measurement
    while (k < orig.size() && (orig[k] == ' ' || orig[k] == '\t' || orig[k] == ',')) ++k, ++spaces;
    const bool line_end = k >= orig.size() || orig[k] == '\n' || orig[k] == '\r';
    if (!(line_end || (!is_title && spaces >= 2))) return;
    for (const auto& x : f.ages) {
      if (x.value == value) return;
    }
    AgeFact a;
    a.value = value;
    a.span = span;
    a.confidence = 0.6f;
    f.ages.push_back(std::move(a));
  };
  scanned.clear();
  ScanTitleAges(t, DigitRunsOfField(), scanned);
  for (const GroupMatch& m : scanned) read_title_age(m.g.data());
}

void FactExtractor::Impl::Prices(Facts& f) {
  const std::string_view t = norm.text;
  struct Raw {
    size_t b, e;
    double value;
    const char* currency;  // a literal: no string to build per price
  };
  std::vector<Raw> raws;
  const auto read_price = [&](const StringPiece* g) {
    Raw r{Off(t, g[0]), Off(t, g[0]) + g[0].size(), 0, "USD"};
    auto cur_of = [](std::string_view c) -> const char* {
      if (c.rfind("rose", 0) == 0 || c == "rs") return "rose";
      if (c == "\xE2\x82\xAC" || c.rfind("eur", 0) == 0) return "EUR";
      if (c == "\xC2\xA3" || c == "gbp") return "GBP";
      return "USD";
    };
    if (g[2].data()) {
      r.value = LeadingDecimal(g[2]);
      r.currency = cur_of(std::string_view(g[1].data(), g[1].size()));
      const size_t after = Off(t, g[2]) + g[2].size();
      if (after < t.size() && t[after] >= '0' && t[after] <= '9') return;
      // "$150 roses" style: a trailing word currency wins.
      const std::string_view rest = t.substr(after, 8);
      if (rest.find("rose") != std::string_view::npos && rest.find("rose") <= 2) r.currency = "rose";
    } else if (g[3].data()) {
      r.value = LeadingDecimal(g[3]);
      r.currency = cur_of(g[4].data() ? std::string_view(g[4].data(), g[4].size()) : std::string_view(g[5].data(), g[5].size()));
      r.e = Off(t, g[0]) + g[0].size();
    } else if (g[6].data()) {
      r.value = ToInt(g[6]);
      const std::string_view lead(g[0].data(), g[0].size());
      if (lead.rfind("rose", 0) == 0) r.currency = "rose";
    } else if (g[7].data()) {
      r.value = ToInt(g[7]);
      if (r.value < 40) return;
      r.e = Off(t, g[7]) + g[7].size();  // the duration word is read separately
    } else {
      return;
    }
    if (r.value < 20 || r.value > 20000) return;
    // Not a phone fragment, a percentage or a measurement.
    if (r.b > 0 && (t[r.b - 1] == '-' || (t[r.b - 1] >= '0' && t[r.b - 1] <= '9'))) {
      if (g[1].data() == nullptr) return;
    }
    raws.push_back(r);
  };
  scanned.clear();
  ScanMoney(t, DigitRunsOfField(), scanned);
  for (const GroupMatch& m : scanned) read_price(m.g.data());
  // Durations only bind to prices: without a price there is nothing to read them for.
  if (raws.empty()) return;
  const auto read_duration = [&](const StringPiece* g) {
    int minutes = 0;
    if (g[3].data()) {
      const std::string_view unit(g[3].data(), g[3].size());
      const double n = LeadingDecimal(g[1]);
      const bool half = g[2].data() != nullptr;
      if (unit[0] == 'm') {
        minutes = static_cast<int>(n);
      } else {
        minutes = static_cast<int>(std::lround(n * 60 + (half ? 30 : 0)));
      }
    } else if (g[4].data()) {
      const std::string_view w(g[4].data(), g[4].size());
      if (w.find("night") != std::string_view::npos) minutes = 480;
      else if (w.find("and") != std::string_view::npos) minutes = 90;
      else if (w.rfind("half", 0) == 0 || w == "hh") minutes = 30;
      else if (w.rfind("q", 0) == 0) minutes = 15;
      else minutes = 60;
    }
    if (minutes <= 0 || minutes > 24 * 60 * 7) return;
    durs.push_back({static_cast<uint32_t>(Off(t, g[0])), static_cast<uint32_t>(Off(t, g[0]) + g[0].size()), minutes});
  };
  // A duration binds to a price when it ends at most 14 bytes before it or starts at most 10 after it (below):
  // only durations that reach into those ranges are looked for.
  duration_ranges.clear();
  for (const Raw& r : raws) duration_ranges.push_back({r.b >= 14 ? r.b - 14 : 0, r.e + 10});
  scanned.clear();
  ScanDurationsAround(t, duration_ranges, scanned);
  durs.clear();
  for (const GroupMatch& m : scanned) read_duration(m.g.data());
  size_t prev_end = 0;
  int prev_minutes = 0;
  for (size_t i = 0; i < raws.size() && f.prices.size() < kMaxFactsPerKind; ++i) {
    const Raw& r = raws[i];
    int minutes = 0;
    // Duration right before, bound by '-', ':' or '=' ("30 min - 200 roses").
    int pre = 0, post = 0;
    bool pre_strong = false;
    for (auto it = durs.rbegin(); it != durs.rend(); ++it) {
      if (it->e > r.b) continue;
      if (r.b - it->e > 14) break;
      bool strong = false;
      if (GapIsSeparators(t.substr(it->e, r.b - it->e), &strong)) {
        pre = it->minutes;
        pre_strong = strong;
      }
      break;
    }
    for (const auto& d : durs) {
      if (d.b < r.e) continue;
      if (d.b - r.e > 10) break;
      bool strong = false;
      if (GapIsSeparators(t.substr(r.e, d.b - r.e), &strong)) post = d.minutes;
      break;
    }
    // A price right after another price (incall/outcall columns) shares its duration.
    bool strong_prev = false;
    const bool follows_price = i > 0 && prev_end <= r.b && r.b - prev_end <= 6 &&
                               GapIsSeparators(t.substr(prev_end, r.b - prev_end), &strong_prev) && !strong_prev;
    if (pre && pre_strong) minutes = pre;
    else if (post) minutes = post;
    else if (follows_price && prev_minutes) minutes = prev_minutes;
    else if (pre) minutes = pre;
    PriceFact p;
    p.value = r.value;
    p.currency = r.currency;
    p.minutes = minutes;
    p.per_hour = minutes > 0 ? std::round(r.value * 60.0 / minutes * 100) / 100 : 0;
    p.span = MakeSpan(r.b, r.e);
    f.prices.push_back(std::move(p));
    prev_end = r.e;
    prev_minutes = minutes;
  }
}


void FactExtractor::Impl::Measurements(Facts& f) {
  const std::string_view t = norm.text;
  auto add = [&](const char* kind, int value, size_t b, size_t e) {
    if (f.attributes.size() >= kMaxFactsPerKind) return;
    const std::string v = std::to_string(value);
    for (const auto& a : f.attributes) {
      if (a.kind == kind && a.value == v) return;
    }
    AttributeFact a;
    a.kind = kind;
    a.value = v;
    a.span = MakeSpan(b, e);
    f.attributes.push_back(std::move(a));
  };
  {
    const auto read_height = [&](const StringPiece* g) {
      const size_t b = Off(t, g[0]);
      if (g[3].data()) {
        add("height_cm", ToInt(g[3]), b, Off(t, g[3]) + g[3].size() + 2);
        return;
      }
      const int ft = ToInt(g[1]);
      const int in = g[2].data() ? ToInt(g[2]) : 0;
      if (in > 11) return;
      const std::string_view m(g[0].data(), g[0].size());
      if (!g[2].data() && m.find('\'') != std::string_view::npos) return;  // "5'" alone: a quote, not a height
      size_t e = g[2].data() ? Off(t, g[2]) + g[2].size() : Off(t, g[1]) + g[1].size() + 1;
      while (e < t.size() && e < b + m.size() && (t[e] == '"' || t[e] == '\'')) ++e;
      add("height_cm", static_cast<int>(std::lround((ft * 12 + in) * 2.54)), b, std::min(e, t.size()));
    };
    scanned.clear();
    ScanHeights(t, DigitRunsOfField(), scanned);
    for (const GroupMatch& m : scanned) read_height(m.g.data());
  }
  {
    const auto read_weight = [&](const StringPiece* g) {
      if (g[1].data()) {
        const int lb = ToInt(g[1]);
        if (lb < 80 || lb > 400) return;
        size_t e = Off(t, g[0]) + g[0].size();
        if (e > 0 && e < t.size() + 1 && !std::isalnum(static_cast<unsigned char>(t[e - 1])) && t[e - 1] != '#') --e;
        add("weight_kg", static_cast<int>(std::lround(lb * 0.45359237)), Off(t, g[1]), e);
      } else {
        const int kg = ToInt(g[2]);
        if (kg < 35 || kg > 180) return;
        add("weight_kg", kg, Off(t, g[2]), Off(t, g[0]) + g[0].size());
      }
    };
    scanned.clear();
    ScanWeights(t, DigitRunsOfField(), scanned);
    for (const GroupMatch& m : scanned) read_weight(m.g.data());
  }
}

uint32_t FactExtractor::Impl::Lexicon(Facts& f) {
  hits.clear();
  const uint32_t triggers = res->lexicon->Scan(norm.text, scratch, hits);
  // By position; ties by end and entry, so the order never depends on the order Hyperscan reported in.
  std::sort(hits.begin(), hits.end(), [](const LexHit& a, const LexHit& b) {
    return a.from != b.from ? a.from < b.from : a.to != b.to ? a.to < b.to : a.entry < b.entry;
  });
  const auto& entries = res->lexicon->entries();
  for (const LexHit& h : hits) {
    const LexEntry& e = entries[h.entry];
    const Span span = MakeSpan(h.from, h.to);
    if (e.kind == LexKind::kIndicator) {
      if (f.indicators.size() >= kMaxFactsPerKind) continue;
      const bool dup = std::any_of(f.indicators.begin(), f.indicators.end(),
                                   [&](const IndicatorFact& x) { return x.id == e.id && x.span.field == field; });
      if (dup) continue;
      IndicatorFact ind;
      ind.id = e.id;
      ind.category = e.category;
      ind.span = span;
      ind.text = OrigText(span);
      f.indicators.push_back(std::move(ind));
    } else {
      if (f.attributes.size() >= kMaxFactsPerKind) continue;
      const bool dup = std::any_of(f.attributes.begin(), f.attributes.end(),
                                   [&](const AttributeFact& x) { return x.kind == e.category && x.value == e.value; });
      if (dup) continue;
      AttributeFact a;
      a.kind = e.category;
      a.value = e.value;
      a.span = span;
      f.attributes.push_back(std::move(a));
    }
  }
  return triggers;
}

void FactExtractor::Impl::Field(const char* name, std::string_view text, const std::string& region,
                                std::string_view /*location*/, Facts& f, bool phones_only) {
  field = name;
  orig = text;
  norm.clear();
  digit_runs_ready = false;
  if (text.empty()) return;
  Normalize(text, norm);
  phones.Find(norm, text, name, region, f.phones);
  if (phones_only) return;
  // One Hyperscan pass: lexicon hits plus the triggers that decide which RE2 passes run.
  const uint32_t trig = Lexicon(f);
  // Every e-mail match has '@' or a spelled "at", and every handle match a platform word, "ig:"-style
  // abbreviation or '@': these passes check that themselves (their scanners, handle_scan.h), no trigger needed.
  Emails(f);
  if (UrlTriggerFires(norm.text)) Urls(f);
  Handles(f, trig);
  Payments(f);  // bitcoin addresses have no keyword; the $tag/venmo parts check their own markers
  if (trig & kTrigAge) Ages(f);
  if (HasSpacedDash(norm.text) && MayHaveTitleAge(norm.text)) TitleAge(f, std::strcmp(name, "title") == 0);
  if (trig & kTrigMoney) Prices(f);
  if (trig & (kTrigHeight | kTrigWeight)) Measurements(f);
}

FactExtractor::FactExtractor(std::shared_ptr<const ExtractorResources> resources) : impl_(std::make_unique<Impl>()) {
  impl_->res = std::move(resources);
  impl_->scratch = impl_->res->lexicon->AllocScratch();
  impl_->places = std::make_unique<PlaceFinder>(impl_->res->gazetteer.get());
}

FactExtractor::~FactExtractor() {
  if (impl_ && impl_->scratch) hs_free_scratch(impl_->scratch);
}

Facts FactExtractor::Extract(const core::Ad& ad) {
  Facts f;
  Extract(ad, f);
  return f;
}

void FactExtractor::Impl::SetLocation(const std::string& location) {
  Impl& im = *this;
  if (location != im.last_location || im.last_region.empty()) {
    im.last_location = location;
    // Ads repeat a small set of locations, not always one after another: both derived forms are kept per location
    // (they depend on nothing else), so each distinct location is parsed once per extractor.
    auto it = im.location_cache.find(location);
    if (it == im.location_cache.end()) {
      if (im.location_cache.size() >= 4096) im.location_cache.clear();  // bounded memory on unbounded inputs
      it = im.location_cache
               .emplace(location, std::make_pair(RegionFromLocation(location, im.res->gazetteer.get()),
                                                    GazetteerKey(location)))
               .first;
    }
    im.last_region = it->second.first;
    im.last_location_key = it->second.second;
    im.location_words.clear();
    const std::string_view key = im.last_location_key;
    for (size_t b = 0; b < key.size();) {
      size_t e = key.find(' ', b);
      if (e == std::string_view::npos) e = key.size();
      if (e > b) im.location_words.push_back(key.substr(b, e - b));
      b = e + 1;
    }
  }
}

void FactExtractor::Extract(const core::Ad& ad, Facts& out) {
  out.clear();
  Impl& im = *impl_;
  im.SetLocation(ad.location);
  const std::string& region = im.last_region;
  NormText* saved = im.saved;
  const std::string_view texts[2] = {ad.title, ad.body};
  const char* names[2] = {"title", "body"};
  for (int k = 0; k < 2; ++k) {
    im.Field(names[k], texts[k], region, ad.location, out, false);
    std::swap(saved[k], im.norm);
  }
  if (im.res->gazetteer) {
    // Context for choosing among same-named places: regions named in the location
    // field or in the text, and the states of the ad's NANP area codes.
    im.context_regions.clear();
    const Gazetteer& gz = *im.res->gazetteer;
    const std::string& location_key = im.last_location_key;
    auto scan_regions = [&](std::string_view s, bool allow_abbrev) {
      size_t i = 0;
      while (i < s.size()) {
        size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        const std::string_view w = s.substr(i, j - i);
        if (const GzRegion* r = gz.FindRegion(w); r && (allow_abbrev || !r->is_abbrev)) {
          im.context_regions.emplace_back(r->code, std::strlen(r->code) > 4 ? 4 : std::strlen(r->code));
        }
        i = j + 1;
      }
    };
    scan_regions(location_key, true);
    for (const auto& p : out.phones) {
      if (p.e164.size() == 12 && p.e164.rfind("+1", 0) == 0) {
        const std::string_view st = gz.RegionForAreaCode(std::atoi(p.e164.substr(2, 3).c_str()));
        if (!st.empty()) im.context_regions.emplace_back(st);
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (texts[k].empty()) continue;
      im.places->Find(saved[k], texts[k], names[k], location_key, im.location_words, im.context_regions, out.locations);
    }
  }
  // Stated ages under 18 are a youth indicator in their own right (domain.md §4.1 AD-05).
  for (const auto& a : out.ages) {
    if (a.value < 18 && out.indicators.size() < kMaxFactsPerKind) {
      IndicatorFact ind;
      ind.id = "YOUTH-STATED-MINOR-AGE";
      ind.category = "youth";
      ind.span = a.span;
      ind.text.assign((a.span.field == "title" ? ad.title : ad.body).substr(a.span.begin, a.span.end - a.span.begin));
      out.indicators.push_back(std::move(ind));
    }
  }
}

void FactExtractor::ExtractPhones(const core::Ad& ad, std::vector<PhoneFact>& out) {
  out.clear();
  Facts f;
  impl_->SetLocation(ad.location);  // the region, parsed once per distinct location
  const std::string& region = impl_->last_region;
  impl_->Field("title", ad.title, region, ad.location, f, true);
  impl_->Field("body", ad.body, region, ad.location, f, true);
  out = std::move(f.phones);
}

std::string NormalizeForDisplay(std::string_view text) {
  NormText n;
  Normalize(text, n);
  return n.text;
}

}  // namespace lodestar::extract
