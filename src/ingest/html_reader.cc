// A saved HTML page is one ad: the whole file is one record.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/utf8.h"
#include "ingest/html_text.h"
#include "ingest/reader.h"

namespace lodestar::ingest {
using core::Status;
using core::StatusCode;

namespace {

constexpr size_t kMaxPage = 64u << 20;

std::string HostOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (rest.empty() || rest[0] != '[') rest = rest.substr(0, rest.find(':'));
  std::string host(rest);
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

class HtmlDecoder : public RecordDecoder {
 public:
  Status Decode(const RawRecord& record, core::Ad& ad, DecodeStats& stats) override {
    if (record.bytes.size() > kMaxPage)
      return Status::Error(StatusCode::kInvalidInput,
                           fmt::format("HTML file is larger than {} MiB; it is not a single ad page", kMaxPage >> 20));
    std::string_view html = record.bytes;
    std::string repaired;
    if (!core::IsValidUtf8(html)) {
      repaired = core::RepairUtf8(html, &stats.utf8_repairs);
      html = repaired;
    }
    HtmlText page = HtmlToText(html);
    ad.source_id.clear();
    ad.url = std::move(page.url);
    ad.source = HostOf(ad.url);
    ad.title = std::move(page.title);
    ad.body = std::move(page.text);
    ad.location.clear();
    ad.posted = ad.crawled = 0;
    if (ad.title.empty() && ad.body.empty())
      return Status::Error(StatusCode::kInvalidInput, "HTML page has no title and no visible text");
    ad.raw.assign(html);
    return Status::Ok();
  }
};

class HtmlReader : public RecordReader {
 public:
  explicit HtmlReader(std::unique_ptr<io::InputStream> in) : in_(std::move(in)) {}

  core::Result<bool> Next(RawRecord& record) override {
    if (done_) return false;
    done_ = true;
    record.bytes.clear();
    record.line = 1;
    record.byte_offset = 0;
    // Read one byte past the limit so the decoder can tell "too large"; drain the rest
    // so progress reaches the end of the file.
    char buf[1 << 16];
    for (;;) {
      auto n = in_->Read(buf, sizeof buf);
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      if (record.bytes.size() <= kMaxPage) record.bytes.append(buf, std::min(*n, kMaxPage + 1 - record.bytes.size()));
    }
    return true;
  }

  std::unique_ptr<RecordDecoder> NewDecoder() const override { return std::make_unique<HtmlDecoder>(); }
  Format format() const override { return Format::kHtml; }
  uint64_t file_bytes_read() const override { return in_->file_bytes_read(); }

 private:
  std::unique_ptr<io::InputStream> in_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<RecordReader> NewHtmlReader(std::unique_ptr<io::InputStream> in, const FieldMap&) {
  return std::make_unique<HtmlReader>(std::move(in));
}

}  // namespace lodestar::ingest
