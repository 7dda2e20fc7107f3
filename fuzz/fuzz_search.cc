// libFuzzer target: the search query parser, the index tokenizer and query
// evaluation. Queries come from users and over HTTP (GET /api/search?q=...), so
// any bytes must give a query or a positioned error, and any query must evaluate
// against an index: never a crash, hang or undefined behaviour. Evaluation runs
// on a small segment written once (generated texts and facts), both ways the
// index evaluates (top k streaming, and every match for facets), with and without
// the match cache; the two must agree on the number of matches.
//
// query.cc and tokenizer.cc are compiled in directly; fuzz/run.sh links the
// segment and matcher objects (zstd, Abseil) for this target.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "search/matcher.h"
#include "search/query.cc"
#include "search/segment.h"
#include "search/tokenizer.cc"

namespace {

using namespace lodestar::search;

const Segment& SmallSegment() {
  static std::unique_ptr<Segment> segment = [] {
    const char* words[] = {"new",  "in",    "town",  "sweet", "cash",  "only", "visit", "visits", "company",
                           "call", "first", "timers", "welcome", "caf\xc3\xa9", "\xe2\x91\xa4", "24/7"};
    const size_t n_words = sizeof(words) / sizeof(words[0]);
    SegmentWriter writer(100);
    SegmentWriter::Batch batch;
    const uint32_t ads = 3000;  // enough for lists past the match cache's minimum
    batch.docs.resize(ads);
    for (uint32_t i = 0; i < ads; ++i) {
      SegmentDoc d;
      d.id = "f" + std::to_string(i);
      d.site = i % 3 ? "site-a" : "site-b";
      d.city = i % 5 ? "portland" : "salem";
      d.state = "or";
      d.posted = 1483228800 + 3600 * static_cast<int64_t>(i);
      d.title = std::string(words[i % n_words]) + " " + words[(i / 3) % n_words];
      for (uint32_t k = 0; k < 12; ++k) {
        d.body += words[(i * 7 + k * k) % n_words];
        d.body += k % 5 == 4 ? ". " : " ";
      }
      d.facts.push_back({"phone", i % 4 ? "+15035550147" : "+19715550148", "body:0-10"});
      d.facts.push_back({"age", std::to_string(18 + i % 12), "body:11-13"});
      d.facts.push_back({"city", d.city, "location"});
      SegmentWriter::Prepare(std::move(d), batch.docs[i]);
    }
    batch.size = ads;
    SegmentWriter::Seal(batch);
    writer.Add(batch);
    char path[] = "/tmp/fuzz_search_segment_XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) std::abort();
    close(fd);
    if (!writer.Write(path).ok()) std::abort();
    auto opened = Segment::Open(path);
    unlink(path);  // the map stays valid
    if (!opened.ok()) std::abort();
    return std::move(opened.value());
  }();
  return *segment;
}

void Evaluate(const Query& q) {
  static MatchCache cache(8 << 20);
  for (MatchCache* c : {static_cast<MatchCache*>(nullptr), &cache}) {
    MatchContext ctx;
    ctx.segments.push_back(&SmallSegment());
    ctx.network_of = [](uint64_t o) { return static_cast<uint32_t>(o % 7 == 0 ? o : UINT32_MAX); };
    ctx.cluster_of = [](uint64_t o) { return static_cast<uint32_t>(o / 10 * 10); };
    ctx.cache = c;
    auto all = lodestar::search::Evaluate(ctx, q);
    auto top = EvaluateTop(ctx, q, 10, q.has_text() ? MatchOrder::kScore : MatchOrder::kPosted);
    if (all.ok() != top.ok()) __builtin_trap();
    if (all.ok() && all->size() != top->total) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
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
    Evaluate(*q);
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
