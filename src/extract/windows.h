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
  uint32_t merged = 1;  // how many builder windows ForEachMatchIn merged into this one
};

// Calls fn(p) for every p, in increasing order, with t[p] == a and t[p + 1] == b, until fn returns true; returns
// whether it did. For pairs such as "at" whose bytes are each common (memchr on 'a' stops at every 'a') but rarely
// next to each other: sixteen positions are compared at a time.
template <typename Fn>
bool AnyBytePair(std::string_view t, char a, char b, Fn&& fn) {
  const size_t n = t.size();
  size_t p = 0;
  const __m128i first = _mm_set1_epi8(a), second = _mm_set1_epi8(b);
  for (; p + 17 <= n; p += 16) {
    const __m128i here = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p));
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + p + 1));
    for (unsigned m = static_cast<unsigned>(
             _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(here, first), _mm_cmpeq_epi8(next, second))));
         m != 0; m &= m - 1) {
      if (fn(p + static_cast<size_t>(__builtin_ctz(m)))) return true;
    }
  }
  for (; p + 1 < n; ++p) {
    if (t[p] == a && t[p + 1] == b && fn(p)) return true;
  }
  return false;
}

// Builders: each appends to `out` (which it does not clear).
// E-mail (local part of at most 64 bytes, '@', "(at)", "[at]", "{at}" or a spaced "at", domain, dot, TLD):
// from the first byte that can start a local part (at most 64 bytes before each separator) to the end of the
// domain and TLD after it. Every match through one separator ends alike, so the leftmost starts at the window's
// begin: searched with starts_at_begin.
void EmailWindows(std::string_view t, std::vector<Window>& out);
// URL: every maximal run of bytes that a URL can contain (no white space, quotes, brackets or <>) holding a '.' or
// a ':' (every match has "://" or a dot) and "http", "www." or a '.' followed by two letters.
void UrlWindows(std::string_view t, std::vector<Window>& out);
// The maximal runs of ASCII digits, in order: the input of the scanners that start from numbers (price_scan.h,
// age_scan.h, measure_scan.h).
void DigitRuns(std::string_view t, std::vector<Window>& out);
// "@handle" mentions: the 4 bytes before each '@' (one code point that is not part of a word) and 32 after.
void MentionWindows(std::string_view t, std::vector<Window>& out);

// Calls fn(groups) for every match that a search of the whole text from position 0 reports (each next search
// starting where the last match ended; at most 4,096 matches), in the same order, searching only inside
// `windows` (any order: sorted and merged here). Exact when every such match lies inside one window and the
// pattern cannot match the empty string: RE2 reads the bytes around [startpos, endpos) as context for \b, ^
// and $, so a match found inside a window is a match of the whole text, and the leftmost one at or after a
// position is found in the first window that holds any.
// With `starts_at_begin` (the builder's promise that every match inside one of its windows starts at the window's
// begin), a window that was not merged with another is searched once, anchored at its begin: one cheap call that
// fails at once where nothing matches, instead of an unanchored search and a last failing one.
// `Pattern` is RE2 or anything with RE2's Match and NumberOfCapturingGroups (TwoStepPattern, two_step_match.h).
template <typename Pattern, typename Fn>
void ForEachMatchIn(const Pattern& re, std::string_view text, std::vector<Window>& windows, Fn&& fn,
                    bool starts_at_begin = false) {
  if (windows.empty()) return;
  const int n = re.NumberOfCapturingGroups() + 1;
  re2::StringPiece groups[16];
  if (n > 16) return;
  std::sort(windows.begin(), windows.end(), [](const Window& a, const Window& b) { return a.begin < b.begin; });
  size_t merged = 0;
  for (const Window& w : windows) {
    if (merged > 0 && w.begin <= windows[merged - 1].end) {
      windows[merged - 1].end = std::max(windows[merged - 1].end, w.end);
      windows[merged - 1].merged += w.merged;
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
    if (starts_at_begin && w.merged == 1) {
      if (pos <= w.begin && w.begin < end && found < 4096 &&
          re.Match(input, w.begin, end, RE2::ANCHOR_START, groups, n)) {
        fn(groups);
        ++found;
        const size_t match_end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
        pos = match_end > w.begin ? match_end : w.begin + 1;
      }
      continue;
    }
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
