#include "search/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace lodestar::search {

void Tokenize(std::string_view text, Tokens& out) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  bool in_token = false;
  size_t token_start = 0;  // in out.buf
  auto close = [&](int32_t at) {
    if (!in_token) return;
    in_token = false;
    out.ends.push_back(static_cast<uint32_t>(out.buf.size()));
    out.source_ends.push_back(static_cast<uint32_t>(at));
  };
  auto open = [&](int32_t at) {
    if (in_token) return;
    in_token = true;
    token_start = out.buf.size();
    out.begins.push_back(static_cast<uint32_t>(at));
  };
  while (i < n) {
    const int32_t at = i;
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
      if (!alnum) {
        close(at);
        continue;
      }
      open(at);
      if (out.buf.size() - token_start < kMaxTokenBytes) out.buf.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
      continue;
    }
    UChar32 cp;
    U8_NEXT(s, i, n, cp);
    if (cp < 0 || !u_isalnum(cp)) {
      close(at);
      continue;
    }
    open(at);
    cp = u_tolower(cp);
    char enc[4];
    int32_t len = 0;
    UBool error = false;
    U8_APPEND(reinterpret_cast<uint8_t*>(enc), len, 4, cp, error);
    if (!error && out.buf.size() - token_start + static_cast<size_t>(len) <= kMaxTokenBytes) out.buf.append(enc, static_cast<size_t>(len));
  }
  close(n);
}

}  // namespace lodestar::search
