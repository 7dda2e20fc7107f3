// HTML to readable text, for CDR documents, WARC responses and raw HTML files.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::ingest {

struct HtmlText {
  std::string title;  // <title>, whitespace collapsed
  std::string text;   // visible text: scripts, styles and comments dropped; block elements become line breaks
};

// Parses with gumbo (an HTML5-conformant parser), so any byte sequence is accepted.
// Output is valid UTF-8.
HtmlText HtmlToText(std::string_view html);

}  // namespace lodestar::ingest
