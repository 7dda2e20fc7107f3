// Store blocks: the unit of compression, checksumming and durability.
//
// A block holds up to a few thousand ads: a fixed header, an uncompressed index
// (content hash + id hash per ad, so dedup and lookups never decompress), and a
// zstd-compressed payload of encoded ads. A block is either wholly valid
// (checksum over header, index and payload) or ignored, which is what makes a
// torn write after `kill -9` harmless. Format: docs/store-format.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ad.h"
#include "core/status.h"
#include "store/ad_codec.h"

namespace lodestar::store {

inline constexpr uint32_t kBlockMagic = 0x4B4C4244;  // "DBLK" little-endian
inline constexpr size_t kBlockHeaderSize = 32;
inline constexpr size_t kIndexEntrySize = 24;
// Hard caps protect readers from absurd sizes in a corrupt header.
inline constexpr uint32_t kMaxBlockAds = 1 << 20;
inline constexpr uint32_t kMaxBlockBytes = 1u << 30;

struct IndexEntry {
  core::ContentHash content_hash;
  uint64_t id_hash = 0;  // XXH3-64 of the ad's display id
};

uint64_t IdHash(std::string_view display_id);

// Collects encoded ads, then produces the bytes of one block. Not thread-safe;
// one builder per block, so blocks can be built on several threads.
class BlockBuilder {
 public:
  // Ads are encoded in the layout of store format `format` (the store's own, see ad_codec.h).
  explicit BlockBuilder(uint32_t format = kFormatVersion) : format_(format) {}
  // Optional: room for `ads` ads totalling about `payload_bytes` encoded bytes, so Add never reallocates.
  void Reserve(size_t ads, size_t payload_bytes) {
    index_.reserve(ads);
    payload_.reserve(payload_bytes);
  }
  // `facts`: the ad's encoded facts (any bytes; empty when extraction did not run).
  void Add(const core::Ad& ad, std::string_view facts);
  size_t ad_count() const { return index_.size(); }
  size_t raw_bytes() const { return payload_.size(); }
  // Compresses with zstd at `level` and returns the complete block bytes.
  std::string Finish(int level);

 private:
  uint32_t format_;
  std::vector<IndexEntry> index_;
  std::string payload_;
};

// A parsed block header plus the location of its parts inside a segment file.
struct BlockInfo {
  uint64_t file_offset = 0;  // where the header starts
  uint32_t ad_count = 0;
  uint32_t payload_bytes = 0;
  uint32_t raw_bytes = 0;
  uint64_t total_bytes() const { return kBlockHeaderSize + uint64_t(ad_count) * kIndexEntrySize + payload_bytes; }
};

// Validates the block starting at `data` (which holds at least the whole block
// when this returns true). Returns false on a bad magic, bad sizes or, when
// `verify_checksum`, a checksum mismatch. Sealed segments skip the checksum:
// they were verified when they were sealed.
bool ParseBlock(std::string_view data, BlockInfo& info, std::vector<IndexEntry>* index,
                bool verify_checksum = true);

// Decompresses a verified block's payload, decodes its ads as written in store format `format`, and calls
// `fn(ad, facts)` for each until it returns false.
core::Status DecodeBlockAds(std::string_view block, const BlockInfo& info, uint32_t format,
                            const std::function<bool(core::Ad&, std::string&)>& fn);

}  // namespace lodestar::store
