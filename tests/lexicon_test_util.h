// Shared check of the lexicon tests (extract_lexicon_speed_test, extract_shortcuts_test): Lexicon::HitStart held
// to each entry's RE2 tail pattern. Separate from extract_test_util.h because lexicon.h needs Hyperscan's headers.
#pragma once

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <string_view>
#include <vector>

#include "extract/lexicon.h"

namespace lodestar::extract::test {

// Checks Lexicon::HitStart against each entry's RE2 tail pattern at every end position of every text (the tail
// searched from at most 200 bytes before the end, as HitStart promises). Returns how many hits had a start.
inline size_t ExpectHitStartsMatchTail(const std::vector<const LexEntry*>& entries,
                                       const std::vector<std::string>& texts) {
  size_t starts = 0;
  for (const std::string& text : texts) {
    for (const LexEntry* e : entries) {
      for (size_t to = 1; to <= text.size(); ++to) {
        const size_t window = to > 200 ? to - 200 : 0;
        re2::StringPiece m;
        const re2::StringPiece upto(text.data(), to);
        const size_t want = e->tail->Match(upto, window, to, RE2::UNANCHORED, &m, 1)
                                ? static_cast<size_t>(m.data() - text.data())
                                : std::string_view::npos;
        const size_t got = Lexicon::HitStart(*e, text, to);
        EXPECT_EQ(got, want) << e->id << " to " << to << " in: " << text;
        if (got != want) return starts;  // the first difference is enough to report
        starts += want != std::string_view::npos;
      }
    }
  }
  return starts;
}

}  // namespace lodestar::extract::test
