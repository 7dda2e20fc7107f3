#include "store/block.h"

#include <xxhash.h>
#include <zstd.h>

#include <cstring>
#include <memory>
#include <new>

#include "store/ad_codec.h"

namespace lodestar::store {

namespace {
void Put32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
void Put64(char* p, uint64_t v) { std::memcpy(p, &v, 8); }
uint32_t Get32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t Get64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
// Checksum covers the header's first 24 bytes, the index and the payload.
uint64_t BlockChecksum(std::string_view block, size_t total) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, block.data(), 24);
  XXH3_64bits_update(st, block.data() + kBlockHeaderSize, total - kBlockHeaderSize);
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

// Levels below 3 get a window and a hash table that span a whole block (4 MiB window, 2^16 hash slots; their own
// are 0.5-1 MiB and 2^13-2^15). A block holds ~1,000 ads of one source whose templates repeat across the block, so
// level 1 then finds those repeats too: its store is ~3% larger than level 3's (not ~13%), and it compresses in ~40%
// less time, as level 3's larger chain tables miss the cache (docs/benchmarks.md, session 9). Level 3 and up keep
// their own parameters.
ZSTD_CCtx* SetUpCompression(ZSTD_CCtx* cctx, int level) {
  ZSTD_CCtx_reset(cctx, ZSTD_reset_session_and_parameters);
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (level < 3) {
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, 22);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_hashLog, 16);
  }
  return cctx;
}
}  // namespace

uint64_t IdHash(std::string_view display_id) { return XXH3_64bits(display_id.data(), display_id.size()); }

void BlockBuilder::Add(const core::Ad& ad, std::string_view facts) {
  index_.push_back({ad.content_hash, IdHash(ad.display_id())});
  EncodeAd(ad, facts, format_, payload_);
}

std::string BlockBuilder::Finish(int level) {
  // One compression context and output buffer per thread, reused across blocks: a fresh context per block
  // allocates and clears ~1 MB of match tables, and a zero-filled output string is overwritten anyway.
  struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
  };
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  thread_local std::unique_ptr<char[]> scratch;
  thread_local size_t scratch_size = 0;
  size_t bound = ZSTD_compressBound(payload_.size());
  if (scratch_size < bound) {
    scratch.reset(new char[bound]);  // uninitialised on purpose
    scratch_size = bound;
  }
  size_t compressed = ZSTD_compress2(SetUpCompression(cctx.get(), level), scratch.get(), bound,
                                     payload_.data(), payload_.size());
  // Compression only fails on a too-small buffer (compressBound rules that out) or when out of memory.
  if (ZSTD_isError(compressed)) throw std::bad_alloc();

  size_t index_bytes = index_.size() * kIndexEntrySize;
  std::string block;
  block.reserve(kBlockHeaderSize + index_bytes + compressed);
  char head[kBlockHeaderSize];
  Put32(head, kBlockMagic);
  Put32(head + 4, static_cast<uint32_t>(index_.size()));
  Put32(head + 8, static_cast<uint32_t>(compressed));
  Put32(head + 12, static_cast<uint32_t>(payload_.size()));
  Put64(head + 16, 0);  // reserved (flags)
  Put64(head + 24, 0);  // checksum, filled in below
  block.append(head, kBlockHeaderSize);
  for (const auto& e : index_) {
    char q[kIndexEntrySize];
    Put64(q, e.content_hash.low);
    Put64(q + 8, e.content_hash.high);
    Put64(q + 16, e.id_hash);
    block.append(q, kIndexEntrySize);
  }
  block.append(scratch.get(), compressed);
  Put64(block.data() + 24, BlockChecksum(block, block.size()));
  return block;
}

bool ParseBlock(std::string_view data, BlockInfo& info, std::vector<IndexEntry>* index, bool verify_checksum) {
  if (data.size() < kBlockHeaderSize) return false;
  const char* p = data.data();
  if (Get32(p) != kBlockMagic) return false;
  info.ad_count = Get32(p + 4);
  info.payload_bytes = Get32(p + 8);
  info.raw_bytes = Get32(p + 12);
  if (info.ad_count > kMaxBlockAds || info.payload_bytes > kMaxBlockBytes || info.raw_bytes > kMaxBlockBytes)
    return false;
  if (data.size() < info.total_bytes()) return false;
  if (verify_checksum && BlockChecksum(data, info.total_bytes()) != Get64(p + 24)) return false;
  if (index) {
    index->resize(info.ad_count);
    const char* q = p + kBlockHeaderSize;
    for (auto& e : *index) {
      e.content_hash.low = Get64(q);
      e.content_hash.high = Get64(q + 8);
      e.id_hash = Get64(q + 16);
      q += kIndexEntrySize;
    }
  }
  return true;
}

core::Status DecodeBlockAds(std::string_view block, const BlockInfo& info, uint32_t format,
                            const std::function<bool(core::Ad&, std::string&)>& fn) {
  std::string raw(info.raw_bytes, '\0');
  const char* payload = block.data() + kBlockHeaderSize + size_t(info.ad_count) * kIndexEntrySize;
  size_t n = ZSTD_decompress(raw.data(), raw.size(), payload, info.payload_bytes);
  if (ZSTD_isError(n) || n != info.raw_bytes)
    return core::Status::Error(core::StatusCode::kCorrupt, "block payload does not decompress");
  size_t pos = 0;
  core::Ad ad;
  std::string facts;
  for (uint32_t i = 0; i < info.ad_count; ++i) {
    if (!DecodeAd(raw, &pos, format, ad, facts))
      return core::Status::Error(core::StatusCode::kCorrupt, "block holds a malformed ad record");
    if (!fn(ad, facts)) break;
  }
  return core::Status::Ok();
}

}  // namespace lodestar::store
