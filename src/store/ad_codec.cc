#include "store/ad_codec.h"

#include <cstring>

#include "core/json_text.h"

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

// A value's first bytes up to the first one a JSON writer might escape (at most 16) are searched for in raw;
// each hit is a candidate start, checked by MatchJsonUnescaped. A value's first bytes rarely occur more than
// once in a record, so few candidates are tried.
constexpr size_t kMaxKeyBytes = 16;
constexpr int kMaxCandidates = 4;

// Where in `raw` a range unescaping to `value` starts and ends. Returns false when there is none (then the value
// is written out).
bool FindRange(std::string_view raw, std::string_view value, size_t* begin, size_t* end) {
  size_t key = 0;
  while (key < value.size() && key < kMaxKeyBytes) {
    const auto c = static_cast<unsigned char>(value[key]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\' || c == '/') break;
    ++key;
  }
  if (key == 0) return false;
  // memchr for the first byte, then memcmp: std::string_view::find steps byte by byte, and glibc's memmem sets
  // up a shift table on every call, which costs more than the search in a record of ~1 KB.
  const char* from = raw.data();
  const char* const stop = raw.data() + raw.size();
  for (int tries = 0; tries < kMaxCandidates;) {
    const auto* hit = static_cast<const char*>(std::memchr(from, value[0], stop - from));
    if (!hit || static_cast<size_t>(stop - hit) < key) return false;
    from = hit + 1;
    if (std::memcmp(hit, value.data(), key) != 0) continue;
    ++tries;
    const size_t at = hit - raw.data();
    const size_t e = core::MatchJsonUnescaped(raw, at, value);
    if (e != std::string_view::npos) {
      *begin = at;
      *end = e;
      return true;
    }
  }
  return false;
}

// A text field in format 2: varint (length << 1 | 1) then varint offset for a range of raw, or varint
// (length << 1) then the bytes. Only the title and the body are looked for in raw (`try_range`): the other fields
// are short, and zstd finds their repeats across the block anyway.
void PutField(std::string_view raw, std::string_view value, bool try_range, std::string& out) {
  size_t b, e;
  if (try_range && FindRange(raw, value, &b, &e)) {
    PutVarint((uint64_t(e - b) << 1) | 1, out);
    PutVarint(b, out);
    return;
  }
  PutVarint(uint64_t(value.size()) << 1, out);
  out.append(value);
}
bool GetField(std::string_view d, size_t* pos, std::string_view raw, std::string& s) {
  uint64_t head;
  if (!GetVarint(d, pos, head)) return false;
  const uint64_t n = head >> 1;
  if (!(head & 1)) {
    if (n > d.size() - *pos) return false;
    s.assign(d.data() + *pos, n);
    *pos += n;
    return true;
  }
  uint64_t offset;
  if (!GetVarint(d, pos, offset) || offset > raw.size() || n > raw.size() - offset) return false;
  s.clear();
  return core::AppendJsonUnescaped(s, raw.substr(offset, n));
}

void PutTail(const core::Ad& ad, std::string& out) {
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
}
bool GetTail(std::string_view d, size_t* pos, core::Ad& ad) {
  uint64_t posted, crawled, run, file, line, offset;
  if (!GetVarint(d, pos, posted) || !GetVarint(d, pos, crawled) || !GetVarint(d, pos, run) ||
      !GetVarint(d, pos, file) || !GetVarint(d, pos, line) || !GetVarint(d, pos, offset))
    return false;
  if (d.size() - *pos < 16) return false;
  std::memcpy(&ad.content_hash.low, d.data() + *pos, 8);
  std::memcpy(&ad.content_hash.high, d.data() + *pos + 8, 8);
  *pos += 16;
  ad.posted = UnZigZag(posted);
  ad.crawled = UnZigZag(crawled);
  ad.provenance = {static_cast<uint32_t>(run), static_cast<uint32_t>(file), line, offset};
  return true;
}
}  // namespace

void EncodeAd(const core::Ad& ad, std::string_view facts, uint32_t format, std::string& out) {
  if (format == kFormatLiteralFields) {
    for (const std::string* s : {&ad.source_id, &ad.source, &ad.url, &ad.title, &ad.body, &ad.location})
      PutString(*s, out);
    PutTail(ad, out);
    PutString(facts, out);
    PutString(ad.raw, out);
    return;
  }
  PutString(ad.raw, out);
  PutField(ad.raw, ad.source_id, true, out);
  PutField(ad.raw, ad.source, false, out);
  PutField(ad.raw, ad.url, true, out);
  PutField(ad.raw, ad.title, true, out);
  PutField(ad.raw, ad.body, true, out);
  PutField(ad.raw, ad.location, false, out);
  PutTail(ad, out);
  PutString(facts, out);
}

bool DecodeAd(std::string_view d, size_t* pos, uint32_t format, core::Ad& ad, std::string& facts) {
  if (format == kFormatLiteralFields) {
    for (std::string* s : {&ad.source_id, &ad.source, &ad.url, &ad.title, &ad.body, &ad.location})
      if (!GetString(d, pos, *s)) return false;
    return GetTail(d, pos, ad) && GetString(d, pos, facts) && GetString(d, pos, ad.raw);
  }
  if (format != kFormatRawRanges || !GetString(d, pos, ad.raw)) return false;
  for (std::string* s : {&ad.source_id, &ad.source, &ad.url, &ad.title, &ad.body, &ad.location})
    if (!GetField(d, pos, ad.raw, *s)) return false;
  return GetTail(d, pos, ad) && GetString(d, pos, facts);
}

}  // namespace lodestar::store
