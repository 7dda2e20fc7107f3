// Match windows: where in the normalised text a pattern's matches can lie, so its RE2 pass searches only there.
//
// RE2's DFA costs a few nanoseconds per byte, and far more on patterns with long bounded repeats (the e-mail
// local part's {0,63}); most of an ad's bytes are nowhere near an e-mail address, a URL or an @. Each
// builder below returns byte ranges of `t` such that every match the whole-text search can report (the
// leftmost-first match at or after any position) lies inside one of them. The contract per builder is written
// next to the pattern it serves in extractor.cc; the test `ExtractShortcuts.WindowsFindWhatTheWholeTextFinds`
// holds each builder to it on generated and random texts (WindowViolation in prechecks.h).
#pragma once

#include <emmintrin.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lodestar::extract {

// A byte range [begin, end) of the normalised text.
struct Window {
  size_t begin, end;
};

// Builders: each appends to `out` (which it does not clear).
// URL: every maximal run of bytes that a URL can contain (no white space, quotes, brackets or <>) holding a '.' or
// a ':' (every match has "://" or a dot) and "http", "www." or a '.' followed by two letters.
void UrlWindows(std::string_view t, std::vector<Window>& out);
// The maximal runs of ASCII digits, in order: the input of the scanners that start from numbers (price_scan.h,
// age_scan.h, measure_scan.h).
void DigitRuns(std::string_view t, std::vector<Window>& out);

// Calls fn(groups) for every match that a search of the whole text from position 0 reports (each next search
// starting where the last match ended; at most 4,096 matches), in the same order, searching only inside
// `windows` (any order: sorted and merged here). Exact when every such match lies inside one window and the
// pattern cannot match the empty string: RE2 reads the bytes around [startpos, endpos) as context for \b, ^
// and $, so a match found inside a window is a match of the whole text, and the leftmost one at or after a
// position is found in the first window that holds any.
// `Pattern` is RE2 or anything with RE2's Match and NumberOfCapturingGroups.
template <typename Pattern, typename Fn>
void ForEachMatchIn(const Pattern& re, std::string_view text, std::vector<Window>& windows, Fn&& fn) {
  if (windows.empty()) return;
  const int n = re.NumberOfCapturingGroups() + 1;
  re2::StringPiece groups[16];
  if (n > 16) return;
  std::sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) { return a.begin < b.begin; });
  size_t merged = 0;
  for (const Window& w : windows) {
    if (merged > 0 && w.begin <= windows[merged - 1].end) {
      windows[merged - 1].end = std::max(windows[merged - 1].end, w.end);
    } else {
      windows[merged++] = w;
    }
  }
  windows.resize(merged);
  const re2::StringPiece input(text.data(), text.size());
  size_t pos = 0;
  int found = 0;
  for (const Window& w : windows) {
    const size_t end = std::min(w.end, text.size());
    while (std::max(pos, w.begin) < end && found < 4096) {
      const size_t from = std::max(pos, w.begin);
      if (!re.Match(input, from, end, RE2::UNANCHORED, groups, n)) break;
      fn(groups);
      ++found;
      const size_t match_end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
      pos = match_end > from ? match_end : from + 1;
    }
  }
}

}  // namespace lodestar::extract
