// Price and duration scanners: hand-written equivalents of two RE2 patterns.
//
// The price pass asked RE2 for every match of kMoneyPattern and kDurationPattern with all capture groups; at
// ~6k instructions per call (DFA search, reverse DFA for the start, then a bit-state pass for the groups) the
// two were the most expensive RE2 searches of an ad. The grammar is small, so these scanners walk the text once
// and test each position where a match can start.
//
// Contract: ScanMoney / ScanDurations report exactly what successive RE2 searches over the whole text report
// (leftmost-first, each next search starting where the last match ended, at most 4,096 matches): the same
// matches, in the same order, with the same span for every capture group (group k in g[k], g[0] the whole match,
// a group that took no part has a null data()). The patterns are kept here, compiled by the test
// `ExtractShortcuts.ScannersFindWhatRe2Finds` (and by nothing else), which holds the scanners to this contract
// on random, generated and real texts. Change a pattern and its scanner together.
#pragma once

#include <re2/re2.h>

#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "extract/windows.h"

namespace lodestar::extract {

// Groups: 1 currency before the amount, 2 its amount; 3 amount before a currency, 4 that currency as a symbol,
// 5 as a word; 6 amount after a price word ("donations are 200"); 7 amount before a per-hour word ("200/hr").
inline constexpr char kMoneyPattern[] =
    "(\\$|usd\\s|£|€)\\s*(\\d{2,5}(?:\\.\\d\\d)?)"
    "|\\b(\\d{2,5}(?:\\.\\d\\d)?)\\s*(?:(\\$|£|€)|(usd|dollars?|roses?|rs|bucks|eur|euros?|gbp|donations?)\\b)"
    "|\\b(?:donations?|roses?|rate|rates|gift)\\s*(?:is|are|:|-|=|of)?\\s*\\$?(\\d{2,5})\\b"
    "|\\b(\\d{2,4})\\s*(?:/|per|an?)?\\s*(?:hr|hrs|hour|hourly|hrly|hh|qv|half\\s*hour)\\b";
inline constexpr int kMoneyGroups = 8;

// Groups: 1 a number of units, 2 " 1/2" after it, 3 the unit; 4 a duration word ("qv", "half hour", "overnight").
inline constexpr char kDurationPattern[] =
    "(\\d{1,2}(?:\\.\\d)?)(\\s+1/2)?\\s*(minutes|minute|mins|min|mn|hours|hour|hrs|hr|h)\\b"
    "|\\b(quick\\s*visit|quickie|qv|half\\s*(?:an\\s+)?(?:hour|hr)|hh|hour\\s+and\\s+(?:a\\s+)?half|full\\s*hour|fh|"
    "hourly|hrly|hour|hr|overnight|over\\s*night|(?:one|1|all|full|a)\\s+night|night)\\b";
inline constexpr int kDurationGroups = 5;

// One match; g[k] points into the scanned text.
struct GroupMatch {
  std::array<re2::StringPiece, kMoneyGroups> g;
};

// Append the matches of kMoneyPattern / kDurationPattern in `text` to `out` (not cleared). Time linear in
// text.size().
void ScanMoney(std::string_view text, std::vector<GroupMatch>& out);
// The same, given `digit_runs` = DigitRuns(text) (windows.h): searches only near runs of two or more digits.
void ScanMoney(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out);
void ScanDurations(std::string_view text, std::vector<GroupMatch>& out);
// Of the matches ScanDurations reports, those that end at or after `first` and start at or before `second` of some
// range (ranges sorted by `first`), in order; reads only around the ranges (from the last word start before each
// that no match spans), except in texts long enough for the 4,096-match cap to matter.
void ScanDurationsAround(std::string_view text, const std::vector<std::pair<size_t, size_t>>& ranges,
                         std::vector<GroupMatch>& out);

}  // namespace lodestar::extract
