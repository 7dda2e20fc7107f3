// lodestar synth: streaming generator of synthetic ads with known truth.
//
// Plan, then stream. The plan (made up front from the seed) fixes the networks
// (size, start day, duration, phone block), the hub numbers and the spike; it
// costs ~16 bytes per network. Ads are then produced day by day: the day's ads
// (network ads scheduled on that day, background ads, spike ads) are listed as
// small descriptors, sorted by posting time and rendered straight into the
// output buffer. Only networks active on the current day keep a full profile
// (names, phones, handle, circuit), so memory does not grow with --ads beyond
// the per-network plan.
//
// Truth rules (see docs/synth.md):
//  - `network` is the id of the network whose identifiers (phones, e-mail,
//    handle) the ad carries; hub numbers never define a network, they are only
//    listed in `phones` of every ad that shows them.
//  - Every network ad shows at least one of its network's phones, and every
//    such phone appears in at least two ads of the network.
//  - Phone numbers are unique by construction (a bijection from an allocation
//    index to subscriber numbers), so unrelated ads never share a number by chance.
#include "synth/synth.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <numeric>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_text.h"
#include "core/progress.h"
#include "core/time.h"
#include "io/input_stream.h"
#include "synth/skeleton.h"
#include "synth/tables.h"

namespace lodestar::synth {
namespace {

using internal::City;
using internal::Country;
using internal::kCities;
using internal::kNames;
using internal::kNumCities;
using internal::kNumNames;

// ---------------------------------------------------------------------------
// Knobs (documented in docs/synth.md).
constexpr int kYear = 2017;
constexpr int kDays = 365;
constexpr double kNetworkShare = 0.5;       // share of non-spike ads that belong to networks
constexpr double kObfuscatedShare = 0.30;   // ads whose phone numbers are obfuscated
constexpr double kHubShare = 0.04;          // ads that also show a hub number
constexpr double kSpikeBoost = 1.5;         // extra volume in the spike city (+150%)
constexpr int kSpikeDays = 3;

// Event sentences planted in spike ads (our own wording), so that salient-term
// analysis of the spike window has a known answer. `terms` are the sentence's
// distinctive words: none of them occurs in the built-in templates or sentences.
// The text must need no JSON escaping (it is appended to an escaped body).
struct EventPhrase {
  const char* text;
  const char* terms[3];
};
constexpr EventPhrase kEventPhrases[] = {
    {"Big tournament weekend, unwind with me after the stadium empties.", {"tournament", "stadium"}},
    {"Here for the championship crowd; stadium traffic is wild so book early.", {"championship", "stadium"}},
    {"Convention visitors welcome, five minutes from the expo hall.", {"convention", "expo"}},
    {"Sore feet from the expo floor? Relax with me once the convention closes.", {"expo", "convention"}},
    {"Playoff weekend special for anyone here for the tournament.", {"playoff", "tournament"}},
    {"Delegates and convention guests, discreet outcall visits all week.", {"delegates", "convention"}},
    {"After the tailgate come see me before the championship starts.", {"tailgate", "championship"}},
    {"Playoff tickets or not, treat yourself near the stadium tonight.", {"playoff", "stadium"}},
};
constexpr double kRealTemplateShare = 0.75;  // with --templates: share of template picks from the real corpus
constexpr size_t kMaxRealTemplates = 400;
constexpr uint64_t kMaxTemplateLines = 200000;

// ---------------------------------------------------------------------------
// Deterministic randomness: splitmix64 to seed, xoshiro256** to draw.
uint64_t SplitMix(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ull);
  return SplitMix(x);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) s = SplitMix(x);
  }
  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  int Range(int lo, int hi) { return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1))); }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// ---------------------------------------------------------------------------
// Templates: a title and a body made of pieces; a piece is dropped when it needs
// a slot the ad has no value for (no handle, no e-mail, age not stated).
enum Slot : uint8_t {
  kLit = 0,
  kName,
  kAge,
  kPrice,
  kPrice2,
  kPriceNum,
  kDuration,
  kPhone,
  kCity,
  kHandle,
  kEmail,
  kStats,
  kHeight,
  kWeight,
  kHours,
  kNumSlots
};
const char* const kSlotNames[kNumSlots] = {"",     "name",   "age",  "price", "price2", "pricenum", "duration", "phone",
                                           "city", "handle", "email", "stats", "height", "weight",  "hours"};
constexpr uint32_t kOptionalSlots = (1u << kAge) | (1u << kHandle) | (1u << kEmail);

struct Seg {
  Slot slot = kLit;
  std::string text;
};
struct Piece {
  std::vector<Seg> segs;
  uint32_t mask = 0;
};
struct Template {
  std::string id;
  Piece title;
  std::vector<Piece> body;
  std::string joiner;
};

// Template text is JSON-escaped once when parsed, so ads are assembled from
// already-escaped pieces without a per-byte pass.
std::string Escaped(std::string_view s) {
  std::string out;
  core::AppendJsonEscaped(out, s);
  return out;
}

// Literal text is stored JSON-escaped; slot values must be JSON-safe (see FillCommonSlots).
Piece ParsePiece(std::string_view text) {
  Piece p;
  std::string lit;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '{') {
      size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        std::string_view name = text.substr(i + 1, close - i - 1);
        int slot = -1;
        for (int s = 1; s < kNumSlots; ++s) {
          if (name == kSlotNames[s]) slot = s;
        }
        if (slot > 0) {
          if (!lit.empty()) p.segs.push_back({kLit, Escaped(lit)});
          lit.clear();
          p.segs.push_back({static_cast<Slot>(slot), {}});
          p.mask |= 1u << slot;
          i = close + 1;
          continue;
        }
      }
    }
    lit.push_back(text[i++]);
  }
  if (!lit.empty()) p.segs.push_back({kLit, Escaped(lit)});
  return p;
}

uint32_t BodyMask(const Template& t) {
  uint32_t m = 0;
  for (const Piece& p : t.body) m |= p.mask;
  return m;
}

std::vector<Template> BuiltinTemplates() {
  std::vector<Template> out;
  for (size_t i = 0; i < internal::kNumTemplates; ++i) {
    const auto& bt = internal::kTemplates[i];
    Template t;
    t.id = fmt::format("t{:02}", i + 1);
    t.title = ParsePiece(bt.title);
    t.joiner = Escaped(bt.joiner);
    std::string_view body = bt.body;
    size_t pos = 0;
    while (pos <= body.size()) {
      size_t nl = body.find('\n', pos);
      if (nl == std::string_view::npos) nl = body.size();
      if (nl > pos) t.body.push_back(ParsePiece(body.substr(pos, nl - pos)));
      pos = nl + 1;
    }
    // A fixed tail of generic sentences (not seed dependent) brings bodies to ~1 KB
    // and plants distractor numbers (measurements, heights, hours, prices).
    uint64_t h = Mix(0x7e1a7e, i);
    size_t tail = 13 + h % 4;
    std::vector<size_t> used;
    for (size_t j = 0; used.size() < tail && j < 64; ++j) {
      size_t s = Mix(h, j) % internal::kNumSentences;
      if (std::find(used.begin(), used.end(), s) != used.end()) continue;
      used.push_back(s);
      t.body.push_back(ParsePiece(internal::kSentences[s]));
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Splits a skeleton body into sentence pieces; each piece keeps its trailing
// separator so dropping one leaves the rest readable.
std::vector<Piece> SplitSentences(std::string_view s) {
  std::vector<Piece> pieces;
  size_t begin = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool end = c == '\n' || ((c == '.' || c == '!' || c == '?') && i + 1 < s.size() && (s[i + 1] == ' ' || s[i + 1] == '\n'));
    if (!end) continue;
    size_t j = i + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\n')) ++j;
    pieces.push_back(ParsePiece(s.substr(begin, j - begin)));
    begin = j;
    i = j - 1;
  }
  if (begin < s.size()) pieces.push_back(ParsePiece(s.substr(begin)));
  return pieces;
}

core::Result<std::vector<Template>> RealTemplates(const std::string& path, uint64_t seed) {
  auto in = io::OpenInput(path);
  if (!in.ok()) return in.status();
  io::LineReader reader(**in);
  std::string_view line;
  uint64_t line_number = 0, offset = 0, lines = 0, bad = 0;
  std::set<std::string> seen;
  std::vector<Template> all;
  while (lines < kMaxTemplateLines) {
    auto more = reader.Next(line, line_number, offset);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    ++lines;
    auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      ++bad;
      continue;
    }
    auto text_of = [&](const char* key) -> std::string {
      auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string title = text_of("title");
    std::string body = text_of("body");
    if (body.empty()) body = text_of("text");
    if (body.empty()) body = text_of("description");
    if (body.size() < 80 || body.size() > 4000 || title.size() > 300) continue;
    auto body_skel = internal::Skeletonize(body, false);
    if (!body_skel || body_skel->size() < 60) continue;
    std::optional<std::string> title_skel = title.empty() ? std::optional<std::string>("{name} in {city}")
                                                          : internal::Skeletonize(title, true);
    if (!title_skel || title_skel->empty()) continue;
    if (!seen.insert(*body_skel).second) continue;
    Template t;
    t.title = ParsePiece(*title_skel);
    t.body = SplitSentences(*body_skel);
    if (!(BodyMask(t) & (1u << kPhone))) t.body.push_back(ParsePiece(" Text {phone}"));
    all.push_back(std::move(t));
  }
  if (all.empty()) {
    return core::Status::Error(
        core::StatusCode::kInvalidInput,
        fmt::format("{}: no usable ad texts ({} lines, {} not JSON); --templates expects JSON Lines with a "
                    "\"title\" and \"body\" (or \"text\") field of at least 80 characters",
                    path, lines, bad));
  }
  // A seeded sample keeps the pool small while spreading over the whole file.
  Rng rng(Mix(seed, 0x7e3a1a7e));
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng.Below(i)]);
  if (all.size() > kMaxRealTemplates) all.resize(kMaxRealTemplates);
  for (size_t i = 0; i < all.size(); ++i) all[i].id = fmt::format("r{:03}", i + 1);
  return all;
}

// ---------------------------------------------------------------------------
// Phones.
struct Phone {
  Country country = Country::kUs;
  char national[12] = {};  // digits as dialled nationally (GB without the leading 0)
  uint8_t len = 0;
  uint8_t area_len = 3;
  std::string_view digits() const { return {national, len}; }
};

struct CityInfo {
  std::vector<std::string> area_codes;
  std::vector<uint16_t> nearest;  // other cities by distance
};

// Subscriber numbers: index -> (a * index + b) mod M is a bijection on [0, M).
class NumberSpace {
 public:
  explicit NumberSpace(uint64_t seed) {
    for (int e = 200; e <= 999; ++e) {
      if (e % 100 == 11 || e == 555) continue;  // N11 service codes, 555 directory/fiction block
      exchanges_.push_back(e);
    }
    m_ = exchanges_.size() * 10000;
    Rng rng(Mix(seed, 0x9e0ce));
    a_ = 1000003 + rng.Below(m_ / 2);
    while (std::gcd(a_, m_) != 1) ++a_;
    b_ = rng.Below(m_);
  }
  // Fills `p` for the city's country with a number unique to `index` (for index < capacity()).
  void Make(const City& city, const CityInfo& info, uint64_t index, uint64_t area_pick, Phone& p) const {
    uint64_t s = static_cast<uint64_t>((static_cast<unsigned __int128>(a_) * (index % m_) + b_) % m_);
    p.country = city.country;
    std::string n;
    switch (city.country) {
      case Country::kUs:
      case Country::kCa: {
        n = info.area_codes[area_pick % info.area_codes.size()];
        n += fmt::format("{:03}{:04}", exchanges_[s / 10000], s % 10000);
        p.area_len = 3;
        break;
      }
      case Country::kMx: {
        const std::string& area = info.area_codes[0];
        n = area;
        n += static_cast<char>('2' + (s / 10000000) % 8);
        n += fmt::format("{:07}", s % 10000000);
        n.resize(10);
        p.area_len = static_cast<uint8_t>(area.size());
        break;
      }
      case Country::kGb: {
        static const char kThird[] = {'0', '2', '4', '5', '6', '7', '8', '9'};
        n = "79";
        n += kThird[(s / 10000000) % 8];
        n += fmt::format("{:07}", s % 10000000);
        p.area_len = 4;
        break;
      }
    }
    p.len = static_cast<uint8_t>(n.size());
    std::memcpy(p.national, n.data(), n.size());
  }
  void MakeTollFree(uint64_t index, Phone& p) const {
    uint64_t s = static_cast<uint64_t>((static_cast<unsigned __int128>(a_) * index + b_) % m_);
    std::string n = fmt::format("888{:03}{:04}", exchanges_[s / 10000], s % 10000);
    p.country = Country::kUs;
    p.area_len = 3;
    p.len = static_cast<uint8_t>(n.size());
    std::memcpy(p.national, n.data(), n.size());
  }
  uint64_t capacity() const { return m_; }

 private:
  std::vector<int> exchanges_;
  uint64_t m_ = 0, a_ = 1, b_ = 0;
};

void AppendE164(const Phone& p, std::string& out) {
  switch (p.country) {
    case Country::kUs:
    case Country::kCa: out += "+1"; break;
    case Country::kMx: out += "+52"; break;
    case Country::kGb: out += "+44"; break;
  }
  out.append(p.digits());
}

// Digit groups as people write them: NANP 3-3-4, Mexico area-rest, GB 0+4 / 6.
void Groups(const Phone& p, std::string_view out[3], int& n) {
  std::string_view d = p.digits();
  if (p.country == Country::kGb) {
    out[0] = d.substr(0, 4);
    out[1] = d.substr(4);
    n = 2;
  } else if (p.country == Country::kMx && p.area_len == 2) {
    out[0] = d.substr(0, 2);
    out[1] = d.substr(2, 4);
    out[2] = d.substr(6);
    n = 3;
  } else {
    out[0] = d.substr(0, 3);
    out[1] = d.substr(3, 3);
    out[2] = d.substr(6);
    n = 3;
  }
}

void AppendPlainPhone(const Phone& p, Rng& rng, std::string& out) {
  std::string_view g[3];
  int n = 0;
  Groups(p, g, n);
  if (p.country == Country::kGb) {
    switch (rng.Below(3)) {
      case 0: fmt::format_to(std::back_inserter(out), "0{} {}", g[0], g[1]); break;
      case 1: fmt::format_to(std::back_inserter(out), "0{}{}", g[0], g[1]); break;
      default: fmt::format_to(std::back_inserter(out), "+44 {} {}", g[0], g[1]); break;
    }
    return;
  }
  if (p.country == Country::kMx) {
    switch (rng.Below(3)) {
      case 0: fmt::format_to(std::back_inserter(out), "{} {} {}", g[0], g[1], g[2]); break;
      case 1: fmt::format_to(std::back_inserter(out), "({}) {}-{}", g[0], g[1], g[2]); break;
      default: fmt::format_to(std::back_inserter(out), "+52 {} {} {}", g[0], g[1], g[2]); break;
    }
    return;
  }
  switch (rng.Below(8)) {
    case 0:
    case 1: fmt::format_to(std::back_inserter(out), "({}) {}-{}", g[0], g[1], g[2]); break;
    case 2:
    case 3: fmt::format_to(std::back_inserter(out), "{}-{}-{}", g[0], g[1], g[2]); break;
    case 4: fmt::format_to(std::back_inserter(out), "{}.{}.{}", g[0], g[1], g[2]); break;
    case 5: fmt::format_to(std::back_inserter(out), "{}{}{}", g[0], g[1], g[2]); break;
    case 6: fmt::format_to(std::back_inserter(out), "{} {} {}", g[0], g[1], g[2]); break;
    default: fmt::format_to(std::back_inserter(out), "1-{}-{}-{}", g[0], g[1], g[2]); break;
  }
}

const char* const kEnglishDigits[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
const char* const kSpanishDigits[] = {"cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"};

void AppendFullWidth(char d, std::string& out) {
  out += "\xEF\xBC";
  out += static_cast<char>(0x90 + (d - '0'));
}
void AppendCircled(char d, std::string& out) {
  if (d == '0') {
    out += "\xE2\x93\xAA";
  } else {
    out += "\xE2\x91";
    out += static_cast<char>(0xA0 + (d - '1'));
  }
}
void AppendKeycap(char d, std::string& out) {
  out += d;
  out += "\xEF\xB8\x8F\xE2\x83\xA3";
}
void AppendWord(char d, bool capital, std::string& out) {
  const char* w = kEnglishDigits[d - '0'];
  out += capital ? static_cast<char>(w[0] - 'a' + 'A') : w[0];
  out += w + 1;
}

// The obfuscations seen in the wild: spelled digits, odd separators, full-width,
// keycap and circled digits, O/l for 0/1, Spanish words, and mixes of these.
void AppendObfuscatedPhone(const Phone& p, Rng& rng, std::string& out) {
  std::string_view g[3];
  int n = 0;
  Groups(p, g, n);
  std::string_view d = p.digits();
  bool gb = p.country == Country::kGb;
  if (gb) out += '0';
  int method = static_cast<int>(rng.Below(9));
  if (method == 6 && d.find_first_of("01") == std::string_view::npos) method = 0;
  static const char* const kGroupSeps[] = {" . ", "~", " * ", " / ", " - ", "..", " ", "-"};
  static const char* const kDigitSeps[] = {"-", " ", ".", " . ", "*"};
  switch (method) {
    case 0: {  // "five0three-724-three0one6"
      bool capital = rng.Chance(0.3);
      const char* sep = rng.Pick(kGroupSeps);
      for (int i = 0; i < n; ++i) {
        if (i) out += sep;
        for (char c : g[i]) {
          if (rng.Chance(0.55)) {
            AppendWord(c, capital, out);
          } else {
            out += c;
          }
        }
      }
      break;
    }
    case 1: {  // "5-0-3-7-2-4-3-0-1-6"
      const char* sep = rng.Pick(kDigitSeps);
      for (size_t i = 0; i < d.size(); ++i) {
        if (i) out += sep;
        out += d[i];
      }
      break;
    }
    case 2: {  // "503 . 724 . 3016"
      const char* sep = rng.Pick(kGroupSeps);
      for (int i = 0; i < n; ++i) {
        if (i) out += sep;
        out.append(g[i]);
      }
      break;
    }
    case 3:  // full-width digits
      for (int i = 0; i < n; ++i) {
        if (i) out += rng.Chance(0.5) ? " " : "-";
        for (char c : g[i]) AppendFullWidth(c, out);
      }
      break;
    case 4:  // keycap emoji
      for (int i = 0; i < n; ++i) {
        if (i) out += ' ';
        for (char c : g[i]) AppendKeycap(c, out);
      }
      break;
    case 5:  // circled digits
      for (int i = 0; i < n; ++i) {
        if (i) out += ' ';
        for (char c : g[i]) AppendCircled(c, out);
      }
      break;
    case 6: {  // O for 0, l/I for 1
      const char* sep = rng.Pick(kGroupSeps);
      for (int i = 0; i < n; ++i) {
        if (i) out += sep;
        for (char c : g[i]) {
          if (c == '0') {
            out += rng.Chance(0.8) ? 'O' : 'o';
          } else if (c == '1') {
            out += rng.Chance(0.6) ? 'l' : 'I';
          } else {
            out += c;
          }
        }
      }
      break;
    }
    case 7:  // Spanish number words
      for (size_t i = 0; i < d.size(); ++i) {
        if (i) out += ' ';
        out += kSpanishDigits[d[i] - '0'];
      }
      break;
    default:  // one group each way
      for (int i = 0; i < n; ++i) {
        if (i) out += ' ';
        int style = (i + static_cast<int>(rng.Below(3))) % 3;
        for (char c : g[i]) {
          if (style == 0) {
            out += c;
          } else if (style == 1) {
            AppendWord(c, false, out);
            out += ' ';
          } else {
            AppendFullWidth(c, out);
          }
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
      }
      break;
  }
}

// ---------------------------------------------------------------------------
// Identities (e-mail and handle): unique by construction via a bijective scramble
// of an identity index, rendered after a name-based stem.
enum class Platform : uint8_t { kInstagram, kSnapchat, kTelegram, kKik, kOnlyFans, kX, kCashApp, kCount };

struct Identity {
  std::string email;    // empty = none
  std::string handle;   // bare handle, empty = none
  Platform platform = Platform::kInstagram;
};

// Unique per index: a bijection on [0, 10^6) (multiplier coprime to 10) plus the millions.
uint64_t IdentityNumber(uint64_t index) { return (index % 1000000 * 435761 + 7777) % 1000000 + index / 1000000 * 1000000; }

std::string LowerName(const char* name) {
  std::string s(name);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void MakeEmail(Rng& rng, const char* name, uint64_t index, std::string& out) {
  static const char* const kWords[] = {"", "luv", "xo", "vip", "sweet", "babe", "doll", "kiss", "baby", "honey"};
  static const char* const kSeps[] = {"", ".", "_"};
  static const char* const kDomains[] = {"gmail.com", "yahoo.com", "outlook.com", "protonmail.com", "hotmail.com",
                                         "icloud.com"};
  out = LowerName(name);
  const char* w = rng.Pick(kWords);
  if (*w) {
    out += rng.Pick(kSeps);
    out += w;
  }
  fmt::format_to(std::back_inserter(out), "{}@{}", IdentityNumber(index), rng.Pick(kDomains));
}

void MakeHandle(Rng& rng, const char* name, uint64_t index, Identity& id) {
  static const char* const kWords[] = {"", "xo", "baby", "official", "vip", "real", "the", "its"};
  id.platform = static_cast<Platform>(rng.Below(static_cast<uint64_t>(Platform::kCount)));
  id.handle.clear();
  const char* w = rng.Pick(kWords);
  bool prefix = std::strcmp(w, "the") == 0 || std::strcmp(w, "its") == 0 || std::strcmp(w, "real") == 0;
  if (prefix) id.handle = w;
  id.handle += LowerName(name);
  if (*w && !prefix) {
    id.handle += rng.Chance(0.5) ? "_" : ".";
    id.handle += w;
  }
  fmt::format_to(std::back_inserter(id.handle), "{}", IdentityNumber(index));
}

void AppendHandleInline(const Identity& id, std::string& out) {
  switch (id.platform) {
    case Platform::kInstagram:
    case Platform::kTelegram:
    case Platform::kX: out += '@'; break;
    case Platform::kCashApp: out += '$'; break;
    case Platform::kOnlyFans: out += "onlyfans.com/"; break;
    default: break;
  }
  out += id.handle;
}

void AppendHandleLine(const Identity& id, Rng& rng, std::string& out) {
  static const char* const kLabels[] = {"IG: ", "Snap: ", "Telegram: ", "Kik: ", "OnlyFans: ", "X: ", "Cash App: "};
  static const char* const kAlt[] = {"Instagram ", "👻 ", "telegram ", "kik me ", "OF ", "twitter/X ", "deposit via "};
  size_t k = static_cast<size_t>(id.platform);
  out += rng.Chance(0.5) ? kLabels[k] : kAlt[k];
  AppendHandleInline(id, out);
}

// ---------------------------------------------------------------------------
// JSON helpers.
void AppendDateTime(int64_t t, std::string& out) {
  int64_t days = t / 86400, secs = t % 86400;
  // Civil from days (Howard Hinnant's algorithm), valid for our 1970+ range.
  int64_t z = days + 719468;
  int64_t era = z / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[20];
  auto two = [&](int pos, int64_t v) {
    buf[pos] = static_cast<char>('0' + v / 10);
    buf[pos + 1] = static_cast<char>('0' + v % 10);
  };
  two(0, y / 100);
  two(2, y % 100);
  buf[4] = '-';
  two(5, m);
  buf[7] = '-';
  two(8, d);
  buf[10] = 'T';
  two(11, secs / 3600);
  buf[13] = ':';
  two(14, (secs / 60) % 60);
  buf[16] = ':';
  two(17, secs % 60);
  out.append(buf, 19);
  out += 'Z';
}

// ---------------------------------------------------------------------------
// The plan.
struct NetState {
  uint32_t size = 0;
  uint32_t phone_base = 0;  // first phone allocation index
  uint16_t start_day = 0;
  uint16_t duration = 1;
  uint8_t nphones = 1;
};

struct NetProfile {
  uint32_t id = 0;
  uint32_t next_k = 0;
  int nlegs = 1, circuit_len = 1;
  uint16_t leg_city[6] = {};
  uint8_t leg_days[6] = {};
  Phone phones[3];
  int nphones = 1, used_phones = 1;
  int names[3] = {};
  int nnames = 1;
  Identity ident;
  bool has_email = false, has_handle = false;
  int age = 22, price = 150;
  int templates[2] = {};
  int ntemplates = 1;
  int site = 0;
};

struct Hub {
  Phone phone;
  int kind = 0;
};

struct Desc {
  int64_t posted;
  uint32_t kind;  // 0 network, 1 background, 2 spike
  uint32_t a;     // active slot (network) or sequence number
  uint32_t b;     // ad index within the network
  bool operator<(const Desc& o) const {
    if (posted != o.posted) return posted < o.posted;
    if (kind != o.kind) return kind < o.kind;
    if (a != o.a) return a < o.a;
    return b < o.b;
  }
};

// Per-ad slot values and extras, reused across ads to avoid allocation.
struct AdVars {
  std::string slot[kNumSlots];
  uint32_t available = 0;
  bool age_used = false;
  void Clear() {
    available = 0;
    age_used = false;
  }
  void Set(Slot s) { available |= 1u << s; }
};

class Generator {
 public:
  Generator(const SynthOptions& opt, std::vector<Template> real)
      : opt_(opt), rng_(Mix(opt.seed, 0x5e7d)), event_rng_(Mix(opt.seed, 0xe7e47)), numbers_(opt.seed) {
    builtin_ = BuiltinTemplates();
    real_ = std::move(real);
    for (size_t i = 0; i < internal::kNumSentences; ++i) sentences_.push_back(ParsePiece(internal::kSentences[i]));
    for (size_t i = 0; i < internal::kNumOpeners; ++i) openers_.push_back(ParsePiece(internal::kOpeners[i]));
    static const char* const kFreeTitles[] = {"{name} available now", "{city} companion {name}", "Sweet {name} 💋",
                                              "Call me {name}", "{name} - incall/outcall", "Discreet fun in {city}",
                                              "Beautiful {name} is here", "Relax with {name}"};
    for (const char* t : kFreeTitles) free_titles_.push_back(ParsePiece(t));
    SetUpCities();
  }

  core::Result<SynthSummary> Run();

 private:
  void SetUpCities();
  int WeightedCity(Rng& rng) const {
    uint64_t r = rng.Below(total_weight_);
    for (size_t i = 0; i < kNumCities; ++i) {
      if (r < static_cast<uint64_t>(kCities[i].weight)) return static_cast<int>(i);
      r -= kCities[i].weight;
    }
    return 0;
  }
  core::Status Plan();
  NetProfile MakeProfile(uint32_t id) const;
  int64_t PostedTime(int day);
  const Template& TemplateAt(int index) const {
    return index < static_cast<int>(builtin_.size()) ? builtin_[index] : real_[index - builtin_.size()];
  }
  int PickTemplate(Rng& rng) const {
    if (!real_.empty() && rng.Chance(kRealTemplateShare)) {
      return static_cast<int>(builtin_.size() + rng.Below(real_.size()));
    }
    return static_cast<int>(rng.Below(builtin_.size()));
  }
  void FillCommonSlots(int city, int name, int age, int price, const Identity* ident, bool email, bool handle);
  void RenderPiece(const Piece& p, std::string& out);
  void RenderBody(const Template& t, std::string& out);
  void RenderFreeBody(std::string& out);
  void Homoglyphs(std::string& s);
  void EmitNetworkAd(NetProfile& p, uint32_t k, int day, int64_t posted);
  void EmitIndependentAd(int64_t posted, bool spike);
  struct AdOut {
    const EventPhrase* event = nullptr;  // spike ads: the planted event sentence
    bool in_network = false;
    char network[24] = {};  // "net-000012" when in_network
    std::string_view template_id;
    int city = 0;
    int age = 0;
    bool age_field = false;
    bool spike = false;
    bool obfuscated = false;
    int site = 0;
    const Phone* phones[3] = {};
    int nphones = 0;
    const Identity* ident = nullptr;
    bool email = false, handle = false;
  };
  void Write(const AdOut& ad, int64_t posted);
  void FlushIfBig(bool force);

  const SynthOptions& opt_;
  Rng rng_;
  // Draws for the planted event sentences come from their own stream so every
  // other ad stays byte-identical to corpora generated before events existed.
  Rng event_rng_;
  NumberSpace numbers_;
  std::vector<Template> builtin_, real_;
  std::vector<Piece> sentences_, openers_, free_titles_;
  std::vector<CityInfo> city_info_;
  uint64_t total_weight_ = 0;

  // Plan.
  std::vector<NetState> nets_;
  std::vector<Hub> hubs_;
  uint64_t network_ads_ = 0, background_ads_ = 0, spike_ads_ = 0;
  int spike_city_ = 0, spike_day_ = 0;
  uint64_t next_phone_index_ = 0, next_identity_ = 0;
  int id_width_ = 7;

  // Output.
  FILE* out_ = nullptr;
  FILE* truth_ = nullptr;
  std::string out_buf_, truth_buf_;
  uint64_t out_bytes_ = 0, emitted_ = 0;
  AdVars vars_;
  std::string title_, body_, scratch_;
};

void Generator::SetUpCities() {
  city_info_.resize(kNumCities);
  for (size_t i = 0; i < kNumCities; ++i) {
    total_weight_ += kCities[i].weight;
    std::string_view codes = kCities[i].area_codes;
    size_t pos = 0;
    while (pos < codes.size()) {
      size_t comma = codes.find(',', pos);
      if (comma == std::string_view::npos) comma = codes.size();
      city_info_[i].area_codes.emplace_back(codes.substr(pos, comma - pos));
      pos = comma + 1;
    }
    std::vector<std::pair<double, uint16_t>> by_distance;
    for (size_t j = 0; j < kNumCities; ++j) {
      if (j == i) continue;
      double dlat = kCities[i].lat - kCities[j].lat;
      double dlon = (kCities[i].lon - kCities[j].lon) * std::cos(kCities[i].lat * 3.14159265358979 / 180.0);
      by_distance.emplace_back(dlat * dlat + dlon * dlon, static_cast<uint16_t>(j));
    }
    std::sort(by_distance.begin(), by_distance.end());
    for (const auto& [dist, j] : by_distance) city_info_[i].nearest.push_back(j);
  }
}

core::Status Generator::Plan() {
  const uint64_t n = opt_.ads;
  id_width_ = std::max<int>(7, static_cast<int>(fmt::formatted_size("{}", n)));

  // Spike: one US city with enough traffic, a 3-day window, +150% of its normal volume
  // (at least a visible handful for small corpora).
  std::vector<int> candidates;
  for (size_t i = 0; i < kNumCities; ++i) {
    if (kCities[i].country == Country::kUs && kCities[i].weight >= 4) candidates.push_back(static_cast<int>(i));
  }
  spike_city_ = candidates[rng_.Below(candidates.size())];
  spike_day_ = rng_.Range(30, kDays - 40);
  double baseline = static_cast<double>(n) * kCities[spike_city_].weight / total_weight_ * kSpikeDays / kDays;
  spike_ads_ = std::max<uint64_t>(static_cast<uint64_t>(std::llround(baseline * kSpikeBoost)), std::min<uint64_t>(30, n / 20));
  if (spike_ads_ > n / 4) spike_ads_ = n / 4;
  uint64_t rest = n - spike_ads_;

  // Hubs: a toll-free booking line plus 2-4 local agency/screening lines.
  int nhubs = rng_.Range(3, 5);
  for (int i = 0; i < nhubs; ++i) {
    Hub h;
    h.kind = i;
    if (i == 0) {
      numbers_.MakeTollFree(next_phone_index_++, h.phone);
    } else {
      int city = candidates[rng_.Below(candidates.size())];
      numbers_.Make(kCities[city], city_info_[city], next_phone_index_++, rng_.Next(), h.phone);
    }
    hubs_.push_back(h);
  }

  // Networks: heavy-tailed sizes (Pareto, alpha 1.3, minimum 2) until half the ads are covered.
  uint64_t target = static_cast<uint64_t>(static_cast<double>(rest) * kNetworkShare);
  uint64_t cap = std::clamp<uint64_t>(target / 20, 10, 600);
  while (network_ads_ < target) {
    uint64_t left = target - network_ads_;
    if (left < 2) break;
    double u = 1.0 - rng_.Unit();
    uint64_t size = static_cast<uint64_t>(2.0 * std::pow(u, -1.0 / 1.3));
    size = std::clamp<uint64_t>(size, 2, cap);
    if (size > left || left - size < 2) size = left;
    NetState s;
    s.size = static_cast<uint32_t>(size);
    s.nphones = static_cast<uint8_t>(size >= 6 ? rng_.Range(1, 3) : rng_.Range(1, 2));
    s.phone_base = static_cast<uint32_t>(next_phone_index_);
    next_phone_index_ += s.nphones;
    double rate = 0.5 + rng_.Unit() * 2.5;  // ads per day
    uint64_t duration = static_cast<uint64_t>(std::ceil(static_cast<double>(size) / rate));
    if (rng_.Chance(0.55)) duration = std::max<uint64_t>(duration, std::min<uint64_t>(2 * size, 20));
    duration = std::clamp<uint64_t>(duration, 1, 300);
    s.duration = static_cast<uint16_t>(duration);
    s.start_day = static_cast<uint16_t>(rng_.Below(kDays - duration + 1));
    nets_.push_back(s);
    network_ads_ += size;
  }
  background_ads_ = rest - network_ads_;
  next_identity_ = nets_.size();
  if (next_phone_index_ + background_ads_ + spike_ads_ > numbers_.capacity()) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("synth: --ads {} needs more unique phone numbers than the generator has ({}); "
                                           "use at most 10000000 ads",
                                           n, numbers_.capacity()));
  }
  return core::Status::Ok();
}

NetProfile Generator::MakeProfile(uint32_t id) const {
  const NetState& s = nets_[id];
  Rng rng(Mix(opt_.seed ^ 0x6e7, id));
  NetProfile p;
  p.id = id;
  // Circuit: home city, then nearby cities (55% of networks travel).
  int home = WeightedCity(rng);
  p.leg_city[0] = static_cast<uint16_t>(home);
  p.nlegs = rng.Chance(0.55) ? rng.Range(2, 6) : 1;
  for (int i = 1; i < p.nlegs; ++i) {
    const auto& near = city_info_[p.leg_city[i - 1]].nearest;
    uint16_t next = near[0];
    for (int tries = 0; tries < 12; ++tries) {
      uint16_t c = near[rng.Below(std::min<size_t>(near.size(), 7))];
      bool used = false;
      for (int j = 0; j < i; ++j) used = used || p.leg_city[j] == c;
      next = c;
      if (!used) break;
    }
    p.leg_city[i] = next;
  }
  p.circuit_len = 0;
  for (int i = 0; i < p.nlegs; ++i) {
    p.leg_days[i] = static_cast<uint8_t>(p.nlegs == 1 ? 1 : rng.Range(2, 5));
    p.circuit_len += p.leg_days[i];
  }
  // Phones: home area code mostly; now and then a number from another circuit city.
  p.nphones = s.nphones;
  p.used_phones = std::max<int>(1, std::min<int>(p.nphones, static_cast<int>(s.size / 2)));
  for (int j = 0; j < p.nphones; ++j) {
    int city = (j > 0 && p.nlegs > 1 && rng.Chance(0.3)) ? p.leg_city[rng.Below(p.nlegs)] : home;
    numbers_.Make(kCities[city], city_info_[city], s.phone_base + j, rng.Next(), p.phones[j]);
  }
  p.nnames = rng.Chance(0.3) ? rng.Range(2, 3) : 1;
  for (int j = 0; j < p.nnames; ++j) p.names[j] = static_cast<int>(rng.Below(kNumNames));
  p.has_email = rng.Chance(0.35);
  p.has_handle = rng.Chance(0.5);
  if (p.has_email) MakeEmail(rng, kNames[p.names[0]], id, p.ident.email);
  if (p.has_handle) MakeHandle(rng, kNames[p.names[0]], id, p.ident);
  p.age = rng.Chance(0.85) ? rng.Range(19, 29) : rng.Range(30, 44);
  static const int kPrices[] = {80, 100, 120, 140, 150, 160, 180, 200, 250, 300};
  p.price = rng.Pick(kPrices);
  p.ntemplates = rng.Chance(0.3) ? 2 : 1;
  for (int j = 0; j < p.ntemplates; ++j) p.templates[j] = PickTemplate(rng);
  p.site = static_cast<int>(rng.Below(internal::kNumSites));
  return p;
}

int64_t Generator::PostedTime(int day) {
  // Evenings and nights are busier than mornings.
  static const int kHourWeights[24] = {4, 3, 2, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 5, 6, 7, 8, 8, 7, 6};
  static const int kTotal = std::accumulate(std::begin(kHourWeights), std::end(kHourWeights), 0);
  int r = static_cast<int>(rng_.Below(kTotal)), hour = 0;
  while (r >= kHourWeights[hour]) r -= kHourWeights[hour++];
  int64_t base = core::DaysFromCivil(kYear, 1, 1) * 86400;
  return base + static_cast<int64_t>(day) * 86400 + hour * 3600 + static_cast<int64_t>(rng_.Below(3600));
}

// Formats into a reused slot string (no allocation once warmed up).
template <typename... Args>
void Put(std::string& out, const char* f, const Args&... args) {
  out.clear();
  fmt::format_to(std::back_inserter(out), fmt::runtime(f), args...);
}

void Generator::FillCommonSlots(int city, int name, int age, int price, const Identity* ident, bool email,
                                bool handle) {
  AdVars& v = vars_;
  v.Clear();
  v.slot[kName] = kNames[name];
  v.Set(kName);
  v.slot[kAge].clear();
  fmt::format_to(std::back_inserter(v.slot[kAge]), "{}", age);
  v.slot[kCity] = kCities[city].name;
  v.Set(kCity);
  // Prices in the usual disguises.
  static const char* const kPriceFmt[] = {"${}", "{} roses", "{}$", "{}r", "{} donation", "{}/hh", "${} special"};
  int fmt_index = static_cast<int>(rng_.Below(std::size(kPriceFmt)));
  Put(v.slot[kPrice], kPriceFmt[fmt_index], price);
  int price2 = price * 2 - (rng_.Chance(0.5) ? 20 : 0);
  Put(v.slot[kPrice2], kPriceFmt[fmt_index == 5 ? 0 : fmt_index], price2);
  Put(v.slot[kPriceNum], "{}", price);
  static const char* const kDurations[] = {"hh", "half hour", "30 min", "qv", "15 min", "h", "1 hr", "half hr"};
  v.slot[kDuration] = rng_.Pick(kDurations);
  static const char* const kCups[] = {"A", "B", "C", "D", "DD", "DDD"};
  int bust = rng_.Range(32, 40);
  const char* cup = rng_.Pick(kCups);
  int waist = rng_.Range(22, 32);
  int hips = rng_.Range(32, 44);
  Put(v.slot[kStats], "{}{}-{}-{}", bust, cup, waist, hips);
  int inches = rng_.Range(59, 70);
  static const char* const kHeightFmt[] = {"{}'{}\\\"", "{}'{}", "{}ft{}", "{} ft {} in"};  // already JSON-escaped
  Put(v.slot[kHeight], rng_.Pick(kHeightFmt), inches / 12, inches % 12);
  static const char* const kWeightFmt[] = {"{}lbs", "{} lbs", "{}lb", "{} pounds"};
  const char* weight_fmt = rng_.Pick(kWeightFmt);
  Put(v.slot[kWeight], weight_fmt, rng_.Range(98, 175));
  static const char* const kHourRanges[] = {"10am-2am", "9am - 4am", "noon-midnight", "24/7", "11am to 3am", "7pm-5am",
                                       "10:00am-10:00pm", "8am-8pm"};
  v.slot[kHours] = rng_.Pick(kHourRanges);
  for (Slot s : {kPrice, kPrice2, kPriceNum, kDuration, kStats, kHeight, kWeight, kHours}) v.Set(s);
  if (email && ident && !ident->email.empty()) {
    v.slot[kEmail] = ident->email;
    v.Set(kEmail);
  }
  if (handle && ident && !ident->handle.empty()) {
    v.slot[kHandle].clear();
    AppendHandleInline(*ident, v.slot[kHandle]);
    v.Set(kHandle);
  }
}

void Generator::RenderPiece(const Piece& p, std::string& out) {
  for (const Seg& s : p.segs) {
    if (s.slot == kLit) {
      out += s.text;
    } else if (vars_.available & (1u << s.slot)) {
      if (s.slot == kAge) vars_.age_used = true;
      out += vars_.slot[s.slot];
    }
  }
}

void Generator::RenderBody(const Template& t, std::string& out) {
  bool first = true;
  for (const Piece& p : t.body) {
    if ((p.mask & kOptionalSlots) & ~vars_.available) continue;
    if (!first) out += t.joiner;
    first = false;
    RenderPiece(p, out);
  }
}

void Generator::RenderFreeBody(std::string& out) {
  RenderPiece(openers_[rng_.Below(openers_.size())], out);
  // A random walk through the sentence pool with a random stride gives distinct sentences.
  int count = rng_.Range(16, 22);
  size_t n = sentences_.size(), at = rng_.Below(n), stride = 1 + rng_.Below(n - 1);
  while (std::gcd(stride, n) != 1) ++stride;
  for (int i = 0; i < count; ++i) {
    at = (at + stride) % n;
    out += ' ';
    RenderPiece(sentences_[at], out);
  }
}

void Generator::Homoglyphs(std::string& s) {
  // Cyrillic look-alikes for a, e, o, p, c, x (and capitals), about half of them.
  scratch_.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {  // keep JSON escapes intact
      size_t n = s[i + 1] == 'u' ? 6 : 2;
      scratch_.append(s, i, n);
      i += n - 1;
      continue;
    }
    const char* rep = nullptr;
    switch (c) {
      case 'a': rep = "\xD0\xB0"; break;
      case 'e': rep = "\xD0\xB5"; break;
      case 'o': rep = "\xD0\xBE"; break;
      case 'p': rep = "\xD1\x80"; break;
      case 'c': rep = "\xD1\x81"; break;
      case 'x': rep = "\xD1\x85"; break;
      case 'A': rep = "\xD0\x90"; break;
      case 'E': rep = "\xD0\x95"; break;
      case 'O': rep = "\xD0\x9E"; break;
      case 'C': rep = "\xD0\xA1"; break;
      default: break;
    }
    if (rep && rng_.Chance(0.5)) {
      scratch_ += rep;
    } else {
      scratch_ += c;
    }
  }
  s.swap(scratch_);
}

// Appends the phone mention(s), hub, handle and e-mail lines the template does not carry itself.
struct Extras {
  const Phone* phone = nullptr;
  const Phone* phone2 = nullptr;
  const Hub* hub = nullptr;
  bool obfuscate = false;
};

void Generator::EmitNetworkAd(NetProfile& p, uint32_t k, int day, int64_t posted) {
  const NetState& s = nets_[p.id];
  int t = (day - s.start_day) % p.circuit_len;
  int leg = 0;
  while (leg + 1 < p.nlegs && t >= p.leg_days[leg]) t -= p.leg_days[leg++];
  int city = p.leg_city[leg];

  int tmpl = p.ntemplates == 2 && rng_.Chance(0.25) ? p.templates[1] : p.templates[0];
  int name = p.nnames > 1 && rng_.Chance(0.25) ? p.names[1 + rng_.Below(p.nnames - 1)] : p.names[0];
  int age = p.age + (rng_.Chance(0.25) ? (rng_.Chance(0.5) ? 1 : -1) : 0);
  int price = p.price + (rng_.Chance(0.2) ? (rng_.Chance(0.5) ? 20 : -20) : 0);
  bool email = p.has_email && rng_.Chance(0.6);
  bool handle = p.has_handle && rng_.Chance(0.7);

  AdOut ad;
  ad.in_network = true;
  *fmt::format_to_n(ad.network, sizeof(ad.network) - 1, "net-{:06}", p.id).out = '\0';
  ad.city = city;
  ad.age = age;
  ad.site = rng_.Chance(0.8) ? p.site : static_cast<int>(rng_.Below(internal::kNumSites));
  // Phone rotation: ad k shows phone k % used_phones, so each used phone is in >= 2 ads.
  const Phone* primary = &p.phones[k % p.used_phones];
  const Phone* second = nullptr;
  if (p.nphones > 1 && rng_.Chance(0.15)) second = &p.phones[(k + 1) % p.nphones];
  ad.ident = &p.ident;
  ad.email = email;
  ad.handle = handle;

  Extras ex;
  ex.phone = primary;
  ex.phone2 = second;
  ex.obfuscate = rng_.Chance(kObfuscatedShare);
  if (rng_.Chance(kHubShare)) ex.hub = &hubs_[rng_.Below(hubs_.size())];
  ad.obfuscated = ex.obfuscate;

  FillCommonSlots(city, name, age, price, &p.ident, email, handle);
  const Template& tp = TemplateAt(tmpl);
  ad.template_id = tp.id;

  // Phone text.
  vars_.slot[kPhone].clear();
  if (ex.obfuscate) {
    AppendObfuscatedPhone(*primary, rng_, vars_.slot[kPhone]);
  } else {
    AppendPlainPhone(*primary, rng_, vars_.slot[kPhone]);
  }
  vars_.Set(kPhone);
  ad.phones[ad.nphones++] = primary;
  if (second) ad.phones[ad.nphones++] = second;
  if (ex.hub) ad.phones[ad.nphones++] = &ex.hub->phone;

  // Age: 7% state none; otherwise the age field (85%), a title suffix (35%) and any body slot.
  bool stated = !rng_.Chance(0.07);
  if (stated) vars_.Set(kAge);
  ad.age_field = stated && rng_.Chance(0.85);
  bool suffix = stated && rng_.Chance(0.35);

  title_.clear();
  body_.clear();
  RenderPiece(tp.title, title_);
  if (suffix) {
    title_ += " - ";
    title_ += vars_.slot[kAge];
    vars_.age_used = true;
  }
  RenderBody(tp, body_);
  uint32_t mask = BodyMask(tp);
  if (second) {
    static const char* const kIntro[] = {" Backup number ", " Or try ", " 2nd line: "};
    body_ += rng_.Pick(kIntro);
    if (ex.obfuscate) {
      AppendObfuscatedPhone(*second, rng_, body_);
    } else {
      AppendPlainPhone(*second, rng_, body_);
    }
  }
  if (handle && !(mask & (1u << kHandle))) {
    body_ += ' ';
    AppendHandleLine(p.ident, rng_, body_);
  }
  if (email && !(mask & (1u << kEmail))) {
    body_ += rng_.Chance(0.5) ? " Email: " : " email me ";
    body_ += p.ident.email;
  }
  if (ex.hub) {
    static const char* const kHubIntro[] = {" Bookings: ", " Agency line ", " Screening & verification: ",
                                            " For appointments call the desk "};
    body_ += kHubIntro[ex.hub->kind % 4];
    AppendPlainPhone(ex.hub->phone, rng_, body_);
  }
  Write(ad, posted);
}

void Generator::EmitIndependentAd(int64_t posted, bool spike) {
  int city = spike ? spike_city_ : WeightedCity(rng_);
  int name = static_cast<int>(rng_.Below(kNumNames));
  int age = rng_.Chance(0.85) ? rng_.Range(19, 29) : rng_.Range(30, 45);
  static const int kPrices[] = {60, 80, 100, 120, 150, 160, 200, 250};
  int price = rng_.Pick(kPrices);
  uint64_t ident_index = next_identity_++;
  Identity ident;
  bool handle = rng_.Chance(0.12), email = rng_.Chance(0.08);
  if (handle) MakeHandle(rng_, kNames[name], ident_index, ident);
  if (email) MakeEmail(rng_, kNames[name], ident_index, ident.email);
  bool has_phone = !rng_.Chance(0.05) || !(handle || email);
  Phone phone;
  if (has_phone) {
    numbers_.Make(kCities[city], city_info_[city], next_phone_index_++, rng_.Next(), phone);
  }

  AdOut ad;
  ad.city = city;
  ad.age = age;
  ad.spike = spike;
  ad.site = static_cast<int>(rng_.Below(internal::kNumSites));
  ad.ident = &ident;
  ad.email = email;
  ad.handle = handle;
  FillCommonSlots(city, name, age, price, &ident, email, handle);
  bool obfuscate = has_phone && rng_.Chance(kObfuscatedShare);
  ad.obfuscated = obfuscate;
  const Hub* hub = rng_.Chance(kHubShare) ? &hubs_[rng_.Below(hubs_.size())] : nullptr;
  vars_.slot[kPhone].clear();
  if (has_phone) {
    if (obfuscate) {
      AppendObfuscatedPhone(phone, rng_, vars_.slot[kPhone]);
    } else {
      AppendPlainPhone(phone, rng_, vars_.slot[kPhone]);
    }
    vars_.Set(kPhone);
    ad.phones[ad.nphones++] = &phone;
  }
  if (hub) ad.phones[ad.nphones++] = &hub->phone;
  bool stated = !rng_.Chance(0.07);
  if (stated) vars_.Set(kAge);
  ad.age_field = stated && rng_.Chance(0.85);
  bool suffix = stated && rng_.Chance(0.35);

  title_.clear();
  body_.clear();
  uint32_t mask = 0;
  bool free_text = rng_.Chance(0.45) || !has_phone;
  if (free_text) {
    ad.template_id = "free";
    RenderPiece(free_titles_[rng_.Below(free_titles_.size())], title_);
    RenderFreeBody(body_);
    if (has_phone) {
      static const char* const kCall[] = {" Text me ", " Call ", " 📱 ", " Contact: ", " Call or text "};
      body_ += rng_.Pick(kCall);
      body_ += vars_.slot[kPhone];
    }
  } else {
    const Template& tp = TemplateAt(PickTemplate(rng_));
    ad.template_id = tp.id;
    RenderPiece(tp.title, title_);
    RenderBody(tp, body_);
    mask = BodyMask(tp);
  }
  if (spike) {
    ad.event = &kEventPhrases[event_rng_.Below(std::size(kEventPhrases))];
    body_ += ' ';
    body_ += ad.event->text;
  }
  if (suffix) {
    title_ += " - ";
    title_ += vars_.slot[kAge];
    vars_.age_used = true;
  }
  if (handle && !(mask & (1u << kHandle))) {
    body_ += ' ';
    AppendHandleLine(ident, rng_, body_);
  }
  if (email && !(mask & (1u << kEmail))) {
    body_ += " Email: ";
    body_ += ident.email;
  }
  if (hub) {
    body_ += " Bookings: ";
    AppendPlainPhone(hub->phone, rng_, body_);
  }
  Write(ad, posted);
}

void Generator::Write(const AdOut& ad, int64_t posted) {
  ++emitted_;
  if (rng_.Chance(0.04)) Homoglyphs(title_);
  const City& city = kCities[ad.city];
  const char* site = internal::kSites[ad.site];
  char id[32];
  auto id_end = fmt::format_to_n(id, sizeof(id), "syn-{:0{}}", emitted_, id_width_).out;
  std::string_view id_sv(id, id_end - id);

  std::string& o = out_buf_;
  size_t start = o.size();
  o += "{\"id\":\"";
  o += id_sv;
  o += "\",\"source\":\"";
  o += site;
  o += "\",\"url\":\"https://";
  o += site;
  o += ".example/";
  o += city.slug;
  o += "/";
  o += id_sv;
  o += "\",\"title\":\"";
  o += title_;  // title_ and body_ are assembled from escaped pieces
  o += "\",\"body\":\"";
  o += body_;
  o += "\",\"location\":\"";
  o += city.location;
  o += "\",\"posted\":\"";
  AppendDateTime(posted, o);
  o += '"';
  if (ad.age_field) {
    fmt::format_to(std::back_inserter(o), ",\"age\":\"{}\"", ad.age);
  }
  o += "}\n";
  out_bytes_ += o.size() - start;

  if (truth_) {
    bool age_stated = ad.age_field || vars_.age_used;
    std::string& t = truth_buf_;
    t += "{\"id\":\"";
    t += id_sv;
    t += "\",\"network\":";
    if (ad.in_network) {
      t += '"';
      t += ad.network;
      t += '"';
    } else {
      t += "null";
    }
    t += ",\"template\":\"";
    t += ad.template_id;
    t += "\",\"phones\":[";
    for (int i = 0; i < ad.nphones; ++i) {
      if (i) t += ',';
      t += '"';
      AppendE164(*ad.phones[i], t);
      t += '"';
    }
    t += "],\"emails\":[";
    if (ad.email && ad.ident && !ad.ident->email.empty()) {
      t += '"';
      t += ad.ident->email;
      t += '"';
    }
    t += "],\"handles\":[";
    if (ad.handle && ad.ident && !ad.ident->handle.empty()) {
      t += '"';
      t += ad.ident->handle;
      t += '"';
    }
    t += "],\"age\":";
    if (age_stated) {
      fmt::format_to(std::back_inserter(t), "{}", ad.age);
    } else {
      t += "null";
    }
    static const char* const kCountry[] = {"US", "CA", "MX", "GB"};
    t += ",\"city\":\"";
    t += city.name;
    t += "\",\"state\":\"";
    t += city.region;
    t += "\",\"country\":\"";
    t += kCountry[static_cast<int>(city.country)];
    t += "\",\"posted\":\"";
    AppendDateTime(posted, t);
    t += "\",\"spike\":";
    t += ad.spike ? "true" : "false";
    if (ad.event) {
      t += ",\"event_terms\":[";
      for (size_t i = 0; i < std::size(ad.event->terms) && ad.event->terms[i]; ++i) {
        if (i) t += ',';
        t += '"';
        t += ad.event->terms[i];
        t += '"';
      }
      t += ']';
    }
    t += ",\"obfuscated\":";
    t += ad.obfuscated ? "true" : "false";
    t += "}\n";
  }
  FlushIfBig(false);
}

void Generator::FlushIfBig(bool force) {
  constexpr size_t kFlushAt = 1 << 20;
  if (out_buf_.size() >= kFlushAt || (force && !out_buf_.empty())) {
    std::fwrite(out_buf_.data(), 1, out_buf_.size(), out_);
    out_buf_.clear();
  }
  if (truth_ && (truth_buf_.size() >= kFlushAt || (force && !truth_buf_.empty()))) {
    std::fwrite(truth_buf_.data(), 1, truth_buf_.size(), truth_);
    truth_buf_.clear();
  }
}

struct FileCloser {
  void operator()(FILE* f) const {
    if (f && f != stdout) std::fclose(f);
  }
};

core::Result<SynthSummary> Generator::Run() {
  std::unique_ptr<FILE, FileCloser> out_file, truth_file;
  if (opt_.out_path.empty()) {
    return core::Status::Error(core::StatusCode::kInvalidInput, "synth: no output file given; pass --out FILE (or - for stdout)");
  }
  // Plan first so a bad --ads leaves no half-written files behind.
  if (auto st = Plan(); !st.ok()) return st;
  if (opt_.out_path == "-") {
    out_ = stdout;
  } else {
    out_file.reset(std::fopen(opt_.out_path.c_str(), "wb"));
    if (!out_file) {
      return core::Status::Error(core::StatusCode::kIoError,
                                 fmt::format("{}: cannot write ads ({}); check the directory exists and is writable",
                                             opt_.out_path, std::strerror(errno)));
    }
    out_ = out_file.get();
  }
  if (!opt_.truth_path.empty()) {
    truth_file.reset(std::fopen(opt_.truth_path.c_str(), "wb"));
    if (!truth_file) {
      return core::Status::Error(core::StatusCode::kIoError,
                                 fmt::format("{}: cannot write truth ({}); check the directory exists and is writable",
                                             opt_.truth_path, std::strerror(errno)));
    }
    truth_ = truth_file.get();
  }
  out_buf_.reserve(2 << 20);
  truth_buf_.reserve(2 << 20);

  core::ProgressReporter progress("synth", opt_.ads, "ads", opt_.progress);

  // Networks by start day (stable, so ties keep id order).
  std::vector<uint32_t> order(nets_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(),
                   [&](uint32_t a, uint32_t b) { return nets_[a].start_day < nets_[b].start_day; });
  size_t next_net = 0;
  std::vector<NetProfile> active;
  std::vector<Desc> today;
  uint64_t bg_done = 0, spike_done = 0, reported = 0;
  uint32_t seq = 0;
  // Spike ads over the window: 40% / 35% / 25%.
  const double kSpikeShape[kSpikeDays] = {0.40, 0.75, 1.0};

  for (int day = 0; day < kDays; ++day) {
    while (next_net < order.size() && nets_[order[next_net]].start_day == day) {
      active.push_back(MakeProfile(order[next_net++]));
    }
    today.clear();
    for (uint32_t slot = 0; slot < active.size(); ++slot) {
      NetProfile& p = active[slot];
      const NetState& s = nets_[p.id];
      while (p.next_k < s.size &&
             s.start_day + static_cast<int>(static_cast<uint64_t>(p.next_k) * s.duration / s.size) == day) {
        today.push_back({PostedTime(day), 0, slot, p.next_k});
        ++p.next_k;
      }
    }
    uint64_t bg_until = background_ads_ * (day + 1) / kDays;
    for (; bg_done < bg_until; ++bg_done) today.push_back({PostedTime(day), 1, seq++, 0});
    if (day >= spike_day_ && day < spike_day_ + kSpikeDays) {
      uint64_t until = static_cast<uint64_t>(std::llround(spike_ads_ * kSpikeShape[day - spike_day_]));
      for (; spike_done < until; ++spike_done) today.push_back({PostedTime(day), 2, seq++, 0});
    }
    std::sort(today.begin(), today.end());
    for (const Desc& d : today) {
      if (d.kind == 0) {
        EmitNetworkAd(active[d.a], d.b, day, d.posted);
      } else {
        EmitIndependentAd(d.posted, d.kind == 2);
      }
      if (emitted_ - reported >= 4096) {
        progress.Add(emitted_ - reported, emitted_ - reported);
        reported = emitted_;
      }
    }
    std::erase_if(active, [&](const NetProfile& p) { return p.next_k >= nets_[p.id].size; });
  }
  progress.Add(emitted_ - reported, emitted_ - reported);
  progress.Finish();
  FlushIfBig(true);

  if (std::fflush(out_) != 0 || std::ferror(out_)) {
    return core::Status::Error(core::StatusCode::kIoError,
                               fmt::format("{}: write failed ({}); check free disk space", opt_.out_path,
                                           std::strerror(errno)));
  }
  if (truth_ && (std::fflush(truth_) != 0 || std::ferror(truth_))) {
    return core::Status::Error(core::StatusCode::kIoError,
                               fmt::format("{}: write failed ({}); check free disk space", opt_.truth_path,
                                           std::strerror(errno)));
  }
  if (out_file && std::fclose(out_file.release()) != 0) {
    return core::Status::Error(core::StatusCode::kIoError, fmt::format("{}: close failed", opt_.out_path));
  }
  if (truth_file && std::fclose(truth_file.release()) != 0) {
    return core::Status::Error(core::StatusCode::kIoError, fmt::format("{}: close failed", opt_.truth_path));
  }
  if (emitted_ != opt_.ads) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("synth: internal error, wrote {} ads instead of {}", emitted_, opt_.ads));
  }
  SynthSummary summary;
  summary.ads = emitted_;
  summary.networks = nets_.size();
  summary.templates = builtin_.size() + real_.size() + 1;  // + generic free text
  summary.hub_numbers = hubs_.size();
  summary.spike_ads = spike_ads_;
  summary.bytes = out_bytes_;
  return summary;
}

}  // namespace

core::Result<SynthSummary> GenerateCorpus(const SynthOptions& options) {
  if (options.ads == 0 || options.ads > 100'000'000ull) {
    return core::Status::Error(core::StatusCode::kInvalidInput,
                               fmt::format("synth: --ads {} is out of range; use 1 to 100000000", options.ads));
  }
  std::vector<Template> real;
  if (!options.templates_path.empty()) {
    auto r = RealTemplates(options.templates_path, options.seed);
    if (!r.ok()) return r.status();
    real = std::move(r).value();
  }
  auto gen = std::make_unique<Generator>(options, std::move(real));
  return gen->Run();
}

}  // namespace lodestar::synth
