#include "extract/places.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>
#include <span>

namespace lodestar::extract {

namespace {

constexpr auto kWordByte = [] {  // a..z, 0..9, '\'' and every non-ASCII byte
  std::array<bool, 256> w{};
  for (int c = 0; c < 256; ++c) w[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
  return w;
}();

bool IsCue(std::string_view pw) {  // asked for every token: compare only words of a cue's length
  switch (pw.size()) {
    case 2: return pw == "in" || pw == "to" || pw == "en" || pw == "de";
    case 4: return pw == "near" || pw == "from";
    case 6: return pw == "around";
    case 7: return pw == "located" || pw == "outside";
    case 8: return pw == "visiting" || pw == "downtown";
    default: return false;
  }
}

constexpr size_t kMaxTokens = 20001;  // per field: the rest of a longer text is not searched

// Token flags: the gazetteer's word classes plus these two.
constexpr uint8_t kCue = 0x80, kLocationWord = 0x40;
static_assert(((Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix | Gazetteer::kWordMajorFirst) &
               (kCue | kLocationWord)) == 0);

}  // namespace

void PlaceFinder::Find(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
                       const std::vector<std::string_view>& location_words,
                       const std::vector<std::string>& context_regions, std::vector<LocationFact>& out) {
  const Gazetteer* gz = gazetteer_;
  if (!gz) return;
  const std::string_view t = norm.text;
  // The per-token arrays only grow (a text of n bytes has at most n / 2 + 1 words), so the loop below writes them
  // without size checks; `ntok` is the number of tokens in them.
  const size_t cap = std::min<size_t>(t.size() / 2 + 1, kMaxTokens);
  if (toks_.size() < cap) {
    toks_.resize(cap);
    tok_hash_.resize(cap);
    tok_flags_.resize(cap + 3);
  }
  Tok* const toks = toks_.data();
  uint64_t* const hashes = tok_hash_.data();
  uint8_t* const flags = tok_flags_.data();
  size_t ntok = 0;
  // A token can equal a location word only if that word has 3+ bytes (shorter tokens are not asked); the low bits
  // of their hashes let most tokens skip the comparisons.
  uint64_t location_mask = 0;
  for (std::string_view w : location_words) {
    if (w.size() >= 3) location_mask |= uint64_t{1} << (Gazetteer::Hash(w) & 63);
  }
  // One pass finds each word, hashes it and classifies it. norm.text is a std::string, so t[t.size()] is its
  // terminating '\0', not a word byte: a word's end needs no bounds check.
  const auto* u = reinterpret_cast<const unsigned char*>(t.data());
  for (size_t i = 0, size = t.size();;) {
    while (i < size && !kWordByte[u[i]]) ++i;
    if (i >= size) break;
    size_t j = i;
    uint64_t h = kGzHashSeed;
    do {
      h = GzHashStep(h, u[j]);
      ++j;
    } while (kWordByte[u[j]]);
    h = GzHashFinish(h);
    const std::string_view w(t.data() + i, j - i);
    uint8_t f = gz->WordClassHashed(w, h);
    if (IsCue(w)) f |= kCue;
    if (w.size() >= 3 && ((location_mask >> (h & 63)) & 1) &&
        std::find(location_words.begin(), location_words.end(), w) != location_words.end()) {
      f |= kLocationWord;
    }
    toks[ntok] = {static_cast<uint32_t>(i), static_cast<uint32_t>(j)};
    hashes[ntok] = h;
    flags[ntok] = f;
    i = j;
    if (++ntok == kMaxTokens) break;
  }
  flags[ntok] = flags[ntok + 1] = flags[ntok + 2] = 0;  // so that flags[i + 3] is 0 past the last token
  auto word = [&](size_t k) { return t.substr(toks[k].b, toks[k].e - toks[k].b); };
  auto joinable = [&](size_t k) {  // may toks[k] and toks[k+1] form one name?
    const std::string_view gap = t.substr(toks[k].e, toks[k + 1].b - toks[k].e);
    return gap.size() <= 2 && gap.find_first_not_of(" -.") == std::string_view::npos;
  };
  auto contains_words = [](std::string_view hay, std::string_view needle) {
    for (size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + 1)) {
      const bool left = p == 0 || hay[p - 1] == ' ';
      const bool right = p + needle.size() == hay.size() || hay[p + needle.size()] == ' ';
      if (left && right) return true;
    }
    return false;
  };
  std::string& key_buf = key_;
  constexpr uint8_t kRegionish = Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix;
  for (size_t i = 0; i < ntok && out.size() < 32; ++i) {
    // Only names that could be accepted are looked up in the (large, cache-unfriendly) place index:
    // after a cue word, before a region name, named in the location field, or a major city.
    const bool cue = i > 0 && (flags[i - 1] & kCue);
    const bool gate = cue || ((flags[i + 1] | flags[i + 2] | flags[i + 3]) & kRegionish) ||
                      (flags[i] & (Gazetteer::kWordMajorFirst | kLocationWord));
    if (!gate) continue;
    std::span<const GzPlace> range;
    uint32_t any_flags = 0;  // OR of the flags of the places in `range`
    size_t n = 0;
    // Longest name first: 3 words, 2 words, 1 word; multi-word tries only along known prefixes.
    if (!gz->MaybeKnownHashed(hashes[i])) continue;
    const std::string_view w1 = word(i);
    const Gazetteer::KeyInfo one = gz->LookupHashed(w1, hashes[i]);
    std::string_view key = w1;
    if (one.is_prefix && i + 1 < ntok && joinable(i)) {
      key_buf.assign(w1);
      key_buf += ' ';
      key_buf += word(i + 1);
      const uint64_t h2 = Gazetteer::Hash(key_buf);
      Gazetteer::KeyInfo two;
      const bool maybe2 = gz->MaybeKnownHashed(h2);
      if (maybe2) two = gz->LookupHashed(key_buf, h2);
      if (two.is_prefix && i + 2 < ntok && joinable(i + 1)) {
        const size_t two_size = key_buf.size();
        key_buf += ' ';
        key_buf += word(i + 2);
        const uint64_t h = Gazetteer::Hash(key_buf);
        if (gz->MaybeKnownHashed(h)) {  // the Bloom filter holds every key
          const Gazetteer::KeyInfo three = gz->LookupHashed(key_buf, h);
          range = three.places;
          any_flags = three.any_flags;
        }
        if (!range.empty()) n = 3;
        else key_buf.resize(two_size);
      }
      if (range.empty()) {
        range = two.places;
        any_flags = two.any_flags;
        if (!range.empty()) n = 2;
      }
      if (!range.empty()) key = key_buf;
    }
    if (range.empty() && w1.size() >= 3) {
      range = one.places;
      any_flags = one.any_flags;
      n = 1;
    }
    if (range.empty()) continue;
    const size_t last = i + n - 1;
    // Explicit region after the name: "Portland, OR", "Portland Maine", "Austin Texas".
    const GzRegion* region = nullptr;
    size_t region_end_tok = last;
    if (last + 1 < ntok) {
      const std::string_view gap = t.substr(toks[last].e, toks[last + 1].b - toks[last].e);
      if (gap.size() <= 3 && gap.find_first_not_of(" ,-(") == std::string_view::npos) {
        if (last + 2 < ntok) {
          std::string& two = region_buf_;
          two.assign(word(last + 1));
          two += ' ';
          two += word(last + 2);
          if (const GzRegion* r = gz->FindRegion(two); r && !r->is_abbrev) {
            region = r;
            region_end_tok = last + 2;
          }
        }
        if (!region) {
          const GzRegion* r = gz->FindRegionHashed(word(last + 1), hashes[last + 1]);
          if (r && r->is_abbrev) {
            // "or", "me", "in" are words: an abbreviation needs a comma or capitals in the original.
            const Span s = NormalisedSpan(norm, field, toks[last + 1].b, toks[last + 1].e);
            const bool caps = s.end > s.begin + 1 && std::isupper(static_cast<unsigned char>(orig[s.begin])) &&
                              std::isupper(static_cast<unsigned char>(orig[s.begin + 1]));
            if (gap.find(',') == std::string_view::npos && !caps) r = nullptr;
          }
          if (r) {
            region = r;
            region_end_tok = last + 1;
          }
        }
      }
    }
    const bool major = (any_flags & kPlaceMajor) != 0, common = (any_flags & kPlaceCommonWord) != 0;
    bool explicit_match = false;
    if (region) {  // only then are the places themselves read before one is accepted
      const std::string_view code(region->code, std::strlen(region->code) > 4 ? 4 : std::strlen(region->code));
      for (const auto& p : range) {
        if (std::string_view(p.country, 2) == std::string_view(region->country, 2) && Gazetteer::Admin1(p) == code) {
          explicit_match = true;
          break;
        }
      }
    }
    const bool in_loc_field = !location_key.empty() && contains_words(location_key, key);
    // (A place in a context region was also accepted after a cue when the key had 5+ bytes; any cue with a key of
    // 4+ bytes already is, so that test is left out: it cost a pass over every same-named place.)
    const bool accept = explicit_match || in_loc_field || (!common && (major || (cue && key.size() >= 4)));
    if (!accept) {
      i = last;
      continue;
    }
    // Choose among same-named places.
    const GzPlace* best = nullptr;
    int best_score = -1;
    for (const auto& p : range) {
      int score = 0;
      const std::string_view a1 = Gazetteer::Admin1(p);
      if (region && a1 == std::string_view(region->code) && std::string_view(p.country, 2) == std::string_view(region->country, 2)) {
        score += 8;
      }
      for (const auto& r : context_regions) {
        if (a1 == r && std::string_view(p.country, 2) == "US") score += 4;
      }
      if (p.flags & kPlaceMajor) score += 2;
      if (std::string_view(p.country, 2) == "US") score += 1;
      if (score > best_score) {
        best_score = score;
        best = &p;
      }
    }
    LocationFact loc;
    loc.name.assign(gz->Name(*best));
    loc.admin1.assign(Gazetteer::Admin1(*best));
    loc.country.assign(best->country, 2);
    loc.lat = std::round(best->lat * 1e5) / 1e5;
    loc.lon = std::round(best->lon * 1e5) / 1e5;
    const size_t end_tok = explicit_match ? region_end_tok : last;
    loc.span = NormalisedSpan(norm, field, toks[i].b, toks[end_tok].e);
    loc.confidence = explicit_match ? 0.9f : in_loc_field ? 0.85f : (best_score >= 4 ? 0.75f : major ? 0.7f : 0.5f);
    const bool dup = std::any_of(out.begin(), out.end(), [&](const LocationFact& x) {
      return x.name == loc.name && x.admin1 == loc.admin1 && x.country == loc.country;
    });
    if (!dup) out.push_back(std::move(loc));
    i = end_tok;
  }
}

}  // namespace lodestar::extract
