// JSON Lines and Memex CDR decoding with simdjson's On-Demand API.
#include <simdjson.h>

#include <array>
#include <cstring>
#include <functional>
#include <unordered_map>

#include <fmt/format.h>

#include "core/time.h"
#include "core/utf8.h"
#include "ingest/field_names.h"
#include "ingest/html_text.h"
#include "ingest/reader.h"

namespace lodestar::ingest {
using core::Status;
using core::StatusCode;

namespace {

constexpr int kFields = static_cast<int>(AdField::kCount);

class JsonDecoder : public RecordDecoder {
 public:
  explicit JsonDecoder(const FieldMap& map) {
    for (int f = 0; f < kFields; ++f) {
      auto names = CandidateNames(static_cast<AdField>(f), map);
      for (size_t rank = 0; rank < names.size(); ++rank) keys_[names[rank]].push_back({f, int(rank)});
    }
  }

  Status Decode(const RawRecord& record, core::Ad& ad, DecodeStats& stats) override {
    std::string_view text = record.bytes;
    std::string repaired;
    // simdjson validates UTF-8 (with the same validator as core::IsValidUtf8) before it accepts a document, so a
    // clean parse proves there is nothing to repair. Only a failed parse pays for the check, the repair and a retry.
    simdjson::dom::element doc;
    auto error = Parse(text, doc);
    if (error) {
      if (core::IsValidUtf8(text)) return Invalid(error);
      repaired = core::RepairUtf8(text, &stats.utf8_repairs);
      text = repaired;
      error = Parse(text, doc);
      if (error) return Invalid(error);
    }

    // Each field's text as a view: of the parser's buffer for strings (valid until the next parse), of
    // scalar_text_ for numbers and booleans. Assigned into the Ad's strings, so that an Ad reused between
    // batches keeps its capacity and decoding allocates nothing.
    FieldValues value{};
    std::array<int, kFields> best_rank;
    best_rank.fill(1 << 30);
    std::string_view raw_content;
    simdjson::dom::object obj;
    if (doc.get(obj)) {
      return Status::Error(StatusCode::kInvalidInput, "not a JSON object (each line must be one {...} record)");
    }
    for (auto [key, val] : obj) {
      if (key == "raw_content") {
        if (val.get(raw_content)) raw_content = {};  // not a string: no page to read
        continue;
      }
      auto it = keys_.find(key);
      if (it == keys_.end()) continue;
      for (const auto& k : it->second) {
        if (k.rank >= best_rank[k.field]) continue;
        const std::string_view scalar = ScalarText(val, scalar_text_[k.field]);
        if (scalar.empty()) break;  // objects, arrays and null are kept in raw only
        value[k.field] = scalar;
        best_rank[k.field] = k.rank;
        break;
      }
    }

    AssignTextFields(value, ad);
    ad.posted = Timestamp(value[int(AdField::kPosted)]);
    ad.crawled = Timestamp(value[int(AdField::kCrawled)]);
    if (!raw_content.empty() && (ad.body.empty() || ad.title.empty())) {
      // A Memex CDR document: the page itself is in raw_content.
      HtmlText page = HtmlToText(raw_content);
      if (ad.body.empty()) ad.body = std::move(page.text);
      if (ad.title.empty()) ad.title = std::move(page.title);
    }
    if (ad.title.empty() && ad.body.empty())
      return Status::Error(StatusCode::kInvalidInput,
                           "record has no text: none of title, body, text, content, description, extracted_text, "
                           "raw_content is present (use --map body=FIELD to name the text field)");
    ad.raw.assign(text);
    return Status::Ok();
  }

 private:
  struct Key {
    int field;
    int rank;
  };
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // The DOM API is dispatched at run time to the best kernel for this CPU
  // (the On-Demand front end would be compiled for the generic target).
  simdjson::error_code Parse(std::string_view text, simdjson::dom::element& doc) {
    if (buffer_.size() < text.size() + simdjson::SIMDJSON_PADDING) buffer_.resize(text.size() * 2 + 4096);
    std::memcpy(buffer_.data(), text.data(), text.size());
    return parser_.parse(reinterpret_cast<const uint8_t*>(buffer_.data()), text.size(), false).get(doc);
  }

  static Status Invalid(simdjson::error_code error) {
    return Status::Error(StatusCode::kInvalidInput, fmt::format("malformed JSON: {}", simdjson::error_message(error)));
  }

  // Text of a string, number or boolean value (numbers and booleans written into `scratch`); empty for objects,
  // arrays and null.
  static std::string_view ScalarText(simdjson::dom::element val, std::string& scratch) {
    std::string_view s;
    if (!val.get(s)) return s;
    if (val.is_int64()) {
      scratch = std::to_string(int64_t(val));
    } else if (val.is_uint64()) {
      scratch = std::to_string(uint64_t(val));
    } else if (val.is_double()) {
      scratch = fmt::format("{}", double(val));
    } else if (val.is_bool()) {
      scratch = bool(val) ? "true" : "false";
    } else {
      return {};
    }
    return scratch;
  }

  static int64_t Timestamp(std::string_view text) {
    if (text.empty()) return 0;
    return core::ParseTimestamp(text).value_or(0);
  }

  // Input field name -> the ad fields it may fill, in CandidateNames order (the first one still open wins).
  std::unordered_map<std::string, std::vector<Key>, NameHash, std::equal_to<>> keys_;
  simdjson::dom::parser parser_;
  std::string buffer_;
  std::array<std::string, kFields> scalar_text_;  // ScalarText's numbers and booleans, per field
};

class JsonLinesReader : public RecordReader {
 public:
  JsonLinesReader(std::unique_ptr<io::InputStream> in, const FieldMap& map)
      : in_(std::move(in)), lines_(*in_), map_(map) {}

  core::Result<bool> Next(RawRecord& record) override {
    for (;;) {
      std::string_view line;
      auto more = lines_.Next(line, record.line, record.byte_offset);
      if (!more.ok() || !*more) return more;
      // Blank lines separate nothing in JSON Lines; skip them rather than quarantine.
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      record.bytes.assign(line);
      return true;
    }
  }
  std::unique_ptr<RecordDecoder> NewDecoder() const override { return NewJsonDecoder(map_); }
  Format format() const override { return Format::kJsonLines; }
  uint64_t file_bytes_read() const override { return in_->file_bytes_read(); }

 private:
  std::unique_ptr<io::InputStream> in_;
  io::LineReader lines_;
  FieldMap map_;
};

}  // namespace

std::unique_ptr<RecordDecoder> NewJsonDecoder(const FieldMap& map) { return std::make_unique<JsonDecoder>(map); }

std::unique_ptr<RecordReader> NewJsonLinesReader(std::unique_ptr<io::InputStream> in, const FieldMap& map) {
  return std::make_unique<JsonLinesReader>(std::move(in), map);
}

}  // namespace lodestar::ingest
