#include "extract/gazetteer.h"

#include <algorithm>
#include <cstring>
#include <fstream>

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
  g->data_.resize(size);
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
  for (const auto& pl : g->places_) {
    if (size_t{pl.key_off} + pl.key_len > h.pool_size || size_t{pl.name_off} + pl.name_len > h.pool_size) {
      return fail("string offset out of range");
    }
  }
  for (const auto& r : g->regions_) {
    if (size_t{r.key_off} + r.key_len > h.pool_size) return fail("string offset out of range");
    g->region_index_.emplace(g->Key(r), &r);
    const std::string_view rk = g->Key(r);
    if (rk.find(' ') != std::string_view::npos) g->word_class_[rk.substr(0, rk.find(' '))] |= kWordRegionPrefix;
    else g->word_class_[rk] |= kWordRegion;
  }
  size_t slots = 16;
  while (slots < 2 * g->places_.size()) slots *= 2;
  g->index_.assign(slots, KeyRange{0, 0, 0, 0});
  g->index_mask_ = slots - 1;
  g->bloom_.assign(kBloomBits / 64, 0);
  for (uint32_t i = 0; i < g->places_.size(); ++i) {
    const std::string_view key = g->Key(g->places_[i]);
    const uint64_t hash = CheapHash(key);
    KeyRange* slot = g->FindSlot(key, hash);
    const bool inserted = slot->last == 0;
    if (inserted) *slot = KeyRange{hash, i, i + 1, 0};
    else slot->last = i + 1;  // places are sorted by key
    slot->any_flags |= g->places_[i].flags;
    if (inserted) g->BloomAdd(key);
    if (g->places_[i].flags & kPlaceMajor) g->word_class_[key.substr(0, key.find(' '))] |= kWordMajorFirst;
    for (size_t sp = key.find(' '); sp != std::string_view::npos; sp = key.find(' ', sp + 1)) {
      if (g->prefixes_.insert(key.substr(0, sp)).second) g->BloomAdd(key.substr(0, sp));
    }
  }
  g->word_bloom_.assign(kWordBloomBits / 64, 0);
  for (const auto& [word, cls] : g->word_class_) {
    const uint64_t hash = CheapHash(word);
    const uint64_t a = hash & kWordBloomMask, b = (hash >> 32) & kWordBloomMask;
    g->word_bloom_[a >> 6] |= uint64_t{1} << (a & 63);
    g->word_bloom_[b >> 6] |= uint64_t{1} << (b & 63);
  }
  return g;
}

// The slot holding `key`, else the empty slot where it would go.
const Gazetteer::KeyRange* Gazetteer::FindSlot(std::string_view key, uint64_t hash) const {
  for (uint64_t i = (hash ^ (hash >> 29)) & index_mask_;; i = (i + 1) & index_mask_) {
    const KeyRange& s = index_[i];
    if (s.last == 0) return &s;
    if (s.hash == hash && Key(places_[s.first]) == key) return &s;
  }
}

Gazetteer::KeyRange* Gazetteer::FindSlot(std::string_view key, uint64_t hash) {
  return const_cast<KeyRange*>(static_cast<const Gazetteer*>(this)->FindSlot(key, hash));
}

std::span<const GzPlace> Gazetteer::FindHashed(std::string_view key, uint64_t hash, uint32_t* any_flags) const {
  const KeyRange* s = index_.empty() ? nullptr : FindSlot(key, hash);
  if (!s || s->last == 0) {
    if (any_flags) *any_flags = 0;
    return {};
  }
  if (any_flags) *any_flags = s->any_flags;
  return places_.subspan(s->first, s->last - s->first);
}

const GzRegion* Gazetteer::FindRegion(std::string_view key) const {
  auto it = region_index_.find(key);
  return it == region_index_.end() ? nullptr : it->second;
}

std::string_view Gazetteer::RegionForAreaCode(int npa) const {
  auto it = std::lower_bound(area_codes_.begin(), area_codes_.end(), npa,
                             [](const GzAreaCode& a, int n) { return a.npa < n; });
  if (it == area_codes_.end() || it->npa != npa) return {};
  return {it->admin1, 2};
}

}  // namespace lodestar::extract
