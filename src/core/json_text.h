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

}  // namespace lodestar::core
