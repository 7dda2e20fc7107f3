// Byte streams over input files, with transparent gzip and zstd decompression.
//
// OpenInput() sniffs the first bytes (not the file name): gzip (1f 8b, any number
// of concatenated members, as in WARC files with per-record gzip) and zstd
// (28 b5 2f fd, any number of frames) are decompressed on the fly; anything else
// is read as is. Memory is constant: one fixed-size buffer per stream.
// Not thread-safe; one stream per reading thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"

namespace lodestar::io {

enum class Compression { kNone, kGzip, kZstd };

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `n` bytes into `buf`. Returns the number read; 0 means end of input.
  // A corrupt compressed stream or a read error is a non-OK status naming the file.
  virtual core::Result<size_t> Read(char* buf, size_t n) = 0;
  // Bytes consumed from the underlying file so far (compressed bytes for .gz/.zst).
  virtual uint64_t file_bytes_read() const = 0;
  virtual Compression compression() const = 0;
  const std::string& path() const { return path_; }

 protected:
  std::string path_;
};

// Opens `path` ("-" = standard input). Fails with kNotFound / kIoError and a
// message that names the file.
core::Result<std::unique_ptr<InputStream>> OpenInput(const std::string& path);

// Size of the file in bytes, or 0 when unknown (stdin, pipes).
uint64_t FileSize(const std::string& path);

// Splits a stream into lines. Handles \n and \r\n, lines longer than the buffer,
// and a last line without a newline. The returned view is valid until the next call.
class LineReader {
 public:
  explicit LineReader(InputStream& in, size_t buffer_size = 1 << 20);
  // Returns false at end of input. `line_number` is 1-based; `offset` is the
  // byte offset of the line's first byte in the decompressed stream.
  core::Result<bool> Next(std::string_view& line, uint64_t& line_number, uint64_t& offset);

 private:
  core::Status Fill();
  InputStream& in_;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  uint64_t line_number_ = 0, offset_ = 0;
  std::string long_line_;
};

}  // namespace lodestar::io
