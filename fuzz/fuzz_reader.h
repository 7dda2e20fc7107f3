// Shared body of the reader fuzz targets: the bytes go through the reader and a
// decoder exactly as ingest would drive them. Any crash, sanitizer report or
// hang is a bug; errors and quarantined records are the expected outcome.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/utf8.h"
#include "ingest/reader.h"
#include "io/memory_stream.h"

namespace lodestar::fuzz {

inline void FuzzReader(ingest::Format format, const uint8_t* data, size_t size) {
  auto in = io::NewMemoryStream(std::string(reinterpret_cast<const char*>(data), size), "fuzz-input");
  std::unique_ptr<ingest::RecordReader> reader;
  switch (format) {
    case ingest::Format::kCsv: reader = ingest::NewCsvReader(std::move(in), {}); break;
    case ingest::Format::kWarc: reader = ingest::NewWarcReader(std::move(in), {}); break;
    case ingest::Format::kHtml: reader = ingest::NewHtmlReader(std::move(in), {}); break;
    default: reader = ingest::NewJsonLinesReader(std::move(in), {}); break;
  }
  std::unique_ptr<ingest::RecordDecoder> decoder;
  ingest::RawRecord record;
  ingest::DecodeStats stats;
  for (int i = 0; i < 100000; ++i) {
    auto more = reader->Next(record);
    if (!more.ok() || !*more) break;
    if (!decoder) decoder = reader->NewDecoder();
    core::Ad ad;
    if (decoder->Decode(record, ad, stats).ok()) {
      // The Ad contract: text fields are valid UTF-8.
      if (!core::IsValidUtf8(ad.title) || !core::IsValidUtf8(ad.body) || !core::IsValidUtf8(ad.raw) ||
          !core::IsValidUtf8(ad.url) || !core::IsValidUtf8(ad.source))
        __builtin_trap();
    }
  }
}

}  // namespace lodestar::fuzz
