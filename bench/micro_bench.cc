// Google Benchmark micro-benchmarks of the ingest hot path, on generated ads.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "core/ad.h"
#include "core/utf8.h"
#include "ingest/reader.h"
#include "store/block.h"

namespace {

std::string SampleLine(int i) {
  std::string filler;
  for (int k = 0; k < 14; ++k) filler += "Friendly and discreet, available most evenings, text first please. ";
  return "{\"id\":\"b" + std::to_string(i) + "\",\"source\":\"site-a\",\"url\":\"https://site-a.test/ad/" +
         std::to_string(i) + "\",\"title\":\"Sample ad number " + std::to_string(i) + "\",\"body\":\"" + filler +
         "\",\"location\":\"Salem, OR\",\"posted\":\"2017-05-01T10:00:00Z\"}";
}

void BM_JsonDecode(benchmark::State& state) {
  auto decoder = lodestar::ingest::NewJsonDecoder({});
  lodestar::ingest::RawRecord rec;
  rec.bytes = SampleLine(1);
  lodestar::ingest::DecodeStats stats;
  lodestar::core::Ad ad;
  for (auto _ : state) {
    auto st = decoder->Decode(rec, ad, stats);
    benchmark::DoNotOptimize(st);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(rec.bytes.size()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JsonDecode);

void BM_ContentHash(benchmark::State& state) {
  auto decoder = lodestar::ingest::NewJsonDecoder({});
  lodestar::ingest::RawRecord rec;
  rec.bytes = SampleLine(2);
  lodestar::ingest::DecodeStats stats;
  lodestar::core::Ad ad;
  (void)decoder->Decode(rec, ad, stats);
  for (auto _ : state) benchmark::DoNotOptimize(lodestar::core::ComputeContentHash(ad));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ContentHash);

void BM_Utf8Validate(benchmark::State& state) {
  std::string line = SampleLine(3);
  for (auto _ : state) benchmark::DoNotOptimize(lodestar::core::IsValidUtf8(line));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(line.size()));
}
BENCHMARK(BM_Utf8Validate);

void BM_BlockBuild(benchmark::State& state) {
  auto decoder = lodestar::ingest::NewJsonDecoder({});
  lodestar::ingest::DecodeStats stats;
  std::vector<lodestar::core::Ad> ads(1000);
  for (int i = 0; i < 1000; ++i) {
    lodestar::ingest::RawRecord rec;
    rec.bytes = SampleLine(i);
    (void)decoder->Decode(rec, ads[i], stats);
    ads[i].content_hash = lodestar::core::ComputeContentHash(ads[i]);
  }
  for (auto _ : state) {
    lodestar::store::BlockBuilder b;
    for (const auto& ad : ads) b.Add(ad, {});
    benchmark::DoNotOptimize(b.Finish(static_cast<int>(state.range(0))));
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 1000);
}
BENCHMARK(BM_BlockBuild)->Arg(1)->Arg(3);

}  // namespace

BENCHMARK_MAIN();
