// Two-step RE2 matching for patterns whose capture groups are costly to find.
//
// RE2 finds where a match begins and ends with its DFA (cheap), but the groups need a submatch engine whose cost
// grows with the program's size, and bounded repeats such as the e-mail local part's {0,63} multiply that size
// (~1,700 instructions for the e-mail pattern against ~270 with the bounds dropped: 7.7 us against 2.1 us per
// search with groups, 0.5 us without). So a TwoStepPattern first asks the exact pattern for the match alone, then
// reads the groups of exactly that span with `relaxed`: the same pattern with its bounded repeats unbounded.
//
// Why the groups are the exact pattern's: every parse of the span under the exact pattern is also a parse under the
// relaxed one, ranked the same way (leftmost-first: the same choices in the same order, the bounds only removing
// some). The relaxed pattern's first-ranked parse of the span is therefore the exact one's whenever it keeps the
// bounds; `within_bounds` checks that, and where it does not hold, the exact pattern reads the groups itself.
#pragma once

#include <re2/re2.h>

#include <cstddef>

namespace lodestar::extract {

class TwoStepPattern {
 public:
  // `within_bounds(groups)` is true when the groups of a relaxed parse satisfy every bound the exact pattern has.
  // Both patterns must outlive this object and have the same capture groups.
  TwoStepPattern(const RE2& exact, const RE2& relaxed, bool (*within_bounds)(const re2::StringPiece* groups))
      : exact_(exact), relaxed_(relaxed), within_bounds_(within_bounds) {}

  // Same contract and results as RE2::Match on the exact pattern.
  bool Match(const re2::StringPiece& text, size_t startpos, size_t endpos, RE2::Anchor anchor,
             re2::StringPiece* groups, int n) const {
    re2::StringPiece whole;
    if (!exact_.Match(text, startpos, endpos, anchor, &whole, 1)) return false;
    if (n <= 1) {
      if (n == 1) groups[0] = whole;
      return true;
    }
    const size_t begin = static_cast<size_t>(whole.data() - text.data()), end = begin + whole.size();
    // The text around [begin, end) stays visible to both patterns as context for \b, ^ and $.
    if (relaxed_.Match(text, begin, end, RE2::ANCHOR_BOTH, groups, n) && within_bounds_(groups)) return true;
    return exact_.Match(text, begin, end, RE2::ANCHOR_BOTH, groups, n);
  }
  int NumberOfCapturingGroups() const { return exact_.NumberOfCapturingGroups(); }

 private:
  const RE2& exact_;
  const RE2& relaxed_;
  bool (*within_bounds_)(const re2::StringPiece* groups);
};

}  // namespace lodestar::extract
