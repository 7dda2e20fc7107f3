#include "link/ad_features.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace lodestar::link {
using core::Result;
using core::Status;
using core::StatusCode;

namespace {
constexpr uint32_t kFeatureVersion = 1;

void PutVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutString(const std::string& s, std::string& out) {
  PutVarint(s.size(), out);
  out += s;
}
template <typename T>
void PutRaw(const T& v, std::string& out) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

struct Reader {
  const std::string& d;
  size_t pos = 0;
  bool ok = true;
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && pos < d.size(); shift += 7) {
      uint8_t b = static_cast<uint8_t>(d[pos++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::string String() {
    uint64_t n = Varint();
    if (!ok || n > d.size() - pos) {
      ok = false;
      return {};
    }
    std::string s = d.substr(pos, n);
    pos += n;
    return s;
  }
  template <typename T>
  T Raw() {
    T v{};
    if (d.size() - pos < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, d.data() + pos, sizeof v);
    pos += sizeof v;
    return v;
  }
};

void Encode(const AdFeatures& f, std::string& out) {
  PutString(f.id, out);
  out.append(reinterpret_cast<const char*>(f.signature.data()), sizeof f.signature);
  PutRaw(f.posted, out);
  PutString(f.site, out);
  PutString(f.city, out);
  PutString(f.admin1, out);
  PutString(f.country, out);
  PutRaw(f.lat, out);
  PutRaw(f.lon, out);
  PutVarint(f.ages.size(), out);
  for (int a : f.ages) PutVarint(static_cast<uint64_t>(a), out);
  PutVarint(f.prices_per_hour.size(), out);
  for (double p : f.prices_per_hour) PutRaw(p, out);
  PutVarint(f.identifiers.size(), out);
  for (const auto& i : f.identifiers) PutString(i, out);
}

std::string CountPath(const std::string& dir) { return dir + "/features.count"; }
std::string DataPath(const std::string& dir) { return dir + "/features.bin"; }
}  // namespace

Result<std::vector<AdFeatures>> FeatureFile::Load() const {
  std::vector<AdFeatures> out;
  uint64_t count = 0, bytes = 0;
  uint32_t version = 0;
  {
    std::ifstream in(CountPath(dir_));
    if (!in) return out;  // never linked
    in >> version >> count >> bytes;
  }
  if (version != kFeatureVersion)
    return Status::Error(StatusCode::kIncompatible,
                         fmt::format("{}: link features of another version; delete {} and run `lodestar link` again",
                                     dir_, dir_));
  std::ifstream in(DataPath(dir_), std::ios::binary);
  std::string data(bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(bytes));
  if (static_cast<uint64_t>(in.gcount()) != bytes) data.clear();
  Reader r{data};
  out.resize(count);
  for (auto& f : out) {
    f.id = r.String();
    if (data.size() - std::min(data.size(), r.pos) < sizeof f.signature) r.ok = false;
    if (!r.ok) break;
    std::memcpy(f.signature.data(), data.data() + r.pos, sizeof f.signature);
    r.pos += sizeof f.signature;
    f.posted = r.Raw<int64_t>();
    f.site = r.String();
    f.city = r.String();
    f.admin1 = r.String();
    f.country = r.String();
    f.lat = r.Raw<double>();
    f.lon = r.Raw<double>();
    f.ages.resize(std::min<uint64_t>(r.Varint(), 1024));
    for (auto& a : f.ages) a = static_cast<int>(r.Varint());
    f.prices_per_hour.resize(std::min<uint64_t>(r.Varint(), 1024));
    for (auto& p : f.prices_per_hour) p = r.Raw<double>();
    f.identifiers.resize(std::min<uint64_t>(r.Varint(), 4096));
    for (auto& i : f.identifiers) i = r.String();
    if (!r.ok) break;
  }
  if (!r.ok)
    return Status::Error(StatusCode::kCorrupt,
                         fmt::format("{}: link features are damaged; delete {} and run `lodestar link` again",
                                     DataPath(dir_), dir_));
  // Bytes past `count` records are an append that never committed; the next
  // Append() truncates them.
  return out;
}

Status FeatureFile::Append(const std::vector<AdFeatures>& records, uint64_t committed) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  // Cut anything beyond the committed records (a crashed earlier append).
  uint64_t count = 0, keep = 0;
  uint32_t version = 0;
  {
    std::ifstream in(CountPath(dir_));
    if (in) in >> version >> count >> keep;
  }
  if (count != committed)
    return Status::Error(StatusCode::kCorrupt, fmt::format("{}: feature count changed underneath", dir_));
  std::string bytes;
  for (const auto& f : records) Encode(f, bytes);
  int fd = ::open(DataPath(dir_).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot open: {}", DataPath(dir_), std::strerror(errno)));
  bool ok = ::ftruncate(fd, static_cast<off_t>(keep)) == 0 && ::lseek(fd, 0, SEEK_END) >= 0;
  size_t done = 0;
  while (ok && done < bytes.size()) {
    ssize_t w = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) ok = false; else done += static_cast<size_t>(w);
  }
  ok = ok && ::fdatasync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::Error(StatusCode::kIoError, fmt::format("{}: write failed: {}", DataPath(dir_), std::strerror(errno)));
  std::string tmp = CountPath(dir_) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << kFeatureVersion << " " << committed + records.size() << " " << keep + bytes.size() << "\n";
    if (!out) return Status::Error(StatusCode::kIoError, fmt::format("{}: cannot write", tmp));
  }
  if (std::rename(tmp.c_str(), CountPath(dir_).c_str()) != 0)
    return Status::Error(StatusCode::kIoError, fmt::format("{}: rename failed", CountPath(dir_)));
  return Status::Ok();
}

}  // namespace lodestar::link
