#include "io/memory_stream.h"

#include <algorithm>
#include <cstring>

namespace lodestar::io {
namespace {

class MemoryStream : public InputStream {
 public:
  MemoryStream(std::string bytes, std::string name) : bytes_(std::move(bytes)) { path_ = std::move(name); }
  core::Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, bytes_.size() - pos_);
    if (k > 0) std::memcpy(buf, bytes_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  uint64_t file_bytes_read() const override { return pos_; }
  Compression compression() const override { return Compression::kNone; }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

}  // namespace

std::unique_ptr<InputStream> NewMemoryStream(std::string bytes, std::string name) {
  return std::make_unique<MemoryStream>(std::move(bytes), std::move(name));
}

}  // namespace lodestar::io
