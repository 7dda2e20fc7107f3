#include "extract/gazetteer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "extract/normalize.h"

namespace lodestar::extract {

std::string GazetteerKey(std::string_view name) {
  NormText norm;
  Normalize(name, norm);
  std::string key;
  key.reserve(norm.text.size());
  for (char c : norm.text) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'' || static_cast<unsigned char>(c) >= 0x80;
    if (word) {
      key += c;
    } else if (!key.empty() && key.back() != ' ') {
      key += ' ';
    }
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

namespace {

// The length of the longest common prefix of a and b, eight bytes at a time: both may be read eight bytes past
// their ends.
size_t CommonPrefixPadded(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t k = 0; k < n; k += 8) {
    const uint64_t diff = gz_hash_internal::Load8(a.data() + k) ^ gz_hash_internal::Load8(b.data() + k);
    if (diff != 0) {
      const int bit = std::endian::native == std::endian::little ? std::countr_zero(diff) : std::countl_zero(diff);
      return std::min(n, k + static_cast<size_t>(bit) / 8);
    }
  }
  return n;
}

}  // namespace

core::Result<std::unique_ptr<Gazetteer>> Gazetteer::Load(const std::string& path) {
  auto fail = [&](const std::string& why) {
    return core::Status::Error(core::StatusCode::kCorrupt,
                               path + ": " + why + "; rebuild it (ninja lodestar_gazetteer) or unset LODESTAR_GAZETTEER");
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return core::Status::Error(core::StatusCode::kNotFound, path + ": gazetteer not found; build target lodestar_gazetteer");
  }
  auto g = std::unique_ptr<Gazetteer>(new Gazetteer());
  in.seekg(0, std::ios::end);
  const auto size = static_cast<size_t>(in.tellg());
  in.seekg(0);
  // Zero bytes after the file, so that the keys in the pool (its last section) hash with GzHashPadded.
  g->data_.resize(size + kDataPadding);
  if (!in.read(g->data_.data(), static_cast<std::streamsize>(size))) return fail("read failed");
  if (size < sizeof(GzHeader)) return fail("truncated header");
  GzHeader h;
  std::memcpy(&h, g->data_.data(), sizeof h);
  if (std::memcmp(h.magic, kGazetteerMagic, 4) != 0) return fail("not a Lodestar gazetteer");
  const size_t need = sizeof h + size_t{h.n_places} * sizeof(GzPlace) + size_t{h.n_regions} * sizeof(GzRegion) +
                      size_t{h.n_area_codes} * sizeof(GzAreaCode) + h.pool_size;
  if (need != size) return fail("size mismatch");
  const char* p = g->data_.data() + sizeof h;
  g->places_ = {reinterpret_cast<const GzPlace*>(p), h.n_places};
  p += size_t{h.n_places} * sizeof(GzPlace);
  g->regions_ = {reinterpret_cast<const GzRegion*>(p), h.n_regions};
  p += size_t{h.n_regions} * sizeof(GzRegion);
  g->area_codes_ = {reinterpret_cast<const GzAreaCode*>(p), h.n_area_codes};
  p += size_t{h.n_area_codes} * sizeof(GzAreaCode);
  g->pool_ = p;
  // Word classes and regions are collected in plain maps first: a few hundred words, at load time only.
  std::unordered_map<std::string_view, uint8_t> word_class;
  for (const auto& r : g->regions_) {
    if (size_t{r.key_off} + r.key_len > h.pool_size) return fail("string offset out of range");
    const std::string_view rk = g->Key(r);
    if (rk.find(' ') != std::string_view::npos) word_class[rk.substr(0, rk.find(' '))] |= kWordRegionPrefix;
    else word_class[rk] |= kWordRegion;
  }
  size_t slots = 16;
  while (slots < 4 * g->regions_.size()) slots *= 2;
  g->region_slots_.assign(slots, RegionSlot{0, 0});
  g->region_mask_ = slots - 1;
  for (uint32_t r = 0; r < g->regions_.size(); ++r) {
    const std::string_view rk = g->Key(g->regions_[r]);
    const uint64_t hash = CheapHash(rk);
    for (uint64_t i = hash & g->region_mask_;; i = (i + 1) & g->region_mask_) {
      RegionSlot& s = g->region_slots_[i];
      if (s.region == 0) {
        s = RegionSlot{hash, r + 1};
        break;
      }
      if (s.hash == hash && g->Key(g->regions_[s.region - 1]) == rk) break;  // the first region with a key wins
    }
  }
  slots = 16;
  while (slots < 2 * g->places_.size()) slots *= 2;
  g->index_.assign(slots, KeyRange{0, 0, 0, 0, 0, 0});
  g->index_mask_ = slots - 1;
  size_t used = 0;
  g->bloom_.assign(kBloomBits / 64, 0);
  auto insert = [&](std::string_view key, uint32_t place, uint8_t kind) -> KeyRange* {
    if (2 * (used + 1) > g->index_.size()) g->GrowIndex();
    const uint64_t hash = GzHashPadded(key.data(), key.size());
    KeyRange* slot = g->InsertSlot(key, hash);
    if (slot->kind == 0) {
      *slot = KeyRange{hash, place, place, 0, static_cast<uint16_t>(key.size()), 0};
      ++used;
      g->BloomAddHashed(hash);
    }
    if ((kind & kKindPlace) && !(slot->kind & kKindPlace)) slot->first = slot->last = place;  // was a prefix only
    slot->kind |= kind;
    return slot;
  };
  // Places are sorted by key, so a key's places are consecutive (one insert serves them all) and a key shares its
  // leading words with the key before it more often than not (those prefixes are in the index already).
  std::string_view prev;
  KeyRange* prev_slot = nullptr;
  for (uint32_t i = 0; i < g->places_.size(); ++i) {
    const GzPlace& pl = g->places_[i];
    if (size_t{pl.key_off} + pl.key_len > h.pool_size || size_t{pl.name_off} + pl.name_len > h.pool_size) {
      return fail("string offset out of range");
    }
    const std::string_view key = g->Key(pl);
    if (pl.flags & kPlaceMajor) word_class[key.substr(0, key.find(' '))] |= kWordMajorFirst;
    const size_t same = CommonPrefixPadded(key, prev);
    if (prev_slot && same == key.size() && same == prev.size()) {
      prev_slot->last = i + 1;
      prev_slot->any_flags |= pl.flags;
      continue;
    }
    KeyRange* slot = insert(key, i, kKindPlace);
    slot->last = i + 1;
    slot->any_flags |= pl.flags;
    // The prefixes ending before the first byte where `key` and `prev` differ are prev's too (a space there is a
    // space in both), so only the spaces from that byte on start new ones.
    for (size_t sp = key.find(' ', same); sp != std::string_view::npos; sp = key.find(' ', sp + 1)) {
      insert(key.substr(0, sp), i, kKindPrefix);
    }
    prev = key;
    prev_slot = slot;
  }
  slots = 16;
  while (slots < 8 * word_class.size()) slots *= 2;
  g->word_tags_.assign(slots, 0);
  g->word_entries_.assign(slots, WordEntry{0, 0, 0});
  g->word_mask_ = slots - 1;
  for (const auto& [word, cls] : word_class) {
    const uint64_t hash = CheapHash(word);
    uint64_t i = hash & g->word_mask_;
    while (g->word_tags_[i] != 0) i = (i + 1) & g->word_mask_;
    g->word_tags_[i] = WordTag(hash);
    g->word_entries_[i] = WordEntry{static_cast<uint32_t>(word.data() - g->pool_), static_cast<uint16_t>(word.size()), cls};
  }
  return g;
}

Gazetteer::KeyRange* Gazetteer::InsertSlot(std::string_view key, uint64_t hash) {
  for (uint64_t i = (hash ^ (hash >> 29)) & index_mask_;; i = (i + 1) & index_mask_) {
    KeyRange& s = index_[i];
    if (s.kind == 0) return &s;
    if (s.hash == hash && s.key_len == key.size() &&
        std::memcmp(pool_ + places_[s.first].key_off, key.data(), key.size()) == 0) {
      return &s;
    }
  }
}

// Doubles the place index (keys are unique, so entries move without comparing texts).
void Gazetteer::GrowIndex() {
  std::vector<KeyRange> old = std::move(index_);
  index_.assign(old.size() * 2, KeyRange{0, 0, 0, 0, 0, 0});
  index_mask_ = index_.size() - 1;
  for (const KeyRange& s : old) {
    if (s.kind == 0) continue;
    uint64_t i = (s.hash ^ (s.hash >> 29)) & index_mask_;
    while (index_[i].kind != 0) i = (i + 1) & index_mask_;
    index_[i] = s;
  }
}

const GzRegion* Gazetteer::FindRegionHashed(std::string_view key, uint64_t hash) const {
  if (region_slots_.empty()) return nullptr;
  for (uint64_t i = hash & region_mask_;; i = (i + 1) & region_mask_) {
    const RegionSlot& s = region_slots_[i];
    if (s.region == 0) return nullptr;
    if (s.hash == hash && Key(regions_[s.region - 1]) == key) return &regions_[s.region - 1];
  }
}

std::string_view Gazetteer::RegionForAreaCode(int npa) const {
  auto it = std::lower_bound(area_codes_.begin(), area_codes_.end(), npa,
                             [](const GzAreaCode& a, int n) { return a.npa < n; });
  if (it == area_codes_.end() || it->npa != npa) return {};
  return {it->admin1, 2};
}

}  // namespace lodestar::extract
