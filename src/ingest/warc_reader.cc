// WARC/1.0 and WARC/1.1 reading (ISO 28500), e.g. wget --warc-file or Heritrix crawls.
//
// The reader cuts the (already decompressed) stream into records and keeps only
// HTML pages: 2xx `response` records with an HTML Content-Type, and HTML
// `resource` records. Everything else (warcinfo, request, metadata, revisit,
// images, redirects) is skipped silently, streaming past its block. The decoder
// re-validates the record, undoes chunked and gzip transfer coding and extracts
// the text.
//
// Damage: a record whose header or length is wrong is handed on as it stands (the
// decoder then quarantines it with the reason) and reading resumes at the next
// "WARC/1." line. A file that ends inside a record, or holds no further record
// after damage, ends with a kCorrupt error naming the byte offset.
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "core/time.h"
#include "core/utf8.h"
#include "ingest/byte_source.h"
#include "ingest/html_text.h"
#include "ingest/reader.h"

namespace lodestar::ingest {
using core::Status;
using core::StatusCode;

namespace {

constexpr size_t kMaxHeader = 1u << 20;    // WARC header block
constexpr uint64_t kMaxBlock = 64u << 20;  // HTML response kept in memory (and inflated size)
constexpr size_t kMaxRaw = 16u << 20;      // Ad.raw is cut beyond this
constexpr size_t kMaxBadRecord = 64u << 10;  // bytes of a damaged record kept for quarantine
constexpr size_t kSniff = 64u << 10;         // block prefix read to decide whether a response is HTML

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

bool ContainsIgnoreCase(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// End of a header block: returns {length of the headers, length including the blank line}.
// Accepts bare-LF line ends, which some tools write.
std::optional<std::pair<size_t, size_t>> FindHeaderEnd(std::string_view s, size_t limit) {
  s = s.substr(0, limit);
  size_t crlf = s.find("\r\n\r\n"), lf = s.find("\n\n");
  if (crlf == std::string_view::npos && lf == std::string_view::npos) return std::nullopt;
  if (lf < crlf) return std::make_pair(lf + 1, lf + 2);
  return std::make_pair(crlf + 2, crlf + 4);
}

// Calls fn(name, value) for each "Name: value" line after the first line of `block`.
template <typename Fn>
void ForEachHeader(std::string_view block, Fn fn) {
  size_t pos = block.find('\n');
  while (pos != std::string_view::npos && pos + 1 < block.size()) {
    size_t start = pos + 1;
    pos = block.find('\n', start);
    std::string_view line = block.substr(start, pos == std::string_view::npos ? block.npos : pos - start);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fn(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
}

std::optional<uint64_t> ParseLength(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Views into the parsed bytes: re-parse after the buffer under them changes.
struct WarcHeader {
  bool version_ok = false;
  std::optional<uint64_t> content_length;
  std::string_view type, content_type, target_uri, date;
};

WarcHeader ParseWarcHeader(std::string_view block) {
  WarcHeader h;
  h.version_ok = block.substr(0, 7) == "WARC/1.";
  ForEachHeader(block, [&](std::string_view name, std::string_view value) {
    if (EqualsIgnoreCase(name, "Content-Length")) h.content_length = ParseLength(value);
    else if (EqualsIgnoreCase(name, "WARC-Type")) h.type = value;
    else if (EqualsIgnoreCase(name, "Content-Type")) h.content_type = value;
    else if (EqualsIgnoreCase(name, "WARC-Target-URI")) h.target_uri = value;
    else if (EqualsIgnoreCase(name, "WARC-Date")) h.date = value;
  });
  return h;
}

struct HttpHeader {
  bool ok = false;
  int status = 0;
  size_t length = 0;  // bytes up to and including the blank line
  std::string_view content_type, transfer_encoding, content_encoding;
};

// Parses an HTTP response head. With a partial block (sniffing) the blank line may be missing.
HttpHeader ParseHttpHeader(std::string_view block) {
  HttpHeader h;
  if (block.substr(0, 5) != "HTTP/") return h;
  size_t sp = block.find(' ');
  if (sp == std::string_view::npos || sp + 4 > block.size()) return h;
  for (size_t i = sp + 1; i < sp + 4; ++i) {
    if (block[i] < '0' || block[i] > '9') return h;
    h.status = h.status * 10 + (block[i] - '0');
  }
  auto end = FindHeaderEnd(block, kMaxHeader);
  std::string_view head = end ? block.substr(0, end->first) : block;
  h.length = end ? end->second : block.size();
  ForEachHeader(head, [&](std::string_view name, std::string_view value) {
    if (EqualsIgnoreCase(name, "Content-Type")) h.content_type = value;
    else if (EqualsIgnoreCase(name, "Transfer-Encoding")) h.transfer_encoding = value;
    else if (EqualsIgnoreCase(name, "Content-Encoding")) h.content_encoding = value;
  });
  h.ok = true;
  return h;
}

bool IsHtmlType(std::string_view content_type) {
  return ContainsIgnoreCase(content_type, "text/html") || ContainsIgnoreCase(content_type, "xhtml");
}

bool LooksLikeHtml(std::string_view body) {
  size_t i = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return i != std::string_view::npos && body[i] == '<';
}

// Whether a record with this WARC header and block (or block prefix) is an HTML page to ingest.
bool IsHtmlRecord(const WarcHeader& h, std::string_view block) {
  if (EqualsIgnoreCase(h.type, "resource")) return IsHtmlType(h.content_type);
  if (!EqualsIgnoreCase(h.type, "response")) return false;
  if (!ContainsIgnoreCase(h.content_type, "application/http")) return false;
  HttpHeader http = ParseHttpHeader(block);
  if (!http.ok || http.status < 200 || http.status > 299) return false;
  if (!http.content_type.empty()) return IsHtmlType(http.content_type);
  return http.length < block.size() && LooksLikeHtml(block.substr(http.length));
}

// ---- Body decoding -----------------------------------------------------------

core::Result<std::string> Dechunk(std::string_view s) {
  std::string out;
  size_t pos = 0;
  for (;;) {
    size_t eol = s.find('\n', pos);
    if (eol == std::string_view::npos) break;  // cut short: keep what arrived
    std::string_view line = s.substr(pos, eol - pos);
    line = Trim(line.substr(0, line.find(';')));
    uint64_t size = 0;
    if (line.empty() || line.size() > 15)
      return Status::Error(StatusCode::kInvalidInput, "malformed chunked HTTP body: bad chunk size line");
    for (char c : line) {
      int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
              : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                      : -1;
      if (d < 0) return Status::Error(StatusCode::kInvalidInput, "malformed chunked HTTP body: bad chunk size");
      size = size * 16 + d;
    }
    pos = eol + 1;
    if (size == 0) break;
    size_t take = static_cast<size_t>(std::min<uint64_t>(size, s.size() - pos));
    out.append(s.substr(pos, take));
    pos += take;
    if (take < size) break;
    if (s.substr(pos, 2) == "\r\n") pos += 2;
    else if (s.substr(pos, 1) == "\n") pos += 1;
  }
  return out;
}

core::Result<std::string> Inflate(std::string_view in) {
  for (int window_bits : {15 + 32, -15}) {  // gzip or zlib, then raw deflate (some servers' "deflate")
    z_stream zs;
    std::memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, window_bits) != Z_OK) break;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    std::string out;
    char buf[1 << 16];
    int rc = Z_OK;
    while (rc == Z_OK) {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = inflate(&zs, Z_NO_FLUSH);
      out.append(buf, sizeof buf - zs.avail_out);
      if (out.size() > kMaxBlock) {
        inflateEnd(&zs);
        return Status::Error(StatusCode::kInvalidInput,
                             fmt::format("compressed HTTP body inflates beyond {} MiB", kMaxBlock >> 20));
      }
      if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // truncated: keep what inflated
    }
    inflateEnd(&zs);
    if (rc == Z_STREAM_END || (!out.empty() && (rc == Z_OK || rc == Z_BUF_ERROR))) return out;
  }
  return Status::Error(StatusCode::kInvalidInput, "corrupt gzip/deflate HTTP body (Content-Encoding)");
}

// Windows-1252 (a superset of ISO-8859-1 in practice) to UTF-8, for pages that declare it.
std::string Cp1252ToUtf8(std::string_view s) {
  static const char16_t k80[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                   0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (unsigned char c : s) {
    char32_t cp = c < 0x80 ? c : c < 0xA0 ? k80[c - 0x80] : c;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] == '[') {
    rest = rest.substr(0, rest.find(']') + 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  std::string host(rest);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

class WarcDecoder : public RecordDecoder {
 public:
  Status Decode(const RawRecord& record, core::Ad& ad, DecodeStats& stats) override {
    std::string_view bytes = record.bytes;
    if (bytes.substr(0, 7) != "WARC/1.")
      return Invalid("not a WARC record: no 'WARC/1.0' or 'WARC/1.1' version line where a record should start");
    auto end = FindHeaderEnd(bytes, kMaxHeader);
    if (!end) return Invalid("WARC record header has no blank line ending it within 1 MiB");
    std::string_view header_text = bytes.substr(0, end->first);
    WarcHeader h = ParseWarcHeader(header_text);
    if (!h.content_length) return Invalid("WARC record has no valid Content-Length header");
    if (*h.content_length > kMaxBlock)
      return Invalid(fmt::format("WARC record block is {} bytes, larger than the {} MiB limit for one page",
                                 *h.content_length, kMaxBlock >> 20));
    std::string_view block = bytes.substr(end->second);
    if (block.size() != *h.content_length)
      return Invalid(fmt::format("WARC record Content-Length says {} bytes but the record holds {} before the next "
                                 "'WARC/1.' line; the header or the block is damaged",
                                 *h.content_length, block.size()));

    std::string_view http_head;
    std::string_view body = block;
    std::string decoded;
    std::string_view charset_from;
    if (EqualsIgnoreCase(h.type, "response")) {
      HttpHeader http = ParseHttpHeader(block);
      if (!http.ok) return Invalid("WARC response record does not hold an HTTP response (no 'HTTP/1.x NNN' line)");
      http_head = block.substr(0, http.length);
      body = block.substr(http.length);
      charset_from = http.content_type;
      if (ContainsIgnoreCase(http.transfer_encoding, "chunked")) {
        auto r = Dechunk(body);
        if (!r.ok()) return r.status();
        decoded = std::move(r).value();
        body = decoded;
      }
      std::string_view ce = Trim(http.content_encoding);
      if (EqualsIgnoreCase(ce, "gzip") || EqualsIgnoreCase(ce, "x-gzip") || EqualsIgnoreCase(ce, "deflate")) {
        auto r = Inflate(body);
        if (!r.ok()) return r.status();
        decoded = std::move(r).value();
        body = decoded;
      } else if (!ce.empty() && !EqualsIgnoreCase(ce, "identity")) {
        return Invalid(fmt::format("unsupported HTTP Content-Encoding '{}' (only gzip and deflate are decoded)",
                                   ce.substr(0, 40)));
      }
    } else {
      charset_from = h.content_type;
    }

    std::string page;
    if (!core::IsValidUtf8(body)) {
      if (ContainsIgnoreCase(charset_from, "1252") || ContainsIgnoreCase(charset_from, "8859-1") ||
          ContainsIgnoreCase(charset_from, "latin1") || ContainsIgnoreCase(charset_from, "latin-1")) {
        page = Cp1252ToUtf8(body);
      } else {
        page = core::RepairUtf8(body, &stats.utf8_repairs);
      }
      body = page;
    }
    HtmlText text = HtmlToText(body);

    ad.source_id.clear();
    ad.url.assign(h.target_uri);
    if (ad.url.size() >= 2 && ad.url.front() == '<' && ad.url.back() == '>') ad.url = ad.url.substr(1, ad.url.size() - 2);
    ad.source = HostOf(ad.url);
    ad.title = std::move(text.title);
    ad.body = std::move(text.text);
    ad.location.clear();
    ad.posted = 0;
    ad.crawled = h.date.empty() ? 0 : core::ParseTimestamp(h.date).value_or(0);
    stats.utf8_repairs += core::EnsureUtf8(ad.url) + core::EnsureUtf8(ad.source);
    if (ad.title.empty() && ad.body.empty()) return Invalid("HTML page has no visible text");

    ad.raw.clear();
    ad.raw.append(bytes.substr(0, end->second));
    ad.raw.append(http_head);
    ad.raw.append(body.substr(0, kMaxRaw - std::min(kMaxRaw, ad.raw.size())));
    stats.utf8_repairs += core::EnsureUtf8(ad.raw);
    return Status::Ok();
  }

 private:
  static Status Invalid(std::string message) { return Status::Error(StatusCode::kInvalidInput, std::move(message)); }
};

class WarcReader : public RecordReader {
 public:
  explicit WarcReader(std::unique_ptr<io::InputStream> in) : in_(std::move(in)), src_(*in_) {}

  core::Result<bool> Next(RawRecord& record) override {
    for (;;) {
      if (done_) return false;
      // Records are separated by blank lines; tolerate any number of them.
      for (;;) {
        if (auto st = src_.Want(1); !st.ok()) return st;
        std::string_view w = src_.window();
        size_t k = w.find_first_not_of("\r\n");
        src_.Consume(k == std::string_view::npos ? w.size() : k);
        if (k != std::string_view::npos || src_.eof()) break;
      }
      if (src_.window().empty()) return false;
      if (auto st = src_.Want(8); !st.ok()) return st;
      uint64_t start = src_.offset();
      ++record_number_;
      record.line = record_number_;
      record.byte_offset = start;

      if (src_.window().substr(0, 7) != "WARC/1.") {
        if (src_.window().size() < 7 && src_.eof()) return Truncated(start, "a record header");
        return Resync(record, 0, "no 'WARC/1.x' version line");
      }
      std::optional<std::pair<size_t, size_t>> end;
      for (;;) {
        end = FindHeaderEnd(src_.window(), kMaxHeader);
        if (end || src_.eof() || src_.window().size() > kMaxHeader) break;
        if (auto st = src_.Fill(); !st.ok()) return st;
      }
      if (!end) {
        if (src_.eof()) return Truncated(start, "its header");
        return Resync(record, 7, "header longer than 1 MiB");
      }
      WarcHeader h = ParseWarcHeader(src_.window().substr(0, end->first));
      if (!h.content_length) return Resync(record, end->second, "no valid Content-Length");
      uint64_t length = *h.content_length;
      size_t head = end->second;

      bool candidate = EqualsIgnoreCase(h.type, "response") || EqualsIgnoreCase(h.type, "resource");
      bool html = false;
      if (candidate) {
        if (auto st = src_.Want(head + std::min<uint64_t>(length, kSniff)); !st.ok()) return st;
        std::string_view w = src_.window();
        h = ParseWarcHeader(w.substr(0, end->first));  // Want() may have moved the window
        html = IsHtmlRecord(h, w.substr(head, std::min<uint64_t>(length, w.size() - head)));
      }
      if (!html || length > kMaxBlock) {
        // Not a page (or too big to hold): stream past the block. An oversized page is
        // still reported, as its header alone, so it is quarantined rather than lost.
        if (html) record.bytes.assign(src_.window().substr(0, head));
        src_.Consume(head);
        auto skipped = src_.Skip(length);
        if (!skipped.ok()) return skipped.status();
        if (*skipped < length) return Truncated(start, "its block");
        auto trailer = CheckTrailer();
        if (!trailer.ok()) return trailer.status();
        if (!*trailer) {
          // Content-Length was wrong; what follows is not a record boundary.
          if (html) return true;
          auto found = SkipToNextRecord(0, nullptr);
          if (!found.ok()) return found.status();
          if (!*found) {
            done_ = true;
            return Status::Error(StatusCode::kCorrupt,
                                 fmt::format("{}: WARC record {} at byte offset {} does not end where its "
                                             "Content-Length says and no further record follows; the rest of "
                                             "the file is unreadable",
                                             in_->path(), record_number_, start));
          }
          continue;
        }
        if (html) return true;
        continue;
      }
      if (auto st = src_.Want(head + length + 9); !st.ok()) return st;
      if (src_.window().size() < head + length) return Truncated(start, "its block");
      std::string_view w = src_.window();
      std::string_view after = w.substr(head + length, 4);
      size_t blank = after.find_first_not_of("\r\n");
      bool boundary_ok = blank == std::string_view::npos
                             ? (after.size() == 4 || src_.eof())
                             : w.substr(head + length + blank, 5) == "WARC/";
      if (!boundary_ok) return Resync(record, head, "Content-Length does not end at a record boundary");
      record.bytes.assign(w.substr(0, head + length));
      src_.Consume(head + length);
      return true;
    }
  }

  std::unique_ptr<RecordDecoder> NewDecoder() const override { return std::make_unique<WarcDecoder>(); }
  Format format() const override { return Format::kWarc; }
  uint64_t file_bytes_read() const override { return in_->file_bytes_read(); }

 private:
  Status Truncated(uint64_t start, const char* what) {
    done_ = true;
    return Status::Error(StatusCode::kCorrupt,
                         fmt::format("{}: WARC record {} at byte offset {} is cut short in {}; the file is truncated "
                                     "(records before it were read)",
                                     in_->path(), record_number_, start, what));
  }

  // After a block: consumes the blank lines that end a record. Returns false when
  // something other than the next record or end of input follows.
  core::Result<bool> CheckTrailer() {
    if (auto st = src_.Want(9); !st.ok()) return st;
    std::string_view w = src_.window();
    size_t k = w.find_first_not_of("\r\n");
    if (k == std::string_view::npos) return src_.eof() || w.size() >= 4;
    return w.substr(k, 5) == "WARC/";
  }

  // Finds the next line starting with "WARC/1." at or after window offset `from`,
  // consuming everything before it. Up to kMaxBadRecord of the consumed bytes go to `kept`.
  core::Result<bool> SkipToNextRecord(size_t from, std::string* kept) {
    for (;;) {
      std::string_view w = src_.window();
      size_t pos = from;
      for (;;) {
        pos = w.find("WARC/1.", pos);
        if (pos == std::string_view::npos || pos == 0 || w[pos - 1] == '\n') break;
        ++pos;
      }
      size_t cut = pos != std::string_view::npos ? pos : (w.size() > 8 ? w.size() - 8 : 0);
      if (src_.eof() && pos == std::string_view::npos) cut = w.size();
      if (kept && kept->size() < kMaxBadRecord)
        kept->append(w.substr(0, std::min(cut, kMaxBadRecord - kept->size())));
      src_.Consume(cut);
      if (pos != std::string_view::npos) return true;
      if (src_.eof()) return false;
      // The kept 8-byte tail was searched already; a match can only start after its first byte.
      if (cut > 0) from = 1;
      if (auto st = src_.Fill(); !st.ok()) return st;
    }
  }

  // A damaged record: hand over its bytes (for quarantine) and resume at the next record.
  core::Result<bool> Resync(RawRecord& record, size_t search_from, const char* why) {
    record.bytes.clear();
    auto found = SkipToNextRecord(std::max<size_t>(search_from, 1), &record.bytes);
    if (!found.ok()) return found.status();
    if (!*found) {
      done_ = true;
      return Status::Error(StatusCode::kCorrupt,
                           fmt::format("{}: damaged WARC record {} at byte offset {} ({}) and no further record "
                                       "follows; the rest of the file is unreadable",
                                       in_->path(), record_number_, record.byte_offset, why));
    }
    return true;
  }

  std::unique_ptr<io::InputStream> in_;
  ByteSource src_;
  uint64_t record_number_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<RecordReader> NewWarcReader(std::unique_ptr<io::InputStream> in, const FieldMap&) {
  return std::make_unique<WarcReader>(std::move(in));
}

}  // namespace lodestar::ingest
