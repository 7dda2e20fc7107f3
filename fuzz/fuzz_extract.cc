// libFuzzer target: the normaliser and every extractor on arbitrary bytes, plus
// the facts readers (JSON and the store's binary form). Checks the span contract (see extract/extractor.h)
// and that the binary form round-trips exactly.
//
// Build (from the repository root; needs the lexicon in data/ and, for locations,
// the gazetteer built by `ninja lodestar_gazetteer`):
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I src -I /usr/include/hs \
//     -DLODESTAR_DATA_DIR='"data"' -DLODESTAR_GAZETTEER='"build/release/data/gazetteer.bin"' \
//     fuzz/fuzz_extract.cc src/extract/{extractor,facts_json,facts_codec,lexicon,phones,payments,normalize,gazetteer}.cc \
//     src/core/*.cc -lhs -lre2 -lphonenumber -lgeocoding -lprotobuf -licui18n -licuuc -lfmt -lsimdjson \
//     -lxxhash -lpthread -o build/fuzz/fuzz_extract
#include <cstdint>
#include <cstdlib>
#include <string>

#include "extract/extractor.h"
#include "extract/facts_codec.h"

using lodestar::extract::Facts;
using lodestar::extract::FactExtractor;
using lodestar::extract::Span;

static FactExtractor* extractor = nullptr;

// Loading compiles the lexicon (seconds under sanitizers): done once, outside the per-input timeout.
extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto res = lodestar::extract::LoadResources();
  if (!res.ok()) std::abort();
  extractor = new FactExtractor(res.value());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  lodestar::core::Ad ad;
  // First line is the title, the rest the body; the location comes from a '|' suffix of the title.
  const size_t nl = input.find('\n');
  ad.title = input.substr(0, nl);
  if (nl != std::string::npos) ad.body = input.substr(nl + 1);
  if (const size_t bar = ad.title.rfind('|'); bar != std::string::npos) ad.location = ad.title.substr(bar + 1);
  Facts f = extractor->Extract(ad);
  auto check = [&](const Span& s) {
    const std::string& text = s.field == "title" ? ad.title : ad.body;
    if ((s.field != "title" && s.field != "body") || s.begin > s.end || s.end > text.size()) std::abort();
  };
  for (const auto& x : f.phones) check(x.span);
  for (const auto& x : f.emails) check(x.span);
  for (const auto& x : f.handles) check(x.span);
  for (const auto& x : f.payments) check(x.span);
  for (const auto& x : f.ages) check(x.span);
  for (const auto& x : f.prices) check(x.span);
  for (const auto& x : f.locations) check(x.span);
  for (const auto& x : f.attributes) check(x.span);
  for (const auto& x : f.indicators) check(x.span);
  auto back = lodestar::extract::FactsFromJson(lodestar::extract::FactsToJson(f));
  if (!back.ok()) std::abort();
  (void)lodestar::extract::FactsFromJson(input);
  std::string binary;
  lodestar::extract::EncodeFacts(f, binary);
  auto decoded = lodestar::extract::DecodeStoredFacts(binary);
  if (!decoded.ok()) std::abort();
  std::string again;
  lodestar::extract::EncodeFacts(*decoded, again);
  if (again != binary) std::abort();
  (void)lodestar::extract::DecodeStoredFacts(input);
  return 0;
}
