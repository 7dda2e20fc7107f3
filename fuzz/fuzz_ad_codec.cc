// libFuzzer target: the store's record encoding (store/ad_codec.h) in both formats.
//  - Arbitrary bytes decoded as a record of format 1 and of format 2 must fail cleanly or succeed, never crash.
//  - An ad whose raw record is the input and whose fields are cut from it (verbatim, or unescaped as JSON when
//    that works) must come back exactly after a format-2 round trip: format 2 keeps fields as ranges of raw, so
//    this checks that a range is kept only when it reproduces the field byte for byte.
// Built and run by fuzz/run.sh (target ad_codec).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/json_text.h"
#include "core/utf8.h"
#include "store/ad_codec.h"

using lodestar::core::Ad;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (uint32_t format : {lodestar::store::kFormatLiteralFields, lodestar::store::kFormatRawRanges}) {
    Ad ad;
    std::string facts;
    size_t pos = 0;
    (void)lodestar::store::DecodeAd(input, &pos, format, ad, facts);
    if (pos > input.size()) std::abort();
  }

  Ad ad;
  ad.raw = lodestar::core::RepairUtf8(input);
  const std::string& raw = ad.raw;
  // Fields: slices of raw at positions taken from the input's first bytes, each unescaped when possible.
  auto slice = [&](size_t k) {
    if (raw.size() < 2) return std::string();
    const size_t b = static_cast<unsigned char>(raw[k % raw.size()]) % raw.size();
    const size_t n = static_cast<unsigned char>(raw[(k + 1) % raw.size()]) % (raw.size() - b + 1);
    std::string un;
    if (lodestar::core::AppendJsonUnescaped(un, raw.substr(b, n)) && lodestar::core::IsValidUtf8(un)) return un;
    return raw.substr(b, n);
  };
  ad.source_id = slice(0);
  ad.url = slice(2);
  ad.title = slice(4);
  ad.body = slice(6);
  ad.location = slice(8);
  std::string bytes;
  lodestar::store::EncodeAd(ad, "facts", lodestar::store::kFormatRawRanges, bytes);
  Ad back;
  std::string facts;
  size_t pos = 0;
  if (!lodestar::store::DecodeAd(bytes, &pos, lodestar::store::kFormatRawRanges, back, facts)) std::abort();
  if (pos != bytes.size() || facts != "facts" || back.raw != ad.raw || back.source_id != ad.source_id ||
      back.url != ad.url || back.title != ad.title || back.body != ad.body || back.location != ad.location)
    std::abort();
  return 0;
}
