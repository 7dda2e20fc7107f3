#include "io/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace lodestar::io {
using core::Result;
using core::Status;
using core::StatusCode;

namespace {

constexpr size_t kChunk = 1 << 18;

class FileStream : public InputStream {
 public:
  FileStream(int fd, std::string path) : fd_(fd) { path_ = std::move(path); }
  ~FileStream() override {
    if (fd_ > 0) ::close(fd_);
  }
  Result<size_t> Read(char* buf, size_t n) override {
    // Bytes that were read ahead while sniffing are served first.
    if (pushback_pos_ < pushback_.size()) {
      size_t k = std::min(n, pushback_.size() - pushback_pos_);
      std::memcpy(buf, pushback_.data() + pushback_pos_, k);
      pushback_pos_ += k;
      return k;
    }
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        bytes_ += r;
        return static_cast<size_t>(r);
      }
      if (errno == EINTR) continue;
      return Status::Error(StatusCode::kIoError, fmt::format("{}: read failed: {}", path_, std::strerror(errno)));
    }
  }
  uint64_t file_bytes_read() const override { return bytes_; }
  Compression compression() const override { return Compression::kNone; }
  void Unread(std::string bytes) {
    pushback_ = std::move(bytes);
    pushback_pos_ = 0;
    bytes_ -= pushback_.size();
  }

 private:
  int fd_;
  uint64_t bytes_ = 0;
  std::string pushback_;
  size_t pushback_pos_ = 0;
};

class GzipStream : public InputStream {
 public:
  explicit GzipStream(std::unique_ptr<FileStream> file) : file_(std::move(file)), in_(kChunk) {
    path_ = file_->path();
    std::memset(&zs_, 0, sizeof zs_);
    inflateInit2(&zs_, 15 + 32);  // 32: accept gzip and zlib headers
  }
  ~GzipStream() override { inflateEnd(&zs_); }
  Result<size_t> Read(char* buf, size_t n) override {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n) {
      if (zs_.avail_in == 0) {
        if (file_eof_) break;
        auto r = file_->Read(in_.data(), in_.size());
        if (!r.ok()) return r.status();
        if (*r == 0) {
          file_eof_ = true;
          if (!member_done_)
            return Status::Error(StatusCode::kCorrupt,
                                 fmt::format("{}: gzip stream is truncated; the file may be incomplete", path_));
          break;
        }
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(*r);
      }
      member_done_ = false;
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Another member may follow (WARC files are one gzip member per record).
        member_done_ = true;
        inflateReset(&zs_);
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::Error(StatusCode::kCorrupt, fmt::format("{}: corrupt gzip data ({})", path_,
                                                               zs_.msg ? zs_.msg : "inflate error"));
      }
    }
    return n - zs_.avail_out;
  }
  uint64_t file_bytes_read() const override { return file_->file_bytes_read(); }
  Compression compression() const override { return Compression::kGzip; }

 private:
  std::unique_ptr<FileStream> file_;
  std::vector<char> in_;
  z_stream zs_;
  bool file_eof_ = false, member_done_ = false;
};

class ZstdStream : public InputStream {
 public:
  explicit ZstdStream(std::unique_ptr<FileStream> file)
      : file_(std::move(file)), in_(ZSTD_DStreamInSize()), ds_(ZSTD_createDStream()) {
    path_ = file_->path();
    ZSTD_initDStream(ds_);
  }
  ~ZstdStream() override { ZSTD_freeDStream(ds_); }
  Result<size_t> Read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (input_.pos == input_.size) {
        if (file_eof_) break;
        auto r = file_->Read(in_.data(), in_.size());
        if (!r.ok()) return r.status();
        if (*r == 0) {
          file_eof_ = true;
          if (last_ret_ != 0)
            return Status::Error(StatusCode::kCorrupt,
                                 fmt::format("{}: zstd stream is truncated; the file may be incomplete", path_));
          break;
        }
        input_ = ZSTD_inBuffer{in_.data(), *r, 0};
      }
      size_t ret = ZSTD_decompressStream(ds_, &out, &input_);
      if (ZSTD_isError(ret))
        return Status::Error(StatusCode::kCorrupt,
                             fmt::format("{}: corrupt zstd data ({})", path_, ZSTD_getErrorName(ret)));
      last_ret_ = ret;
    }
    return out.pos;
  }
  uint64_t file_bytes_read() const override { return file_->file_bytes_read(); }
  Compression compression() const override { return Compression::kZstd; }

 private:
  std::unique_ptr<FileStream> file_;
  std::vector<char> in_;
  ZSTD_DStream* ds_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  size_t last_ret_ = 0;
  bool file_eof_ = false;
};

}  // namespace

uint64_t FileSize(const std::string& path) {
  struct stat st;
  if (path == "-" || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  return static_cast<uint64_t>(st.st_size);
}

Result<std::unique_ptr<InputStream>> OpenInput(const std::string& path) {
  int fd = 0;
  if (path != "-") {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      return Status::Error(StatusCode::kInvalidInput,
                           fmt::format("{}: is a directory; pass the files inside it", path));
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      auto code = errno == ENOENT ? StatusCode::kNotFound : StatusCode::kIoError;
      return Status::Error(code, fmt::format("{}: cannot open: {}; check the path and permissions", path,
                                             std::strerror(errno)));
    }
  }
  auto file = std::make_unique<FileStream>(fd, path);
  std::string magic(4, '\0');
  size_t got = 0;
  while (got < 4) {
    auto r = file->Read(magic.data() + got, 4 - got);
    if (!r.ok()) return r.status();
    if (*r == 0) break;
    got += *r;
  }
  magic.resize(got);
  file->Unread(magic);
  if (got >= 2 && uint8_t(magic[0]) == 0x1f && uint8_t(magic[1]) == 0x8b)
    return std::unique_ptr<InputStream>(std::make_unique<GzipStream>(std::move(file)));
  if (got == 4 && magic == std::string("\x28\xb5\x2f\xfd", 4))
    return std::unique_ptr<InputStream>(std::make_unique<ZstdStream>(std::move(file)));
  return std::unique_ptr<InputStream>(std::move(file));
}

LineReader::LineReader(InputStream& in, size_t buffer_size) : in_(in), buf_(buffer_size, '\0') {}

Status LineReader::Fill() {
  // Move the unconsumed tail to the front, then read more after it.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) return Status::Ok();
  auto r = in_.Read(buf_.data() + end_, buf_.size() - end_);
  if (!r.ok()) return r.status();
  if (*r == 0) eof_ = true;
  end_ += *r;
  return Status::Ok();
}

Result<bool> LineReader::Next(std::string_view& line, uint64_t& line_number, uint64_t& offset) {
  long_line_.clear();
  bool spilled = false;
  uint64_t start_offset = offset_;
  for (;;) {
    const char* nl = static_cast<const char*>(std::memchr(buf_.data() + begin_, '\n', end_ - begin_));
    if (nl) {
      size_t len = nl - (buf_.data() + begin_);
      std::string_view piece(buf_.data() + begin_, len);
      begin_ += len + 1;
      offset_ += len + 1;
      if (spilled) {
        long_line_.append(piece);
        line = long_line_;
      } else {
        line = piece;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      line_number = ++line_number_;
      offset = start_offset;
      return true;
    }
    if (eof_) {
      if (begin_ == end_ && !spilled) return false;
      std::string_view piece(buf_.data() + begin_, end_ - begin_);
      offset_ += piece.size();
      begin_ = end_;
      if (spilled) {
        long_line_.append(piece);
        line = long_line_;
      } else {
        line = piece;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      line_number = ++line_number_;
      offset = start_offset;
      return true;
    }
    if (begin_ == 0 && end_ == buf_.size()) {
      // A line longer than the buffer: spill what we have and keep reading.
      long_line_.append(buf_.data(), end_);
      offset_ += end_;
      begin_ = end_ = 0;
      spilled = true;
    }
    auto st = Fill();
    if (!st.ok()) return st;
  }
}

}  // namespace lodestar::io
