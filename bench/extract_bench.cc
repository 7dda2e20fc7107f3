// Full extraction in process, for A/B comparisons of extraction changes on a noisy machine
// (issue 3; docs/benchmarks.md).
//
//   extract_bench ADS.jsonl [--rounds N]
//
// Reads every ad into memory (title, body, location, as `lodestar extract` does; an unreadable record counts as
// an empty ad), then runs FactExtractor::Extract over all of them N times (default 7) on one thread and prints,
// as one JSON object, the thread CPU time of each round, the fastest and the median round as ads per CPU-second, the mean
// title+body bytes, and the number of facts of each kind found (a cheap check that two builds agree; compare
// `lodestar extract --json` output with cmp for the exact one). No ad text or fact value is printed.
// Other processes slow a round down but never speed one up, so the fastest round is the best estimate of the
// code's own cost; the median shows the spread.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "extract/extractor.h"
#include "ads_file.h"

namespace {

double ThreadCpuSeconds() { return lodestar::bench::ClockSeconds(CLOCK_THREAD_CPUTIME_ID); }

int Usage() {
  std::fprintf(stderr, "usage: extract_bench ADS.jsonl [--rounds N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && argc != 4) return Usage();
  const std::string input = argv[1];
  int rounds = 7;
  if (argc == 4) {
    if (std::string(argv[2]) != "--rounds") return Usage();
    rounds = std::atoi(argv[3]);
    if (rounds < 1 || rounds > 1000) {
      std::fprintf(stderr, "error: --rounds %s: give a whole number from 1 to 1000\n", argv[3]);
      return 2;
    }
  }
  auto res = lodestar::extract::LoadResources();
  if (!res.ok()) {
    std::fprintf(stderr, "error: %s\n", res.status().message().c_str());
    return 1;
  }
  auto file = lodestar::bench::ReadAdsFile(input);
  if (!file.ok()) {
    std::fprintf(stderr, "error: %s\n", file.status().message().c_str());
    return 1;
  }
  const std::vector<lodestar::core::Ad>& ads = file->ads;
  if (ads.empty()) {
    std::fprintf(stderr, "error: %s: no ads read; give a JSON Lines file with title/body fields\n", input.c_str());
    return 1;
  }
  size_t bytes = 0;
  for (const auto& a : ads) bytes += a.title.size() + a.body.size();

  lodestar::extract::FactExtractor extractor(*res);
  lodestar::extract::Facts facts;
  extractor.Extract(ads[0], facts);  // warm-up: libphonenumber and ICU build tables on first use
  std::vector<double> seconds;
  size_t counts[11] = {};
  for (int r = 0; r < rounds; ++r) {
    const double t0 = ThreadCpuSeconds();
    for (const auto& ad : ads) {
      extractor.Extract(ad, facts);
      if (r == 0) {
        const size_t sizes[11] = {facts.phones.size(),  facts.emails.size(),    facts.urls.size(),
                                  facts.domains.size(), facts.handles.size(),   facts.payments.size(),
                                  facts.ages.size(),    facts.prices.size(),    facts.locations.size(),
                                  facts.attributes.size(), facts.indicators.size()};
        for (int k = 0; k < 11; ++k) counts[k] += sizes[k];
      }
    }
    seconds.push_back(ThreadCpuSeconds() - t0);
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double n = double(ads.size());
  std::string per_round;
  for (double s : seconds) per_round += fmt::format("{}{:.0f}", per_round.empty() ? "" : ",", n / s);
  std::printf(
      "{\"ads\":%zu,\"mean_bytes\":%.0f,\"rounds\":%d,\"ads_per_cpu_s\":[%s],\"fastest\":%.0f,\"median\":%.0f,"
      "\"facts\":{\"phones\":%zu,\"emails\":%zu,\"urls\":%zu,\"domains\":%zu,\"handles\":%zu,\"payments\":%zu,"
      "\"ages\":%zu,\"prices\":%zu,\"locations\":%zu,\"attributes\":%zu,\"indicators\":%zu}}\n",
      ads.size(), double(bytes) / n, rounds, per_round.c_str(), n / sorted.front(), n / sorted[sorted.size() / 2],
      counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8], counts[9],
      counts[10]);
  return 0;
}
