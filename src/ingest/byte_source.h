// Internal to ingest: a growable look-ahead window over an InputStream, for
// readers whose records are not single lines (CSV with quoted newlines, WARC).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/status.h"
#include "io/input_stream.h"

namespace lodestar::ingest {

class ByteSource {
 public:
  explicit ByteSource(io::InputStream& in, size_t chunk = 1 << 18) : in_(in), chunk_(chunk) {}

  // Unconsumed bytes in the window (valid until the next Fill/Want/Consume).
  std::string_view window() const { return std::string_view(buf_.data() + begin_, end_ - begin_); }
  // Offset in the stream of window()[0].
  uint64_t offset() const { return offset_; }
  bool eof() const { return eof_; }

  // Reads one more chunk into the window (keeping what is there). Sets eof() at end of input.
  core::Status Fill() {
    if (eof_) return core::Status::Ok();
    if (begin_ > 0 && (begin_ >= buf_.size() / 2 || end_ + chunk_ > buf_.size())) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buf_.size() < end_ + chunk_) buf_.resize(std::max(buf_.size() * 2, end_ + chunk_));
    auto r = in_.Read(buf_.data() + end_, chunk_);
    if (!r.ok()) return r.status();
    if (*r == 0) eof_ = true;
    end_ += *r;
    return core::Status::Ok();
  }

  // Fills until the window holds at least `n` bytes or the input ends.
  core::Status Want(size_t n) {
    while (end_ - begin_ < n && !eof_)
      if (auto st = Fill(); !st.ok()) return st;
    return core::Status::Ok();
  }

  void Consume(size_t n) {
    n = std::min(n, end_ - begin_);
    begin_ += n;
    offset_ += n;
  }

  // Discards `n` bytes, reading through the stream as needed without buffering them.
  // Returns the number actually skipped (less than `n` only at end of input).
  core::Result<uint64_t> Skip(uint64_t n) {
    uint64_t skipped = 0;
    while (skipped < n) {
      if (begin_ == end_) {
        if (eof_) break;
        begin_ = end_ = 0;
        if (auto st = Fill(); !st.ok()) return st;
        continue;
      }
      size_t k = static_cast<size_t>(std::min<uint64_t>(n - skipped, end_ - begin_));
      Consume(k);
      skipped += k;
    }
    return skipped;
  }

 private:
  io::InputStream& in_;
  size_t chunk_;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

}  // namespace lodestar::ingest
