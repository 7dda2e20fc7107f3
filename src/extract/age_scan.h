// Self-reported age scanner: a hand-written equivalent of one RE2 pattern, as price_scan.h is for prices.
//
// Contract: ScanAges reports exactly what successive RE2 searches of kAgePattern over the whole text report
// (leftmost-first, each next search starting where the last match ended, at most 4,096 matches), every capture
// group with the same span (g[k]; g[0] the whole match; a group that took no part has a null data()). Held to it by
// `ExtractShortcuts.ScannersFindWhatRe2Finds`, which compiles the pattern (nothing else does).
#pragma once

#include <string_view>
#include <vector>

#include "extract/price_scan.h"  // GroupMatch
#include "extract/windows.h"

namespace lodestar::extract {

// Groups, one per alternative, each the two-digit age: 1 after "age"/"aged"/"edad"; 2 before "yrs old", "years
// young", "yr of age"; 3 before "y/o", "yo", "y.o.", "yrs", "years" and a character that is no letter or digit; 4
// after "i am", "i'm", "im" (and "a", "only", "just"); 5 before "anos"; 6 after "tengo".
inline constexpr char kAgePattern[] =
    "\\b(?:age|aged|edad)\\s*(?:is|:|-|=)?\\s*(\\d{2})\\b"
    "|\\b(\\d{2})\\s*(?:yrs?|years?|yr)\\.?\\s*(?:old|young|of\\s+age)\\b"
    "|\\b(\\d{2})\\s*(?:y/o|yo|y\\.o\\.?|yrs|years)(?:[^a-z0-9]|$)"
    "|\\b(?:i\\s+am|i'm|im|i\\s+m)\\s+(?:a\\s+|only\\s+|just\\s+)?(\\d{2})\\b"
    "|\\b(\\d{2})\\s*(?:anos|ano)\\b|\\btengo\\s+(\\d{2})\\b";
inline constexpr int kAgeGroups = 7;

// Appends the matches of kAgePattern in `text` to `out` (not cleared), given `digit_runs` = DigitRuns(text): every
// match holds a run of exactly two digits, so only the bytes just before such runs are tried. Linear time.
void ScanAges(std::string_view text, const std::vector<Window>& digit_runs, std::vector<GroupMatch>& out);
void ScanAges(std::string_view text, std::vector<GroupMatch>& out);

}  // namespace lodestar::extract
