#include "ingest/reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "ingest/field_names.h"

namespace lodestar::ingest {
using core::Result;
using core::Status;
using core::StatusCode;

Result<Format> ParseFormat(const std::string& name) {
  if (name == "auto") return Format::kAuto;
  if (name == "jsonl" || name == "json" || name == "ndjson" || name == "cdr") return Format::kJsonLines;
  if (name == "csv") return Format::kCsv;
  if (name == "warc") return Format::kWarc;
  if (name == "html" || name == "htm") return Format::kHtml;
  return Status::Error(StatusCode::kInvalidInput,
                       fmt::format("--format {}: unknown format; use auto, jsonl, cdr, csv, warc or html", name));
}

const char* FormatName(Format f) {
  switch (f) {
    case Format::kAuto: return "auto";
    case Format::kJsonLines: return "jsonl";
    case Format::kCsv: return "csv";
    case Format::kWarc: return "warc";
    case Format::kHtml: return "html";
  }
  return "?";
}

static bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == b;
         });
}

Format DetectFormat(const std::string& path, std::string_view first) {
  std::string name = path;
  for (auto ext : {".gz", ".zst", ".zstd"})
    if (EndsWith(name, ext)) name.resize(name.size() - std::string_view(ext).size());
  if (EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson") || EndsWith(name, ".json") || EndsWith(name, ".cdr"))
    return Format::kJsonLines;
  if (EndsWith(name, ".csv")) return Format::kCsv;
  if (EndsWith(name, ".warc")) return Format::kWarc;
  if (EndsWith(name, ".html") || EndsWith(name, ".htm")) return Format::kHtml;
  // The name says nothing: look at the content.
  size_t i = first.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (i == std::string_view::npos) return Format::kJsonLines;
  std::string_view head = first.substr(i);
  if (head.substr(0, 5) == "WARC/") return Format::kWarc;
  if (head[0] == '{') return Format::kJsonLines;
  if (head[0] == '<') return Format::kHtml;
  return Format::kCsv;
}

Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path, Format format, const FieldMap& map) {
  if (auto st = ValidateFieldMap(map); !st.ok()) return st;
  if (format == Format::kAuto) {
    std::string first;
    if (path != "-") {
      auto probe = io::OpenInput(path);
      if (!probe.ok()) return probe.status();
      first.resize(4096);
      auto n = (*probe)->Read(first.data(), first.size());
      if (!n.ok()) return n.status();
      first.resize(*n);
    }
    format = DetectFormat(path, first);
  }
  auto in = io::OpenInput(path);
  if (!in.ok()) return in.status();
  switch (format) {
    case Format::kCsv: return NewCsvReader(std::move(in).value(), map);
    case Format::kWarc: return NewWarcReader(std::move(in).value(), map);
    case Format::kHtml: return NewHtmlReader(std::move(in).value(), map);
    default: return NewJsonLinesReader(std::move(in).value(), map);
  }
}

}  // namespace lodestar::ingest
