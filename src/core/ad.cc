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
  // Length-prefix every field so ("ab","c") and ("a","bc") hash differently. The fields are laid out in one
  // reused buffer and hashed in one call: the same bytes as a streaming hash gives, without allocating a
  // streaming state per ad and with one call instead of thirteen.
  thread_local std::string buffer;
  buffer.clear();
  auto add = [&](const std::string& s) {
    const uint64_t n = s.size();
    buffer.append(reinterpret_cast<const char*>(&n), sizeof n);
    buffer.append(s);
  };
  add(ad.source_id);
  add(ad.source);
  add(ad.url);
  add(ad.title);
  add(ad.body);
  add(ad.location);
  buffer.append(reinterpret_cast<const char*>(&ad.posted), sizeof ad.posted);
  const XXH128_hash_t h = XXH3_128bits(buffer.data(), buffer.size());
  return ContentHash{h.low64, h.high64};
}

// A member added to Ad must be reset in clear(); this fails to compile until the size below is updated with it.
static_assert(sizeof(Ad) == 7 * sizeof(std::string) + 2 * sizeof(int64_t) + sizeof(Provenance) + sizeof(ContentHash),
              "Ad gained or lost a member: update Ad::clear() and this check");

void Ad::clear() {
  source_id.clear();
  source.clear();
  url.clear();
  title.clear();
  body.clear();
  location.clear();
  posted = 0;
  crawled = 0;
  raw.clear();
  provenance = {};
  content_hash = {};
}

}  // namespace lodestar::core
