#include "core/ad.h"

#include <xxhash.h>

#include <fmt/format.h>

namespace lodestar::core {

std::string ContentHash::hex() const { return fmt::format("{:016x}{:016x}", high, low); }

std::string Ad::display_id() const {
  if (!source_id.empty()) return source_id;
  return "h:" + content_hash.hex().substr(0, 16);
}

ContentHash ComputeContentHash(const Ad& ad) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  // Length-prefix every field so ("ab","c") and ("a","bc") hash differently.
  auto add = [&](const std::string& s) {
    uint64_t n = s.size();
    XXH3_128bits_update(state, &n, sizeof n);
    XXH3_128bits_update(state, s.data(), s.size());
  };
  add(ad.source_id);
  add(ad.source);
  add(ad.url);
  add(ad.title);
  add(ad.body);
  add(ad.location);
  XXH3_128bits_update(state, &ad.posted, sizeof ad.posted);
  XXH128_hash_t h = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return ContentHash{h.low64, h.high64};
}

}  // namespace lodestar::core
