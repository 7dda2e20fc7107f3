#include "extract/places.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstring>
#include <span>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lodestar::extract {

namespace {

constexpr auto kWordByte = [] {  // a..z, 0..9, '\'' and every non-ASCII byte
  std::array<bool, 256> w{};
  for (int c = 0; c < 256; ++c) w[c] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || c >= 0x80;
  return w;
}();
static_assert(kWordByte['a'] && kWordByte['\''] && kWordByte[0x80] && !kWordByte[' '] && !kWordByte['\0']);

// The words after which a name is looked up (and accepted without a region unless it is a common word).
constexpr std::string_view kCueWords[] = {"in",     "to",      "en",      "de",       "near",    "from",
                                          "around", "located", "outside", "visiting", "downtown"};

// Sets bit k % 64 of bits[k / 64] when byte k of p[0, 64 * nblocks) is a word byte (kWordByte), 16 bytes per step.
void WordByteBits(const unsigned char* p, size_t nblocks, uint64_t* bits) {
#if defined(__SSE2__)
  // A range test is one add and one signed compare: the add moves the range to the bottom of the signed bytes
  // (-128 up), where "less than -128 + its size" holds for exactly its bytes. A byte >= 0x80 has its top bit set
  // already, which is all _mm_movemask_epi8 reads, so it joins the mask as it is.
  const __m128i lower_shift = _mm_set1_epi8(static_cast<char>(0x80 - 'a'));
  const __m128i lower_end = _mm_set1_epi8(static_cast<char>(-128 + 26));
  const __m128i digit_shift = _mm_set1_epi8(static_cast<char>(0x80 - '0'));
  const __m128i digit_end = _mm_set1_epi8(static_cast<char>(-128 + 10));
  const __m128i quote = _mm_set1_epi8('\'');
  auto word16 = [&](const unsigned char* q) -> uint64_t {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i is_lower = _mm_cmplt_epi8(_mm_add_epi8(x, lower_shift), lower_end);
    const __m128i is_digit = _mm_cmplt_epi8(_mm_add_epi8(x, digit_shift), digit_end);
    const __m128i m = _mm_or_si128(_mm_or_si128(is_lower, is_digit), _mm_or_si128(_mm_cmpeq_epi8(x, quote), x));
    return static_cast<uint16_t>(_mm_movemask_epi8(m));
  };
  for (size_t b = 0; b < nblocks; ++b) {
    const unsigned char* q = p + 64 * b;
    bits[b] = word16(q) | word16(q + 16) << 16 | word16(q + 32) << 32 | word16(q + 48) << 48;
  }
#else
  for (size_t b = 0; b < nblocks; ++b) {
    uint64_t w = 0;
    for (int k = 0; k < 64; ++k) w |= uint64_t{kWordByte[p[64 * b + k]]} << k;
    bits[b] = w;
  }
#endif
}

// The class table's slot of a word is the top bits of prefix * kFilterMul, where `prefix` is the word's first eight
// bytes as GzHashPadded reads them; the top six bits also pick its location-mask bit.
constexpr uint64_t kFilterMul = 0x9fb21c651e98df25ull;

uint64_t PrefixOf(std::string_view w) {
  char b[8] = {};
  std::memcpy(b, w.data(), std::min<size_t>(w.size(), 8));
  return gz_hash_internal::Load8(b);
}

// kPrefixMask[n]: the first min(n, 8) bytes of a uint64_t in memory order, for every length a word's end found
// inside one 64-byte block can give (so the hot loop indexes it without clamping n).
constexpr auto kPrefixMask = [] {
  std::array<uint64_t, 65> m{};
  for (size_t n = 0; n < m.size(); ++n) m[n] = gz_hash_internal::kFirstBytesMask[n < 8 ? n : 8];
  return m;
}();

constexpr size_t kMaxTokens = 20001;  // per field: the rest of a longer text is not searched
constexpr size_t kPadding = 16;       // zero bytes after the copy of the text

// Token flags: the gazetteer's word classes plus these. kLongPrefix marks a class table slot whose prefix
// starts some classed word of more than eight bytes.
// kTaken is set in every taken slot of the class table (so that a taken slot's flags are never zero) and cleared
// from a token's flags.
constexpr uint8_t kCue = 0x80, kLocationWord = 0x40, kLongPrefix = 0x20, kTaken = 0x10;
static_assert(((Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix | Gazetteer::kWordMajorFirst) &
               (kCue | kLocationWord | kLongPrefix | kTaken)) == 0);


// Steps of Find that its fast paths do not touch, shared with FindReference. The token type is a template
// parameter only because PlaceFinder::Tok is private; both callers pass it.

// The region right after the name ending at token `last` ("Portland, OR", "Portland Maine", "Austin Texas"), where
// token last + 1 < ntok may start one; sets `region_end_tok` to its last token.
template <typename TokT>
const GzRegion* ExplicitRegion(const Gazetteer& gz, const NormText& norm, std::string_view orig, const char* field,
                               const TokT* toks, size_t last, size_t ntok, std::string& buf,
                               size_t& region_end_tok) {
  const std::string_view t = norm.text;
  auto word = [&](size_t k) { return t.substr(toks[k].b, toks[k].e - toks[k].b); };
  const std::string_view gap = t.substr(toks[last].e, toks[last + 1].b - toks[last].e);
  if (gap.size() > 3 || gap.find_first_not_of(" ,-(") != std::string_view::npos) return nullptr;
  if (last + 2 < ntok) {
    buf.assign(word(last + 1));
    buf += ' ';
    buf += word(last + 2);
    if (const GzRegion* r = gz.FindRegion(buf); r && !r->is_abbrev) {
      region_end_tok = last + 2;
      return r;
    }
  }
  const GzRegion* r = gz.FindRegion(word(last + 1));
  if (r && r->is_abbrev) {
    // "or", "me", "in" are words: an abbreviation needs a comma or capitals in the original.
    const Span s = NormalisedSpan(norm, field, toks[last + 1].b, toks[last + 1].e);
    const bool caps = s.end > s.begin + 1 && std::isupper(static_cast<unsigned char>(orig[s.begin])) &&
                      std::isupper(static_cast<unsigned char>(orig[s.begin + 1]));
    if (gap.find(',') == std::string_view::npos && !caps) r = nullptr;
  }
  if (r) region_end_tok = last + 1;
  return r;
}

// Whether one of `range` lies in `region` (its code read as at most four bytes).
bool HasPlaceIn(std::span<const GzPlace> range, const GzRegion& region) {
  const std::string_view code(region.code, std::strlen(region.code) > 4 ? 4 : std::strlen(region.code));
  for (const auto& p : range) {
    if (std::string_view(p.country, 2) == std::string_view(region.country, 2) && Gazetteer::Admin1(p) == code) {
      return true;
    }
  }
  return false;
}

// Whether `needle` occurs in `hay` between spaces or its ends. Only the offsets after a space can match, and
// both strings are short (a location key, a place key), so the bytes are compared in place: a library search
// costs more in calls than it saves.
bool ContainsWords(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  const size_t n = needle.size(), last = hay.size() - n;
  for (size_t p = 0; p <= last; ++p) {
    if (p > 0 && hay[p - 1] != ' ') continue;
    size_t k = 0;
    while (k < n && hay[p + k] == needle[k]) ++k;
    if (k == n && (p == last || hay[p + n] == ' ')) return true;
  }
  return false;
}

// Appends `best`, found at normalised bytes [b, e), to `out` unless a place with its name, region and country is
// there already (checked before the fact is built, which most calls skip).
void AppendPlace(const Gazetteer& gz, const NormText& norm, const char* field, const GzPlace& best, size_t b,
                 size_t e, float confidence, std::vector<LocationFact>& out) {
  const std::string_view name = gz.Name(best), admin1 = Gazetteer::Admin1(best), country(best.country, 2);
  const bool dup = std::any_of(out.begin(), out.end(), [&](const LocationFact& x) {
    return x.name == name && x.admin1 == admin1 && x.country == country;
  });
  if (dup) return;
  LocationFact& loc = out.emplace_back();
  loc.name.assign(name);
  loc.admin1.assign(admin1);
  loc.country.assign(country);
  loc.lat = std::round(best.lat * 1e5) / 1e5;
  loc.lon = std::round(best.lon * 1e5) / 1e5;
  loc.span = NormalisedSpan(norm, field, b, e);
  loc.confidence = confidence;
}

}  // namespace

PlaceFinder::PlaceFinder(const Gazetteer* gazetteer) : gazetteer_(gazetteer) {
  if (!gazetteer_) return;
  const std::vector<std::string_view> words = gazetteer_->ClassedWords();
  const size_t slots = size_t{1} << kClassBits;
  if (words.size() > MaxClassedWords()) {
    throw std::length_error("PlaceFinder: the gazetteer has more classed words than the class table takes");
  }
  class_keys_.assign(slots, 0);
  class_flags_.assign(slots, 0);
  word_cache_.assign(size_t{1} << kWordCacheBits, CachedWord{});
  auto add = [&](std::string_view w, uint8_t flags) {
    if (w.empty()) return;
    const uint64_t prefix = PrefixOf(w);
    const size_t s = ClassSlot(prefix);
    class_keys_[s] = prefix;
    class_flags_[s] |= kTaken | (w.size() > 8 ? kLongPrefix : flags);
  };
  for (std::string_view w : words) add(w, gazetteer_->WordClass(w));
  for (std::string_view w : kCueWords) add(w, gazetteer_->WordClass(w) | kCue);
}

// The table is at most an eighth full (the hot loop relies on most home slots being empty).
size_t PlaceFinder::MaxClassedWords() {
  return (size_t{1} << kClassBits) / 8 - std::size(kCueWords) - kMaxTableLocationWords;
}

size_t PlaceFinder::ClassSlot(uint64_t prefix) const {
  size_t s = (prefix * kFilterMul) >> (64 - kClassBits);
  while (class_keys_[s] != 0 && class_keys_[s] != prefix) s = (s + 1) & (class_keys_.size() - 1);
  return s;
}

// The hot loop, over every word of the text: finds the word in the bitmap of word bytes (it starts at a set bit
// after a clear one and ends at the next clear bit, in the same block unless the word runs past it) and reads the
// class table's flags byte at its home slot. Nearly every word finds that slot empty and so is no classed word,
// cue or location word (with linear probing a key is never stored past an empty home slot); the rest are listed
// for a second pass that probes the keys. The loop reads only locals, so that its stores do not make the compiler
// reload them. Returns the number of tokens (at most kMaxTokens; the tokens of the block where that is reached are
// written but not counted, and hits among them are listed after the counted ones).
template <bool kUseMask>
size_t PlaceFinder::TokenizeAndClassify(const char* pad, size_t nblocks, uint64_t location_mask, size_t& nhits) {
  const uint64_t* const bits = word_bits_.data();
  Tok* const toks = toks_.data();
  uint32_t* const hits = hit_toks_.data();
  const uint8_t* const taken = class_flags_.data();
  size_t n = 0, nh = 0;
  uint64_t carry = 0;  // the last bit of the previous block
  for (size_t b = 0; b < nblocks && n < kMaxTokens; ++b) {
    const uint64_t w = bits[b];
    uint64_t starts = w & ~((w << 1) | carry);
    carry = w >> 63;
    for (; starts != 0; starts &= starts - 1) {
      const uint32_t at = static_cast<uint32_t>(std::countr_zero(starts));
      const uint32_t begin = static_cast<uint32_t>(64 * b) + at;
      const uint64_t rest = ~w >> at;  // clear bits from the word's start on; zero if it runs past the block
      uint32_t end;
      uint32_t masked;  // an index of kPrefixMask that gives the word's first min(length, 8) bytes
      if (rest != 0) {
        masked = static_cast<uint32_t>(std::countr_zero(rest));
        end = begin + masked;
      } else {  // the padding's zero bytes end every word before the last block does
        size_t c = b + 1;
        while (bits[c] == ~uint64_t{0}) ++c;
        end = static_cast<uint32_t>(64 * c) + std::countr_zero(~bits[c]);
        masked = std::min<uint32_t>(end - begin, 8);
      }
      toks[n] = {begin, end};
      const uint64_t mixed = (gz_hash_internal::Load8(pad + begin) & kPrefixMask[masked]) * kFilterMul;
      bool maybe = taken[mixed >> (64 - kClassBits)] != 0;
      if constexpr (kUseMask) maybe |= ((location_mask >> (mixed >> 58)) & 1) != 0;
      if (maybe) hits[nh++] = static_cast<uint32_t>(n);
      ++n;
    }
  }
  nhits = nh;
  return std::min(n, kMaxTokens);
}

Gazetteer::KeyInfo PlaceFinder::LookupUncached(const char* w, size_t len) const {
  const uint64_t h = GzHashPadded(w, len);
  return gazetteer_->MaybeKnownHashed(h) ? gazetteer_->LookupHashed(std::string_view(w, len), h)
                                         : Gazetteer::KeyInfo{};
}

// Inline: most calls are answered by the cache in a few instructions, fewer than a call costs.
inline const Gazetteer::KeyInfo& PlaceFinder::LookupWord(const char* w, size_t len) {
  if (len > 8) {
    long_word_info_ = LookupUncached(w, len);
    return long_word_info_;
  }
  const uint64_t prefix = gz_hash_internal::FirstBytes(gz_hash_internal::Load8(w), len);
  CachedWord& c = word_cache_[(prefix * kFilterMul) >> (64 - kWordCacheBits)];
  if (c.prefix != prefix) c = {prefix, LookupUncached(w, len)};
  return c.info;
}

void PlaceFinder::Find(const NormText& norm, std::string_view orig, const char* field, std::string_view location_key,
                       const std::vector<std::string_view>& location_words,
                       const std::vector<std::string>& context_regions, std::vector<LocationFact>& out) {
  const Gazetteer* gz = gazetteer_;
  if (!gz) return;
  const std::string_view t = norm.text;
  // Location words (3+ bytes; shorter tokens are not asked) join the class table for the first pass below; where
  // there are too many for it, a token can equal one only if the top bits of prefix * kFilterMul agree.
  size_t nlocation = 0;
  uint64_t location_mask = 0;
  for (std::string_view w : location_words) {
    if (w.size() < 3) continue;
    ++nlocation;
    location_mask |= uint64_t{1} << ((PrefixOf(w) * kFilterMul) >> 58);
  }
  const bool use_mask = nlocation > kMaxTableLocationWords;
  // Words are found in a bitmap of word bytes: a word starts at a set bit after a clear one and ends at the next
  // clear bit. The text is read from a copy padded with zeros ('\0' is not a word byte) to whole 64-byte blocks
  // plus one block more, so the last word's end is in the bitmap and a word's first eight bytes are one load.
  const size_t nblocks = t.size() / 64 + 1;
  // The buffers only grow (a shrink and regrow would fill them twice), and only their first bytes are used.
  const size_t padded_size = 64 * nblocks + kPadding;
  if (padded_.size() < padded_size) padded_.resize(padded_size);
  std::memcpy(padded_.data(), t.data(), t.size());
  std::memset(padded_.data() + t.size(), 0, padded_size - t.size());
  const char* const pad = padded_.data();
  if (word_bits_.size() < nblocks) word_bits_.resize(nblocks);
  WordByteBits(reinterpret_cast<const unsigned char*>(pad), nblocks, word_bits_.data());
  // The per-token arrays only grow (a text of n bytes has at most n / 2 + 1 words), so the loops below write them
  // without size checks.
  const size_t cap = t.size() / 2 + 1;
  if (toks_.size() < cap) {
    toks_.resize(cap);
    hit_toks_.resize(cap);
  }
  // Each word classified, in two passes: the first, for every token, finds it and reads the class table's flags
  // byte; the second, only for the few tokens listed by the first, probes the table, confirms the flags and marks
  // gates. A token is a gate (looked up in the place index) only where a name could be accepted: after a cue word,
  // before a region name (within three tokens), named in the location field, or the first word of a major city.
  constexpr uint8_t kRegionish = Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix;
  size_t ntok, nhits;
  if (!use_mask) {
    // The slots are restored right after (nothing in between can throw), so the table holds only the fixed words
    // between calls.
    saved_slots_.clear();
    for (std::string_view w : location_words) {
      if (w.size() < 3) continue;
      const uint64_t prefix = PrefixOf(w);
      const size_t s = ClassSlot(prefix);
      saved_slots_.push_back({s, class_keys_[s], class_flags_[s]});
      class_keys_[s] = prefix;
      class_flags_[s] |= kTaken | kLocationWord;
    }
  }
  ntok = use_mask ? TokenizeAndClassify<true>(pad, nblocks, location_mask, nhits)
                  : TokenizeAndClassify<false>(pad, nblocks, 0, nhits);
  const Tok* const toks = toks_.data();
  const size_t gate_words = ntok / 64 + 1;  // bit ntok (after a final cue) is set but never read
  if (gate_bits_.size() < gate_words) {
    gate_bits_.resize(gate_words);
    after_cue_bits_.resize(gate_words);
    regionish_bits_.resize(gate_words);
  }
  uint64_t* const gates = gate_bits_.data();
  uint64_t* const after_cue = after_cue_bits_.data();
  uint64_t* const regionish = regionish_bits_.data();
  std::fill_n(gates, gate_words, 0);
  std::fill_n(after_cue, gate_words, 0);
  std::fill_n(regionish, gate_words, 0);
  auto set_bit = [](uint64_t* bits, size_t k) { bits[k >> 6] |= uint64_t{1} << (k & 63); };
  auto bit = [](const uint64_t* bits, size_t k) { return ((bits[k >> 6] >> (k & 63)) & 1) != 0; };
  const size_t class_mask = class_keys_.size() - 1;
  for (size_t h = 0; h < nhits; ++h) {
    const size_t k = hit_toks_[h];
    if (k >= ntok) break;  // listed in token order
    const size_t len = toks[k].e - toks[k].b;
    const std::string_view w(pad + toks[k].b, len);
    const uint64_t prefix = gz_hash_internal::FirstBytes(gz_hash_internal::Load8(w.data()), len);
    const uint64_t mixed = prefix * kFilterMul;
    uint8_t f = 0;
    for (size_t s = mixed >> (64 - kClassBits);; s = (s + 1) & class_mask) {
      const uint64_t key = class_keys_[s];
      if (key == prefix) {
        f = class_flags_[s] & ~kTaken;
        break;
      }
      if (key == 0) break;
    }
    if (use_mask && ((location_mask >> (mixed >> 58)) & 1)) f |= kLocationWord;
    if (len > 8) {  // the slot's word classes are those of the eight-byte word
      f = (f & kLocationWord) |
          ((f & kLongPrefix) ? gz->WordClassHashed(w, GzHashPadded(w.data(), len)) : uint8_t{0});
    } else {
      f &= ~kLongPrefix;
    }
    if ((f & kLocationWord) &&
        (len < 3 || std::find(location_words.begin(), location_words.end(), w) == location_words.end())) {
      f &= ~kLocationWord;
    }
    if (f & kCue) {
      set_bit(after_cue, k + 1);
      set_bit(gates, k + 1);
    }
    if (f & kRegionish) {
      set_bit(regionish, k);
      for (size_t back = 1; back <= 3 && back <= k; ++back) set_bit(gates, k - back);
    }
    if (f & (Gazetteer::kWordMajorFirst | kLocationWord)) set_bit(gates, k);
  }
  if (!use_mask) {
    for (auto it = saved_slots_.rbegin(); it != saved_slots_.rend(); ++it) {
      class_keys_[it->slot] = it->key;
      class_flags_[it->slot] = it->flags;
    }
  }
  // The first gate at or after token k, or ntok.
  auto next_gate = [&](size_t k) {
    size_t g = k >> 6;
    if (g >= gate_words) return ntok;
    uint64_t bits = gates[g] & (~uint64_t{0} << (k & 63));
    while (bits == 0) {
      if (++g == gate_words) return ntok;
      bits = gates[g];
    }
    return std::min(ntok, 64 * g + std::countr_zero(bits));
  };
  auto word = [&](size_t k) { return std::string_view(t.data() + toks[k].b, toks[k].e - toks[k].b); };
  auto joinable = [&](size_t k) {  // may toks[k] and toks[k+1] form one name?
    const size_t gap = toks[k + 1].b - toks[k].e;
    auto joiner = [](char c) { return c == ' ' || c == '-' || c == '.'; };
    return gap <= 2 && joiner(t[toks[k].e]) && (gap == 1 || joiner(t[toks[k].e + 1]));
  };
  // The key of tokens k..k+n-1 joined by single spaces, with its hash: a view of the text where they already are
  // so joined, else built in `buf`.
  auto ngram = [&](size_t k, size_t n, std::string& buf, uint64_t& hash) -> std::string_view {
    bool contiguous = true;
    for (size_t m = k; m + 1 < k + n; ++m) contiguous &= toks[m + 1].b == toks[m].e + 1 && t[toks[m].e] == ' ';
    if (contiguous) {
      const size_t len = toks[k + n - 1].e - toks[k].b;
      hash = GzHashPadded(pad + toks[k].b, len);
      return t.substr(toks[k].b, len);
    }
    buf.assign(word(k));
    for (size_t m = k + 1; m < k + n; ++m) {
      buf += ' ';
      buf += word(m);
    }
    hash = Gazetteer::Hash(buf);
    return buf;
  };
  bool packed = false;  // packed_regions_ holds this call's context regions
  for (size_t i = 0; i < ntok && out.size() < 32; ++i) {
    // Only names that could be accepted are looked up in the (large, cache-unfriendly) place index.
    i = next_gate(i);
    if (i >= ntok) break;
    const bool cue = i > 0 && bit(after_cue, i);
    std::span<const GzPlace> range;
    uint32_t any_flags = 0;  // OR of the flags of the places in `range`
    size_t n = 0;
    // Longest name first: 3 words, 2 words, 1 word; multi-word tries only along known prefixes.
    const std::string_view w1 = word(i);
    const Gazetteer::KeyInfo& one = LookupWord(pad + toks[i].b, w1.size());
    if (one.places.empty() && !one.is_prefix) continue;
    std::string_view key = w1;
    if (one.is_prefix && i + 1 < ntok && joinable(i)) {
      uint64_t h2;
      const std::string_view key2 = ngram(i, 2, key_, h2);
      Gazetteer::KeyInfo two;
      if (gz->MaybeKnownHashed(h2)) two = gz->LookupHashed(key2, h2);
      if (two.is_prefix && i + 2 < ntok && joinable(i + 1)) {
        uint64_t h3;
        const std::string_view key3 = ngram(i, 3, key3_, h3);
        if (gz->MaybeKnownHashed(h3)) {  // the Bloom filter holds every key
          const Gazetteer::KeyInfo three = gz->LookupHashed(key3, h3);
          range = three.places;
          any_flags = three.any_flags;
        }
        if (!range.empty()) {
          n = 3;
          key = key3;
        }
      }
      if (range.empty()) {
        range = two.places;
        any_flags = two.any_flags;
        if (!range.empty()) {
          n = 2;
          key = key2;
        }
      }
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
    if (last + 1 < ntok && bit(regionish, last + 1)) {  // a region's first word has a word class
      region = ExplicitRegion(*gz, norm, orig, field, toks, last, ntok, region_buf_, region_end_tok);
    }
    const bool major = (any_flags & kPlaceMajor) != 0, common = (any_flags & kPlaceCommonWord) != 0;
    const bool explicit_match = region && HasPlaceIn(range, *region);
    const bool in_loc_field = !location_key.empty() && ContainsWords(location_key, key);
    // (A place in a context region was also accepted after a cue when the key had 5+ bytes; any cue with a key of
    // 4+ bytes already is, so that test is left out: it cost a pass over every same-named place.)
    const bool accept = explicit_match || in_loc_field || (!common && (major || (cue && key.size() >= 4)));
    if (!accept) {
      i = last;
      continue;
    }
    if (!packed) {
      PackRegions(context_regions);
      packed = true;
    }
    // Choose among same-named places.
    const GzPlace* best = nullptr;
    int best_score = -1;
    for (const auto& p : range) {
      const bool us = p.country[0] == 'U' && p.country[1] == 'S';
      int score = 0;
      if (region && Gazetteer::Admin1(p) == std::string_view(region->code) &&
          std::string_view(p.country, 2) == std::string_view(region->country, 2)) {
        score += 8;
      }
      if (us) {
        const uint64_t admin1 = gz_hash_internal::Load8(p.admin1);
        for (const PackedRegion& r : packed_regions_) score += (admin1 & r.mask) == r.bytes ? 4 : 0;
      }
      if (p.flags & kPlaceMajor) score += 2;
      if (us) score += 1;
      if (score > best_score) {
        best_score = score;
        best = &p;
      }
    }
    const size_t end_tok = explicit_match ? region_end_tok : last;
    AppendPlace(*gz, norm, field, *best, toks[i].b, toks[end_tok].e,
                explicit_match ? 0.9f : in_loc_field ? 0.85f : (best_score >= 4 ? 0.75f : major ? 0.7f : 0.5f), out);
    i = end_tok;
  }
}

void PlaceFinder::PackRegions(const std::vector<std::string>& context_regions) {
  packed_regions_.clear();
  for (const std::string& r : context_regions) {
    // Admin1 reads up to eight bytes and stops at a zero byte, so it never equals a longer region or one with a
    // zero byte. Region codes are a few bytes: packed byte by byte.
    if (r.size() > 8) continue;
    uint64_t bytes = 0;
    bool has_zero = false;
    for (size_t k = 0; k < r.size(); ++k) {
      const unsigned char c = static_cast<unsigned char>(r[k]);
      has_zero |= c == 0;
      bytes |= uint64_t{c} << (std::endian::native == std::endian::little ? 8 * k : 56 - 8 * k);
    }
    if (!has_zero) packed_regions_.push_back({bytes, gz_hash_internal::FirstBytes(~uint64_t{0}, r.size() + 1)});
  }
}

void PlaceFinder::FindReference(const NormText& norm, std::string_view orig, const char* field,
                                std::string_view location_key, const std::vector<std::string_view>& location_words,
                                const std::vector<std::string>& context_regions,
                                std::vector<LocationFact>& out) const {
  const Gazetteer* gz = gazetteer_;
  if (!gz) return;
  const std::string_view t = norm.text;
  std::vector<Tok> toks;
  for (size_t p = 0; p < t.size();) {
    if (!kWordByte[static_cast<unsigned char>(t[p])]) {
      ++p;
      continue;
    }
    size_t e = p;
    while (e < t.size() && kWordByte[static_cast<unsigned char>(t[e])]) ++e;
    toks.push_back({static_cast<uint32_t>(p), static_cast<uint32_t>(e)});
    p = e;
  }
  if (toks.size() > kMaxTokens) toks.resize(kMaxTokens);
  const size_t ntok = toks.size();
  auto word = [&](size_t k) { return t.substr(toks[k].b, toks[k].e - toks[k].b); };
  constexpr uint8_t kRegionish = Gazetteer::kWordRegion | Gazetteer::kWordRegionPrefix;
  std::vector<uint8_t> flags(ntok + 1, 0);
  std::vector<bool> gate(ntok + 1, false);
  for (size_t k = 0; k < ntok; ++k) {
    const std::string_view w = word(k);
    uint8_t f = gz->WordClass(w);
    if (std::find(std::begin(kCueWords), std::end(kCueWords), w) != std::end(kCueWords)) f |= kCue;
    if (w.size() >= 3 && std::find(location_words.begin(), location_words.end(), w) != location_words.end()) {
      f |= kLocationWord;
    }
    flags[k] = f;
    if (f & kCue) gate[k + 1] = true;
    if (f & kRegionish) {
      for (size_t back = 1; back <= 3 && back <= k; ++back) gate[k - back] = true;
    }
    if (f & (Gazetteer::kWordMajorFirst | kLocationWord)) gate[k] = true;
  }
  auto lookup = [&](std::string_view key) { return gz->LookupHashed(key, Gazetteer::Hash(key)); };
  auto joinable = [&](size_t k) {
    const size_t gap = toks[k + 1].b - toks[k].e;
    auto joiner = [](char c) { return c == ' ' || c == '-' || c == '.'; };
    return gap <= 2 && joiner(t[toks[k].e]) && (gap == 1 || joiner(t[toks[k].e + 1]));
  };
  auto ngram = [&](size_t k, size_t n) {
    std::string key(word(k));
    for (size_t m = k + 1; m < k + n; ++m) {
      key += ' ';
      key += word(m);
    }
    return key;
  };
  std::string region_buf;
  for (size_t i = 0; i < ntok && out.size() < 32; ++i) {
    if (!gate[i]) continue;
    const bool cue = i > 0 && (flags[i - 1] & kCue);
    const std::string_view w1 = word(i);
    const Gazetteer::KeyInfo one = lookup(w1);
    if (one.places.empty() && !one.is_prefix) continue;
    std::span<const GzPlace> range;
    uint32_t any_flags = 0;
    size_t n = 0;
    std::string key(w1);
    if (one.is_prefix && i + 1 < ntok && joinable(i)) {
      const std::string key2 = ngram(i, 2);
      const Gazetteer::KeyInfo two = lookup(key2);
      if (two.is_prefix && i + 2 < ntok && joinable(i + 1)) {
        const std::string key3 = ngram(i, 3);
        const Gazetteer::KeyInfo three = lookup(key3);
        if (!three.places.empty()) {
          range = three.places;
          any_flags = three.any_flags;
          n = 3;
          key = key3;
        }
      }
      if (range.empty() && !two.places.empty()) {
        range = two.places;
        any_flags = two.any_flags;
        n = 2;
        key = key2;
      }
    }
    if (range.empty() && w1.size() >= 3) {
      range = one.places;
      any_flags = one.any_flags;
      n = 1;
    }
    if (range.empty()) continue;
    const size_t last = i + n - 1;
    const GzRegion* region = nullptr;
    size_t region_end_tok = last;
    if (last + 1 < ntok && (flags[last + 1] & kRegionish)) {
      region = ExplicitRegion(*gz, norm, orig, field, toks.data(), last, ntok, region_buf, region_end_tok);
    }
    const bool major = (any_flags & kPlaceMajor) != 0, common = (any_flags & kPlaceCommonWord) != 0;
    const bool explicit_match = region && HasPlaceIn(range, *region);
    const bool in_loc_field = !location_key.empty() && ContainsWords(location_key, key);
    const bool accept = explicit_match || in_loc_field || (!common && (major || (cue && key.size() >= 4)));
    if (!accept) {
      i = last;
      continue;
    }
    const GzPlace* best = nullptr;
    int best_score = -1;
    for (const auto& p : range) {
      int score = 0;
      const std::string_view a1 = Gazetteer::Admin1(p);
      const std::string_view country(p.country, 2);
      if (region && a1 == std::string_view(region->code) && country == std::string_view(region->country, 2)) {
        score += 8;
      }
      for (const auto& r : context_regions) {
        if (a1 == r && country == "US") score += 4;
      }
      if (p.flags & kPlaceMajor) score += 2;
      if (country == "US") score += 1;
      if (score > best_score) {
        best_score = score;
        best = &p;
      }
    }
    const size_t end_tok = explicit_match ? region_end_tok : last;
    AppendPlace(*gz, norm, field, *best, toks[i].b, toks[end_tok].e,
                explicit_match ? 0.9f : in_loc_field ? 0.85f : (best_score >= 4 ? 0.75f : major ? 0.7f : 0.5f), out);
    i = end_tok;
  }
}

}  // namespace lodestar::extract
