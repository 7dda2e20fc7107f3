#include "store/ad_codec.h"

#include <cstring>

namespace lodestar::store {

namespace {
void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutString(std::string_view s, std::string& out) {
  PutVarint(s.size(), out);
  out.append(s);
}
uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

bool GetVarint(std::string_view d, size_t* pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= d.size()) return false;
    uint8_t b = static_cast<uint8_t>(d[(*pos)++]);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}
bool GetString(std::string_view d, size_t* pos, std::string& s) {
  uint64_t n;
  if (!GetVarint(d, pos, n) || n > d.size() - *pos) return false;
  s.assign(d.data() + *pos, n);
  *pos += n;
  return true;
}
}  // namespace

void EncodeAd(const core::Ad& ad, std::string_view facts_json, std::string& out) {
  PutString(ad.source_id, out);
  PutString(ad.source, out);
  PutString(ad.url, out);
  PutString(ad.title, out);
  PutString(ad.body, out);
  PutString(ad.location, out);
  PutVarint(ZigZag(ad.posted), out);
  PutVarint(ZigZag(ad.crawled), out);
  PutVarint(ad.provenance.run_id, out);
  PutVarint(ad.provenance.file_index, out);
  PutVarint(ad.provenance.line, out);
  PutVarint(ad.provenance.byte_offset, out);
  char hash[16];
  std::memcpy(hash, &ad.content_hash.low, 8);
  std::memcpy(hash + 8, &ad.content_hash.high, 8);
  out.append(hash, 16);
  PutString(facts_json, out);
  PutString(ad.raw, out);
}

bool DecodeAd(std::string_view d, size_t* pos, core::Ad& ad, std::string& facts_json) {
  uint64_t posted, crawled, run, file, line, offset;
  if (!GetString(d, pos, ad.source_id) || !GetString(d, pos, ad.source) || !GetString(d, pos, ad.url) ||
      !GetString(d, pos, ad.title) || !GetString(d, pos, ad.body) || !GetString(d, pos, ad.location) ||
      !GetVarint(d, pos, posted) || !GetVarint(d, pos, crawled) || !GetVarint(d, pos, run) ||
      !GetVarint(d, pos, file) || !GetVarint(d, pos, line) || !GetVarint(d, pos, offset))
    return false;
  if (d.size() - *pos < 16) return false;
  std::memcpy(&ad.content_hash.low, d.data() + *pos, 8);
  std::memcpy(&ad.content_hash.high, d.data() + *pos + 8, 8);
  *pos += 16;
  if (!GetString(d, pos, facts_json) || !GetString(d, pos, ad.raw)) return false;
  ad.posted = UnZigZag(posted);
  ad.crawled = UnZigZag(crawled);
  ad.provenance = {static_cast<uint32_t>(run), static_cast<uint32_t>(file), line, offset};
  return true;
}

}  // namespace lodestar::store
