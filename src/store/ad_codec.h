// Binary encoding of one Ad inside a store block (see docs/store-format.md).
//
// Layout: fields in a fixed order, strings as varint length + bytes, integers
// as (zigzag) varints, then the 16-byte content hash. The order is part of the
// on-disk format: append new fields at the end and bump kFormatVersion.
#pragma once

#include <string>
#include <string_view>

#include "core/ad.h"

namespace lodestar::store {

// Appends the encoding of `ad` (with its extracted facts as JSON, may be empty) to `out`.
void EncodeAd(const core::Ad& ad, std::string_view facts_json, std::string& out);

// Decodes one ad starting at `*pos` in `data`, advancing `*pos`. Returns false
// if the bytes are not a well-formed record (the block is then treated as corrupt).
bool DecodeAd(std::string_view data, size_t* pos, core::Ad& ad, std::string& facts_json);

}  // namespace lodestar::store
