// Height, weight and title-age scanners: hand-written equivalents of three RE2 patterns, as price_scan.h is for
// prices and age_scan.h for ages.
//
// Contract: each Scan function reports exactly what successive RE2 searches of its pattern over the whole text
// report (leftmost-first, each next search starting where the last match ended, at most 4,096 matches), every
// capture group with the same span (g[k]; g[0] the whole match; a group that took no part has a null data()).
// Held to it by `ExtractShortcuts.ScannersFindWhatRe2Finds`, which compiles the patterns (nothing else does).
#pragma once

#include <string_view>
#include <vector>

#include "extract/price_scan.h"  // GroupMatch
#include "extract/windows.h"

namespace lodestar::extract {

// Groups: 1 the feet (4-6) before ', "ft", "feet" or "foot", 2 the inches after them (one or two digits, maybe
// with a decimal and an inch mark); 3 the centimetres (140-199) before "cm". The feet alternative ends with one
// character that is no digit, or the end.
inline constexpr char kHeightPattern[] =
    "\\b([4-6])\\s*(?:'|ft|feet|foot)\\s*(?:(\\d{1,2})(?:\\.\\d)?\\s*(?:\"|''|in|inch|inches)?)?(?:[^0-9]|$)"
    "|\\b(1[4-9]\\d)\\s*cm\\b";
inline constexpr int kHeightGroups = 4;

// Groups: 1 two or three digits before "lb", "lbs", "pounds" or '#' and a character that is no lower-case letter
// or digit (or the end); 2 two or three digits before "kg".
inline constexpr char kWeightPattern[] = "\\b(\\d{2,3})\\s*(?:lbs?|pounds|#)(?:[^a-z0-9]|$)|\\b(\\d{2,3})\\s*kg\\b";
inline constexpr int kWeightGroups = 3;

// Group 1: the two digits of a listing-convention age ("Sizzling hot - 22"): after the text start or a character
// that is no digit, '$' or '.', then white space, '-', white space; before white space, ',' or the end.
inline constexpr char kTitleAgePattern[] = "(?:^|[^0-9$.])\\s-\\s(\\d{2})(?:\\s|,|$)";
inline constexpr int kTitleAgeGroups = 2;

// Append the matches of the pattern in `text` to `out` (not cleared), given `digit_runs` = DigitRuns(text):
// every match holds a run of digits of a known length at (heights, weights) or just after (title ages) its start,
// so only those starts are tried. Linear time.
void ScanHeights(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out);
void ScanHeights(std::string_view text, std::vector<GroupMatch>& out);
void ScanWeights(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out);
void ScanWeights(std::string_view text, std::vector<GroupMatch>& out);
void ScanTitleAges(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out);
void ScanTitleAges(std::string_view text, std::vector<GroupMatch>& out);

}  // namespace lodestar::extract
