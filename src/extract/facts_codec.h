// Extracted facts as the store keeps them.
//
// EncodeFacts writes a compact binary form: the byte 0x01 (its version), then for each kind in the order of
// struct Facts a varint count and the items, each field in declaration order (strings as varint length + bytes,
// integers as varints, float and double as their 4 and 8 little-endian bytes, a span as field code, begin and
// end). It is lossless, unlike the JSON form, whose confidences have two decimals. It replaced JSON in store
// format 2: writing it costs a fraction of FactsToJson, and it is a fifth of the size, so less goes through zstd.
//
// DecodeStoredFacts reads it, and also the JSON that stores of format 1 hold (FactsToJson's output, always an
// object, so its first byte '{' tells the two apart).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "extract/extractor.h"

namespace lodestar::extract {

// Appends the binary encoding of `facts` to `out`.
void EncodeFacts(const Facts& facts, std::string& out);

// The facts in `bytes`: empty bytes (extraction did not run) give empty Facts; binary (EncodeFacts) and JSON
// (FactsToJson) are both read. Malformed bytes give kCorrupt.
core::Result<Facts> DecodeStoredFacts(std::string_view bytes);

}  // namespace lodestar::extract
