// Shared set-up of the extraction tests: the extractor resources (lexicon,
// gazetteer, compiled patterns), loaded once per test binary; and the whole-text
// RE2 search that the fast paths are held to, with its matches as group records.
#pragma once

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <string_view>
#include <vector>

#include "extract/extractor.h"

namespace lodestar::extract::test {

// The default resources, or null (with a test failure) when they cannot be loaded.
inline std::shared_ptr<const ExtractorResources> SharedResources() {
  static auto res = [] {
    auto r = LoadResources();
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? r.value() : nullptr;
  }();
  return res;
}

// Every group of every match, as offsets (-1 for a group that took no part) and sizes.
using GroupRecord = std::vector<long>;
inline void RecordGroups(std::string_view text, const re2::StringPiece* g, int n, GroupRecord& out) {
  for (int k = 0; k < n; ++k) {
    out.push_back(g[k].data() ? g[k].data() - text.data() : -1);
    out.push_back(static_cast<long>(g[k].size()));
  }
}

// What successive RE2 searches of the whole text report (each next search from where the last match ended, at most
// 4,096 matches): the loop that the scanners, windows and prechecks replace, and the answer they are held to.
inline GroupRecord Re2Matches(const RE2& re, std::string_view text) {
  GroupRecord out;
  const int n = re.NumberOfCapturingGroups() + 1;
  re2::StringPiece g[16];
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  for (int found = 0; pos <= text.size() && found < 4096; ++found) {
    if (!re.Match(input, pos, text.size(), RE2::UNANCHORED, g, n)) break;
    RecordGroups(text, g, n, out);
    const size_t end = static_cast<size_t>(g[0].data() - text.data()) + g[0].size();
    pos = end > pos ? end : pos + 1;
  }
  return out;
}

}  // namespace lodestar::extract::test
