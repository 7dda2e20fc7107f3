// Platform handle scanner: a hand-written equivalent of one RE2 pattern, as price_scan.h is for prices.
//
// Contract: ScanPlatformHandles reports exactly what successive RE2 searches of kPlatformHandlePattern over the
// whole text report (leftmost-first, each next search starting where the last match ended, at most 4,096
// matches), every capture group with the same span. Held to it by `ExtractShortcuts.ScannersFindWhatRe2Finds`,
// which compiles the pattern (nothing else does).
#pragma once

#include <string_view>
#include <vector>

#include "extract/price_scan.h"  // GroupMatch

namespace lodestar::extract {

// Group 1 the platform name, 2 the handle after it (filler words and marks between: "kik me: mia_x", "only fans
// @mia"). Filler words must end at a word boundary: "kik mercedes_x" is "mercedes_x", not "rcedes_x" after "me".
inline constexpr char kPlatformHandlePattern[] =
    "\\b(twitter|tweet\\s+me|instagram|insta|snapchat|snap|kik|telegram|whats\\s*app|whatsapp|onlyfans|only\\s*fans|"
    "fansly|skype|wechat)\\b"
    "(?:\\s*(?:(?:me|handle|name|id|username|user|account|page|is|at|on)\\b|[:=@>|-]))*\\s*@?\\s*"
    "([a-z0-9_][a-z0-9_.]{1,29})";
inline constexpr int kPlatformHandleGroups = 3;

// Appends the matches of kPlatformHandlePattern in `text` to `out` (not cleared). Linear time.
void ScanPlatformHandles(std::string_view text, std::vector<GroupMatch>& out);

}  // namespace lodestar::extract
