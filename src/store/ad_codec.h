// Binary encoding of one Ad inside a store block (see docs/store-format.md).
//
// Strings are varint length + bytes, integers (zigzag) varints, then the 16-byte content hash. The layout depends
// on the store's format version, which is fixed when the store is created:
//  - format 1: source_id, source, url, title, body, location, times, provenance, hash, facts, raw.
//  - format 2: raw first; then the six text fields, each either a literal string or a range of raw whose JSON
//    unescaping (core::MatchJsonUnescaped) is the field's exact value, checked when encoding; then times,
//    provenance, hash, facts. An ad's title and body are usually its raw record's own strings, so they are not
//    kept (and compressed) twice.
// The facts bytes are opaque here (the ingest writes them; extract/facts_codec.h reads them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/ad.h"

namespace lodestar::store {

inline constexpr uint32_t kFormatLiteralFields = 1;
inline constexpr uint32_t kFormatRawRanges = 2;
// The format new stores are created in; every format from 1 up to it can be read and appended to.
inline constexpr uint32_t kFormatVersion = kFormatRawRanges;

// Appends the encoding of `ad` with its extracted facts (any bytes, may be empty) to `out`.
void EncodeAd(const core::Ad& ad, std::string_view facts, uint32_t format, std::string& out);

// Decodes one ad starting at `*pos` in `data`, advancing `*pos`. Returns false if the bytes are not a well-formed
// record of `format` (the block is then treated as corrupt).
bool DecodeAd(std::string_view data, size_t* pos, uint32_t format, core::Ad& ad, std::string& facts);

}  // namespace lodestar::store
