#include "store/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/block.h"
#include "store/hash_set.h"

namespace lodestar::store {
using core::Result;
using core::Status;
using core::StatusCode;
namespace fs = std::filesystem;

namespace {

constexpr char kSegmentMagic[8] = {'L', 'D', 'S', 'E', 'G', 0, 0, 1};
constexpr size_t kSegmentHeaderSize = 16;
constexpr uint32_t kSealMagic = 0x4C414553;  // "SEAL"
constexpr size_t kSealSize = 32;
constexpr uint64_t kSegmentRollBytes = 1ull << 30;

Status IoError(const std::string& what, const std::string& path) {
  int e = errno;
  std::string hint = e == ENOSPC ? "the disk is full; free space and run again (committed ads are kept)"
                                 : "check the path and permissions";
  return Status::Error(StatusCode::kIoError, fmt::format("{}: {} failed: {}; {}", path, what, std::strerror(e), hint));
}

Status WriteAll(int fd, const char* data, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path);
    }
    data += w;
    n -= static_cast<size_t>(w);
  }
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("open", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  return rc == 0 ? Status::Ok() : IoError("fsync", dir);
}

// Drops a partial last line left by a crash in an append-only JSON Lines file.
Status TrimTornLine(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Ok();
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  auto size = static_cast<uint64_t>(in.tellg());
  if (size == 0) return Status::Ok();
  // Scan backwards for the last newline.
  const uint64_t step = 4096;
  uint64_t end = size;
  std::string buf;
  while (end > 0) {
    uint64_t begin = end > step ? end - step : 0;
    buf.resize(end - begin);
    in.seekg(static_cast<std::streamoff>(begin));
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    auto nl = buf.rfind('\n');
    if (nl != std::string::npos) {
      uint64_t keep = begin + nl + 1;
      if (keep != size && ::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) return IoError("truncate", path);
      return Status::Ok();
    }
    end = begin;
  }
  if (::truncate(path.c_str(), 0) != 0) return IoError("truncate", path);
  return Status::Ok();
}

uint64_t QuarantineKey(const std::string& file, uint64_t offset, const std::string& raw) {
  XXH3_state_t* st = XXH3_createState();
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, file.data(), file.size());
  XXH3_64bits_update(st, &offset, sizeof offset);
  XXH3_64bits_update(st, raw.data(), raw.size());
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  return h;
}

// A read-only memory map of a whole file.
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> Open(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("open", path);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return IoError("stat", path);
    }
    auto m = std::make_shared<MappedFile>();
    m->size_ = static_cast<size_t>(st.st_size);
    if (m->size_ > 0) {
      void* p = ::mmap(nullptr, m->size_, PROT_READ, MAP_PRIVATE, fd, 0);
      if (p == MAP_FAILED) {
        ::close(fd);
        return IoError("mmap", path);
      }
      m->data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return m;
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

struct Segment {
  std::string path;
  uint64_t valid_bytes = 0;  // header + valid blocks (+ seal)
  bool sealed = false;
  std::vector<BlockInfo> blocks;
  uint64_t ad_count = 0;
};

}  // namespace

struct Store::Impl {
  std::string dir;
  uint32_t format = kFormatVersion;  // from the STORE marker
  Mode mode = Mode::kRead;
  int lock_fd = -1;
  std::vector<Segment> segments;
  ContentHashSet hashes;
  std::unordered_set<uint64_t> quarantine_keys;
  // Writer state.
  int seg_fd = -1;
  std::string seg_path;
  uint64_t seg_bytes = 0, seg_blocks = 0, seg_ads = 0;
  int quarantine_fd = -1;
  uint32_t run_id = 0;

  ~Impl() {
    if (seg_fd >= 0) ::close(seg_fd);
    if (quarantine_fd >= 0) ::close(quarantine_fd);
    if (lock_fd >= 0) ::close(lock_fd);
  }

  std::string SegmentDir() const { return dir + "/segments"; }

  // Reads a segment's blocks. Sealed segments are trusted up to the seal
  // (only headers are read); others are verified block by block and end at the
  // first invalid block. Fills `index_out` with content hashes when given.
  Status LoadSegment(Segment& seg, ContentHashSet* hashes_out) {
    auto mapped = MappedFile::Open(seg.path);
    if (!mapped.ok()) return mapped.status();
    std::string_view data = (*mapped)->view();
    if (data.size() < kSegmentHeaderSize || std::memcmp(data.data(), kSegmentMagic, 8) != 0) {
      if (data.size() < kSegmentHeaderSize && mode == Mode::kAppend) {
        // A segment created just before a crash, before its header hit the disk.
        seg.valid_bytes = 0;
        return Status::Ok();
      }
      return Status::Error(StatusCode::kIncompatible,
                           fmt::format("{}: not a Lodestar segment of format {}; this store was written by another "
                                       "version: re-ingest the sources into a new --db directory",
                                       seg.path, kFormatVersion));
    }
    // A seal at the end says "this segment was closed cleanly with N blocks".
    uint64_t sealed_blocks = 0;
    if (data.size() >= kSegmentHeaderSize + kSealSize) {
      const char* s = data.data() + data.size() - kSealSize;
      uint32_t magic;
      uint64_t nblocks, check;
      std::memcpy(&magic, s, 4);
      std::memcpy(&nblocks, s + 8, 8);
      std::memcpy(&check, s + 24, 8);
      if (magic == kSealMagic && check == XXH3_64bits(s, 24)) {
        seg.sealed = true;
        sealed_blocks = nblocks;
      }
    }
    uint64_t pos = kSegmentHeaderSize;
    std::vector<IndexEntry> index;
    uint64_t limit = seg.sealed ? data.size() - kSealSize : data.size();
    while (pos < limit) {
      BlockInfo info;
      std::string_view rest = data.substr(pos, limit - pos);
      if (!ParseBlock(rest, info, hashes_out ? &index : nullptr, /*verify_checksum=*/!seg.sealed)) break;
      info.file_offset = pos;
      seg.blocks.push_back(info);
      seg.ad_count += info.ad_count;
      if (hashes_out)
        for (const auto& e : index) hashes_out->Insert(e.content_hash);
      pos += info.total_bytes();
    }
    if (seg.sealed && seg.blocks.size() != sealed_blocks) {
      return Status::Error(StatusCode::kCorrupt,
                           fmt::format("{}: sealed segment lists {} blocks but {} are readable; the file is damaged",
                                       seg.path, sealed_blocks, seg.blocks.size()));
    }
    seg.valid_bytes = seg.sealed ? data.size() : pos;
    return Status::Ok();
  }

  Status OpenNewSegment() {
    uint32_t number = 1;
    for (const auto& s : segments) {
      uint32_t n = static_cast<uint32_t>(std::stoul(fs::path(s.path).stem().string()));
      number = std::max(number, n + 1);
    }
    seg_path = fmt::format("{}/{:06d}.seg", SegmentDir(), number);
    seg_fd = ::open(seg_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (seg_fd < 0) return IoError("create", seg_path);
    char header[kSegmentHeaderSize] = {};
    std::memcpy(header, kSegmentMagic, 8);
    const uint32_t version = format;
    std::memcpy(header + 8, &version, 4);
    if (auto st = WriteAll(seg_fd, header, sizeof header, seg_path); !st.ok()) return st;
    if (::fdatasync(seg_fd) != 0) return IoError("fdatasync", seg_path);
    if (auto st = SyncDir(SegmentDir()); !st.ok()) return st;
    Segment seg;
    seg.path = seg_path;
    seg.valid_bytes = kSegmentHeaderSize;
    segments.push_back(seg);
    seg_bytes = kSegmentHeaderSize;
    seg_blocks = 0;
    seg_ads = 0;
    return Status::Ok();
  }

  Status SealCurrentSegment() {
    if (seg_fd < 0) return Status::Ok();
    char seal[kSealSize] = {};
    std::memcpy(seal, &kSealMagic, 4);
    std::memcpy(seal + 8, &seg_blocks, 8);
    std::memcpy(seal + 16, &seg_ads, 8);
    uint64_t check = XXH3_64bits(seal, 24);
    std::memcpy(seal + 24, &check, 8);
    if (auto st = WriteAll(seg_fd, seal, sizeof seal, seg_path); !st.ok()) return st;
    if (::fdatasync(seg_fd) != 0) return IoError("fdatasync", seg_path);
    ::close(seg_fd);
    seg_fd = -1;
    segments.back().sealed = true;
    return Status::Ok();
  }
};

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
  dir_ = impl_->dir;
  format_ = impl_->format;
}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, Mode mode) {
  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->mode = mode;
  std::error_code ec;
  const std::string marker = dir + "/STORE";
  if (!fs::exists(marker, ec)) {
    if (mode == Mode::kRead)
      return Status::Error(StatusCode::kNotFound,
                           fmt::format("{}: no Lodestar store here; create one with `lodestar ingest FILE --db {}`",
                                       dir, dir));
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      return Status::Error(StatusCode::kInvalidInput, fmt::format("{}: exists and is not a directory", dir));
    fs::create_directories(dir + "/segments", ec);
    if (ec)
      return Status::Error(StatusCode::kIoError,
                           fmt::format("{}: cannot create the store directory: {}", dir, ec.message()));
    // Write the marker atomically: a crash leaves either no store or a whole one.
    std::string tmp = marker + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return IoError("create", tmp);
    std::string text = fmt::format("lodestar-store {}\n", kFormatVersion);
    auto st = WriteAll(fd, text.data(), text.size(), tmp);
    if (st.ok() && ::fsync(fd) != 0) st = IoError("fsync", tmp);
    ::close(fd);
    if (!st.ok()) return st;
    if (::rename(tmp.c_str(), marker.c_str()) != 0) return IoError("rename", marker);
    if (auto s = SyncDir(dir); !s.ok()) return s;
  }
  {
    std::ifstream in(marker);
    std::string name;
    uint32_t version = 0;
    in >> name >> version;
    if (name != "lodestar-store" || version < kFormatLiteralFields || version > kFormatVersion)
      return Status::Error(StatusCode::kIncompatible,
                           fmt::format("{}: store format '{} {}' is not supported by this lodestar (formats 1 to {}); "
                                       "use the matching lodestar version or re-ingest into a new --db directory",
                                       dir, name, version, kFormatVersion));
    impl->format = version;
  }
  if (mode == Mode::kAppend) {
    std::string lock = dir + "/LOCK";
    impl->lock_fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (impl->lock_fd < 0) return IoError("open", lock);
    if (::flock(impl->lock_fd, LOCK_EX | LOCK_NB) != 0)
      return Status::Error(StatusCode::kIoError,
                           fmt::format("{}: another lodestar process is writing to this store; wait for it to finish",
                                       dir));
  }
  // Load segments in name order.
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(impl->SegmentDir(), ec))
    if (entry.path().extension() == ".seg") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  uint64_t ads = 0;
  for (const auto& p : paths) {
    Segment seg;
    seg.path = p;
    auto st = impl->LoadSegment(seg, mode == Mode::kAppend ? &impl->hashes : nullptr);
    if (!st.ok()) return st;
    if (mode == Mode::kAppend && !seg.sealed) {
      // Repair a crash: cut the torn tail and seal what is valid, so later opens are fast.
      if (seg.valid_bytes == 0) {
        ::unlink(p.c_str());
        continue;
      }
      if (::truncate(p.c_str(), static_cast<off_t>(seg.valid_bytes)) != 0) return IoError("truncate", p);
      impl->seg_fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
      if (impl->seg_fd < 0) return IoError("open", p);
      impl->seg_path = p;
      impl->seg_blocks = seg.blocks.size();
      impl->seg_ads = seg.ad_count;
      impl->segments.push_back(seg);
      if (auto s = impl->SealCurrentSegment(); !s.ok()) return s;
      impl->segments.back().valid_bytes += kSealSize;
      ads += seg.ad_count;
      continue;
    }
    ads += seg.ad_count;
    impl->segments.push_back(std::move(seg));
  }
  uint64_t quarantined = 0;
  const std::string qpath = dir + "/quarantine.jsonl";
  if (mode == Mode::kAppend) {
    if (auto s = TrimTornLine(qpath); !s.ok()) return s;
    if (auto s = TrimTornLine(dir + "/runs.jsonl"); !s.ok()) return s;
  }
  {
    std::ifstream in(qpath);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      ++quarantined;
      if (mode == Mode::kAppend) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded())
          impl->quarantine_keys.insert(QuarantineKey(j.value("file", ""), j.value("offset", uint64_t(0)),
                                                     j.value("raw", "")));
      }
    }
  }
  auto store = std::unique_ptr<Store>(new Store(std::move(impl)));
  store->ad_count_ = ads;
  store->quarantine_count_ = quarantined;
  return store;
}

Result<uint32_t> Store::BeginRun(const std::vector<RunFile>& files) {
  auto& im = *impl_;
  const std::string runs = dir_ + "/runs.jsonl";
  uint32_t last = 0;
  {
    std::ifstream in(runs);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (!j.is_discarded()) last = std::max(last, j.value("run", 0u));
    }
  }
  im.run_id = last + 1;
  nlohmann::json j;
  j["run"] = im.run_id;
  j["event"] = "start";
  j["started"] = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  j["format"] = im.format;
  j["files"] = nlohmann::json::array();
  for (const auto& f : files) j["files"].push_back({{"path", f.path}, {"size", f.size}, {"mtime", f.mtime}});
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  int fd = ::open(runs.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("open", runs);
  auto st = WriteAll(fd, text.data(), text.size(), runs);
  if (st.ok() && ::fdatasync(fd) != 0) st = IoError("fdatasync", runs);
  ::close(fd);
  if (!st.ok()) return st;
  if (im.seg_fd >= 0) {
    // The repaired segment was sealed at open; every run starts a fresh segment.
    im.seg_fd = -1;
  }
  if (auto s = im.OpenNewSegment(); !s.ok()) return s;
  const std::string qpath = dir_ + "/quarantine.jsonl";
  im.quarantine_fd = ::open(qpath.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (im.quarantine_fd < 0) return IoError("open", qpath);
  return im.run_id;
}

bool Store::InsertIfNew(const core::ContentHash& hash) { return impl_->hashes.Insert(hash); }

Status Store::AppendBlock(const std::string& block, uint32_t ad_count) {
  auto& im = *impl_;
  if (im.seg_fd < 0) return Status::Error(StatusCode::kIoError, "AppendBlock called before BeginRun");
  if (im.seg_bytes + block.size() > kSegmentRollBytes && im.seg_blocks > 0) {
    if (auto s = im.SealCurrentSegment(); !s.ok()) return s;
    if (auto s = im.OpenNewSegment(); !s.ok()) return s;
  }
  if (auto s = WriteAll(im.seg_fd, block.data(), block.size(), im.seg_path); !s.ok()) return s;
  BlockInfo info;
  info.file_offset = im.seg_bytes;
  info.ad_count = ad_count;
  std::memcpy(&info.payload_bytes, block.data() + 8, 4);
  std::memcpy(&info.raw_bytes, block.data() + 12, 4);
  im.segments.back().blocks.push_back(info);
  im.segments.back().ad_count += ad_count;
  im.seg_bytes += block.size();
  im.segments.back().valid_bytes = im.seg_bytes;
  im.seg_blocks++;
  im.seg_ads += ad_count;
  ad_count_ += ad_count;
  return Status::Ok();
}

Result<bool> Store::AppendQuarantine(const QuarantineEntry& e) {
  auto& im = *impl_;
  if (!im.quarantine_keys.insert(QuarantineKey(e.file, e.byte_offset, e.raw)).second) return false;
  nlohmann::json j = {{"run", e.run_id}, {"file", e.file},     {"line", e.line},
                      {"offset", e.byte_offset}, {"reason", e.reason}, {"raw", e.raw}};
  std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::string qpath = dir_ + "/quarantine.jsonl";
  if (auto s = WriteAll(im.quarantine_fd, text.data(), text.size(), qpath); !s.ok()) return s;
  ++quarantine_count_;
  return true;
}

Status Store::Commit() {
  auto& im = *impl_;
  if (im.seg_fd >= 0 && ::fdatasync(im.seg_fd) != 0) return IoError("fdatasync", im.seg_path);
  if (im.quarantine_fd >= 0 && ::fdatasync(im.quarantine_fd) != 0)
    return IoError("fdatasync", dir_ + "/quarantine.jsonl");
  return Status::Ok();
}

Status Store::EndRun(uint64_t ads_new, uint64_t duplicates, uint64_t quarantined, uint64_t utf8_repairs) {
  auto& im = *impl_;
  if (auto s = Commit(); !s.ok()) return s;
  if (auto s = im.SealCurrentSegment(); !s.ok()) return s;
  nlohmann::json j = {{"run", im.run_id},
                      {"event", "end"},
                      {"finished", std::chrono::duration_cast<std::chrono::seconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()},
                      {"ads_new", ads_new},
                      {"duplicates", duplicates},
                      {"quarantined", quarantined},
                      {"utf8_repairs", utf8_repairs}};
  std::string text = j.dump() + "\n";
  const std::string runs = dir_ + "/runs.jsonl";
  int fd = ::open(runs.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("open", runs);
  auto st = WriteAll(fd, text.data(), text.size(), runs);
  if (st.ok() && ::fdatasync(fd) != 0) st = IoError("fdatasync", runs);
  ::close(fd);
  return st;
}

Status Store::ForEachAd(const std::function<bool(const StoredAd&)>& fn) const {
  uint64_t ordinal = 0;
  StoredAd stored;
  for (const auto& seg : impl_->segments) {
    if (seg.blocks.empty()) continue;
    auto mapped = MappedFile::Open(seg.path);
    if (!mapped.ok()) return mapped.status();
    std::string_view data = (*mapped)->view();
    bool stop = false;
    for (const auto& b : seg.blocks) {
      if (b.file_offset + b.total_bytes() > data.size())
        return Status::Error(StatusCode::kCorrupt, fmt::format("{}: block at {} is cut short", seg.path, b.file_offset));
      const std::string_view block = data.substr(b.file_offset, b.total_bytes());
      auto st = DecodeBlockAds(block, b, impl_->format, [&](core::Ad& ad, std::string& facts) {
        stored.ad = std::move(ad);
        stored.facts = std::move(facts);
        stored.ordinal = ordinal++;
        if (!fn(stored)) {
          stop = true;
          return false;
        }
        return true;
      });
      if (!st.ok())
        return Status::Error(st.code(), fmt::format("{}: block at byte {}: {}", seg.path, b.file_offset, st.message()));
      if (stop) return Status::Ok();
    }
  }
  return Status::Ok();
}

Result<std::optional<StoredAd>> Store::FindById(const std::string& id) const {
  const uint64_t want = IdHash(id);
  uint64_t ordinal = 0;
  for (const auto& seg : impl_->segments) {
    if (seg.blocks.empty()) continue;
    auto mapped = MappedFile::Open(seg.path);
    if (!mapped.ok()) return mapped.status();
    std::string_view data = (*mapped)->view();
    for (const auto& b : seg.blocks) {
      const char* idx = data.data() + b.file_offset + kBlockHeaderSize;
      for (uint32_t i = 0; i < b.ad_count; ++i) {
        uint64_t h;
        std::memcpy(&h, idx + size_t(i) * kIndexEntrySize + 16, 8);
        if (h != want) continue;
        std::optional<StoredAd> found;
        uint32_t k = 0;
        const std::string_view block = data.substr(b.file_offset, b.total_bytes());
        auto st = DecodeBlockAds(block, b, impl_->format, [&](core::Ad& ad, std::string& f) {
          if (k++ == i && ad.display_id() == id) {
            found = StoredAd{std::move(ad), std::move(f), ordinal + i};
            return false;
          }
          return true;
        });
        if (!st.ok()) return st;
        if (found) return found;
      }
      ordinal += b.ad_count;
    }
  }
  return std::optional<StoredAd>();
}

Status Store::ForEachQuarantined(const std::function<bool(const QuarantineEntry&)>& fn) const {
  std::ifstream in(dir_ + "/quarantine.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;  // a torn last line from a crash in progress
    QuarantineEntry e{j.value("run", 0u), j.value("file", ""), j.value("line", uint64_t(0)),
                      j.value("offset", uint64_t(0)), j.value("reason", ""), j.value("raw", "")};
    if (!fn(e)) break;
  }
  return Status::Ok();
}

std::string Store::RunFilePath(uint32_t run_id, uint32_t file_index) const {
  std::ifstream in(dir_ + "/runs.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || j.value("run", 0u) != run_id || !j.contains("files")) continue;
    const auto& files = j["files"];
    if (file_index < files.size()) return files[file_index].value("path", "");
  }
  return "";
}

uint32_t Store::run_count() const {
  std::ifstream in(dir_ + "/runs.jsonl");
  std::string line;
  uint32_t runs = 0;
  while (std::getline(in, line))
    if (line.find("\"event\":\"start\"") != std::string::npos) ++runs;
  return runs;
}

uint64_t Store::segment_bytes() const {
  uint64_t total = 0;
  for (const auto& s : impl_->segments) total += s.valid_bytes;
  return total;
}

}  // namespace lodestar::store
