// CSV / TSV (RFC 4180 plus the usual deviations) reading.
//
// The reader only finds record boundaries: a newline ends a record unless it is
// inside a quoted field. Fields are split by the per-thread decoder, which also
// re-detects an unterminated quote and ragged rows. A record may span lines; a
// quote that never closes would swallow the rest of the file, so a record is cut
// at kMaxRecord bytes (or at end of input): its first line goes to quarantine and
// reading resumes on the next line.
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>

#include "core/json_text.h"
#include "core/time.h"
#include "core/utf8.h"
#include "ingest/byte_source.h"
#include "ingest/field_names.h"
#include "ingest/reader.h"

namespace lodestar::ingest {
using core::Status;
using core::StatusCode;

namespace {

constexpr size_t kMaxRecord = 16u << 20;
constexpr int kFields = static_cast<int>(AdField::kCount);

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimSpace(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

const char* DelimiterName(char d) { return d == '\t' ? "tab" : d == ';' ? "';'" : "','"; }

// Splits one record into fields. Lenient where RFC 4180 is silent or strict and
// files in the wild disagree: a quote inside an unquoted field is literal, and
// text after a closing quote is appended. Only a quote that never closes fails.
Status ParseFields(std::string_view rec, char delim, std::vector<std::string>& fields) {
  fields.clear();
  if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
  fields.emplace_back();
  size_t i = 0, n = rec.size();
  bool field_start = true;
  while (i < n) {
    char c = rec[i];
    if (field_start && c == '"') {
      size_t open = i++;
      for (;;) {
        size_t q = rec.find('"', i);
        if (q == std::string_view::npos)
          return Status::Error(StatusCode::kInvalidInput,
                               fmt::format("unterminated quoted field: the '\"' at byte {} of the record (field {}) "
                                           "never closes; fix the quoting (reading resumed on the next line)",
                                           open, fields.size()));
        fields.back().append(rec.substr(i, q - i));
        i = q + 1;
        if (i < n && rec[i] == '"') {  // "" is an escaped quote
          fields.back().push_back('"');
          ++i;
          continue;
        }
        break;
      }
      field_start = false;
      continue;
    }
    if (c == delim) {
      fields.emplace_back();
      field_start = true;
      ++i;
      continue;
    }
    size_t next = i;
    while (next < n && rec[next] != delim) ++next;
    fields.back().append(rec.substr(i, next - i));
    i = next;
    field_start = false;
  }
  return Status::Ok();
}

// Picks ',', ';' or tab: whichever occurs most (outside quotes) in the header line.
char DetectDelimiter(std::string_view header_line) {
  size_t comma = 0, semi = 0, tab = 0;
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    comma += c == ',';
    semi += c == ';';
    tab += c == '\t';
  }
  if (tab > comma && tab >= semi) return '\t';
  if (semi > comma) return ';';
  return ',';
}

class CsvDecoder : public RecordDecoder {
 public:
  CsvDecoder(std::vector<std::string> header, char delim, const FieldMap& map)
      : header_(std::move(header)), delim_(delim) {
    // Header names match case-insensitively: spreadsheets capitalise ("Title", "Body").
    for (int f = 0; f < kFields; ++f) {
      auto names = CandidateNames(static_cast<AdField>(f), map);
      for (size_t c = 0; c < header_.size(); ++c)
        for (size_t rank = 0; rank < names.size(); ++rank)
          if (EqualsIgnoreCase(TrimSpace(header_[c]), names[rank])) {
            columns_.push_back({c, f, int(rank)});
            break;
          }
    }
  }

  Status Decode(const RawRecord& record, core::Ad& ad, DecodeStats& stats) override {
    if (header_.empty())
      return Status::Error(StatusCode::kInvalidInput, "CSV file has no header row; the first row must name the columns");
    if (record.bytes.size() > kMaxRecord)
      return Status::Error(StatusCode::kInvalidInput,
                           fmt::format("CSV record is longer than {} MiB; split the row or fix its quoting",
                                       kMaxRecord >> 20));
    std::string_view text = record.bytes;
    std::string repaired;
    if (!core::IsValidUtf8(text)) {
      repaired = core::RepairUtf8(text, &stats.utf8_repairs);
      text = repaired;
    }
    if (auto st = ParseFields(text, delim_, fields_); !st.ok()) return st;
    if (fields_.size() != header_.size())
      return Status::Error(StatusCode::kInvalidInput,
                           fmt::format("row has {} fields but the header has {} (delimiter {}); check for an "
                                       "unquoted delimiter or a missing quote",
                                       fields_.size(), header_.size(), DelimiterName(delim_)));

    FieldValues value;
    std::array<int, kFields> best_rank;
    best_rank.fill(1 << 30);
    for (const auto& col : columns_) {
      std::string_view v = fields_[col.index];
      if (TrimSpace(v).empty() || col.rank >= best_rank[col.field]) continue;
      value[col.field] = v;
      best_rank[col.field] = col.rank;
    }
    AssignTextFields(value, ad);
    ad.posted = Timestamp(value[int(AdField::kPosted)]);
    ad.crawled = Timestamp(value[int(AdField::kCrawled)]);
    if (ad.title.empty() && ad.body.empty())
      return Status::Error(StatusCode::kInvalidInput,
                           "row has no text: no non-empty title, body, text, content, description column "
                           "(use --map body=COLUMN to name the text column)");

    // raw: the row as a JSON object keyed by the header, so it explains itself.
    ad.raw.clear();
    ad.raw.reserve(text.size() + 16 * header_.size());
    ad.raw.push_back('{');
    for (size_t c = 0; c < header_.size(); ++c) {
      if (c) ad.raw.push_back(',');
      core::AppendJsonString(ad.raw, header_[c]);
      ad.raw.push_back(':');
      core::AppendJsonString(ad.raw, fields_[c]);
    }
    ad.raw.push_back('}');
    return Status::Ok();
  }

 private:
  struct Column {
    size_t index;
    int field;
    int rank;
  };
  static int64_t Timestamp(std::string_view text) {
    text = TrimSpace(text);
    if (text.empty()) return 0;
    return core::ParseTimestamp(text).value_or(0);
  }

  std::vector<std::string> header_;
  char delim_;
  std::vector<Column> columns_;
  std::vector<std::string> fields_;
};

class CsvReader : public RecordReader {
 public:
  CsvReader(std::unique_ptr<io::InputStream> in, const FieldMap& map) : in_(std::move(in)), src_(*in_), map_(map) {}

  core::Result<bool> Next(RawRecord& record) override {
    if (!started_) {
      started_ = true;
      if (auto st = ReadHeader(); !st.ok()) return st;
    }
    for (;;) {
      auto more = Split(record);
      if (!more.ok() || !*more) return more;
      if (TrimSpace(record.bytes).empty()) continue;  // blank lines separate nothing
      return true;
    }
  }

  std::unique_ptr<RecordDecoder> NewDecoder() const override {
    return std::make_unique<CsvDecoder>(header_, delim_, map_);
  }
  Format format() const override { return Format::kCsv; }
  uint64_t file_bytes_read() const override { return in_->file_bytes_read(); }

 private:
  Status ReadHeader() {
    if (auto st = src_.Want(3); !st.ok()) return st;
    if (src_.window().substr(0, 3) == "\xEF\xBB\xBF") src_.Consume(3);
    // The delimiter comes from the first line; look at up to 64 KiB of it.
    for (;;) {
      std::string_view w = src_.window();
      if (w.find('\n') != std::string_view::npos || src_.eof() || w.size() >= (64u << 10)) break;
      if (auto st = src_.Fill(); !st.ok()) return st;
    }
    std::string_view w = src_.window();
    delim_ = DetectDelimiter(w.substr(0, std::min(w.find('\n'), w.size())));
    RawRecord header;
    for (;;) {
      auto more = Split(header);
      if (!more.ok()) return more.status();
      if (!*more) return Status::Ok();  // empty file: no header, no records
      if (!TrimSpace(header.bytes).empty()) break;
    }
    std::string text = core::RepairUtf8(header.bytes);
    std::vector<std::string> names;
    if (!ParseFields(text, delim_, names).ok() || header.bytes.size() > kMaxRecord) {
      // Without a usable header no row can be decoded; say so once, clearly.
      return Status::Error(StatusCode::kInvalidInput,
                           fmt::format("{}: the CSV header row (line {}) is malformed (unterminated quote or "
                                       "longer than {} MiB); the first row must name the columns",
                                       in_->path(), header.line, kMaxRecord >> 20));
    }
    for (size_t c = 0; c < names.size(); ++c) {
      std::string name(TrimSpace(names[c]));
      if (name.empty()) name = fmt::format("column_{}", c + 1);
      std::string unique = name;
      for (int k = 2; std::find(header_.begin(), header_.end(), unique) != header_.end(); ++k)
        unique = fmt::format("{}_{}", name, k);
      header_.push_back(std::move(unique));
    }
    return Status::Ok();
  }

  // Cuts the next record (without its line terminator) out of the stream.
  core::Result<bool> Split(RawRecord& record) {
    enum { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted } state = kFieldStart;
    size_t i = 0, first_newline = std::string_view::npos, newlines = 0;
    for (;;) {
      std::string_view w = src_.window();
      for (; i < w.size() && i <= kMaxRecord; ++i) {
        char c = w[i];
        if (c == '\n') {
          if (state != kQuoted) return Emit(record, i, i + 1, newlines + 1);
          if (first_newline == std::string_view::npos) first_newline = i;
          ++newlines;
          continue;
        }
        switch (state) {
          case kFieldStart: state = c == '"' ? kQuoted : c == delim_ ? kFieldStart : kUnquoted; break;
          case kUnquoted: if (c == delim_) state = kFieldStart; break;
          case kQuoted: if (c == '"') state = kQuoteInQuoted; break;
          case kQuoteInQuoted: state = c == '"' ? kQuoted : c == delim_ ? kFieldStart : kUnquoted; break;
        }
      }
      bool too_long = i > kMaxRecord;
      if (too_long || src_.eof()) {
        if (state == kQuoted && first_newline != std::string_view::npos) {
          // The quote opened here never closed (or closes absurdly far away):
          // quarantine this line and read on from the next one.
          return Emit(record, first_newline, first_newline + 1, 1);
        }
        if (too_long) return EmitTruncated(record);
        if (w.empty()) return false;
        return Emit(record, w.size(), w.size(), 0);
      }
      if (auto st = src_.Fill(); !st.ok()) return st;
    }
  }

  bool Emit(RawRecord& record, size_t length, size_t consume, size_t newlines) {
    std::string_view w = src_.window();
    record.bytes.assign(w.substr(0, length));
    if (!record.bytes.empty() && record.bytes.back() == '\r') record.bytes.pop_back();
    record.line = line_;
    record.byte_offset = src_.offset();
    line_ += newlines;
    src_.Consume(consume);
    return true;
  }

  // A line longer than kMaxRecord: hand over its first kMaxRecord + 1 bytes (the
  // decoder quarantines anything that long) and skip the rest of the line.
  core::Result<bool> EmitTruncated(RawRecord& record) {
    Emit(record, kMaxRecord + 1, kMaxRecord + 1, 0);
    for (;;) {
      std::string_view w = src_.window();
      size_t nl = w.find('\n');
      if (nl != std::string_view::npos) {
        src_.Consume(nl + 1);
        ++line_;
        return true;
      }
      src_.Consume(w.size());
      if (src_.eof()) return true;
      if (auto st = src_.Fill(); !st.ok()) return st;
    }
  }

  std::unique_ptr<io::InputStream> in_;
  ByteSource src_;
  FieldMap map_;
  bool started_ = false;
  char delim_ = ',';
  std::vector<std::string> header_;
  uint64_t line_ = 1;
};

}  // namespace

std::unique_ptr<RecordReader> NewCsvReader(std::unique_ptr<io::InputStream> in, const FieldMap& map) {
  return std::make_unique<CsvReader>(std::move(in), map);
}

}  // namespace lodestar::ingest
