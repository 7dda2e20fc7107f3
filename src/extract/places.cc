#include "extract/places.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstring>

namespace lodestar::extract {

void PlaceFinder::Find(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
                       const std::vector<std::string_view>& location_words,
                       const std::vector<std::string>& context_regions, std::vector<LocationFact>& out) {
  const Gazetteer* gz = gazetteer_;
  if (!gz) return;
  const std::string_view t = norm.text;
  std::vector<Tok>& toks = toks_;
  toks.clear();
  static constexpr auto kWordByte = [] {  // a..z, 0..9, '\'' and every non-ASCII byte
    std::array<bool, 256> w{};
    for (int c = 0; c < 256; ++c) w[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
    return w;
  }();
  auto word_byte = [](char c) { return kWordByte[static_cast<unsigned char>(c)]; };
  for (size_t i = 0; i < t.size();) {
    if (!word_byte(t[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < t.size() && word_byte(t[j])) ++j;
    toks.push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j)});
    i = j;
    if (toks.size() > 20000) break;
  }
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
  std::string key;
  // Which tokens are region names ("oregon", "new york"; abbreviations checked later).
  region_flags_.assign(toks.size(), 0);
  tok_hash_.resize(toks.size());
  for (size_t k = 0; k < toks.size(); ++k) {
    tok_hash_[k] = Gazetteer::Hash(word(k));
    region_flags_[k] = gz->WordClassHashed(word(k), tok_hash_[k]);
  }
  constexpr uint8_t kRegionish = Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix;
  auto is_cue = [](std::string_view pw) {  // asked for every token: compare only words of a cue's length
    switch (pw.size()) {
      case 2: return pw == "in" || pw == "to" || pw == "en" || pw == "de";
      case 4: return pw == "near" || pw == "from";
      case 6: return pw == "around";
      case 7: return pw == "located" || pw == "outside";
      case 8: return pw == "visiting" || pw == "downtown";
      default: return false;
    }
  };
  // A single token occurs as a whole word of the location key iff it equals one of its words.
  auto is_location_word = [&](std::string_view w) {
    return std::find(location_words.begin(), location_words.end(), w) != location_words.end();
  };
  for (size_t i = 0; i < toks.size() && out.size() < 32; ++i) {
    // Only names that could be accepted are looked up in the (large, cache-unfriendly) place index:
    // after a cue word, before a region name, named in the location field, or a major city.
    const bool gate = (i > 0 && is_cue(word(i - 1))) ||
                      (i + 1 < toks.size() && (region_flags_[i + 1] & kRegionish)) ||
                      (i + 2 < toks.size() && (region_flags_[i + 2] & kRegionish)) ||
                      (i + 3 < toks.size() && (region_flags_[i + 3] & kRegionish)) ||
                      (region_flags_[i] & Gazetteer::kWordMajorFirst) ||
                      (toks[i].e - toks[i].b >= 3 && is_location_word(word(i)));
    if (!gate) continue;
    std::span<const GzPlace> range;
    uint32_t any_flags = 0;  // OR of the flags of the places in `range`
    size_t n = 0;
    // Longest name first: 3 words, 2 words, 1 word; multi-word tries only along known prefixes.
    if (!gz->MaybeKnownHashed(tok_hash_[i])) continue;
    key.assign(word(i));
    if (gz->IsPrefix(key) && i + 1 < toks.size() && joinable(i)) {
      key += ' ';
      key += word(i + 1);
      const uint64_t h2 = Gazetteer::Hash(key);
      const bool maybe2 = gz->MaybeKnownHashed(h2);
      if (maybe2 && gz->IsPrefix(key) && i + 2 < toks.size() && joinable(i + 1)) {
        const size_t two = key.size();
        key += ' ';
        key += word(i + 2);
        const uint64_t h = Gazetteer::Hash(key);
        if (gz->MaybeKnownHashed(h)) range = gz->FindHashed(key, h, &any_flags);  // the Bloom filter holds every key
        if (!range.empty()) n = 3;
        else key.resize(two);
      }
      if (range.empty() && maybe2) {
        range = gz->FindHashed(key, h2, &any_flags);
        if (!range.empty()) n = 2;
      }
      if (range.empty()) key.assign(word(i));
    }
    if (range.empty() && key.size() >= 3) {
      range = gz->FindHashed(key, tok_hash_[i], &any_flags);  // key is word(i) again here
      n = 1;
    }
    if (range.empty()) continue;
    const size_t last = i + n - 1;
    // Explicit region after the name: "Portland, OR", "Portland Maine", "Austin Texas".
    const GzRegion* region = nullptr;
    size_t region_end_tok = last;
    if (last + 1 < toks.size()) {
      const std::string_view gap = t.substr(toks[last].e, toks[last + 1].b - toks[last].e);
      if (gap.size() <= 3 && gap.find_first_not_of(" ,-(") == std::string_view::npos) {
        std::string two(word(last + 1));
        if (last + 2 < toks.size()) {
          two += ' ';
          two += word(last + 2);
          if (const GzRegion* r = gz->FindRegion(two); r && !r->is_abbrev) {
            region = r;
            region_end_tok = last + 2;
          }
        }
        if (!region) {
          const GzRegion* r = gz->FindRegion(word(last + 1));
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
    const bool cue = i > 0 && is_cue(word(i - 1));
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
