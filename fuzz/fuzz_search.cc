// libFuzzer target: the search query parser and the index tokenizer. Queries
// come from users and over HTTP (GET /api/search?q=...), so any bytes must give
// a query or a positioned error: never a crash, hang or undefined behaviour.
//
// The search sources are compiled in directly (fuzz/run.sh links core/io/ingest
// objects only); they need ICU's character properties and core.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "search/query.cc"
#include "search/tokenizer.cc"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lodestar::search;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto q = ParseQuery(text);
  if (q.ok()) {
    for (const auto& c : q->clauses) {
      if (c.any.empty()) __builtin_trap();
      for (const auto& t : c.any) {
        if (t.tokens.empty()) __builtin_trap();  // the parser drops token-less words
        for (const auto& tok : t.tokens)
          if (tok.empty() || tok.size() > kMaxTokenBytes) __builtin_trap();
      }
    }
  } else if (q.status().message().find("position") == std::string::npos) {
    __builtin_trap();  // every error names where the query went wrong
  }
  Tokens tokens;
  Tokenize(text, tokens);
  uint32_t prev_end = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens.begins[i] < prev_end || tokens.source_ends[i] <= tokens.begins[i] || tokens.source_ends[i] > size)
      __builtin_trap();
    if (tokens[i].empty() || tokens[i].size() > kMaxTokenBytes) __builtin_trap();
    prev_end = tokens.source_ends[i];
  }
  return 0;
}
