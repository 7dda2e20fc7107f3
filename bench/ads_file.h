// Shared by the extraction benchmarks: every ad of a JSON Lines file read into memory before timing starts.
#pragma once

#include <fmt/format.h>

#include <ctime>
#include <string>
#include <vector>

#include "core/ad.h"
#include "core/status.h"
#include "ingest/reader.h"

namespace lodestar::bench {

struct AdsFile {
  std::vector<core::Ad> ads;     // in file order; an unreadable record keeps its slot as an empty ad
  std::vector<std::string> ids;  // the ad's source id, else "line:N"
  std::vector<bool> bad;         // the record could not be read
};

// Reads `path` (title, body, location and the other fields `lodestar ingest` reads), or says why it cannot.
inline core::Result<AdsFile> ReadAdsFile(const std::string& path) {
  auto reader = ingest::OpenReader(path, ingest::Format::kJsonLines, {});
  if (!reader.ok()) return reader.status();
  AdsFile file;
  std::unique_ptr<ingest::RecordDecoder> decoder;
  ingest::RawRecord record;
  ingest::DecodeStats stats;
  while (true) {
    auto more = (*reader)->Next(record);
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (!decoder) decoder = (*reader)->NewDecoder();
    core::Ad ad;
    const bool ok = decoder->Decode(record, ad, stats).ok();
    file.ids.push_back(ok && !ad.source_id.empty() ? ad.source_id : fmt::format("line:{}", record.line));
    file.bad.push_back(!ok);
    file.ads.push_back(ok ? std::move(ad) : core::Ad());
  }
  return file;
}

inline double ClockSeconds(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace lodestar::bench
