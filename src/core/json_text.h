// JSON string escaping for the hand-written JSON writers (extracted facts, the
// raw CSV row, synthetic ads): one escaping rule, so whatever one writer emits
// every reader in the project accepts.
#pragma once

#include <string>
#include <string_view>

namespace lodestar::core {

// Appends `s` escaped for the inside of a JSON string, without quotes:
// `"` and `\` get a backslash, newline/CR/tab become \n \r \t, every other
// control character and DEL becomes \u00xx (lower-case hex). Valid UTF-8 is
// copied as is; each byte that does not start a valid sequence becomes U+FFFD,
// so the output is always valid JSON (simdjson, which reads stored facts,
// rejects invalid UTF-8).
void AppendJsonEscaped(std::string& out, std::string_view s);

// Appends `s` as a quoted JSON string (escaped as by AppendJsonEscaped).
void AppendJsonString(std::string& out, std::string_view s);

// JSON unescaping of a byte range: each backslash escape of RFC 8259 (\" \\ \/ \b \f \n \r \t \uXXXX, with
// surrogate pairs joined into one code point) becomes its UTF-8 bytes, and every other byte, quotes included, is
// taken as is. The store keeps an ad's title and body as ranges of its raw JSON record read this way
// (store/ad_codec.cc), so that the same text is not kept twice.

// Appends the unescaping of `escaped` to `out`. Returns false on an escape that is malformed or a lone
// surrogate (`out` then holds an unspecified prefix).
bool AppendJsonUnescaped(std::string& out, std::string_view escaped);

// The end e of the range [start, e) of `text` whose unescaping is exactly `value`, or std::string_view::npos if
// no range starting at `start` unescapes to `value`. Linear in value.size(); runs without escapes are compared
// with memcmp.
size_t MatchJsonUnescaped(std::string_view text, size_t start, std::string_view value);

}  // namespace lodestar::core
