// HTML to readable text, for CDR documents, WARC responses and raw HTML files.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::ingest {

struct HtmlText {
  std::string title;  // <title>, whitespace collapsed
  std::string text;   // visible text: scripts, styles and comments dropped; block elements become line breaks
  std::string url;    // <link rel=canonical href> or else <meta property=og:url content>; empty if neither
};

// Parses with gumbo (an HTML5-conformant parser), so any byte sequence is accepted.
// Output is valid UTF-8. Invalid input bytes become U+FFFD; nesting deeper than a
// few hundred elements is flattened first (gumbo's tree building is quadratic in depth).
HtmlText HtmlToText(std::string_view html);

}  // namespace lodestar::ingest
