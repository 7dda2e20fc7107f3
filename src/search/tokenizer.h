// The tokens the search index stores and queries look up.
//
// A token is a maximal run of letters and digits (any script: ICU's u_isalnum),
// lower-cased per code point (u_tolower); everything else separates tokens.
// Invalid UTF-8 bytes separate tokens too, so any input is accepted. Tokens
// longer than kMaxTokenBytes are cut there: a 10 KB "word" is noise, not a
// term anyone searches for, and must not bloat the dictionary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lodestar::search {

inline constexpr size_t kMaxTokenBytes = 64;

// The tokens of one text, packed in one buffer (one allocation per text, not per token).
struct Tokens {
  std::string buf;               // the lower-cased tokens, back to back
  std::vector<uint32_t> ends;    // token i is buf[ends[i-1] (or 0), ends[i])
  std::vector<uint32_t> begins;  // byte offset of token i in the source text
  std::vector<uint32_t> source_ends;  // byte offset just past token i in the source text

  size_t size() const { return ends.size(); }
  std::string_view operator[](size_t i) const {
    uint32_t b = i ? ends[i - 1] : 0;
    return std::string_view(buf).substr(b, ends[i] - b);
  }
  void clear() {
    buf.clear();
    ends.clear();
    begins.clear();
    source_ends.clear();
  }
};

// Appends the tokens of `text` to `out` (call out.clear() first for a fresh list).
void Tokenize(std::string_view text, Tokens& out);

}  // namespace lodestar::search
