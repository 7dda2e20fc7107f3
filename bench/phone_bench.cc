// Phone extraction alone, for the side-by-side run with python3-phonenumbers
// (issue 3; bench/phone_bench.sh, docs/benchmarks.md).
//
//   phone_bench ADS.jsonl OUT.jsonl [--repeat N]
//
// Reads every ad into memory first (the same title/body/location fields as
// `lodestar extract`), then times only FactExtractor::ExtractPhones over all ads
// on one thread, and writes one line per ad: {"id":"...","phones":["+1...",...],
// "obfuscated":[false,...]} (whether each number was written disguised).
// Parsing and writing are outside the timed loop, as in bench/phone_peer.py, so
// the two tools are compared on extraction alone. Timing goes to stdout as one
// JSON object; no phone number or ad text is printed.
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

using lodestar::core::Ad;
using lodestar::extract::PhoneFact;

double Now(clockid_t clock) { return lodestar::bench::ClockSeconds(clock); }

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
    } else {
      out += c;
    }
  }
  out += '"';
}

int Usage() {
  std::fprintf(stderr, "usage: phone_bench ADS.jsonl OUT.jsonl [--repeat N]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 5) return Usage();
  const std::string input = argv[1], output = argv[2];
  int repeat = 1;
  if (argc == 5) {
    if (std::string(argv[3]) != "--repeat") return Usage();
    repeat = std::atoi(argv[4]);
    if (repeat < 1 || repeat > 1000) {
      std::fprintf(stderr, "error: --repeat %s: give a whole number from 1 to 1000\n", argv[4]);
      return 2;
    }
  }

  auto res = lodestar::extract::LoadResources();
  if (!res.ok()) {
    std::fprintf(stderr, "error: %s\n", res.status().message().c_str());
    return 1;
  }
  // Load: unreadable records keep their slot (empty ad, reported as an error line) so ids stay aligned.
  const double load0 = Now(CLOCK_MONOTONIC);
  auto file = lodestar::bench::ReadAdsFile(input);
  if (!file.ok()) {
    std::fprintf(stderr, "error: %s\n", file.status().message().c_str());
    return 1;
  }
  const std::vector<Ad>& ads = file->ads;
  const std::vector<std::string>& ids = file->ids;
  const std::vector<bool>& bad = file->bad;
  const double load_s = Now(CLOCK_MONOTONIC) - load0;
  if (ads.empty()) {
    std::fprintf(stderr, "error: %s: no ads read; give a JSON Lines file with title/body fields\n", input.c_str());
    return 1;
  }
  size_t bytes = 0;
  for (const auto& a : ads) bytes += a.title.size() + a.body.size();

  lodestar::extract::FactExtractor extractor(*res);
  std::vector<std::vector<PhoneFact>> found(ads.size());
  {
    // Warm-up outside the timed loop: libphonenumber builds its metadata on first use.
    Ad warm;
    warm.body = "call 503 555 0100 or five0three 724 3016";
    extractor.ExtractPhones(warm, found[0]);
  }
  const double wall0 = Now(CLOCK_MONOTONIC), cpu0 = Now(CLOCK_THREAD_CPUTIME_ID);
  for (int r = 0; r < repeat; ++r) {
    for (size_t i = 0; i < ads.size(); ++i) extractor.ExtractPhones(ads[i], found[i]);
  }
  const double wall_s = Now(CLOCK_MONOTONIC) - wall0, cpu_s = Now(CLOCK_THREAD_CPUTIME_ID) - cpu0;

  std::FILE* out = std::fopen(output.c_str(), "wb");
  if (!out) {
    std::fprintf(stderr, "error: %s: cannot open for writing; check the directory exists and is writable\n",
                 output.c_str());
    return 1;
  }
  std::string line;
  size_t with_phone = 0, unreadable = 0;
  for (size_t i = 0; i < ads.size(); ++i) {
    line.assign("{\"id\":");
    AppendJsonString(line, ids[i]);
    line += ",\"phones\":[";
    for (size_t k = 0; k < found[i].size(); ++k) {
      if (k) line += ',';
      AppendJsonString(line, found[i][k].e164);
    }
    line += "],\"obfuscated\":[";
    for (size_t k = 0; k < found[i].size(); ++k) {
      if (k) line += ',';
      line += found[i][k].obfuscated ? "true" : "false";
    }
    line += ']';
    if (bad[i]) line += ",\"error\":\"unreadable record\"";
    line += "}\n";
    std::fwrite(line.data(), 1, line.size(), out);
    with_phone += !found[i].empty();
    unreadable += bad[i];
  }
  if (std::fclose(out) != 0) {
    std::fprintf(stderr, "error: %s: write failed; check free disk space\n", output.c_str());
    return 1;
  }
  const double n = double(ads.size()) * repeat;
  std::printf(
      "{\"tool\":\"lodestar\",\"ads\":%zu,\"repeat\":%d,\"unreadable\":%zu,\"ads_with_phone\":%zu,"
      "\"text_bytes\":%zu,\"load_wall_s\":%.3f,\"extract_wall_s\":%.3f,\"extract_cpu_s\":%.3f,"
      "\"ads_per_cpu_s\":%.0f}\n",
      ads.size(), repeat, unreadable, with_phone, bytes, load_s, wall_s, cpu_s, n / std::max(cpu_s, 1e-9));
  return 0;
}
